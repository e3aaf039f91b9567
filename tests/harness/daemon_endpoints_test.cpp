// The daemon's endpoint policy (harness/daemon_endpoints.h): prefix matching at URL
// boundaries, the loopback default, and where the key may go.
#include <gtest/gtest.h>

#include "harness/daemon_endpoints.h"
#include "harness/errors.h"

namespace harness {
namespace {

TEST(DaemonEndpoints, PrefixesMatchOnlyAtUrlBoundaries) {
  EXPECT_TRUE(url_has_prefix("http://10.0.0.5:8000/v1", "http://10.0.0.5:8000"));
  EXPECT_TRUE(url_has_prefix("http://10.0.0.5:8000", "http://10.0.0.5:8000"));
  EXPECT_TRUE(url_has_prefix("https://api.example.com/v1/x", "https://api.example.com/v1/"));
  EXPECT_FALSE(url_has_prefix("http://10.0.0.5:80001/v1", "http://10.0.0.5:8000"));
  EXPECT_FALSE(url_has_prefix("https://api.example.com.evil.net/v1", "https://api.example.com"));
  EXPECT_FALSE(url_has_prefix("https://api.example.com@evil.net/v1", "https://api.example.com"));
  EXPECT_FALSE(url_has_prefix("https://api.example.com/v10", "https://api.example.com/v1"));
  EXPECT_FALSE(url_has_prefix("https://api.example.com\\@evil.net/", "https://api.example.com"));
  EXPECT_FALSE(url_has_prefix("https://api.example.com /v1", "https://api.example.com"));
  EXPECT_FALSE(url_has_prefix("http://api.example.com/v1", "https://api.example.com"));
}

TEST(DaemonEndpoints, LoopbackIsTheDefaultAndNeverGetsTheKey) {
  EndpointPolicy none;
  for (const char* url : {"http://127.0.0.1:8000/v1", "http://localhost:8080", "http://[::1]:9/v1", "http://127.9.9.9"}) {
    EXPECT_EQ(endpoint_refusal(none, url), "") << url;
    EXPECT_FALSE(key_allowed(none, url)) << url;
  }
  for (const char* url : {"http://10.0.0.1/v1", "http://127.0.0.1@10.0.0.1/", "http://127.0.0.1.nip.io/",
                          "http://%31%32%37.0.0.1/", "http://0.0.0.0:80/", "http://[::ffff:127.0.0.1]x/"}) {
    EXPECT_NE(endpoint_refusal(none, url).find("--allow-endpoint URL_PREFIX"), std::string::npos) << url;
  }
}

TEST(DaemonEndpoints, AnOperatorListReplacesTheDefaultAndAdmitsTheKey) {
  EndpointPolicy policy{{"https://api.example.com/v1", "http://127.0.0.1:8000"}};
  EXPECT_EQ(endpoint_refusal(policy, "https://api.example.com/v1"), "");
  EXPECT_TRUE(key_allowed(policy, "https://api.example.com/v1"));
  EXPECT_TRUE(key_allowed(policy, "http://127.0.0.1:8000/v1"));
  EXPECT_NE(endpoint_refusal(policy, "http://127.0.0.1:8001/v1").find("https://api.example.com/v1, http://127.0.0.1:8000"),
            std::string::npos);

  std::vector<OpenAIEndpoint> eps = {{"http://127.0.0.1:8000/v1", "m", "", "auto"}};
  apply_endpoint_policy(policy, eps);
  EXPECT_EQ(eps[0].api_key_env, "OPENAI_API_KEY");
  eps = {{"http://127.0.0.1:8000/v1", "m", "OPENAI_API_KEY", "auto"}};
  apply_endpoint_policy(EndpointPolicy{}, eps);  // loopback default: allowed, keyless
  EXPECT_EQ(eps[0].api_key_env, "");
  eps = {{"http://10.1.1.1/v1", "m", "OPENAI_API_KEY", "auto"}};
  EXPECT_THROW(apply_endpoint_policy(EndpointPolicy{}, eps), CommandError);
}

TEST(DaemonEndpoints, AllowPrefixesMustBeHttpUrlsWithAHost) {
  EXPECT_EQ(check_allow_prefix("https://api.example.com/v1"), "");
  EXPECT_EQ(check_allow_prefix("http://[::1]:8000"), "");
  EXPECT_NE(check_allow_prefix("http://"), "");
  EXPECT_NE(check_allow_prefix("api.example.com"), "");
  EXPECT_NE(check_allow_prefix("http://user@host/"), "");
}

}  // namespace
}  // namespace harness
