#include "engine/cuda/scheduler.h"

#include <algorithm>

#include "engine/error.h"

namespace engine {

BatchScheduler::BatchScheduler(CudaEngine& engine, int max_batch) : engine_(engine), max_batch_(max_batch) {
  if (max_batch <= 0) throw EngineError("BatchScheduler needs max_batch >= 1.");
}

int BatchScheduler::pages_needed(const BatchRequest& r) const {
  int tokens = static_cast<int>(r.prompt.size()) + r.max_new_tokens;
  return (tokens + engine_.kv_page_size() - 1) / engine_.kv_page_size();
}

int BatchScheduler::pages_promised() const {
  int promised = 0;
  for (const auto& r : running_) {
    int held = (r->seq->length() + engine_.kv_page_size() - 1) / engine_.kv_page_size();
    promised += std::max(0, pages_needed(r->request) - held);
  }
  return promised;
}

void BatchScheduler::submit(BatchRequest request) {
  if (request.prompt.empty()) throw EngineError("request " + std::to_string(request.id) + " has an empty prompt.");
  if (request.max_new_tokens <= 0)
    throw EngineError("request " + std::to_string(request.id) + " asks for no new tokens; give max_new_tokens >= 1.");
  if (pages_needed(request) > engine_.kv_pages_total())
    throw EngineError("request " + std::to_string(request.id) + " needs " + std::to_string(pages_needed(request)) +
                      " KV pages but the cache has " + std::to_string(engine_.kv_pages_total()) +
                      "; shorten it or give the engine more kv_pages.");
  waiting_.push_back(std::move(request));
}

float BatchScheduler::next_uniform(Running& r) {
  uint64_t z = (r.rng_state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  z ^= z >> 31;
  return static_cast<float>(z >> 40) * (1.0f / 16777216.0f);
}

void BatchScheduler::keep(Running& r, int32_t token) {
  if (r.request.on_token && !r.request.on_token(token)) r.hook_stopped = true;
  r.generated.push_back(token);
}

bool BatchScheduler::finished(const Running& r) const {
  if (r.generated.empty()) return false;
  if (r.hook_stopped) return true;
  const auto& stops = r.request.stop_tokens;
  if (std::find(stops.begin(), stops.end(), r.generated.back()) != stops.end()) return true;
  return static_cast<int>(r.generated.size()) >= r.request.max_new_tokens;
}

BatchResult BatchScheduler::finish(Running& r) {
  BatchResult result;
  result.id = r.request.id;
  result.tokens = std::move(r.generated);
  const auto& stops = r.request.stop_tokens;
  result.stopped = r.hook_stopped ||
                   (!result.tokens.empty() && std::find(stops.begin(), stops.end(), result.tokens.back()) != stops.end());
  r.seq.reset();  // gives the KV pages back
  return result;
}

// First come, first served: a request that does not fit yet blocks the ones behind it, so
// a long prompt cannot starve.
void BatchScheduler::admit(std::vector<BatchResult>& done) {
  while (!waiting_.empty() && static_cast<int>(running_.size()) < max_batch_) {
    const BatchRequest& next = waiting_.front();
    if (pages_needed(next) > engine_.kv_pages_free() - pages_promised()) break;
    auto r = std::make_unique<Running>();
    r->request = std::move(waiting_.front());
    waiting_.pop_front();
    r->rng_state = r->request.seed;
    r->seq = engine_.new_sequence();
    float u = r->request.temperature > 0 ? next_uniform(*r) : 0.0f;
    keep(*r, engine_.append_select(*r->seq, r->request.prompt, r->request.temperature, u));
    if (finished(*r)) done.push_back(finish(*r));
    else running_.push_back(std::move(r));
  }
}

std::vector<BatchResult> BatchScheduler::step() {
  std::vector<BatchResult> done;
  admit(done);
  if (running_.empty()) return done;
  // Requests of one step share a temperature in decode_select; group them by it.
  std::vector<float> temps;
  for (const auto& r : running_)
    if (std::find(temps.begin(), temps.end(), r->request.temperature) == temps.end()) temps.push_back(r->request.temperature);
  for (float temp : temps) {
    std::vector<Running*> group;
    std::vector<Sequence*> seqs;
    std::vector<int32_t> tokens;
    std::vector<float> uniforms;
    for (auto& r : running_) {
      if (r->request.temperature != temp) continue;
      group.push_back(r.get());
      seqs.push_back(r->seq.get());
      tokens.push_back(r->generated.back());
      if (temp > 0) uniforms.push_back(next_uniform(*r));
    }
    std::vector<int32_t> chosen = engine_.decode_select(seqs, tokens, temp, uniforms);
    for (size_t i = 0; i < group.size(); ++i) keep(*group[i], chosen[i]);
  }
  for (auto it = running_.begin(); it != running_.end();) {
    if (finished(**it)) {
      done.push_back(finish(**it));
      it = running_.erase(it);
    } else {
      ++it;
    }
  }
  return done;
}

std::vector<BatchResult> BatchScheduler::run_to_completion() {
  std::vector<BatchResult> all;
  while (!idle()) {
    std::vector<BatchResult> done = step();
    if (done.empty() && running_.empty() && !waiting_.empty())
      throw EngineError("the next waiting request cannot be admitted although nothing runs; the KV cache is too small.");
    for (auto& r : done) all.push_back(std::move(r));
  }
  return all;
}

}  // namespace engine
