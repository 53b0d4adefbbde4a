#include "deminer/sim/eval/detection_statistics.hpp"

#include <algorithm>
#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <charconv>
#include <cmath>
#include <numeric>
#include <set>
#include <stdexcept>

#include "detection_statistics_detail.hpp"

namespace deminer::sim::eval {

namespace {

std::string format_number(double value) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

void check_confidence(double confidence, std::string_view where) {
  // NaN fails both comparisons and is rejected too.
  if (!(confidence > 0.0 && confidence < 1.0)) {
    throw std::invalid_argument(std::string(where) + ": confidence = " + format_number(confidence) +
                                " is out of range (0, 1) (e.g. 0.95 for 95 %)");
  }
}

void check_exposure(double exposure, std::string_view where) {
  if (!(exposure > 0.0 && std::isfinite(exposure))) {
    throw std::invalid_argument(
        std::string(where) + ": exposure = " + format_number(exposure) +
        " is out of range (0, inf): the scanned area (m²) must be positive");
  }
}

void check_finite(double value, std::string_view array, std::size_t index, std::string_view field) {
  if (!std::isfinite(value)) {
    throw std::invalid_argument(std::string(array) + "[" + std::to_string(index) + "]." +
                                std::string(field) + " = " + format_number(value) +
                                ": must be a finite number");
  }
}

void check_radius(double radius_m) {
  if (!(radius_m > 0.0 && radius_m <= 1e3)) {
    throw std::invalid_argument("radius_m = " + format_number(radius_m) +
                                " is out of range (0, 1000]: the association radius (m) must be "
                                "positive, e.g. 0.1");
  }
}

double as_double(std::size_t n) { return static_cast<double>(n); }

}  // namespace

// ---- Intervals -------------------------------------------------------------------------------

Interval clopper_pearson_interval(std::size_t successes, std::size_t trials, double confidence) {
  check_confidence(confidence, "clopper_pearson_interval");
  if (successes > trials) {
    throw std::invalid_argument(
        "clopper_pearson_interval: successes = " + std::to_string(successes) +
        " exceeds trials = " + std::to_string(trials));
  }
  const double half_alpha = 0.5 * (1.0 - confidence);
  const double k = as_double(successes);
  const double n = as_double(trials);
  Interval interval{0.0, 1.0};
  if (successes > 0) interval.lower = boost::math::ibeta_inv(k, n - k + 1.0, half_alpha);
  // The upper tail through the complement keeps full relative accuracy when 1 − α/2 is near 1.
  if (successes < trials) interval.upper = boost::math::ibetac_inv(k + 1.0, n - k, half_alpha);
  return interval;
}

double clopper_pearson_lower_bound(std::size_t successes, std::size_t trials, double confidence) {
  check_confidence(confidence, "clopper_pearson_lower_bound");
  if (successes > trials) {
    throw std::invalid_argument(
        "clopper_pearson_lower_bound: successes = " + std::to_string(successes) +
        " exceeds trials = " + std::to_string(trials));
  }
  if (successes == 0) return 0.0;
  const double k = as_double(successes);
  const double n = as_double(trials);
  return boost::math::ibeta_inv(k, n - k + 1.0, 1.0 - confidence);
}

Interval poisson_rate_interval(std::size_t count, double exposure, double confidence) {
  check_confidence(confidence, "poisson_rate_interval");
  check_exposure(exposure, "poisson_rate_interval");
  const double half_alpha = 0.5 * (1.0 - confidence);
  const double k = as_double(count);
  // χ²(p; 2k)/2 is the inverse of the regularised lower incomplete gamma P(k, ·).
  Interval interval{0.0, 0.0};
  if (count > 0) interval.lower = boost::math::gamma_p_inv(k, half_alpha) / exposure;
  interval.upper = boost::math::gamma_q_inv(k + 1.0, half_alpha) / exposure;
  return interval;
}

double poisson_rate_upper_bound(std::size_t count, double exposure, double confidence) {
  check_confidence(confidence, "poisson_rate_upper_bound");
  check_exposure(exposure, "poisson_rate_upper_bound");
  return boost::math::gamma_q_inv(as_double(count) + 1.0, 1.0 - confidence) / exposure;
}

Proportion proportion(std::size_t successes, std::size_t trials, double confidence) {
  Proportion result;
  result.successes = successes;
  result.trials = trials;
  result.interval = clopper_pearson_interval(successes, trials, confidence);
  result.one_sided_lower = clopper_pearson_lower_bound(successes, trials, confidence);
  if (trials > 0) result.estimate = as_double(successes) / as_double(trials);
  return result;
}

Rate rate(std::size_t count, double exposure, double confidence) {
  Rate result;
  result.count = count;
  result.exposure = exposure;
  result.interval = poisson_rate_interval(count, exposure, confidence);
  result.one_sided_upper = poisson_rate_upper_bound(count, exposure, confidence);
  result.estimate = as_double(count) / exposure;
  return result;
}

// ---- Config ----------------------------------------------------------------------------------

void validate(const EvaluationConfig& config) {
  check_radius(config.radius_m);
  if (!(config.area_m2 > 0.0 && config.area_m2 <= 1e12)) {
    throw std::invalid_argument("area_m2 = " + format_number(config.area_m2) +
                                " is out of range (0, 1e12]: set it to the scanned area in m²");
  }
  check_confidence(config.confidence, "EvaluationConfig");
}

std::string_view alarm_outcome_name(AlarmOutcome outcome) noexcept {
  switch (outcome) {
    case AlarmOutcome::mine:
      return "mine";
    case AlarmOutcome::clutter:
      return "clutter";
    case AlarmOutcome::duplicate:
      return "duplicate";
    case AlarmOutcome::background:
      return "background";
  }
  return "unknown";
}

// ---- Association -----------------------------------------------------------------------------

namespace detail {

void check_inputs(std::span<const Alarm> alarms, std::span<const TruthObject> truth) {
  for (std::size_t i = 0; i < alarms.size(); ++i) {
    check_finite(alarms[i].x_m, "alarms", i, "x_m");
    check_finite(alarms[i].y_m, "alarms", i, "y_m");
    check_finite(alarms[i].score, "alarms", i, "score");
  }
  for (std::size_t i = 0; i < truth.size(); ++i) {
    check_finite(truth[i].x_m, "truth", i, "x_m");
    check_finite(truth[i].y_m, "truth", i, "y_m");
  }
}

std::vector<Candidate> candidates(std::span<const Alarm> alarms, std::span<const TruthObject> truth,
                                  double radius_m) {
  // Objects sorted by x, so each alarm only looks at the slab |dx| ≤ radius.
  std::vector<std::size_t> by_x(truth.size());
  std::iota(by_x.begin(), by_x.end(), std::size_t{0});
  std::sort(by_x.begin(), by_x.end(),
            [&](std::size_t a, std::size_t b) { return truth[a].x_m < truth[b].x_m; });
  std::vector<Candidate> pairs;
  for (std::size_t a = 0; a < alarms.size(); ++a) {
    const double x = alarms[a].x_m;
    auto it = std::lower_bound(by_x.begin(), by_x.end(), x - radius_m,
                               [&](std::size_t o, double value) { return truth[o].x_m < value; });
    for (; it != by_x.end() && truth[*it].x_m <= x + radius_m; ++it) {
      const double distance = std::hypot(truth[*it].x_m - x, truth[*it].y_m - alarms[a].y_m);
      if (distance <= radius_m) pairs.push_back({distance, a, *it});
    }
  }
  std::sort(pairs.begin(), pairs.end(), [](const Candidate& p, const Candidate& q) {
    if (p.distance_m != q.distance_m) return p.distance_m < q.distance_m;
    if (p.alarm != q.alarm) return p.alarm < q.alarm;
    return p.object < q.object;
  });
  return pairs;
}

Association match(std::span<const Candidate> sorted, std::span<const TruthObject> truth,
                  std::span<const Alarm> alarms, double threshold) {
  Association result;
  result.alarms.assign(alarms.size(), AlarmMatch{});
  result.claimed_by.assign(truth.size(), no_object);
  std::vector<bool> taken(alarms.size(), false);
  const auto kept = [&](std::size_t a) { return alarms[a].score >= threshold; };
  for (const Candidate& pair : sorted) {
    if (!kept(pair.alarm) || taken[pair.alarm] || result.claimed_by[pair.object] != no_object) {
      continue;
    }
    taken[pair.alarm] = true;
    result.claimed_by[pair.object] = pair.alarm;
    result.alarms[pair.alarm] = {
        truth[pair.object].kind == TruthKind::mine ? AlarmOutcome::mine : AlarmOutcome::clutter,
        pair.object, pair.distance_m};
  }
  // Left-over alarms: the first pair met (in distance order) names the nearest object. Every
  // object within their radius is claimed, or the greedy pass would have given it to them.
  for (const Candidate& pair : sorted) {
    if (!kept(pair.alarm) || taken[pair.alarm]) continue;
    taken[pair.alarm] = true;
    result.alarms[pair.alarm] = {AlarmOutcome::duplicate, pair.object, pair.distance_m};
  }
  return result;
}

bool selected(const TruthObject& object, const StratumSelector& selector) {
  if (object.kind != TruthKind::mine) return false;
  for (const auto& [key, value] : selector) {
    const auto it = object.strata.find(key);
    if (it == object.strata.end() || it->second != value) return false;
  }
  return true;
}

void check_stratum(std::span<const TruthObject> truth, const StratumSelector& selector) {
  const bool any = std::any_of(truth.begin(), truth.end(),
                               [&](const TruthObject& o) { return selected(o, selector); });
  if (any) return;
  if (selector.empty()) throw std::invalid_argument("the truth has no mine: Pd is undefined");
  std::string wanted;
  for (const auto& [key, value] : selector) {
    wanted += (wanted.empty() ? "" : ", ") + key + " = '" + value + "'";
  }
  std::string message = "mine_stratum {" + wanted + "} selects no mine;";
  for (const auto& [key, value] : selector) {
    std::set<std::string, std::less<>> present;
    for (const TruthObject& o : truth) {
      if (o.kind != TruthKind::mine) continue;
      if (const auto it = o.strata.find(key); it != o.strata.end()) present.insert(it->second);
    }
    message += " values of '" + key + "' on mines:";
    if (present.empty()) message += " (none)";
    for (const std::string& p : present) message += " '" + p + "'";
    message += ";";
  }
  message.pop_back();
  throw std::invalid_argument(message);
}

DetectionCounts count(const Association& association, std::span<const TruthObject> truth,
                      const StratumSelector& mine_stratum, std::span<const Alarm> alarms,
                      double threshold) {
  DetectionCounts counts;
  for (std::size_t o = 0; o < truth.size(); ++o) {
    const bool claimed = association.claimed_by[o] != no_object;
    if (truth[o].kind == TruthKind::clutter) {
      ++counts.clutter_objects;
      if (claimed) ++counts.clutter_alarmed;
    } else if (selected(truth[o], mine_stratum)) {
      ++counts.mines;
      if (claimed) ++counts.mines_detected;
    }
  }
  for (std::size_t a = 0; a < association.alarms.size(); ++a) {
    if (!alarms.empty() && alarms[a].score < threshold) continue;
    ++counts.alarms;
    const AlarmMatch& match = association.alarms[a];
    if (match.outcome == AlarmOutcome::background) ++counts.background_alarms;
    if (match.outcome == AlarmOutcome::duplicate) {
      if (truth[match.object].kind == TruthKind::mine) {
        ++counts.duplicates_on_mines;
      } else {
        ++counts.duplicates_on_clutter;
      }
    }
  }
  counts.false_alarms = counts.clutter_alarmed + counts.background_alarms;
  return counts;
}

}  // namespace detail

Association associate(std::span<const Alarm> alarms, std::span<const TruthObject> truth,
                      double radius_m) {
  check_radius(radius_m);
  detail::check_inputs(alarms, truth);
  const auto pairs = detail::candidates(alarms, truth, radius_m);
  return detail::match(pairs, truth, alarms, -std::numeric_limits<double>::infinity());
}

DetectionCounts count(const Association& association, std::span<const TruthObject> truth,
                      const StratumSelector& mine_stratum) {
  if (association.claimed_by.size() != truth.size()) {
    throw std::invalid_argument("count: the association covers " +
                                std::to_string(association.claimed_by.size()) +
                                " truth objects but truth has " + std::to_string(truth.size()));
  }
  for (std::size_t a = 0; a < association.alarms.size(); ++a) {
    const AlarmMatch& match = association.alarms[a];
    if (match.outcome != AlarmOutcome::background && match.object >= truth.size()) {
      throw std::invalid_argument("count: alarms[" + std::to_string(a) + "] names truth object " +
                                  std::to_string(match.object) + " of " +
                                  std::to_string(truth.size()));
    }
  }
  return detail::count(association, truth, mine_stratum, {}, 0.0);
}

DetectionStatistics statistics(const DetectionCounts& counts, double area_m2, double confidence) {
  DetectionStatistics result;
  result.counts = counts;
  result.pd = proportion(counts.mines_detected, counts.mines, confidence);
  result.far_per_m2 = rate(counts.false_alarms, area_m2, confidence);
  result.clutter_rejection = proportion(counts.clutter_objects - counts.clutter_alarmed,
                                        counts.clutter_objects, confidence);
  return result;
}

DetectionStatistics evaluate(std::span<const Alarm> alarms, std::span<const TruthObject> truth,
                             const EvaluationConfig& config) {
  validate(config);
  detail::check_inputs(alarms, truth);
  if (!config.mine_stratum.empty()) detail::check_stratum(truth, config.mine_stratum);
  const Association association = associate(alarms, truth, config.radius_m);
  return statistics(count(association, truth, config.mine_stratum), config.area_m2,
                    config.confidence);
}

}  // namespace deminer::sim::eval
