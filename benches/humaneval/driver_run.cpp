// Runs driver.py in the sandbox (one process per response: extraction and execution
// together) and reads its result lines. The time policy is explained in humaneval.h.
#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <string>

#include "benches/common/program_child.h"
#include "benches/common/py_regex.h"
#include "benches/common/unicode.h"
#include "benches/humaneval/humaneval.h"
#include "sandbox/runners.h"
#include "sandbox/sandbox.h"

namespace harness::benches::humaneval {

namespace {

constexpr std::string_view kMark = "\x1eHUMANEVAL-DRIVER ";

// CPU seconds the driver may spend besides the program: interpreter and numpy start-up
// and parse_trim, which calls ast.parse once per line prefix (quadratic in block length).
constexpr double kDriverCpuAllowance = 30.0;

struct DriverRun {
  sandbox::SandboxResult sandbox;
  std::map<std::string, nlohmann::json> lines;  // kind → payload (last one wins)
};

// Sandbox limits of one driver run: the driver's own backstops unless the template's
// sandbox section sets them.
struct RunLimits {
  double cpu_seconds = 0;
  double wall_seconds = 0;
  const SandboxOverrides* overrides = nullptr;
};

// `tests`, when given, goes to tests.json, which the driver reads only after the program's
// process is forked off (the program never sees the expected results).
DriverRun run_driver(const nlohmann::json& task, const RunLimits& limits,
                     const nlohmann::json* tests = nullptr) {
  DriverRun run;
  sandbox::Toolchain python = sandbox::find_toolchain(sandbox::Language::Python);
  if (!python.available) {
    run.sandbox.error = python.problem;
    return run;
  }
  // As sandbox::run_python, but through the pool: scoring threads must not oversubscribe
  // the CPUs. -I: no user site-packages, no PYTHON* variables from anywhere.
  sandbox::SandboxSpec spec;
  spec.argv = {"/usr/bin/python3", "-I", "main.py"};
  spec.env = {"PYTHONDONTWRITEBYTECODE=1"};
  spec.files = {{"main.py", std::string(kProgramChildSource) + "\n" + kDriverSource, false},
                {"task.json", task.dump(-1, ' ', true), false}};
  if (tests) spec.files.push_back({"tests.json", tests->dump(-1, ' ', true), false});
  spec.limits.cpu_seconds = limits.cpu_seconds;
  spec.limits.wall_seconds = limits.wall_seconds;
  spec.limits.output_cap_bytes = 16ull << 20;  // the extraction line echoes every block
  if (const SandboxOverrides* o = limits.overrides) {
    if (o->wall_seconds > 0) spec.limits.wall_seconds = o->wall_seconds;
    if (o->cpu_seconds > 0) spec.limits.cpu_seconds = o->cpu_seconds;
    if (o->memory_bytes > 0) spec.limits.address_space_bytes = o->memory_bytes;
    if (o->processes > 0) spec.limits.processes = o->processes;
  }
  run.sandbox = sandbox::default_pool().run(spec);
  const std::string& out = run.sandbox.stdout_data;
  size_t pos = 0;
  while ((pos = out.find(kMark, pos)) != std::string::npos) {
    size_t start = pos + kMark.size();
    // Only the driver writes this stream, a whole line at a time.
    if (pos != 0 && out[pos - 1] != '\n') {
      pos = start;
      continue;
    }
    size_t end = out.find('\n', start);
    if (end == std::string::npos) break;  // cut off by a kill: not a result
    std::string_view line(out.data() + start, end - start);
    size_t space = line.find(' ');
    if (space != std::string_view::npos) {
      auto payload = nlohmann::json::parse(line.substr(space + 1), nullptr, false);
      if (!payload.is_discarded()) run.lines[std::string(line.substr(0, space))] = payload;
    }
    pos = end;
  }
  return run;
}

std::string driver_failure(const DriverRun& run) {
  if (auto it = run.lines.find("driver_error"); it != run.lines.end())
    return "the HumanEval driver failed: " + it->second.value("error", std::string());
  std::string why = "the HumanEval driver gave no result (" + run.sandbox.describe() + ")";
  if (!run.sandbox.stderr_data.empty())
    why += ": " + py::slice(run.sandbox.stderr_data, -300);
  return why;
}

nlohmann::json split_response(std::string_view response) {
  std::string text = py::to_valid_utf8(response);
  nlohmann::json task;
  try {
    task["blocks"] = fenced_blocks(text);
    task["fallback"] = fallback_text(text);
  } catch (const py::RegexError&) {
    // PCRE2 gave up (e.g. its JIT stack on a huge block): the driver applies the same
    // patterns with Python's own re instead.
    task["blocks"] = nullptr;
    task["fallback"] = nullptr;
    task["response"] = text;
  }
  return task;
}

Extraction read_extraction(const DriverRun& run) {
  Extraction ex;
  auto it = run.lines.find("extraction");
  if (it == run.lines.end()) {
    ex.error = driver_failure(run);
    return ex;
  }
  const nlohmann::json& j = it->second;
  ex.ok = true;
  ex.candidate = j.value("candidate", std::string());
  ex.source = j.value("source", std::string());
  for (const auto& r : j.value("block_results", nlohmann::json::array()))
    ex.block_results.push_back(r.is_string() ? std::optional(r.get<std::string>()) : std::nullopt);
  for (const auto& n : j.value("notes", nlohmann::json::array())) ex.notes.push_back(n.get<std::string>());
  return ex;
}

}  // namespace

Extraction extract_chat(std::string_view response) {
  nlohmann::json task = split_response(response);
  task["mode"] = "extract";
  DriverRun run = run_driver(task, {kDriverCpuAllowance, 4 * kDriverCpuAllowance, nullptr});
  return read_extraction(run);
}

namespace {

// One execution of `task` (mode "run", blocks and fallback set) under `limit_s` reference
// seconds.
CheckResult run_once(nlohmann::json task, const nlohmann::json& doc, double limit_s,
                     double factor, const TimePolicy& policy) {
  CheckResult result;
  result.speed_factor = factor;
  result.limit_seconds = limit_s;
  result.cpu_budget_seconds = limit_s * factor;
  task["mode"] = "run";
  task["prompt"] = doc.at("prompt");
  nlohmann::json tests = {{"test", doc.at("test")}, {"entry_point", doc.at("entry_point")}};
  task["limits"] = {{"timeout_s", limit_s}, {"speed_factor", factor}, {"tick_s", 0.05}};
  // The driver stops the program at the limit itself; the sandbox's limits are only a
  // backstop for a driver that cannot, generous so that a starved process is never killed.
  double cpu_hard = (limit_s + 1.0) * factor;
  DriverRun run = run_driver(task, {kDriverCpuAllowance + cpu_hard,
                                    4 * kDriverCpuAllowance + 20 * cpu_hard, &policy.sandbox},
                             &tests);
  result.sandbox = run.sandbox.describe();
  result.wall_seconds = run.sandbox.wall_seconds;
  result.extraction = read_extraction(run);

  auto it = run.lines.find("outcome");
  if (it != run.lines.end()) {
    const nlohmann::json& o = it->second;
    result.status = o.value("status", std::string("error"));
    result.reason = o.value("reason", std::string());
    result.cpu_seconds = o.value("cpu_s", 0.0);
    result.wall_seconds = o.value("wall_s", result.wall_seconds);
    result.blocked_seconds = o.value("blocked_s", 0.0);
    result.used_seconds = o.value("used_s", 0.0);
    for (const auto& m : o.value("preload_missing", nlohmann::json::array()))
      result.preload_missing.push_back(m.get<std::string>());
  } else if (!run.sandbox.started) {
    result.status = "error";
    result.reason = "sandbox setup failed: " + run.sandbox.error;
  } else if (!result.extraction.ok) {
    result.status = "error";
    result.reason = result.extraction.error;
  } else if (run.lines.count("driver_error")) {
    // The driver could not run the program (e.g. sandbox.processes leaves it no child).
    result.status = "error";
    result.reason = driver_failure(run);
  } else if (run.sandbox.timed_out || run.sandbox.cpu_limit_hit) {
    result.status = "timed out";
    result.reason = "killed by the sandbox: " + run.sandbox.describe();
  } else {
    // The driver itself died (memory, a signal from the program): never a pass.
    result.status = "failed";
    result.reason = "the driver ended before the verdict (" + run.sandbox.describe() + ")";
  }
  return result;
}

// Reference seconds the canonical solution needs on this machine, measured once per
// problem and process (0: no canonical solution, or it does not pass).
double canonical_need(const nlohmann::json& doc, double factor, const TimePolicy& policy) {
  static std::mutex mutex;
  static std::map<std::string, double> needs;
  auto canonical = doc.find("canonical_solution");
  if (canonical == doc.end() || !canonical->is_string()) return 0;
  std::string key = doc.value("task_id", std::string()) + "\x1f" +
                    doc.at("prompt").get<std::string>() + "\x1f" + canonical->get<std::string>() +
                    "\x1f" + doc.at("test").get<std::string>();
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (auto it = needs.find(key); it != needs.end()) return it->second;
  }
  nlohmann::json task;
  task["blocks"] = nlohmann::json::array({doc.at("prompt").get<std::string>() + canonical->get<std::string>()});
  task["fallback"] = "";
  CheckResult r = run_once(task, doc, kCanonicalMeasureLimit, factor, policy);
  double need = r.passed() ? r.used_seconds : 0;
  std::lock_guard<std::mutex> lock(mutex);
  needs.emplace(key, need);
  return need;
}

}  // namespace

CheckResult check_response(const nlohmann::json& doc, std::string_view response,
                           const TimePolicy& policy) {
  double factor = policy.speed_factor > 0 ? policy.speed_factor : machine_speed().factor;
  nlohmann::json task = split_response(response);
  // A run under the plain limit that passes would pass under a larger one too; only a
  // time-out needs the canonical solution's measured need (see humaneval.h).
  CheckResult result = run_once(task, doc, policy.timeout_s, factor, policy);
  if (result.status != "timed out" || policy.canonical_multiple <= 0) return result;
  double need = canonical_need(doc, factor, policy);
  double limit = policy.canonical_multiple * need;
  if (limit <= policy.timeout_s) {
    result.canonical_need_seconds = need;
    return result;
  }
  result = run_once(task, doc, limit, factor, policy);
  result.canonical_need_seconds = need;
  return result;
}

const MachineSpeed& machine_speed() {
  static MachineSpeed speed;
  static std::once_flag once;
  std::call_once(once, [] {
    nlohmann::json task = {{"mode", "calibrate"}, {"reps", 5}};
    DriverRun run = run_driver(task, {60.0, 120.0, nullptr});
    auto it = run.lines.find("calibration");
    if (it == run.lines.end()) {
      speed.error = driver_failure(run);
      return;
    }
    speed.measured_cpu_s = it->second.value("best_cpu_s", 0.0);
    speed.factor = std::clamp(speed.measured_cpu_s / kReferenceCalibrationCpuSeconds, 1.0, 20.0);
  });
  return speed;
}

}  // namespace harness::benches::humaneval
