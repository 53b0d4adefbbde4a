// Counts lock acquisitions made by the calling thread, to prove that a hot path takes no lock.
// Link the `deminer_test_support` library: it defines pthread_mutex_lock, pthread_mutex_trylock,
// pthread_mutex_timedlock, the pthread_rwlock_*lock family, pthread_spin_lock/trylock and
// sem_wait/sem_trywait/sem_timedwait in the executable, counts the call and forwards it to the C
// library's own function (dlsym(RTLD_NEXT, ...)). std::mutex, std::shared_mutex and
// std::condition_variable reach these through libstdc++'s __gthread layer, so they are caught;
// so are calls from shared libraries (libstdc++'s own mutexes, a C library a block uses), since
// the executable exports its definitions. Not caught: glibc's internal locks (its stdio, malloc
// arenas, the dynamic linker), which never go through the public symbols; futex waits
// (std::atomic::wait) are not locks and are not counted.
// Sanitizer builds: checked with AddressSanitizer + UBSan (gcc 12 and clang 14): the hook counts,
// the sanitizer still reports, the program exits cleanly without a leak report.
#pragma once

#include <cstddef>

namespace deminer::test {

// Counting is on while at least one LockCounter lives on this thread.
class LockCounter {
 public:
  LockCounter() noexcept;
  ~LockCounter();
  LockCounter(const LockCounter&) = delete;
  LockCounter& operator=(const LockCounter&) = delete;

  // Lock (and semaphore-wait) calls on this thread since construction, successful or not.
  [[nodiscard]] std::size_t count() const noexcept;

 private:
  std::size_t start_;
};

}  // namespace deminer::test
