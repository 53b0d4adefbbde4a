// Real FFT of a fixed length, float32, with a choice of backend.
//
// Why this shape: every spectral block in deminer needs "real trace in, half spectrum out" and
// back, at one length fixed at start-up. The plan (FFTW) or twiddle table (KissFFT) and the
// aligned work buffers are made in the constructor; forward()/inverse() are noexcept and never
// allocate, so they may run on the streaming path.
//
// Backends: FFTW (fftwf, GPL) when the project is configured with DEMINER_FFT=fftw, and KissFFT
// (BSD) always. A vendor who cannot ship GPL code configures DEMINER_FFT=kissfft and FFTW is then
// neither compiled nor linked.
//
// Conventions (FFTW's): forward X[k] = sum_n x[n] e^{-2πi kn/N}, k = 0..N/2 (N/2+1 bins);
// inverse is unnormalised, so inverse(forward(x)) = N·x. Any N >= 2 is accepted, but only even
// sizes whose prime factors are 2, 3 and 5 are guaranteed allocation-free: for odd sizes FFTW may
// pick a buffered algorithm that allocates while executing, and KissFFT allocates scratch for
// prime factors above 5. Streaming blocks therefore size their transforms with fast_fft_size().
#pragma once

#include <complex>
#include <cstddef>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace deminer::dsp {

enum class FftBackend { fftw, kissfft };

[[nodiscard]] std::string_view to_string(FftBackend b) noexcept;
// The backend chosen at configure time (DEMINER_FFT).
[[nodiscard]] FftBackend default_fft_backend() noexcept;
// Every backend compiled into this build (the default first).
[[nodiscard]] std::vector<FftBackend> available_fft_backends();

// The smallest even n' >= n whose prime factors are all 2, 3 or 5 (allocation-free, fast).
[[nodiscard]] std::size_t fast_fft_size(std::size_t n) noexcept;

class RealFft {
 public:
  // Throws std::invalid_argument if n < 2 or the backend is not compiled in.
  explicit RealFft(std::size_t n, FftBackend backend = default_fft_backend());
  ~RealFft();
  RealFft(RealFft&&) noexcept;
  RealFft& operator=(RealFft&&) noexcept;
  RealFft(const RealFft&) = delete;
  RealFft& operator=(const RealFft&) = delete;

  [[nodiscard]] std::size_t size() const noexcept { return n_; }
  [[nodiscard]] std::size_t spectrum_size() const noexcept { return n_ / 2 + 1; }
  [[nodiscard]] FftBackend backend() const noexcept { return backend_; }

  // in.size() == size(), out.size() == spectrum_size(); other sizes are a programming error
  // (checked by assert in debug builds).
  void forward(std::span<const float> in, std::span<std::complex<float>> out) noexcept;
  // in.size() == spectrum_size(), out.size() == size(). The imaginary parts of bin 0 (and of bin
  // N/2 for even N) are ignored. Unnormalised: scale by 1/N yourself.
  void inverse(std::span<const std::complex<float>> in, std::span<float> out) noexcept;

  class Impl;

 private:
  std::size_t n_;
  FftBackend backend_;
  std::unique_ptr<Impl> impl_;
};

// Complex FFT of a fixed length, float32, same backends and conventions as RealFft: forward
// X[k] = sum_n x[n] e^{-2πi kn/N}, k = 0..N-1; inverse uses e^{+2πi kn/N} and is unnormalised,
// so inverse(forward(x)) = N·x. Why: 2-D transforms (F-K migration) need a complex transform
// along the second axis. Any N >= 1 is accepted; as for RealFft, only even sizes whose prime
// factors are 2, 3 and 5 (fast_fft_size()) are guaranteed allocation-free. In place (the same
// span for in and out) is allowed and costs one copy through the plan's own buffer.
class ComplexFft {
 public:
  // Throws std::invalid_argument if n < 1 or the backend is not compiled in.
  explicit ComplexFft(std::size_t n, FftBackend backend = default_fft_backend());
  ~ComplexFft();
  ComplexFft(ComplexFft&&) noexcept;
  ComplexFft& operator=(ComplexFft&&) noexcept;
  ComplexFft(const ComplexFft&) = delete;
  ComplexFft& operator=(const ComplexFft&) = delete;

  [[nodiscard]] std::size_t size() const noexcept { return n_; }
  [[nodiscard]] FftBackend backend() const noexcept { return backend_; }

  // in.size() == out.size() == size() (checked by assert in debug builds).
  void forward(std::span<const std::complex<float>> in,
               std::span<std::complex<float>> out) noexcept;
  // Unnormalised: scale by 1/N yourself.
  void inverse(std::span<const std::complex<float>> in,
               std::span<std::complex<float>> out) noexcept;

  class Impl;

 private:
  std::size_t n_;
  FftBackend backend_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace deminer::dsp
