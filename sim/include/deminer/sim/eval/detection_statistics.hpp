// Detection-quality statistics: exact confidence intervals for Pd and false alarms per m², and
// the association of a detector's alarms with the ground truth of a labelled scene.
//
// Why: a detector is judged by its probability of detection (Pd) and its false-alarm rate (FAR,
// alarms per m²); on a test lane with a few dozen mines a point estimate alone says little (20 of
// 20 detected is compatible with Pd = 0.86 at 95 %), so every figure comes with an exact interval:
//  - Pd (and clutter rejection): Clopper–Pearson, the binomial interval built from the beta
//    distribution; never narrower than its confidence level claims, even for k = 0 or k = n.
//    Two-sided [L, U] at confidence c (α = 1 − c):
//      L = B⁻¹(α/2; k, n − k + 1) (0 when k = 0),  U = B⁻¹(1 − α/2; k + 1, n − k) (1 when k = n),
//    one-sided lower bound B⁻¹(α; k, n − k + 1), e.g. 100 of 100 → 0.05^(1/100) = 0.97049.
//    This one-sided bound is the figure a clearance requirement ("Pd ≥ 0.99 with 95 %
//    confidence") is checked against.
//  - FAR: Garwood's exact Poisson interval for a count k over an exposure A (m² scanned):
//      [χ²(α/2; 2k)/(2A), χ²(1 − α/2; 2k + 2)/(2A)] (lower 0 when k = 0); one-sided upper bound
//      χ²(1 − α; 2k + 2)/(2A).
//    Computed with Boost.Math's incomplete beta and gamma inverses (χ²(p; 2k)/2 = P⁻¹(k, p)).
//
// Association (the matching rule, which decides what counts as a detection):
//  - Every truth object is a mine or a clutter object (metal scrap, rocks, roots ...); an alarm
//    may only be associated with an object within `radius_m` (horizontal distance, x–y).
//  - Greedy by distance, one alarm per object: all (alarm, object) pairs within the radius are
//    taken in order of increasing distance (ties: lower alarm index, then lower object index);
//    a pair is accepted when neither its alarm nor its object is taken yet. So each alarm goes
//    to the nearest object that no nearer alarm claimed, independent of input order. Note that
//    an alarm between a mine and a clutter object goes to the nearer one, whichever it is: the
//    mine is not favoured (that would flatter Pd).
//  - An alarm left over with an object within the radius (necessarily a claimed one) is a
//    duplicate of the nearest such object: a second alarm on something already alarmed. It is
//    neither a detection nor a false alarm; duplicates are counted separately (on mines, on
//    clutter), because a detector that rings twice per object costs the deminer time without
//    changing Pd or FAR.
//  - An alarm with no object within the radius is a background false alarm.
//  - False alarms = alarms that claimed a clutter object + background alarms: as in the field's
//    definition (CWA 14747), an alarm on scrap is a false alarm — the deminer must still
//    excavate it. FAR = false alarms / scanned area.
//  - Pd = mines claimed / mines; clutter rejection = 1 − clutter objects claimed / clutter
//    objects (the share of clutter that raised no alarm).
//  The matching is monotone: adding alarms (lowering a threshold) never un-claims an object, so
//  Pd, false alarms and clutter alarmed never decrease as the threshold falls.
//
// Units: metres, m², probabilities in [0, 1], rates in 1/m². Workstation code: allocates and
// throws std::invalid_argument (naming the argument, its value and the valid range) on bad
// input.
#pragma once

#include <cstddef>
#include <limits>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace deminer::sim::eval {

inline constexpr double default_confidence = 0.95;

struct Interval {
  double lower = 0.0;
  double upper = 0.0;
};

// ---- Intervals -------------------------------------------------------------------------------

// Clopper–Pearson two-sided interval for k successes in n trials at `confidence` in (0, 1).
// n = 0 gives [0, 1] (no information). Throws when k > n or confidence is outside (0, 1).
[[nodiscard]] Interval clopper_pearson_interval(std::size_t successes, std::size_t trials,
                                                double confidence = default_confidence);
// One-sided lower bound: P(p ≥ bound) at `confidence`; 0 when k = 0.
[[nodiscard]] double clopper_pearson_lower_bound(std::size_t successes, std::size_t trials,
                                                 double confidence = default_confidence);

// Garwood exact interval for the rate of a Poisson count over `exposure` (> 0, finite; e.g. m²),
// in counts per unit exposure.
[[nodiscard]] Interval poisson_rate_interval(std::size_t count, double exposure,
                                             double confidence = default_confidence);
// One-sided upper bound of the rate at `confidence` (e.g. "FAR ≤ 0.31 /m² with 95 %").
[[nodiscard]] double poisson_rate_upper_bound(std::size_t count, double exposure,
                                              double confidence = default_confidence);

// k of n with its estimate (NaN when n = 0) and Clopper–Pearson bounds.
struct Proportion {
  std::size_t successes = 0;
  std::size_t trials = 0;
  double estimate = std::numeric_limits<double>::quiet_NaN();
  Interval interval;             // two-sided
  double one_sided_lower = 0.0;  // one-sided lower bound at the same confidence
};
[[nodiscard]] Proportion proportion(std::size_t successes, std::size_t trials,
                                    double confidence = default_confidence);

// A count over an exposure with its rate and Garwood bounds.
struct Rate {
  std::size_t count = 0;
  double exposure = 0.0;
  double estimate = 0.0;         // count / exposure
  Interval interval;             // two-sided
  double one_sided_upper = 0.0;  // one-sided upper bound at the same confidence
};
[[nodiscard]] Rate rate(std::size_t count, double exposure, double confidence = default_confidence);

// ---- Alarms and truth ------------------------------------------------------------------------

struct Alarm {
  double x_m = 0.0;
  double y_m = 0.0;
  double score = 0.0;       // higher = more mine-like; thresholds keep score ≥ threshold
  std::string class_label;  // the detector's class ("mine", "metal clutter" ...), "" if none
};

enum class TruthKind { mine, clutter };

struct TruthObject {
  double x_m = 0.0;
  double y_m = 0.0;
  TruthKind kind = TruthKind::mine;
  std::string subtype;  // e.g. "PMA-2", "fragment", "rock"
  // Stratum labels, e.g. {"mine_type": "AP plastic", "depth_band": "5-10 cm", "soil": "severe"}.
  std::map<std::string, std::string, std::less<>> strata;
};

// Selects mines whose strata contain every (key, value) of the selector; empty = all mines.
using StratumSelector = std::map<std::string, std::string, std::less<>>;

struct EvaluationConfig {
  double radius_m = 0.0;                   // association radius, (0, 1e3], must be set
  double area_m2 = 0.0;                    // scanned area, (0, 1e12], must be set
  double confidence = default_confidence;  // (0, 1)
  StratumSelector mine_stratum;            // Pd over these mines only; FAR over the whole area
};

// Throws std::invalid_argument naming the field, its value and the valid range.
void validate(const EvaluationConfig& config);

// ---- Association -----------------------------------------------------------------------------

enum class AlarmOutcome {
  mine,        // claimed a mine: a detection
  clutter,     // claimed a clutter object: a false alarm
  duplicate,   // within the radius of an object another alarm claimed: reported separately
  background,  // no object within the radius: a false alarm
};
[[nodiscard]] std::string_view alarm_outcome_name(AlarmOutcome outcome) noexcept;

inline constexpr std::size_t no_object = std::numeric_limits<std::size_t>::max();

struct AlarmMatch {
  AlarmOutcome outcome = AlarmOutcome::background;
  std::size_t object = no_object;  // truth index (claimed, or duplicated) or no_object
  double distance_m = std::numeric_limits<double>::quiet_NaN();
};

struct Association {
  std::vector<AlarmMatch> alarms;       // one per input alarm, same order
  std::vector<std::size_t> claimed_by;  // per truth object: the alarm that claimed it, or no_object
};

// Throws std::invalid_argument on a radius outside (0, 1e3] or a non-finite coordinate/score.
[[nodiscard]] Association associate(std::span<const Alarm> alarms,
                                    std::span<const TruthObject> truth, double radius_m);

struct DetectionCounts {
  std::size_t alarms = 0;
  std::size_t mines = 0;            // in the selected stratum
  std::size_t mines_detected = 0;   // of those, claimed by an alarm
  std::size_t clutter_objects = 0;  // all clutter (not stratified)
  std::size_t clutter_alarmed = 0;  // clutter objects claimed by an alarm
  std::size_t background_alarms = 0;
  std::size_t false_alarms = 0;  // clutter_alarmed + background_alarms
  std::size_t duplicates_on_mines = 0;
  std::size_t duplicates_on_clutter = 0;
};

struct DetectionStatistics {
  DetectionCounts counts;
  Proportion pd;                 // mines_detected of mines
  Rate far_per_m2;               // false_alarms over area_m2
  Proportion clutter_rejection;  // (clutter_objects − clutter_alarmed) of clutter_objects
};

// Counts from an association; mines are those the selector picks.
[[nodiscard]] DetectionCounts count(const Association& association,
                                    std::span<const TruthObject> truth,
                                    const StratumSelector& mine_stratum);
[[nodiscard]] DetectionStatistics statistics(const DetectionCounts& counts, double area_m2,
                                             double confidence);

// Associates every alarm (no threshold) and computes the statistics. Throws
// std::invalid_argument on a bad config or input, or when a non-empty stratum selects no mine.
[[nodiscard]] DetectionStatistics evaluate(std::span<const Alarm> alarms,
                                           std::span<const TruthObject> truth,
                                           const EvaluationConfig& config);

}  // namespace deminer::sim::eval
