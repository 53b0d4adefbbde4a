// Small helpers the detectors share (private to dsp/src/detect).
#pragma once

#include <algorithm>

#include "../core/check_range.hpp"

namespace deminer::dsp::detail {

// Offset in [-0.5, 0.5] of the vertex of the parabola through (-1, y0), (0, y1), (1, y2) when y1
// is a local maximum; 0 when the three points do not bend down.
inline double parabola_vertex(double y0, double y1, double y2) noexcept {
  const double curvature = y0 - 2.0 * y1 + y2;
  return curvature < 0.0 ? std::clamp(0.5 * (y0 - y2) / curvature, -0.5, 0.5) : 0.0;
}

}  // namespace deminer::dsp::detail
