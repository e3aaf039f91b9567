#!/usr/bin/env python3
"""Writes tests/fixtures/ifeval/langdetect_corpus.jsonl: langdetect 1.0.9's verdict on each
corpus text under seeds 0..SEEDS-1, the oracle for the C++ port (benches/ifeval/langdetect.*).

Run with the reference virtualenv (langdetect==1.0.9, what lm-eval's IFEval imports):
    $HARNESS_REFERENCE_VENV/bin/python scripts/reference/langdetect_fixtures.py \
        [--data-dir ../shared/datasets] [--out tests/fixtures/ifeval/langdetect_corpus.jsonl]

Texts: hand-written replies in 55 languages and their variants (case, prefixes, markdown,
URLs, emoji, decomposed accents, mixed scripts, > 10,000 characters), odd short texts, and
texts derived from the datasets (IFEval prompts, GSM8K answers, MATH-500 solutions, ARC
questions; mostly upper-cased like change_case:english_capital replies). Dataset texts are
not copied: one line per dataset slice names file, field, transform and row count plus a
sha256 of the texts, and the test rebuilds the texts from ../shared/datasets (skipping those
lines when absent). A verdict list is written as one verdict when every seed gave it.

Profile order: langdetect loads its profiles in os.listdir order, which differs between
file systems and only changes the rounding of one sum; the fixture is made with the
profiles in sorted order (the C++ port's order) and the script prints how many verdicts of
the hand-written texts the installed listdir order would change."""
import argparse
import hashlib
import json
import os
import sys
import unicodedata

import langdetect
from langdetect.detector_factory import DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from langdetect_texts import ENGLISH_REPLIES, ODD_TEXTS, PARAGRAPHS  # noqa: E402

SEEDS = 20
PROFILES = os.path.join(os.path.dirname(langdetect.__file__), "profiles")


def factory(names):
    f = DetectorFactory()
    f.load_json_profile([open(os.path.join(PROFILES, n), encoding="utf-8").read() for n in names])
    return f


def verdicts(f, text):
    out = []
    for seed in range(SEEDS):
        f.seed = seed  # Detector.__init__ copies factory.seed
        d = f.create()
        d.append(text)
        try:
            out.append(d.detect())
        except LangDetectException:
            out.append(None)  # "No features in text": IFEval's checkers pass
    return out


def words_prefix(text, n):
    return " ".join(text.split()[:n])


def emoji_every_third_word(text):
    words = text.split(" ")
    return " ".join(w + (" 🙂" if i % 3 == 2 else "") for i, w in enumerate(words))


def hand_written():
    """(id, text) for the committed texts."""
    out = []
    for lang, paras in PARAGRAPHS.items():
        for k, p in enumerate(paras):
            base = f"hand/{lang}/{k}"
            out += [(base, p), (base + "/upper", p.upper()), (base + "/lower", p.lower()),
                    (base + "/title", p.title()), (base + "/nfd", unicodedata.normalize("NFD", p)),
                    (base + "/doublespaced", p.replace(" ", "  ")),
                    (base + "/markdown", f"**{words_prefix(p, 3)}**\n\n* {p}\n* {words_prefix(p, 6)}"),
                    (base + "/urls", f"{p} See https://example.com/{lang}/page?id=7 or mail info@example.org."),
                    (base + "/emoji", emoji_every_third_word(p)),
                    (base + "/english_note", p + " (Note: translated by an AI model, see README.)"),
                    (base + "/code", p + "\n\n```python\nfor item in items:\n    print(item)\n```"),
                    (base + "/english_first", ENGLISH_REPLIES[k] + "\n\n" + p)]
            for n in (1, 2, 3, 5, 8):
                out.append((f"{base}/words{n}", words_prefix(p, n)))
                out.append((f"{base}/words{n}/upper", words_prefix(p, n).upper()))
    for k, r in enumerate(ENGLISH_REPLIES):
        base = f"hand/english_reply/{k}"
        out += [(base, r), (base + "/upper", r.upper()), (base + "/lower", r.lower()),
                (base + "/upper_markdown", "# " + r.upper() + "\n\n*" + r.upper() + "*"),
                (base + "/upper_ps", r.upper() + "\n\nP.S. I HOPE THIS HELPS!"),
                (base + "/upper_emoji", emoji_every_third_word(r.upper()))]
        for n in (2, 4, 7):
            out.append((f"{base}/words{n}/upper", words_prefix(r, n).upper()))
    for k, t in enumerate(ODD_TEXTS):
        out += [(f"hand/odd/{k}", t), (f"hand/odd/{k}/upper", t.upper()), (f"hand/odd/{k}/lower", t.lower())]
    de, en, ru = PARAGRAPHS["de"][1], ENGLISH_REPLIES[4], PARAGRAPHS["ru"][0]
    # The 10,000-character cap: German first, English after the cap (and the reverse).
    out.append(("hand/long/de_then_en", (de + " ") * (10000 // len(de) + 1) + (en + " ") * 60))
    out.append(("hand/long/en_then_ru", (en + " ") * (10000 // len(en) + 1) + (ru + " ") * 60))
    # Mixed scripts at several ratios: a non-Latin reply with English words in it.
    for lang in ("hi", "ru", "ar", "ko", "ja", "th", "el"):
        p = PARAGRAPHS[lang][0]
        for reps in (1, 2, 4):
            out.append((f"hand/mixed/{lang}/en{reps}", p + " " + " ".join([en] * reps)))
    return out


def dataset_groups(data_dir):
    """(source, texts) per dataset slice: the first `rows` rows' field, transformed."""
    specs = [("ifeval/input_data.jsonl", "prompt", 541, ("none", "upper", "lower")),
             ("gsm8k/test.jsonl", "answer", 200, ("upper",)),
             ("gsm8k/test.jsonl", "answer", 50, ("none",)),
             ("math500/test.jsonl", "solution", 100, ("upper",)),
             ("arc_challenge/ARC-Challenge-test.jsonl", "question", 100, ("upper",))]
    out = []
    for file, field, rows, transforms in specs:
        with open(os.path.join(data_dir, file), encoding="utf-8") as fh:
            docs = [json.loads(line) for line in fh if line.strip()][:rows]
        for tr in transforms:
            texts = [{"none": lambda s: s, "upper": str.upper, "lower": str.lower}[tr](d[field])
                     for d in docs]
            # The test's guard that it rebuilt the same texts: texts joined by NUL.
            digest = hashlib.sha256("\0".join(texts).encode("utf-8")).hexdigest()
            out.append(({"file": file, "field": field, "transform": tr, "rows": len(texts),
                         "sha256": digest}, texts))
    return out


def compact(v):
    """The 20 verdicts, or the one verdict when every seed gave it (most texts)."""
    return v[0] if len(set(v)) == 1 else v


def main():
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--data-dir", default=os.path.join(here, "../../../shared/datasets"))
    ap.add_argument("--out", default=os.path.join(here, "../../tests/fixtures/ifeval/langdetect_corpus.jsonl"))
    args = ap.parse_args()

    listed = [n for n in os.listdir(PROFILES) if not n.startswith(".")]
    ours, theirs = factory(sorted(listed)), factory(listed)
    texts = unstable = order_changes = 0
    with open(args.out, "w", encoding="utf-8") as out:
        # One line per hand-written text; the listdir-order comparison only for these (it
        # doubles the run time).
        for ident, text in hand_written():
            v = verdicts(ours, text)
            texts, unstable = texts + 1, unstable + (len(set(v)) > 1)
            order_changes += v != verdicts(theirs, text)
            out.write(json.dumps({"id": ident, "text": text, "verdicts": compact(v)},
                                 ensure_ascii=False) + "\n")
        # One line per dataset slice, its texts' verdicts in row order.
        for source, group in dataset_groups(args.data_dir):
            vs = [verdicts(ours, text) for text in group]
            texts, unstable = texts + len(vs), unstable + sum(len(set(v)) > 1 for v in vs)
            out.write(json.dumps({**source, "verdicts": [compact(v) for v in vs]},
                                 ensure_ascii=False) + "\n")
    print(f"{texts} texts, {SEEDS} seeds: {unstable} unstable; the installed os.listdir "
          f"profile order changes the verdicts of {order_changes} hand-written ones", file=sys.stderr)


if __name__ == "__main__":
    main()
