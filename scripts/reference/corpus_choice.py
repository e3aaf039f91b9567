"""Response corpora for the multiple-choice benches: ARC-Challenge (letter phrases, boxes,
stray capitals in the tail) and GPQA Diamond ("(X)" forms, choice-text fallbacks, ": X")."""
from corpus_common import maybe_long, noisy, prose, line_endings

LETTERS = "ABCD"


def arc_response(rng, gold):
    a = gold if rng.random() < 0.6 else rng.choice("ABCDE")
    other = rng.choice(LETTERS)
    a_form = rng.choice([a, a, a, a.lower(), "(" + a + ")", a + ".", a + ")", "**" + a + "**", "Ａ" if a == "A" else a, " " + a])
    templates = [
        "{p}\nThe best answer is {f}",
        "{p}\nThe best answer is {f}.",
        "{p}\nthe best answer is {f}",
        "{p}\nAnswer: {f}",
        "{p}\n**Answer:** {f}",
        "{p}\nFinal answer: {f}",
        "{p}\nfinal answer {f}",
        "{p}\nThe answer is ({f})",
        "{p}\nThe answer is a bit unclear, but {f} seems right.",
        "{p}\n\\boxed{{{f}}}",
        "{p}\n$\\boxed{{ {f} }}$",
        "{p}\nI pick {o}. No wait, {f}.",
        "{p}\nOption {f} is correct.",
        "{p}\n{f}",
        "{f}",
        "",
        "{p}",
        "{p}\nA and B are wrong; C is plausible. The best answer is {f}",
        "{p}\nThe best answer is {o}.\n\nOn reflection, answer: {f}",
        "{p}\nThe best answer is **{f}**",
        "{p}\nThe best answer is *{f}*",
        "{p}\nThe best answer is\n\n{f}",
        "{p}\nAnswer is {f}: because of gravity.",
        "{p}\nAnswer:{f}",
        "{p}\nThe answer is Approximately right: {f}",
        "{p}\n(1) {o} (2) {f}",
        "{p}\nBest answer is D{f}",
        "{p}\nThe best answer is {f}\n\nQuestion: is {o} also fine? Maybe I.",
    ]
    r = rng.choice(templates).format(p=prose(rng), f=a_form, o=other)
    return maybe_long(rng, line_endings(rng, noisy(rng, r)), 0.02)


def gpqa_response(rng, doc):
    """doc: lm-eval's processed GPQA doc (choice1..4, answer "(X)")."""
    gold = doc["answer"][1]
    a = gold if rng.random() < 0.55 else rng.choice("ABCDE")
    choices = [doc["choice1"], doc["choice2"], doc["choice3"], doc["choice4"]]
    text = choices["ABCD".index(a)] if a in "ABCD" else rng.choice(choices)
    other = rng.choice(choices)
    templates = [
        "{p}\nThe answer is ({a})",
        "{p}\nThe answer is ({a}).",
        "{p}\nThe correct answer is ({a}) {t}",
        "{p}\n**Answer: ({a})**",
        "{p}\n({o_l}) looks tempting, but the answer is ({a}).",
        "{p}\nAnswer: {a}",
        "{p}\nAnswer:\n\n{a}",
        "{p}\nThe answer is {t}",
        "{p}\nThe answer is {t}.",
        "{p}\nSo it must be: {t}",
        "{p}\nEither {o} or {t}; I choose {t}",
        "{p}\nThe answer is ({al})",
        "{p}\n\\boxed{{{a}}}",
        "{p}\n\\boxed{{({a})}}",
        "{p}\n(E) none of the above",
        "{p}\nThe answer is {a}",
        "{p}",
        "",
        "({a})",
        "{p}\n({a}) and then (B) for comparison and (C) too. Final: ({a})",
        "{p}\nFinal answer: {a}.",
        "{p}\nThe answer is {t_up}",
        "{p}\nThe answer is {t}!!!",
        "{p}\nThe answer is 「{t}」",
        "{p}\nThe answer is ({a_fw})",
        "{p}\nThe answer is ( {a} )",
        "{p}\nThe answer is [{a}]",
        "{p}\nThe answer is {a})",
    ]
    r = rng.choice(templates).format(p=prose(rng), a=a, al=a.lower(), t=text, o=other, o_l=rng.choice("ABCD"),
                                     t_up=text.upper(), a_fw=a.translate(str.maketrans("ABCD", "ＡＢＣＤ")))
    return maybe_long(rng, line_endings(rng, noisy(rng, r)), 0.02)
