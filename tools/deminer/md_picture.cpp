// The picture of a metal-detector replay: see md_picture.hpp.
#include "md_picture.hpp"

#include <plplot/plstream.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <vector>

#include "deminer/dsp/core/error.hpp"

namespace deminer::tools {

void MdPicture::add(double time_s, float value, std::complex<float> phasor) {
  if (buckets_.empty() || in_bucket_ == stride_) {
    if (buckets_.size() == max_buckets) halve();
    if (buckets_.empty() || in_bucket_ == stride_) {
      buckets_.push_back({time_s, value, value});
      in_bucket_ = 0;
    }
  }
  Bucket& last = buckets_.back();
  last.min = std::min(last.min, value);
  last.max = std::max(last.max, value);
  ++in_bucket_;
  if (with_phasors_ && phasor_count_++ % stride_ == 0) phasors_.push_back(phasor);
}

// Two neighbouring buckets become one: constant memory, the envelope (min/max) kept.
void MdPicture::halve() {
  std::vector<Bucket> merged;
  merged.reserve(max_buckets);
  for (std::size_t i = 0; i < buckets_.size(); i += 2) {
    Bucket b = buckets_[i];
    if (i + 1 < buckets_.size()) {
      b.min = std::min(b.min, buckets_[i + 1].min);
      b.max = std::max(b.max, buckets_[i + 1].max);
    }
    merged.push_back(b);
  }
  // A full bucket pair makes a full bucket; an odd last one stays partly filled.
  in_bucket_ = buckets_.size() % 2 == 0 ? in_bucket_ + stride_ : in_bucket_;
  buckets_ = std::move(merged);
  std::vector<std::complex<float>> thinned;
  for (std::size_t i = 0; i < phasors_.size(); i += 2) thinned.push_back(phasors_[i]);
  phasors_ = std::move(thinned);
  stride_ *= 2;
  phasor_count_ = phasors_.size() * stride_;
}

void write_md_png(const MdPicture& picture, const MdPictureOptions& options,
                  const std::filesystem::path& path) {
  const auto& buckets = picture.buckets();
  if (buckets.empty()) throw Error("cannot draw " + path.string() + ": no output samples");
  {
    // PLplot reports an unwritable file only on stderr; check first to give a real error.
    std::ofstream probe(path);
    if (!probe) throw Error("cannot write picture " + path.string() + " (does the folder exist?)");
  }
  // Time runs along x; each bucket is a vertical stroke from its min to its max, so a long
  // recording shows the envelope of the signal.
  std::vector<PLFLT> times;
  std::vector<PLFLT> lows;
  std::vector<PLFLT> highs;
  double v_min = 0.0;
  double v_max = 0.0;
  for (const auto& b : buckets) {
    times.push_back(b.time_s);
    lows.push_back(b.min);
    highs.push_back(b.max);
    v_min = std::min(v_min, static_cast<double>(b.min));
    v_max = std::max(v_max, static_cast<double>(b.max));
  }
  const double span = std::max(v_max - v_min, 1e-12);
  v_min -= 0.08 * span;
  v_max += 0.15 * span;  // room for the labels
  const double t_min = times.front();
  const double t_max = std::max(times.back(), t_min + 1e-9);

  plstream pls;
  pls.sdev("pngcairo");
  pls.sfnam(path.string().c_str());
  pls.spage(0, 0, 1400, picture.with_phasors() ? 1200 : 700, 0, 0);
  pls.scolbg(255, 255, 255);
  pls.scol0(1, 0, 0, 0);        // axes and text: black
  pls.scol0(2, 220, 20, 20);    // detections: red
  pls.scol0(3, 30, 90, 200);    // signal: blue
  pls.scol0(4, 150, 150, 150);  // zero line, X/R points
  pls.init();
  pls.adv(0);
  if (picture.with_phasors()) {
    pls.vpor(0.12, 0.96, 0.52, 0.93);
  } else {
    pls.vpor(0.12, 0.96, 0.12, 0.88);
  }
  pls.wind(t_min, t_max, v_min, v_max);
  pls.col0(1);
  pls.box("bcnst", 0.0, 0, "bcnstv", 0.0, 0);
  pls.lab("time (s)", options.value_label.c_str(), options.title.c_str());
  pls.col0(4);
  const PLFLT zero_x[2] = {t_min, t_max};
  const PLFLT zero_y[2] = {0.0, 0.0};
  pls.line(2, zero_x, zero_y);
  pls.col0(3);
  // Decimated: the envelope, one line through the minima and one through the maxima.
  pls.line(static_cast<PLINT>(times.size()), times.data(), highs.data());
  if (picture.stride() > 1) pls.line(static_cast<PLINT>(times.size()), times.data(), lows.data());
  pls.col0(2);
  pls.schr(0.0, 0.9);
  for (const auto& m : options.markers) {
    // At the signal's extreme near the marker's time.
    double value = 0.0;
    for (const auto& b : buckets) {
      if (std::abs(b.time_s - m.time_s) > 0.05 * (t_max - t_min)) continue;
      if (std::abs(b.max) > std::abs(value)) value = b.max;
      if (std::abs(b.min) > std::abs(value)) value = b.min;
    }
    PLFLT x = m.time_s;
    PLFLT y = value;
    pls.poin(1, &x, &y, 5);
    pls.ptex(x, y, 1.0, 0.0, -0.1, m.label.c_str());
  }
  pls.schr(0.0, 1.0);

  if (picture.with_phasors() && !picture.phasors().empty()) {
    // The X/R plane of the calibrated detection tone: the soil's line near 0°, targets off it.
    std::vector<PLFLT> xs;
    std::vector<PLFLT> rs;
    for (const auto& z : picture.phasors()) {
      xs.push_back(z.real());
      rs.push_back(z.imag());
    }
    const auto [x_lo, x_hi] = std::minmax_element(xs.begin(), xs.end());
    const auto [r_lo, r_hi] = std::minmax_element(rs.begin(), rs.end());
    const double x_pad = std::max(*x_hi - *x_lo, 1e-12) * 0.05;
    const double r_pad = std::max(*r_hi - *r_lo, 1e-12) * 0.05;
    pls.vpor(0.30, 0.74, 0.10, 0.36);
    pls.wind(*x_lo - x_pad, *x_hi + x_pad, *r_lo - r_pad, *r_hi + r_pad);
    pls.col0(1);
    pls.box("bcnst", 0.0, 0, "bcnstv", 0.0, 0);
    pls.lab("X (V)", "R (V)", "calibrated X/R of the detection tone");
    pls.col0(3);
    pls.line(static_cast<PLINT>(xs.size()), xs.data(), rs.data());
  }
}

}  // namespace deminer::tools
