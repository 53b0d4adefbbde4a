// Validation of a block's Config fields (private to dsp/src): one message format everywhere.
#pragma once

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

}  // namespace deminer::dsp::detail
