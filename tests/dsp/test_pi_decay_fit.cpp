// Decay time-constant estimators against analytic exponentials: exact recovery without noise
// (with and without an offset, with the finite-pulse factor 1 - e^(-Tp/τ)), and with noise a
// Monte Carlo spread of the three-parameter fit close to its Cramér–Rao bound (computed here
// independently from the Fisher information of A·e^(−t/τ)+c).
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

#include "allocation_counter.hpp"
#include "deminer/dsp/md/pi_decay_fit.hpp"

using deminer::dsp::md::DecayEstimate;
using deminer::dsp::md::ExponentialFit;
using deminer::dsp::md::log_linear_decay;
using deminer::dsp::md::two_gate_tau;

namespace {

// 16 gates, logarithmic from 10 µs to 640 µs.
std::vector<float> gate_times() {
  std::vector<float> t(16);
  for (std::size_t i = 0; i < t.size(); ++i) {
    t[i] = static_cast<float>(10e-6 * std::pow(64.0, static_cast<double>(i) / 15.0));
  }
  return t;
}

std::vector<float> decay(const std::vector<float>& t, double amplitude, double tau, double offset,
                         double pulse_s = 0.0) {
  const double pulse_factor = pulse_s > 0.0 ? -std::expm1(-pulse_s / tau) : 1.0;
  std::vector<float> v(t.size());
  for (std::size_t i = 0; i < t.size(); ++i) {
    v[i] = static_cast<float>(amplitude * pulse_factor * std::exp(-t[i] / tau) + offset);
  }
  return v;
}

// Cramér–Rao bound of τ for A·e^(−t/τ)+c with white noise σ.
double crlb_tau(const std::vector<float>& t, double amplitude, double tau, double sigma) {
  Eigen::Matrix3d fisher = Eigen::Matrix3d::Zero();
  for (float ti : t) {
    const double e = std::exp(-ti / tau);
    const Eigen::Vector3d j(e, amplitude * ti / (tau * tau) * e, 1.0);
    fisher += j * j.transpose() / (sigma * sigma);
  }
  return std::sqrt(fisher.inverse()(1, 1));
}

}  // namespace

TEST(PiDecayFit, TwoGateIsExactForAnExponential) {
  const double tau = 18.2e-6;
  const float v1 = static_cast<float>(std::exp(-10e-6 / tau));
  const float v2 = static_cast<float>(std::exp(-30e-6 / tau));
  EXPECT_NEAR(two_gate_tau(10e-6f, v1, 30e-6f, v2), tau, 1e-5 * tau);
  EXPECT_NEAR(two_gate_tau(10e-6f, -v1, 30e-6f, -v2), tau, 1e-5 * tau);  // sign-free
  EXPECT_TRUE(std::isnan(two_gate_tau(10e-6f, v2, 30e-6f, v1)));         // growing: no decay
  EXPECT_TRUE(std::isnan(two_gate_tau(10e-6f, v1, 30e-6f, -v2)));
  EXPECT_TRUE(std::isnan(two_gate_tau(30e-6f, v1, 10e-6f, v2)));
}

TEST(PiDecayFit, NoiselessExponentialsAreRecoveredOverThreeDecades) {
  const auto t = gate_times();
  const ExponentialFit fit({});
  for (double tau : {3e-6, 10e-6, 18.2e-6, 50e-6, 200e-6, 1e-3}) {
    // Gates where the decay has fallen below 2 % are left out of the log-linear fit; the fit
    // needs at least two gates above it, so start the comparison at τ = 3 µs.
    const auto v = decay(t, 2.5, tau, 0.0, 100e-6);
    const DecayEstimate log_linear = log_linear_decay(t, v);
    ASSERT_TRUE(log_linear.valid) << tau;
    EXPECT_NEAR(log_linear.tau_s, tau, 1e-4 * tau) << tau;
    // The pulse factor scales the amplitude only.
    EXPECT_NEAR(log_linear.amplitude, 2.5 * -std::expm1(-100e-6 / tau), 1e-3 * 2.5) << tau;
    const DecayEstimate full = fit.fit(t, v);
    ASSERT_TRUE(full.valid) << tau;
    EXPECT_NEAR(full.tau_s, tau, 1e-4 * tau) << tau;
    EXPECT_NEAR(full.offset, 0.0, 1e-5);
  }
}

TEST(PiDecayFit, ThreeParameterFitRemovesAnOffsetThatBiasesTheOthers) {
  const auto t = gate_times();
  const double tau = 40e-6;
  const auto v = decay(t, 1.0, tau, 0.02);
  const DecayEstimate full = ExponentialFit({}).fit(t, v);
  ASSERT_TRUE(full.valid);
  EXPECT_NEAR(full.tau_s, tau, 1e-4 * tau);
  EXPECT_NEAR(full.offset, 0.02, 1e-5);
  EXPECT_NEAR(full.amplitude, 1.0, 1e-4);
  // The same offset makes the log-linear fit see a much longer decay.
  const DecayEstimate log_linear = log_linear_decay(t, v);
  ASSERT_TRUE(log_linear.valid);
  EXPECT_GT(log_linear.tau_s, 1.2 * tau);
}

TEST(PiDecayFit, FinitePulseFactorDoesNotBiasTau) {
  const auto t = gate_times();
  const ExponentialFit fit({});
  for (double tau : {20e-6, 300e-6, 2e-3}) {  // factor 0.99, 0.28 and 0.049 for Tp = 100 µs
    const auto v = decay(t, 1.0, tau, 0.003, 100e-6);
    const DecayEstimate full = fit.fit(t, v);
    ASSERT_TRUE(full.valid) << tau;
    EXPECT_NEAR(full.tau_s, tau, 1e-3 * tau) << tau;
    EXPECT_NEAR(full.amplitude, -std::expm1(-100e-6 / tau), 1e-3) << tau;
    EXPECT_NEAR(two_gate_tau(t[1], v[1] - 0.003f, t[6], v[6] - 0.003f), tau, 1e-3 * tau);
  }
}

TEST(PiDecayFit, NoisyFitIsUnbiasedAndNearTheCramerRaoBound) {
  const auto t = gate_times();
  const ExponentialFit fit({});
  std::mt19937 rng(7);
  for (double sigma : {1e-3, 1e-2}) {
    const double tau = 60e-6, amplitude = 1.0, offset = 0.05;
    const double bound = crlb_tau(t, amplitude, tau, sigma);
    std::normal_distribution<float> noise(0.0f, static_cast<float>(sigma));
    const int trials = 400;
    double sum = 0.0, sum_sq = 0.0, reported = 0.0;
    for (int k = 0; k < trials; ++k) {
      auto v = decay(t, amplitude, tau, offset);
      for (float& x : v) x += noise(rng);
      const DecayEstimate e = fit.fit(t, v);
      ASSERT_TRUE(e.valid);
      sum += e.tau_s;
      sum_sq += static_cast<double>(e.tau_s) * e.tau_s;
      reported += e.tau_sigma_s;
    }
    const double mean = sum / trials;
    const double spread = std::sqrt(sum_sq / trials - mean * mean);
    EXPECT_NEAR(mean, tau, 4.0 * spread / std::sqrt(trials) + 0.01 * bound) << sigma;
    EXPECT_LT(spread, 1.15 * bound) << sigma;  // efficient: near the bound
    EXPECT_GT(spread, 0.85 * bound) << sigma;  // and the bound is the right yardstick
    EXPECT_NEAR(reported / trials, bound, 0.15 * bound) << sigma;  // its own σ is honest
  }
}

TEST(PiDecayFit, RejectsTooFewGatesAndUnorderedTimes) {
  const ExponentialFit fit({});
  const std::vector<float> t{1e-5f, 2e-5f, 3e-5f};
  const std::vector<float> v{1.0f, 0.5f, 0.25f};
  EXPECT_FALSE(fit.fit(t, v).valid);
  const std::vector<float> t4{1e-5f, 3e-5f, 2e-5f, 4e-5f};
  const std::vector<float> v4{1.0f, 0.5f, 0.25f, 0.1f};
  EXPECT_FALSE(fit.fit(t4, v4).valid);
  EXPECT_FALSE(log_linear_decay(std::vector<float>{1e-5f}, std::vector<float>{1.0f}).valid);
}

TEST(PiDecayFit, InvalidConfigNamesTheField) {
  ExponentialFit::Config c;
  c.min_tau_s = 1.0;
  c.max_tau_s = 0.1;
  try {
    ExponentialFit f(c);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("min_tau_s"), std::string::npos) << e.what();
  }
  c = {};
  c.grid_points = 2;
  EXPECT_THROW(ExponentialFit{c}, std::invalid_argument);
}

TEST(PiDecayFit, FitsAllocateNothing) {
  const auto t = gate_times();
  const auto v = decay(t, 1.0, 30e-6, 0.01);
  const ExponentialFit fit({});
  deminer::test::AllocationCounter counter;
  float sink = 0.0f;
  for (int k = 0; k < 100; ++k) {
    sink += fit.fit(t, v).tau_s + log_linear_decay(t, v).tau_s;
  }
  EXPECT_EQ(counter.count(), 0u);
  EXPECT_GT(sink, 0.0f);
}
