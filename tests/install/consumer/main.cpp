// An outside program using the installed deminer::dsp.
#include <cmath>
#include <complex>
#include <cstdio>
#include <deminer/dsp/core/fft.hpp>
#include <numbers>
#include <vector>

int main() {
  constexpr std::size_t n = 64;
  std::vector<float> x(n);
  for (std::size_t i = 0; i < n; ++i) {
    x[i] = static_cast<float>(std::cos(2.0 * std::numbers::pi * 4.0 * static_cast<double>(i) / n));
  }
  deminer::dsp::RealFft fft(n);
  std::vector<std::complex<float>> spectrum(fft.spectrum_size());
  fft.forward(x, spectrum);
  std::printf("bin4=%.1f\n", static_cast<double>(std::abs(spectrum[4])));
  return 0;
}
