// Parent half of a sandbox run: clone into new namespaces, map the ids, feed and drain the
// pipes under the wall-clock deadline, reap init, and turn its report into a SandboxResult.
#include "sandbox/sandbox.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>

#include "sandbox/child_plan.h"
#include "sandbox/memory_cgroup.h"
#include "sandbox/report.h"
#include "sandbox/seccomp_filter.h"

namespace harness::sandbox {
namespace {

using Clock = std::chrono::steady_clock;

struct Fd {
  int fd = -1;
  Fd() = default;
  explicit Fd(int f) : fd(f) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  void reset() {
    if (fd >= 0) close(fd);
    fd = -1;
  }
};

// Descriptors 0-2 and kVerdictFd are the program's targets, so ours must never land there.
int above_stdio(int fd) {
  if (fd < 0 || fd > kVerdictFd) return fd;
  int moved = fcntl(fd, F_DUPFD_CLOEXEC, kVerdictFd + 1);
  close(fd);
  return moved;
}

bool make_pipe(Fd* read_end, Fd* write_end) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return false;
  read_end->fd = above_stdio(fds[0]);
  write_end->fd = above_stdio(fds[1]);
  return read_end->fd >= 0 && write_end->fd >= 0;
}

bool write_file(const std::string& path, const std::string& text) {
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  close(fd);
  return ok;
}

// Maps the inside user to an unprivileged host id. Root may map any id and keeps setgroups
// usable (so the child can drop root's supplementary groups); others may only map their own.
bool write_id_maps(pid_t pid, bool as_root, std::string* error) {
  std::string proc = "/proc/" + std::to_string(pid);
  std::string inside = std::to_string(detail::kInsideId);
  std::string uid = as_root ? "65534" : std::to_string(getuid());
  std::string gid = as_root ? "65534" : std::to_string(getgid());
  if (!as_root && !write_file(proc + "/setgroups", "deny")) {
    *error = std::string("cannot write setgroups: ") + strerror(errno);
    return false;
  }
  if (!write_file(proc + "/uid_map", inside + " " + uid + " 1\n") ||
      !write_file(proc + "/gid_map", inside + " " + gid + " 1\n")) {
    *error = std::string("cannot write the uid/gid map (are user namespaces enabled?): ") +
             strerror(errno);
    return false;
  }
  return true;
}

struct Capture {
  std::string* data;
  bool* truncated;
  uint64_t cap;
};

// Reads what is there; false at end of file. Past the cap, reads and discards.
bool drain(int fd, const Capture& capture) {
  char buffer[65536];
  for (;;) {
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno == EAGAIN;
    if (n == 0) return false;
    uint64_t room = capture.cap > capture.data->size() ? capture.cap - capture.data->size() : 0;
    uint64_t keep = std::min<uint64_t>(room, static_cast<uint64_t>(n));
    capture.data->append(buffer, keep);
    if (keep < static_cast<uint64_t>(n)) *capture.truncated = true;
  }
}

SandboxResult setup_failure(std::string message) {
  SandboxResult result;
  result.error = std::move(message);
  return result;
}

}  // namespace

SandboxResult run_sandboxed(const SandboxSpec& spec) {
  detail::ChildPlan plan;
  std::string error;
  if (!detail::build_child_plan(spec, &plan, &error)) return setup_failure(error);
  plan.seccomp = detail::sandbox_seccomp_program(&error);
  if (!plan.seccomp) return setup_failure("seccomp filter: " + error);
  bool as_root = geteuid() == 0;
  plan.drop_groups = as_root;

  Fd sync_r, sync_w, report_r, report_w, out_r, out_w, err_r, err_w, verdict_r, verdict_w,
      stdin_fd;
  if (!make_pipe(&sync_r, &sync_w) || !make_pipe(&report_r, &report_w) ||
      !make_pipe(&out_r, &out_w) || !make_pipe(&err_r, &err_w) ||
      (spec.verdict_channel && !make_pipe(&verdict_r, &verdict_w)))
    return setup_failure(std::string("cannot create pipes: ") + strerror(errno));
  // A pipe's inode belongs to its creator (the harness): without this the program could
  // write to kVerdictFd but not reopen it as /dev/fd/3, which is how the JVM gets at it.
  if (spec.verdict_channel && fchmod(verdict_w.fd, 0666) != 0)
    return setup_failure(std::string("cannot open up the verdict pipe: ") + strerror(errno));
  detail::MemoryCgroup cgroup;
  if (!cgroup.create(spec.limits.memory_bytes, &error)) return setup_failure(error);
  if (!spec.stdin_data.empty()) {
    stdin_fd.fd = above_stdio(memfd_create("sandbox-stdin", MFD_CLOEXEC));
    if (stdin_fd.fd < 0 ||
        pwrite(stdin_fd.fd, spec.stdin_data.data(), spec.stdin_data.size(), 0) !=
            static_cast<ssize_t>(spec.stdin_data.size()))
      return setup_failure(std::string("cannot buffer stdin_data: ") + strerror(errno));
  }
  plan.sync_read = sync_r.fd;
  plan.report_write = report_w.fd;
  plan.stdout_write = out_w.fd;
  plan.stderr_write = err_w.fd;
  plan.stdin_read = stdin_fd.fd;
  plan.verdict_write = verdict_w.fd;

  auto start = Clock::now();
  // A fork-like clone (no new stack): the child is PID 1 of its own namespaces.
  constexpr long kFlags = CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET |
                          CLONE_NEWIPC | CLONE_NEWUTS | SIGCHLD;
  auto init = static_cast<pid_t>(syscall(SYS_clone, kFlags, nullptr, nullptr, nullptr, 0));
  if (init < 0)
    return setup_failure(std::string("cannot create the sandbox's namespaces (") + strerror(errno) +
                         "); enable user namespaces (sysctl user.max_user_namespaces > 0, "
                         "kernel.unprivileged_userns_clone=1) or, in a container, allow unshare/clone "
                         "in its seccomp profile.");
  if (init == 0) detail::sandbox_init_main(plan);

  sync_r.reset();
  report_w.reset();
  out_w.reset();
  err_w.reset();
  verdict_w.reset();
  stdin_fd.reset();
  // Into the cgroup before init may run: every process it starts is counted from birth.
  if (!cgroup.add(init, &error) || !write_id_maps(init, as_root, &error) ||
      write(sync_w.fd, "g", 1) != 1) {
    kill(init, SIGKILL);
    sync_w.reset();
    waitpid(init, nullptr, 0);
    return setup_failure(error.empty() ? "cannot start the sandbox's init" : error);
  }

  SandboxResult result;
  std::string report_bytes;
  bool report_truncated = false;
  constexpr uint64_t kVerdictCap = 64 * 1024;
  Capture captures[4] = {{&result.stdout_data, &result.stdout_truncated, spec.limits.output_cap_bytes},
                         {&result.stderr_data, &result.stderr_truncated, spec.limits.output_cap_bytes},
                         {&report_bytes, &report_truncated, UINT64_MAX},
                         {&result.verdict_data, &result.verdict_truncated, kVerdictCap}};
  pollfd fds[4] = {{out_r.fd, POLLIN, 0},
                   {err_r.fd, POLLIN, 0},
                   {report_r.fd, POLLIN, 0},
                   {verdict_r.fd, POLLIN, 0}};
  int open_streams = 0;
  for (pollfd& p : fds) {
    if (p.fd < 0) continue;  // no verdict channel: poll ignores a negative descriptor
    fcntl(p.fd, F_SETFL, fcntl(p.fd, F_GETFL) | O_NONBLOCK);
    ++open_streams;
  }
  auto deadline = start + std::chrono::duration_cast<Clock::duration>(
                              std::chrono::duration<double>(spec.limits.wall_seconds));
  while (open_streams > 0) {
    int wait_ms = -1;
    if (!result.timed_out) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      wait_ms = static_cast<int>(std::max<int64_t>(0, left.count() + 1));
    }
    int ready = poll(fds, 4, wait_ms);
    if (ready < 0 && errno != EINTR) break;
    if (!result.timed_out && Clock::now() >= deadline) {
      // Killing the namespace's init makes the kernel kill every process in it.
      kill(init, SIGKILL);
      result.timed_out = true;
    }
    for (int i = 0; i < 4; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      if (!drain(fds[i].fd, captures[i])) {
        fds[i].fd = -1;
        --open_streams;
      }
    }
  }
  sync_w.reset();

  int init_status = 0;
  rusage usage{};
  while (wait4(init, &init_status, 0, &usage) < 0 && errno == EINTR) {
  }
  result.wall_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  result.cpu_seconds = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                       (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  result.max_rss_bytes = static_cast<uint64_t>(usage.ru_maxrss) * 1024;
  result.memory_limit_hit = cgroup.oom_kills() > 0;
  result.memory_peak_bytes = cgroup.peak_bytes();
  cgroup.remove();

  detail::ParsedReport report = detail::parse_report(report_bytes);
  if (report.setup_failed) {
    result.error = "sandbox setup failed at '" + report.error_what + "': " +
                   strerror(report.error_number);
    return result;
  }
  if (report.exec_failed) {
    result.error = "cannot execute '" + report.error_what + "' in the sandbox: " +
                   strerror(report.error_number);
    return result;
  }
  result.started = true;
  result.collected = std::move(report.files);
  if (report.has_status) {
    int status = report.status.wait_status;
    if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
    // RLIMIT_CPU is the one limit with hard = soft + 1: at soft the kernel sends SIGXCPU,
    // an unambiguous verdict (the rusage left behind reads up to 10% below the limit the
    // kernel enforced, too imprecise to tell a CPU-limit SIGKILL from any other). A
    // program that catches SIGXCPU gets SIGKILL one second later.
    double target_cpu = report.status.cpu_micros / 1e6;
    double cpu_limit = std::max(1.0, std::ceil(spec.limits.cpu_seconds));
    result.cpu_limit_hit = result.signal == SIGXCPU ||
                           (result.signal == SIGKILL && target_cpu >= 0.9 * (cpu_limit + 1));
  } else if (result.timed_out || result.memory_limit_hit) {
    // The OOM killer may pick init itself (it shares the harness's pages, which count in
    // its size), which ends the whole sandbox before it can report.
    result.signal = SIGKILL;
  } else {
    result.signal = WIFSIGNALED(init_status) ? WTERMSIG(init_status) : 0;
    result.error = "the sandbox's init ended without reporting the program's status";
  }
  return result;
}

}  // namespace harness::sandbox
