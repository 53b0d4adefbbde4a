#include "deminer/sim/lane/lane_detection.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

#include "deminer/dsp/pipeline/dual_sensor_pipeline.hpp"
#include "deminer/sim/gpr/scene.hpp"
#include "deminer/sim/md/md_scene.hpp"
#include "deminer/sim/md/vlf_chain_config.hpp"

namespace deminer::sim::lane {
namespace {

// The header of the lane's VLF blocks, as the simulator fills it from these fields.
dsp::md::VlfBlockHeader vlf_head_of(const LaneConfig& config) {
  if (config.md.detector != md::MdSceneConfig::Detector::vlf) {
    throw std::invalid_argument(
        "lane: the dual-sensor chain takes a VLF metal detector (md/detector)");
  }
  dsp::md::VlfBlockHeader head;
  head.sample_rate_hz = config.md.sample_rate_hz;
  if (config.md.tones_hz.size() > head.tone_hz.size()) {
    throw std::invalid_argument("lane: md/tones_hz holds more than 4 tones");
  }
  head.tone_count = static_cast<std::uint8_t>(config.md.tones_hz.size());
  std::copy(config.md.tones_hz.begin(), config.md.tones_hz.end(), head.tone_hz.begin());
  return head;
}

}  // namespace

dsp::DualSensorPipeline::Config default_chains(const LaneConfig& config) {
  dsp::DualSensorPipeline::Config chains;
  const GprSceneConfig& radar = config.gpr;
  chains.gpr =
      dsp::GprPipeline::default_config_for(radar.centre_hz, radar.dt_s, radar.samples_per_trace);
  dsp::AntennaGeometry& geometry = chains.gpr.geometry();
  geometry.antenna_height_m = radar.antenna_height_m;
  geometry.antenna_offset_m = radar.antenna_offset_m;
  geometry.relative_permittivity = gpr_soil_of(config.soil.moisture).relative_permittivity;
  // The VLF chain takes its demodulator from the blocks' header.
  chains.md = md::vlf_chain_config_for(vlf_head_of(config));
  // A strong target rings the metal detector on every sweep within its footprint (±15 cm along
  // the lane for the default coil), so passes are merged within 15 cm, and an object is final
  // once the sweep line is 40 cm past it.
  chains.fusion.association_radius_m = 0.15;
  chains.fusion.settle_distance_m = 0.40;
  return chains;
}

LaneDetections detect_lane(const Lane& lane, const dsp::DualSensorPipeline::Config& chains,
                           const LaneProgress& progress) {
  dsp::DualSensorPipeline pipeline(chains);
  // Chains that do not fit the sensors would reject every input: no objects, silently.
  const std::string lane_name = "lane seed " + std::to_string(lane.config.seed);
  if (lane.config.gpr.samples_per_trace != chains.gpr.samples_per_trace) {
    throw std::invalid_argument(
        lane_name + ": its radar records " + std::to_string(lane.config.gpr.samples_per_trace) +
        " samples per trace, the GPR chain takes " + std::to_string(chains.gpr.samples_per_trace));
  }
  if (!pipeline.md().accepts(vlf_head_of(lane.config))) {
    throw std::invalid_argument(lane_name +
                                ": its metal detector's sample rate or tones (md/sample_rate_hz, "
                                "md/tones_hz) differ from the VLF chain's demodulator");
  }
  LaneDetections result;
  std::vector<dsp::FusedObject> closed(chains.fusion.capacity);
  const auto keep = [&](std::size_t objects) {
    result.objects.insert(result.objects.end(), closed.begin(),
                          closed.begin() + static_cast<long>(objects));
    for (const dsp::Detection& d : pipeline.last_detections()) {
      (d.sensor == dsp::Sensor::gpr ? result.gpr : result.md).push_back(d);
    }
  };
  HeadInputs inputs;
  inputs.trace = [&](const dsp::TraceView& trace, const dsp::SweepPlace& place) {
    keep(pipeline.process_trace(trace, place.advance_m, closed));
    if (place.ends_sweep) keep(pipeline.end_sweep(closed));
  };
  inputs.block = [&](const dsp::md::VlfBlockView& block) {
    keep(pipeline.process_block(block, closed));
  };
  const std::size_t sweeps = lane.sweeps.size();
  for_each_head_input(lane, inputs, [&](std::size_t done, std::size_t total) {
    if (progress && done < total) progress(done, total);
  });
  for (std::size_t n = pipeline.flush(closed);; n = pipeline.flush(closed)) {
    keep(n);
    if (n == 0) break;
  }
  if (progress) progress(sweeps + 1, sweeps + 1);
  return result;
}

void for_each_head_input(const Lane& lane, const HeadInputs& inputs, const LaneProgress& progress) {
  // The metal detector's recording of the whole lane is small; the radar's is rendered sweep by
  // sweep. The head delivers a sweep's traces and its blocks together; here each sweep's GPR
  // traces come first, then the blocks of the same stretch of the sweep line.
  const md::MdScene md = md::simulate_md_scene(lane_md_scene(lane.config, lane.truth));
  std::size_t next_block = 0;
  const std::size_t sweeps = lane.sweeps.size();
  for (std::size_t k = 0; k < sweeps; ++k) {
    const SimulatedScene scene =
        simulate_gpr_scene(lane_gpr_sweep_scene(lane.config, lane.truth, k));
    const LaneSweep& sweep = lane.sweeps[k];
    const std::size_t n = scene.traces.size();
    for (std::size_t i = 0; i < n; ++i) {
      dsp::TraceView trace = scene.traces[i].view();
      // Stamped on the head's clock (the blocks' clock), in the order delivered.
      const double t_s = sweep.start_time_s + (sweep.end_time_s - sweep.start_time_s) *
                                                  static_cast<double>(i) / static_cast<double>(n);
      trace.header.timestamp_ns = std::llround(t_s * 1e9);
      const dsp::SweepPlace place{lane_head_y_m(lane.config, k, trace.header.position_m),
                                  static_cast<std::uint32_t>(k), i + 1 == n};
      inputs.trace(trace, place);
    }
    for (; next_block < md.vlf_blocks.size() &&
           md.vlf_blocks[next_block].header.advance_m < lane.sweeps[k].y_end_m;
         ++next_block) {
      inputs.block(md.vlf_blocks[next_block].view());
    }
    if (progress) progress(k + 1, sweeps + 1);
  }
  for (; next_block < md.vlf_blocks.size(); ++next_block) {
    inputs.block(md.vlf_blocks[next_block].view());
  }
  if (progress) progress(sweeps + 1, sweeps + 1);
}

std::vector<eval::TruthObject> evaluation_truth(const LaneTruth& truth) {
  std::vector<eval::TruthObject> objects;
  objects.reserve(truth.objects.size());
  for (const LaneObject& o : truth.objects) {
    eval::TruthObject t;
    t.x_m = o.x_m;
    t.y_m = o.y_m;
    t.kind = o.object_class == ObjectClass::mine ? eval::TruthKind::mine : eval::TruthKind::clutter;
    t.subtype = std::string(object_type_name(o.type));
    t.strata = {{"type", t.subtype}, {"depth_band", o.depth_band}, {"soil", o.soil}};
    objects.push_back(std::move(t));
  }
  return objects;
}

std::vector<eval::Alarm> alarms_of(std::span<const dsp::FusedObject> objects,
                                   const ObjectScore& score) {
  std::vector<eval::Alarm> alarms;
  for (const dsp::FusedObject& object : objects) {
    const double s = score(object);
    if (std::isnan(s)) continue;
    alarms.push_back({object.position_m, object.advance_m, s, ""});
  }
  return alarms;
}

}  // namespace deminer::sim::lane
