"""Response corpora for the numeric benches: GSM8K and AIME 2024 (integers in every dress:
separators, currency, LaTeX boxes, markdown, unicode digits, distractor numbers)."""
import re

from corpus_common import ARABIC_INDIC, DEVANAGARI, FULLWIDTH, maybe_long, noisy, prose, line_endings


def with_commas(s):
    neg = s.startswith("-")
    digits = s.lstrip("-")
    whole, dot, frac = digits.partition(".")
    out = ""
    while len(whole) > 3:
        out = "," + whole[-3:] + out
        whole = whole[:-3]
    return ("-" if neg else "") + whole + out + dot + frac


def number_forms(rng, n):
    """Spellings of the number string `n` (what a model might write)."""
    forms = [n, n, n, with_commas(n), "$" + n, "$" + with_commas(n), n + ".", n + ".00", n + ".0",
             n + "%", "+" + n, "0" + n, n.translate(FULLWIDTH), n.translate(ARABIC_INDIC),
             n.translate(DEVANAGARI), n + " dollars", "\\$" + n, n + "\u00a0", "**" + n + "**",
             n.replace("0", "O") if "0" in n else n, with_commas(n).replace(",", " "),
             with_commas(n).replace(",", "."), n + "e0", "−" + n, "-" + n, n[:-1] if len(n) > 1 else n]
    return rng.choice(forms)


def other_number(rng, n):
    try:
        v = int(float(n.replace(",", "")))
    except ValueError:
        v = rng.randint(0, 999)
    return str(v + rng.choice([-10, -1, 1, 2, 100, 1000, -2 * v if v else 5]))


def gsm8k_response(rng, gold):
    a = number_forms(rng, gold) if rng.random() < 0.75 else number_forms(rng, other_number(rng, gold))
    d = other_number(rng, gold)
    templates = [
        "{p}\nThe answer is {a}.",
        "{p}\n#### {a}",
        "{p}\n#### {a}\n",
        "{p} So the total is {a}",
        "{p}\n\n**Answer:** {a}",
        "{p}\nFinal answer: $\\boxed{{{a}}}$",
        "{p}\n#### {d}\nWait, correcting: #### {a}",
        "{p}\n#### {a}\nCheck: {d} - 1 = {d}.",
        "{p} She ends with {a} apples, not {d}.",
        "{p}\nAnswer: {a} (from {d} + 0)",
        "{a}",
        "{p}",
        "",
        "   ",
        "{p}\n####{a}",
        "{p}\n#### ${a}",
        "{p}\n#### {a}.{d}",
        "{p} The result: {a}.\n\nQuestion: what about {d}?",
        "{p}\n- step: {d}\n- result: **{a}**",
        "{p} {d}, {a}, ... {a}",
        "{p}\n```\n{a}\n```",
        "{p}\nTotal = {d} + ({a} - {d}) = {a}",
        "{p}\nHe pays $1,{a}.50 in total.",
        "{p}\nanswer is .{a}",
        "{p}\n#### -{a}",
    ]
    r = rng.choice(templates).format(p=prose(rng), a=a, d=d)
    return maybe_long(rng, line_endings(rng, noisy(rng, r)))


def aime_response(rng, gold):
    g = gold if rng.random() < 0.7 else other_number(rng, gold)
    a = rng.choice([g, g, g, g.zfill(3), "+" + g, g + ".0", with_commas(g), g.translate(FULLWIDTH),
                    g.translate(ARABIC_INDIC), "0" + g, g + "^\\circ", "\\text{" + g + "}", "-" + g])
    d = other_number(rng, gold)
    templates = [
        "{p}\nThe final answer is $\\boxed{{{a}}}$.",
        "{p}\n\\boxed{{{a}}}",
        "{p}\n\\boxed {{ {a} }}",
        "{p}\n\\boxed{{\\frac{{{a}}}{{1}}}}",
        "{p}\n\\boxed{{{d}}} is wrong; \\boxed{{{a}}}",
        "{p}\n\\boxed{{{a}}} and earlier \\boxed{{x}}",
        "{p}\nAnswer: {a}",
        "{p}\n**Final Answer:** {a}",
        "{p}\n  **Answer**: ${a}$",
        "{p}\nfinal answer: \\boxed{{{a}}}",
        "{p}\nThe answer is \\boxe{{{a}}}",
        "{p}\nSo the answer is {a}",
        "{p}\nTherefore m+n = {a}.",
        "{p}\nHence x equals {a}",
        "{p}\nWe get y = {d} and then z = {a} in the end, so",
        "{p}\nx = **{a}** was found.\nDone.",
        "{p} {d} {a}",
        "{p}\nIf the answer is {d}, then this is impossible.\nThe answer is {a}.",
        "{a}",
        "",
        "{p}",
        "{p}\n\\boxed{{}}",
        "{p}\n\\boxed{{ab}}\nAnswer: {a}",
        "{p}\n\\boxed{{{a}}} \n\n",
        "{p}\nAnswer:\n{a}",
        "{p}\n* answer {a}",
        "{p}\n= {a}$\n",
        "{p}\nThe value is {a}$.",
    ]
    r = rng.choice(templates).format(p=prose(rng), a=a, d=d)
    return maybe_long(rng, line_endings(rng, noisy(rng, r)))


def gsm8k_gold(answer):
    return re.sub(",", "", answer.split("####")[-1].strip())
