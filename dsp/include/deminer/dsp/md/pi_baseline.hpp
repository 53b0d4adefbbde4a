// PiBaseline: per-gate baseline of a pulse-induction detector, subtracted from every pulse: a tare
// captured on demand (the mean of the next N pulses, e.g. with the coil held in the air) and a
// slow tracker that follows thermal drift and freezes while a target is under the coil.
//
// Why: every gate carries an offset that is not the target: the coil's and the electronics' own
// decay after switch-off, amplifier offsets, and their slow change with temperature (often larger
// than a small target). The tare removes the offset at one moment; the tracker (a one-pole
// low-pass per gate, time constant tracking_time_constant_pulses) removes its slow change. The
// tracker must not learn a target while the coil passes over it, or it would eat the signal and
// leave a negative ghost: the caller freezes it during events (set_frozen, driven by the event
// detector). A target sitting still under the coil for longer than a few time constants is
// learnt, as in every motion/tracking detector; set tracking_time_constant_pulses = 0 to disable
// tracking (tare only: a static "pinpoint" mode).
// Units: volts in, volts out; time constants in pulses. Latency: none (output of a pulse uses
// the baseline before that pulse). Memory: max_gates doubles (x2), taken in the constructor.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace deminer::dsp::md {

class PiBaseline {
 public:
  struct Config {
    std::size_t max_gates = 64;                  // [1, 4096]
    std::size_t tare_pulses = 64;                // pulses averaged by a tare, [1, 1e7]
    double tracking_time_constant_pulses = 2e4;  // 0 (no tracking) or [1, 1e9]
  };

  // Throws std::invalid_argument naming the field, the value and the valid range.
  explicit PiBaseline(const Config& config);

  // Subtracts the baseline of each gate: out[g] = in[g] - baseline[g]. A tare is pending from
  // construction and reset(): until it completes the baseline is the first pulse seen (so the
  // output starts near zero rather than at the coil's own decay), then the mean of the first
  // tare_pulses pulses (one pulse's noise would otherwise stay in the baseline for the tracker's
  // whole time constant). Updates the tare average and, unless frozen, the tracker.
  // in.size() == out.size() <= max_gates (otherwise nothing is written and false returned);
  // a different gate count than the previous pulse restarts the baseline. In place allowed.
  bool process(std::span<const float> in, std::span<float> out) noexcept;

  // Average the next tare_pulses pulses and make that the baseline (the tracker continues from
  // it). Useful with the coil in the air or over clean ground.
  void request_tare() noexcept;
  [[nodiscard]] bool tare_pending() const noexcept { return tare_count_ < tare_target_; }

  // While frozen the tracker holds the baseline (a tare in progress still completes).
  void set_frozen(bool frozen) noexcept { frozen_ = frozen; }
  [[nodiscard]] bool frozen() const noexcept { return frozen_; }

  [[nodiscard]] std::span<const double> baseline() const noexcept {
    return std::span(baseline_).first(gates_);
  }
  [[nodiscard]] const Config& config() const noexcept { return config_; }
  void reset() noexcept;

 private:
  Config config_;
  double alpha_ = 0.0;  // tracker step: 1 - exp(-1 / time constant)
  // Double: a step of alpha·(x − b) with alpha ~ 1e-4 would vanish below a float's resolution.
  std::vector<double> baseline_;
  std::vector<double> tare_sum_;
  std::size_t gates_ = 0;
  std::size_t tare_count_ = 0;
  std::size_t tare_target_ = 0;  // 0: no tare in progress
  bool frozen_ = false;
};

}  // namespace deminer::dsp::md
