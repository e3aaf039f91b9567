// Gemma 4 chat rendering (gemma4.md §6.1, the large-model template; checked against the
// jinja template google-gemma-4-31B-it.jinja by ChatFormat.MatchesGemma4JinjaTemplate) and the
// split of a generated text into reasoning and content as vLLM's gemma4 reasoning parser
// does (§6.3).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace engine {

struct ChatMessage {
  std::string role;     // "system" | "developer" | "user" | "assistant" | "model"
  std::string content;
};

// Special-token texts (ids in gemma4.md §5).
inline constexpr const char* kBos = "<bos>";
inline constexpr const char* kTurnStart = "<|turn>";      // 105
inline constexpr const char* kTurnEnd = "<turn|>";        // 106
inline constexpr const char* kThink = "<|think|>";        // 98
inline constexpr const char* kChannelStart = "<|channel>";  // 100
inline constexpr const char* kChannelEnd = "<channel|>";    // 101

// The full prompt text, "<bos>" first, ending with the generation prompt. Thinking on puts
// "<|think|>\n" first in the system turn; with thinking off (the template's default) the
// generation prompt closes an empty thought channel.
std::string render_chat(const std::vector<ChatMessage>& messages, bool enable_thinking);

struct ReasoningSplit {
  std::optional<std::string> reasoning;  // nullopt: no channel delimiters in the text
  std::optional<std::string> content;    // nullopt: channel opened and never closed, or nothing after it
};

// `text` is the decoded completion with special tokens kept.
ReasoningSplit split_reasoning(const std::string& text);

}  // namespace engine
