"""Length-preserving text normalisation shared by the segmenter and the extractor.

Real pages carry non-breaking spaces, smart quotes, ayn marks, dashes of every width, hashtags and
underscores. ``normalize`` maps each of them to one plain ASCII character *in place* (the result has
exactly the length of the input), so every offset found in the normalised text is an offset into the
original document text and evidence spans stay exact.

Arabic: the letter variants that spellings mix (أ إ آ ٱ → ا, ة → ه, ى → ي, ؤ → و, ئ → ي, Persian ک ی), Arabic-Indic
and Persian digits (→ 0-9) and Arabic punctuation (، ؛ ؟ → , ; ?) map one for one. Harakat and tatweel cannot
be dropped without changing the length, so each word that carries them is written without them and padded
at its end with ``PAD`` (a non-word character): a word starts where it started and ends where it ended,
and an evidence span that covers a word (and its padding) covers it exactly in the original.
"""

from __future__ import annotations

import html
import re

_MAP = {
    "\u00a0": " ", "\u2007": " ", "\u2009": " ", "\u200a": " ", "\u202f": " ", "\u2002": " ",
    "\u2003": " ", "\u2004": " ", "\u2005": " ", "\u2006": " ", "\u2008": " ", "\u205f": " ",
    "\u3000": " ", "\u200b": " ", "\u200c": " ", "\u200d": " ", "\ufeff": " ", "\t": " ",
    "\u2019": "'", "\u2018": "'", "\u201b": "'", "\u02bc": "'", "\u02bb": "'", "\u02bf": "'",
    "\u02be": "'", "\u2032": "'", "`": "'", "\u00b4": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-",
    "\u2026": ".",
    # Arabic letter variants, digits and punctuation (one for one)
    "\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627", "\u0671": "\u0627",
    "\u0629": "\u0647", "\u0649": "\u064a", "\u0624": "\u0648", "\u0626": "\u064a",
    "\u06a9": "\u0643", "\u06cc": "\u064a",
    "\u060c": ",", "\u061b": ";", "\u061f": "?", "\u066a": "%", "\u066b": ".", "\u066c": ",",
    **{chr(0x0660 + i): str(i) for i in range(10)}, **{chr(0x06F0 + i): str(i) for i in range(10)},
}
PAD = "\u2060"  # stands where a harakah or tatweel was, at the end of its word (see the module doc)
_MARKS = "\u0640\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0653\u0654\u0655\u0670"
_MAP.update({m: PAD for m in _MARKS})
_MARKED_WORD = re.compile("[\u0621-\u064a\u0671-\u06d3" + PAD + "]*" + PAD + "[\u0621-\u064a\u0671-\u06d3" + PAD
                          + "]*")


_TABLE = str.maketrans(_MAP)


def _compact(m: re.Match[str]) -> str:
    w = m.group(0)
    core = w.replace(PAD, "")
    return core + PAD * (len(w) - len(core))


_ENTITY = re.compile(r"&(?:#[0-9]{2,7}|#[xX][0-9a-fA-F]{2,6}|[a-zA-Z]{2,8});")


def _entity(m: re.Match[str]) -> str:
    ch = html.unescape(m.group(0))
    return ch + PAD * (len(m.group(0)) - 1) if len(ch) == 1 else m.group(0)


def normalize(text: str) -> str:
    """Map typographic variants to plain characters, one for one (``len`` is unchanged). An HTML entity
    left in scraped text ("&#8220;Islamic State&#8221;", "al-Wa&#8217;er") is its character and padding."""
    if "&" in text:
        text = _ENTITY.sub(_entity, text)
    out = text.translate(_TABLE)
    if PAD in out:
        out = _MARKED_WORD.sub(_compact, out)
    return out


def fold(text: str) -> str:
    """Lower-case without changing the length (the rare characters whose lower case is longer stay)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def normfold(text: str) -> str:
    """``fold(normalize(text))``: the form every lexicon is matched against."""
    return fold(normalize(text))


def word_head(text: str, i: int) -> str:
    """The letters of ``text``'s word that stand before offset ``i`` ("ب" of "بمعرة" at the name's start)."""
    ws = i
    while ws > 0 and text[ws - 1].isalnum():
        ws -= 1
    return text[ws:i]


def word_tail(text: str, i: int) -> str:
    """The letters of ``text``'s word from offset ``i`` to its end ("هم" of "والدتهم")."""
    we = i
    while we < len(text) and text[we].isalnum():
        we += 1
    return text[i:we]


_URL = re.compile(r"(?:https?://|www\.)[^\s\"'<>()\[\]]+", re.I)


def mask_urls(text: str) -> str:
    """``text`` with every web address blanked to spaces (length kept): the words of a link
    ("…/syria-coordinated-chemical-attacks-aleppo") are no report, no place."""
    if "http" not in text and "www." not in text and "HTTP" not in text and "WWW." not in text:
        return text
    return _URL.sub(lambda m: " " * len(m.group(0)), text)
