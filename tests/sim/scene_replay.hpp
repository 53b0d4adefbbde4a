// Test helpers shared by the GPR scene tests: run a simulated scene through a GprPipeline.
#pragma once

#include <algorithm>
#include <span>
#include <vector>

#include "deminer/dsp/pipeline/gpr_pipeline.hpp"
#include "deminer/sim/gpr/scene.hpp"

namespace deminer::test {

inline std::vector<dsp::TraceView> views_of(const sim::SimulatedScene& scene) {
  std::vector<dsp::TraceView> views;
  for (const auto& trace : scene.traces) views.push_back(trace.view());
  return views;
}

// Feeds the traces in chunks of `chunk` through the batch interface, then flushes.
inline std::vector<dsp::Detection> run_in_chunks(dsp::GprPipeline& pipeline,
                                                 const std::vector<dsp::TraceView>& views,
                                                 std::size_t chunk) {
  std::vector<dsp::Detection> out(views.size() + 1);
  std::size_t count = 0;
  for (std::size_t first = 0; first < views.size(); first += chunk) {
    const auto batch = std::span(views).subspan(first, std::min(chunk, views.size() - first));
    count += pipeline.process(batch, std::span(out).subspan(count));
  }
  count += pipeline.flush(std::span(out).subspan(count));
  out.resize(count);
  return out;
}

}  // namespace deminer::test
