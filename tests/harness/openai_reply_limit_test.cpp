// Bounds of the OpenAI client against a hostile or broken server: a reply body that never
// ends is cut off at the size limit with a clear, non-retried error (never an
// out-of-memory), and timeouts too large for libcurl's millisecond count do not overflow.
#include <gtest/gtest.h>

#include <chrono>

#include "harness/backend.h"
#include "harness/openai_http.h"
#include "support/fake_openai_server.h"

namespace harness {
namespace {

namespace ft = harness::testing;

GenerationRequest question() {
  GenerationRequest r;
  r.messages = {{"user", "What is 6*7?"}};
  r.generation.max_gen_toks = 64;
  return r;
}

TEST(OpenAIReplyLimit, AnEndlessBodyStopsAtTheLimitWithOneClearNonRetriedError) {
  ft::FakeOpenAIServer server;
  server.push_fault(ft::endless_body());
  RetryPolicy policy;
  policy.max_attempts = 3;
  policy.initial_delay_s = 0.01;
  policy.request_timeout_s = 120;  // without the bound the transfer would run this long
  auto backend = make_openai_backend({{server.base_url() + "/v1", "m", "", "vllm"}}, policy);
  const auto t0 = std::chrono::steady_clock::now();
  GenerationResult r = backend->generate(question());
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("reply too large"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find(std::to_string(default_max_reply_bytes())), std::string::npos) << r.error;
  EXPECT_EQ(r.attempts.size(), 1u);  // the same server would send it again: not retried
  EXPECT_LE(r.response_raw.size(), 4096u);
  EXPECT_LT(took, 60.0);
  EXPECT_EQ(default_max_reply_bytes(), size_t{64} << 20);
}

TEST(OpenAIReplyLimit, TheLimitIsPerRequestAndAReplyUnderItPasses) {
  ft::FakeOpenAIServer server;
  CurlHandlePool pool;
  HttpRequest request{"POST", server.base_url() + "/v1/chat/completions",
                      R"({"model": "m", "messages": [{"role": "user", "content": "hi"}]})", "", 2, 10};
  request.max_body_bytes = 100;  // a normal completion is a few hundred bytes
  HttpResponse small = pool.perform(request);
  EXPECT_NE(small.transport_error.find("reply too large"), std::string::npos) << small.transport_error;
  EXPECT_FALSE(small.transport_retryable);
  request.max_body_bytes = 1 << 20;
  HttpResponse ok = pool.perform(request);
  EXPECT_EQ(ok.http_status, 200) << ok.transport_error;
  EXPECT_NE(ok.body.find("choices"), std::string::npos);
}

TEST(OpenAIReplyLimit, HugeTimeoutsDoNotOverflow) {
  ft::FakeOpenAIServer server;
  CurlHandlePool pool;
  // 1e300 s would overflow libcurl's long milliseconds (a negative or zero timeout).
  HttpRequest request{"POST", server.base_url() + "/v1/chat/completions",
                      R"({"model": "m", "messages": [{"role": "user", "content": "hi"}]})", "", 1e300, 1e300};
  HttpResponse r = pool.perform(request);
  EXPECT_EQ(r.http_status, 200) << r.transport_error;
}

}  // namespace
}  // namespace harness
