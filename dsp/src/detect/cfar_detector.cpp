#include "deminer/dsp/detect/cfar_detector.hpp"

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
  detail::check_range("CfarDetector", field, value, lo, hi, lo_open, hi_open);
}

constexpr std::size_t max_echoes = 32;  // per trace; more are ignored (weakest last)
constexpr std::size_t reported_memory = 8;

const CfarDetector::Config& validated(const CfarDetector::Config& c) {
  const auto& g = c.geometry;
  check_range("geometry.antenna_height_m", g.antenna_height_m, 0.0, 2.0, true);
  check_range("geometry.antenna_offset_m", g.antenna_offset_m, 0.0, 2.0);
  check_range("geometry.relative_permittivity", g.relative_permittivity, 1.0, 100.0);
  check_range("gate_delay_s", c.gate_delay_s, 0.0, 1e-6);
  check_range("gate_length_s", c.gate_length_s, 0.0, 1e-5, true);
  check_range("cell_samples", static_cast<double>(c.cell_samples), 1.0, 4096.0);
  check_range("guard_cells", static_cast<double>(c.guard_cells), 0.0, 64.0);
  check_range("training_cells", static_cast<double>(c.training_cells), 1.0, 256.0);
  check_range("os_rank", c.os_rank, 0.0, 1.0);
  check_range("threshold", c.threshold, 1.0, 1e9);
  check_range("noise_floor", c.noise_floor, 0.0, 1e30, true);
  check_range("leading_edge_fraction", c.leading_edge_fraction, 0.0, 1.0, true, true);
  check_range("max_time_step_s", c.max_time_step_s, 0.0, 1e-6, true);
  check_range("object_extent_s", c.object_extent_s, 0.0, 1e-6);
  check_range("max_gap_traces", static_cast<double>(c.max_gap_traces), 0.0, 1000.0);
  check_range("max_track_traces", static_cast<double>(c.max_track_traces), 3.0, 100000.0);
  check_range("min_track_traces", static_cast<double>(c.min_track_traces), 1.0,
              static_cast<double>(c.max_track_traces));
  check_range("trigger_ratio", c.trigger_ratio, 1.0, 1e9);
  check_range("fit_fraction", c.fit_fraction, 0.0, 1.0, true);
  check_range("min_permittivity", c.min_permittivity, 1.0, c.max_permittivity, false, true);
  check_range("max_permittivity", c.max_permittivity, c.min_permittivity, 100.0, true);
  check_range("min_separation_m", c.min_separation_m, 0.0, 10.0);
  check_range("shadow_m", c.shadow_m, 0.0, 100.0);
  check_range("prominence", c.prominence, 1.0, 1e6);
  check_range("max_permittivity_uncertainty", c.max_permittivity_uncertainty, 0.0, 10.0, true);
  check_range("soil_permittivity_sigma", c.soil_permittivity_sigma, 0.0, 100.0);
  check_range("max_depth_m", c.max_depth_m, 0.0, 100.0, true);
  check_range("max_tracks", static_cast<double>(c.max_tracks), 1.0, 64.0);
  check_range("window_lead_samples", static_cast<double>(c.window_lead_samples), 0.0,
              static_cast<double>(c.features.window_samples), false, true);
  if (c.wavelet_polarity != 1 && c.wavelet_polarity != -1) {
    throw std::invalid_argument("CfarDetector: wavelet_polarity " +
                                std::to_string(c.wavelet_polarity) + " must be -1 or +1");
  }
  return c;
}

HyperbolaFitter::Config fitter_config(const CfarDetector::Config& c) {
  HyperbolaFitter::Config f;
  f.antenna_height_m = c.geometry.antenna_height_m;
  f.antenna_offset_m = c.geometry.antenna_offset_m;
  f.min_permittivity = c.min_permittivity;
  f.max_permittivity = c.max_permittivity;
  f.max_picks = std::max<std::size_t>(f.min_picks, std::min<std::size_t>(c.max_track_traces, 128));
  f.max_depth_m = c.max_depth_m;
  return f;
}

// The fit's εr (if any) and the measured soil's, combined by inverse variance; the depth then
// follows from the apex time and the combined εr (the fit's own depth sits at its own εr).
void combine_with_measured_soil(const CfarDetector::Config& c, const HyperbolaFit& fit,
                                Detection& d) noexcept {
  const double measured = c.geometry.relative_permittivity;
  const double measured_weight = 1.0 / (c.soil_permittivity_sigma * c.soil_permittivity_sigma);
  const bool fitted = fit.ok && fit.permittivity_sigma > 0.0;
  const double fit_weight = fitted ? 1.0 / (fit.permittivity_sigma * fit.permittivity_sigma) : 0.0;
  const double permittivity =
      (measured_weight * measured + fit_weight * fit.relative_permittivity) /
      (measured_weight + fit_weight);
  const double sigma = 1.0 / std::sqrt(measured_weight + fit_weight);
  auto depth_for = [&](double er) {
    AntennaGeometry g = c.geometry;
    g.relative_permittivity = std::max(er, 1.0);
    return depth_from_apex_time_m(g, d.time_s, c.max_depth_m);
  };
  d.relative_permittivity = static_cast<float>(permittivity);
  d.permittivity_sigma = static_cast<float>(sigma);
  d.depth_m = depth_for(permittivity);
  d.depth_sigma_m = static_cast<float>(
      0.5 * std::abs(depth_for(permittivity - sigma) - depth_for(permittivity + sigma)));
}

}  // namespace

CfarDetector::CfarDetector(const Config& config, std::size_t max_samples)
    : config_(validated(config)),
      gate_open_s_(surface_two_way_time_s(config.geometry) + config.gate_delay_s),
      fitter_(fitter_config(config)),
      features_(config.features) {
  check_range("max_samples", static_cast<double>(max_samples), 1.0, 1e9);
  const std::size_t cells = max_samples / config.cell_samples + 1;
  cell_energy_.resize(cells);
  cell_ratio_.resize(cells);
  scratch_.resize(2 * config.training_cells);
  echoes_.reserve(max_echoes);
  tracks_.resize(config.max_tracks);
  for (Track& track : tracks_) {
    track.points.reserve(config.max_track_traces);
    track.best_window.resize(config.features.window_samples);
  }
  picks_.reserve(config.max_track_traces);
  reported_.reserve(reported_memory);
}

std::size_t CfarDetector::find_echoes(const TraceHeader& header,
                                      std::span<const float> envelope) noexcept {
  echoes_.clear();
  const double open_s = gate_open_s_;
  const double n = static_cast<double>(envelope.size());
  const auto first =
      static_cast<std::size_t>(std::clamp(std::ceil(header.sample_at_time(open_s)), 0.0, n));
  const auto end = static_cast<std::size_t>(
      std::clamp(std::floor(header.sample_at_time(open_s + config_.gate_length_s)) + 1.0, 0.0, n));
  const std::size_t width = config_.cell_samples;
  const std::size_t cells = end > first ? (end - first) / width : 0;
  if (cells < 2) return 0;

  for (std::size_t c = 0; c < cells; ++c) {
    double energy = 0.0;
    for (std::size_t i = first + c * width; i < first + (c + 1) * width; ++i) {
      energy += static_cast<double>(envelope[i]) * envelope[i];
    }
    cell_energy_[c] = energy;
  }
  const double floor = static_cast<double>(width) * config_.noise_floor * config_.noise_floor;
  const std::size_t guard = config_.guard_cells;
  const std::size_t train = config_.training_cells;
  for (std::size_t c = 0; c < cells; ++c) {
    std::size_t count = 0;
    // Leading side: cells [c - guard - train, c - guard); trailing: (c + guard, c + guard + train].
    if (c > guard) {
      const std::size_t lo = c > guard + train ? c - guard - train : 0;
      for (std::size_t k = lo; k < c - guard; ++k) scratch_[count++] = cell_energy_[k];
    }
    for (std::size_t k = c + guard + 1; k < std::min(cells, c + guard + train + 1); ++k) {
      scratch_[count++] = cell_energy_[k];
    }
    double noise = floor;
    if (count > 0) {
      const auto begin = scratch_.begin();
      const auto stop = begin + static_cast<std::ptrdiff_t>(count);
      double estimate = 0.0;
      if (config_.method == Method::cell_averaging) {
        for (auto it = begin; it != stop; ++it) estimate += *it;
        estimate /= static_cast<double>(count);
      } else {
        const auto rank = static_cast<std::ptrdiff_t>(
            std::lround(config_.os_rank * static_cast<double>(count - 1)));
        // A hit needs noise <= energy / threshold, and the quantile (rank + 1-th smallest) is
        // that low only if rank + 1 training cells are: counting them is cheap, the quantile
        // (the costly part) is then taken for the few cells that may be hits. Same result: the
        // margin (1e-6, above the float rounding of the ratio) keeps borderline cells exact.
        const double limit =
            (1.0 + 1e-6) * cell_energy_[c] / static_cast<double>(config_.threshold);
        std::ptrdiff_t low = 0;
        for (auto it = begin; it != stop; ++it) low += *it <= limit ? 1 : 0;
        if (low <= rank || limit < noise) {
          cell_ratio_[c] = 0.0f;  // not a hit
          continue;
        }
        std::nth_element(begin, begin + rank, stop);
        estimate = *(begin + rank);
      }
      noise = std::max(noise, estimate);
    }
    cell_ratio_[c] = static_cast<float>(cell_energy_[c] / noise);
  }

  // Runs of hit cells (one-cell gaps bridged) are echoes.
  std::size_t c = 0;
  while (c < cells && echoes_.size() < max_echoes) {
    if (cell_ratio_[c] < config_.threshold) {
      ++c;
      continue;
    }
    std::size_t last = c;
    float ratio = cell_ratio_[c];
    for (std::size_t k = c + 1; k < cells; ++k) {
      if (cell_ratio_[k] >= config_.threshold) {
        last = k;
        ratio = std::max(ratio, cell_ratio_[k]);
      } else if (k > last + 1) {
        break;
      }
    }
    const std::size_t lo = first + c * width;
    const std::size_t hi = first + (last + 1) * width;
    std::size_t peak = lo;
    for (std::size_t i = lo; i < hi; ++i) {
      if (envelope[i] > envelope[peak]) peak = i;
    }
    const double offset =
        peak > 0 && peak + 1 < envelope.size()
            ? parabola_vertex(envelope[peak - 1], envelope[peak], envelope[peak + 1])
            : 0.0;
    Echo echo{};
    echo.time_s = header.time_of_sample_s(static_cast<double>(peak) + offset);
    echo.amplitude = envelope[peak];
    echo.ratio = ratio;
    echo.peak_sample = peak;
    echo.pick_s = echo.time_s;
    if (config_.pick == Pick::leading_edge) {
      const double level = config_.leading_edge_fraction * envelope[peak];
      std::size_t i = peak;
      while (i > 0 && envelope[i - 1] >= level) --i;
      double edge = static_cast<double>(i);
      if (i > 0) {  // interpolate the crossing between i - 1 (below) and i (at or above)
        const double below = envelope[i - 1];
        edge = static_cast<double>(i - 1) + (level - below) / (envelope[i] - below);
      }
      echo.pick_s = header.time_of_sample_s(edge);
    }
    echoes_.push_back(echo);
    c = last + 1;
  }
  return echoes_.size();
}

void CfarDetector::assign(const TraceHeader& header, std::span<const float> signal,
                          const Echo& echo) noexcept {
  // The live track whose object window holds the echo, nearest in time.
  Track* owner = nullptr;
  double best_distance = 0.0;
  for (Track& track : tracks_) {
    if (!track.live) continue;
    const double lo = track.time_s - config_.max_time_step_s;
    const double hi = track.time_s + config_.object_extent_s;
    if (echo.time_s < lo || echo.time_s > hi) continue;
    const double distance = std::abs(echo.time_s - track.time_s);
    if (owner == nullptr || distance < best_distance) {
      owner = &track;
      best_distance = distance;
    }
  }
  if (owner == nullptr) {
    for (Track& track : tracks_) {
      if (track.live) continue;
      track.live = true;
      track.seen_this_trace = false;
      track.gap = 0;
      track.traces = 0;
      track.best_ratio = 0.0f;
      track.best_amplitude = 0.0f;
      track.points.clear();
      track.has_candidate = false;
      track.time_s = echo.time_s;
      owner = &track;
      break;
    }
  }
  if (owner == nullptr) {
    ++untracked_;
    return;
  }
  Track& track = *owner;
  // The earliest echo of the object in this trace leads the track to the next trace.
  track.time_s = track.seen_this_trace ? std::min(track.time_s, echo.time_s) : echo.time_s;
  track.seen_this_trace = true;
  track.best_ratio = std::max(track.best_ratio, echo.ratio);
  if (!track.has_candidate || echo.amplitude > track.candidate.amplitude) {
    track.candidate = echo;
    track.has_candidate = true;
  }
  if (echo.amplitude > track.best_amplitude) {
    track.best_amplitude = echo.amplitude;
    track.best_header = header;
    track.best_pick_s = echo.pick_s;
    const std::size_t window = track.best_window.size();
    const double pick_sample = header.sample_at_time(echo.pick_s);
    const auto lead = static_cast<double>(config_.window_lead_samples);
    const double start =
        std::clamp(std::round(pick_sample - lead), 0.0,
                   static_cast<double>(signal.size() > window ? signal.size() - window : 0));
    track.best_window_start = static_cast<std::size_t>(start);
    std::fill(track.best_window.begin(), track.best_window.end(), 0.0f);
    const std::size_t count = std::min(window, signal.size() - track.best_window_start);
    std::copy_n(signal.begin() + static_cast<std::ptrdiff_t>(track.best_window_start), count,
                track.best_window.begin());
  }
}

std::size_t CfarDetector::process(const TraceHeader& header, std::span<const float> signal,
                                  std::span<const float> envelope,
                                  std::span<Detection> out) noexcept {
  assert(signal.size() == envelope.size() &&
         envelope.size() <= cell_energy_.size() * config_.cell_samples);
  find_echoes(header, envelope);
  // Strongest first, so an object's main echo claims its track before its weaker companions.
  std::sort(echoes_.begin(), echoes_.end(),
            [](const Echo& a, const Echo& b) { return a.amplitude > b.amplitude; });
  for (const Echo& echo : echoes_) assign(header, signal, echo);

  std::size_t written = 0;
  for (Track& track : tracks_) {
    if (!track.live) continue;
    if (track.seen_this_trace) {
      track.seen_this_trace = false;
      track.gap = 0;
      ++track.traces;
      if (track.has_candidate && track.points.size() < track.points.capacity()) {
        track.points.push_back(
            {header.position_m, track.candidate.pick_s, track.candidate.amplitude});
      }
      track.has_candidate = false;
    } else if (++track.gap > config_.max_gap_traces) {
      written += end_track(track, out.subspan(written));
    }
  }
  return written;
}

std::size_t CfarDetector::end_track(Track& track, std::span<Detection> out) noexcept {
  track.live = false;
  if (track.traces < config_.min_track_traces || track.best_ratio < config_.trigger_ratio) return 0;
  // Shadows first, from the strongest trace's place and time: the fit is the costly part.
  if (shadowed(track, track.best_header.position_m, track.best_pick_s)) {
    ++merged_;
    return 0;
  }
  Detection d;
  fill_detection(track, d);
  for (const Reported& r : reported_) {
    if (std::abs(r.position_m - d.position_m) <= config_.min_separation_m &&
        std::abs(r.time_s - d.time_s) <= config_.object_extent_s) {
      ++merged_;
      return 0;
    }
  }
  const Reported reported{d.position_m, d.time_s, track.best_amplitude};
  if (reported_.size() < reported_memory) {
    reported_.push_back(reported);
  } else {
    reported_[reported_next_] = reported;
    reported_next_ = (reported_next_ + 1) % reported_memory;
  }
  if (out.empty()) {
    ++dropped_;
    return 0;
  }
  out[0] = d;
  return 1;
}

bool CfarDetector::shadowed(const Track& track, double position_m, double time_s) const noexcept {
  const auto weaker_behind = [&](double other_position_m, double other_time_s,
                                 float other_amplitude) {
    return std::abs(other_position_m - position_m) <= config_.shadow_m &&
           time_s >= other_time_s - config_.object_extent_s &&
           track.best_amplitude * config_.prominence < other_amplitude;
  };
  for (const Reported& r : reported_) {
    if (weaker_behind(r.position_m, r.time_s, r.amplitude)) return true;
  }
  // A stronger object still being tracked casts the same shadow (its track may outlast this one).
  for (const Track& other : tracks_) {
    if (!other.live || &other == &track) continue;
    if (weaker_behind(other.best_header.position_m, other.best_pick_s, other.best_amplitude)) {
      return true;
    }
  }
  return false;
}

void CfarDetector::fill_detection(const Track& track, Detection& d) noexcept {
  const TraceHeader& h = track.best_header;
  d.sensor = Sensor::gpr;
  d.channel = h.channel;
  d.sequence = h.sequence;
  d.timestamp_ns = h.timestamp_ns;
  d.score = track.best_ratio;

  picks_.clear();
  const double min_amplitude = config_.fit_fraction * track.best_amplitude;
  for (const TrackPoint& p : track.points) {
    if (p.amplitude >= min_amplitude) picks_.push_back({p.position_m, p.pick_s, 1.0});
  }
  const HyperbolaFit fit = fitter_.fit(picks_);
  if (fit.ok) {
    d.position_m = fit.apex_position_m;
    d.time_s = fit.apex_time_s;
    const bool certain =
        fit.permittivity_sigma <= config_.max_permittivity_uncertainty * fit.relative_permittivity;
    d.depth_m = certain ? fit.apex_depth_m
                        : depth_from_apex_time_m(config_.geometry, d.time_s, config_.max_depth_m);
    d.relative_permittivity = static_cast<float>(fit.relative_permittivity);
    d.permittivity_sigma = static_cast<float>(fit.permittivity_sigma);
    d.position_sigma_m = static_cast<float>(fit.position_sigma_m);
    d.depth_sigma_m = static_cast<float>(fit.depth_sigma_m);
  } else {
    // Earliest pick, refined by a parabola through it and its neighbours along the track.
    std::size_t k = 0;
    for (std::size_t i = 1; i < track.points.size(); ++i) {
      if (track.points[i].pick_s < track.points[k].pick_s) k = i;
    }
    d.position_m = track.points.empty() ? h.position_m : track.points[k].position_m;
    d.time_s = track.points.empty() ? track.best_pick_s : track.points[k].pick_s;
    if (k > 0 && k + 1 < track.points.size()) {
      const auto& a = track.points[k - 1];
      const auto& b = track.points[k];
      const auto& c = track.points[k + 1];
      const double offset = parabola_vertex(-a.pick_s, -b.pick_s, -c.pick_s);
      d.position_m = b.position_m + offset * 0.5 * (c.position_m - a.position_m);
    }
    d.depth_m = depth_from_apex_time_m(config_.geometry, d.time_s, config_.max_depth_m);
  }
  if (config_.soil_permittivity_sigma > 0.0) combine_with_measured_soil(config_, fit, d);

  std::span<float> features(d.feature_values);
  const std::size_t count = features_.extract(track.best_window, 0, features);
  add_fit_features(fit, features);
  d.feature_count = static_cast<std::uint8_t>(std::min(count, Detection::max_features));
  const auto polarity = static_cast<std::size_t>(Feature::first_echo_polarity);
  if (polarity < d.feature_count) {
    d.feature_values[polarity] *= static_cast<float>(-config_.wavelet_polarity);
  }
}

std::size_t CfarDetector::flush(std::span<Detection> out) noexcept {
  std::size_t written = 0;
  for (Track& track : tracks_) {
    if (track.live) written += end_track(track, out.subspan(written));
  }
  reported_.clear();
  reported_next_ = 0;
  return written;
}

void CfarDetector::reset() noexcept {
  for (Track& track : tracks_) track.live = false;
  reported_.clear();
  reported_next_ = 0;
  dropped_ = 0;
  merged_ = 0;
  untracked_ = 0;
}

}  // namespace deminer::dsp
