#include "harness/embedded_backend.h"

#include <chrono>
#include <ctime>
#include <cstdlib>
#include <mutex>
#include <stdexcept>

#include "engine/model.h"
#include "harness/embedded_cuda.h"

namespace harness {
namespace {

std::string now_iso() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string engine_choice(const EmbeddedOptions& options) {
  std::string choice = options.engine;
  if (choice.empty()) {
    const char* env = std::getenv("HARNESS_ENGINE");
    choice = env && *env ? env : "auto";
  }
  if (choice != "cpu" && choice != "cuda" && choice != "auto")
    throw std::runtime_error("HARNESS_ENGINE (or the embedded engine option) is \"" + choice +
                             "\"; use cpu, cuda or auto.");
  return choice;
}

class EmbeddedBackend : public Backend {
 public:
  EmbeddedBackend(const std::string& dir, const EmbeddedOptions& options) : options_(options) {
    std::string choice = engine_choice(options);
    if (choice != "cpu") {
      auto model = std::make_unique<engine::Model>();
      model->dir = dir;
      model->tokenizer = engine::Tokenizer::load(dir + "/tokenizer.json");
      std::string why;
      batched_ = make_cuda_generator(dir, model->tokenizer, options.max_batch, &why);
      if (batched_) {
        model->config = batched_->engine().config();
        model_ = std::move(model);  // model_->engine stays empty: batched_ owns the CUDA engine
      } else if (choice == "cuda") {
        throw std::runtime_error("the embedded backend was asked for the CUDA engine but " + why +
                                 "; set HARNESS_ENGINE=cpu or auto.");
      }
    }
    if (!model_) model_ = engine::load_model(dir);
  }

  const engine::Engine& engine() const { return batched_ ? batched_->engine() : *model_->engine; }

  GenerationResult generate(const GenerationRequest& request) override {
    GenerationResult result;
    result.endpoint = "embedded:" + model_->dir;
    std::vector<engine::ChatMessage> messages;
    for (const auto& m : request.messages) messages.push_back({m.role, m.content});
    bool thinking = request.reasoning.enable_thinking.value_or(false);  // the template's default

    engine::GenerateOptions opt;
    opt.max_tokens = request.generation.max_gen_toks;
    opt.sampling.temperature = static_cast<float>(request.generation.temperature);
    opt.sampling.top_p = static_cast<float>(request.generation.top_p);
    opt.sampling.top_k = request.generation.top_k.value_or(0);
    opt.sampling.seed = static_cast<uint64_t>(request.generation.seed.value_or(0));
    opt.stop_strings = request.generation.stop;
    opt.thinking_budget = request.reasoning.thinking_token_budget;
    opt.stop_token_ids = engine::default_stop_tokens(model_->config);
    for (int id : options_.extra_stop_token_ids) opt.stop_token_ids.push_back(id);

    nlohmann::json req = {{"model_dir", model_->dir},
                          {"enable_thinking", thinking},
                          {"max_tokens", opt.max_tokens},
                          {"temperature", opt.sampling.temperature},
                          {"top_p", opt.sampling.top_p},
                          {"top_k", opt.sampling.top_k},
                          {"seed", opt.sampling.seed},
                          {"stop", opt.stop_strings}};
    if (opt.thinking_budget) req["thinking_token_budget"] = *opt.thinking_budget;

    AttemptInfo attempt;
    attempt.attempt = 1;
    attempt.started_at = now_iso();
    attempt.endpoint = result.endpoint;
    try {
      engine::ChatResult r = run(messages, thinking, opt);
      req["prompt"] = r.prompt_text;
      result.ok = true;
      result.content = r.split.content.value_or("");
      result.reasoning = r.split.reasoning.value_or("");
      result.reasoning_field = r.split.reasoning ? "reasoning_content" : "";
      result.finish_reason = r.output.finish_reason;
      result.prompt_tokens = r.output.prompt_tokens;
      result.completion_tokens = static_cast<int64_t>(r.output.tokens.size());
      result.latency_ms = r.latency_ms;
      result.response_raw = nlohmann::json{{"engine", engine().name()},
                                           {"text", r.output.text},
                                           {"token_ids", r.output.tokens},
                                           {"finish_reason", r.output.finish_reason},
                                           {"forced_tokens", r.output.forced_tokens},
                                           {"content", r.split.content ? nlohmann::json(*r.split.content) : nlohmann::json()},
                                           {"reasoning_content", r.split.reasoning ? nlohmann::json(*r.split.reasoning) : nlohmann::json()}}
                                .dump();
    } catch (const std::exception& e) {
      result.ok = false;
      result.error = std::string("embedded engine: ") + e.what();
      attempt.error = result.error;
    }
    result.request_json = req.dump();
    attempt.latency_ms = result.latency_ms;
    result.attempts.push_back(attempt);
    return result;
  }

  std::string flavour() const override { return "embedded"; }

  nlohmann::json fingerprint() override {
    const engine::GemmaConfig& c = model_->config;
    return {{"flavour", "embedded"},
            {"engine", engine().name()},
            {"model_dir", model_->dir},
            {"num_experts", c.num_experts},
            {"top_k_experts", c.top_k_experts},
            {"hidden_size", c.hidden_size},
            {"num_layers", c.num_layers},
            {"vocab_size", c.vocab_size},
            {"config", engine::config_to_json(c)}};
  }

 private:
  // engine::generate_chat's steps, with the generation loop on the batching CUDA engine
  // when there is one, else on the CPU reference one request at a time.
  engine::ChatResult run(const std::vector<engine::ChatMessage>& messages, bool thinking,
                         const engine::GenerateOptions& opt) {
    if (!batched_) {
      std::lock_guard<std::mutex> lock(mutex_);
      return engine::generate_chat(*model_, messages, thinking, opt);
    }
    auto start = std::chrono::steady_clock::now();
    engine::ChatResult r;
    r.prompt_text = engine::render_chat(messages, thinking);
    r.prompt_ids = model_->tokenizer.encode(r.prompt_text);
    r.output = batched_->generate(r.prompt_ids, opt);
    r.split = engine::split_reasoning(r.output.text);
    r.latency_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return r;
  }

  std::unique_ptr<engine::Model> model_;  // dir, config, tokenizer; engine only on the CPU path
  std::unique_ptr<BatchedGenerator> batched_;  // the CUDA engine, when it runs
  EmbeddedOptions options_;
  std::mutex mutex_;  // one request at a time on the CPU reference
};

}  // namespace

std::unique_ptr<Backend> make_embedded_backend(const std::string& model_dir, const EmbeddedOptions& options) {
  return std::make_unique<EmbeddedBackend>(model_dir, options);
}

}  // namespace harness
