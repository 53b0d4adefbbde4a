// VlfPipeline: the continuous-wave (VLF, induction-balance) metal-detector chain, block by block
// as the sensor head delivers phase-locked raw ADC blocks (md/md_frame.hpp):
//   demodulation (one phasor per tone per window: the channel rate) → air balance and phase
//   calibration (every tone) → motion band-pass of the detection tone's X + iR → ground balance
//   (projection orthogonal to the tracked ground angle) → auto-threshold event detector (its
//   events freeze the ground tracker) → target identity from the phase at the event's peak →
//   a Detection per event and a ToneOutput per channel sample.
// Alongside, the pinpoint path: the unfiltered, ground-balanced signal minus a slow baseline, for
// a coil held still over a target (set_pinpoint(true) makes the tones follow it).
//
// Why: this is the chain a handheld unit runs, and the one a workstation replays recordings
// through; same code, same numbers. Every parameter is in the Config (vlf_pipeline_json.hpp
// reads it from JSON), calibrations captured in the field are read back by calibration() to be
// saved. All memory is taken in the constructor; process() and every runtime setter are
// noexcept and never allocate, lock or log.
// Blocks: the header's sample rate and tones must be those of the Config and a block may hold at
// most max_block_samples samples; other blocks are skipped and counted (rejected_blocks()). A
// gap in the sequence numbers restarts the demodulation window (each block starts at phase 0).
// Non-finite samples spoil their window, which is dropped and counted (bad_windows()).
// Identity: the phase of the motion-filtered X + iR at the event's peak. Soil that is not
// constant under the coil (pumping, uneven ground) adds a component along the ground direction
// that the balance hides from detection but not from the phase: an identity is only given when
// the peak's balanced value exceeds target_id.min_snr times the σ of that parallel component as
// well as times the noise σ; the phase error is then below about 1/min_snr radians. That σ is
// robust (median absolute deviation over quiet samples, frozen while the parallel component
// itself jumps): a ferrous target, whose phase is near the ground's, puts most of its signal on
// that axis, and a mean square would count its passes as soil and withhold every identity.
// Positions: every channel sample gets the position of its window's centre, interpolated from
// the block positions (which are at the blocks' middles); detections carry the position (and the
// sweep line's advance of the block holding it), time and sequence number where the unfiltered
// ground-balanced signal peaked during the event (over the target; the motion-filtered peak sits
// on a lobe, off it at slow sweeps).
// Latency: one demodulation window, plus the motion filter's delay, plus the event's
// hold_samples (an event is reported when it closes).
#pragma once

#include <array>
#include <boost/circular_buffer.hpp>
#include <cmath>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "deminer/dsp/core/detection.hpp"
#include "deminer/dsp/md/event_detector.hpp"
#include "deminer/dsp/md/md_frame.hpp"
#include "deminer/dsp/md/vlf_calibration.hpp"
#include "deminer/dsp/md/vlf_demodulator.hpp"
#include "deminer/dsp/md/vlf_ground_balance.hpp"
#include "deminer/dsp/md/vlf_motion_filter.hpp"
#include "deminer/dsp/md/vlf_target_id.hpp"

namespace deminer::dsp {

// The feature vector of a VLF detection (Detection::features()), in this order.
enum class VlfFeature : std::uint8_t {
  phase_deg = 0,     // θ = atan2(R, X) of the motion-filtered response at the peak, degrees
  amplitude_v,       // |X + iR| at the peak, volts
  target_class,      // md::VlfTargetClass as a number (0: no identity)
  ferrous,           // 1 ferrous, 0 not ferrous, −1 no identity
  ground_angle_deg,  // θg in use at the peak
  balanced_v,        // ground-balanced, motion-filtered value at the peak (signed), volts
  noise_sigma_v,     // the event detector's noise σ, volts
  parallel_sigma_v,  // robust σ of the motion-filtered signal along the ground (soil left by
                     // pumping)
  count
};

class VlfPipeline {
 public:
  struct Config {
    // Sample rate, tones and window; the channel rate is sample_rate_hz / window_samples.
    md::VlfDemodulator::Config demodulator;
    // Per-tone air offset and phase (its tone_count is set from the demodulator's).
    md::VlfCalibration::Config calibration;
    md::VlfGroundBalance::Config ground_balance;
    // channel_rate_hz of the motion filter and the pinpoint path is set from the demodulator's.
    // Started settled: switching on over soil must not ring through the first seconds.
    md::VlfMotionFilter::Config motion_filter{.start_settled = true};
    md::VlfPinpoint::Config pinpoint;
    // In channel samples; the defaults suit a 1 kS/s channel: 2 s of noise history, a hold of
    // 0.15 s that bridges the zero crossing of a motion-filtered target, and strong targets'
    // filter tails cut at 10% of their peak.
    md::EventDetector::Config events{2048, 32, 256, 6.0f, 3.0f, 150, 1e-9f, 0.1f};
    md::VlfTargetId::Config target_id;
    // An event open longer than this (channel samples; 0: no limit) is no target pass but a
    // change of background (the coil put down, a ground the tracker has not caught yet): it is
    // abandoned, the detector re-learns the noise and the ground tracker is released.
    std::size_t max_event_samples = 3000;  // 0 or [16, 1e9]
    // Quiet channel samples in the estimate of the ground-direction clutter that gates the
    // identity.
    std::size_t clutter_window = 512;       // [16, 65536]
    std::size_t detection_tone = 0;         // the tone whose channel is detected, [0, tones)
    std::size_t max_block_samples = 65536;  // [1, 1e8]
    bool pinpoint_mode = false;             // tones from the pinpoint path from the start
  };

  struct Result {
    std::size_t detections = 0;       // written to the detections span
    std::size_t channel_samples = 0;  // windows completed by this block (one tone each)
  };

  // Throws std::invalid_argument (naming the block, the field, its value and the valid range)
  // if any block rejects its configuration, or for detection_tone / max_block_samples.
  explicit VlfPipeline(const Config& config);

  // One block. Detections of events that closed in this block go to `detections` (those that do
  // not fit are counted in dropped_detections()); `tones`, if not empty, receives one ToneOutput
  // per channel sample (up to its size).
  Result process(const md::VlfBlockView& block, std::span<Detection> detections,
                 std::span<md::ToneOutput> tones = {}) noexcept;

  // End of data: reports an event that is still open (as if it had closed now), at most one.
  std::size_t flush(std::span<Detection> out) noexcept;

  // The tone of the latest channel sample (continuous audio), and the tone of the latest event
  // (pitch from its identity, volume from its peak SNR; held until the next event).
  [[nodiscard]] md::ToneOutput tone() const noexcept { return tone_; }
  [[nodiscard]] md::ToneOutput event_tone() const noexcept { return event_tone_; }
  // The most channel samples one block can produce (sizes for `tones`).
  [[nodiscard]] std::size_t max_channel_samples() const noexcept { return max_windows_; }
  [[nodiscard]] double channel_rate_hz() const noexcept { return demodulator_.channel_rate_hz(); }

  // Per channel sample of the last block (valid until the next call): the ground-balanced,
  // motion-filtered detection signal; the pinpoint signal; calibrated X + iR of every tone
  // (window-major).
  [[nodiscard]] std::span<const float> last_balanced() const noexcept {
    return std::span(balanced_).first(last_windows_);
  }
  [[nodiscard]] std::span<const float> last_pinpoint() const noexcept {
    return std::span(pinpoint_values_).first(last_windows_);
  }
  [[nodiscard]] std::span<const std::complex<float>> last_calibrated() const noexcept {
    return std::span(phasors_).first(last_windows_ * tone_count_);
  }

  // Runtime controls (the unit's knobs and buttons). Out-of-range values are ignored.
  void set_threshold_sigmas(float sigmas) noexcept { events_.set_threshold_sigmas(sigmas); }
  void set_ground_angle_deg(double angle_deg) noexcept {
    ground_balance_.set_ground_angle_deg(angle_deg);
  }
  void set_ground_tracking(bool on) noexcept { ground_balance_.set_tracking(on); }
  bool grab_ground() noexcept { return ground_balance_.grab(); }
  [[nodiscard]] double ground_angle_deg() const noexcept {
    return ground_balance_.ground_angle_deg();
  }
  // Air balance: begin with the coil in air, away from metal; finish after a second or so.
  void begin_air_capture() noexcept { calibration_.begin_capture(); }
  bool finish_air_capture() noexcept { return calibration_.finish_air_capture(); }
  // Phase calibration: begin with a ferrite sample held still at the coil (after the air
  // balance); finish after a second or so.
  void begin_ferrite_capture() noexcept { calibration_.begin_capture(); }
  bool finish_ferrite_capture() noexcept { return calibration_.finish_ferrite_capture(); }
  void set_pinpoint(bool on) noexcept { pinpoint_mode_ = on; }
  [[nodiscard]] bool pinpoint() const noexcept { return pinpoint_mode_; }
  void tare_pinpoint() noexcept { pinpoint_.tare(); }
  // Clears the streaming state (window, filters, ground tracker and angle, detector, pinpoint
  // baseline, counters); keeps the calibration (captured or configured).
  void reset() noexcept;

  [[nodiscard]] const md::VlfCalibration& calibration() const noexcept { return calibration_; }
  [[nodiscard]] const md::EventDetector& events() const noexcept { return events_; }
  [[nodiscard]] const Config& config() const noexcept { return config_; }
  [[nodiscard]] std::uint64_t rejected_blocks() const noexcept { return rejected_blocks_; }
  [[nodiscard]] std::uint64_t sequence_gaps() const noexcept { return sequence_gaps_; }
  [[nodiscard]] std::uint64_t bad_windows() const noexcept { return bad_windows_; }
  [[nodiscard]] std::uint64_t dropped_detections() const noexcept { return dropped_detections_; }
  [[nodiscard]] std::uint64_t abandoned_events() const noexcept { return abandoned_events_; }

  // Whether blocks with this header fit the demodulator (same sample rate and tones); others are
  // rejected (rejected_blocks()).
  [[nodiscard]] bool accepts(const md::VlfBlockHeader& header) const noexcept;

 private:
  // The peak of the open event, as the chain saw it: strength and phase where the motion-
  // filtered signal peaks; place and time where the unfiltered ground-balanced (pinpoint) signal
  // departs most from its value before the event (a band-pass moves a slow pass's peak to one
  // of its lobes, the unfiltered bump stays over the target).
  struct Peak {
    std::complex<float> response;  // motion-filtered X + iR of the detection tone
    float balanced = 0.0f;
    float ground_angle_deg = 0.0f;
    float pinpoint_reference = 0.0f;
    float pinpoint_deviation = -1.0f;
    double position_m = 0.0;
    double advance_m = 0.0;
    std::int64_t timestamp_ns = 0;
    std::uint64_t sequence = 0;
  };

  // Writes the detection of the event that has just closed (or is flushed) to out[0]; false
  // (counted as dropped) when `out` is empty.
  bool report(std::uint16_t channel, std::span<Detection> out) noexcept;
  // Identity of a motion-filtered response whose balanced value is `balanced`: a target's
  // lobe may be negative, which turns its phase by 180°; sin(θ − θg) > 0 for any real target,
  // so the sign of the balanced value undoes that.
  // The SNR passed to the identity is limited by the parallel clutter (see the top).
  [[nodiscard]] md::VlfTargetId::Identity identify(std::complex<float> response, float balanced,
                                                   float snr) const noexcept;
  [[nodiscard]] float parallel_sigma() const noexcept {
    return clutter_.ready() ? clutter_.sigma() : 0.0f;
  }

  Config config_;
  md::VlfDemodulator demodulator_;
  md::VlfCalibration calibration_;
  md::VlfMotionFilter motion_filter_;
  md::VlfGroundBalance ground_balance_;
  md::VlfPinpoint pinpoint_;
  md::EventDetector events_;
  md::VlfTargetId target_id_;
  std::size_t tone_count_;
  std::size_t max_windows_;
  std::vector<std::complex<float>> phasors_;  // demodulated, then calibrated in place
  std::vector<float> balanced_;
  std::vector<float> pinpoint_values_;
  std::size_t last_windows_ = 0;
  md::ToneOutput tone_;
  md::ToneOutput event_tone_;
  Peak peak_;
  std::uint64_t channel_index_ = 0;  // the event detector's sample index
  std::uint16_t last_channel_ = 0;   // of the latest block, for flush()
  // The motion-filtered component along the ground direction, on quiet samples: its σ.
  md::EventDetector clutter_;
  boost::circular_buffer<float> pinpoint_history_;  // the last 0.3 s of the pinpoint signal
  bool pinpoint_mode_;
  bool have_previous_ = false;
  std::uint64_t previous_sequence_ = 0;
  double previous_position_m_ = 0.0;
  std::size_t previous_samples_ = 0;
  std::uint64_t rejected_blocks_ = 0;
  std::uint64_t sequence_gaps_ = 0;
  std::uint64_t bad_windows_ = 0;
  std::uint64_t dropped_detections_ = 0;
  std::uint64_t abandoned_events_ = 0;
};

}  // namespace deminer::dsp
