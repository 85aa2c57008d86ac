"""Quantities in text: digits with any thousands separator, number words, vague amounts, modifiers.

Conservative by construction (docs/annotation.md): "more than 40" is min 40 with ``plus``; "about 20"
is 20; "dozens" 24, "tens" 10, "hundreds" 100 (all ``vague``); "up to 20" is max 20. Dates, times,
distances and durations are never quantities of people.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..textnorm import normfold
from .lexicon import Lexicon


@dataclass(slots=True)
class Quantity:
    start: int  # with its modifier ("at least 12")
    end: int
    min: int
    max: int | None
    plus: bool
    vague: bool


_DIGITS = r"(?:\d{1,3}(?:(?:,|\.|[ ])\d{3})+(?![\d.,]\d)|\d+(?:[.,]\d+)?)"
_NOT_PEOPLE = re.compile(
    r"[ ]*(?:-[ ]*)?(?:%|percent|per cent|days?|hours?|hrs|minutes?|mins?|seconds?|weeks?|months?|years?|"
    r"km|kms|kilomet(?:er|re)s?|met(?:er|re)s?|miles?|m\b|kg|tons?|tonnes?|times|o'clock|a\.m|p\.m|am\b|pm\b|"
    r"st\b|nd\b|rd\b|th\b|degrees?|dollars?|usd|\$|euros?|pounds?|liras?|resolution)", re.I)
_MON = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
        r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b")
_DATEISH = re.compile(
    r"(?<!\d)\d{1,2}[./_-][ ]?\d{1,2}[./_-][ ]?\d{2,4}(?!\d)|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}:\d{2}\b|"
    r"(?<!\d)(?:19|20)\d{2}[./ -]\d{1,2}[./ -]\d{1,2}(?!\d)|(?<!\d)\d{1,2}[ ]\d{1,2}[ ](?:19|20)\d{2}(?!\d)|"
    r"\b(?:in|since|during|until|till|by|of|from|year|early|late|mid|before|after|to|and)[ ]+(?:19|20)\d{2}\b|"
    r"\b(?:19|20)\d{2}[ ]*(?:-|to|and)[ ]*(?:19|20)?\d{2}\b|^(?:19|20)\d{2}\b|\b(?:19|20)\d{2}[ ]*[:,)]|"
    r"\b\d{1,2}(?:st|nd|rd|th)?[ ]+(?:of[ ]+)?" + _MON + "|"
    r"\b" + _MON + r"\.?[ ]+\d{1,2}(?:st|nd|rd|th)?\b|"
    r"\b(?:resolution|no\.|number|article|para(?:graph)?|s/res/|unscr|r)[ ]*\d+", re.I)


_DIGIT = re.compile(r"\d")
# a list item's number at the start of a unit ("6- معلومات عن الضحايا", "3. Casualties"): an enumerator, no count
_ENUMERATOR = re.compile(r"^[ ]*\d{1,2}[ ]?[-.)][ ]")
_RANGE = re.compile(r"(?:\bbetween[ ]+(?=\d+[ ]+and[ ]+\d))?(?<![\d.,/:-])(?P<lo>\d{1,4})[ ]*(?:-|to|and)[ ]*"
                    r"(?P<hi>\d{1,4})(?![\d.,/:-])")


class NumberReader:
    """Compiled number patterns of one language."""

    def __init__(self, lex: Lexicon, singular_victims: set[str]) -> None:
        nb = lex.numbers
        # words are matched in the folded text (textnorm): fold the lists the same way
        self.units: dict[str, int] = {normfold(k): v for k, v in nb["units"].items()}
        self.mult: dict[str, int] = {normfold(k): v for k, v in nb["multipliers"].items()}
        self.vague: dict[str, int] = {normfold(k): v for k, v in nb["vague"].items()}
        self.plus = {normfold(w) for w in nb["plus"]}
        self.approx = {normfold(w) for w in nb["approx"]}
        self.upper = {normfold(w) for w in nb["upper"]}
        self.singular = singular_victims

        def alt(words: list[str] | set[str]) -> str:
            return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))

        # a language's own words after a number that make it no head count ("5 غارات": five raids)
        extra = [normfold(w) for w in nb.get("not_people", [])]
        self.not_people = re.compile(_NOT_PEOPLE.pattern + ("|" + alt(extra) if extra else ""), re.I) if extra \
            else _NOT_PEOPLE
        # nouns whose dual ending is the count ("شهيدين": two martyrs), after any proclitic
        self.duals: dict[str, int] = {normfold(k): v for k, v in nb.get("duals", {}).items()}
        self.re_dual = re.compile(rf"(?<!\w)(?P<pre>{alt(lex.proclitics)})?(?P<dual>{alt(self.duals)})(?!\w)") \
            if self.duals else None
        mods = alt(self.plus | self.approx | self.upper)
        words = alt([w for w in self.units if w not in ("a", "an")] + list(self.mult))
        self.re_num = re.compile(
            rf"(?:(?<![\w])(?P<mod>{mods})[ ]*)?"
            rf"(?:(?P<dig>(?<![\d.,]){_DIGITS})(?:[ ]*(?P<suf>k|thousand|million|hundred)\b)?(?P<pl>[ ]*\+)?"
            rf"|(?P<word>\b(?:(?:a|an)[ ]+(?:dozen|couple|pair|score|hundred|thousand)(?:[ ]+of)?"
            rf"|(?:{words})(?:(?:[ -]|[ ]and[ ])(?:{words}))*)\b)"
            rf"|(?P<vague>\b(?:{alt(self.vague)})\b)"
            rf"|(?P<art>\b(?:a|an|one)\b)(?=[ ]+(?P<sg>[a-z-]+(?:[ ][a-z]+)?)))",
        )

    def _word_value(self, s: str) -> int | None:
        total, cur = 0, 0
        for w in re.split(r"[ -]+", s):
            if w in ("and", "of"):
                continue
            if w in ("a", "an"):
                cur += 1
                continue
            if w in self.units:
                cur += self.units[w]
            elif w in self.mult:
                m = self.mult[w]
                cur = max(cur, 1) * m
                if m >= 1000:
                    total += cur
                    cur = 0
            else:
                return None
        return total + cur or None

    def find(self, nf: str, text: str | None = None) -> list[Quantity]:
        """Quantities in a normfolded text (``text``: the same text before folding), in order."""
        has_digit = _DIGIT.search(nf) is not None
        masked = []
        if has_digit:
            e = _ENUMERATOR.match(nf)
            if e is not None:
                masked.append((e.start(), e.end()))
            for m in _DATEISH.finditer(nf):
                # "12 may rise" is no date: the month May is written with a capital
                k = m.group(0).find("may")
                if k >= 0 and text is not None and text[m.start() + k] == "m":
                    continue
                masked.append((m.start(), m.end()))
        out: list[Quantity] = []
        # ranges: "10-12 civilians", "between 10 and 12": min 10, max 12
        if has_digit:
            for m in _RANGE.finditer(nf):
                if " and" in m.group(0) and not m.group(0).startswith("between"):
                    continue  # "5 and 12" is two numbers; only "between 5 and 12" is a range
                lo, hi = int(m.group("lo")), int(m.group("hi"))
                if lo < hi <= lo * 10 and not any(a <= m.start("lo") < b for a, b in masked) and \
                        not self.not_people.match(nf, m.end()):
                    out.append(Quantity(m.start(), m.end(), lo, hi, False, False))
            masked += [(q.start, q.end) for q in out]
        for m in self.re_num.finditer(nf):
            if not (m.group("dig") or m.group("word") or m.group("vague") or m.group("art")):
                continue
            num_start = m.start("dig") if m.group("dig") else (
                m.start("word") if m.group("word") else (m.start("vague") if m.group("vague") else m.start("art")))
            if any(a <= num_start < b for a, b in masked):
                continue
            if not m.group("mod") and num_start > 0 and nf[num_start - 1].isalpha():
                continue  # "S792a", "R3591": codes, not counts
            if self.not_people.match(nf, m.end()):
                continue
            mod = m.group("mod") or ""
            vague = False
            if m.group("dig"):
                d = m.group("dig")
                if re.fullmatch(r"\d{1,3}(?:[,. ]\d{3})+", d):
                    value = int(re.sub(r"[,. ]", "", d))
                elif re.fullmatch(r"\d+[.,]\d+", d):
                    if not m.group("suf"):
                        continue  # "2.5" alone is not a head count
                    value = float(d.replace(",", "."))  # type: ignore[assignment]
                else:
                    value = int(d)
                if m.group("suf"):
                    value = int(value * {"k": 1000, "thousand": 1000, "million": 1_000_000,
                                         "hundred": 100}[m.group("suf")])
                value = int(value)
            elif m.group("word"):
                v = self._word_value(m.group("word"))
                if v is None:
                    continue
                value = v
            elif m.group("vague"):
                value = self.vague[m.group("vague")]
                vague = True
            else:
                sg = (m.group("sg") or "").split(" ")
                if sg[0] not in self.singular and " ".join(sg) not in self.singular:
                    continue
                value = 1
            plus = bool(mod in self.plus or m.group("pl")) or vague
            vmax: int | None = None if plus else value
            vmin = value
            if mod in self.upper:
                vmin, vmax, vague, plus = 1, value, True, False
            out.append(Quantity(m.start(), m.end(), vmin, vmax, plus, vague))
        if self.re_dual is not None:
            for m in self.re_dual.finditer(nf):
                # the count stands at the word's start, zero-width: the word itself is its noun and role
                s = m.start("dual")
                if not any(q.start <= s < max(q.end, q.start + 1) for q in out):
                    out.append(Quantity(s, s, self.duals[m.group("dual")], self.duals[m.group("dual")], False, False))
        out.sort(key=lambda q: q.start)
        return out
