// The sandbox's in-child half: everything the cloned child needs, prepared by the parent.
//
// The child is cloned from a possibly multithreaded process, so between clone and execve it
// may only make system calls: another thread may have held the malloc lock at clone time.
// Every string, path and array is therefore built here beforehand and only read there.
#pragma once

#include <linux/filter.h>
#include <sys/resource.h>

#include <cstdint>
#include <string>
#include <vector>

#include "sandbox/sandbox.h"

namespace harness::sandbox::detail {

// The uid/gid the program runs as inside the sandbox's user namespace; mapped to an
// unprivileged host id (65534 when the harness is root, the invoking id otherwise).
constexpr unsigned kInsideId = 1000;

struct HostDir {
  std::string name;          // "usr", "etc", ... (top-level name in the new root)
  std::string host_path;     // "/usr"
  std::string symlink_to;    // non-empty: the host entry is a symlink (merged /usr); copy it
  std::string new_path;      // staging + "/" + name
};

struct ChildFile {
  std::string path;          // absolute, inside the staging root's work dir
  const std::string* content;
  bool executable = false;
};

struct RlimitSetting {
  int resource;
  rlim_t soft;
  rlim_t hard;               // = soft (the program cannot raise it), except RLIMIT_CPU
};

struct ChildPlan {
  // File descriptors (all > kVerdictFd) the child keeps; everything else is closed at once.
  int sync_read = -1;        // one byte from the parent once the uid/gid maps are written
  int report_write = -1;     // framed messages to the parent (see report.h)
  int stdout_write = -1;
  int stderr_write = -1;
  int stdin_read = -1;       // memfd with stdin_data, or -1 for /dev/null
  int verdict_write = -1;    // becomes kVerdictFd in the program, or -1 (no channel)

  bool drop_groups = true;   // false when the parent had to deny setgroups (not root)

  std::string staging;       // host directory the new root is mounted on (private mount ns)
  std::string root_options;  // tmpfs options of the new root
  std::string scratch_dir;   // staging/.scratch: size-limited tmpfs holding work and tmp
  std::string scratch_options;
  std::string scratch_work, scratch_tmp, scratch_shm;
  std::string new_work, new_tmp, new_proc, new_dev, new_shm;
  std::vector<HostDir> host_dirs;
  std::vector<std::string> dev_nodes_host, dev_nodes_new;          // bind-mounted devices
  std::vector<std::string> dev_link_names, dev_link_targets;       // /dev/fd -> /proc/self/fd
  std::vector<std::string> work_subdirs;                           // for nested file paths
  std::vector<ChildFile> files;
  std::vector<std::string> collect;  // relative to /work

  std::vector<RlimitSetting> rlimits;
  const sock_fprog* seccomp = nullptr;
  std::vector<std::string> exec_candidates;  // argv[0] resolved against PATH, tried in order
  std::vector<char*> argv;                   // null-terminated
  std::vector<char*> envp;                   // null-terminated
  std::vector<std::string> argv_storage, env_storage;
};

// Validates the spec (relative paths without "..", K=V environment) and fills everything
// but the descriptors and the seccomp program. False and *error (one sentence) on a bad spec.
bool build_child_plan(const SandboxSpec& spec, ChildPlan* plan, std::string* error);

// Runs as PID 1 of the new namespaces: builds the file system, starts the program, reaps,
// reports its status and collected files, exits. Never returns.
[[noreturn]] void sandbox_init_main(const ChildPlan& plan);

}  // namespace harness::sandbox::detail
