// The ready-made faults of the fake server and the request helpers its responders use.
#include <nlohmann/json.hpp>

#include "tests/support/fake_openai_server.h"

namespace harness::testing {

FakeReply text_reply(std::string content, std::string finish_reason) {
  FakeReply r;
  r.content = std::move(content);
  r.finish_reason = std::move(finish_reason);
  return r;
}

FakeReply http_error(int status, const std::string& message) {
  FakeReply r;
  r.status = status;
  const char* type = status == 400   ? "BadRequestError"
                     : status == 404 ? "NotFoundError"
                     : status == 429 ? "RateLimitError"
                                     : "InternalServerError";
  r.raw_body = nlohmann::json{{"object", "error"},
                              {"error", {{"message", message}, {"type", type}, {"code", status}}}}
                   .dump();
  return r;
}

FakeReply rate_limited(int retry_after_s, const std::string& message) {
  FakeReply r = http_error(429, message);
  r.headers.emplace_back("Retry-After", std::to_string(retry_after_s));
  return r;
}

FakeReply endless_body() {
  FakeReply r;
  r.action = FakeReply::Action::EndlessBody;
  return r;
}

FakeReply hang(int hang_ms) {
  FakeReply r;
  r.action = FakeReply::Action::Hang;
  r.hang_ms = hang_ms;
  return r;
}

FakeReply close_mid_body() {
  FakeReply r;
  r.action = FakeReply::Action::CloseMidBody;
  return r;
}

FakeReply close_without_reply() {
  FakeReply r;
  r.action = FakeReply::Action::CloseWithoutReply;
  return r;
}

FakeReply non_json_body() {
  FakeReply r;
  r.raw_body = "<html><body>502 Bad Gateway</body></html>";
  return r;
}

FakeReply json_without_choices() {
  FakeReply r;
  r.raw_body = R"({"id":"chatcmpl-x","object":"chat.completion","model":"fake-model","usage":{}})";
  return r;
}

FakeReply empty_content_with_reasoning(std::string reasoning_content) {
  FakeReply r;
  r.content = std::string();
  r.reasoning_content = std::move(reasoning_content);
  return r;
}

FakeReply both_empty() {
  FakeReply r;
  r.content = std::nullopt;
  r.reasoning_content = std::string();
  return r;
}

FakeReply truncated(std::string content) { return text_reply(std::move(content), "length"); }

FakeReply delayed(FakeReply reply, int delay_ms) {
  reply.delay_ms = delay_ms;
  return reply;
}

std::string last_user_message(const nlohmann::json& request) {
  if (!request.is_object() || !request.contains("messages") || !request["messages"].is_array())
    return "";
  const auto& messages = request["messages"];
  for (auto it = messages.rbegin(); it != messages.rend(); ++it) {
    if (it->is_object() && it->value("role", "") == "user" && (*it)["content"].is_string())
      return (*it)["content"].get<std::string>();
  }
  return "";
}

}  // namespace harness::testing
