"""Writes the one tiny Gemma 4 checkpoint that scripts/peer-check.sh serves with llama-server,
vLLM and the embedded engine.

It is a random 26B-A4B-shaped model (MoE, k_eq_v, sliding + full layers, softcap, tied
embeddings; vocab 262,144 so that the real Gemma 4 tokenizer fits) with one twist: a few hidden
dimensions script the reply to a thinking-on chat prompt, so that a random model still exercises
the servers' reasoning parsers:

    "\n" -> <|channel> -> thought -> "\n\n" -> R1 -> R2 -> <channel|> -> C1 -> ... -> <turn|>

(llama.cpp's Gemma 4 parser insists on the "thought" label after <|channel>; "\n\n" stands in
for the real "\n" because a scripted token can appear once only.)

Why it works: the scripted tokens' embeddings live only in the last len(PATH) dimensions (S)
with a large norm, every other token has zeros there, and every layer's post-norm weights are
zero on S, so the layers never write into S. At a scripted token the residual is dominated by
its own embedding, and the tied lm_head scores the next scripted token through the final norm's
S weights (an eigendecomposition of a symmetric "successor" matrix with rising strengths, so the
chain never turns back). At any other position S is exactly zero and the scripted tokens score 0,
below the best random token, so they never appear there: a prompt that does not end in a
scripted token generates plain random text (used for the 32-token greedy comparison).

Usage: python make_checkpoint.py OUT_DIR TOKENIZER_JSON [--seed N]
Needs numpy, safetensors and tokenizers (the peers' own venv).
"""
import argparse
import json
import os
import shutil

import numpy as np
from safetensors.numpy import save_file
from tokenizers import Tokenizer

HIDDEN = 64
LAYERS = ["sliding_attention"] * 3 + ["full_attention"]
HEADS, KV_SLIDING, KV_FULL = 4, 2, 1
HEAD_DIM, GLOBAL_HEAD_DIM = 32, 64  # vLLM's CPU attention supports 32, 64, 80, ... only
INTERMEDIATE, EXPERTS, TOP_K, MOE_INTERMEDIATE = 96, 8, 2, 32
VOCAB = 262144

# The scripted reply. Texts are single tokens of the Gemma 4 vocabulary (checked below).
REASONING = ["Count", "ing"]
CONTENT = ["The", "▁answer", "▁is", "▁", "1", "8"]


def config():
    return {
        "architectures": ["Gemma4ForCausalLM"],
        "model_type": "gemma4_text",
        "vocab_size": VOCAB,
        "hidden_size": HIDDEN,
        "num_hidden_layers": len(LAYERS),
        "layer_types": LAYERS,
        "num_attention_heads": HEADS,
        "num_key_value_heads": KV_SLIDING,
        "num_global_key_value_heads": KV_FULL,
        "head_dim": HEAD_DIM,
        "global_head_dim": GLOBAL_HEAD_DIM,
        "attention_k_eq_v": True,
        "intermediate_size": INTERMEDIATE,
        "enable_moe_block": True,
        "num_experts": EXPERTS,
        "top_k_experts": TOP_K,
        "moe_intermediate_size": MOE_INTERMEDIATE,
        "hidden_size_per_layer_input": 0,
        "num_kv_shared_layers": 0,
        "use_double_wide_mlp": False,
        "attention_bias": False,
        "attention_dropout": 0.0,
        "hidden_activation": "gelu_pytorch_tanh",
        "sliding_window": 512,
        "max_position_embeddings": 131072,
        "rms_norm_eps": 1e-6,
        "final_logit_softcapping": 30.0,
        "rope_parameters": {
            "sliding_attention": {"rope_type": "default", "rope_theta": 10000.0},
            "full_attention": {"rope_type": "proportional", "rope_theta": 1000000.0,
                               "partial_rotary_factor": 0.25},
        },
        "tie_word_embeddings": True,
        "bos_token_id": 2,
        "eos_token_id": [1, 106],
        "pad_token_id": 0,
        "dtype": "float32",
        "use_bidirectional_attention": None,
        "use_cache": True,
    }


def token_id(tok, text):
    i = tok.token_to_id(text)
    if i is None:
        raise SystemExit(f"'{text}' is not one token of {tok}; pick another scripted word")
    return i


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("tokenizer_json")
    ap.add_argument("--seed", type=int, default=16)
    a = ap.parse_args()
    tok = Tokenizer.from_file(a.tokenizer_json)
    if tok.get_vocab_size() != VOCAB:
        raise SystemExit(f"{a.tokenizer_json} has {tok.get_vocab_size()} tokens, expected {VOCAB}")
    path = ([token_id(tok, "\n"), token_id(tok, "<|channel>"), token_id(tok, "thought"), token_id(tok, "\n\n")] +
            [token_id(tok, t) for t in REASONING] +
            [token_id(tok, "<channel|>")] + [token_id(tok, t) for t in CONTENT] + [token_id(tok, "<turn|>")])
    assert len(set(path)) == len(path), path
    rng = np.random.default_rng(a.seed)
    f32 = np.float32
    t = {}

    def normal(shape, std):
        return (rng.standard_normal(shape) * std).astype(f32)

    def linear(out_dim, in_dim):  # unit gain, so that every layer matters
        return normal((out_dim, in_dim), 1.0 / np.sqrt(in_dim))

    def norm_weight(n):  # Gemma 4 norms multiply by w (never 1 + w)
        return (1.0 + 0.2 * rng.standard_normal(n)).astype(f32)

    n_s = len(path)
    s = slice(HIDDEN - n_s, HIDDEN)
    embed = normal((VOCAB, HIDDEN), 0.15)
    embed[:, s] = 0.0
    for li, kind in enumerate(LAYERS):
        p = f"model.layers.{li}."
        hd = GLOBAL_HEAD_DIM if kind == "full_attention" else HEAD_DIM
        kv = KV_FULL if kind == "full_attention" else KV_SLIDING
        t[p + "self_attn.q_proj.weight"] = linear(HEADS * hd, HIDDEN)
        t[p + "self_attn.k_proj.weight"] = linear(kv * hd, HIDDEN)
        if kind != "full_attention":  # k_eq_v: full layers take V from the K projection
            t[p + "self_attn.v_proj.weight"] = linear(kv * hd, HIDDEN)
        t[p + "self_attn.o_proj.weight"] = linear(HIDDEN, HEADS * hd)
        t[p + "self_attn.q_norm.weight"] = norm_weight(hd)
        t[p + "self_attn.k_norm.weight"] = norm_weight(hd)
        t[p + "mlp.gate_proj.weight"] = linear(INTERMEDIATE, HIDDEN)
        t[p + "mlp.up_proj.weight"] = linear(INTERMEDIATE, HIDDEN)
        t[p + "mlp.down_proj.weight"] = linear(HIDDEN, INTERMEDIATE)
        t[p + "router.proj.weight"] = linear(EXPERTS, HIDDEN)
        t[p + "router.scale"] = norm_weight(HIDDEN)
        t[p + "router.per_expert_scale"] = norm_weight(EXPERTS)
        t[p + "experts.gate_up_proj"] = normal((EXPERTS, 2 * MOE_INTERMEDIATE, HIDDEN), 1.0 / np.sqrt(HIDDEN))
        t[p + "experts.down_proj"] = normal((EXPERTS, HIDDEN, MOE_INTERMEDIATE), 1.0 / np.sqrt(MOE_INTERMEDIATE))
        for name in ["input_layernorm", "post_attention_layernorm", "pre_feedforward_layernorm",
                     "post_feedforward_layernorm", "post_feedforward_layernorm_1",
                     "post_feedforward_layernorm_2", "pre_feedforward_layernorm_2"]:
            t[p + name + ".weight"] = norm_weight(HIDDEN)
        # The layers never write into S: what reaches the residual passes these two norms.
        t[p + "post_attention_layernorm.weight"][s] = 0.0
        t[p + "post_feedforward_layernorm.weight"][s] = 0.0
        t[p + "layer_scalar"] = np.array([0.6 + 0.4 * rng.random()], dtype=f32)

    # Successor matrix: row i peaks at i+1; strengths rise along the chain so that the
    # symmetric form never prefers the way back.
    m = np.full((n_s, n_s), -1.0)
    for i in range(n_s - 1):
        m[i, i + 1] = m[i + 1, i] = 1.0 + i
    lam, q = np.linalg.eigh(m)
    big = 250.0  # |embedding| of a scripted token: dominates the layers' output (~20)
    logit_unit = 2.0  # logits of the chain, before the softcap: 2.0 * strength
    for i, tid in enumerate(path):
        embed[tid, :] = 0.0
        embed[tid, s] = big * q[i]
    final = norm_weight(HIDDEN)
    final[s] = lam * logit_unit / (big * np.sqrt(HIDDEN))
    t["model.embed_tokens.weight"] = embed
    t["model.norm.weight"] = final.astype(f32)

    os.makedirs(a.out, exist_ok=True)
    save_file(t, os.path.join(a.out, "model.safetensors"), metadata={"format": "pt"})
    with open(os.path.join(a.out, "config.json"), "w") as f:
        json.dump(config(), f, indent=2)
    with open(os.path.join(a.out, "generation_config.json"), "w") as f:
        json.dump({"bos_token_id": 2, "eos_token_id": [1, 106, 50], "pad_token_id": 0}, f, indent=2)
    if os.path.abspath(a.tokenizer_json) != os.path.abspath(os.path.join(a.out, "tokenizer.json")):
        shutil.copy(a.tokenizer_json, os.path.join(a.out, "tokenizer.json"))
    with open(os.path.join(a.out, "scripted_reply.json"), "w") as f:
        json.dump({"path_ids": path, "reasoning": "".join(REASONING).replace("▁", " "),
                   "content": "".join(CONTENT).replace("▁", " ")}, f, indent=2)
    print(f"wrote {a.out}: {sum(v.size for v in t.values())} parameters, scripted path {path}")


if __name__ == "__main__":
    main()
