#include "harness/daemon_events.h"

#include <chrono>

namespace harness {

nlohmann::json progress_json(const RunProgress& p) {
  return {{"total", p.total.load()},   {"done", p.done.load()},     {"failed", p.failed.load()},
          {"in_flight", p.in_flight.load()}, {"scored", p.scored.load()}};
}

bool is_final_status(const std::string& status) {
  return status != "queued" && status != "running" && !status.empty();
}

namespace {

std::string event(const char* name, const nlohmann::json& data) {
  return std::string("event: ") + name + "\ndata: " + data.dump() + "\n\n";
}

class RunEvents : public EventSource {
 public:
  RunEvents(const RunQueue& queue, int64_t run_id, std::function<std::string()> stored_status)
      : queue_(queue), run_id_(run_id), stored_status_(std::move(stored_status)) {}

  // Called from the connection's strand only.
  std::string poll(bool* ended) override {
    std::string out;
    std::string status, error;
    // Looked up on every poll: a resume replaces the run's state.
    auto state = queue_.state(run_id_);
    if (state) {
      status = state->get_status();
      error = state->get_error();
      if (state->progress_known) {
        nlohmann::json p = progress_json(state->progress);
        if (p != last_progress_) {
          out += event("progress", p);
          last_progress_ = std::move(p);
        }
      }
    } else {
      auto now = std::chrono::steady_clock::now();
      if (last_store_read_ == std::chrono::steady_clock::time_point{} || now - last_store_read_ >= std::chrono::seconds(2)) {
        cached_status_ = stored_status_();
        last_store_read_ = now;
      }
      status = cached_status_;
    }
    if (status != last_status_) {
      nlohmann::json s = {{"run_id", run_id_}, {"status", status}};
      if (!error.empty()) s["error"] = error;
      out += event("status", s);
      last_status_ = status;
    }
    if (is_final_status(status)) {
      out += event("end", {{"run_id", run_id_}, {"status", status}});
      *ended = true;
    }
    return out;
  }

 private:
  const RunQueue& queue_;
  int64_t run_id_;
  std::function<std::string()> stored_status_;
  std::string last_status_;
  nlohmann::json last_progress_;
  std::string cached_status_;
  std::chrono::steady_clock::time_point last_store_read_{};
};

}  // namespace

std::shared_ptr<EventSource> run_events(const RunQueue& queue, int64_t run_id,
                                        std::function<std::string()> stored_status) {
  return std::make_shared<RunEvents>(queue, run_id, std::move(stored_status));
}

}  // namespace harness
