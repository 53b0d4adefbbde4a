// Speed of the streaming GPR chain, in traces per second, at 512 and 2048 samples per trace: the
// default chain (dewow, band-pass, background removal, envelope, CFAR with tracking, hyperbola
// fit and features at each detection) and each block alone. The same run measures one forward +
// inverse FFT of the trace length, so the chain's cost can be read as a ratio to that bound
// rather than as an absolute time.
#include <benchmark/benchmark.h>

#include <array>
#include <cmath>
#include <complex>
#include <numbers>
#include <vector>

#include "deminer/dsp/core/fft.hpp"
#include "deminer/dsp/gpr/analytic_signal.hpp"
#include "deminer/dsp/gpr/gain.hpp"
#include "deminer/dsp/gpr/surface_permittivity.hpp"
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
  GprPipeline pipeline(
      GprPipeline::default_config_for(1.5e9, scene.traces[0].header.dt_s, samples));
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

// One block alone on the traces of the default scene (in place, as in the chain).
template <class Block>
void run_block(benchmark::State& state, Block& block) {
  const auto samples = static_cast<std::size_t>(state.range(0));
  const auto scene = make_scene(samples);
  std::vector<float> work(samples);
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& trace = scene.traces[i];
    i = (i + 1) % scene.traces.size();
    std::copy(trace.samples.begin(), trace.samples.end(), work.begin());
    deminer::dsp::TraceHeader header = trace.header;  // time-zero alignment rewrites it
    if constexpr (requires { block.process(header, work, work); }) {
      block.process(header, work, work);
    } else {
      block.process(work, work);
    }
    benchmark::DoNotOptimize(work.data());
  }
  state.SetItemsProcessed(state.iterations());
}

constexpr double dt = 0.05e-9;

void BM_Dewow(benchmark::State& state) {
  deminer::dsp::Dewow block({}, static_cast<std::size_t>(state.range(0)));
  run_block(state, block);
}
void BM_DewowHighPass(benchmark::State& state) {
  deminer::dsp::Dewow::Config config;
  config.mode = deminer::dsp::Dewow::Mode::high_pass;
  deminer::dsp::Dewow block(config, static_cast<std::size_t>(state.range(0)));
  run_block(state, block);
}
void BM_BandPass(benchmark::State& state) {
  deminer::dsp::BandPass::Config config;
  config.sample_interval_s = dt;
  deminer::dsp::BandPass block(config, static_cast<std::size_t>(state.range(0)));
  run_block(state, block);
}
void BM_ButterworthZeroPhase(benchmark::State& state) {
  deminer::dsp::ButterworthFilter::Config config;
  config.sample_interval_s = dt;
  deminer::dsp::ButterworthFilter block(config, static_cast<std::size_t>(state.range(0)));
  run_block(state, block);
}
void BM_BackgroundRemoval(benchmark::State& state) {
  deminer::dsp::BackgroundRemoval block({}, static_cast<std::size_t>(state.range(0)));
  run_block(state, block);
}
void BM_TimeZeroAligner(benchmark::State& state) {
  deminer::dsp::TimeZeroAligner block({}, static_cast<std::size_t>(state.range(0)));
  run_block(state, block);
}
void BM_TPowerGain(benchmark::State& state) {
  deminer::dsp::TPowerGain block({});
  run_block(state, block);
}
void BM_Agc(benchmark::State& state) {
  deminer::dsp::AgcGain block({}, static_cast<std::size_t>(state.range(0)));
  run_block(state, block);
}
void BM_Envelope(benchmark::State& state) {
  deminer::dsp::Envelope block(static_cast<std::size_t>(state.range(0)));
  run_block(state, block);
}
BENCHMARK(BM_Dewow)->Arg(512)->Arg(2048);
BENCHMARK(BM_DewowHighPass)->Arg(512)->Arg(2048);
BENCHMARK(BM_BandPass)->Arg(512)->Arg(2048);
BENCHMARK(BM_ButterworthZeroPhase)->Arg(512)->Arg(2048);
BENCHMARK(BM_BackgroundRemoval)->Arg(512)->Arg(2048);
BENCHMARK(BM_TimeZeroAligner)->Arg(512)->Arg(2048);
BENCHMARK(BM_TPowerGain)->Arg(512)->Arg(2048);
BENCHMARK(BM_Agc)->Arg(512)->Arg(2048);
BENCHMARK(BM_Envelope)->Arg(512)->Arg(2048);

// Migration: its own output trace per input (aperture 41 traces).
void BM_KirchhoffMigration(benchmark::State& state) {
  const auto samples = static_cast<std::size_t>(state.range(0));
  const auto scene = make_scene(samples);
  deminer::dsp::KirchhoffMigration::Config config;
  config.samples_per_trace = samples;
  config.sample_interval_s = scene.traces[0].header.dt_s;
  config.time_zero_s = scene.traces[0].header.time_zero_s;
  config.relative_permittivity = 6.0;
  deminer::dsp::KirchhoffMigration migration(config);
  deminer::dsp::TraceHeader header;
  std::vector<float> out(samples);
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(migration.push(scene.traces[i].view(), header, out));
    i = (i + 1) % scene.traces.size();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_KirchhoffMigration)->Arg(512)->Arg(2048);

// The detector alone: CFAR, tracking, and at each object the hyperbola fit and the features.
void BM_CfarDetector(benchmark::State& state) {
  const auto samples = static_cast<std::size_t>(state.range(0));
  const auto scene = make_scene(samples);
  auto config = GprPipeline::default_config_for(1.5e9, scene.traces[0].header.dt_s, samples);
  config.detector = std::get<deminer::dsp::CfarDetector::Config>(config.detector);
  // The signals and envelopes the detector sees in the default chain.
  GprPipeline pipeline(config);
  std::vector<std::vector<float>> signals;
  std::vector<std::vector<float>> envelopes;
  std::array<Detection, 4> out{};
  for (const auto& trace : scene.traces) {
    pipeline.process(trace.view(), out);
    signals.emplace_back(pipeline.last_signal().begin(), pipeline.last_signal().end());
    envelopes.emplace_back(pipeline.last_envelope().begin(), pipeline.last_envelope().end());
  }
  deminer::dsp::CfarDetector detector(std::get<deminer::dsp::CfarDetector::Config>(config.detector),
                                      samples);
  std::size_t i = 0;
  std::size_t detections = 0;
  for (auto _ : state) {
    if (i == scene.traces.size()) {
      detections += detector.flush(out);
      i = 0;
    }
    detections += detector.process(scene.traces[i].header, signals[i], envelopes[i], out);
    ++i;
  }
  benchmark::DoNotOptimize(detections);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CfarDetector)->Arg(512)->Arg(2048);

// The start-up calibration of the soil (gpr/surface_permittivity.hpp) on a gprMax-sized trace
// (2969 samples of 2.36 ps, 2 GHz Ricker air shot, sand εr 4.5 under an antenna at 2 cm),
// started at 3 cm: one whole fit of εr and height, per call.
void BM_SurfacePermittivity(benchmark::State& state) {
  deminer::dsp::SurfacePermittivityConfig config;
  config.sample_interval_s = 2.358654e-12;
  config.antenna_height_m = 0.02;
  config.antenna_offset_m = 0.04;
  std::vector<float> air(2969);
  for (std::size_t i = 0; i < air.size(); ++i) {
    const double z =
        std::numbers::pi * 2e9 * (static_cast<double>(i) * config.sample_interval_s - 0.7e-9);
    air[i] = static_cast<float>((1.0 - 2.0 * z * z) * std::exp(-z * z));
  }
  auto ground = deminer::dsp::predict_surface_echo(air, 4.5, config);
  for (std::size_t i = 0; i < air.size(); ++i) ground[i] += air[i];
  config.antenna_height_m = 0.03;
  for (auto _ : state) {
    benchmark::DoNotOptimize(deminer::dsp::estimate_surface_permittivity(air, ground, config));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SurfacePermittivity)->Unit(benchmark::kMillisecond);

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
