// The CLI's `--daemon URL`: run, runs, report and compare sent to a running `harness
// serve` (harness/DAEMON.md) instead of opening the store, with the same output and exit
// codes as in-process.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "harness/cli_args.h"

namespace harness {

struct DaemonClient {
  std::string base_url;  // "http://127.0.0.1:8420", no trailing slash
  std::string token;     // "" = no Authorization header
};

// From --daemon URL and --token-file F (the file's first line is the token).
DaemonClient daemon_client(const CliArgs& args);

struct DaemonReply {
  int status = 0;
  std::string body;
};

// One request. An unreachable daemon throws CommandError (exit 5); any reply comes back,
// whatever its status.
DaemonReply daemon_request(const DaemonClient& client, const std::string& method, const std::string& path,
                           const std::string& body = "");

// GET that must answer 2xx: the body. Otherwise throws CommandError with the daemon's
// `error` sentence (and its `exit_code` when given).
std::string daemon_get(const DaemonClient& client, const std::string& path);

// Follows a server-sent event stream until `on_event(event, data)` returns false or the
// daemon closes it. `keep_going()` is polled about every 100 ms; returning false stops the
// transfer early. Returns false when the stream could not be opened or broke.
bool daemon_follow_events(const DaemonClient& client, const std::string& path,
                          const std::function<bool(const std::string& event, const std::string& data)>& on_event,
                          const std::function<bool()>& keep_going = {});

// The commands with --daemon: each returns the exit code the in-process command would.
int daemon_run(const CliArgs& args);
int daemon_runs(const CliArgs& args);
int daemon_report(const CliArgs& args, int64_t run_id);
int daemon_compare(const CliArgs& args);

// Percent-encodes a query value.
std::string url_encode(const std::string& s);

}  // namespace harness
