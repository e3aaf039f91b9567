#include "sandbox/memory_cgroup.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

namespace harness::sandbox {
namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool write_text(const std::string& path, const std::string& text) {
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  int saved = errno;
  close(fd);
  errno = saved;
  return ok;
}

bool exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, sep)) parts.push_back(part);
  return parts;
}

// "key N" lines (memory.oom_control, memory.events): N for key, 0 if absent.
uint64_t keyed_value(const std::string& text, const std::string& key) {
  std::stringstream in(text);
  std::string name;
  uint64_t value = 0;
  while (in >> name >> value)
    if (name == key) return value;
  return 0;
}

struct CgroupMount {
  std::string root;   // the mount's root within the hierarchy (field 4 of mountinfo)
  std::string point;  // where it is mounted
};

// The mount of the v1 hierarchy holding `controller`, or of cgroup2 when controller is "".
bool find_mount(const std::string& controller, CgroupMount* out) {
  for (const std::string& line : split(read_text("/proc/self/mountinfo"), '\n')) {
    size_t dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    std::vector<std::string> head = split(line.substr(0, dash), ' ');
    std::vector<std::string> tail = split(line.substr(dash + 3), ' ');
    if (head.size() < 5 || tail.size() < 3) continue;
    bool match = controller.empty() ? tail[0] == "cgroup2" : false;
    if (!controller.empty() && tail[0] == "cgroup")
      for (const std::string& option : split(tail[2], ','))
        if (option == controller) match = true;
    if (!match) continue;
    *out = {head[3], head[4]};
    return true;
  }
  return false;
}

// Our own cgroup directory on the host for the v1 memory controller or for v2.
std::string own_cgroup_dir(bool v2) {
  for (const std::string& line : split(read_text("/proc/self/cgroup"), '\n')) {
    std::vector<std::string> fields = split(line, ':');
    if (fields.size() < 3) continue;
    std::string path = line.substr(fields[0].size() + fields[1].size() + 2);
    bool match = v2 ? fields[0] == "0" && fields[1].empty() : false;
    if (!v2)
      for (const std::string& c : split(fields[1], ','))
        if (c == "memory") match = true;
    if (!match) continue;
    CgroupMount mount;
    if (!find_mount(v2 ? "" : "memory", &mount)) return "";
    if (mount.root != "/" && path.rfind(mount.root, 0) == 0) path = path.substr(mount.root.size());
    return mount.point + (path == "/" ? "" : path);
  }
  return "";
}

std::atomic<uint64_t> next_id{0};

std::string child_name() {
  return "/harness-sandbox-" + std::to_string(getpid()) + "-" + std::to_string(next_id++);
}

// Creates a test cgroup under `parent` and checks that a limit can be set in it.
bool probe(const std::string& parent, MemoryBoundMode mode, std::string* why) {
  std::string dir = parent + child_name();
  if (mkdir(dir.c_str(), 0700) != 0) {
    *why = "cannot create a cgroup under " + parent + " (" + strerror(errno) + ")";
    return false;
  }
  std::string limit_file = dir + (mode == MemoryBoundMode::CgroupV1 ? "/memory.limit_in_bytes"
                                                                     : "/memory.max");
  bool ok = exists(limit_file) && write_text(limit_file, std::to_string(256ull << 20));
  if (!ok) *why = "cannot set " + limit_file + " (" + strerror(errno) + ")";
  rmdir(dir.c_str());
  return ok;
}

MemoryBoundInfo detect() {
  MemoryBoundInfo info;
  std::string why_v1, why_v2;
  std::string v1 = own_cgroup_dir(false);
  if (v1.empty()) why_v1 = "no cgroup v1 memory hierarchy";
  else if (probe(v1, MemoryBoundMode::CgroupV1, &why_v1))
    return {MemoryBoundMode::CgroupV1, v1, ""};
  std::string v2 = own_cgroup_dir(true);
  if (v2.empty()) why_v2 = "no cgroup2 mount";
  else if (probe(v2, MemoryBoundMode::CgroupV2, &why_v2))
    return {MemoryBoundMode::CgroupV2, v2, ""};
  info.why = why_v1 + "; " + why_v2 +
             " (run the harness as root, or in a cgroup delegated to its user with the memory "
             "controller enabled)";
  return info;
}

}  // namespace

const MemoryBoundInfo& memory_bound_info() {
  static const MemoryBoundInfo info = detect();
  return info;
}

std::string describe_memory_bound() {
  const MemoryBoundInfo& info = memory_bound_info();
  switch (info.mode) {
    case MemoryBoundMode::CgroupV1:
      return "cgroup v1 memory limit per sandbox (under " + info.parent + ")";
    case MemoryBoundMode::CgroupV2:
      return "cgroup v2 memory limit per sandbox (under " + info.parent + ")";
    case MemoryBoundMode::Rlimits:
      break;
  }
  return "rlimits only: a sandbox may use up to processes x address space + work dir; " +
         info.why;
}

namespace detail {

MemoryCgroup::~MemoryCgroup() { remove(); }

bool MemoryCgroup::create(uint64_t limit_bytes, std::string* error) {
  const MemoryBoundInfo& info = memory_bound_info();
  if (info.mode == MemoryBoundMode::Rlimits) return true;
  std::string dir = info.parent + child_name();
  if (mkdir(dir.c_str(), 0700) != 0) {
    *error = "cannot create the sandbox's memory cgroup " + dir + ": " + strerror(errno);
    return false;
  }
  dir_ = dir;
  mode_ = info.mode;
  std::string limit = std::to_string(limit_bytes);
  bool ok;
  if (mode_ == MemoryBoundMode::CgroupV1) {
    ok = write_text(dir + "/memory.limit_in_bytes", limit);
    // RAM + swap together; only present when the kernel accounts swap. Set after the RAM
    // limit, which it may never be below.
    if (ok && exists(dir + "/memory.memsw.limit_in_bytes"))
      ok = write_text(dir + "/memory.memsw.limit_in_bytes", limit);
  } else {
    ok = write_text(dir + "/memory.max", limit);
    if (ok && exists(dir + "/memory.swap.max")) ok = write_text(dir + "/memory.swap.max", "0");
    // One OOM ends the whole sandbox, not just its largest process.
    if (ok && exists(dir + "/memory.oom.group")) ok = write_text(dir + "/memory.oom.group", "1");
  }
  if (!ok) {
    *error = "cannot set the memory limit of " + dir + ": " + strerror(errno);
    remove();
    return false;
  }
  return true;
}

bool MemoryCgroup::add(pid_t pid, std::string* error) {
  if (!active()) return true;
  if (write_text(dir_ + "/cgroup.procs", std::to_string(pid))) return true;
  *error = "cannot move the sandbox into its memory cgroup " + dir_ + ": " + strerror(errno);
  return false;
}

uint64_t MemoryCgroup::oom_kills() const {
  if (!active()) return 0;
  if (mode_ == MemoryBoundMode::CgroupV1)
    return keyed_value(read_text(dir_ + "/memory.oom_control"), "oom_kill");
  return keyed_value(read_text(dir_ + "/memory.events"), "oom_kill");
}

uint64_t MemoryCgroup::peak_bytes() const {
  if (!active()) return 0;
  std::string file = mode_ == MemoryBoundMode::CgroupV1 ? "/memory.max_usage_in_bytes"
                                                        : "/memory.peak";
  std::string text = read_text(dir_ + file);
  return text.empty() ? 0 : std::strtoull(text.c_str(), nullptr, 10);
}

void MemoryCgroup::remove() {
  if (!active()) return;
  // The processes are gone once init is reaped, but the kernel may need a moment to let
  // go of the last one; an empty cgroup left behind would cost nothing but a directory.
  for (int attempt = 0; attempt < 200; ++attempt) {
    if (rmdir(dir_.c_str()) == 0 || errno == ENOENT) break;
    if (errno != EBUSY) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  dir_.clear();
}

}  // namespace detail
}  // namespace harness::sandbox
