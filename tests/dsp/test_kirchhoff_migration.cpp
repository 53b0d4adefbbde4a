// KirchhoffMigration: a synthetic point-target hyperbola focuses onto its apex; the streamed
// output equals a naive double-loop diffraction sum written from the header's formulas; aperture 1
// is the identity; push/flush allocate nothing; bad configurations and mismatched traces are
// rejected.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include "allocation_counter.hpp"
#include "deminer/dsp/gpr/kirchhoff_migration.hpp"
#include "deminer/dsp/gpr/refraction.hpp"

using deminer::dsp::KirchhoffMigration;
using deminer::dsp::Trace;
using deminer::dsp::TraceHeader;

namespace {

constexpr double ricker_hz = 1.5e9;
constexpr double permittivity = 9.0;

double ricker(double t_s) {
  const double a = std::numbers::pi * ricker_hz * t_s;
  return (1.0 - 2.0 * a * a) * std::exp(-a * a);
}

double travel_time_s(double z, double dx, double offset, double v) {
  return (std::hypot(z, dx - offset / 2) + std::hypot(z, dx + offset / 2)) / v;
}

struct Scene {
  std::size_t traces = 96;
  std::size_t samples = 384;
  double spacing_m = 0.01;
  double dt_s = 25e-12;
  double time_zero_s = 0.0;
  double offset_m = 0.0;
  std::size_t target_trace = 47;
  double target_depth_m = 0.15;

  [[nodiscard]] double velocity() const {
    return deminer::dsp::soil_velocity_m_per_s(permittivity);
  }
  [[nodiscard]] double apex_time_s() const {
    return travel_time_s(target_depth_m, 0.0, offset_m, velocity());
  }
};

std::vector<Trace> point_target(const Scene& s) {
  std::vector<Trace> line(s.traces);
  for (std::size_t j = 0; j < s.traces; ++j) {
    auto& trace = line[j];
    trace.header.dt_s = s.dt_s;
    trace.header.time_zero_s = s.time_zero_s;
    trace.header.position_m = static_cast<double>(j) * s.spacing_m;
    trace.header.sequence = 1000 + j;
    const double dx = (static_cast<double>(j) - static_cast<double>(s.target_trace)) * s.spacing_m;
    const double echo = travel_time_s(s.target_depth_m, dx, s.offset_m, s.velocity());
    trace.samples.resize(s.samples);
    for (std::size_t i = 0; i < s.samples; ++i) {
      trace.samples[i] =
          static_cast<float>(ricker(trace.header.time_of_sample_s(static_cast<double>(i)) - echo));
    }
  }
  return line;
}

KirchhoffMigration::Config config_for(const Scene& s, std::size_t aperture) {
  KirchhoffMigration::Config c;
  c.aperture_traces = aperture;
  c.trace_spacing_m = s.spacing_m;
  c.relative_permittivity = permittivity;
  c.antenna_offset_m = s.offset_m;
  c.samples_per_trace = s.samples;
  c.sample_interval_s = s.dt_s;
  c.time_zero_s = s.time_zero_s;
  return c;
}

// Pushes the whole line, then flushes; returns the outputs in order.
std::vector<Trace> migrate(KirchhoffMigration& migration, const std::vector<Trace>& line) {
  std::vector<Trace> outputs;
  Trace out;
  out.samples.resize(migration.config().samples_per_trace);
  for (const auto& trace : line) {
    if (migration.push(trace.view(), out.header, out.samples)) outputs.push_back(out);
  }
  while (migration.flush(out.header, out.samples)) outputs.push_back(out);
  return outputs;
}

// The diffraction sum, straight from the header's description, in double.
std::vector<std::vector<double>> naive_migration(const KirchhoffMigration::Config& c,
                                                 const std::vector<Trace>& line) {
  const double v = c.relative_permittivity > 0.0
                       ? deminer::dsp::speed_of_light_m_per_s / std::sqrt(c.relative_permittivity)
                       : c.velocity_m_per_s;
  const auto half = static_cast<long>(c.aperture_traces / 2);
  const auto n = static_cast<long>(c.samples_per_trace);
  const auto count = static_cast<long>(line.size());
  const double untapered = static_cast<double>(half) * (1.0 - c.taper_fraction);
  const double taper_width = c.taper_fraction * static_cast<double>(half);
  std::vector<std::vector<double>> result(line.size(), std::vector<double>(c.samples_per_trace));
  for (long centre = 0; centre < count; ++centre) {
    for (long i = 0; i < n; ++i) {
      const double t = c.time_zero_s + static_cast<double>(i) * c.sample_interval_s;
      if (t < c.antenna_offset_m / v) {
        result[centre][i] = line[centre].samples[i];
        continue;
      }
      const double z =
          std::sqrt(std::max(0.0, std::pow(v * t / 2, 2) - std::pow(c.antenna_offset_m / 2, 2)));
      double sum = 0.0;
      double weights = 0.0;
      for (long k = std::max(0L, centre - half); k <= std::min(count - 1, centre + half); ++k) {
        const auto lateral = static_cast<double>(std::abs(k - centre));
        const double dx = lateral * c.trace_spacing_m;
        const double s =
            (travel_time_s(z, dx, c.antenna_offset_m, v) - c.time_zero_s) / c.sample_interval_s;
        double w = 1.0;
        if (lateral > untapered) {
          w = 0.5 * (1.0 + std::cos(std::numbers::pi * (lateral - untapered) / (taper_width + 1)));
        }
        if (c.obliquity_weight) {
          const double r1 = std::hypot(z, dx - c.antenna_offset_m / 2);
          const double r2 = std::hypot(z, dx + c.antenna_offset_m / 2);
          w *= 0.5 * ((r1 > 0 ? z / r1 : 1.0) + (r2 > 0 ? z / r2 : 1.0));
        }
        weights += w;
        if (s > static_cast<double>(n - 1) + 1e-9) continue;  // a zero past the record's end
        const long i0 = std::min(static_cast<long>(std::floor(s)), n - 2);
        const double frac = s - static_cast<double>(i0);
        const double a = line[k].samples[i0];
        const double b = line[k].samples[i0 + 1];
        sum += w * (a + frac * (b - a));
      }
      result[centre][i] = weights > 0.0 ? sum / weights : 0.0;
    }
  }
  return result;
}

struct Peak {
  std::size_t trace = 0;
  std::size_t sample = 0;
  double value = 0.0;
};

Peak abs_peak(const std::vector<Trace>& line) {
  Peak p;
  for (std::size_t j = 0; j < line.size(); ++j) {
    for (std::size_t i = 0; i < line[j].samples.size(); ++i) {
      const double a = std::abs(line[j].samples[i]);
      if (a > p.value) p = {j, i, a};
    }
  }
  return p;
}

// Traces whose largest |sample| reaches half the B-scan's: the lateral extent of the energy.
std::size_t traces_above_half_peak(const std::vector<Trace>& line) {
  const double peak = abs_peak(line).value;
  return static_cast<std::size_t>(std::count_if(line.begin(), line.end(), [&](const Trace& t) {
    double m = 0.0;
    for (float x : t.samples) m = std::max(m, static_cast<double>(std::abs(x)));
    return m >= 0.5 * peak;
  }));
}

TEST(KirchhoffMigration, PointTargetFocusesOnItsApex) {
  for (double offset : {0.0, 0.06}) {
    for (double time_zero : {0.0, -0.4e-9, 0.3e-9}) {
      Scene scene;
      scene.offset_m = offset;
      scene.time_zero_s = time_zero;
      const auto line = point_target(scene);
      KirchhoffMigration migration(config_for(scene, 41));
      const auto image = migrate(migration, line);
      ASSERT_EQ(image.size(), line.size());
      const Peak peak = abs_peak(image);
      const double apex_sample = (scene.apex_time_s() - time_zero) / scene.dt_s;
      const std::string where =
          "offset " + std::to_string(offset) + " time zero " + std::to_string(time_zero);
      EXPECT_LE(std::abs(static_cast<double>(peak.trace) - static_cast<double>(scene.target_trace)),
                1.0)
          << where;
      EXPECT_LE(std::abs(static_cast<double>(peak.sample) - apex_sample), 2.0) << where;
      // Every trace of the aperture lines up at the apex: the focused peak keeps the wavelet's
      // full amplitude.
      EXPECT_NEAR(peak.value, 1.0, 0.02) << where;
      // Energy concentration: the hyperbola reaches half its peak on every trace it crosses,
      // the image on a few traces only.
      EXPECT_GE(traces_above_half_peak(line), 60u) << where;
      EXPECT_LE(traces_above_half_peak(image), 3u) << where;
    }
  }
}

TEST(KirchhoffMigration, WrongVelocityDoesNotFocus) {
  // The focusing test above can fail: 25% too fast a velocity smears the apex.
  Scene scene;
  const auto line = point_target(scene);
  auto config = config_for(scene, 41);
  config.relative_permittivity = permittivity / 1.5625;
  KirchhoffMigration migration(config);
  const auto image = migrate(migration, line);
  EXPECT_LT(abs_peak(image).value, 0.8);
  EXPECT_GT(traces_above_half_peak(image), 3u);
}

TEST(KirchhoffMigration, StreamEqualsNaiveDiffractionSum) {
  Scene scene;
  scene.traces = 40;  // shorter than two apertures: both truncated ends meet in the middle
  scene.target_trace = 17;
  scene.samples = 200;
  scene.target_depth_m = 0.1;
  struct Variant {
    std::size_t aperture;
    double offset;
    double time_zero;
    double taper;
    bool obliquity;
  };
  for (const Variant& variant :
       {Variant{21, 0.0, 0.0, 0.3, false}, Variant{21, 0.06, -0.3e-9, 0.5, true},
        Variant{7, 0.02, 0.2e-9, 0.0, true}, Variant{31, 0.0, 0.0, 1.0, false},
        Variant{101, 0.04, 0.0, 0.3, false}}) {
    scene.offset_m = variant.offset;
    scene.time_zero_s = variant.time_zero;
    auto line = point_target(scene);
    // A second, dipping event so that interpolation between samples is exercised everywhere.
    for (std::size_t j = 0; j < line.size(); ++j) {
      for (std::size_t i = 0; i < scene.samples; ++i) {
        const double t = line[j].header.time_of_sample_s(static_cast<double>(i));
        line[j].samples[i] +=
            static_cast<float>(0.5 * ricker(t - 2.5e-9 - 0.037e-9 * static_cast<double>(j)));
      }
    }
    auto config = config_for(scene, variant.aperture);
    config.taper_fraction = variant.taper;
    config.obliquity_weight = variant.obliquity;
    KirchhoffMigration migration(config);
    const auto reference = naive_migration(config, line);
    for (int pass = 0; pass < 2; ++pass) {  // flush resets: a second line gives the same output
      const auto image = migrate(migration, line);
      ASSERT_EQ(image.size(), line.size());
      for (std::size_t j = 0; j < image.size(); ++j) {
        ASSERT_EQ(image[j].header.sequence, line[j].header.sequence);
        ASSERT_EQ(image[j].header.position_m, line[j].header.position_m);
        for (std::size_t i = 0; i < scene.samples; ++i) {
          ASSERT_NEAR(image[j].samples[i], reference[j][i], 2e-6)
              << "aperture " << variant.aperture << " offset " << variant.offset << " trace " << j
              << " sample " << i;
        }
      }
    }
  }
}

TEST(KirchhoffMigration, OutputIsDelayedByHalfTheAperture) {
  Scene scene;
  scene.traces = 12;
  const auto line = point_target(scene);
  KirchhoffMigration migration(config_for(scene, 9));
  EXPECT_EQ(migration.latency_traces(), 4u);
  Trace out;
  out.samples.resize(scene.samples);
  for (std::size_t j = 0; j < line.size(); ++j) {
    const bool ready = migration.push(line[j].view(), out.header, out.samples);
    ASSERT_EQ(ready, j >= 4) << j;
    if (ready) {
      EXPECT_EQ(out.header.sequence, line[j - 4].header.sequence);
    }
  }
  for (std::size_t j = line.size() - 4; j < line.size(); ++j) {
    ASSERT_TRUE(migration.flush(out.header, out.samples));
    EXPECT_EQ(out.header.sequence, line[j].header.sequence);
  }
  EXPECT_FALSE(migration.flush(out.header, out.samples));
  EXPECT_FALSE(migration.flush(out.header, out.samples));
  // A line shorter than the latency comes out entirely from flush().
  for (std::size_t j = 0; j < 3; ++j) {
    EXPECT_FALSE(migration.push(line[j].view(), out.header, out.samples));
  }
  for (std::size_t j = 0; j < 3; ++j) {
    ASSERT_TRUE(migration.flush(out.header, out.samples));
    EXPECT_EQ(out.header.sequence, line[j].header.sequence);
  }
  EXPECT_FALSE(migration.flush(out.header, out.samples));
}

TEST(KirchhoffMigration, ApertureOfOneIsTheIdentity) {
  Scene scene;
  scene.offset_m = 0.05;
  scene.time_zero_s = -0.2e-9;
  const auto line = point_target(scene);
  KirchhoffMigration migration(config_for(scene, 1));
  const auto image = migrate(migration, line);
  ASSERT_EQ(image.size(), line.size());
  for (std::size_t j = 0; j < line.size(); ++j) {
    for (std::size_t i = 0; i < scene.samples; ++i) {
      ASSERT_NEAR(image[j].samples[i], line[j].samples[i], 1e-6) << j << " " << i;
    }
  }
}

TEST(KirchhoffMigration, MismatchedTracesAreRejectedAndCounted) {
  Scene scene;
  scene.traces = 3;
  auto line = point_target(scene);
  KirchhoffMigration migration(config_for(scene, 3));
  Trace out;
  out.samples.resize(scene.samples);
  auto wrong_dt = line[0];
  wrong_dt.header.dt_s *= 2;
  auto wrong_zero = line[0];
  wrong_zero.header.time_zero_s += 1e-9;
  auto short_trace = line[0];
  short_trace.samples.pop_back();
  EXPECT_FALSE(migration.push(wrong_dt.view(), out.header, out.samples));
  EXPECT_FALSE(migration.push(wrong_zero.view(), out.header, out.samples));
  EXPECT_FALSE(migration.push(short_trace.view(), out.header, out.samples));
  EXPECT_EQ(migration.rejected_traces(), 3u);
  EXPECT_FALSE(migration.push(line[0].view(), out.header, out.samples));
  EXPECT_TRUE(migration.push(line[1].view(), out.header, out.samples));
  EXPECT_EQ(out.header.sequence, line[0].header.sequence);
}

TEST(KirchhoffMigration, PushAndFlushAllocateNothing) {
  Scene scene;
  const auto line = point_target(scene);
  auto config = config_for(scene, 41);
  config.obliquity_weight = true;
  KirchhoffMigration migration(config);
  Trace out;
  out.samples.resize(scene.samples);
  std::size_t outputs = 0;
  {
    deminer::test::AllocationCounter counter;
    for (const auto& trace : line) outputs += migration.push(trace.view(), out.header, out.samples);
    while (migration.flush(out.header, out.samples)) ++outputs;
    EXPECT_EQ(counter.count(), 0u);
  }
  EXPECT_EQ(outputs, line.size());
}

TEST(KirchhoffMigration, RejectsBadConfig) {
  const auto expect_rejected = [](const KirchhoffMigration::Config& c, const std::string& what) {
    try {
      KirchhoffMigration migration(c);
      ADD_FAILURE() << what << " accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
    }
  };
  KirchhoffMigration::Config good;
  good.relative_permittivity = 6.0;
  EXPECT_NO_THROW(KirchhoffMigration{good});
  auto c = good;
  c.aperture_traces = 40;
  expect_rejected(c, "aperture_traces 40");
  c = good;
  c.aperture_traces = 0;
  expect_rejected(c, "aperture_traces 0");
  c = good;
  c.velocity_m_per_s = 1e8;
  expect_rejected(c, "exactly one");
  c = good;
  c.relative_permittivity = 0.5;
  expect_rejected(c, "relative_permittivity 0.5");
  c = good;
  c.relative_permittivity = 0.0;
  c.velocity_m_per_s = 4e8;
  expect_rejected(c, "velocity_m_per_s 4e+08");
  c = good;
  c.trace_spacing_m = 0.0;
  expect_rejected(c, "trace_spacing_m 0");
  c = good;
  c.antenna_offset_m = -0.1;
  expect_rejected(c, "antenna_offset_m -0.1");
  c = good;
  c.samples_per_trace = 1;
  expect_rejected(c, "samples_per_trace 1");
  c = good;
  c.sample_interval_s = -1.0;
  expect_rejected(c, "sample_interval_s -1");
  c = good;
  c.taper_fraction = 1.5;
  expect_rejected(c, "taper_fraction 1.5");
}

}  // namespace
