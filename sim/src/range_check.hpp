// Validation of the simulators' configurations (private to sim/src): collects the first offence
// as "<field>: <value> is out of range [lo, hi]", so validate() throws one message naming the
// JSON path of the field.
#pragma once

#include <sstream>
#include <string>

namespace deminer::sim::detail {

class RangeCheck {
 public:
  // A field outside [lo, hi] (an end excluded when lo_open / hi_open). NaN is never inside.
  void operator()(const std::string& field, double value, double lo, double hi,
                  bool lo_open = false, bool hi_open = false) {
    const bool above = lo_open ? value > lo : value >= lo;
    const bool below = hi_open ? value < hi : value <= hi;
    if (!message_.empty() || (above && below)) return;
    std::ostringstream out;
    out << field << ": " << value << " is out of range " << (lo_open ? "(" : "[") << lo << ", "
        << hi << (hi_open ? ")" : "]");
    message_ = out.str();
  }
  // An offence that is not a range: "<field>: <what>".
  void fail(const std::string& field, const std::string& what) {
    if (message_.empty()) message_ = field + ": " + what;
  }
  // Another check's message under a path prefix (e.g. "gpr/").
  void prefixed(const std::string& prefix, const std::string& message) {
    if (message_.empty() && !message.empty()) message_ = prefix + message;
  }
  // "" when every field was inside.
  [[nodiscard]] const std::string& message() const { return message_; }

 private:
  std::string message_;
};

}  // namespace deminer::sim::detail
