// Detection-quality statistics of sim/eval: the Clopper–Pearson and Garwood intervals against
// tests/reference/make_detection_statistics_reference.py (scipy, cross-checked there by bisection
// on the exact binomial and Poisson tails) and against closed forms (k = n, k = 0); the
// association on hand-built scenes whose answer follows from the matching rule; the ROC on a scene
// worked by hand, its monotonicity on a random scene, and the operating-point rules.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "deminer/dsp/core/error.hpp"
#include "deminer/sim/eval/detection_statistics.hpp"
#include "deminer/sim/eval/roc.hpp"

using namespace deminer::sim::eval;

namespace {

nlohmann::json reference() {
  std::ifstream in(std::string(DEMINER_TEST_REFERENCE_DIR) +
                   "/detection_statistics_reference.json");
  EXPECT_TRUE(in.good()) << "detection_statistics_reference.json missing";
  return nlohmann::json::parse(in);
}

void expect_relative(double actual, double expected, double tolerance, const std::string& what) {
  EXPECT_NEAR(actual, expected, tolerance * std::abs(expected)) << what;
}

TruthObject mine(double x, double y, std::string depth_band = "0-5 cm") {
  return {x, y, TruthKind::mine, "PMA-2", {{"depth_band", std::move(depth_band)}}};
}

TruthObject clutter(double x, double y) { return {x, y, TruthKind::clutter, "fragment", {}}; }

Alarm alarm(double x, double y, double score = 1.0) { return {x, y, score, ""}; }

// The message of the std::invalid_argument `f` throws ("" when it does not throw).
template <typename F>
std::string invalid_argument_message(F f) {
  try {
    f();
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  ADD_FAILURE() << "no std::invalid_argument";
  return "";
}

}  // namespace

// ---- Intervals -------------------------------------------------------------------------------

TEST(DetectionStatistics, ClopperPearsonMatchesScipy) {
  const auto cases = reference()["clopper_pearson"];
  ASSERT_GT(cases.size(), 100U);
  for (const auto& c : cases) {
    const auto k = c["k"].get<std::size_t>();
    const auto n = c["n"].get<std::size_t>();
    const double confidence = c["confidence"].get<double>();
    const std::string what =
        std::to_string(k) + " of " + std::to_string(n) + " at " + std::to_string(confidence);
    const Interval interval = clopper_pearson_interval(k, n, confidence);
    expect_relative(interval.lower, c["lower"].get<double>(), 1e-9, what + " lower");
    expect_relative(interval.upper, c["upper"].get<double>(), 1e-9, what + " upper");
    expect_relative(clopper_pearson_lower_bound(k, n, confidence),
                    c["one_sided_lower"].get<double>(), 1e-9, what + " one-sided");
  }
}

TEST(DetectionStatistics, GarwoodMatchesScipy) {
  const auto cases = reference()["garwood"];
  ASSERT_GT(cases.size(), 50U);
  for (const auto& c : cases) {
    const auto k = c["count"].get<std::size_t>();
    const double exposure = c["exposure"].get<double>();
    const double confidence = c["confidence"].get<double>();
    const std::string what = std::to_string(k) + " over " + std::to_string(exposure) + " at " +
                             std::to_string(confidence);
    const Interval interval = poisson_rate_interval(k, exposure, confidence);
    expect_relative(interval.lower, c["lower"].get<double>(), 1e-9, what + " lower");
    expect_relative(interval.upper, c["upper"].get<double>(), 1e-9, what + " upper");
    expect_relative(poisson_rate_upper_bound(k, exposure, confidence),
                    c["one_sided_upper"].get<double>(), 1e-9, what + " one-sided");
  }
}

// The case: 100 of 100 detected; P(X = 100 | p) = p^100 = 0.05 at the bound.
TEST(DetectionStatistics, AllDetectedLowerBoundIsAlphaToTheOneOverN) {
  EXPECT_NEAR(clopper_pearson_lower_bound(100, 100, 0.95), std::pow(0.05, 1.0 / 100.0), 1e-14);
  EXPECT_NEAR(clopper_pearson_lower_bound(100, 100, 0.95), 0.97049, 5e-6);
  // Two-sided: k = n gives upper 1 and lower (α/2)^(1/n); k = 0 mirrors it.
  const Interval all = clopper_pearson_interval(20, 20, 0.95);
  EXPECT_EQ(all.upper, 1.0);
  EXPECT_NEAR(all.lower, std::pow(0.025, 1.0 / 20.0), 1e-14);
  const Interval none = clopper_pearson_interval(0, 20, 0.95);
  EXPECT_EQ(none.lower, 0.0);
  EXPECT_NEAR(none.upper, 1.0 - std::pow(0.025, 1.0 / 20.0), 1e-14);
  EXPECT_EQ(clopper_pearson_lower_bound(0, 20, 0.95), 0.0);
  // Poisson, zero count: P(Y = 0 | μ) = e^−μ = α/2 at the upper bound.
  const Interval zero = poisson_rate_interval(0, 4.0, 0.95);
  EXPECT_EQ(zero.lower, 0.0);
  EXPECT_NEAR(zero.upper, -std::log(0.025) / 4.0, 1e-14);
  EXPECT_NEAR(poisson_rate_upper_bound(0, 4.0, 0.95), -std::log(0.05) / 4.0, 1e-14);
}

TEST(DetectionStatistics, NoTrialsGiveNoInformation) {
  const Proportion p = proportion(0, 0, 0.95);
  EXPECT_TRUE(std::isnan(p.estimate));
  EXPECT_EQ(p.interval.lower, 0.0);
  EXPECT_EQ(p.interval.upper, 1.0);
  EXPECT_EQ(p.one_sided_lower, 0.0);
  const Rate r = rate(3, 2.0, 0.9);
  EXPECT_EQ(r.estimate, 1.5);
  EXPECT_EQ(r.interval.lower, poisson_rate_interval(3, 2.0, 0.9).lower);
  EXPECT_EQ(r.one_sided_upper, poisson_rate_upper_bound(3, 2.0, 0.9));
}

TEST(DetectionStatistics, BadIntervalArgumentsThrow) {
  EXPECT_NE(invalid_argument_message([] {
              (void)clopper_pearson_interval(5, 4);
            }).find("successes = 5 exceeds trials = 4"),
            std::string::npos);
  EXPECT_NE(invalid_argument_message([] {
              (void)clopper_pearson_interval(1, 4, 1.0);
            }).find("confidence = 1 is out of range (0, 1)"),
            std::string::npos);
  EXPECT_NE(invalid_argument_message([] {
              (void)poisson_rate_interval(1, 0.0);
            }).find("exposure = 0 is out of range"),
            std::string::npos);
  EXPECT_THROW((void)poisson_rate_upper_bound(1, std::nan(""), 0.95), std::invalid_argument);
  EXPECT_THROW((void)clopper_pearson_lower_bound(1, 4, std::nan("")), std::invalid_argument);
}

// ---- Association -----------------------------------------------------------------------------

// Coordinates are multiples of 1/16 m so every distance below is exact in binary.
TEST(DetectionStatistics, NearestObjectWithinRadius) {
  const std::vector<TruthObject> truth = {mine(0, 0), mine(1, 0), clutter(0.5, 0.5)};
  const std::vector<Alarm> alarms = {alarm(0.0625, 0), alarm(1.0, 0.125), alarm(0.5, 0.4375),
                                     alarm(3, 3)};
  const Association a = associate(alarms, truth, 0.25);
  EXPECT_EQ(a.alarms[0].outcome, AlarmOutcome::mine);
  EXPECT_EQ(a.alarms[0].object, 0U);
  EXPECT_EQ(a.alarms[0].distance_m, 0.0625);
  EXPECT_EQ(a.alarms[1].outcome, AlarmOutcome::mine);
  EXPECT_EQ(a.alarms[1].object, 1U);
  EXPECT_EQ(a.alarms[2].outcome, AlarmOutcome::clutter);
  EXPECT_EQ(a.alarms[2].object, 2U);
  EXPECT_EQ(a.alarms[3].outcome, AlarmOutcome::background);
  EXPECT_EQ(a.alarms[3].object, no_object);
  EXPECT_EQ(a.claimed_by, (std::vector<std::size_t>{0, 1, 2}));

  const DetectionStatistics s = evaluate(alarms, truth, {0.25, 8.0, 0.95, {}});
  EXPECT_EQ(s.counts.alarms, 4U);
  EXPECT_EQ(s.counts.mines, 2U);
  EXPECT_EQ(s.counts.mines_detected, 2U);
  EXPECT_EQ(s.counts.clutter_objects, 1U);
  EXPECT_EQ(s.counts.clutter_alarmed, 1U);
  EXPECT_EQ(s.counts.background_alarms, 1U);
  EXPECT_EQ(s.counts.false_alarms, 2U);  // the alarm on clutter counts, as in the field
  EXPECT_EQ(s.pd.estimate, 1.0);
  EXPECT_EQ(s.pd.interval.lower, clopper_pearson_interval(2, 2).lower);
  EXPECT_EQ(s.far_per_m2.estimate, 0.25);
  EXPECT_EQ(s.far_per_m2.interval.upper, poisson_rate_interval(2, 8.0).upper);
  EXPECT_EQ(s.clutter_rejection.estimate, 0.0);
}

TEST(DetectionStatistics, RadiusEdgeIsInside) {
  const std::vector<TruthObject> truth = {mine(0, 0)};
  const std::vector<Alarm> on_edge = {alarm(0.25, 0)};
  EXPECT_EQ(associate(on_edge, truth, 0.25).alarms[0].outcome, AlarmOutcome::mine);
  const std::vector<Alarm> outside = {alarm(std::nextafter(0.25, 1.0), 0)};
  EXPECT_EQ(associate(outside, truth, 0.25).alarms[0].outcome, AlarmOutcome::background);
  // Diagonal: (0.15, 0.2) is 0.25 from the origin up to rounding; 0.2 and 0.15 are not exact,
  // so only test clearly inside and clearly outside.
  const std::vector<Alarm> diagonal = {alarm(0.15, 0.2)};
  EXPECT_EQ(associate(diagonal, truth, 0.2501).alarms[0].outcome, AlarmOutcome::mine);
  EXPECT_EQ(associate(diagonal, truth, 0.2499).alarms[0].outcome, AlarmOutcome::background);
}

TEST(DetectionStatistics, ExtraAlarmsOnAnObjectAreDuplicatesNotFalseAlarms) {
  const std::vector<TruthObject> truth = {mine(0, 0), clutter(2, 0)};
  const std::vector<Alarm> alarms = {alarm(0.125, 0), alarm(0.0625, 0), alarm(0, 0.1875),
                                     alarm(2.0625, 0), alarm(2, 0.125)};
  const Association a = associate(alarms, truth, 0.25);
  EXPECT_EQ(a.alarms[1].outcome, AlarmOutcome::mine);  // the nearest of the three
  EXPECT_EQ(a.alarms[0].outcome, AlarmOutcome::duplicate);
  EXPECT_EQ(a.alarms[0].object, 0U);
  EXPECT_EQ(a.alarms[2].outcome, AlarmOutcome::duplicate);
  EXPECT_EQ(a.alarms[3].outcome, AlarmOutcome::clutter);
  EXPECT_EQ(a.alarms[4].outcome, AlarmOutcome::duplicate);
  EXPECT_EQ(a.alarms[4].object, 1U);
  const DetectionCounts c = count(a, truth, {});
  EXPECT_EQ(c.mines_detected, 1U);
  EXPECT_EQ(c.duplicates_on_mines, 2U);
  EXPECT_EQ(c.duplicates_on_clutter, 1U);
  EXPECT_EQ(c.false_alarms, 1U);  // one clutter object alarmed, no background alarm
  EXPECT_EQ(c.alarms, 5U);
}

// An alarm between a mine and a clutter object goes to the nearer one, even when that loses the
// mine; an exact tie goes to the lower object index.
TEST(DetectionStatistics, AlarmBetweenTwoObjectsGoesToTheNearer) {
  const std::vector<TruthObject> truth = {mine(0, 0), clutter(0.375, 0)};
  const std::vector<Alarm> nearer_clutter = {alarm(0.25, 0)};  // mine 0.25, clutter 0.125
  const DetectionStatistics s = evaluate(nearer_clutter, truth, {0.25, 1.0, 0.95, {}});
  EXPECT_EQ(s.counts.mines_detected, 0U);
  EXPECT_EQ(s.counts.clutter_alarmed, 1U);
  EXPECT_EQ(s.counts.false_alarms, 1U);
  const std::vector<Alarm> midway = {alarm(0.1875, 0)};
  EXPECT_EQ(associate(midway, truth, 0.25).alarms[0].object, 0U);

  // Greedy over all pairs, not alarm by alarm: alarm 1 (0.0625 from the mine) wins the mine
  // over alarm 0 (0.125), which then takes the clutter at exactly the radius (0.25); in either
  // input order.
  std::vector<Alarm> two = {alarm(0.125, 0), alarm(0.0625, 0)};
  Association a = associate(two, truth, 0.25);
  EXPECT_EQ(a.alarms[1].outcome, AlarmOutcome::mine);
  EXPECT_EQ(a.alarms[0].outcome, AlarmOutcome::clutter);
  EXPECT_EQ(a.alarms[0].distance_m, 0.25);
  std::swap(two[0], two[1]);
  a = associate(two, truth, 0.25);
  EXPECT_EQ(a.alarms[0].outcome, AlarmOutcome::mine);
  EXPECT_EQ(a.alarms[1].outcome, AlarmOutcome::clutter);
}

TEST(DetectionStatistics, PdPerStratumFarOverEverything) {
  const std::vector<TruthObject> truth = {mine(0, 0, "0-5 cm"), mine(1, 0, "0-5 cm"),
                                          mine(2, 0, "10-20 cm"), clutter(3, 0)};
  const std::vector<Alarm> alarms = {alarm(0, 0), alarm(2, 0), alarm(3, 0), alarm(5, 0)};
  EvaluationConfig config{0.25, 4.0, 0.95, {{"depth_band", "0-5 cm"}}};
  DetectionStatistics s = evaluate(alarms, truth, config);
  EXPECT_EQ(s.counts.mines, 2U);
  EXPECT_EQ(s.counts.mines_detected, 1U);
  EXPECT_EQ(s.counts.false_alarms, 2U);
  EXPECT_EQ(s.far_per_m2.estimate, 0.5);
  config.mine_stratum = {{"depth_band", "10-20 cm"}};
  s = evaluate(alarms, truth, config);
  EXPECT_EQ(s.counts.mines, 1U);
  EXPECT_EQ(s.counts.mines_detected, 1U);
  EXPECT_EQ(s.counts.false_alarms, 2U);
  config.mine_stratum = {{"depth_band", "5-10cm"}};
  const std::string message =
      invalid_argument_message([&] { (void)evaluate(alarms, truth, config); });
  EXPECT_NE(message.find("selects no mine"), std::string::npos) << message;
  EXPECT_NE(message.find("'0-5 cm' '10-20 cm'"), std::string::npos) << message;
}

TEST(DetectionStatistics, BadInputThrowsWithAClearMessage) {
  const std::vector<TruthObject> truth = {mine(0, 0)};
  std::vector<Alarm> alarms = {alarm(0, 0), alarm(1, 0)};
  EXPECT_NE(invalid_argument_message([&] {
              (void)associate(alarms, truth, -0.1);
            }).find("radius_m = -0.1 is out of range (0, 1000]"),
            std::string::npos);
  EXPECT_NE(invalid_argument_message([&] {
              (void)evaluate(alarms, truth, {0.1, 0.0, 0.95, {}});
            }).find("area_m2 = 0 is out of range"),
            std::string::npos);
  EXPECT_NE(invalid_argument_message([&] {
              (void)roc_curve(alarms, truth, {0.0, 1.0, 0.95, {}});
            }).find("radius_m = 0"),
            std::string::npos);
  alarms[1].score = std::numeric_limits<double>::quiet_NaN();
  const std::string message = invalid_argument_message([&] {
    (void)roc_curve(alarms, truth, {0.1, 1.0, 0.95, {}});
  });
  EXPECT_NE(message.find("alarms[1].score = nan: must be a finite number"), std::string::npos)
      << message;
  std::vector<TruthObject> bad_truth = truth;
  bad_truth[0].y_m = std::numeric_limits<double>::infinity();
  EXPECT_NE(invalid_argument_message([&] {
              (void)associate({}, bad_truth, 0.1);
            }).find("truth[0].y_m = inf"),
            std::string::npos);
  EXPECT_THROW((void)roc_curve({}, truth, {0.1, 1.0, 0.95, {}}), std::invalid_argument);
  const std::vector<TruthObject> only_clutter = {clutter(0, 0)};
  EXPECT_THROW((void)roc_curve(std::vector<Alarm>{alarm(0, 0)}, only_clutter, {0.1, 1.0, 0.95, {}}),
               std::invalid_argument);
}

// ---- ROC -------------------------------------------------------------------------------------

namespace {

// Three mines and two clutter objects 2 m apart on a 10 m² strip; alarms in falling score:
// mine 0, clutter 3, mine 1, background, duplicate on mine 0, clutter 4, mine 2.
const std::vector<TruthObject> hand_truth = {mine(0, 0), mine(2, 0), mine(4, 0), clutter(6, 0),
                                             clutter(8, 0)};
const std::vector<Alarm> hand_alarms = {alarm(0, 0, 0.9),  alarm(6, 0, 0.8),      alarm(2, 0, 0.7),
                                        alarm(10, 0, 0.6), alarm(0.0625, 0, 0.5), alarm(8, 0, 0.4),
                                        alarm(4, 0, 0.3)};
const EvaluationConfig hand_config{0.25, 10.0, 0.95, {}};

}  // namespace

TEST(DetectionStatistics, RocWorkedByHand) {
  // Alarms given out of order: the sweep sorts the scores.
  std::vector<Alarm> shuffled = hand_alarms;
  std::reverse(shuffled.begin(), shuffled.end());
  const RocCurve curve = roc_curve(shuffled, hand_truth, hand_config);
  struct Expected {
    double threshold;
    std::size_t detected, false_alarms, clutter_alarmed, duplicates;
  };
  const std::vector<Expected> expected = {{0.9, 1, 0, 0, 0}, {0.8, 1, 1, 1, 0}, {0.7, 2, 1, 1, 0},
                                          {0.6, 2, 2, 1, 0}, {0.5, 2, 2, 1, 1}, {0.4, 2, 3, 2, 1},
                                          {0.3, 3, 3, 2, 1}};
  ASSERT_EQ(curve.points.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const RocPoint& p = curve.points[i];
    const DetectionCounts& c = p.statistics.counts;
    EXPECT_EQ(p.threshold, expected[i].threshold);
    EXPECT_EQ(c.alarms, i + 1);
    EXPECT_EQ(c.mines, 3U);
    EXPECT_EQ(c.mines_detected, expected[i].detected) << i;
    EXPECT_EQ(c.false_alarms, expected[i].false_alarms) << i;
    EXPECT_EQ(c.clutter_alarmed, expected[i].clutter_alarmed) << i;
    EXPECT_EQ(c.duplicates_on_mines, expected[i].duplicates) << i;
    EXPECT_DOUBLE_EQ(p.statistics.pd.estimate, static_cast<double>(expected[i].detected) / 3.0);
    EXPECT_DOUBLE_EQ(p.statistics.far_per_m2.estimate,
                     static_cast<double>(expected[i].false_alarms) / 10.0);
    EXPECT_DOUBLE_EQ(p.statistics.clutter_rejection.estimate,
                     static_cast<double>(2 - expected[i].clutter_alarmed) / 2.0);
  }
  EXPECT_EQ(curve.points.back().statistics.pd.one_sided_lower, clopper_pearson_lower_bound(3, 3));
}

// With both alarms, the nearer low-score alarm takes the mine and the high-score one falls to the
// clutter; above the low score, the high-score alarm alone detects the mine.
TEST(DetectionStatistics, RocReassociatesAtEveryThreshold) {
  const std::vector<TruthObject> truth = {mine(0, 0), clutter(0.375, 0)};
  const std::vector<Alarm> alarms = {alarm(0.125, 0, 2.0), alarm(0.0625, 0, 1.0)};
  const RocCurve curve = roc_curve(alarms, truth, {0.25, 1.0, 0.95, {}});
  ASSERT_EQ(curve.points.size(), 2U);
  EXPECT_EQ(curve.points[0].statistics.counts.mines_detected, 1U);
  EXPECT_EQ(curve.points[0].statistics.counts.false_alarms, 0U);
  EXPECT_EQ(curve.points[1].statistics.counts.mines_detected, 1U);
  EXPECT_EQ(curve.points[1].statistics.counts.false_alarms, 1U);
}

// A random scene: along the sweep Pd, false alarms and clutter alarmed never decrease, every point
// equals evaluate() on the alarms kept, and every alarm has exactly one outcome.
TEST(DetectionStatistics, RocIsMonotoneAndMatchesEvaluateAtEveryThreshold) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> position(0.0, 10.0);
  std::uniform_real_distribution<double> jitter(-0.2, 0.2);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<TruthObject> truth;
  for (int i = 0; i < 30; ++i) truth.push_back(mine(position(rng), position(rng)));
  for (int i = 0; i < 200; ++i) truth.push_back(clutter(position(rng), position(rng)));
  std::vector<Alarm> alarms;
  for (const TruthObject& object : truth) {  // detector alarms near objects, mines score higher
    const int copies = unit(rng) < 0.2 ? 2 : (unit(rng) < 0.8 ? 1 : 0);
    for (int c = 0; c < copies; ++c) {
      const double bias = object.kind == TruthKind::mine ? 0.4 : 0.0;
      alarms.push_back(alarm(object.x_m + jitter(rng), object.y_m + jitter(rng), unit(rng) + bias));
    }
  }
  for (int i = 0; i < 100; ++i) alarms.push_back(alarm(position(rng), position(rng), unit(rng)));
  const EvaluationConfig config{0.3, 100.0, 0.95, {}};
  const RocCurve curve = roc_curve(alarms, truth, config);
  ASSERT_GT(curve.points.size(), 200U);
  for (std::size_t i = 0; i < curve.points.size(); ++i) {
    const RocPoint& p = curve.points[i];
    const DetectionCounts& c = p.statistics.counts;
    EXPECT_EQ(c.alarms, c.mines_detected + c.clutter_alarmed + c.background_alarms +
                            c.duplicates_on_mines + c.duplicates_on_clutter);
    if (i > 0) {
      const RocPoint& q = curve.points[i - 1];
      EXPECT_LT(p.threshold, q.threshold);
      EXPECT_GE(c.mines_detected, q.statistics.counts.mines_detected) << i;
      EXPECT_GE(c.false_alarms, q.statistics.counts.false_alarms) << i;
      EXPECT_GE(c.clutter_alarmed, q.statistics.counts.clutter_alarmed) << i;
      EXPECT_GE(p.statistics.pd.one_sided_lower, q.statistics.pd.one_sided_lower) << i;
      EXPECT_GE(p.statistics.far_per_m2.interval.upper, q.statistics.far_per_m2.interval.upper);
    }
    if (i % 25 == 0) {
      std::vector<Alarm> kept;
      std::copy_if(alarms.begin(), alarms.end(), std::back_inserter(kept),
                   [&](const Alarm& a) { return a.score >= p.threshold; });
      std::shuffle(kept.begin(), kept.end(), rng);
      const DetectionCounts direct = evaluate(kept, truth, config).counts;
      EXPECT_EQ(direct.mines_detected, c.mines_detected) << i;
      EXPECT_EQ(direct.false_alarms, c.false_alarms) << i;
      EXPECT_EQ(direct.duplicates_on_mines, c.duplicates_on_mines) << i;
      EXPECT_EQ(direct.duplicates_on_clutter, c.duplicates_on_clutter) << i;
    }
  }
  // Per stratum: the same false alarms at every threshold, Pd over the stratum's mines.
  EvaluationConfig shallow = config;
  shallow.mine_stratum = {{"depth_band", "0-5 cm"}};
  const RocCurve stratum = roc_curve(alarms, truth, shallow);
  ASSERT_EQ(stratum.points.size(), curve.points.size());
  EXPECT_EQ(stratum.points.back().statistics.counts.false_alarms,
            curve.points.back().statistics.counts.false_alarms);
}

// ---- Operating points ------------------------------------------------------------------------

TEST(DetectionStatistics, OperatingPointForTargetPd) {
  const RocCurve curve = roc_curve(hand_alarms, hand_truth, hand_config);
  // One-sided 95 % lower bounds: 1 of 3 → 1 − 0.95^(1/3) = 0.0170; 2 of 3 → the root of
  // P(X ≥ 2) = 3p² − 2p³ = 0.05, 0.1353; 3 of 3 → 0.05^(1/3) = 0.368.
  const double two_of_three = clopper_pearson_lower_bound(2, 3);
  EXPECT_NEAR(3 * two_of_three * two_of_three - 2 * std::pow(two_of_three, 3), 0.05, 1e-12);
  EXPECT_NEAR(clopper_pearson_lower_bound(1, 3), 1.0 - std::pow(0.95, 1.0 / 3.0), 1e-14);

  OperatingPoint op = select_for_target_pd(curve, 0.01);  // every point: the lowest FAR, 0
  EXPECT_TRUE(op.meets_requirement);
  EXPECT_EQ(op.point.threshold, 0.9);
  op = select_for_target_pd(curve, 0.1);  // 2 of 3 needed: lowest FAR 0.1 at 0.7
  EXPECT_TRUE(op.meets_requirement);
  EXPECT_EQ(op.index, 2U);
  EXPECT_EQ(op.point.threshold, 0.7);
  EXPECT_NE(op.summary.find("met"), std::string::npos);
  op = select_for_target_pd(curve, 0.3);  // only 3 of 3
  EXPECT_TRUE(op.meets_requirement);
  EXPECT_EQ(op.point.threshold, 0.3);
  op = select_for_target_pd(curve, 0.99);  // three mines can never show Pd ≥ 0.99
  EXPECT_FALSE(op.meets_requirement);
  EXPECT_EQ(op.point.threshold, 0.3);  // the highest lower bound
  EXPECT_NE(op.summary.find("NOT met"), std::string::npos) << op.summary;
  EXPECT_THROW((void)select_for_target_pd(curve, 0.0), std::invalid_argument);
}

TEST(DetectionStatistics, OperatingPointForMaxFar) {
  const RocCurve curve = roc_curve(hand_alarms, hand_truth, hand_config);
  OperatingPoint op = select_for_max_far(curve, 0.15);  // FAR ≤ 0.15: thresholds 0.9, 0.8, 0.7
  EXPECT_TRUE(op.meets_requirement);
  EXPECT_EQ(op.point.threshold, 0.7);
  EXPECT_EQ(op.point.statistics.counts.mines_detected, 2U);
  op = select_for_max_far(curve, 0.0);
  EXPECT_TRUE(op.meets_requirement);
  EXPECT_EQ(op.point.threshold, 0.9);
  op = select_for_max_far(curve, 0.3);  // everything: Pd 1 at 0.3
  EXPECT_EQ(op.point.threshold, 0.3);
  // 0.25 allows 2 false alarms: thresholds down to 0.5, the highest Pd 2/3 first met at 0.7
  // (FAR 0.1) — the tie on Pd goes to the lower FAR.
  op = select_for_max_far(curve, 0.25);
  EXPECT_EQ(op.point.threshold, 0.7);

  // The top-scoring alarm is a false alarm: no threshold meets 0.5 /m²; the best is the lowest
  // FAR (1 /m² at both points), the tie going to the higher Pd.
  const std::vector<TruthObject> truth = {mine(0, 0)};
  const std::vector<Alarm> alarms = {alarm(5, 5, 1.0), alarm(0, 0, 0.5)};
  const RocCurve bad = roc_curve(alarms, truth, {0.25, 1.0, 0.95, {}});
  op = select_for_max_far(bad, 0.5);
  EXPECT_FALSE(op.meets_requirement);
  EXPECT_EQ(op.point.threshold, 0.5);
  EXPECT_NE(op.summary.find("NOT met"), std::string::npos) << op.summary;
  EXPECT_THROW((void)select_for_max_far(bad, -1.0), std::invalid_argument);
}

TEST(DetectionStatistics, RocCsvHasAHeaderAndOneExactRowPerThreshold) {
  const RocCurve curve = roc_curve(hand_alarms, hand_truth, hand_config);
  std::ostringstream out;
  write_roc_csv(out, curve);
  std::istringstream in(out.str());
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line.rfind("threshold,alarms,mines,mines_detected,pd,pd_lower,pd_upper,", 0), 0U);
  const auto columns = static_cast<std::size_t>(std::count(line.begin(), line.end(), ',')) + 1;
  EXPECT_EQ(columns, 21U);
  std::size_t rows = 0;
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    std::stringstream row(line);
    std::string field;
    while (std::getline(row, field, ',')) fields.push_back(field);
    ASSERT_EQ(fields.size(), columns) << line;
    const RocPoint& p = curve.points[rows];
    EXPECT_EQ(std::stod(fields[0]), p.threshold);
    EXPECT_EQ(std::stoul(fields[3]), p.statistics.counts.mines_detected);
    EXPECT_EQ(std::stod(fields[5]), p.statistics.pd.interval.lower);  // round trip, exact
    EXPECT_EQ(std::stod(fields[12]), p.statistics.far_per_m2.interval.upper);
    ++rows;
  }
  EXPECT_EQ(rows, curve.points.size());

  const auto path = std::filesystem::temp_directory_path() / "deminer_test_roc.csv";
  write_roc_csv(path, curve);
  std::ifstream file(path);
  std::stringstream copy;
  copy << file.rdbuf();
  EXPECT_EQ(copy.str(), out.str());
  std::filesystem::remove(path);
  EXPECT_THROW(write_roc_csv(std::filesystem::path("/nonexistent/dir/roc.csv"), curve),
               deminer::IoError);
}
