// fake-openai-server: the test server as a process, for end-to-end tests of the CLI
// (kill/resume, retries). Deterministic: --fail-first N answers the first N chat requests,
// in order of arrival, with 503; --replies picks a reply by a substring of the last user
// message; --not-ready N answers the first N requests (any route) with 503 as a loading
// server does; --warmup-reply sets the answer to the harness's pre-flight warm-up.
// Exits 0 on SIGTERM or SIGINT.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <pthread.h>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/fake_openai_server.h"

namespace {

using harness::testing::FakeReply;

struct ReplyRule {
  std::string contains;
  FakeReply reply;
};

void usage_and_exit(const std::string& problem) {
  std::cerr << "fake-openai-server: " << problem << "\n"
            << "usage: fake-openai-server [--host H] [--port N] [--port-file F]\n"
               "         [--flavour vllm|llama|openai] [--model NAME] [--reply TEXT]\n"
               "         [--replies FILE.jsonl] [--delay-ms N] [--fail-first N]\n"
               "         [--not-ready N] [--n-ctx N] [--warmup-reply TEXT]\n"
               "         [--reasoning-format F]\n";
  std::exit(2);
}

std::optional<std::string> opt_string(const nlohmann::json& j, const char* key) {
  if (!j.contains(key) || j[key].is_null()) return std::nullopt;
  if (!j[key].is_string()) throw std::runtime_error(std::string(key) + " must be a string");
  return j[key].get<std::string>();
}

// Lines: {"contains": "...", "content": "...", "reasoning_content": "...", "finish_reason": "..."}
std::vector<ReplyRule> load_replies(const std::string& path) {
  std::ifstream in(path);
  if (!in) usage_and_exit("cannot open --replies file " + path);
  std::vector<ReplyRule> rules;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    try {
      nlohmann::json j = nlohmann::json::parse(line);
      ReplyRule rule;
      rule.contains = opt_string(j, "contains").value_or("");
      rule.reply.content = opt_string(j, "content");
      rule.reply.reasoning_content = opt_string(j, "reasoning_content");
      rule.reply.finish_reason = opt_string(j, "finish_reason").value_or("stop");
      rules.push_back(std::move(rule));
    } catch (const std::exception& e) {
      usage_and_exit(path + ":" + std::to_string(line_no) + ": " + e.what());
    }
  }
  return rules;
}

int to_int(const std::string& flag, const std::string& value) {
  char* end = nullptr;
  const long v = std::strtol(value.c_str(), &end, 10);
  if (value.empty() || *end != '\0' || v < 0) usage_and_exit(flag + " needs a number ≥ 0, got '" + value + "'");
  return static_cast<int>(v);
}

}  // namespace

int main(int argc, char** argv) {
  harness::testing::FakeServerOptions options;
  options.record = false;  // a long-lived process must not grow without bound
  std::string port_file, reply_text = "The answer is 42.", replies_file;
  int delay_ms = 0, fail_first = 0;
  std::optional<std::string> warmup_reply;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage_and_exit(flag + " needs a value");
      return argv[++i];
    };
    if (flag == "--host") options.host = value();
    else if (flag == "--port") options.port = static_cast<uint16_t>(to_int(flag, value()));
    else if (flag == "--port-file") port_file = value();
    else if (flag == "--flavour") options.flavour = value();
    else if (flag == "--model") options.model = value();
    else if (flag == "--reply") reply_text = value();
    else if (flag == "--replies") replies_file = value();
    else if (flag == "--delay-ms") delay_ms = to_int(flag, value());
    else if (flag == "--fail-first") fail_first = to_int(flag, value());
    else if (flag == "--not-ready") options.not_ready_requests = to_int(flag, value());
    else if (flag == "--n-ctx") options.n_ctx = to_int(flag, value());
    else if (flag == "--warmup-reply") warmup_reply = value();
    else if (flag == "--reasoning-format") options.reasoning_format = value();
    else usage_and_exit("unknown option " + flag);
  }
  if (options.flavour != "vllm" && options.flavour != "llama" && options.flavour != "openai")
    usage_and_exit("--flavour must be vllm, llama or openai");
  const std::vector<ReplyRule> rules = replies_file.empty() ? std::vector<ReplyRule>{}
                                                            : load_replies(replies_file);

  // Block the stop signals before the server's threads start, so that they inherit the
  // mask and only sigwait below sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  try {
    harness::testing::FakeOpenAIServer server(options);
    server.set_delay_ms(delay_ms);
    if (warmup_reply) server.set_warmup_reply(harness::testing::text_reply(*warmup_reply));
    server.push_faults(fail_first, harness::testing::http_error(503, "overloaded (--fail-first)"));
    server.set_responder([rules, reply_text](const nlohmann::json& request) {
      const std::string user = harness::testing::last_user_message(request);
      for (const auto& rule : rules)
        if (user.find(rule.contains) != std::string::npos) return rule.reply;
      return harness::testing::text_reply(reply_text);
    });
    if (!port_file.empty()) {
      // Written then renamed, so that a reader polling for the file never sees half a number.
      const std::string tmp = port_file + ".tmp";
      {
        std::ofstream out(tmp);
        out << server.port() << "\n";
        if (!out) usage_and_exit("cannot write --port-file " + port_file);
      }
      if (std::rename(tmp.c_str(), port_file.c_str()) != 0)
        usage_and_exit("cannot write --port-file " + port_file);
    }
    std::cout << "fake-openai-server listening on " << server.base_url() << std::endl;
    int sig = 0;
    sigwait(&stop_signals, &sig);
    server.stop();
  } catch (const std::exception& e) {
    std::cerr << "fake-openai-server: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
