"""MATH-500 reference verdicts: math-verify's verify(gold=parse(solution), target=parse(response)),
the call lm-eval's minerva_math500 makes, over worker processes. Results are cached in chunks
under OUT/ref_chunks/ so an interrupted run resumes where it stopped."""
import hashlib
import json
import multiprocessing
import os

from corpus_common import read_jsonl

CHUNK = 2000
_GOLD = {}
_SOLUTIONS = {}


def _init(solutions):
    _SOLUTIONS.update(solutions)


def _score(row):
    from math_verify import parse, verify
    doc_id = row["doc_id"]
    if doc_id not in _GOLD:
        _GOLD[doc_id] = parse(_SOLUTIONS[doc_id])
    try:
        target = parse(row["response"])
        ok = bool(verify(gold=_GOLD[doc_id], target=target))
        extracted = str(target[-1]) if target else ""
    except Exception as e:  # the reference would propagate; record it instead of losing the chunk
        ok, extracted = False, f"<error {type(e).__name__}>"
    s = 1.0 if ok else 0.0
    return {"case": row["case"], "score": s, "metrics": {"math_verify,none": s}, "extracted": extracted}


def score_math500(data, rows, out, workers):
    solutions = {r["unique_id"]: r["solution"] for r in read_jsonl(os.path.join(data, "math500/test.jsonl"))}
    chunk_dir = os.path.join(out, "ref_chunks")
    os.makedirs(chunk_dir, exist_ok=True)
    results = []
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(workers, initializer=_init, initargs=(solutions,), maxtasksperchild=None) as pool:
        for start in range(0, len(rows), CHUNK):
            part = rows[start:start + CHUNK]
            # Named by content, so a changed corpus never reuses stale verdicts.
            digest = hashlib.sha256(json.dumps(part, ensure_ascii=False).encode()).hexdigest()[:16]
            path = os.path.join(chunk_dir, f"{start:07d}-{digest}.jsonl")
            if os.path.exists(path):
                results.extend(read_jsonl(path))
                continue
            got = pool.map(_score, part, chunksize=50)
            with open(path + ".tmp", "w", encoding="utf-8") as f:
                for g in got:
                    f.write(json.dumps(g, ensure_ascii=False) + "\n")
            os.replace(path + ".tmp", path)
            results.extend(got)
    return results
