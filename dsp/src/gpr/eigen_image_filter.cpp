#include "deminer/dsp/gpr/eigen_image_filter.hpp"

#include <Eigen/SVD>
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

Eigen::VectorXd EigenImageFilter::apply(BscanMap bscan) const {
  if (bscan.size() == 0) return {};
  const Eigen::MatrixXd x = bscan.cast<double>();
  const Eigen::BDCSVD<Eigen::MatrixXd> svd(x, Eigen::ComputeThinU | Eigen::ComputeThinV);
  const auto rank_bound = static_cast<std::size_t>(svd.singularValues().size());
  const std::size_t first = std::min(config_.first_component, rank_bound);
  const std::size_t last = std::min(config_.last_component, rank_bound);
  if (first < last) {
    const auto start = static_cast<Eigen::Index>(first);
    const auto count = static_cast<Eigen::Index>(last - first);
    const Eigen::MatrixXd removed = svd.matrixU().middleCols(start, count) *
                                    svd.singularValues().segment(start, count).asDiagonal() *
                                    svd.matrixV().middleCols(start, count).transpose();
    bscan = (x - removed).cast<float>();
  }
  return svd.singularValues();
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
