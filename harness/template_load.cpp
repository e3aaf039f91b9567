// Template and suite files: schema reading plus the checks that span several fields.
#include <algorithm>
#include <filesystem>
#include <set>

#include "harness/template.h"
#include "harness/template_yaml.h"

namespace harness::templates {

using nlohmann::json;
namespace fs = std::filesystem;

std::string file_stem(const std::string& path) { return fs::path(path).stem().string(); }

bool looks_like_suite(const YAML::Node& root, const std::string& path) {
  if (!root.IsMap() || root["bench"]) return false;
  if (root["templates"]) return true;
  // A suite with a misspelt `templates` should get suite errors, not "bench: missing".
  bool has_template_keys = root["n"] || root["selection"] || root["generation"];
  return !has_template_keys && fs::path(path).parent_path().filename() == "suites";
}

namespace {

bool is_known(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

void check_name_matches_file(const json& j, const SchemaReader& reader, Diagnostics& diag) {
  if (!j.contains("name")) return;
  std::string name = j["name"];
  std::string stem = file_stem(diag.path());
  if (name != stem)
    diag.error(reader.mark_of("name"), "name",
               "'" + name + "' does not match the file name '" +
                   fs::path(diag.path()).filename().string() + "'; set `name: " + stem +
                   "` or rename the file to " + name + ".yaml");
}

bool is_date(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  return true;
}

void check_selection(const json& j, const SchemaReader& reader, Diagnostics& diag) {
  if (!j.contains("selection") || !j["selection"].is_object()) return;
  const json& sel = j["selection"];
  if (sel.contains("indices")) {
    std::set<int64_t> seen;
    const json& indices = sel["indices"];
    for (size_t i = 0; i < indices.size(); ++i) {
      if (!seen.insert(indices[i].get<int64_t>()).second)
        diag.error(reader.mark_of("selection.indices[" + std::to_string(i) + "]"),
                   "selection.indices[" + std::to_string(i) + "]",
                   std::to_string(indices[i].get<int64_t>()) +
                       " is listed twice; every problem runs once");
    }
    if (indices.empty())
      diag.error(reader.mark_of("selection.indices"), "selection.indices",
                 "empty list selects nothing; list the rows to run");
  }
  if (sel.contains("task_ids_file") && sel["task_ids_file"].get<std::string>().empty())
    diag.error(reader.mark_of("selection.task_ids_file"), "selection.task_ids_file",
               "empty; give a path relative to the data dir");
  else if (sel.contains("task_ids_file") && !is_path_inside(sel["task_ids_file"].get<std::string>()))
    diag.error(reader.mark_of("selection.task_ids_file"), "selection.task_ids_file",
               "'" + sel["task_ids_file"].get<std::string>() +
                   "' leaves the data dir (an absolute path or a '..' component); give a path "
                   "relative to the data dir");
  if (sel.contains("filter")) {
    for (const char* key : {"min_date", "max_date"}) {
      std::string path = std::string("selection.filter.") + key;
      if (sel["filter"].contains(key) && !is_date(sel["filter"][key]))
        diag.error(reader.mark_of(path), path, "expected a date as YYYY-MM-DD");
    }
    if (sel["filter"].empty())
      diag.error(reader.mark_of("selection.filter"), "selection.filter",
                 "empty filter; give difficulty, min_date or max_date, or use `all`");
  }
  // n is what the run must end with: a mismatch here would flag every run.
  if (!j.contains("n")) return;
  int64_t per_lang = sel.contains("first")     ? sel["first"].get<int64_t>()
                     : sel.contains("indices") ? static_cast<int64_t>(sel["indices"].size())
                                               : -1;
  if (per_lang < 0) return;
  int64_t langs = 1;
  if (j.contains("scoring") && j["scoring"].contains("langs"))
    langs = std::max<int64_t>(1, static_cast<int64_t>(j["scoring"]["langs"].size()));
  int64_t n = j["n"];
  if (n != per_lang * langs)
    diag.error(reader.mark_of("n"), "n",
               std::to_string(n) + " does not match the selection, which gives " +
                   std::to_string(per_lang) +
                   (langs > 1 ? " per language x " + std::to_string(langs) + " languages" : "") +
                   "; set `n: " + std::to_string(per_lang * langs) + "`");
}

void check_bench(const json& j, const SchemaReader& reader, Diagnostics& diag) {
  if (!j.contains("bench")) return;
  std::string bench = j["bench"];
  const auto& names = known_bench_names();
  if (!is_known(names, bench)) {
    std::string hint = closest_match(bench, names);
    diag.error(reader.mark_of("bench"), "bench",
               "unknown bench '" + bench + "'; " +
                   (hint.empty() ? "known: " + join_names(names)
                                 : "did you mean '" + hint + "'?"));
    return;
  }
  bool has_langs = j.contains("scoring") && j["scoring"].contains("langs");
  if (bench == "multipl_e" && !has_langs)
    diag.error(reader.mark_of(j.contains("scoring") ? "scoring" : "bench"), "scoring.langs",
               "missing; multipl_e needs its languages, e.g. `langs: [rs, java, js]` under "
               "scoring");
  if (has_langs) {
    const json& langs = j["scoring"]["langs"];
    std::set<std::string> seen;
    for (size_t i = 0; i < langs.size(); ++i)
      if (!seen.insert(langs[i].get<std::string>()).second)
        diag.error(reader.mark_of("scoring.langs[" + std::to_string(i) + "]"),
                   "scoring.langs[" + std::to_string(i) + "]", "listed twice; remove one");
    if (langs.empty())
      diag.error(reader.mark_of("scoring.langs"), "scoring.langs",
                 "empty; list at least one of rs, java, js");
  }
}

void check_stop_strings(const json& generation, const std::string& prefix,
                        const SchemaReader& reader, Diagnostics& diag) {
  if (!generation.is_object() || !generation.contains("stop")) return;
  const json& stop = generation["stop"];
  for (size_t i = 0; i < stop.size(); ++i)
    if (stop[i].get<std::string>().empty()) {
      std::string path = prefix + "generation.stop[" + std::to_string(i) + "]";
      diag.error(reader.mark_of(path), path, "an empty stop string would end every reply; remove it");
    }
}

// With a split reasoning channel the answer gets max_gen_toks - budget tokens
// (benches.md §0.5); a budget that leaves none makes every reply empty.
void check_budget(const json& settings, const std::string& where, const SchemaReader& reader,
                  Diagnostics& diag) {
  const json& gen = settings.value("generation", json::object());
  const json& rea = settings.value("reasoning", json::object());
  if (!gen.contains("max_gen_toks") || !rea.contains("thinking_token_budget")) return;
  if (!rea["thinking_token_budget"].is_number() || !gen["max_gen_toks"].is_number()) return;
  int64_t budget = rea["thinking_token_budget"], max_gen = gen["max_gen_toks"];
  if (budget < max_gen) return;
  std::string path = where + "reasoning.thinking_token_budget";
  YAML::Mark mark = reader.mark_of(path);
  for (const std::string& other : {where + "generation.max_gen_toks",
                                   std::string("reasoning.thinking_token_budget")})
    if (mark.is_null()) mark = reader.mark_of(other);
  diag.error(mark, path,
             std::to_string(budget) + " leaves no tokens for the answer (max_gen_toks " +
                 std::to_string(max_gen) + "); make it smaller than generation.max_gen_toks");
}

void check_overrides_consistency(const json& j, const SchemaReader& reader, Diagnostics& diag) {
  check_stop_strings(j.value("generation", json::object()), "", reader, diag);
  check_budget(j, "", reader, diag);
  if (!j.contains("overrides")) return;
  for (const auto& [flavour, patch] : j["overrides"].items()) {
    std::string prefix = "overrides." + flavour + ".";
    check_stop_strings(patch.value("generation", json::object()), prefix, reader, diag);
    json merged = j;
    merged.erase("overrides");
    merged.merge_patch(patch);
    check_budget(merged, prefix, reader, diag);
  }
}

}  // namespace

Suite read_suite(const YAML::Node& root, Diagnostics& diag, const std::string& templates_dir) {
  SchemaReader reader(suite_fields(), diag);
  json j = reader.read_section(root, "", "", false);
  check_name_matches_file(j, reader, diag);
  Suite suite;
  suite.name = j.value("name", "");
  suite.description = j.value("description", "");
  suite.source_path = diag.path();
  if (j.contains("templates")) suite.templates = j["templates"].get<std::vector<std::string>>();
  if (j.contains("templates") && suite.templates.empty())
    diag.error(reader.mark_of("templates"), "templates", "empty; list the templates to run");
  std::set<std::string> seen;
  std::vector<std::string> known;
  if (!templates_dir.empty()) known = list_template_names(templates_dir);
  for (size_t i = 0; i < suite.templates.size(); ++i) {
    const std::string& name = suite.templates[i];
    std::string path = "templates[" + std::to_string(i) + "]";
    if (!seen.insert(name).second) {
      diag.error(reader.mark_of(path), path, "'" + name + "' is listed twice; remove one");
      continue;
    }
    if (!is_plain_name(name)) {
      diag.error(reader.mark_of(path), path,
                 "'" + name + "' is not a template name (it has '/', '\\' or is '.' or '..'); "
                 "list names of template files in the templates dir");
      continue;
    }
    if (templates_dir.empty()) continue;
    std::string file = (fs::path(templates_dir) / (name + ".yaml")).string();
    if (!fs::exists(file)) {
      std::string hint = closest_match(name, known);
      diag.error(reader.mark_of(path), path,
                 "unknown template '" + name + "' (no " + file + "); " +
                     (hint.empty() ? "known: " + join_names(known)
                                   : "did you mean '" + hint + "'?"));
      continue;
    }
    try {
      load_template_file(file);
    } catch (const TemplateError& e) {
      diag.error(reader.mark_of(path), path,
                 "template '" + name + "' is invalid; fix it first:\n" + e.what());
    }
  }
  return suite;
}

}  // namespace harness::templates

namespace harness {

using templates::Diagnostics;

BenchTemplate load_template_file(const std::string& path) {
  Diagnostics diag(path);
  const YAML::Node root = templates::parse_yaml(diag);
  diag.throw_if_errors();
  if (!root.IsMap()) {
    diag.error(root.IsNull() ? YAML::Mark() : root.Mark(), "",
               "expected a template (a map with name, bench, n, selection, generation), got " +
                   std::string(root.IsNull() ? "an empty document" : "something else"));
    diag.throw_if_errors();
  }
  if (templates::looks_like_suite(root, path)) {
    diag.error(root.Mark(), "", "this is a suite (it lists `templates`), not a template");
    diag.throw_if_errors();
  }
  templates::SchemaReader reader(templates::template_fields(), diag);
  const YAML::Node bench = root["bench"];
  if (bench && bench.IsScalar() && templates::is_known(known_bench_names(), bench.Scalar()))
    reader.set_bench(bench.Scalar());
  nlohmann::json j = reader.read_section(root, "", "", false);
  templates::check_name_matches_file(j, reader, diag);
  templates::check_bench(j, reader, diag);
  templates::check_selection(j, reader, diag);
  templates::check_overrides_consistency(j, reader, diag);
  diag.throw_if_errors();
  BenchTemplate t = BenchTemplate::from_json(j);
  t.source_path = path;
  return t;
}

Suite load_suite_file(const std::string& path) {
  Diagnostics diag(path);
  const YAML::Node root = templates::parse_yaml(diag);
  diag.throw_if_errors();
  if (!root.IsMap()) {
    diag.error(YAML::Mark(), "",
               "expected a suite (a map with name, description, templates)");
    diag.throw_if_errors();
  }
  Suite suite = templates::read_suite(root, diag, "");
  diag.throw_if_errors();
  return suite;
}

}  // namespace harness
