"""Writes the adversarial response corpus of one bench: OUT/corpus.jsonl, one
{"case", "doc_id", "response"} line per case. Deterministic for a given seed.
Usage: gen_corpus.py BENCH DATA_DIR OUT_DIR"""
import gzip
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from corpus_choice import arc_response, gpqa_response  # noqa: E402
from corpus_code import code_response  # noqa: E402
from corpus_common import read_jsonl, safe_text, write_jsonl  # noqa: E402
from corpus_ifeval import ifeval_response  # noqa: E402
from corpus_math import aime_response, gsm8k_gold, gsm8k_response  # noqa: E402
from corpus_math500 import math500_cases  # noqa: E402
from reference_docs import gpqa_docs  # noqa: E402

SIZES = {"gsm8k": 2000, "arc_challenge": 2000, "gpqa_diamond": 1500, "aime2024": 1500,
         "math500": 100_000, "ifeval": 4, "humaneval": 1000, "humanevalplus": 1000}


def load_gz_jsonl(path):
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def cases(bench, data, rng):
    if bench == "gsm8k":
        rows = read_jsonl(os.path.join(data, "gsm8k/test.jsonl"))
        for _ in range(SIZES[bench]):
            i = rng.randrange(len(rows))
            yield str(i), gsm8k_response(rng, gsm8k_gold(rows[i]["answer"]))
    elif bench == "arc_challenge":
        rows = read_jsonl(os.path.join(data, "arc_challenge/ARC-Challenge-test.jsonl"))
        for _ in range(SIZES[bench]):
            row = rng.choice(rows)
            ak = str(row["answerKey"]).strip()
            gold = "ABCD"[int(ak) - 1] if ak in "1234" else ak.upper()
            yield row["id"], arc_response(rng, gold)
    elif bench == "gpqa_diamond":
        docs = gpqa_docs(data)
        for _ in range(SIZES[bench]):
            doc = rng.choice(docs)
            yield doc["Record ID"], gpqa_response(rng, doc)
    elif bench == "aime2024":
        rows = read_jsonl(os.path.join(data, "aime2024/aime_2024.jsonl"))
        for _ in range(SIZES[bench]):
            row = rng.choice(rows)
            yield row["ID"], aime_response(rng, str(int(str(row["Answer"]).strip())))
    elif bench == "math500":
        rows = read_jsonl(os.path.join(data, "math500/test.jsonl"))
        yield from math500_cases(rng, rows, SIZES[bench] // len(rows))
    elif bench == "ifeval":
        rows = read_jsonl(os.path.join(data, "ifeval/input_data.jsonl"))
        for row in rows:
            for _ in range(SIZES[bench]):
                yield str(row["key"]), ifeval_response(rng, row)
    elif bench in ("humaneval", "humanevalplus"):
        path = ("humaneval/HumanEval.jsonl.gz" if bench == "humaneval"
                else "humanevalplus/HumanEvalPlus-OriginFmt-v0.1.10.jsonl.gz")
        rows = load_gz_jsonl(os.path.join(data, path))
        slow_budget = 4  # each slow program costs seconds on both sides
        for k in range(SIZES[bench]):
            row = rows[k % len(rows)]
            r = code_response(rng, row, allow_slow=slow_budget > 0)
            if "time.sleep(5)" in r:
                slow_budget -= 1
            yield row["task_id"], r
    else:
        raise SystemExit(f"gen_corpus.py: unknown bench {bench}")


def main():
    bench, data, out = sys.argv[1], sys.argv[2], sys.argv[3]
    rng = random.Random(f"harness-reference-{bench}-1")
    pairs = list(cases(bench, data, rng))
    if bench == "math500":
        # Shuffled so that any prefix (MATH500_CASES below 100,000) still covers every problem.
        random.Random("math500-order").shuffle(pairs)
        pairs = pairs[:int(os.environ.get("MATH500_CASES", len(pairs)))]
    rows = [{"case": i, "doc_id": d, "response": safe_text(r)} for i, (d, r) in enumerate(pairs)]
    write_jsonl(os.path.join(out, "corpus.jsonl"), rows)
    print(f"{bench}: {len(rows)} cases", file=sys.stderr)


if __name__ == "__main__":
    main()
