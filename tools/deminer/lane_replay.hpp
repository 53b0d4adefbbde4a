// deminer replay for labelled lanes (a lane file, JSON): each lane simulated and run through the
// dual-sensor chain (GPR and metal detector, fused into one object per item), every object
// decided by the tuned configuration `deminer tune` wrote, loaded as the handheld loads it
// (dsp/pipeline/dual_sensor_json.hpp); one line (or JSON object) per alarm with its place, class
// and confidence and what it lies on, then Pd, false alarms per m² and clutter rejection against
// the lanes' truth. On the lanes the threshold was tuned on, these are the ROC's operating point.
//
// Why here and not in the GPR replay: the input is a scene to simulate, not a recording, and
// the chain is the dual-sensor one; replay_command.cpp dispatches on the file's extension.
// Units: metres. Workstation code: allocates and throws ConfigError on a bad file.
#pragma once

#include <string>
#include <string_view>

#include "lane_files.hpp"

namespace deminer::tools {

struct LaneReplayOptions {
  LaneSelection lanes;
  std::string config_path;  // tuned.json of `deminer tune`; required
  bool json = false;
};

// True for a lane file (.json) rather than a recording.
[[nodiscard]] bool is_lane_file(const std::string& path);

// Throws ConfigError, saying how to replay it, for a recording of a dual-sensor head (a deminer
// recording whose first sensor frame is a swept GPR trace, as `deminer simulate --lane` writes):
// it takes the tuned head (`deminer run`), not the GPR replay, which would read no trace of it.
void refuse_dual_sensor_recording(const std::string& path);

// Throws ConfigError, saying where it belongs, when `json_text` is a dual-sensor configuration
// (dsp::is_dual_sensor_config) given to a command that wants a GPR chain's.
void refuse_dual_sensor_config(std::string_view json_text, const std::string& path);

// Runs the replay; returns the exit status.
int replay_lanes(const LaneReplayOptions& options);

// The paragraph `deminer replay --help` shows about lanes.
[[nodiscard]] std::string lane_replay_help();

}  // namespace deminer::tools
