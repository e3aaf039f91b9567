#include "engine/chat_format.h"

namespace engine {
namespace {

// Length of the whitespace character at s[i] (0 if none), for the characters Python's
// str.strip() removes: the template's `trim` filter is str.strip(), not an ASCII trim.
size_t whitespace_at(const std::string& s, size_t i) {
  auto byte = [&](size_t k) { return k < s.size() ? static_cast<unsigned char>(s[k]) : 0; };
  unsigned char c = byte(i);
  if (c == ' ' || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f)) return 1;
  if (c == 0xc2 && (byte(i + 1) == 0x85 || byte(i + 1) == 0xa0)) return 2;  // U+0085, U+00A0
  if (c == 0xe1 && byte(i + 1) == 0x9a && byte(i + 2) == 0x80) return 3;   // U+1680
  if (c == 0xe2 && byte(i + 1) == 0x80) {
    unsigned char d = byte(i + 2);
    if ((d >= 0x80 && d <= 0x8a) || d == 0xa8 || d == 0xa9 || d == 0xaf) return 3;  // U+2000–200A, 2028, 2029, 202F
  }
  if (c == 0xe2 && byte(i + 1) == 0x81 && byte(i + 2) == 0x9f) return 3;  // U+205F
  if (c == 0xe3 && byte(i + 1) == 0x80 && byte(i + 2) == 0x80) return 3;  // U+3000
  return 0;
}

std::string trim(const std::string& s) {
  size_t b = 0;
  while (size_t n = whitespace_at(s, b)) b += n;
  size_t e = s.size();
  while (e > b) {
    // Step back to the start of the last character, then test it.
    size_t k = e - 1;
    while (k > b && (static_cast<unsigned char>(s[k]) & 0xc0) == 0x80) --k;
    size_t n = whitespace_at(s, k);
    if (n == 0 || k + n != e) break;
    e = k;
  }
  return s.substr(b, e - b);
}

// Earlier model turns are replayed without their thinking, as the template's strip_thinking
// does: the text is cut at every "<channel|>", and of each piece only what comes before its
// first "<|channel>" is kept (so a stray "<channel|>" disappears and an unclosed channel is
// dropped to the end).
std::string strip_thinking(const std::string& s) {
  const std::string open = kChannelStart, close = kChannelEnd;
  std::string out;
  size_t pos = 0;
  while (true) {
    size_t end = s.find(close, pos);
    std::string part = s.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    out += part.substr(0, part.find(open));
    if (end == std::string::npos) break;
    pos = end + close.size();
  }
  return trim(out);
}

bool is_model_role(const std::string& role) { return role == "assistant" || role == "model"; }

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
    bool model = is_model_role(m.role);
    // A model message right after an "assistant" one continues that turn: the template
    // writes no new turn header (the earlier turn's end marker stays).
    bool continues = model && i > first && messages[i - 1].role == "assistant";
    if (!continues) out += std::string(kTurnStart) + (model ? "model" : m.role) + "\n";
    out += model ? strip_thinking(m.content) : trim(m.content);
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
