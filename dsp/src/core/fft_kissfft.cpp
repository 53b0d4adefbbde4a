// KissFFT backend (BSD-3-Clause). Even sizes use the real transform kiss_fftr; odd sizes, which
// kiss_fftr does not support, use the complex transform on preallocated buffers.
//
// Complex transforms (ComplexFft) call kiss_fft on the caller's arrays (through a preallocated
// copy when they alias).
//
// Note: KissFFT allocates scratch while executing a size with a prime factor above 5, and when
// input and output alias; neither happens here for sizes of the form 2^a 3^b 5^c.
#include <kiss_fft.h>
#include <kiss_fftr.h>

#include <algorithm>
#include <cstdlib>
#include <new>
#include <vector>

#include "fft_impl.hpp"

namespace deminer::dsp {
namespace {

static_assert(sizeof(kiss_fft_cpx) == sizeof(std::complex<float>));

kiss_fft_cpx* as_kiss(std::complex<float>* p) noexcept {
  return reinterpret_cast<kiss_fft_cpx*>(p);
}
const kiss_fft_cpx* as_kiss(const std::complex<float>* p) noexcept {
  return reinterpret_cast<const kiss_fft_cpx*>(p);
}

class KissEvenImpl final : public RealFft::Impl {
 public:
  explicit KissEvenImpl(std::size_t n)
      : forward_(kiss_fftr_alloc(static_cast<int>(n), 0, nullptr, nullptr)),
        inverse_(kiss_fftr_alloc(static_cast<int>(n), 1, nullptr, nullptr)) {
    if (forward_ == nullptr || inverse_ == nullptr) throw std::bad_alloc();
  }
  ~KissEvenImpl() override {
    kiss_fftr_free(forward_);
    kiss_fftr_free(inverse_);
  }
  KissEvenImpl(const KissEvenImpl&) = delete;
  KissEvenImpl& operator=(const KissEvenImpl&) = delete;

  void forward(std::span<const float> in, std::span<std::complex<float>> out) noexcept override {
    kiss_fftr(forward_, in.data(), as_kiss(out.data()));
  }
  void inverse(std::span<const std::complex<float>> in, std::span<float> out) noexcept override {
    kiss_fftri(inverse_, as_kiss(in.data()), out.data());
  }

 private:
  kiss_fftr_cfg forward_;
  kiss_fftr_cfg inverse_;
};

class KissOddImpl final : public RealFft::Impl {
 public:
  explicit KissOddImpl(std::size_t n)
      : n_(n),
        forward_(kiss_fft_alloc(static_cast<int>(n), 0, nullptr, nullptr)),
        inverse_(kiss_fft_alloc(static_cast<int>(n), 1, nullptr, nullptr)),
        time_(n),
        freq_(n) {
    if (forward_ == nullptr || inverse_ == nullptr) throw std::bad_alloc();
  }
  ~KissOddImpl() override {
    kiss_fft_free(forward_);
    kiss_fft_free(inverse_);
  }
  KissOddImpl(const KissOddImpl&) = delete;
  KissOddImpl& operator=(const KissOddImpl&) = delete;

  void forward(std::span<const float> in, std::span<std::complex<float>> out) noexcept override {
    for (std::size_t i = 0; i < n_; ++i) time_[i] = {in[i], 0.0f};
    kiss_fft(forward_, as_kiss(time_.data()), as_kiss(freq_.data()));
    for (std::size_t k = 0; k < out.size(); ++k) out[k] = freq_[k];
  }
  void inverse(std::span<const std::complex<float>> in, std::span<float> out) noexcept override {
    // Rebuild the Hermitian spectrum; bin 0 of a real signal is real.
    freq_[0] = {in[0].real(), 0.0f};
    for (std::size_t k = 1; k < in.size(); ++k) {
      freq_[k] = in[k];
      freq_[n_ - k] = std::conj(in[k]);
    }
    kiss_fft(inverse_, as_kiss(freq_.data()), as_kiss(time_.data()));
    for (std::size_t i = 0; i < n_; ++i) out[i] = time_[i].real();
  }

 private:
  std::size_t n_;
  kiss_fft_cfg forward_;
  kiss_fft_cfg inverse_;
  std::vector<std::complex<float>> time_;
  std::vector<std::complex<float>> freq_;
};

class KissComplexImpl final : public ComplexFft::Impl {
 public:
  explicit KissComplexImpl(std::size_t n)
      : forward_(kiss_fft_alloc(static_cast<int>(n), 0, nullptr, nullptr)),
        inverse_(kiss_fft_alloc(static_cast<int>(n), 1, nullptr, nullptr)),
        copy_(n) {
    if (forward_ == nullptr || inverse_ == nullptr) throw std::bad_alloc();
  }
  ~KissComplexImpl() override {
    kiss_fft_free(forward_);
    kiss_fft_free(inverse_);
  }
  KissComplexImpl(const KissComplexImpl&) = delete;
  KissComplexImpl& operator=(const KissComplexImpl&) = delete;

  void execute(bool inverse, std::span<const std::complex<float>> in,
               std::span<std::complex<float>> out) noexcept override {
    const kiss_fft_cfg cfg = inverse ? inverse_ : forward_;
    // kiss_fft allocates a temporary when input and output alias: use our own copy instead.
    const std::complex<float>* src = in.data();
    if (src == out.data()) {
      std::copy(in.begin(), in.end(), copy_.begin());
      src = copy_.data();
    }
    kiss_fft(cfg, as_kiss(src), as_kiss(out.data()));
  }

 private:
  kiss_fft_cfg forward_;
  kiss_fft_cfg inverse_;
  std::vector<std::complex<float>> copy_;
};

}  // namespace

std::unique_ptr<RealFft::Impl> make_kissfft_impl(std::size_t n) {
  if (n % 2 == 0) return std::make_unique<KissEvenImpl>(n);
  return std::make_unique<KissOddImpl>(n);
}

std::unique_ptr<ComplexFft::Impl> make_kissfft_complex_impl(std::size_t n) {
  return std::make_unique<KissComplexImpl>(n);
}

}  // namespace deminer::dsp
