// The daemon's run queue. The store is the queue: a submitted run is recorded with status
// "queued" before the client hears of it, executor threads take queued runs oldest first
// under the run lock, and a daemon that starts picks up every run left "queued" or
// "running" (with a free lock) and continues it like `harness resume`.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "harness/daemon_endpoints.h"
#include "harness/run_start.h"
#include "store/store.h"

namespace harness {

struct QueueOptions {
  std::string store_path;
  std::string data_dir;       // every run the daemon executes reads its data here
  std::string templates_dir;  // where target names are looked up
  int max_concurrent_runs = 1;
  EndpointPolicy endpoints;   // which endpoints runs may call; which get the key
  // Bounds on what an API client may ask for (and on stored runs the daemon continues).
  int max_run_concurrency = 64;          // requests in flight per run (one thread each)
  double max_request_timeout_s = 86400;  // request_timeout_s of a run
};

// What the API and the event stream see of one run this daemon knows about. Progress
// counters are atomics written by the runner's workers; reading them never touches the store.
struct RunState {
  int64_t run_id = 0;
  std::atomic<bool> stop{false};
  std::atomic<bool> cancel_requested{false};  // stop came from the API, not a shutdown
  RunProgress progress;
  std::atomic<bool> progress_known{false};  // counters are live (the run executes or did)
  mutable std::mutex mutex;                 // guards status and error
  std::string status;                       // "queued", "running", then how it ended
  std::string error;                        // why it failed to start or resume ("" if none)

  std::string get_status() const;
  std::string get_error() const;
  void set(std::string new_status, std::string new_error = "");
};

enum class QueueAnswer { Ok, NotFound, Conflict };

class RunQueue {
 public:
  explicit RunQueue(QueueOptions options);
  ~RunQueue();  // stop(): running runs stop taking work, in-flight requests are stored
  RunQueue(const RunQueue&) = delete;
  RunQueue& operator=(const RunQueue&) = delete;

  // Re-queues every run left queued or running (lock free), then starts the executors.
  // Returns the ids picked up.
  std::vector<int64_t> start();
  void stop();

  // Pre-flight, plans and the store record. Blocking (seconds): call it off the IO
  // threads. Throws CommandError/UsageError with the CLI's message. Nothing of the run is
  // kept in memory while it waits: the backend (for `engine`, the model) and the plans
  // are built again when an executor takes it, as for a resumed run.
  int64_t submit(NewRunRequest request);

  // Queued: cancelled at once. Running: stops taking work. `message` says why not.
  QueueAnswer cancel(int64_t run_id, std::string* message);
  // A cancelled, incomplete, failed or interrupted run is queued again.
  QueueAnswer resume(int64_t run_id, int concurrency, std::string* message);

  // The live state of a run this daemon queued or ran since it started, else nullptr.
  std::shared_ptr<const RunState> state(int64_t run_id) const;
  // 1-based position among queued runs, 0 when not queued.
  int queue_position(int64_t run_id) const;
  int running_count() const;
  int queued_count() const;

  const QueueOptions& options() const { return options_; }

 private:
  struct Entry {
    int64_t run_id = 0;
    std::shared_ptr<RunState> state;
    bool fresh = false;  // submitted now (not resumed): only the log's wording differs
    ResumeOverrides overrides;
  };
  void executor_loop();
  void execute(Entry entry);
  std::shared_ptr<RunState> state_for(int64_t run_id, const std::string& status);
  ResumeOverrides overrides_for(int concurrency) const;

  QueueOptions options_;
  std::unique_ptr<store::Store> store_;  // the one writer connection
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::map<int64_t, Entry> queued_;      // by run id: oldest first
  std::map<int64_t, std::shared_ptr<RunState>> states_;
  int running_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> executors_;
};

}  // namespace harness
