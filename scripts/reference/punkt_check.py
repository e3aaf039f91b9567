"""Issue #15 item 4: the harness's Punkt port against NLTK's punkt_tab sent_tokenize (the NLTK
lm-eval 0.4.x's IFEval uses). Steps (run.sh drives them):
  punkt_check.py corpus DATA_DIR OUT     texts: the IFEval prompts, every IFEval corpus response
                                          (when present) and crafted abbreviation/quote traps
  punkt_check.py reference OUT           NLTK sentences -> OUT/reference.jsonl
  punkt_check.py compare OUT FIXTURE_DIR  OUT/harness.jsonl (from punkt_sentences) vs reference"""
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from corpus_common import FILLER, read_jsonl, write_jsonl  # noqa: E402
from corpus_ifeval import SENTENCES  # noqa: E402

TRAPS = ["Mr.", "Dr.", "e.g.", "i.e.", "U.S.", "a.m.", "p.m.", "No.", "St.", "Jan.", "Fig.", "etc.", "vs.", "Inc.",
         "...", "?!", "!!", "\"", "'", ")", "(", "1.", "2.", "J.", "K.", "$3.50", "98.6", "www.x.com.", "\n\n", "\n",
         "«", "»", "“", "”", "—", "-", "*", "**", ":", ";", "A.B.C.", "Ph.D.", "approx.", "Sept.", "cf.", "al."]


def crafted(rng, n):
    words = " ".join(FILLER + SENTENCES).split()
    out = []
    for _ in range(n):
        toks = [rng.choice(words) if rng.random() < 0.7 else rng.choice(TRAPS) for _ in range(rng.randint(1, 40))]
        t = " ".join(toks)
        if rng.random() < 0.2:
            t = t.upper() if rng.random() < 0.5 else t.lower()
        out.append(t)
    return out


def make_corpus(data, out):
    rng = random.Random("harness-reference-punkt-1")
    texts = [r["prompt"] for r in read_jsonl(os.path.join(data, "ifeval/input_data.jsonl"))]
    ifeval_corpus = os.path.join(os.path.dirname(out), "ifeval", "corpus.jsonl")
    if os.path.exists(ifeval_corpus):
        texts += [r["response"] for r in read_jsonl(ifeval_corpus)]
    texts += crafted(rng, 3000)
    write_jsonl(os.path.join(out, "corpus.jsonl"), [{"case": i, "text": t} for i, t in enumerate(texts)])


def reference(out):
    import nltk
    rows = read_jsonl(os.path.join(out, "corpus.jsonl"))
    # NLTK >= 3.9: sent_tokenize loads PunktTokenizer("english") from punkt_tab.
    write_jsonl(os.path.join(out, "reference.jsonl"),
                [{"case": r["case"], "sentences": nltk.tokenize.sent_tokenize(r["text"])} for r in rows])


def compare(out, fixture_dir):
    rows = read_jsonl(os.path.join(out, "corpus.jsonl"))
    ref = read_jsonl(os.path.join(out, "reference.jsonl"))
    har = read_jsonl(os.path.join(out, "harness.jsonl"))
    assert len(rows) == len(ref) == len(har), "punkt: corpus, reference and harness line counts differ"
    from documented import DIVERGENCE_FILES, documented_classes  # noqa: E402
    known = documented_classes("ifeval", os.path.join(os.path.dirname(__file__), "..", ".."))
    assert DIVERGENCE_FILES["ifeval"]
    agree, divs, documented, classes = 0, [], 0, {}
    for c, r, h in zip(rows, ref, har):
        if r["sentences"] == h["sentences"]:
            agree += 1
            continue
        # NLTK 3.9+ Punkt treats curly quotes and guillemets as sentence punctuation; the
        # port follows NLTK 3.8's regexes.
        cls = "punkt-unicode-quotes" if any(q in c["text"] for q in "“”‘’«»") else None
        if cls in known:
            documented += 1
        classes[str(cls)] = classes.get(str(cls), 0) + 1
        divs.append({"case": c["case"], "text": c["text"], "sentences": r["sentences"], "harness": h["sentences"],
                     "class": cls})
    write_jsonl(os.path.join(out, "divergences.jsonl"), divs)
    result = {"bench": "punkt", "cases": len(rows), "agree": agree, "diverge": len(divs), "documented": documented,
              "classes": classes}
    with open(os.path.join(out, "result.json"), "w") as f:
        json.dump(result, f, indent=1)
    rng = random.Random("fixture-punkt")
    diverging = {d["case"] for d in divs}
    sample = [{"text": c["text"], "sentences": r["sentences"]} for c, r in zip(rows, ref)
              if len(c["text"]) <= 3000 and c["case"] not in diverging]
    picked = rng.sample(sample, min(400, len(sample)))
    picked += [{"text": d["text"], "sentences": d["sentences"], "divergence": d["class"], "harness": d["harness"]}
               for d in divs if d["class"] in known and len(d["text"]) <= 3000][:40]
    write_jsonl(os.path.join(fixture_dir, "punkt.jsonl"), picked)
    print(f"punkt cases={len(rows)} agree={agree} diverge={len(divs)} documented={documented} {classes}")


if __name__ == "__main__":
    step = sys.argv[1]
    if step == "corpus":
        make_corpus(sys.argv[2], sys.argv[3])
    elif step == "reference":
        reference(sys.argv[2])
    elif step == "compare":
        compare(sys.argv[2], sys.argv[3])
    else:
        raise SystemExit(__doc__)
