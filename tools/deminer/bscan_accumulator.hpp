// Collects processed traces for a picture in bounded memory: when max_traces columns are held,
// every other column is dropped and from then on only every 2nd (4th, ...) trace is kept. A
// 10 GB survey and a 1 MB one take the same memory, and the picture still spans the whole track.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "bscan_picture.hpp"

namespace deminer::tools {

class BscanAccumulator {
 public:
  BscanAccumulator(std::size_t samples_per_trace, std::size_t max_traces);

  // Offers one trace (samples_per_trace values) at an along-track position.
  void add(std::span<const float> samples, double position_m);

  [[nodiscard]] std::size_t traces() const noexcept { return positions_.size(); }
  [[nodiscard]] std::size_t stride() const noexcept { return stride_; }
  // The image over what was kept; valid while this object lives and is not added to.
  [[nodiscard]] BscanImage image(double first_time_ns, double dt_ns) const;

 private:
  void halve();

  std::size_t samples_per_trace_;
  std::size_t max_traces_;
  std::size_t stride_ = 1;
  std::size_t offered_ = 0;
  std::vector<float> samples_;
  std::vector<double> positions_;
};

}  // namespace deminer::tools
