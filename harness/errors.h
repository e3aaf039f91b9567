// Errors that end a command, and the exit codes they map to (documented in README.md).
#pragma once

#include <stdexcept>

namespace harness {

enum ExitCode : int {
  kExitOk = 0,            // command succeeded; a run finished complete
  kExitFailure = 1,       // unexpected internal error
  kExitUsage = 2,         // bad command line
  kExitBadInput = 3,      // bad template, dataset, store or model folder
  kExitIncomplete = 4,    // run finished but some samples failed after all retries
  kExitEndpoint = 5,      // the endpoint could not be used at all (pre-flight)
  kExitLocked = 6,        // another harness process is working on this run
  kExitServerConfig = 7,  // the server's context per slot or reasoning budget does not fit the template (pre-flight)
  kExitToolchain = 8,     // a code bench's compiler or interpreter is missing (pre-flight)
  kExitSmokeFloor = 50,   // a smoke run (--limit <= 10) scored at or below sanity.smoke_floor
  kExitEarlyStop = 60,    // the first generations were broken; the run stopped early (stored incomplete)
  kExitInterrupted = 130, // stopped by SIGINT/SIGTERM; `harness resume` continues
};

// Bad command line: printed with a hint to `harness help`.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Anything else the user can fix (bad input); printed as is, exit code given.
struct CommandError : std::runtime_error {
  CommandError(const std::string& message, int exit_code)
      : std::runtime_error(message), exit_code(exit_code) {}
  int exit_code;
};

}  // namespace harness
