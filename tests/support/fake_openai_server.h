// A loopback HTTP/1.1 server that speaks the OpenAI chat-completions wire protocol (with
// vLLM or llama-server shaped /version, /props and /v1/models), answers through a C++
// responder, injects faults on demand and records every request. Used by the backend
// tests, the backend benchmark and (as the fake-openai-server executable) the CLI's
// end-to-end tests.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace harness::testing {

// What the server does with one chat request.
struct FakeReply {
  enum class Action {
    Respond,           // send the reply below
    Hang,              // send nothing; close after hang_ms (0: keep it open until stop())
    CloseMidBody,      // headers with the full Content-Length, half the body, then close
    CloseWithoutReply, // close the connection as soon as the request is read
    EndlessBody,       // a 200 without Content-Length whose body never ends (until the client hangs up)
  };
  Action action = Action::Respond;
  int status = 200;
  std::optional<std::string> content = std::string("The answer is 42.");  // nullopt → null
  std::optional<std::string> reasoning_content;  // omitted when nullopt
  std::optional<std::string> reasoning;          // the newer vLLM field; omitted when nullopt
  std::optional<std::string> finish_reason = std::string("stop");  // nullopt → null
  int64_t prompt_tokens = 12;
  int64_t completion_tokens = 7;
  std::optional<std::string> raw_body;  // sent verbatim instead of a completion
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (Retry-After)
  int delay_ms = 0;   // before answering (added to the server-wide delay)
  int hang_ms = 0;    // Action::Hang only
};

// Ready-made faults.
FakeReply text_reply(std::string content, std::string finish_reason = "stop");
FakeReply http_error(int status, const std::string& message);  // OpenAI error JSON body
FakeReply rate_limited(int retry_after_s, const std::string& message = "rate limited");
FakeReply hang(int hang_ms = 0);
FakeReply close_mid_body();
FakeReply close_without_reply();
FakeReply endless_body();
FakeReply non_json_body();
FakeReply json_without_choices();
FakeReply empty_content_with_reasoning(std::string reasoning_content);
FakeReply both_empty();
FakeReply truncated(std::string content);  // finish_reason = "length"
FakeReply delayed(FakeReply reply, int delay_ms);

// Builds the reply to a chat request (the parsed request body). Called from many server
// threads at once.
using Responder = std::function<FakeReply(const nlohmann::json& request)>;

// The text of the last "user" message of a chat request ("" when none).
std::string last_user_message(const nlohmann::json& request);

struct RecordedRequest {
  std::string method;
  std::string target;                          // "/v1/chat/completions"
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  bool warmup = false;                         // a pre-flight warm-up (kWarmupMarker)
};

struct FakeServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;                 // 0: the system picks one; see FakeOpenAIServer::port()
  std::string flavour = "vllm";      // "vllm" | "llama" | "openai": shapes of the info routes
  std::string model = "fake-model";  // served model name
  std::string version = "0.11.0";    // vLLM /version, or llama build_info
  int64_t n_ctx = 32768;             // context (vLLM max_model_len; llama per slot)
  int total_slots = 4;               // llama /props
  int threads = 0;                   // 0: max(4, hardware threads)
  bool record = true;                // keep every request for requests()
  // Model loading: the first K requests (any route) are answered 503 with loading_body, as
  // llama-server does while it loads (vLLM instead does not listen until it is ready).
  int not_ready_requests = 0;
  std::string loading_body =  // llama-server's exact body (tests/peers/replies/llama-server)
      R"({"error":{"message":"Loading model","type":"unavailable_error","code":503}})";
  // llama /props: --reasoning-format, shown under default_generation_settings.params (llama-server
  // shows no reasoning budget anywhere).
  std::optional<std::string> reasoning_format;
  // GET routes answered with these bodies verbatim ("/props" → a captured real /props), in
  // place of the flavour's built-in shapes; an empty body answers 404.
  std::map<std::string, std::string> route_bodies;
};

// The harness's pre-flight warm-up request starts its user message with this text; the
// server answers it with the warm-up reply and keeps it out of the chat counts and the
// fault queue, so that tests scripting the run's requests see only those.
inline constexpr const char* kWarmupMarker = "harness pre-flight warm-up";

class FakeOpenAIServer {
 public:
  // Binds and starts serving at once; throws std::runtime_error when it cannot bind.
  explicit FakeOpenAIServer(FakeServerOptions options = {});
  ~FakeOpenAIServer();  // stop()
  FakeOpenAIServer(const FakeOpenAIServer&) = delete;
  FakeOpenAIServer& operator=(const FakeOpenAIServer&) = delete;

  uint16_t port() const;
  std::string base_url() const;  // "http://127.0.0.1:PORT"
  void stop();                   // closes every connection; idempotent

  // The responder answers every chat request that no queued fault claims.
  void set_responder(Responder responder);
  // Server-wide delay before every chat reply.
  void set_delay_ms(int delay_ms);
  // Queues a reply for the next chat request whose body contains `match` (any request
  // when empty). Queued replies are used once each, in order of arrival of the requests.
  void push_fault(FakeReply reply, std::string match = "");
  void push_faults(int count, const FakeReply& reply);
  size_t pending_faults() const;

  // The reply to pre-flight warm-ups (default: "OK").
  void set_warmup_reply(FakeReply reply);
  size_t warmup_count() const;        // warm-ups answered (503s of the not-ready phase too)

  std::vector<RecordedRequest> requests() const;
  std::vector<RecordedRequest> chat_requests() const;  // POST /v1/chat/completions, no warm-ups
  size_t chat_request_count() const;  // counted even when recording is off; no warm-ups
  size_t connection_count() const;    // TCP connections accepted (keep-alive checks)
  void clear_requests();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace harness::testing
