// A fake-server responder for the GSM8K fixture (tests/fixtures/data/gsm8k): right on 3 of
// every 4 problems, so a lost or doubled sample changes the score a test checks.
#pragma once

#include <map>
#include <regex>
#include <string>

#include "benches/common/jsonl.h"
#include "harness/cli_test_util.h"
#include "support/fake_openai_server.h"

namespace harness::testing {

inline Responder gsm8k_three_of_four_responder() {
  auto rows = benches::parse_jsonl(read_file(fixtures_dir() + "/data/gsm8k/test.jsonl"), "fixture");
  std::map<int, std::string> gold;
  for (size_t i = 0; i < rows.size(); ++i) {
    std::string a = rows[i]["answer"];
    gold[static_cast<int>(i)] = a.substr(a.rfind("#### ") + 5);
  }
  return [gold](const nlohmann::json& request) {
    std::smatch m;
    std::string text = last_user_message(request);
    static const std::regex re("Problem (\\d+):");
    int n = std::regex_search(text, m, re) ? std::stoi(m[1]) : -1;
    return text_reply("#### " + (n >= 0 && n % 4 != 0 ? gold.at(n) : std::string("-1")));
  };
}

}  // namespace harness::testing
