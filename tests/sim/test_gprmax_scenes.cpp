// The GPR chain on the reference gprMax scenes (../shared/data/gprmax_scenes, see its MANIFEST):
// each buried object is detected once, at the right place and depth, with the sand's
// permittivity from its hyperbola and the polarity its material gives; empty scenes give nothing.
// Configuration: docs/configs/gprmax_scenes.json (the one `deminer replay --config` uses for
// these files); background = the mean trace of the sand-only scene, as a stored reference.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "deminer/dsp/detect/features.hpp"
#include "deminer/dsp/pipeline/gpr_pipeline.hpp"
#include "deminer/dsp/pipeline/gpr_pipeline_json.hpp"
#include "deminer/sim/formats/trace_file.hpp"

namespace fs = std::filesystem;
using deminer::dsp::Detection;
using deminer::dsp::Feature;
using deminer::dsp::GprPipeline;
using deminer::dsp::Trace;

namespace {

const fs::path scenes = fs::path(DEMINER_SHARED_DATA) / "gprmax_scenes";

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

GprPipeline::Config scene_config() {
  const fs::path path = fs::path(DEMINER_CONFIG_DIR) / "gprmax_scenes.json";
  return deminer::dsp::gpr_pipeline_config_from_json(read_text(path), path.string());
}

// The traces of a scene, placed where truth.json says (the merged file drops positions).
std::vector<Trace> load_scene(const std::string& name) {
  const auto truth = nlohmann::json::parse(read_text(scenes / name / "truth.json"));
  const double x0 = truth["antenna"]["src_x0_m"].get<double>() +
                    0.5 * truth["antenna"]["tx_rx_offset_m"].get<double>();
  const double step = truth["antenna"]["step_m"].get<double>();
  auto reader = deminer::sim::formats::open_trace_file(scenes / name / (name + "_merged.out"));
  std::vector<Trace> traces;
  Trace trace;
  while (reader->next_trace(trace)) {
    trace.header.position_m = x0 + step * static_cast<double>(traces.size());
    traces.push_back(trace);
  }
  return traces;
}

std::vector<float> mean_trace(const std::vector<Trace>& traces) {
  std::vector<double> sum(traces.front().samples.size());
  for (const auto& t : traces) {
    for (std::size_t i = 0; i < sum.size(); ++i) sum[i] += t.samples[i];
  }
  std::vector<float> mean(sum.size());
  for (std::size_t i = 0; i < sum.size(); ++i) {
    mean[i] = static_cast<float>(sum[i] / static_cast<double>(traces.size()));
  }
  return mean;
}

std::vector<Detection> detect(GprPipeline& pipeline, const std::vector<Trace>& traces) {
  std::vector<Detection> out(traces.size() + 8);
  std::size_t count = 0;
  for (const auto& t : traces) count += pipeline.process(t.view(), std::span(out).subspan(count));
  count += pipeline.flush(std::span(out).subspan(count));
  out.resize(count);
  return out;
}

class GprmaxScenes : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(scenes)) GTEST_SKIP() << "shared data folder absent: " << scenes;
  }
  static const std::vector<float>& background() {
    static const std::vector<float> mean = mean_trace(load_scene("s0_background_sand"));
    return mean;
  }
  static std::vector<Detection> run_with_reference(const std::string& name) {
    GprPipeline pipeline(scene_config());
    pipeline.set_background_reference(background());
    return detect(pipeline, load_scene(name));
  }
};

struct Expected {
  std::string scene;
  double x_m;
  double depth_top_m;
  float polarity;
  bool check_permittivity;
};

void check_target(const Expected& e, const std::vector<Detection>& found) {
  for (const auto& d : found) {
    std::printf("  found x %.4f depth %.4f t %.3f ns er %.3f score %.0f\n", d.position_m, d.depth_m,
                d.time_s * 1e9, static_cast<double>(d.relative_permittivity),
                static_cast<double>(d.score));
  }
  ASSERT_EQ(found.size(), 1u) << e.scene << ": one object, one detection";
  const Detection& d = found[0];
  const float polarity =
      d.feature_values[deminer::dsp::feature_index(Feature::first_echo_polarity)];
  std::printf(
      "%-20s x %.4f m (err %+.2f cm)  depth %.4f m (err %+.2f cm)  er %.3f +- %.3f "
      "(err %+.1f%%)  polarity %+.0f  score %.0f\n",
      e.scene.c_str(), d.position_m, 100.0 * (d.position_m - e.x_m), d.depth_m,
      100.0 * (d.depth_m - e.depth_top_m), static_cast<double>(d.relative_permittivity),
      static_cast<double>(d.permittivity_sigma), 100.0 * (d.relative_permittivity - 4.5) / 4.5,
      static_cast<double>(polarity), static_cast<double>(d.score));
  EXPECT_NEAR(d.position_m, e.x_m, 0.02) << e.scene;
  if (e.check_permittivity) {
    EXPECT_NEAR(d.relative_permittivity, 4.5, 0.45) << e.scene;
  }
  EXPECT_NEAR(d.depth_m, e.depth_top_m, 0.015) << e.scene;
  EXPECT_EQ(polarity, e.polarity) << e.scene;
}

TEST_F(GprmaxScenes, MetalCylinderDetectedOnceWithSandPermittivity) {
  check_target({"a_metal_cylinder", 0.32, 0.09, +1.0f, true},
               run_with_reference("a_metal_cylinder"));
}

// The mine slices are extended, layered objects (a flat top 9-12 cm wide over an air gap), not
// point reflectors: their echo is not a point-diffraction hyperbola, and with the antenna 2 cm
// above the ground the hyperbola's flanks carry almost no information on the soil velocity.
// The fit is flagged (PMN) or lands far from 4.5 (TS-50), so their permittivity is printed, not
// asserted; position, depth (from the apex time) and polarity are.
TEST_F(GprmaxScenes, PmnSliceDetectedOnceAtItsTop) {
  check_target({"g_pmn_slice_sand", 0.32, 0.05, -1.0f, false},
               run_with_reference("g_pmn_slice_sand"));
}

TEST_F(GprmaxScenes, Ts50SliceDetectedOnceAtItsTop) {
  check_target({"g_ts50_slice_sand", 0.32, 0.05, -1.0f, false},
               run_with_reference("g_ts50_slice_sand"));
}

TEST_F(GprmaxScenes, NothingInBackgroundSand) {
  EXPECT_TRUE(run_with_reference("s0_background_sand").empty());
}

// Without ground there is no stored background to subtract; the moving-mean background of the
// same chain must leave nothing to detect in the air-only scene (and in the sand-only one).
TEST_F(GprmaxScenes, NothingInAirOnlyOrSandWithMovingMeanBackground) {
  for (const std::string name : {"z_air_only", "s0_background_sand"}) {
    auto config = scene_config();
    config.find_stage<deminer::dsp::BackgroundRemoval::Config>()->mode =
        deminer::dsp::BackgroundRemoval::Mode::moving_mean;
    GprPipeline pipeline(config);
    EXPECT_TRUE(detect(pipeline, load_scene(name)).empty()) << name;
  }
}

}  // namespace
