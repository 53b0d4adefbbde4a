// VlfTargetId: target identification from the calibrated phase angle θ = atan2(R, X) of a VLF
// response, and the alarm tone (pitch, volume) that carries it to the user's ear.
//
// Why: at one frequency the phase angle orders targets by their induction number: ferrite and
// mineralised soil near 0°, iron and steel between the soil and 90° (their magnetisation keeps X
// positive), small or poorly conducting non-ferrous metal (a mine's aluminium detonator, foil)
// from about 90°, large good conductors (copper, silver coins, big aluminium) towards 180°
// (docs/metal-detector.md). Bands in the Config turn θ into a class. Below min_snr the phase is
// mostly noise, so no identity is given (class none) rather than a wrong one.
// Tone: pitch follows θ continuously, from low_pitch_hz at 0° to high_pitch_hz at 180° (low:
// ferrous, high: non-ferrous), unidentified_pitch_hz without an identity; volume grows with the
// logarithm of the SNR, 0 at volume_start_snr, 1 from volume_full_snr on (loudness is heard on a
// log scale, and a 100σ target should not deafen the user on a 10σ one).
// Units: degrees, Hz, SNR in σ of the noise. Latency: none. All methods noexcept, no allocation.
#pragma once

#include <complex>
#include <cstdint>
#include <string_view>

#include "deminer/dsp/md/md_frame.hpp"

namespace deminer::dsp::md {

enum class VlfTargetClass : std::uint8_t {
  none = 0,              // below the SNR gate: no identity
  ground_like = 1,       // θ < ferrous_min_deg: ferrite, hot rock, soil residue
  ferrous = 2,           // [ferrous_min_deg, non_ferrous_min_deg)
  low_conductor = 3,     // [non_ferrous_min_deg, medium_min_deg): small Al parts, foil
  medium_conductor = 4,  // [medium_min_deg, high_min_deg)
  high_conductor = 5,    // >= high_min_deg: large copper, silver, thick aluminium
};

[[nodiscard]] constexpr std::string_view to_string(VlfTargetClass c) noexcept {
  switch (c) {
    case VlfTargetClass::ground_like:
      return "ground_like";
    case VlfTargetClass::ferrous:
      return "ferrous";
    case VlfTargetClass::low_conductor:
      return "low_conductor";
    case VlfTargetClass::medium_conductor:
      return "medium_conductor";
    case VlfTargetClass::high_conductor:
      return "high_conductor";
    case VlfTargetClass::none:
      break;
  }
  return "none";
}

class VlfTargetId {
 public:
  struct Config {
    double min_snr = 10.0;                 // SNR gate for an identity, [0, 1e6]
    double ferrous_min_deg = 10.0;         // band edges, increasing, within [0, 180]
    double non_ferrous_min_deg = 85.0;     //
    double medium_min_deg = 120.0;         //
    double high_min_deg = 150.0;           //
    double low_pitch_hz = 200.0;           // pitch at θ = 0°, [20, 20000]
    double high_pitch_hz = 1000.0;         // pitch at θ = 180°, [20, 20000]
    double unidentified_pitch_hz = 500.0;  // pitch without an identity, [20, 20000]
    double volume_start_snr = 3.0;         // volume 0 at and below, (0, volume_full_snr)
    double volume_full_snr = 100.0;        // volume 1 at and above, (volume_start_snr, 1e6]
  };

  struct Identity {
    VlfTargetClass target_class = VlfTargetClass::none;
    float phase_deg = 0.0f;  // θ = atan2(R, X), (−180°, 180°]
    float snr = 0.0f;
    [[nodiscard]] bool identified() const noexcept { return target_class != VlfTargetClass::none; }
    [[nodiscard]] bool ferrous() const noexcept { return target_class == VlfTargetClass::ferrous; }
  };

  // Throws std::invalid_argument naming the field, its value and the valid range.
  explicit VlfTargetId(const Config& config);

  // `response` is a calibrated X + iR sample of the target (ground-free, e.g. motion-filtered,
  // with the sign of its lobe removed); `snr` its strength in σ.
  [[nodiscard]] Identity identify(std::complex<float> response, float snr) const noexcept;
  [[nodiscard]] VlfTargetClass classify(double phase_deg) const noexcept;
  [[nodiscard]] ToneOutput tone(const Identity& identity) const noexcept;
  [[nodiscard]] float volume(float snr) const noexcept;

  [[nodiscard]] const Config& config() const noexcept { return config_; }

 private:
  Config config_;
};

}  // namespace deminer::dsp::md
