// The `embedded` backend: the Gemma 4 engine in engine/ loaded in-process from an HF model
// folder, with the same result shape as the OpenAI backend (content, reasoning_content,
// finish_reason, usage). Two engines: with a CUDA build and a device, the CUDA engine with
// continuous batching (concurrent generate() calls share one BatchScheduler, see
// embedded_cuda.h); otherwise, or with HARNESS_ENGINE=cpu, the CPU reference, which
// serialises requests on one mutex. The fingerprint's "engine" says which ran.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "harness/backend.h"

namespace harness {

struct EmbeddedOptions {
  // Stop on these token ids as well as the defaults (<eos>, <turn|>, <|tool_response>).
  std::vector<int> extra_stop_token_ids;
  // "cpu", "cuda" (fails when no device) or "auto" (CUDA when present); empty: the
  // HARNESS_ENGINE environment variable, else "auto".
  std::string engine;
  int max_batch = 64;  // sequences decoded together on the CUDA engine
};

// Loads config.json, model.safetensors(.index.json) and tokenizer.json. Throws
// std::runtime_error (engine::EngineError) with one sentence naming the bad file or field.
std::unique_ptr<Backend> make_embedded_backend(const std::string& model_dir, const EmbeddedOptions& options = {});

}  // namespace harness
