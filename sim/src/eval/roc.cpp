#include "deminer/sim/eval/roc.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <functional>
#include <ostream>
#include <stdexcept>

#include "deminer/dsp/core/error.hpp"
#include "detection_statistics_detail.hpp"

namespace deminer::sim::eval {

namespace {

// Shortest round-trip form (CSV).
std::string exact(double value) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

// Four significant digits (summaries for people).
std::string brief(double value) {
  char buffer[32];
  const auto result =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::general, 4);
  return std::string(buffer, result.ptr);
}

std::string describe(const RocPoint& point, double confidence) {
  const DetectionStatistics& s = point.statistics;
  const std::string level = brief(100.0 * confidence) + " %";
  return "threshold " + brief(point.threshold) + ": Pd " + std::to_string(s.pd.successes) + "/" +
         std::to_string(s.pd.trials) + " = " + brief(s.pd.estimate) + " [" +
         brief(s.pd.interval.lower) + ", " + brief(s.pd.interval.upper) + "], one-sided " + level +
         " lower bound " + brief(s.pd.one_sided_lower) + "; FAR " +
         std::to_string(s.far_per_m2.count) + " false alarms / " + brief(s.far_per_m2.exposure) +
         " m² = " + brief(s.far_per_m2.estimate) + " /m² [" + brief(s.far_per_m2.interval.lower) +
         ", " + brief(s.far_per_m2.interval.upper) + "]";
}

void check_curve(const RocCurve& curve, std::string_view where) {
  if (curve.points.empty()) {
    throw std::invalid_argument(std::string(where) + ": the ROC curve has no points");
  }
}

// Index of the best point under `better` (a strict order: true when the first is better).
template <typename Better>
std::size_t best_index(const RocCurve& curve, const std::function<bool(const RocPoint&)>& eligible,
                       Better better, bool& found) {
  found = false;
  std::size_t best = 0;
  for (std::size_t i = 0; i < curve.points.size(); ++i) {
    if (!eligible(curve.points[i])) continue;
    if (!found || better(curve.points[i], curve.points[best])) best = i;
    found = true;
  }
  return best;
}

}  // namespace

RocCurve roc_curve(std::span<const Alarm> alarms, std::span<const TruthObject> truth,
                   const EvaluationConfig& config) {
  validate(config);
  detail::check_inputs(alarms, truth);
  if (alarms.empty()) throw std::invalid_argument("roc_curve: no alarms, so no threshold to sweep");
  detail::check_stratum(truth, config.mine_stratum);

  std::vector<double> thresholds;
  thresholds.reserve(alarms.size());
  for (const Alarm& alarm : alarms) thresholds.push_back(alarm.score);
  std::sort(thresholds.begin(), thresholds.end(), std::greater<>());
  thresholds.erase(std::unique(thresholds.begin(), thresholds.end()), thresholds.end());

  const auto pairs = detail::candidates(alarms, truth, config.radius_m);
  RocCurve curve;
  curve.config = config;
  curve.points.reserve(thresholds.size());
  for (const double threshold : thresholds) {
    const Association association = detail::match(pairs, truth, alarms, threshold);
    const DetectionCounts counts =
        detail::count(association, truth, config.mine_stratum, alarms, threshold);
    curve.points.push_back({threshold, statistics(counts, config.area_m2, config.confidence)});
  }
  return curve;
}

OperatingPoint select_for_target_pd(const RocCurve& curve, double target_pd) {
  check_curve(curve, "select_for_target_pd");
  if (!(target_pd > 0.0 && target_pd <= 1.0)) {
    throw std::invalid_argument("select_for_target_pd: target_pd = " + exact(target_pd) +
                                " is out of range (0, 1]");
  }
  const auto far = [](const RocPoint& p) { return p.statistics.far_per_m2.estimate; };
  const auto pd = [](const RocPoint& p) { return p.statistics.pd.estimate; };
  const auto lower = [](const RocPoint& p) { return p.statistics.pd.one_sided_lower; };
  bool found = false;
  const std::size_t met = best_index(
      curve, [&](const RocPoint& p) { return lower(p) >= target_pd; },
      [&](const RocPoint& a, const RocPoint& b) {
        if (far(a) != far(b)) return far(a) < far(b);
        if (pd(a) != pd(b)) return pd(a) > pd(b);
        return a.threshold > b.threshold;
      },
      found);
  OperatingPoint result;
  const double confidence = curve.config.confidence;
  const std::string requirement = "target Pd " + brief(target_pd) + " (one-sided " +
                                  brief(100.0 * confidence) + " % lower bound)";
  if (found) {
    result.meets_requirement = true;
    result.index = met;
    result.point = curve.points[met];
    result.summary =
        requirement + " met with the lowest FAR at " + describe(result.point, confidence);
    return result;
  }
  bool any = false;
  result.index = best_index(
      curve, [](const RocPoint&) { return true; },
      [&](const RocPoint& a, const RocPoint& b) {
        if (lower(a) != lower(b)) return lower(a) > lower(b);
        if (far(a) != far(b)) return far(a) < far(b);
        return a.threshold > b.threshold;
      },
      any);
  result.point = curve.points[result.index];
  result.summary = requirement +
                   " NOT met by any threshold (more mines or a better detector are "
                   "needed); the highest lower bound is at " +
                   describe(result.point, confidence);
  return result;
}

OperatingPoint select_for_max_far(const RocCurve& curve, double max_far_per_m2) {
  check_curve(curve, "select_for_max_far");
  if (!(max_far_per_m2 >= 0.0 && std::isfinite(max_far_per_m2))) {
    throw std::invalid_argument("select_for_max_far: max_far_per_m2 = " + exact(max_far_per_m2) +
                                " is out of range [0, inf)");
  }
  const auto far = [](const RocPoint& p) { return p.statistics.far_per_m2.estimate; };
  const auto pd = [](const RocPoint& p) { return p.statistics.pd.estimate; };
  bool found = false;
  const std::size_t met = best_index(
      curve, [&](const RocPoint& p) { return far(p) <= max_far_per_m2; },
      [&](const RocPoint& a, const RocPoint& b) {
        if (pd(a) != pd(b)) return pd(a) > pd(b);
        if (far(a) != far(b)) return far(a) < far(b);
        return a.threshold > b.threshold;
      },
      found);
  OperatingPoint result;
  const double confidence = curve.config.confidence;
  const std::string requirement = "max FAR " + brief(max_far_per_m2) + " /m²";
  if (found) {
    result.meets_requirement = true;
    result.index = met;
    result.point = curve.points[met];
    result.summary =
        requirement + " met with the highest Pd at " + describe(result.point, confidence);
    return result;
  }
  bool any = false;
  result.index = best_index(
      curve, [](const RocPoint&) { return true; },
      [&](const RocPoint& a, const RocPoint& b) {
        if (far(a) != far(b)) return far(a) < far(b);
        if (pd(a) != pd(b)) return pd(a) > pd(b);
        return a.threshold > b.threshold;
      },
      any);
  result.point = curve.points[result.index];
  result.summary = requirement +
                   " NOT met by any threshold (even the highest gives more false "
                   "alarms); the lowest FAR is at " +
                   describe(result.point, confidence);
  return result;
}

void write_roc_csv(std::ostream& out, const RocCurve& curve) {
  out << "threshold,alarms,mines,mines_detected,pd,pd_lower,pd_upper,pd_lower_one_sided,"
         "false_alarms,background_alarms,far_per_m2,far_lower,far_upper,far_upper_one_sided,"
         "clutter_objects,clutter_alarmed,clutter_rejection,clutter_rejection_lower,"
         "clutter_rejection_upper,duplicates_on_mines,duplicates_on_clutter\n";
  for (const RocPoint& point : curve.points) {
    const DetectionStatistics& s = point.statistics;
    const DetectionCounts& c = s.counts;
    out << exact(point.threshold) << ',' << c.alarms << ',' << c.mines << ',' << c.mines_detected
        << ',' << exact(s.pd.estimate) << ',' << exact(s.pd.interval.lower) << ','
        << exact(s.pd.interval.upper) << ',' << exact(s.pd.one_sided_lower) << ',' << c.false_alarms
        << ',' << c.background_alarms << ',' << exact(s.far_per_m2.estimate) << ','
        << exact(s.far_per_m2.interval.lower) << ',' << exact(s.far_per_m2.interval.upper) << ','
        << exact(s.far_per_m2.one_sided_upper) << ',' << c.clutter_objects << ','
        << c.clutter_alarmed << ',' << exact(s.clutter_rejection.estimate) << ','
        << exact(s.clutter_rejection.interval.lower) << ','
        << exact(s.clutter_rejection.interval.upper) << ',' << c.duplicates_on_mines << ','
        << c.duplicates_on_clutter << '\n';
  }
}

void write_roc_csv(const std::filesystem::path& path, const RocCurve& curve) {
  std::ofstream out(path);
  if (!out) {
    throw IoError("cannot open '" + path.string() + "' to write the ROC CSV");
  }
  write_roc_csv(out, curve);
  out.flush();
  if (!out) throw IoError("writing the ROC CSV to '" + path.string() + "' failed (disk full?)");
}

}  // namespace deminer::sim::eval
