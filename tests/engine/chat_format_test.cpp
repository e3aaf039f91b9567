#include <gtest/gtest.h>

#include <optional>

#include "engine/chat_format.h"

using engine::ChatMessage;

namespace {

struct RenderCase {
  const char* name;
  std::vector<ChatMessage> messages;
  bool thinking;
  const char* expected;
};

struct SplitCase {
  const char* text;
  std::optional<std::string> reasoning;
  std::optional<std::string> content;
};

}  // namespace

TEST(ChatFormat, RendersLikeTheGemma4Template) {
  const std::vector<RenderCase> cases = {
      {"thinking off", {{"user", "What is 2+2?"}}, false,
       "<bos><|turn>user\nWhat is 2+2?<turn|>\n<|turn>model\n<|channel>thought\n<channel|>"},
      {"thinking on", {{"user", "What is 2+2?"}}, true,
       "<bos><|turn>system\n<|think|>\n<turn|>\n<|turn>user\nWhat is 2+2?<turn|>\n<|turn>model\n"},
      {"thinking on + system", {{"system", "  S  "}, {"user", "Q"}}, true,
       "<bos><|turn>system\n<|think|>\nS<turn|>\n<|turn>user\nQ<turn|>\n<|turn>model\n"},
      {"system, thinking off", {{"system", "Be brief."}, {"user", "Q"}}, false,
       "<bos><|turn>system\nBe brief.<turn|>\n<|turn>user\nQ<turn|>\n<|turn>model\n<|channel>thought\n<channel|>"},
      {"developer counts as system", {{"developer", "D"}, {"user", "Q"}}, false,
       "<bos><|turn>system\nD<turn|>\n<|turn>user\nQ<turn|>\n<|turn>model\n<|channel>thought\n<channel|>"},
      {"few-shot, thinking stripped from model turns",
       {{"user", "1+1?"}, {"assistant", "<|channel>thought\nadd<channel|> 2 "}, {"user", "\n2+2?\n"}}, false,
       "<bos><|turn>user\n1+1?<turn|>\n<|turn>model\n2<turn|>\n<|turn>user\n2+2?<turn|>\n"
       "<|turn>model\n<|channel>thought\n<channel|>"},
      {"model role kept", {{"user", "a"}, {"model", "b"}, {"user", "c"}}, true,
       "<bos><|turn>system\n<|think|>\n<turn|>\n<|turn>user\na<turn|>\n<|turn>model\nb<turn|>\n<|turn>user\nc<turn|>\n"
       "<|turn>model\n"},
  };
  for (const auto& c : cases) EXPECT_EQ(engine::render_chat(c.messages, c.thinking), c.expected) << c.name;
}

TEST(ChatFormat, SplitsReasoningLikeVllmGemma4Parser) {
  const std::vector<SplitCase> cases = {
      {"The answer is 4.", std::nullopt, "The answer is 4."},
      {"", std::nullopt, ""},
      {"<|channel>thought\nAdd them.<channel|>The answer is 4.", "Add them.", "The answer is 4."},
      {"<|channel>This is a reasoning section", "This is a reasoning section", std::nullopt},  // silent-empty
      {"<|channel>thought\nstill thinking when max_tokens hit", "still thinking when max_tokens hit", std::nullopt},
      {"<|channel>thought\nR<channel|>", "R", std::nullopt},
      {"R<channel|>C", "R", "C"},  // start token in the prompt, end generated
      {"thought\nR<channel|>C", "R", "C"},
      {"<|channel><channel|>C", "", "C"},
      {"pre<|channel>thought\nR<channel|>C<channel|>D", "R", "C<channel|>D"},
  };
  for (const auto& c : cases) {
    auto r = engine::split_reasoning(c.text);
    EXPECT_EQ(r.reasoning, c.reasoning) << c.text;
    EXPECT_EQ(r.content, c.content) << c.text;
  }
}
