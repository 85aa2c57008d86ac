"""A fast first pass that rejects off-topic documents before any parsing.

One Aho-Corasick automaton over a multilingual conflict lexicon (``lang/multi/prefilter.json``: English
words, Russian and Arabic stems; plus every casualty, means and attack word of the English lexicons).
A document passes when its raw bytes, decoded and lower-cased, contain at least one of them as a word
(English) or a word start (Russian, Arabic stems). The extractor never finds a claim without such a
word, so the prefilter costs no recall on what ``extract`` can read; its false positives (sports
"attacks", "killed it") are left to the extractor.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

import ahocorasick


class Prefilter:
    def __init__(self) -> None:
        with resources.files("harmledger.lang.multi").joinpath("prefilter.json").open(encoding="utf-8") as f:
            data = json.load(f)
        words = set(w.lower() for w in data["en"])
        with resources.files("harmledger.lang.en").joinpath("casualties.json").open(encoding="utf-8") as f:
            cas = json.load(f)
        for role in ("killed", "injured", "casualties", "displaced"):
            for where in ("after", "before"):
                words.update(w.lower() for w in cas[role][where])
        words.update(w.lower() for w in cas["attack_words"])
        with resources.files("harmledger.lang.en").joinpath("means.json").open(encoding="utf-8") as f:
            for ws in json.load(f)["means"].values():
                words.update(w.lower() for w in ws)
        self.automaton = ahocorasick.Automaton()
        for w in words:
            self.automaton.add_word(w, (w, True))  # whole words
        for w in data["ru_stems"] + data["ar_stems"]:
            self.automaton.add_word(w.lower(), (w.lower(), False))  # word starts
        self.automaton.make_automaton()

    def keep_text(self, text: str) -> bool:
        """True when the text holds a conflict word."""
        s = text.lower()
        n = len(s)
        for end, (w, whole) in self.automaton.iter(s):
            start = end - len(w) + 1
            if start > 0 and s[start - 1].isalnum():
                continue
            if whole and end + 1 < n and s[end + 1].isalnum():
                continue
            return True
        return False

    def keep_bytes(self, raw: bytes) -> bool:
        """The same on undecoded bytes (UTF-8 assumed; undecodable bytes are ignored)."""
        return self.keep_text(raw.decode("utf-8", errors="ignore"))


@lru_cache(maxsize=1)
def load() -> Prefilter:
    return Prefilter()
