// Kept apart from the bench so that tests can link the bench without the registry.
#include "benches/math500/math500.h"
#include "benches/registry.h"

namespace harness::benches {
void register_math500_benches() { register_bench("math500", math500::make_bench); }
}  // namespace harness::benches
