// ComplexFft against a naive double-precision DFT (both directions), for every compiled backend
// and sizes 8..1024 including non-powers of two and primes; in place equals out of place; no
// allocation for 5-smooth sizes.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "allocation_counter.hpp"
#include "deminer/dsp/core/fft.hpp"

using deminer::dsp::ComplexFft;
using deminer::dsp::FftBackend;

namespace {

std::vector<std::complex<double>> naive_dft(const std::vector<std::complex<float>>& x,
                                            double sign) {
  const std::size_t n = x.size();
  std::vector<std::complex<double>> out(n);
  for (std::size_t k = 0; k < n; ++k) {
    std::complex<double> sum = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      // Reduce k·i mod n first so the phase stays accurate for large n.
      const double phase =
          sign * 2.0 * std::numbers::pi * static_cast<double>((k * i) % n) / static_cast<double>(n);
      sum += std::complex<double>(x[i]) * std::polar(1.0, phase);
    }
    out[k] = sum;
  }
  return out;
}

std::vector<std::complex<float>> random_signal(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<std::complex<float>> x(n);
  for (auto& v : x) v = {dist(rng), dist(rng)};
  return x;
}

struct Case {
  FftBackend backend;
  std::size_t n;
};

std::vector<Case> all_cases() {
  std::vector<Case> cases;
  for (auto backend : deminer::dsp::available_fft_backends()) {
    for (std::size_t n : {8,   9,   12,  15,  16,  17,  30,  64,   97,   100,
                          128, 243, 250, 256, 360, 500, 512, 1000, 1021, 1024}) {
      cases.push_back({backend, n});
    }
  }
  return cases;
}

class ComplexFftTest : public ::testing::TestWithParam<Case> {};

void expect_near(const std::vector<std::complex<float>>& got,
                 const std::vector<std::complex<double>>& want, std::size_t n) {
  // float32 FFT error grows like sqrt(log n)·eps·||x||; ||x|| ~ sqrt(2n/3) for this noise.
  const double tolerance = 2e-5 * std::sqrt(static_cast<double>(n));
  for (std::size_t k = 0; k < want.size(); ++k) {
    ASSERT_NEAR(got[k].real(), want[k].real(), tolerance) << "bin " << k;
    ASSERT_NEAR(got[k].imag(), want[k].imag(), tolerance) << "bin " << k;
  }
}

TEST_P(ComplexFftTest, ForwardMatchesNaiveDft) {
  const auto [backend, n] = GetParam();
  const auto x = random_signal(n, static_cast<unsigned>(n));
  ComplexFft fft(n, backend);
  ASSERT_EQ(fft.size(), n);
  ASSERT_EQ(fft.backend(), backend);
  std::vector<std::complex<float>> spectrum(n);
  fft.forward(x, spectrum);
  expect_near(spectrum, naive_dft(x, -1.0), n);
}

TEST_P(ComplexFftTest, InverseMatchesNaiveUnnormalisedDft) {
  const auto [backend, n] = GetParam();
  const auto x = random_signal(n, 3u + static_cast<unsigned>(n));
  ComplexFft fft(n, backend);
  std::vector<std::complex<float>> out(n);
  fft.inverse(x, out);
  expect_near(out, naive_dft(x, +1.0), n);
}

TEST_P(ComplexFftTest, InPlaceEqualsOutOfPlaceAndRoundTrips) {
  const auto [backend, n] = GetParam();
  const auto x = random_signal(n, 11u + static_cast<unsigned>(n));
  ComplexFft fft(n, backend);
  std::vector<std::complex<float>> out(n);
  fft.forward(x, out);
  auto in_place = x;
  fft.forward(in_place, in_place);
  for (std::size_t k = 0; k < n; ++k) {
    ASSERT_EQ(in_place[k], out[k]) << "bin " << k;
  }
  fft.inverse(in_place, in_place);
  const float scale = 1.0f / static_cast<float>(n);
  for (std::size_t i = 0; i < n; ++i) {
    ASSERT_NEAR(in_place[i].real() * scale, x[i].real(), 1e-5f) << "sample " << i;
    ASSERT_NEAR(in_place[i].imag() * scale, x[i].imag(), 1e-5f) << "sample " << i;
  }
}

TEST_P(ComplexFftTest, UnalignedSpansGiveTheSameResult) {
  // Offsetting by one element breaks the 16-byte alignment FFTW's plans were made for.
  const auto [backend, n] = GetParam();
  const auto x = random_signal(n, 13u + static_cast<unsigned>(n));
  ComplexFft fft(n, backend);
  std::vector<std::complex<float>> aligned(n);
  fft.forward(x, aligned);
  std::vector<std::complex<float>> shifted_in(n + 1);
  std::vector<std::complex<float>> shifted_out(n + 1);
  std::copy(x.begin(), x.end(), shifted_in.begin() + 1);
  fft.forward(std::span<const std::complex<float>>(shifted_in).subspan(1),
              std::span<std::complex<float>>(shifted_out).subspan(1));
  for (std::size_t k = 0; k < n; ++k) {
    ASSERT_EQ(shifted_out[k + 1], aligned[k]) << "bin " << k;
  }
}

INSTANTIATE_TEST_SUITE_P(AllBackends, ComplexFftTest, ::testing::ValuesIn(all_cases()),
                         [](const auto& param_info) {
                           return std::string(to_string(param_info.param.backend)) + "_" +
                                  std::to_string(param_info.param.n);
                         });

TEST(ComplexFft, FastSizesAllocateNothing) {
  for (auto backend : deminer::dsp::available_fft_backends()) {
    for (std::size_t n : {8, 12, 30, 64, 100, 250, 360, 512, 1000, 1024}) {
      ASSERT_EQ(deminer::dsp::fast_fft_size(n), n);
      const auto x = random_signal(n, 17u);
      ComplexFft fft(n, backend);
      std::vector<std::complex<float>> out(n);
      auto in_place = x;
      deminer::test::AllocationCounter counter;
      fft.forward(x, out);
      fft.inverse(out, out);
      fft.forward(in_place, in_place);
      EXPECT_EQ(counter.count(), 0u) << to_string(backend) << " n " << n;
    }
  }
}

TEST(ComplexFft, RejectsSizeZeroAndMissingBackend) {
  EXPECT_THROW(ComplexFft(0), std::invalid_argument);
  const auto backends = deminer::dsp::available_fft_backends();
  if (backends.size() == 1) {
    EXPECT_THROW(ComplexFft(16, FftBackend::fftw), std::invalid_argument);
  }
}

}  // namespace
