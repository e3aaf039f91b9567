// Boost.Beast HTTP/1.1 server: one strand per connection, keep-alive, a pool of io
// threads. Replies are planned under a mutex (faults queue, records) and sent outside it.
#include "tests/support/fake_openai_server.h"

#include <algorithm>
#include <cctype>
#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace harness::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// ---------------------------------------------------------------- server state

namespace {

// What a session does with one request, decided before any I/O.
struct Plan {
  FakeReply::Action action = FakeReply::Action::Respond;
  http::response<http::string_body> response;
  int delay_ms = 0;
  int hang_ms = 0;
};

http::response<http::string_body> json_response(int status, const std::string& body,
                                                bool keep_alive) {
  http::response<http::string_body> res{static_cast<http::status>(status), 11};
  res.set(http::field::server, "fake-openai-server");
  res.set(http::field::content_type, "application/json");
  res.keep_alive(keep_alive);
  res.body() = body;
  res.prepare_payload();
  return res;
}

int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

struct FakeOpenAIServer::Impl {
  FakeServerOptions options;
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::vector<std::thread> threads;
  std::once_flag stop_once;
  uint16_t port = 0;

  mutable std::mutex mutex;
  std::shared_ptr<const Responder> responder;
  std::deque<std::pair<std::string, FakeReply>> faults;  // (match, reply)
  std::vector<RecordedRequest> recorded;
  std::atomic<int> delay_ms{0};
  std::atomic<size_t> chat_count{0};
  std::atomic<size_t> warmups{0};
  std::atomic<int> not_ready_left{0};
  FakeReply warmup_reply = text_reply("OK");  // guarded by mutex
  std::atomic<size_t> connections{0};
  std::atomic<uint64_t> next_id{0};

  void accept();
  Plan plan(const http::request<http::string_body>& req);
  Plan plan_chat(const http::request<http::string_body>& req, bool keep_alive);
  std::string completion_body(const FakeReply& reply, const nlohmann::json& request);
  std::string models_body() const;
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, FakeOpenAIServer::Impl& server)
      : stream_(std::move(socket)), timer_(stream_.get_executor()), server_(server) {}

  void start() { read(); }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(512u << 20);  // long prompts (few-shot, code) fit easily
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       self->on_read(ec);
                     });
  }

  void on_read(beast::error_code ec) {
    if (ec) return close();
    plan_ = server_.plan(parser_->get());
    if (plan_.delay_ms > 0) {
      timer_.expires_after(std::chrono::milliseconds(plan_.delay_ms));
      timer_.async_wait([self = shared_from_this()](beast::error_code e) {
        if (!e) self->act();
      });
    } else {
      act();
    }
  }

  void act() {
    switch (plan_.action) {
      case FakeReply::Action::Respond: {
        http::async_write(stream_, plan_.response,
                          [self = shared_from_this()](beast::error_code ec, size_t) {
                            if (ec || !self->plan_.response.keep_alive()) return self->close();
                            self->read();
                          });
        return;
      }
      case FakeReply::Action::Hang: {
        // The timer's handler holds the session (and so the open socket) until it fires;
        // a hang without end lasts until stop().
        const auto wait = plan_.hang_ms > 0 ? std::chrono::milliseconds(plan_.hang_ms)
                                            : std::chrono::milliseconds(24LL * 3600 * 1000);
        timer_.expires_after(wait);
        timer_.async_wait([self = shared_from_this()](beast::error_code) { self->close(); });
        return;
      }
      case FakeReply::Action::CloseMidBody: {
        const std::string& body = plan_.response.body();
        raw_ = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
               std::to_string(body.size()) + "\r\n\r\n" + body.substr(0, body.size() / 2);
        asio::async_write(stream_, asio::buffer(raw_),
                          [self = shared_from_this()](beast::error_code, size_t) { self->close(); });
        return;
      }
      case FakeReply::Action::CloseWithoutReply:
        return close();
      case FakeReply::Action::EndlessBody: {
        raw_ = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{\"x\": \"";
        asio::async_write(stream_, asio::buffer(raw_), [self = shared_from_this()](beast::error_code ec, size_t) {
          if (ec) return self->close();
          self->raw_.assign(1 << 20, 'a');
          self->write_endlessly();
        });
        return;
      }
    }
  }

  // 1 MiB at a time until the client hangs up or the server stops.
  void write_endlessly() {
    asio::async_write(stream_, asio::buffer(raw_), [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->close();
      self->write_endlessly();
    });
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
  }

  beast::tcp_stream stream_;
  asio::steady_timer timer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  Plan plan_;
  std::string raw_;
  FakeOpenAIServer::Impl& server_;
};

}  // namespace

void FakeOpenAIServer::Impl::accept() {
  acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
    if (!ec) {
      connections.fetch_add(1);
      socket.set_option(tcp::no_delay(true), ec);
      std::make_shared<Session>(std::move(socket), *this)->start();
    }
    accept();
  });
}

Plan FakeOpenAIServer::Impl::plan(const http::request<http::string_body>& req) {
  const bool keep_alive = req.keep_alive();
  const std::string target(req.target());
  const bool is_chat = req.method() == http::verb::post && target == "/v1/chat/completions";
  bool is_warmup = false;
  if (is_chat) {
    const nlohmann::json body = nlohmann::json::parse(req.body(), nullptr, false);
    is_warmup = !body.is_discarded() && last_user_message(body).rfind(kWarmupMarker, 0) == 0;
  }
  if (is_chat && !is_warmup) chat_count.fetch_add(1);
  if (is_warmup) warmups.fetch_add(1);
  if (options.record) {
    RecordedRequest r;
    r.method = std::string(req.method_string());
    r.target = target;
    for (const auto& field : req) {
      std::string name(field.name_string());
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
      r.headers[name] = std::string(field.value());
    }
    r.body = req.body();
    r.warmup = is_warmup;
    std::lock_guard<std::mutex> lock(mutex);
    recorded.push_back(std::move(r));
  }
  // Still loading: every route answers 503 until the not-ready phase is used up.
  int left = not_ready_left.load();
  while (left > 0 && !not_ready_left.compare_exchange_weak(left, left - 1)) {
  }
  if (left > 0) {
    Plan loading;
    loading.response = json_response(503, options.loading_body, keep_alive);
    return loading;
  }
  if (is_warmup) {
    Plan p;
    FakeReply reply;
    {
      std::lock_guard<std::mutex> lock(mutex);
      reply = warmup_reply;
    }
    p.action = reply.action;
    p.delay_ms = reply.delay_ms;
    p.hang_ms = reply.hang_ms;
    const std::string body = reply.raw_body ? *reply.raw_body
                                            : completion_body(reply, nlohmann::json::parse(req.body()));
    p.response = json_response(reply.status, body, keep_alive);
    return p;
  }
  if (is_chat) return plan_chat(req, keep_alive);

  Plan p;
  auto not_found = [&] {
    return json_response(404, http_error(404, "no route " + target).raw_body.value(), keep_alive);
  };
  const std::string& flavour = options.flavour;
  const auto replay = options.route_bodies.find(target);
  if (req.method() != http::verb::get) {
    p.response = not_found();
  } else if (replay != options.route_bodies.end()) {
    p.response = replay->second.empty() ? not_found() : json_response(200, replay->second, keep_alive);
  } else if (target == "/v1/models") {
    p.response = json_response(200, models_body(), keep_alive);
  } else if (target == "/health") {
    p.response = json_response(200, R"({"status":"ok"})", keep_alive);
  } else if (target == "/version" && flavour == "vllm") {
    p.response = json_response(200, nlohmann::json{{"version", options.version}}.dump(), keep_alive);
  } else if (target == "/props" && flavour == "llama") {
    // The keys llama-server (llama.cpp in llama-cpp-python 0.3.36) answers with, abridged.
    nlohmann::json params = {{"temperature", 0.8},    {"top_k", 40},          {"n_predict", -1},
                             {"max_tokens", -1},      {"chat_format", "peg-gemma4"},
                             {"reasoning_format", options.reasoning_format.value_or("auto")},
                             {"reasoning_in_content", false}};
    nlohmann::json props = {
        {"default_generation_settings", {{"params", params}, {"n_ctx", options.n_ctx}}},
        {"total_slots", options.total_slots},
        {"model_alias", options.model},
        {"model_path", "/models/" + options.model + ".gguf"},
        {"chat_template", "{{ messages }}"},
        {"bos_token", "<bos>"},
        {"eos_token", "<eos>"},
        {"build_info", options.version},
        {"is_sleeping", false}};
    p.response = json_response(200, props.dump(), keep_alive);
  } else {
    p.response = not_found();
  }
  return p;
}

Plan FakeOpenAIServer::Impl::plan_chat(const http::request<http::string_body>& req,
                                       bool keep_alive) {
  Plan p;
  nlohmann::json request = nlohmann::json::parse(req.body(), nullptr, false);
  if (request.is_discarded()) {
    p.response = json_response(400, http_error(400, "request body is not JSON").raw_body.value(),
                               keep_alive);
    return p;
  }
  std::optional<FakeReply> reply;
  std::shared_ptr<const Responder> answer;
  {
    std::lock_guard<std::mutex> lock(mutex);
    for (auto it = faults.begin(); it != faults.end(); ++it) {
      if (it->first.empty() || req.body().find(it->first) != std::string::npos) {
        reply = std::move(it->second);
        faults.erase(it);
        break;
      }
    }
    answer = responder;
  }
  if (!reply) reply = answer && *answer ? (*answer)(request) : FakeReply{};

  p.action = reply->action;
  p.delay_ms = delay_ms.load() + reply->delay_ms;
  p.hang_ms = reply->hang_ms;
  const std::string body = reply->raw_body ? *reply->raw_body : completion_body(*reply, request);
  p.response = json_response(reply->status, body, keep_alive);
  for (const auto& [name, value] : reply->headers) p.response.set(name, value);
  return p;
}

std::string FakeOpenAIServer::Impl::completion_body(const FakeReply& reply,
                                                    const nlohmann::json& request) {
  nlohmann::json message = {{"role", "assistant"}};
  message["content"] = reply.content ? nlohmann::json(*reply.content) : nlohmann::json(nullptr);
  if (reply.reasoning_content) message["reasoning_content"] = *reply.reasoning_content;
  if (reply.reasoning) message["reasoning"] = *reply.reasoning;
  nlohmann::json choice = {{"index", 0}, {"message", std::move(message)}, {"logprobs", nullptr}};
  choice["finish_reason"] =
      reply.finish_reason ? nlohmann::json(*reply.finish_reason) : nlohmann::json(nullptr);
  const std::string model =
      request.contains("model") && request["model"].is_string() ? request["model"].get<std::string>()
                                                                : options.model;
  nlohmann::json body = {
      {"id", "chatcmpl-fake-" + std::to_string(next_id.fetch_add(1))},
      {"object", "chat.completion"},
      {"created", unix_now()},
      {"model", model},
      {"choices", nlohmann::json::array({std::move(choice)})},
      {"usage",
       {{"prompt_tokens", reply.prompt_tokens},
        {"completion_tokens", reply.completion_tokens},
        {"total_tokens", reply.prompt_tokens + reply.completion_tokens}}}};
  return body.dump();
}

std::string FakeOpenAIServer::Impl::models_body() const {
  nlohmann::json model = {{"id", options.model}, {"object", "model"}, {"created", unix_now()}};
  if (options.flavour == "vllm") {
    model["owned_by"] = "vllm";
    model["root"] = options.model;
    model["parent"] = nullptr;
    model["max_model_len"] = options.n_ctx;
  } else if (options.flavour == "llama") {
    model["owned_by"] = "llamacpp";
    model["meta"] = {{"n_ctx", options.n_ctx}, {"n_ctx_train", options.n_ctx * 4}, {"n_vocab", 262144}};
  } else {
    model["owned_by"] = "organization-owner";
  }
  return nlohmann::json{{"object", "list"}, {"data", nlohmann::json::array({model})}}.dump();
}

// ---------------------------------------------------------------- public API

FakeOpenAIServer::FakeOpenAIServer(FakeServerOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->not_ready_left.store(impl_->options.not_ready_requests);
  beast::error_code ec;
  const tcp::endpoint at(asio::ip::make_address(impl_->options.host, ec), impl_->options.port);
  if (ec) throw std::runtime_error("fake server: bad host " + impl_->options.host);
  impl_->acceptor.open(at.protocol(), ec);
  if (!ec) impl_->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl_->acceptor.bind(at, ec);
  if (!ec) impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    throw std::runtime_error("fake server: cannot listen on " + impl_->options.host + ":" +
                             std::to_string(impl_->options.port) + ": " + ec.message());
  }
  impl_->port = impl_->acceptor.local_endpoint().port();
  impl_->accept();
  int n = impl_->options.threads;
  if (n <= 0) n = std::max(4u, std::thread::hardware_concurrency());
  for (int i = 0; i < n; ++i) impl_->threads.emplace_back([this] { impl_->ioc.run(); });
}

FakeOpenAIServer::~FakeOpenAIServer() { stop(); }

uint16_t FakeOpenAIServer::port() const { return impl_->port; }

std::string FakeOpenAIServer::base_url() const {
  return "http://" + impl_->options.host + ":" + std::to_string(impl_->port);
}

void FakeOpenAIServer::stop() {
  std::call_once(impl_->stop_once, [this] {
    // Pending sessions (hangs, keep-alive reads) are destroyed with their handlers when the
    // io_context goes, which closes their sockets.
    impl_->ioc.stop();
    for (auto& t : impl_->threads) t.join();
    beast::error_code ec;
    impl_->acceptor.close(ec);
  });
}

void FakeOpenAIServer::set_responder(Responder responder) {
  auto shared = std::make_shared<const Responder>(std::move(responder));
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->responder = std::move(shared);
}

void FakeOpenAIServer::set_delay_ms(int delay_ms) { impl_->delay_ms.store(delay_ms); }

void FakeOpenAIServer::push_fault(FakeReply reply, std::string match) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->faults.emplace_back(std::move(match), std::move(reply));
}

void FakeOpenAIServer::push_faults(int count, const FakeReply& reply) {
  for (int i = 0; i < count; ++i) push_fault(reply);
}

size_t FakeOpenAIServer::pending_faults() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->faults.size();
}

void FakeOpenAIServer::set_warmup_reply(FakeReply reply) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->warmup_reply = std::move(reply);
}

size_t FakeOpenAIServer::warmup_count() const { return impl_->warmups.load(); }

std::vector<RecordedRequest> FakeOpenAIServer::requests() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->recorded;
}

std::vector<RecordedRequest> FakeOpenAIServer::chat_requests() const {
  std::vector<RecordedRequest> out;
  std::lock_guard<std::mutex> lock(impl_->mutex);
  for (const auto& r : impl_->recorded)
    if (r.method == "POST" && r.target == "/v1/chat/completions" && !r.warmup) out.push_back(r);
  return out;
}

size_t FakeOpenAIServer::chat_request_count() const { return impl_->chat_count.load(); }

size_t FakeOpenAIServer::connection_count() const { return impl_->connections.load(); }

void FakeOpenAIServer::clear_requests() {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->recorded.clear();
}

}  // namespace harness::testing
