#include "deminer/dsp/core/fft.hpp"

#include <cassert>
#include <stdexcept>
#include <string>

#include "fft_impl.hpp"

namespace deminer::dsp {

std::string_view to_string(FftBackend b) noexcept {
  return b == FftBackend::fftw ? "fftw" : "kissfft";
}

FftBackend default_fft_backend() noexcept {
#ifdef DEMINER_DEFAULT_FFT_FFTW
  return FftBackend::fftw;
#else
  return FftBackend::kissfft;
#endif
}

std::vector<FftBackend> available_fft_backends() {
#ifdef DEMINER_HAVE_FFTW
  return {FftBackend::fftw, FftBackend::kissfft};
#else
  return {FftBackend::kissfft};
#endif
}

std::size_t fast_fft_size(std::size_t n) noexcept {
  for (std::size_t candidate = n < 2 ? 2 : n + (n % 2);; candidate += 2) {
    std::size_t rest = candidate;
    for (std::size_t p : {2u, 3u, 5u}) {
      while (rest % p == 0) rest /= p;
    }
    if (rest == 1) return candidate;
  }
}

RealFft::RealFft(std::size_t n, FftBackend backend) : n_(n), backend_(backend) {
  if (n < 2) {
    throw std::invalid_argument("RealFft: size " + std::to_string(n) + " is invalid (need >= 2)");
  }
  switch (backend) {
    case FftBackend::kissfft:
      impl_ = make_kissfft_impl(n);
      break;
    case FftBackend::fftw:
#ifdef DEMINER_HAVE_FFTW
      impl_ = make_fftw_impl(n);
      break;
#else
      throw std::invalid_argument(
          "RealFft: the fftw backend is not compiled in (configure with -DDEMINER_FFT=fftw)");
#endif
  }
}

RealFft::~RealFft() = default;
RealFft::RealFft(RealFft&&) noexcept = default;
RealFft& RealFft::operator=(RealFft&&) noexcept = default;

void RealFft::forward(std::span<const float> in, std::span<std::complex<float>> out) noexcept {
  assert(in.size() == n_ && out.size() == spectrum_size());
  impl_->forward(in, out);
}

void RealFft::inverse(std::span<const std::complex<float>> in, std::span<float> out) noexcept {
  assert(in.size() == spectrum_size() && out.size() == n_);
  impl_->inverse(in, out);
}

ComplexFft::ComplexFft(std::size_t n, FftBackend backend) : n_(n), backend_(backend) {
  if (n < 1) {
    throw std::invalid_argument("ComplexFft: size 0 is invalid (need >= 1)");
  }
  switch (backend) {
    case FftBackend::kissfft:
      impl_ = make_kissfft_complex_impl(n);
      break;
    case FftBackend::fftw:
#ifdef DEMINER_HAVE_FFTW
      impl_ = make_fftw_complex_impl(n);
      break;
#else
      throw std::invalid_argument(
          "ComplexFft: the fftw backend is not compiled in (configure with -DDEMINER_FFT=fftw)");
#endif
  }
}

ComplexFft::~ComplexFft() = default;
ComplexFft::ComplexFft(ComplexFft&&) noexcept = default;
ComplexFft& ComplexFft::operator=(ComplexFft&&) noexcept = default;

void ComplexFft::forward(std::span<const std::complex<float>> in,
                         std::span<std::complex<float>> out) noexcept {
  assert(in.size() == n_ && out.size() == n_);
  impl_->execute(false, in, out);
}

void ComplexFft::inverse(std::span<const std::complex<float>> in,
                         std::span<std::complex<float>> out) noexcept {
  assert(in.size() == n_ && out.size() == n_);
  impl_->execute(true, in, out);
}

}  // namespace deminer::dsp
