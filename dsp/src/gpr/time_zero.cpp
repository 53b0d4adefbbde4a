#include "deminer/dsp/gpr/time_zero.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <string>

namespace deminer::dsp {

namespace {

constexpr double kaiser_beta = 8.0;

// Modified Bessel function of the first kind, order 0 (power series; converges fast for the
// arguments used here, x <= kaiser_beta).
double bessel_i0(double x) noexcept {
  double term = 1.0;
  double sum = 1.0;
  const double quarter_x2 = 0.25 * x * x;
  for (int k = 1; k < 50 && term > 1e-17 * sum; ++k) {
    term *= quarter_x2 / (static_cast<double>(k) * static_cast<double>(k));
    sum += term;
  }
  return sum;
}

double sinc(double x) noexcept {
  if (std::abs(x) < 1e-12) return 1.0;
  const double px = std::numbers::pi * x;
  return std::sin(px) / px;
}

[[noreturn]] void bad_value(const char* block, const char* field, const std::string& value,
                            const std::string& valid) {
  throw std::invalid_argument(std::string(block) + ": " + field + " " + value +
                              " is invalid (need " + valid + ")");
}

}  // namespace

FirstBreakPicker::FirstBreakPicker(const Config& config) : config_(config) {
  if (!(config.threshold_fraction > 0.0 && config.threshold_fraction <= 1.0)) {
    bad_value("FirstBreakPicker", "threshold_fraction", std::to_string(config.threshold_fraction),
              "0 < value <= 1");
  }
  if (config.energy_window_samples == 0) {
    bad_value("FirstBreakPicker", "energy_window_samples", "0", ">= 1");
  }
  if (config.search_end_sample != 0 && config.search_end_sample <= config.search_begin_sample) {
    bad_value(
        "FirstBreakPicker", "search_end_sample", std::to_string(config.search_end_sample),
        "0 (to the end) or > search_begin_sample " + std::to_string(config.search_begin_sample));
  }
}

double FirstBreakPicker::pick(std::span<const float> trace) const noexcept {
  return config_.method == Method::threshold ? pick_threshold(trace) : pick_energy_ratio(trace);
}

double FirstBreakPicker::pick_threshold(std::span<const float> x) const noexcept {
  const std::size_t begin = config_.search_begin_sample;
  const std::size_t end =
      config_.search_end_sample == 0 ? x.size() : std::min(config_.search_end_sample, x.size());
  const double none = std::numeric_limits<double>::quiet_NaN();
  if (begin >= end) return none;
  float peak = 0.0f;
  for (std::size_t i = begin; i < end; ++i) peak = std::max(peak, std::abs(x[i]));
  if (!(peak > 0.0f) || !std::isfinite(peak)) return none;
  const double threshold = config_.threshold_fraction * static_cast<double>(peak);
  for (std::size_t i = begin; i < end; ++i) {
    const double above = std::abs(static_cast<double>(x[i]));
    if (above < threshold) continue;
    if (i == 0) return 0.0;
    // The sample before may lie outside the search range; it still brackets the crossing.
    const double below = std::abs(static_cast<double>(x[i - 1]));
    if (below >= threshold) return static_cast<double>(i);
    return static_cast<double>(i - 1) + (threshold - below) / (above - below);
  }
  return none;  // unreachable: the peak itself reaches the threshold
}

double FirstBreakPicker::pick_energy_ratio(std::span<const float> x) const noexcept {
  const std::size_t w = config_.energy_window_samples;
  const std::size_t begin = config_.search_begin_sample;
  const std::size_t end =
      config_.search_end_sample == 0 ? x.size() : std::min(config_.search_end_sample, x.size());
  const double none = std::numeric_limits<double>::quiet_NaN();
  // Candidates i need x[i - w, i + w) inside [begin, end).
  if (end < begin + 2 * w) return none;
  const std::size_t first = begin + w;
  const std::size_t last = end - w;  // inclusive

  auto energy = [&](std::size_t from) {
    double e = 0.0;
    for (std::size_t k = from; k < from + w; ++k) e += static_cast<double>(x[k]) * x[k];
    return e;
  };
  double max_after = 0.0;
  {
    double after = energy(first);
    for (std::size_t i = first;; ++i) {
      max_after = std::max(max_after, after);
      if (i == last) break;
      after += static_cast<double>(x[i + w]) * x[i + w] - static_cast<double>(x[i]) * x[i];
    }
  }
  if (!(max_after > 0.0) || !std::isfinite(max_after)) return none;
  const double epsilon = 1e-3 * max_after;
  auto log_ratio = [&](double before, double after) {
    return std::log((std::max(after, 0.0) + epsilon) / (std::max(before, 0.0) + epsilon));
  };

  double before = energy(first - w);
  double after = energy(first);
  std::size_t best = first;
  double best_value = -std::numeric_limits<double>::infinity();
  for (std::size_t i = first;; ++i) {
    const double value = log_ratio(before, after);
    if (value > best_value) {
      best_value = value;
      best = i;
    }
    if (i == last) break;
    const double leaving = static_cast<double>(x[i - w]) * x[i - w];
    const double moving = static_cast<double>(x[i]) * x[i];
    const double entering = static_cast<double>(x[i + w]) * x[i + w];
    before += moving - leaving;
    after += entering - moving;
  }
  if (best == first || best == last) return static_cast<double>(best);
  // Recomputed directly (not from the running sums) so the three values share no rounding drift.
  const double left = log_ratio(energy(best - 1 - w), energy(best - 1));
  const double centre = log_ratio(energy(best - w), energy(best));
  const double right = log_ratio(energy(best + 1 - w), energy(best + 1));
  const double curvature = left - 2.0 * centre + right;
  double offset = 0.0;
  if (curvature < 0.0) offset = std::clamp(0.5 * (left - right) / curvature, -0.5, 0.5);
  return static_cast<double>(best) + offset;
}

TimeZeroAligner::TimeZeroAligner(const Config& config, std::size_t max_samples)
    : config_(config), picker_(config.picker) {
  if (!(config.target_sample >= 0.0) || !std::isfinite(config.target_sample)) {
    bad_value("TimeZeroAligner", "target_sample", std::to_string(config.target_sample),
              "a finite value >= 0");
  }
  if (!std::isfinite(config.first_break_time_s)) {
    bad_value("TimeZeroAligner", "first_break_time_s", std::to_string(config.first_break_time_s),
              "a finite value");
  }
  if (!(config.max_shift_samples > 0.0) || !std::isfinite(config.max_shift_samples)) {
    bad_value("TimeZeroAligner", "max_shift_samples", std::to_string(config.max_shift_samples),
              "a finite value > 0");
  }
  if (config.interpolator_half_width < 1 || config.interpolator_half_width > 64) {
    bad_value("TimeZeroAligner", "interpolator_half_width",
              std::to_string(config.interpolator_half_width), "1..64");
  }
  if (max_samples == 0) bad_value("TimeZeroAligner", "max_samples", "0", ">= 1");
  input_.resize(max_samples);
  taps_.resize(2 * config.interpolator_half_width);
}

void TimeZeroAligner::reset() noexcept {
  shift_ = 0.0;
  last_pick_ = 0.0;
  have_shift_ = false;
  failed_picks_ = 0;
  clamped_shifts_ = 0;
}

void TimeZeroAligner::process(TraceHeader& header, std::span<const float> in,
                              std::span<float> out) noexcept {
  assert(in.size() == out.size() && in.size() <= input_.size());
  const bool pick_now = config_.pick_mode == PickMode::every_trace || !have_shift_;
  last_pick_ = std::numeric_limits<double>::quiet_NaN();
  if (pick_now) {
    last_pick_ = picker_.pick(in);
    if (std::isnan(last_pick_)) {
      ++failed_picks_;  // keep the previous shift
    } else {
      double shift = config_.target_sample - last_pick_;
      if (std::abs(shift) > config_.max_shift_samples) {
        shift = std::copysign(config_.max_shift_samples, shift);
        ++clamped_shifts_;
      }
      shift_ = shift;
      have_shift_ = true;
    }
  }
  shift_trace(in, out);
  header.time_zero_s = config_.first_break_time_s - config_.target_sample * header.dt_s;
}

void TimeZeroAligner::shift_trace(std::span<const float> in, std::span<float> out) noexcept {
  const std::size_t n = in.size();
  std::copy(in.begin(), in.end(), input_.begin());
  // out[i] = x(i - shift). With shift = m + f (m integer, 0 <= f < 1) and u = 1 - f in (0, 1],
  // x(i - shift) = x(base + u) with base = i - m - 1, interpolated from x[base + j],
  // j = 1 - H .. H, with weights h(u - j).
  const auto h = static_cast<std::ptrdiff_t>(config_.interpolator_half_width);
  const double whole = std::floor(shift_);
  const double u = 1.0 - (shift_ - whole);
  const auto m = static_cast<std::ptrdiff_t>(whole);
  const double window_half_length = static_cast<double>(h + 1);
  const double i0_beta = bessel_i0(kaiser_beta);
  double tap_sum = 0.0;
  for (std::ptrdiff_t j = 1 - h; j <= h; ++j) {
    const double d = u - static_cast<double>(j);
    const double r = d / window_half_length;
    const double window = bessel_i0(kaiser_beta * std::sqrt(std::max(0.0, 1.0 - r * r))) / i0_beta;
    const double tap = sinc(d) * window;
    taps_[static_cast<std::size_t>(j + h - 1)] = static_cast<float>(tap);
    tap_sum += tap;
  }
  for (float& tap : taps_) tap = static_cast<float>(tap / tap_sum);

  const auto count = static_cast<std::ptrdiff_t>(n);
  for (std::ptrdiff_t i = 0; i < count; ++i) {
    const std::ptrdiff_t base = i - m - 1;
    // Only the taps that read inside the trace: beyond either end the trace is zero.
    const std::ptrdiff_t j_first = std::max<std::ptrdiff_t>(1 - h, -base);
    const std::ptrdiff_t j_last = std::min<std::ptrdiff_t>(h, count - 1 - base);
    double acc = 0.0;
    for (std::ptrdiff_t j = j_first; j <= j_last; ++j) {
      acc += static_cast<double>(taps_[static_cast<std::size_t>(j + h - 1)]) *
             input_[static_cast<std::size_t>(base + j)];
    }
    out[static_cast<std::size_t>(i)] = static_cast<float>(acc);
  }
}

}  // namespace deminer::dsp
