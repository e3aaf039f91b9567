// The router's rule for non-finite logits (engine/cpu_ops.h; engine/cuda/moe.cu applies the
// same one): NaN counts as -inf, +inf logits share the mass, all -inf/NaN is uniform. Every
// case yields k distinct in-range experts and finite weights.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <set>
#include <vector>

#include "engine/cpu_ops.h"

namespace engine {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

void expect_valid(const cpu::Route& r, int n, int k) {
  ASSERT_EQ(static_cast<int>(r.experts.size()), k);
  std::set<int> distinct(r.experts.begin(), r.experts.end());
  EXPECT_EQ(static_cast<int>(distinct.size()), k);
  for (int e : r.experts) {
    EXPECT_GE(e, 0);
    EXPECT_LT(e, n);
  }
  for (float w : r.weights) EXPECT_TRUE(std::isfinite(w)) << w;
}

TEST(RouterNonFinite, NaNLogitsCountAsMinusInfinity) {
  std::vector<float> logits = {kNaN, 1.0f, kNaN, 2.0f, 0.5f};
  std::vector<float> scale(5, 1.0f);
  auto r = cpu::route_experts(logits.data(), scale.data(), 5, 3);
  expect_valid(r, 5, 3);
  EXPECT_EQ(r.experts, (std::vector<int>{3, 1, 4}));
  double z = std::exp(2.0) + std::exp(1.0) + std::exp(0.5);
  EXPECT_NEAR(r.weights[0], std::exp(2.0) / z, 1e-6);
  // With k larger than the finite count, NaN experts come last, lowest index first, weight 0.
  r = cpu::route_experts(logits.data(), scale.data(), 5, 5);
  expect_valid(r, 5, 5);
  EXPECT_EQ(r.experts, (std::vector<int>{3, 1, 4, 0, 2}));
  EXPECT_EQ(r.weights[3], 0.0f);
  EXPECT_EQ(r.weights[4], 0.0f);
}

TEST(RouterNonFinite, AllNaNIsUniformOverTheLowestExperts) {
  std::vector<float> logits(98, kNaN), scale(98, 1.0f);
  auto r = cpu::route_experts(logits.data(), scale.data(), 98, 8);
  expect_valid(r, 98, 8);
  EXPECT_EQ(r.experts, (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7}));
  for (float w : r.weights) EXPECT_NEAR(w, 1.0f / 8, 1e-7);
  std::vector<float> minus_inf(98, -kInf);
  EXPECT_EQ(cpu::route_experts(minus_inf.data(), scale.data(), 98, 8).experts, r.experts);
}

TEST(RouterNonFinite, PlusInfinityLogitsShareTheMass) {
  std::vector<float> logits = {1.0f, kInf, kNaN, kInf, 50.0f};
  std::vector<float> scale = {1, 1, 1, 3, 1};
  auto r = cpu::route_experts(logits.data(), scale.data(), 5, 3);
  expect_valid(r, 5, 3);
  EXPECT_EQ(r.experts, (std::vector<int>{1, 3, 0}));
  EXPECT_NEAR(r.weights[0], 0.5f, 1e-7);
  EXPECT_NEAR(r.weights[1], 1.5f, 1e-7);  // × per_expert_scale
  EXPECT_EQ(r.weights[2], 0.0f);
}

}  // namespace
}  // namespace engine
