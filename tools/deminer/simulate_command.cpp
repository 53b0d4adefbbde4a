// deminer simulate: a synthetic GPR scene -> a deminer recording plus its ground truth (JSON).
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

#include "commands.hpp"
#include "deminer/drivers/link/recording.hpp"
#include "deminer/dsp/core/error.hpp"
#include "deminer/sim/gpr/scene.hpp"
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
};

void write_text_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw IoError(path + ": cannot write (does the folder exist?)");
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

int run(const SimulateOptions& options) {
  sim::GprSceneConfig scene =
      options.scene_path.empty()
          ? sim::default_gpr_scene()
          : sim::scene_from_json(read_text_file(options.scene_path, "scene file"),
                                 options.scene_path);
  if (options.seed_given) scene.seed = options.seed;
  if (options.print_scene) {
    std::printf("%s\n", sim::scene_to_json(scene).c_str());
    return 0;
  }
  if (options.recording_path.empty()) {
    throw ConfigError("simulate: --out RECORDING is required (or use --print-scene)");
  }

  const sim::SimulatedScene simulated = sim::simulate_gpr_scene(scene);
  drivers::link::RecordingWriter writer(options.recording_path, simulator_device(scene));
  Progress progress("writing " + options.recording_path, simulated.traces.size());
  for (std::size_t i = 0; i < simulated.traces.size(); ++i) {
    writer.write_trace(simulated.traces[i].view());
    progress.update(i + 1);
  }
  writer.close();

  const std::string truth_path =
      options.truth_path.empty() ? options.recording_path + ".truth.json" : options.truth_path;
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
      "a deminer recording plus a ground-truth JSON file.");
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
  sub->add_flag("--print-scene", options->print_scene,
                "Print the scene as JSON (a starting point for --scene) and exit");
  sub->footer(
      "Example:\n  deminer simulate --out scene.dmr --truth truth.json\n"
      "  deminer simulate --print-scene > my_scene.json   # edit, then --scene my_scene.json");
  return {sub, [options] { return run(*options); }};
}

}  // namespace deminer::tools
