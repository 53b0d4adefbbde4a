#include "deminer/dsp/gpr/eigen_image_filter.hpp"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <stdexcept>
#include <string>

namespace deminer::dsp {

EigenImageFilter::EigenImageFilter(const Config& config) : config_(config) {
  if (config.last_component <= config.first_component) {
    throw std::invalid_argument(
        "EigenImageFilter: last_component " + std::to_string(config.last_component) +
        " is invalid (need > first_component " + std::to_string(config.first_component) + ")");
  }
}

// The SVD through the eigen-decomposition of the smaller Gram matrix: with XᵀX = V Λ Vᵀ,
// σ_k = √λ_k and σ_k u_k v_kᵀ = X v_k v_kᵀ, so the components come out without forming U (and
// symmetrically through X Xᵀ = U Λ Uᵀ when there are fewer samples than traces). Why not
// Eigen's BDCSVD: it took minutes to compile in every build (native, sanitizer, fuzz and each
// cross target), and squaring costs only the accuracy of singular values below ~1e-8 σ_0, far
// under the float32 data's own precision.
Eigen::VectorXd EigenImageFilter::apply(BscanMap bscan) const {
  if (bscan.size() == 0) return {};
  const Eigen::MatrixXd x = bscan.cast<double>();
  const bool by_traces = x.cols() <= x.rows();
  const Eigen::MatrixXd gram =
      by_traces ? Eigen::MatrixXd(x.transpose() * x) : Eigen::MatrixXd(x * x.transpose());
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(gram);
  const Eigen::Index rank_bound = gram.rows();
  // Eigen sorts eigenvalues ascending; components are numbered by descending σ.
  const Eigen::VectorXd singular_values = eigen.eigenvalues().reverse().cwiseMax(0.0).cwiseSqrt();
  const Eigen::MatrixXd basis = eigen.eigenvectors().rowwise().reverse();
  const auto first = static_cast<Eigen::Index>(
      std::min(config_.first_component, static_cast<std::size_t>(rank_bound)));
  const auto last = static_cast<Eigen::Index>(
      std::min(config_.last_component, static_cast<std::size_t>(rank_bound)));
  if (first < last) {
    const auto vectors = basis.middleCols(first, last - first);
    const Eigen::MatrixXd removed = by_traces ? Eigen::MatrixXd(x * vectors * vectors.transpose())
                                              : Eigen::MatrixXd(vectors * vectors.transpose() * x);
    bscan = (x - removed).cast<float>();
  }
  return singular_values;
}

Eigen::VectorXd EigenImageFilter::apply(std::span<float> data, std::size_t samples,
                                        std::size_t traces) const {
  if (data.size() != samples * traces) {
    throw std::invalid_argument(
        "EigenImageFilter: data of " + std::to_string(data.size()) +
        " samples is invalid (need samples · traces = " + std::to_string(samples * traces) + ")");
  }
  return apply(
      BscanMap(data.data(), static_cast<Eigen::Index>(samples), static_cast<Eigen::Index>(traces)));
}

}  // namespace deminer::dsp
