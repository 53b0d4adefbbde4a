// The association's pieces shared by evaluate() and the ROC sweep (roc.cpp): the candidate pairs
// are found and sorted once, then matched again for every threshold.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "deminer/sim/eval/detection_statistics.hpp"

namespace deminer::sim::eval::detail {

// An (alarm, object) pair within the radius.
struct Candidate {
  double distance_m = 0.0;
  std::size_t alarm = 0;
  std::size_t object = 0;
};

// Throws std::invalid_argument naming the first non-finite coordinate or score.
void check_inputs(std::span<const Alarm> alarms, std::span<const TruthObject> truth);

// All pairs with distance ≤ radius_m, sorted by (distance, alarm, object).
[[nodiscard]] std::vector<Candidate> candidates(std::span<const Alarm> alarms,
                                                std::span<const TruthObject> truth,
                                                double radius_m);

// The greedy matching over the alarms with score ≥ threshold (the others keep the default
// background outcome and must be skipped by the caller, as count() does).
[[nodiscard]] Association match(std::span<const Candidate> sorted,
                                std::span<const TruthObject> truth, std::span<const Alarm> alarms,
                                double threshold);

[[nodiscard]] bool selected(const TruthObject& object, const StratumSelector& selector);

// Throws std::invalid_argument when no mine is selected, listing the values present.
void check_stratum(std::span<const TruthObject> truth, const StratumSelector& selector);

// Counts over the alarms with score ≥ threshold (every alarm when `alarms` is empty).
[[nodiscard]] DetectionCounts count(const Association& association,
                                    std::span<const TruthObject> truth,
                                    const StratumSelector& mine_stratum,
                                    std::span<const Alarm> alarms, double threshold);

}  // namespace deminer::sim::eval::detail
