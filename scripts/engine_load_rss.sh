#!/usr/bin/env bash
# Memory figure for loading real-size checkpoints (issue #20 item 3): writes a "mid" random
# checkpoint (26B-A4B layer shapes, 2 layers, 16 experts, ~620 MB of bf16), runs
# `harness generate` on it under /usr/bin/time -v and prints its peak RSS against the file
# size. Target: peak ≤ 1.2 × size + 150 MB, i.e. the weights are read from the mapping and
# never copied to fp32 (that copy alone would be 2 × size). A tiny checkpoint's run gives
# the process's fixed overhead for comparison.
#
#   scripts/engine_load_rss.sh [BUILD_DIR]      (needs bin/harness and engine/engine-tiny-checkpoint)
set -euo pipefail
build="${1:-build}"
for exe in "$build/bin/harness" "$build/engine/engine-tiny-checkpoint"; do
  [[ -x "$exe" ]] || { echo "engine_load_rss.sh: $exe is missing; build it first (ninja -C $build harness engine-tiny-checkpoint)" >&2; exit 1; }
done
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

peak_rss_kb() {  # DIR → peak RSS in KiB of one greedy 16-token chat turn
  if ! /usr/bin/time -v "$build/bin/harness" generate --engine "$1" --prompt "What is 2+2?" --max-tokens 16 \
      >"$work/out.txt" 2>"$work/time.txt"; then
    echo "engine_load_rss.sh: harness generate failed on $1:" >&2
    cat "$work/time.txt" >&2
    exit 1
  fi
  grep "generated" "$work/time.txt" >&2 || { echo "engine_load_rss.sh: no generation report from harness" >&2; exit 1; }
  awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt"
}

"$build/engine/engine-tiny-checkpoint" "$work/tiny" tiny 1 >/dev/null
"$build/engine/engine-tiny-checkpoint" "$work/mid" mid 1 >/dev/null
tiny_kb=$(peak_rss_kb "$work/tiny")
mid_kb=$(peak_rss_kb "$work/mid")
size=$(stat -c %s "$work/mid/model.safetensors")
awk -v size="$size" -v mid="$mid_kb" -v tiny="$tiny_kb" 'BEGIN {
  mb = 1048576; limit = 1.2 * size / mb + 150; peak = mid * 1024 / mb;
  printf "mid checkpoint:   %.1f MiB of safetensors (bf16)\n", size / mb;
  printf "peak RSS, tiny:   %.1f MiB (process overhead)\n", tiny * 1024 / mb;
  printf "peak RSS, mid:    %.1f MiB = %.3f x size (%s the target 1.2 x size + 150 MiB = %.1f MiB)\n",
         peak, peak * mb / size, peak <= limit ? "within" : "ABOVE", limit;
  printf "fp32 copy would add %.1f MiB\n", 2 * size / mb;
}'
