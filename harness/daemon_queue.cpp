#include "harness/daemon_queue.h"

#include <algorithm>
#include <iostream>
#include <sstream>

#include "harness/errors.h"

namespace harness {

std::string RunState::get_status() const {
  std::lock_guard lock(mutex);
  return status;
}

std::string RunState::get_error() const {
  std::lock_guard lock(mutex);
  return error;
}

void RunState::set(std::string new_status, std::string new_error) {
  std::lock_guard lock(mutex);
  status = std::move(new_status);
  error = std::move(new_error);
}

namespace {

// Notes of prepare_* (templates skipped, ...) go to the daemon's log, one line per run.
void log_lines(int64_t run_id, const std::string& text) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) std::cerr << "run " << run_id << ": " << line << "\n";
}

bool lock_is_free(const std::string& store_path, int64_t run_id) {
  return store::RunLock::try_acquire(store_path, run_id).has_value();
}

}  // namespace

RunQueue::RunQueue(QueueOptions options) : options_(std::move(options)) {
  if (options_.max_concurrent_runs < 1) options_.max_concurrent_runs = 1;
  store_ = store::Store::open(options_.store_path, store::OpenMode::ReadWrite);
}

RunQueue::~RunQueue() { stop(); }

std::shared_ptr<RunState> RunQueue::state_for(int64_t run_id, const std::string& status) {
  auto state = std::make_shared<RunState>();
  state->run_id = run_id;
  state->status = status;
  states_[run_id] = state;
  return state;
}

ResumeOverrides RunQueue::overrides_for(int concurrency) const {
  ResumeOverrides o;
  o.concurrency = concurrency;
  o.data_dir = options_.data_dir;
  // Runs stored by older daemons or by the CLI get the same bounds as new API runs.
  o.adjust = [policy = options_.endpoints, max_concurrency = options_.max_run_concurrency,
              max_timeout = options_.max_request_timeout_s](RunConfig& c) {
    apply_endpoint_policy(policy, c.endpoints);
    c.concurrency = std::clamp(c.concurrency, 1, max_concurrency);
    if (!(c.retry.request_timeout_s > 0 && c.retry.request_timeout_s <= max_timeout))
      c.retry.request_timeout_s = max_timeout;
  };
  return o;
}

std::vector<int64_t> RunQueue::start() {
  std::vector<int64_t> picked;
  {
    std::lock_guard lock(mutex_);
    // list_runs is newest first; the queue is ordered by id, so oldest runs go first.
    for (const auto& run : store_->list_runs()) {
      if (run.status != "queued" && run.status != "running") continue;
      if (!lock_is_free(options_.store_path, run.id)) continue;  // another process works on it
      store_->set_run_status(run.id, "queued");
      Entry entry;
      entry.run_id = run.id;
      entry.state = state_for(run.id, "queued");
      entry.overrides = overrides_for(0);
      queued_[run.id] = std::move(entry);
      picked.push_back(run.id);
    }
  }
  for (int i = 0; i < options_.max_concurrent_runs; ++i) executors_.emplace_back([this] { executor_loop(); });
  return picked;
}

void RunQueue::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    for (auto& [id, state] : states_)
      if (state->get_status() == "running") state->stop = true;
  }
  wake_.notify_all();
  for (auto& t : executors_) t.join();
  executors_.clear();
}

int64_t RunQueue::submit(NewRunRequest request) {
  request.templates_dir = options_.templates_dir;
  request.config.data_dir = options_.data_dir;
  request.defer_engine = true;
  apply_endpoint_policy(options_.endpoints, request.config.endpoints);
  std::ostringstream log;
  // Validated and recorded, then dropped: the executor builds the backend and plans again
  // when it takes the run, so a long queue holds no models, datasets or connections.
  PreparedRun prepared = prepare_new_run(std::move(request), log);
  std::lock_guard lock(mutex_);
  if (stopping_) throw CommandError("the daemon is shutting down; submit the run again once it restarts", kExitFailure);
  const int64_t run_id = record_new_run(*store_, prepared, "queued");
  log_lines(run_id, log.str());
  Entry entry;
  entry.run_id = run_id;
  entry.state = state_for(run_id, "queued");
  entry.fresh = true;
  entry.overrides = overrides_for(0);
  entry.overrides.fresh = true;
  queued_[run_id] = std::move(entry);
  wake_.notify_one();
  return run_id;
}

QueueAnswer RunQueue::cancel(int64_t run_id, std::string* message) {
  std::lock_guard lock(mutex_);
  if (auto it = queued_.find(run_id); it != queued_.end()) {
    store_->set_run_status(run_id, "cancelled");
    it->second.state->set("cancelled");
    queued_.erase(it);
    return QueueAnswer::Ok;
  }
  if (auto it = states_.find(run_id); it != states_.end() && it->second->get_status() == "running") {
    it->second->cancel_requested = true;
    it->second->stop = true;
    return QueueAnswer::Ok;
  }
  auto run = store_->get_run(run_id);
  if (!run) {
    *message = "run " + std::to_string(run_id) + " is not in " + options_.store_path;
    return QueueAnswer::NotFound;
  }
  if (run->status == "running" && !lock_is_free(options_.store_path, run_id))
    *message = "run " + std::to_string(run_id) +
               " is being worked on by another harness process; stop that process instead";
  else
    *message = "run " + std::to_string(run_id) + " is " + run->status + ", neither queued nor running";
  return QueueAnswer::Conflict;
}

QueueAnswer RunQueue::resume(int64_t run_id, int concurrency, std::string* message) {
  std::lock_guard lock(mutex_);
  auto run = store_->get_run(run_id);
  if (!run) {
    *message = "run " + std::to_string(run_id) + " is not in " + options_.store_path;
    return QueueAnswer::NotFound;
  }
  const std::string id = std::to_string(run_id);
  if (queued_.count(run_id)) {
    *message = "run " + id + " is already queued";
    return QueueAnswer::Conflict;
  }
  if (auto it = states_.find(run_id); it != states_.end() && it->second->get_status() == "running") {
    *message = "run " + id + " is running";
    return QueueAnswer::Conflict;
  }
  if (run->status == "complete") {
    *message = "run " + id + " is complete; there is nothing to resume";
    return QueueAnswer::Conflict;
  }
  if (!lock_is_free(options_.store_path, run_id)) {
    *message = "run " + id + " is being worked on by another harness process";
    return QueueAnswer::Conflict;
  }
  if (stopping_) {
    *message = "the daemon is shutting down; resume the run once it restarts";
    return QueueAnswer::Conflict;
  }
  store_->set_run_status(run_id, "queued");
  Entry entry;
  entry.run_id = run_id;
  entry.state = state_for(run_id, "queued");
  entry.overrides = overrides_for(concurrency);
  queued_[run_id] = std::move(entry);
  wake_.notify_one();
  return QueueAnswer::Ok;
}

std::shared_ptr<const RunState> RunQueue::state(int64_t run_id) const {
  std::lock_guard lock(mutex_);
  auto it = states_.find(run_id);
  return it == states_.end() ? nullptr : it->second;
}

int RunQueue::queue_position(int64_t run_id) const {
  std::lock_guard lock(mutex_);
  int pos = 0;
  for (const auto& [id, entry] : queued_) {
    ++pos;
    if (id == run_id) return pos;
  }
  return 0;
}

int RunQueue::running_count() const {
  std::lock_guard lock(mutex_);
  return running_;
}

int RunQueue::queued_count() const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(queued_.size());
}

void RunQueue::executor_loop() {
  for (;;) {
    Entry entry;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queued_.empty(); });
      if (stopping_) return;
      auto it = queued_.begin();
      entry = std::move(it->second);
      queued_.erase(it);
      entry.state->set("running");
      ++running_;
    }
    try {
      execute(entry);
    } catch (const std::exception& e) {
      // A store error mid-run: what was committed stays; the run is resumable.
      std::cerr << "run " << entry.run_id << ": stopped by an error: " << e.what() << "\n";
      entry.state->set("interrupted", e.what());
    }
    std::lock_guard lock(mutex_);
    --running_;
  }
}

void RunQueue::execute(Entry entry) {
  const int64_t run_id = entry.run_id;
  RunState& state = *entry.state;
  int holder = 0;
  auto lock = store::RunLock::try_acquire(options_.store_path, run_id, &holder);
  if (!lock) {
    // Not a stored status: this daemon gave the run up to the process that holds it.
    state.set("locked", "run " + std::to_string(run_id) + " is being worked on by another harness process" +
                             (holder ? " (pid " + std::to_string(holder) + ")" : ""));
    return;
  }
  // Another daemon on the same store may have run or cancelled it meanwhile.
  auto stored = store_->get_run(run_id);
  if (!stored || stored->status != "queued") {
    state.set(stored ? stored->status : "missing");
    return;
  }
  std::ostringstream log;
  PreparedRun run;
  try {
    run = prepare_resume(*store_, run_id, entry.overrides, log);
    // A submitted engine run is recorded before its model is loaded (submit).
    if (stored->fingerprint.empty() && run.backend) store_->set_run_fingerprint(run_id, run.backend->fingerprint());
  } catch (const std::exception& e) {
    log_lines(run_id, log.str());
    std::cerr << "run " << run_id << ": cannot continue: " << e.what() << "\n";
    store_->set_run_status(run_id, "failed");
    state.set("failed", e.what());
    return;
  }
  log_lines(run_id, log.str());
  std::cerr << "run " << run_id << (entry.fresh ? " started" : " resumed") << "\n";

  RunSettings settings;
  settings.concurrency = run.config.concurrency;
  settings.stop = &state.stop;
  settings.progress = &state.progress;
  state.progress_known = true;
  RunOutcome outcome;
  try {
    outcome = execute_prepared_run(*store_, run, settings);
  } catch (const RunGateError& e) {
    // Stopped early or a smoke run below its floor: stored as such; the reason is shown.
    state.set(e.outcome.status, e.what());
    std::cerr << "run " << run_id << " ended " << e.outcome.status << ": " << e.what() << "\n";
    return;
  }
  if (outcome.stopped && !state.cancel_requested) {
    // The daemon is shutting down: leave the run for the next start.
    store_->set_run_status(run_id, "queued");
    state.set("queued");
    std::cerr << "run " << run_id << " paused for shutdown; the next `harness serve` continues it\n";
    return;
  }
  state.set(outcome.status);
  std::cerr << "run " << run_id << " ended " << outcome.status << "\n";
}

}  // namespace harness
