// The `--daemon URL` side of run, runs, report and compare (harness/DAEMON.md).
#include "harness/daemon_client.h"

#include <unistd.h>

#include <atomic>
#include <cctype>
#include <mutex>
#include <chrono>
#include <csignal>
#include <fstream>
#include <iostream>
#include <thread>

#include <curl/curl.h>
#include <nlohmann/json.hpp>

#include "harness/errors.h"
#include "harness/progress.h"

namespace harness {

namespace {

// Flags of the in-process commands that name things on the daemon's machine; with
// --daemon they are `harness serve`'s to set.
void refuse_local_flags(const CliArgs& args, const std::vector<std::string>& flags) {
  for (const auto& f : flags)
    if (args.has(f))
      throw UsageError("--" + f + " is set where the daemon runs (harness serve), not with --daemon; drop it");
}

struct Curl {
  CURL* handle = curl_easy_init();
  curl_slist* headers = nullptr;
  ~Curl() {
    curl_slist_free_all(headers);
    curl_easy_cleanup(handle);
  }
};

void prepare(Curl& c, const DaemonClient& client, const std::string& method, const std::string& path,
             const std::string& body) {
  if (!c.handle) throw CommandError("cannot start an HTTP client (libcurl); this is a bug", kExitFailure);
  curl_easy_setopt(c.handle, CURLOPT_URL, (client.base_url + path).c_str());
  curl_easy_setopt(c.handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c.handle, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
  if (method == "POST") {
    curl_easy_setopt(c.handle, CURLOPT_POST, 1L);
    curl_easy_setopt(c.handle, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(c.handle, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    c.headers = curl_slist_append(c.headers, "Content-Type: application/json");
  }
  if (!client.token.empty())
    c.headers = curl_slist_append(c.headers, ("Authorization: Bearer " + client.token).c_str());
  c.headers = curl_slist_append(c.headers, "Expect:");
  curl_easy_setopt(c.handle, CURLOPT_HTTPHEADER, c.headers);
}

size_t append_body(char* data, size_t size, size_t nmemb, void* user) {
  static_cast<std::string*>(user)->append(data, size * nmemb);
  return size * nmemb;
}

[[noreturn]] void unreachable(const DaemonClient& client, const std::string& why) {
  throw CommandError("cannot reach the daemon at " + client.base_url + " (" + why +
                         "); start it with `harness serve` or correct --daemon",
                     kExitEndpoint);
}

// A non-2xx answer as the error the in-process command would have raised.
[[noreturn]] void fail_with(const DaemonClient& client, const DaemonReply& reply) {
  std::string message;
  int code = 0;
  try {
    auto j = nlohmann::json::parse(reply.body);
    if (j.is_object() && j.contains("error") && j["error"].is_string()) message = j["error"];
    if (j.is_object() && j.contains("exit_code") && j["exit_code"].is_number_integer()) code = j["exit_code"];
  } catch (const std::exception&) {
  }
  if (reply.status == 401 || reply.status == 403)
    throw CommandError("the daemon at " + client.base_url + " wants a bearer token; pass --token-file F, " +
                           "the file that `harness serve --token-file` reads" +
                           (message.empty() ? "" : " (" + message + ")"),
                       kExitUsage);
  if (message.empty())
    message = "the daemon at " + client.base_url + " answered HTTP " + std::to_string(reply.status) +
              (reply.body.empty() ? "" : ": " + reply.body.substr(0, 200));
  if (!code) code = reply.status == 400 ? kExitUsage : reply.status >= 500 ? kExitFailure : kExitBadInput;
  throw CommandError(message, code);
}

// Server-sent events: "event: NAME" and "data: ..." lines, a blank line ends one event.
struct EventStream {
  const std::function<bool(const std::string&, const std::string&)>* on_event;
  const std::function<bool()>* keep_going;
  std::string buffer, event, data;
  bool stopped = false;  // on_event or keep_going asked to stop

  // False once the caller wants no more events.
  bool feed(const char* bytes, size_t n) {
    buffer.append(bytes, n);
    size_t start = 0, eol;
    while ((eol = buffer.find('\n', start)) != std::string::npos) {
      std::string line = buffer.substr(start, eol - start);
      start = eol + 1;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty()) {
        if (!data.empty() || !event.empty()) {
          if (!data.empty() && data.back() == '\n') data.pop_back();
          const bool more = (*on_event)(event.empty() ? "message" : event, data);
          event.clear();
          data.clear();
          if (!more) {
            buffer.clear();
            return false;
          }
        }
      } else if (line[0] == ':') {
        // comment (keep-alive)
      } else {
        const size_t colon = line.find(':');
        std::string field = line.substr(0, colon);
        std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
        if (!value.empty() && value[0] == ' ') value.erase(0, 1);
        if (field == "event") event = value;
        else if (field == "data") data += value + "\n";
      }
    }
    buffer.erase(0, start);
    return true;
  }
};

size_t on_stream(char* data, size_t size, size_t nmemb, void* user) {
  auto* s = static_cast<EventStream*>(user);
  if (!s->feed(data, size * nmemb)) {
    s->stopped = true;
    return 0;  // aborts the transfer
  }
  return size * nmemb;
}

int on_xfer(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* s = static_cast<EventStream*>(user);
  if (*s->keep_going && !(*s->keep_going)()) {
    s->stopped = true;
    return 1;
  }
  return 0;
}

}  // namespace

std::string url_encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

DaemonClient daemon_client(const CliArgs& args) {
  DaemonClient client;
  client.base_url = args.get("daemon");
  if (client.base_url.empty()) throw UsageError("--daemon needs a URL such as http://127.0.0.1:8420");
  if (client.base_url.find("://") == std::string::npos) client.base_url = "http://" + client.base_url;
  while (!client.base_url.empty() && client.base_url.back() == '/') client.base_url.pop_back();
  if (args.has("token-file")) {
    const std::string path = args.get("token-file");
    std::ifstream in(path);
    if (!in || !std::getline(in, client.token))
      throw CommandError("cannot read the token from --token-file " + path + "; the file's first line is the token",
                         kExitBadInput);
    while (!client.token.empty() && std::isspace(static_cast<unsigned char>(client.token.back())))
      client.token.pop_back();
  }
  return client;
}

DaemonReply daemon_request(const DaemonClient& client, const std::string& method, const std::string& path,
                           const std::string& body) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  Curl c;
  prepare(c, client, method, path, body);
  DaemonReply reply;
  curl_easy_setopt(c.handle, CURLOPT_TIMEOUT_MS, 300000L);
  curl_easy_setopt(c.handle, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(c.handle, CURLOPT_WRITEDATA, &reply.body);
  const CURLcode rc = curl_easy_perform(c.handle);
  if (rc != CURLE_OK) unreachable(client, curl_easy_strerror(rc));
  long status = 0;
  curl_easy_getinfo(c.handle, CURLINFO_RESPONSE_CODE, &status);
  reply.status = static_cast<int>(status);
  return reply;
}

std::string daemon_get(const DaemonClient& client, const std::string& path) {
  DaemonReply reply = daemon_request(client, "GET", path);
  if (reply.status < 200 || reply.status >= 300) fail_with(client, reply);
  return reply.body;
}

bool daemon_follow_events(const DaemonClient& client, const std::string& path,
                          const std::function<bool(const std::string&, const std::string&)>& on_event,
                          const std::function<bool()>& keep_going) {
  Curl c;
  prepare(c, client, "GET", path, "");
  c.headers = curl_slist_append(c.headers, "Accept: text/event-stream");
  curl_easy_setopt(c.handle, CURLOPT_HTTPHEADER, c.headers);
  EventStream stream{&on_event, &keep_going, {}, {}, {}};
  curl_easy_setopt(c.handle, CURLOPT_WRITEFUNCTION, on_stream);
  curl_easy_setopt(c.handle, CURLOPT_WRITEDATA, &stream);
  curl_easy_setopt(c.handle, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c.handle, CURLOPT_XFERINFOFUNCTION, on_xfer);
  curl_easy_setopt(c.handle, CURLOPT_XFERINFODATA, &stream);
  const CURLcode rc = curl_easy_perform(c.handle);
  if (stream.stopped) return true;
  long status = 0;
  curl_easy_getinfo(c.handle, CURLINFO_RESPONSE_CODE, &status);
  if (rc == CURLE_OK && (status == 401 || status == 403 || status == 404))
    fail_with(client, {static_cast<int>(status), ""});
  return false;  // the daemon closed the stream before the end, or never answered
}

// ---- run ---------------------------------------------------------------------------

namespace {

std::atomic<int> g_interrupts{0};

void on_interrupt(int) {
  if (g_interrupts.fetch_add(1) >= 1) _exit(kExitInterrupted);
  const char msg[] = "\nstopping: asking the daemon to cancel the run (press Ctrl-C again to leave at once)\n";
  [[maybe_unused]] auto n = write(STDERR_FILENO, msg, sizeof msg - 1);
}

nlohmann::json run_request_body(const CliArgs& args) {
  nlohmann::json body = {{"targets", args.positionals()}, {"variant", args.get("variant")}};
  if (args.has("engine")) body["engine"] = args.get("engine");
  if (!args.get_all("endpoint").empty()) {
    nlohmann::json eps = nlohmann::json::array();
    for (const auto& url : args.get_all("endpoint")) eps.push_back({{"url", url}, {"model", args.get("model")}});
    body["endpoints"] = eps;
  }
  if (args.has("flavour")) body["flavour"] = args.get("flavour");
  if (args.has("concurrency")) body["concurrency"] = args.get_int("concurrency", 0);
  if (args.has("limit")) body["limit"] = args.get_int("limit", 0);
  if (args.has("skip-preflight")) body["skip_preflight"] = true;
  if (args.has("skip-unavailable")) body["skip_unavailable"] = true;
  return body;
}

void set_progress(RunProgress& p, const nlohmann::json& j) {
  p.total = j.value("total", p.total.load());
  p.done = j.value("done", p.done.load());
  p.failed = j.value("failed", p.failed.load());
  p.in_flight = j.value("in_flight", p.in_flight.load());
  p.scored = j.value("scored", p.scored.load());
}

// Follows the run's events until it ends; returns its final status. A dropped stream is
// reopened (the daemon may be restarting: it resumes the run) for up to a minute.
std::string follow_run(const DaemonClient& client, int64_t run_id, RunProgress& progress, ProgressPrinter& printer) {
  const std::string id = std::to_string(run_id);
  std::string final_status;
  bool cancel_sent = false;
  auto last_ok = std::chrono::steady_clock::now();
  while (final_status.empty()) {
    bool got_event = false;
    const bool ok = daemon_follow_events(
        client, "/api/runs/" + id + "/events",
        [&](const std::string& event, const std::string& data) {
          got_event = true;
          nlohmann::json j = nlohmann::json::parse(data, nullptr, false);
          if (event == "progress" && j.is_object()) {
            set_progress(progress, j);
            printer.update(progress);
          } else if (event == "end") {
            final_status = j.is_object() ? j.value("status", "") : "";
            if (final_status.empty()) final_status = "?";
            return false;
          }
          return true;
        },
        [&] { return cancel_sent || g_interrupts.load() == 0; });
    if (got_event || ok) last_ok = std::chrono::steady_clock::now();
    if (!final_status.empty()) break;
    if (g_interrupts.load() > 0 && !cancel_sent) {
      cancel_sent = true;
      DaemonReply r = daemon_request(client, "POST", "/api/runs/" + id + "/cancel");
      if (r.status < 200 || r.status >= 300) fail_with(client, r);
      continue;
    }
    if (!ok) {
      if (std::chrono::steady_clock::now() - last_ok > std::chrono::seconds(60))
        throw CommandError("lost the daemon at " + client.base_url + " while following run " + id +
                               "; the run continues when the daemon is back (`harness runs --daemon " +
                               client.base_url + "`)",
                           kExitEndpoint);
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
  }
  if (final_status == "?") {
    auto j = nlohmann::json::parse(daemon_get(client, "/api/runs/" + id + "?format=json"), nullptr, false);
    final_status = j.is_object() ? j.value("status", "") : "";
  }
  return final_status;
}

}  // namespace

int daemon_run(const CliArgs& args) {
  refuse_local_flags(args, {"store", "data-dir", "api-key-env", "max-attempts", "retry-delay", "request-timeout"});
  DaemonClient client = daemon_client(args);
  DaemonReply reply = daemon_request(client, "POST", "/api/runs", run_request_body(args).dump());
  if (reply.status < 200 || reply.status >= 300) fail_with(client, reply);
  auto answer = nlohmann::json::parse(reply.body, nullptr, false);
  if (!answer.is_object() || !answer.contains("run_id") || !answer["run_id"].is_number_integer())
    throw CommandError("the daemon at " + client.base_url + " accepted the run but sent no run_id: " + reply.body,
                       kExitFailure);
  const int64_t run_id = answer["run_id"].get<int64_t>();
  const std::string id = std::to_string(run_id);
  std::cerr << "run " << id << " submitted to " << client.base_url << " (" << answer.value("status", "queued")
            << ")\n";

  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);

  RunProgress progress;
  ProgressPrinter printer("run " + id);
  const std::string status = follow_run(client, run_id, progress, printer);
  printer.finish(progress);
  std::cout << daemon_get(client, "/api/runs/" + id + "?format=text") << std::flush;
  if (status == "complete") return kExitOk;
  if (status == "cancelled" || status == "interrupted") {
    std::cerr << "run " << id << " stopped; the daemon continues it after POST " << client.base_url << "/api/runs/"
              << id << "/resume (or the page's resume button)\n";
    return kExitInterrupted;
  }
  if (status == "incomplete") {
    std::cerr << "run " << id << " is incomplete: failed samples or skipped templates (see the report)\n";
    return kExitIncomplete;
  }
  throw CommandError("run " + id + " ended with status '" + status + "' on the daemon", kExitFailure);
}

int daemon_runs(const CliArgs& args) {
  refuse_local_flags(args, {"store"});
  std::cout << daemon_get(daemon_client(args), "/api/runs?format=text") << std::flush;
  return kExitOk;
}

int daemon_report(const CliArgs& args, int64_t run_id) {
  refuse_local_flags(args, {"store"});
  const std::string format = args.get("format", "text");
  if (format != "text" && format != "json") throw UsageError("--format must be text or json");
  const std::string body =
      daemon_get(daemon_client(args), "/api/runs/" + std::to_string(run_id) + "?format=" + format);
  if (format == "text") {
    std::cout << body << std::flush;
    return kExitOk;
  }
  // The daemon adds live fields to the report; the stored report is what `report` prints.
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded()) throw CommandError("the daemon sent a report that is not JSON", kExitFailure);
  j.erase("progress");
  j.erase("queue_position");
  j.erase("error");
  std::cout << j.dump(2) << "\n";
  return kExitOk;
}

int daemon_compare(const CliArgs& args) {
  refuse_local_flags(args, {"store", "bench", "details", "group-by", "data-dir", "svg"});
  bool all_ids = true;
  std::string list;
  for (const auto& s : args.positionals()) {
    all_ids = all_ids && !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
    list += (list.empty() ? "" : ",") + url_encode(s);
  }
  std::string path = "/api/compare?" + std::string(all_ids ? "runs=" : "variants=") + list;
  for (const char* flag : {"suite", "baseline"})
    if (args.has(flag)) path += std::string("&") + flag + "=" + url_encode(args.get(flag));
  // The API's default format is JSON, the CLI's is text.
  path += "&format=" + url_encode(args.get("format", "text"));
  std::cout << daemon_get(daemon_client(args), path) << std::flush;
  return kExitOk;
}

}  // namespace harness
