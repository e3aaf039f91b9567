// Helpers shared by the sandbox tests: shell/python runs, host temp dirs, process scans.
#pragma once

#include <dirent.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sandbox/sandbox.h"

namespace harness::sandbox::testing {

inline SandboxResult run_sh(const std::string& script, SandboxLimits limits = {}) {
  SandboxSpec spec;
  spec.argv = {"/bin/sh", "-c", script};
  spec.limits = limits;
  return run_sandboxed(spec);
}

inline SandboxResult run_py(const std::string& source, SandboxLimits limits = {},
                            std::string stdin_data = "") {
  SandboxSpec spec;
  spec.argv = {"/usr/bin/python3", "main.py"};
  spec.files = {{"main.py", source, false}};
  spec.env = {"PYTHONDONTWRITEBYTECODE=1"};
  spec.limits = limits;
  spec.stdin_data = std::move(stdin_data);
  return run_sandboxed(spec);
}

// A fresh host directory under /tmp, removed when the object goes.
struct HostTempDir {
  std::string path;
  HostTempDir() {
    char name[] = "/tmp/sandbox-test.XXXXXX";
    path = mkdtemp(name);
  }
  ~HostTempDir() { std::filesystem::remove_all(path); }
};

inline bool host_file_exists(const std::string& path) { return std::filesystem::exists(path); }

// True when some host process has `marker` in its command line (we are root: all are visible).
inline bool host_process_with(const std::string& marker) {
  DIR* proc = opendir("/proc");
  if (!proc) return false;
  bool found = false;
  while (dirent* entry = readdir(proc)) {
    if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
    std::ifstream in(std::string("/proc/") + entry->d_name + "/cmdline", std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (text.str().find(marker) != std::string::npos) found = true;
  }
  closedir(proc);
  return found;
}

// The host pids of the processes with `marker` in their command line.
inline std::vector<pid_t> host_pids_with(const std::string& marker) {
  std::vector<pid_t> pids;
  DIR* proc = opendir("/proc");
  if (!proc) return pids;
  while (dirent* entry = readdir(proc)) {
    if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
    std::ifstream in(std::string("/proc/") + entry->d_name + "/cmdline", std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (text.str().find(marker) != std::string::npos) pids.push_back(std::atoi(entry->d_name));
  }
  closedir(proc);
  return pids;
}

// A `sleep` argument unique to this test process, to look for its processes on the host.
inline std::string unique_sleep_seconds() {
  static int counter = 0;
  return "4000." + std::to_string(getpid()) + "0" + std::to_string(++counter);
}

}  // namespace harness::sandbox::testing
