// Range checks of GprSceneConfig, shared by validate() (std::invalid_argument) and the JSON
// reader (deminer::ConfigError with the JSON path), so the two always agree.
#pragma once

#include <string>

#include "deminer/sim/gpr/scene.hpp"

namespace deminer::sim::detail {

// "" when every field is valid, otherwise the first offence as
// "<JSON pointer without the leading slash>: <value> is out of range [lo, hi]".
[[nodiscard]] std::string first_invalid_field(const GprSceneConfig& config);

}  // namespace deminer::sim::detail
