// `harness run`, `harness resume`, `harness runs`, `harness report`.
#include <csignal>
#include <cstdio>
#include <iostream>
#include <unistd.h>

#include "harness/cli_args.h"
#include "harness/commands.h"
#include "harness/daemon_client.h"
#include "harness/data_catalog.h"
#include "harness/errors.h"
#include "harness/progress.h"
#include "harness/run_start.h"

namespace harness {

namespace {

std::atomic<bool> g_stop{false};

// First SIGINT/SIGTERM: stop taking new work, let in-flight requests finish and be stored.
// Second: leave at once (in-flight requests are lost; everything stored stays).
void on_signal(int) {
  if (g_stop.exchange(true)) _exit(kExitInterrupted);
  const char msg[] = "\nstopping: waiting for requests in flight (press Ctrl-C again to abandon them)\n";
  [[maybe_unused]] auto n = write(STDERR_FILENO, msg, sizeof msg - 1);
}

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

const std::set<std::string> kStoreFlag = {"store", "daemon", "token-file"};
std::string store_path(const CliArgs& args) { return args.get("store", "harness.db"); }

std::unique_ptr<store::Store> open_store(const std::string& path, store::OpenMode mode) {
  try {
    return store::Store::open(path, mode);
  } catch (const store::StoreError& e) {
    throw CommandError(e.what(), kExitBadInput);
  }
}

int64_t parse_run_id(const std::string& s) {
  try {
    size_t used = 0;
    long long id = std::stoll(s, &used);
    if (used == s.size() && id > 0) return id;
  } catch (const std::exception&) {
  }
  throw UsageError("'" + s + "' is not a run id (a positive number; `harness runs` lists them)");
}

store::RunLock lock_run(const std::string& path, int64_t run_id) {
  int holder = 0;
  auto lock = store::RunLock::try_acquire(path, run_id, &holder);
  if (!lock)
    throw CommandError("run " + std::to_string(run_id) + " is being worked on by another harness process" +
                           (holder ? " (pid " + std::to_string(holder) + ")" : "") +
                           "; wait for it to finish or stop it first",
                       kExitLocked);
  return std::move(*lock);
}

int finish(store::Store& store, const PreparedRun& run, const RunOutcome& outcome) {
  const int64_t run_id = run.run_id;
  std::cout << format_run_report(store, run_id);
  if (outcome.status == "complete") return kExitOk;
  if (outcome.status == "cancelled") {
    std::cerr << "run " << run_id << " stopped; continue it with `harness resume " << run_id
              << (store.path() != "harness.db" ? " --store " + store.path() : "") << "`\n";
    return kExitInterrupted;
  }
  if (outcome.failed == 0 && run.has_skipped) {
    std::cerr << "run " << run_id << " is incomplete: some templates were skipped (see the report)\n";
    return kExitIncomplete;
  }
  std::cerr << "run " << run_id << " is incomplete: " << outcome.failed
            << " sample(s) failed after all retries (errors are in the store); retry them with "
               "`harness resume "
            << run_id << "`\n";
  return kExitIncomplete;
}

int execute(store::Store& store, PreparedRun& run) {
  install_signal_handlers();
  RunProgress progress;
  ProgressPrinter printer("run " + std::to_string(run.run_id));
  RunSettings settings;
  settings.concurrency = run.config.concurrency;
  settings.stop = &g_stop;
  settings.progress = &progress;
  settings.on_progress = [&](const RunProgress& p) { printer.update(p); };
  RunOutcome outcome;
  try {
    outcome = execute_prepared_run(store, run, settings);
  } catch (const store::StoreError& e) {
    throw CommandError(std::string(e.what()) + "; `harness resume " + std::to_string(run.run_id) +
                           "` continues once the store is writable",
                       kExitBadInput);
  } catch (const RunGateError&) {
    // Stopped early or a smoke run below its floor: show what was stored, then the reason
    // (the command boundary prints it and exits with its code).
    printer.finish(progress);
    std::cout << format_run_report(store, run.run_id);
    throw;
  }
  printer.finish(progress);
  return finish(store, run, outcome);
}

RunConfig config_from_args(const CliArgs& args) {
  RunConfig c;
  for (const auto& url : args.get_all("endpoint")) {
    OpenAIEndpoint ep;
    ep.base_url = url;
    ep.model = args.get("model", "");
    ep.api_key_env = args.get("api-key-env", "OPENAI_API_KEY");
    ep.flavour = args.get("flavour", "auto");
    c.endpoints.push_back(ep);
  }
  c.engine_dir = args.get("engine", "");
  c.retry.max_attempts = args.get_int("max-attempts", c.retry.max_attempts);
  c.retry.initial_delay_s = args.get_double("retry-delay", c.retry.initial_delay_s);
  c.retry.request_timeout_s = args.get_double("request-timeout", c.retry.request_timeout_s);
  c.concurrency = args.get_int("concurrency", 0);
  c.limit = args.get_int("limit", 0);
  c.data_dir = args.get("data-dir", default_data_dir());
  if (c.retry.max_attempts < 1) throw UsageError("--max-attempts must be at least 1");
  if (c.limit < 0) throw UsageError("--limit must be positive");
  return c;
}

const std::set<std::string> kRunFlags = {"endpoint", "model",       "variant",        "store",
                                         "concurrency", "limit",    "data-dir",       "flavour",
                                         "api-key-env", "max-attempts", "retry-delay", "request-timeout",
                                         "engine", "daemon", "token-file"};

}  // namespace

int cmd_run(const Args& raw) {
  CliArgs args(raw, kRunFlags, {"skip-preflight", "skip-unavailable"});
  if (args.positionals().empty())
    throw UsageError("usage: harness run <suite|template|file.yaml>... --endpoint URL --model NAME --variant LABEL");
  NewRunRequest request;
  request.config = config_from_args(args);
  request.config.targets = args.positionals();
  const RunConfig& config = request.config;
  if (config.endpoints.empty() && config.engine_dir.empty())
    throw UsageError("harness run needs --endpoint URL (an OpenAI-compatible server) or --engine DIR");
  if (!config.endpoints.empty() && !args.has("model"))
    throw UsageError("harness run needs --model NAME (the model name the server serves)");
  if (!args.has("variant"))
    throw UsageError("harness run needs --variant LABEL (how this model variant is named in reports)");
  request.variant = args.get("variant");
  request.skip_preflight = args.has("skip-preflight");
  request.skip_unavailable = args.has("skip-unavailable");
  if (args.has("daemon")) return daemon_run(args);

  PreparedRun run = prepare_new_run(std::move(request), std::cerr);
  auto store = open_store(store_path(args), store::OpenMode::ReadWrite);
  const int64_t run_id = record_new_run(*store, run);
  auto lock = lock_run(store->path(), run_id);
  std::cerr << "run " << run_id << " started: " << run.plans.size() << " bench(es), store "
            << store->path() << "\n";
  return execute(*store, run);
}

int cmd_resume(const Args& raw) {
  CliArgs args(raw, {"store", "concurrency", "endpoint", "data-dir"}, {});
  if (args.positionals().size() != 1) throw UsageError("usage: harness resume RUN_ID [--store FILE]");
  int64_t run_id = parse_run_id(args.positionals()[0]);
  auto store = open_store(store_path(args), store::OpenMode::ReadWrite);
  auto run = store->get_run(run_id);
  if (!run) throw CommandError("run " + std::to_string(run_id) + " is not in " + store->path(), kExitBadInput);
  auto lock = lock_run(store->path(), run_id);
  ResumeOverrides overrides;
  if (args.has("concurrency")) overrides.concurrency = args.get_int("concurrency", 0);
  if (args.has("data-dir")) overrides.data_dir = args.get("data-dir");
  if (args.has("endpoint")) overrides.endpoints = args.get_all("endpoint");
  PreparedRun prepared = prepare_resume(*store, run_id, overrides, std::cerr);
  std::cerr << "resuming run " << run_id << "\n";
  return execute(*store, prepared);
}

int cmd_runs(const Args& raw) {
  CliArgs args(raw, kStoreFlag, {});
  if (args.has("daemon")) return daemon_runs(args);
  auto store = open_store(store_path(args), store::OpenMode::ReadOnly);
  std::cout << format_runs_table(*store);
  return kExitOk;
}

int cmd_report(const Args& raw) {
  CliArgs args(raw, {"store", "format", "daemon", "token-file"}, {});
  if (args.positionals().size() != 1) throw UsageError("usage: harness report RUN_ID [--store FILE] [--format text|json]");
  int64_t run_id = parse_run_id(args.positionals()[0]);
  if (args.has("daemon")) return daemon_report(args, run_id);
  auto store = open_store(store_path(args), store::OpenMode::ReadOnly);
  if (!store->get_run(run_id))
    throw CommandError("run " + std::to_string(run_id) + " is not in " + store->path(), kExitBadInput);
  std::string format = args.get("format", "text");
  if (format == "json") std::cout << run_report_json(*store, run_id).dump(2) << "\n";
  else if (format == "text") std::cout << format_run_report(*store, run_id);
  else throw UsageError("--format must be text or json");
  return kExitOk;
}

}  // namespace harness
