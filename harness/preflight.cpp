// The pre-flight report, its summary block, and the steps that need no server.
#include "harness/preflight.h"

#include <cstdlib>
#include <iomanip>
#include <sstream>

#include "harness/errors.h"

namespace harness {

void PreflightReport::ok(std::string name, std::string detail) {
  checks.push_back({std::move(name), PreflightCheck::Status::Ok, std::move(detail), 0});
}

void PreflightReport::not_checked(std::string name, std::string why) {
  checks.push_back({std::move(name), PreflightCheck::Status::NotChecked, std::move(why), 0});
}

void PreflightReport::fail(std::string name, std::string what_to_fix, int exit_code) {
  checks.push_back({std::move(name), PreflightCheck::Status::Failed, std::move(what_to_fix), exit_code});
}

bool PreflightReport::failed() const {
  for (const auto& c : checks)
    if (c.status == PreflightCheck::Status::Failed) return true;
  return false;
}

std::string PreflightReport::summary() const {
  std::ostringstream out;
  out << "pre-flight:\n";
  for (const auto& c : checks) {
    const char* label = c.status == PreflightCheck::Status::Ok           ? "ok"
                        : c.status == PreflightCheck::Status::NotChecked ? "not checked"
                                                                         : "FAILED";
    out << "  " << std::left << std::setw(12) << label << c.name << ": " << c.detail << "\n";
  }
  return out.str();
}

PreflightOptions PreflightOptions::from_env() {
  PreflightOptions o;
  if (const char* v = std::getenv("HARNESS_PREFLIGHT_WAIT_S"); v && *v) {
    char* end = nullptr;
    const double s = std::strtod(v, &end);
    if (end && *end == '\0' && s >= 0) {
      o.ready_wait_s = s;
      o.connect_wait_s = s;
    }
  }
  return o;
}

void finish_preflight(const PreflightReport& report, std::ostream& log) {
  log << report.summary();
  if (!report.failed()) return;
  std::string message;
  int code = 0;
  for (const auto& c : report.checks) {
    if (c.status != PreflightCheck::Status::Failed) continue;
    if (!code) code = c.exit_code;
    message += (message.empty() ? "" : "\n") + std::string("pre-flight: ") + c.name + ": " + c.detail;
  }
  message += "\n(--skip-preflight runs anyway and is recorded with the run)";
  throw CommandError(message, code ? code : kExitBadInput);
}

void log_preflight_skipped(std::ostream& log) {
  log << "pre-flight skipped (--skip-preflight, recorded with the run): endpoint warm-up, dataset "
         "checksums, context per slot, reasoning budget, toolchains\n";
}

void check_plans(const std::vector<BenchPlan>& plans, const std::string& data_dir,
                 const std::vector<EndpointLimits>& endpoints, const PreflightOptions& options,
                 PreflightReport& report) {
  check_datasets(plans, data_dir, report);
  if (!endpoints.empty()) {
    check_context(plans, endpoints, report);
    check_reasoning_budget(plans, endpoints, report);
  }
  check_toolchains(plans, options.toolchain_problem, report);
}

}  // namespace harness
