// Pre-flight checks on the planned benches: dataset checksums, the server's context per
// request against the longest prompt + max_gen_toks, the server's reasoning budget against
// the template's, and the toolchains the code benches run.
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "benches/common/sha256.h"
#include "harness/data_catalog.h"
#include "harness/errors.h"
#include "harness/preflight.h"
#include "sandbox/memory_cgroup.h"
#include "sandbox/runners.h"

namespace fs = std::filesystem;

namespace harness {

namespace {

// A data dir of one's own data (the tests' fixtures, a private re-export) declares its
// checksums in a SHA256SUMS file (`sha256sum` format); its entries replace the pins, and
// the summary says the data is not the pinned upstream.
std::map<std::string, std::string> read_sha256sums(const std::string& data_dir) {
  std::map<std::string, std::string> sums;
  std::ifstream in(fs::path(data_dir) / "SHA256SUMS");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string hex, path;
    if (!(ls >> hex >> path) || hex.size() != 64) continue;
    if (!path.empty() && path[0] == '*') path.erase(0, 1);  // binary-mode marker
    sums[fs::path(path).lexically_normal().string()] = hex;
  }
  return sums;
}

std::string relative_to(const std::string& file, const std::string& dir) {
  fs::path rel = fs::path(file).lexically_normal().lexically_relative(fs::path(dir).lexically_normal());
  return rel.empty() ? file : rel.string();
}

std::string short_hex(const std::string& hex) { return hex.substr(0, 12) + "…"; }

}  // namespace

void check_datasets(const std::vector<BenchPlan>& plans, const std::string& data_dir,
                    PreflightReport& report) {
  const auto custom = read_sha256sums(data_dir);
  std::set<const benches::Dataset*> seen;
  for (const auto& plan : plans) {
    if (!plan.dataset || !seen.insert(plan.dataset.get()).second) continue;
    const std::string name = "dataset " + plan.tmpl.bench + (plan.ctx.lang.empty() ? "" : "-" + plan.ctx.lang);
    std::map<std::string, std::string> pinned;
    for (const auto& f : data_files_for(plan.tmpl.bench)) pinned[fs::path(f.path).lexically_normal().string()] = f.sha256;
    int matched = 0, from_custom = 0, unpinned = 0;
    std::string failure;
    for (const auto& file : plan.dataset->files) {
      const std::string rel = relative_to(file, data_dir);
      std::string expected, source;
      if (auto it = custom.find(rel); it != custom.end()) {
        expected = it->second;
        source = "SHA256SUMS in " + data_dir;
      } else if (auto p = pinned.find(rel); p != pinned.end() && !p->second.empty()) {
        expected = p->second;
        source = "pinned";
      }
      if (expected.empty()) {
        ++unpinned;
        continue;
      }
      std::string got;
      try {
        got = benches::sha256_file_hex(file);
      } catch (const std::exception& e) {
        failure = std::string(e.what()) + "; " + how_to_get(plan.tmpl.bench);
        break;
      }
      if (got != expected) {
        failure = rel + " has sha256 " + short_hex(got) + ", expected " + short_hex(expected) + " (" + source +
                  "); run `harness data pull " + plan.tmpl.bench + "` to fetch it again (`harness data verify " +
                  plan.tmpl.bench + "` lists every file)";
        break;
      }
      ++matched;
      if (source != "pinned") ++from_custom;
    }
    if (!failure.empty()) {
      report.fail(name, failure, kExitBadInput);
      continue;
    }
    std::string detail = std::to_string(matched) + " file(s) match";
    if (from_custom) detail += " (" + std::to_string(from_custom) + " by " + data_dir + "/SHA256SUMS: not the pinned upstream data)";
    else if (matched) detail += " the pinned sha256";
    if (unpinned) detail += ", " + std::to_string(unpinned) + " unpinned (upstream moves)";
    if (matched == 0 && unpinned > 0) report.not_checked(name, std::to_string(unpinned) + " file(s) have no pinned sha256 (upstream moves)");
    else report.ok(name, detail);
  }
}

int64_t estimate_prompt_tokens(const std::vector<benches::Message>& messages) {
  int64_t tokens = 0;
  for (const auto& m : messages) tokens += (static_cast<int64_t>(m.content.size()) + 2) / 3 + 8;
  return tokens;
}

void check_context(const std::vector<BenchPlan>& plans, const std::vector<EndpointLimits>& endpoints,
                   PreflightReport& report) {
  for (const auto& plan : plans) {
    const std::string name = "context " + plan.tmpl.name;
    int64_t longest = 0;
    std::string longest_doc;
    for (const auto* p : plan.problems) {
      const int64_t t = estimate_prompt_tokens(p->messages);
      if (t > longest) {
        longest = t;
        longest_doc = p->doc_id;
      }
    }
    const int64_t gen = plan.tmpl.generation.max_gen_toks;
    const int64_t need = longest + gen;
    std::string failure, unknown, fits;
    bool any_unknown = false;
    for (const auto& ep : endpoints) {
      if (!ep.ctx_per_request) {
        unknown += (any_unknown ? ", " : "") + ep.base_url;
        any_unknown = true;
        continue;
      }
      const int64_t ctx = *ep.ctx_per_request;
      if (need > ctx) {
        failure = ep.base_url + " gives a request " + std::to_string(ctx) + " tokens (" + ep.ctx_source +
                  ") but " + plan.tmpl.name + " needs about " + std::to_string(need) + " (longest prompt ~" +
                  std::to_string(longest) + " tokens, doc " + longest_doc + ", + max_gen_toks " + std::to_string(gen) +
                  "); " +
                  (ep.flavour == "llama" ? "restart llama-server with -c at least " + std::to_string(need) +
                                               " × --parallel, or fewer --parallel slots"
                                         : "restart the server with --max-model-len at least " + std::to_string(need));
        break;
      }
      fits = std::to_string(need) + " ≤ " + std::to_string(ctx) + " (" + ep.ctx_source + ")";
    }
    if (!failure.empty()) report.fail(name, failure, kExitServerConfig);
    else if (any_unknown) report.not_checked(name, "the server does not tell its context (" + unknown + ")");
    else report.ok(name, "prompt ~" + std::to_string(longest) + " + max_gen_toks " + std::to_string(gen) + " = " + fits);
  }
}

void check_reasoning_budget(const std::vector<BenchPlan>& plans,
                            const std::vector<EndpointLimits>& endpoints, PreflightReport& report) {
  for (const auto& plan : plans) {
    const std::string name = "reasoning budget " + plan.tmpl.name;
    const auto& r = plan.tmpl.reasoning;
    if (r.enable_thinking && !*r.enable_thinking) {
      report.not_checked(name, "thinking is off in this template");
      continue;
    }
    if (!r.thinking_token_budget) {
      report.not_checked(name, "the template declares no thinking_token_budget");
      continue;
    }
    const int budget = *r.thinking_token_budget;
    std::string failure, unknown, matches;
    bool any_unknown = false;
    for (const auto& ep : endpoints) {
      if (!ep.reasoning_budget) {
        unknown += (any_unknown ? ", " : "") + ep.base_url;
        any_unknown = true;
        continue;
      }
      const int64_t server = *ep.reasoning_budget;
      // -1 = unrestricted: the request's thinking_token_budget is then the only limit.
      if (server >= 0 && server != budget) {
        failure = ep.base_url + " applies a reasoning budget of " + std::to_string(server) + " but " +
                  plan.tmpl.name + " declares thinking_token_budget " + std::to_string(budget) +
                  "; restart llama-server with --reasoning-budget " + std::to_string(budget) +
                  " (benches.md §0.5)";
        break;
      }
      matches = "server " + std::to_string(server) + (server < 0 ? " (unrestricted)" : "") + ", template " +
                std::to_string(budget);
    }
    if (!failure.empty()) {
      report.fail(name, failure, kExitServerConfig);
    } else if (any_unknown) {
      // What the request itself carries (build_chat_request), per flavour of the first
      // silent endpoint: that is what decides the budget on today's servers.
      std::string how = "the server does not show its reasoning budget (" + unknown + ")";
      for (const auto& ep : endpoints) {
        if (ep.reasoning_budget) continue;
        if (ep.flavour == "llama")
          how += "; the harness sends " + std::to_string(budget) +
                 " per request as reasoning_budget_tokens, which llama-server builds that read it apply "
                 "instead of --reasoning-budget";
        else if (ep.flavour == "vllm")
          how += "; the harness sends " + std::to_string(budget) +
                 " per request as thinking_token_budget, which vLLM refuses (HTTP 400) unless started with "
                 "--reasoning-parser";
        break;
      }
      report.not_checked(name, how);
    } else {
      report.ok(name, matches);
    }
  }
}

std::vector<std::string> toolchains_for(const BenchPlan& plan) {
  const std::string& b = plan.tmpl.bench;
  if (b == "humaneval" || b == "humanevalplus" || b == "livecodebench") return {"python3"};
  if (b == "multipl_e") {
    if (plan.ctx.lang == "rs") return {"rustc"};
    if (plan.ctx.lang == "java") return {"javac+java"};
    if (plan.ctx.lang == "js") return {"node"};
  }
  return {};
}

void check_toolchains(const std::vector<BenchPlan>& plans, const ToolchainProblem& problem,
                      PreflightReport& report) {
  using sandbox::Language;
  static const std::map<std::string, Language> kLanguage = {{"python3", Language::Python},
                                                            {"rustc", Language::Rust},
                                                            {"javac+java", Language::Java},
                                                            {"node", Language::JavaScript}};
  std::set<std::string> seen;
  for (const auto& plan : plans) {
    for (const auto& tc : toolchains_for(plan)) {
      if (!seen.insert(tc).second) continue;
      const std::string name = "toolchain " + tc;
      std::string why, version;
      if (problem) {
        why = problem(tc);
      } else {
        const sandbox::Toolchain t = sandbox::find_toolchain(kLanguage.at(tc));
        if (!t.available) why = t.problem.empty() ? tc + " was not found" : t.problem;
        version = t.version;
      }
      if (!why.empty()) report.fail(name, why + " (needed by " + plan.tmpl.name + ")", kExitToolchain);
      else report.ok(name, version.empty() ? "found" : version);
    }
  }
  // How much memory one sandbox may take: a cgroup bound, or only the rlimits' loose one.
  if (!seen.empty() && !problem) report.ok("sandbox memory bound", sandbox::describe_memory_bound());
}

}  // namespace harness
