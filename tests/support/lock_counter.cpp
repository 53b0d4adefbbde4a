#include "lock_counter.hpp"

#include <dlfcn.h>
#include <pthread.h>
#include <semaphore.h>
#include <time.h>

#include <atomic>
#include <cerrno>

namespace {
thread_local int active_counters = 0;
thread_local std::size_t locks = 0;

void note_lock() noexcept {
  if (active_counters > 0) ++locks;
}
}  // namespace

namespace deminer::test {

LockCounter::LockCounter() noexcept : start_(locks) { ++active_counters; }
LockCounter::~LockCounter() { --active_counters; }
std::size_t LockCounter::count() const noexcept { return locks - start_; }

}  // namespace deminer::test

namespace {

// The C library's function `name`, looked up once. dlsym takes only the dynamic linker's own
// lock (not through these symbols), so looking up from inside a hook cannot recurse.
template <typename Fn>
Fn next_function(std::atomic<Fn>& cache, const char* name) noexcept {
  Fn fn = cache.load(std::memory_order_acquire);
  if (fn == nullptr) {
    fn = reinterpret_cast<Fn>(dlsym(RTLD_NEXT, name));
    cache.store(fn, std::memory_order_release);
  }
  return fn;
}

// One hook: counts, then calls the real function (ENOSYS if it cannot be found, which would be
// a broken C library; tests would then fail loudly rather than silently count nothing).
// `spec` repeats the C library's exception specification (glibc marks the pthread functions
// noexcept in C++, but not the semaphore waits, which are cancellation points).
#define DEMINER_LOCK_HOOK(name, Arg, spec)           \
  extern "C" int name(Arg* object) spec {            \
    note_lock();                                     \
    static std::atomic<int (*)(Arg*)> real{nullptr}; \
    const auto fn = next_function(real, #name);      \
    return fn != nullptr ? fn(object) : ENOSYS;      \
  }
#define DEMINER_TIMED_LOCK_HOOK(name, Arg, spec)                      \
  extern "C" int name(Arg* object, const timespec* until) spec {      \
    note_lock();                                                      \
    static std::atomic<int (*)(Arg*, const timespec*)> real{nullptr}; \
    const auto fn = next_function(real, #name);                       \
    return fn != nullptr ? fn(object, until) : ENOSYS;                \
  }

}  // namespace

DEMINER_LOCK_HOOK(pthread_mutex_lock, pthread_mutex_t, noexcept)
DEMINER_LOCK_HOOK(pthread_mutex_trylock, pthread_mutex_t, noexcept)
DEMINER_TIMED_LOCK_HOOK(pthread_mutex_timedlock, pthread_mutex_t, noexcept)
DEMINER_LOCK_HOOK(pthread_rwlock_rdlock, pthread_rwlock_t, noexcept)
DEMINER_LOCK_HOOK(pthread_rwlock_wrlock, pthread_rwlock_t, noexcept)
DEMINER_LOCK_HOOK(pthread_rwlock_tryrdlock, pthread_rwlock_t, noexcept)
DEMINER_LOCK_HOOK(pthread_rwlock_trywrlock, pthread_rwlock_t, noexcept)
DEMINER_TIMED_LOCK_HOOK(pthread_rwlock_timedrdlock, pthread_rwlock_t, noexcept)
DEMINER_TIMED_LOCK_HOOK(pthread_rwlock_timedwrlock, pthread_rwlock_t, noexcept)
DEMINER_LOCK_HOOK(pthread_spin_lock, pthread_spinlock_t, noexcept)
DEMINER_LOCK_HOOK(pthread_spin_trylock, pthread_spinlock_t, noexcept)
DEMINER_LOCK_HOOK(sem_wait, sem_t, )
DEMINER_LOCK_HOOK(sem_trywait, sem_t, )
DEMINER_TIMED_LOCK_HOOK(sem_timedwait, sem_t, )
