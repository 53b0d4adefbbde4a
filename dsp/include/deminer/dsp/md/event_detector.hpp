// Auto-threshold event detector for one metal-detector output channel (VLF: the ground-balanced,
// motion-filtered signal at channel rate; PI: a balanced gate pair per pulse).
//
// Why: soils, coils and interference change the noise floor from one field to the next, so a
// fixed threshold is either deaf or chatters. The noise level is estimated robustly (median and
// median absolute deviation, σ = 1.4826·MAD, so a target passing through does not raise it) from
// recent quiet samples only: the estimate freezes while an event is open. An event opens when
// |x − median| exceeds threshold_sigmas·σ and closes after hold_samples samples below
// release_sigmas·σ; the hold merges the two lobes a motion filter makes of one target into one
// event per pass.
// Strong targets: a band-pass motion filter leaves a slow tail of a few per cent of a target's
// peak, which for a target at hundreds of σ stays above release_sigmas·σ for seconds and would
// merge the next passes into one endless event. With release_peak_fraction f > 0 an event also
// closes below f times its peak deviation, and until the signal has been quiet (below the
// release level for hold_samples) a new event needs more than f times the previous peak, and
// those tail samples stay out of the noise estimate (settling() is true). After noise_window
// samples of tail, the tail counts as the new background and the estimate starts afresh (with
// its warm-up): a target swept over again and again cannot freeze the estimate for good.
// f = 0 (the default) turns this off.
// Units: whatever the input is in (volts); snr values are in σ. Latency: an event is reported as
// ended hold_samples after the signal fell back. Memory: fixed at construction.
#pragma once

#include <boost/circular_buffer.hpp>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace deminer::dsp::md {

class EventDetector {
 public:
  struct Config {
    std::size_t noise_window = 256;      // quiet samples in the noise estimate, [16, 65536]
    std::size_t update_interval = 16;    // samples between noise re-estimates, [1, noise_window]
    std::size_t warmup_samples = 64;     // no event before this many quiet samples, [8, window]
    float threshold_sigmas = 6.0f;       // opening level, (0, 1e6]
    float release_sigmas = 3.0f;         // closing level, (0, threshold_sigmas]
    std::size_t hold_samples = 8;        // samples below release before an event closes, [1, 1e6]
    float min_sigma = 1e-9f;             // floor for σ (a noiseless simulation), > 0
    float release_peak_fraction = 0.0f;  // closing level relative to the peak, [0, 1)
  };

  enum class State : std::uint8_t { quiet, opened, open, closed };

  struct Event {
    std::uint64_t start_index = 0;  // sample indices since construction/reset
    std::uint64_t peak_index = 0;
    std::uint64_t end_index = 0;  // last sample above the release level
    float peak_value = 0.0f;      // signed value at the peak of |x − median|
    float peak_snr = 0.0f;        // |peak_value − median| / σ
  };

  // Throws std::invalid_argument naming the field, the value and the valid range.
  explicit EventDetector(const Config& config);

  // One sample in; the state after it: opened (this sample opened an event), open, closed (the
  // event that was open has just been closed; last_event() describes it), or quiet.
  State push(float x) noexcept;

  [[nodiscard]] bool ready() const noexcept { return quiet_.size() >= config_.warmup_samples; }
  [[nodiscard]] bool in_event() const noexcept { return in_event_; }
  // After a strong event (release_peak_fraction > 0): its tail has not yet died away.
  [[nodiscard]] bool settling() const noexcept { return rearm_level_ > 0.0f; }
  [[nodiscard]] float median() const noexcept { return median_; }
  [[nodiscard]] float sigma() const noexcept { return sigma_; }
  // |x − median| / σ of the latest sample.
  [[nodiscard]] float snr() const noexcept { return snr_; }
  [[nodiscard]] const Event& current_or_last_event() const noexcept { return event_; }
  [[nodiscard]] const Config& config() const noexcept { return config_; }

  // Runtime tuning (the unit's sensitivity knob); values outside (0, 1e6] are ignored. The release
  // level is the configured one, lowered to the threshold while the threshold is below it.
  void set_threshold_sigmas(float sigmas) noexcept;
  void reset() noexcept;

 private:
  void estimate_noise() noexcept;

  Config config_;
  float configured_release_sigmas_;
  boost::circular_buffer<float> quiet_;
  std::vector<float> scratch_;
  std::uint64_t index_ = 0;
  std::size_t since_estimate_ = 0;
  std::size_t below_ = 0;
  bool in_event_ = false;
  float rearm_level_ = 0.0f;   // deviation a new event needs while a strong one's tail lasts
  std::size_t quiet_run_ = 0;  // samples below the release level since the last event
  std::size_t settling_ = 0;   // samples since the last strong event closed
  float median_ = 0.0f;
  float sigma_ = 0.0f;
  float snr_ = 0.0f;
  Event event_;
};

}  // namespace deminer::dsp::md
