// Speed of one forward + one inverse real FFT, per backend and size (items = transforms).
#include <benchmark/benchmark.h>

#include <complex>
#include <random>
#include <vector>

#include "deminer/dsp/core/fft.hpp"

namespace {

using deminer::dsp::FftBackend;

void forward_inverse(benchmark::State& state, FftBackend backend) {
  const auto n = static_cast<std::size_t>(state.range(0));
  deminer::dsp::RealFft fft(n, backend);
  std::vector<float> x(n);
  std::mt19937 rng(1);
  std::normal_distribution<float> noise;
  for (auto& v : x) v = noise(rng);
  std::vector<std::complex<float>> spectrum(fft.spectrum_size());
  std::vector<float> back(n);
  for (auto _ : state) {
    fft.forward(x, spectrum);
    fft.inverse(spectrum, back);
    benchmark::DoNotOptimize(back.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["ns_per_sample"] =
      benchmark::Counter(static_cast<double>(state.iterations() * n),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void register_all() {
  for (auto backend : deminer::dsp::available_fft_backends()) {
    auto* b = benchmark::RegisterBenchmark(
        ("fft_forward_inverse/" + std::string(deminer::dsp::to_string(backend))).c_str(),
        [backend](benchmark::State& s) { forward_inverse(s, backend); });
    for (long n : {256, 512, 1000, 1024, 1536, 2048, 3000, 4096}) b->Arg(n);
  }
}

const bool registered = (register_all(), true);

}  // namespace
