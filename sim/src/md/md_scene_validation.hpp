// Range checks of MdSceneConfig, shared by validate() (std::invalid_argument) and the JSON reader
// (deminer::ConfigError with the JSON path), so the two always agree.
#pragma once

#include <string>

#include "deminer/sim/md/md_scene.hpp"

namespace deminer::sim::md::detail {

// "" when every field is valid, otherwise the first offence as
// "<JSON pointer without the leading slash>: <value> is out of range [lo, hi]" (or a sentence
// saying what is wrong with it).
[[nodiscard]] std::string first_invalid_field(const MdSceneConfig& config);

}  // namespace deminer::sim::md::detail
