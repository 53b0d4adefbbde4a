// ROC curves as PNG (PLplot's cairo PNG device): probability of detection against false alarms
// per m², one line per way of deciding (or per stratum of mines), the chosen operating point
// marked when given.
// Why: an engineer picks a threshold by looking at where the curves bend and how far fusion
// moves them left of either sensor alone; a table of thresholds hides that.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "deminer/sim/eval/roc.hpp"

namespace deminer::tools {

struct RocLine {
  std::string label;
  const sim::eval::RocCurve* curve = nullptr;
};

struct RocMark {
  double far_per_m2 = 0.0;
  double pd = 0.0;
  std::string label;
};

// Up to 10 lines get their own colour, further ones a dashed style. Throws Error when the file
// cannot be written.
void write_roc_png(const std::vector<RocLine>& lines, const std::optional<RocMark>& mark,
                   const std::string& title, const std::filesystem::path& path);

}  // namespace deminer::tools
