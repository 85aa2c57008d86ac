"""Length-preserving text normalisation shared by the segmenter and the extractor.

Real pages carry non-breaking spaces, smart quotes, ayn marks, dashes of every width, hashtags and
underscores. ``normalize`` maps each of them to one plain ASCII character *in place* (the result has
exactly the length of the input), so every offset found in the normalised text is an offset into the
original document text and evidence spans stay exact.
"""

from __future__ import annotations

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
}
_TABLE = str.maketrans(_MAP)


def normalize(text: str) -> str:
    """Map typographic variants to plain characters, one for one (``len`` is unchanged)."""
    return text.translate(_TABLE)


def fold(text: str) -> str:
    """Lower-case without changing the length (the rare characters whose lower case is longer stay)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def normfold(text: str) -> str:
    """``fold(normalize(text))``: the form every lexicon is matched against."""
    return fold(normalize(text))
