// `harness compare VARIANT|RUN... [--suite S] [--baseline V] [--format text|md|json|csv]
//                  [--bench B --details [--group-by FIELD --data-dir DIR]] [--svg DIR]`
#include <filesystem>
#include <fstream>
#include <iostream>

#include "harness/cli_args.h"
#include "harness/commands.h"
#include "harness/compare.h"
#include "harness/daemon_client.h"
#include "harness/data_catalog.h"
#include "harness/errors.h"
#include "harness/run_setup.h"
#include "harness/svg.h"
#include "harness/template.h"

namespace harness {

namespace {

const char* kCompareUsage =
    "usage: harness compare VARIANT|RUN_ID... [--store FILE] [--suite NAME] [--baseline V]\n"
    "       [--format text|md|json|csv] [--bench B [--details] [--group-by FIELD --data-dir DIR]] [--svg DIR]";

std::unique_ptr<store::Store> open_existing(const std::string& path) {
  if (!std::filesystem::exists(path))
    throw CommandError("store " + path + " does not exist; pass --store FILE", kExitBadInput);
  try {
    return store::Store::open(path, store::OpenMode::ReadOnly);
  } catch (const store::StoreError& e) {
    throw CommandError(e.what(), kExitBadInput);
  }
}

// doc_index → the dataset field's value, for the template of the row `name`.
std::map<int, std::string> load_groups(const Scoreboard& board, const std::string& name, const std::string& field,
                                       const std::string& data_dir, store::Store& store) {
  for (const auto& col : board.columns) {
    auto it = col.cells.find(name);
    if (it == col.cells.end()) continue;
    for (const auto& br : store.bench_runs(it->second.run_id)) {
      if (br.id != it->second.bench_run_id) continue;
      auto tmpl = BenchTemplate::from_json(nlohmann::json::parse(br.template_text));
      auto plans = make_plans({tmpl}, data_dir, 0);
      std::map<int, std::string> groups;
      for (const auto& p : plans.front().dataset->problems) {
        if (!p.doc.is_object() || !p.doc.contains(field)) continue;
        const auto& v = p.doc[field];
        groups[p.index] = v.is_string() ? v.get<std::string>() : v.dump();
      }
      if (groups.empty())
        throw CommandError("--group-by: the " + tmpl.bench + " dataset has no field '" + field + "'", kExitBadInput);
      return groups;
    }
  }
  return {};
}

void write_svgs(store::Store& store, const Scoreboard& board, const std::vector<std::string>& names,
                const std::string& dir) {
  std::filesystem::create_directories(dir);
  for (const auto& name : names) {
    std::vector<SvgSeries> series;
    for (auto& [label, values] : completion_lengths(store, board, name)) series.push_back({label, std::move(values)});
    if (series.empty()) continue;
    std::optional<int64_t> cap;
    for (const auto& col : board.columns)
      if (auto it = col.cells.find(name); it != col.cells.end() && it->second.sanity.contains("cap_audit")) {
        cap = it->second.sanity["cap_audit"].value("max_gen_toks", int64_t{0});
        break;
      }
    std::string title = bench_label(name) + " (" + name + "): completion length, cumulative";
    const std::string path = (std::filesystem::path(dir) / (name + ".svg")).string();
    std::ofstream out(path);
    out << length_cdf_svg(title, series, cap);
    if (!out) throw CommandError("cannot write " + path + "; check that the folder is writable", kExitBadInput);
    std::cerr << "wrote " << path << "\n";
  }
}

}  // namespace

int cmd_compare(const Args& raw) {
  CliArgs args(raw,
               {"store", "suite", "format", "baseline", "bench", "group-by", "data-dir", "svg", "daemon", "token-file"},
               {"details"});
  if (args.positionals().empty()) throw UsageError(kCompareUsage);
  if (args.has("daemon")) return daemon_compare(args);
  if (args.has("details") && !args.has("bench")) throw UsageError("--details needs --bench B");
  if (args.has("group-by") && !args.has("details")) throw UsageError("--group-by needs --bench B --details");
  auto store = open_existing(args.get("store", "harness.db"));

  CompareRequest request;
  request.selectors = args.positionals();
  request.baseline = args.get("baseline");
  if (args.has("suite"))
    for (const auto& t : resolve_targets({args.get("suite")}, default_templates_dir()))
      request.templates.push_back(t.name);
  Scoreboard board = build_scoreboard(*store, request);
  const std::string format = args.get("format", "text");

  std::vector<std::string> plotted;
  if (args.has("bench")) {
    const std::string name = find_row(board, args.get("bench"));
    if (name.empty())
      throw CommandError("no compared variant has bench '" + args.get("bench") + "'; use a template name such as gsm8k_100",
                         kExitBadInput);
    plotted.push_back(name);
  } else {
    for (const auto& r : board.rows) plotted.push_back(r.template_name);
  }

  if (args.has("details")) {
    std::map<int, std::string> groups;
    if (args.has("group-by"))
      groups = load_groups(board, plotted.front(), args.get("group-by"), args.get("data-dir", default_data_dir()), *store);
    std::cout << render_details(bench_details(*store, board, plotted.front(), groups), format);
    // The bench's scoreboard warnings belong next to its details.
    if (format != "json") {
      std::string lines;
      for (const auto& w : board.warnings)
        if (w.find(" " + bench_label(plotted.front()) + " (run") != std::string::npos) lines += w + "\n";
      if (!lines.empty()) std::cout << "\n" << lines;
    }
  } else {
    std::cout << render_scoreboard(board, format);
  }
  if (args.has("svg")) write_svgs(*store, board, plotted, args.get("svg"));
  return kExitOk;
}

}  // namespace harness
