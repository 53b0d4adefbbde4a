// GprPipeline: the streaming GPR chain, trace by trace: configured stages in order (filters,
// gains, time-zero, background removal, stacking, distance normalisation, migration), then the
// Hilbert envelope and a detector (CFAR with tracking, or the energy detector).
//
// Why: this is the chain a handheld unit runs on every trace as the radar produces it, and the
// one a workstation runs on a recording; same code, same numbers. The stages and their order come
// from the configuration (gpr_pipeline_json.hpp reads it from JSON), so a unit is tuned without
// recompiling. All memory is taken in the constructor; process() and flush() are noexcept and
// never allocate, lock or log.
// Input: traces of exactly samples_per_trace samples (others are skipped and counted in
// rejected_traces()). Every trace a stage passes on reaches the envelope and the detector, and
// the observer if one is set (for pictures).
// Latency: the sum of the stages' (stacking: N-1 traces; migration: half its aperture) plus the
// detector's (see cfar_detector.hpp / energy_detector.hpp); flush() at the end of data drains
// every stage and the detector.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <variant>
#include <vector>

#include "deminer/dsp/core/detection.hpp"
#include "deminer/dsp/core/trace.hpp"
#include "deminer/dsp/detect/cfar_detector.hpp"
#include "deminer/dsp/detect/energy_detector.hpp"
#include "deminer/dsp/gpr/background_removal.hpp"
#include "deminer/dsp/gpr/band_pass.hpp"
#include "deminer/dsp/core/butterworth.hpp"
#include "deminer/dsp/gpr/dewow.hpp"
#include "deminer/dsp/gpr/distance_normaliser.hpp"
#include "deminer/dsp/gpr/envelope.hpp"
#include "deminer/dsp/gpr/gain.hpp"
#include "deminer/dsp/gpr/kirchhoff_migration.hpp"
#include "deminer/dsp/gpr/time_zero.hpp"
#include "deminer/dsp/gpr/trace_stacker.hpp"
#include "deminer/dsp/pipeline/trace_stage.hpp"

namespace deminer::dsp {

// A stage that only states when sample 0 was recorded: header.time_zero_s = time_zero_s. For
// sources whose trigger delay is known (e.g. gprMax's Ricker source peaks √2/f after t = 0).
struct FixedTimeZero {
  struct Config {
    double time_zero_s = 0.0;  // [-1e-3, 1e-3]
  };
};

using GprStageConfig =
    std::variant<Dewow::Config, FixedTimeZero::Config, TimeZeroAligner::Config,
                 BackgroundRemoval::Config, BandPass::Config, ButterworthFilter::Config,
                 TPowerGain::Config, ExponentialGain::Config, AgcGain::Config, TraceStacker::Config,
                 DistanceNormaliser::Config, KirchhoffMigration::Config>;

using GprDetectorConfig = std::variant<CfarDetector::Config, EnergyDetector::Config>;

// The names configurations use for each stage and detector ("dewow", "band_pass", "cfar", ...).
[[nodiscard]] std::string_view stage_type_name(const GprStageConfig& stage) noexcept;
[[nodiscard]] std::string_view detector_type_name(const GprDetectorConfig& detector) noexcept;

class GprPipeline {
 public:
  enum class WaveletPolarity : std::uint8_t {
    measure,  // sign of the largest |sample| of each raw trace (the direct wave)
    positive,
    negative,
  };

  struct Config {
    std::size_t samples_per_trace = 512;  // [1, 1e6]
    std::vector<GprStageConfig> stages;   // applied in this order
    GprDetectorConfig detector;
    WaveletPolarity wavelet_polarity = WaveletPolarity::measure;  // for the polarity feature

    // The antenna and soil model of the detector (whichever it is).
    [[nodiscard]] AntennaGeometry& geometry() noexcept;
    [[nodiscard]] const AntennaGeometry& geometry() const noexcept;
    // The first stage of type T, or nullptr.
    template <class T>
    [[nodiscard]] T* find_stage() noexcept {
      for (auto& stage : stages) {
        if (auto* found = std::get_if<T>(&stage)) return found;
      }
      return nullptr;
    }
  };

  // For 1–3 GHz handheld radars: default_config_for(1.5 GHz, 0.05 ns, 512 samples).
  [[nodiscard]] static Config default_config();
  // The default chain scaled to a radar of centre frequency f0: dewow over three periods,
  // band-pass 0.2·f0 to min(2.67·f0, 0.8·Nyquist), background removal over 50 traces (50 cm at
  // 1 cm spacing), CFAR detection with tracking over the whole trace (cells of 0.6 period,
  // feature window of 9.6 periods). Antenna 5 cm above ground with 5 cm offset, sand-like soil
  // (εr 6): change geometry() for another soil or antenna. Throws std::invalid_argument for
  // non-positive arguments or f0 above 0.4 of the sampling rate.
  [[nodiscard]] static Config default_config_for(double centre_frequency_hz, double dt_s,
                                                 std::size_t samples_per_trace);

  // Receives every trace that leaves the last stage, with its envelope (e.g. to draw a B-scan).
  class Observer {
   public:
    virtual ~Observer() = default;
    virtual void on_trace(const TraceHeader& header, std::span<const float> signal,
                          std::span<const float> envelope) noexcept = 0;
  };

  // Throws std::invalid_argument (naming the stage index, the field, its value and the valid
  // range) if any stage or the detector rejects its configuration.
  explicit GprPipeline(const Config& config);
  ~GprPipeline();
  GprPipeline(const GprPipeline&) = delete;
  GprPipeline& operator=(const GprPipeline&) = delete;

  // Processes one trace; returns the number of detections written to `out`.
  std::size_t process(const TraceView& trace, std::span<Detection> out) noexcept;
  // Processes traces in order; same results as one call per trace. Returns the number written;
  // detections that do not fit in `out` are counted in dropped_detections().
  std::size_t process(std::span<const TraceView> traces, std::span<Detection> out) noexcept;
  // End of data: drains every stage, reports what the detector still holds and restarts the
  // detector (stage state such as the background window is kept; reset() clears everything).
  std::size_t flush(std::span<Detection> out) noexcept;
  void reset() noexcept;

  // Sets the stored reference trace of every background-removal stage in reference mode (e.g.
  // the mean of an empty-ground recording). Not for the streaming path: call between traces.
  void set_background_reference(std::span<const float> reference);

  void set_observer(Observer* observer) noexcept { observer_ = observer; }

  // The last trace that left the stages: header, signal and envelope (empty before the first).
  // Valid until the next process(), flush() or reset().
  [[nodiscard]] const TraceHeader& last_header() const noexcept { return last_header_; }
  [[nodiscard]] std::span<const float> last_signal() const noexcept {
    return std::span(last_signal_).first(last_size_);
  }
  [[nodiscard]] std::span<const float> last_envelope() const noexcept {
    return std::span(envelope_).first(last_size_);
  }

  [[nodiscard]] std::uint64_t rejected_traces() const noexcept { return rejected_; }
  [[nodiscard]] std::uint64_t dropped_detections() const noexcept;
  [[nodiscard]] const Config& config() const noexcept { return config_; }

 private:
  std::size_t feed(std::size_t stage, std::span<Detection> out) noexcept;
  std::size_t detect(std::span<Detection> out) noexcept;

  Config config_;
  std::vector<std::unique_ptr<TraceStage>> stages_;
  std::variant<CfarDetector, EnergyDetector> detector_;
  Envelope envelope_block_;
  std::vector<float> samples_;  // the slot every stage works on
  TraceSlot slot_;
  std::vector<float> last_signal_;
  std::vector<float> envelope_;
  TraceHeader last_header_;
  std::size_t last_size_ = 0;
  std::uint64_t rejected_ = 0;
  Observer* observer_ = nullptr;
};

}  // namespace deminer::dsp
