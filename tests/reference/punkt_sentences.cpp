// punkt_sentences PUNKT_DATA_DIR < texts.jsonl > sentences.jsonl
// For scripts/reference/run.sh (issue #15 item 4): reads {"text": ...} lines and writes
// {"sentences": [...]} lines from the harness's Punkt port, to compare with NLTK's punkt_tab.
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "benches/bench.h"
#include "benches/ifeval/punkt.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: punkt_sentences DATA_DIR < texts.jsonl  (DATA_DIR holds punkt_english/)\n";
    return 2;
  }
  try {
    auto punkt = harness::benches::ifeval::english_punkt(argv[1]);
    std::string line;
    while (std::getline(std::cin, line)) {
      if (line.empty()) continue;
      auto row = nlohmann::json::parse(line);
      nlohmann::json out = {{"sentences", punkt->tokenize(row.at("text").get<std::string>())}};
      std::cout << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    }
  } catch (const std::exception& e) {
    std::cerr << "punkt_sentences: " << e.what() << "\n";
    return 3;
  }
  return 0;
}
