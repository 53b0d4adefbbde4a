// Small helpers the detectors share (private to dsp/src/detect).
#pragma once

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace deminer::dsp::detail {

// Throws std::invalid_argument "<block>: <field> <value> is out of range [lo, hi]" unless value
// lies in the interval (`lo_open`/`hi_open` exclude the ends). NaN is always out of range.
inline void check_range(const char* block, const char* field, double value, double lo, double hi,
                        bool lo_open = false, bool hi_open = false) {
  const bool above = lo_open ? value > lo : value >= lo;
  const bool below = hi_open ? value < hi : value <= hi;
  if (above && below) return;
  std::ostringstream message;
  message << block << ": " << field << " " << value << " is out of range " << (lo_open ? "(" : "[")
          << lo << ", " << hi << (hi_open ? ")" : "]");
  throw std::invalid_argument(message.str());
}

// Offset in [-0.5, 0.5] of the vertex of the parabola through (-1, y0), (0, y1), (1, y2) when y1
// is a local maximum; 0 when the three points do not bend down.
inline double parabola_vertex(double y0, double y1, double y2) noexcept {
  const double curvature = y0 - 2.0 * y1 + y2;
  return curvature < 0.0 ? std::clamp(0.5 * (y0 - y2) / curvature, -0.5, 0.5) : 0.0;
}

}  // namespace deminer::dsp::detail
