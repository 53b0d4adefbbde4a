#include "deminer/sim/md/vlf_chain_config.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "deminer/dsp/core/error.hpp"

namespace deminer::sim::md {
namespace {

// The smallest window holding a whole number of periods of every tone (within the
// demodulator's 1e-6), scaled to about vlf_target_window_s.
std::size_t window_for(const dsp::md::VlfBlockHeader& header) {
  constexpr std::size_t max_base = 1'000'000;
  for (std::size_t base = 1; base <= max_base; ++base) {
    bool whole = true;
    for (const double tone : header.tones()) {
      const double periods = static_cast<double>(base) * tone / header.sample_rate_hz;
      whole = whole && std::abs(periods - std::round(periods)) <= 1e-7 * std::max(1.0, periods);
    }
    if (!whole) continue;
    const double multiple =
        std::round(vlf_target_window_s * header.sample_rate_hz / static_cast<double>(base));
    return base * static_cast<std::size_t>(std::max(1.0, multiple));
  }
  throw FormatError("VLF block: no window of up to " + std::to_string(max_base) +
                    " samples holds a whole number of periods of every tone at " +
                    std::to_string(header.sample_rate_hz) + " S/s");
}

}  // namespace

dsp::VlfPipeline::Config vlf_chain_config_for(const dsp::md::VlfBlockHeader& header) {
  dsp::VlfPipeline::Config config;
  if (header.tone_count == 0 || header.tone_count > dsp::md::max_tones) {
    throw FormatError("VLF block: " + std::to_string(header.tone_count) + " tones (expected 1 to " +
                      std::to_string(dsp::md::max_tones) + ")");
  }
  config.demodulator.sample_rate_hz = header.sample_rate_hz;
  config.demodulator.tone_count = header.tone_count;
  config.demodulator.tone_hz = header.tone_hz;
  config.demodulator.window_samples = window_for(header);
  const double channel_rate_hz =
      header.sample_rate_hz / static_cast<double>(config.demodulator.window_samples);
  config.motion_filter.channel_rate_hz = channel_rate_hz;
  config.pinpoint.channel_rate_hz = channel_rate_hz;
  // Hand sweeps of about 0.5 m/s over a lane of a metre or so (the simulator's) bring the coil
  // back over a target after 1-3 s; a 1 Hz edge lets the band-pass tail of one pass die before
  // the next (the chain's 0.5 Hz default suits slower sweeps; tests/sim/test_md_chains.cpp).
  config.motion_filter.low_hz = 1.0;
  // A head calibrated like the simulator's (md_scene.hpp): no air offset, no electronics phase,
  // raw phasor gain·I·(−iω)·ΔL; a +90° turn and the conjugate give gain·ω·I·conj(ΔL).
  config.calibration.tone_count = header.tone_count;
  for (std::size_t k = 0; k < header.tone_count; ++k) config.calibration.phase_deg[k] = 90.0;
  return config;
}

}  // namespace deminer::sim::md
