// One strand per connection on a shared io_context. Checks, in order: header size and
// timeout (Beast's parser limits), Host/Origin (against DNS rebinding and cross-site
// requests from browsers), the bearer token, all before the body is read; then the body's
// size, then the handler.
#include "harness/daemon_http.h"

#include <atomic>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

namespace harness {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

HttpReply error_reply(int status, const std::string& message) {
  HttpReply r;
  r.status = status;
  r.body = nlohmann::json{{"error", message}}.dump() + "\n";
  return r;
}

bool token_matches(std::string_view given, std::string_view expected) {
  unsigned char diff = given.size() == expected.size() ? 0 : 1;
  for (size_t i = 0; i < expected.size(); ++i)
    diff |= static_cast<unsigned char>(expected[i] ^ (i < given.size() ? given[i] : 0));
  return diff == 0;
}

bool is_loopback_host(const std::string& host) {
  if (host == "localhost") return true;
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(host, ec);
  return !ec && addr.is_loopback();
}

namespace {

// Boost 1.74's Beast has its own string_view.
std::string_view sv(beast::string_view s) { return {s.data(), s.size()}; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int hi = hex_value(s[i + 1]);
      int lo = hex_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += (plus_is_space && s[i] == '+') ? ' ' : s[i];
  }
  return out;
}

void split_target(std::string_view target, HttpRequest& req) {
  auto q = target.find('?');
  req.path = percent_decode(target.substr(0, q), false);
  if (q == std::string_view::npos) return;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    auto amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    auto eq = pair.find('=');
    std::string name = percent_decode(pair.substr(0, eq), true);
    std::string value = eq == std::string_view::npos ? "" : percent_decode(pair.substr(eq + 1), true);
    if (!name.empty()) req.query[name] = value;
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
}

// "host:port", "[::1]:port" or "host" → host.
std::string host_of(std::string_view authority) {
  if (!authority.empty() && authority.front() == '[') {
    auto end = authority.find(']');
    return std::string(authority.substr(1, end == std::string_view::npos ? std::string_view::npos : end - 1));
  }
  return std::string(authority.substr(0, authority.find(':')));
}

}  // namespace

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
  HttpServerOptions options;
  HttpHandler handler;
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::atomic<int> connections{0};
  std::atomic<bool> stopped{false};

  void accept();
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<HttpServer::Impl> server)
      : stream_(std::move(socket)), server_(std::move(server)), timer_(stream_.get_executor()) {}
  ~Session() { --server_->connections; }

  void start() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); });
  }

 private:
  const HttpServerOptions& opts() const { return server_->options; }

  // The header first: Host, Origin and the token are checked before the body is read, so
  // a client without the token cannot make the daemon buffer a body for it.
  void read() {
    parser_.emplace();
    parser_->body_limit(opts().body_limit);
    parser_->header_limit(static_cast<uint32_t>(opts().header_limit));
    stream_.expires_after(std::chrono::seconds(opts().request_timeout_s));
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, size_t) { self->on_header(ec); });
  }

  void on_header(beast::error_code ec) {
    if (ec) return on_read_error(ec);
    auto& req = parser_->get();
    keep_alive_ = req.keep_alive();
    pending_ = HttpRequest{};
    pending_.method = std::string(req.method_string());
    split_target(sv(req.target()), pending_);
    if (auto refused = check_access(req, pending_)) return send(std::move(*refused), false);
    if (parser_->is_done()) return on_body({});
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) { self->on_body(ec); });
  }

  void on_read_error(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::operation_aborted ||
        ec == asio::error::connection_reset || ec == asio::error::eof)
      return close();
    if (ec == http::error::body_limit)
      return send(error_reply(413, "the request body is larger than " + std::to_string(opts().body_limit) +
                                       " bytes; send a smaller body"),
                  false);
    if (ec == http::error::header_limit)
      return send(error_reply(431, "the request headers are larger than " + std::to_string(opts().header_limit) +
                                       " bytes; send fewer or shorter headers"),
                  false);
    send(error_reply(400, "the request is not valid HTTP/1.1 (" + ec.message() + ")"), false);
  }

  void on_body(beast::error_code ec) {
    if (ec) return on_read_error(ec);
    pending_.body = std::move(parser_->get().body());
    stream_.expires_never();  // the handler may take a while (pre-flight)
    auto self = shared_from_this();
    server_->handler(std::move(pending_), [self](HttpReply reply) {
      asio::post(self->stream_.get_executor(),
                 [self, reply = std::move(reply)]() mutable { self->send(std::move(reply), self->keep_alive_); });
    });
  }

  std::optional<HttpReply> check_access(const http::request<http::string_body>& req, const HttpRequest& request) {
    // Only header fields: the body has not been read yet (on_header).
    const std::string host = host_of(sv(req[http::field::host]));
    // Without a token the daemon trusts whoever can reach the loopback address, so a web
    // page must not reach it through a DNS name that resolves to 127.0.0.1.
    if (opts().token.empty() && !is_loopback_host(host) && host != opts().host)
      return error_reply(403, "the Host header '" + host + "' is not a loopback name; connect to 127.0.0.1 or localhost");
    // A browser sends Origin with cross-site requests; only the daemon's own page may call it.
    if (auto origin = req[http::field::origin]; !origin.empty()) {
      std::string_view o = sv(origin);
      auto scheme = o.find("://");
      std::string_view authority = scheme == std::string_view::npos ? o : o.substr(scheme + 3);
      if (authority != sv(req[http::field::host]))
        return error_reply(403, "requests from the web origin '" + std::string(origin) +
                                    "' are refused; use the daemon's own page");
    }
    const bool is_public = opts().is_public && opts().is_public(request.method, request.path);
    if (!opts().token.empty() && !is_public) {
      std::string_view auth = sv(req[http::field::authorization]);
      constexpr std::string_view kBearer = "Bearer ";
      if (auth.empty() || !auth.starts_with(kBearer)) {
        HttpReply r = error_reply(401, "this daemon needs a token; send the header 'Authorization: Bearer <token>'");
        return r;
      }
      if (!token_matches(auth.substr(kBearer.size()), opts().token))
        return error_reply(401, "the bearer token is wrong; use the one in the daemon's --token-file");
    }
    return std::nullopt;
  }

  void send(HttpReply reply, bool keep_alive) {
    if (reply.events) return start_events(std::move(reply.events));
    auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(reply.status), 11);
    res->set(http::field::server, "harness");
    res->set(http::field::content_type, reply.content_type);
    res->set(http::field::cache_control, "no-store");
    res->set("X-Content-Type-Options", "nosniff");
    if (reply.status == 401) res->set(http::field::www_authenticate, "Bearer");
    res->keep_alive(keep_alive);
    res->body() = std::move(reply.body);
    res->prepare_payload();
    stream_.expires_after(std::chrono::seconds(opts().request_timeout_s));
    http::async_write(stream_, *res, [self = shared_from_this(), res, keep_alive](beast::error_code ec, size_t) {
      if (ec) return self->close();
      if (keep_alive && self->parser_ && self->parser_->is_done()) return self->read();
      self->linger();
    });
  }

  // After an error answer the client may still be sending its body: read and drop it for
  // a moment so that it sees the answer rather than a reset connection.
  void linger() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.expires_after(std::chrono::seconds(2));
    drain_ = std::make_shared<std::vector<char>>(64 * 1024);
    drain_some();
  }

  void drain_some() {
    stream_.async_read_some(asio::buffer(*drain_), [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->close();
      self->drain_some();
    });
  }

  void start_events(std::shared_ptr<EventSource> events) {
    events_ = std::move(events);
    stream_.expires_never();
    auto header = std::make_shared<std::string>(
        "HTTP/1.1 200 OK\r\nServer: harness\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n"
        "X-Accel-Buffering: no\r\nConnection: close\r\n\r\n");
    asio::async_write(stream_, asio::buffer(*header), [self = shared_from_this(), header](beast::error_code ec, size_t) {
      if (ec) return self->close();
      self->poll_events();
    });
  }

  void poll_events() {
    if (server_->stopped) return close();
    bool ended = false;
    auto text = std::make_shared<std::string>(events_->poll(&ended));
    // A comment now and then finds clients that went away (the write fails).
    if (text->empty() && ++quiet_polls_ >= 60) *text = ": keep-alive\n\n";
    if (!text->empty()) quiet_polls_ = 0;
    auto next = [self = shared_from_this(), ended] {
      if (ended) return self->close();
      self->timer_.expires_after(std::chrono::milliseconds(250));
      self->timer_.async_wait([self](beast::error_code ec) {
        if (ec) return self->close();
        self->poll_events();
      });
    };
    if (text->empty()) return next();
    stream_.expires_after(std::chrono::seconds(opts().request_timeout_s));
    asio::async_write(stream_, asio::buffer(*text), [self = shared_from_this(), text, next](beast::error_code ec, size_t) {
      if (ec) return self->close();
      self->stream_.expires_never();
      next();
    });
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
  }

  beast::tcp_stream stream_;
  std::shared_ptr<HttpServer::Impl> server_;
  asio::steady_timer timer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  bool keep_alive_ = false;
  HttpRequest pending_;  // method, path and query of the request being read
  std::shared_ptr<EventSource> events_;
  std::shared_ptr<std::vector<char>> drain_;
  int quiet_polls_ = 0;
};

}  // namespace

void HttpServer::Impl::accept() {
  acceptor.async_accept(asio::make_strand(ioc), [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
    if (self->stopped) return;
    if (!ec) {
      if (++self->connections > self->options.max_connections) {
        --self->connections;
        beast::error_code ignored;
        socket.close(ignored);
      } else {
        std::make_shared<Session>(std::move(socket), self)->start();
      }
    }
    self->accept();
  });
}

HttpServer::HttpServer(HttpServerOptions options, HttpHandler handler) : impl_(std::make_shared<Impl>()) {
  impl_->options = std::move(options);
  impl_->handler = std::move(handler);
  const auto& o = impl_->options;
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(o.host == "localhost" ? "127.0.0.1" : o.host, ec);
  if (ec) throw std::runtime_error("--listen: '" + o.host + "' is not an IP address; use e.g. 127.0.0.1:8420");
  tcp::endpoint ep(addr, o.port);
  auto& acc = impl_->acceptor;
  acc.open(ep.protocol(), ec);
  if (!ec) acc.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acc.bind(ep, ec);
  if (!ec) acc.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    throw std::runtime_error("cannot listen on " + o.host + ":" + std::to_string(o.port) + " (" + ec.message() +
                             "); pick another --listen address or port");
}

HttpServer::~HttpServer() { stop(); }

uint16_t HttpServer::port() const { return impl_->acceptor.local_endpoint().port(); }

void HttpServer::run() {
  impl_->accept();
  std::vector<std::thread> threads;
  for (int i = 1; i < std::max(1, impl_->options.io_threads); ++i) threads.emplace_back([this] { impl_->ioc.run(); });
  impl_->ioc.run();
  for (auto& t : threads) t.join();
}

void HttpServer::stop() {
  if (impl_->stopped.exchange(true)) return;
  asio::post(impl_->ioc, [impl = impl_] {
    beast::error_code ec;
    impl->acceptor.close(ec);
    impl->ioc.stop();
  });
}

}  // namespace harness
