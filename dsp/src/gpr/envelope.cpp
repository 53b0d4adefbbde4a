#include "deminer/dsp/gpr/envelope.hpp"

namespace deminer::dsp {

Envelope::Envelope(std::size_t max_samples, FftBackend backend) : analytic_(max_samples, backend) {}

void Envelope::process(std::span<const float> in, std::span<float> out) noexcept {
  // The envelope needs no sample times; only the instantaneous frequency would.
  analytic_.process(TraceHeader{}, in, out, {}, {});
}

}  // namespace deminer::dsp
