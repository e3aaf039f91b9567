#include "harness/daemon_api.h"

#include <filesystem>
#include <functional>
#include <regex>
#include <set>
#include <vector>

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include "harness/compare.h"
#include "harness/daemon_events.h"
#include "harness/errors.h"
#include "harness/run_setup.h"
#include "harness/template.h"

#if __has_include("harness/web_page.h")
#include "harness/web_page.h"
#define HARNESS_HAS_WEB_PAGE 1
#endif

#ifndef HARNESS_VERSION
#define HARNESS_VERSION "dev"
#endif

namespace harness {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// ---------------------------------------------------------------- validation

const char* type_name(const json& v) {
  if (v.is_string()) return "a string";
  if (v.is_boolean()) return "a boolean";
  if (v.is_number_integer() || v.is_number_unsigned()) return "an integer";
  if (v.is_number()) return "a number";
  if (v.is_array()) return "an array";
  if (v.is_object()) return "an object";
  return "null";
}

void check_fields(const json& obj, const std::string& where, const std::vector<std::string>& known) {
  for (const auto& [key, value] : obj.items()) {
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::string list;
    for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
    throw ApiError(400, "unknown field '" + where + key + "'; the known fields are " + list);
  }
}

std::string get_string(const json& obj, const std::string& name, const std::string& where) {
  const json& v = obj.at(name);
  if (!v.is_string()) throw ApiError(400, "field '" + where + name + "' must be a string, not " + type_name(v));
  return v.get<std::string>();
}

int64_t get_int(const json& obj, const std::string& name, int64_t min, int64_t max) {
  const json& v = obj.at(name);
  if (!v.is_number_integer() && !v.is_number_unsigned())
    throw ApiError(400, "field '" + name + "' must be an integer, not " + type_name(v));
  if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(max))
    throw ApiError(400, "field '" + name + "' must be at most " + std::to_string(max));
  int64_t n = v.get<int64_t>();
  if (n < min || n > max)
    throw ApiError(400, "field '" + name + "' must be between " + std::to_string(min) + " and " + std::to_string(max));
  return n;
}

bool get_bool(const json& obj, const std::string& name) {
  const json& v = obj.at(name);
  if (!v.is_boolean()) throw ApiError(400, "field '" + name + "' must be true or false, not " + type_name(v));
  return v.get<bool>();
}

json parse_object(const std::string& body) {
  json j;
  try {
    j = json::parse(body);
  } catch (const json::parse_error& e) {
    throw ApiError(400, std::string("the request body is not valid JSON (") + e.what() + "); send a JSON object");
  }
  if (!j.is_object()) throw ApiError(400, std::string("the request body must be a JSON object, not ") + type_name(j));
  return j;
}

// A path given over the API must lie under `root` once symbolic links are resolved.
fs::path inside(const std::string& given, const std::string& root, const std::string& field) {
  std::error_code ec;
  fs::path p(given);
  const std::string hint = "give a template or suite name, or an absolute path under the daemon's data dir " + root;
  if (!p.is_absolute()) throw ApiError(400, "field '" + field + "': '" + given + "' is not a name or an absolute path; " + hint);
  fs::path real = fs::canonical(p, ec);
  if (ec) throw ApiError(400, "field '" + field + "': '" + given + "' does not exist; " + hint);
  fs::path base = fs::canonical(root, ec);
  if (ec) throw ApiError(400, "field '" + field + "': the daemon's data dir " + root + " does not exist; " + hint);
  auto rel = real.lexically_relative(base);
  if (rel.empty() || *rel.begin() == "..")
    throw ApiError(400, "field '" + field + "': '" + given + "' is outside the daemon's data dir " + root +
                            "; the API reads files only there");
  return real;
}

// One thread per request in flight: the operator's bound keeps a client from starting thousands.
int concurrency_field(const json& j, int max) {
  const json& v = j.at("concurrency");
  if ((v.is_number_integer() || v.is_number_unsigned()) && v.get<double>() > max)
    throw ApiError(400, "field 'concurrency' must be at most " + std::to_string(max) +
                            " (this daemon's --max-run-concurrency)");
  return static_cast<int>(get_int(j, "concurrency", 1, max));
}

std::string format_seconds(double s) {
  std::string out = std::to_string(s);
  out.erase(out.find_last_not_of('0') + 1);
  if (out.back() == '.') out.pop_back();
  return out;
}

std::string check_target(const std::string& target, const std::string& data_dir) {
  static const std::regex name_re("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
  const bool yaml = target.ends_with(".yaml") || target.ends_with(".yml");
  if (!yaml && std::regex_match(target, name_re)) return target;
  if (!yaml) throw ApiError(400, "field 'targets': '" + target + "' is neither a template/suite name nor a .yaml file");
  fs::path real = inside(target, data_dir, "targets");
  if (!fs::is_regular_file(real)) throw ApiError(400, "field 'targets': '" + target + "' is not a file");
  return real.string();
}

// The run request as stored and executed; mirrors `harness run`'s flags.
const std::vector<std::string> kSubmitFields = {"targets",        "variant",         "endpoints",   "engine",
                                                "concurrency",    "limit",           "flavour",     "skip_preflight",
                                                "skip_unavailable", "max_attempts", "request_timeout_s"};

}  // namespace

NewRunRequest parse_submit_body(const std::string& body, const QueueOptions& options) {
  const std::string& data_dir = options.data_dir;
  json j = parse_object(body);
  check_fields(j, "", kSubmitFields);
  NewRunRequest req;
  RunConfig& c = req.config;
  if (!j.contains("targets")) throw ApiError(400, "field 'targets' is missing; give a list of suite or template names");
  const json& targets = j["targets"];
  if (!targets.is_array() || targets.empty())
    throw ApiError(400, "field 'targets' must be a non-empty array of suite or template names");
  for (const auto& t : targets) {
    if (!t.is_string()) throw ApiError(400, std::string("field 'targets' must hold strings, not ") + type_name(t));
    c.targets.push_back(check_target(t.get<std::string>(), data_dir));
  }
  if (!j.contains("variant")) throw ApiError(400, "field 'variant' is missing; give the label of the model variant");
  req.variant = get_string(j, "variant", "");
  if (req.variant.empty() || req.variant.size() > 200)
    throw ApiError(400, "field 'variant' must be a label of 1 to 200 characters");

  std::string flavour = j.contains("flavour") ? get_string(j, "flavour", "") : "auto";
  if (flavour != "auto" && flavour != "vllm" && flavour != "llama" && flavour != "openai")
    throw ApiError(400, "field 'flavour' must be auto, vllm, llama or openai");
  if (j.contains("endpoints") == j.contains("engine"))
    throw ApiError(400, "give exactly one of the fields 'endpoints' (OpenAI-compatible servers) and 'engine'");
  if (j.contains("endpoints")) {
    const json& eps = j["endpoints"];
    if (!eps.is_array() || eps.empty())
      throw ApiError(400, "field 'endpoints' must be a non-empty array of {\"url\", \"model\"} objects");
    for (size_t i = 0; i < eps.size(); ++i) {
      const std::string where = "endpoints[" + std::to_string(i) + "].";
      if (!eps[i].is_object()) throw ApiError(400, "field 'endpoints[" + std::to_string(i) + "]' must be an object");
      check_fields(eps[i], where, {"url", "model"});
      if (!eps[i].contains("url") || !eps[i].contains("model"))
        throw ApiError(400, "field '" + where + "url' and '" + where + "model' are both required");
      OpenAIEndpoint ep;
      ep.base_url = get_string(eps[i], "url", where);
      ep.model = get_string(eps[i], "model", where);
      ep.flavour = flavour;
      if (!ep.base_url.starts_with("http://") && !ep.base_url.starts_with("https://"))
        throw ApiError(400, "field '" + where + "url' must start with http:// or https://");
      if (ep.model.empty()) throw ApiError(400, "field '" + where + "model' must not be empty");
      if (auto refusal = endpoint_refusal(options.endpoints, ep.base_url); !refusal.empty())
        throw ApiError(403, "field '" + where + "url': " + refusal);
      // The daemon's key goes only where the operator said it may (--allow-endpoint).
      ep.api_key_env = key_allowed(options.endpoints, ep.base_url) ? "OPENAI_API_KEY" : "";
      c.endpoints.push_back(ep);
    }
  } else {
    c.engine_dir = inside(get_string(j, "engine", ""), data_dir, "engine").string();
  }
  if (j.contains("concurrency")) c.concurrency = concurrency_field(j, options.max_run_concurrency);
  if (j.contains("limit")) c.limit = static_cast<int>(get_int(j, "limit", 0, 100000000));
  if (j.contains("max_attempts")) c.retry.max_attempts = static_cast<int>(get_int(j, "max_attempts", 1, 100));
  if (j.contains("request_timeout_s")) {
    const json& v = j["request_timeout_s"];
    if (!v.is_number() || !(v.get<double>() > 0))
      throw ApiError(400, "field 'request_timeout_s' must be a positive number of seconds");
    if (v.get<double>() > options.max_request_timeout_s)
      throw ApiError(400, "field 'request_timeout_s' must be at most " + format_seconds(options.max_request_timeout_s) +
                              " seconds (this daemon's --max-request-timeout)");
    c.retry.request_timeout_s = v.get<double>();
  }
  if (j.contains("skip_preflight")) req.skip_preflight = get_bool(j, "skip_preflight");
  if (j.contains("skip_unavailable")) req.skip_unavailable = get_bool(j, "skip_unavailable");
  c.data_dir = data_dir;
  return req;
}

// ---------------------------------------------------------------- routes

struct DaemonApi::Impl {
  RunQueue& queue;
  boost::asio::thread_pool work{2};  // pre-flight and store writes, off the IO threads

  explicit Impl(RunQueue& q) : queue(q) {}

  // One read-only connection per IO thread: readers never wait for the run's writer.
  store::Store& reader() {
    thread_local std::map<std::string, std::unique_ptr<store::Store>> connections;
    auto& slot = connections[queue.options().store_path];
    if (!slot) slot = store::Store::open(queue.options().store_path, store::OpenMode::ReadOnly);
    return *slot;
  }

  using Params = std::vector<std::string>;  // the {id} segments
  using Handler = std::function<void(Impl&, const HttpRequest&, const Params&, Respond&)>;
  struct Route {
    const char* method;
    const char* pattern;  // segments; "{id}" matches one segment
    std::vector<std::string> query;  // accepted query names
    Handler handler;
  };
  static const std::vector<Route>& routes();

  void dispatch(const HttpRequest& req, Respond& respond);
  void off_io_thread(Respond respond, std::function<HttpReply()> work_fn);
};

namespace {

// The CLI's exit code travels along, so that `--daemon` exits as the in-process command would.
HttpReply error_with_exit_code(int status, const std::string& message, int exit_code) {
  HttpReply r;
  r.status = status;
  r.body = json{{"error", message}, {"exit_code", exit_code}}.dump() + "\n";
  return r;
}

HttpReply json_reply(int status, const json& body) {
  HttpReply r;
  r.status = status;
  r.body = body.dump() + "\n";
  return r;
}

HttpReply text_reply(std::string text, const char* type = "text/plain; charset=utf-8") {
  HttpReply r;
  r.content_type = type;
  r.body = std::move(text);
  return r;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(sep, start);
    if (end == std::string::npos) end = s.size();
    if (end > start) out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

int64_t parse_id(const std::string& s) {
  static const std::regex id_re("[1-9][0-9]{0,17}");
  if (!std::regex_match(s, id_re)) throw ApiError(400, "'" + s + "' is not a run id (a positive number)");
  return std::stoll(s);
}

std::string format_param(const HttpRequest& req, const std::set<std::string>& allowed, const std::string& fallback) {
  auto it = req.query.find("format");
  if (it == req.query.end()) return fallback;
  if (!allowed.count(it->second)) {
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    throw ApiError(400, "query 'format' must be one of " + list);
  }
  return it->second;
}

std::string page_html() {
#ifdef HARNESS_HAS_WEB_PAGE
  return std::string(web_index_html());
#else
  return "<!doctype html><title>harness</title><p>harness daemon: the web page is not built in yet; the API is under /api/.\n";
#endif
}

json progress_of(DaemonApi::Impl& api, store::Store& store, int64_t run_id) {
  if (auto state = api.queue.state(run_id); state && state->progress_known) return progress_json(state->progress);
  int total = 0, done = 0;
  for (const auto& br : store.bench_runs(run_id)) {
    if (br.status == "skipped") continue;
    total += br.n_planned;
    done += static_cast<int>(store.done_indices(br.id).size());
  }
  return {{"total", total}, {"done", done}, {"failed", 0}, {"in_flight", 0}, {"scored", 0}};
}

void get_page(DaemonApi::Impl&, const HttpRequest&, const DaemonApi::Impl::Params&, Respond& respond) {
  respond(text_reply(page_html(), "text/html; charset=utf-8"));
}

void get_health(DaemonApi::Impl& api, const HttpRequest&, const DaemonApi::Impl::Params&, Respond& respond) {
  respond(json_reply(200, {{"ok", true},
                           {"version", HARNESS_VERSION},
                           {"store", api.queue.options().store_path},
                           {"queue", {{"running", api.queue.running_count()}, {"queued", api.queue.queued_count()}}}}));
}

void post_run(DaemonApi::Impl& api, const HttpRequest& req, const DaemonApi::Impl::Params&, Respond& respond) {
  NewRunRequest request = parse_submit_body(req.body, api.queue.options());
  api.off_io_thread(respond, [&api, request = std::move(request)]() mutable {
    const int64_t id = api.queue.submit(std::move(request));
    return json_reply(202, {{"run_id", id}, {"status", "queued"}});
  });
}

void get_runs(DaemonApi::Impl& api, const HttpRequest& req, const DaemonApi::Impl::Params&, Respond& respond) {
  const std::string format = format_param(req, {"json", "text"}, "json");
  auto& store = api.reader();
  if (format == "text") return respond(text_reply(format_runs_table(store)));
  json list = runs_json(store);
  // The store says "queued" or "running"; the queue knows more (position, live counters).
  for (auto& row : list) {
    const int64_t id = row["id"].get<int64_t>();
    if (int pos = api.queue.queue_position(id)) row["queue_position"] = pos;
    if (auto state = api.queue.state(id); state && state->progress_known && state->get_status() == "running")
      row["done"] = state->progress.done.load();
  }
  respond(json_reply(200, list));
}

void get_run(DaemonApi::Impl& api, const HttpRequest& req, const DaemonApi::Impl::Params& p, Respond& respond) {
  const int64_t id = parse_id(p[0]);
  const std::string format = format_param(req, {"json", "text"}, "json");
  auto& store = api.reader();
  json report = run_report_json(store, id);
  if (report.is_null()) throw ApiError(404, "run " + p[0] + " is not in " + api.queue.options().store_path);
  if (format == "text") return respond(text_reply(format_run_report(store, id)));
  report["progress"] = progress_of(api, store, id);
  report["queue_position"] = api.queue.queue_position(id);
  if (auto state = api.queue.state(id)) {
    if (auto error = state->get_error(); !error.empty()) report["error"] = error;
  }
  respond(json_reply(200, report));
}

void post_cancel(DaemonApi::Impl& api, const HttpRequest& req, const DaemonApi::Impl::Params& p, Respond& respond) {
  const int64_t id = parse_id(p[0]);
  if (!req.body.empty()) check_fields(parse_object(req.body), "", {});
  api.off_io_thread(respond, [&api, id] {
    std::string message;
    switch (api.queue.cancel(id, &message)) {
      case QueueAnswer::Ok: return json_reply(202, {{"run_id", id}, {"status", "cancelling"}});
      case QueueAnswer::NotFound: return error_reply(404, message);
      case QueueAnswer::Conflict: break;
    }
    return error_reply(409, message);
  });
}

void post_resume(DaemonApi::Impl& api, const HttpRequest& req, const DaemonApi::Impl::Params& p, Respond& respond) {
  const int64_t id = parse_id(p[0]);
  int concurrency = 0;
  if (!req.body.empty()) {
    json j = parse_object(req.body);
    check_fields(j, "", {"concurrency"});
    if (j.contains("concurrency")) concurrency = concurrency_field(j, api.queue.options().max_run_concurrency);
  }
  api.off_io_thread(respond, [&api, id, concurrency] {
    std::string message;
    switch (api.queue.resume(id, concurrency, &message)) {
      case QueueAnswer::Ok: return json_reply(202, {{"run_id", id}, {"status", "queued"}});
      case QueueAnswer::NotFound: return error_reply(404, message);
      case QueueAnswer::Conflict: break;
    }
    return error_reply(409, message);
  });
}

void get_events(DaemonApi::Impl& api, const HttpRequest&, const DaemonApi::Impl::Params& p, Respond& respond) {
  const int64_t id = parse_id(p[0]);
  if (!api.queue.state(id) && !api.reader().get_run(id))
    throw ApiError(404, "run " + p[0] + " is not in " + api.queue.options().store_path);
  HttpReply reply;
  // Runs of other processes: the status is re-read from the store (by the IO thread that
  // polls; each has its own read-only connection).
  reply.events = run_events(api.queue, id, [&api, id] {
    auto run = api.reader().get_run(id);
    if (!run) return std::string("missing");
    if (run->status == "running" && store::RunLock::try_acquire(api.queue.options().store_path, id))
      return std::string("interrupted");
    return run->status;
  });
  respond(std::move(reply));
}

void get_compare(DaemonApi::Impl& api, const HttpRequest& req, const DaemonApi::Impl::Params&, Respond& respond) {
  const std::string format = format_param(req, {"text", "md", "json", "csv"}, "json");
  CompareRequest request;
  for (const char* key : {"runs", "variants"})
    if (auto it = req.query.find(key); it != req.query.end())
      for (auto& s : split(it->second, ',')) {
        if (std::string(key) == "runs") parse_id(s);
        request.selectors.push_back(s);
      }
  if (request.selectors.empty())
    throw ApiError(400, "query 'runs' (run ids) or 'variants' (labels), comma-separated, is required");
  if (auto it = req.query.find("baseline"); it != req.query.end()) request.baseline = it->second;
  if (auto it = req.query.find("suite"); it != req.query.end()) {
    static const std::regex name_re("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    if (!std::regex_match(it->second, name_re) || it->second.ends_with(".yaml"))
      throw ApiError(400, "query 'suite' must be a suite or template name");
    for (const auto& t : resolve_targets({it->second}, api.queue.options().templates_dir))
      request.templates.push_back(t.name);
  }
  Scoreboard board = build_scoreboard(api.reader(), request);
  std::string out = render_scoreboard(board, format);
  if (format == "json") return respond(text_reply(std::move(out), "application/json"));
  respond(text_reply(std::move(out)));
}

}  // namespace

const std::vector<DaemonApi::Impl::Route>& DaemonApi::Impl::routes() {
  static const std::vector<Route> table = {
      {"GET", "/", {}, get_page},
      {"GET", "/api/health", {}, get_health},
      {"POST", "/api/runs", {}, post_run},
      {"GET", "/api/runs", {"format"}, get_runs},
      {"GET", "/api/runs/{id}", {"format"}, get_run},
      {"POST", "/api/runs/{id}/cancel", {}, post_cancel},
      {"POST", "/api/runs/{id}/resume", {}, post_resume},
      {"GET", "/api/runs/{id}/events", {}, get_events},
      {"GET", "/api/compare", {"runs", "variants", "suite", "baseline", "format"}, get_compare},
      // Issue #11, the embedded engine as an OpenAI-compatible server. Once the engine can
      // serve chat turns, add a handler that parses the chat request, runs it on an engine
      // owned by the daemon (off the IO threads, like post_run) and answers in the OpenAI
      // shape, then enable:
      //   {"POST", "/v1/chat/completions", {}, post_chat_completions},
      //   {"GET", "/v1/models", {}, get_models},
  };
  return table;
}

void DaemonApi::Impl::off_io_thread(Respond respond, std::function<HttpReply()> work_fn) {
  boost::asio::post(work, [respond = std::move(respond), work_fn = std::move(work_fn)] {
    try {
      respond(work_fn());
    } catch (const ApiError& e) {
      respond(error_reply(e.status, e.what()));
    } catch (const UsageError& e) {
      respond(error_with_exit_code(422, e.what(), kExitUsage));
    } catch (const CommandError& e) {
      respond(error_with_exit_code(422, e.what(), e.exit_code));
    } catch (const TemplateError& e) {
      respond(error_with_exit_code(422, e.what(), kExitBadInput));
    } catch (const store::StoreError& e) {
      respond(error_with_exit_code(503, e.what(), kExitBadInput));
    } catch (const std::exception& e) {
      respond(error_reply(500, std::string("internal error: ") + e.what()));
    }
  });
}

void DaemonApi::Impl::dispatch(const HttpRequest& req, Respond& respond) {
  const auto segments = split(req.path, '/');
  bool path_matched = false;
  std::string allowed;
  for (const auto& route : routes()) {
    const auto pattern = split(route.pattern, '/');
    if (pattern.size() != segments.size()) continue;
    Params params;
    bool ok = true;
    for (size_t i = 0; i < pattern.size() && ok; ++i) {
      if (pattern[i] == "{id}") params.push_back(segments[i]);
      else ok = pattern[i] == segments[i];
    }
    if (!ok) continue;
    path_matched = true;
    allowed += (allowed.empty() ? "" : ", ") + std::string(route.method);
    if (req.method != route.method) continue;
    for (const auto& [name, value] : req.query)
      if (std::find(route.query.begin(), route.query.end(), name) == route.query.end())
        throw ApiError(400, "unknown query parameter '" + name + "' for " + route.pattern);
    route.handler(*this, req, params, respond);
    return;
  }
  if (path_matched) throw ApiError(405, "method " + req.method + " is not allowed on " + req.path + "; use " + allowed);
  throw ApiError(404, "no such endpoint " + req.path + "; see harness/DAEMON.md for the API");
}

DaemonApi::DaemonApi(RunQueue& queue) : impl_(std::make_unique<Impl>(queue)) {}

DaemonApi::~DaemonApi() { impl_->work.join(); }

bool DaemonApi::is_public(const std::string& method, const std::string& path) {
  return method == "GET" && path == "/";
}

void DaemonApi::handle(HttpRequest request, Respond respond) {
  try {
    impl_->dispatch(request, respond);
  } catch (const ApiError& e) {
    respond(error_reply(e.status, e.what()));
  } catch (const CommandError& e) {
    respond(error_with_exit_code(e.exit_code == kExitBadInput ? 400 : 422, e.what(), e.exit_code));
  } catch (const UsageError& e) {
    respond(error_with_exit_code(400, e.what(), kExitUsage));
  } catch (const TemplateError& e) {
    respond(error_with_exit_code(400, e.what(), kExitBadInput));
  } catch (const store::StoreError& e) {
    respond(error_with_exit_code(503, e.what(), kExitBadInput));
  } catch (const std::exception& e) {
    respond(error_reply(500, std::string("internal error: ") + e.what()));
  }
}

}  // namespace harness
