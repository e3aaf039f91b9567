#include "harness/daemon_endpoints.h"

#include "harness/daemon_http.h"
#include "harness/errors.h"

namespace harness {

namespace {

struct UrlParts {
  bool ok = false;
  std::string host;  // without brackets for IPv6
};

// A deliberately narrow parser: anything unusual is "not ok" and so neither allowed nor
// given the key, rather than risk reading a URL differently from libcurl.
UrlParts parse_url(const std::string& url) {
  UrlParts parts;
  size_t start = 0;
  if (url.starts_with("http://")) start = 7;
  else if (url.starts_with("https://")) start = 8;
  else return parts;
  for (unsigned char c : url)
    if (c <= 0x20 || c == 0x7f || c == '\\') return parts;
  const size_t end = url.find_first_of("/?#", start);
  const std::string authority = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  if (authority.empty() || authority.find('@') != std::string::npos || authority.find('%') != std::string::npos)
    return parts;
  std::string port;
  if (authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string::npos) return parts;
    parts.host = authority.substr(1, close - 1);
    const std::string after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return parts;
      port = after.substr(1);
    }
  } else {
    const size_t colon = authority.find(':');
    parts.host = authority.substr(0, colon);
    if (colon != std::string::npos) port = authority.substr(colon + 1);
  }
  if (parts.host.empty() || port.size() > 5) return parts;
  for (char c : port)
    if (c < '0' || c > '9') return parts;
  parts.ok = true;
  return parts;
}

std::string prefix_list(const EndpointPolicy& policy) {
  std::string list;
  for (const auto& p : policy.allowed_prefixes) list += (list.empty() ? "" : ", ") + p;
  return list;
}

}  // namespace

std::string check_allow_prefix(const std::string& prefix) {
  if (!parse_url(prefix).ok)
    return "--allow-endpoint '" + prefix +
           "' is not an http:// or https:// URL with a host (and no user info or spaces); "
           "give a URL prefix such as https://api.example.com/v1";
  return "";
}

bool url_has_prefix(const std::string& url, const std::string& prefix) {
  if (prefix.empty() || !parse_url(url).ok || !url.starts_with(prefix)) return false;
  if (url.size() == prefix.size() || prefix.back() == '/') return true;
  const char next = url[prefix.size()];
  return next == '/' || next == '?' || next == '#';
}

bool is_loopback_url(const std::string& url) {
  const UrlParts parts = parse_url(url);
  return parts.ok && is_loopback_host(parts.host);
}

std::string endpoint_refusal(const EndpointPolicy& policy, const std::string& url) {
  if (policy.allowed_prefixes.empty()) {
    if (is_loopback_url(url)) return "";
    return "endpoint '" + url +
           "' is not allowed: this daemon lets API runs call loopback endpoints only; its operator can "
           "allow others with `harness serve --allow-endpoint URL_PREFIX`";
  }
  if (key_allowed(policy, url)) return "";
  return "endpoint '" + url + "' is not allowed: this daemon's runs may call only endpoints under " +
         prefix_list(policy) + "; its operator can allow more with `harness serve --allow-endpoint URL_PREFIX`";
}

bool key_allowed(const EndpointPolicy& policy, const std::string& url) {
  for (const auto& prefix : policy.allowed_prefixes)
    if (url_has_prefix(url, prefix)) return true;
  return false;
}

void apply_endpoint_policy(const EndpointPolicy& policy, std::vector<OpenAIEndpoint>& endpoints) {
  for (auto& ep : endpoints) {
    if (auto refusal = endpoint_refusal(policy, ep.base_url); !refusal.empty()) throw CommandError(refusal, kExitUsage);
    if (!key_allowed(policy, ep.base_url)) ep.api_key_env.clear();
    else if (ep.api_key_env.empty()) ep.api_key_env = "OPENAI_API_KEY";
  }
}

}  // namespace harness
