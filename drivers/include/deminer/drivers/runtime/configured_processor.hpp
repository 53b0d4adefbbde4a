// The processor a tuned configuration describes, for the runtime: a GPR pipeline
// (dsp/pipeline/gpr_pipeline_json.hpp) or a dual-sensor head (dsp/pipeline/dual_sensor_json.hpp,
// recognised by its "decision" key) — the same file the workstation wrote, loaded unchanged.
//
// Why one loader: `deminer run` and the handheld firmware must build the same processor from the
// same file, and fit it to the device the same way.
// Fitting to the device: when the device's trace length is known (its description, or the
// operator's word), a GPR pipeline takes it; a dual-sensor head's chains were tuned for one
// radar, so another trace length is an error that names both lengths.
// Start-up code: allocates and throws (ConfigError naming `source` and the JSON path).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "deminer/drivers/device/device.hpp"
#include "deminer/drivers/runtime/runtime.hpp"
#include "deminer/dsp/pipeline/gpr_pipeline.hpp"

namespace deminer::drivers {

struct ConfiguredProcessor {
  std::unique_ptr<TraceProcessor> processor;
  std::size_t samples_per_trace = 0;  // of the radar chain
  // Longest input it takes (a GPR trace or a VLF block): RuntimeConfig::max_samples_per_trace.
  std::size_t max_samples_per_input = 0;
  std::string summary;  // one line for the start-up banner, e.g. "GPR pipeline, 512 samples"
};

// The trace length the device says it sends (its description, when it gives one), else 0.
[[nodiscard]] std::size_t described_samples_per_trace(const Device& device) noexcept;

// `device_samples_per_trace`: what the device sends (described_samples_per_trace, or the
// operator's word for a serial or UDP head that does not describe itself); 0 when unknown, as
// when a configuration is checked before any head is plugged in.
[[nodiscard]] ConfiguredProcessor configured_processor(std::string_view json_text,
                                                       std::string_view source,
                                                       std::size_t device_samples_per_trace);
// A GPR pipeline already configured (e.g. the default one), fitted to the device as above.
[[nodiscard]] ConfiguredProcessor configured_processor(dsp::GprPipeline::Config config,
                                                       std::size_t device_samples_per_trace);

// What the processor had to ignore, as one warning line for the operator once the runtime has
// stopped (plain GPR traces given to a dual-sensor head); empty when nothing was ignored.
[[nodiscard]] std::string ignored_input_warning(const TraceProcessor& processor);

}  // namespace deminer::drivers
