// The command boundary: dispatch, help, and the one place where errors become one line
// on stderr and an exit code.
#include <curl/curl.h>

#include <cstdio>
#include <iostream>
#include <map>

#include "harness/commands.h"
#include "harness/errors.h"
#include "harness/template.h"
#include "store/store.h"

#ifndef HARNESS_VERSION
#define HARNESS_VERSION "dev"
#endif

namespace harness {

namespace {

const char* kUsage = R"(harness - evaluate LLMs on a fixed bench suite, with a resumable SQLite store

usage: harness <command> [options]

  run TARGET... --endpoint URL --model NAME --variant LABEL
                          run suites/templates (names or .yaml paths) against an
                          OpenAI-compatible server; --endpoint may repeat to share load
                          (or --engine DIR: the embedded engine on a local model folder)
      [--store FILE] [--concurrency N] [--limit K] [--data-dir DIR]
      [--flavour auto|vllm|llama|openai] [--api-key-env VAR] [--max-attempts N]
      [--retry-delay S] [--request-timeout S] [--skip-preflight]
      [--skip-unavailable]  run the templates whose bench and data exist, store the
                            others as skipped (the run ends incomplete)
  resume RUN_ID [--store FILE] [--concurrency N] [--endpoint URL]...
                          continue an interrupted or incomplete run
  runs [--store FILE]     list runs with status and progress
  report RUN_ID [--store FILE] [--format text|json]
                          scoreboard: n, score, stderr, failed/empty/fix-a/length counts
  compare VARIANT|RUN_ID... [--store FILE] [--suite NAME] [--baseline V]
      [--format text|md|json|csv] [--svg DIR]
                          scoreboard of variants: score ±stderr, Δ vs the first (or
                          --baseline), post-run sanity and stack markers
      --bench B --details [--group-by FIELD --data-dir DIR]
                          one bench: agreement matrix, token stats, finish reasons
  run, runs, report, compare ... --daemon URL [--token-file F]
                          send the command to a running `harness serve` (same output
                          and exit codes; the daemon owns the store and data dir)
  score BENCH --responses FILE.jsonl [--data-dir DIR] [--lang rs|java|js]
                          score {"doc_id", "response"} lines; prints one JSON line each
  rescore RUN_ID [--store FILE]
                          re-score stored responses with the current scorers
  validate FILE...        check templates and suites without running
  data pull|verify [BENCH...] [--data-dir DIR]
                          fetch / check the dataset files (pinned sha256)
  generate --engine DIR --prompt TEXT [--thinking] [--max-tokens N]
                          one chat turn through the embedded Gemma 4 engine (CPU)
  serve [--listen 127.0.0.1:8420] [--store FILE] [--data-dir DIR] [--token-file F] [--max-concurrent-runs N]
                          the daemon: HTTP API, run queue, web page (harness/DAEMON.md)
  version                 print the version

defaults: --store ./harness.db, --data-dir $HARNESS_DATA_DIR or ~/.cache/harness/data
exit codes: 0 ok, 1 internal error, 2 usage, 3 bad input (template, data, store),
            4 run incomplete (failed samples), 5 endpoint unreachable,
            6 run locked by another process, 130 interrupted
)";

int cmd_validate_impl(const Args& args) {
  if (args.empty()) throw UsageError("usage: harness validate FILE...");
  int bad = 0;
  for (const auto& path : args) {
    std::string err = validate_file(path, default_templates_dir());
    if (err.empty()) {
      std::cout << path << ": ok\n";
    } else {
      std::cout << err << "\n";
      ++bad;
    }
  }
  return bad ? kExitBadInput : kExitOk;
}

}  // namespace

int cmd_validate(const Args& args) { return cmd_validate_impl(args); }

int run_cli(int argc, char** argv) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  std::vector<std::string> all(argv + 1, argv + argc);
  if (all.empty() || all[0] == "help" || all[0] == "--help" || all[0] == "-h") {
    std::cout << kUsage;
    return all.empty() ? kExitUsage : kExitOk;
  }
  const std::string command = all[0];
  Args rest(all.begin() + 1, all.end());
  static const std::map<std::string, int (*)(const Args&)> commands = {
      {"run", cmd_run},       {"resume", cmd_resume},   {"runs", cmd_runs},
      {"report", cmd_report}, {"score", cmd_score},     {"rescore", cmd_rescore},
      {"validate", cmd_validate}, {"data", cmd_data},     {"generate", cmd_generate},
      {"compare", cmd_compare},
      {"serve", cmd_serve},
  };
  try {
    if (command == "version" || command == "--version") {
      std::cout << "harness " << HARNESS_VERSION << "\n";
      return kExitOk;
    }
    auto it = commands.find(command);
    if (it == commands.end()) throw UsageError("unknown command '" + command + "'");
    return it->second(rest);
  } catch (const UsageError& e) {
    std::cerr << "harness: " << e.what() << " (see `harness help`)\n";
    return kExitUsage;
  } catch (const CommandError& e) {
    std::cerr << "harness: " << e.what() << "\n";
    return e.exit_code;
  } catch (const TemplateError& e) {
    std::cerr << "harness: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const store::StoreError& e) {
    std::cerr << "harness: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "harness: internal error: " << e.what() << "\n";
    return kExitFailure;
  }
}

}  // namespace harness
