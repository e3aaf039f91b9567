#include "harness/plan.h"

#include <fstream>
#include <map>

#include "benches/common/jsonl.h"
#include "benches/livecodebench/livecodebench.h"
#include "harness/errors.h"
#include "harness/template.h"

namespace harness {

namespace {

std::vector<std::string> read_task_ids(const std::string& data_dir, const std::string& file,
                                       const std::string& template_name) {
  // Checked when the template is loaded too; stored templates of a resumed run come back
  // without that check.
  if (!is_path_inside(file))
    throw CommandError("template " + template_name + ": selection.task_ids_file '" + file +
                           "' leaves the data dir (an absolute path or a '..' component); give a path "
                           "relative to the data dir",
                       kExitBadInput);
  std::string text;
  try {
    text = benches::read_data_file(data_dir + "/" + file,
                                   "the template's selection.task_ids_file must exist in the data dir");
  } catch (const benches::DataError& e) {
    throw CommandError(std::string(e.what()) + " (template " + template_name + ")", kExitBadInput);
  }
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  // Accept a JSON list of ids, or an object with a "task_ids" list.
  if (j.is_object() && j.contains("task_ids")) j = j["task_ids"];
  if (!j.is_array())
    throw CommandError(data_dir + "/" + file + " is not a JSON list of task ids (template " +
                           template_name + ")",
                       kExitBadInput);
  std::vector<std::string> ids;
  for (const auto& v : j) ids.push_back(v.is_string() ? v.get<std::string>() : v.dump());
  return ids;
}

}  // namespace

namespace {

// Benches with several languages in one dataset (MultiPL-E: scoring.langs) apply the
// selection within each language, in the order of scoring.langs.
std::vector<std::string> template_langs(const BenchTemplate& tmpl) {
  std::vector<std::string> langs;
  if (tmpl.scoring.contains("langs") && tmpl.scoring["langs"].is_array())
    for (const auto& l : tmpl.scoring["langs"])
      if (l.is_string()) langs.push_back(l.get<std::string>());
  return langs;
}

std::vector<const benches::Problem*> select_in(const BenchTemplate& tmpl,
                                               const std::vector<benches::Problem>& problems,
                                               const std::string& data_dir);

}  // namespace

std::vector<const benches::Problem*> select_problems(const BenchTemplate& tmpl,
                                                     const benches::Dataset& dataset,
                                                     const std::string& data_dir, int limit) {
  std::vector<const benches::Problem*> out;
  auto langs = template_langs(tmpl);
  if (langs.empty()) {
    out = select_in(tmpl, dataset.problems, data_dir);
    if (limit > 0 && static_cast<int>(out.size()) > limit) out.resize(limit);
    return out;
  }
  for (const auto& lang : langs) {
    std::vector<benches::Problem> subset;
    std::vector<const benches::Problem*> originals;
    for (const auto& p : dataset.problems)
      if (p.doc.is_object() && p.doc.value("language", "") == lang) {
        subset.push_back(p);
        originals.push_back(&p);
      }
    auto chosen = select_in(tmpl, subset, data_dir);
    if (limit > 0 && static_cast<int>(chosen.size()) > limit) chosen.resize(limit);
    for (const auto* c : chosen) out.push_back(originals[c - subset.data()]);
  }
  return out;
}

namespace {

std::vector<const benches::Problem*> select_in(const BenchTemplate& tmpl,
                                               const std::vector<benches::Problem>& problems,
                                               const std::string& data_dir) {
  std::vector<const benches::Problem*> out;
  const Selection& sel = tmpl.selection;
  switch (sel.kind) {
    case Selection::Kind::All:
      for (const auto& p : problems) out.push_back(&p);
      break;
    case Selection::Kind::First:
      if (sel.first > static_cast<int>(problems.size()))
        throw CommandError("template " + tmpl.name + " selects the first " +
                               std::to_string(sel.first) + " problems but the dataset has only " +
                               std::to_string(problems.size()),
                           kExitBadInput);
      for (int i = 0; i < sel.first; ++i) out.push_back(&problems[i]);
      break;
    case Selection::Kind::Indices:
      for (int i : sel.indices) {
        if (i < 0 || i >= static_cast<int>(problems.size()))
          throw CommandError("template " + tmpl.name + ": selection.indices has " +
                                 std::to_string(i) + ", outside the dataset (0.." +
                                 std::to_string(problems.size() - 1) + ")",
                             kExitBadInput);
        out.push_back(&problems[i]);
      }
      break;
    case Selection::Kind::TaskIdsFile: {
      std::map<std::string, const benches::Problem*> by_id;
      for (const auto& p : problems) by_id[p.doc_id] = &p;
      // A bench that drops rows at load (LCB's structural rule of benches.md §8) loses
      // them for a task-id list too; the message says so.
      std::string dropped =
          tmpl.bench == "livecodebench"
              ? " (absent from the data files, or dropped by the structural rule: not a "
                "functional problem with a `def name(self` starter)"
              : "";
      for (const auto& id : read_task_ids(data_dir, sel.task_ids_file, tmpl.name)) {
        auto it = by_id.find(id);
        if (it == by_id.end())
          throw CommandError("template " + tmpl.name + ": task id '" + id + "' listed in " +
                                 data_dir + "/" + sel.task_ids_file +
                                 " is not among the loaded problems" + dropped,
                             kExitBadInput);
        out.push_back(it->second);
      }
      break;
    }
    case Selection::Kind::Filter: {
      if (tmpl.bench != "livecodebench")
        throw CommandError("template " + tmpl.name +
                               ": selection.filter is not supported for bench " + tmpl.bench +
                               "; use first, all, indices or task_ids_file",
                           kExitBadInput);
      try {
        out = benches::livecodebench::filter_problems(problems, sel.filter);
      } catch (const benches::DataError& e) {
        throw CommandError("template " + tmpl.name + ": " + e.what(), kExitBadInput);
      }
      if (out.empty())
        throw CommandError("template " + tmpl.name + ": selection.filter " + sel.filter.dump() +
                               " keeps none of the " + std::to_string(problems.size()) +
                               " loaded problems",
                           kExitBadInput);
      break;
    }
  }
  return out;
}

}  // namespace

GenerationRequest make_request(const BenchTemplate& tmpl, const benches::Problem& problem) {
  GenerationRequest r;
  r.messages = problem.messages;
  r.generation = tmpl.generation;
  r.reasoning = tmpl.reasoning;
  return r;
}

benches::BenchContext make_context(const BenchTemplate& tmpl, const std::string& data_dir) {
  benches::BenchContext ctx;
  ctx.data_dir = data_dir;
  ctx.scoring = tmpl.scoring;
  ctx.sandbox = tmpl.sandbox;
  if (tmpl.scoring.contains("lang") && tmpl.scoring["lang"].is_string())
    ctx.lang = tmpl.scoring["lang"].get<std::string>();
  return ctx;
}

}  // namespace harness
