#!/usr/bin/env bash
# Differential tests of the harness scorers against the real reference packages (issue #15).
#   scripts/reference/run.sh [BENCH ...]     default: every bench plus `punkt`
# Per bench: generate the adversarial corpus, score it with the reference packages (cached by
# corpus checksum; MATH-500 also per chunk, so an interrupted run resumes), score it with
# `harness score`, compare, write the committed sample tests/fixtures/reference/BENCH.jsonl,
# then rewrite tests/reference/results/summary.txt from every bench's latest result.
# Needs the reference virtualenv (scripts/reference/setup.sh) and a build of the `harness`
# and `punkt_sentences` targets. Nothing in the product or in CI's default run needs it.
# Environment: HARNESS_REFERENCE_VENV (default scripts/reference/.venv), HARNESS_DATA_DIR
# (default ../shared/datasets), HARNESS_REFERENCE_CACHE (default build/reference),
# HARNESS_BUILD_DIR (default build), REFERENCE_WORKERS (default 2), MATH500_CASES (default
# 100000: a prefix of the shuffled corpus, still covering every problem).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
venv="${HARNESS_REFERENCE_VENV:-$here/.venv}"
data="${HARNESS_DATA_DIR:-$repo/../shared/datasets}"
cache="${HARNESS_REFERENCE_CACHE:-$repo/build/reference}"
build="${HARNESS_BUILD_DIR:-$repo/build}"
workers="${REFERENCE_WORKERS:-2}"
py="$venv/bin/python"
harness="$build/bin/harness"
punkt_tool="$build/tests/reference/punkt_sentences"
fixtures="$repo/tests/fixtures/reference"
results="$repo/tests/reference/results"
all_benches=(gsm8k arc_challenge gpqa_diamond aime2024 math500 ifeval humaneval humanevalplus punkt)

[[ -x "$py" ]] || { echo "run.sh: no reference virtualenv at $venv: run scripts/reference/setup.sh first" >&2; exit 1; }
[[ -x "$harness" ]] || { echo "run.sh: $harness is missing: build it with ninja -C $build harness punkt_sentences" >&2; exit 1; }
[[ -d "$data" ]] || { echo "run.sh: data dir $data is missing: set HARNESS_DATA_DIR" >&2; exit 1; }
export HARNESS_REFERENCE_VENV="$venv" HARNESS_DATA_DIR="$data" HF_DATASETS_OFFLINE=1 HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false
mkdir -p "$cache" "$fixtures" "$results"

# Reference verdicts are reused while the corpus (and the reference code) is unchanged.
reference_step() {  # bench out
  local bench="$1" out="$2" key
  key="$(cat "$out/corpus.jsonl" "$here"/ref_*.py "$here/reference_docs.py" | sha256sum | cut -d' ' -f1)"
  if [[ -f "$out/reference.jsonl" && "$(cat "$out/reference.key" 2>/dev/null)" == "$key" ]]; then
    echo "  reference verdicts cached"
    return
  fi
  "$py" "$here/ref_score.py" "$bench" "$data" "$out" --workers "$workers"
  echo "$key" > "$out/reference.key"
}

# Harness verdicts are reused while the corpus and the harness binary are unchanged (the
# code benches take minutes: every program runs in the sandbox).
harness_step() {  # bench out
  local bench="$1" out="$2" key
  key="$(cat "$out/corpus.jsonl" "$harness" | sha256sum | cut -d' ' -f1)"
  if [[ -f "$out/harness.jsonl" && "$(cat "$out/harness.key" 2>/dev/null)" == "$key" ]]; then
    echo "  harness verdicts cached"
    return
  fi
  "$harness" score "$bench" --responses "$out/corpus.jsonl" --data-dir "$data" --threads "$workers" \
    > "$out/harness.jsonl" 2> "$out/harness.err" || { cat "$out/harness.err" >&2; exit 1; }
  echo "$key" > "$out/harness.key"
}

run_bench() {
  local bench="$1" out="$cache/$1" t0=$SECONDS
  mkdir -p "$out"
  echo "== $bench"
  if [[ "$bench" == punkt ]]; then
    [[ -x "$punkt_tool" ]] || { echo "run.sh: $punkt_tool is missing: ninja -C $build punkt_sentences" >&2; exit 1; }
    "$py" "$here/punkt_check.py" corpus "$data" "$out"
    "$py" "$here/punkt_check.py" reference "$out"
    "$punkt_tool" "$data" < "$out/corpus.jsonl" > "$out/harness.jsonl"
    "$py" "$here/punkt_check.py" compare "$out" "$fixtures"
  else
    "$py" "$here/gen_corpus.py" "$bench" "$data" "$out"
    reference_step "$bench" "$out"
    harness_step "$bench" "$out"
    "$py" "$here/compare.py" "$bench" "$out" "$fixtures" "$repo"
  fi
  echo "  $((SECONDS - t0)) s"
}

benches=("$@")
[[ ${#benches[@]} -gt 0 ]] || benches=("${all_benches[@]}")
for b in "${benches[@]}"; do
  [[ " ${all_benches[*]} " == *" $b "* ]] || { echo "run.sh: unknown bench '$b' (known: ${all_benches[*]})" >&2; exit 2; }
  run_bench "$b"
done
"$py" "$here/summary.py" "$cache" "$results/summary.txt" "${all_benches[@]}"
cat "$results/summary.txt"
