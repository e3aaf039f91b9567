"""The checks of scripts/peer-check.sh that need more than curl: capture a peer's real replies,
judge the harness run stored against it, and compare greedy tokens with the embedded engine.

  capture BASE FLAVOUR OUT_DIR     real JSON of the info routes and of chosen chat replies
  store DB CKPT FLAVOUR            samples stored, flavour detected, reasoning split
  greedy BASE FLAVOUR HARNESS CKPT prompt ids and 32 greedy tokens: peer vs embedded engine

Each command prints lines for the transcript and, last, one JSON object for the script.
Standard library only (urllib, sqlite3), so any python3 runs it.
"""
import json
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.request

MODEL = "gemma4-tiny-peer"
QUESTION = "Natalia sold clips to 48 of her friends in April. How many clips did she sell?"
N_GREEDY = 32


def http(method, url, body=None, timeout=600):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


def as_json(text):
    try:
        return json.loads(text)
    except ValueError:
        return None


def chat(base, flavour, max_tokens, thinking, budget=None, budget_field=None):
    body = {"model": MODEL, "messages": [{"role": "user", "content": QUESTION}],
            "max_tokens": max_tokens, "temperature": 0.0,
            "chat_template_kwargs": {"enable_thinking": thinking}}
    if budget is not None:
        body[budget_field] = budget
    return body, http("POST", base + "/v1/chat/completions", body)


def capture(base, flavour, out_dir):
    """Saves what the real server answers; tests/harness/peer_replies_test.cpp replays it."""
    import os
    os.makedirs(out_dir, exist_ok=True)
    saved = {}

    def save(name, status, text, request=None):
        j = as_json(text)
        record = {"status": status, "body": j if j is not None else text}
        if request is not None:
            record["request"] = request
        with open(os.path.join(out_dir, name + ".json"), "w") as f:
            json.dump(record, f, indent=1, ensure_ascii=False)
            f.write("\n")
        saved[name] = status
        print(f"captured {name}: HTTP {status}, {len(text)} bytes")

    for name, path in [("props", "/props"), ("models", "/v1/models"), ("version", "/version"),
                       ("health", "/health")]:
        save(name, *http("GET", base + path))
    req, (st, txt) = chat(base, flavour, 64, True)
    save("chat_reasoning", st, txt, req)
    req, (st, txt) = chat(base, flavour, 5, True)  # ends inside the thought: length-capped
    save("chat_length", st, txt, req)
    req, (st, txt) = chat(base, flavour, 64, False)
    save("chat_no_thinking", st, txt, req)
    # The budget under each server's field name: one of them must cut the thought after 1 token.
    for field in ["thinking_token_budget", "reasoning_budget_tokens"]:
        req, (st, txt) = chat(base, flavour, 64, True, 1, field)
        save("chat_budget_" + field, st, txt, req)
    return saved


def store(db, ckpt, flavour):
    script = json.load(open(ckpt + "/scripted_reply.json"))
    con = sqlite3.connect(db)
    runs = con.execute("select id, fingerprint from runs order by id desc limit 1").fetchall()
    if not runs:
        return {"stored": 0, "flavour": "none", "split": "FAILED: no run in the store"}
    run_id, fp = runs[0]
    detected = (as_json(fp) or {}).get("flavour", "unknown")
    rows = con.execute(
        "select s.doc_index, s.status, s.content, s.reasoning, s.finish_reason, s.response_raw, "
        "s.prompt_tokens, s.completion_tokens, s.latency_ms, s.error from samples s join bench_runs b "
        "on s.bench_run_id = b.id where b.run_id = ? order by s.doc_index", (run_id,)).fetchall()
    stored = sum(1 for r in rows if r[1] == "done")
    problems = []
    fields = set()
    for (doc, status, content, reasoning, finish, raw, pt, ct, ms, err) in rows:
        msg = ((as_json(raw) or {}).get("choices") or [{}])[0].get("message", {})
        field = next((f for f in ("reasoning_content", "reasoning") if msg.get(f)), "")
        fields.add(field or "none")
        print(f"  doc {doc}: {status}, finish {finish}, {pt} prompt + {ct} completion tokens, "
              f"{ms:.0f} ms, reasoning field {field or 'none'}: reasoning {reasoning!r}, content {content!r}"
              + (f", error {err}" if err else ""))
        if status != "done":
            problems.append(f"doc {doc} {status}: {err}")
        # Servers differ in how much of the "thought\n\n" label they strip: compare trimmed.
        elif reasoning.strip() != script["reasoning"] or content.strip() != script["content"]:
            problems.append(f"doc {doc}: reasoning {reasoning!r} content {content!r}, expected "
                            f"{script['reasoning']!r} / {script['content']!r}")
    split = "ok" if rows and not problems else "FAILED: " + ("; ".join(problems[:2]) or "no samples")
    return {"run_id": run_id, "stored": stored, "flavour": detected, "split": split,
            "reasoning_fields": sorted(fields)}


def engine_generate(harness, ckpt, args):
    out = subprocess.run([harness, "generate", "--engine", ckpt, "--json", "--max-tokens", str(N_GREEDY)] + args,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def peer_prompt_ids(base, flavour):
    """The peer's own rendering and tokenization of the thinking-on chat prompt."""
    messages = [{"role": "user", "content": QUESTION}]
    if flavour == "llama":
        st, txt = http("POST", base + "/apply-template",
                       {"messages": messages, "chat_template_kwargs": {"enable_thinking": True}})
        prompt = as_json(txt)["prompt"]
        # The rendered text has no <bos>: llama-server adds it when it tokenizes a chat prompt.
        st, txt = http("POST", base + "/tokenize", {"content": prompt, "add_special": True,
                                                     "parse_special": True})
        return as_json(txt)["tokens"]
    st, txt = http("POST", base + "/tokenize", {"model": MODEL, "messages": messages,
                                                 "add_generation_prompt": True,
                                                 "chat_template_kwargs": {"enable_thinking": True}})
    return as_json(txt)["tokens"]


def peer_greedy(base, flavour, ids):
    if flavour == "llama":
        st, txt = http("POST", base + "/completion",
                       {"prompt": ids, "n_predict": N_GREEDY, "temperature": 0.0, "ignore_eos": True,
                        "cache_prompt": False, "return_tokens": True})
        return as_json(txt)["tokens"]
    st, txt = http("POST", base + "/v1/completions",
                   {"model": MODEL, "prompt": ids, "max_tokens": N_GREEDY, "temperature": 0.0,
                    "ignore_eos": True, "return_token_ids": True})
    return as_json(txt)["choices"][0]["token_ids"]


def first_difference(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return f"token {i}: engine {x}, peer {y}"
    if len(a) != len(b):
        return f"lengths: engine {len(a)}, peer {len(b)}"
    return ""


def greedy(base, flavour, harness, ckpt):
    chat_run = engine_generate(harness, ckpt, ["--prompt", QUESTION, "--thinking"])
    engine_ids = chat_run["prompt_ids"]
    peer_ids = peer_prompt_ids(base, flavour)
    prompt_diff = first_difference(engine_ids, peer_ids)
    print(f"  chat prompt ids: engine {len(engine_ids)}, peer {len(peer_ids)}: "
          + ("equal" if not prompt_diff else "differ at " + prompt_diff))
    print(f"  engine chat reply tokens: {chat_run['tokens']}")
    # Dropping the final "\\n" leaves the scripted path: the model continues at a random
    # position, so all 32 tokens come from the random weights.
    ids = engine_ids[:-1]
    eng = engine_generate(harness, ckpt, ["--prompt-ids", ",".join(map(str, ids))])["tokens"][:N_GREEDY]
    peer = peer_greedy(base, flavour, ids)[:N_GREEDY]
    print(f"  greedy from {len(ids)} prompt ids: engine {eng}")
    print(f"  greedy from {len(ids)} prompt ids: peer   {peer}")
    diff = first_difference(eng, peer)
    if not diff and len(eng) < N_GREEDY:
        diff = f"only {len(eng)} tokens generated"
    verdict = "yes" if not diff and not prompt_diff else "no: " + (
        ("chat prompt ids differ at " + prompt_diff + "; ") if prompt_diff else "") + (diff or "greedy tokens equal")
    return {"equal": verdict, "prompt_ids_equal": not prompt_diff, "n": len(eng)}


def main():
    cmd = sys.argv[1]
    if cmd == "capture":
        result = capture(sys.argv[2], sys.argv[3], sys.argv[4])
    elif cmd == "store":
        result = store(sys.argv[2], sys.argv[3], sys.argv[4])
    elif cmd == "greedy":
        result = greedy(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5])
    else:
        raise SystemExit("usage: peer_report.py capture|store|greedy ...")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
