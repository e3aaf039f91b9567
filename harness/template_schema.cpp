#include "harness/template_schema.h"

#include <algorithm>
#include <iomanip>
#include <sstream>

#include "harness/template.h"

namespace harness {

const std::vector<std::string>& known_bench_names() {
  static const std::vector<std::string> names = {
      "gsm8k",     "math500",  "aime2024",      "arc_challenge", "gpqa_diamond",
      "ifeval",    "humaneval", "humanevalplus", "livecodebench", "multipl_e"};
  return names;
}

const std::vector<std::string>& known_backend_flavours() {
  static const std::vector<std::string> names = {"llama", "vllm", "openai", "embedded"};
  return names;
}

}  // namespace harness

namespace harness::templates {

namespace {

using K = ValueKind;

constexpr double kMaxCount = 10'000'000;  // keeps every count inside an int

// The benches that run generated code (and so read the `sandbox` section).
constexpr std::string_view kCodeBenches = "humaneval|humanevalplus|livecodebench|multipl_e";

// Order matters twice: it is the order of the README's field list, and a section's
// children are listed in "known keys" hints in this order.
const std::vector<FieldSpec> kTemplateFields = {
    {.path = "name", .kind = K::String, .required = true,
     .doc = "Template name; must equal the file name without `.yaml`."},
    {.path = "bench", .kind = K::String, .required = true,
     .doc = "Bench that loads, prompts and scores: gsm8k, math500, aime2024, arc_challenge, "
            "gpqa_diamond, ifeval, humaneval, humanevalplus, livecodebench, multipl_e."},
    {.path = "description", .kind = K::String, .doc = "Free text shown in listings."},
    {.path = "n", .kind = K::Integer, .required = true, .min = 1, .max = kMaxCount,
     .doc = "Expected number of samples; a run that ends with another count is flagged. "
            "With `first`/`indices` it must equal their count times the number of "
            "`scoring.langs` (1 when absent)."},
    {.path = "selection", .kind = K::Selection, .required = true,
     .doc = "Which problems run: `all`, or a map with exactly one of the forms below."},
    {.path = "selection.first", .kind = K::Integer, .min = 1, .max = kMaxCount,
     .doc = "The first N problems in dataset order (per language for multipl_e)."},
    {.path = "selection.all", .kind = K::Boolean,
     .doc = "`all: true` (same as `selection: all`): every problem."},
    {.path = "selection.indices", .kind = K::IntegerList, .min = 0, .max = kMaxCount,
     .doc = "0-based dataset rows, in run order, no duplicates."},
    {.path = "selection.task_ids_file", .kind = K::String,
     .doc = "JSON list of task ids, relative to the data dir "
            "(e.g. `livecodebench/taskids/lcb_medium_55_taskids.json`); run in list order."},
    {.path = "selection.filter", .kind = K::Section, .only_bench = "livecodebench",
     .doc = "Bench-side filter: the keys below."},
    {.path = "selection.filter.difficulty", .kind = K::String, .choices = "easy|medium|hard",
     .doc = "Keep problems of this difficulty."},
    {.path = "selection.filter.min_date", .kind = K::String,
     .doc = "Keep problems with contest_date >= this `YYYY-MM-DD`."},
    {.path = "selection.filter.max_date", .kind = K::String,
     .doc = "Keep problems with contest_date <= this `YYYY-MM-DD`."},
    {.path = "selection.filter.testtype", .kind = K::String, .choices = "functional|stdin|any",
     .doc = "Keep problems whose tests are of this type (default functional; stdin problems "
            "are scored only in the official mode)."},
    {.path = "generation", .kind = K::Section, .required = true, .overridable = true,
     .doc = "Sampling settings sent with every request."},
    {.path = "generation.max_gen_toks", .kind = K::Integer, .required = true, .min = 1,
     .max = kMaxCount, .overridable = true,
     .doc = "`max_tokens` of the request (thinking included)."},
    {.path = "generation.temperature", .kind = K::Number, .min = 0, .max = 100,
     .overridable = true, .doc = "Default 0 (greedy)."},
    {.path = "generation.top_p", .kind = K::Number, .min = 0, .min_exclusive = true, .max = 1,
     .overridable = true, .doc = "Default 1."},
    {.path = "generation.top_k", .kind = K::Integer, .nullable = true, .min = 0,
     .max = kMaxCount, .overridable = true,
     .doc = "Sent only when set (lm-eval benches send 0 = off)."},
    {.path = "generation.seed", .kind = K::Integer, .nullable = true, .overridable = true,
     .doc = "Sent only when set (lm-eval benches send 1234)."},
    {.path = "generation.stop", .kind = K::StringList, .overridable = true,
     .doc = "Stop strings; the template may list more, the client sends the first 4 "
            "(the OpenAI API limit lm-eval applies)."},
    {.path = "reasoning", .kind = K::Section, .overridable = true,
     .doc = "Thinking settings sent with every request."},
    {.path = "reasoning.enable_thinking", .kind = K::Boolean, .nullable = true,
     .overridable = true,
     .doc = "Sent as `chat_template_kwargs.enable_thinking` only when set."},
    {.path = "reasoning.thinking_token_budget", .kind = K::Integer, .nullable = true, .min = 0,
     .max = kMaxCount, .overridable = true,
     .doc = "Sent only when set; must be below `generation.max_gen_toks`."},
    {.path = "scoring", .kind = K::Section, .doc = "Which metric is the headline."},
    {.path = "scoring.metric", .kind = K::String,
     .doc = "Headline metric (benches.md §0.7), e.g. `exact_match`, `pass@1`."},
    {.path = "scoring.filter", .kind = K::String,
     .doc = "Filter of the headline metric, e.g. `flexible-extract`, `none`."},
    {.path = "scoring.mode", .kind = K::String, .choices = "omk|official",
     .only_bench = "livecodebench",
     .doc = "livecodebench: `omk` (public tests, 10 s total) or `official` (LCB's own)."},
    {.path = "scoring.langs", .kind = K::StringList, .choices = "rs|java|js",
     .only_bench = "multipl_e", .doc = "multipl_e (required there): languages, in run order."},
    // Each sandbox key lists the benches that honour it; any other bench's template is
    // rejected at validation rather than have the limit silently ignored.
    {.path = "sandbox", .kind = K::Section, .only_bench = kCodeBenches,
     .doc = "Limits for running generated code."},
    {.path = "sandbox.timeout_s", .kind = K::Number, .min = 0, .min_exclusive = true,
     .max = 3600, .only_bench = kCodeBenches,
     .doc = "The reference's time limit, in reference-machine seconds: per problem for humaneval "
            "(scaled by a calibrated machine speed factor, and at least 3× the canonical "
            "solution's measured need), all public tests for livecodebench omk, per test for "
            "livecodebench official (whole seconds), per command for multipl_e."},
    {.path = "sandbox.speed_factor", .kind = K::Number, .min = 0, .min_exclusive = true,
     .max = 1000, .only_bench = "humaneval|humanevalplus",
     .doc = "Pins the machine speed factor instead of calibrating it (to compare machines)."},
    {.path = "sandbox.wall_seconds", .kind = K::Number, .min = 0, .min_exclusive = true,
     .max = 3600, .only_bench = kCodeBenches,
     .doc = "Wall-clock limit of one sandboxed run (humaneval, livecodebench: the driver, the "
            "program and its tests together)."},
    {.path = "sandbox.cpu_seconds", .kind = K::Number, .min = 0, .min_exclusive = true,
     .max = 3600, .only_bench = kCodeBenches, .doc = "CPU-time limit of one sandboxed run."},
    {.path = "sandbox.memory_mb", .kind = K::Integer, .min = 16, .max = 1 << 20,
     .only_bench = kCodeBenches, .doc = "Address-space limit per process, MiB."},
    {.path = "sandbox.compile_wall_seconds", .kind = K::Number, .min = 0, .min_exclusive = true,
     .max = 3600, .only_bench = "multipl_e",
     .doc = "Wall-clock limit of a compile step (rs, java)."},
    {.path = "sandbox.compile_cpu_seconds", .kind = K::Number, .min = 0, .min_exclusive = true,
     .max = 3600, .only_bench = "multipl_e", .doc = "CPU-time limit of a compile step."},
    {.path = "sandbox.compile_memory_mb", .kind = K::Integer, .min = 16, .max = 1 << 20,
     .only_bench = "multipl_e", .doc = "Address-space limit of a compile step, MiB."},
    {.path = "sandbox.processes", .kind = K::Integer, .min = 1, .max = 4096,
     .only_bench = kCodeBenches,
     .doc = "Maximum processes inside one sandbox (humaneval and livecodebench need 2: the "
            "driver and the program)."},
    {.path = "sandbox.output_bytes", .kind = K::Integer, .min = 1, .max = 1 << 30,
     .only_bench = "multipl_e",
     .doc = "Captured stdout/stderr per stream; the rest is dropped. (The Python benches never "
            "capture a program's output streams.)"},
    {.path = "sanity", .kind = K::Section, .doc = "Post-run checks (benches.md §10)."},
    {.path = "sanity.min_p10_chars", .kind = K::Integer, .min = 0, .max = kMaxCount,
     .doc = "Warn when the 10th-percentile reply length is below this (default 60)."},
    {.path = "sanity.smoke_floor", .kind = K::Number, .min = -1, .max = 1,
     .doc = "Smoke runs (`--limit` 10 or less) whose headline score is at or below this exit 50 "
            "(benches.md §10); unset = no smoke gate."},
    {.path = "concurrency", .kind = K::Integer, .min = 0, .max = 4096, .overridable = true,
     .doc = "Requests in flight per endpoint; 0 = the command line's or the default."},
    {.path = "overrides", .kind = K::FlavourMap,
     .doc = "Per backend flavour (llama, vllm, openai, embedded): a partial "
            "{generation, reasoning, concurrency} merged over the template; `null` unsets."},
};

const std::vector<FieldSpec> kSuiteFields = {
    {.path = "name", .kind = K::String, .required = true,
     .doc = "Suite name; must equal the file name without `.yaml`."},
    {.path = "description", .kind = K::String, .doc = "Free text."},
    {.path = "templates", .kind = K::StringList, .required = true,
     .doc = "Template names, in run order."},
};

std::string_view parent_of(std::string_view path) {
  auto dot = path.rfind('.');
  return dot == std::string_view::npos ? std::string_view{} : path.substr(0, dot);
}

const char* kind_label(ValueKind kind) {
  switch (kind) {
    case K::Section: return "map";
    case K::Integer: return "integer";
    case K::Number: return "number";
    case K::Boolean: return "true/false";
    case K::String: return "string";
    case K::StringList: return "list of strings";
    case K::IntegerList: return "list of integers";
    case K::Selection: return "`all` or map";
    case K::FlavourMap: return "map";
  }
  return "?";
}

std::string format_bound(double v) {
  std::ostringstream out;
  out << std::setprecision(15) << v;
  return out.str();
}

std::string range_label(const FieldSpec& f) {
  std::string s;
  if (f.min) s += (f.min_exclusive ? "> " : "≥ ") + format_bound(*f.min);
  if (f.max && *f.max < kMaxCount) s += (s.empty() ? "≤ " : ", ≤ ") + format_bound(*f.max);
  if (!f.choices.empty()) {
    std::string c;
    for (char ch : f.choices) c += ch == '|' ? std::string(", ") : std::string(1, ch);
    s += "one of " + c;
  }
  return s;
}

}  // namespace

const std::vector<FieldSpec>& template_fields() { return kTemplateFields; }
const std::vector<FieldSpec>& suite_fields() { return kSuiteFields; }

const FieldSpec* find_field(const FieldTable& table, std::string_view path) {
  for (const auto& f : table)
    if (f.path == path) return &f;
  return nullptr;
}

std::vector<const FieldSpec*> children_of(const FieldTable& table, std::string_view section) {
  std::vector<const FieldSpec*> out;
  for (const auto& f : table)
    if (parent_of(f.path) == section) out.push_back(&f);
  return out;
}

int edit_distance(std::string_view a, std::string_view b) {
  std::vector<int> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    int diagonal = row[0];
    row[0] = static_cast<int>(i);
    for (size_t j = 1; j <= b.size(); ++j) {
      int above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string closest_match(std::string_view word, const std::vector<std::string>& candidates) {
  // A third of the word's length catches typos and transpositions without suggesting
  // unrelated short keys.
  int best_distance = std::max<int>(1, static_cast<int>(word.size()) / 3) + 1;
  std::string best;
  for (const auto& c : candidates) {
    int d = edit_distance(word, c);
    if (d < best_distance) best_distance = d, best = c;
  }
  return best;
}

std::vector<std::string> split_benches(std::string_view only_bench) {
  std::vector<std::string> names;
  size_t start = 0;
  while (start <= only_bench.size() && !only_bench.empty()) {
    size_t bar = only_bench.find('|', start);
    if (bar == std::string_view::npos) bar = only_bench.size();
    names.emplace_back(only_bench.substr(start, bar - start));
    start = bar + 1;
  }
  return names;
}

bool applies_to_bench(const FieldSpec& field, std::string_view bench) {
  if (field.only_bench.empty() || bench.empty()) return true;
  for (const std::string& name : split_benches(field.only_bench))
    if (name == bench) return true;
  return false;
}

std::string join_names(const std::vector<std::string>& names, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) out += sep;
    out += names[i];
  }
  return out;
}

}  // namespace harness::templates

namespace harness {

std::string template_schema_markdown() {
  std::string out =
      "| field | type | required | range | meaning |\n|---|---|---|---|---|\n";
  for (const auto& f : templates::template_fields()) {
    std::string type = templates::kind_label(f.kind);
    if (f.nullable) type += " or null";
    std::string meaning(f.doc);
    if (!f.only_bench.empty())
      meaning += " Only for " + templates::join_names(templates::split_benches(f.only_bench)) + ".";
    if (f.overridable) meaning += " Overridable.";
    out += "| `" + std::string(f.path) + "` | " + type + " | " + (f.required ? "yes" : "") +
           " | " + templates::range_label(f) + " | " + meaning + " |\n";
  }
  return out;
}

}  // namespace harness
