"""A fast first pass that rejects off-topic documents before any parsing.

One Aho-Corasick automaton over a multilingual conflict lexicon (``lang/multi/prefilter.json``: English
words, Russian and Arabic stems; plus every casualty, means and attack word of the English lexicons).
A document passes when its text, folded as the lexicons are (``textnorm.normfold``), contains one of
them as a word (English) or a word start (Russian, Arabic stems) — except for words common outside war
reporting ("kill", "shot", "hit", "attack", "fire"...), of which two different ones are needed. Its
recall is measured on every claim-bearing GED headline and re3d article (benchmarks/bench_prefilter.py).
"""

from __future__ import annotations

import re
from functools import lru_cache

import ahocorasick

from .extract.lexicon import data_json
from .textnorm import normfold

_DIGIT_NEAR = re.compile(r"\d")


class Prefilter:
    def __init__(self) -> None:
        data = data_json("harmledger.lang.multi", "prefilter.json")
        cas = data_json("harmledger.lang.en", "casualties.json")
        words = {normfold(w) for w in data["en"]}
        words.update(normfold(w) for role in ("killed", "injured", "casualties", "displaced")
                     for where in ("after", "before") for w in cas[role][where])
        words.update(normfold(w) for w in cas["attack_words"])
        words.update(normfold(w) for ws in data_json("harmledger.lang.en", "means.json")["means"].values() for w in ws)
        weak = {normfold(w) for w in data.get("weak", [])}
        context = {normfold(w) for w in data.get("context", [])} - words
        self.automaton = ahocorasick.Automaton()
        for w in words:
            self.automaton.add_word(w, (w, True, w in weak))  # whole words
        for w in data["ru_stems"] + data["ar_stems"]:
            self.automaton.add_word(normfold(w), (normfold(w), False, False))  # word starts
        for w in context:
            self.automaton.add_word(w, (w, True, None))  # context: counts only beside a weak word
        self.automaton.make_automaton()

    def keep_text(self, text: str) -> bool:
        """True when the text holds a strong conflict word, or a weak one with a second weak word, a
        context word (an armed actor, a victim, a place word) or a number next to it."""
        s = normfold(text)  # as the lexicons are matched: "air\xa0strike", curly quotes, dashes
        n = len(s)
        weak_seen: set[str] = set()
        context = False
        for end, (w, whole, weak) in self.automaton.iter(s):
            start = end - len(w) + 1
            if start > 0 and s[start - 1].isalnum():
                continue
            if whole and end + 1 < n and s[end + 1].isalnum():
                continue
            if weak is None:
                context = True
            elif not weak:
                return True
            else:
                weak_seen.add(w)
                if _DIGIT_NEAR.search(s, max(0, start - 16), min(n, end + 17)):
                    return True  # "127 killed", "kills 15"
            if len(weak_seen) >= 2 or (weak_seen and context):
                return True
        return False

    def keep_bytes(self, raw: bytes) -> bool:
        """The same on undecoded bytes (UTF-8 assumed; undecodable bytes are ignored)."""
        return self.keep_text(raw.decode("utf-8", errors="ignore"))


@lru_cache(maxsize=1)
def load() -> Prefilter:
    return Prefilter()
