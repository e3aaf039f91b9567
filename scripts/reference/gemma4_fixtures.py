#!/usr/bin/env python3
"""Makes the committed Gemma 4 tokenizer and chat-template fixtures (tests/fixtures/engine/).

Reference tooling only (run with the reference virtualenv's python); CI uses the outputs.

Sources, all from PyPI packages (no hub access is needed):
  * llama-cpp-python==0.3.36 sdist, which vendors llama.cpp:
      models/ggml-vocab-gemma-4.gguf      vocab-only GGUF written by llama.cpp's converter from
                                          the released checkpoint's tokenizer.json: its tokens,
                                          merges (in file order) and token types
      models/ggml-vocab-gemma-4.gguf.inp/.out
                                          llama.cpp's tokenizer test texts and the ids that the
                                          Hugging Face tokenizer of the checkpoint gave for them
      models/templates/google-gemma-4-31B-it.jinja
                                          the chat template of the large Gemma 4 models (31B and
                                          26B-A4B share it)
  * maxtext==0.2.5 wheel: maxtext/assets/tokenizers/tokenizer_gemma4.model, Google's
    SentencePiece model, used as an independent second implementation (sentencepiece).

Outputs:
  tests/fixtures/engine/gemma4_tokenizer.tar.xz   tokenizer.json rebuilt from the GGUF with the
                                                  `tokenizers` library (pipeline of transformers'
                                                  GemmaTokenizer)
  tests/fixtures/engine/gemma4_tokenizer_ids.json corpus texts with the `tokenizers` ids
  tests/fixtures/engine/gemma4_chat_prompts.json  conversations rendered by the jinja template

Usage:
  /work/ref-venv/bin/python scripts/reference/gemma4_fixtures.py [--cache DIR]
The two packages are fetched with `pip download` into DIR (default ~/.cache/harness/reference).
"""

import argparse
import hashlib
import io
import json
import struct
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "fixtures" / "engine"
LLAMA_CPP_PYTHON = "llama-cpp-python==0.3.36"
MAXTEXT = "maxtext==0.2.5"
VENDOR = "llama_cpp_python-0.3.36/vendor/llama.cpp/models/"
GGUF = VENDOR + "ggml-vocab-gemma-4.gguf"
TEMPLATE = VENDOR + "templates/google-gemma-4-31B-it.jinja"
SPM = "maxtext/assets/tokenizers/tokenizer_gemma4.model"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fetch(cache: Path) -> tuple[Path, Path]:
    cache.mkdir(parents=True, exist_ok=True)
    sdist = cache / "llama_cpp_python-0.3.36.tar.gz"
    if not sdist.exists():
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                        "-d", str(cache), LLAMA_CPP_PYTHON], check=True)
    wheel = cache / "maxtext-0.2.5-py3-none-any.whl"
    if not wheel.exists():  # the wheel says Requires-Python >=3.12; only its data file is used
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                        "--python-version", "3.12", "-d", str(cache), MAXTEXT], check=True)
    return sdist, wheel


def read_gguf_metadata(data: bytes) -> dict:
    """The key/value section of a GGUF file (v2/v3), tensors ignored."""
    if data[:4] != b"GGUF":
        raise ValueError("not a GGUF file")
    pos = 4
    version, = struct.unpack_from("<I", data, pos)
    pos += 4
    if version < 2:
        raise ValueError(f"GGUF version {version} is not supported")
    _tensors, n_kv = struct.unpack_from("<QQ", data, pos)
    pos += 16
    scalar = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}

    def value(kind):
        nonlocal pos
        if kind == 8:
            n, = struct.unpack_from("<Q", data, pos)
            pos += 8
            s = data[pos:pos + n].decode("utf-8")
            pos += n
            return s
        if kind == 9:
            elem, n = struct.unpack_from("<IQ", data, pos)
            pos += 12
            return [value(elem) for _ in range(n)]
        fmt = scalar[kind]
        v, = struct.unpack_from(fmt, data, pos)
        pos += struct.calcsize(fmt)
        return v

    meta = {}
    for _ in range(n_kv):
        key = value(8)
        kind, = struct.unpack_from("<I", data, pos)
        pos += 4
        meta[key] = value(kind)
    return meta


def build_tokenizer_json(meta: dict) -> str:
    """tokenizer.json with the GGUF's vocab, merges and added tokens, in the Gemma pipeline."""
    from tokenizers import AddedToken, Tokenizer, decoders, normalizers, pre_tokenizers
    from tokenizers.models import BPE

    tokens = meta["tokenizer.ggml.tokens"]
    types = meta["tokenizer.ggml.token_type"]
    merges = [tuple(m.split(" ", 1)) for m in meta["tokenizer.ggml.merges"]]
    vocab = {t: i for i, t in enumerate(tokens)}
    assert len(vocab) == len(tokens) == 262144, len(vocab)
    tok = Tokenizer(BPE(vocab=vocab, merges=merges, unk_token="<unk>", fuse_unk=True, byte_fallback=True,
                        dropout=None))
    # The same steps as transformers' GemmaTokenizer (models/gemma/tokenization_gemma.py).
    tok.normalizer = normalizers.Replace(" ", "▁")
    tok.pre_tokenizer = pre_tokenizers.Split(" ", "merged_with_previous")
    tok.decoder = decoders.Sequence([decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse()])
    # llama.cpp writes the checkpoint's special added tokens as CONTROL (3), except the seven it
    # re-types USER_DEFINED (4) so that they stay visible in its output; all were special.
    added = [AddedToken(t, special=True, normalized=False) for t, ty in zip(tokens, types) if ty in (3, 4)]
    tok.add_special_tokens(added)
    return tok.to_str(pretty=False)


def check_llama_cpp_vectors(tok, inp: str, out: str) -> int:
    texts = inp.split("\n__ggml_vocab_test__\n")
    expected = [[int(x) for x in line.split()] for line in out.split("\n")[:len(texts)]]
    for text, ids in zip(texts, expected):
        got = tok.encode(text, add_special_tokens=False).ids
        if got != ids:
            raise SystemExit(f"rebuilt tokenizer.json disagrees with llama.cpp's reference ids on {text!r}: "
                             f"{got} != {ids}")
    return len(texts)


def corpus() -> list[str]:
    texts = json.loads((ROOT / "tests" / "engine" / "tokenizer_corpus.json").read_text(encoding="utf-8"))
    texts += [
        # Gemma 4 chat and tool syntax: added tokens in running text.
        "<bos><|turn>system\n<|think|>\nYou are terse.<turn|>\n<|turn>user\nHi<turn|>\n<|turn>model\n",
        "<|channel>thought\nThe user greets me.<channel|>Hello!<turn|>",
        "<|tool>declaration:get_weather{description:<|\"|>Weather<|\"|>}<tool|>"
        "<|tool_call>call:get_weather{city:<|\"|>Paris<|\"|>}<tool_call|>"
        "<|tool_response>response:get_weather{temp:21}<tool_response|>",
        "<|image><|image|><image|> <|audio><|audio|><audio|> <|video|> <mask> <unk>",
        # Vocabulary entries that are not added tokens in the checkpoint (plain BPE there).
        "<table><tr><td>1</td></tr></table> <unused5> [multimodal] <h1>T</h1>",
        "\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\nend",
        "x" + " " * 40 + "y\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\tz",
        "a\u2581b \u2581\u2581c",  # the metaspace character itself in the input
        # Numbers (split digits), scripts, combining marks, emoji sequences.
        "12345678901234567890 3.14159 -0.5e-10 1,000,000 ٠١٢٣٤٥٦٧٨٩ ०१२३",
        "ภาษาไทยไม่มีช่องว่าง ລາວ ខ្មែរ ᠮᠣᠩᠭᠣᠯ ትግርኛ Ελληνικά Ꭴꮒꮝꭹ",
        "e\u0301 a\u0308 n\u0303 \u1100\u1161\u11a8 Z\u0351\u0352\u0353algo",
        "👍🏽 🏳️‍🌈 👨‍💻 🫠 🇯🇵🇺🇸 #️⃣ 1️⃣ ©️ ™",
        "\u200b\u200c\u200d\ufeff\u00a0\u2028\u2029\u3000 invisible",
        # Code.
        "#include <vector>\nint main() {\n\tstd::vector<int> v{1, 2, 3};\n\treturn v.size() != 3;\n}\n",
        "SELECT name, COUNT(*) AS n FROM users u JOIN orders o ON o.user_id = u.id GROUP BY name HAVING n > 2;",
        "    def __init__(self, *args, **kwargs) -> None:\n        super().__init__(*args, **kwargs)\n",
        "$$\\int_0^\\infty e^{-x^2}\\,dx = \\frac{\\sqrt{\\pi}}{2}$$",
    ]
    return texts


CONVERSATIONS = [
    ("thinking off", [{"role": "user", "content": "What is 2+2?"}], False),
    ("thinking on", [{"role": "user", "content": "What is 2+2?"}], True),
    ("system, thinking off", [{"role": "system", "content": "Be brief."},
                              {"role": "user", "content": "What is 2+2?"}], False),
    ("system, thinking on", [{"role": "system", "content": "  Be brief.\n"},
                             {"role": "user", "content": "What is 2+2?"}], True),
    ("developer counts as system", [{"role": "developer", "content": "Answer in French."},
                                    {"role": "user", "content": "Hello"}], False),
    ("multi-turn, earlier reasoning in the content is dropped",
     [{"role": "user", "content": "1+1?"},
      {"role": "assistant", "content": "<|channel>thought\nOne plus one.<channel|>2"},
      {"role": "user", "content": "And 2+2?"}], True),
    ("multi-turn, earlier reasoning field is dropped (no tool calls)",
     [{"role": "system", "content": "S"},
      {"role": "user", "content": "1+1?"},
      {"role": "assistant", "content": "2", "reasoning": "One plus one."},
      {"role": "user", "content": "And 2+2?"}], False),
    ("multi-turn, thinking off, model role and whitespace",
     [{"role": "user", "content": "\n  Q1  \n"},
      {"role": "model", "content": "  A1\n"},
      {"role": "user", "content": "Q2"}], False),
    ("unclosed and stray channel markers in an earlier answer",
     [{"role": "user", "content": "a"},
      {"role": "assistant", "content": "x<channel|>y <|channel>thought\ncut off"},
      {"role": "user", "content": "b"}], False),
    ("consecutive assistant messages share one model turn",
     [{"role": "user", "content": "a"},
      {"role": "assistant", "content": "first"},
      {"role": "assistant", "content": "second"},
      {"role": "user", "content": "b"}], False),
    ("unicode whitespace is trimmed like Python's str.strip",
     [{"role": "system", "content": "\u3000S\u00a0"},
      {"role": "user", "content": "\u2003Q\u2028"}], True),
    ("empty user message", [{"role": "user", "content": ""}], False),
]


def render_prompts(template: str, tok) -> list[dict]:
    from transformers import PreTrainedTokenizerFast  # apply_chat_template renders with jinja2
    hf = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<bos>", eos_token="<eos>")
    cases = []
    for name, messages, thinking in CONVERSATIONS:
        prompt = hf.apply_chat_template(messages, chat_template=template, tokenize=False,
                                        add_generation_prompt=True, enable_thinking=thinking)
        cases.append({"name": name, "enable_thinking": thinking, "messages": messages, "prompt": prompt,
                      "ids": tok.encode(prompt, add_special_tokens=False).ids})
    return cases


def sentencepiece_check(model: bytes, texts: list[str], reference: list[list[int]]) -> tuple[int, int]:
    """Google's SentencePiece model as a second implementation. It must agree on every text
    without literal special-token or user-defined-piece text: it never matches control tokens
    in input, keeps its user-defined pieces (<table>, "\\n\\n\\n", ...) atomic where the
    checkpoint's tokenizer.json has them as plain vocab, and predates <|video|>."""
    import sentencepiece as spm
    sp = spm.SentencePieceProcessor(model_proto=model)
    marked = [sp.id_to_piece(i) for i in range(sp.get_piece_size())
              if sp.is_control(i) or sp.id_to_piece(i).startswith("<") and sp.id_to_piece(i).endswith(">")
              and not sp.is_byte(i)] + ["<|video|>"]
    plain = agree = 0
    for text, ids in zip(texts, reference):
        if any(m in text for m in marked) or "\n\n\n" in text:
            continue
        plain += 1
        if sp.encode(text) != ids:
            raise SystemExit(f"SentencePiece disagrees with the rebuilt tokenizer.json on {text!r}: "
                             f"{sp.encode(text)} != {ids}")
        agree += 1
    return agree, plain


def deterministic_tar_xz(name: str, data: bytes) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:xz", preset=9) as tar:
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = len(data), 0, 0o644
        tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "harness" / "reference")
    args = ap.parse_args()
    from tokenizers import Tokenizer

    sdist, wheel = fetch(args.cache)
    with tarfile.open(sdist) as tar:
        gguf = tar.extractfile(GGUF).read()
        inp = tar.extractfile(GGUF + ".inp").read().decode("utf-8")
        out = tar.extractfile(GGUF + ".out").read().decode("utf-8")
        template = tar.extractfile(TEMPLATE).read().decode("utf-8")
    with zipfile.ZipFile(wheel) as z:
        spm_model = z.read(SPM)

    meta = read_gguf_metadata(gguf)
    tokenizer_json = build_tokenizer_json(meta)
    tok = Tokenizer.from_str(tokenizer_json)
    n_vectors = check_llama_cpp_vectors(tok, inp, out)

    texts = corpus()
    prompts = render_prompts(template, tok)
    texts += [c["prompt"] for c in prompts]
    ids = [tok.encode(t, add_special_tokens=False).ids for t in texts]
    sp_agree, sp_plain = sentencepiece_check(spm_model, texts, ids)

    OUT.mkdir(parents=True, exist_ok=True)
    source = {
        "tokenizer.json": f"rebuilt from {LLAMA_CPP_PYTHON} sdist {GGUF} (sha256 {sha256(gguf)}) by "
                          "scripts/reference/gemma4_fixtures.py",
        "tokenizer.json sha256": sha256(tokenizer_json.encode("utf-8")),
        "ids": "Hugging Face tokenizers, encode(text, add_special_tokens=False)",
        "checked": f"agrees with llama.cpp's {n_vectors} reference vectors for this vocab; "
                   f"SentencePiece ({MAXTEXT} {SPM}, sha256 {sha256(spm_model)}) agrees on all "
                   f"{sp_agree} texts without special or user-defined piece text",
    }
    (OUT / "gemma4_tokenizer.tar.xz").write_bytes(deterministic_tar_xz("tokenizer.json", tokenizer_json.encode()))
    (OUT / "gemma4_tokenizer_ids.json").write_text(json.dumps(
        {"source": source, "vocab_size": len(meta["tokenizer.ggml.tokens"]),
         "cases": [{"text": t, "ids": i, "decoded": tok.decode(i, skip_special_tokens=False),
                    "decoded_skip_special": tok.decode(i, skip_special_tokens=True)}
                   for t, i in zip(texts, ids)]}, ensure_ascii=False, indent=1) + "\n",
        encoding="utf-8")
    (OUT / "gemma4_chat_prompts.json").write_text(json.dumps(
        {"source": {"template": f"{LLAMA_CPP_PYTHON} sdist {TEMPLATE}",
                    "template sha256": sha256(template.encode("utf-8")),
                    "rendered by": "transformers apply_chat_template (jinja2), add_generation_prompt=True"},
         "cases": prompts}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"llama.cpp vectors: {n_vectors} agree; corpus: {len(texts)} texts; "
          f"SentencePiece agrees on {sp_agree}/{sp_plain} plain texts")


if __name__ == "__main__":
    main()
