#include "allocation_counter.hpp"

#include <cstdlib>
#include <new>

namespace {
thread_local int active_counters = 0;
thread_local std::size_t allocations = 0;

void note_allocation() noexcept {
  if (active_counters > 0) ++allocations;
}
}  // namespace

namespace deminer::test {

AllocationCounter::AllocationCounter() noexcept : start_(allocations) { ++active_counters; }
AllocationCounter::~AllocationCounter() { --active_counters; }
std::size_t AllocationCounter::count() const noexcept { return allocations - start_; }

bool counts_malloc() noexcept {
#ifdef DEMINER_SANITIZE
  return false;
#else
  return true;
#endif
}

}  // namespace deminer::test

#ifndef DEMINER_SANITIZE
// glibc's internal entry points: interposing malloc in the executable catches C libraries too.
extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void* __libc_memalign(std::size_t, std::size_t);

void* malloc(std::size_t size) {
  note_allocation();
  return __libc_malloc(size);
}
void* calloc(std::size_t n, std::size_t size) {
  note_allocation();
  return __libc_calloc(n, size);
}
void* realloc(void* p, std::size_t size) {
  note_allocation();
  return __libc_realloc(p, size);
}
void* aligned_alloc(std::size_t alignment, std::size_t size) {
  note_allocation();
  return __libc_memalign(alignment, size);
}
void* memalign(std::size_t alignment, std::size_t size) {
  note_allocation();
  return __libc_memalign(alignment, size);
}
int posix_memalign(void** out, std::size_t alignment, std::size_t size) {
  note_allocation();
  void* p = __libc_memalign(alignment, size);
  if (p == nullptr) return 12;  // ENOMEM
  *out = p;
  return 0;
}
}
#endif

// operator new is replaced in every build. It allocates through malloc, which counts it when
// interposed above; under sanitizers (malloc not interposed) it counts here instead.
namespace {
void note_new() noexcept {
#ifdef DEMINER_SANITIZE
  note_allocation();
#endif
}
}  // namespace

void* operator new(std::size_t size) {
  note_new();
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return operator new(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  note_new();
  return std::malloc(size == 0 ? 1 : size);
}
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept {
  return operator new(size, tag);
}
void* operator new(std::size_t size, std::align_val_t alignment) {
  note_new();
  const auto a = static_cast<std::size_t>(alignment);
  if (void* p = std::aligned_alloc(a, (size + a - 1) / a * a)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size, std::align_val_t alignment) {
  return operator new(size, alignment);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
