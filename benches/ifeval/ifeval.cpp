#include "benches/ifeval/ifeval.h"

#include "benches/common/jsonl.h"
#include "benches/common/sha256.h"
#include "benches/common/unicode.h"
#include "benches/ifeval/langdetect.h"

namespace harness::benches::ifeval {

namespace {

const char* kHowToGet = "run `harness data pull ifeval`";

void validate_row(const nlohmann::json& row, const std::string& where) {
  auto fail = [&](const std::string& what) {
    throw DataError(where + " " + what + "; the file is not IFEval's input_data.jsonl, fetch it "
                    "again with `harness data pull ifeval`");
  };
  if (!row.contains("key") || !row["key"].is_number_integer()) fail("has no integer \"key\"");
  if (!row.contains("prompt") || !row["prompt"].is_string()) fail("has no string \"prompt\"");
  const auto& ids = row.value("instruction_id_list", nlohmann::json());
  const auto& kwargs = row.value("kwargs", nlohmann::json());
  if (!ids.is_array() || !kwargs.is_array() || ids.size() != kwargs.size())
    fail("needs \"instruction_id_list\" and \"kwargs\" lists of equal length");
  for (const auto& id : ids)
    if (!id.is_string() || !is_known_instruction(id.get<std::string>()))
      fail("has an unknown instruction id " + id.dump());
}

class IfevalBench : public Bench {
 public:
  std::string name() const override { return "ifeval"; }
  // 2: language identification by langdetect's own algorithm instead of CLD2.
  std::string scorer_version() const override { return "ifeval/2"; }
  std::string headline_metric() const override { return "prompt_level_strict_acc,none"; }

  Dataset load(const BenchContext& ctx) const override {
    Dataset ds;
    Sha256 hash;
    std::string path = data_path(ctx.data_dir, kDataFile, "ifeval");
    std::string text = read_data_file(path, kHowToGet);
    hash.update(text);
    ds.files.push_back(path);
    // The sentence counter's parameters decide verdicts too, so they are part of the data.
    for (const char* f : {"abbrev_types.txt", "collocations.tab", "sent_starters.txt",
                          "ortho_context.tab"}) {
      std::string p = data_path(ctx.data_dir, std::string(kPunktDir) + "/" + f, "ifeval");
      hash.update(read_data_file(p, kHowToGet));
      ds.files.push_back(p);
    }
    ds.checksum = hash.hex();
    // Fails here, before any request, when langdetect's profiles are not installed.
    default_langdetect_model();
    std::vector<nlohmann::json> rows = parse_jsonl(text, path);
    for (size_t i = 0; i < rows.size(); ++i) {
      validate_row(rows[i], path + " row " + std::to_string(i));
      Problem p;
      p.index = static_cast<int>(i);
      p.doc_id = std::to_string(rows[i]["key"].get<long long>());
      p.messages = {{"user", rows[i]["prompt"].get<std::string>()}};
      p.doc = rows[i];
      ds.problems.push_back(std::move(p));
    }
    return ds;
  }

  Verdict score(const Problem& problem, const std::string& response,
                const BenchContext& ctx) const override {
    return score_doc(problem.doc, response, *english_punkt(ctx.data_dir));
  }
};

}  // namespace

Verdict score_doc(const nlohmann::json& doc, const std::string& response,
                  const PunktSentenceTokenizer& punkt) {
  const std::string text = py::to_valid_utf8(response);
  const auto& ids = doc.at("instruction_id_list");
  const auto& kwargs = doc.at("kwargs");
  nlohmann::json list = nlohmann::json::array();
  int strict_passed = 0, loose_passed = 0;
  std::string summary;
  for (size_t i = 0; i < ids.size(); ++i) {
    InstructionVerdict v = evaluate_instruction(ids[i].get<std::string>(), kwargs.at(i), text, punkt);
    strict_passed += v.strict;
    loose_passed += v.loose;
    nlohmann::json item = {{"id", v.id}, {"strict", v.strict}, {"loose", v.loose}};
    if (!v.error.empty()) item["error"] = v.error;
    list.push_back(std::move(item));
    summary += (summary.empty() ? "" : " ") + v.id + "=" + (v.strict ? "1" : "0") + "/" +
               (v.loose ? "1" : "0");
  }
  const int total = static_cast<int>(ids.size());
  const double prompt_strict = strict_passed == total ? 1.0 : 0.0;
  const double prompt_loose = loose_passed == total ? 1.0 : 0.0;
  Verdict verdict;
  verdict.score = prompt_strict;
  verdict.extracted = summary;
  verdict.metrics = {{"prompt_level_strict_acc,none", prompt_strict},
                     {"prompt_level_loose_acc,none", prompt_loose},
                     // lm-eval aggregates these over all instructions of all docs.
                     {"inst_level_strict_acc,none", {{"num", strict_passed}, {"den", total}}},
                     {"inst_level_loose_acc,none", {{"num", loose_passed}, {"den", total}}}};
  verdict.details = {{"instructions", std::move(list)},
                     {"inst_total", total},
                     {"inst_strict_passed", strict_passed},
                     {"inst_loose_passed", loose_passed}};
  return verdict;
}

std::unique_ptr<Bench> make_bench() { return std::make_unique<IfevalBench>(); }

}  // namespace harness::benches::ifeval
