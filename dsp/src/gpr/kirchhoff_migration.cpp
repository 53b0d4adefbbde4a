#include "deminer/dsp/gpr/kirchhoff_migration.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <sstream>
#include <stdexcept>
#include <string>

#include "deminer/dsp/gpr/refraction.hpp"
#include "migration_velocity.hpp"

namespace deminer::dsp {
namespace {

[[noreturn]] void reject(const char* field, double value, const char* range) {
  std::ostringstream message;
  message << "KirchhoffMigration: " << field << " " << value << " is invalid (need " << range
          << ")";
  throw std::invalid_argument(message.str());
}

double checked_velocity(const KirchhoffMigration::Config& c) {
  return detail::checked_migration_velocity("KirchhoffMigration", c.velocity_m_per_s,
                                            c.relative_permittivity);
}

// Raised-cosine taper over the outer `fraction` of a half aperture of `half` traces; never zero
// at the edge so that every trace of the aperture contributes.
double taper_weight(std::size_t lateral, std::size_t half, double fraction) {
  const double edge = fraction * static_cast<double>(half);
  const double into_taper = static_cast<double>(lateral) - (static_cast<double>(half) - edge);
  if (into_taper <= 0.0) return 1.0;
  return 0.5 * (1.0 + std::cos(std::numbers::pi * into_taper / (edge + 1.0)));
}

}  // namespace

KirchhoffMigration::KirchhoffMigration(const Config& config)
    : config_(config),
      velocity_m_per_s_(checked_velocity(config)),
      half_(config.aperture_traces / 2) {
  if (config.aperture_traces == 0 || config.aperture_traces % 2 == 0) {
    reject("aperture_traces", static_cast<double>(config.aperture_traces), "an odd number >= 1");
  }
  if (!(config.trace_spacing_m > 0.0 && std::isfinite(config.trace_spacing_m))) {
    reject("trace_spacing_m", config.trace_spacing_m, "> 0");
  }
  if (!(config.antenna_offset_m >= 0.0 && std::isfinite(config.antenna_offset_m))) {
    reject("antenna_offset_m", config.antenna_offset_m, ">= 0");
  }
  if (config.samples_per_trace < 2 || config.samples_per_trace > (1u << 30)) {
    reject("samples_per_trace", static_cast<double>(config.samples_per_trace), "2..2^30");
  }
  if (!(config.sample_interval_s > 0.0 && std::isfinite(config.sample_interval_s))) {
    reject("sample_interval_s", config.sample_interval_s, "> 0");
  }
  if (!std::isfinite(config.time_zero_s)) reject("time_zero_s", config.time_zero_s, "finite");
  if (!(config.taper_fraction >= 0.0 && config.taper_fraction <= 1.0)) {
    reject("taper_fraction", config.taper_fraction, "0..1");
  }

  const std::size_t n = config.samples_per_trace;
  const std::size_t width = half_ + 1;
  const double v = velocity_m_per_s_;
  const double half_offset = 0.5 * config.antenna_offset_m;
  const double surface_apex_time_s = config.antenna_offset_m / v;
  const double last_index = static_cast<double>(n - 1);
  // Keeps index + 1 inside the trace so the interpolation never reads past its end.
  const auto make_tap = [last_index](double s, double weight) {
    const double floor_s = std::min(std::floor(s), last_index - 1.0);
    return Tap{static_cast<std::int32_t>(floor_s), static_cast<float>(s - floor_s),
               static_cast<float>(weight)};
  };
  const auto tap_weight = [&](std::size_t m, double z) {
    double weight = taper_weight(m, half_, config.taper_fraction);
    if (config.obliquity_weight) {
      const double dx = static_cast<double>(m) * config.trace_spacing_m;
      const double r1 = std::hypot(z, dx - half_offset);
      const double r2 = std::hypot(z, dx + half_offset);
      weight *= 0.5 * ((r1 > 0.0 ? z / r1 : 1.0) + (r2 > 0.0 ? z / r2 : 1.0));
    }
    return weight;
  };
  taps_.assign(n * width, Tap{0, 0.0f, 0.0f});
  for (std::size_t i = 0; i < n; ++i) {
    const double t = config.time_zero_s + static_cast<double>(i) * config.sample_interval_s;
    Tap* row = &taps_[i * width];
    if (t < surface_apex_time_s) {
      row[0] = make_tap(static_cast<double>(i), 1.0);  // above ground: pass through
      continue;
    }
    const double half_path = 0.5 * v * t;
    const double z = std::sqrt(std::max(0.0, half_path * half_path - half_offset * half_offset));
    for (std::size_t m = 0; m < width; ++m) {
      const double dx = static_cast<double>(m) * config.trace_spacing_m;
      const double r1 = std::hypot(z, dx - half_offset);
      const double r2 = std::hypot(z, dx + half_offset);
      const double travel_time = (r1 + r2) / v;
      double s = (travel_time - config.time_zero_s) / config.sample_interval_s;
      // Rounding must not drop the centre tap of the first and last samples.
      if (s < 0.0 && s > -1e-9) s = 0.0;
      if (s > last_index && s < last_index + 1e-9) s = last_index;
      // Past the end of the record: a zero sample that still counts in the weights, so the
      // bottom of the image fades instead of showing the unmigrated centre trace. Travel time
      // grows with |m|, so every wider tap is past the end too.
      if (s > last_index) {
        for (; m < width; ++m) {
          row[m] = Tap{past_end, 0.0f, static_cast<float>(tap_weight(m, z))};
        }
        break;
      }
      row[m] = make_tap(s, tap_weight(m, z));
    }
  }

  ring_.assign(config.aperture_traces * n, 0.0f);
  ring_headers_.assign(config.aperture_traces, TraceHeader{});
  sum_.assign(n, 0.0);
  weight_sum_.assign(n, 0.0);
}

std::span<float> KirchhoffMigration::slot(std::size_t trace) noexcept {
  const std::size_t n = config_.samples_per_trace;
  return {ring_.data() + (trace % config_.aperture_traces) * n, n};
}

bool KirchhoffMigration::push(const TraceView& in, TraceHeader& out_header,
                              std::span<float> out) noexcept {
  const double tolerance_s = 1e-6 * config_.sample_interval_s;
  if (in.samples.size() != config_.samples_per_trace ||
      std::abs(in.header.dt_s - config_.sample_interval_s) > tolerance_s ||
      std::abs(in.header.time_zero_s - config_.time_zero_s) > tolerance_s) {
    ++rejected_;
    return false;
  }
  std::copy(in.samples.begin(), in.samples.end(), slot(pushed_).begin());
  ring_headers_[pushed_ % config_.aperture_traces] = in.header;
  ++pushed_;
  if (pushed_ <= half_) return false;
  emit(emitted_, pushed_ - 1, out_header, out);
  return true;
}

bool KirchhoffMigration::flush(TraceHeader& out_header, std::span<float> out) noexcept {
  if (emitted_ >= pushed_) {
    reset();
    return false;
  }
  emit(emitted_, pushed_ - 1, out_header, out);
  return true;
}

void KirchhoffMigration::reset() noexcept {
  pushed_ = 0;
  emitted_ = 0;
}

void KirchhoffMigration::emit(std::size_t centre, std::size_t last_available,
                              TraceHeader& out_header, std::span<float> out) noexcept {
  const std::size_t n = config_.samples_per_trace;
  const std::size_t width = half_ + 1;
  std::fill(sum_.begin(), sum_.end(), 0.0);
  std::fill(weight_sum_.begin(), weight_sum_.end(), 0.0);
  const std::size_t first = centre >= half_ ? centre - half_ : 0;
  const std::size_t last = std::min(centre + half_, last_available);
  for (std::size_t trace = first; trace <= last; ++trace) {
    const std::size_t lateral = trace > centre ? trace - centre : centre - trace;
    const float* samples = slot(trace).data();
    const Tap* column = &taps_[lateral];
    for (std::size_t i = 0; i < n; ++i) {
      const Tap& tap = column[i * width];
      if (tap.weight == 0.0f) continue;
      weight_sum_[i] += static_cast<double>(tap.weight);
      if (tap.index == past_end) continue;
      const float a = samples[tap.index];
      const float b = samples[tap.index + 1];
      sum_[i] += static_cast<double>(tap.weight) * static_cast<double>(a + tap.fraction * (b - a));
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    out[i] = weight_sum_[i] > 0.0 ? static_cast<float>(sum_[i] / weight_sum_[i]) : 0.0f;
  }
  out_header = ring_headers_[centre % config_.aperture_traces];
  ++emitted_;
}

}  // namespace deminer::dsp
