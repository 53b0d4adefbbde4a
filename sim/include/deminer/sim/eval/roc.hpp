// ROC curves (Pd against false alarms per m²) over a detector's score threshold, the choice of an
// operating point on them, and their CSV form.
//
// Why: tuning a detector means choosing the threshold; an engineer states a requirement (a Pd to
// guarantee, or a FAR the deminers can bear) and needs the threshold that meets it on labelled
// lanes, with the uncertainty that a finite number of mines leaves.
// Sweep: one point per distinct alarm score t (descending), keeping the alarms with score ≥ t and
// associating them afresh with the truth (detection_statistics.hpp: greedy by distance within the
// radius, duplicates apart). Re-associating per threshold matters: at a high threshold a mine's
// only alarm may be the one that, with every alarm present, lost its mine to a nearer alarm.
// The association is monotone, so along the points Pd, FAR and clutter alarmed never decrease.
// Per stratum: Pd over the mines the selector picks; association, FAR and clutter rejection are
// over the whole scene (a false alarm does not belong to a stratum).
// Cost: O(T·P) for T distinct scores and P alarm–object pairs within the radius (after one sort).
// Units: as detection_statistics.hpp. Workstation code: allocates, throws std::invalid_argument.
#pragma once

#include <cstddef>
#include <filesystem>
#include <iosfwd>
#include <span>
#include <string>
#include <vector>

#include "deminer/sim/eval/detection_statistics.hpp"

namespace deminer::sim::eval {

struct RocPoint {
  double threshold = 0.0;  // alarms with score ≥ threshold are kept
  DetectionStatistics statistics;
};

struct RocCurve {
  EvaluationConfig config;       // radius, area, confidence and mine stratum it was made with
  std::vector<RocPoint> points;  // thresholds strictly descending
};

// Throws std::invalid_argument on a bad config or input, when there are no alarms, or when the
// scene (or a non-empty selector) has no mine.
[[nodiscard]] RocCurve roc_curve(std::span<const Alarm> alarms, std::span<const TruthObject> truth,
                                 const EvaluationConfig& config);

struct OperatingPoint {
  bool meets_requirement = false;
  std::size_t index =
      0;  // into RocCurve::points: the chosen point, or the best one when none meets
  RocPoint point;
  std::string summary;  // one line for a person: the requirement, the point, and whether it is met
};

// (a) The point with the lowest FAR whose one-sided Pd lower bound is ≥ target_pd (ties: higher
// Pd, then higher threshold). When none reaches it, meets_requirement = false and the point with
// the highest Pd lower bound (ties: lower FAR, then higher threshold), and the summary says so.
// target_pd in (0, 1].
[[nodiscard]] OperatingPoint select_for_target_pd(const RocCurve& curve, double target_pd);

// (b) The point with the highest Pd whose FAR estimate is ≤ max_far_per_m2 (ties: lower FAR, then
// higher threshold). When none does, meets_requirement = false and the point with the lowest FAR
// (ties: higher Pd, then higher threshold). max_far_per_m2 ≥ 0 and finite.
[[nodiscard]] OperatingPoint select_for_max_far(const RocCurve& curve, double max_far_per_m2);

// CSV, one header line then one row per point, comma separated, numbers in shortest round-trip
// form (std::to_chars, locale independent), NaN as "nan":
// threshold,alarms,mines,mines_detected,pd,pd_lower,pd_upper,pd_lower_one_sided,false_alarms,
// background_alarms,far_per_m2,far_lower,far_upper,far_upper_one_sided,clutter_objects,
// clutter_alarmed,clutter_rejection,clutter_rejection_lower,clutter_rejection_upper,
// duplicates_on_mines,duplicates_on_clutter
// The confidence level and area are not repeated per row: the caller records the config.
void write_roc_csv(std::ostream& out, const RocCurve& curve);
// Throws deminer::IoError naming the path when the file cannot be written.
void write_roc_csv(const std::filesystem::path& path, const RocCurve& curve);

}  // namespace deminer::sim::eval
