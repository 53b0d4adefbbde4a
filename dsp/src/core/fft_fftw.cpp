// FFTW backend (single precision, GPL). Plans are made once, in the constructor, under one
// process-wide mutex because FFTW's planner is not thread-safe; execution uses FFTW's new-array
// interface, which is thread-safe and allocation-free for sizes with small prime factors.
#include <fftw3.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <new>

#include "fft_impl.hpp"

namespace deminer::dsp {
namespace {

std::mutex& planner_mutex() {
  static std::mutex m;
  return m;
}

struct FftwFree {
  void operator()(void* p) const noexcept { fftwf_free(p); }
};
template <typename T>
using FftwBuffer = std::unique_ptr<T[], FftwFree>;

template <typename T>
FftwBuffer<T> fftw_alloc(std::size_t count) {
  void* p = fftwf_malloc(sizeof(T) * count);
  if (p == nullptr) throw std::bad_alloc();
  return FftwBuffer<T>(static_cast<T*>(p));
}

fftwf_complex* as_fftw(std::complex<float>* p) noexcept {
  return reinterpret_cast<fftwf_complex*>(p);
}

class FftwImpl final : public RealFft::Impl {
 public:
  explicit FftwImpl(std::size_t n)
      : n_(n),
        time_buffer_(fftw_alloc<float>(n)),
        freq_buffer_(fftw_alloc<std::complex<float>>(n / 2 + 1)) {
    const int size = static_cast<int>(n);
    std::lock_guard lock(planner_mutex());
    forward_ = fftwf_plan_dft_r2c_1d(size, time_, as_fftw(freq_), FFTW_ESTIMATE);
    inverse_ = fftwf_plan_dft_c2r_1d(size, as_fftw(freq_), time_, FFTW_ESTIMATE);
    if (forward_ == nullptr || inverse_ == nullptr) {
      destroy_plans();
      throw std::bad_alloc();
    }
  }
  ~FftwImpl() override {
    std::lock_guard lock(planner_mutex());
    destroy_plans();
  }
  FftwImpl(const FftwImpl&) = delete;
  FftwImpl& operator=(const FftwImpl&) = delete;

  void forward(std::span<const float> in, std::span<std::complex<float>> out) noexcept override {
    // r2c preserves its input, so the caller's arrays are used directly when their alignment
    // matches the plan's; otherwise go through the plan's own aligned buffers.
    auto* src = const_cast<float*>(in.data());
    if (fftwf_alignment_of(src) == fftwf_alignment_of(time_) &&
        fftwf_alignment_of(reinterpret_cast<float*>(out.data())) ==
            fftwf_alignment_of(reinterpret_cast<float*>(freq_))) {
      fftwf_execute_dft_r2c(forward_, src, as_fftw(out.data()));
      return;
    }
    std::copy(in.begin(), in.end(), time_);
    fftwf_execute_dft_r2c(forward_, time_, as_fftw(freq_));
    std::copy(freq_, freq_ + out.size(), out.begin());
  }

  void inverse(std::span<const std::complex<float>> in, std::span<float> out) noexcept override {
    // c2r destroys its input: always work on the plan's own copy of the spectrum.
    std::copy(in.begin(), in.end(), freq_);
    if (fftwf_alignment_of(out.data()) == fftwf_alignment_of(time_)) {
      fftwf_execute_dft_c2r(inverse_, as_fftw(freq_), out.data());
      return;
    }
    fftwf_execute_dft_c2r(inverse_, as_fftw(freq_), time_);
    std::copy(time_, time_ + n_, out.begin());
  }

 private:
  // Caller holds the planner mutex.
  void destroy_plans() noexcept {
    if (forward_ != nullptr) fftwf_destroy_plan(forward_);
    if (inverse_ != nullptr) fftwf_destroy_plan(inverse_);
  }

  std::size_t n_;
  FftwBuffer<float> time_buffer_;
  FftwBuffer<std::complex<float>> freq_buffer_;
  float* time_ = time_buffer_.get();
  std::complex<float>* freq_ = freq_buffer_.get();
  fftwf_plan forward_ = nullptr;
  fftwf_plan inverse_ = nullptr;
};

class FftwComplexImpl final : public ComplexFft::Impl {
 public:
  explicit FftwComplexImpl(std::size_t n)
      : n_(n),
        in_buffer_(fftw_alloc<std::complex<float>>(n)),
        out_buffer_(fftw_alloc<std::complex<float>>(n)) {
    const int size = static_cast<int>(n);
    std::lock_guard lock(planner_mutex());
    // Out-of-place plans: FFTW then preserves the input of a complex transform, so the caller's
    // const input can be read directly.
    forward_ = fftwf_plan_dft_1d(size, as_fftw(in_), as_fftw(out_), FFTW_FORWARD, FFTW_ESTIMATE);
    inverse_ = fftwf_plan_dft_1d(size, as_fftw(in_), as_fftw(out_), FFTW_BACKWARD, FFTW_ESTIMATE);
    if (forward_ == nullptr || inverse_ == nullptr) {
      destroy_plans();
      throw std::bad_alloc();
    }
  }
  ~FftwComplexImpl() override {
    std::lock_guard lock(planner_mutex());
    destroy_plans();
  }
  FftwComplexImpl(const FftwComplexImpl&) = delete;
  FftwComplexImpl& operator=(const FftwComplexImpl&) = delete;

  void execute(bool inverse, std::span<const std::complex<float>> in,
               std::span<std::complex<float>> out) noexcept override {
    fftwf_plan plan = inverse ? inverse_ : forward_;
    // The new-array interface needs the plan's alignment and its out-of-placeness; anything
    // else goes through the plan's own buffers.
    const bool in_aligned =
        fftwf_alignment_of(reinterpret_cast<float*>(const_cast<std::complex<float>*>(in.data()))) ==
        fftwf_alignment_of(reinterpret_cast<float*>(in_));
    const bool out_aligned = fftwf_alignment_of(reinterpret_cast<float*>(out.data())) ==
                             fftwf_alignment_of(reinterpret_cast<float*>(out_));
    const bool distinct = in.data() != out.data();
    fftwf_complex* src = as_fftw(in_);
    if (in_aligned && distinct) {
      src = as_fftw(const_cast<std::complex<float>*>(in.data()));
    } else {
      std::copy(in.begin(), in.end(), in_);
    }
    if (out_aligned) {
      fftwf_execute_dft(plan, src, as_fftw(out.data()));
      return;
    }
    fftwf_execute_dft(plan, src, as_fftw(out_));
    std::copy(out_, out_ + n_, out.begin());
  }

 private:
  // Caller holds the planner mutex.
  void destroy_plans() noexcept {
    if (forward_ != nullptr) fftwf_destroy_plan(forward_);
    if (inverse_ != nullptr) fftwf_destroy_plan(inverse_);
  }

  std::size_t n_;
  FftwBuffer<std::complex<float>> in_buffer_;
  FftwBuffer<std::complex<float>> out_buffer_;
  std::complex<float>* in_ = in_buffer_.get();
  std::complex<float>* out_ = out_buffer_.get();
  fftwf_plan forward_ = nullptr;
  fftwf_plan inverse_ = nullptr;
};

}  // namespace

std::unique_ptr<RealFft::Impl> make_fftw_impl(std::size_t n) {
  return std::make_unique<FftwImpl>(n);
}

std::unique_ptr<ComplexFft::Impl> make_fftw_complex_impl(std::size_t n) {
  return std::make_unique<FftwComplexImpl>(n);
}

}  // namespace deminer::dsp
