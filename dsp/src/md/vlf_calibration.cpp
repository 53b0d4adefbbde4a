#include "deminer/dsp/md/vlf_calibration.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include "../core/check_range.hpp"

namespace deminer::dsp::md {

namespace {

constexpr double kDegree = std::numbers::pi / 180.0;

}  // namespace

VlfCalibration::VlfCalibration(const Config& config) : config_(config) {
  using detail::check_range;
  const char* block = "VlfCalibration";
  check_range(block, "tone_count", static_cast<double>(config.tone_count), 1, max_tones);
  for (std::size_t k = 0; k < config.tone_count; ++k) {
    const auto field = [k](const char* name) {
      std::string text(name);
      text += '[';
      text += std::to_string(k);
      text += ']';
      return text;
    };
    check_range(block, field("air_offset_re").c_str(), config.air_offset_re[k], -1e6, 1e6);
    check_range(block, field("air_offset_im").c_str(), config.air_offset_im[k], -1e6, 1e6);
    check_range(block, field("phase_deg").c_str(), config.phase_deg[k], -360, 360);
  }
  for (std::size_t k = 0; k < max_tones; ++k) update_tone(k);
}

void VlfCalibration::update_tone(std::size_t tone) noexcept {
  air_[tone] = {static_cast<float>(config_.air_offset_re[tone]),
                static_cast<float>(config_.air_offset_im[tone])};
  rotation_[tone] = std::polar(1.0f, static_cast<float>(config_.phase_deg[tone] * kDegree));
}

void VlfCalibration::process(std::span<const std::complex<float>> in,
                             std::span<std::complex<float>> out) noexcept {
  const std::size_t tones = config_.tone_count;
  const std::size_t windows = std::min(in.size(), out.size()) / tones;
  for (std::size_t w = 0; w < windows; ++w) {
    for (std::size_t k = 0; k < tones; ++k) {
      const std::complex<float> raw = in[w * tones + k];
      if (capturing_) capture_sum_[k] += std::complex<double>(raw);
      out[w * tones + k] = apply(k, raw);
    }
    captured_ += capturing_;
  }
}

void VlfCalibration::begin_capture() noexcept {
  capture_sum_.fill({});
  captured_ = 0;
  capturing_ = true;
}

bool VlfCalibration::finish_air_capture() noexcept {
  capturing_ = false;
  if (captured_ == 0) return false;
  for (std::size_t k = 0; k < config_.tone_count; ++k) {
    set_air_offset(k, capture_sum_[k] / static_cast<double>(captured_));
  }
  return true;
}

bool VlfCalibration::finish_ferrite_capture() noexcept {
  capturing_ = false;
  if (captured_ == 0) return false;
  std::array<double, max_tones> phase{};
  for (std::size_t k = 0; k < config_.tone_count; ++k) {
    const std::complex<double> ferrite =
        capture_sum_[k] / static_cast<double>(captured_) -
        std::complex<double>(config_.air_offset_re[k], config_.air_offset_im[k]);
    if (!(std::abs(ferrite) > 0.0) || !std::isfinite(std::abs(ferrite))) return false;
    phase[k] = -std::arg(ferrite) / kDegree;  // rotates the ferrite onto the positive real axis
  }
  for (std::size_t k = 0; k < config_.tone_count; ++k) set_phase_deg(k, phase[k]);
  return true;
}

void VlfCalibration::set_air_offset(std::size_t tone, std::complex<double> offset) noexcept {
  if (tone >= config_.tone_count || !std::isfinite(offset.real()) ||
      !std::isfinite(offset.imag())) {
    return;
  }
  config_.air_offset_re[tone] = offset.real();
  config_.air_offset_im[tone] = offset.imag();
  update_tone(tone);
}

void VlfCalibration::set_phase_deg(std::size_t tone, double phase_deg) noexcept {
  if (tone >= config_.tone_count || !std::isfinite(phase_deg)) return;
  config_.phase_deg[tone] = std::remainder(phase_deg, 360.0);
  update_tone(tone);
}

}  // namespace deminer::dsp::md
