// Responsiveness of `harness serve` under load: the daemon (in this process: queue, API,
// HTTP server with its default 4 IO threads) executes a run of the gsm8k fixture against
// the loopback fake server while N API clients (default 200, one keep-alive connection
// each) poll GET /api/runs/{id} as fast as they can. Prints latency percentiles, requests/s,
// and the run's wall time with and without the polling.
//
//   daemon_bench [--clients N] [--delay-ms D]
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "harness/daemon_api.h"
#include "harness/daemon_http.h"
#include "harness/daemon_queue.h"
#include "support/fake_openai_server.h"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Clock = std::chrono::steady_clock;

struct Client {
  asio::io_context ioc;
  asio::ip::tcp::socket sock{ioc};
  beast::flat_buffer buf;
  uint16_t port;
  explicit Client(uint16_t p) : port(p) { sock.connect({asio::ip::make_address("127.0.0.1"), port}); }
  http::response<http::string_body> request(http::verb verb, const std::string& target, const std::string& body = "") {
    http::request<http::string_body> req(verb, target, 11);
    req.set(http::field::host, "127.0.0.1");
    req.keep_alive(true);
    if (!body.empty()) {
      req.set(http::field::content_type, "application/json");
      req.body() = body;
    }
    req.prepare_payload();
    http::write(sock, req);
    http::response<http::string_body> res;
    http::read(sock, buf, res);
    return res;
  }
};

std::string status_of(Client& c, int64_t id) {
  auto res = c.request(http::verb::get, "/api/runs/" + std::to_string(id));
  return nlohmann::json::parse(res.body())["status"].get<std::string>();
}

// Submits the fixture run and waits for it to end, polling once every 20 ms; returns seconds.
double run_once(uint16_t port, const std::string& url, int64_t* id_out, std::atomic<bool>* started) {
  Client c(port);
  const std::string body = nlohmann::json{{"targets", {"gsm8k_fixture"}},
                                          {"variant", "bench"},
                                          {"endpoints", {{{"url", url}, {"model", "fake-model"}}}},
                                          {"concurrency", 4}}
                               .dump();
  auto t0 = Clock::now();
  auto res = c.request(http::verb::post, "/api/runs", body);
  if (res.result_int() != 202) {
    std::fprintf(stderr, "submit failed: %s\n", res.body().c_str());
    std::exit(1);
  }
  const int64_t id = nlohmann::json::parse(res.body())["run_id"].get<int64_t>();
  *id_out = id;
  if (started) *started = true;
  for (;;) {
    std::string s = status_of(c, id);
    if (s != "queued" && s != "running") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  int clients = 200;
  int delay_ms = 200;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == "--clients") clients = std::stoi(argv[i + 1]);
    if (std::string(argv[i]) == "--delay-ms") delay_ms = std::stoi(argv[i + 1]);
  }
  const std::string dir = "/tmp/harness-daemon-bench-" + std::to_string(getpid());
  std::filesystem::create_directories(dir);

  harness::testing::FakeServerOptions fo;
  fo.record = false;
  harness::testing::FakeOpenAIServer server(fo);
  server.set_delay_ms(delay_ms);

  harness::QueueOptions qo;
  qo.store_path = dir + "/bench.db";
  qo.data_dir = std::string(HARNESS_SOURCE_DIR) + "/tests/fixtures/data";
  qo.templates_dir = std::string(HARNESS_SOURCE_DIR) + "/tests/fixtures/templates";
  harness::RunQueue queue(qo);
  queue.start();
  harness::DaemonApi api(queue);
  harness::HttpServerOptions ho;
  ho.port = 0;
  ho.max_connections = 4096;
  harness::HttpServer http_server(ho, [&api](harness::HttpRequest r, harness::Respond respond) {
    api.handle(std::move(r), std::move(respond));
  });
  const uint16_t port = http_server.port();
  std::thread serving([&] { http_server.run(); });

  std::printf("daemon_bench: gsm8k fixture (40 samples, concurrency 4, fake server delay %d ms), "
              "%d polling clients, %u hardware threads\n",
              delay_ms, clients, std::thread::hardware_concurrency());
  int64_t id = 0;
  const double quiet = run_once(port, server.base_url(), &id, nullptr);
  std::printf("  run without polling: %.2f s\n", quiet);

  std::atomic<bool> started{false}, done{false};
  std::mutex mutex;
  std::vector<double> latencies_ms;
  std::atomic<int> errors{0};
  int64_t loaded_id = 0;
  double loaded = 0;
  std::thread runner([&] {
    loaded = run_once(port, server.base_url(), &loaded_id, &started);
    done = true;
  });
  while (!started) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  auto t0 = Clock::now();
  std::vector<std::thread> pollers;
  for (int i = 0; i < clients; ++i)
    pollers.emplace_back([&] {
      std::vector<double> mine;
      try {
        Client c(port);
        const std::string target = "/api/runs/" + std::to_string(loaded_id);
        while (!done) {
          auto t = Clock::now();
          auto res = c.request(http::verb::get, target);
          mine.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t).count());
          if (res.result_int() != 200) ++errors;
        }
      } catch (const std::exception&) {
        ++errors;
      }
      std::lock_guard lock(mutex);
      latencies_ms.insert(latencies_ms.end(), mine.begin(), mine.end());
    });
  runner.join();
  for (auto& t : pollers) t.join();
  const double window = std::chrono::duration<double>(Clock::now() - t0).count();

  std::sort(latencies_ms.begin(), latencies_ms.end());
  auto pct = [&](double q) {
    return latencies_ms.empty() ? 0.0 : latencies_ms[std::min(latencies_ms.size() - 1, size_t(q * latencies_ms.size()))];
  };
  std::printf("  run with %d clients polling GET /api/runs/%lld: %.2f s\n", clients, static_cast<long long>(loaded_id),
              loaded);
  std::printf("  requests: %zu in %.2f s = %.0f req/s, errors %d\n", latencies_ms.size(), window,
              latencies_ms.size() / window, errors.load());
  std::printf("  latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f\n", pct(0.5), pct(0.9), pct(0.99),
              latencies_ms.empty() ? 0.0 : latencies_ms.back());

  http_server.stop();
  serving.join();
  queue.stop();
  std::filesystem::remove_all(dir);
  return 0;
}
