"""The one typed data model shared by every stage.

Every stage reads and writes these objects: ``ingest`` makes :class:`Document`, ``segment`` makes
:class:`Unit`, ``extract`` makes :class:`Claim` (with :class:`Count`, :class:`Mention`,
:class:`DateRef` and :class:`Place` inside), ``resolve`` groups claims into incidents
(:class:`harmledger.resolve.IncidentSummary`, stored as rows by the ledger), ``react`` makes
:class:`Reaction`. A span is always ``[start, end)`` in characters of ``Document.text``.

``to_dict`` gives the JSON contract of ``harmledger extract`` (see README).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

ClaimKind = Literal["incident", "aggregate"]
Victims = Literal["civilian", "combatant", "mixed", "unknown"]
DatePrecision = Literal["day", "week", "month", "year"]
UnitKind = Literal["sentence", "headline", "list_item"]
Stance = Literal["affirms", "denies", "justifies", "deflects", "other"]

#: The count fields of a claim, in contract order.
COUNT_FIELDS = ("killed", "injured", "children_killed", "women_killed", "displaced", "casualties")


@dataclass(slots=True)
class Comment:
    """One comment of the thread under an article, as found by ``segment.threads``.

    ``span`` is the comment's text inside ``Document.text``; ``parent`` is the ``id`` of the comment it
    replies to, when the page says so.
    """

    id: str
    span: tuple[int, int]
    author: str | None = None
    time: str | None = None
    parent: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "span": list(self.span), "author": self.author, "time": self.time,
                "parent": self.parent}


@dataclass(slots=True)
class Document:
    """One document as read: ``doc`` is the SHA-256 hex of its raw bytes (a JSONL line: its bytes)."""

    doc: str
    source: str
    text: str
    format: str  # txt | html | jsonl | stdin
    title: str | None = None
    published: str | None = None  # YYYY-MM-DD
    author: str | None = None
    url: str | None = None
    publisher: str | None = None
    captured_at: str | None = None  # when the page was fetched (a WARC record's date), ISO 8601
    size: int = 0  # raw byte length
    encoding: str | None = None
    raw: bytes | None = field(default=None, repr=False)  # kept for the ledger's evidentiary copy
    # the comment thread: ``text[comments_start:]`` is the thread, each comment's text at its span
    comments: list[Comment] = field(default_factory=list)
    comments_start: int | None = None


@dataclass(slots=True)
class Unit:
    """A report unit: a sentence, a headline-style line or a list item; ``text == doc.text[start:end]``."""

    start: int
    end: int
    text: str
    kind: UnitKind


@dataclass(slots=True)
class Count:
    """A conservative casualty count: ``min`` is never raised beyond what the text says."""

    min: int
    max: int | None
    plus: bool
    vague: bool
    evidence: str
    span: tuple[int, int]

    def to_dict(self) -> dict[str, Any]:
        return {"min": self.min, "max": self.max, "plus": self.plus, "vague": self.vague,
                "evidence": self.evidence, "span": list(self.span)}


@dataclass(slots=True)
class Mention:
    """A lexicon hit: an actor, a means or a target, with the words it was read from."""

    id: str
    evidence: str
    span: tuple[int, int]
    name: str | None = None
    # the words that hedge an attribution ("allegedly Russian", "يزعم أنه روسي"): kept, and flagged
    hedge: str | None = None

    def to_dict(self, with_name: bool = False) -> dict[str, Any]:
        d: dict[str, Any] = {"id": self.id}
        if with_name:
            d["name"] = self.name
        d["evidence"] = self.evidence
        d["span"] = list(self.span)
        if self.hedge is not None:
            d["hedge"] = self.hedge
        return d


@dataclass(slots=True)
class DateRef:
    start: str | None
    end: str | None
    precision: DatePrecision | None
    evidence: str | None
    span: tuple[int, int] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "precision": self.precision,
                "evidence": self.evidence, "span": list(self.span) if self.span else None}


@dataclass(slots=True)
class Place:
    """A place mention resolved against the gazetteer. ``precision`` follows UCDP ``where_prec``:
    1 exact place, 2 within ~25 km of a named place, 3 district, 4 governorate, 6 country."""

    name: str
    country: str | None
    admin1: str | None
    admin2: str | None
    lat: float | None
    lon: float | None
    precision: int
    evidence: str
    span: tuple[int, int]
    feature: str | None = None  # country | governorate | district | subdistrict | city | town | village ...
    gazetteer_id: str | None = None
    score: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "country": self.country, "admin1": self.admin1, "admin2": self.admin2,
                "lat": self.lat, "lon": self.lon, "precision": self.precision, "evidence": self.evidence,
                "span": list(self.span), "feature": self.feature, "gazetteer_id": self.gazetteer_id,
                "score": round(self.score, 3)}


@dataclass(slots=True)
class Claim:
    """One harm claim read from one span of one document."""

    doc: str
    source: str
    span: tuple[int, int]
    text: str
    kind: ClaimKind
    victims: Victims
    killed: Count | None = None
    injured: Count | None = None
    children_killed: Count | None = None
    women_killed: Count | None = None
    displaced: Count | None = None
    casualties: Count | None = None  # "N killed and wounded" / "casualties": killed-or-injured, undivided
    perpetrators: list[Mention] = field(default_factory=list)
    means: list[Mention] = field(default_factory=list)
    targets: list[Mention] = field(default_factory=list)
    date: DateRef | None = None
    place: Place | None = None
    confidence: float = 0.5
    language: str = "en"
    unit: tuple[int, int] | None = None  # the report unit the claim sits in
    quote: str | None = None  # the part of the unit this claim was read from
    quote_span: tuple[int, int] | None = None
    from_comment: bool = False
    implausible: bool = False  # a count above what its place and period allow (kept, left out of ranges)
    implausible_reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"doc": self.doc, "source": self.source, "span": list(self.span),
                             "text": self.text, "kind": self.kind}
        for name in COUNT_FIELDS:
            c = getattr(self, name)
            d[name] = c.to_dict() if c else None
        d["victims"] = self.victims
        d["perpetrators"] = [m.to_dict(with_name=True) for m in self.perpetrators]
        d["means"] = [m.to_dict() for m in self.means]
        d["targets"] = [m.to_dict() for m in self.targets]
        d["date"] = (self.date or DateRef(None, None, None, None)).to_dict()
        d["place"] = self.place.to_dict() if self.place else None
        d["confidence"] = round(self.confidence, 3)
        d["language"] = self.language
        d["unit"] = list(self.unit) if self.unit else None
        d["quote"] = self.quote
        d["quote_span"] = list(self.quote_span) if self.quote_span else None
        d["from_comment"] = self.from_comment
        if self.implausible:
            d["implausible"] = True
            d["implausible_reason"] = self.implausible_reason
        return d


@dataclass(slots=True)
class Reaction:
    """One comment under an article, read for stance toward the harm it reports (``react`` stage)."""

    doc: str
    span: tuple[int, int]
    text: str
    author: str | None
    language: str
    stance: Stance
    incitement: bool
    abuse: bool
    toxicity: float
    evidence: list[str]
    confidence: float
    comment: str | None = None  # Comment.id
    time: str | None = None
    parent: str | None = None
    evidence_spans: list[tuple[int, int]] = field(default_factory=list)  # of each evidence, in Document.text
    evidence_kinds: list[str] = field(default_factory=list)  # what each evidence shows: a stance, abuse, incitement

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of ``harmledger reactions`` (README)."""
        return {"doc": self.doc, "span": list(self.span), "text": self.text, "author": self.author,
                "language": self.language, "stance": self.stance, "incitement": self.incitement,
                "abuse": self.abuse, "toxicity": round(self.toxicity, 3), "evidence": list(self.evidence),
                "confidence": round(self.confidence, 3), "comment": self.comment, "time": self.time,
                "parent": self.parent, "evidence_spans": [list(s) for s in self.evidence_spans],
                "evidence_kinds": list(self.evidence_kinds)}
