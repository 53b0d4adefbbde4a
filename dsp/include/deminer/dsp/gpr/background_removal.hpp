// Background removal: subtract from each trace the mean of the previous K traces.
//
// Why: the direct coupling wave, the surface reflection and antenna ringing are (nearly) the
// same in every trace, while a buried object's hyperbola changes from trace to trace. Removing a
// moving-window mean trace keeps the hyperbolas and removes the flat bands.
// Side effect: an echo strong enough to enter the window leaves a weak, negative, smeared copy
// for the following K traces (its share of the mean, at most 1/K of it per trace in the window).
// Warm-up: the first trace after construction or reset() has no background and comes out as all
// zeros; trace j < K uses the mean of the j traces seen so far.
// Units: window in traces (e.g. 50 traces = 50 cm at 1 cm spacing). Latency: none (causal).
#pragma once

#include <boost/circular_buffer.hpp>
#include <cstddef>
#include <span>
#include <vector>

namespace deminer::dsp {

class BackgroundRemoval {
 public:
  struct Config {
    std::size_t window_traces = 50;  // K, >= 1
  };

  // Every trace must have exactly samples_per_trace samples. Throws std::invalid_argument if
  // window_traces or samples_per_trace is zero.
  BackgroundRemoval(const Config& config, std::size_t samples_per_trace);

  // in.size() == out.size() == samples_per_trace (assert). In place (same span) is allowed.
  void process(std::span<const float> in, std::span<float> out) noexcept;
  void reset() noexcept;

  [[nodiscard]] const Config& config() const noexcept { return config_; }

 private:
  Config config_;
  std::size_t samples_per_trace_;
  boost::circular_buffer<float> history_;  // the last K traces, oldest first, K·n samples
  std::vector<double> sum_;                // per sample: sum over the traces in history_
};

}  // namespace deminer::dsp
