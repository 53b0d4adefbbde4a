#include "deminer/dsp/md/vlf_target_id.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "../core/check_range.hpp"

namespace deminer::dsp::md {

VlfTargetId::VlfTargetId(const Config& config) : config_(config) {
  using detail::check_range;
  const char* block = "VlfTargetId";
  check_range(block, "min_snr", config.min_snr, 0, 1e6);
  check_range(block, "ferrous_min_deg", config.ferrous_min_deg, 0, 180);
  check_range(block, "non_ferrous_min_deg", config.non_ferrous_min_deg, config.ferrous_min_deg,
              180);
  check_range(block, "medium_min_deg", config.medium_min_deg, config.non_ferrous_min_deg, 180);
  check_range(block, "high_min_deg", config.high_min_deg, config.medium_min_deg, 180);
  check_range(block, "low_pitch_hz", config.low_pitch_hz, 20, 20000);
  check_range(block, "high_pitch_hz", config.high_pitch_hz, 20, 20000);
  check_range(block, "unidentified_pitch_hz", config.unidentified_pitch_hz, 20, 20000);
  check_range(block, "volume_full_snr", config.volume_full_snr, 0, 1e6, true);
  check_range(block, "volume_start_snr", config.volume_start_snr, 0, config.volume_full_snr, true,
              true);
}

VlfTargetClass VlfTargetId::classify(double phase_deg) const noexcept {
  if (!(phase_deg >= config_.ferrous_min_deg)) return VlfTargetClass::ground_like;  // (and NaN)
  if (phase_deg < config_.non_ferrous_min_deg) return VlfTargetClass::ferrous;
  if (phase_deg < config_.medium_min_deg) return VlfTargetClass::low_conductor;
  if (phase_deg < config_.high_min_deg) return VlfTargetClass::medium_conductor;
  return VlfTargetClass::high_conductor;
}

VlfTargetId::Identity VlfTargetId::identify(std::complex<float> response,
                                            float snr) const noexcept {
  Identity identity;
  identity.snr = snr;
  identity.phase_deg = static_cast<float>(
      std::atan2(static_cast<double>(response.imag()), static_cast<double>(response.real())) *
      180.0 / std::numbers::pi);
  if (snr >= config_.min_snr && std::isfinite(identity.phase_deg)) {
    identity.target_class = classify(identity.phase_deg);
  }
  return identity;
}

float VlfTargetId::volume(float snr) const noexcept {
  if (!(snr > config_.volume_start_snr)) return 0.0f;
  const double v = std::log(snr / config_.volume_start_snr) /
                   std::log(config_.volume_full_snr / config_.volume_start_snr);
  return static_cast<float>(std::min(v, 1.0));
}

ToneOutput VlfTargetId::tone(const Identity& identity) const noexcept {
  ToneOutput out;
  out.volume = volume(identity.snr);
  if (identity.identified()) {
    const double fraction = std::clamp(static_cast<double>(identity.phase_deg), 0.0, 180.0) / 180.0;
    out.pitch_hz = static_cast<float>(config_.low_pitch_hz +
                                      fraction * (config_.high_pitch_hz - config_.low_pitch_hz));
  } else {
    out.pitch_hz = static_cast<float>(config_.unidentified_pitch_hz);
  }
  return out;
}

}  // namespace deminer::dsp::md
