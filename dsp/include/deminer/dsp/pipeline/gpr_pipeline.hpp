// GprPipeline: the streaming GPR chain, trace by trace:
//   dewow -> background removal -> envelope -> energy detector -> detections.
//
// Why: this is the chain a handheld unit runs on every trace as the radar produces it, and the
// one a workstation runs on a recording; same code, same numbers. All memory is taken in the
// constructor; process() and flush() are noexcept and never allocate, lock or log.
// Input: traces of exactly samples_per_trace samples (others are skipped and counted in
// rejected_traces()). The background-removed signal and the envelope of the last processed
// trace stay readable (for pictures) until the next call.
// Latency: a detection is written with the trace that confirms its peak (see
// energy_detector.hpp); flush() at the end of data reports a peak not yet confirmed. The background
// removal needs about window_traces traces to settle (see background_removal.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "deminer/dsp/core/detection.hpp"
#include "deminer/dsp/core/trace.hpp"
#include "deminer/dsp/detect/energy_detector.hpp"
#include "deminer/dsp/gpr/background_removal.hpp"
#include "deminer/dsp/gpr/dewow.hpp"
#include "deminer/dsp/gpr/envelope.hpp"

namespace deminer::dsp {

class GprPipeline {
 public:
  struct Config {
    std::size_t samples_per_trace = 512;  // >= 1
    Dewow::Config dewow;
    BackgroundRemoval::Config background;
    EnergyDetector::Config detector;
  };

  // Settings for the default simulated scene family: 1–3 GHz handheld radar sampled every
  // 0.05 ns, 512 samples, antenna 5 cm above ground with 5 cm offset, sand-like soil (εr 6),
  // traces every 1 cm. Change detector.geometry for another soil or antenna.
  [[nodiscard]] static Config default_config();

  // Throws std::invalid_argument if any block rejects its configuration.
  explicit GprPipeline(const Config& config);

  // Processes one trace; returns the number of detections written to `out` (0 or 1).
  std::size_t process(const TraceView& trace, std::span<Detection> out) noexcept;
  // Processes traces in order; same results as one call per trace. Returns the number written;
  // detections that do not fit in `out` are counted in dropped_detections().
  std::size_t process(std::span<const TraceView> traces, std::span<Detection> out) noexcept;
  // End of data: reports a peak not yet confirmed and restarts the detector (the background
  // window is kept; reset() clears everything). Returns 0 or 1.
  std::size_t flush(std::span<Detection> out) noexcept;
  void reset() noexcept;

  // The last trace processed: header, background-removed signal and envelope (empty before the
  // first trace). Valid until the next process() or reset().
  [[nodiscard]] const TraceHeader& last_header() const noexcept { return last_header_; }
  [[nodiscard]] std::span<const float> last_signal() const noexcept {
    return std::span(signal_).first(last_size_);
  }
  [[nodiscard]] std::span<const float> last_envelope() const noexcept {
    return std::span(envelope_).first(last_size_);
  }

  [[nodiscard]] std::uint64_t rejected_traces() const noexcept { return rejected_; }
  [[nodiscard]] std::uint64_t dropped_detections() const noexcept {
    return detector_.dropped_detections();
  }
  [[nodiscard]] const Config& config() const noexcept { return config_; }

 private:
  Config config_;
  Dewow dewow_;
  BackgroundRemoval background_;
  Envelope envelope_block_;
  EnergyDetector detector_;
  std::vector<float> signal_;
  std::vector<float> envelope_;
  TraceHeader last_header_;
  std::size_t last_size_ = 0;
  std::uint64_t rejected_ = 0;
};

}  // namespace deminer::dsp
