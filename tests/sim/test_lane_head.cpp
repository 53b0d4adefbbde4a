// The dual-sensor head on the runtime (drivers::DualSensorProcessor): a lane's inputs, in the
// order the head delivers them (sim::lane::for_each_head_input), raise one alarm per object that
// the decision passes, at the places detect_lane (the training and tuning path) puts the
// objects, whether fed directly or as a recording through the runtime's threads; a lost
// end-of-sweep mark is made good by the next sweep number; and deciding allocates nothing.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <span>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "allocation_counter.hpp"
#include "deminer/drivers/device/device_uri.hpp"
#include "deminer/drivers/link/recording.hpp"
#include "deminer/drivers/runtime/configured_processor.hpp"
#include "deminer/drivers/runtime/dual_sensor_processor.hpp"
#include "deminer/drivers/runtime/runtime.hpp"
#include "deminer/dsp/detect/object_decision.hpp"
#include "deminer/sim/lane/lane_detection.hpp"
#include "scratch_dir.hpp"

namespace {

namespace lane = deminer::sim::lane;
namespace dsp = deminer::dsp;
namespace drivers = deminer::drivers;
using namespace std::chrono_literals;

struct SweptTrace {
  dsp::Trace trace;
  dsp::SweepPlace place;
};
using HeadInput = std::variant<SweptTrace, dsp::md::VlfBlock>;

// A 2 m lane with 3 mines and 9 clutter items, its inputs kept in order, and its objects as
// detect_lane forms them: rendered once for every test.
struct RecordedLane {
  lane::Lane scene;
  dsp::DualSensorPipeline::Config chains;
  std::vector<HeadInput> inputs;
  std::vector<dsp::FusedObject> objects;
};

const RecordedLane& recorded_lane() {
  static const RecordedLane recorded = [] {
    lane::LaneConfig config;
    config.length_m = 2.0;
    config.width_m = 1.0;
    config.edge_margin_m = 0.15;
    config.mine_count = 3;
    config.clutter_per_mine = 3.0;
    config.min_spacing_m = 0.2;
    config.seed = 5;
    RecordedLane r{lane::generate_lane(config), {}, {}, {}};
    r.chains = lane::default_chains(r.scene.config);
    lane::HeadInputs keep;
    keep.trace = [&](const dsp::TraceView& t, const dsp::SweepPlace& place) {
      r.inputs.emplace_back(
          SweptTrace{{t.header, std::vector<float>(t.samples.begin(), t.samples.end())}, place});
    };
    keep.block = [&](const dsp::md::VlfBlockView& b) {
      r.inputs.emplace_back(
          dsp::md::VlfBlock{b.header, std::vector<float>(b.samples.begin(), b.samples.end())});
    };
    lane::for_each_head_input(r.scene, keep);
    r.objects = lane::detect_lane(r.scene, r.chains).objects;
    return r;
  }();
  return recorded;
}

// Classes mine / metal_clutter / nonmetal_clutter: mine when both sensors saw the object
// (P(mine) = 0.55), metal clutter when only the metal detector did, non-metal clutter when only
// the radar did. With threshold 0 every object alarms (P(mine) >= 0).
dsp::ObjectDecision decide_every_object() {
  constexpr auto n = static_cast<Eigen::Index>(dsp::fused_feature_count);
  const auto slot = [](dsp::FusedFeature f) { return static_cast<Eigen::Index>(f); };
  dsp::LinearClassifier::Model m;
  m.class_names = {"mine", "metal_clutter", "nonmetal_clutter"};
  m.feature_mean = Eigen::VectorXd::Zero(n);
  m.feature_scale = Eigen::VectorXd::Ones(n);
  m.weights = Eigen::MatrixXd::Zero(3, n);
  m.weights(0, slot(dsp::FusedFeature::gpr_seen)) = 3.0;
  m.weights(0, slot(dsp::FusedFeature::md_seen)) = 3.0;
  m.weights(1, slot(dsp::FusedFeature::md_seen)) = 2.0;
  m.weights(2, slot(dsp::FusedFeature::gpr_seen)) = 1.0;
  m.bias = Eigen::Vector3d(-3.5, 0.0, 0.0);
  dsp::DualSensorModel model{dsp::LinearClassifier(m), {}, {}, 0.1};
  return dsp::ObjectDecision(model, {dsp::DecisionMethod::classifier, 0.0});
}

// How the traces reach the processor: as the lane marks them, with the end-of-sweep marks lost,
// or as plain traces (frame type 1) without a place.
enum class TraceForm { swept, marks_lost, plain };

// Feeds every input to the processor, then flushes it; returns the alarms.
std::vector<dsp::Detection> run_directly(drivers::DualSensorProcessor& processor,
                                         TraceForm form = TraceForm::swept) {
  std::vector<dsp::Detection> alarms;
  std::vector<dsp::Detection> out(64);
  const auto keep = [&](std::size_t n) {
    alarms.insert(alarms.end(), out.begin(), out.begin() + static_cast<long>(n));
  };
  for (const HeadInput& input : recorded_lane().inputs) {
    if (const auto* t = std::get_if<SweptTrace>(&input)) {
      dsp::SweepPlace place = t->place;
      place.ends_sweep = place.ends_sweep && form == TraceForm::swept;
      keep(form == TraceForm::plain ? processor.process(t->trace.view(), out)
                                    : processor.process_swept_trace(t->trace.view(), place, out));
    } else {
      keep(processor.process_vlf_block(std::get<dsp::md::VlfBlock>(input).view(), out));
    }
  }
  for (std::size_t n = processor.flush(out); n > 0; n = processor.flush(out)) keep(n);
  return alarms;
}

// Alarms and objects in the same order, at the same places, with the decision's verdicts.
void expect_one_alarm_per_object(const std::vector<dsp::Detection>& alarms,
                                 const std::vector<dsp::FusedObject>& objects,
                                 const dsp::ObjectDecision& decision) {
  ASSERT_EQ(alarms.size(), objects.size());
  for (std::size_t i = 0; i < objects.size(); ++i) {
    const dsp::ObjectVerdict verdict = decision.decide(objects[i]);
    EXPECT_EQ(alarms[i].sensor, dsp::Sensor::fused);
    EXPECT_EQ(alarms[i].position_m, objects[i].position_m) << "alarm " << i;
    EXPECT_EQ(alarms[i].advance_m, objects[i].advance_m) << "alarm " << i;
    EXPECT_EQ(alarms[i].score, static_cast<float>(verdict.score));
    EXPECT_EQ(alarms[i].object_class, verdict.object_class);
    EXPECT_EQ(alarms[i].confidence, verdict.confidence);
    if (objects[i].seen_by(dsp::Sensor::gpr)) {
      EXPECT_EQ(alarms[i].depth_m, objects[i].strongest_of(dsp::Sensor::gpr).depth_m);
    } else {
      EXPECT_TRUE(std::isnan(alarms[i].depth_m));
    }
  }
}

TEST(LaneHead, RaisesOneAlarmPerObjectWhereTheLaneToolsPutIt) {
  const RecordedLane& recorded = recorded_lane();
  ASSERT_GE(recorded.objects.size(), 6u);
  const dsp::ObjectDecision decision = decide_every_object();
  drivers::DualSensorProcessor processor(recorded.chains, decision);
  const auto alarms = run_directly(processor);
  expect_one_alarm_per_object(alarms, recorded.objects, decision);
  EXPECT_EQ(processor.objects_decided(), recorded.objects.size());
  // The model tells the classes apart: not every object is called the same.
  const auto mines = std::count_if(alarms.begin(), alarms.end(), [](const dsp::Detection& d) {
    return d.object_class == dsp::ObjectClass::mine;
  });
  EXPECT_GT(mines, 0);
  EXPECT_LT(static_cast<std::size_t>(mines), alarms.size());
}

TEST(LaneHead, OnlyObjectsThatPassTheThresholdAlarm) {
  const RecordedLane& recorded = recorded_lane();
  const dsp::ObjectDecision every = decide_every_object();
  const dsp::ObjectDecision strict(every.model(), {dsp::DecisionMethod::classifier, 0.5});
  std::vector<dsp::FusedObject> passing;
  for (const auto& o : recorded.objects) {
    if (strict.decide(o).alarm) passing.push_back(o);
  }
  ASSERT_GT(passing.size(), 0u);
  ASSERT_LT(passing.size(), recorded.objects.size());
  drivers::DualSensorProcessor processor(recorded.chains, strict);
  expect_one_alarm_per_object(run_directly(processor), passing, strict);
  EXPECT_EQ(processor.objects_decided(), recorded.objects.size());
}

// The pipeline driven by hand with a rule for the traces, collecting the objects it closes: the
// reference a processor's alarms are compared with. `trace_rule(pipeline, trace, out)` feeds one
// trace; blocks go straight in; at the end the sweep is ended and the pipeline flushed.
template <class TraceRule>
std::vector<dsp::FusedObject> hand_driven_objects(TraceRule trace_rule) {
  const RecordedLane& recorded = recorded_lane();
  dsp::DualSensorPipeline pipeline(recorded.chains);
  std::vector<dsp::FusedObject> objects;
  std::vector<dsp::FusedObject> out(recorded.chains.fusion.capacity);
  const auto keep = [&](std::size_t n) {
    objects.insert(objects.end(), out.begin(), out.begin() + static_cast<long>(n));
  };
  for (const HeadInput& input : recorded.inputs) {
    if (const auto* t = std::get_if<SweptTrace>(&input)) {
      keep(trace_rule(pipeline, *t, std::span(out)));
    } else {
      keep(pipeline.process_block(std::get<dsp::md::VlfBlock>(input).view(), out));
    }
  }
  keep(pipeline.end_sweep(out));
  for (std::size_t n = pipeline.flush(out); n > 0; n = pipeline.flush(out)) keep(n);
  return objects;
}

// A head whose end-of-sweep mark was lost: the sweep ends at the next sweep's first trace, which
// here is after the blocks of that stretch.
TEST(LaneHead, ANewSweepNumberEndsTheSweepWhenTheMarkIsLost) {
  std::uint32_t sweep = 0;
  const auto objects = hand_driven_objects(
      [&](dsp::DualSensorPipeline& pipeline, const SweptTrace& t, std::span<dsp::FusedObject> out) {
        std::size_t n = 0;
        if (t.place.sweep != sweep) n += pipeline.end_sweep(out);
        sweep = t.place.sweep;
        return n + pipeline.process_trace(t.trace.view(), t.place.advance_m, out.subspan(n));
      });
  const dsp::ObjectDecision decision = decide_every_object();
  drivers::DualSensorProcessor processor(recorded_lane().chains, decision);
  expect_one_alarm_per_object(run_directly(processor, TraceForm::marks_lost), objects, decision);
}

// Plain GPR traces (no place on the lane) cannot be fused: they are ignored and counted, and only
// the metal detector's objects remain, as the pipeline fed the blocks alone forms them.
TEST(LaneHead, PlainTracesAreIgnoredAndCounted) {
  std::size_t traces = 0;
  const auto objects = hand_driven_objects(
      [&](dsp::DualSensorPipeline&, const SweptTrace&, std::span<dsp::FusedObject>) {
        ++traces;
        return std::size_t{0};
      });
  ASSERT_GT(objects.size(), 0u);
  const dsp::ObjectDecision decision = decide_every_object();
  drivers::DualSensorProcessor processor(recorded_lane().chains, decision);
  expect_one_alarm_per_object(run_directly(processor, TraceForm::plain), objects, decision);
  EXPECT_EQ(processor.plain_traces_ignored(), traces);
  EXPECT_EQ(drivers::ignored_input_warning(processor).rfind(
                std::to_string(traces) + " plain GPR traces ignored", 0),
            0u)
      << drivers::ignored_input_warning(processor);
  const drivers::DualSensorProcessor untouched(recorded_lane().chains, decision);
  EXPECT_EQ(drivers::ignored_input_warning(untouched), "");
}

TEST(LaneHead, DecidingAllocatesNothing) {
  const RecordedLane& recorded = recorded_lane();
  drivers::DualSensorProcessor processor(recorded.chains, decide_every_object());
  std::vector<dsp::Detection> out(64);
  std::size_t alarms = 0;
  deminer::test::AllocationCounter counter;
  for (const HeadInput& input : recorded.inputs) {
    if (const auto* t = std::get_if<SweptTrace>(&input)) {
      alarms += processor.process_swept_trace(t->trace.view(), t->place, out);
    } else {
      alarms += processor.process_vlf_block(std::get<dsp::md::VlfBlock>(input).view(), out);
    }
  }
  for (std::size_t n = processor.flush(out); n > 0; n = processor.flush(out)) alarms += n;
  EXPECT_EQ(counter.count(), 0u);
  EXPECT_EQ(alarms, recorded.objects.size());
}

// The whole way a handheld goes: a recording of the lane (swept_gpr_trace and vlf_block frames),
// file:// device, acquisition thread, lock-free queue, DSP thread.
TEST(LaneHead, ARecordingOfTheLaneThroughTheRuntimeGivesTheSameAlarms) {
  const RecordedLane& recorded = recorded_lane();
  deminer::test::ScratchDir dir;
  const std::string path = (dir / "lane.dmr").string();
  std::size_t traces = 0;
  std::size_t blocks = 0;
  {
    drivers::link::DeviceDescription head;
    head.samples_per_trace = static_cast<std::uint32_t>(recorded.chains.gpr.samples_per_trace);
    head.nominal_dt_s = recorded.scene.config.gpr.dt_s;
    drivers::link::RecordingWriter writer(path, head);
    for (const HeadInput& input : recorded.inputs) {
      if (const auto* t = std::get_if<SweptTrace>(&input)) {
        writer.write_swept_trace(t->trace.view(), t->place);
        ++traces;
      } else {
        writer.write_vlf_block(std::get<dsp::md::VlfBlock>(input).view());
        ++blocks;
      }
    }
    writer.close();
  }
  const dsp::ObjectDecision decision = decide_every_object();
  drivers::DualSensorProcessor processor(recorded.chains, decision);
  drivers::RuntimeConfig config;
  config.overflow = drivers::OverflowPolicy::wait;
  drivers::Runtime runtime(drivers::open_device("file://" + path + "?rate=max"), processor, config);
  runtime.start();
  std::vector<dsp::Detection> alarms;
  std::vector<drivers::RuntimeOutput> batch(32);
  const auto drain = [&] {
    while (const std::size_t n = runtime.pop_detections(batch)) {
      for (std::size_t i = 0; i < n; ++i) alarms.push_back(batch[i].detection);
    }
  };
  const auto deadline = std::chrono::steady_clock::now() + 120s;
  while (!runtime.finished() && std::chrono::steady_clock::now() < deadline) {
    drain();
    std::this_thread::sleep_for(5ms);
  }
  ASSERT_TRUE(runtime.finished()) << "the recording did not end within 120 s";
  runtime.stop();
  drain();
  const drivers::RuntimeCounters c = runtime.counters();
  EXPECT_EQ(c.traces_processed, traces);
  EXPECT_EQ(c.blocks_processed, blocks);
  EXPECT_EQ(c.bad_payloads + c.overflows + c.other_frames, 0u);
  expect_one_alarm_per_object(alarms, recorded.objects, decision);
}

}  // namespace
