// Counts heap allocations made by the calling thread, to prove that streaming code allocates
// nothing. Link the `deminer_test_support` library: it replaces the global operator new/delete
// and (outside sanitizer builds, where the sanitizer owns malloc) malloc and friends, so C
// libraries such as FFTW are counted too.
#pragma once

#include <cstddef>

namespace deminer::test {

// Counting is on while at least one AllocationCounter lives on this thread.
class AllocationCounter {
 public:
  AllocationCounter() noexcept;
  ~AllocationCounter();
  AllocationCounter(const AllocationCounter&) = delete;
  AllocationCounter& operator=(const AllocationCounter&) = delete;

  // Allocations on this thread since construction.
  [[nodiscard]] std::size_t count() const noexcept;

 private:
  std::size_t start_;
};

// True when malloc itself is counted (not in sanitizer builds); operator new always is.
[[nodiscard]] bool counts_malloc() noexcept;

}  // namespace deminer::test
