// Background removal: subtract from each trace an estimate of the background made from other
// traces — by default the mean of the previous K traces.
//
// Why: the direct coupling wave, the surface reflection and antenna ringing are (nearly) the
// same in every trace, while a buried object's hyperbola changes from trace to trace. Removing a
// moving-window mean trace keeps the hyperbolas and removes the flat bands.
// Side effect: an echo strong enough to enter the window leaves a weak, negative, smeared copy
// for the following K traces (its share of the mean, at most 1/K of it per trace in the window).
// Warm-up: the first trace after construction or reset() has no background and comes out as all
// zeros; trace j < K uses the mean of the j traces seen so far.
//
// Modes (Config::mode):
//  - moving_mean (default): as above.
//  - exponential: the background is an exponentially weighted mean of the previous traces, weight
//    α(1-α)^(k-1) for the trace k back, α = 2 / (ema_traces + 1). That α gives the same mean age
//    ((K+1)/2 traces) as a moving mean over K = ema_traces traces, and ema_traces = 1 equals
//    moving_mean with K = 1. The weights are normalised by their sum over the traces seen so far,
//    so the warm-up behaves like moving_mean's (first trace: zeros; then a weighted mean of what
//    was seen) instead of starting from a zero background. Memory: one trace, not K.
//  - reference: subtract a stored reference trace (e.g. recorded over air or over ground known to
//    be empty), set with set_reference() outside the streaming path. Until one is set the output
//    equals the input and has_reference() is false. reset() keeps the reference (it is
//    configuration, not streaming state); clear_reference() drops it.
// Units: windows in traces (e.g. 50 traces = 50 cm at 1 cm spacing). Latency: none (causal).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace deminer::dsp {

class BackgroundRemoval {
 public:
  enum class Mode { moving_mean, exponential, reference };

  struct Config {
    std::size_t window_traces = 50;  // K for moving_mean, >= 1
    Mode mode = Mode::moving_mean;
    double ema_traces = 50.0;  // equivalent window for exponential, >= 1 (α = 2/(ema_traces+1))
  };

  // Every trace must have exactly samples_per_trace samples. Throws std::invalid_argument naming
  // the field if window_traces or samples_per_trace is zero or ema_traces < 1 (or not finite).
  BackgroundRemoval(const Config& config, std::size_t samples_per_trace);

  // in.size() == out.size() == samples_per_trace (assert). In place (same span) is allowed.
  void process(std::span<const float> in, std::span<float> out) noexcept;
  void reset() noexcept;

  // Reference mode: copies `reference` (samples_per_trace samples, else std::invalid_argument)
  // into storage taken in the constructor. Not for the streaming path: call it between traces,
  // never concurrently with process(). Allowed in any mode; only reference mode uses it.
  void set_reference(std::span<const float> reference);
  void clear_reference() noexcept { has_reference_ = false; }
  [[nodiscard]] bool has_reference() const noexcept { return has_reference_; }

  [[nodiscard]] const Config& config() const noexcept { return config_; }

 private:
  void process_moving_mean(std::span<const float> in, std::span<float> out) noexcept;
  void process_exponential(std::span<const float> in, std::span<float> out) noexcept;
  void process_reference(std::span<const float> in, std::span<float> out) noexcept;

  Config config_;
  std::size_t samples_per_trace_;
  // moving_mean: the last K traces, trace slots in a ring (whole traces, so that the per-sample
  // loop runs over plain arrays); the oldest is at next_slot_ once stored_ == K.
  std::vector<float> history_;
  std::size_t next_slot_ = 0;
  std::size_t stored_ = 0;
  std::vector<double> sum_;  // moving_mean: per-sample sum over history_; exponential: the
                             // unnormalised weighted sum
  double alpha_ = 0.0;       // exponential
  double weight_sum_ = 0.0;  // exponential: sum of the weights of the traces seen
  std::vector<float> reference_;
  bool has_reference_ = false;
};

}  // namespace deminer::dsp
