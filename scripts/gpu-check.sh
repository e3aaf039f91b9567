#!/usr/bin/env bash
# Builds, checks and times the CUDA engine in one go on a GPU machine (engine/cuda/README.md).
#
#   scripts/gpu-check.sh --prepare   on the development machine: copies nlohmann/json.hpp to
#                                    build-gpu-deps/ (the GPU image has no Debian packages)
#   scripts/gpu-check.sh [--quick]   on the GPU machine: builds engine/cuda standalone for
#                                    sm_80/86/89/90, runs engine-cuda-check (correctness vs
#                                    the CPU reference), compute-sanitizer (memcheck,
#                                    racecheck) on the quick checks, then the 26B-shape timings
#
# Through the device tool: run(command="scripts/gpu-check.sh", carry=["build-gpu-deps"]).
# Output: engine/cuda/results/gpu-check.txt (commit it) and, where $OUT is set, a copy there.
# Environment: ARCHS (default "80;86;89;90"), PEAK_GBS (default 3350, H100 SXM; 4800 on H200),
# PHASES (default "check gtest sanitize bench"; the build always runs) to split the work over
# several calls if one would pass the 10-minute limit.
set -uo pipefail
cd "$(dirname "$0")/.."

if [[ "${1:-}" == "--prepare" ]]; then
  mkdir -p build-gpu-deps/include
  cp -r /usr/include/nlohmann build-gpu-deps/include/
  echo "copied nlohmann/json.hpp to build-gpu-deps/include; carry build-gpu-deps to the GPU machine"
  exit 0
fi
quick=0
[[ "${1:-}" == "--quick" ]] && quick=1

export PATH="/usr/local/cuda/bin:$PATH"
ARCHS="${ARCHS:-80;86;89;90}"
PEAK_GBS="${PEAK_GBS:-3350}"
PHASES="${PHASES:-check gtest sanitize bench}"
has() { [[ " $PHASES " == *" $1 "* ]]; }
mkdir -p engine/cuda/results
results=engine/cuda/results/gpu-check.txt
: >"$results"
log() { echo "$*" | tee -a "$results"; }
status=0
step() {  # step NAME COMMAND...: runs, records the exit status, never stops the script
  local name=$1; shift
  log ""
  log "### $name: $*"
  local t0=$SECONDS
  "$@" 2>&1 | tee -a "$results"
  local rc=${PIPESTATUS[0]}
  log "### $name: exit $rc after $((SECONDS - t0)) s"
  [[ $rc -ne 0 ]] && status=1
  return $rc
}

log "# scripts/gpu-check.sh — $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
log "$(nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>&1)"
log "$(nvcc --version | tail -1)"

build=build-gpu
step configure cmake -S engine/cuda/tools/standalone -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DHARNESS_CUDA_ARCHS="$ARCHS" -DHARNESS_JSON_INCLUDE="$PWD/build-gpu-deps/include" || { echo "configure failed"; exit 1; }
step build ninja -C "$build" -j"$(nproc)" engine-cuda-check || { echo "build failed"; exit 1; }
check="$build/cuda/engine-cuda-check"

if ! has check; then :
elif [[ $quick -eq 1 ]]; then
  step check "$check" --quick
else
  step check "$check" --check
fi
if ! has gtest; then :
elif [[ -f "$build/engine_cuda_tests" ]] || ninja -C "$build" -t targets all 2>/dev/null | grep -q '^engine_cuda_tests:'; then
  ninja -C "$build" -j"$(nproc)" engine_cuda_tests >/dev/null && step gtest "$build/engine_cuda_tests"
else
  log "(GoogleTest not on this machine: tests/engine/cuda_*_test.cpp not built; engine-cuda-check covers the same checks)"
fi
if ! has sanitize; then :
elif command -v compute-sanitizer >/dev/null; then
  step memcheck compute-sanitizer --tool memcheck --error-exitcode 3 "$check" --quick
  step racecheck compute-sanitizer --tool racecheck --error-exitcode 3 "$check" --quick
else
  log "compute-sanitizer not found"; status=1
fi
[[ $quick -eq 0 ]] && has bench && step bench "$check" --bench --peak-gbs "$PEAK_GBS"

log ""
log "# overall: $([[ $status -eq 0 ]] && echo PASS || echo FAIL)"
if [[ -n "${OUT:-}" ]]; then cp "$results" "$OUT/"; fi
exit $status
