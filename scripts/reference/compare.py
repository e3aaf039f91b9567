"""Compares the reference verdicts with `harness score` on one bench's corpus, classifies every
divergence (documented.py: each class is named in the bench's DIVERGENCES.md) and writes
OUT/result.json (counts), OUT/divergences.jsonl (every diverging case) and the committed
fixture sample. Usage: compare.py BENCH OUT_DIR FIXTURE_DIR REPO_ROOT"""
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from corpus_common import read_jsonl, write_jsonl  # noqa: E402
from documented import classify, documented_classes  # noqa: E402

# Metrics compared per bench (every one must agree for a case to agree).
METRICS = {
    "gsm8k": ["exact_match,flexible-extract", "exact_match,strict-match"],
    "gpqa_diamond": ["exact_match,flexible-extract", "exact_match,strict-match"],
    "aime2024": ["exact_match,none"],
    "arc_challenge": ["exact_match,none"],
    "math500": ["math_verify,none"],
    "ifeval": ["prompt_level_strict_acc,none", "prompt_level_loose_acc,none",
               "inst_level_strict_acc,none", "inst_level_loose_acc,none"],
    "humaneval": ["pass@1,extract_chat"],
    "humanevalplus": ["pass@1,extract_chat"],
}
FIXTURE_SIZE = {"math500": 600, "humaneval": 30, "humanevalplus": 20}


def harness_metrics(bench, h):
    m = dict(h["metrics"])
    if bench == "ifeval":
        ins = h.get("details", {}).get("instructions", [])
        m["inst_level_strict_acc,none"] = [bool(i["strict"]) for i in ins]
        m["inst_level_loose_acc,none"] = [bool(i["loose"]) for i in ins]
    return m


def differing(bench, ref, har):
    out = []
    for k in METRICS[bench]:
        if k not in ref["metrics"]:
            continue
        r, h = ref["metrics"][k], har.get(k)
        if isinstance(r, float):
            h = float(h) if h is not None else None
        if r != h:
            out.append(k)
    return out


def main():
    bench, out, fixture_dir, repo = sys.argv[1:5]
    corpus = read_jsonl(os.path.join(out, "corpus.jsonl"))
    ref = read_jsonl(os.path.join(out, "reference.jsonl"))
    har = read_jsonl(os.path.join(out, "harness.jsonl"))
    if not (len(corpus) == len(ref) == len(har)):
        raise SystemExit(f"compare.py: {bench}: corpus {len(corpus)}, reference {len(ref)}, harness {len(har)} lines differ")
    known = documented_classes(bench, repo)
    agree = diverge = documented = 0
    divs, by_class = [], {}
    rows = []
    for c, r, h in zip(corpus, ref, har):
        hm = harness_metrics(bench, h)
        diff = differing(bench, r, hm)
        row = {"case": c["case"], "doc_id": c["doc_id"], "response": c["response"],
               "reference": {k: r["metrics"][k] for k in METRICS[bench] if k in r["metrics"]},
               "reference_extracted": r.get("extracted", "")}
        # CI re-runs the committed code samples in the sandbox: keep them to quick programs.
        heavy = float(h.get("details", {}).get("cpu_s", 0) or 0) > 1.0
        if not diff:
            agree += 1
        else:
            diverge += 1
            cls = classify(bench, c, r, h, diff)
            if cls is not None and cls in known:
                documented += 1
                row["divergence"] = cls
                row["harness"] = {k: hm.get(k) for k in diff}
            by_class[cls] = by_class.get(cls, 0) + 1
            divs.append({**row, "differs": diff, "class": cls, "harness_extracted": h.get("extracted"),
                         "harness_metrics": {k: hm.get(k) for k in diff}})
        if not heavy:
            rows.append(row)
    write_jsonl(os.path.join(out, "divergences.jsonl"), divs)
    result = {"bench": bench, "cases": len(corpus), "agree": agree, "diverge": diverge, "documented": documented,
              "classes": {str(k): v for k, v in sorted(by_class.items(), key=lambda kv: -kv[1])}}
    with open(os.path.join(out, "result.json"), "w") as f:
        json.dump(result, f, indent=1)
    # Fixture: every documented divergence (up to 40 per class) plus a random sample of agreements.
    rng = random.Random(f"fixture-{bench}")
    size = FIXTURE_SIZE.get(bench, 250)
    picked = []
    per_class = {}
    for row in rows:
        cls = row.get("divergence")
        if cls and len(row["response"]) <= 20000 and per_class.get(cls, 0) < (4 if bench.startswith("humaneval") else 40):
            per_class[cls] = per_class.get(cls, 0) + 1
            picked.append(row)
    diverging = {d["case"] for d in divs}
    # Long texts stay in the corpus but not in the committed sample (keeps fixtures small).
    agreeing = [r for r in rows if r["case"] not in diverging and len(r["response"]) <= 6000]
    picked += rng.sample(agreeing, min(size, len(agreeing)))
    picked.sort(key=lambda r: r["case"])
    write_jsonl(os.path.join(fixture_dir, bench + ".jsonl"), picked)
    print(f"{bench} cases={len(corpus)} agree={agree} diverge={diverge} documented={documented} {result['classes']}")


if __name__ == "__main__":
    main()
