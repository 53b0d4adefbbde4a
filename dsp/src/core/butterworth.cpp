#include "deminer/dsp/core/butterworth.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <complex>
#include <limits>
#include <numbers>
#include <sstream>
#include <stdexcept>
#include <string>

namespace deminer::dsp {

namespace {

using Complex = std::complex<double>;

constexpr int max_order = 24;

// A root with scipy's notion of "real" (exactly zero imaginary part after _cplxreal) kept
// explicit, because the pairing rules branch on it.
struct Root {
  Complex value;
  bool real = false;
};

std::string describe(double v) {
  std::ostringstream s;
  s.precision(17);
  s << v;
  return s.str();
}

// scipy's _cplxreal: split into real roots and one representative (positive imaginary part) of
// each conjugate pair, both sorted by real part; conjugate pairs are averaged.
std::vector<Root> split_conjugates(std::vector<Complex> roots) {
  const double tolerance = 100.0 * std::numeric_limits<double>::epsilon();
  std::stable_sort(roots.begin(), roots.end(), [](const Complex& a, const Complex& b) {
    if (a.real() != b.real()) return a.real() < b.real();
    return std::abs(a.imag()) < std::abs(b.imag());
  });
  std::vector<Root> complex_roots;
  std::vector<Root> real_roots;
  std::vector<Complex> negative;
  for (const Complex& r : roots) {
    if (std::abs(r.imag()) <= tolerance * std::abs(r)) {
      real_roots.push_back({Complex(r.real(), 0.0), true});
    } else if (r.imag() > 0.0) {
      complex_roots.push_back({r, false});
    } else {
      negative.push_back(r);
    }
  }
  assert(negative.size() == complex_roots.size());
  for (std::size_t i = 0; i < complex_roots.size() && i < negative.size(); ++i) {
    complex_roots[i].value = (complex_roots[i].value + std::conj(negative[i])) / 2.0;
  }
  complex_roots.insert(complex_roots.end(), real_roots.begin(), real_roots.end());
  return complex_roots;
}

// Index of the root closest to the unit circle (first one on ties, like numpy's argmin).
std::size_t index_closest_to_unit_circle(const std::vector<Root>& roots, bool real_only) {
  std::size_t best = roots.size();
  double best_distance = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < roots.size(); ++i) {
    if (real_only && !roots[i].real) continue;
    const double distance = std::abs(1.0 - std::abs(roots[i].value));
    if (distance < best_distance) {
      best_distance = distance;
      best = i;
    }
  }
  return best;
}

enum class RootKind { real, complex, any };

// scipy's _nearest_real_complex_idx.
std::size_t index_nearest(const std::vector<Root>& roots, Complex to, RootKind kind) {
  std::size_t best = roots.size();
  double best_distance = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < roots.size(); ++i) {
    if (kind == RootKind::real && !roots[i].real) continue;
    if (kind == RootKind::complex && roots[i].real) continue;
    const double distance = std::abs(roots[i].value - to);
    if (distance < best_distance) {
      best_distance = distance;
      best = i;
    }
  }
  assert(best < roots.size());
  return best;
}

Root take(std::vector<Root>& roots, std::size_t index) {
  const Root r = roots[index];
  roots.erase(roots.begin() + static_cast<std::ptrdiff_t>(index));
  return r;
}

// Monic polynomial with the given (one or two) roots, right-aligned in three coefficients like
// scipy's _single_zpksos: {1, -r} becomes {0, 1, -r}.
std::array<double, 3> monic_polynomial(std::span<const Complex> roots) {
  if (roots.empty()) return {0.0, 0.0, 1.0};
  if (roots.size() == 1) return {0.0, 1.0, -roots[0].real()};
  const Complex sum = roots[0] + roots[1];
  const Complex product = roots[0] * roots[1];
  return {1.0, -sum.real(), product.real()};
}

SosSection make_section(std::span<const Complex> zeros, std::span<const Complex> poles) {
  const auto b = monic_polynomial(zeros);
  const auto a = monic_polynomial(poles);
  // scipy keeps a0 in the sos row; a leading zero there only happens for fewer poles than
  // zeros, which never occurs for Butterworth designs.
  assert(a[0] == 1.0);
  return {b[0], b[1], b[2], a[1], a[2]};
}

// scipy's zpk2sos(z, p, k) with pairing='nearest' for a digital filter.
std::vector<SosSection> zeros_poles_to_sections(std::vector<Complex> zeros,
                                                std::vector<Complex> poles, double gain) {
  while (poles.size() < zeros.size()) poles.emplace_back(0.0);
  while (zeros.size() < poles.size()) zeros.emplace_back(0.0);
  const std::size_t section_count = (poles.size() + 1) / 2;
  if (poles.size() % 2 == 1) {
    poles.emplace_back(0.0);
    zeros.emplace_back(0.0);
  }
  std::vector<Root> z = split_conjugates(zeros);
  std::vector<Root> p = split_conjugates(poles);

  const auto count_real = [](const std::vector<Root>& roots) {
    return static_cast<std::size_t>(
        std::count_if(roots.begin(), roots.end(), [](const Root& r) { return r.real; }));
  };

  std::vector<SosSection> sections(section_count);
  for (std::size_t si = section_count; si-- > 0;) {
    const Root p1 = take(p, index_closest_to_unit_circle(p, false));
    if (p1.real && count_real(p) == 0) {
      // Last remaining real pole: pair it with the nearest real zero, plus a pole and a zero at 0.
      const Root z1 = take(z, index_nearest(z, p1.value, RootKind::real));
      const Complex section_zeros[] = {z1.value, 0.0};
      const Complex section_poles[] = {p1.value, 0.0};
      sections[si] = make_section(section_zeros, section_poles);
    } else if (p.size() + 1 == z.size() && !p1.real && count_real(p) == 1 && count_real(z) == 1) {
      // One real pole and one real zero remain: this complex pole must take a complex zero.
      const Root z1 = take(z, index_nearest(z, p1.value, RootKind::complex));
      const Complex section_zeros[] = {z1.value, std::conj(z1.value)};
      const Complex section_poles[] = {p1.value, std::conj(p1.value)};
      sections[si] = make_section(section_zeros, section_poles);
    } else {
      Complex p2 = std::conj(p1.value);
      if (p1.real) p2 = take(p, index_closest_to_unit_circle(p, true)).value;
      const Complex section_poles[] = {p1.value, p2};
      if (z.empty()) {
        sections[si] = make_section({}, section_poles);
      } else {
        const Root z1 = take(z, index_nearest(z, p1.value, RootKind::any));
        if (!z1.real) {
          const Complex section_zeros[] = {z1.value, std::conj(z1.value)};
          sections[si] = make_section(section_zeros, section_poles);
        } else if (!z.empty()) {
          const Root z2 = take(z, index_nearest(z, p1.value, RootKind::real));
          const Complex section_zeros[] = {z1.value, z2.value};
          sections[si] = make_section(section_zeros, section_poles);
        } else {
          const Complex section_zeros[] = {z1.value};
          sections[si] = make_section(section_zeros, section_poles);
        }
      }
    }
  }
  assert(p.empty() && z.empty());
  sections.front().b0 *= gain;
  sections.front().b1 *= gain;
  sections.front().b2 *= gain;
  return sections;
}

std::vector<Complex> multiply_all(std::span<const Complex> roots, Complex factor) {
  std::vector<Complex> out(roots.begin(), roots.end());
  for (auto& r : out) r *= factor;
  return out;
}

Complex product_of_negated(std::span<const Complex> roots) {
  Complex product = 1.0;
  for (const auto& r : roots) product *= -r;
  return product;
}

// Low-pass prototype at unit cutoff moved to a band-pass (or, with `invert`, band-stop) of centre
// wo and width bw: s -> (s^2 + wo^2) / (s bw) (scipy's lp2bp_zpk / lp2bs_zpk).
std::vector<Complex> shift_to_band(std::span<const Complex> scaled, double wo) {
  std::vector<Complex> out;
  out.reserve(2 * scaled.size());
  for (const auto& r : scaled) out.push_back(r + std::sqrt(r * r - wo * wo));
  for (const auto& r : scaled) out.push_back(r - std::sqrt(r * r - wo * wo));
  return out;
}

}  // namespace

std::vector<SosSection> design_butterworth(int order, FilterBandType type, double cutoff_low,
                                           double cutoff_high) {
  if (order < 1 || order > max_order) {
    throw std::invalid_argument("design_butterworth: order " + std::to_string(order) +
                                " is invalid (need 1.." + std::to_string(max_order) + ")");
  }
  const bool two_edges = type == FilterBandType::bandpass || type == FilterBandType::bandstop;
  if (!(cutoff_low > 0.0 && cutoff_low < 1.0)) {
    throw std::invalid_argument("design_butterworth: cutoff_low " + describe(cutoff_low) +
                                " is invalid (need a fraction of Nyquist in (0, 1))");
  }
  if (two_edges && !(cutoff_high > cutoff_low && cutoff_high < 1.0)) {
    throw std::invalid_argument("design_butterworth: cutoff_high " + describe(cutoff_high) +
                                " is invalid (need cutoff_low " + describe(cutoff_low) +
                                " < cutoff_high < 1)");
  }

  // Analog prototype (scipy's buttap): poles on the left half of the unit circle, no zeros.
  std::vector<Complex> zeros;
  std::vector<Complex> poles;
  for (int m = -order + 1; m < order; m += 2) {
    poles.push_back(-std::exp(Complex(0.0, std::numbers::pi * m / (2.0 * order))));
  }
  double gain = 1.0;

  // Pre-warp so that the digital filter has its -3 dB points at the requested cutoffs
  // (bilinear transform with fs = 2, as scipy).
  const double fs = 2.0;
  const auto warp = [&](double w) { return 2.0 * fs * std::tan(std::numbers::pi * w / fs); };
  const double warped_low = warp(cutoff_low);
  const std::size_t degree = poles.size();  // no finite zeros in the prototype

  switch (type) {
    case FilterBandType::lowpass: {
      poles = multiply_all(poles, warped_low);
      gain *= std::pow(warped_low, static_cast<double>(degree));
      break;
    }
    case FilterBandType::highpass: {
      gain *= (product_of_negated(zeros) / product_of_negated(poles)).real();
      for (auto& p : poles) p = warped_low / p;
      zeros.assign(degree, 0.0);
      break;
    }
    case FilterBandType::bandpass: {
      const double warped_high = warp(cutoff_high);
      const double bw = warped_high - warped_low;
      const double wo = std::sqrt(warped_low * warped_high);
      poles = shift_to_band(multiply_all(poles, bw / 2.0), wo);
      zeros.assign(degree, 0.0);
      gain *= std::pow(bw, static_cast<double>(degree));
      break;
    }
    case FilterBandType::bandstop: {
      const double warped_high = warp(cutoff_high);
      const double bw = warped_high - warped_low;
      const double wo = std::sqrt(warped_low * warped_high);
      gain *= (product_of_negated(zeros) / product_of_negated(poles)).real();
      std::vector<Complex> inverted;
      for (const auto& p : poles) inverted.push_back((bw / 2.0) / p);
      poles = shift_to_band(inverted, wo);
      zeros.assign(degree, Complex(0.0, wo));
      zeros.insert(zeros.end(), degree, Complex(0.0, -wo));
      break;
    }
  }

  // Bilinear transform (scipy's bilinear_zpk with fs = 2): zeros at infinity go to Nyquist.
  const double fs2 = 2.0 * fs;
  Complex numerator = 1.0;
  Complex denominator = 1.0;
  for (const auto& z : zeros) numerator *= fs2 - z;
  for (const auto& p : poles) denominator *= fs2 - p;
  gain *= (numerator / denominator).real();
  const std::size_t relative_degree = poles.size() - zeros.size();
  for (auto& z : zeros) z = (fs2 + z) / (fs2 - z);
  for (auto& p : poles) p = (fs2 + p) / (fs2 - p);
  zeros.insert(zeros.end(), relative_degree, Complex(-1.0, 0.0));

  return zeros_poles_to_sections(std::move(zeros), std::move(poles), gain);
}

std::size_t sosfiltfilt_default_padding(std::span<const SosSection> sections) noexcept {
  std::size_t zero_b2 = 0;
  std::size_t zero_a2 = 0;
  for (const auto& s : sections) {
    zero_b2 += s.b2 == 0.0 ? 1 : 0;
    zero_a2 += s.a2 == 0.0 ? 1 : 0;
  }
  const std::size_t taps = 2 * sections.size() + 1 - std::min(zero_b2, zero_a2);
  return 3 * taps;
}

namespace {

std::vector<SosSection> design_from_config(const ButterworthFilter::Config& c) {
  if (c.order < 1 || c.order > max_order) {
    throw std::invalid_argument("ButterworthFilter: order " + std::to_string(c.order) +
                                " is invalid (need 1.." + std::to_string(max_order) + ")");
  }
  if (!(c.sample_interval_s > 0.0) || !std::isfinite(c.sample_interval_s)) {
    throw std::invalid_argument("ButterworthFilter: sample_interval_s " +
                                describe(c.sample_interval_s) + " is invalid (need > 0)");
  }
  const double nyquist_hz = 0.5 / c.sample_interval_s;
  const bool uses_low = c.type != FilterBandType::lowpass;
  const bool uses_high = c.type != FilterBandType::highpass;
  const std::string range =
      " Hz is invalid (need 0 < f < Nyquist = " + describe(nyquist_hz) + " Hz";
  if (uses_low && !(c.low_hz > 0.0 && c.low_hz < nyquist_hz)) {
    throw std::invalid_argument("ButterworthFilter: low_hz " + describe(c.low_hz) + range + ")");
  }
  if (uses_high && !(c.high_hz > 0.0 && c.high_hz < nyquist_hz)) {
    throw std::invalid_argument("ButterworthFilter: high_hz " + describe(c.high_hz) + range + ")");
  }
  if (uses_low && uses_high && !(c.high_hz > c.low_hz)) {
    throw std::invalid_argument("ButterworthFilter: high_hz " + describe(c.high_hz) +
                                " is invalid (need > low_hz = " + describe(c.low_hz) + ")");
  }
  switch (c.type) {
    case FilterBandType::lowpass:
      return design_butterworth(c.order, c.type, c.high_hz / nyquist_hz);
    case FilterBandType::highpass:
      return design_butterworth(c.order, c.type, c.low_hz / nyquist_hz);
    default:
      return design_butterworth(c.order, c.type, c.low_hz / nyquist_hz, c.high_hz / nyquist_hz);
  }
}

}  // namespace

ButterworthFilter::ButterworthFilter(const Config& config, std::size_t max_samples)
    : config_(config), max_samples_(max_samples), sections_(design_from_config(config)) {
  if (max_samples == 0) {
    throw std::invalid_argument("ButterworthFilter: max_samples 0 is invalid (need >= 1)");
  }
  state_.resize(sections_.size());
  padding_ = sosfiltfilt_default_padding(sections_);

  // scipy's sosfilt_zi: per section, the direct-form-II-transposed state that a unit step leaves
  // once settled, (I - A) zi = B, scaled by the DC gain of the sections before it.
  steady_state_.resize(sections_.size());
  double scale = 1.0;
  for (std::size_t i = 0; i < sections_.size(); ++i) {
    const SosSection& s = sections_[i];
    Eigen::Matrix2d identity_minus_companion;
    identity_minus_companion << 1.0 + s.a1, -1.0, s.a2, 1.0;
    const Eigen::Vector2d rhs(s.b1 - s.a1 * s.b0, s.b2 - s.a2 * s.b0);
    const Eigen::Vector2d zi = identity_minus_companion.partialPivLu().solve(rhs);
    steady_state_[i] = {scale * zi[0], scale * zi[1]};
    scale *= (s.b0 + s.b1 + s.b2) / (1.0 + s.a1 + s.a2);
  }
  if (config.zero_phase) extended_.resize(max_samples + 2 * padding_);
}

void ButterworthFilter::run_cascade(std::span<double> signal) noexcept {
  for (double& sample : signal) {
    double x = sample;
    for (std::size_t s = 0; s < sections_.size(); ++s) {
      const SosSection& c = sections_[s];
      SectionState& z = state_[s];
      const double y = c.b0 * x + z.z1;
      z.z1 = c.b1 * x - c.a1 * y + z.z2;
      z.z2 = c.b2 * x - c.a2 * y;
      x = y;
    }
    sample = x;
  }
}

void ButterworthFilter::process(std::span<const float> in, std::span<float> out) noexcept {
  assert(in.size() == out.size() && in.size() <= max_samples_);
  const std::size_t n = in.size();
  if (n == 0) return;

  if (!config_.zero_phase) {
    std::fill(state_.begin(), state_.end(), SectionState{});
    for (std::size_t i = 0; i < n; ++i) {
      double x = in[i];
      for (std::size_t s = 0; s < sections_.size(); ++s) {
        const SosSection& c = sections_[s];
        SectionState& z = state_[s];
        const double y = c.b0 * x + z.z1;
        z.z1 = c.b1 * x - c.a1 * y + z.z2;
        z.z2 = c.b2 * x - c.a2 * y;
        x = y;
      }
      out[i] = static_cast<float>(x);
    }
    return;
  }

  // Odd extension (scipy's odd_ext): the trace mirrored through its end samples, so that the
  // filter's start-up transient falls in the extension and not on the trace.
  const std::size_t edge = n > padding_ ? padding_ : n - 1;
  const std::size_t total = n + 2 * edge;
  std::span<double> ext = std::span(extended_).first(total);
  const double first = in.front();
  const double last = in.back();
  for (std::size_t i = 0; i < edge; ++i) {
    ext[i] = 2.0 * first - static_cast<double>(in[edge - i]);
    ext[edge + n + i] = 2.0 * last - static_cast<double>(in[n - 2 - i]);
  }
  for (std::size_t i = 0; i < n; ++i) ext[edge + i] = in[i];

  // Forward pass from the steady state of a step of height ext[0], then the backward pass from
  // the steady state of a step of height (last forward output), as scipy's sosfiltfilt.
  const auto start_from_step = [&](double height) {
    for (std::size_t s = 0; s < state_.size(); ++s) {
      state_[s] = {steady_state_[s].z1 * height, steady_state_[s].z2 * height};
    }
  };
  start_from_step(ext.front());
  run_cascade(ext);
  std::reverse(ext.begin(), ext.end());
  start_from_step(ext.front());
  run_cascade(ext);
  std::reverse(ext.begin(), ext.end());
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<float>(ext[edge + i]);
}

}  // namespace deminer::dsp
