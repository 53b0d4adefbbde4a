// Speed of the streaming GPR slice (dewow -> background removal -> envelope -> energy detector),
// in traces per second, at 512 and 2048 samples per trace. The same run measures one forward +
// inverse FFT of the trace length (the FFTs the envelope must do), so the pipeline's cost can be
// read as a ratio to that bound rather than as an absolute time.
#include <benchmark/benchmark.h>

#include <array>
#include <complex>
#include <vector>

#include "deminer/dsp/core/fft.hpp"
#include "deminer/dsp/pipeline/gpr_pipeline.hpp"
#include "deminer/sim/gpr/scene.hpp"

namespace {

using deminer::dsp::Detection;
using deminer::dsp::GprPipeline;

deminer::sim::SimulatedScene make_scene(std::size_t samples) {
  auto scene = deminer::sim::default_gpr_scene();
  scene.samples_per_trace = samples;
  return deminer::sim::simulate_gpr_scene(scene);
}

void BM_GprPipeline(benchmark::State& state) {
  const auto samples = static_cast<std::size_t>(state.range(0));
  const auto scene = make_scene(samples);
  auto config = GprPipeline::default_config();
  config.samples_per_trace = samples;
  GprPipeline pipeline(config);
  std::array<Detection, 4> out{};
  std::size_t detections = 0;
  std::size_t i = 0;
  for (auto _ : state) {
    if (i == scene.traces.size()) {
      detections += pipeline.flush(out);
      pipeline.reset();
      i = 0;
    }
    detections += pipeline.process(scene.traces[i++].view(), out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["traces_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  benchmark::DoNotOptimize(detections);
}
BENCHMARK(BM_GprPipeline)->Arg(512)->Arg(2048);

// The bound: one forward and one inverse real FFT of n samples. The envelope zero-pads a trace of
// n samples to 2n (no circular wrap-around), so both n and 2n are measured.
void BM_FftBound(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  deminer::dsp::RealFft fft(n);
  std::vector<float> x(n, 0.5f);
  std::vector<std::complex<float>> spectrum(fft.spectrum_size());
  for (auto _ : state) {
    fft.forward(x, spectrum);
    fft.inverse(spectrum, x);
    benchmark::DoNotOptimize(x.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FftBound)->Arg(512)->Arg(1024)->Arg(2048)->Arg(4096);

}  // namespace
