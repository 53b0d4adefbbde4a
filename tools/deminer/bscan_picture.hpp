// A B-scan picture (radargram) as PNG: traces left to right, two-way time downwards, a diverging
// colour scale with its bar, axes in metres and nanoseconds, detections and truth marked.
// Drawn with PLplot's cairo PNG device.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace deminer::tools {

struct PictureMarker {
  double position_m = 0.0;
  double time_ns = 0.0;
  std::string label;
};

struct BscanImage {
  std::span<const float> samples;  // trace-major: samples[trace * samples_per_trace + i]
  std::size_t traces = 0;
  std::size_t samples_per_trace = 0;
  double first_position_m = 0.0;
  double last_position_m = 0.0;
  double first_time_ns = 0.0;  // time of sample 0
  double dt_ns = 0.0;
};

struct BscanPictureOptions {
  std::string title;
  std::string colour_label = "amplitude";
  // Colour scale clipped at this quantile of |amplitude| so one strong echo does not wash out
  // the rest (0.995: the brightest 0.5% saturate).
  double clip_quantile = 0.995;
  std::vector<PictureMarker> detections;  // drawn as red crosses with labels
  std::vector<PictureMarker> truth;       // drawn as green circles
};

// Throws deminer::Error if the picture cannot be written.
void write_bscan_png(const BscanImage& image, const BscanPictureOptions& options,
                     const std::filesystem::path& path);

}  // namespace deminer::tools
