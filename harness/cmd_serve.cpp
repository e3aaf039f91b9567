// `harness serve`: the daemon (harness/DAEMON.md). One process owns one store; SIGINT or
// SIGTERM stops it: running runs stop taking work, store what is in flight and stay
// queued for the next start.
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <cctype>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "harness/cli_args.h"
#include "harness/commands.h"
#include "harness/daemon_api.h"
#include "harness/daemon_endpoints.h"
#include "harness/daemon_http.h"
#include "harness/daemon_queue.h"
#include "harness/data_catalog.h"
#include "harness/errors.h"
#include "harness/template.h"

namespace harness {

namespace {

struct ListenAddress {
  std::string host;
  uint16_t port = 8420;
};

ListenAddress parse_listen(const std::string& s) {
  ListenAddress a;
  std::string port;
  if (!s.empty() && s.front() == '[') {
    auto end = s.find(']');
    if (end == std::string::npos || end + 1 >= s.size() || s[end + 1] != ':')
      throw UsageError("--listen '" + s + "' must be HOST:PORT, e.g. 127.0.0.1:8420 or [::1]:8420");
    a.host = s.substr(1, end - 1);
    port = s.substr(end + 2);
  } else {
    auto colon = s.rfind(':');
    if (colon == std::string::npos || s.find(':') != colon)
      throw UsageError("--listen '" + s + "' must be HOST:PORT, e.g. 127.0.0.1:8420");
    a.host = s.substr(0, colon);
    port = s.substr(colon + 1);
  }
  bool digits = !port.empty() && port.size() <= 5;
  for (char c : port) digits = digits && std::isdigit(static_cast<unsigned char>(c));
  if (!digits || std::stoi(port) > 65535)
    throw UsageError("--listen '" + s + "': the port must be a number from 0 to 65535");
  a.port = static_cast<uint16_t>(std::stoi(port));
  if (a.host.empty()) throw UsageError("--listen '" + s + "' has no host; use e.g. 127.0.0.1:8420");
  return a;
}

std::string read_token(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw CommandError("cannot read the token file " + path + "; check the path and its permissions", kExitBadInput);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string token = ss.str();
  while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) token.pop_back();
  while (!token.empty() && std::isspace(static_cast<unsigned char>(token.front()))) token.erase(token.begin());
  if (token.size() < 16)
    throw CommandError("the token in " + path + " is shorter than 16 characters; write a long random token there "
                       "(e.g. `openssl rand -hex 32 > " + path + "`)",
                       kExitBadInput);
  return token;
}

// One daemon per store: a second one would run the same queued runs in turn.
int lock_store_for_daemon(const std::string& store_path) {
  const std::string path = store_path + ".daemon.lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) throw CommandError("cannot create " + path + "; make the store's folder writable", kExitBadInput);
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    char buf[32] = {};
    [[maybe_unused]] auto n = pread(fd, buf, sizeof buf - 1, 0);
    ::close(fd);
    throw CommandError("another `harness serve` (pid " + std::string(buf[0] ? buf : "?\n").substr(0, std::string(buf).find('\n')) +
                           ") already serves " + store_path + "; stop it or pass another --store",
                       kExitLocked);
  }
  std::string pid = std::to_string(getpid()) + "\n";
  if (ftruncate(fd, 0) != 0 || pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    // Only the pid in messages is lost.
  }
  return fd;  // held until the process ends
}

const char* kServeUsage =
    "usage: harness serve [--listen 127.0.0.1:8420] [--store FILE] [--data-dir DIR] [--token-file FILE]\n"
    "                     [--max-concurrent-runs N] [--templates-dir DIR] [--request-timeout S]\n"
    "                     [--allow-endpoint URL_PREFIX]... [--max-run-concurrency N] [--max-request-timeout S]";

}  // namespace

int cmd_serve(const Args& raw) {
  CliArgs args(raw, {"listen", "store", "data-dir", "token-file", "max-concurrent-runs", "templates-dir",
                        "request-timeout", "allow-endpoint", "max-run-concurrency", "max-request-timeout"}, {});
  if (!args.positionals().empty()) throw UsageError(kServeUsage);
  const ListenAddress listen = parse_listen(args.get("listen", "127.0.0.1:8420"));
  std::string token;
  if (args.has("token-file")) token = read_token(args.get("token-file"));
  else if (!is_loopback_host(listen.host))
    throw UsageError("--listen " + listen.host + " is not a loopback address, so the daemon needs --token-file FILE "
                     "(a bearer token that every request must send)");
  QueueOptions qo;
  qo.store_path = args.get("store", "harness.db");
  qo.data_dir = args.get("data-dir", default_data_dir());
  qo.templates_dir = args.get("templates-dir", default_templates_dir());
  qo.max_concurrent_runs = args.get_int("max-concurrent-runs", 1);
  if (qo.max_concurrent_runs < 1 || qo.max_concurrent_runs > 64)
    throw UsageError("--max-concurrent-runs must be between 1 and 64");
  for (const auto& prefix : args.get_all("allow-endpoint")) {
    if (auto problem = check_allow_prefix(prefix); !problem.empty()) throw UsageError(problem);
    qo.endpoints.allowed_prefixes.push_back(prefix);
  }
  qo.max_run_concurrency = args.get_int("max-run-concurrency", qo.max_run_concurrency);
  if (qo.max_run_concurrency < 1 || qo.max_run_concurrency > 4096)
    throw UsageError("--max-run-concurrency must be between 1 and 4096");
  qo.max_request_timeout_s = args.get_double("max-request-timeout", qo.max_request_timeout_s);
  if (!(qo.max_request_timeout_s >= 1 && qo.max_request_timeout_s <= 7 * 86400.0))
    throw UsageError("--max-request-timeout must be between 1 and 604800 seconds (a week)");

  // Signals are taken by one thread (sigwait), so every other thread must block them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  lock_store_for_daemon(qo.store_path);
  std::unique_ptr<RunQueue> queue;
  try {
    queue = std::make_unique<RunQueue>(qo);
  } catch (const store::StoreError& e) {
    throw CommandError(e.what(), kExitBadInput);
  }
  DaemonApi api(*queue);
  HttpServerOptions ho;
  ho.host = listen.host;
  ho.port = listen.port;
  ho.token = token;
  ho.is_public = &DaemonApi::is_public;
  ho.request_timeout_s = args.get_int("request-timeout", ho.request_timeout_s);
  if (ho.request_timeout_s < 1 || ho.request_timeout_s > 3600)
    throw UsageError("--request-timeout must be between 1 and 3600 seconds");
  std::unique_ptr<HttpServer> server;
  try {
    server = std::make_unique<HttpServer>(ho, [&api](HttpRequest req, Respond respond) {
      api.handle(std::move(req), std::move(respond));
    });
  } catch (const std::runtime_error& e) {
    throw CommandError(e.what(), kExitUsage);
  }
  auto picked = queue->start();
  const std::string shown_host = listen.host.find(':') != std::string::npos ? "[" + listen.host + "]" : listen.host;
  std::cerr << "harness serve: listening on http://" << shown_host << ":" << server->port() << " (store "
            << qo.store_path << ", data dir " << qo.data_dir << (token.empty() ? "" : ", token required") << ")\n";
  if (qo.endpoints.allowed_prefixes.empty())
    std::cerr << "harness serve: runs may call loopback endpoints only, without an API key "
                 "(--allow-endpoint URL_PREFIX allows others and sends them $OPENAI_API_KEY)\n";
  if (!picked.empty()) {
    std::cerr << "harness serve: continuing " << picked.size() << " run(s) left queued or running:";
    for (auto id : picked) std::cerr << " " << id;
    std::cerr << "\n";
  }

  std::thread signal_thread([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    std::cerr << "harness serve: stopping (runs in progress store what is in flight and stay queued)\n";
    server->stop();
  });
  server->run();
  queue->stop();
  // The signal thread is still waiting when the server stopped for another reason.
  if (signal_thread.joinable()) {
    pthread_kill(signal_thread.native_handle(), SIGTERM);
    signal_thread.join();
  }
  std::cerr << "harness serve: stopped\n";
  return kExitOk;
}

}  // namespace harness
