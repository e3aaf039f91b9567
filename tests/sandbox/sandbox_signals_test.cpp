// kill(0, ...) and kill(-1, ...) from a sandboxed program in every language: the harness,
// a process in the harness's process group running as the sandbox's host uid (what every
// sandbox's init was before each got its own session), and another running sandbox all
// survive. Run as root, and again as an unprivileged user (the sandbox then maps the
// program to the harness's own uid, so the harness is a permitted target).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <future>

#include "sandbox/runners.h"
#include "sandbox/sandbox_test_util.h"

namespace harness::sandbox {
namespace {

using testing::host_pids_with;
using testing::run_sh;
using testing::unique_sleep_seconds;

constexpr const char* kAsUserEnv = "HARNESS_SANDBOX_TEST_AS_USER";

// The uid every sandbox's program has on the host when the harness is root.
constexpr uid_t kSandboxHostUid = 65534;

// The `sleep` processes with `marker` (not the shell whose command line names it too).
std::vector<pid_t> sleeps_with(const std::string& marker) {
  std::vector<pid_t> sleeps;
  for (pid_t pid : host_pids_with(marker)) {
    std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
    std::string name;
    if (std::getline(comm, name) && name == "sleep") sleeps.push_back(pid);
  }
  return sleeps;
}

bool wait_for_sleep(const std::string& marker, double seconds) {
  for (int i = 0; i < seconds * 20; ++i) {
    if (!sleeps_with(marker).empty()) return true;
    usleep(50000);
  }
  return false;
}

// A process in our process group, with the uid a sandbox's program has on the host.
pid_t start_group_sentinel() {
  pid_t pid = fork();
  if (pid == 0) {
    if (geteuid() == 0) {
      syscall(SYS_setresgid, kSandboxHostUid, kSandboxHostUid, kSandboxHostUid);
      syscall(SYS_setresuid, kSandboxHostUid, kSandboxHostUid, kSandboxHostUid);
    }
    for (;;) pause();
  }
  return pid;
}

bool alive(pid_t pid) { return waitpid(pid, nullptr, WNOHANG) == 0; }

struct Attack {
  Language language;
  const char* what;
  std::string source;
};

// Each program first signals everything it may (-1), then its own process group (0).
std::vector<Attack> attacks() {
  return {
      {Language::Python, "python",
       "import os, signal\n"
       "for target in (-1, 0):\n"
       "    try:\n"
       "        os.kill(target, signal.SIGKILL)\n"
       "    except OSError as e:\n"
       "        print(target, e.errno, flush=True)\n"},
      {Language::Rust, "rust",
       "extern \"C\" { fn kill(pid: i32, sig: i32) -> i32; }\n"
       "fn main() { unsafe { kill(-1, 9); kill(0, 9); } }\n"},
      {Language::Java, "java",
       // No kill(2) in Java: it runs kill(1) (which is in the JVM's group) and kills every
       // process it can see.
       "public class Main { public static void main(String[] a) throws Exception {\n"
       "  long self = ProcessHandle.current().pid();\n"
       "  ProcessHandle.allProcesses().filter(p -> p.pid() != self)\n"
       "      .forEach(p -> p.destroyForcibly());\n"
       "  new ProcessBuilder(\"kill\", \"-9\", \"--\", \"-1\").inheritIO().start().waitFor();\n"
       "  new ProcessBuilder(\"kill\", \"-9\", \"0\").inheritIO().start().waitFor();\n"
       "} }\n"},
      {Language::JavaScript, "javascript",
       "for (const target of [-1, 0]) {\n"
       "  try { process.kill(target, 'SIGKILL'); } catch (e) { console.log(target, e.code); }\n"
       "}\n"},
  };
}

SandboxResult run_attack(const Attack& attack) {
  SandboxLimits compile = default_compile_limits(attack.language);
  SandboxLimits run = default_run_limits(attack.language);
  run.wall_seconds = 30;
  switch (attack.language) {
    case Language::Python: return run_python(attack.source, run);
    case Language::Rust: return run_rust(attack.source, compile, run).run;
    case Language::Java: return run_java(attack.source, "Main", compile, run).run;
    case Language::JavaScript: return run_javascript(attack.source, run).run;
  }
  return {};
}

TEST(SandboxSignals, KillZeroAndMinusOneReachOnlyTheSandbox) {
  if (!run_sh("true").started) GTEST_SKIP() << "sandboxes cannot start here: " << run_sh("true").error;
  for (const Attack& attack : attacks()) {
    Toolchain tool = find_toolchain(attack.language);
    if (!tool.available) {
      ADD_FAILURE() << attack.what << " is not available: " << tool.problem;
      continue;
    }
    SCOPED_TRACE(attack.what);
    pid_t sentinel = start_group_sentinel();
    ASSERT_GT(sentinel, 0);
    // Another sandbox, running all through the attack: its sleep is ended from here, after.
    std::string marker = unique_sleep_seconds();
    SandboxLimits victim_limits;
    victim_limits.wall_seconds = 120;
    auto victim = std::async(std::launch::async, [&] {
      return run_sh("sleep " + marker + "; echo survived", victim_limits);
    });
    ASSERT_TRUE(wait_for_sleep(marker, 30)) << "the other sandbox never started";

    SandboxResult attacker = run_attack(attack);
    ASSERT_TRUE(attacker.started) << attacker.error;
    // It took its own sandbox down with kill(0) (or kill(-1), for the JVM's kill(1)).
    EXPECT_EQ(attacker.signal, SIGKILL) << attacker.describe() << attacker.stderr_data;

    EXPECT_TRUE(alive(sentinel)) << "a process in the harness's process group was killed";
    std::vector<pid_t> sleeps = sleeps_with(marker);
    EXPECT_EQ(sleeps.size(), 1u) << "the other sandbox's program was killed";
    for (pid_t pid : sleeps) kill(pid, SIGTERM);
    SandboxResult other = victim.get();
    EXPECT_TRUE(other.ok()) << other.describe();
    EXPECT_EQ(other.stdout_data, "survived\n");
    kill(sentinel, SIGKILL);
    waitpid(sentinel, nullptr, 0);
  }
}

// The same test with the harness as an unprivileged user: the sandbox's program then has
// the harness's own uid on the host. Needs root to switch user, and a kernel that lets
// that user create user namespaces.
TEST(SandboxSignals, SameAsAnUnprivilegedHarness) {
  if (getenv(kAsUserEnv)) GTEST_SKIP() << "already the unprivileged run";
  if (geteuid() != 0) GTEST_SKIP() << "not root: the other test already ran unprivileged";
  if (access("/usr/bin/setpriv", X_OK) != 0) GTEST_SKIP() << "no /usr/bin/setpriv (util-linux)";
  char self[4096];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  ASSERT_GT(n, 0);
  self[n] = 0;
  std::string command = std::string("cd / && env ") + kAsUserEnv +
                        "=1 /usr/bin/setpriv --reuid=65534 --regid=65534 --clear-groups " + self +
                        " --gtest_filter=SandboxSignals.KillZeroAndMinusOneReachOnlyTheSandbox 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[4096];
  while (size_t got = fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, got);
  int status = pclose(pipe);
  if (output.find("[  SKIPPED ]") != std::string::npos)
    GTEST_SKIP() << "the unprivileged run was skipped:\n" << output;
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << output;
  EXPECT_NE(output.find("[  PASSED  ] 1 test"), std::string::npos) << output;
}

}  // namespace
}  // namespace harness::sandbox
