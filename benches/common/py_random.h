// CPython 3.11's random.Random, bit for bit, for the parts the references use: lm-eval's
// few-shot sampler (Random(1234).sample), GPQA's choice shuffle (seed(0) + shuffle) and
// langdetect's trials (gauss + choice).
// Changing any of this changes which few-shots or choice orders a prompt gets.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace harness::benches::py {

class Random {
 public:
  explicit Random(uint64_t seed = 0) { this->seed(seed); }

  // random.seed(n) for an int n: MT19937 init_by_array over the 32-bit words of abs(n),
  // least significant first ([0] for n == 0).
  void seed(uint64_t abs_n);
  void seed_words(const std::vector<uint32_t>& key);

  uint32_t genrand_uint32();
  double random();                 // random.random(): 53-bit float in [0, 1)
  uint64_t getrandbits(unsigned k);  // k <= 64
  uint64_t randbelow(uint64_t n);    // _randbelow_with_getrandbits; n > 0
  // random.gauss(mu, sigma): Box-Muller over two random() draws, the second value of each
  // pair kept for the next call (seed() forgets it, as CPython's does).
  double gauss(double mu = 0.0, double sigma = 1.0);

  // random.shuffle(x): for i = len-1 .. 1: j = randbelow(i + 1); swap(x[i], x[j]).
  template <typename T>
  void shuffle(std::vector<T>& x) {
    for (std::size_t i = x.size(); i-- > 1;) {
      std::size_t j = static_cast<std::size_t>(randbelow(i + 1));
      std::swap(x[i], x[j]);
    }
  }

  // random.sample(range(n), k) → the chosen indices in returned order (CPython 3.11's
  // choice between the pool and the set algorithm included). Requires k <= n.
  std::vector<std::size_t> sample(std::size_t n, std::size_t k);

 private:
  static constexpr int kN = 624;
  std::array<uint32_t, kN> mt_{};
  int index_ = kN + 1;
  bool has_gauss_next_ = false;
  double gauss_next_ = 0.0;
  void init_genrand(uint32_t s);
};

}  // namespace harness::benches::py
