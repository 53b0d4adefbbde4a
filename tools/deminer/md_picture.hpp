// The picture of a metal-detector replay, as PNG (PLplot's cairo PNG device): the chain's
// detection signal along time with the detections marked and labelled — VLF: the
// ground-balanced, motion-filtered signal (volts), with a second panel of the calibrated X/R
// plane of the detection tone; PI: the balanced output of the strongest pair (SNR, σ of its own
// noise).
// Why: to see what the chain saw — how far the targets stand above the noise, where the ground
// line lies, what a missed or false detection looked like.
// Memory is bounded whatever the recording's length: the signal is kept as min/max per bucket,
// and the buckets merge pairwise (the time step doubles) once max_buckets are full; the X/R
// points are thinned the same way.
// Units: seconds from the first frame, volts (VLF) or σ (PI).
#pragma once

#include <complex>
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace deminer::tools {

class MdPicture {
 public:
  static constexpr std::size_t max_buckets = 4000;

  explicit MdPicture(bool with_phasors) : with_phasors_(with_phasors) {}

  // One output sample at time_s (increasing); `phasor` is the calibrated X + iR (VLF only).
  void add(double time_s, float value, std::complex<float> phasor);

  struct Bucket {
    double time_s = 0.0;  // of the bucket's first sample
    float min = 0.0f;
    float max = 0.0f;
  };
  [[nodiscard]] const std::vector<Bucket>& buckets() const noexcept { return buckets_; }
  [[nodiscard]] const std::vector<std::complex<float>>& phasors() const noexcept {
    return phasors_;
  }
  [[nodiscard]] bool with_phasors() const noexcept { return with_phasors_; }
  // Samples per bucket (and per kept X/R point).
  [[nodiscard]] std::size_t stride() const noexcept { return stride_; }

 private:
  void halve();

  bool with_phasors_;
  std::vector<Bucket> buckets_;
  std::vector<std::complex<float>> phasors_;
  std::size_t stride_ = 1;
  std::size_t in_bucket_ = 0;  // samples in the last bucket
  std::size_t phasor_count_ = 0;
};

struct MdPictureMarker {
  double time_s = 0.0;
  std::string label;
};

struct MdPictureOptions {
  std::string title;
  std::string value_label;               // y axis of the signal panel
  std::vector<MdPictureMarker> markers;  // detections: red crosses with labels
};

// Throws deminer::Error if the picture cannot be written or there is nothing to draw.
void write_md_png(const MdPicture& picture, const MdPictureOptions& options,
                  const std::filesystem::path& path);

}  // namespace deminer::tools
