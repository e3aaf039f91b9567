// `harness generate --engine DIR --prompt TEXT`: one chat turn through the embedded engine,
// printed with its reasoning/content split and speed. For trying a model folder by hand.
// `--prompt-ids 2,105,...` skips the chat template and the tokenizer and continues those ids:
// scripts/peer-check.sh feeds llama-server and vLLM the same ids to compare greedy tokens.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <sstream>

#include "engine/model.h"
#include "harness/cli_args.h"
#include "harness/commands.h"
#include "harness/errors.h"

namespace harness {

int cmd_generate(const Args& raw) {
  CliArgs args(raw, {"engine", "prompt", "prompt-ids", "system", "max-tokens", "temperature", "top-p", "top-k", "seed"},
               {"thinking", "json"});
  if (!args.has("engine") || args.has("prompt") == args.has("prompt-ids"))
    throw UsageError("usage: harness generate --engine DIR (--prompt TEXT | --prompt-ids ID,ID,...) [--thinking] "
                     "[--max-tokens N] [--temperature T] [--top-p P] [--top-k K] [--seed S] [--json]");
  std::vector<int32_t> raw_ids;
  if (args.has("prompt-ids")) {
    std::stringstream list(args.get("prompt-ids"));
    std::string item;
    while (std::getline(list, item, ',')) {
      try {
        size_t used = 0;
        const long id = std::stol(item, &used);
        if (used != item.size() || id < 0) throw std::invalid_argument(item);
        raw_ids.push_back(static_cast<int32_t>(id));
      } catch (const std::exception&) {
        throw UsageError("--prompt-ids expects token ids separated by commas, got '" + item + "'");
      }
    }
    if (raw_ids.empty()) throw UsageError("--prompt-ids needs at least one token id");
  }
  std::unique_ptr<engine::Model> model;
  try {
    model = engine::load_model(args.get("engine"));
  } catch (const std::exception& e) {
    throw CommandError(e.what(), kExitBadInput);
  }
  engine::GenerateOptions options;
  options.max_tokens = args.get_int("max-tokens", 128);
  options.sampling.temperature = static_cast<float>(args.get_double("temperature", 0.0));
  options.sampling.top_p = static_cast<float>(args.get_double("top-p", 1.0));
  options.sampling.top_k = args.get_int("top-k", 0);
  options.sampling.seed = static_cast<uint64_t>(args.get_int("seed", 0));
  engine::ChatResult result;
  if (!raw_ids.empty()) {
    for (int32_t id : raw_ids)
      if (id >= model->config.vocab_size)
        throw CommandError("--prompt-ids: token id " + std::to_string(id) + " is outside the vocabulary (" +
                               std::to_string(model->config.vocab_size) + " tokens)",
                           kExitBadInput);
    const auto start = std::chrono::steady_clock::now();
    result.prompt_ids = raw_ids;
    result.output = engine::generate(*model->engine, model->tokenizer, raw_ids, options);
    result.split = engine::split_reasoning(result.output.text);
    result.latency_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  } else {
    std::vector<engine::ChatMessage> messages;
    if (args.has("system")) messages.push_back({"system", args.get("system")});
    messages.push_back({"user", args.get("prompt")});
    result = engine::generate_chat(*model, messages, args.has("thinking"), options);
  }
  const auto& out = result.output;
  const double tok_s = result.latency_ms > 0 ? 1000.0 * out.tokens.size() / result.latency_ms : 0;
  if (args.has("json")) {
    nlohmann::json j = {{"content", result.split.content.value_or("")},
                        {"reasoning_content", result.split.reasoning.value_or("")},
                        {"finish_reason", out.finish_reason},
                        {"prompt_tokens", result.prompt_ids.size()},
                        {"completion_tokens", out.tokens.size()},
                        {"tokens", out.tokens},
                        {"prompt_ids", result.prompt_ids},
                        {"latency_ms", result.latency_ms}};
    std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return kExitOk;
  }
  if (result.split.reasoning) std::cout << "[reasoning]\n" << *result.split.reasoning << "\n[content]\n";
  std::cout << result.split.content.value_or("") << "\n";
  std::fprintf(stderr, "%zu prompt tokens, %zu generated (%s), %.0f ms, %.1f tok/s\n", result.prompt_ids.size(),
               out.tokens.size(), out.finish_reason.c_str(), result.latency_ms, tok_s);
  return kExitOk;
}

}  // namespace harness
