// deminer simulate: a synthetic GPR scene, or with --md a metal-detector scene (VLF raw ADC blocks
// or PI gate frames), or with --lane a labelled lane scanned by a dual-sensor head (swept GPR
// traces and VLF blocks) -> a deminer recording plus its ground truth (JSON).
#include <cstdio>
#include <iterator>
#include <string>

#include "commands.hpp"
#include "deminer/drivers/link/recording.hpp"
#include "deminer/dsp/core/error.hpp"
#include "deminer/sim/gpr/scene.hpp"
#include "deminer/sim/lane/lane.hpp"
#include "deminer/sim/lane/lane_detection.hpp"
#include "deminer/sim/md/md_scene.hpp"
#include "terminal.hpp"
#include "text_file.hpp"

namespace deminer::tools {
namespace {

struct SimulateOptions {
  std::string scene_path;
  std::string recording_path;
  std::string truth_path;
  std::uint64_t seed = 0;
  bool seed_given = false;
  bool print_scene = false;
  bool metal_detector = false;
  std::string lane_path;
};

// What every kind of scene shares: --seed overrides the scene's; --print-scene prints the scene
// (returns false: nothing more to do); otherwise --out is required. `mode` names the flag.
template <class Scene, class ToJson>
bool ready_to_simulate(Scene& scene, const SimulateOptions& options, const std::string& mode,
                       ToJson to_json) {
  if (options.seed_given) scene.seed = options.seed;
  if (options.print_scene) {
    std::printf("%s\n", to_json(scene).c_str());
    return false;
  }
  if (options.recording_path.empty()) {
    throw ConfigError("simulate" + mode + ": --out RECORDING is required (or use --print-scene)");
  }
  return true;
}

std::string truth_path_of(const SimulateOptions& options) {
  return options.truth_path.empty() ? options.recording_path + ".truth.json" : options.truth_path;
}

drivers::link::DeviceDescription simulator_device(const sim::GprSceneConfig& scene) {
  drivers::link::DeviceDescription device;
  device.name = "deminer GPR scene simulator";
  device.model = "sim-gpr";
  device.serial = "seed-" + std::to_string(scene.seed);
  device.firmware = DEMINER_VERSION;
  device.kind = drivers::link::SensorKind::gpr;
  device.nominal_dt_s = scene.dt_s;
  device.centre_frequency_hz = scene.centre_hz;
  device.samples_per_trace = static_cast<std::uint32_t>(scene.samples_per_trace);
  device.channels = 1;
  return device;
}

drivers::link::DeviceDescription simulator_device(const sim::md::MdSceneConfig& scene) {
  const bool vlf = scene.detector == sim::md::MdSceneConfig::Detector::vlf;
  drivers::link::DeviceDescription device;
  device.name =
      vlf ? "deminer VLF metal-detector simulator" : "deminer PI metal-detector simulator";
  device.model = vlf ? "sim-md-vlf" : "sim-md-pi";
  device.serial = "seed-" + std::to_string(scene.seed);
  device.firmware = DEMINER_VERSION;
  device.kind = drivers::link::SensorKind::metal_detector;
  // VLF: one raw ADC sample; PI: one pulse.
  device.nominal_dt_s = vlf ? 1.0 / scene.sample_rate_hz : scene.pulse_period_s;
  device.centre_frequency_hz = vlf ? scene.tones_hz.front() : 1.0 / scene.pulse_period_s;
  device.samples_per_trace =
      static_cast<std::uint32_t>(vlf ? scene.samples_per_block : scene.gate_times_s.size());
  device.channels = 1;
  return device;
}

// The recording's header describes the radar: its trace length is what `deminer run` and the
// handheld check the tuned chains against; the VLF blocks describe themselves.
drivers::link::DeviceDescription simulator_device(const sim::lane::LaneConfig& lane) {
  drivers::link::DeviceDescription device = simulator_device(lane.gpr);
  device.name = "deminer dual-sensor lane simulator (GPR + VLF)";
  device.model = "sim-lane";
  device.serial = "seed-" + std::to_string(lane.seed);
  return device;
}

int run_lane(const SimulateOptions& options) {
  sim::lane::LaneConfig config = sim::lane::lane_config_from_json(
      read_text_file(options.lane_path, "lane file"), options.lane_path);
  if (!ready_to_simulate(config, options, " --lane", sim::lane::lane_config_to_json)) return 0;
  const sim::lane::Lane lane = sim::lane::generate_lane(config);
  drivers::link::RecordingWriter writer(options.recording_path, simulator_device(config));
  std::size_t traces = 0;
  std::size_t blocks = 0;
  sim::lane::HeadInputs inputs;
  inputs.trace = [&](const dsp::TraceView& trace, const dsp::SweepPlace& place) {
    writer.write_swept_trace(trace, place);
    ++traces;
  };
  inputs.block = [&](const dsp::md::VlfBlockView& block) {
    writer.write_vlf_block(block);
    ++blocks;
  };
  Progress progress("writing " + options.recording_path, lane.sweeps.size() + 1);
  sim::lane::for_each_head_input(lane, inputs,
                                 [&](std::size_t done, std::size_t) { progress.update(done); });
  writer.close();

  const std::string truth_path = truth_path_of(options);
  write_text_file(truth_path, sim::lane::lane_truth_to_json(lane.truth));
  std::printf(
      "simulated lane %.4g m x %.4g m (%zu objects, seed %llu): %zu sweeps, %zu GPR traces x %zu "
      "samples, %zu VLF blocks\n",
      lane.truth.width_m, lane.truth.length_m, lane.truth.objects.size(),
      static_cast<unsigned long long>(config.seed), lane.sweeps.size(), traces,
      config.gpr.samples_per_trace, blocks);
  std::printf("recording: %s\ntruth:     %s\n", options.recording_path.c_str(), truth_path.c_str());
  return 0;
}

int run_metal_detector(const SimulateOptions& options) {
  sim::md::MdSceneConfig scene =
      options.scene_path.empty()
          ? sim::md::default_md_scene()
          : sim::md::md_scene_from_json(read_text_file(options.scene_path, "scene file"),
                                        options.scene_path);
  if (!ready_to_simulate(scene, options, " --md", sim::md::md_scene_to_json)) return 0;

  const bool vlf = scene.detector == sim::md::MdSceneConfig::Detector::vlf;
  const sim::md::MdScene simulated = sim::md::simulate_md_scene(scene);
  drivers::link::RecordingWriter writer(options.recording_path, simulator_device(scene));
  const std::size_t frames = vlf ? simulated.vlf_blocks.size() : simulated.pi_frames.size();
  Progress progress("writing " + options.recording_path, frames);
  for (std::size_t i = 0; i < frames; ++i) {
    if (vlf) {
      writer.write_vlf_block(simulated.vlf_blocks[i].view());
    } else {
      writer.write_pi_frame(simulated.pi_frames[i].view());
    }
    progress.update(i + 1);
  }
  writer.close();

  const std::string truth_path = truth_path_of(options);
  write_text_file(truth_path, sim::md::md_truth_to_json(simulated.truth));

  if (vlf) {
    std::printf(
        "simulated VLF metal detector: %zu blocks x %zu samples at %.4g kS/s, %zu tone(s) from "
        "%.4g kHz (%.1f s, %zu targets, seed %llu)\n",
        frames, scene.samples_per_block, scene.sample_rate_hz * 1e-3, scene.tones_hz.size(),
        scene.tones_hz.front() * 1e-3, sim::md::md_scene_duration_s(scene), scene.targets.size(),
        static_cast<unsigned long long>(scene.seed));
  } else {
    std::printf(
        "simulated PI metal detector: %zu pulses x %zu gates, pulse %.4g us every %.4g ms (%.1f "
        "s, %zu targets, seed %llu)\n",
        frames, scene.gate_times_s.size(), scene.pulse_length_s * 1e6, scene.pulse_period_s * 1e3,
        sim::md::md_scene_duration_s(scene), scene.targets.size(),
        static_cast<unsigned long long>(scene.seed));
  }
  std::printf("recording: %s\ntruth:     %s\n", options.recording_path.c_str(), truth_path.c_str());
  return 0;
}

int run(const SimulateOptions& options) {
  if (!options.lane_path.empty()) return run_lane(options);
  if (options.metal_detector) return run_metal_detector(options);
  sim::GprSceneConfig scene =
      options.scene_path.empty()
          ? sim::default_gpr_scene()
          : sim::scene_from_json(read_text_file(options.scene_path, "scene file"),
                                 options.scene_path);
  if (!ready_to_simulate(scene, options, "", sim::scene_to_json)) return 0;

  const sim::SimulatedScene simulated = sim::simulate_gpr_scene(scene);
  drivers::link::RecordingWriter writer(options.recording_path, simulator_device(scene));
  Progress progress("writing " + options.recording_path, simulated.traces.size());
  for (std::size_t i = 0; i < simulated.traces.size(); ++i) {
    writer.write_trace(simulated.traces[i].view());
    progress.update(i + 1);
  }
  writer.close();

  const std::string truth_path = truth_path_of(options);
  write_text_file(truth_path, sim::truth_to_json(simulated.truth));

  std::printf("simulated %zu traces x %zu samples (dt %.4g ns, %zu targets, seed %llu)\n",
              simulated.traces.size(), scene.samples_per_trace, scene.dt_s * 1e9,
              scene.targets.size(), static_cast<unsigned long long>(scene.seed));
  std::printf("recording: %s\ntruth:     %s\n", options.recording_path.c_str(), truth_path.c_str());
  return 0;
}

}  // namespace

Command add_simulate_command(CLI::App& app) {
  auto options = std::make_shared<SimulateOptions>();
  CLI::App* sub = app.add_subcommand(
      "simulate",
      "Simulate a GPR scene (soil, buried point targets, antenna geometry, noise) and write it as "
      "a deminer recording plus a ground-truth JSON file. With --md: a metal-detector scene (VLF "
      "raw ADC blocks phase-locked to the transmitter, or PI gate values per pulse; coil sweeps "
      "over soil and buried metal) instead.");
  sub->add_option("--scene", options->scene_path,
                  "Scene description (JSON). Default: the built-in scene; see --print-scene")
      ->check(CLI::ExistingFile);
  sub->add_option("-o,--out", options->recording_path, "Recording to write (.dmr)");
  sub->add_option("--truth", options->truth_path,
                  "Ground truth to write (JSON). Default: RECORDING.truth.json");
  sub->add_option_function<std::uint64_t>(
      "--seed",
      [options](std::uint64_t seed) {
        options->seed = seed;
        options->seed_given = true;
      },
      "Noise seed (overrides the scene's)");
  sub->add_flag("--md", options->metal_detector,
                "Simulate a metal detector (VLF or PI, the scene's \"detector\") instead of a GPR; "
                "--scene then takes a metal-detector scene (see --md --print-scene)");
  sub->add_option("--lane", options->lane_path,
                  "Simulate a labelled lane (a lane file, docs/lanes.md) scanned by a dual-sensor "
                  "head: swept GPR traces and VLF blocks in one recording, in the order the head "
                  "delivers them; the truth is the lane's. 'deminer run file://REC.dmr --config "
                  "tuned.json' then replays it through the tuned head")
      ->check(CLI::ExistingFile)
      ->excludes("--md")
      ->excludes("--scene");
  sub->add_flag("--print-scene", options->print_scene,
                "Print the scene as JSON (a starting point for --scene) and exit");
  sub->footer(
      "Example:\n  deminer simulate --out scene.dmr --truth truth.json\n"
      "  deminer simulate --print-scene > my_scene.json   # edit, then --scene my_scene.json\n"
      "  deminer simulate --md --out md.dmr   # VLF: 5 mm aluminium and 12 mm chrome steel in "
      "moderate soil\n"
      "  deminer simulate --md --print-scene > md_scene.json   # \"detector\": \"pi\" for pulse "
      "induction\n"
      "  deminer simulate --lane docs/configs/lane.json --seed 101 --out lane.dmr   # dual-sensor");
  return {sub, [options] { return run(*options); }};
}

}  // namespace deminer::tools
