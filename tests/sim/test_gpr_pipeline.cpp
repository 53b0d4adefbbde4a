// GprPipeline on a simulated scene: chunking does not change the result, nothing allocates, and
// the last trace stays readable.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "allocation_counter.hpp"
#include "deminer/dsp/pipeline/gpr_pipeline.hpp"
#include "deminer/sim/gpr/scene.hpp"
#include "scene_replay.hpp"

using deminer::dsp::Detection;
using deminer::dsp::GprPipeline;
using deminer::dsp::TraceView;

namespace {

bool same(const Detection& a, const Detection& b) {
  return a.position_m == b.position_m && a.depth_m == b.depth_m && a.time_s == b.time_s &&
         a.score == b.score && a.sequence == b.sequence && a.timestamp_ns == b.timestamp_ns &&
         a.channel == b.channel && a.sensor == b.sensor;
}

TEST(GprPipeline, ChunkSizeDoesNotChangeDetections) {
  const auto scene = deminer::sim::simulate_gpr_scene(deminer::sim::default_gpr_scene());
  const auto views = deminer::test::views_of(scene);
  GprPipeline pipeline(GprPipeline::default_config());
  std::vector<Detection> reference;
  std::array<Detection, 1> one;
  for (const auto& view : views) {
    if (pipeline.process(view, one) == 1) reference.push_back(one[0]);
  }
  if (pipeline.flush(one) == 1) reference.push_back(one[0]);
  ASSERT_EQ(reference.size(), 3u);
  for (std::size_t chunk : {1u, 2u, 7u, 33u, 1000u}) {
    pipeline.reset();  // also proves reset() restores the initial state
    const auto detections = deminer::test::run_in_chunks(pipeline, views, chunk);
    ASSERT_EQ(detections.size(), reference.size()) << "chunk " << chunk;
    for (std::size_t i = 0; i < reference.size(); ++i) {
      EXPECT_TRUE(same(detections[i], reference[i])) << "chunk " << chunk << " detection " << i;
    }
  }
}

TEST(GprPipeline, WholeSceneAllocatesNothing) {
  const auto scene = deminer::sim::simulate_gpr_scene(deminer::sim::default_gpr_scene());
  const auto views = deminer::test::views_of(scene);
  GprPipeline pipeline(GprPipeline::default_config());
  std::array<Detection, 4> out;
  std::size_t count = 0;
  {
    deminer::test::AllocationCounter counter;
    for (const auto& view : views) count += pipeline.process(view, std::span(out).subspan(count));
    count += pipeline.flush(std::span(out).subspan(count));
    pipeline.reset();
    EXPECT_EQ(counter.count(), 0u);
  }
  EXPECT_EQ(count, 3u);
}

TEST(GprPipeline, LastTraceIsReadableAndBadTracesAreCounted) {
  const auto scene = deminer::sim::simulate_gpr_scene(deminer::sim::default_gpr_scene());
  GprPipeline pipeline(GprPipeline::default_config());
  EXPECT_TRUE(pipeline.last_signal().empty());
  std::array<Detection, 1> out;
  for (std::size_t i = 0; i < 40; ++i) pipeline.process(scene.traces[i].view(), out);
  EXPECT_EQ(pipeline.last_header().sequence, 39u);
  ASSERT_EQ(pipeline.last_signal().size(), 512u);
  ASSERT_EQ(pipeline.last_envelope().size(), 512u);
  for (std::size_t i = 0; i < 512; ++i) {
    ASSERT_GE(pipeline.last_envelope()[i], std::abs(pipeline.last_signal()[i]) * 0.9999f) << i;
  }

  const std::vector<float> short_samples(100);
  EXPECT_EQ(pipeline.process(TraceView{scene.traces[40].header, short_samples}, out), 0u);
  EXPECT_EQ(pipeline.rejected_traces(), 1u);
  EXPECT_EQ(pipeline.last_header().sequence, 39u);  // the rejected trace changed nothing
}

TEST(GprPipeline, RejectsBadConfig) {
  auto config = GprPipeline::default_config();
  config.find_stage<deminer::dsp::Dewow::Config>()->window_samples = 40;
  EXPECT_THROW(GprPipeline{config}, std::invalid_argument);
  config = GprPipeline::default_config();
  std::get<deminer::dsp::CfarDetector::Config>(config.detector).trigger_ratio = 0.5f;
  EXPECT_THROW(GprPipeline{config}, std::invalid_argument);
}

}  // namespace
