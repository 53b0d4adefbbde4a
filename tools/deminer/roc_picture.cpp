#include "roc_picture.hpp"

#include <plplot/plstream.h>

#include <algorithm>
#include <fstream>

#include "deminer/dsp/core/error.hpp"

namespace deminer::tools {

void write_roc_png(const std::vector<RocLine>& lines, const RocMark& mark, const std::string& title,
                   const std::filesystem::path& path) {
  {
    // PLplot reports an unwritable file only on stderr; check first to give a real error.
    std::ofstream probe(path);
    if (!probe) throw Error("cannot write picture " + path.string() + " (does the folder exist?)");
  }
  double far_max = 0.1;
  for (const RocLine& line : lines) {
    for (const auto& p : line.curve->points) {
      far_max = std::max(far_max, p.statistics.far_per_m2.estimate);
    }
  }
  plstream pls;
  pls.sdev("pngcairo");
  pls.sfnam(path.string().c_str());
  pls.spage(0, 0, 1000, 800, 0, 0);
  pls.scolbg(255, 255, 255);
  pls.scol0(1, 0, 0, 0);  // axes, text
  const int colours[][3] = {
      {30, 90, 200}, {220, 120, 20}, {120, 120, 120}, {40, 160, 60}, {200, 20, 20}};
  for (int i = 0; i < 5; ++i) pls.scol0(2 + i, colours[i][0], colours[i][1], colours[i][2]);
  pls.init();
  pls.adv(0);
  pls.vpor(0.10, 0.95, 0.10, 0.90);
  pls.wind(0.0, far_max * 1.05, 0.0, 1.02);
  pls.col0(1);
  pls.box("bcgnst", 0.0, 0, "bcgnstv", 0.0, 0);
  pls.lab("false alarms per m²", "probability of detection", title.c_str());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    // A step from the origin through every threshold's (FAR, Pd).
    std::vector<PLFLT> far = {0.0};
    std::vector<PLFLT> pd = {0.0};
    for (const auto& p : lines[i].curve->points) {
      far.push_back(p.statistics.far_per_m2.estimate);
      pd.push_back(p.statistics.pd.estimate);
    }
    pls.col0(static_cast<PLINT>(2 + i % 5));
    pls.width(2.0);
    pls.line(static_cast<PLINT>(far.size()), far.data(), pd.data());
    const PLFLT y = 0.30 - 0.05 * static_cast<double>(i);
    const PLFLT key_x[] = {far_max * 0.70, far_max * 0.78};
    const PLFLT key_y[] = {y, y};
    pls.line(2, key_x, key_y);
    pls.ptex(far_max * 0.80, y, 1.0, 0.0, 0.0, lines[i].label.c_str());
  }
  pls.col0(1);
  PLFLT x = mark.far_per_m2;
  PLFLT y = mark.pd;
  pls.poin(1, &x, &y, 17);
  // Right-aligned in the right half, so the label stays inside the frame.
  pls.ptex(x, y + 0.025, 1.0, 0.0, x > 0.5 * far_max ? 1.0 : 0.0, mark.label.c_str());
}

}  // namespace deminer::tools
