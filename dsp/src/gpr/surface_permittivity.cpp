#include "deminer/dsp/gpr/surface_permittivity.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <boost/math/quadrature/gauss.hpp>
#include <boost/math/special_functions/hankel.hpp>
#include <cmath>
#include <limits>
#include <numbers>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "../core/check_range.hpp"
#include "deminer/dsp/core/error.hpp"
#include "deminer/dsp/core/fft.hpp"
#include "deminer/dsp/gpr/refraction.hpp"

namespace deminer::dsp {
namespace {

using Complex = std::complex<double>;
constexpr const char* block = "SurfacePermittivity";

// √(a) on the branch of a wave that propagates away or decays (imaginary part <= 0).
Complex vertical_wavenumber(double a) {
  return a >= 0.0 ? Complex(std::sqrt(a), 0.0) : Complex(0.0, -std::sqrt(-a));
}

// Gauss-Legendre over [from, to]: the integrands below are smooth there (their kinks are split
// off and their square-root ends straightened by a substitution), so a fixed rule is enough:
// 1e-8 against adaptive quadrature, at a tenth of its cost.
Complex integral(auto integrand, double from, double to) {
  return boost::math::quadrature::gauss<double, 40>::integrate(integrand, from, to);
}

// Model traces for one (εr, height): the spectrum of the air shot, the FFT, the gate.
class SurfaceModel {
 public:
  SurfaceModel(std::span<const float> air_shot, const SurfacePermittivityConfig& config,
               std::size_t gate)
      : config_(config),
        gate_(gate),
        fft_(fast_fft_size(2 * air_shot.size())),
        spectrum_(fft_.spectrum_size()),
        product_(fft_.spectrum_size()),
        trace_(fft_.size()) {
    std::vector<float> padded(fft_.size(), 0.0f);
    std::copy(air_shot.begin(), air_shot.end(), padded.begin());
    fft_.forward(padded, spectrum_);
    float peak = 0.0f;
    for (const auto& bin : spectrum_) peak = std::max(peak, std::abs(bin));
    const double bin_hz = 1.0 / (static_cast<double>(fft_.size()) * config.sample_interval_s);
    for (std::size_t i = 1; i < spectrum_.size(); ++i) {
      if (std::abs(spectrum_[i]) >= 1e-3f * peak) {
        band_.push_back(i);
        wavenumbers_.push_back(2.0 * std::numbers::pi * bin_hz * static_cast<double>(i) /
                               speed_of_light_m_per_s);
      }
    }
  }

  // The predicted ground - air shot over the gate.
  Eigen::VectorXd predict(double permittivity, double height_m) {
    std::fill(product_.begin(), product_.end(), std::complex<float>(0.0f));
    for (std::size_t b = 0; b < band_.size(); ++b) {
      const Complex ratio = surface_reflection_ratio(wavenumbers_[b], permittivity, height_m,
                                                     config_.antenna_offset_m);
      product_[band_[b]] = spectrum_[band_[b]] * std::complex<float>(ratio);
    }
    fft_.inverse(product_, trace_);
    Eigen::VectorXd out(static_cast<Eigen::Index>(gate_));
    const double scale = 1.0 / static_cast<double>(fft_.size());
    for (std::size_t k = 0; k < gate_; ++k) out[static_cast<Eigen::Index>(k)] = trace_[k] * scale;
    return out;
  }

 private:
  const SurfacePermittivityConfig& config_;
  std::size_t gate_;
  RealFft fft_;
  std::vector<std::complex<float>> spectrum_;
  std::vector<std::complex<float>> product_;
  std::vector<float> trace_;
  std::vector<std::size_t> band_;
  std::vector<double> wavenumbers_;
};

void validate(const SurfacePermittivityConfig& c) {
  using detail::check_range;
  check_range(block, "sample_interval_s", c.sample_interval_s, 0.0, 1e-6, true);
  check_range(block, "antenna_height_m", c.antenna_height_m, 0.0, 2.0, true);
  check_range(block, "antenna_offset_m", c.antenna_offset_m, 0.0, 2.0, true);
  check_range(block, "gate_after_peak_s", c.gate_after_peak_s, 0.0, 1e-6, true);
  check_range(block, "max_permittivity", c.max_permittivity, 2.0, 100.0, true);
  check_range(block, "min_relative_uncertainty", c.min_relative_uncertainty, 0.0, 1.0);
  check_range(block, "max_relative_residual", c.max_relative_residual, 0.0, 1.0, true);
}

}  // namespace

Complex surface_reflection_ratio(double k, double permittivity, double height_m, double offset_m) {
  const double x = offset_m;
  const double two_h = 2.0 * height_m;
  auto fresnel = [&](Complex kz0, double kx) {
    const Complex kz1 = vertical_wavenumber(permittivity * k * k - kx * kx);
    return (kz0 - kz1) / (kz0 + kz1);
  };
  // Propagating in air, kx = k sin φ (dkx / kz0 = dφ): smooth on [0, π/2].
  const Complex propagating = integral(
      [&](double phi) {
        const double kx = k * std::sin(phi);
        const double kz0 = k * std::cos(phi);
        return fresnel(kz0, kx) * std::cos(kx * x) * std::exp(Complex(0.0, -kz0 * two_h));
      },
      0.0, std::numbers::pi / 2.0);
  // Evanescent in air, kx = k cosh u (dkx / kz0 = j du), decaying as e^{-2kh sinh u}; kz1 has a
  // square-root kink at the soil's branch point u1 (kx = √εr·k), taken out by u = u1 ∓ s² on
  // either side; the tail is cut where the decay is below e^-40.
  auto evanescent = [&](double u) {
    const double kx = k * std::cosh(u);
    const Complex kz0(0.0, -k * std::sinh(u));
    return Complex(0.0, 1.0) * fresnel(kz0, kx) * std::cos(kx * x) *
           std::exp(-k * two_h * std::sinh(u));
  };
  const double branch = std::acosh(std::sqrt(permittivity));
  const double end = std::max(std::asinh(40.0 / (k * two_h)), branch);
  const Complex below = integral([&](double s) { return 2.0 * s * evanescent(branch - s * s); },
                                 0.0, std::sqrt(branch));
  const Complex above = integral([&](double s) { return 2.0 * s * evanescent(branch + s * s); },
                                 0.0, std::sqrt(end - branch));
  const Complex reflected = propagating + below + above;
  return reflected / (0.5 * std::numbers::pi * boost::math::cyl_hankel_2(0, k * x));
}

std::vector<float> predict_surface_echo(std::span<const float> air_shot,
                                        double relative_permittivity,
                                        const SurfacePermittivityConfig& config) {
  validate(config);
  detail::check_range(block, "relative_permittivity", relative_permittivity, 1.0, 1e9);
  SurfaceModel model(air_shot, config, air_shot.size());
  const Eigen::VectorXd echo = model.predict(relative_permittivity, config.antenna_height_m);
  std::vector<float> out(air_shot.size());
  for (std::size_t k = 0; k < out.size(); ++k) {
    out[k] = static_cast<float>(echo[static_cast<Eigen::Index>(k)]);
  }
  return out;
}

SurfacePermittivity estimate_surface_permittivity(std::span<const float> air_shot,
                                                  std::span<const float> ground,
                                                  const SurfacePermittivityConfig& config) {
  validate(config);
  if (air_shot.size() != ground.size() || air_shot.size() < 16) {
    throw std::invalid_argument(std::string(block) + ": the air shot has " +
                                std::to_string(air_shot.size()) + " samples and the ground trace " +
                                std::to_string(ground.size()) +
                                "; they must be of the same radar and length (>= 16)");
  }
  const std::size_t n = air_shot.size();
  Eigen::VectorXd echo(static_cast<Eigen::Index>(n));
  for (std::size_t k = 0; k < n; ++k) {
    if (!std::isfinite(air_shot[k]) || !std::isfinite(ground[k])) {
      throw std::invalid_argument(
          std::string(block) + ": sample " + std::to_string(k) + " of the " +
          (std::isfinite(air_shot[k]) ? "ground trace" : "air shot") + " is not finite");
    }
    echo[static_cast<Eigen::Index>(k)] = static_cast<double>(ground[k]) - air_shot[k];
  }
  double air_energy = 0.0;
  for (const float a : air_shot) air_energy += static_cast<double>(a) * a;
  Eigen::Index peak = 0;
  echo.cwiseAbs().maxCoeff(&peak);
  if (air_energy == 0.0) {
    throw std::invalid_argument(std::string(block) +
                                ": the air shot is all zeros (was the radar transmitting?)");
  }
  if (!(echo.squaredNorm() > 1e-12 * air_energy)) {
    throw std::invalid_argument(std::string(block) +
                                ": the ground trace equals the air shot, so there is no surface "
                                "echo to measure (was the antenna over the ground?)");
  }
  const auto gate = std::min<std::size_t>(
      n,
      static_cast<std::size_t>(peak) +
          static_cast<std::size_t>(std::ceil(config.gate_after_peak_s / config.sample_interval_s)) +
          1);
  const Eigen::VectorXd target = echo.head(static_cast<Eigen::Index>(gate));
  const double target_energy = target.squaredNorm();

  SurfaceModel model(air_shot, config, gate);
  const double min_permittivity = 1.01;
  const double min_height = 1e-3;
  const double max_height = 2.0;
  auto residual = [&](const Eigen::Vector2d& p) -> Eigen::VectorXd {
    return target - model.predict(p[0], p[1]);
  };

  // Start: the best of a geometric grid of εr at the configured height.
  Eigen::Vector2d p(min_permittivity, config.antenna_height_m);
  double cost = std::numeric_limits<double>::infinity();
  constexpr int grid = 8;
  for (int i = 0; i < grid; ++i) {
    const double permittivity =
        1.5 * std::pow(config.max_permittivity / 1.5, static_cast<double>(i) / (grid - 1));
    const Eigen::Vector2d candidate(permittivity, config.antenna_height_m);
    const double c = residual(candidate).squaredNorm();
    if (c < cost) {
      cost = c;
      p = candidate;
    }
  }

  // Levenberg-Marquardt on (εr, h), or on εr alone.
  const int unknowns = config.fit_height ? 2 : 1;
  auto jacobian = [&](const Eigen::Vector2d& at, const Eigen::VectorXd& r) {
    Eigen::MatrixXd j(static_cast<Eigen::Index>(gate), unknowns);
    for (int u = 0; u < unknowns; ++u) {
      Eigen::Vector2d step = at;
      const double delta = 1e-5 * at[u];
      step[u] += delta;
      j.col(u) = (r - residual(step)) / delta;  // derivative of the prediction
    }
    return j;
  };
  auto clamp = [&](Eigen::Vector2d q) {
    q[0] = std::clamp(q[0], min_permittivity, config.max_permittivity);
    q[1] = std::clamp(q[1], min_height, max_height);
    return q;
  };
  Eigen::VectorXd r = residual(p);
  cost = r.squaredNorm();
  double lambda = 1e-3;
  std::size_t iterations = 0;
  Eigen::MatrixXd j = jacobian(p, r);
  for (; iterations < 50; ++iterations) {
    const Eigen::MatrixXd normal = j.transpose() * j;
    const Eigen::VectorXd gradient = j.transpose() * r;
    bool accepted = false;
    bool converged = false;
    while (!accepted && lambda < 1e10) {
      Eigen::MatrixXd damped = normal;
      damped.diagonal() += lambda * normal.diagonal();
      const Eigen::VectorXd step = damped.ldlt().solve(gradient);
      Eigen::Vector2d candidate = p;
      candidate.head(unknowns) += step;
      candidate = clamp(candidate);
      const Eigen::VectorXd next_r = residual(candidate);
      const double next_cost = next_r.squaredNorm();
      if (next_cost < cost) {
        converged =
            (cost - next_cost) < 1e-10 * cost ||
            (std::abs(candidate[0] - p[0]) < 1e-7 * p[0] && std::abs(candidate[1] - p[1]) < 1e-9);
        p = candidate;
        r = next_r;
        cost = next_cost;
        lambda = std::max(lambda / 10.0, 1e-12);
        accepted = true;
      } else {
        lambda *= 10.0;
      }
    }
    if (!accepted || converged) break;
    j = jacobian(p, r);
  }

  SurfacePermittivity result;
  result.relative_permittivity = p[0];
  result.antenna_height_m = p[1];
  result.relative_residual = cost / target_energy;
  result.gate_samples = gate;
  result.iterations = iterations;
  const double variance = cost / static_cast<double>(std::max<std::size_t>(
                                     gate - static_cast<std::size_t>(unknowns), 1));
  const Eigen::MatrixXd covariance =
      variance * (j.transpose() * j).ldlt().solve(Eigen::MatrixXd::Identity(unknowns, unknowns));
  const double floor = config.min_relative_uncertainty * p[0];
  result.permittivity_sigma = std::sqrt(std::max(covariance(0, 0), 0.0) + floor * floor);
  if (config.fit_height) result.height_sigma_m = std::sqrt(std::max(covariance(1, 1), 0.0));

  if (!(result.relative_residual <= config.max_relative_residual)) {
    std::ostringstream message;
    message << block << ": the surface echo does not fit a flat half-space (misfit "
            << 100.0 * result.relative_residual << " % of its energy, limit "
            << 100.0 * config.max_relative_residual << " %; best εr " << p[0] << ", height " << p[1]
            << " m). Check that the air shot was taken with the antenna in the air, by the "
            << "same radar with the same settings, the antenna offset, and that the ground under "
            << "the antenna is bare and flat.";
    throw Error(message.str());
  }
  return result;
}

}  // namespace deminer::dsp
