// engine-tiny-checkpoint DIR [SHAPE] [SEED]: writes a tiny random Gemma 4 checkpoint in HF
// layout (see engine/random_checkpoint.h), for trying `harness generate --engine DIR` and for
// the load-memory figure (scripts/engine_load_rss.sh writes a "mid" one).
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "engine/random_checkpoint.h"

int main(int argc, char** argv) {
  if (argc < 2 || argc > 4) {
    std::fprintf(stderr, "usage: %s DIR [tiny|tiny-128e|tiny-98e|mid] [SEED]\n", argv[0]);
    return 2;
  }
  std::string shape = argc > 2 ? argv[2] : "tiny";
  uint64_t seed = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 1;
  try {
    engine::write_random_checkpoint(argv[1], shape, seed);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  std::printf("wrote %s checkpoint (seed %llu) to %s\n", shape.c_str(), static_cast<unsigned long long>(seed), argv[1]);
  return 0;
}
