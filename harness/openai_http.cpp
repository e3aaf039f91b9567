// libcurl transfer of one request; transport failures become one-line messages and a
// "worth retrying" flag.
#include "harness/openai_http.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <cstring>

#include <curl/curl.h>

#include "harness/openai_support.h"

namespace harness {
namespace {

std::once_flag curl_init_once;

struct TransferState {
  std::string* body;
  std::optional<double>* retry_after;
  size_t max_body = 0;
  bool too_large = false;
};

// Returning less than given makes libcurl stop the transfer (CURLE_WRITE_ERROR).
size_t on_body(char* data, size_t size, size_t nmemb, void* user) {
  auto* state = static_cast<TransferState*>(user);
  const size_t n = size * nmemb;
  if (n > state->max_body - std::min(state->max_body, state->body->size())) {
    state->too_large = true;
    return 0;
  }
  state->body->append(data, n);
  return n;
}

// libcurl takes milliseconds as a long: keep huge or odd values from overflowing it.
long timeout_ms(double seconds) {
  constexpr double kMaxMs = 30.0 * 86400 * 1000;  // 30 days
  const double ms = seconds * 1000;
  if (!(ms >= 1)) return 1;
  return static_cast<long>(std::min(ms, kMaxMs));
}

size_t on_header(char* data, size_t size, size_t nmemb, void* user) {
  auto* state = static_cast<TransferState*>(user);
  const size_t n = size * nmemb;
  std::string line(data, n);
  if (line.rfind("HTTP/", 0) == 0) {  // a new response (after a 100 or a redirect)
    state->retry_after->reset();
    return n;
  }
  static constexpr char kName[] = "retry-after:";
  const size_t name_len = sizeof kName - 1;
  if (line.size() > name_len) {
    bool match = true;
    for (size_t i = 0; i < name_len && match; ++i)
      match = std::tolower(static_cast<unsigned char>(line[i])) == kName[i];
    if (match) *state->retry_after = parse_retry_after(line.substr(name_len));
  }
  return n;
}

// Transport errors that a healthy server could follow with a good reply: it was down,
// restarting, overloaded or dropped the connection.
bool retryable(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:
      return true;
    default:
      return false;
  }
}

const char* transport_kind(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT: return "connect error";
    case CURLE_COULDNT_RESOLVE_HOST: return "host not found";
    case CURLE_OPERATION_TIMEDOUT: return "timeout";
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR: return "connection reset";
    case CURLE_GOT_NOTHING: return "connection closed without a reply";
    case CURLE_PARTIAL_FILE: return "connection closed mid-body";
    default: return "transfer error";
  }
}

}  // namespace

size_t default_max_reply_bytes() {
  static const size_t bytes = [] {
    size_t mb = 64;
    if (const char* v = std::getenv("HARNESS_MAX_REPLY_MB"); v && *v) {
      char* end = nullptr;
      const unsigned long long n = std::strtoull(v, &end, 10);
      if (end && *end == '\0' && n >= 1 && n <= 65536) mb = static_cast<size_t>(n);
    }
    return mb << 20;
  }();
  return bytes;
}

CurlHandlePool::CurlHandlePool() {
  std::call_once(curl_init_once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

CurlHandlePool::~CurlHandlePool() {
  for (void* h : idle_) curl_easy_cleanup(static_cast<CURL*>(h));
}

void* CurlHandlePool::take() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!idle_.empty()) {
      void* h = idle_.back();
      idle_.pop_back();
      return h;
    }
  }
  return curl_easy_init();
}

void CurlHandlePool::give(void* handle) {
  std::lock_guard<std::mutex> lock(mutex_);
  idle_.push_back(handle);
}

HttpResponse CurlHandlePool::perform(const HttpRequest& request) {
  HttpResponse out;
  CURL* curl = static_cast<CURL*>(take());
  if (!curl) {
    out.transport_error = "could not create a libcurl handle";
    return out;
  }
  // Reset drops the previous options but keeps the connection cache (the point of the pool).
  curl_easy_reset(curl);
  char errbuf[CURL_ERROR_SIZE] = {0};
  TransferState state{&out.body, &out.retry_after_s, request.max_body_bytes};

  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "Accept: application/json");
  // Without this, curl sends "Expect: 100-continue" for bodies over 1 KiB and waits up to
  // a second for a "100 Continue" that many servers never send.
  headers = curl_slist_append(headers, "Expect:");
  if (request.method == "POST") headers = curl_slist_append(headers, "Content-Type: application/json");
  if (!request.bearer_token.empty())
    headers = curl_slist_append(headers, ("Authorization: Bearer " + request.bearer_token).c_str());

  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // required with many threads
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &state);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &state);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms(request.connect_timeout_s));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms(request.timeout_s));
  if (request.method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  } else {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  }

  const auto start = std::chrono::steady_clock::now();
  const CURLcode code = curl_easy_perform(curl);
  out.latency_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (code == CURLE_OK) {
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    out.http_status = static_cast<int>(status);
  } else if (state.too_large) {
    // The same server would send the same reply again: not retried. The first bytes stay
    // for the sample's raw response, the rest is dropped.
    out.transport_retryable = false;
    out.transport_error = "reply too large: the body passed " + std::to_string(request.max_body_bytes) +
                          " bytes and was cut off; check the server (or raise HARNESS_MAX_REPLY_MB)";
    out.body.resize(std::min<size_t>(out.body.size(), 4096));
    out.body.shrink_to_fit();
  } else {
    out.transport_retryable = retryable(code);
    const char* detail = errbuf[0] ? errbuf : curl_easy_strerror(code);
    out.transport_error = std::string(transport_kind(code)) + ": " + detail;
  }
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  curl_slist_free_all(headers);
  give(curl);
  return out;
}

}  // namespace harness
