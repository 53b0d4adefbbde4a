// deminer replay of metal-detector recordings: see md_replay.hpp.
#include "md_replay.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numeric>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "deminer/drivers/link/recording.hpp"
#include "deminer/dsp/core/error.hpp"
#include "deminer/dsp/md/vlf_target_id.hpp"
#include "deminer/dsp/pipeline/pi_pipeline.hpp"
#include "deminer/dsp/pipeline/pi_pipeline_json.hpp"
#include "deminer/dsp/pipeline/vlf_pipeline.hpp"
#include "deminer/dsp/pipeline/vlf_pipeline_json.hpp"
#include "deminer/sim/md/md_scene.hpp"
#include "deminer/sim/md/vlf_chain_config.hpp"
#include "md_picture.hpp"
#include "terminal.hpp"
#include "text_file.hpp"

namespace deminer::tools {
namespace {

namespace link = drivers::link;
using dsp::Detection;

// A detection and a true target farther apart than this across the lane (the sweep axis, where
// the chain places the peak) are not paired; along the lane a pass is only known to within the
// coil's footprint, so the window there is the radius of the simulator's default transmit coil.
constexpr double match_across_m = 0.05;
constexpr double match_along_m = 0.10;

enum class ChainKind { vlf, pi };

// What a replay found, chain-independent, for the table, the JSON and the truth pairing.
struct MdDetection {
  Detection detection;
  double across_m = 0.0;  // the chain's position_m: across the lane
  double along_m = 0.0;   // the sweep line's advance at the peak
  bool along_known = false;
};

struct Match {
  const sim::md::MdTruthTarget* target = nullptr;
  double across_error_m = 0.0;
  double along_error_m = 0.0;
};

// Recent sequence → advance pairs: detections are reported up to a few seconds after their
// peak, so a bounded window of recent frames is enough and the memory stays constant.
class AdvanceBySequence {
 public:
  void add(std::uint64_t sequence, double advance_m) {
    if (!entries_.empty() && sequence <= entries_.back().first) entries_.clear();
    entries_.emplace_back(sequence, advance_m);
    if (entries_.size() > capacity) entries_.pop_front();
  }
  [[nodiscard]] std::optional<double> find(std::uint64_t sequence) const {
    const auto it = std::lower_bound(
        entries_.begin(), entries_.end(), sequence,
        [](const std::pair<std::uint64_t, double>& e, std::uint64_t s) { return e.first < s; });
    if (it == entries_.end() || it->first != sequence) return std::nullopt;
    return it->second;
  }

 private:
  static constexpr std::size_t capacity = 1U << 17;
  std::deque<std::pair<std::uint64_t, double>> entries_;
};

// Which chain the recording needs: the type of its first metal-detector frame.
ChainKind chain_kind(const std::string& path) {
  link::RecordingReader reader(path);
  while (const auto frame = reader.next_frame()) {
    if (frame->header.type == link::FrameType::vlf_block) return ChainKind::vlf;
    if (frame->header.type == link::FrameType::pi_frame) return ChainKind::pi;
  }
  throw FormatError(path + ": a metal-detector recording without a VLF block or PI frame");
}

// The default pairs' gate times (µs), mapped onto the recording's nearest gates when its layout
// differs from the chain's default.
dsp::PiPipeline::Config pi_config_for(const dsp::md::PiFrame& frame) {
  dsp::PiPipeline::Config config = dsp::PiPipeline::default_config();
  const auto& gates = frame.gate_times_s;
  if (gates.size() < 2) {
    throw FormatError("PI frame: " + std::to_string(gates.size()) +
                      " gate(s); the ground balance needs at least 2");
  }
  const auto defaults = config;
  bool same = gates.size() == defaults.gate_times_s.size() &&
              std::abs(frame.header.pulse_length_s - defaults.pulse_length_s) <=
                  defaults.gate_time_tolerance * defaults.pulse_length_s;
  for (std::size_t g = 0; same && g < gates.size(); ++g) {
    same = std::abs(gates[g] - defaults.gate_times_s[g]) <=
           defaults.gate_time_tolerance * defaults.gate_times_s[g];
  }
  config.gate_times_s = gates;
  config.pulse_length_s = frame.header.pulse_length_s;
  if (same) return config;
  const auto nearest = [&](float t) {
    std::size_t best = 0;
    for (std::size_t g = 1; g < gates.size(); ++g) {
      if (std::abs(std::log(gates[g] / t)) < std::abs(std::log(gates[best] / t))) best = g;
    }
    return best;
  };
  config.balance_pairs.clear();
  for (const auto& pair : defaults.balance_pairs) {
    const std::size_t first = nearest(defaults.gate_times_s[pair.first_gate]);
    const std::size_t second = nearest(defaults.gate_times_s[pair.second_gate]);
    if (first >= second) continue;
    const bool known = std::any_of(
        config.balance_pairs.begin(), config.balance_pairs.end(),
        [&](const auto& p) { return p.first_gate == first && p.second_gate == second; });
    if (!known) config.balance_pairs.push_back({first, second});
  }
  if (config.balance_pairs.empty()) config.balance_pairs.push_back({0, 1});
  return config;
}

std::vector<Match> match_to_truth(const std::vector<MdDetection>& detections,
                                  const sim::md::MdTruth& truth) {
  std::vector<Match> matches(detections.size());
  for (std::size_t i = 0; i < detections.size(); ++i) {
    double best = HUGE_VAL;
    for (const auto& target : truth.targets) {
      const double across = detections[i].across_m - target.x_m;
      const double along = detections[i].along_known ? detections[i].along_m - target.y_m : 0.0;
      if (std::abs(across) > match_across_m || std::abs(along) > match_along_m) continue;
      const double distance = std::hypot(across, along);
      if (distance < best) {
        best = distance;
        matches[i] = {&target, across, along};
      }
    }
  }
  return matches;
}

std::vector<const sim::md::MdTruthTarget*> missed_targets(const std::vector<Match>& matches,
                                                          const sim::md::MdTruth& truth) {
  std::vector<const sim::md::MdTruthTarget*> missed;
  for (const auto& target : truth.targets) {
    const bool found = std::any_of(matches.begin(), matches.end(),
                                   [&](const Match& m) { return m.target == &target; });
    if (!found) missed.push_back(&target);
  }
  return missed;
}

float feature(const Detection& d, dsp::VlfFeature f) {
  return d.feature_values[static_cast<std::size_t>(f)];
}
float feature(const Detection& d, dsp::PiFeature f) {
  return d.feature_values[static_cast<std::size_t>(f)];
}

const char* ferrous_text(float flag) { return flag > 0.5f ? "yes" : flag < -0.5f ? "-" : "no"; }

std::string vlf_class_name(const Detection& d) {
  const auto value = static_cast<int>(std::lround(feature(d, dsp::VlfFeature::target_class)));
  return std::string(dsp::md::to_string(static_cast<dsp::md::VlfTargetClass>(value)));
}

// Everything a replay produces, for the table and the JSON.
struct ReplayResult {
  ChainKind kind = ChainKind::vlf;
  std::size_t frames = 0;
  std::vector<MdDetection> detections;
  std::vector<std::string> notes;     // how the chain was set up
  std::vector<std::string> warnings;  // counters, damaged file
  std::optional<double> ground_angle_deg;
  std::optional<double> grabbed_ground_angle_deg;
  bool printed_config = false;  // --print-config: nothing was replayed
  std::int64_t first_timestamp_ns = 0;
};

void add_counter_warning(std::vector<std::string>& warnings, std::uint64_t count,
                         const std::string& what) {
  if (count > 0) warnings.push_back(std::to_string(count) + " " + what);
}

// VLF: the ground angle at the end of the first `seconds` of the recording, from the chain's own
// tracker (its principal direction of the motion-filtered X/R scatter) with detection switched
// off, so that no event freezes it: the "ground grab" a user makes over clean soil.
std::optional<double> grab_ground_angle(const std::string& path,
                                        const dsp::VlfPipeline::Config& config, double seconds) {
  dsp::VlfPipeline::Config grab_config = config;
  grab_config.ground_balance.tracking = false;
  // The whole window counts (the tracker's estimate needs half its averaging length learnt),
  // with no guard delay: no event will open.
  const auto wanted =
      static_cast<std::size_t>(seconds * config.demodulator.sample_rate_hz /
                               static_cast<double>(config.demodulator.window_samples));
  grab_config.ground_balance.tracking_samples = std::max<std::size_t>(2 * wanted, 8);
  grab_config.ground_balance.guard_samples = 0;
  dsp::VlfPipeline pipeline(grab_config);
  pipeline.set_threshold_sigmas(1e6f);
  link::RecordingReader reader(path);
  dsp::md::VlfBlock block;
  std::array<Detection, 4> found{};
  std::size_t channel_samples = 0;
  while (channel_samples < wanted && reader.next_vlf_block(block)) {
    channel_samples += pipeline.process(block.view(), found).channel_samples;
  }
  if (!pipeline.grab_ground()) return std::nullopt;
  return pipeline.ground_angle_deg();
}

ReplayResult replay_vlf(const MdReplayOptions& options, MdPicture* picture) {
  ReplayResult result;
  result.kind = ChainKind::vlf;
  link::RecordingReader reader(options.recording_path);
  dsp::md::VlfBlock block;
  if (!reader.next_vlf_block(block)) {
    throw FormatError(options.recording_path + ": no VLF block could be decoded");
  }
  dsp::VlfPipeline::Config config;
  if (!options.config_path.empty()) {
    config = dsp::vlf_pipeline_config_from_json(
        read_text_file(options.config_path, "pipeline configuration"), options.config_path);
  } else {
    config = sim::md::vlf_chain_config_for(block.header);
    result.notes.push_back(
        "chain built from the recording: " + std::to_string(config.demodulator.window_samples) +
        "-sample window, calibration phase +90 deg per tone (a head calibrated like `deminer "
        "simulate --md`)");
  }
  if (options.ground_grab_s > 0.0) {
    result.grabbed_ground_angle_deg =
        grab_ground_angle(options.recording_path, config, options.ground_grab_s);
    if (result.grabbed_ground_angle_deg) {
      config.ground_balance.initial_angle_deg = *result.grabbed_ground_angle_deg;
      char text[160];
      std::snprintf(text, sizeof text, "ground angle grabbed from the first %.3g s: %.2f deg",
                    options.ground_grab_s, *result.grabbed_ground_angle_deg);
      result.notes.emplace_back(text);
    } else {
      char text[160];
      std::snprintf(text, sizeof text,
                    "no ground grab: the first %.3g s show no soil line (coil in air, or a "
                    "recording that short); ground angle %.2f deg until the tracker finds one",
                    options.ground_grab_s, config.ground_balance.initial_angle_deg);
      result.notes.emplace_back(text);
    }
  }
  if (options.print_config) {
    std::printf("%s\n", dsp::to_json(config).c_str());
    result.printed_config = true;
    return result;
  }

  dsp::VlfPipeline pipeline(config);
  result.first_timestamp_ns = block.header.timestamp_ns;
  AdvanceBySequence advances;
  std::array<Detection, 16> found{};
  Progress progress("replaying " + options.recording_path, 0);
  const std::size_t tones = config.demodulator.tone_count;
  const std::size_t tone = config.detection_tone;
  double time_s = 0.0;
  const double channel_dt_s = 1.0 / pipeline.channel_rate_hz();
  const auto add_detections = [&](std::span<const Detection> detections) {
    for (const Detection& detection : detections) {
      MdDetection d{detection, detection.position_m, 0.0, false};
      if (const auto along = advances.find(detection.sequence)) {
        d.along_m = *along;
        d.along_known = true;
      }
      result.detections.push_back(d);
    }
  };
  do {
    advances.add(block.header.sequence, block.header.advance_m);
    const auto out = pipeline.process(block.view(), found);
    if (picture != nullptr) {
      const auto balanced = pipeline.last_balanced();
      const auto calibrated = pipeline.last_calibrated();
      for (std::size_t i = 0; i < balanced.size(); ++i) {
        picture->add(time_s, balanced[i], calibrated[i * tones + tone]);
        time_s += channel_dt_s;
      }
    }
    add_detections(std::span(found).first(out.detections));
    progress.update(++result.frames);
  } while (reader.next_vlf_block(block));
  add_detections(std::span(found).first(pipeline.flush(found)));
  result.ground_angle_deg = pipeline.ground_angle_deg();
  add_counter_warning(result.warnings, pipeline.rejected_blocks(),
                      "blocks skipped (sample rate or tones differ from the configuration)");
  add_counter_warning(result.warnings, pipeline.sequence_gaps(), "sequence gaps (lost blocks)");
  add_counter_warning(result.warnings, pipeline.bad_windows(), "windows with non-finite samples");
  add_counter_warning(result.warnings, pipeline.dropped_detections(), "detections dropped");
  add_counter_warning(result.warnings, pipeline.abandoned_events(),
                      "events abandoned (open longer than max_event_samples: background change)");
  for (const auto& w : reader.warnings()) result.warnings.push_back(w);
  return result;
}

ReplayResult replay_pi(const MdReplayOptions& options, MdPicture* picture) {
  ReplayResult result;
  result.kind = ChainKind::pi;
  link::RecordingReader reader(options.recording_path);
  dsp::md::PiFrame frame;
  if (!reader.next_pi_frame(frame)) {
    throw FormatError(options.recording_path + ": no PI frame could be decoded");
  }
  dsp::PiPipeline::Config config;
  if (!options.config_path.empty()) {
    config = dsp::pi_pipeline_config_from_json(
        read_text_file(options.config_path, "pipeline configuration"), options.config_path);
  } else {
    config = pi_config_for(frame);
    result.notes.push_back(
        "chain built from the recording: " + std::to_string(config.gate_times_s.size()) +
        " gates, " + std::to_string(config.balance_pairs.size()) + " balance pairs");
  }
  if (options.print_config) {
    std::printf("%s\n", dsp::to_json(config).c_str());
    result.printed_config = true;
    return result;
  }
  dsp::PiPipeline pipeline(config);
  result.first_timestamp_ns = frame.header.timestamp_ns;
  AdvanceBySequence advances;
  std::array<Detection, 2> found{};
  Progress progress("replaying " + options.recording_path, 0);
  double time_s = 0.0;
  const auto add = [&](std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      MdDetection d{found[i], found[i].position_m, 0.0, false};
      if (const auto along = advances.find(found[i].sequence)) {
        d.along_m = *along;
        d.along_known = true;
      }
      result.detections.push_back(d);
    }
  };
  do {
    advances.add(frame.header.sequence, frame.header.advance_m);
    add(pipeline.process(frame.view(), found));
    if (picture != nullptr) {
      picture->add(time_s, pipeline.balanced(), {});
      time_s += frame.header.pulse_period_s;
    }
    progress.update(++result.frames);
  } while (reader.next_pi_frame(frame));
  add(pipeline.flush(found));
  add_counter_warning(result.warnings, pipeline.rejected_frames(),
                      "frames skipped (gate times or pulse length differ from the configuration)");
  add_counter_warning(result.warnings, pipeline.dropped_detections(), "detections dropped");
  for (const auto& w : reader.warnings()) result.warnings.push_back(w);
  return result;
}

void print_table(const MdReplayOptions& options, const ReplayResult& result,
                 const std::vector<Match>& matches,
                 const std::vector<const sim::md::MdTruthTarget*>& missed, bool have_truth) {
  const bool vlf = result.kind == ChainKind::vlf;
  std::printf("%s: metal detector (%s), %zu %s, %zu detections\n", options.recording_path.c_str(),
              vlf ? "VLF" : "PI", result.frames, vlf ? "blocks" : "pulses",
              result.detections.size());
  for (const auto& note : result.notes) std::printf("  %s\n", note.c_str());
  if (result.detections.empty()) {
    for (const auto* t : missed) {
      std::printf("  missed: target at x %.3f m, y %.3f m\n", t->x_m, t->y_m);
    }
    return;
  }
  if (vlf) {
    std::printf("\n  #  across_m  along_m  score  phase_deg  class             ferrous");
  } else {
    std::printf("\n  #  across_m  along_m  score    tau_us  ferrous");
  }
  if (have_truth) {
    std::printf("  | truth x_m  y_m    %s | err_x_cm  err_y_cm", vlf ? "phase" : "tau_us");
  }
  std::printf("\n");
  for (std::size_t i = 0; i < result.detections.size(); ++i) {
    const MdDetection& m = result.detections[i];
    const Detection& d = m.detection;
    std::printf("%3zu  %8.3f  ", i + 1, m.across_m);
    if (m.along_known) {
      std::printf("%7.3f", m.along_m);
    } else {
      std::printf("%7s", "-");
    }
    std::printf("  %5.0f", static_cast<double>(d.score));
    if (vlf) {
      std::printf("  %9.1f  %-16s  %-7s",
                  static_cast<double>(feature(d, dsp::VlfFeature::phase_deg)),
                  vlf_class_name(d).c_str(), ferrous_text(feature(d, dsp::VlfFeature::ferrous)));
    } else {
      std::printf("  %8.1f  %-7s", static_cast<double>(feature(d, dsp::PiFeature::tau_fit_us)),
                  ferrous_text(feature(d, dsp::PiFeature::ferrous)));
    }
    if (have_truth) {
      const Match& match = matches[i];
      if (match.target != nullptr) {
        const double truth_id =
            vlf ? (match.target->phase_deg.empty() ? std::nan("") : match.target->phase_deg.front())
                : match.target->time_constant_s * 1e6;
        std::printf("  | %8.3f  %5.3f  %6.1f | %+8.2f  %+8.2f", match.target->x_m,
                    match.target->y_m, truth_id, match.across_error_m * 100.0,
                    match.along_error_m * 100.0);
      } else {
        std::printf("  | no target within %.0f cm across, %.0f cm along (false alarm)",
                    match_across_m * 100.0, match_along_m * 100.0);
      }
    }
    std::printf("\n");
  }
  for (const auto* t : missed) {
    std::printf("  missed: target at x %.3f m, y %.3f m\n", t->x_m, t->y_m);
  }
}

nlohmann::json to_json(const MdReplayOptions& options, const ReplayResult& result,
                       const std::vector<Match>& matches,
                       const std::vector<const sim::md::MdTruthTarget*>& missed, bool have_truth) {
  const bool vlf = result.kind == ChainKind::vlf;
  nlohmann::json out;
  out["recording"] = options.recording_path;
  out["sensor"] = "metal_detector";
  out["chain"] = vlf ? "vlf" : "pi";
  out["frames"] = result.frames;
  out["notes"] = result.notes;
  if (result.ground_angle_deg) out["ground_angle_deg"] = *result.ground_angle_deg;
  if (result.grabbed_ground_angle_deg) {
    out["grabbed_ground_angle_deg"] = *result.grabbed_ground_angle_deg;
  }
  out["detections"] = nlohmann::json::array();
  for (std::size_t i = 0; i < result.detections.size(); ++i) {
    const MdDetection& m = result.detections[i];
    const Detection& d = m.detection;
    nlohmann::json item = {{"across_m", m.across_m},
                           {"score", d.score},
                           {"sequence", d.sequence},
                           {"timestamp_ns", d.timestamp_ns},
                           {"channel", d.channel}};
    item["along_m"] = m.along_known ? nlohmann::json(m.along_m) : nlohmann::json(nullptr);
    const float ferrous_flag =
        vlf ? feature(d, dsp::VlfFeature::ferrous) : feature(d, dsp::PiFeature::ferrous);
    item["ferrous"] =
        ferrous_flag < -0.5f ? nlohmann::json(nullptr) : nlohmann::json(ferrous_flag > 0.5f);
    if (vlf) {
      item["phase_deg"] = feature(d, dsp::VlfFeature::phase_deg);
      item["class"] = vlf_class_name(d);
      item["amplitude_v"] = feature(d, dsp::VlfFeature::amplitude_v);
      item["ground_angle_deg"] = feature(d, dsp::VlfFeature::ground_angle_deg);
    } else {
      item["tau_us"] = feature(d, dsp::PiFeature::tau_fit_us);
      item["tau_sigma_us"] = feature(d, dsp::PiFeature::tau_fit_sigma_us);
      item["tau_log_linear_us"] = feature(d, dsp::PiFeature::tau_log_linear_us);
      item["tau_two_gate_us"] = feature(d, dsp::PiFeature::tau_two_gate_us);
    }
    item["features"] = std::vector<float>(d.features().begin(), d.features().end());
    if (have_truth && matches[i].target != nullptr) {
      const auto& t = *matches[i].target;
      item["truth"] = {{"x_m", t.x_m},
                       {"y_m", t.y_m},
                       {"depth_m", t.depth_m},
                       {"across_error_m", matches[i].across_error_m},
                       {"along_error_m", matches[i].along_error_m}};
      if (vlf && !t.phase_deg.empty()) item["truth"]["phase_deg"] = t.phase_deg.front();
      if (!vlf) item["truth"]["time_constant_s"] = t.time_constant_s;
    }
    out["detections"].push_back(item);
  }
  if (have_truth) {
    out["missed"] = nlohmann::json::array();
    for (const auto* t : missed) {
      out["missed"].push_back({{"x_m", t->x_m}, {"y_m", t->y_m}, {"depth_m", t->depth_m}});
    }
  }
  out["warnings"] = result.warnings;
  return out;
}

}  // namespace

bool is_metal_detector_recording(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::array<char, link::kRecordingMagic.size()> magic{};
  if (!in.read(magic.data(), static_cast<std::streamsize>(magic.size()))) return false;
  if (std::memcmp(magic.data(), link::kRecordingMagic.data(), magic.size()) != 0) return false;
  return link::RecordingReader(path).device().kind == link::SensorKind::metal_detector;
}

int replay_metal_detector(const MdReplayOptions& options) {
  const ChainKind kind = chain_kind(options.recording_path);
  std::optional<sim::md::MdTruth> truth;
  if (!options.truth_path.empty()) {
    truth = sim::md::md_truth_from_json(read_text_file(options.truth_path, "truth file"),
                                        options.truth_path);
  }
  std::optional<MdPicture> picture;
  if (!options.picture_path.empty()) picture.emplace(kind == ChainKind::vlf);
  MdPicture* picture_ptr = picture ? &*picture : nullptr;
  const ReplayResult result =
      kind == ChainKind::vlf ? replay_vlf(options, picture_ptr) : replay_pi(options, picture_ptr);
  if (result.printed_config) return 0;
  const std::vector<Match> matches = truth ? match_to_truth(result.detections, *truth)
                                           : std::vector<Match>(result.detections.size());
  const auto missed =
      truth ? missed_targets(matches, *truth) : std::vector<const sim::md::MdTruthTarget*>{};
  if (options.json) {
    std::printf("%s\n",
                to_json(options, result, matches, missed, truth.has_value()).dump(2).c_str());
  } else {
    print_table(options, result, matches, missed, truth.has_value());
  }
  for (const auto& warning : result.warnings)
    std::fprintf(stderr, "warning: %s\n", warning.c_str());

  if (picture) {
    MdPictureOptions picture_options;
    picture_options.title = std::filesystem::path(options.recording_path).filename().string() +
                            (kind == ChainKind::vlf ? " (VLF: ground-balanced, motion-filtered)"
                                                    : " (PI: balanced SNR, strongest pair)");
    picture_options.value_label =
        kind == ChainKind::vlf ? "ground-balanced signal (V)" : "balanced output (sigma)";
    for (std::size_t i = 0; i < result.detections.size(); ++i) {
      const Detection& d = result.detections[i].detection;
      char label[64];
      if (kind == ChainKind::vlf) {
        std::snprintf(label, sizeof label, "#%zu %s", i + 1, vlf_class_name(d).c_str());
      } else {
        std::snprintf(label, sizeof label, "#%zu %.0f us%s", i + 1,
                      static_cast<double>(feature(d, dsp::PiFeature::tau_fit_us)),
                      feature(d, dsp::PiFeature::ferrous) > 0.5f ? " Fe" : "");
      }
      picture_options.markers.push_back(
          {static_cast<double>(d.timestamp_ns - result.first_timestamp_ns) * 1e-9, label});
    }
    write_md_png(*picture, picture_options, options.picture_path);
    if (!options.json) std::printf("\npicture: %s\n", options.picture_path.c_str());
  }
  return 0;
}

std::string md_replay_help() {
  return "Metal-detector recordings (device kind metal_detector, e.g. from 'deminer simulate "
         "--md') run through the VLF chain (raw ADC blocks) or the PI chain (gate frames) "
         "instead, one line per detection: place across the lane (m), the sweep line's advance "
         "along it (m), SNR, and VLF phase (deg), class and ferrous, or PI decay time constant "
         "(us) and ferrous; --truth pairs them with the simulated targets (within 5 cm across, "
         "10 cm along). Without --config the chain is built from the recording (VLF: its sample "
         "rate and tones, a window of whole periods near 1 ms; PI: its gate times and pulse "
         "length) and the VLF calibration is that of a simulated head: no air offset and a "
         "phase of +90 deg per tone, and a 1-10 Hz motion filter for sweeps of about 0.5 m/s. "
         "Recordings from 'deminer simulate --md' are calibrated like this; for a real unit pass "
         "its saved calibration in --config (start from --print-config). The VLF chain tracks the "
         "ground angle from the soil's changes under the coil; with --ground-grab S it is first "
         "grabbed from the first S seconds (a recording that starts with the coil pumped over "
         "bare soil), replacing the configuration's initial_angle_deg.";
}

}  // namespace deminer::tools
