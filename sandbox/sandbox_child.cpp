// PID 1 of a sandbox. Only system calls from here on (see child_plan.h for why).
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sandbox/child_plan.h"
#include "sandbox/report.h"

namespace harness::sandbox::detail {
namespace {

[[noreturn]] void fail(const ChildPlan& plan, const char* step) {
  report_error(plan.report_write, kSetupError, errno, step);
  _exit(125);
}

void check(const ChildPlan& plan, bool ok, const char* step) {
  if (!ok) fail(plan, step);
}

// Closes every descriptor the process inherited except the plan's (which are all >= 3).
void close_inherited_fds(const ChildPlan& plan) {
  int keep[6] = {plan.sync_read,    plan.report_write, plan.stdout_write,
                 plan.stderr_write, plan.stdin_read,   plan.verdict_write};
  for (int i = 1; i < 6; ++i)  // insertion sort: six values, no library calls
    for (int j = i; j > 0 && keep[j] < keep[j - 1]; --j) {
      int t = keep[j];
      keep[j] = keep[j - 1];
      keep[j - 1] = t;
    }
  unsigned next = 3;
  for (int fd : keep) {
    if (fd < 3) continue;
    if (static_cast<unsigned>(fd) > next) close_range(next, static_cast<unsigned>(fd) - 1, 0);
    next = static_cast<unsigned>(fd) + 1;
  }
  close_range(next, ~0U, 0);
}

void reset_signals() {
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) sigaction(sig, &action, nullptr);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
}

bool set_caps(bool keep_all) {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2];
  if (syscall(SYS_capget, &header, data) != 0) return false;
  for (auto& d : data) {
    d.effective = keep_all ? d.permitted : 0;
    if (!keep_all) d.permitted = d.inheritable = 0;
  }
  return syscall(SYS_capset, &header, data) == 0;
}

// Becomes the unprivileged inside user first, keeping the namespace capabilities needed for
// the mounts, so that every directory and file created below belongs to that user.
void become_sandbox_user(const ChildPlan& plan) {
  // Raw system calls: glibc's set*id wrappers signal every thread the parent had, which
  // do not exist here, and wait for them forever.
  if (plan.drop_groups) check(plan, syscall(SYS_setgroups, 0, nullptr) == 0, "setgroups");
  check(plan, prctl(PR_SET_KEEPCAPS, 1) == 0, "keep capabilities");
  check(plan, syscall(SYS_setresgid, kInsideId, kInsideId, kInsideId) == 0, "setresgid");
  check(plan, syscall(SYS_setresuid, kInsideId, kInsideId, kInsideId) == 0, "setresuid");
  check(plan, set_caps(true), "raise namespace capabilities");
}

void bind_read_only(const ChildPlan& plan, const char* source, const char* target) {
  check(plan, mount(source, target, nullptr, MS_BIND | MS_REC, nullptr) == 0, target);
  mount_attr attr{};
  attr.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
  if (mount_setattr(AT_FDCWD, target, AT_RECURSIVE, &attr, sizeof attr) == 0) return;
  check(plan, errno == ENOSYS, target);
  // Kernels before 5.12: only the top mount becomes read-only.
  check(plan,
        mount(nullptr, target, nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV,
              nullptr) == 0,
        target);
}

void build_root(const ChildPlan& plan) {
  check(plan, mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0, "make / private");
  check(plan,
        mount("tmpfs", plan.staging.c_str(), "tmpfs", MS_NOSUID | MS_NODEV,
              plan.root_options.c_str()) == 0,
        "mount the new root");
  for (const HostDir& dir : plan.host_dirs) {
    if (!dir.symlink_to.empty()) {
      check(plan, symlink(dir.symlink_to.c_str(), dir.new_path.c_str()) == 0, dir.new_path.c_str());
      continue;
    }
    check(plan, mkdir(dir.new_path.c_str(), 0755) == 0, dir.new_path.c_str());
    bind_read_only(plan, dir.host_path.c_str(), dir.new_path.c_str());
  }
  check(plan, mkdir(plan.new_dev.c_str(), 0755) == 0, "mkdir /dev");
  for (size_t i = 0; i < plan.dev_nodes_new.size(); ++i) {
    int fd = open(plan.dev_nodes_new[i].c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
    check(plan, fd >= 0, plan.dev_nodes_new[i].c_str());
    close(fd);
    check(plan,
          mount(plan.dev_nodes_host[i].c_str(), plan.dev_nodes_new[i].c_str(), nullptr, MS_BIND,
                nullptr) == 0,
          plan.dev_nodes_new[i].c_str());
  }
  for (size_t i = 0; i < plan.dev_link_names.size(); ++i)
    check(plan, symlink(plan.dev_link_targets[i].c_str(), plan.dev_link_names[i].c_str()) == 0,
          plan.dev_link_names[i].c_str());
  check(plan, mkdir(plan.new_proc.c_str(), 0555) == 0, "mkdir /proc");
  check(plan,
        mount("proc", plan.new_proc.c_str(), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) == 0,
        "mount /proc");

  // One size-limited tmpfs backs /work, /tmp and /dev/shm, so the program gets one budget.
  check(plan, mkdir(plan.scratch_dir.c_str(), 0700) == 0, "mkdir scratch");
  check(plan,
        mount("tmpfs", plan.scratch_dir.c_str(), "tmpfs", MS_NOSUID | MS_NODEV,
              plan.scratch_options.c_str()) == 0,
        "mount the work tmpfs");
  check(plan, mkdir(plan.scratch_work.c_str(), 0755) == 0, "mkdir work");
  check(plan, mkdir(plan.scratch_tmp.c_str(), 01777) == 0, "mkdir tmp");
  check(plan, mkdir(plan.scratch_shm.c_str(), 01777) == 0, "mkdir shm");
  check(plan, mkdir(plan.new_shm.c_str(), 01777) == 0, "mkdir /dev/shm");
  check(plan, mkdir(plan.new_work.c_str(), 0755) == 0, "mkdir /work");
  check(plan, mkdir(plan.new_tmp.c_str(), 01777) == 0, "mkdir /tmp");
  check(plan, mount(plan.scratch_work.c_str(), plan.new_work.c_str(), nullptr, MS_BIND, nullptr) == 0,
        "bind /work");
  check(plan, mount(plan.scratch_tmp.c_str(), plan.new_tmp.c_str(), nullptr, MS_BIND, nullptr) == 0,
        "bind /tmp");
  check(plan, mount(plan.scratch_shm.c_str(), plan.new_shm.c_str(), nullptr, MS_BIND, nullptr) == 0,
        "bind /dev/shm");
  check(plan, umount2(plan.scratch_dir.c_str(), MNT_DETACH) == 0, "detach scratch");
  check(plan, rmdir(plan.scratch_dir.c_str()) == 0, "rmdir scratch");

  check(plan, chdir(plan.staging.c_str()) == 0, "chdir new root");
  check(plan, syscall(SYS_pivot_root, ".", ".") == 0, "pivot_root");
  check(plan, umount2(".", MNT_DETACH) == 0, "detach the old root");
  check(plan, chdir("/") == 0, "chdir /");
  check(plan,
        mount(nullptr, "/", nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV,
              nullptr) == 0,
        "make the new root read-only");
}

void write_files(const ChildPlan& plan) {
  for (const std::string& dir : plan.work_subdirs)
    check(plan, mkdir(dir.c_str(), 0755) == 0 || errno == EEXIST, dir.c_str());
  for (const ChildFile& file : plan.files) {
    int fd = open(file.path.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC,
                  file.executable ? 0755 : 0644);
    check(plan, fd >= 0, file.path.c_str());
    const char* p = file.content->data();
    size_t left = file.content->size();
    while (left > 0) {
      ssize_t n = write(fd, p, left);
      if (n < 0 && errno == EINTR) continue;
      check(plan, n > 0, file.path.c_str());  // ENOSPC: files larger than work_dir_bytes
      p += n;
      left -= static_cast<size_t>(n);
    }
    close(fd);
  }
}

// The program loses every capability, even inside its own namespaces.
void drop_privileges(const ChildPlan& plan) {
  for (int cap = 0; cap <= 63; ++cap) prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
  prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
  check(plan, set_caps(false), "drop capabilities");
  check(plan, prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0, "no_new_privs");
  // Not dumpable: the program (same uid) must not reach init's descriptors via /proc/1/fd.
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

[[noreturn]] void exec_target(const ChildPlan& plan) {
  int in = plan.stdin_read >= 0 ? plan.stdin_read : open("/dev/null", O_RDONLY | O_CLOEXEC);
  check(plan, in >= 0, "open /dev/null");
  check(plan, dup2(in, 0) == 0 && dup2(plan.stdout_write, 1) == 1 && dup2(plan.stderr_write, 2) == 2,
        "redirect stdio");
  // Close-on-exec for the rest: the report pipe stays usable until execve succeeds.
  close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
  // dup2 clears close-on-exec on the copy; the plan's descriptors are all above it.
  if (plan.verdict_write >= 0)
    check(plan, dup2(plan.verdict_write, kVerdictFd) == kVerdictFd, "verdict channel");
  if (plan.stdin_read >= 0) lseek(0, 0, SEEK_SET);
  for (const RlimitSetting& limit : plan.rlimits) {
    rlimit value{limit.soft, limit.hard};
    check(plan, setrlimit(static_cast<__rlimit_resource>(limit.resource), &value) == 0, "setrlimit");
  }
  check(plan, prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, plan.seccomp) == 0, "seccomp");
  int error = ENOENT;
  for (const std::string& candidate : plan.exec_candidates) {
    execve(candidate.c_str(), plan.argv.data(), plan.envp.data());
    if (errno != ENOENT && errno != ENOTDIR) error = errno;
    if (error != ENOENT && error != EACCES) break;
  }
  report_error(plan.report_write, kExecError, error, plan.argv[0]);
  _exit(127);
}

}  // namespace

void sandbox_init_main(const ChildPlan& plan) {
  // A session and process group of its own (it is no group leader: the harness is), so
  // that the program's kill(0, ...) cannot reach the harness's process group, where the
  // harness and every other sandbox's init live. Inside, it is session 1 of the PID
  // namespace, which the program inherits.
  check(plan, syscall(SYS_setsid) >= 0, "setsid");
  close_inherited_fds(plan);
  // Nor the harness's stdio: an orphaned sandbox must not hold its terminal or pipes.
  int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null_fd >= 0) {
    dup2(null_fd, 0);
    dup2(null_fd, 1);
    dup2(null_fd, 2);
    if (null_fd > 2) close(null_fd);
  }
  reset_signals();
  char go = 0;
  ssize_t got;
  do got = read(plan.sync_read, &go, 1);
  while (got < 0 && errno == EINTR);
  if (got != 1) _exit(125);  // the parent gave up (uid map failed or it died)

  umask(022);  // deterministic file modes, whatever the harness's umask is
  become_sandbox_user(plan);
  // If the harness dies, the kernel kills this init and with it the whole PID namespace.
  // Set after the uid change, which clears it; the parent holds the sync pipe open until
  // the end, so a hang-up here means it died before the setting took effect.
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  pollfd parent_alive{plan.sync_read, POLLIN, 0};
  if (poll(&parent_alive, 1, 0) > 0 && (parent_alive.revents & (POLLHUP | POLLERR))) _exit(125);
  close(plan.sync_read);
  build_root(plan);
  static const char kHostname[] = "sandbox";
  sethostname(kHostname, sizeof kHostname - 1);
  write_files(plan);
  check(plan, chdir("/work") == 0, "chdir /work");
  drop_privileges(plan);

  pid_t target = static_cast<pid_t>(syscall(SYS_clone, SIGCHLD, nullptr, nullptr, nullptr, 0));
  check(plan, target >= 0, "fork the program");
  if (target == 0) exec_target(plan);
  if (plan.stdin_read >= 0) close(plan.stdin_read);
  if (plan.verdict_write >= 0) close(plan.verdict_write);
  close(plan.stdout_write);
  close(plan.stderr_write);

  // Reap everything (orphans re-parent to us) until the program itself has ended.
  TargetStatus status{};
  for (;;) {
    int wait_status = 0;
    rusage usage{};
    pid_t pid = wait4(-1, &wait_status, 0, &usage);
    if (pid < 0 && errno == EINTR) continue;
    if (pid < 0) _exit(125);
    if (pid != target) continue;
    status.wait_status = wait_status;
    status.cpu_micros = (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000000LL +
                        usage.ru_utime.tv_usec + usage.ru_stime.tv_usec;
    status.max_rss_kb = usage.ru_maxrss;
    break;
  }
  for (const std::string& path : plan.collect) report_collected(plan.report_write, path.c_str());
  report_status(plan.report_write, status);
  _exit(0);  // the kernel now kills whatever the program left running in the namespace
}

}  // namespace harness::sandbox::detail
