"""Turns the real Gemma 4 SentencePiece model into the Hugging Face tokenizer.json that
llama.cpp's converter, vLLM and the embedded engine read, then checks it against llama.cpp's
own tokenizer test (ggml-vocab-gemma-4.gguf.inp/.out: texts and the ids the Hugging Face
Gemma 4 tokenizer gives them).

Usage: python convert_tokenizer.py TOKENIZER_MODEL OUT_DIR VOCAB_TEST_PREFIX
  VOCAB_TEST_PREFIX: .../models/ggml-vocab-gemma-4.gguf (the .inp and .out files beside it)
Prints "tokenizer check: N/N texts equal" and exits 1 when any differs.
"""
import json
import os
import sys
import types

import sentencepiece
from tokenizers import AddedToken
from transformers.convert_slow_tokenizer import GemmaConverter, GemmaSentencePieceExtractor


class Extractor(GemmaSentencePieceExtractor):
    # transformers 5.19's Gemma extractor reads self.sp, which its base class no longer sets.
    def __init__(self, model):
        super().__init__(model)
        self.sp = sentencepiece.SentencePieceProcessor(model_file=model)


class Converter(GemmaConverter):
    SpmExtractor = Extractor

# Gemma 4's control tokens that must never be split or merged (ids from the real model).
SPECIAL = ["<pad>", "<eos>", "<bos>", "<unk>", "<mask>", "<|tool>", "<tool|>", "<|tool_call>",
           "<tool_call|>", "<|tool_response>", "<tool_response|>", '<|"|>', "<|think|>",
           "<|channel>", "<channel|>", "<|turn>", "<turn|>", "<|image>", "<|audio>", "<|image|>",
           "<image|>", "<|audio|>", "<audio|>"]


def convert(model_path):
    orig = types.SimpleNamespace(vocab_file=model_path, pad_token="<pad>", eos_token="<eos>",
                                 bos_token="<bos>", unk_token="<unk>", add_prefix_space=False,
                                 legacy=False)
    tk = Converter(orig).converted()
    present = [s for s in SPECIAL if tk.token_to_id(s) is not None]
    tk.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in present])
    return tk


def check(tk, prefix):
    # The .inp file separates test texts with this line; .out holds one line of ids per text.
    texts = open(prefix + ".inp", encoding="utf-8").read().split("\n__ggml_vocab_test__\n")
    if texts and texts[-1] == "":
        texts.pop()  # the file ends with the separator
    wants = open(prefix + ".out", encoding="utf-8").read().split("\n")
    equal, bad = 0, []
    for text, want in zip(texts, wants):
        got = tk.encode(text, add_special_tokens=False).ids
        if " ".join(map(str, got)) == want.strip():
            equal += 1
        else:
            bad.append((text[:40], got[:12], want[:60]))
    return equal, len(texts), bad


def main():
    model_path, out_dir, prefix = sys.argv[1:4]
    tk = convert(model_path)
    os.makedirs(out_dir, exist_ok=True)
    tk.save(os.path.join(out_dir, "tokenizer.json"))
    equal, total, bad = check(tk, prefix)
    for b in bad[:5]:
        print("differs:", json.dumps(b, ensure_ascii=False))
    print(f"tokenizer check: {equal}/{total} texts equal (vocab {tk.get_vocab_size()})")
    sys.exit(0 if equal == total and total > 0 else 1)


if __name__ == "__main__":
    main()
