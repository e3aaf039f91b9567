// The total memory bound of one sandbox: a memory cgroup per sandbox where the machine
// lets the harness create one, else the rlimits' own bound (see MemoryBoundMode).
//
// Why a cgroup: RLIMIT_AS is per process, so a program that forks N memory hogs could use
// N × address_space_bytes, and the pool runs max_parallel sandboxes at once. A cgroup
// counts every page of the sandbox's processes together (anonymous memory, page tables,
// kernel memory, and the tmpfs that backs /work and /tmp), so one bound holds per sandbox
// whatever the program forks and however many sandboxes run.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace harness::sandbox {

enum class MemoryBoundMode {
  CgroupV1,  // memory.limit_in_bytes (+ memory.memsw.limit_in_bytes where swap is accounted)
  CgroupV2,  // memory.max + memory.swap.max
  // No cgroup could be created (not root, no delegation): the bound is the rlimits'
  // processes × address_space_bytes + work_dir_bytes, which is honest but loose.
  Rlimits,
};

struct MemoryBoundInfo {
  MemoryBoundMode mode = MemoryBoundMode::Rlimits;
  std::string parent;  // the cgroup directory sandboxes are created under (cgroup modes)
  std::string why;     // Rlimits: why no cgroup could be used, one sentence
};

// Probed once per process (creates and removes one test cgroup).
const MemoryBoundInfo& memory_bound_info();
// One line for pre-flight and reports, e.g. "cgroup v1 memory limit per sandbox (under
// /sys/fs/cgroup/memory/...)" or "rlimits only (processes × address space): <why>".
std::string describe_memory_bound();

namespace detail {

// One sandbox's cgroup. Created before the sandbox's init may run, removed after it is
// reaped (then empty: the kernel killed everything in its PID namespace).
class MemoryCgroup {
 public:
  MemoryCgroup() = default;
  MemoryCgroup(const MemoryCgroup&) = delete;
  MemoryCgroup& operator=(const MemoryCgroup&) = delete;
  ~MemoryCgroup();

  // False with *error (one sentence) when the mode is a cgroup one and it failed;
  // true and inactive in Rlimits mode.
  bool create(uint64_t limit_bytes, std::string* error);
  bool add(pid_t pid, std::string* error);  // moves pid (and its future children) in
  bool active() const { return !dir_.empty(); }
  // After the run: how many processes the kernel's OOM killer ended at the bound, and
  // the largest total usage seen (0 when the kernel does not say).
  uint64_t oom_kills() const;
  uint64_t peak_bytes() const;
  void remove();

 private:
  std::string dir_;
  MemoryBoundMode mode_ = MemoryBoundMode::Rlimits;
};

}  // namespace detail
}  // namespace harness::sandbox
