"""Place-name keys: one normal form for names in the gazetteer and for running text.

The key lower-cases, strips Latin diacritics (``Ḩamāh`` → ``hamah``) and Arabic harakat, drops
apostrophes and ayn marks (``Ma'arrat`` → ``maarrat``) and turns hyphens, underscores and hashes into
spaces (``#Qabr_alEnglizi`` → `` qabr alenglizi``). :func:`text_key` does the same to running text and
returns a map back to the original offsets, so every match is an exact span of the document.
"""

from __future__ import annotations

import json
import re
import unicodedata
from bisect import bisect_right
from importlib import resources

from ..textnorm import PAD, normfold

_DROP = "'\"#\u0640" + PAD + "".join(chr(c) for c in range(0x064B, 0x0653)) + "\u0670"
_SPACE = "-_/.,()[]:;!?|+*&"


def _build_table() -> dict[int, int | None]:
    table: dict[int, int | None] = {}
    for cp in list(range(0x00C0, 0x0250)) + list(range(0x1E00, 0x1F00)) + list(range(0x0300, 0x0370)):
        ch = chr(cp)
        if unicodedata.combining(ch):
            table[cp] = None
            continue
        base = unicodedata.normalize("NFKD", ch)
        base = "".join(c for c in base if not unicodedata.combining(c)).lower()
        if len(base) == 1 and base != ch:
            table[cp] = ord(base)
    for ch in _DROP:
        table[ord(ch)] = None
    for ch in _SPACE:
        table[ord(ch)] = ord(" ")
    table[ord("ß")] = ord("s")
    return table


_TABLE = _build_table()
# the same table without deletions: used to find which characters a text_key drops
_DELETED = {cp for cp, v in _TABLE.items() if v is None}
_SPACES = re.compile(r"\s+")


def _proclitics() -> frozenset[str]:
    """The prepositions, conjunctions and articles a language writes onto a place name ("بحلب", "وادلب",
    "الكلاسة" for OCHA's "كلاسة"): every language's own list (``lang/<code>/grammar.json`` morphology), folded."""
    out: set[str] = set()
    for d in resources.files("harmledger.lang").iterdir():
        g = d.joinpath("grammar.json")
        if g.is_file():
            out |= {normfold(p) for p in json.loads(g.read_text("utf-8")).get("morphology", {}).get("proclitics", [])}
    return frozenset(out)


PROCLITICS = _proclitics()
ARTICLES = ("al ", "el ", "ar ", "as ", "ad ", "ash ", "at ", "az ", "an ", "adh ", "ath ")  # as keys write them


def key(name: str) -> str:
    """The matching key of a gazetteer name (spaces collapsed)."""
    return _SPACES.sub(" ", normfold(name).translate(_TABLE)).strip()


def variants(name: str) -> set[str]:
    """Keys a name may be written as: as is, without a leading article, run together."""
    k = key(name)
    out = {k} if k else set()
    for art in ARTICLES:
        if k.startswith(art) and len(k) - len(art) >= 4:
            out.add(k[len(art):])
    for v in list(out):
        if " " in v and len(v) >= 7:
            out.add(v.replace(" ", ""))
    return out


class KeyText:
    """A text's key form with a map from key offsets back to offsets of the original text."""

    __slots__ = ("key", "_dropped", "_folded")

    def __init__(self, text: str) -> None:
        folded = normfold(text)
        self._folded = folded if PAD in folded else None
        self.key = folded.translate(_TABLE)
        if len(self.key) == len(folded):
            self._dropped: list[int] = []
        else:
            self._dropped = [i for i, ch in enumerate(folded) if ord(ch) in _DELETED]

    def orig(self, i: int) -> int:
        """Original offset of key offset ``i`` (a start); for an end use ``orig(end - 1) + 1``."""
        d = self._dropped
        if not d:
            return i
        # the i-th kept character: the least fixed point of o = i + #(dropped <= o)
        o = i
        while True:
            n = i + bisect_right(d, o)
            if n == o:
                return o
            o = n

    def span(self, start: int, end: int) -> tuple[int, int]:
        s, e = self.orig(start), self.orig(end - 1) + 1
        f = self._folded
        if f is not None:  # a word that carried harakat ends after its padding
            while e < len(f) and f[e] == PAD:
                e += 1
        return s, e


class Translit:
    """The transliteration key (data ``geo/data/translit.json``): one consonant skeleton for a place's
    Arabic name and for its Latin spellings. ``key_of`` takes a :func:`key`."""

    def __init__(self) -> None:
        d = json.loads(resources.files("harmledger.geo.data").joinpath("translit.json").read_text("utf-8"))
        self.arabic = {ord(k): v for k, v in d["arabic"].items()}
        self.digraphs = [tuple(x) for x in d["latin_digraphs"]]
        self.latin = {ord(k): v for k, v in d["latin"].items()}
        self.final = tuple(d["word_final_dropped"])
        self.qualifiers = {key(w): "#" + q for q, ws in d["qualifiers"].items() for w in ws}
        self.articles = frozenset(d["articles"])

    def _word(self, w: str) -> list[str]:
        """The classes of one word, in every form it may take (an Arabic ة, which :func:`key` writes ه, is
        silent or, in a name's first part, 't': معرة النعمان = "Maarat" / "Maarrat" / "Ma'arra")."""
        if w in self.qualifiers:
            return [self.qualifiers[w]]
        if not w.isascii():
            if w.startswith("ال") and len(w) > 3:
                w = w[2:]
            ends = [""]
            if w.endswith("ه") and len(w) > 2:
                w, ends = w[:-1], ["", "t"]
            s = "".join(self.arabic.get(ord(ch), "?" if "\u0600" <= ch <= "\u06ff" else "") for ch in w)
            return [_collapse(s + e) for e in ends]
        for a, b in self.digraphs:
            w = w.replace(a, b.upper() if b.isupper() else "\0" + b + "\0")
        for f in self.final:  # "Akeirshah", "Hezreh": a word-final h after a vowel is a ta marbuta
            if len(w) > 2 and w.endswith(f) and w[-2] in "aeiouy":
                w = w[:-1]
        out, keep = [], False
        for ch in w:
            if ch == "\0":
                keep = not keep
            elif ch.isupper() or keep:
                out.append(ch)
            else:
                out.append(self.latin.get(ord(ch), ""))
        return [_collapse("".join(out))]

    def keys_of(self, k: str) -> set[str]:
        """The transliteration keys of a gazetteer key (Arabic or Latin): none when the name has fewer than
        three consonant classes, a qualifier counting as one (too short to be told from other names), or a
        letter outside the classes."""
        words = [w for w in k.split() if w not in self.articles and w != "ال"]
        forms: list[list[str]] = [self._word(w) for w in words]
        out: set[str] = set()
        combos: list[list[str]] = [[]]
        for f in forms:
            combos = [c + [x] for c in combos for x in f if x][:8] or combos
        for parts in combos:
            if not parts or any("?" in p for p in parts):
                continue
            if sum(1 if p.startswith("#") else len(p) for p in parts) < 3:  # a qualifier counts as one
                continue
            out.add(" ".join(sorted(parts)))
        return out


def _collapse(s: str) -> str:
    out: list[str] = []
    for ch in s:
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)
