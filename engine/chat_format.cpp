#include "engine/chat_format.h"

namespace engine {
namespace {

// Jinja's trim: strips ASCII whitespace on both ends.
std::string trim(const std::string& s) {
  const char* ws = " \t\n\r\f\v";
  size_t b = s.find_first_not_of(ws);
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

// Earlier model turns are replayed without their thinking: every channel span is removed.
std::string strip_thinking(const std::string& s) {
  std::string out;
  size_t pos = 0;
  const std::string open = kChannelStart, close = kChannelEnd;
  while (true) {
    size_t a = s.find(open, pos);
    if (a == std::string::npos) break;
    size_t b = s.find(close, a + open.size());
    out.append(s, pos, a - pos);
    if (b == std::string::npos) {
      pos = s.size();
      break;
    }
    pos = b + close.size();
  }
  out.append(s, pos, std::string::npos);
  return out;
}

}  // namespace

std::string render_chat(const std::vector<ChatMessage>& messages, bool enable_thinking) {
  std::string out = kBos;
  size_t first = 0;
  bool leading_system = !messages.empty() && (messages[0].role == "system" || messages[0].role == "developer");
  if (enable_thinking || leading_system) {
    out += std::string(kTurnStart) + "system\n";
    // The template (google-gemma-4-31B-it.jinja, sha256 85a08664...) writes '<|think|>\n';
    // vLLM and llama-server render that newline, so the prompt ids must have it too.
    if (enable_thinking) out += std::string(kThink) + "\n";
    if (leading_system) {
      out += trim(messages[0].content);
      first = 1;
    }
    out += std::string(kTurnEnd) + "\n";
  }
  for (size_t i = first; i < messages.size(); ++i) {
    const ChatMessage& m = messages[i];
    bool model = m.role == "assistant" || m.role == "model";
    out += kTurnStart;
    out += model ? "model" : m.role;
    out += "\n";
    out += model ? trim(strip_thinking(m.content)) : trim(m.content);
    out += std::string(kTurnEnd) + "\n";
  }
  out += std::string(kTurnStart) + "model\n";
  if (!enable_thinking) out += std::string(kChannelStart) + "thought\n" + kChannelEnd;
  return out;
}

ReasoningSplit split_reasoning(const std::string& text) {
  const std::string open = kChannelStart, close = kChannelEnd;
  size_t a = text.find(open), b = text.find(close);
  ReasoningSplit r;
  if (a == std::string::npos && b == std::string::npos) {
    r.content = text;
    return r;
  }
  std::string rest = a == std::string::npos ? text : text.substr(a + open.size());
  size_t end = rest.find(close);
  std::string reasoning = end == std::string::npos ? rest : rest.substr(0, end);
  if (reasoning.rfind("thought\n", 0) == 0) reasoning.erase(0, 8);  // the channel label
  r.reasoning = reasoning;
  if (end != std::string::npos) {
    std::string content = rest.substr(end + close.size());
    if (!content.empty()) r.content = content;
  }
  return r;
}

}  // namespace engine
