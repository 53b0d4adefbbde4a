// PiPipeline: the streaming pulse-induction metal-detector chain, pulse by pulse:
//   gate check → optional averaging of N pulses → per-gate baseline (tare + drift tracker, frozen
//   during events) → ground balance (weighted gate pairs) → auto-threshold events: one
//   EventDetector per balance pair on that pair's output (median/MAD noise estimate, frozen during
//   events); an event is open while any pair's is (one event per pass), its strength is the
//   largest per-pair SNR → at the end of each event a Detection with the decay's time constant and
//   ferrous/non-ferrous identity; and, for every processed sample, the ToneOutput for the audio.
//
// Why: this is what a handheld PI detector runs on every pulse (a few thousand per second, dozens
// of gates: a few hundred flops per pulse plus the event detectors), and what a workstation runs
// on a recording. All memory is taken in the constructor; process(), flush() and the runtime
// controls are noexcept and never allocate, lock or log.
// Why one detector per pair: each pair's output is linear in the gates, so its noise is Gaussian
// and its median/MAD estimate is sound, and each pair is normalised by its own measured noise
// (gate noise need not be white or equal). A single detector on a "strongest pair" signal would
// see a bimodal noise (the signed maximum of several |noises|) whose median jumps between modes
// and whose MAD underestimates σ: false alarms.
//
// Input: PiFrameView whose gate times and pulse length match the configuration (relative
// tolerance gate_time_tolerance) and finite gate values; other frames are skipped and counted in
// rejected_frames(): the balance weights are designed for the configured gates.
//
// Output: Detection (sensor metal_detector) at the event's peak: position_m, sequence,
// timestamp_ns, channel of the pulse at the peak; score = the largest per-pair SNR (in σ of that
// pair's measured noise); features (feature_count = 11, see PiFeature): the decay time constant
// from the three-parameter fit (µs) and its 1σ, from log-linear regression and from the strongest
// pair's two gates (µs), the ferrous flag (1 ferrous, 0 non-ferrous, −1 no identity: SNR too
// low), the classifier's early slope, slope growth and margin, the peak balanced value, the event
// length in samples and the balance pair that was strongest at the peak. The shape features come
// from the event's gate vectors averaged (signed by the first gate) over the samples above the
// release level, so they use the whole pass, not one pulse.
//
// Tone: volume rises from 0 at volume_start_sigmas to 1 at volume_full_sigmas of the strongest
// pair's SNR; pitch falls from max_pitch_hz (τ ≤ short_tau_s) to min_pitch_hz (τ ≥ long_tau_s),
// logarithmically in τ (log-linear τ of the current sample; held while the signal is weak).
//
// Start-up: the baseline tares over its first tare_pulses samples (and again on request_tare());
// no detection and no tone during a tare, an event open when it begins is discarded, and the
// event detectors restart after it (warmup).
// Latency: pulses_per_sample − 1 pulses of averaging; a detection is reported hold_samples after
// the signal fell below the release level (EventDetector); flush() reports an open event.
// Limitation: the shape features see the raw (baselined, not balanced) gates, so strong residual
// soil (coil pumping) biases τ and the ferrous decision of weak targets; the SNR gate of the
// classifier (min_snr) withholds the identity when the target is weak.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "deminer/dsp/core/detection.hpp"
#include "deminer/dsp/md/event_detector.hpp"
#include "deminer/dsp/md/md_frame.hpp"
#include "deminer/dsp/md/pi_baseline.hpp"
#include "deminer/dsp/md/pi_classifier.hpp"
#include "deminer/dsp/md/pi_decay_fit.hpp"
#include "deminer/dsp/md/pi_ground_balance.hpp"

namespace deminer::dsp {

// Indices into Detection::feature_values of a PI detection.
enum class PiFeature : std::uint8_t {
  tau_fit_us = 0,
  tau_fit_sigma_us = 1,
  tau_log_linear_us = 2,
  tau_two_gate_us = 3,
  ferrous = 4,
  early_slope = 5,
  slope_growth = 6,
  ferrous_margin = 7,
  peak_value = 8,
  event_samples = 9,
  best_pair = 10,
  count = 11,
};

class PiPipeline {
 public:
  struct Tone {
    double min_pitch_hz = 200.0;       // long decays (ferrous, large), (0, max_pitch_hz)
    double max_pitch_hz = 1500.0;      // short decays (small non-ferrous), (min, 20000]
    double short_tau_s = 5e-6;         // (0, long_tau_s)
    double long_tau_s = 1e-3;          // (short_tau_s, 10]
    double volume_start_sigmas = 3.0;  // [0, volume_full_sigmas)
    double volume_full_sigmas = 30.0;  // (volume_start_sigmas, 1e6]
  };

  struct Config {
    // Gate times after switch-off (increasing) and the transmit pulse length the chain is built
    // for; frames must match within gate_time_tolerance (relative).
    std::vector<float> gate_times_s;
    double pulse_length_s = 100e-6;     // (0, 1]
    double gate_time_tolerance = 1e-3;  // (0, 0.5]
    std::size_t pulses_per_sample = 1;  // pulses averaged into one sample, [1, 65536]
    std::vector<md::PiGroundBalance::Pair> balance_pairs;
    md::PiBaseline::Config baseline;  // max_gates is set from gate_times_s
    md::EventDetector::Config events;
    md::ExponentialFit::Config fit;
    md::PiDecayClassifier::Config classifier;
    Tone tone;
  };

  // 13 gates 10–640 µs (×1.5 / ×1.33 steps), Tp = 100 µs, balance pairs 10/30, 10/15 and
  // 20/60 µs (τnull 15.8, 11.1, 28.9 µs), tare over 64 pulses, drift tracking over 2·10⁴ pulses.
  [[nodiscard]] static Config default_config();

  // Throws std::invalid_argument naming the block, the field, its value and the valid range.
  explicit PiPipeline(const Config& config);

  // One pulse; returns the number of detections written to `out` (at most one per call; a
  // detection that does not fit is counted in dropped_detections()).
  std::size_t process(const md::PiFrameView& frame, std::span<Detection> out) noexcept;
  // Pulses in order; the same results as one call per pulse.
  std::size_t process(std::span<const md::PiFrameView> frames, std::span<Detection> out) noexcept;
  // End of data: reports an event that is still open (as if it had closed now).
  std::size_t flush(std::span<Detection> out) noexcept;
  void reset() noexcept;

  // The unit's controls, safe between pulses.
  void set_threshold_sigmas(float sigmas) noexcept;
  void request_tare() noexcept { baseline_.request_tare(); }

  [[nodiscard]] md::ToneOutput tone() const noexcept { return tone_; }
  // The latest balanced output: the strongest pair, in σ of its own noise, sign kept (0 until
  // the detectors are warm); and the per-pair outputs (volts/√(1+w²)).
  [[nodiscard]] float balanced() const noexcept { return combined_; }
  [[nodiscard]] std::span<const float> pair_outputs() const noexcept {
    return std::span(pair_outputs_).first(balance_.pair_count());
  }
  [[nodiscard]] const md::PiGroundBalance& ground_balance() const noexcept { return balance_; }
  [[nodiscard]] const md::EventDetector& event_detector(std::size_t pair) const noexcept {
    return events_[pair];
  }
  [[nodiscard]] bool in_event() const noexcept { return in_event_; }
  [[nodiscard]] std::uint64_t rejected_frames() const noexcept { return rejected_; }
  [[nodiscard]] std::uint64_t dropped_detections() const noexcept { return dropped_; }
  [[nodiscard]] std::uint64_t samples() const noexcept { return samples_; }
  [[nodiscard]] const Config& config() const noexcept { return config_; }

 private:
  bool matches(const md::PiFrameView& frame) const noexcept;
  std::size_t process_sample(std::span<Detection> out) noexcept;
  std::size_t report(std::span<Detection> out) noexcept;
  void update_tone(float snr) noexcept;

  Config config_;
  md::PiBaseline baseline_;
  md::PiGroundBalance balance_;
  std::vector<md::EventDetector> events_;  // one per balance pair
  md::ExponentialFit fit_;
  md::PiDecayClassifier classifier_;
  std::vector<double> stack_;      // sum of the pulses of the current sample
  std::vector<float> gates_;       // the averaged sample
  std::vector<float> baselined_;   // after the baseline
  std::vector<double> event_sum_;  // signed sum of the event's gate vectors
  std::vector<float> event_mean_;
  std::vector<float> pair_outputs_;
  std::size_t stacked_ = 0;
  double position_sum_ = 0.0;
  md::PiFrameHeader last_header_{};
  std::size_t event_count_ = 0;  // samples in event_sum_
  std::uint64_t event_samples_ = 0;
  // At the event's peak.
  md::PiFrameHeader peak_header_{};
  double peak_position_m_ = 0.0;
  std::size_t peak_pair_ = 0;
  float peak_snr_ = 0.0f;
  float peak_value_ = 0.0f;
  float peak_sigma_ = 0.0f;
  bool in_event_ = false;
  float combined_ = 0.0f;
  md::ToneOutput tone_{};
  std::uint64_t samples_ = 0;
  std::uint64_t rejected_ = 0;
  std::uint64_t dropped_ = 0;
};

// Design-time report of the ground balance of a configuration: each pair's gates, weight, noise
// gain and τnull (exact, and the long-pulse approximation), and the τ ranges in [1 µs, 1 ms]
// where a single pair, and the combination, stays below `loss_fraction` of the unbalanced
// earliest gate's SNR (see PiGroundBalance::sensitivity). Text, one line per item. Throws
// std::invalid_argument for an invalid configuration or loss_fraction outside (0, 1).
[[nodiscard]] std::string pi_balance_report(const PiPipeline::Config& config,
                                            double loss_fraction = 0.05);

}  // namespace deminer::dsp
