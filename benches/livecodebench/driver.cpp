// Runs the LCB driver (driver.py after program_child.py, embedded at build time) in the
// sandbox and reads its verdict line. The program runs in a child of the driver that cannot
// reach the result stream (see program_child.py), so the line needs no nonce.
#include <string>

#include "benches/common/program_child.h"
#include "benches/livecodebench/livecodebench.h"
#include "sandbox/runners.h"
#include "sandbox/sandbox.h"

namespace harness::benches::livecodebench {

namespace {

constexpr std::string_view kMark = "\x1eLCB-DRIVER-RESULT ";

// task.json holds the program and the settings, tests.json the tests: the driver reads
// the tests only after the program's process is forked off.
TestOutcome run_driver(nlohmann::json task, double wall_limit_s,
                       const SandboxOverrides& overrides) {
  nlohmann::json tests = std::move(task["tests"]);
  task.erase("tests");
  TestOutcome outcome;
  sandbox::SandboxSpec spec;
  // -I: no user site-packages, no PYTHON* variables, and not the script's (writable)
  // directory on sys.path.
  spec.argv = {"python3", "-I", "main.py"};
  spec.files = {
      {"main.py", std::string(kProgramChildSource) + "\n" + kDriverSource, false},
      {"task.json", task.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), false},
      {"tests.json", tests.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), false}};
  spec.env = {"PYTHONDONTWRITEBYTECODE=1"};
  // The driver's own deadlines enforce the budget; the sandbox kills what escapes them
  // a little later.
  spec.limits = sandbox::default_run_limits(sandbox::Language::Python);
  spec.limits.wall_seconds = wall_limit_s;
  spec.limits.cpu_seconds = wall_limit_s;
  if (overrides.wall_seconds > 0) spec.limits.wall_seconds = overrides.wall_seconds;
  if (overrides.cpu_seconds > 0) spec.limits.cpu_seconds = overrides.cpu_seconds;
  if (overrides.memory_bytes > 0) spec.limits.address_space_bytes = overrides.memory_bytes;
  if (overrides.processes > 0) spec.limits.processes = overrides.processes;
  sandbox::SandboxResult r = sandbox::default_pool().run(spec);
  outcome.wall_seconds = r.wall_seconds;

  // The last verdict line (only the driver writes this stream, whole lines).
  const std::string& out = r.stdout_data;
  size_t at = std::string::npos;
  for (size_t pos = 0; (pos = out.find(kMark, pos)) != std::string::npos; pos += kMark.size())
    if (pos == 0 || out[pos - 1] == '\n') at = pos;
  size_t end = at == std::string::npos ? at : out.find('\n', at);
  if (end == std::string::npos) {
    if (!r.started) {
      outcome.status = "error";
      outcome.reason = r.error;
    } else {
      // No verdict: the sandbox killed the run (time, memory) or the driver died.
      outcome.status = r.timed_out || r.cpu_limit_hit ? "timeout" : "failed";
      outcome.reason = "no result from the test run (" + r.describe() + ")";
    }
    return outcome;
  }
  std::string line = out.substr(at + kMark.size(), end - at - kMark.size());
  nlohmann::json result = nlohmann::json::parse(line, nullptr, false);
  if (result.is_discarded() || !result.is_object()) {
    outcome.status = "error";
    outcome.reason = "unreadable driver result";
    return outcome;
  }
  outcome.status = result.value("status", "error");
  outcome.reason = result.value("reason", "");
  outcome.tests_run = result.value("tests_run", 0);
  outcome.passed = outcome.status == "passed";
  return outcome;
}

}  // namespace

TestOutcome run_public_tests(const std::string& code, const std::string& method,
                             const nlohmann::json& tests, double timeout_s,
                             const SandboxOverrides& overrides) {
  nlohmann::json task = {{"mode", "omk"},
                         {"code", code},
                         {"method", method},
                         {"tests", tests},
                         {"timeout_s", timeout_s}};
  return run_driver(task, timeout_s + 5, overrides);
}

TestOutcome run_official_tests(const std::string& code, const std::string& func_name,
                               const nlohmann::json& tests, int per_test_s,
                               const SandboxOverrides& overrides) {
  nlohmann::json task = {{"mode", "official"}, {"code", code},     {"method", func_name},
                         {"tests", tests},     {"timeout_s", 0.0}, {"per_test_s", per_test_s}};
  // lcb_runner's global cap: (per-test limit + 1) per test, plus 5 s.
  return run_driver(task, (per_test_s + 1.0) * double(tests.size()) + 5, overrides);
}

}  // namespace harness::benches::livecodebench
