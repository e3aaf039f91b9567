// The daemon's HTTP/1.1 server (Boost.Beast): connections, limits, timeouts and the
// bearer token. It knows nothing of runs: every request that passes the checks goes to
// one handler, which answers through a callback (at once, or later from another thread).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace harness {

struct HttpRequest {
  std::string method;                        // "GET", "POST", ...
  std::string path;                          // decoded path without the query
  std::map<std::string, std::string> query;  // decoded; a repeated name keeps the last value
  std::string body;
};

// A stream of server-sent events: the connection polls it about 4 times a second and
// sends what it returns; once *ended is set the connection closes.
struct EventSource {
  virtual ~EventSource() = default;
  virtual std::string poll(bool* ended) = 0;
};

struct HttpReply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::shared_ptr<EventSource> events;  // set: answer with text/event-stream instead
};

using Respond = std::function<void(HttpReply)>;
using HttpHandler = std::function<void(HttpRequest, Respond)>;

// {"error": message} with a status.
HttpReply error_reply(int status, const std::string& message);

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8420;              // 0: the system picks one (see HttpServer::port)
  std::string token;                 // "" = no authentication (loopback only)
  size_t body_limit = 1 << 20;       // larger bodies get 413
  size_t header_limit = 16 << 10;    // larger headers get 431
  int request_timeout_s = 30;        // a request (or an idle keep-alive) must arrive within it
  int io_threads = 4;
  int max_connections = 1024;        // more are closed at once
  // Paths served without the token (the static page, which then asks for it).
  std::function<bool(const std::string& method, const std::string& path)> is_public;
};

// Constant-time comparison (the time does not depend on where the strings differ).
bool token_matches(std::string_view given, std::string_view expected);

// True for 127.0.0.0/8, ::1 and "localhost".
bool is_loopback_host(const std::string& host);

class HttpServer {
 public:
  // Binds at once; throws std::runtime_error with one sentence when it cannot.
  HttpServer(HttpServerOptions options, HttpHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  uint16_t port() const;
  void run();   // serves on io_threads threads until stop(); returns when they are done
  void stop();  // thread-safe, also from a signal-watching thread

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace harness
