#include "deminer/sim/lane/lane_detection.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

#include "deminer/sim/gpr/scene.hpp"
#include "deminer/sim/md/md_scene.hpp"
#include "deminer/sim/md/vlf_chain_config.hpp"

namespace deminer::sim::lane {
namespace {

// Room for the detections of one call; a call that reports more drops them (counted by the
// pipeline), which a lane's few objects per sweep never approach.
constexpr std::size_t detections_per_call = 64;

void append(std::vector<dsp::Detection>& to, std::span<const dsp::Detection> found) {
  to.insert(to.end(), found.begin(), found.end());
}

std::vector<dsp::Detection> detect_sweep(const LaneConfig& config, const LaneTruth& truth,
                                         std::size_t k, const dsp::GprPipeline::Config& chain) {
  const SimulatedScene scene = simulate_gpr_scene(lane_gpr_sweep_scene(config, truth, k));
  dsp::GprPipeline pipeline(chain);
  std::vector<dsp::Detection> found;
  std::array<dsp::Detection, detections_per_call> out{};
  for (const dsp::Trace& trace : scene.traces) {
    append(found, std::span(out).first(pipeline.process(trace.view(), out)));
  }
  append(found, std::span(out).first(pipeline.flush(out)));
  for (dsp::Detection& d : found) d.advance_m = lane_head_y_m(config, k, d.position_m);
  return found;
}

std::vector<dsp::Detection> detect_md(const md::MdScene& scene,
                                      const dsp::VlfPipeline::Config& chain) {
  std::vector<dsp::Detection> found;
  if (scene.vlf_blocks.empty()) return found;
  dsp::VlfPipeline pipeline(chain);
  std::array<dsp::Detection, detections_per_call> out{};
  for (const auto& block : scene.vlf_blocks) {
    append(found, std::span(out).first(pipeline.process(block.view(), out).detections));
  }
  append(found, std::span(out).first(pipeline.flush(out)));
  return found;
}

}  // namespace

DualSensorChains default_chains(const LaneConfig& config) {
  if (config.md.detector != md::MdSceneConfig::Detector::vlf) {
    throw std::invalid_argument(
        "lane: the dual-sensor chain takes a VLF metal detector (md/detector)");
  }
  DualSensorChains chains;
  const GprSceneConfig& radar = config.gpr;
  chains.gpr =
      dsp::GprPipeline::default_config_for(radar.centre_hz, radar.dt_s, radar.samples_per_trace);
  dsp::AntennaGeometry& geometry = chains.gpr.geometry();
  geometry.antenna_height_m = radar.antenna_height_m;
  geometry.antenna_offset_m = radar.antenna_offset_m;
  geometry.relative_permittivity = gpr_soil_of(config.soil.moisture).relative_permittivity;
  // The VLF chain takes its demodulator from the blocks' header, which the simulator fills from
  // these fields.
  dsp::md::VlfBlockHeader head;
  head.sample_rate_hz = config.md.sample_rate_hz;
  if (config.md.tones_hz.size() > head.tone_hz.size()) {
    throw std::invalid_argument("lane: md/tones_hz holds more than 4 tones");
  }
  head.tone_count = static_cast<std::uint8_t>(config.md.tones_hz.size());
  std::copy(config.md.tones_hz.begin(), config.md.tones_hz.end(), head.tone_hz.begin());
  chains.md = md::vlf_chain_config_for(head);
  // A strong target rings the metal detector on every sweep within its footprint (±15 cm along
  // the lane for the default coil), so passes are merged within 15 cm, and an object is final
  // once the sweep line is 40 cm past it.
  chains.fusion.association_radius_m = 0.15;
  chains.fusion.settle_distance_m = 0.40;
  return chains;
}

LaneDetections detect_lane(const Lane& lane, const DualSensorChains& chains,
                           const LaneProgress& progress) {
  LaneDetections result;
  const std::size_t sweeps = lane.sweeps.size();
  for (std::size_t k = 0; k < sweeps; ++k) {
    append(result.gpr, detect_sweep(lane.config, lane.truth, k, chains.gpr));
    if (progress) progress(k + 1, sweeps + 1);
  }
  result.md = detect_md(md::simulate_md_scene(lane_md_scene(lane.config, lane.truth)), chains.md);
  if (progress) progress(sweeps + 1, sweeps + 1);

  // Both sensors' detections in order of advance, as the head would deliver them, closing the
  // objects the sweep line leaves behind.
  std::vector<dsp::Detection> all = result.gpr;
  append(all, result.md);
  std::stable_sort(all.begin(), all.end(), [](const dsp::Detection& a, const dsp::Detection& b) {
    return a.advance_m < b.advance_m;
  });
  dsp::SensorFusion fusion(chains.fusion);
  std::vector<dsp::FusedObject> closed(chains.fusion.capacity);
  for (const dsp::Detection& d : all) {
    fusion.add(d);
    const std::size_t n = fusion.close_behind(d.advance_m, closed);
    result.objects.insert(result.objects.end(), closed.begin(),
                          closed.begin() + static_cast<long>(n));
  }
  std::size_t n = 0;
  while ((n = fusion.close_all(closed)) > 0) {
    result.objects.insert(result.objects.end(), closed.begin(),
                          closed.begin() + static_cast<long>(n));
  }
  return result;
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
