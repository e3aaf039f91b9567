// Helpers for the daemon's end-to-end tests: a `harness serve` child process, a small
// blocking HTTP/1.1 client and a server-sent events reader.
#pragma once

#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio.hpp>
#include <nlohmann/json.hpp>

#include "harness/cli_test_util.h"
#include "store/store.h"

namespace harness::testing {

struct HttpAnswer {
  int status = 0;
  std::string headers;  // raw header block
  std::string body;
  nlohmann::json json() const { return nlohmann::json::parse(body); }
};

// Sends `raw` (a whole request) and reads until the server closes or, when the answer has
// a Content-Length, until the body is complete. Gives up after `timeout_s`.
inline HttpAnswer http_exchange(uint16_t port, const std::string& raw, int timeout_s = 10) {
  namespace asio = boost::asio;
  asio::io_context ioc;
  asio::ip::tcp::socket sock(ioc);
  sock.connect({asio::ip::make_address("127.0.0.1"), port});
  timeval tv{timeout_s, 0};
  setsockopt(sock.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  boost::system::error_code ec;
  asio::write(sock, asio::buffer(raw), ec);  // may fail when the server refuses early
  std::string data;
  char buf[65536];
  HttpAnswer a;
  for (;;) {
    size_t n = sock.read_some(asio::buffer(buf), ec);
    if (ec) break;
    data.append(buf, n);
    auto end = data.find("\r\n\r\n");
    if (end == std::string::npos) continue;
    std::smatch m;
    std::string head = data.substr(0, end);
    static const std::regex cl("[Cc]ontent-[Ll]ength: *(\\d+)");
    if (std::regex_search(head, m, cl) && data.size() >= end + 4 + std::stoul(m[1])) break;
  }
  auto end = data.find("\r\n\r\n");
  if (data.size() > 12) a.status = std::stoi(data.substr(9, 3));
  if (end != std::string::npos) {
    a.headers = data.substr(0, end);
    a.body = data.substr(end + 4);
  }
  return a;
}

inline HttpAnswer http(uint16_t port, const std::string& method, const std::string& target,
                       const std::string& body = "", const std::string& token = "") {
  std::string raw = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                    "\r\nConnection: close\r\n";
  if (!token.empty()) raw += "Authorization: Bearer " + token + "\r\n";
  if (!body.empty() || method == "POST")
    raw += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  raw += "\r\n" + body;
  return http_exchange(port, raw);
}

// Reads the event stream of a run until its end event (or the timeout); returns the text.
inline std::string read_events(uint16_t port, int64_t run_id, int timeout_s = 60) {
  std::string raw = "GET /api/runs/" + std::to_string(run_id) + "/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  return http_exchange(port, raw, timeout_s).body;
}

// `harness serve` on a free loopback port; SIGKILLed (or stopped) when it goes out of scope.
struct Daemon {
  ChildProcess child;
  uint16_t port = 0;
  bool running = false;

  Daemon(std::vector<std::string> args, const TempDir& dir, const std::vector<std::string>& env = {}) {
    args.insert(args.begin(), "serve");
    if (std::find(args.begin(), args.end(), "--listen") == args.end()) {
      args.push_back("--listen");
      args.push_back("127.0.0.1:0");
    }
    child = spawn_harness(args, dir, env);
    running = true;
    static const std::regex re("listening on http://127\\.0\\.0\\.1:(\\d+)");
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      std::smatch m;
      std::string err = read_file(child.err_path);
      if (std::regex_search(err, m, re)) {
        port = static_cast<uint16_t>(std::stoi(m[1]));
        return;
      }
      int status = 0;
      if (waitpid(child.pid, &status, WNOHANG) == child.pid) {
        running = false;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  ~Daemon() {
    if (running) kill_now();
  }
  std::string log() const { return read_file(child.err_path); }
  void kill_now() {
    kill(child.pid, SIGKILL);
    wait_child(child);
    running = false;
  }
  RunResult terminate() {
    kill(child.pid, SIGTERM);
    running = false;
    return wait_child(child);
  }
};

// Samples of every bench run of a run (a read-only connection of the test's own).
inline std::vector<store::SampleRecord> run_samples(const std::string& db, int64_t run_id) {
  std::vector<store::SampleRecord> out;
  try {
    auto store = store::Store::open(db, store::OpenMode::ReadOnly);
    for (const auto& br : store->bench_runs(run_id))
      for (auto& s : store->samples(br.id)) out.push_back(std::move(s));
  } catch (const std::exception&) {
  }
  return out;
}

inline std::string fixture_run_body(const std::string& url, int concurrency, const std::string& variant = "base") {
  return nlohmann::json{{"targets", {"gsm8k_fixture"}},
                        {"variant", variant},
                        {"endpoints", {{{"url", url}, {"model", "fake-model"}}}},
                        {"concurrency", concurrency}}
      .dump();
}

// Waits until `pred` holds (polling every 5 ms); false on timeout.
template <typename Pred>
bool wait_for(Pred pred, int timeout_s = 30) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

}  // namespace harness::testing
