#!/usr/bin/env python3
"""Tiny random Gemma 4 checkpoints judged by transformers, for the CPU engine's fixture test.

Runs in the reference venv (scripts/reference/setup.sh; transformers with Gemma 4, torch CPU):

    $HARNESS_REFERENCE_VENV/bin/python scripts/reference/engine_fixtures.py
        [--out tests/engine/fixtures/gemma4_ref] [--only NAME ...]

Each fixture is built from a config dict below: transformers makes the model, every weight is
redrawn (norm weights, router scales and layer scalars away from 1, so a mistake in how the
engine uses them shows), `save_pretrained` writes the folder, and the folder is loaded back in
fp32 (so the reference sees exactly the stored bf16/fp32 values) to compute
  - prefill logits at every position of a prompt longer than the sliding window
    (prefill_logits.f32: little-endian float32, [len(input_ids), vocab_size], row-major), and
  - 64 greedy tokens after the prompt (full recompute per step, argmax over softcapped logits),
both written to reference.json beside the weights. tests/engine/forward_test.cpp
(CpuForward.MatchesTransformersReferenceLogits) reads these files; CI needs no Python.
"""
import argparse
import json
import math
import os
import shutil
import struct

import torch
import transformers
from transformers import (Gemma4Config, Gemma4ForCausalLM, Gemma4ForConditionalGeneration,
                          Gemma4TextConfig)

GREEDY_TOKENS = 64

# Each fixture names what it covers; together: MoE and dense, both weight-name layouts,
# sliding + full layers, k_eq_v on and off, proportional (partial) RoPE, softcap on and off,
# global head dim != head dim, full-layer kv heads != sliding kv heads, bf16 and fp32 files,
# a non-power-of-two expert count, prompts longer than the window.
FIXTURES = {
    # 26B-A4B in miniature: multimodal wrapper naming, MoE (10 experts, top-4), k_eq_v,
    # 5:1-style sliding/full pattern, partial RoPE 0.25 on the full layers, softcap 30, bf16.
    "moe_kv_shared": dict(
        architecture="Gemma4ForConditionalGeneration", dtype="bfloat16", prompt_len=40, seed=11,
        text=dict(vocab_size=512, hidden_size=64, intermediate_size=96, num_hidden_layers=6,
                  num_attention_heads=4, num_key_value_heads=2, num_global_key_value_heads=1,
                  head_dim=16, global_head_dim=32, attention_k_eq_v=True,
                  enable_moe_block=True, num_experts=10, top_k_experts=4, moe_intermediate_size=16,
                  sliding_window=8, final_logit_softcapping=30.0,
                  layer_types=["sliding_attention", "sliding_attention", "full_attention",
                               "sliding_attention", "sliding_attention", "full_attention"],
                  rope_parameters={
                      "sliding_attention": {"rope_type": "default", "rope_theta": 10000.0},
                      "full_attention": {"rope_type": "proportional", "partial_rotary_factor": 0.25,
                                         "rope_theta": 1000000.0}})),
    # 31B-style dense model, text-only naming (Gemma4ForCausalLM): no MoE, separate v_proj on
    # full layers, no softcap, other RoPE thetas and partial factor, fp32 file, hidden 80 (its
    # sqrt is not a bf16 value, which the fp32 file must not round).
    "dense_causal": dict(
        architecture="Gemma4ForCausalLM", dtype="float32", prompt_len=33, seed=29,
        text=dict(vocab_size=320, hidden_size=80, intermediate_size=96, num_hidden_layers=4,
                  num_attention_heads=4, num_key_value_heads=2,
                  head_dim=16, global_head_dim=32, attention_k_eq_v=False,
                  enable_moe_block=False, sliding_window=6, final_logit_softcapping=None,
                  layer_types=["sliding_attention", "full_attention", "sliding_attention", "full_attention"],
                  rope_parameters={
                      "sliding_attention": {"rope_type": "default", "rope_theta": 1000.0},
                      "full_attention": {"rope_type": "proportional", "partial_rotary_factor": 0.5,
                                         "rope_theta": 50000.0}})),
    # MoE under the text-only naming with top-8 of 16 (the 26B's k), k_eq_v with 2 full-layer
    # kv heads, softcap 30, bf16, window 5 with a 29-token prompt.
    "moe_causal_top8": dict(
        architecture="Gemma4ForCausalLM", dtype="bfloat16", prompt_len=29, seed=37,
        text=dict(vocab_size=448, hidden_size=64, intermediate_size=64, num_hidden_layers=4,
                  num_attention_heads=4, num_key_value_heads=4, num_global_key_value_heads=2,
                  head_dim=8, global_head_dim=16, attention_k_eq_v=True,
                  enable_moe_block=True, num_experts=16, top_k_experts=8, moe_intermediate_size=8,
                  sliding_window=5, final_logit_softcapping=30.0,
                  layer_types=["sliding_attention", "full_attention", "sliding_attention", "full_attention"],
                  rope_parameters={
                      "sliding_attention": {"rope_type": "default", "rope_theta": 10000.0},
                      "full_attention": {"rope_type": "proportional", "partial_rotary_factor": 0.25,
                                         "rope_theta": 1000000.0}})),
}

COMMON_TEXT = dict(hidden_size_per_layer_input=0, num_kv_shared_layers=0, use_double_wide_mlp=False,
                   hidden_activation="gelu_pytorch_tanh", rms_norm_eps=1e-6, max_position_embeddings=4096,
                   bos_token_id=2, eos_token_id=1, pad_token_id=0, tie_word_embeddings=True)


def build_model(spec):
    text = dict(COMMON_TEXT)
    text.update(spec["text"])
    if spec["architecture"] == "Gemma4ForConditionalGeneration":
        config = Gemma4Config(text_config=text, vision_config=None, audio_config=None)
        return Gemma4ForConditionalGeneration(config)
    return Gemma4ForCausalLM(Gemma4TextConfig(**text))


def randomize(model, seed):
    """Redraws every parameter and persistent buffer, by name, in a fixed order."""
    gen = torch.Generator().manual_seed(seed)
    state = dict(model.named_parameters())
    state.update({n: b for n, b in model.named_buffers() if n.endswith("layer_scalar")})
    with torch.no_grad():
        for name in sorted(state):
            t = state[name]
            if name.endswith("layer_scalar"):
                v = 0.6 + 0.4 * torch.rand(t.shape, generator=gen)
            elif name.endswith("embed_tokens.weight"):
                v = 0.15 * torch.randn(t.shape, generator=gen)
            elif t.dim() == 1:  # norm weights, router scale, per-expert scale: around 1
                v = 1.0 + 0.2 * torch.randn(t.shape, generator=gen)
            else:  # linear / expert weights [.., out, in]: unit gain
                v = torch.randn(t.shape, generator=gen) / math.sqrt(t.shape[-1])
            t.copy_(v.to(t.dtype))


def load_back(folder, architecture, dtype):
    cls = Gemma4ForConditionalGeneration if architecture == "Gemma4ForConditionalGeneration" else Gemma4ForCausalLM
    model, info = cls.from_pretrained(folder, dtype=dtype, attn_implementation="eager", output_loading_info=True)
    missing = [k for k in info["missing_keys"] if "lm_head" not in k]
    if missing or info["unexpected_keys"] or info.get("mismatched_keys"):
        raise SystemExit(f"{folder} does not load cleanly: missing={missing} "
                         f"unexpected={info['unexpected_keys']} mismatched={info.get('mismatched_keys')}")
    return model.eval()


def prompt_ids(n, vocab, seed):
    gen = torch.Generator().manual_seed(seed + 1000)
    return [2] + torch.randint(3, vocab, (n - 1,), generator=gen).tolist()


@torch.no_grad()
def logits_of(model, ids):
    return model(input_ids=torch.tensor([ids]), use_cache=False).logits[0].float()


@torch.no_grad()
def greedy(model, ids, steps):
    """Full recompute per step (no cache), argmax; also the smallest top-1/top-2 gap seen."""
    seq, out, margin = list(ids), [], float("inf")
    for _ in range(steps):
        last = logits_of(model, seq)[-1]
        top = torch.topk(last, 2)
        margin = min(margin, float(top.values[0] - top.values[1]))
        nxt = int(torch.argmax(last))
        out.append(nxt)
        seq.append(nxt)
    return out, margin


def make(name, spec, out_dir):
    folder = os.path.join(out_dir, name)
    if os.path.isdir(folder):
        shutil.rmtree(folder)
    torch.manual_seed(spec["seed"])
    model = build_model(spec)
    randomize(model, spec["seed"])
    dtype = getattr(torch, spec["dtype"])
    model.to(dtype).save_pretrained(folder)

    ref = load_back(folder, spec["architecture"], torch.float32)
    text_cfg = ref.config.get_text_config()
    ids = prompt_ids(spec["prompt_len"], text_cfg.vocab_size, spec["seed"])
    record = {
        "name": name,
        "architecture": spec["architecture"],
        "file_dtype": spec["dtype"],
        "compute_dtype": "float32",
        "input_ids": ids,
        "transformers_version": transformers.__version__,
        "torch_version": torch.__version__,
        "generator": "scripts/reference/engine_fixtures.py",
    }
    tokens, margin = greedy(ref, ids, GREEDY_TOKENS)
    record["greedy_tokens"] = tokens
    record["greedy_min_top2_gap"] = round(margin, 6)
    logits = logits_of(ref, ids)
    with open(os.path.join(folder, "prefill_logits.f32"), "wb") as f:
        f.write(struct.pack(f"<{logits.numel()}f", *logits.flatten().tolist()))
    record["prefill_logits"] = {"file": "prefill_logits.f32", "rows": len(ids), "vocab": text_cfg.vocab_size,
                                "max_abs": round(float(logits.abs().max()), 4)}
    # A greedy step whose top two logits are closer than the comparison tolerance could
    # flip on rounding alone; such a fixture would test luck, so it is refused.
    if margin < 1e-3:
        raise SystemExit(f"{name}: greedy top-2 gap {margin:.2e} is too small; pick another seed")
    with open(os.path.join(folder, "reference.json"), "w") as f:
        json.dump(record, f, indent=1)
        f.write("\n")
    size = sum(os.path.getsize(os.path.join(folder, x)) for x in os.listdir(folder))
    print(f"{folder}: {size / 1024:.0f} KiB, prompt {len(ids)} tokens, greedy gap {margin:.3g}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--out", default=os.path.join(here, "..", "..", "tests", "engine", "fixtures", "gemma4_ref"))
    ap.add_argument("--only", nargs="*", help="fixture names (default: all)")
    args = ap.parse_args()
    torch.set_num_threads(max(1, min(4, os.cpu_count() or 1)))
    os.makedirs(args.out, exist_ok=True)
    for name, spec in FIXTURES.items():
        if not args.only or name in args.only:
            make(name, spec, args.out)


if __name__ == "__main__":
    main()
