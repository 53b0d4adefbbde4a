// CFAR detector with tracking: one Detection per buried object, at the apex of its hyperbola,
// with depth and soil permittivity from a hyperbola fit and an FFT-based feature vector.
//
// Why: a fixed threshold fails when the clutter level changes with depth and soil; a constant
// false-alarm-rate (CFAR) test compares each depth cell with its own neighbourhood. A buried
// object then shows in many consecutive traces (its hyperbola); tracking joins those hits so the
// object is reported once, with the picks along the hyperbola that measure the soil velocity.
//
// Per trace (the envelope and the signal it came from, after background removal):
//  1. Depth cells: the gate [surface echo + gate_delay_s, + gate_length_s] is cut into cells of
//     cell_samples samples; a cell's energy is the sum of envelope² over it.
//  2. CFAR: each cell's noise is estimated from training_cells cells on each side, skipping
//     guard_cells next to it (one-sided at the gate ends): their mean (cell_averaging, CA-CFAR)
//     or their os_rank quantile (ordered_statistic, OS-CFAR, robust when another echo sits in
//     the training cells). The noise never falls below cell_samples · noise_floor². A cell is a
//     hit when energy / noise >= threshold.
//  3. Echoes: runs of hit cells (a gap of one cell is bridged) are echoes. Each echo's time is
//     its envelope peak (parabola-refined) and its pick is that peak time, or the leading edge
//     (where the envelope, walking back from the peak, falls below leading_edge_fraction of it)
//     when pick == leading_edge.
// Tracking across traces: an echo belongs to a live track when its time lies within
// [track time - max_time_step_s, track time + object_extent_s] (later echoes of the same object
// — ringing, internal layers — join it instead of starting tracks of their own). A track keeps,
// per trace, the time of its earliest echo (to follow the hyperbola) and the pick and amplitude
// of its strongest. A track not seen for more than max_gap_traces traces ends; it becomes a
// Detection when it lasted min_track_traces traces and its best CFAR ratio reached
// trigger_ratio, unless it repeats a reported detection (then it is merged and counted): one
// within min_separation_m and object_extent_s, or a weaker one (amplitude below 1/prominence of
// it), not earlier, within shadow_m of it — the smeared copy of its hyperbola that a
// moving-window background removal leaves behind (window + flank width: about 0.8 m for a 50 cm
// window), or the tail of its hyperbola. Like any prominence rule this can hide a weak object
// right behind a strong one; shadow_m = 0 turns it off.
// Apex and depth: the picks whose amplitude is at least fit_fraction of the track's strongest
// feed HyperbolaFitter (hyperbola_fit.hpp) with the configured antenna geometry; a good fit gives
// position, depth, apex time, relative permittivity and their uncertainties. Otherwise the
// earliest pick (parabola-refined over its neighbours) is the apex and its depth comes from the
// configured permittivity (refraction.hpp). The fitted permittivity gives the depth only when its
// relative uncertainty is at most max_permittivity_uncertainty; otherwise the depth comes from
// the fitted apex time and the configured permittivity (relative_permittivity still reports the
// fit).
// Measured soil: soil_permittivity_sigma > 0 says that geometry.relative_permittivity was
// measured (e.g. from the surface echo, gpr/surface_permittivity.hpp) with that 1-sigma. The
// fit's εr and the measured one are then combined by their inverse variances (the fit alone
// cannot resolve εr under shallow, wide objects, and then weighs little); a detection reports
// the combined εr and sigma (the measured ones when the fit failed) and its depth follows from
// the apex time and that εr, depth_sigma from εr ± sigma.
// Features: the signal of the track's strongest trace, from window_lead_samples before its pick,
// is kept and analysed when the track ends (features.hpp); the polarity feature is multiplied by
// -wavelet_polarity, so +1 means the echo is inverted against the transmitted wavelet (metal,
// a wetter or denser inclusion) and -1 that it has the wavelet's sign (air gaps, plastic).
// score = best CFAR ratio of the track.
// Units: seconds, metres; envelope and noise_floor in the same (any) amplitude unit.
// Latency: a detection is written with the trace that ends its track, max_gap_traces + 1
// traces after the hyperbola's flank fades below the CFAR threshold; flush() ends all tracks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "deminer/dsp/core/detection.hpp"
#include "deminer/dsp/core/trace.hpp"
#include "deminer/dsp/detect/features.hpp"
#include "deminer/dsp/detect/hyperbola_fit.hpp"
#include "deminer/dsp/gpr/refraction.hpp"

namespace deminer::dsp {

class CfarDetector {
 public:
  enum class Method : std::uint8_t { cell_averaging, ordered_statistic };
  enum class Pick : std::uint8_t { peak, leading_edge };

  struct Config {
    AntennaGeometry geometry;        // height (0, 2] m, offset [0, 2] m, εr [1, 100]
    double gate_delay_s = 0.1e-9;    // [0, 1e-6]
    double gate_length_s = 20e-9;    // (0, 1e-5]
    std::size_t cell_samples = 8;    // [1, 4096]
    std::size_t guard_cells = 2;     // [0, 64], each side
    std::size_t training_cells = 8;  // [1, 256], each side
    Method method = Method::ordered_statistic;
    double os_rank = 0.5;       // [0, 1], quantile of the training cells (OS-CFAR)
    float threshold = 10.0f;    // [1, 1e9], cell energy / noise of a hit
    float noise_floor = 1e-6f;  // (0, 1e30], envelope amplitude
    Pick pick = Pick::peak;
    double leading_edge_fraction = 0.5;          // (0, 1)
    double max_time_step_s = 0.25e-9;            // (0, 1e-6], echo time change per trace
    double object_extent_s = 1.0e-9;             // [0, 1e-6], later echoes of one object
    std::size_t max_gap_traces = 2;              // [0, 1000]
    std::size_t min_track_traces = 3;            // [1, max_track_traces]
    float trigger_ratio = 60.0f;                 // [1, 1e9], best CFAR ratio of a reported track
    double fit_fraction = 0.5;                   // (0, 1], picks used by the hyperbola fit
    double min_permittivity = 1.0;               // hyperbola fit bounds, [1, max)
    double max_permittivity = 40.0;              // (min, 100]
    double min_separation_m = 0.05;              // [0, 10]
    double shadow_m = 0.8;                       // [0, 100]
    float prominence = 2.0f;                     // [1, 1e6]
    double max_permittivity_uncertainty = 0.03;  // (0, 10], sigma / εr
    double soil_permittivity_sigma = 0.0;        // [0, 100], of geometry's εr; 0: not measured
    double max_depth_m = 5.0;                    // (0, 100]
    std::size_t max_tracks = 8;                  // [1, 64], live tracks at once
    std::size_t max_track_traces = 256;          // [3, 100000], picks kept per track
    std::size_t window_lead_samples = 16;        // [0, features.window_samples)
    FeatureExtractor::Config features;
    int wavelet_polarity = -1;  // -1 or +1: sign of the transmitted wavelet's main lobe
  };

  // Throws std::invalid_argument naming the field, its value and the valid range.
  CfarDetector(const Config& config, std::size_t max_samples);

  // One trace: its header, its (background-removed) signal and the envelope of that signal,
  // both of the same size <= max_samples (assert). Returns the number of detections written to
  // `out` (several tracks may end together); those that find `out` full are counted in
  // dropped_detections().
  std::size_t process(const TraceHeader& header, std::span<const float> signal,
                      std::span<const float> envelope, std::span<Detection> out) noexcept;
  // End of data: ends every track (reporting those that qualify) and starts afresh; the
  // counters are kept.
  std::size_t flush(std::span<Detection> out) noexcept;
  void reset() noexcept;

  // The pipeline measures the wavelet's sign on the raw traces when configured to.
  void set_wavelet_polarity(int sign) noexcept { config_.wavelet_polarity = sign < 0 ? -1 : 1; }

  [[nodiscard]] const Config& config() const noexcept { return config_; }
  [[nodiscard]] std::uint64_t dropped_detections() const noexcept { return dropped_; }
  [[nodiscard]] std::uint64_t merged_tracks() const noexcept { return merged_; }
  // Echoes that found no free track (max_tracks live at once).
  [[nodiscard]] std::uint64_t untracked_echoes() const noexcept { return untracked_; }

 private:
  struct Echo {
    double time_s;    // envelope peak
    double pick_s;    // what the hyperbola fit uses
    float amplitude;  // envelope peak
    float ratio;      // best CFAR ratio of its cells
    std::size_t peak_sample;
  };
  struct TrackPoint {
    double position_m;
    double pick_s;
    float amplitude;
  };
  struct Track {
    bool live = false;
    bool seen_this_trace = false;
    double time_s = 0.0;  // earliest echo of the latest trace: follows the hyperbola
    std::size_t gap = 0;
    std::size_t traces = 0;
    float best_ratio = 0.0f;
    float best_amplitude = 0.0f;
    TraceHeader best_header;
    double best_pick_s = 0.0;
    std::size_t best_window_start = 0;  // sample index of best_window[0] in its trace
    std::vector<TrackPoint> points;     // capacity max_track_traces
    std::vector<float> best_window;     // features.window_samples
    // This trace's strongest echo, committed at the end of the trace.
    bool has_candidate = false;
    Echo candidate{};
  };
  struct Reported {
    double position_m;
    double time_s;
    float amplitude;
  };

  std::size_t find_echoes(const TraceHeader& header, std::span<const float> envelope) noexcept;
  void assign(const TraceHeader& header, std::span<const float> signal, const Echo& echo) noexcept;
  std::size_t end_track(Track& track, std::span<Detection> out) noexcept;
  [[nodiscard]] bool shadowed(const Track& track, double position_m, double time_s) const noexcept;
  void fill_detection(const Track& track, Detection& d) noexcept;

  Config config_;
  double gate_open_s_;  // surface echo + gate_delay_s: fixed by the geometry
  HyperbolaFitter fitter_;
  FeatureExtractor features_;
  std::vector<double> cell_energy_;
  std::vector<double> scratch_;  // training cells for the OS statistic
  std::vector<float> cell_ratio_;
  std::vector<Echo> echoes_;  // of the current trace, capacity max_echoes
  std::vector<Track> tracks_;
  std::vector<HyperbolaPick> picks_;
  std::vector<Reported> reported_;  // ring of the last reported detections
  std::size_t reported_next_ = 0;
  std::uint64_t dropped_ = 0;
  std::uint64_t merged_ = 0;
  std::uint64_t untracked_ = 0;
};

}  // namespace deminer::dsp
