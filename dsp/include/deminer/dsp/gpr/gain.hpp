// Time-varying gains for GPR traces: t-power, spreading-and-exponential compensation (SEC) and
// automatic gain control (AGC).
//
// Why: echoes from deeper targets arrive later and weaker (geometric spreading and absorption in
// the soil), so a raw trace shows the surface and hides the mines; a gain that grows with time
// brings late echoes back to a comparable level for display and for amplitude thresholds.
// TPowerGain is the simple empirical form; ExponentialGain undoes a physical model (spreading
// plus soil attenuation in dB/m); AgcGain equalises the local RMS and ignores physics (good for
// display, but it destroys relative amplitudes).
// Time: t = header.time_of_sample_s(i), the two-way time from the transmit instant, in seconds.
// Samples before min_time_s (including those before time zero) get the gain of min_time_s, so
// the gain stays finite and monotonic. Every gain is clamped at max_gain (noise at late times
// would otherwise be amplified without bound).
// Units: gains are dimensionless factors applied to the sample values. Latency: none beyond the
// trace. All process() calls allow in place (same span).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "deminer/dsp/core/trace.hpp"

namespace deminer::dsp {

// g(t) = min(max_gain, (max(t, min_time_s) / reference_time_s)^power).
class TPowerGain {
 public:
  struct Config {
    double power = 1.0;              // finite; 1 compensates spherical spreading of amplitude
    double reference_time_s = 1e-9;  // > 0: where the gain is 1
    double min_time_s = 0.1e-9;      // > 0
    double max_gain = 1e4;           // > 0
  };
  // Throws std::invalid_argument naming the field and its valid range.
  explicit TPowerGain(const Config& config);

  // in.size() == out.size() (assert).
  void process(const TraceHeader& header, std::span<const float> in,
               std::span<float> out) const noexcept;
  [[nodiscard]] double gain_at(double time_s) const noexcept;
  void reset() noexcept {}
  [[nodiscard]] const Config& config() const noexcept { return config_; }

 private:
  Config config_;
};

// Spreading and exponential compensation (SEC):
//   g(t) = min(max_gain, (t'/reference_time_s)^spreading_power · exp(α · v · t')),
//   t' = max(t, min_time_s), v = c / sqrt(εr), α = attenuation_db_per_m · ln(10) / 20 (Np/m).
// Why v·t: t is the two-way time, so the wave has travelled v·t/2 down and v·t/2 back, a path of
// v·t over which an amplitude attenuation of α Np/m costs exp(-α·v·t). The model treats the whole
// path as soil (the air gap of a ground-coupled antenna is small).
class ExponentialGain {
 public:
  struct Config {
    double attenuation_db_per_m = 2.0;   // >= 0, amplitude attenuation of the soil (one way)
    double relative_permittivity = 6.0;  // >= 1
    double spreading_power = 1.0;        // finite
    double reference_time_s = 1e-9;      // > 0
    double min_time_s = 0.1e-9;          // > 0
    double max_gain = 1e4;               // > 0
  };
  // Throws std::invalid_argument naming the field and its valid range.
  explicit ExponentialGain(const Config& config);

  // in.size() == out.size() (assert).
  void process(const TraceHeader& header, std::span<const float> in,
               std::span<float> out) const noexcept;
  [[nodiscard]] double gain_at(double time_s) const noexcept;
  void reset() noexcept {}
  [[nodiscard]] const Config& config() const noexcept { return config_; }
  // α · v: the exponent's rate per second of two-way time.
  [[nodiscard]] double attenuation_per_s() const noexcept { return attenuation_per_s_; }

 private:
  Config config_;
  double attenuation_per_s_;
};

// out[i] = in[i] · min(max_gain, target_rms / max(rms_i, epsilon)), rms_i the RMS of the input
// over the centred window i ± window_samples/2, truncated at the ends of the trace (like Dewow's
// running mean). O(n) with a running sum of squares.
class AgcGain {
 public:
  struct Config {
    std::size_t window_samples = 101;  // odd, >= 1
    double target_rms = 1.0;           // > 0: output RMS where the gain is not limited
    double epsilon = 1e-6;             // > 0: RMS floor, so silent stretches are not blown up
    double max_gain = 1e4;             // > 0
  };
  // Throws std::invalid_argument naming the field and its valid range, or if max_samples is 0.
  AgcGain(const Config& config, std::size_t max_samples);

  // in.size() == out.size() <= max_samples (assert). The header is not needed (AGC does not
  // depend on time); the overload keeps the same call shape as the other gains.
  void process(std::span<const float> in, std::span<float> out) noexcept;
  void process(const TraceHeader& /*header*/, std::span<const float> in,
               std::span<float> out) noexcept {
    process(in, out);
  }
  void reset() noexcept {}
  [[nodiscard]] const Config& config() const noexcept { return config_; }

 private:
  Config config_;
  std::vector<float> input_;  // copy of the input: the window reads ahead of what is written
};

}  // namespace deminer::dsp
