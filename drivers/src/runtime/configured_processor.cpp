#include "deminer/drivers/runtime/configured_processor.hpp"

#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>

#include "deminer/drivers/runtime/dual_sensor_processor.hpp"
#include "deminer/drivers/runtime/gpr_processor.hpp"
#include "deminer/dsp/core/error.hpp"
#include "deminer/dsp/pipeline/dual_sensor_json.hpp"
#include "deminer/dsp/pipeline/gpr_pipeline_json.hpp"

namespace deminer::drivers {

std::size_t described_samples_per_trace(const Device& device) noexcept {
  const auto& description = device.description();
  return description ? description->samples_per_trace : 0;
}

ConfiguredProcessor configured_processor(dsp::GprPipeline::Config config,
                                         std::size_t device_samples_per_trace) {
  if (device_samples_per_trace > 0) config.samples_per_trace = device_samples_per_trace;
  ConfiguredProcessor result;
  result.samples_per_trace = config.samples_per_trace;
  result.max_samples_per_input = config.samples_per_trace;
  result.processor = std::make_unique<GprPipelineProcessor>(config);
  result.summary =
      "GPR pipeline, " + std::to_string(config.samples_per_trace) + " samples per trace";
  return result;
}

ConfiguredProcessor configured_processor(std::string_view json_text, std::string_view source,
                                         std::size_t device_samples_per_trace) {
  if (!dsp::is_dual_sensor_config(json_text)) {
    return configured_processor(dsp::gpr_pipeline_config_from_json(json_text, source),
                                device_samples_per_trace);
  }
  dsp::DualSensorConfig config = dsp::dual_sensor_config_from_json(json_text, source);
  const std::size_t samples = config.pipeline.gpr.samples_per_trace;
  const std::size_t described = device_samples_per_trace;
  if (described > 0 && described != samples) {
    throw ConfigError(std::string(source) + ": gpr_pipeline.samples_per_trace is " +
                      std::to_string(samples) + " but the device sends " +
                      std::to_string(described) +
                      " samples per trace; tune the head on lanes of this radar");
  }
  ConfiguredProcessor result;
  result.samples_per_trace = samples;
  // A VLF block is a few milliseconds of ADC samples; the chain's limit (65 536 by default)
  // would size every runtime slot for the rare long block, so longer ones are refused there.
  constexpr std::size_t kLongestVlfBlock = 16384;
  result.max_samples_per_input =
      std::max(samples, std::min(config.pipeline.md.max_block_samples, kLongestVlfBlock));
  const dsp::ObjectDecision::Config& decision = config.decision.config();
  char threshold[32];
  std::snprintf(threshold, sizeof threshold, "%.4g", decision.threshold);
  result.summary = "dual-sensor head (GPR " + std::to_string(samples) +
                   " samples per trace + VLF), alarm when " +
                   std::string(dsp::decision_method_name(decision.method)) +
                   " score >= " + threshold;
  result.processor =
      std::make_unique<DualSensorProcessor>(config.pipeline, std::move(config.decision));
  return result;
}

std::string ignored_input_warning(const TraceProcessor& processor) {
  const auto* head = dynamic_cast<const DualSensorProcessor*>(&processor);
  if (head == nullptr || head->plain_traces_ignored() == 0) return {};
  return std::to_string(head->plain_traces_ignored()) +
         " plain GPR traces ignored: a dual-sensor head sends swept GPR traces (frame type 5, "
         "with their place on the lane; docs/link-frames.md)";
}

}  // namespace deminer::drivers
