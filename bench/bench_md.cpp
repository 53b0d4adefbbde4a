// Speed of the metal-detector chains on simulated sweeps (moderate soil, the default targets):
// the VLF chain in raw ADC samples per second (100 kS/s, one 10 kHz tone, 1 kS/s channel) with
// the demodulation alone as the bound it cannot beat, and the PI chain in pulses per second with
// its default 13 gates. A real detector needs 100 kS/s (VLF) and 1–5 k pulses/s (PI) per core;
// the ratio to those rates is the share of one core the chain takes here.
#include <benchmark/benchmark.h>

#include <array>
#include <complex>
#include <vector>

#include "deminer/dsp/md/vlf_demodulator.hpp"
#include "deminer/dsp/pipeline/pi_pipeline.hpp"
#include "deminer/dsp/pipeline/vlf_pipeline.hpp"
#include "deminer/sim/md/md_scene.hpp"

namespace {

namespace md = deminer::sim::md;
using deminer::dsp::Detection;

constexpr double kSampleRateHz = 100e3;
constexpr std::size_t kBlockSamples = 1000;  // 10 ms, 100 periods of 10 kHz

md::MdScene vlf_scene() {
  auto scene = md::default_md_scene();
  scene.sample_rate_hz = kSampleRateHz;
  scene.samples_per_block = kBlockSamples;
  scene.tones_hz = {10e3};
  return md::simulate_md_scene(scene);
}

md::MdScene pi_scene(const deminer::dsp::PiPipeline::Config& chain) {
  auto scene = md::default_md_scene();
  scene.detector = md::MdSceneConfig::Detector::pi;
  scene.gate_times_s.assign(chain.gate_times_s.begin(), chain.gate_times_s.end());
  scene.pulse_length_s = chain.pulse_length_s;
  scene.pulse_period_s = 1e-3;
  return md::simulate_md_scene(scene);
}

void BM_VlfPipeline(benchmark::State& state) {
  const auto scene = vlf_scene();
  deminer::dsp::VlfPipeline pipeline({});
  std::array<Detection, 8> out{};
  std::vector<deminer::dsp::md::ToneOutput> tones(pipeline.max_channel_samples());
  std::size_t i = 0;
  std::size_t detections = 0;
  for (auto _ : state) {
    if (i == scene.vlf_blocks.size()) i = 0;  // the sweep again, as the coil comes back
    detections += pipeline.process(scene.vlf_blocks[i++].view(), out, tones).detections;
    benchmark::DoNotOptimize(out.data());
  }
  const double samples = static_cast<double>(state.iterations()) * kBlockSamples;
  state.SetItemsProcessed(static_cast<std::int64_t>(samples));
  state.counters["samples_per_s"] = benchmark::Counter(samples, benchmark::Counter::kIsRate);
  state.counters["realtime_x"] =
      benchmark::Counter(samples / kSampleRateHz, benchmark::Counter::kIsRate);
  benchmark::DoNotOptimize(detections);
}
BENCHMARK(BM_VlfPipeline);

// The bound: phase-locked demodulation of the same samples, nothing else.
void BM_VlfDemodulator(benchmark::State& state) {
  const auto scene = vlf_scene();
  deminer::dsp::md::VlfDemodulator demodulator({});
  std::vector<std::complex<float>> out(demodulator.windows_for(kBlockSamples) + 1);
  std::size_t i = 0;
  for (auto _ : state) {
    if (i == scene.vlf_blocks.size()) i = 0;
    benchmark::DoNotOptimize(demodulator.process(scene.vlf_blocks[i++].samples, out));
  }
  const double samples = static_cast<double>(state.iterations()) * kBlockSamples;
  state.SetItemsProcessed(static_cast<std::int64_t>(samples));
  state.counters["samples_per_s"] = benchmark::Counter(samples, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_VlfDemodulator);

void BM_PiPipeline(benchmark::State& state) {
  const auto config = deminer::dsp::PiPipeline::default_config();
  const auto scene = pi_scene(config);
  deminer::dsp::PiPipeline pipeline(config);
  std::array<Detection, 4> out{};
  std::size_t i = 0;
  std::size_t detections = 0;
  for (auto _ : state) {
    if (i == scene.pi_frames.size()) i = 0;
    detections += pipeline.process(scene.pi_frames[i++].view(), out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["pulses_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  benchmark::DoNotOptimize(detections);
}
BENCHMARK(BM_PiPipeline);

}  // namespace
