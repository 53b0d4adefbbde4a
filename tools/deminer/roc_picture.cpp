#include "roc_picture.hpp"

#include <plplot/plstream.h>

#include <algorithm>
#include <fstream>

#include "deminer/dsp/core/error.hpp"

namespace deminer::tools {

void write_roc_png(const std::vector<RocLine>& lines, const std::optional<RocMark>& mark,
                   const std::string& title, const std::filesystem::path& path) {
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
  constexpr int colour_count = 10;
  const int colours[colour_count][3] = {
      {30, 90, 200},  {220, 120, 20}, {120, 120, 120}, {40, 160, 60},   {200, 20, 20},
      {140, 70, 170}, {20, 170, 190}, {190, 150, 0},   {230, 100, 170}, {90, 60, 30}};
  for (int i = 0; i < colour_count; ++i) {
    pls.scol0(2 + i, colours[i][0], colours[i][1], colours[i][2]);
  }
  pls.init();
  pls.adv(0);
  pls.vpor(0.10, 0.95, 0.10, 0.90);
  pls.wind(0.0, far_max * 1.05, 0.0, 1.02);
  pls.col0(1);
  pls.box("bcgnst", 0.0, 0, "bcgnstv", 0.0, 0);
  pls.lab("false alarms per m²", "probability of detection", title.c_str());
  std::size_t longest = 0;
  for (const RocLine& line : lines) longest = std::max(longest, line.label.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    // A step from the origin through every threshold's (FAR, Pd).
    std::vector<PLFLT> far = {0.0};
    std::vector<PLFLT> pd = {0.0};
    for (const auto& p : lines[i].curve->points) {
      far.push_back(p.statistics.far_per_m2.estimate);
      pd.push_back(p.statistics.pd.estimate);
    }
    pls.col0(static_cast<PLINT>(2 + i % colour_count));
    pls.lsty(i < colour_count ? 1 : 2);
    pls.width(2.0);
    pls.line(static_cast<PLINT>(far.size()), far.data(), pd.data());
    // The key stacks upwards from the lower right corner, its text ending near the frame (a
    // character is about 1.6 % of the frame's width).
    const PLFLT y = 0.05 + 0.045 * static_cast<double>(lines.size() - 1 - i);
    const PLFLT text_x = far_max * std::max(0.10, 0.97 - 0.016 * static_cast<double>(longest));
    const PLFLT key_x[] = {text_x - far_max * 0.10, text_x - far_max * 0.02};
    const PLFLT key_y[] = {y, y};
    pls.line(2, key_x, key_y);
    pls.ptex(text_x, y, 1.0, 0.0, 0.0, lines[i].label.c_str());
  }
  pls.lsty(1);
  if (!mark) return;
  pls.col0(1);
  PLFLT x = mark->far_per_m2;
  PLFLT y = mark->pd;
  pls.poin(1, &x, &y, 17);
  // Right-aligned in the right half, so the label stays inside the frame.
  pls.ptex(x, y + 0.025, 1.0, 0.0, x > 0.5 * far_max ? 1.0 : 0.0, mark->label.c_str());
}

}  // namespace deminer::tools
