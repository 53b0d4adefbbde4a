// Envelope against scipy.signal.hilbert vectors (tests/reference/make_envelope_reference.py)
// and against the analytic envelope of a Gaussian-modulated cosine.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numbers>
#include <sstream>
#include <string>
#include <vector>

#include "allocation_counter.hpp"
#include "deminer/dsp/gpr/envelope.hpp"

using deminer::dsp::Envelope;

namespace {

struct ReferenceCase {
  std::string name;
  std::size_t fft_size = 0;
  std::vector<float> x;
  std::vector<double> envelope;
};

std::vector<ReferenceCase> read_reference() {
  std::ifstream in(std::string(DEMINER_TEST_REFERENCE_DIR) + "/envelope_reference.csv");
  std::vector<ReferenceCase> cases;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string first;
    std::getline(fields, first, ',');
    if (first == "case") {
      ReferenceCase c;
      std::string n;
      std::getline(fields, c.name, ',');
      std::getline(fields, n, ',');
      fields >> c.fft_size;
      c.x.reserve(std::stoul(n));
      cases.push_back(std::move(c));
    } else {
      double envelope = 0.0;
      fields >> envelope;
      cases.back().x.push_back(std::stof(first));
      cases.back().envelope.push_back(envelope);
    }
  }
  return cases;
}

TEST(Envelope, MatchesScipyHilbert) {
  const auto cases = read_reference();
  ASSERT_EQ(cases.size(), 3u) << "envelope_reference.csv missing or damaged";
  for (auto backend : deminer::dsp::available_fft_backends()) {
    for (const auto& c : cases) {
      ASSERT_EQ(c.x.size(), c.envelope.size()) << c.name;
      Envelope envelope(c.x.size(), backend);
      ASSERT_EQ(envelope.fft_size(), c.fft_size) << c.name;
      std::vector<float> out(c.x.size());
      envelope.process(c.x, out);
      const double peak = *std::max_element(c.envelope.begin(), c.envelope.end());
      for (std::size_t i = 0; i < out.size(); ++i) {
        ASSERT_NEAR(out[i], c.envelope[i], 2e-6 * peak)
            << c.name << " " << to_string(backend) << " sample " << i;
      }
    }
  }
}

TEST(Envelope, OfGaussianModulatedCosineIsTheGaussian) {
  // Bedrosian: for a carrier far above the bandwidth of the modulation, the envelope of
  // g(t)·cos(2π f t) is g(t). Here the Gaussian's spectrum is ~1e-30 of its peak at the carrier.
  const std::size_t n = 512;
  const double centre = 256.3;
  const double sigma = 40.0;
  const double cycles_per_sample = 0.12;
  std::vector<float> x(n);
  std::vector<double> gaussian(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double t = static_cast<double>(i) - centre;
    gaussian[i] = std::exp(-t * t / (2.0 * sigma * sigma));
    x[i] = static_cast<float>(gaussian[i] *
                              std::cos(2.0 * std::numbers::pi * cycles_per_sample * t + 0.7));
  }
  Envelope envelope(n);
  std::vector<float> out(n);
  envelope.process(x, out);
  for (std::size_t i = 0; i < n; ++i) {
    if (gaussian[i] < 1e-3) continue;  // away from the edges, where float rounding dominates
    ASSERT_NEAR(out[i], gaussian[i], 1e-5) << "sample " << i;
  }
}

TEST(Envelope, InPlaceEqualsOutOfPlaceAndShortTracesWork) {
  const std::size_t max_samples = 300;
  std::vector<float> x(250);
  for (std::size_t i = 0; i < x.size(); ++i)
    x[i] = std::sin(0.37f * static_cast<float>(i * i % 97));
  Envelope envelope(max_samples);
  std::vector<float> out(x.size());
  envelope.process(x, out);
  std::vector<float> in_place = x;
  envelope.process(in_place, in_place);
  EXPECT_EQ(in_place, out);
}

TEST(Envelope, ProcessAllocatesNothing) {
  for (auto backend : deminer::dsp::available_fft_backends()) {
    Envelope envelope(512, backend);
    std::vector<float> x(512, 0.5f);
    std::vector<float> out(512);
    deminer::test::AllocationCounter counter;
    envelope.process(x, out);
    envelope.process(std::span(x).first(100), std::span(out).first(100));
    EXPECT_EQ(counter.count(), 0u) << to_string(backend);
  }
}

TEST(Envelope, RejectsZeroCapacity) { EXPECT_THROW(Envelope(0), std::invalid_argument); }

}  // namespace
