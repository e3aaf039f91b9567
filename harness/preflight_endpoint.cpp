// Pre-flight of the endpoints: wait until the server is up (a loading server answers 503,
// one not listening yet refuses connections: both are waited for a bounded time), read
// what it tells about itself, then send one small chat request and insist on a non-empty
// reply. A server that answers a warm-up with nothing answers the run with nothing too.
#include <chrono>
#include <thread>

#include "harness/errors.h"
#include "harness/openai_http.h"
#include "harness/openai_support.h"
#include "harness/preflight.h"
#include "harness/run_setup.h"

namespace harness {

namespace {

using Clock = std::chrono::steady_clock;

std::optional<int64_t> int_at(const nlohmann::json& j, std::initializer_list<const char*> path) {
  const nlohmann::json* at = &j;
  for (const char* key : path) {
    if (!at->is_object() || !at->contains(key)) return std::nullopt;
    at = &(*at)[key];
  }
  if (!at->is_number_integer()) return std::nullopt;
  return at->get<int64_t>();
}

std::string string_at(const nlohmann::json& j, std::initializer_list<const char*> path) {
  const nlohmann::json* at = &j;
  for (const char* key : path) {
    if (!at->is_object() || !at->contains(key)) return "";
    at = &(*at)[key];
  }
  return at->is_string() ? at->get<std::string>() : "";
}

nlohmann::json json_or_null(const HttpResponse& r) {
  if (r.http_status != 200) return nullptr;
  nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
  return j.is_discarded() ? nlohmann::json(nullptr) : j;
}

// One endpoint's walk through the pre-flight. Returns "" when it is fine, else the failure
// sentence; `exit_code` says which code.
class EndpointProbe {
 public:
  EndpointProbe(const OpenAIEndpoint& ep, const RetryPolicy& retry, const PreflightOptions& options,
                std::ostream& log)
      : ep_(ep), options_(options), log_(log), root_(normalize_base_url(ep.base_url)) {
    if (!ep.api_key_env.empty())
      if (const char* key = std::getenv(ep.api_key_env.c_str())) bearer_ = key;
    connect_timeout_s_ = std::min(retry.connect_timeout_s, 10.0);
  }

  std::string run(EndpointLimits& limits, std::string& detail) {
    const auto start = Clock::now();
    // 1. Up at all: any answer but 503 to GET /v1/models means a server that is ready.
    HttpResponse models_reply;
    if (std::string why = wait_ready(start, [&] { return get("/v1/models"); }, models_reply); !why.empty())
      return why;
    // 2. What it is and what it allows (probe failures only make checks "not checked").
    const nlohmann::json version = json_or_null(get("/version"));
    const nlohmann::json props = json_or_null(get("/props"));
    const nlohmann::json models = json_or_null(models_reply);
    const std::string flavour =
        ep_.flavour != "auto" && !ep_.flavour.empty() ? ep_.flavour : decide_flavour(version, props, models);
    limits = limits_from_probes(root_, flavour, props, models);
    std::string model = ep_.model;
    if (model.empty() && models.is_object() && models.contains("data") && models["data"].is_array() &&
        !models["data"].empty())
      model = string_at(models["data"][0], {"id"});
    // 3. The warm-up.
    nlohmann::json body = {
        {"model", model},
        {"messages", nlohmann::json::array({{{"role", "user"}, {"content", kWarmupPrompt}}})},
        {"max_tokens", 8},
        {"temperature", 0.0}};
    // Thinking off where the server reads chat_template_kwargs, so that 8 tokens reach the
    // answer; a plain OpenAI API may reject unknown fields, so it gets none.
    if (flavour == "vllm" || flavour == "llama")
      body["chat_template_kwargs"] = {{"enable_thinking", false}};
    const std::string payload = body.dump();
    HttpResponse reply;
    const auto warmup_start = Clock::now();
    if (std::string why = wait_ready(start, [&] { return post(payload); }, reply); !why.empty())
      return why;
    const double seconds =
        std::chrono::duration<double>(Clock::now() - warmup_start).count();
    if (reply.http_status != 200) {
      std::string message = server_error_message(reply.body);
      return "the warm-up request got HTTP " + std::to_string(reply.http_status) +
             (message.empty() ? "" : " (" + message + ")") +
             "; check --model" + (model.empty() ? "" : " ('" + model + "')") +
             " against what the server serves (GET " + root_ + "/v1/models)";
    }
    ParsedReply parsed = parse_chat_response(reply.body);
    if (!parsed.ok)
      return "the warm-up reply is not a chat completion (" + parsed.error +
             "); is " + root_ + " an OpenAI-compatible server?";
    auto blank = [](const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; };
    if (blank(parsed.content) && blank(parsed.reasoning))
      return "the warm-up got an empty reply (no content, no reasoning); check the server's chat "
             "template and reasoning parser (benches.md §0.5) before spending a run on it";
    detail = limits.flavour + (model.empty() ? "" : ", model " + model) + ", warm-up answered in " +
             std::to_string(static_cast<int>(seconds * 1000)) + " ms";
    return "";
  }

  int exit_code() const { return kExitEndpoint; }

 private:
  HttpResponse get(const std::string& path) {
    return pool_.perform({"GET", root_ + path, "", bearer_, connect_timeout_s_, 30});
  }
  HttpResponse post(const std::string& body) {
    return pool_.perform({"POST", chat_completions_url(root_), body, bearer_, connect_timeout_s_,
                          options_.request_timeout_s});
  }

  // Repeats `attempt` while the server refuses connections (up to connect_wait_s) or
  // answers 503 (up to ready_wait_s), counted from `start`.
  template <typename Attempt>
  std::string wait_ready(Clock::time_point start, Attempt attempt, HttpResponse& out) {
    bool said_loading = false;
    for (;;) {
      out = attempt();
      const double waited = std::chrono::duration<double>(Clock::now() - start).count();
      if (!out.transport_error.empty()) {
        if (out.transport_retryable && waited < options_.connect_wait_s) {
          sleep();
          continue;
        }
        return ep_.base_url + " is not reachable (" + out.transport_error + ") after " +
               seconds_text(waited) + "; start the server or fix --endpoint";
      }
      if (out.http_status == 503) {
        if (waited < options_.ready_wait_s) {
          if (!said_loading)
            log_ << "pre-flight: " << root_ << " answers 503 (still loading?); waiting up to "
                 << seconds_text(options_.ready_wait_s) << "\n";
          said_loading = true;
          sleep();
          continue;
        }
        return root_ + " still answers 503 after " + seconds_text(waited) +
               " (model not loaded?); wait for the server to finish loading, or set "
               "HARNESS_PREFLIGHT_WAIT_S to wait longer";
      }
      return "";
    }
  }

  void sleep() const {
    std::this_thread::sleep_for(std::chrono::duration<double>(options_.poll_interval_s));
  }

  static std::string seconds_text(double s) {
    return std::to_string(static_cast<int>(s + 0.5)) + " s";
  }

  const OpenAIEndpoint& ep_;
  const PreflightOptions& options_;
  std::ostream& log_;
  std::string root_;
  std::string bearer_;
  double connect_timeout_s_ = 10;
  CurlHandlePool pool_;
};

}  // namespace

EndpointLimits limits_from_probes(const std::string& base_url, const std::string& flavour,
                                  const nlohmann::json& props, const nlohmann::json& models) {
  EndpointLimits l;
  l.base_url = base_url;
  l.flavour = flavour;
  // llama-server: default_generation_settings describes one slot; its n_ctx is the context
  // a request gets (the -c total divided by --parallel). The same number is in /v1/models
  // (data[0].meta.n_ctx), which still answers where /props is switched off.
  const nlohmann::json* first_model = nullptr;
  if (models.is_object() && models.contains("data") && models["data"].is_array() && !models["data"].empty())
    first_model = &models["data"][0];
  if (auto n = int_at(props, {"default_generation_settings", "n_ctx"}); n && *n > 0) {
    l.ctx_per_request = *n;
    l.ctx_source = "/props n_ctx per slot";
  } else if (auto m = first_model ? int_at(*first_model, {"max_model_len"}) : std::nullopt; m && *m > 0) {
    l.ctx_per_request = *m;
    l.ctx_source = "/v1/models max_model_len";
  } else if (auto c = first_model ? int_at(*first_model, {"meta", "n_ctx"}) : std::nullopt; c && *c > 0) {
    l.ctx_per_request = *c;
    l.ctx_source = "/v1/models meta.n_ctx per slot";
  }
  // Neither server shows its thinking budget: llama-server keeps --reasoning-budget out of
  // /props, vLLM has no such setting (the budget is per request). reasoning_budget stays
  // unset; check_reasoning_budget says how the budget reaches each flavour instead.
  l.reasoning_format = string_at(props, {"default_generation_settings", "params", "reasoning_format"});
  return l;
}

std::vector<EndpointLimits> check_endpoints(const RunConfig& config, const PreflightOptions& options,
                                            PreflightReport& report, std::ostream& log) {
  std::vector<EndpointLimits> out;
  for (const auto& ep : config.endpoints) {
    EndpointProbe probe(ep, config.retry, options, log);
    EndpointLimits limits;
    std::string detail;
    const std::string why = probe.run(limits, detail);
    const std::string name = "endpoint " + ep.base_url;
    if (!why.empty()) {
      report.fail(name, why, probe.exit_code());
      continue;
    }
    report.ok(name, detail);
    out.push_back(std::move(limits));
  }
  return out;
}

}  // namespace harness
