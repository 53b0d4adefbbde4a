#include "bscan_picture.hpp"

#include <plplot/plstream.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <vector>

#include "deminer/dsp/core/error.hpp"

namespace deminer::tools {
namespace {

double clip_level(std::span<const float> samples, double quantile) {
  std::vector<float> magnitudes(samples.size());
  std::transform(samples.begin(), samples.end(), magnitudes.begin(),
                 [](float v) { return std::isfinite(v) ? std::abs(v) : 0.0f; });
  if (magnitudes.empty()) return 1.0;
  const auto k = static_cast<std::size_t>(quantile * static_cast<double>(magnitudes.size() - 1));
  std::nth_element(magnitudes.begin(), magnitudes.begin() + static_cast<std::ptrdiff_t>(k),
                   magnitudes.end());
  const double level = magnitudes[k];
  return level > 0.0 ? level : 1.0;
}

// Blue - white - red: the usual radargram scale, zero (no echo) in white, polarity readable.
void set_diverging_colour_map(plstream& pls) {
  const PLFLT position[] = {0.0, 0.5, 1.0};
  const PLFLT red[] = {0.05, 1.0, 0.70};
  const PLFLT green[] = {0.19, 1.0, 0.01};
  const PLFLT blue[] = {0.57, 1.0, 0.05};
  pls.scmap1n(256);
  pls.scmap1l(true, 3, position, red, green, blue);
}

void draw_markers(plstream& pls, const std::vector<PictureMarker>& markers, PLINT colour,
                  PLINT symbol, bool with_labels) {
  pls.col0(colour);
  for (const auto& m : markers) {
    PLFLT x = m.position_m;
    PLFLT y = m.time_ns;
    pls.poin(1, &x, &y, symbol);
    if (with_labels && !m.label.empty()) pls.ptex(x, y, 1.0, 0.0, -0.15, m.label.c_str());
  }
}

}  // namespace

void write_bscan_png(const BscanImage& image, const BscanPictureOptions& options,
                     const std::filesystem::path& path) {
  if (image.traces == 0 || image.samples_per_trace == 0) {
    throw Error("cannot draw " + path.string() + ": the B-scan has no traces");
  }
  {
    // PLplot reports an unwritable file only on stderr; check first to give a real error.
    std::ofstream probe(path, std::ios::binary);
    if (!probe) throw Error("cannot write picture " + path.string() + " (does the folder exist?)");
  }

  const double clip = clip_level(image.samples, options.clip_quantile);
  std::vector<std::vector<PLFLT>> columns(image.traces,
                                          std::vector<PLFLT>(image.samples_per_trace));
  std::vector<const PLFLT*> rows(image.traces);
  for (std::size_t t = 0; t < image.traces; ++t) {
    for (std::size_t i = 0; i < image.samples_per_trace; ++i) {
      const double v = image.samples[t * image.samples_per_trace + i];
      columns[t][i] = std::isfinite(v) ? std::clamp(v, -clip, clip) : 0.0;
    }
    rows[t] = columns[t].data();
  }

  const double x_min = image.first_position_m;
  const double x_max = image.traces > 1 ? image.last_position_m : x_min + 1e-3;
  const double t_min = image.first_time_ns;
  const double t_max = t_min + image.dt_ns * static_cast<double>(image.samples_per_trace - 1);

  plstream pls;
  pls.sdev("pngcairo");
  pls.sfnam(path.string().c_str());
  pls.spage(0, 0, 1400, 900, 0, 0);
  pls.scolbg(255, 255, 255);
  pls.scol0(1, 0, 0, 0);      // axes and text: black
  pls.scol0(2, 220, 20, 20);  // detections: red
  pls.scol0(3, 10, 150, 40);  // truth: green
  pls.init();
  set_diverging_colour_map(pls);

  pls.adv(0);
  pls.vpor(0.10, 0.86, 0.10, 0.90);
  pls.wind(x_min, x_max, t_max, t_min);  // time grows downwards
  pls.imagefr(rows.data(), static_cast<PLINT>(image.traces),
              static_cast<PLINT>(image.samples_per_trace), x_min, x_max, t_min, t_max, -clip, clip,
              -clip, clip, nullptr, nullptr);
  pls.col0(1);
  pls.box("bcnst", 0.0, 0, "bcnstv", 0.0, 0);
  pls.lab("position along track (m)", "two-way time (ns)", options.title.c_str());

  pls.schr(0.0, 0.9);
  draw_markers(pls, options.truth, 3, 4, false);
  draw_markers(pls, options.detections, 2, 5, true);
  pls.schr(0.0, 1.0);

  pls.col0(1);
  PLFLT bar_width = 0.0;
  PLFLT bar_height = 0.0;
  PLINT label_opts[] = {PL_COLORBAR_LABEL_TOP};
  const char* labels[] = {options.colour_label.c_str()};
  const char* axis_opts[] = {"bcvtm"};
  PLFLT ticks[] = {0.0};
  PLINT sub_ticks[] = {0};
  PLINT n_values[] = {2};
  const PLFLT range[] = {-clip, clip};
  const PLFLT* values[] = {range};
  pls.colorbar(&bar_width, &bar_height, PL_COLORBAR_IMAGE, PL_POSITION_RIGHT, 0.03, 0.0, 0.03, 0.82,
               0, 1, 1, 0.0, 0.0, 0, 0.0, 1, label_opts, labels, 1, axis_opts, ticks, sub_ticks,
               n_values, values);
  std::string legend;
  if (!options.detections.empty()) legend = "red x: detection";
  if (!options.truth.empty())
    legend += std::string(legend.empty() ? "" : "    ") + "green circle: truth";
  if (!legend.empty()) {
    pls.mtex("b", -1.5, 0.98, 1.0, legend.c_str());
  }
}

}  // namespace deminer::tools
