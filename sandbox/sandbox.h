// Runs one untrusted program in a fresh sandbox and says exactly what happened.
//
// Isolation: new user, PID, mount, network, IPC and UTS namespaces (no network at all);
// its own session and process group, so kill(0, ...) and kill(-1, ...) reach only the
// sandbox's own processes; the host file system read-only except a private writable work
// dir that is deleted afterwards; rlimits; a memory cgroup bounding all its processes
// together (memory_cgroup.h); a seccomp filter; a wall-clock timeout that kills the whole
// tree; stdout/stderr captured and capped; stdin closed unless stdin_data is given.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace harness::sandbox {

struct SandboxLimits {
  double wall_seconds = 10.0;               // kill the whole process tree after this
  double cpu_seconds = 10.0;                // RLIMIT_CPU (rounded up to whole seconds)
  uint64_t address_space_bytes = 4ull << 30;  // RLIMIT_AS per process
  // All the sandbox's processes together, its work tmpfs included (memory cgroup; see
  // describe_memory_bound() for the machines where only the rlimits bound it).
  uint64_t memory_bytes = 4ull << 30;
  uint64_t file_size_bytes = 64ull << 20;   // RLIMIT_FSIZE
  uint64_t work_dir_bytes = 256ull << 20;   // size of the private tmpfs work dir
  int open_files = 256;                     // RLIMIT_NOFILE
  int processes = 64;                       // max processes inside the sandbox
  uint64_t output_cap_bytes = 1ull << 20;   // per stream; the rest is discarded and flagged
};

struct SandboxFile {
  std::string path;      // relative to the work dir
  std::string content;
  bool executable = false;
};

// The program's end of the verdict channel (SandboxSpec::verdict_channel).
inline constexpr int kVerdictFd = 3;

struct SandboxSpec {
  std::vector<std::string> argv;       // argv[0] resolved via PATH inside the sandbox
  std::vector<SandboxFile> files;      // written into the work dir before start
  std::vector<std::string> env;        // "K=V"; a minimal PATH/HOME/LANG is always set
  std::string stdin_data;              // fed to stdin, then closed (empty: stdin is /dev/null)
  SandboxLimits limits;
  // Host paths (directories or files) whose content is copied back from the work dir
  // after the run, e.g. a compiled binary: names relative to the work dir.
  std::vector<std::string> collect;
  // The program gets descriptor kVerdictFd, the write end of a pipe whose bytes come back
  // in SandboxResult::verdict_data: a channel apart from stdout, which the program's own
  // output cannot push past the output cap. What is written there is still the program's
  // word; a bench makes it unforgeable by what it writes (e.g. a secret it was given).
  bool verdict_channel = false;
};

struct CollectedFile {
  std::string path;
  std::string content;
  bool executable = false;
};

struct SandboxResult {
  bool started = false;          // false: the sandbox itself could not be set up (see error)
  std::string error;             // setup failure, one sentence
  int exit_code = -1;            // exit status when the program exited normally
  int signal = 0;                // terminating signal, 0 if none
  bool timed_out = false;        // killed by the wall-clock timeout
  bool cpu_limit_hit = false;    // killed by RLIMIT_CPU (SIGXCPU/SIGKILL after cpu_seconds)
  bool memory_limit_hit = false; // the kernel killed a process at limits.memory_bytes
  uint64_t memory_peak_bytes = 0;  // all processes together (cgroup modes), 0 if unknown
  bool stdout_truncated = false;
  bool stderr_truncated = false;
  std::string stdout_data;
  std::string stderr_data;
  std::string verdict_data;      // what the program wrote to kVerdictFd (capped at 64 KiB)
  bool verdict_truncated = false;
  double wall_seconds = 0;
  double cpu_seconds = 0;        // user + system of the whole tree
  uint64_t max_rss_bytes = 0;
  std::vector<CollectedFile> collected;

  // A process killed at the memory bound fails the run even when the program itself
  // exited 0: which process the kernel picks is not the program's choice.
  bool ok() const {
    return started && !timed_out && !memory_limit_hit && signal == 0 && exit_code == 0;
  }
  // One line: "exit 0", "exit 1", "killed by SIGSEGV", "timed out after 3.0 s",
  // "CPU limit hit", "memory limit hit", "sandbox setup failed: ..." (+ ", output truncated").
  std::string describe() const;
};

// Blocking. Safe to call from many threads at once.
SandboxResult run_sandboxed(const SandboxSpec& spec);

// Bounds how many sandboxes run at once (default: number of cores), so that scoring a
// bench is limited by CPUs and verdicts do not depend on how many threads ask at once.
class SandboxPool {
 public:
  explicit SandboxPool(unsigned max_parallel = 0);  // 0 = std::thread::hardware_concurrency()
  SandboxResult run(const SandboxSpec& spec);       // blocks until a slot is free + the run
  unsigned max_parallel() const { return max_parallel_; }

 private:
  unsigned max_parallel_;
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

// The process-wide pool used by the bench scorers.
SandboxPool& default_pool();

}  // namespace harness::sandbox
