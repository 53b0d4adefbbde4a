// The adapters that give every GPR block the TraceStage shape (private to the pipeline).
#pragma once

#include <cstddef>
#include <memory>

#include "deminer/dsp/pipeline/gpr_pipeline.hpp"

namespace deminer::dsp::detail {

// Throws std::invalid_argument if the block rejects its configuration.
[[nodiscard]] std::unique_ptr<TraceStage> make_gpr_stage(const GprStageConfig& config,
                                                         std::size_t samples_per_trace);

// The background-removal block inside a stage, or nullptr for other stages.
[[nodiscard]] BackgroundRemoval* background_of(TraceStage& stage) noexcept;

}  // namespace deminer::dsp::detail
