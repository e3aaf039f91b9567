// Server-sent events of one run: progress (from the runner's atomics, at most 4 per
// second), status changes, and an end event when the run stops.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "harness/daemon_http.h"
#include "harness/daemon_queue.h"

namespace harness {

// {"total", "done", "failed", "in_flight", "scored"}
nlohmann::json progress_json(const RunProgress& p);

// True for statuses after which a run does nothing more (until resumed).
bool is_final_status(const std::string& status);

// `stored_status` reads the run's status from the store; it is asked (at most every two
// seconds) only for runs this daemon does not execute.
std::shared_ptr<EventSource> run_events(const RunQueue& queue, int64_t run_id,
                                        std::function<std::string()> stored_status);

}  // namespace harness
