// Which OpenAI-compatible endpoints a daemon's runs may call, and which of them receive the
// daemon's API key. API clients choose endpoint URLs, so without this a client could point
// a run at its own server and collect $OPENAI_API_KEY, or use the daemon to probe hosts it
// cannot reach itself. The operator decides with `harness serve --allow-endpoint PREFIX`.
#pragma once

#include <string>
#include <vector>

#include "harness/backend.h"

namespace harness {

struct EndpointPolicy {
  // --allow-endpoint values. Empty: loopback endpoints only, and no key is ever sent.
  std::vector<std::string> allowed_prefixes;
};

// "" when `prefix` is usable as --allow-endpoint, else one sentence saying why not.
std::string check_allow_prefix(const std::string& prefix);

// True when `url` starts with `prefix` at a URL boundary: the prefix ends with '/', or the
// URL ends there or continues with '/', '?' or '#'. So "http://h:80" admits neither
// "http://h:8000" nor "http://h:80@evil". URLs with user info, spaces, control characters
// or backslashes never match (clients parse those differently).
bool url_has_prefix(const std::string& url, const std::string& prefix);

// True for an http(s) URL whose host is 127.0.0.0/8, ::1 or localhost.
bool is_loopback_url(const std::string& url);

// "" when the daemon may send requests to `url`, else one sentence naming --allow-endpoint.
std::string endpoint_refusal(const EndpointPolicy& policy, const std::string& url);

// True when the daemon's key may go to `url`: it matches a prefix the operator gave.
// Endpoints admitted only by the loopback default never receive it.
bool key_allowed(const EndpointPolicy& policy, const std::string& url);

// Applies the policy to a run's endpoints: throws CommandError (exit code kExitUsage)
// naming the first refused endpoint; clears api_key_env where the key may not go (and
// sets OPENAI_API_KEY where it may and none is set).
void apply_endpoint_policy(const EndpointPolicy& policy, std::vector<OpenAIEndpoint>& endpoints);

}  // namespace harness
