"""React stage: read each comment under an article for language, stance toward the reported harm,
incitement, abuse and toxicity — each with the words that show it.

The rules are data: ``lang/<xx>/reactions.json`` holds, per language, weighted regular-expression cues
for the four stances of ``docs/stance.md`` (``denies``, ``justifies``, ``deflects``, ``affirms``),
``incitement``, ``abuse`` and ``profanity``, the language's negators and its script. A language's cues
run on every comment that has letters of its script — not only on comments identified as that language
(a Russian thread quotes English words) — so a language-ID error does not silence a comment. Scoring:

* a category's score is ``1 - prod(1 - w)`` over its hits (overlapping hits of one category count once,
  the strongest);
* a negated hit (a negator among the three words before it) turns over: a negated denial ("not fake")
  affirms, a negated affirmation ("no massacre") denies, negated justification or incitement is dropped;
* the stance is the highest-scoring stance at or above :data:`THRESHOLD`, ties and near-ties going to
  denial, then justification, then deflection (Cohen: denial beats the rest); otherwise ``other``;
* with the article's perpetrators (the actors its own claims blame), a comment that makes another actor
  of the conflict pack the doer of the harm, by a deictic frame of the language's ``blame`` cues ("it was
  the rebels", "Turkey did it"), is a denial hit — unless it also makes one of those perpetrators a doer;
* ``incitement`` / ``abuse`` are their scores at or above :data:`THRESHOLD`; ``toxicity`` combines
  abuse, incitement and profanity scores; ``confidence`` is the winning score less half the runner-up
  (for ``other``: one less the best stance score).

This is a transparent lexicon model, not a learned one: it reads what is said in words, not sarcasm, and
of the context only whom the article blames (see the README's limits and ``harmledger eval reactions``).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from ..model import Claim, Comment, Document, Reaction, Stance
from ..segment.threads import paragraphs
from ..textnorm import normfold
from .langid import identify

STANCES: tuple[Stance, ...] = ("affirms", "denies", "justifies", "deflects", "other")
#: a category fires at this combined score
THRESHOLD = 0.5
#: tie-breaking bonus per stance (denial beats the rest)
_PRIORITY = {"denies": 0.12, "justifies": 0.06, "deflects": 0.03, "affirms": 0.0}
_CATS = ("denies", "justifies", "deflects", "affirms", "incitement", "abuse", "profanity")
_TURN = {"denies": "affirms", "affirms": "denies"}
LANGUAGES = ("en", "ru", "ar")
_COORD = re.compile(r",?\s*(?:and|or|&|/|and/or)\s*(?:the |either |both )?")
_COMMA = re.compile(r"\s*,\s*(?:the )?")
_LIST_GOES_ON = re.compile(r"\s*(?:,|and\b|or\b|&|/)")


def _coordinated(text: str, prev_end: int, a: Any) -> bool:
    """Whether actor hit ``a`` continues a list that ends at ``prev_end``: "Turkey or Israel", "Turkey,
    Israel or Assad" (a bare comma only when the list goes on after ``a``: "the regime, Russia had …" is
    two clauses)."""
    gap = text[prev_end:a.start]
    return bool(_COORD.fullmatch(gap) or (_COMMA.fullmatch(gap) and _LIST_GOES_ON.match(text, a.end)))
_WORD = re.compile(r"\w+(?:['’]\w+)?")
_SCRIPTS = {"latin": re.compile(r"[A-Za-z]"), "cyrillic": re.compile(r"[\u0400-\u04ff]"),
            "arabic": re.compile(r"[\u0600-\u06ff]")}


@dataclass(slots=True)
class Hit:
    cat: str
    start: int
    end: int
    text: str
    weight: float


@dataclass(slots=True)
class Scores:
    """Per-category scores of one text and the hits behind them."""

    score: dict[str, float]
    hits: dict[str, list[Hit]]


class Cues:
    """One language's compiled cues."""

    def __init__(self, lang: str) -> None:
        raw = json.loads(resources.files("harmledger.lang").joinpath(lang, "reactions.json").read_text("utf-8"))
        self.lang = lang
        self.script = _SCRIPTS.get(raw.get("script", ""))
        self.negators = {n.lower() for n in raw.get("negators", [])}
        self.cues: dict[str, list[tuple[re.Pattern[str], float]]] = {}
        for cat in _CATS:
            self.cues[cat] = [(re.compile(rf"(?<!\w)(?:{e['re']})(?!\w)", re.I), float(e["w"]))
                              for e in raw.get(cat, [])]
        # words that make an actor named in a comment the doer of the harm ("it was <actor>",
        # "<actor> did it"): matched just before / just after the actor's name
        blame = raw.get("blame", {})
        self.blame_before = [(re.compile(rf"(?<!\w)(?:{e['re']})$", re.I), float(e["w"]),
                              re.compile(e["then"], re.I) if e.get("then") else None)
                             for e in blame.get("before", [])]
        self.blame_after = [(re.compile(rf"^(?:{e['re']})(?!\w)", re.I), float(e["w"]))
                            for e in blame.get("after", [])]
        self.blame_not_after = re.compile(blame["not_after"], re.I) if blame.get("not_after") else None


@lru_cache(maxsize=8)
def _cues(lang: str) -> Cues:
    return Cues(lang)


def _dedupe(hits: list[Hit]) -> list[Hit]:
    """Overlapping hits of one category count once: the strongest (then the longest) of each cluster."""
    out: list[Hit] = []
    for h in sorted(hits, key=lambda h: (-h.weight, -(h.end - h.start), h.start)):
        if not any(h.start < o.end and o.start < h.end for o in out):
            out.append(h)
    return sorted(out, key=lambda h: h.start)


def _combined(hits: list[Hit]) -> float:
    p = 1.0
    for h in hits:
        p *= 1.0 - h.weight
    return 1.0 - p


class Reactor:
    """Scores comments with the cues of ``languages`` (each on every comment written partly in its script)."""

    def __init__(self, languages: Iterable[str] = LANGUAGES, pack: str = "syria") -> None:
        self.languages = tuple(languages)
        self.pack = pack
        self.cues = [_cues(lang) for lang in self.languages]
        self.negators = set().union(*(c.negators for c in self.cues))

    def _blame(self, text: str, perpetrators: Collection[str]) -> list[Hit]:
        """Blame shifted to another actor: the comment makes an actor the doer of the harm ("it was the
        rebels", "Turkey did it") and that actor is not one the article names as perpetrator. Nothing when
        the comment also makes one of the article's perpetrators the doer."""
        framed: list[tuple[str, Hit]] = []
        for cues in self.cues:
            if not (cues.blame_before or cues.blame_after) or (cues.script and not cues.script.search(text)):
                continue
            lex = _actor_lexicon(cues.lang, self.pack)
            if lex is None:
                continue
            actors = [h for h in lex.hits(normfold(text), text) if h.cat == "actor" and h.id != "_none"]
            chain_end = -1  # where the last actor of a framed list ends ("… the Asad regime or Russia")
            for n, a in enumerate(actors):
                if n and chain_end == actors[n - 1].end and _coordinated(text, chain_end, a):
                    framed.append((a.id, framed[-1][1]))  # one frame, every actor of the list
                    chain_end = a.end
                    continue
                hit = None
                for pat, w, then in cues.blame_before:
                    m = pat.search(text, max(0, a.start - 60), a.start)
                    if m and (then is None or then.match(text, a.end)):
                        hit = Hit("denies", m.start(), a.end, text[m.start():a.end], w)
                        break
                else:
                    for pat, w in cues.blame_after:
                        m = pat.match(text[a.end:a.end + 60])
                        if m:
                            hit = Hit("denies", a.start, a.end + m.end(), text[a.start:a.end + m.end()], w)
                            break
                if hit is None:
                    continue
                # "I doubt Turkey did it", "if Turkey did it", "I don't think the rebels did it": not the
                # commenter's own attribution
                if self._negated(text, hit.start) or (cues.blame_not_after is not None and cues.blame_not_after.search(
                        text, max(0, hit.start - 60), hit.start)):
                    chain_end = -1
                    continue
                framed.append((a.id, hit))
                chain_end = a.end
        if any(actor in perpetrators for actor, _h in framed):
            return []
        return list({(h.start, h.end): h for _actor, h in framed}.values())

    def _negated(self, text: str, start: int) -> bool:
        words = [w.lower() for w in _WORD.findall(text[max(0, start - 40):start])][-3:]
        return any(w in self.negators or w.endswith("n't") or w.endswith("n’t") for w in words)

    def score(self, text: str, perpetrators: Collection[str] | None = None) -> Scores:
        """Per-category scores; with ``perpetrators`` (the actors the article blames), blame shifted to
        another actor counts as denial."""
        hits: dict[str, list[Hit]] = {c: [] for c in _CATS}
        if perpetrators:
            hits["denies"] += self._blame(text, perpetrators)
        for cues in self.cues:
            if cues.script is not None and not cues.script.search(text):
                continue  # a language's cues cannot match a text without its script
            for cat, pats in cues.cues.items():
                for pat, w in pats:
                    for m in pat.finditer(text):
                        if m.end() == m.start():
                            continue
                        h = Hit(cat, m.start(), m.end(), m.group(0), w)
                        if cat in {"denies", "affirms", "justifies", "incitement"} and self._negated(text, m.start()):
                            if cat not in _TURN:
                                continue
                            h = Hit(_TURN[cat], h.start, h.end, h.text, w * 0.8)
                        hits[h.cat].append(h)
        hits = {c: _dedupe(v) for c, v in hits.items()}
        return Scores({c: _combined(v) for c, v in hits.items()}, hits)

    def classify(self, text: str, perpetrators: Collection[str] | None = None
                 ) -> tuple[Stance, float, bool, bool, float, list[Hit]]:
        """(stance, confidence, incitement, abuse, toxicity, evidence hits) of one comment text; with
        ``perpetrators``, the actor ids the comment's article blames (see :meth:`score`)."""
        s = self.score(text, perpetrators)
        ranked = sorted(_PRIORITY, key=lambda c: -(s.score[c] + (_PRIORITY[c] if s.score[c] >= THRESHOLD else 0)))
        best = ranked[0]
        stance: Stance
        if s.score[best] >= THRESHOLD:
            stance = best  # type: ignore[assignment]
            conf = s.score[best] - 0.5 * s.score[ranked[1]]
            evidence = list(s.hits[best])
        else:
            stance, conf, evidence = "other", 1.0 - s.score[best], []
        incitement = s.score["incitement"] >= THRESHOLD
        abuse = s.score["abuse"] >= THRESHOLD
        if incitement:
            evidence += s.hits["incitement"]
        if abuse:
            evidence += s.hits["abuse"]
        tox = 1.0 - (1.0 - 0.85 * s.score["abuse"]) * (1.0 - 0.95 * s.score["incitement"]) * (
            1.0 - 0.5 * s.score["profanity"])
        # one stance's hits, incitement's and abuse's: deduplicated within each category already
        ev = sorted(evidence, key=lambda h: h.start)
        return stance, max(0.05, min(0.99, conf)), incitement, abuse, min(1.0, tox), ev

    def react(self, doc: Document, comment: Comment, perpetrators: Collection[str] | None = None) -> Reaction:
        a, b = comment.span
        text = doc.text[a:b]
        stance, conf, inc, abuse, tox, ev = self.classify(text, perpetrators)
        lang, _ = identify(text)
        return Reaction(doc=doc.doc, span=(a, b), text=text, author=comment.author, language=lang, stance=stance,
                        incitement=inc, abuse=abuse, toxicity=tox, evidence=[h.text for h in ev],
                        confidence=conf, comment=comment.id, time=comment.time, parent=comment.parent,
                        evidence_spans=[(a + h.start, a + h.end) for h in ev], evidence_kinds=[h.cat for h in ev])

    def react_document(self, doc: Document, *, all_paragraphs: bool = False,
                       perpetrators: Collection[str] | None = None) -> list[Reaction]:
        """Reactions to a document's comments (or, with ``all_paragraphs``, to each of its paragraphs);
        ``perpetrators``: the actor ids the article's own claims blame (:func:`article_perpetrators`)."""
        return [self.react(doc, c, perpetrators) for c in thread_of(doc, all_paragraphs=all_paragraphs)]


@lru_cache(maxsize=8)
def _actor_lexicon(lang: str, pack: str) -> Any:
    """The extract stage's lexicon (its actor phrases) for a language, or None if the pack has no actors in it."""
    from ..extract.lexicon import load

    try:
        return load(lang, pack)
    except (FileNotFoundError, ModuleNotFoundError):
        return None


def article_perpetrators(claims: Iterable[Claim | dict[str, Any]]) -> set[str]:
    """Actor ids blamed by a document's own claims (claims read from its comments are left out)."""
    out: set[str] = set()
    for c in claims:
        d = c.to_dict() if isinstance(c, Claim) else c
        if not d.get("from_comment"):
            out.update(p["id"] for p in d.get("perpetrators") or [] if p.get("id"))
    return out


def thread_of(doc: Document, *, all_paragraphs: bool = False) -> list[Comment]:
    """The comments to read: the document's thread, or every blank-line paragraph of its text."""
    if all_paragraphs:
        return [Comment(id=f"p{i}", span=s) for i, s in enumerate(paragraphs(doc.text), 1)]
    return list(doc.comments)


def react_each(docs: Iterable[Document], *, all_paragraphs: bool = False,
               reactor: Reactor | None = None) -> Iterator[tuple[Document, list[Reaction]]]:
    """Each document with the reactions to its comments, in order; each article's own claims are extracted
    so that blame shifted away from its perpetrators reads as denial."""
    from ..extract import get_extractor

    r = reactor or Reactor()
    ex = get_extractor(pack=r.pack)
    for d in docs:
        perps = article_perpetrators(ex.extract_document(d)) if d.comments or all_paragraphs else set()
        yield d, r.react_document(d, all_paragraphs=all_paragraphs, perpetrators=perps)


def react(docs: Iterable[Document], *, all_paragraphs: bool = False,
          reactor: Reactor | None = None) -> Iterator[Reaction]:
    """Reactions of many documents, in order (Python API; see :func:`react_each`)."""
    for _d, rs in react_each(docs, all_paragraphs=all_paragraphs, reactor=reactor):
        yield from rs


def summarize(reactions: Iterable[Reaction | dict[str, Any]], *, top: int = 10) -> dict[str, Any]:
    """Per-article summary: counts by stance and language, frequent denial phrases, the incitement list."""
    rs = [r.to_dict() if isinstance(r, Reaction) else r for r in reactions]
    by_stance = Counter(r["stance"] for r in rs)
    denial = Counter(e.lower() for r in rs if r["stance"] == "denies"
                     for e, k in zip(r["evidence"], r.get("evidence_kinds") or ["denies"] * len(r["evidence"]),
                                     strict=False) if k == "denies")
    return {
        "comments": len(rs),
        "stance": {s: by_stance.get(s, 0) for s in STANCES},
        "language": dict(Counter(r["language"] for r in rs).most_common()),
        "incitement": [{"comment": r.get("comment"), "author": r["author"], "span": r["span"], "text": r["text"],
                        "evidence": r["evidence"]} for r in rs if r["incitement"]],
        "abuse": sum(1 for r in rs if r["abuse"]),
        "mean_toxicity": round(sum(r["toxicity"] for r in rs) / len(rs), 3) if rs else None,
        "denial_phrases": [[p, n] for p, n in denial.most_common(top)],
        "contested_by": by_stance.get("denies", 0),
    }
