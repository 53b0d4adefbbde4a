// VlfGroundBalance: projects calibrated VLF responses (X + iR) onto the direction orthogonal to
// the ground's phase, output = |z|·sin(θ − θg) = R·cos θg − X·sin θg, and estimates the ground
// angle θg from the pumping of the coil.
//
// Why: a magnetic soil gives a response far larger than a small target, and its amplitude swings
// with the coil height; but its phase is nearly fixed, so every soil sample lies on one line
// through the X/R plane. The component orthogonal to that line cancels the soil whatever its
// amplitude, and leaves a target of phase θ with the fraction sin(θ − θg) of its amplitude.
// The line is the principal direction of the recent X/R scatter (eigenvector of its 2×2
// covariance, exponentially weighted over tracking_samples), accepted only when the scatter is
// elongated (pumping, not noise: λmax/λmin >= min_anisotropy and √λmax >= min_spread; the
// default ratio of 100 asks for a swing ten times the noise, so a steady sweep, whose scatter is
// noise and the sub-threshold edges of targets, leaves the angle alone). Tracking
// must not learn from targets: set_frozen(true) while an event is open, and samples enter the
// tracker guard_samples late, so the detector's own latency does not let the start of a target
// in. The angle is folded into (−90°, 90°].
// Units: volts in and out, angles in degrees, lengths in channel samples. Latency: none for the
// output; the tracker lags by guard_samples plus its averaging. process() is noexcept and
// allocates nothing.
#pragma once

#include <complex>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace deminer::dsp::md {

class VlfGroundBalance {
 public:
  struct Config {
    bool tracking = true;                 // update θg automatically from the scatter
    double initial_angle_deg = 0.0;       // θg until the first estimate, [-90, 90]
    std::size_t tracking_samples = 2000;  // averaging of the scatter, [8, 1e9]
    std::size_t update_interval = 16;     // samples between estimates, [1, 1e6]
    std::size_t guard_samples = 64;       // delay before a sample enters the tracker, [0, 65536]
    double min_anisotropy = 100.0;        // λmax/λmin needed to accept an estimate, [1, 1e15]
    double min_spread = 0.0;              // √λmax needed (volts), [0, 1e6]
  };

  // Throws std::invalid_argument naming the field, its value and the valid range.
  explicit VlfGroundBalance(const Config& config);

  // Calibrated responses in, ground-balanced values out (in.size() == out.size()).
  void process(std::span<const std::complex<float>> in, std::span<float> out) noexcept;
  // One sample (for chains that interleave tones).
  float push(std::complex<float> z) noexcept;
  // The projection alone, with the current angle (no tracking): the pinpoint path uses it.
  [[nodiscard]] float project(std::complex<float> z) const noexcept {
    return z.imag() * cos_ - z.real() * sin_;
  }

  [[nodiscard]] double ground_angle_deg() const noexcept { return angle_deg_; }
  void set_ground_angle_deg(double angle_deg) noexcept;  // folded into (−90°, 90°]; NaN ignored
  void set_tracking(bool on) noexcept { tracking_ = on; }
  [[nodiscard]] bool tracking() const noexcept { return tracking_; }
  // While frozen (a target under the coil) no sample enters the tracker.
  void set_frozen(bool frozen) noexcept { frozen_ = frozen; }
  [[nodiscard]] bool frozen() const noexcept { return frozen_; }
  // "Ground grab": sets θg from the current scatter now, if it passes the gates. Works with
  // tracking off (the scatter is always gathered). Returns whether the angle was set.
  bool grab() noexcept;
  // The current scatter: principal direction (degrees) and λmax/λmin; false before enough data.
  bool estimate(double& angle_deg, double& anisotropy) const noexcept;
  // Estimates accepted since construction or reset.
  [[nodiscard]] std::uint64_t updates() const noexcept { return updates_; }

  [[nodiscard]] const Config& config() const noexcept { return config_; }
  // Forgets the scatter and returns to initial_angle_deg.
  void reset() noexcept;

 private:
  void learn(std::complex<float> z) noexcept;

  Config config_;
  bool tracking_;
  bool frozen_ = false;
  double angle_deg_ = 0.0;
  float cos_ = 1.0f;
  float sin_ = 0.0f;
  // Exponentially weighted mean and covariance of the scatter.
  double weight_;
  double mean_x_ = 0.0;
  double mean_r_ = 0.0;
  double cxx_ = 0.0;
  double cxr_ = 0.0;
  double crr_ = 0.0;
  std::uint64_t learned_ = 0;
  std::size_t since_update_ = 0;
  std::uint64_t updates_ = 0;
  std::vector<std::complex<float>> guard_;  // ring of the samples not yet learnt
  std::size_t guard_next_ = 0;
  std::size_t guard_filled_ = 0;
};

}  // namespace deminer::dsp::md
