// deminer replay for metal-detector recordings (device kind metal_detector): the VLF chain over
// phase-locked raw ADC blocks or the PI chain over gate frames, exactly as the handheld unit would
// run them; one line (or JSON object) per detection with its place across and along the lane, its
// SNR and identity, paired with the truth of `deminer simulate --md` when given; optionally a PNG
// of the chain's output along time with the detections marked.
//
// Why here and not in the GPR replay: the chains, their configurations, their features and their
// truth differ; replay_command.cpp dispatches on the recording's device kind.
// Without --config the chain is built from the recording itself: VLF sample rate and tones from
// the first block, a demodulation window of a whole number of periods of every tone close to
// 1 ms, and the calibration of a simulated head (no air offset, electronics phase 0: a phase
// rotation of +90° per tone, since the raw phasor is gain·I·(−iω)·ΔL and the calibrated one
// gain·ω·I·conj(ΔL)); PI gate times and pulse length from the first frame.
// Units: metres, seconds, degrees, microseconds in the output. Workstation code: allocates and
// throws (ConfigError, FormatError, IoError) on bad input.
#pragma once

#include <string>

namespace deminer::tools {

struct MdReplayOptions {
  std::string recording_path;
  std::string config_path;     // VLF or PI pipeline JSON; empty: built from the recording
  std::string truth_path;      // md truth JSON of `deminer simulate --md`; empty: none
  std::string picture_path;    // PNG; empty: none
  double ground_grab_s = 1.0;  // VLF: seconds at the start to grab the ground angle from; 0: off
  bool json = false;
  bool print_config = false;
};

// True when `path` is a deminer recording (magic) whose device kind is metal_detector. Files
// that are not deminer recordings give false; a damaged deminer header throws FormatError.
[[nodiscard]] bool is_metal_detector_recording(const std::string& path);

// Runs the replay; returns the exit status.
int replay_metal_detector(const MdReplayOptions& options);

// The paragraph `deminer replay --help` shows about metal-detector recordings.
[[nodiscard]] std::string md_replay_help();

}  // namespace deminer::tools
