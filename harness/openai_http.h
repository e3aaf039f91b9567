// A blocking HTTP client over libcurl easy handles, kept in a pool so that every thread
// that calls in gets a handle whose connection cache still holds a live keep-alive
// connection to the endpoint (no TCP handshake per request at 256 requests in flight).
#pragma once

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace harness {

// 64 MiB, or $HARNESS_MAX_REPLY_MB (read once) when it is a whole number from 1 to 65536.
size_t default_max_reply_bytes();

struct HttpRequest {
  std::string method = "POST";  // "POST" | "GET"
  std::string url;
  std::string body;             // POST only
  std::string bearer_token;     // "" = no Authorization header
  double connect_timeout_s = 10;
  double timeout_s = 60;        // whole transfer
  // A longer reply body ends the transfer with a non-retryable error (a broken or hostile
  // server must not fill the memory); see default_max_reply_bytes().
  size_t max_body_bytes = default_max_reply_bytes();
};

struct HttpResponse {
  int http_status = 0;          // 0: no status line arrived (transport error)
  bool transport_retryable = false;  // refused, timeout, reset, partial body, ...
  std::string transport_error;  // one line; "" when a status came back in full
  std::string body;
  std::optional<double> retry_after_s;
  double latency_ms = 0;
};

class CurlHandlePool {
 public:
  CurlHandlePool();
  ~CurlHandlePool();
  CurlHandlePool(const CurlHandlePool&) = delete;
  CurlHandlePool& operator=(const CurlHandlePool&) = delete;

  // Thread-safe; blocks for the whole transfer.
  HttpResponse perform(const HttpRequest& request);

 private:
  void* take();
  void give(void* handle);
  std::mutex mutex_;
  std::vector<void*> idle_;  // CURL*, kept opaque so that curl.h stays out of this header
};

}  // namespace harness
