// The whole GPR chain: every streaming stage kind in one pipeline on a simulated scene (stream
// equals batch, nothing allocated after start-up), and the default chain on the real field files
// (every value finite, something found where the survey has reflectors).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <vector>

#include "allocation_counter.hpp"
#include "deminer/dsp/pipeline/gpr_pipeline.hpp"
#include "deminer/sim/formats/trace_file.hpp"
#include "scene_replay.hpp"

namespace fs = std::filesystem;
using deminer::dsp::Detection;
using deminer::dsp::GprPipeline;

namespace {

// Every streaming stage kind, in a plausible order, on the default scene's sampling.
GprPipeline::Config every_stage(const deminer::sim::SimulatedScene& scene) {
  const auto& header = scene.traces.front().header;
  auto config = GprPipeline::default_config_for(1.5e9, header.dt_s, scene.config.samples_per_trace);
  config.geometry() = {scene.config.antenna_height_m, scene.config.antenna_offset_m,
                       scene.config.relative_permittivity};
  deminer::dsp::Dewow::Config dewow;
  deminer::dsp::TimeZeroAligner::Config time_zero;
  time_zero.picker.threshold_fraction = 0.3;
  time_zero.pick_mode = deminer::dsp::TimeZeroAligner::PickMode::first_trace;
  deminer::dsp::FixedTimeZero::Config fixed{header.time_zero_s};
  deminer::dsp::ButterworthFilter::Config butterworth;
  butterworth.sample_interval_s = header.dt_s;
  butterworth.low_hz = 0.2e9;
  butterworth.high_hz = 4e9;
  deminer::dsp::BandPass::Config band;
  band.sample_interval_s = header.dt_s;
  deminer::dsp::BackgroundRemoval::Config background;
  background.mode = deminer::dsp::BackgroundRemoval::Mode::exponential;
  deminer::dsp::TPowerGain::Config t_power;
  deminer::dsp::ExponentialGain::Config exponential;
  deminer::dsp::AgcGain::Config agc;
  deminer::dsp::TraceStacker::Config stack;
  stack.traces = 2;
  deminer::dsp::DistanceNormaliser::Config distance;
  distance.spacing_m = 0.02;
  deminer::dsp::KirchhoffMigration::Config migration;
  migration.aperture_traces = 21;
  migration.trace_spacing_m = 0.02;
  migration.relative_permittivity = scene.config.relative_permittivity;
  migration.antenna_offset_m = scene.config.antenna_offset_m;
  migration.sample_interval_s = header.dt_s;
  migration.time_zero_s = header.time_zero_s;
  config.stages = {dewow,   time_zero,   fixed, butterworth, band,     background,
                   t_power, exponential, agc,   stack,       distance, migration};
  return config;
}

std::vector<Detection> run(const GprPipeline::Config& config,
                           const std::vector<deminer::dsp::TraceView>& views, std::size_t chunk) {
  GprPipeline pipeline(config);
  return deminer::test::run_in_chunks(pipeline, views, chunk);
}

TEST(GprChain, EveryStageStreamsLikeABatch) {
  const auto scene = deminer::sim::simulate_gpr_scene(deminer::sim::default_gpr_scene());
  const auto views = deminer::test::views_of(scene);
  const auto config = every_stage(scene);
  const auto reference = run(config, views, views.size());
  ASSERT_FALSE(reference.empty()) << "the migrated scene still shows its objects";
  for (const std::size_t chunk : {1u, 3u, 17u}) {
    const auto found = run(config, views, chunk);
    ASSERT_EQ(found.size(), reference.size()) << "chunk " << chunk;
    for (std::size_t i = 0; i < found.size(); ++i) {
      EXPECT_EQ(found[i].position_m, reference[i].position_m) << "chunk " << chunk;
      EXPECT_EQ(found[i].depth_m, reference[i].depth_m) << "chunk " << chunk;
      EXPECT_EQ(found[i].score, reference[i].score) << "chunk " << chunk;
    }
  }
}

TEST(GprChain, EveryStageAllocatesNothingAfterStartUp) {
  const auto scene = deminer::sim::simulate_gpr_scene(deminer::sim::default_gpr_scene());
  for (const double soil_sigma : {0.0, 0.3}) {  // fit alone, and combined with a measured soil
    auto config = every_stage(scene);
    std::get<deminer::dsp::CfarDetector::Config>(config.detector).soil_permittivity_sigma =
        soil_sigma;
    GprPipeline pipeline(config);
    std::vector<Detection> out(16);
    std::size_t found = 0;
    deminer::test::AllocationCounter counter;
    for (const auto& trace : scene.traces) found += pipeline.process(trace.view(), out);
    found += pipeline.flush(out);
    pipeline.reset();
    EXPECT_EQ(counter.count(), 0u) << soil_sigma;
    EXPECT_GT(found, 0u) << soil_sigma;
  }
}

// Checks every trace leaving the stages, and its envelope, for NaN and Inf.
class FiniteCheck final : public GprPipeline::Observer {
 public:
  void on_trace(const deminer::dsp::TraceHeader& /*header*/, std::span<const float> signal,
                std::span<const float> envelope) noexcept override {
    ++traces;
    for (float v : signal) non_finite += std::isfinite(v) ? 0 : 1;
    for (float v : envelope) non_finite += std::isfinite(v) ? 0 : 1;
  }
  std::size_t traces = 0;
  std::size_t non_finite = 0;
};

TEST(GprChain, DefaultChainOnFieldFilesStaysFinite) {
  const fs::path recordings = fs::path(DEMINER_SHARED_DATA) / "recordings";
  if (!fs::exists(recordings)) GTEST_SKIP() << "shared data folder absent: " << recordings;
  const fs::path files[] = {
      recordings / "NSGeophysics/GPRPy/gprpy/exampledata/GSSI/FILE____032.DZT",
      recordings / "NSGeophysics/GPRPy/gprpy/exampledata/SnS/ComOffs/XLINE00.DT1",
      recordings / "NSGeophysics/GPRPy/gprpy/exampledata/SnS/WARR/XLINE00.DT1",
  };
  for (const auto& file : files) {
    auto reader = deminer::sim::formats::open_trace_file(file);
    const auto& info = reader->info();
    const double sampling_hz = 1.0 / info.dt_s;
    const double f0 =
        std::min(info.antenna_frequency_hz.value_or(sampling_hz / 13.0), 0.3 * sampling_hz);
    GprPipeline pipeline(GprPipeline::default_config_for(f0, info.dt_s, info.samples_per_trace));
    FiniteCheck check;
    pipeline.set_observer(&check);
    std::vector<Detection> out(64);
    deminer::dsp::Trace trace;
    std::size_t traces = 0;
    while (reader->next_trace(trace)) {
      pipeline.process(trace.view(), out);
      ++traces;
    }
    pipeline.flush(out);
    EXPECT_EQ(check.traces, traces) << file;
    EXPECT_EQ(check.non_finite, 0u) << file;
    EXPECT_EQ(pipeline.rejected_traces(), 0u) << file;
  }
}

}  // namespace
