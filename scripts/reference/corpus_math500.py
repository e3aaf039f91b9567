"""MATH-500 response corpus: every gold answer of the dataset x many fuzzed prediction forms
(LaTeX rewrites, numeric evaluations, units, intervals, sets, wrappers, wrong answers)."""
import re
from fractions import Fraction

from corpus_common import FULLWIDTH, noisy, prose

FRAC = re.compile(r"\\[dt]?frac\{(-?\d+)\}\{(-?\d+)\}")


def latex_rewrites(rng, ans):
    """Forms of the same LaTeX answer that a model might write."""
    out = [ans]
    out.append(ans.replace("\\dfrac", "\\frac").replace("\\tfrac", "\\frac"))
    out.append(ans.replace("\\frac", "\\dfrac"))
    out.append(FRAC.sub(lambda m: m.group(1) + "/" + m.group(2), ans))
    out.append(FRAC.sub(lambda m: "\\frac" + m.group(1) + m.group(2) if len(m.group(1)) == 1 and len(m.group(2)) == 1 else m.group(0), ans))
    out.append(ans.replace(" ", ""))
    out.append(ans.replace(",", ", "))
    out.append(ans.replace("(", "\\left(").replace(")", "\\right)"))
    out.append(ans.replace("\\sqrt{", "\\sqrt ").replace("}", "") if "\\sqrt{" in ans and ans.count("{") == 1 else ans)
    out.append(re.sub(r"\\sqrt\{(\d)\}", r"\\sqrt\1", ans))
    out.append(ans.replace("\\pi", "π"))
    out.append(ans.replace("^\\circ", "°").replace("^{\\circ}", "°"))
    out.append(ans.replace("^\\circ", "").replace("^{\\circ}", ""))
    out.append(ans.replace("\\text{", "\\mathrm{"))
    out.append(re.sub(r"\\text\{\s*([^}]*)\}", r"\1", ans))
    out.append(ans + "\\text{ cm}")
    out.append(ans + " \\text{ units}^2")
    out.append(ans + "\\%")
    out.append(ans + " degrees")
    out.append("x = " + ans)
    out.append("k=" + ans)
    out.append(ans.replace("[", "(").replace("]", ")"))
    out.append(ans.replace("(", "[").replace(")", "]"))
    out.append("\\{" + ans + "\\}")
    out.append(ans.upper() if len(ans) < 4 else ans)
    out.append(ans.translate(FULLWIDTH))
    out.append(ans + ".")
    out.append("-" + ans)
    out.append(ans + "+1")
    out.append(ans.replace("1", "7", 1) if "1" in ans else ans + "0")
    out.append("2" + ans if ans[:1].isdigit() else ans)
    return out


def numeric_forms(ans):
    """Decimal renderings when the answer is a plain fraction or integer."""
    out = []
    m = re.fullmatch(r"(-?)\\[dt]?frac\{(\d+)\}\{(\d+)\}", ans.strip())
    value = None
    if m and int(m.group(3)) != 0:
        value = Fraction(int(m.group(2)), int(m.group(3))) * (-1 if m.group(1) else 1)
    elif re.fullmatch(r"-?\d+", ans.strip()):
        value = Fraction(int(ans.strip()))
    elif re.fullmatch(r"-?\d+\.\d+", ans.strip()):
        value = Fraction(ans.strip())
    if value is None:
        return out
    f = float(value)
    for digits in (1, 2, 3, 5, 6, 7, 10, 15):
        out.append(f"{f:.{digits}f}")
    out.append(f"{value.numerator}/{value.denominator}")
    out.append(f"\\frac{{{value.numerator}}}{{{value.denominator}}}")
    out.append(f"{f:,.2f}")
    out.append(f"{f:e}")
    out.append(str(value.numerator * 2) + "/" + str(value.denominator * 2))
    out.append(f"{f * 100:g}\\%")
    out.append(f"{f * 100:g} percent")
    out.append(f"{f:g}")
    return out


WRAPPERS = [
    "{p}\nThe final answer is ${a}$. I hope it is correct.",
    "{p}\n\nFinal Answer: The final answer is ${a}$. I hope it is correct.",
    "{p}\nTherefore the answer is $\\boxed{{{a}}}$.",
    "{p}\n\\[\\boxed{{{a}}}\\]",
    "{p}\n$$\\boxed{{{a}}}$$",
    "\\boxed{{{a}}}",
    "{p}\nAnswer: ${a}$",
    "{p}\n**Answer:** {a}",
    "{p}\nThe answer is {a}",
    "{p}\nSo we get $x = {a}$.",
    "{p}\n\\({a}\\)",
    "{p}\n\\[ {a} \\]",
    "{p}\n$\\boxed{{{a}}}$ and also $\\boxed{{{b}}}$",
    "{p}\n$\\boxed{{{b}}}$, wait, no: $\\boxed{{{a}}}$",
    "{p}\nThe final answer is $\\boxed{{{a}}}$",
    "{p}\nfinal answer is {a}",
    "{p}\n\\fbox{{{a}}}",
    "{p}\n\\boxed{{\\text{{{a}}}}}",
    "{p}\n\\boxed{{{a}}}\n\n**Verification:** we had ${b}$ before.",
    "{p}\nThus ${b}$ gives ${a}$.",
    "{p} {a}",
    "{a}",
    "{p}\n```latex\n\\boxed{{{a}}}\n```",
    "{p}\nThe answer is: **${a}$**",
    "{p}\nAnswer: \\boxed{{{a}}}\nFinal answer: {b}",
]


def math500_cases(rng, rows, per_doc):
    """Yields (doc_id, response) pairs: per_doc forms of each row's answer."""
    answers = [r["answer"] for r in rows]
    for i, row in enumerate(rows):
        gold = row["answer"]
        doc_id = row["unique_id"]
        forms = latex_rewrites(rng, gold) + numeric_forms(gold)
        for k in range(per_doc):
            if k % 10 == 9:
                a = rng.choice(answers)                      # another problem's answer
            else:
                a = rng.choice(forms)
            b = rng.choice(answers)
            if k % 25 == 24:
                yield doc_id, row["solution"]                # the reference solution itself
                continue
            r = rng.choice(WRAPPERS).format(p=prose(rng, 0, 2), a=a, b=b)
            if rng.random() < 0.05:
                r = noisy(rng, r, 1.0)
            yield doc_id, r
