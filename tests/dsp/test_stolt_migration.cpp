// StoltMigration, for every FFT backend: a synthetic point-target hyperbola focuses onto its apex
// (peak of the envelope within 1 trace and 2 samples), the energy concentrates; the output
// matches a naive double-precision Stolt that evaluates the data's spectrum exactly (direct
// DTFT sums, no FFT, no interpolation) at the mapped frequencies; in place equals out of place;
// process() allocates nothing; bad configurations are rejected.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>
#include <string>
#include <vector>

#include "allocation_counter.hpp"
#include "deminer/dsp/gpr/envelope.hpp"
#include "deminer/dsp/gpr/refraction.hpp"
#include "deminer/dsp/gpr/stolt_migration.hpp"

using deminer::dsp::FftBackend;
using deminer::dsp::StoltMigration;

namespace {

constexpr double ricker_hz = 1.5e9;
constexpr double permittivity = 9.0;

double ricker(double t_s) {
  const double a = std::numbers::pi * ricker_hz * t_s;
  return (1.0 - 2.0 * a * a) * std::exp(-a * a);
}

struct Scene {
  std::size_t traces = 96;
  std::size_t samples = 384;
  double spacing_m = 0.01;
  double dt_s = 25e-12;
  double time_zero_s = 0.0;
  std::size_t target_trace = 47;
  double target_depth_m = 0.15;

  [[nodiscard]] double velocity() const {
    return deminer::dsp::soil_velocity_m_per_s(permittivity);
  }
  [[nodiscard]] double apex_time_s() const { return 2.0 * target_depth_m / velocity(); }
  [[nodiscard]] StoltMigration::Config config() const {
    StoltMigration::Config c;
    c.samples_per_trace = samples;
    c.trace_count = traces;
    c.trace_spacing_m = spacing_m;
    c.sample_interval_s = dt_s;
    c.time_zero_s = time_zero_s;
    c.relative_permittivity = permittivity;
    return c;
  }
};

// Column-major B-scan (trace after trace) of a zero-offset point-target hyperbola.
std::vector<float> point_target(const Scene& s) {
  std::vector<float> bscan(s.traces * s.samples);
  for (std::size_t j = 0; j < s.traces; ++j) {
    const double dx = (static_cast<double>(j) - static_cast<double>(s.target_trace)) * s.spacing_m;
    const double echo = 2.0 * std::hypot(s.target_depth_m, dx) / s.velocity();
    for (std::size_t i = 0; i < s.samples; ++i) {
      const double t = s.time_zero_s + static_cast<double>(i) * s.dt_s;
      bscan[j * s.samples + i] = static_cast<float>(ricker(t - echo));
    }
  }
  return bscan;
}

std::vector<float> envelope_of(const std::vector<float>& bscan, std::size_t samples,
                               FftBackend backend) {
  deminer::dsp::Envelope envelope(samples, backend);
  std::vector<float> out(bscan.size());
  for (std::size_t start = 0; start < bscan.size(); start += samples) {
    envelope.process(std::span<const float>(bscan).subspan(start, samples),
                     std::span<float>(out).subspan(start, samples));
  }
  return out;
}

struct Peak {
  std::size_t trace = 0;
  std::size_t sample = 0;
  double value = 0.0;
};

Peak peak_of(const std::vector<float>& bscan, std::size_t samples) {
  Peak p;
  for (std::size_t k = 0; k < bscan.size(); ++k) {
    if (std::abs(bscan[k]) > p.value) p = {k / samples, k % samples, std::abs(bscan[k])};
  }
  return p;
}

// Traces whose largest |sample| reaches half the B-scan's: the lateral extent of the energy.
std::size_t traces_above_half_peak(const std::vector<float>& bscan, std::size_t samples) {
  const double peak = peak_of(bscan, samples).value;
  std::size_t count = 0;
  for (std::size_t start = 0; start < bscan.size(); start += samples) {
    const auto first = bscan.begin() + static_cast<std::ptrdiff_t>(start);
    const auto [lo, hi] = std::minmax_element(first, first + static_cast<std::ptrdiff_t>(samples));
    count += std::max(std::abs(*lo), std::abs(*hi)) >= 0.5 * peak;
  }
  return count;
}

// Share of the B-scan's energy within ±2 traces and ±20 samples of (trace, sample).
double energy_share_near(const std::vector<float>& bscan, std::size_t samples, std::size_t trace,
                         std::size_t sample) {
  double near = 0.0;
  double total = 0.0;
  for (std::size_t k = 0; k < bscan.size(); ++k) {
    const double e = static_cast<double>(bscan[k]) * bscan[k];
    total += e;
    const auto dj = static_cast<long>(k / samples) - static_cast<long>(trace);
    const auto di = static_cast<long>(k % samples) - static_cast<long>(sample);
    if (std::abs(dj) <= 2 && std::abs(di) <= 20) near += e;
  }
  return near / total;
}

TEST(StoltMigration, PointTargetFocusesOnItsApex) {
  for (auto backend : deminer::dsp::available_fft_backends()) {
    for (double time_zero : {0.0, 0.4e-9}) {
      Scene scene;
      scene.time_zero_s = time_zero;
      const auto bscan = point_target(scene);
      StoltMigration migration(scene.config(), backend);
      std::vector<float> image(bscan.size());
      migration.process(bscan, image);
      const auto envelope = envelope_of(image, scene.samples, backend);
      const Peak peak = peak_of(envelope, scene.samples);
      const double apex_sample = (scene.apex_time_s() - time_zero) / scene.dt_s;
      const std::string where =
          std::string(to_string(backend)) + " time zero " + std::to_string(time_zero);
      EXPECT_LE(std::abs(static_cast<double>(peak.trace) - static_cast<double>(scene.target_trace)),
                1.0)
          << where;
      EXPECT_LE(std::abs(static_cast<double>(peak.sample) - apex_sample), 2.0) << where;
      // Energy concentration: the hyperbola spreads over the section, the image does not.
      const auto apex = static_cast<std::size_t>(std::lround(apex_sample));
      EXPECT_LT(energy_share_near(bscan, scene.samples, scene.target_trace, apex), 0.15) << where;
      EXPECT_GT(energy_share_near(image, scene.samples, scene.target_trace, apex), 0.6) << where;
      EXPECT_GE(traces_above_half_peak(bscan, scene.samples), 60u) << where;
      EXPECT_LE(traces_above_half_peak(image, scene.samples), 5u) << where;
    }
  }
}

TEST(StoltMigration, WrongVelocityDoesNotFocus) {
  // The focusing test above can fail: 25% too fast a velocity spreads the apex.
  Scene scene;
  const auto bscan = point_target(scene);
  auto config = scene.config();
  config.relative_permittivity = permittivity / 1.5625;
  StoltMigration migration(config);
  std::vector<float> image(bscan.size());
  migration.process(bscan, image);
  const double apex_sample = scene.apex_time_s() / scene.dt_s;
  EXPECT_LT(energy_share_near(image, scene.samples, scene.target_trace,
                              static_cast<std::size_t>(std::lround(apex_sample))),
            0.4);
}

// Stolt evaluated naively in double: the 2-D spectrum of the zero-padded data is summed directly
// at each mapped frequency ω = sqrt(Ω² + (v/2)² kx²), scaled by Ω/ω, and the image is summed
// back; the real inverse keeps bins 0 and N/2 once and the others twice (Hermitian symmetry).
std::vector<double> naive_stolt(const StoltMigration::Config& c, double velocity,
                                std::size_t padded_samples, std::size_t padded_traces,
                                const std::vector<float>& bscan) {
  using cd = std::complex<double>;
  const std::size_t nt = c.samples_per_trace;
  const std::size_t nx = c.trace_count;
  const std::size_t bins = padded_samples / 2 + 1;
  const double pi = std::numbers::pi;
  const double d_omega = 2.0 * pi / (static_cast<double>(padded_samples) * c.sample_interval_s);
  const double nyquist = pi / c.sample_interval_s;
  // Lateral DFT of every time sample: lateral[j][i].
  std::vector<std::vector<cd>> lateral(padded_traces, std::vector<cd>(nt));
  for (std::size_t j = 0; j < padded_traces; ++j) {
    for (std::size_t x = 0; x < nx; ++x) {
      const cd e = std::polar(1.0, -2.0 * pi * static_cast<double>((j * x) % padded_traces) /
                                       static_cast<double>(padded_traces));
      for (std::size_t i = 0; i < nt; ++i)
        lateral[j][i] += e * static_cast<double>(bscan[x * nt + i]);
    }
  }
  std::vector<std::vector<cd>> image_spectrum(padded_traces, std::vector<cd>(bins));
  for (std::size_t j = 0; j < padded_traces; ++j) {
    const double signed_j = j < padded_traces / 2
                                ? static_cast<double>(j)
                                : static_cast<double>(j) - static_cast<double>(padded_traces);
    const double kx =
        2.0 * pi * signed_j / (static_cast<double>(padded_traces) * c.trace_spacing_m);
    for (std::size_t k = 0; k < bins; ++k) {
      const double big_omega = static_cast<double>(k) * d_omega;
      const double omega = std::hypot(big_omega, 0.5 * velocity * kx);
      if (omega > nyquist * (1.0 + 1e-12)) continue;
      cd sum = 0.0;
      for (std::size_t i = 0; i < nt; ++i) {
        const double t = c.time_zero_s + static_cast<double>(i) * c.sample_interval_s;
        sum += lateral[j][i] * std::polar(1.0, -omega * t);
      }
      const double jacobian = omega > 0.0 ? big_omega / omega : 1.0;
      image_spectrum[j][k] = jacobian * sum * std::polar(1.0, big_omega * c.time_zero_s);
    }
  }
  std::vector<double> image(nt * nx);
  const double scale =
      1.0 / (static_cast<double>(padded_samples) * static_cast<double>(padded_traces));
  for (std::size_t x = 0; x < nx; ++x) {
    // Back along x first: g[k] = sum_j M[j][k] e^{+i 2π j x / Nx}.
    std::vector<cd> g(bins);
    for (std::size_t j = 0; j < padded_traces; ++j) {
      const cd e = std::polar(1.0, 2.0 * pi * static_cast<double>((j * x) % padded_traces) /
                                       static_cast<double>(padded_traces));
      for (std::size_t k = 0; k < bins; ++k) g[k] += image_spectrum[j][k] * e;
    }
    for (std::size_t i = 0; i < nt; ++i) {
      double value = 0.0;
      for (std::size_t k = 0; k < bins; ++k) {
        const double weight = (k == 0 || 2 * k == padded_samples) ? 1.0 : 2.0;
        const double phase = 2.0 * pi * static_cast<double>((k * i) % padded_samples) /
                             static_cast<double>(padded_samples);
        value += weight * (g[k] * std::polar(1.0, phase)).real();
      }
      image[x * nt + i] = value * scale;
    }
  }
  return image;
}

TEST(StoltMigration, MatchesNaiveExactSpectrumStolt) {
  Scene scene;
  scene.traces = 40;
  scene.samples = 160;
  scene.target_trace = 23;
  scene.target_depth_m = 0.09;
  for (double time_zero : {0.0, 0.3e-9}) {
    scene.time_zero_s = time_zero;
    auto bscan = point_target(scene);
    // A dipping reflector too, so that every kx carries energy.
    for (std::size_t j = 0; j < scene.traces; ++j) {
      for (std::size_t i = 0; i < scene.samples; ++i) {
        const double t = time_zero + static_cast<double>(i) * scene.dt_s;
        bscan[j * scene.samples + i] +=
            static_cast<float>(0.5 * ricker(t - 1.0e-9 - 0.05e-9 * static_cast<double>(j)));
      }
    }
    const auto config = scene.config();
    const auto reference = [&] {
      StoltMigration sizes(config);
      return naive_stolt(config, sizes.velocity_m_per_s(), sizes.padded_samples(),
                         sizes.padded_traces(), bscan);
    }();
    double reference_peak = 0.0;
    for (double v : reference) reference_peak = std::max(reference_peak, std::abs(v));
    ASSERT_GT(reference_peak, 0.1);
    for (auto backend : deminer::dsp::available_fft_backends()) {
      StoltMigration migration(config, backend);
      std::vector<float> image(bscan.size());
      migration.process(bscan, image);
      double worst = 0.0;
      for (std::size_t k = 0; k < image.size(); ++k) {
        worst = std::max(worst, std::abs(image[k] - reference[k]));
      }
      EXPECT_LT(worst, 1.5e-3 * reference_peak) << to_string(backend) << " time zero " << time_zero;
    }
  }
}

TEST(StoltMigration, InPlaceEqualsOutOfPlaceAndAllocatesNothing) {
  Scene scene;
  const auto bscan = point_target(scene);
  for (auto backend : deminer::dsp::available_fft_backends()) {
    StoltMigration migration(scene.config(), backend);
    std::vector<float> image(bscan.size());
    auto in_place = bscan;
    {
      deminer::test::AllocationCounter counter;
      migration.process(bscan, image);
      migration.process(in_place, in_place);
      EXPECT_EQ(counter.count(), 0u) << to_string(backend);
    }
    EXPECT_EQ(in_place, image) << to_string(backend);
  }
}

TEST(StoltMigration, PadsBothAxesToFastSizes) {
  Scene scene;
  scene.samples = 300;
  scene.traces = 77;
  StoltMigration migration(scene.config());
  EXPECT_EQ(migration.padded_samples(), 600u);
  EXPECT_EQ(migration.padded_traces(), 160u);
  EXPECT_NEAR(migration.velocity_m_per_s(), deminer::dsp::speed_of_light_m_per_s / 3.0, 1e-6);
}

TEST(StoltMigration, RejectsBadConfig) {
  const auto expect_rejected = [](const StoltMigration::Config& c, const std::string& what) {
    try {
      StoltMigration migration(c);
      ADD_FAILURE() << what << " accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
    }
  };
  StoltMigration::Config good;
  good.velocity_m_per_s = 1e8;
  good.samples_per_trace = 64;
  good.trace_count = 16;
  EXPECT_NO_THROW(StoltMigration{good});
  auto c = good;
  c.samples_per_trace = 1;
  expect_rejected(c, "samples_per_trace 1");
  c = good;
  c.trace_count = 0;
  expect_rejected(c, "trace_count 0");
  c = good;
  c.trace_spacing_m = -0.01;
  expect_rejected(c, "trace_spacing_m -0.01");
  c = good;
  c.sample_interval_s = 0.0;
  expect_rejected(c, "sample_interval_s 0");
  c = good;
  c.time_zero_s = std::nan("");
  expect_rejected(c, "time_zero_s");
  c = good;
  c.relative_permittivity = 4.0;
  expect_rejected(c, "exactly one");
  c = good;
  c.velocity_m_per_s = -3.0;
  expect_rejected(c, "velocity_m_per_s -3");
  c = good;
  c.velocity_m_per_s = 0.0;
  c.relative_permittivity = 0.9;
  expect_rejected(c, "relative_permittivity 0.9");
}

}  // namespace
