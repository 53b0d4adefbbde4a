// RealFft against a naive double-precision DFT, for every compiled backend.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "allocation_counter.hpp"
#include "deminer/dsp/core/fft.hpp"

using deminer::dsp::FftBackend;
using deminer::dsp::RealFft;

namespace {

std::vector<std::complex<double>> naive_dft(const std::vector<float>& x) {
  const std::size_t n = x.size();
  std::vector<std::complex<double>> out(n / 2 + 1);
  for (std::size_t k = 0; k < out.size(); ++k) {
    std::complex<double> sum = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      // Reduce k·i mod n first so the phase stays accurate for large n.
      const double phase =
          -2.0 * std::numbers::pi * static_cast<double>((k * i) % n) / static_cast<double>(n);
      sum += static_cast<double>(x[i]) * std::polar(1.0, phase);
    }
    out[k] = sum;
  }
  return out;
}

std::vector<float> random_signal(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> x(n);
  for (auto& v : x) v = dist(rng);
  return x;
}

struct Case {
  FftBackend backend;
  std::size_t n;
};

std::vector<Case> all_cases() {
  std::vector<Case> cases;
  for (auto backend : deminer::dsp::available_fft_backends()) {
    for (std::size_t n : {64, 100, 128, 256, 243, 512, 1000, 1024, 1536, 2048, 2969, 4096}) {
      cases.push_back({backend, n});
    }
  }
  return cases;
}

class FftTest : public ::testing::TestWithParam<Case> {};

TEST_P(FftTest, ForwardMatchesNaiveDft) {
  const auto [backend, n] = GetParam();
  const auto x = random_signal(n, static_cast<unsigned>(n));
  RealFft fft(n, backend);
  std::vector<std::complex<float>> spectrum(fft.spectrum_size());
  fft.forward(x, spectrum);
  const auto reference = naive_dft(x);
  // float32 FFT error grows like sqrt(log n)·eps·||x||; ||x|| ~ sqrt(n/3) for uniform noise.
  const double tolerance = 2e-5 * std::sqrt(static_cast<double>(n));
  for (std::size_t k = 0; k < reference.size(); ++k) {
    ASSERT_NEAR(spectrum[k].real(), reference[k].real(), tolerance) << "bin " << k;
    ASSERT_NEAR(spectrum[k].imag(), reference[k].imag(), tolerance) << "bin " << k;
  }
}

TEST_P(FftTest, InverseOfForwardIsNTimesInput) {
  const auto [backend, n] = GetParam();
  const auto x = random_signal(n, 7u + static_cast<unsigned>(n));
  RealFft fft(n, backend);
  std::vector<std::complex<float>> spectrum(fft.spectrum_size());
  std::vector<float> back(n);
  fft.forward(x, spectrum);
  fft.inverse(spectrum, back);
  for (std::size_t i = 0; i < n; ++i) {
    ASSERT_NEAR(back[i] / static_cast<float>(n), x[i], 2e-5f) << "sample " << i;
  }
}

TEST_P(FftTest, PureToneLandsInOneBin) {
  const auto [backend, n] = GetParam();
  const std::size_t bin = n / 7;
  std::vector<float> x(n);
  for (std::size_t i = 0; i < n; ++i) {
    x[i] = static_cast<float>(
        std::cos(2.0 * std::numbers::pi * static_cast<double>(bin * i) / static_cast<double>(n)));
  }
  RealFft fft(n, backend);
  std::vector<std::complex<float>> spectrum(fft.spectrum_size());
  fft.forward(x, spectrum);
  // Analytic: a unit cosine at bin b has X[b] = N/2, all other bins 0.
  for (std::size_t k = 0; k < spectrum.size(); ++k) {
    const double expected = k == bin ? static_cast<double>(n) / 2.0 : 0.0;
    ASSERT_NEAR(std::abs(spectrum[k]), expected, 1e-3 * static_cast<double>(n)) << "bin " << k;
  }
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  return std::string(deminer::dsp::to_string(info.param.backend)) + "_" +
         std::to_string(info.param.n);
}

INSTANTIATE_TEST_SUITE_P(AllBackends, FftTest, ::testing::ValuesIn(all_cases()), case_name);

TEST(Fft, ExecutionAllocatesNothing) {
  for (auto backend : deminer::dsp::available_fft_backends()) {
    for (std::size_t n : {256, 1000, 1536, 3000, 4096}) {
      RealFft fft(n, backend);
      const auto x = random_signal(n, 3);
      std::vector<std::complex<float>> spectrum(fft.spectrum_size());
      std::vector<float> back(n);
      const std::vector<float> misaligned_source(n + 1);  // exercises the copy path of FFTW
      deminer::test::AllocationCounter counter;
      fft.forward(x, spectrum);
      fft.inverse(spectrum, back);
      fft.forward(std::span(misaligned_source).subspan(1), spectrum);
      EXPECT_EQ(counter.count(), 0u) << to_string(backend) << " n=" << n;
    }
  }
}

TEST(Fft, AllocationCounterSeesAllocations) {
  // Guards the test above against a counter that never counts.
  deminer::test::AllocationCounter counter;
  auto* p = new std::vector<float>(100);
  delete p;
  EXPECT_GE(counter.count(), 2u);
}

TEST(Fft, FastSizeIsTheSmallestEven5Smooth) {
  auto is_fast = [](std::size_t n) {
    if (n == 0 || n % 2 != 0) return false;
    for (std::size_t p : {2u, 3u, 5u}) {
      while (n % p == 0) n /= p;
    }
    return n == 1;
  };
  for (std::size_t n = 0; n < 5000; ++n) {
    const std::size_t fast = deminer::dsp::fast_fft_size(n);
    ASSERT_GE(fast, n);
    ASSERT_TRUE(is_fast(fast)) << n;
    for (std::size_t m = n; m < fast; ++m) ASSERT_FALSE(is_fast(m)) << n << " -> " << fast;
  }
  EXPECT_EQ(deminer::dsp::fast_fft_size(2969), 3000u);
  EXPECT_EQ(deminer::dsp::fast_fft_size(512), 512u);
}

TEST(Fft, RejectsTinySizes) {
  EXPECT_THROW(RealFft(1), std::invalid_argument);
  EXPECT_THROW(RealFft(0), std::invalid_argument);
}

TEST(Fft, DefaultBackendIsAvailable) {
  const auto backends = deminer::dsp::available_fft_backends();
  ASSERT_FALSE(backends.empty());
  EXPECT_EQ(backends.front(), deminer::dsp::default_fft_backend());
}

}  // namespace
