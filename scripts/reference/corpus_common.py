"""Shared fabric for the adversarial response corpora: chat-reply prose, formatting wrappers,
unicode noise and very long texts. Every generator takes a random.Random so a corpus is a
pure function of its seed."""
import json
import os

FILLER = [
    "Let me think about this step by step.",
    "First, we note the given quantities.",
    "Okay, so the question asks for the total.",
    "We can set up the equation carefully.",
    "Hmm, wait — let me double-check that.",
    "Therefore, combining the two results gives us the value.",
    "Note: e.g. the U.S. convention (cf. Fig. 3) applies here.",
    "Step 1: read the problem. Step 2: compute. Step 3: answer.",
    "This is consistent with the earlier estimate of 12.5%.",
    "So, in total, 3 + 4 = 7 items and 2 x 5 = 10 more.",
    "Dr. Smith et al. reported 1,234 cases in 2019; i.e. about 3.4 per day.",
    "The answer might be 6, but that contradicts the constraint.",
    "Wait... actually no. Let's recompute!",
    "Σ over all i of a_i equals the sum we want — straightforward.",
    "¿Qué pasa? Nothing unusual here; 東京 is just an example.",
]

UNICODE_NOISE = ["\u00a0", "\u200b", "\u2009", "\u3000", "\u2028", "\ufeff", "\t", "\r\n", "😀", "é", "—", "…"]

FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
DEVANAGARI = str.maketrans("0123456789", "०१२३४५६७८९")


def prose(rng, n_min=0, n_max=4):
    return " ".join(rng.choice(FILLER) for _ in range(rng.randint(n_min, n_max)))


def noisy(rng, text, p=0.3):
    """Sprinkles unicode whitespace, emoji and accents between words."""
    if rng.random() > p:
        return text
    words = text.split(" ")
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(words) + 1)
        words.insert(i, rng.choice(UNICODE_NOISE))
    return " ".join(words)


def long_text(rng, core, target_chars):
    """Buries `core` inside `target_chars` of reasoning prose (answer near the end)."""
    parts = []
    size = 0
    while size < target_chars:
        s = rng.choice(FILLER)
        if rng.random() < 0.2:
            s += "\n\n"
        parts.append(s)
        size += len(s) + 1
    return " ".join(parts) + "\n\n" + core


def maybe_long(rng, text, p=0.03):
    if rng.random() < p:
        return long_text(rng, text, rng.choice([5_000, 20_000, 60_000]))
    return text


def line_endings(rng, text, p=0.1):
    if rng.random() < p:
        return text.replace("\n", rng.choice(["\r\n", "\r", "\n\n"]))
    return text


def write_jsonl(path, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def safe_text(s):
    """Drops lone surrogates: the corpus must be valid UTF-8 for every consumer."""
    return s.encode("utf-8", "ignore").decode("utf-8") if isinstance(s, str) else s
