#include "harness/embedded_cuda.h"

#ifdef HARNESS_HAVE_CUDA

#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

#include "engine/cuda/cuda_engine.h"
#include "engine/cuda/scheduler.h"
#include "engine/decode_rules.h"

namespace harness {
namespace {

// One generate() call in flight. The caller's thread owns it and waits on `done`; the
// driver thread fills out/error.
struct Job {
  std::vector<int32_t> prompt;
  engine::GenerateOptions options;
  std::optional<engine::DecodeRules> rules;
  bool exclusive = false;  // run alone through engine::generate (see needs_exclusive)
  engine::GenerateOutput out;
  std::string error;
  bool done = false;
};

// The GPU sampler knows temperature only; top_k/top_p sampling goes through the CPU
// generate loop on the CUDA engine, alone, between batch steps.
bool needs_exclusive(const engine::SamplingParams& s) {
  return s.temperature > 0 && (s.top_k > 1 || s.top_p < 1.0f);
}

class CudaGenerator : public BatchedGenerator {
 public:
  CudaGenerator(std::unique_ptr<engine::CudaEngine> engine, const engine::Tokenizer& tokenizer, int max_batch)
      : engine_(std::move(engine)), tokenizer_(tokenizer), max_batch_(max_batch),
        scheduler_(std::make_unique<engine::BatchScheduler>(*engine_, max_batch)), driver_([this] { drive(); }) {}

  ~CudaGenerator() override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    work_.notify_all();
    driver_.join();
  }

  const engine::Engine& engine() const override { return *engine_; }

  engine::GenerateOutput generate(const std::vector<int32_t>& prompt, const engine::GenerateOptions& options) override {
    if (prompt.empty()) throw std::runtime_error("the prompt is empty; it must at least hold <bos>.");
    Job job;
    job.prompt = prompt;
    job.options = options;
    job.exclusive = needs_exclusive(options.sampling);
    if (!job.exclusive) {
      job.rules.emplace(tokenizer_, engine_->config(), prompt, options);
      if (job.rules->max_tokens() == 0) return job.rules->finish();
    }
    std::unique_lock<std::mutex> lock(mutex_);
    inbox_.push_back(&job);
    work_.notify_all();
    finished_.wait(lock, [&] { return job.done; });
    if (!job.error.empty()) throw std::runtime_error(job.error);
    return std::move(job.out);
  }

 private:
  void complete(Job* job) {
    std::lock_guard<std::mutex> lock(mutex_);
    job->done = true;
    finished_.notify_all();
  }

  void fail_running(const std::string& error) {
    for (auto& [id, job] : running_) {
      job->error = error;
      complete(job);
    }
    running_.clear();
    scheduler_ = std::make_unique<engine::BatchScheduler>(*engine_, max_batch_);  // frees their KV pages
  }

  void start(Job* job) {
    if (job->exclusive) {
      try {
        job->out = engine::generate(*engine_, tokenizer_, job->prompt, job->options);
      } catch (const std::exception& e) {
        job->error = e.what();
      }
      complete(job);
      return;
    }
    engine::BatchRequest r;
    r.id = next_id_++;
    r.prompt = job->prompt;
    r.max_new_tokens = job->rules->max_tokens();
    r.temperature = job->options.sampling.top_k == 1 ? 0.0f : job->options.sampling.temperature;
    r.seed = job->options.sampling.seed;
    // Stop tokens, stop strings and the thinking budget are all DecodeRules' call.
    r.on_token = [job](int32_t& token) { return job->rules->accept(token); };
    try {
      scheduler_->submit(std::move(r));
      running_[next_id_ - 1] = job;
    } catch (const std::exception& e) {
      job->error = e.what();
      complete(job);
    }
  }

  void drive() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      work_.wait(lock, [&] { return stopping_ || !inbox_.empty() || !scheduler_->idle(); });
      if (stopping_ && inbox_.empty() && scheduler_->idle()) return;
      std::vector<Job*> jobs;
      jobs.swap(inbox_);
      lock.unlock();
      for (Job* job : jobs) start(job);
      if (!scheduler_->idle()) {
        try {
          std::vector<engine::BatchResult> done = scheduler_->step();
          for (const auto& result : done) {
            Job* job = running_.at(result.id);
            running_.erase(result.id);
            job->out = job->rules->finish();
            complete(job);
          }
          if (done.empty() && scheduler_->running() == 0 && scheduler_->waiting() > 0)
            fail_running("the next waiting request cannot be admitted although nothing runs; the KV cache is too small.");
        } catch (const std::exception& e) {
          fail_running(std::string("CUDA engine: ") + e.what());
        }
      }
      lock.lock();
    }
  }

  std::unique_ptr<engine::CudaEngine> engine_;
  const engine::Tokenizer& tokenizer_;
  int max_batch_;
  // Touched by the driver thread only.
  std::unique_ptr<engine::BatchScheduler> scheduler_;
  std::map<uint64_t, Job*> running_;
  uint64_t next_id_ = 1;
  // Shared, under mutex_.
  std::mutex mutex_;
  std::condition_variable work_;      // inbox or stop → driver
  std::condition_variable finished_;  // a job is done → callers
  std::vector<Job*> inbox_;
  bool stopping_ = false;
  std::thread driver_;  // last: starts after everything above exists
};

}  // namespace

std::unique_ptr<BatchedGenerator> make_cuda_generator(const std::string& model_dir, const engine::Tokenizer& tokenizer,
                                                      int max_batch, std::string* why) {
  if (engine::cuda_device_count(why) <= 0) return nullptr;
  return make_batched_generator(engine::load_cuda_engine(model_dir), tokenizer, max_batch);
}

std::unique_ptr<BatchedGenerator> make_batched_generator(std::unique_ptr<engine::CudaEngine> engine,
                                                         const engine::Tokenizer& tokenizer, int max_batch) {
  return std::make_unique<CudaGenerator>(std::move(engine), tokenizer, max_batch);
}

}  // namespace harness

#else

namespace harness {

std::unique_ptr<BatchedGenerator> make_cuda_generator(const std::string&, const engine::Tokenizer&, int, std::string* why) {
  if (why) *why = "this build has no CUDA (nvcc was not found at configure time)";
  return nullptr;
}

}  // namespace harness

#endif
