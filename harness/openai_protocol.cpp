// The wire format of /v1/chat/completions: the request body lm-eval's
// `local-chat-completions` sends (benches.md §0.4) and the parts of the reply we keep.
#include <algorithm>

#include "harness/backend.h"
#include "harness/openai_support.h"

namespace harness {

std::string normalize_base_url(const std::string& base_url) {
  std::string url = base_url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (url.size() >= 3 && url.compare(url.size() - 3, 3, "/v1") == 0) url.resize(url.size() - 3);
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

std::string chat_completions_url(const std::string& base_url) {
  return normalize_base_url(base_url) + "/v1/chat/completions";
}

nlohmann::json build_chat_request(const GenerationRequest& request, const std::string& model,
                                  const std::string& flavour) {
  // The same body goes to every flavour: lm-eval sent this exact body to llama-server and
  // vLLM alike, and reproducing its numbers is the point. The one exception is the thinking
  // budget, whose field name differs (below).
  nlohmann::json messages = nlohmann::json::array();
  for (const auto& m : request.messages) {
    // lm-eval adds "type": "text" to every message; servers ignore it, but it is part of
    // the body we reproduce.
    messages.push_back({{"role", m.role}, {"content", m.content}, {"type", "text"}});
  }
  const GenerationSettings& g = request.generation;
  nlohmann::json body = {
      {"messages", std::move(messages)},
      {"model", model},
      {"max_tokens", g.max_gen_toks},
      {"temperature", g.temperature},
      {"top_p", g.top_p},
  };
  if (g.top_k) body["top_k"] = *g.top_k;
  if (g.seed) body["seed"] = *g.seed;
  if (!g.stop.empty()) {
    // The OpenAI API accepts at most 4 stop strings; lm-eval truncates to the first 4.
    const size_t n = std::min<size_t>(g.stop.size(), 4);
    body["stop"] = std::vector<std::string>(g.stop.begin(), g.stop.begin() + n);
  }
  const ReasoningSettings& r = request.reasoning;
  if (r.enable_thinking) body["chat_template_kwargs"] = {{"enable_thinking", *r.enable_thinking}};
  if (r.thinking_token_budget) {
    body["thinking_token_budget"] = *r.thinking_token_budget;
    // llama-server ignores vLLM's thinking_token_budget; it reads reasoning_budget_tokens,
    // which overrides its --reasoning-budget for this request (seen on llama.cpp as vendored
    // by llama-cpp-python 0.3.36, tests/peers/results/llama-server.txt).
    if (flavour == "llama") body["reasoning_budget_tokens"] = *r.thinking_token_budget;
  }
  return body;
}

namespace {

// Message content is a string, null, or (newer OpenAI shape) a list of typed parts.
std::string text_of(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  std::string out;
  if (v.is_array()) {
    for (const auto& part : v) {
      if (part.is_object() && part.contains("text") && part["text"].is_string())
        out += part["text"].get<std::string>();
    }
  }
  return out;
}

int64_t int_or(const nlohmann::json& obj, const char* key) {
  if (!obj.is_object() || !obj.contains(key) || !obj[key].is_number()) return -1;
  return obj[key].get<int64_t>();
}

}  // namespace

ParsedReply parse_chat_response(const std::string& body) {
  ParsedReply r;
  nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    r.error = "response is not JSON";
    return r;
  }
  if (j.is_object() && j.contains("error") && !j["error"].is_null()) {
    r.error = server_error_message(body);
    return r;
  }
  if (!j.is_object() || !j.contains("choices") || !j["choices"].is_array() ||
      j["choices"].empty()) {
    r.error = "response has no choices";
    return r;
  }
  const nlohmann::json& choice = j["choices"][0];
  if (!choice.is_object() || !choice.contains("message") || !choice["message"].is_object()) {
    r.error = "response choice has no message";
    return r;
  }
  const nlohmann::json& msg = choice["message"];
  if (msg.contains("content")) r.content = text_of(msg["content"]);
  // vLLM ≤ 0.10 and llama-server name the field reasoning_content; newer vLLM names it
  // reasoning. The field is recorded because MultiPL-E's runner reads only the former.
  for (const char* field : {"reasoning_content", "reasoning"}) {
    if (msg.contains(field)) {
      std::string text = text_of(msg[field]);
      if (!text.empty()) {
        r.reasoning = std::move(text);
        r.reasoning_field = field;
        break;
      }
    }
  }
  if (choice.contains("finish_reason") && choice["finish_reason"].is_string())
    r.finish_reason = choice["finish_reason"].get<std::string>();
  if (j.contains("usage")) {
    r.prompt_tokens = int_or(j["usage"], "prompt_tokens");
    r.completion_tokens = int_or(j["usage"], "completion_tokens");
  }
  r.ok = true;
  return r;
}

std::string server_error_message(const std::string& body) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_discarded() && j.is_object()) {
    if (j.contains("error")) {
      const auto& e = j["error"];
      if (e.is_object() && e.contains("message") && e["message"].is_string())
        return e["message"].get<std::string>();
      if (e.is_string()) return e.get<std::string>();
    }
    if (j.contains("message") && j["message"].is_string()) return j["message"].get<std::string>();
  }
  size_t cut = std::min<size_t>(body.size(), 200);
  // Never cut a UTF-8 sequence in half: the message ends up in JSON and in the store.
  while (cut < body.size() && cut > 0 && (static_cast<unsigned char>(body[cut]) & 0xC0) == 0x80) --cut;
  std::string first = body.substr(0, cut);
  std::replace(first.begin(), first.end(), '\n', ' ');
  std::replace(first.begin(), first.end(), '\r', ' ');
  return first;
}

}  // namespace harness
