#include "deminer/dsp/pipeline/gpr_pipeline_json.hpp"

#include <array>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "deminer/dsp/core/error.hpp"
#include "json_fields.hpp"

namespace deminer::dsp {

namespace {

using json_fields::Choices;
using json_fields::FieldReader;
using json_fields::FieldWriter;
using json_fields::join_keys;
using nlohmann::json;

template <class V>
void describe(V& v, AntennaGeometry& g) {
  v("antenna_height_m", g.antenna_height_m);
  v("antenna_offset_m", g.antenna_offset_m);
  v("relative_permittivity", g.relative_permittivity);
}

template <class V>
void describe(V& v, Dewow::Config& c) {
  v.choice("mode", c.mode,
           Choices<Dewow::Mode>{{"running_mean", Dewow::Mode::running_mean},
                                {"high_pass", Dewow::Mode::high_pass}});
  v("window_samples", c.window_samples);
  v("high_pass_cutoff", c.high_pass_cutoff);
  v("high_pass_order", c.high_pass_order);
}

template <class V>
void describe(V& v, FixedTimeZero::Config& c) {
  v("time_zero_s", c.time_zero_s);
}

template <class V>
void describe(V& v, TimeZeroAligner::Config& c) {
  v.object("picker", [&](auto& p) {
    p.choice("method", c.picker.method,
             Choices<FirstBreakPicker::Method>{
                 {"threshold", FirstBreakPicker::Method::threshold},
                 {"energy_ratio", FirstBreakPicker::Method::energy_ratio}});
    p("threshold_fraction", c.picker.threshold_fraction);
    p("energy_window_samples", c.picker.energy_window_samples);
    p("search_begin_sample", c.picker.search_begin_sample);
    p("search_end_sample", c.picker.search_end_sample);
  });
  v.choice(
      "pick_mode", c.pick_mode,
      Choices<TimeZeroAligner::PickMode>{{"every_trace", TimeZeroAligner::PickMode::every_trace},
                                         {"first_trace", TimeZeroAligner::PickMode::first_trace}});
  v("target_sample", c.target_sample);
  v("first_break_time_s", c.first_break_time_s);
  v("max_shift_samples", c.max_shift_samples);
  v("interpolator_half_width", c.interpolator_half_width);
}

template <class V>
void describe(V& v, BackgroundRemoval::Config& c) {
  v.choice("mode", c.mode,
           Choices<BackgroundRemoval::Mode>{{"moving_mean", BackgroundRemoval::Mode::moving_mean},
                                            {"exponential", BackgroundRemoval::Mode::exponential},
                                            {"reference", BackgroundRemoval::Mode::reference}});
  v("window_traces", c.window_traces);
  v("ema_traces", c.ema_traces);
}

template <class V>
void describe(V& v, BandPass::Config& c) {
  v("sample_interval_s", c.sample_interval_s);
  v("low_hz", c.low_hz);
  v("high_hz", c.high_hz);
  v("taper_hz", c.taper_hz);
}

template <class V>
void describe(V& v, ButterworthFilter::Config& c) {
  v.choice("band", c.type,
           Choices<FilterBandType>{{"lowpass", FilterBandType::lowpass},
                                   {"highpass", FilterBandType::highpass},
                                   {"bandpass", FilterBandType::bandpass},
                                   {"bandstop", FilterBandType::bandstop}});
  v("order", c.order);
  v("low_hz", c.low_hz);
  v("high_hz", c.high_hz);
  v("sample_interval_s", c.sample_interval_s);
  v("zero_phase", c.zero_phase);
}

template <class V>
void describe(V& v, TPowerGain::Config& c) {
  v("power", c.power);
  v("reference_time_s", c.reference_time_s);
  v("min_time_s", c.min_time_s);
  v("max_gain", c.max_gain);
}

template <class V>
void describe(V& v, ExponentialGain::Config& c) {
  v("attenuation_db_per_m", c.attenuation_db_per_m);
  v("relative_permittivity", c.relative_permittivity);
  v("spreading_power", c.spreading_power);
  v("reference_time_s", c.reference_time_s);
  v("min_time_s", c.min_time_s);
  v("max_gain", c.max_gain);
}

template <class V>
void describe(V& v, AgcGain::Config& c) {
  v("window_samples", c.window_samples);
  v("target_rms", c.target_rms);
  v("epsilon", c.epsilon);
  v("max_gain", c.max_gain);
}

template <class V>
void describe(V& v, TraceStacker::Config& c) {
  v.choice("mode", c.mode,
           Choices<TraceStacker::Mode>{{"stack", TraceStacker::Mode::stack},
                                       {"decimate", TraceStacker::Mode::decimate}});
  v("traces", c.traces);
}

template <class V>
void describe(V& v, DistanceNormaliser::Config& c) {
  v("spacing_m", c.spacing_m);
  v("origin_m", c.origin_m);
  v.choice("position_source", c.position_source,
           Choices<DistanceNormaliser::PositionSource>{
               {"position_m", DistanceNormaliser::PositionSource::position_m},
               {"odometer_ticks", DistanceNormaliser::PositionSource::odometer_ticks}});
  v("metres_per_tick", c.metres_per_tick);
  v("stationary_tolerance_m", c.stationary_tolerance_m);
  v("max_gap_m", c.max_gap_m);
}

template <class V>
void describe(V& v, KirchhoffMigration::Config& c) {
  v("aperture_traces", c.aperture_traces);
  v("trace_spacing_m", c.trace_spacing_m);
  v("velocity_m_per_s", c.velocity_m_per_s);
  v("relative_permittivity", c.relative_permittivity);
  v("antenna_offset_m", c.antenna_offset_m);
  v("sample_interval_s", c.sample_interval_s);
  v("time_zero_s", c.time_zero_s);
  v("taper_fraction", c.taper_fraction);
  v("obliquity_weight", c.obliquity_weight);
}

template <class V>
void describe(V& v, FeatureExtractor::Config& c) {
  v("sample_interval_s", c.sample_interval_s);
  v("window_samples", c.window_samples);
  v("band_edges_hz", c.band_edges_hz);
  v("polarity_threshold", c.polarity_threshold);
  v("zero_padding", c.zero_padding);
}

template <class V>
void describe(V& v, CfarDetector::Config& c) {
  v.object("geometry", [&](auto& g) { describe(g, c.geometry); });
  v("gate_delay_s", c.gate_delay_s);
  v("gate_length_s", c.gate_length_s);
  v("cell_samples", c.cell_samples);
  v("guard_cells", c.guard_cells);
  v("training_cells", c.training_cells);
  v.choice("method", c.method,
           Choices<CfarDetector::Method>{
               {"cell_averaging", CfarDetector::Method::cell_averaging},
               {"ordered_statistic", CfarDetector::Method::ordered_statistic}});
  v("os_rank", c.os_rank);
  v("threshold", c.threshold);
  v("noise_floor", c.noise_floor);
  v.choice("pick", c.pick,
           Choices<CfarDetector::Pick>{{"peak", CfarDetector::Pick::peak},
                                       {"leading_edge", CfarDetector::Pick::leading_edge}});
  v("leading_edge_fraction", c.leading_edge_fraction);
  v("max_time_step_s", c.max_time_step_s);
  v("object_extent_s", c.object_extent_s);
  v("max_gap_traces", c.max_gap_traces);
  v("min_track_traces", c.min_track_traces);
  v("trigger_ratio", c.trigger_ratio);
  v("fit_fraction", c.fit_fraction);
  v("min_permittivity", c.min_permittivity);
  v("max_permittivity", c.max_permittivity);
  v("min_separation_m", c.min_separation_m);
  v("shadow_m", c.shadow_m);
  v("prominence", c.prominence);
  v("max_permittivity_uncertainty", c.max_permittivity_uncertainty);
  v("soil_permittivity_sigma", c.soil_permittivity_sigma);
  v("max_depth_m", c.max_depth_m);
  v("max_tracks", c.max_tracks);
  v("max_track_traces", c.max_track_traces);
  v("window_lead_samples", c.window_lead_samples);
  v.object("features", [&](auto& f) { describe(f, c.features); });
}

template <class V>
void describe(V& v, EnergyDetector::Config& c) {
  v.object("geometry", [&](auto& g) { describe(g, c.geometry); });
  v("gate_delay_s", c.gate_delay_s);
  v("gate_length_s", c.gate_length_s);
  v("trigger_ratio", c.trigger_ratio);
  v("prominence", c.prominence);
  v("min_event_traces", c.min_event_traces);
  v("apex_fit_traces", c.apex_fit_traces);
  v("noise_floor", c.noise_floor);
  v("max_depth_m", c.max_depth_m);
}

template <class V>
void describe(V& v, GprPipeline::Config& c) {
  v("samples_per_trace", c.samples_per_trace);
  v.choice(
      "wavelet_polarity", c.wavelet_polarity,
      Choices<GprPipeline::WaveletPolarity>{{"measure", GprPipeline::WaveletPolarity::measure},
                                            {"positive", GprPipeline::WaveletPolarity::positive},
                                            {"negative", GprPipeline::WaveletPolarity::negative}});
}

// One default-constructed alternative of a variant per type name.
template <class Variant, std::size_t I = 0>
bool emplace_by_name(Variant& out, std::string_view name,
                     std::string_view (*name_of)(const Variant&) noexcept,
                     std::vector<std::string>& names) {
  if constexpr (I < std::variant_size_v<Variant>) {
    Variant candidate(std::in_place_index<I>);
    const std::string_view candidate_name = name_of(candidate);
    names.emplace_back("\"" + std::string(candidate_name) + "\"");
    if (candidate_name == name) {
      out = std::move(candidate);
      return true;
    }
    return emplace_by_name<Variant, I + 1>(out, name, name_of, names);
  } else {
    return false;
  }
}

template <class Variant>
Variant read_typed(const json& item, const std::string& path, std::string_view source,
                   std::string_view (*name_of)(const Variant&) noexcept) {
  FieldReader fields(item, path, source);
  fields.known("type");
  const auto type = item.find("type");
  if (type == item.end() || !type->is_string()) {
    std::vector<std::string> names;
    Variant ignored;
    emplace_by_name(ignored, "", name_of, names);
    fields.fail(path + ".type", "required: one of " + join_keys(names));
  }
  Variant config;
  std::vector<std::string> names;
  if (!emplace_by_name(config, type->get<std::string>(), name_of, names)) {
    fields.fail(path + ".type",
                "unknown type " + type->dump() + "; expected one of " + join_keys(names));
  }
  std::visit([&](auto& c) { describe(fields, c); }, config);
  fields.finish();
  return config;
}

template <class Variant>
json write_typed(const Variant& config, std::string_view (*name_of)(const Variant&) noexcept) {
  json out;
  Variant copy = config;
  std::visit(
      [&](auto& c) {
        FieldWriter fields(out);
        describe(fields, c);
      },
      copy);
  json typed = {{"type", name_of(config)}};
  typed.update(out);
  return typed;
}

}  // namespace

GprPipeline::Config gpr_pipeline_config_from_json(std::string_view json_text,
                                                  std::string_view source) {
  const json document = json_fields::parse(json_text, source);
  GprPipeline::Config config;
  FieldReader top(document, "", source);
  describe(top, config);
  top.known("stages");
  top.known("detector");
  if (const auto stages = document.find("stages"); stages != document.end()) {
    if (!stages->is_array()) top.fail("stages", "expected an array, found " + stages->dump());
    for (std::size_t i = 0; i < stages->size(); ++i) {
      config.stages.push_back(read_typed<GprStageConfig>(
          (*stages)[i], "stages[" + std::to_string(i) + "]", source, &stage_type_name));
    }
  }
  if (const auto detector = document.find("detector"); detector != document.end()) {
    config.detector =
        read_typed<GprDetectorConfig>(*detector, "detector", source, &detector_type_name);
  }
  top.finish();
  try {
    GprPipeline check(config);
  } catch (const std::invalid_argument& e) {
    throw ConfigError(std::string(source) + ": " + e.what());
  }
  return config;
}

std::string to_json(const GprPipeline::Config& config) {
  json out;
  GprPipeline::Config copy = config;
  FieldWriter top(out);
  describe(top, copy);
  out["stages"] = json::array();
  for (const auto& stage : config.stages) {
    out["stages"].push_back(write_typed<GprStageConfig>(stage, &stage_type_name));
  }
  out["detector"] = write_typed<GprDetectorConfig>(config.detector, &detector_type_name);
  return out.dump(2);
}

}  // namespace deminer::dsp
