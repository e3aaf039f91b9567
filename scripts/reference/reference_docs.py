"""Dataset rows as the reference packages see them (lm-eval's own doc processing)."""
import csv
import io
import os
import random
import zipfile

GPQA_ZIP_PASSWORD = b"deserted-untie-orchid"  # published with the GPQA release


def gpqa_docs(data):
    """GPQA Diamond rows after lm-eval 0.4.11's gpqa cot_zeroshot process_docs, with the global
    RNG seeded as lm-eval's simple_evaluate seeds it (random_seed=0) before task loading."""
    import datasets
    from lm_eval.tasks.gpqa.cot_zeroshot import utils as gpqa_utils

    with zipfile.ZipFile(os.path.join(data, "gpqa_diamond/dataset.zip")) as z:
        raw = z.read("dataset/gpqa_diamond.csv", pwd=GPQA_ZIP_PASSWORD).decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(raw)))
    ds = datasets.Dataset.from_list(rows)
    random.seed(0)
    processed = gpqa_utils.process_docs(ds)
    return [dict(d) for d in processed]
