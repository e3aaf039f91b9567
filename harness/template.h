// Bench templates and suites (YAML in templates/). Loading validates everything and
// fails with "FILE:LINE: FIELD: what is wrong; how to fix it".
#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace harness {

struct TemplateError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Selection {
  enum class Kind { First, All, Indices, TaskIdsFile, Filter };
  Kind kind = Kind::All;
  int first = 0;                       // Kind::First
  std::vector<int> indices;            // Kind::Indices (0-based dataset rows)
  std::string task_ids_file;           // Kind::TaskIdsFile (relative to the data dir)
  nlohmann::json filter = nlohmann::json::object();  // Kind::Filter (bench-specific keys)
  bool operator==(const Selection&) const = default;
};

struct GenerationSettings {
  int max_gen_toks = 16384;
  double temperature = 0.0;
  double top_p = 1.0;
  std::optional<int> top_k;            // sent only when set (lm-eval benches send 0)
  std::optional<int64_t> seed;         // sent only when set (lm-eval benches send 1234)
  std::vector<std::string> stop;       // at most 4 are sent (benches.md §0.4)
  bool operator==(const GenerationSettings&) const = default;
};

struct ReasoningSettings {
  std::optional<bool> enable_thinking;        // chat_template_kwargs.enable_thinking
  std::optional<int> thinking_token_budget;   // sent only when set
  bool operator==(const ReasoningSettings&) const = default;
};

struct BenchTemplate {
  std::string name;          // "gsm8k_100"
  std::string bench;         // "gsm8k"
  std::string description;
  int n = 0;                 // expected number of problems
  Selection selection;
  GenerationSettings generation;
  ReasoningSettings reasoning;
  nlohmann::json scoring = nlohmann::json::object();   // bench-specific (metric, filter, mode, lang)
  nlohmann::json sandbox = nlohmann::json::object();   // sandbox limits for code benches
  nlohmann::json sanity = nlohmann::json::object();    // e.g. {min_p10_chars: 60}
  int concurrency = 0;       // 0 = command line / default
  // Per-backend overrides: backend flavour ("llama", "vllm", "openai", "embedded") →
  // a partial template (same keys as generation/reasoning/concurrency) merged on top.
  std::map<std::string, nlohmann::json> overrides;
  std::string source_path;   // file it was loaded from

  // The template with the override for `flavour` applied (no-op if none). The result has
  // no overrides left: they are applied, and another flavour's override must not change
  // the hash of this run.
  BenchTemplate resolved_for(const std::string& flavour) const;
  // Canonical JSON of every field that changes what runs (not source_path).
  nlohmann::json to_json() const;
  std::string canonical_text() const;  // to_json().dump(2)
  std::string hash() const;            // sha256 hex of canonical_text()
  static BenchTemplate from_json(const nlohmann::json& j);  // inverse of to_json (resume)
  bool operator==(const BenchTemplate&) const = default;  // compares source_path too
};

struct Suite {
  std::string name;
  std::string description;
  std::vector<std::string> templates;  // template names, in run order
  std::string source_path;
  bool operator==(const Suite&) const = default;
};

BenchTemplate load_template_file(const std::string& path);
Suite load_suite_file(const std::string& path);

// Where the shipped templates live: $HARNESS_TEMPLATES_DIR, else <exe dir>/../templates,
// else the source tree's templates/ (compiled in).
std::string default_templates_dir();

// Resolves command-line targets: a template name ("gsm8k_100"), a suite name
// ("canonical-9"), or a path to a .yaml file (template or suite). Suites expand in order.
std::vector<BenchTemplate> resolve_targets(const std::vector<std::string>& targets,
                                           const std::string& templates_dir);

// Path checks for names that templates and suites join onto a folder: a suite's template
// name must be a plain file stem (no '/', '\\', NUL, and not "." or ".."); a
// selection.task_ids_file must be a relative path with no ".." component, so that
// neither can reach outside the templates dir or the data dir.
bool is_plain_name(const std::string& name);
bool is_path_inside(const std::string& relative);

// Validates a file (template or suite) and returns "" or the error message.
std::string validate_file(const std::string& path, const std::string& templates_dir);

// The bench names a template may use (one list for the whole harness; the bench registry
// may not have all of them built yet).
const std::vector<std::string>& known_bench_names();
// Backend flavours an override may name: "llama", "vllm", "openai", "embedded".
const std::vector<std::string>& known_backend_flavours();
// The field reference of templates/README.md, generated from the schema table.
std::string template_schema_markdown();
// Template names (file stems) in templates_dir and suite names in templates_dir/suites,
// sorted; for listings and "known: ..." messages.
std::vector<std::string> list_template_names(const std::string& templates_dir);
std::vector<std::string> list_suite_names(const std::string& templates_dir);

}  // namespace harness
