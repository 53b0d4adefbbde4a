#include "deminer/dsp/gpr/stolt_migration.hpp"

#include <algorithm>
#include <cassert>
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
  message << "StoltMigration: " << field << " " << value << " is invalid (need " << range << ")";
  throw std::invalid_argument(message.str());
}

const StoltMigration::Config& checked(const StoltMigration::Config& c) {
  if (c.samples_per_trace < 2 || c.samples_per_trace > (1u << 24)) {
    reject("samples_per_trace", static_cast<double>(c.samples_per_trace), "2..2^24");
  }
  if (c.trace_count < 1 || c.trace_count > (1u << 24)) {
    reject("trace_count", static_cast<double>(c.trace_count), "1..2^24");
  }
  if (!(c.trace_spacing_m > 0.0 && std::isfinite(c.trace_spacing_m))) {
    reject("trace_spacing_m", c.trace_spacing_m, "> 0");
  }
  if (!(c.sample_interval_s > 0.0 && std::isfinite(c.sample_interval_s))) {
    reject("sample_interval_s", c.sample_interval_s, "> 0");
  }
  if (!std::isfinite(c.time_zero_s)) reject("time_zero_s", c.time_zero_s, "finite");
  return c;
}

double checked_velocity(const StoltMigration::Config& c) {
  return detail::checked_migration_velocity("StoltMigration", c.velocity_m_per_s,
                                            c.relative_permittivity);
}

// Kaiser shape parameter of the interpolation window. The kernel's time response must be flat
// over the centred record (|t| < T/4 of the padded period T) and vanish on its first alias
// (|t| > 3T/4); with 8 taps that transition allows β up to about π·sqrt(3).
constexpr double kaiser_beta = 5.0;

}  // namespace

StoltMigration::StoltMigration(const Config& config, FftBackend backend)
    : config_(checked(config)),
      velocity_m_per_s_(checked_velocity(config)),
      time_fft_(fast_fft_size(2 * config.samples_per_trace), backend),
      lateral_fft_(fast_fft_size(2 * config.trace_count), backend),
      bins_(time_fft_.spectrum_size()),
      trace_(time_fft_.size(), 0.0f),
      column_(bins_),
      spectrum_(bins_ * lateral_fft_.size()),
      migrated_(bins_ * lateral_fft_.size()),
      centring_(bins_),
      kernel_(kernel_steps + 1) {
  // Centring the record on t = 0 (a whole number of samples, so the spectrum stays periodic
  // and Hermitian) halves the phase slope the interpolation has to follow.
  const double centre_samples = static_cast<double>((config.samples_per_trace - 1) / 2);
  const double padded = static_cast<double>(time_fft_.size());
  for (std::size_t k = 0; k < bins_; ++k) {
    const double phase = 2.0 * std::numbers::pi * static_cast<double>(k) * centre_samples / padded;
    centring_[k] = std::complex<float>(std::polar(1.0, phase));
  }
  const double half_width = static_cast<double>(interpolation_taps / 2);
  const double window_norm = std::cyl_bessel_i(0.0, kaiser_beta);
  for (std::size_t step = 0; step <= kernel_steps; ++step) {
    const double fraction = static_cast<double>(step) / static_cast<double>(kernel_steps);
    double total = 0.0;
    std::array<double, interpolation_taps> row{};
    for (std::size_t tap = 0; tap < interpolation_taps; ++tap) {
      // Distance from the wanted position to bin floor + tap - (taps/2 - 1).
      const double u = fraction + (half_width - 1.0) - static_cast<double>(tap);
      const double x = u / half_width;
      const double window =
          std::abs(x) >= 1.0
              ? 0.0
              : std::cyl_bessel_i(0.0, kaiser_beta * std::sqrt(1.0 - x * x)) / window_norm;
      const double sinc = u == 0.0 ? 1.0 : std::sin(std::numbers::pi * u) / (std::numbers::pi * u);
      row[tap] = sinc * window;
      total += row[tap];
    }
    // Unit sum: a spectrum that is flat between bins is reproduced exactly.
    for (std::size_t tap = 0; tap < interpolation_taps; ++tap) {
      kernel_[step][tap] = static_cast<float>(row[tap] / total);
    }
  }
}

std::complex<float> StoltMigration::spectrum_at(std::ptrdiff_t bin,
                                                std::size_t column) const noexcept {
  // The padded spectrum is periodic in the bin, and Hermitian in (bin, kx) because the data
  // is real: bins outside 0..N/2 are mirrored ones, conjugated, at -kx.
  const auto padded = static_cast<std::ptrdiff_t>(time_fft_.size());
  const std::size_t traces = lateral_fft_.size();
  std::ptrdiff_t b = bin % padded;
  if (b < 0) b += padded;
  if (b <= padded / 2) return spectrum_[static_cast<std::size_t>(b) * traces + column];
  const std::size_t mirrored = static_cast<std::size_t>(padded - b);
  return std::conj(spectrum_[mirrored * traces + (traces - column) % traces]);
}

void StoltMigration::process(std::span<const float> in, std::span<float> out) noexcept {
  const std::size_t samples = config_.samples_per_trace;
  const std::size_t traces = config_.trace_count;
  const std::size_t padded_samples = time_fft_.size();
  const std::size_t padded_traces = lateral_fft_.size();
  assert(in.size() == samples * traces && out.size() == samples * traces);

  // 1. Time transform of each (zero-padded, centred) trace into the columns of the spectrum.
  for (std::size_t j = 0; j < traces; ++j) {
    std::copy_n(in.begin() + static_cast<std::ptrdiff_t>(j * samples), samples, trace_.begin());
    std::fill(trace_.begin() + static_cast<std::ptrdiff_t>(samples), trace_.end(), 0.0f);
    time_fft_.forward(trace_, column_);
    for (std::size_t k = 0; k < bins_; ++k) {
      spectrum_[k * padded_traces + j] = column_[k] * centring_[k];
    }
  }
  for (std::size_t k = 0; k < bins_; ++k) {
    std::fill_n(spectrum_.begin() + static_cast<std::ptrdiff_t>(k * padded_traces + traces),
                padded_traces - traces, std::complex<float>{});
  }
  // 2. Lateral transform of each frequency row.
  for (std::size_t k = 0; k < bins_; ++k) {
    const std::span<std::complex<float>> row(spectrum_.data() + k * padded_traces, padded_traces);
    lateral_fft_.forward(row, row);
  }
  // 3. Stolt mapping, in units of frequency bins: input bin f = sqrt(k² + a²) for output bin k,
  // with a = v_e·kx / dω.
  const double v_exploding = 0.5 * velocity_m_per_s_;
  const double bin_rad_per_s =
      2.0 * std::numbers::pi / (static_cast<double>(padded_samples) * config_.sample_interval_s);
  const double kx_step =
      2.0 * std::numbers::pi / (static_cast<double>(padded_traces) * config_.trace_spacing_m);
  const double nyquist_bin = static_cast<double>(padded_samples / 2);
  const double centre_s = static_cast<double>((samples - 1) / 2) * config_.sample_interval_s;
  const auto first_tap = static_cast<std::ptrdiff_t>(interpolation_taps / 2 - 1);
  for (std::size_t j = 0; j < padded_traces; ++j) {
    const double signed_column = j < padded_traces / 2
                                     ? static_cast<double>(j)
                                     : static_cast<double>(j) - static_cast<double>(padded_traces);
    const double a = v_exploding * signed_column * kx_step / bin_rad_per_s;
    for (std::size_t k = 0; k < bins_; ++k) {
      const double out_bin = static_cast<double>(k);
      const double in_bin = std::sqrt(out_bin * out_bin + a * a);
      std::complex<float>& target = migrated_[k * padded_traces + j];
      if (in_bin > nyquist_bin) {
        target = {};
        continue;
      }
      const double floor_bin = std::floor(in_bin);
      const auto step = static_cast<std::size_t>(
          std::lround((in_bin - floor_bin) * static_cast<double>(kernel_steps)));
      const auto& weights = kernel_[step];
      const auto base = static_cast<std::ptrdiff_t>(floor_bin) - first_tap;
      std::complex<float> sum{};
      for (std::size_t tap = 0; tap < interpolation_taps; ++tap) {
        sum += weights[tap] * spectrum_at(base + static_cast<std::ptrdiff_t>(tap), j);
      }
      // Undo the centring and apply the time zero at the input frequency, put the time zero
      // back at the output frequency; Ω/ω is the Jacobian of the change of variable.
      const double jacobian = in_bin > 0.0 ? out_bin / in_bin : 1.0;
      const double phase = bin_rad_per_s * (out_bin * config_.time_zero_s -
                                            in_bin * (centre_s + config_.time_zero_s));
      target = sum * std::complex<float>(std::polar(jacobian, phase));
    }
  }
  // 4. Back along x, then along time; keep the unpadded part.
  for (std::size_t k = 0; k < bins_; ++k) {
    const std::span<std::complex<float>> row(migrated_.data() + k * padded_traces, padded_traces);
    lateral_fft_.inverse(row, row);
  }
  const float scale =
      1.0f / (static_cast<float>(padded_samples) * static_cast<float>(padded_traces));
  for (std::size_t j = 0; j < traces; ++j) {
    for (std::size_t k = 0; k < bins_; ++k) column_[k] = migrated_[k * padded_traces + j];
    time_fft_.inverse(column_, trace_);
    float* destination = out.data() + j * samples;
    for (std::size_t i = 0; i < samples; ++i) destination[i] = trace_[i] * scale;
  }
}

}  // namespace deminer::dsp
