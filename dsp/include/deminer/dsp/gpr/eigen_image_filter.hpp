// Eigen-image filter: remove chosen singular-value components ("eigen-images") from a B-scan.
//
// Why: write the B-scan X (samples x traces, one column per trace) as X = Σ_k σ_k u_k v_kᵀ
// (SVD, σ_0 >= σ_1 >= ...). Features that are the same in every trace (direct coupling, ground
// surface, antenna ringing) are nearly rank one and land in the first component; a buried
// object's hyperbola changes from trace to trace and spreads over later components. Removing
// component 0 is therefore a background removal that, unlike a mean trace, also follows a
// background whose amplitude varies along the track; removing the last components is a denoiser.
// Batch and workstation only: the SVD needs the whole B-scan (no streaming, it allocates, it is
// O(samples · traces · min(samples, traces))). Double precision, through the eigen-decomposition
// of the smaller Gram matrix (see the .cpp for why).
// Units: none (components are indices, 0 = largest singular value). Latency: the whole B-scan.
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <span>

namespace deminer::dsp {

class EigenImageFilter {
 public:
  struct Config {
    std::size_t first_component = 0;  // remove components [first, last)
    std::size_t last_component = 1;   // > first_component; clipped to the rank bound
  };

  using BscanMap = Eigen::Map<Eigen::MatrixXf>;  // column-major: column j = trace j

  // Throws std::invalid_argument naming the field unless first_component < last_component.
  explicit EigenImageFilter(const Config& config);

  // Removes the components from `bscan` in place and returns all singular values of the input
  // (descending, min(samples, traces) of them). Components at or beyond min(samples, traces) do
  // not exist and are ignored. Allocates; not for the streaming path.
  Eigen::VectorXd apply(BscanMap bscan) const;
  // The same over a float buffer of `traces` traces of `samples` samples each, trace after trace
  // (data.size() == samples · traces, else std::invalid_argument).
  Eigen::VectorXd apply(std::span<float> data, std::size_t samples, std::size_t traces) const;

  [[nodiscard]] const Config& config() const noexcept { return config_; }

 private:
  Config config_;
};

}  // namespace deminer::dsp
