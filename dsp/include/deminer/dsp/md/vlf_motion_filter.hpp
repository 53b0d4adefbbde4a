// VLF motion filter and pinpoint path: what a detector does with its channel-rate signal before
// deciding whether something is under the coil.
//
// VlfMotionFilter: a causal Butterworth band-pass (scipy.signal.butter + sosfilt; design in
// dsp/core/butterworth.hpp), run as one stream whose state survives from block to block, on
// real samples or on complex X + iR samples (each part filtered alike: real coefficients keep the
// phase angle of a target intact, up to the sign of the lobe).
// Why: a swept coil turns a target into a pulse lasting the time the coil takes to pass it
// (tenths of a second), while drift (temperature, battery) is slower and hum and jitter are
// faster; a band-pass around the sweep's rate passes the pulse and drops both. The price is that
// a target that stops moving fades: hence the pinpoint path.
// Latency: the filter's group delay (about 1/(2π·√(low·high)) for order 1, more for higher
// orders); no look-ahead.
//
// VlfPinpoint: the non-motion path: x, smoothed by a first-order low-pass (low_pass_hz, like the
// motion filter's upper edge, so its noise is comparable), minus a baseline that follows it only
// very slowly (first-order, time constant baseline_time_s; 0 holds it) and that tare() resets to
// the latest value.
// Why: to locate a target the user holds the coil still over it; the motion filter's output dies
// away then, while x − baseline stays (decaying as e^{−t/baseline_time_s}).
// Units: whatever the input is in (volts); rates and cutoffs in Hz, times in seconds.
// process() is noexcept, in place allowed, allocates nothing.
#pragma once

#include <complex>
#include <cstddef>
#include <span>
#include <vector>

#include "deminer/dsp/core/butterworth.hpp"

namespace deminer::dsp::md {

class VlfMotionFilter {
 public:
  struct Config {
    double channel_rate_hz = 1000.0;  // (0, 1e9]
    double low_hz = 0.5;              // lower -3 dB edge, (0, high_hz)
    double high_hz = 10.0;            // upper -3 dB edge, (low_hz, channel_rate_hz/2)
    int order = 2;                    // 1..8 (the band-pass has 2·order poles)
    // Start as if the first input had always been there (scipy's sosfilt_zi scaled by it), so
    // that switching on over soil rings nothing; false: zero state, as scipy's sosfilt.
    bool start_settled = false;
  };

  // Throws std::invalid_argument naming the field, its value and the valid range.
  explicit VlfMotionFilter(const Config& config);

  void process(std::span<const float> in, std::span<float> out) noexcept;
  void process(std::span<const std::complex<float>> in,
               std::span<std::complex<float>> out) noexcept;
  std::complex<float> push(std::complex<float> x) noexcept;
  void reset() noexcept;

  [[nodiscard]] const Config& config() const noexcept { return config_; }
  [[nodiscard]] std::span<const SosSection> sections() const noexcept { return sections_; }

 private:
  struct State {
    std::complex<double> z1;
    std::complex<double> z2;
  };
  // The steady state of every section for a constant input x.
  void settle(std::complex<double> x) noexcept;
  Config config_;
  std::vector<SosSection> sections_;
  std::vector<State> state_;
  bool started_ = false;
};

class VlfPinpoint {
 public:
  struct Config {
    double channel_rate_hz = 1000.0;  // (0, 1e9]
    double baseline_time_s = 30.0;    // 0 (hold the tare) or [0.01, 1e6]
    double low_pass_hz = 10.0;        // 0 (none) or (0, channel_rate_hz/2)
  };

  // Throws std::invalid_argument naming the field, its value and the valid range.
  explicit VlfPinpoint(const Config& config);

  void process(std::span<const float> in, std::span<float> out) noexcept;
  float push(float x) noexcept;
  // The baseline becomes the latest input: the output restarts from zero (the unit's "tare"
  // button, pressed with the coil away from any target). Before any input: the next one.
  void tare() noexcept;
  [[nodiscard]] float baseline() const noexcept { return static_cast<float>(baseline_); }
  void reset() noexcept;

  [[nodiscard]] const Config& config() const noexcept { return config_; }

 private:
  Config config_;
  double follow_;  // per-sample weight of the input in the baseline
  double smooth_;  // per-sample weight of the input in the low-pass (1: none)
  double smoothed_ = 0.0;
  double baseline_ = 0.0;
  bool started_ = false;
  bool tare_pending_ = false;
};

}  // namespace deminer::dsp::md
