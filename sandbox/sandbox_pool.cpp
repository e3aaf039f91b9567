// SandboxResult::describe, the concurrency-bounding pool and the process-wide default pool.
#include <signal.h>

#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <thread>

#include "sandbox/sandbox.h"

namespace harness::sandbox {

std::string SandboxResult::describe() const {
  if (!started) return "sandbox setup failed: " + error;
  std::string text;
  if (timed_out) {
    char buffer[64];
    snprintf(buffer, sizeof buffer, "timed out after %.1f s", wall_seconds);
    text = buffer;
  } else if (cpu_limit_hit) {
    text = "CPU limit hit";
  } else if (memory_limit_hit) {
    text = "memory limit hit";
  } else if (signal != 0) {
    const char* name = sigabbrev_np(signal);
    text = name ? std::string("killed by SIG") + name : "killed by signal " + std::to_string(signal);
  } else if (exit_code >= 0) {
    text = "exit " + std::to_string(exit_code);
  } else {
    text = "ended without a status: " + error;
  }
  if (stdout_truncated || stderr_truncated) text += ", output truncated";
  return text;
}

struct SandboxPool::Impl {
  std::mutex mutex;
  std::condition_variable freed;
  unsigned running = 0;
};

SandboxPool::SandboxPool(unsigned max_parallel)
    : max_parallel_(max_parallel ? max_parallel : std::max(1u, std::thread::hardware_concurrency())),
      impl_(std::make_shared<Impl>()) {}

SandboxResult SandboxPool::run(const SandboxSpec& spec) {
  {
    std::unique_lock lock(impl_->mutex);
    impl_->freed.wait(lock, [&] { return impl_->running < max_parallel_; });
    ++impl_->running;
  }
  struct Release {
    Impl* impl;
    ~Release() {
      {
        std::lock_guard lock(impl->mutex);
        --impl->running;
      }
      impl->freed.notify_one();
    }
  } release{impl_.get()};
  return run_sandboxed(spec);
}

SandboxPool& default_pool() {
  static SandboxPool pool;
  return pool;
}

}  // namespace harness::sandbox
