// deminer replay: a recording through the streaming GPR pipeline, trace by trace, exactly as the
// handheld unit would see it; detections as a table or JSON, compared with the truth when given,
// and a B-scan picture with the detections marked.
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "bscan_accumulator.hpp"
#include "bscan_picture.hpp"
#include "commands.hpp"
#include "deminer/dsp/core/error.hpp"
#include "deminer/dsp/detect/features.hpp"
#include "deminer/dsp/gpr/gain.hpp"
#include "deminer/dsp/gpr/surface_permittivity.hpp"
#include "deminer/dsp/pipeline/gpr_pipeline.hpp"
#include "deminer/dsp/pipeline/gpr_pipeline_json.hpp"
#include "deminer/sim/formats/trace_file.hpp"
#include "deminer/sim/gpr/scene.hpp"
#include "lane_replay.hpp"
#include "md_replay.hpp"
#include "open_options.hpp"
#include "terminal.hpp"
#include "text_file.hpp"

namespace deminer::tools {
namespace {

struct ReplayOptions {
  sim::formats::OpenOptions open;
  std::string recording_path;
  std::string truth_path;
  std::string picture_path;
  std::string config_path;
  std::string background_path;
  std::string air_shot_path;
  std::size_t surface_traces = 10;
  bool print_config = false;
  bool display_agc = true;
  bool json = false;
  unsigned channel = 0;
  std::optional<double> relative_permittivity;
  std::optional<double> antenna_height_m;
  std::optional<double> antenna_offset_m;
  std::optional<double> trace_spacing_m;
  double ground_grab_s = 0.0;   // metal-detector (VLF) recordings only
  std::string lane_seeds;       // lane files only
  double lane_radius_m = 0.15;  // lane files only
};

// Files without positions or spacing (e.g. gprMax merged B-scans) are placed 1 cm apart, the
// usual handheld spacing, unless --trace-spacing says otherwise.
constexpr double assumed_trace_spacing_m = 0.01;

std::optional<double> forced_spacing(const ReplayOptions& options,
                                     const sim::formats::FileInfo& info) {
  if (options.trace_spacing_m) return options.trace_spacing_m;
  if (info.positions_known || info.trace_spacing_m > 0.0) return std::nullopt;
  std::fprintf(stderr,
               "warning: %s has no trace positions or spacing; assuming %.2f m per trace "
               "(set --trace-spacing)\n",
               options.recording_path.c_str(), assumed_trace_spacing_m);
  return assumed_trace_spacing_m;
}

// A detection paired with the nearest true target (when a truth file was given).
struct Match {
  const sim::GprTruthTarget* target = nullptr;
  double position_error_m = 0.0;
  double depth_error_m = 0.0;
};

// Detections and true targets farther apart than this are not paired.
constexpr double match_radius_m = 0.10;

std::vector<Match> match_to_truth(const std::vector<dsp::Detection>& detections,
                                  const sim::GprTruth& truth) {
  std::vector<Match> matches(detections.size());
  for (std::size_t i = 0; i < detections.size(); ++i) {
    double best = match_radius_m;
    for (const auto& target : truth.targets) {
      const double distance = std::abs(detections[i].position_m - target.x_m);
      if (distance <= best) {
        best = distance;
        matches[i] = {&target, detections[i].position_m - target.x_m,
                      detections[i].depth_m - target.depth_m};
      }
    }
  }
  return matches;
}

std::vector<const sim::GprTruthTarget*> missed_targets(const std::vector<Match>& matches,
                                                       const sim::GprTruth& truth) {
  std::vector<const sim::GprTruthTarget*> missed;
  for (const auto& target : truth.targets) {
    bool found = false;
    for (const auto& m : matches) found = found || m.target == &target;
    if (!found) missed.push_back(&target);
  }
  return missed;
}

// Without a centre frequency in the file, assume the common 10 to 13 samples per period.
double centre_frequency_hz(const sim::formats::FileInfo& info) {
  const double sampling_hz = 1.0 / info.dt_s;
  return std::min(info.antenna_frequency_hz.value_or(sampling_hz / 13.0), 0.3 * sampling_hz);
}

// Pictures wider than this many traces are decimated (constant memory on long surveys).
constexpr std::size_t max_picture_traces = 4000;

// The mean of the first `max_traces` traces of `path` (channel and length as replayed): a stored
// background, an air shot, or bare ground for the surface echo. `what` names the option.
std::vector<float> mean_trace(const ReplayOptions& options, const std::string& path,
                              const std::string& what, std::size_t samples,
                              std::size_t max_traces = std::numeric_limits<std::size_t>::max()) {
  const auto reader = sim::formats::open_trace_file(path, options.open);
  std::vector<double> sum(samples);
  std::size_t count = 0;
  dsp::Trace trace;
  while (count < max_traces && reader->next_trace(trace)) {
    if (trace.header.channel != options.channel || trace.samples.size() != samples) continue;
    for (std::size_t i = 0; i < samples; ++i) sum[i] += trace.samples[i];
    ++count;
  }
  if (count == 0) {
    throw ConfigError("replay: " + what + " " + path + " has no trace of " +
                      std::to_string(samples) + " samples in channel " +
                      std::to_string(options.channel));
  }
  std::vector<float> mean(samples);
  for (std::size_t i = 0; i < samples; ++i) {
    mean[i] = static_cast<float>(sum[i] / static_cast<double>(count));
  }
  return mean;
}

// --air-shot: the soil's permittivity (and the antenna height) from the surface echo of the
// recording's first traces, which the detector then combines with each hyperbola fit.
void measure_soil(const ReplayOptions& options, const sim::formats::FileInfo& info,
                  dsp::GprPipeline::Config& config) {
  auto* cfar = std::get_if<dsp::CfarDetector::Config>(&config.detector);
  if (cfar == nullptr) {
    throw ConfigError(
        "replay: --air-shot needs the \"cfar\" detector (it combines the soil's "
        "permittivity with each hyperbola fit); see --print-config");
  }
  const std::size_t samples = config.samples_per_trace;
  const auto air = mean_trace(options, options.air_shot_path, "--air-shot", samples);
  const auto ground =
      mean_trace(options, options.recording_path, "the recording", samples, options.surface_traces);
  dsp::SurfacePermittivityConfig surface;
  surface.sample_interval_s = info.dt_s;
  surface.antenna_height_m = cfar->geometry.antenna_height_m;
  surface.antenna_offset_m = cfar->geometry.antenna_offset_m;
  dsp::SurfacePermittivity soil;
  try {
    soil = dsp::estimate_surface_permittivity(air, ground, surface);
  } catch (const std::exception& e) {
    throw ConfigError("replay: --air-shot " + options.air_shot_path + " with the first " +
                      std::to_string(options.surface_traces) + " traces of " +
                      options.recording_path + ": " + e.what());
  }
  std::fprintf(stderr,
               "soil from the surface echo of the first %zu traces: relative permittivity "
               "%.3f +- %.3f, antenna height %.1f mm (configured %.1f), misfit %.3g %%\n",
               options.surface_traces, soil.relative_permittivity, soil.permittivity_sigma,
               1e3 * soil.antenna_height_m, 1e3 * cfar->geometry.antenna_height_m,
               100.0 * soil.relative_residual);
  // The echo's delay measured the height too: the detector's ray model takes it.
  cfar->geometry.antenna_height_m = soil.antenna_height_m;
  cfar->geometry.relative_permittivity = soil.relative_permittivity;
  cfar->soil_permittivity_sigma = soil.permittivity_sigma;
}

dsp::GprPipeline::Config pipeline_config(const ReplayOptions& options,
                                         const sim::formats::FileInfo& info) {
  dsp::GprPipeline::Config config;
  if (!options.config_path.empty()) {
    const std::string text = read_text_file(options.config_path, "pipeline configuration");
    refuse_dual_sensor_config(text, options.config_path);
    config = dsp::gpr_pipeline_config_from_json(text, options.config_path);
    if (info.samples_per_trace > 0) config.samples_per_trace = info.samples_per_trace;
  } else {
    config = dsp::GprPipeline::default_config_for(centre_frequency_hz(info), info.dt_s,
                                                  info.samples_per_trace);
  }
  auto& geometry = config.geometry();
  if (options.relative_permittivity)
    geometry.relative_permittivity = *options.relative_permittivity;
  if (options.antenna_height_m) geometry.antenna_height_m = *options.antenna_height_m;
  if (options.antenna_offset_m) geometry.antenna_offset_m = *options.antenna_offset_m;
  if (!options.air_shot_path.empty()) measure_soil(options, info, config);
  return config;
}

bool has_reference_background(const dsp::GprPipeline::Config& config) {
  for (const auto& stage : config.stages) {
    const auto* background = std::get_if<dsp::BackgroundRemoval::Config>(&stage);
    if (background != nullptr && background->mode == dsp::BackgroundRemoval::Mode::reference) {
      return true;
    }
  }
  return false;
}

std::string describe_chain(const dsp::GprPipeline::Config& config) {
  std::string text;
  for (const auto& stage : config.stages) {
    text += (text.empty() ? "" : ", ") + std::string(dsp::stage_type_name(stage));
  }
  return text + (text.empty() ? "" : ", ") + std::string(dsp::detector_type_name(config.detector));
}

// Collects what leaves the pipeline's stages for the picture, with a display AGC (per trace,
// over about four periods) so that deep, weak reflections stay visible; detection never sees it.
class PictureCollector final : public dsp::GprPipeline::Observer {
 public:
  // agc_window 0: no display gain.
  PictureCollector(std::size_t samples, std::size_t agc_window)
      : traces_(samples, max_picture_traces),
        agc_({std::max<std::size_t>(agc_window, 1) | 1U, 1.0, 1e-12, 1e6}, samples),
        use_agc_(agc_window > 0),
        display_(samples) {}
  void on_trace(const dsp::TraceHeader& header, std::span<const float> signal,
                std::span<const float> /*envelope*/) noexcept override {
    if (traces_.traces() == 0) first_ = header;
    if (!use_agc_) {
      traces_.add(signal, header.position_m);
      return;
    }
    agc_.process(signal, std::span(display_).first(signal.size()));
    traces_.add(std::span(display_).first(signal.size()), header.position_m);
  }
  BscanAccumulator& traces() noexcept { return traces_; }
  const dsp::TraceHeader& first_header() const noexcept { return first_; }

 private:
  BscanAccumulator traces_;
  dsp::AgcGain agc_;
  bool use_agc_;
  std::vector<float> display_;
  dsp::TraceHeader first_;
};

void print_table(const ReplayOptions& options, std::size_t trace_count,
                 const std::vector<dsp::Detection>& detections, const std::vector<Match>& matches,
                 const std::vector<const sim::GprTruthTarget*>& missed, bool have_truth) {
  std::printf("%s: %zu traces, %zu detections\n", options.recording_path.c_str(), trace_count,
              detections.size());
  if (detections.empty()) return;
  std::printf("\n  #  position_m  depth_m  time_ns   score    soil_er");
  if (have_truth) std::printf("  | truth x_m  depth_m  | error_x_cm  error_depth_cm");
  std::printf("\n");
  for (std::size_t i = 0; i < detections.size(); ++i) {
    const auto& d = detections[i];
    std::printf("%3zu  %10.3f  %7.3f  %7.3f  %6.0f", i + 1, d.position_m, d.depth_m, d.time_s * 1e9,
                static_cast<double>(d.score));
    if (d.relative_permittivity > 0.0f) {
      std::printf("  %4.1f±%-4.1f", static_cast<double>(d.relative_permittivity),
                  static_cast<double>(d.permittivity_sigma));
    } else {
      std::printf("  %-9s", "-");
    }
    if (have_truth) {
      if (matches[i].target != nullptr) {
        std::printf("  |  %8.3f  %7.3f  |  %+9.2f  %+14.2f", matches[i].target->x_m,
                    matches[i].target->depth_m, matches[i].position_error_m * 100.0,
                    matches[i].depth_error_m * 100.0);
      } else {
        std::printf("  |  no target within %.0f cm (false alarm)", match_radius_m * 100.0);
      }
    }
    std::printf("\n");
  }
  if (have_truth) {
    for (const auto* target : missed) {
      std::printf("  missed: target at x %.3f m, depth %.3f m\n", target->x_m, target->depth_m);
    }
  }
}

nlohmann::json to_json(const ReplayOptions& options, std::size_t trace_count,
                       const std::vector<dsp::Detection>& detections,
                       const std::vector<Match>& matches,
                       const std::vector<const sim::GprTruthTarget*>& missed, bool have_truth,
                       const sim::formats::TraceFileReader& reader) {
  nlohmann::json out;
  out["recording"] = options.recording_path;
  out["format"] = sim::formats::to_string(reader.info().format);
  out["traces"] = trace_count;
  out["detections"] = nlohmann::json::array();
  for (std::size_t i = 0; i < detections.size(); ++i) {
    const auto& d = detections[i];
    nlohmann::json item = {{"position_m", d.position_m}, {"depth_m", d.depth_m},
                           {"time_s", d.time_s},         {"score", d.score},
                           {"sequence", d.sequence},     {"channel", d.channel}};
    if (d.relative_permittivity > 0.0f) {
      item["fit"] = {{"relative_permittivity", d.relative_permittivity},
                     {"permittivity_sigma", d.permittivity_sigma},
                     {"position_sigma_m", d.position_sigma_m},
                     {"depth_sigma_m", d.depth_sigma_m}};
    }
    for (std::size_t f = 0; f < d.feature_count && f < dsp::feature_count; ++f) {
      item["features"][std::string(dsp::feature_name(static_cast<dsp::Feature>(f)))] =
          d.feature_values[f];
    }
    if (have_truth && matches[i].target != nullptr) {
      item["truth"] = {{"x_m", matches[i].target->x_m},
                       {"depth_m", matches[i].target->depth_m},
                       {"position_error_m", matches[i].position_error_m},
                       {"depth_error_m", matches[i].depth_error_m}};
    }
    out["detections"].push_back(item);
  }
  if (have_truth) {
    out["missed"] = nlohmann::json::array();
    for (const auto* t : missed) {
      out["missed"].push_back({{"x_m", t->x_m}, {"depth_m", t->depth_m}});
    }
  }
  out["warnings"] = reader.warnings();
  return out;
}

int run(const ReplayOptions& options) {
  if (is_lane_file(options.recording_path)) {
    LaneReplayOptions lanes;
    lanes.lanes = {{options.recording_path}, options.lane_seeds, options.lane_radius_m};
    lanes.config_path = options.config_path;
    lanes.json = options.json;
    return replay_lanes(lanes);
  }
  if (is_metal_detector_recording(options.recording_path)) {
    MdReplayOptions md;
    md.recording_path = options.recording_path;
    md.config_path = options.config_path;
    md.truth_path = options.truth_path;
    md.picture_path = options.picture_path;
    md.ground_grab_s = options.ground_grab_s;
    md.json = options.json;
    md.print_config = options.print_config;
    return replay_metal_detector(md);
  }
  refuse_dual_sensor_recording(options.recording_path);
  const auto reader = sim::formats::open_trace_file(options.recording_path, options.open);
  const sim::formats::FileInfo& info = reader->info();
  if (options.channel >= info.channels) {
    throw ConfigError("replay: --channel " + std::to_string(options.channel) + " but " +
                      options.recording_path + " has " + std::to_string(info.channels) +
                      " channel(s) (0.." + std::to_string(info.channels - 1) + ")");
  }
  const dsp::GprPipeline::Config config = pipeline_config(options, info);
  if (options.print_config) {
    std::printf("%s\n", dsp::to_json(config).c_str());
    return 0;
  }
  dsp::GprPipeline pipeline(config);
  if (has_reference_background(config)) {
    if (options.background_path.empty()) {
      throw ConfigError(
          "replay: the configuration subtracts a stored reference trace "
          "(background_removal mode \"reference\"); give it with --background "
          "EMPTY_GROUND_RECORDING");
    }
    pipeline.set_background_reference(
        mean_trace(options, options.background_path, "--background", config.samples_per_trace));
  } else if (!options.background_path.empty()) {
    throw ConfigError(
        "replay: --background needs a background_removal stage with mode "
        "\"reference\" in the configuration (see --print-config)");
  }

  std::optional<sim::GprTruth> truth;
  if (!options.truth_path.empty()) {
    truth =
        sim::truth_from_json(read_text_file(options.truth_path, "truth file"), options.truth_path);
  }

  const auto period_samples =
      static_cast<std::size_t>(1.0 / (centre_frequency_hz(info) * info.dt_s));
  PictureCollector picture_traces(config.samples_per_trace,
                                  options.display_agc ? 4 * period_samples : 0);
  if (!options.picture_path.empty()) pipeline.set_observer(&picture_traces);
  std::vector<dsp::Detection> detections;
  std::array<dsp::Detection, 4> found{};
  dsp::Trace trace;
  std::size_t trace_count = 0;

  const std::optional<double> spacing = forced_spacing(options, info);
  Progress progress("replaying " + options.recording_path, info.traces_per_channel.value_or(0));
  while (reader->next_trace(trace)) {
    if (trace.header.channel != options.channel) continue;
    if (spacing) trace.header.position_m = *spacing * static_cast<double>(trace_count);
    const std::size_t n = pipeline.process(trace.view(), found);
    detections.insert(detections.end(), found.begin(), found.begin() + static_cast<long>(n));
    progress.update(++trace_count);
  }
  const std::size_t n = pipeline.flush(found);
  detections.insert(detections.end(), found.begin(), found.begin() + static_cast<long>(n));

  const std::vector<Match> matches =
      truth ? match_to_truth(detections, *truth) : std::vector<Match>(detections.size());
  const auto missed =
      truth ? missed_targets(matches, *truth) : std::vector<const sim::GprTruthTarget*>{};

  if (options.json) {
    std::printf("%s\n", to_json(options, trace_count, detections, matches, missed,
                                truth.has_value(), *reader)
                            .dump(2)
                            .c_str());
  } else {
    print_table(options, trace_count, detections, matches, missed, truth.has_value());
  }
  for (const auto& warning : reader->warnings()) {
    std::fprintf(stderr, "warning: %s\n", warning.c_str());
  }
  if (pipeline.rejected_traces() > 0) {
    std::fprintf(stderr, "warning: %llu traces skipped (not %zu samples long)\n",
                 static_cast<unsigned long long>(pipeline.rejected_traces()),
                 pipeline.config().samples_per_trace);
  }

  if (!options.picture_path.empty() && picture_traces.traces().traces() > 0) {
    BscanPictureOptions picture;
    picture.title = std::filesystem::path(options.recording_path).filename().string() + " (" +
                    describe_chain(config) + (options.display_agc ? "; display AGC)" : ")");
    if (picture_traces.traces().stride() > 1) {
      picture.title += ", every " + std::to_string(picture_traces.traces().stride()) + "th trace";
    }
    for (std::size_t i = 0; i < detections.size(); ++i) {
      char label[64];
      std::snprintf(label, sizeof label, "#%zu %.1f cm", i + 1, detections[i].depth_m * 100.0);
      picture.detections.push_back({detections[i].position_m, detections[i].time_s * 1e9, label});
    }
    if (truth) {
      for (const auto& t : truth->targets) {
        picture.truth.push_back({t.x_m, t.apex_time_s * 1e9, ""});
      }
    }
    const dsp::TraceHeader& first = picture_traces.first_header();
    write_bscan_png(picture_traces.traces().image(first.time_zero_s * 1e9, first.dt_s * 1e9),
                    picture, options.picture_path);
    if (!options.json) std::printf("\npicture: %s\n", options.picture_path.c_str());
  }
  return 0;
}

}  // namespace

Command add_replay_command(CLI::App& app) {
  auto options = std::make_shared<ReplayOptions>();
  CLI::App* sub = app.add_subcommand(
      "replay",
      "Run a recording through the streaming GPR pipeline, trace by trace as on the handheld "
      "unit, and report one detection per buried object: position along the track, depth, "
      "two-way time, the soil permittivity fitted to its hyperbola (with --air-shot combined "
      "with the one measured from the ground's surface echo) and its features. Without "
      "--config the default chain (dewow, band-pass, background removal, CFAR with tracking) "
      "is scaled to the file's sample interval and antenna frequency.");
  sub->add_option("recording", options->recording_path,
                  "Recording: deminer (.dmr), GSSI (.dzt), Sensors & Software (.dt1), MALA "
                  "(.rd3/.rd7), SEG-Y (.sgy) or gprMax (.out); or a lane file (.json)")
      ->required()
      ->check(CLI::ExistingFile);
  sub->add_option("--truth", options->truth_path,
                  "Ground truth (JSON from 'deminer simulate'): pair detections with targets and "
                  "print the position and depth errors")
      ->check(CLI::ExistingFile);
  sub->add_option("--picture", options->picture_path,
                  "Write the processed B-scan with detections (and truth) marked, as PNG");
  sub->add_flag("--json", options->json, "Print the results as JSON instead of a table");
  sub->add_option("--config", options->config_path,
                  "Pipeline configuration (JSON: ordered stages and detector, see "
                  "docs/pipeline-config.md); start from the output of --print-config. For a "
                  "lane file: the tuned.json of `deminer tune`")
      ->check(CLI::ExistingFile);
  sub->add_option("--background", options->background_path,
                  "Recording of empty ground (or air) whose mean trace is subtracted, for a "
                  "configuration whose background_removal stage has mode \"reference\"")
      ->check(CLI::ExistingFile);
  sub->add_option("--air-shot", options->air_shot_path,
                  "Recording of the antenna in the air (its direct coupling alone): measure the "
                  "soil's permittivity from the ground's surface echo in the first traces "
                  "(--surface-traces; bare, flat ground) and combine it with each hyperbola fit. "
                  "Model: a 2-D line source, as gprMax's (docs/pipeline-config.md)")
      ->check(CLI::ExistingFile);
  sub->add_option("--surface-traces", options->surface_traces,
                  "With --air-shot: how many of the first traces measure the surface echo")
      ->default_val(10)
      ->check(CLI::Range(1, 100000));
  sub->add_flag("!--no-display-agc", options->display_agc,
                "Draw the picture without its display gain (an AGC over four periods that keeps "
                "weak deep reflections visible; detection never sees it)");
  sub->add_flag("--print-config", options->print_config,
                "Print the configuration this replay would use, as JSON, and exit");
  sub->add_option("--channel", options->channel, "Channel to process, for multichannel files")
      ->default_val(0);
  sub->add_option_function<double>(
         "--eps-r", [options](double v) { options->relative_permittivity = v; },
         "Relative permittivity of the soil, for depths (default 6: moist sand)")
      ->check(CLI::Range(1.0, 100.0));
  sub->add_option_function<double>(
         "--antenna-height", [options](double v) { options->antenna_height_m = v; },
         "Antenna height above ground in metres (default 0.05)")
      ->check(CLI::Range(0.0, 2.0));
  sub->add_option_function<double>(
         "--trace-spacing", [options](double v) { options->trace_spacing_m = v; },
         "Place trace i at i times this many metres, replacing the file's positions (default: "
         "the file's; 0.01 when it has none)")
      ->check(CLI::Range(1e-6, 100.0));
  sub->add_option_function<double>(
         "--antenna-offset", [options](double v) { options->antenna_offset_m = v; },
         "Transmitter-receiver separation in metres (default 0.05)")
      ->check(CLI::Range(0.0, 2.0));
  sub->add_option("--ground-grab", options->ground_grab_s,
                  "Metal detector (VLF): seconds at the start of the recording to grab the ground "
                  "angle from, for a recording that starts with the coil pumped over bare soil "
                  "(default 0: none; the chain's tracker learns it from the soil's changes)")
      ->default_val(0.0)
      ->check(CLI::Range(0.0, 60.0));
  sub->add_option("--seeds", options->lane_seeds,
                  "Lane file: run it once per seed, e.g. 101-120 (default: the file's seed)");
  sub->add_option("--radius", options->lane_radius_m,
                  "Lane file: association radius (m) of alarms to the truth")
      ->check(CLI::Range(0.01, 1.0))
      ->capture_default_str();
  sub->footer(
      md_replay_help() + "\n\n" + lane_replay_help() +
      "\n\nExample:\n  deminer replay scene.dmr --truth truth.json --picture bscan.png\n"
      "  deminer simulate --md --out md.dmr && deminer replay md.dmr --truth md.dmr.truth.json\n"
      "  deminer replay docs/configs/lane.json --seeds 101-120 --config out/tune/tuned.json\n"
      "Exit status 0 on success, 1 on an unreadable recording or bad option.");
  add_open_options(*sub, options->open);
  return {sub, [options] { return run(*options); }};
}

}  // namespace deminer::tools
