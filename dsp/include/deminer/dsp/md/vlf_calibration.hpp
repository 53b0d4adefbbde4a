// VlfCalibration: air balance and phase calibration of demodulated VLF phasors, per tone: the
// raw phasor z becomes the calibrated response X + iR = conj((z − z_air)·e^{iφ}) on the axes of
// docs/metal-detector.md (ferrite on +X, losses towards +R, phase angle θ = atan2(R, X)).
//
// Why: an induction-balance coil is never perfectly nulled (the residual coupling in air is a
// constant phasor, large next to a small target), and the electronics add an unknown phase shift
// at every tone. Subtracting the phasor measured in air and rotating so that a ferrite sample
// (purely reactive, real positive polarisability) lies on +X puts every tone on the physical
// axes where phase angles mean conductivity. The conjugate comes from the convention: with
// e^{+iωt}, a lossy response has Im < 0, and R = −Im makes it positive.
// Capture: begin_capture(), then process() averages the raw phasors it sees (in double), and
// finish_air_capture() (coil in air, no metal near) or finish_ferrite_capture() (ferrite held
// still at the coil, after the air capture) turns the average into the offset or the rotation.
// Units: volts. Latency: none (a phasor in, a phasor out). process() is noexcept and allocates
// nothing.
#pragma once

#include <array>
#include <complex>
#include <cstddef>
#include <span>

#include "deminer/dsp/md/md_frame.hpp"

namespace deminer::dsp::md {

class VlfCalibration {
 public:
  struct Config {
    std::size_t tone_count = 1;                     // [1, max_tones]
    std::array<double, max_tones> air_offset_re{};  // raw phasor in air, volts, |.| <= 1e6
    std::array<double, max_tones> air_offset_im{};  // (imaginary part)
    std::array<double, max_tones> phase_deg{};      // rotation after air balance, [-360, 360]
  };

  // Throws std::invalid_argument naming the field, its value and the valid range.
  explicit VlfCalibration(const Config& config);

  // Window-major phasors (tone_count per window), raw in, calibrated out; in place allowed.
  // While a capture is open the raw phasors are also averaged.
  void process(std::span<const std::complex<float>> in,
               std::span<std::complex<float>> out) noexcept;
  [[nodiscard]] std::complex<float> apply(std::size_t tone,
                                          std::complex<float> raw) const noexcept {
    return std::conj((raw - air_[tone]) * rotation_[tone]);
  }

  void begin_capture() noexcept;
  [[nodiscard]] bool capturing() const noexcept { return capturing_; }
  [[nodiscard]] std::size_t captured_windows() const noexcept { return captured_; }
  // Ends the capture; the average becomes the air offset of every tone. False (nothing changed)
  // if no window was captured.
  bool finish_air_capture() noexcept;
  // Ends the capture; the phase of every tone is set so that (average − air offset) lies on +X.
  // False (nothing changed) if no window was captured or a tone's response is zero.
  bool finish_ferrite_capture() noexcept;
  void cancel_capture() noexcept { capturing_ = false; }

  // Direct settings (e.g. values saved from an earlier calibration); out-of-range tones ignored.
  void set_air_offset(std::size_t tone, std::complex<double> offset) noexcept;
  void set_phase_deg(std::size_t tone, double phase_deg) noexcept;

  // The current calibration (captures update it), e.g. to save it in the unit's configuration.
  [[nodiscard]] const Config& config() const noexcept { return config_; }
  // Stops a capture; the calibration itself is kept.
  void reset() noexcept { cancel_capture(); }

 private:
  void update_tone(std::size_t tone) noexcept;

  Config config_;
  std::array<std::complex<float>, max_tones> air_{};
  std::array<std::complex<float>, max_tones> rotation_{};
  std::array<std::complex<double>, max_tones> capture_sum_{};
  std::size_t captured_ = 0;
  bool capturing_ = false;
};

}  // namespace deminer::dsp::md
