// Private: the backend interfaces behind RealFft and ComplexFft. Each backend lives in its own .cpp
// so that a KissFFT-only build neither compiles nor links FFTW.
#pragma once

#include <complex>
#include <memory>
#include <span>

#include "deminer/dsp/core/fft.hpp"

namespace deminer::dsp {

class RealFft::Impl {
 public:
  virtual ~Impl() = default;
  virtual void forward(std::span<const float> in, std::span<std::complex<float>> out) noexcept = 0;
  virtual void inverse(std::span<const std::complex<float>> in, std::span<float> out) noexcept = 0;
};

class ComplexFft::Impl {
 public:
  virtual ~Impl() = default;
  // inverse == false: e^{-2πi kn/N}; true: e^{+2πi kn/N}. in and out may be the same array.
  virtual void execute(bool inverse, std::span<const std::complex<float>> in,
                       std::span<std::complex<float>> out) noexcept = 0;
};

std::unique_ptr<RealFft::Impl> make_kissfft_impl(std::size_t n);
std::unique_ptr<ComplexFft::Impl> make_kissfft_complex_impl(std::size_t n);
#ifdef DEMINER_HAVE_FFTW
std::unique_ptr<RealFft::Impl> make_fftw_impl(std::size_t n);
std::unique_ptr<ComplexFft::Impl> make_fftw_complex_impl(std::size_t n);
#endif

}  // namespace deminer::dsp
