"""Segment stage: split a document's text into report units.

A unit is a sentence, a headline-style line (no final stop) or a list item, with its exact span in the
document text. Several reports joined by ``;`` become separate units, and a trailing ``:`` (left where
a link was stripped) is not part of the unit. Matching runs on :func:`~harmledger.textnorm.normalize`d
text, which has the same length as the original, so spans are exact.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..model import Unit
from ..textnorm import normalize

_LIST_MARK = re.compile(r"[ ]*(?:[-*\u2022\u00b7\u25aa\u25cf\u2023\u2043]|\(?\d{1,3}[.)]|[a-z][.)])[ ]+")
# a sentence ends at . ! ? (with closing quotes/brackets) before whitespace and a capital, digit,
# opening quote or hashtag, or an Arabic letter (Arabic has no capitals)
_BOUNDARY = re.compile(r"(?<=[.!?])[\"')\]]*[ ]+(?=[\"'(\[]?[A-Z0-9#@\u0621-\u064a])")
_ABBREV = {
    "mr", "mrs", "ms", "dr", "gen", "lt", "col", "maj", "sgt", "capt", "cpt", "st", "jr", "sr", "u.s", "u.k",
    "u.n", "no", "nos", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "approx", "e.g", "i.e", "vs", "gov", "sen", "rep", "brig", "cmdr", "adm", "pres", "corp", "inc", "co",
    "ltd", "prof", "rev", "hon", "mt", "ft", "fig", "vol", "al", "a.m", "p.m", "sq", "km", "est",
}
_WORD_BEFORE = re.compile(r"([A-Za-z.]+)\.$")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_ARABIC_LETTER = re.compile("[\u0621-\u064a]")
_MIN_ARABIC_WORDS = 6  # an Arabic sentence before a boundary has at least this many words
_ENTITY_END = re.compile(r"&#?\w{2,7};$")  # "&#8220;" in scraped text is not a report separator


def _sentence_ends(line: str) -> Iterator[tuple[int, int]]:
    """(end of sentence, start of next) offsets inside one normalised line."""
    prev = 0
    for m in _BOUNDARY.finditer(line):
        if _ARABIC_LETTER.match(line, m.end()) and len(line[prev:m.start()].split()) < _MIN_ARABIC_WORDS:
            continue  # "ريف حلب الشمالي #اعزاز 15_2_2016. إصابات …": a title's place label, not a sentence
        before = line[max(0, m.start() - 12):m.start()]
        w = _WORD_BEFORE.search(before)
        if w:
            word = w.group(1).lower()
            if word in _ABBREV or (len(word) == 1 and word.isalpha()):
                continue
        prev = m.end()
        yield m.start() + (len(m.group(0)) - len(m.group(0).lstrip("\"')]"))), m.end()


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Strip whitespace, stray separators and a trailing ':' (a stripped link) from a span."""
    while start < end and text[start] in " \r\n;,|":
        start += 1
    while end > start and text[end - 1] in " \r\n;,|:":
        end -= 1
    return start, end


def segment(text: str) -> list[Unit]:
    """Report units of a text, in order, each with ``text[start:end] == unit.text``."""
    norm = normalize(text)
    units: list[Unit] = []
    pos = 0
    for line in norm.split("\n"):
        line_start = pos
        pos += len(line) + 1
        if not line.strip():
            continue
        body_start = line_start
        kind = None
        m = _LIST_MARK.match(line)
        if m and m.end() < len(line):
            kind = "list_item"
            body_start = line_start + m.end()
        body = norm[body_start:line_start + len(line)]
        # sentences inside the line
        pieces: list[tuple[int, int]] = []
        s = 0
        for end, nxt in _sentence_ends(body):
            pieces.append((s, end))
            s = nxt
        pieces.append((s, len(body)))
        ends_with_stop = body.rstrip(" \r:").endswith((".", "!", "?", '."', ".'"))
        for a, b in pieces:
            # reports joined by ';'
            sub_start = a
            i = body.find(";", a, b)
            while i >= 0:
                if not _ENTITY_END.search(body, max(0, i - 9), i + 1):
                    _emit(units, text, body_start + sub_start, body_start + i, kind, ends_with_stop)
                    sub_start = i + 1
                i = body.find(";", i + 1, b)
            _emit(units, text, body_start + sub_start, body_start + b, kind, ends_with_stop)
    return units


#: A longer stretch with no sentence break (a pasted table, a page without punctuation) is cut at the
#: last comma or space before this length, so that reading time stays linear in the document's length.
MAX_UNIT = 1500


def _emit(units: list[Unit], text: str, start: int, end: int, kind: str | None, line_has_stop: bool) -> None:
    start, end = _trim(text, start, end)
    while end - start > MAX_UNIT:
        cut = max(text.rfind(", ", start, start + MAX_UNIT), text.rfind(" ", start, start + MAX_UNIT))
        if cut <= start + MAX_UNIT // 2:
            cut = start + MAX_UNIT
        _emit(units, text, start, cut, kind, line_has_stop)
        start = cut
        start, end = _trim(text, start, end)
    if end <= start or not _HAS_LETTER.search(text, start, end):
        return
    ukind = kind or ("sentence" if line_has_stop else "headline")
    units.append(Unit(start, end, text[start:end], ukind))  # type: ignore[arg-type]
