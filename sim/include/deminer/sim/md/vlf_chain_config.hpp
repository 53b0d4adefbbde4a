// The VLF chain set up for a recording's sensor head: the demodulator from the block header, and
// the calibration of a head built like the simulator's (md_scene.hpp).
//
// Why: replaying a recording (`deminer replay`) and processing a simulated lane
// (lane/lane_detection.hpp) must run the same chain, or their figures would not be comparable.
#pragma once

#include "deminer/dsp/md/md_frame.hpp"
#include "deminer/dsp/pipeline/vlf_pipeline.hpp"

namespace deminer::sim::md {

// A demodulation window of about this length: 1 kS/s channel rate, for which the chain's event
// and tracking defaults (in channel samples) are made.
inline constexpr double vlf_target_window_s = 1e-3;

// Demodulator: the header's sample rate and tones, a window of a whole number of periods of
// every tone (within the demodulator's 1e-6) of about vlf_target_window_s; motion band-pass from
// 1 Hz (hand sweeps); calibration phase +90° per tone (the simulator's raw phasor convention).
// Throws FormatError when the header has no tones, too many, or no such window exists.
[[nodiscard]] dsp::VlfPipeline::Config vlf_chain_config_for(const dsp::md::VlfBlockHeader& header);

}  // namespace deminer::sim::md
