"""HumanEval / HumanEval+ response corpus: the canonical solution (and broken variants) in
every fence shape a chat model produces: closed, unclosed (the "\\n```" stop), indented,
other tags, several blocks, prose around, body only, rumination inside the fence, plus
programs whose verdict depends on the execution rules (sys.exit, __main__, slow loops)."""
import re

from corpus_common import prose


def broken(rng, code):
    """A plausible wrong solution."""
    choices = [
        lambda c: re.sub(r"return (.+)", r"return None", c, count=1),
        lambda c: c.replace("<", ">", 1) if "<" in c else c + "\n    return 0\n",
        lambda c: c.replace("+ 1", "+ 2", 1) if "+ 1" in c else c.replace("==", "!=", 1),
        lambda c: c.replace("    ", "  ", 1),                     # IndentationError
        lambda c: c + "\n    raise ValueError('oops')\n",
    ]
    return rng.choice(choices)(code)


def body_of(canonical):
    return canonical


def code_response(rng, row, allow_slow):
    prompt, sol = row["prompt"], row["canonical_solution"]
    full = prompt + sol
    good = rng.random() < 0.6
    code = full if good else prompt + broken(rng, sol)
    name = row["entry_point"]
    k = rng.randrange(24)
    if k == 0:
        return "```python\n" + code.rstrip("\n") + "\n```"
    if k == 1:
        return "```python\n" + code                                  # cut at the "\n```" stop
    if k == 2:
        return "Here is the code:\n```python\n" + code               # prose, unclosed fence
    if k == 3:
        return prose(rng, 1, 2) + "\n\n```python\n" + code.rstrip("\n") + "\n```\n\n" + prose(rng, 1, 2)
    if k == 4:
        ind = "    "
        return "* Reasoning:\n\n" + ind + "```python\n" + "\n".join(ind + ln for ln in code.rstrip("\n").split("\n")) + "\n" + ind + "```\n"
    if k == 5:
        return "```python3\n" + code.rstrip("\n") + "\n```"
    if k == 6:
        bad = prompt + broken(rng, sol)
        return "```python\n" + bad.rstrip("\n") + "\n```\nWait, fix:\n```python\n" + code.rstrip("\n") + "\n```"
    if k == 7:
        bad = prompt + broken(rng, sol)
        return "```python\n" + code.rstrip("\n") + "\n```\nAlternative:\n```python\n" + bad.rstrip("\n") + "\n```"
    if k == 8:
        return sol                                                    # body only, no fence
    if k == 9:
        return "```py\n" + code.rstrip("\n") + "\n* Input: a list\n* Output: the result\n```"
    if k == 10:
        return "```python\n" + code.rstrip("\n") + "\n\nif __name__ == \"__main__\":\n    print(" + name + ")\n```"
    if k == 11:
        return "```python\nimport sys\n" + code.rstrip("\n") + "\nsys.exit(0)\n```"
    if k == 12:
        return "```python\n" + code.replace("\n", "\r\n").rstrip("\r\n") + "\r\n```"
    if k == 13:
        return "```python\n" + code.replace("    ", "\t").rstrip("\n") + "\n```"
    if k == 14:
        return "```python\n" + prompt.rstrip("\n") + "\n```"                    # docstring only
    if k == 15:
        return "~~~python\n" + code.rstrip("\n") + "\n~~~"
    if k == 16:
        return ""
    if k == 17:
        return "```\n" + code.rstrip("\n") + "\n```"
    if k == 18:
        return "```python\n# 日本語 comment — ünïcode\n" + code.rstrip("\n") + "\n```"
    if k == 19:
        return "```python\nexit()\n" + code.rstrip("\n") + "\n```"
    if k == 20 and allow_slow:
        return "```python\n" + code.rstrip("\n") + "\nimport time\ntime.sleep(5)\n```"
    if k == 21:
        return "  ```Python  \n" + code.rstrip("\n") + "\n  ```"
    if k == 22:
        return "```python\nimport numpy as np\n" + code.rstrip("\n") + "\n```"
    return "The function:\n\n```python\n" + code.rstrip("\n") + "\n```\n\nIt runs in O(n)."
