// Feature vector against an independent numpy implementation
// (tests/reference/make_features_reference.py) and against analytic spectra: tone, impulse,
// Ricker wavelet, white noise; polarity with side lobes; the hyperbola slots.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <numbers>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "allocation_counter.hpp"
#include "deminer/dsp/detect/features.hpp"

using namespace deminer::dsp;

namespace {

struct ReferenceCase {
  std::string name;
  FeatureExtractor::Config config;
  std::size_t window_start = 0;
  std::size_t fft_size = 0;
  std::vector<float> signal;
  std::vector<double> features;
};

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> fields;
  std::istringstream in(line);
  std::string field;
  while (std::getline(in, field, ',')) fields.push_back(field);
  return fields;
}

std::vector<ReferenceCase> read_reference() {
  std::ifstream in(std::string(DEMINER_TEST_REFERENCE_DIR) + "/features_reference.csv");
  std::vector<ReferenceCase> cases;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto f = split(line);
    if (f[0] == "case" && f.size() == 13) {
      ReferenceCase c;
      c.name = f[1];
      c.config.sample_interval_s = std::stod(f[2]);
      c.config.window_samples = std::stoul(f[3]);
      c.window_start = std::stoul(f[4]);
      c.config.zero_padding = std::stoul(f[5]);
      c.config.polarity_threshold = std::stod(f[6]);
      for (std::size_t b = 0; b <= feature_band_count; ++b)
        c.config.band_edges_hz[b] = std::stod(f[7 + b]);
      c.fft_size = std::stoul(f[12]);
      cases.push_back(c);
    } else if (f[0] == "signal" && !cases.empty()) {
      for (std::size_t i = 1; i < f.size(); ++i) cases.back().signal.push_back(std::stof(f[i]));
    } else if (f[0] == "features" && !cases.empty()) {
      for (std::size_t i = 1; i < f.size(); ++i) cases.back().features.push_back(std::stod(f[i]));
    }
  }
  return cases;
}

std::vector<float> ricker(std::size_t n, double dt, double t0, double f0, double amplitude = 1.0) {
  std::vector<float> x(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double a = std::pow(std::numbers::pi * f0 * (static_cast<double>(i) * dt - t0), 2);
    x[i] = static_cast<float>(amplitude * (1.0 - 2.0 * a) * std::exp(-a));
  }
  return x;
}

std::vector<float> extract(FeatureExtractor& extractor, std::span<const float> x,
                           std::size_t start = 0) {
  std::vector<float> out(feature_count, -99.0f);
  EXPECT_EQ(extractor.extract(x, start, out), feature_count);
  return out;
}

float get(const std::vector<float>& features, Feature f) { return features[feature_index(f)]; }

TEST(Features, MatchNumpyReference) {
  const auto cases = read_reference();
  ASSERT_EQ(cases.size(), 4u) << "features_reference.csv missing or damaged";
  for (auto backend : available_fft_backends()) {
    for (const auto& c : cases) {
      ASSERT_EQ(c.features.size(), feature_count) << c.name;
      FeatureExtractor extractor(c.config, backend);
      ASSERT_EQ(extractor.fft_size(), c.fft_size) << c.name;
      const auto out = extract(extractor, c.signal, c.window_start);
      for (std::size_t k = 0; k < feature_count; ++k) {
        EXPECT_NEAR(out[k], c.features[k], 1e-4 * std::abs(c.features[k]) + 1e-6)
            << c.name << " " << to_string(backend) << " " << feature_name(static_cast<Feature>(k));
      }
    }
  }
}

FeatureExtractor::Config gpr_config(std::size_t window) {
  FeatureExtractor::Config config;
  config.sample_interval_s = 50e-12;  // 20 GS/s
  config.window_samples = window;
  config.band_edges_hz = {0.2e9, 0.7e9, 1.2e9, 1.7e9, 2.2e9};
  return config;
}

TEST(Features, PureToneGivesCentroidAndPeakAtTheTone) {
  for (auto backend : available_fft_backends()) {
    for (double tone_hz : {0.6e9, 1.037e9, 1.5e9}) {
      FeatureExtractor extractor(gpr_config(256), backend);
      std::vector<float> x(256);
      for (std::size_t i = 0; i < x.size(); ++i)
        x[i] = static_cast<float>(
            std::cos(2.0 * std::numbers::pi * tone_hz * 50e-12 * static_cast<double>(i) + 0.3));
      const auto out = extract(extractor, x);
      EXPECT_NEAR(get(out, Feature::peak_frequency_hz), tone_hz, 1e-3 * tone_hz) << tone_hz;
      EXPECT_NEAR(get(out, Feature::spectral_centroid_hz), tone_hz, 5e-3 * tone_hz) << tone_hz;
      // The Hann main lobe is ±2 bins of the unpadded window wide: 2 / (256 · 50 ps) = 156 MHz.
      EXPECT_LT(get(out, Feature::rms_bandwidth_hz), 80e6);
      EXPECT_LT(get(out, Feature::spectral_flatness), 1e-3);
      EXPECT_NEAR(get(out, Feature::time_energy), 128.0, 1.0);  // N · A² / 2
    }
  }
}

TEST(Features, ImpulseHasAFlatSpectrum) {
  // A single sample's spectrum is flat: flatness 1, centroid at the middle of the analysis band,
  // RMS bandwidth that of a uniform distribution, band fractions proportional to band widths.
  for (auto backend : available_fft_backends()) {
    FeatureExtractor::Config config = gpr_config(200);
    config.band_edges_hz = {1e9, 2e9, 4e9, 5e9, 9e9};
    FeatureExtractor extractor(config, backend);
    std::vector<float> x(200, 0.0f);
    x[77] = -2.0f;
    const auto out = extract(extractor, x);
    EXPECT_NEAR(get(out, Feature::spectral_flatness), 1.0, 1e-5);
    EXPECT_NEAR(get(out, Feature::spectral_centroid_hz), 5e9, 5e9 * 1e-3);
    EXPECT_NEAR(get(out, Feature::rms_bandwidth_hz), 8e9 / std::sqrt(12.0), 8e9 * 1e-3);
    const double widths[4] = {1.0, 2.0, 1.0, 4.0};
    for (std::size_t b = 0; b < feature_band_count; ++b) {
      EXPECT_NEAR(out[feature_index(Feature::band_energy_fraction_0) + b], widths[b] / 8.0, 3e-3)
          << b;
    }
    EXPECT_FLOAT_EQ(get(out, Feature::time_energy), 4.0f);
    EXPECT_EQ(get(out, Feature::first_echo_polarity), -1.0f);
  }
}

TEST(Features, RickerPeakFrequencyIsItsCentreFrequency) {
  // |Ricker spectrum| ∝ f² exp(-f² / f0²) peaks at f0.
  for (auto backend : available_fft_backends()) {
    for (double f0 : {0.5e9, 0.9e9, 1.3e9, 1.8e9}) {
      FeatureExtractor::Config config = gpr_config(256);
      config.band_edges_hz = {0.1e9, 1e9, 2e9, 3e9, 4e9};
      FeatureExtractor extractor(config, backend);
      const auto x = ricker(300, 50e-12, 6.4e-9, f0);
      const auto out = extract(extractor, x);
      EXPECT_NEAR(get(out, Feature::peak_frequency_hz), f0, 0.02 * f0) << f0;
      EXPECT_EQ(get(out, Feature::first_echo_polarity), 1.0f);
    }
  }
}

TEST(Features, WhiteNoiseFlatnessIsExpMinusEulerGamma) {
  // One periodogram's bins are exponentially distributed: E[ln P] = ln E[P] - γ, so the flatness
  // of white noise tends to e^(-γ) ≈ 0.561 (1 only for a perfectly flat spectrum, see the
  // impulse test), far above a tone's.
  FeatureExtractor::Config config = gpr_config(2048);
  config.zero_padding = 1;
  config.band_edges_hz = {0.5e9, 2e9, 4e9, 6e9, 9.5e9};
  FeatureExtractor extractor(config);
  std::mt19937_64 rng(17);
  std::normal_distribution<float> normal;
  double sum = 0.0;
  const int realisations = 10;
  for (int r = 0; r < realisations; ++r) {
    std::vector<float> x(2048);
    for (auto& v : x) v = normal(rng);
    const float flatness = get(extract(extractor, x), Feature::spectral_flatness);
    EXPECT_GT(flatness, 0.45f);
    EXPECT_LT(flatness, 0.68f);
    sum += flatness;
  }
  EXPECT_NEAR(sum / realisations, std::exp(-std::numbers::egamma), 0.03);
}

TEST(Features, PolarityIgnoresRickerSideLobes) {
  // The side lobe before the main lobe is 2 e^(-3/2) ≈ 0.446 of it.
  for (double sign : {1.0, -1.0}) {
    FeatureExtractor extractor(gpr_config(128));
    const auto x = ricker(128, 50e-12, 3.2e-9, 1.0e9, sign * 0.7);
    EXPECT_EQ(get(extract(extractor, x), Feature::first_echo_polarity), sign);
    // A threshold below the side lobe reports the side lobe's (opposite) sign: the threshold
    // matters, and the test would catch one that does not skip side lobes.
    FeatureExtractor::Config low = gpr_config(128);
    low.polarity_threshold = 0.4;
    FeatureExtractor low_extractor(low);
    EXPECT_EQ(get(extract(low_extractor, x), Feature::first_echo_polarity), -sign);
  }
  // A weak first echo (below threshold) does not decide; the first strong one does.
  FeatureExtractor extractor(gpr_config(200));
  auto x = ricker(200, 50e-12, 2.0e-9, 1.0e9, 0.4);
  const auto strong = ricker(200, 50e-12, 6.0e-9, 1.0e9, -1.0);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] += strong[i];
  EXPECT_EQ(get(extract(extractor, x), Feature::first_echo_polarity), -1.0f);
  // All zero: no polarity, no spectrum.
  const std::vector<float> zeros(200, 0.0f);
  const auto out = extract(extractor, zeros);
  for (std::size_t k = 0; k < feature_count; ++k) EXPECT_EQ(out[k], 0.0f) << k;
}

TEST(Features, SpectralFeaturesIgnoreAmplitudeAndEnergyScalesWithItsSquare) {
  FeatureExtractor extractor(gpr_config(128));
  auto x = ricker(160, 50e-12, 4e-9, 1.1e9);
  const auto a = extract(extractor, x, 20);
  for (auto& v : x) v *= 8.0f;
  const auto b = extract(extractor, x, 20);
  for (std::size_t k = 0; k < feature_count; ++k) {
    const double scale = static_cast<Feature>(k) == Feature::time_energy ? 64.0 : 1.0;
    EXPECT_NEAR(b[k], scale * a[k], 1e-5 * std::abs(scale * a[k]) + 1e-7)
        << feature_name(static_cast<Feature>(k));
  }
}

TEST(Features, WindowIsClippedToTheSignalAndBadCallsWriteNothing) {
  FeatureExtractor extractor(gpr_config(64));
  const auto x = ricker(100, 50e-12, 3.5e-9, 1.2e9);
  const auto clipped = extract(extractor, x, 60);  // 40 samples left
  const auto shorter = extract(extractor, std::span(x).subspan(60), 0);
  EXPECT_EQ(clipped, shorter);
  std::vector<float> out(feature_count, 5.0f);
  EXPECT_EQ(extractor.extract(x, 99, out), 0u);   // 1 sample left
  EXPECT_EQ(extractor.extract(x, 100, out), 0u);  // none
  std::vector<float> small(feature_count - 1, 5.0f);
  EXPECT_EQ(extractor.extract(x, 0, small), 0u);
  for (float v : out) EXPECT_EQ(v, 5.0f);
  for (float v : small) EXPECT_EQ(v, 5.0f);
}

TEST(Features, FitSlotsComeFromTheHyperbolaFit) {
  FeatureExtractor extractor(gpr_config(64));
  auto out = extract(extractor, ricker(64, 50e-12, 1.6e-9, 1.2e9));
  EXPECT_EQ(get(out, Feature::hyperbola_curvature_s_per_m2), 0.0f);
  EXPECT_EQ(get(out, Feature::velocity_m_per_s), 0.0f);
  HyperbolaFit fit;
  fit.ok = true;
  fit.apex_curvature_s_per_m2 = 1.5e-7;
  fit.velocity_m_per_s = 1.1e8;
  add_fit_features(fit, out);
  EXPECT_FLOAT_EQ(get(out, Feature::hyperbola_curvature_s_per_m2), 1.5e-7f);
  EXPECT_FLOAT_EQ(get(out, Feature::velocity_m_per_s), 1.1e8f);
  fit.ok = false;
  add_fit_features(fit, out);
  EXPECT_EQ(get(out, Feature::hyperbola_curvature_s_per_m2), 0.0f);
  EXPECT_EQ(get(out, Feature::velocity_m_per_s), 0.0f);
}

TEST(Features, NamesAndUnitsAreDistinctAndKnown) {
  std::set<std::string_view> names;
  for (std::size_t k = 0; k < feature_count; ++k) {
    const auto f = static_cast<Feature>(k);
    EXPECT_NE(feature_name(f), "unknown");
    EXPECT_FALSE(feature_unit(f).empty());
    names.insert(feature_name(f));
  }
  EXPECT_EQ(names.size(), feature_count);
  EXPECT_EQ(feature_name(Feature::first_echo_polarity), "first_echo_polarity");
  EXPECT_EQ(feature_unit(Feature::peak_frequency_hz), "Hz");
  EXPECT_EQ(feature_unit(Feature::hyperbola_curvature_s_per_m2), "s/m^2");
}

TEST(Features, RejectsBadConfigNamingTheField) {
  auto expect_throw = [](const FeatureExtractor::Config& config, const std::string& field) {
    try {
      FeatureExtractor extractor(config);
      ADD_FAILURE() << field << " accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    }
  };
  auto c = gpr_config(64);
  c.sample_interval_s = 0.0;
  expect_throw(c, "sample_interval_s");
  c = gpr_config(3);
  expect_throw(c, "window_samples");
  c = gpr_config(64);
  c.polarity_threshold = 0.0;
  expect_throw(c, "polarity_threshold");
  c = gpr_config(64);
  c.zero_padding = 0;
  expect_throw(c, "zero_padding");
  c = gpr_config(64);
  c.band_edges_hz[2] = c.band_edges_hz[1];
  expect_throw(c, "band_edges_hz[2]");
  c = gpr_config(64);
  c.band_edges_hz[4] = 11e9;  // above Nyquist (10 GHz)
  expect_throw(c, "band_edges_hz[4]");
  c = gpr_config(64);
  c.band_edges_hz[0] = -1.0;
  expect_throw(c, "band_edges_hz[0]");
}

TEST(Features, ExtractAllocatesNothing) {
  for (auto backend : available_fft_backends()) {
    FeatureExtractor extractor(gpr_config(100), backend);
    const auto x = ricker(300, 50e-12, 5e-9, 1.0e9);
    std::vector<float> out(feature_count);
    HyperbolaFit fit;
    fit.ok = true;
    deminer::test::AllocationCounter counter;
    extractor.extract(x, 100, out);
    extractor.extract(x, 250, out);
    add_fit_features(fit, out);
    EXPECT_EQ(counter.count(), 0u) << to_string(backend);
  }
}

}  // namespace
