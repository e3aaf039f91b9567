"""Divergence classes: why the harness and the reference may disagree on a case. Each class
is listed in the bench's DIVERGENCES.md as a bullet `- `class-id`: reason`; a divergence
counts as documented only when classify() names it and that bullet exists."""
import json
import os
import re

DIVERGENCE_FILES = {b: f"benches/{b}/DIVERGENCES.md" for b in
                    ["gsm8k", "arc_challenge", "gpqa_diamond", "aime2024", "math500", "ifeval", "humaneval"]}
DIVERGENCE_FILES["humanevalplus"] = "benches/humaneval/DIVERGENCES.md"

LANGUAGE_CHECKS = {"language:response_language", "change_case:english_capital", "change_case:english_lowercase"}
_IFEVAL_ROWS = {}


def documented_classes(bench, repo):
    path = os.path.join(repo, DIVERGENCE_FILES[bench])
    if not os.path.exists(path):
        return set()
    with open(path, encoding="utf-8") as f:
        return set(re.findall(r"^- `([a-z0-9]+(?:-[a-z0-9]+)+)`", f.read(), re.M))


def ifeval_row(doc_id):
    if not _IFEVAL_ROWS:
        data = os.environ.get("HARNESS_DATA_DIR", "")
        with open(os.path.join(data, "ifeval/input_data.jsonl"), encoding="utf-8") as f:
            for line in f:
                row = json.loads(line)
                _IFEVAL_ROWS[str(row["key"])] = row
    return _IFEVAL_ROWS[doc_id]


def langdetect_seed0_is_not_plurality(text):
    """True when langdetect's seed-0 verdict (the reference run's) differs from the plurality
    of seeds 0..10 that the harness answers (benches/ifeval/DIVERGENCES.md, langdetect)."""
    from collections import Counter
    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException
    verdicts = []
    for seed in range(11):
        DetectorFactory.seed = seed
        try:
            verdicts.append(detect(text))
        except LangDetectException:
            verdicts.append("error")
    DetectorFactory.seed = 0
    counts = Counter(verdicts)
    best = max(counts.values())
    plurality = next(v for v in verdicts if counts[v] == best)
    return verdicts[0] != plurality


def classify_ifeval(case, ref, har):
    row = ifeval_row(case["doc_id"])
    ins = har.get("details", {}).get("instructions", [])
    differ = set()
    for i, iid in enumerate(row["instruction_id_list"]):
        rs = ref["metrics"]["inst_level_strict_acc,none"][i]
        rl = ref["metrics"]["inst_level_loose_acc,none"][i]
        if i >= len(ins) or ins[i]["strict"] != rs or ins[i]["loose"] != rl:
            kw = row["kwargs"][i]
            if iid == "keywords:letter_frequency" and not re.fullmatch(r"[A-Za-z]", kw.get("letter", "")):
                differ.add("letter-frequency-random-letter")
            elif iid in LANGUAGE_CHECKS and langdetect_seed0_is_not_plurality(case["response"]):
                differ.add("langdetect-seed0-vs-plurality")
            else:
                differ.add(None)
    if not differ or None in differ:
        return None
    return sorted(differ)[0]  # every class named here is documented on its own


_MATH500_GOLD = {}


def math500_reference_again(case):
    """math-verify's verdict computed a second time (this process, one case at a time)."""
    from math_verify import parse, verify
    if not _MATH500_GOLD:
        data = os.environ.get("HARNESS_DATA_DIR", "")
        with open(os.path.join(data, "math500/test.jsonl"), encoding="utf-8") as f:
            for line in f:
                row = json.loads(line)
                _MATH500_GOLD[row["unique_id"]] = row["solution"]
    return 1.0 if verify(gold=parse(_MATH500_GOLD[case["doc_id"]]), target=parse(case["response"])) else 0.0


def classify_math500(case, ref, har):
    r = case["response"]
    if "\\left\\left" in r or "\\right\\right" in r:
        return "math500-doubled-left-right"
    if re.search(r"\\text\{[^}]*(\\|π)", r) and ref["score"] == 1.0:
        return "math500-latex-inside-text"
    if re.search(r"=[^=$\n]*=|= *[a-z] *\\in", r) and ref["score"] == 0.0:
        return "math500-relation-chain"
    if re.search(r"\\mbox\{[^}]*\}\^\d\\%", r):
        return "math500-unit-then-percent"
    if any(ch in r for ch in "\u2028\u2029\x85\xa0\u2009\ufeff\u3000\u200b"):
        return "math500-unicode-space"
    if re.search(r"\[[^\]]*\]\[", r):
        return "math500-bracket-juxtaposition"
    # math-verify's 5 s limits are wall-clock signal alarms: on a loaded machine a parse or
    # verify can time out in one run and not in the next.
    if math500_reference_again(case) == float(har["metrics"]["math_verify,none"]):
        return "math500-reference-timeout-under-load"
    return None


def classify_code(case, ref, har):
    d = har.get("details", {})
    # The reference's 3.0 s is wall-clock time on whatever machine runs it; the harness scales
    # its limit by the measured machine speed (benches.md §7: give the fast-machine verdict).
    if ref.get("result") == "timed out" and d.get("status") == "passed" and \
            float(d.get("cpu_s", 1e9)) <= float(d.get("cpu_budget_s", 0)):
        return "humaneval-reference-wall-clock-timeout"
    # HE+ tests compare outputs through numpy; the sandbox has Debian's numpy 1.24, the
    # reference virtualenv numpy 2.x, which treat some non-numeric outputs differently.
    if ref.get("result") == "passed" and "ufunc" in str(d.get("reason", "")):
        return "humanevalplus-numpy-version"
    return None


def classify(bench, case, ref, har, differing):
    if bench in ("humaneval", "humanevalplus"):
        return classify_code(case, ref, har)
    if bench == "ifeval":
        return classify_ifeval(case, ref, har)
    if bench == "math500":
        return classify_math500(case, ref, har)
    return None
