#include "deminer/dsp/detect/energy_detector.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cassert>
#include <cmath>
#include <stdexcept>

#include "detector_support.hpp"

namespace deminer::dsp {

namespace {

using detail::parabola_vertex;

// Throws std::invalid_argument naming the field, its value and the valid range.
void check_range(const char* field, double value, double lo, double hi, bool lo_open = false,
                 bool hi_open = false) {
  detail::check_range("EnergyDetector", field, value, lo, hi, lo_open, hi_open);
}

}  // namespace

EnergyDetector::EnergyDetector(const Config& config, std::size_t max_samples) : config_(config) {
  const auto& g = config.geometry;
  check_range("geometry.antenna_height_m", g.antenna_height_m, 0.0, 2.0, true);
  check_range("geometry.antenna_offset_m", g.antenna_offset_m, 0.0, 2.0);
  check_range("geometry.relative_permittivity", g.relative_permittivity, 1.0, 100.0);
  check_range("gate_delay_s", config.gate_delay_s, 0.0, 1e-6);
  check_range("gate_length_s", config.gate_length_s, 0.0, 1e-5, true);
  check_range("trigger_ratio", config.trigger_ratio, 1.0, 1e6);
  check_range("prominence", config.prominence, 1.01, 1e6);
  check_range("min_event_traces", static_cast<double>(config.min_event_traces), 1.0, 1e6);
  check_range("apex_fit_traces", static_cast<double>(config.apex_fit_traces), 1.0, 1000.0);
  check_range("noise_floor", config.noise_floor, 0.0, 1e30, true);
  check_range("max_depth_m", config.max_depth_m, 0.0, 100.0, true);
  check_range("max_samples", static_cast<double>(max_samples), 1.0, 1e9);
  scratch_.resize(max_samples);
  recent_.set_capacity(config.apex_fit_traces + 1);
  window_.reserve(2 * config.apex_fit_traces + 1);
}

EnergyDetector::TraceStat EnergyDetector::measure(const TraceHeader& header,
                                                  std::span<const float> envelope) noexcept {
  TraceStat stat{.position_m = header.position_m,
                 .sequence = header.sequence,
                 .timestamp_ns = header.timestamp_ns,
                 .channel = header.channel};
  const double open_s = surface_two_way_time_s(config_.geometry) + config_.gate_delay_s;
  const double n = static_cast<double>(envelope.size());
  const auto first =
      static_cast<std::size_t>(std::clamp(std::ceil(header.sample_at_time(open_s)), 0.0, n));
  const auto end = static_cast<std::size_t>(
      std::clamp(std::floor(header.sample_at_time(open_s + config_.gate_length_s)) + 1.0, 0.0, n));
  if (end < first + 3) return stat;  // no room for a peak between two neighbours

  const auto gate = envelope.subspan(first, end - first);
  const auto peak = std::max_element(gate.begin(), gate.end());
  const auto middle = scratch_.begin() + static_cast<std::ptrdiff_t>(gate.size() / 2);
  std::copy(gate.begin(), gate.end(), scratch_.begin());
  std::nth_element(scratch_.begin(), middle,
                   scratch_.begin() + static_cast<std::ptrdiff_t>(gate.size()));
  stat.ratio = *peak / std::max(*middle, config_.noise_floor);

  const std::size_t i = first + static_cast<std::size_t>(peak - gate.begin());
  const double offset = i > 0 && i + 1 < envelope.size()
                            ? parabola_vertex(envelope[i - 1], envelope[i], envelope[i + 1])
                            : 0.0;
  stat.peak_time_s = header.time_of_sample_s(static_cast<double>(i) + offset);
  return stat;
}

void EnergyDetector::start_peak(const TraceStat& stat) noexcept {
  peak_ = stat;
  window_.assign(recent_.begin(), recent_.end());  // within capacity: no allocation
  after_needed_ = config_.apex_fit_traces;
}

std::size_t EnergyDetector::process(const TraceHeader& header, std::span<const float> envelope,
                                    std::span<Detection> out) noexcept {
  assert(envelope.size() <= scratch_.size());
  const TraceStat stat = measure(header, envelope);
  recent_.push_back(stat);
  if (!seeking_peak_) {
    valley_ratio_ = std::min(valley_ratio_, stat.ratio);
    if (stat.ratio > valley_ratio_ * config_.prominence) {
      seeking_peak_ = true;
      strong_traces_ = 0;
      start_peak(stat);
    }
  } else if (stat.ratio > peak_.ratio) {
    start_peak(stat);
  } else if (after_needed_ > 0) {
    window_.push_back(stat);
    --after_needed_;
  }
  if (!seeking_peak_) return 0;
  if (stat.ratio >= config_.trigger_ratio) ++strong_traces_;
  if (stat.ratio >= peak_.ratio / config_.prominence) return 0;
  // The ratio has fallen far enough below the peak: it is confirmed; look for the valley.
  seeking_peak_ = false;
  valley_ratio_ = stat.ratio;
  return report(out);
}

std::size_t EnergyDetector::flush(std::span<Detection> out) noexcept {
  const std::size_t written = seeking_peak_ ? report(out) : 0;
  const std::uint64_t dropped = dropped_;
  reset();
  dropped_ = dropped;
  return written;
}

std::size_t EnergyDetector::report(std::span<Detection> out) noexcept {
  if (peak_.ratio < config_.trigger_ratio || strong_traces_ < config_.min_event_traces) return 0;
  if (out.empty()) {
    ++dropped_;
    return 0;
  }
  // Least squares t² = a + b·u + c·u², u = position - peak position; times in ns for scale.
  Eigen::Matrix3d normal = Eigen::Matrix3d::Zero();
  Eigen::Vector3d rhs = Eigen::Vector3d::Zero();
  double u_min = 0.0;
  double u_max = 0.0;
  std::size_t used = 0;
  for (const TraceStat& s : window_) {
    if (s.ratio < peak_.ratio / config_.prominence) continue;
    const double u = s.position_m - peak_.position_m;
    const double t_ns = 1e9 * s.peak_time_s;
    const Eigen::Vector3d basis(1.0, u, u * u);
    normal.noalias() += basis * basis.transpose();
    rhs.noalias() += basis * (t_ns * t_ns);
    u_min = std::min(u_min, u);
    u_max = std::max(u_max, u);
    ++used;
  }
  double position_m = peak_.position_m;
  double time_s = peak_.peak_time_s;
  if (used >= 3) {
    const Eigen::Vector3d abc = normal.ldlt().solve(rhs);
    const double vertex = abc(2) > 0.0 ? -abc(1) / (2.0 * abc(2)) : u_min - 1.0;
    const double apex_t2 = abc(0) - abc(1) * abc(1) / (4.0 * abc(2));
    if (vertex >= u_min && vertex <= u_max && apex_t2 > 0.0) {
      position_m += vertex;
      time_s = 1e-9 * std::sqrt(apex_t2);
    }
  }
  // Sequence and timestamp of the trace nearest the apex.
  const TraceStat* nearest = &peak_;
  for (const TraceStat& s : window_) {
    if (std::abs(s.position_m - position_m) < std::abs(nearest->position_m - position_m)) {
      nearest = &s;
    }
  }
  Detection& d = out.front();
  d = Detection{};
  d.sensor = Sensor::gpr;
  d.channel = nearest->channel;
  d.sequence = nearest->sequence;
  d.timestamp_ns = nearest->timestamp_ns;
  d.position_m = position_m;
  d.time_s = time_s;
  d.depth_m = depth_from_apex_time_m(config_.geometry, time_s, config_.max_depth_m);
  d.score = peak_.ratio;
  return 1;
}

void EnergyDetector::reset() noexcept {
  recent_.clear();
  window_.clear();
  after_needed_ = 0;
  seeking_peak_ = true;
  peak_ = {};
  strong_traces_ = 0;
  valley_ratio_ = 0.0f;
  dropped_ = 0;
}

}  // namespace deminer::dsp
