// Tiny random Gemma 4 checkpoints in the exact HF layout (config.json, model.safetensors,
// tokenizer.json, tokenizer_config.json), deterministic from a seed on every platform.
// Tests and `harness generate --engine` use them; transformers loads the same files (the
// forward pass itself is judged on scripts/reference/engine_fixtures.py's checkpoints).
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/config.h"

namespace engine {

// "tiny" (8 experts, top-2), "tiny-128e" and "tiny-98e" (top-8): hidden 64, 4 layers
// (3 sliding with window 8, then 1 full), head dims 16/32, the tiny tokenizer's vocab.
// "mid": the 26B-A4B layer shapes (hidden 2816, head dims 256/512, k_eq_v, 704-wide experts,
// top-8) with 2 layers and 16 experts, ~620 MB — for load-memory checks, not for tests.
// Throws EngineError for other names.
GemmaConfig tiny_config(const std::string& shape);

// A small BPE tokenizer.json in Gemma's format: Gemma 4's special tokens at their real ids
// (§5), the 256 byte-fallback tokens at 238–493, printable ASCII and "▁", and merges
// learned from a built-in English/maths/code text.
nlohmann::json tiny_tokenizer_json();

// Writes the folder (created if needed). Weights are stored as BF16.
void write_random_checkpoint(const std::string& dir, const GemmaConfig& config, uint64_t seed);
void write_random_checkpoint(const std::string& dir, const std::string& shape, uint64_t seed);

}  // namespace engine
