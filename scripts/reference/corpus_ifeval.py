"""IFEval response corpus: for every prompt, replies built from its own instructions, each one
satisfied or broken at random, near the thresholds, with the formatting traps the checkers
parse (markdown, bullets, separators, JSON, quotes, case, abbreviations for Punkt)."""
import json

from corpus_common import FILLER, noisy

SENTENCES = [
    "The city wakes up slowly.", "Dr. Lee arrived at 9 a.m. with the U.S. team.", "Is this right?",
    "It works!", "Mr. and Mrs. Smith met at St. Louis.", "Prices rose 3.5% in Jan. of that year.",
    "He said \"Stop.\" Then he left.", "See e.g. the appendix.", "Wait... what?",
    "J. R. R. Tolkien wrote it.", "(This is a note.)", "No. 5 is the winner.",
    "The results, however, were mixed.", "Why not try again?", "It costs $4.99 per item.",
    "They visited Washington, D.C. last year.", "ok.", "1. First item.", "Version 2.0 shipped.",
]

FOREIGN = {
    "hi": "यह एक छोटा सा उदाहरण है। हम हिंदी में लिख रहे हैं और यह वाक्य काफी लंबा है।",
    "kn": "ಇದು ಕನ್ನಡದಲ್ಲಿ ಬರೆದ ಒಂದು ಸಣ್ಣ ಉದಾಹರಣೆ ವಾಕ್ಯವಾಗಿದೆ.",
    "mr": "हे मराठीत लिहिलेले एक छोटे उदाहरण आहे आणि आम्ही ते वाचतो.",
    "vi": "Đây là một ví dụ ngắn được viết bằng tiếng Việt cho bài kiểm tra.",
    "ko": "이것은 한국어로 쓴 짧은 예문입니다. 우리는 시험을 합니다.",
    "sw": "Huu ni mfano mfupi ulioandikwa kwa Kiswahili kwa ajili ya majaribio.",
    "de": "Dies ist ein kurzes Beispiel, das auf Deutsch geschrieben wurde.",
    "pa": "ਇਹ ਪੰਜਾਬੀ ਵਿੱਚ ਲਿਖੀ ਇੱਕ ਛੋਟੀ ਉਦਾਹਰਣ ਹੈ।",
    "fa": "این یک مثال کوتاه است که به زبان فارسی نوشته شده است.",
    "ru": "Это короткий пример, написанный на русском языке для проверки.",
    "bg": "Това е кратък пример, написан на български език за проверка.",
    "pt": "Este é um pequeno exemplo escrito em português para o teste.",
    "gu": "આ ગુજરાતીમાં લખાયેલ એક નાનું ઉદાહરણ છે.",
    "te": "ఇది తెలుగులో రాసిన ఒక చిన్న ఉదాహరణ వాక్యం.",
    "it": "Questo è un breve esempio scritto in italiano per la prova.",
    "ar": "هذا مثال قصير مكتوب باللغة العربية من أجل الاختبار.",
    "ta": "இது தமிழில் எழுதப்பட்ட ஒரு சிறிய உதாரணம் ஆகும்.",
    "fi": "Tämä on lyhyt esimerkki, joka on kirjoitettu suomeksi testiä varten.",
    "ur": "یہ اردو میں لکھی گئی ایک مختصر مثال ہے۔",
    "th": "นี่คือตัวอย่างสั้นๆ ที่เขียนเป็นภาษาไทยสำหรับการทดสอบ",
    "ne": "यो नेपालीमा लेखिएको एउटा सानो उदाहरण हो।",
    "bn": "এটি বাংলায় লেখা একটি ছোট উদাহরণ বাক্য।",
    "es": "Este es un ejemplo corto escrito en español para la prueba.",
    "fr": "Ceci est un court exemple écrit en français pour le test.",
}


def near(rng, n):
    return max(0, n + rng.choice([-2, -1, 0, 0, 0, 1, 2]))


def sentences(rng, n):
    return " ".join(rng.choice(SENTENCES) for _ in range(n))


def words(rng, n):
    pool = " ".join(FILLER).split()
    return " ".join(rng.choice(pool) for _ in range(n))


def ifeval_response(rng, row):
    ok = lambda: rng.random() < 0.6  # noqa: E731  (satisfy this instruction?)
    paras = [sentences(rng, rng.randint(1, 4)) for _ in range(rng.randint(1, 4))]
    head, tail = [], []
    finals = []
    sep = "\n\n"
    for iid, kw in zip(row["instruction_id_list"], row["kwargs"]):
        kw = {k: v for k, v in kw.items() if v is not None}
        kind = iid.split(":")[1]
        if kind == "existence" and ok():
            paras.append(" ".join(rng.choice([k, k.upper(), k.capitalize()]) for k in kw["keywords"]) + ".")
        elif kind == "frequency":
            paras.append(" ".join([kw["keyword"]] * near(rng, kw["frequency"])) + ".")
        elif kind == "forbidden_words" and not ok():
            paras.append("I must mention " + rng.choice(kw["forbidden_words"]) + "s and " + rng.choice(kw["forbidden_words"]) + ".")
        elif kind == "letter_frequency":
            paras.append(" ".join([kw["letter"] * 2] * near(rng, kw["let_frequency"] // 2)))
        elif kind == "response_language":
            text = FOREIGN.get(kw["language"], "English text only.")
            paras = [text] * len(paras) if ok() else paras + [text]
        elif kind == "number_sentences":
            paras = [sentences(rng, near(rng, kw["num_sentences"]))]
        elif kind == "number_paragraphs":
            n = near(rng, kw["num_paragraphs"])
            paras = [sentences(rng, 2) for _ in range(max(n, 1))]
            sep = rng.choice(["\n\n***\n\n", "\n***\n", " *** ", "\n\n* * *\n\n", "\n\n***\n\n***\n\n"])
        elif kind == "number_words":
            paras.append(words(rng, near(rng, kw["num_words"]) + rng.choice([-20, 0, 0, 5, 40])))
        elif kind == "nth_paragraph_first_word":
            n = near(rng, kw["num_paragraphs"])
            paras = [sentences(rng, 2) for _ in range(max(n, 1))]
            k = min(kw["nth_paragraph"], len(paras)) - 1
            fw = kw["first_word"]
            paras[k] = rng.choice([fw, fw.capitalize(), '"' + fw + '",', "'" + fw + ".", fw + "s"]) + " " + paras[k]
        elif kind == "number_placeholders":
            paras.append(" ".join(rng.choice(["[name]", "[address]", "[ x ]", "[]", "[[a]]"]) for _ in range(near(rng, kw["num_placeholders"]))))
        elif kind == "postscript" and ok():
            m = kw["postscript_marker"]
            tail.append(rng.choice([m, m.lower(), m.replace(".", ". ", 1), "P.S", "PS", m + ":"]) + " see you soon.")
        elif kind == "number_bullet_lists":
            items = [rng.choice(["* ", "- ", "*", "  * ", "** ", "-", "• ", "1. "]) + "item " + str(i) for i in range(near(rng, kw["num_bullets"]))]
            paras.append("\n".join(items))
        elif kind == "constrained_response":
            finals.append(rng.choice(["My answer is yes.", "My answer is no.", "My answer is maybe.", "my answer is yes.", "My answer is yes"]))
        elif kind == "number_highlighted_sections":
            paras.append(" ".join(rng.choice(["*hi*", "**bold**", "* *", "*a*b*", "***x***", "**  **"]) for _ in range(near(rng, kw["num_highlights"]))))
        elif kind == "multiple_sections":
            s = kw["section_spliter"]
            n = near(rng, kw["num_sections"])
            paras = [rng.choice([s, s.upper(), s.lower(), s + ":"]) + " " + str(i + 1) + "\n" + sentences(rng, 1) for i in range(n)]
        elif kind == "json_format":
            finals.append("json")
        elif kind == "title" and ok():
            head.append(rng.choice(["<<A Title>>", "<<>>", "<< >>", "<<Title\nBroken>>", "<<<T>>>"]))
        elif kind == "two_responses":
            finals.append("two")
        elif kind == "repeat_prompt" and ok():
            head.insert(0, rng.choice([kw["prompt_to_repeat"], kw["prompt_to_repeat"].upper(), kw["prompt_to_repeat"][:-1]]))
        elif kind == "end_checker" and ok():
            tail.append(rng.choice([kw["end_phrase"], kw["end_phrase"].lower(), kw["end_phrase"] + '"', kw["end_phrase"] + " "]))
        elif kind == "quotation":
            finals.append("quote")
        elif kind == "capital_word_frequency":
            paras.append(" ".join(rng.choice(["NASA", "OK", "WOW", "U.S.", "I", "DON'T", "A1"]) for _ in range(near(rng, kw["capital_frequency"]))))
        elif kind == "english_capital":
            finals.append("upper")
        elif kind == "english_lowercase":
            finals.append("lower")
        elif kind == "no_comma":
            finals.append("nocomma")
    text = "\n\n".join(head + [sep.join(paras)] + tail)
    rng.shuffle(finals)
    for f in finals:
        if not ok():
            continue
        if f == "json":
            obj = json.dumps({"answer": text}, ensure_ascii=rng.random() < 0.5)
            text = rng.choice(["```json\n%s\n```", "%s", "```JSON\n%s```", "```\n%s\n```", "Here: %s"]) % obj
        elif f == "two":
            text = text + rng.choice(["\n******\n", "******", "\n*******\n"]) + sentences(rng, 2)
        elif f == "quote":
            text = rng.choice(['"%s"', '“%s”', '"%s', ' "%s" ']) % text
        elif f == "upper":
            text = text.upper()
        elif f == "lower":
            text = text.lower()
        elif f == "nocomma":
            text = text.replace(",", "")
    for f in finals:
        if f.startswith("My answer") or f.startswith("my answer"):
            text += "\n" + f
    if rng.random() < 0.1:
        text = noisy(rng, text, 1.0)
    if rng.random() < 0.05:
        text = rng.choice(["**", "", "\n", "   "]) + text + rng.choice(["**", "", "\n\n*"])
    return text
