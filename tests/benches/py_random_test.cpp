// py::Random against CPython 3.11's random.Random; expected values were produced once with
// python3 3.11.7 (the oracle) and are embedded here.
#include <gtest/gtest.h>

#include "benches/common/py_random.h"

namespace py = harness::benches::py;
using Sz = std::vector<size_t>;

TEST(PyRandom, Getrandbits32AfterSeed1234) {
  py::Random r(1234);
  std::vector<uint64_t> got;
  for (int i = 0; i < 5; ++i) got.push_back(r.getrandbits(32));
  EXPECT_EQ(got, (std::vector<uint64_t>{4150886329u, 3342196574u, 1892932127u, 501869158u, 32175636u}));
}

TEST(PyRandom, RandomFloat) {
  py::Random r(1234);
  EXPECT_EQ(r.random(), 0.9664535356921388);
  EXPECT_EQ(r.random(), 0.4407325991753527);
}

TEST(PyRandom, WideSeedsAndWideBits) {
  py::Random r((1ull << 40) + 5);
  EXPECT_EQ(r.getrandbits(40), 569101979940u);
  EXPECT_EQ(r.getrandbits(64), 12244916861145399977ull);
  EXPECT_EQ(r.getrandbits(7), 118u);
  py::Random big(1ull << 32);
  EXPECT_EQ(big.getrandbits(32), 485306839u);
  py::Random neg(7);  // Python seeds with abs(n): Random(-7) == Random(7)
  EXPECT_EQ(neg.getrandbits(32), 1390851128u);
}

TEST(PyRandom, SamplePoolAndSetBranches) {
  py::Random r(0);
  EXPECT_EQ(r.sample(30, 10), (Sz{27, 12, 24, 13, 1, 8, 16, 15, 28, 9}));     // pool
  EXPECT_EQ(r.sample(100, 10), (Sz{61, 45, 74, 27, 64, 17, 36, 96, 12, 79}));  // set
  EXPECT_EQ(r.sample(10, 3), (Sz{4, 8, 2}));                                   // pool
  EXPECT_EQ(r.sample(7473, 5), (Sz{2540, 809, 5978, 604, 7363}));              // set
}

TEST(PyRandom, ShuffleAndRandbelow) {
  py::Random r(0);
  std::vector<int> x{0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  r.shuffle(x);
  EXPECT_EQ(x, (std::vector<int>{7, 8, 1, 5, 3, 4, 2, 0, 9, 6}));
  std::vector<uint64_t> got;
  for (int i = 0; i < 5; ++i) got.push_back(r.randbelow(1000));
  EXPECT_EQ(got, (std::vector<uint64_t>{366, 597, 913, 929, 223}));
}

TEST(PyRandom, GsmFewShotDrawsOfDocs0And1) {
  py::Random r(1234);
  EXPECT_EQ(r.sample(7473, 5), (Sz{6374, 3610, 957, 61, 742}));
  EXPECT_EQ(r.sample(7473, 5), (Sz{7462, 6610, 4769, 286, 5501}));
}

// langdetect's trial noise: gauss pairs, the cached second value forgotten by seed().
TEST(PyRandom, GaussPairsAndReseed) {
  py::Random r(0);
  EXPECT_EQ(r.gauss(), 0.9417154046806644);
  EXPECT_EQ(r.gauss(), -1.3965781047011498);  // the cached sin half of the first pair
  EXPECT_EQ(r.gauss(), -0.6797144480784211);
  r.seed(0);
  EXPECT_EQ(r.gauss(0.5, 0.05), 0.5470857702340333);
  py::Random three(3);
  EXPECT_EQ(three.gauss(), 0.09470803828730423);
  EXPECT_EQ(three.gauss(), 1.2500243810835503);
  EXPECT_EQ(three.randbelow(1000), 378u);  // random.choice(range(1000))
}
