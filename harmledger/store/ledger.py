"""Store stage: the ledger — originals, claims, incidents and a hash-chained audit log in one database.

Default: a SQLite file ``harmledger.db`` in the working directory. ``Ledger(url)`` also takes a path or
any SQLAlchemy URL (PostgreSQL: ``postgresql+psycopg://user@host/db``).

Write rules: each batch of documents is one transaction holding the originals, their claims and the
``ingested``/``extracted`` audit events, so a crash (even SIGKILL) leaves either all of a document or
none of it; re-ingesting the same bytes adds nothing. SQLite runs in WAL mode with ``synchronous=FULL``.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from typing import Any, TypeVar

from sqlalchemy import Connection, create_engine, delete, event, func, insert, inspect, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError, OperationalError

from .. import __version__
from ..model import Claim, Document
from ..resolve import GRADES, ClaimRef, IncidentSummary, cluster, day_of, summarise
from ..textnorm import normfold
from .schema import (
    TALLIES_VIEW,
    claims,
    control_layers,
    documents,
    events,
    incident_claims,
    incidents,
    metadata,
    reactions,
)

T = TypeVar("T")
GENESIS = "0" * 64
DIGEST_V = 3  # the incidents digest's format


def canonical(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_text(s: str) -> str:
    return hashlib.sha256(s.encode("utf-8")).hexdigest()


def event_hash(prev: str, seq: int, at: str, kind: str, subject: str | None, actor: str | None,
               payload: str) -> str:
    return sha256_text("|".join([prev, str(seq), at, kind, subject or "", actor or "", payload]))


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def db_url(db: str | None) -> str:
    """A SQLAlchemy URL from None (``harmledger.db`` here), a file path, or a URL."""
    if not db:
        db = "harmledger.db"
    if "://" in db:
        return db
    return "sqlite:///" + os.path.abspath(db)


DOC_META = ("source", "url", "title", "publisher", "author", "published", "captured_at", "format", "encoding")
DIGEST_V = 4  # the incidents digest's format: 4 covers every column of the incidents table
# the columns the digest of format 3 (0.12) covered; a ledger last resolved then is checked on these
INCIDENT_CHECKED_V3 = ("killed_min", "killed_max", "injured_min", "injured_max", "grade", "grade_by", "place_name",
                       "admin1", "where_prec", "date_start", "date_end", "perpetrators", "means", "targets",
                       "n_claims", "n_sources", "notes", "killed_plus", "killed_vague", "injured_plus",
                       "injured_vague", "n_implausible")
INCIDENT_CHECKED = tuple(c.name for c in incidents.columns if c.name != "id")
# events after which the incidents must be derived again
CHANGES_INCIDENTS = ("ingested", "extracted", "merge", "split", "set-grade", "note", "undo", "set-published")


def incidents_digest(inc_rows: list[dict[str, Any]], link_rows: list[dict[str, Any]], v: int = DIGEST_V) -> str:
    """One hash over every incident's columns and claims (what ``resolved`` vouches for)."""
    cols = INCIDENT_CHECKED if v >= 4 else INCIDENT_CHECKED_V3
    members: dict[str, list[int]] = {}
    for x in link_rows:
        members.setdefault(x["incident_id"], []).append(x["claim_id"])
    h = hashlib.sha256()
    for r in sorted(inc_rows, key=lambda r: r["id"]):
        h.update(canonical([r["id"], sorted(members.get(r["id"], [])), [r[k] for k in cols]]).encode())
    return h.hexdigest()


INT64_MAX = 2**63 - 1  # the largest integer SQLite and PostgreSQL hold
COUNTS = ("killed", "injured", "casualties", "children_killed", "women_killed", "displaced")


def claim_columns(c: dict[str, Any]) -> dict[str, Any]:
    """The flat, filterable columns of a claim (from its JSON form)."""
    huge = [n for n in COUNTS if isinstance(c.get(n), dict) and any(
        isinstance(c[n].get(p), int) and abs(c[n][p]) > INT64_MAX for p in ("min", "max"))]

    def cnt(name: str, part: str) -> int | None:
        v = c.get(name)
        return None if not v or name in huge else v.get(part)  # no database integer holds a huge one

    def flag(name: str, part: str) -> bool | None:
        v = c.get(name)
        return None if not v else bool(v.get(part))

    place = c.get("place") or {}
    date = c.get("date") or {}
    implausible, why = bool(c.get("implausible")), c.get("implausible_reason")
    if huge:  # kept exactly as written in the claim's JSON; its columns are null and it is never counted
        implausible = True
        why = "; ".join(x for x in (why, f"{', '.join(huge)} too large to store as a number (kept as written)") if x)
    return {
        "unit_start": c["span"][0], "unit_end": c["span"][1], "quote": c.get("quote") or c.get("text"),
        "kind": c["kind"],
        "killed_min": cnt("killed", "min"), "killed_max": cnt("killed", "max"),
        "injured_min": cnt("injured", "min"), "injured_max": cnt("injured", "max"),
        "casualties_min": cnt("casualties", "min"), "children_killed_min": cnt("children_killed", "min"),
        "women_killed_min": cnt("women_killed", "min"), "displaced_min": cnt("displaced", "min"),
        "victims": c.get("victims"),
        "perpetrators": ",".join(p["id"] for p in c.get("perpetrators", [])),
        "means": ",".join(m["id"] for m in c.get("means", [])),
        "targets": ",".join(t["id"] for t in c.get("targets", [])),
        "place_name": place.get("name"), "country": place.get("country"), "admin1": place.get("admin1"),
        "admin2": place.get("admin2"), "lat": place.get("lat"), "lon": place.get("lon"),
        "where_prec": place.get("precision"), "gazetteer_id": place.get("gazetteer_id"),
        "date_start": date.get("start"), "date_end": date.get("end"), "date_prec": date.get("precision"),
        "confidence": c.get("confidence"), "from_comment": bool(c.get("from_comment")),
        "killed_plus": flag("killed", "plus"), "killed_vague": flag("killed", "vague"),
        "injured_plus": flag("injured", "plus"), "injured_vague": flag("injured", "vague"),
        "implausible": implausible, "implausible_reason": why,
    }


def event_row(last: list[Any], kind: str, subject: str | None, payload: dict[str, Any],
              actor: str | None = None) -> dict[str, Any]:
    """The next event of the chain after ``last`` ([seq, hash], advanced in place), as an ``events`` row."""
    seq, prev = last[0] + 1, last[1]
    at = now()
    body = canonical(payload)
    h = event_hash(prev, seq, at, kind, subject, actor, body)
    last[0], last[1] = seq, h
    return {"seq": seq, "at": at, "kind": kind, "subject": subject, "actor": actor, "payload": body,
            "prev_hash": prev, "hash": h}


def _layer_record(r: Any) -> dict[str, Any]:
    """The fields of a ``control_layers`` row its import event records."""
    return {"layer": r.layer, "name": r.name, "params": r.params, "licence": r.licence, "source": r.source,
            "schematic": bool(r.schematic), "n_areas": r.n_areas, "size": r.size, "source_path": r.source_path,
            "imported_at": r.imported_at}


def claim_row(doc: str, i: int, published: str | None, c: dict[str, Any]) -> dict[str, Any]:
    """The ``claims`` row of a document's ``i``-th claim (``Claim.to_dict()``): flat columns, JSON and its hash."""
    body = canonical(c)
    h = sha256_text(body)
    return {"claim_uid": sha256_text(f"{doc}:{i}:{h}"), "doc": doc, "json": body, "hash": h, "published": published,
            **claim_columns(c)}


def reaction_row(doc: str, r: dict[str, Any]) -> dict[str, Any]:
    """The ``reactions`` row of one reaction (``Reaction.to_dict()``): flat columns, JSON and its hash."""
    body = canonical(r)
    return {"doc": doc, "comment": r.get("comment"), "span_start": r["span"][0], "span_end": r["span"][1],
            "author": r.get("author"), "time": r.get("time"), "parent": r.get("parent"), "language": r["language"],
            "stance": r["stance"], "incitement": bool(r["incitement"]), "abuse": bool(r["abuse"]),
            "toxicity": r["toxicity"], "confidence": r["confidence"], "json": body, "hash": sha256_text(body)}


@dataclass(slots=True)
class Pending:
    """A document read and extracted, waiting for its batch's write transaction."""

    doc: Document
    claims: list[dict[str, Any]]
    reactions: list[dict[str, Any]]


@dataclass
class IngestStats:
    documents: int = 0
    duplicates: int = 0
    claims: int = 0
    errors: int = 0
    reactions: int = 0
    failed: list[str] = field(default_factory=list)  # one line per document the database refused


@dataclass
class Problem:
    """One finding of ``verify``: what is wrong and where."""

    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


@dataclass
class VerifyReport:
    documents: int = 0
    claims: int = 0
    events: int = 0
    reactions: int = 0
    problems: list[Problem] = field(default_factory=list)  # tampering: what was written has been changed
    incomplete: list[Problem] = field(default_factory=list)  # derived tables a crash left behind (``repair``)
    head: tuple[int, str] = (0, GENESIS)  # last event number and hash: keep a copy elsewhere to anchor

    @property
    def ok(self) -> bool:
        return not self.problems


class Ledger:
    """An open ledger database."""

    def __init__(self, db: str | None = None, *, create: bool = True) -> None:
        self.url = db_url(db)
        self._reactor = None
        self._has_fts: bool | None = None
        if not create and self.url.startswith("sqlite:///") and not os.path.exists(self.url[len("sqlite:///"):]):
            raise FileNotFoundError(f"no ledger at {self.url[len('sqlite:///'):]}")
        if self.url.startswith("sqlite"):
            # SQLAlchemy emits BEGIN itself (see _sqlite_begin); a writer waits up to 30 s for the lock
            self.engine: Engine = create_engine(self.url, future=True, connect_args={"timeout": 30})
            event.listen(self.engine, "connect", _sqlite_pragmas)
            event.listen(self.engine, "begin", _sqlite_begin)
        else:
            self.engine = create_engine(self.url, future=True)
        self.transact(lambda conn: self._setup(conn, create), lock="schema")

    def transact(self, fn: Callable[[Connection], T], *, lock: str = "events") -> T:
        """Run ``fn(conn)`` in one write transaction that holds the ledger's write lock from its first
        statement (SQLite ``BEGIN IMMEDIATE``; on PostgreSQL a lock on ``events``), so the chain head it
        reads cannot move under it and concurrent writers take turns. A busy database is retried with
        backoff (``fn`` runs again from the start: it must not change anything outside the transaction)."""
        delay = 0.05
        for attempt in range(8):
            try:
                with self.engine.connect() as conn:
                    conn.execution_options(harmledger_write=True)
                    with conn.begin():
                        if self.engine.dialect.name == "postgresql":
                            if lock == "events":
                                conn.execute(text("LOCK TABLE events IN SHARE ROW EXCLUSIVE MODE"))
                            else:  # the tables may not exist yet
                                conn.execute(text("SELECT pg_advisory_xact_lock(7243051)"))
                        return fn(conn)
            except OperationalError as e:
                if attempt == 7 or not _busy(e):
                    raise
            time.sleep(delay * (1 + random.random()))
            delay *= 2
        raise AssertionError("unreachable")

    def _setup(self, conn: Connection, create: bool) -> None:
        """Bring an older ledger's schema up to date, then (``create``) make any missing table."""
        insp = inspect(conn)
        if insp.has_table("documents"):
            self._migrate(conn, insp)
        if create:
            metadata.create_all(conn)
            if self.engine.dialect.name == "sqlite":
                conn.execute(text(TALLIES_VIEW))
                self._fts(conn)
            else:
                conn.execute(text(TALLIES_VIEW.replace("CREATE VIEW IF NOT EXISTS", "CREATE OR REPLACE VIEW")))

    @property
    def reactor(self):  # noqa: ANN201 - harmledger.react.Reactor, loaded on first use
        if self._reactor is None:
            from ..react import Reactor

            self._reactor = Reactor()
        return self._reactor

    @staticmethod
    def _fts(conn: Connection) -> None:
        """SQLite FTS5 index of the claims' words (``claims_fts``), kept in step by triggers."""
        exists = conn.execute(text("SELECT 1 FROM sqlite_master WHERE name = 'claims_fts'")).first()
        if exists:
            return
        try:
            conn.execute(text("CREATE VIRTUAL TABLE claims_fts USING fts5(quote, content='claims', "
                              "content_rowid='id')"))
        except Exception:  # noqa: BLE001 - an SQLite built without FTS5: search falls back to LIKE
            return
        conn.execute(text("CREATE TRIGGER claims_fts_ai AFTER INSERT ON claims BEGIN INSERT INTO claims_fts"
                          "(rowid, quote) VALUES (new.id, new.quote); END"))
        conn.execute(text("CREATE TRIGGER claims_fts_ad AFTER DELETE ON claims BEGIN INSERT INTO claims_fts"
                          "(claims_fts, rowid, quote) VALUES ('delete', old.id, old.quote); END"))
        conn.execute(text("CREATE TRIGGER claims_fts_au AFTER UPDATE ON claims BEGIN INSERT INTO claims_fts"
                          "(claims_fts, rowid, quote) VALUES ('delete', old.id, old.quote); INSERT INTO claims_fts"
                          "(rowid, quote) VALUES (new.id, new.quote); END"))
        conn.execute(text("INSERT INTO claims_fts(claims_fts) VALUES ('rebuild')"))

    def has_fts(self) -> bool:
        """Whether the claims have an SQLite FTS5 index (looked up once)."""
        if self._has_fts is None:
            self._has_fts = False
            if self.engine.dialect.name == "sqlite":
                with self.engine.connect() as conn:
                    self._has_fts = conn.execute(text("SELECT 1 FROM sqlite_master WHERE name = 'claims_fts'")
                                                 ).first() is not None
        return self._has_fts

    def close(self) -> None:
        self.engine.dispose()

    def _migrate(self, conn: Connection, insp: Any) -> None:
        """Add columns that newer versions expect to an older ledger (nullable columns only; nothing is
        rewritten). Ingest events written before a column existed simply do not record it. Runs inside the
        write lock, so two processes opening an old ledger at once migrate it once."""
        if not insp.has_table("reactions"):  # ledgers made before the react stage
            reactions.create(conn, checkfirst=True)
        if not insp.has_table("control_layers"):  # ledgers made before control layers (issue 19)
            control_layers.create(conn, checkfirst=True)
        if "captured_at" not in {c["name"] for c in insp.get_columns("documents")}:
            conn.execute(text("ALTER TABLE documents ADD COLUMN captured_at VARCHAR(32)"))
        if insp.has_table("claims") and "killed_plus" not in {c["name"] for c in insp.get_columns("claims")}:
            self._migrate_flags(conn, insp.has_table("incidents"))

    @staticmethod
    def _migrate_flags(conn: Connection, with_incidents: bool) -> None:
        """Ledgers made before 0.12: the count flags and the plausibility mark as columns, filled in from each
        claim's stored JSON (derived columns only: the JSON and its hash are not touched; claims read before
        the plausibility check carry no mark until they are read again); the tallies view is made again
        with them. Incidents get theirs at the next ``resolve``."""
        conn.execute(text("DROP VIEW IF EXISTS tallies"))
        for col in ("killed_plus", "killed_vague", "injured_plus", "injured_vague", "implausible"):
            conn.execute(text(f"ALTER TABLE claims ADD COLUMN {col} BOOLEAN"))
        conn.execute(text("ALTER TABLE claims ADD COLUMN implausible_reason TEXT"))
        if with_incidents:
            for col in ("killed_plus", "killed_vague", "injured_plus", "injured_vague"):
                conn.execute(text(f"ALTER TABLE incidents ADD COLUMN {col} BOOLEAN"))
            conn.execute(text("ALTER TABLE incidents ADD COLUMN n_implausible INTEGER"))
        for r in conn.execute(select(claims.c.id, claims.c.json)).all():
            cols = claim_columns(json.loads(r.json))
            conn.execute(claims.update().where(claims.c.id == r.id).values(
                {k: cols[k] for k in ("killed_plus", "killed_vague", "injured_plus", "injured_vague",
                                      "implausible", "implausible_reason")}))

    # ------------------------------------------------------------------ audit log
    def _last_event(self, conn: Connection) -> tuple[int, str]:
        row = conn.execute(select(events.c.seq, events.c.hash).order_by(events.c.seq.desc()).limit(1)).first()
        return (row.seq, row.hash) if row else (0, GENESIS)

    def append_event(self, conn: Connection, kind: str, subject: str | None, payload: dict[str, Any],
                     actor: str | None = None, _last: list[Any] | None = None) -> int:
        """Append one event to the chain inside ``conn``'s transaction; returns its sequence number."""
        last = _last if _last else list(self._last_event(conn))
        row = event_row(last, kind, subject, payload, actor)
        conn.execute(insert(events), [row])
        return row["seq"]

    # ------------------------------------------------------------------ ingest
    def ingest(self, docs: Iterable[Document], extract: Callable[[Document], list[Claim]], *,
               batch: int = 50, on_document: Callable[[Document, int], None] | None = None,
               extract_batch: Callable[[list[Document]], Any] | None = None) -> IngestStats:
        """Store documents and their claims; documents already stored (same bytes) are skipped, never
        extracted again. With ``extract_batch`` (documents -> a pending result whose ``get()`` gives their
        claim dicts, e.g. :func:`harmledger.scale.batch_extractor`), each batch is extracted elsewhere while
        the batch before it is written."""
        return self._ingest(((d, None) for d in docs), extract, batch, on_document, extract_batch)

    def ingest_extracted(self, items: Iterable[tuple[Document, list[dict[str, Any]]]], *, batch: int = 50,
                         on_document: Callable[[Document, int], None] | None = None) -> IngestStats:
        """Store documents with claims already extracted (as ``Claim.to_dict()``), e.g. from Parquet shards
        written by Dask workers; documents already stored are skipped."""
        return self._ingest(items, None, batch, on_document)

    def _ingest(self, items: Iterable[tuple[Document, list[dict[str, Any]] | None]],
                extract: Callable[[Document], list[Claim]] | None, batch: int,
                on_document: Callable[[Document, int], None] | None,
                extract_batch: Callable[[list[Document]], Any] | None = None) -> IngestStats:
        stats = IngestStats()
        seen: set[str] = set()
        it = iter(items)

        def finish(fresh: list[tuple[Document, list[dict[str, Any]] | None]], job: Any) -> None:
            got = iter(job.get()) if job is not None else iter(())
            pending: list[Pending] = []
            for d, cs in fresh:
                if cs is None:
                    if extract_batch is not None:
                        cs = next(got)
                    else:
                        cs = [c.to_dict() for c in extract(d)] if extract else []
                pending.append(Pending(d, cs, self._reactions_of(d, cs)))
                if on_document:
                    on_document(d, len(cs))
            if pending:
                self._write(pending, stats)

        waiting: tuple[list[Any], Any] | None = None  # the batch being extracted elsewhere
        while chunk := list(islice(it, batch)):
            with self.engine.connect() as conn:  # one lookup per batch for documents already stored
                seen.update(conn.execute(select(documents.c.doc).where(
                    documents.c.doc.in_({d.doc for d, _cs in chunk}))).scalars())
            fresh: list[tuple[Document, list[dict[str, Any]] | None]] = []
            for d, cs in chunk:
                if d.doc in seen:
                    stats.duplicates += 1
                    continue
                seen.add(d.doc)
                fresh.append((d, cs))
            if extract_batch is None:
                finish(fresh, None)
                continue
            todo = [d for d, cs in fresh if cs is None]
            job = extract_batch(todo) if todo else None
            if waiting is not None:
                finish(*waiting)
            waiting = (fresh, job)
        if waiting is not None:
            finish(*waiting)
        return stats

    def _reactions_of(self, d: Document, cs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The reactions rows of a page's comment thread (read before the write lock is taken)."""
        if not d.comments:
            return []
        from ..react import article_perpetrators

        # blame shifted away from the article's own perpetrators reads as denial
        rs = self.reactor.react_document(d, perpetrators=article_perpetrators(cs))
        return [reaction_row(d.doc, r.to_dict()) for r in rs]

    def _write(self, items: list[Pending], stats: IngestStats) -> None:
        """Write a batch in one transaction; if the database refuses it, write its documents one by one so
        that one bad document (say, a NUL character PostgreSQL will not store) costs only itself. A busy
        database is waited for (see :meth:`transact`), never a reason to drop a document."""
        from sqlalchemy.exc import DBAPIError, StatementError

        try:
            written, dup = self.transact(lambda conn: self._write_tx(conn, items))
        except (DBAPIError, StatementError, ValueError, TypeError, OverflowError) as e:
            if isinstance(e, OperationalError) and _busy(e):
                raise  # still locked after every retry: the caller must know, nothing was dropped silently
            if len(items) == 1:
                d = items[0].doc
                stats.errors += 1
                stats.failed.append(f"harmledger: {d.source}: not stored ({type(e).__name__}: "
                                    f"{str(e).splitlines()[0][:160]})")
                return
            for item in items:
                self._write([item], stats)
            return
        stats.duplicates += dup
        for p in written:  # counted once the transaction has committed
            stats.documents += 1
            stats.claims += len(p.claims)
            stats.reactions += len(p.reactions)

    def _write_tx(self, conn: Connection, items: list[Pending]) -> tuple[list[Pending], int]:
        """The batch's rows and events, inside the write lock: documents another writer stored since the
        batch was looked up are skipped (counted as duplicates)."""
        there = set(conn.execute(select(documents.c.doc).where(
            documents.c.doc.in_({p.doc.doc for p in items}))).scalars())
        todo = [p for p in items if p.doc.doc not in there]
        last = list(self._last_event(conn))
        # the batch's rows, table by table, written with one executemany each: the same rows, ids and
        # event chain as one document at a time (a test compares), without a statement per row
        doc_rows: list[dict[str, Any]] = []
        claim_rows: list[dict[str, Any]] = []
        react_rows: list[dict[str, Any]] = []
        ev_rows: list[dict[str, Any]] = []
        for p in todo:
            d = p.doc
            raw = d.raw if d.raw is not None else d.text.encode("utf-8")
            at = now()
            doc_rows.append({"doc": d.doc, "source": d.source, "url": d.url, "title": d.title,
                             "publisher": d.publisher, "author": d.author, "published": d.published,
                             "ingested_at": at, "captured_at": d.captured_at, "format": d.format, "size": len(raw),
                             "encoding": d.encoding, "text": d.text, "raw": raw})
            ev_rows.append(event_row(last, "ingested", d.doc, {
                "doc": d.doc, "sha256": hashlib.sha256(raw).hexdigest(), "size": len(raw), "ingested_at": at,
                "text_sha256": sha256_text(d.text), **{k: getattr(d, k) for k in DOC_META}}))
            rows = [claim_row(d.doc, i, d.published, cd) for i, cd in enumerate(p.claims)]
            claim_rows += rows
            ev_rows.append(event_row(last, "extracted", d.doc, {"doc": d.doc, "claims": [r["hash"] for r in rows]}))
            if p.reactions:
                react_rows += p.reactions
                ev_rows.append(event_row(last, "reacted", d.doc, {"doc": d.doc, "reactions": [
                    r["hash"] for r in p.reactions]}))
        for table, rows in ((documents, doc_rows), (claims, claim_rows), (reactions, react_rows), (events, ev_rows)):
            if rows:
                conn.execute(insert(table), rows)
        return todo, len(items) - len(todo)

    # ------------------------------------------------------------------ resolution
    def claim_refs(self, conn: Connection, details: dict[int, Any] | None = None) -> list[ClaimRef]:
        """The incident claims (not read from comments) that resolution groups; ``details``, when given, is
        filled with each claim's row (place, point, dates, targets, victims) for the incident rows."""
        q = select(claims.c.id, claims.c.claim_uid, claims.c.doc, claims.c.date_start, claims.c.date_end,
                   claims.c.published, claims.c.country, claims.c.admin1, claims.c.admin2, claims.c.gazetteer_id,
                   claims.c.place_name, claims.c.where_prec, claims.c.perpetrators, claims.c.means,
                   claims.c.killed_min, claims.c.killed_max, claims.c.injured_min, claims.c.injured_max,
                   claims.c.from_comment, claims.c.quote, claims.c.lat, claims.c.lon, claims.c.targets,
                   claims.c.victims, claims.c.killed_plus, claims.c.killed_vague, claims.c.injured_plus,
                   claims.c.injured_vague, claims.c.implausible, documents.c.publisher,
                   documents.c.source).select_from(
            claims.join(documents, documents.c.doc == claims.c.doc)).where(
            claims.c.kind == "incident", claims.c.from_comment.is_(False)).order_by(claims.c.id)
        out = []
        for r in conn.execute(q):
            if details is not None:
                details[r.id] = r
            day = day_of(r.date_start) or day_of(r.published)
            out.append(ClaimRef(
                id=r.id, uid=r.claim_uid, doc=r.doc, source=(r.publisher or r.source or r.doc),
                day=day, day_end=day_of(r.date_end) or day,
                country=r.country, admin1=r.admin1, admin2=r.admin2,
                place_key=r.gazetteer_id or (r.place_name.lower() if r.place_name else None),
                where_prec=r.where_prec, perpetrators=frozenset(filter(None, (r.perpetrators or "").split(","))),
                means=frozenset(filter(None, (r.means or "").split(","))), killed_min=r.killed_min,
                killed_max=r.killed_max, injured_min=r.injured_min, injured_max=r.injured_max,
                killed_plus=bool(r.killed_plus), killed_vague=bool(r.killed_vague),
                injured_plus=bool(r.injured_plus), injured_vague=bool(r.injured_vague),
                implausible=bool(r.implausible), from_comment=bool(r.from_comment), published=r.published,
                quote_key=" ".join(normfold(r.quote).split()) if r.quote and len(r.quote) >= 30 else None))
        return out

    def analyst_events(self, conn: Connection) -> list[Any]:
        rows = list(conn.execute(select(events).where(events.c.kind.in_(
            ("merge", "split", "set-grade", "note", "undo"))).order_by(events.c.seq)))
        undone = {json.loads(r.payload)["seq"] for r in rows if r.kind == "undo"}
        return [r for r in rows if r.kind != "undo" and r.seq not in undone]

    def compute_incidents(self, conn: Connection, window_days: int
                          ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], int]:
        """Incident rows and incident-claim links from the claims and the analyst edits (nothing written)."""
        details: dict[int, Any] = {}
        refs = self.claim_refs(conn, details)
        groups = [[refs[i] for i in g] for g in cluster(refs, window_days)]
        grades, notes = self._apply_edits(conn, groups)
        inc_rows: list[dict[str, Any]] = []
        link_rows: list[dict[str, Any]] = []
        for g in groups:
            if not g:
                continue
            s = summarise(g)
            uids = {c.uid for c in g}
            grade, grade_by = s.grade, "auto"
            for first, gr in grades:  # an analyst grade belongs to the incident holding its first claim
                if first in uids:
                    grade, grade_by = gr, "analyst"
            note = "\n".join(t for first, t in notes if first in uids) or None
            inc_rows.append(self._incident_row(s, g, details, grade, grade_by, note))
            link_rows += [{"incident_id": s.id, "claim_id": i} for i in s.claim_ids]
        return inc_rows, link_rows, len(refs)

    def resolve(self, window_days: int | None = None, actor: str | None = None) -> dict[str, int]:
        """Recompute incidents from the incident claims and every analyst edit; logs a ``resolved`` event
        unless nothing changed. ``window_days`` defaults to the window last used on this ledger."""
        return self.transact(lambda conn: self._resolve_tx(conn, window_days, actor))

    def repair(self, actor: str | None = None) -> dict[str, int]:
        """Re-derive the incidents after a crash left them behind their claims or edits (what ``verify``
        calls *incomplete*); an audited ``resolved`` event marked ``repair``, even when nothing changes."""
        return self.transact(lambda conn: self._resolve_tx(conn, None, actor, repair=True))

    def _resolve_tx(self, conn: Connection, window_days: int | None, actor: str | None, *,
                    repair: bool = False) -> dict[str, int]:
        last = self.last_resolved(conn)
        if window_days is None:
            window_days = int(last[1].get("window_days", 1)) if last else 1
        inc_rows, link_rows, n_claims = self.compute_incidents(conn, window_days)
        result = {"incidents": len(inc_rows), "claims": n_claims, "window_days": window_days}
        digest = incidents_digest(inc_rows, link_rows)
        payload = {**result, "digest": digest, "digest_v": DIGEST_V, "version": __version__}
        if not repair and last is not None and all(last[1].get(k) == v for k, v in payload.items()):
            have = incidents_digest([dict(r._mapping) for r in conn.execute(select(incidents))],
                                    [dict(r._mapping) for r in conn.execute(select(incident_claims))])
            if have == digest:  # a no-op writes nothing
                return result
        conn.execute(delete(incident_claims))
        conn.execute(delete(incidents))
        if inc_rows:
            conn.execute(insert(incidents), inc_rows)
            conn.execute(insert(incident_claims), link_rows)
        self.append_event(conn, "resolved", None, {**payload, "repair": True} if repair else payload, actor=actor)
        return result

    @staticmethod
    def last_resolved(conn: Connection) -> tuple[int, dict[str, Any]] | None:
        """The last ``resolved`` event: its number and payload."""
        row = conn.execute(select(events.c.seq, events.c.payload).where(events.c.kind == "resolved").order_by(
            events.c.seq.desc()).limit(1)).first()
        return (row.seq, json.loads(row.payload)) if row else None

    @staticmethod
    def _incident_row(s: IncidentSummary, refs: list[ClaimRef], details: dict[int, Any], grade: str,
                      grade_by: str, notes: str | None) -> dict[str, Any]:
        ds = [details[c.id] for c in refs]
        placed = [d for d in ds if d.place_name]
        best = min(placed, key=lambda d: (d.where_prec or 9, d.id)) if placed else None
        starts = [d.date_start for d in ds if d.date_start] or [c.published for c in refs if c.published]
        ends = [d.date_end or d.date_start for d in ds if d.date_start] or starts
        targets = sorted({t for d in ds for t in (d.targets or "").split(",") if t})
        victims = {d.victims for d in ds if d.victims and d.victims != "unknown"}
        pubs = [c.published for c in refs if c.published]
        return {"id": s.id, "killed_min": s.killed_min, "killed_max": s.killed_max, "injured_min": s.injured_min,
                "injured_max": s.injured_max, "killed_plus": s.killed_plus, "killed_vague": s.killed_vague,
                "injured_plus": s.injured_plus, "injured_vague": s.injured_vague,
                "n_implausible": s.n_implausible, "grade": grade, "grade_by": grade_by,
                "place_name": best.place_name if best else None, "country": best.country if best else None,
                "admin1": best.admin1 if best else None, "admin2": best.admin2 if best else None,
                "lat": best.lat if best else None, "lon": best.lon if best else None,
                "where_prec": best.where_prec if best else None,
                "date_start": min(starts) if starts else None, "date_end": max(ends) if ends else None,
                "perpetrators": ",".join(s.perpetrators), "means": ",".join(s.means), "targets": ",".join(targets),
                "victims": (victims.pop() if len(victims) == 1 else ("mixed" if victims else "unknown")),
                "n_claims": len(s.claim_ids), "n_documents": s.n_documents, "n_sources": s.n_sources,
                "first_report": min(pubs) if pubs else None, "last_report": max(pubs) if pubs else None,
                "notes": notes}

    def _apply_edits(self, conn: Connection, groups: list[list[ClaimRef]]
                     ) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """Replay analyst edits (in order, skipping undone ones) onto the automatic groups, in place."""
        grades: list[tuple[str, str]] = []
        notes: list[tuple[str, str]] = []
        for ev in self.analyst_events(conn):
            p = json.loads(ev.payload)
            if ev.kind == "merge":
                where = {c.uid: n for n, g in enumerate(groups) for c in g}
                ga = {where[u] for u in p["a"] if u in where}
                gb = {where[u] for u in p["b"] if u in where}
                if ga and gb:
                    target = min(ga | gb)
                    for n in sorted((ga | gb) - {target}):
                        groups[target] += groups[n]
                        groups[n] = []
            elif ev.kind == "split":
                uids = set(p["claims"])
                moved = [c for g in groups for c in g if c.uid in uids]
                for g in groups:
                    g[:] = [c for c in g if c.uid not in uids]
                if moved:
                    groups.append(moved)
            elif ev.kind == "set-grade":
                grades.append((min(p["claims"]), p["grade"]))
            elif ev.kind == "note":
                notes.append((min(p["claims"]), p["text"]))
        return grades, notes

    # ------------------------------------------------------------------ analyst edits
    def incident_claim_uids(self, conn: Connection, incident_id: str) -> list[str]:
        j = incident_claims.join(claims, claims.c.id == incident_claims.c.claim_id)
        q = select(claims.c.claim_uid).select_from(j).where(incident_claims.c.incident_id == incident_id)
        uids = [r.claim_uid for r in conn.execute(q)]
        if not uids:
            raise KeyError(f"no incident {incident_id!r}")
        return uids

    def edit(self, kind: str, incident_id: str, *, other: str | None = None, claim_ids: list[int] | None = None,
             grade: str | None = None, note: str | None = None, actor: str | None = None) -> int:
        """Record an analyst edit (merge, split, set-grade, note) as an audit event and re-resolve, in one
        transaction."""
        def tx(conn: Connection) -> int:
            uids = self.incident_claim_uids(conn, incident_id)
            if kind == "merge":
                if other == incident_id:
                    raise ValueError("an incident cannot be merged with itself")
                payload: dict[str, Any] = {"incident": incident_id, "other": other, "a": uids,
                                           "b": self.incident_claim_uids(conn, other or "")}
            elif kind == "split":
                ids = [i for i in claim_ids or [] if 0 < i < 2**31]
                rows = conn.execute(select(claims.c.id, claims.c.claim_uid).where(claims.c.id.in_(ids)))
                chosen = {r.id: r.claim_uid for r in rows}
                missing = [i for i in claim_ids or [] if i not in chosen or chosen[i] not in uids]
                if missing or not chosen:
                    raise KeyError(f"claims {missing or claim_ids} are not in incident {incident_id}")
                if len(chosen) == len(uids):
                    raise ValueError("a split must leave at least one claim in the incident")
                payload = {"incident": incident_id, "claims": sorted(chosen.values())}
            elif kind == "set-grade":
                if grade not in GRADES:
                    raise ValueError(f"grade must be one of {', '.join(GRADES)}")
                payload = {"incident": incident_id, "claims": uids, "grade": grade}
            elif kind == "note":
                payload = {"incident": incident_id, "claims": uids, "text": note or ""}
            else:
                raise ValueError(f"unknown edit {kind!r}")
            seq = self.append_event(conn, kind, incident_id, payload, actor=actor)
            self._resolve_tx(conn, None, actor)
            return seq

        return self.transact(tx)

    def set_published(self, doc: str, published: str, actor: str | None = None) -> int | None:
        """Record a document's publication date (an undated page dated by an analyst, issue 13) as an audited
        ``set-published`` event naming the date it replaces, and re-resolve, in one transaction: the original
        bytes and text are untouched; incidents whose reports' text gives no date take this one (and say so).
        None when the document already has this date (no event); KeyError for a document not stored."""
        return self.set_published_all([doc], published, actor=actor)[0]

    def set_published_all(self, docs: list[str], published: str, actor: str | None = None) -> list[int | None]:
        """:meth:`set_published` for several documents in one transaction and one re-resolve (an ingest with
        ``--published`` over pages stored before without a date); each one's event number, or None."""
        from ..ingest import strict_date

        if strict_date(published) is None:
            raise ValueError(f"{published!r} is not a calendar date (YYYY-MM-DD)")

        def tx(conn: Connection) -> list[int | None]:
            out: list[int | None] = []
            for doc in docs:
                row = conn.execute(select(documents.c.published).where(documents.c.doc == doc)).first()
                if row is None:
                    raise KeyError(f"no document {doc}")
                if row.published == published:
                    out.append(None)
                    continue
                conn.execute(documents.update().where(documents.c.doc == doc).values(published=published))
                conn.execute(claims.update().where(claims.c.doc == doc).values(published=published))
                out.append(self.append_event(conn, "set-published", doc, {
                    "doc": doc, "published": published, "previous": row.published}, actor=actor))
            if any(s is not None for s in out):
                self._resolve_tx(conn, None, actor)
            return out

        return self.transact(tx)

    def date_basis(self) -> dict[str, str]:
        """Incident id → where its date comes from: ``text`` (a claim's text gives a date) or ``report`` (no
        claim's text does: its reports' publication date); undated incidents are left out."""
        with self.engine.connect() as conn:
            from_text = {r.incident_id for r in conn.execute(
                select(incident_claims.c.incident_id).select_from(
                    incident_claims.join(claims, claims.c.id == incident_claims.c.claim_id))
                .where(claims.c.date_start.is_not(None)).distinct())}
            dated = [r.id for r in conn.execute(select(incidents.c.id).where(incidents.c.date_start.is_not(None)))]
        return {i: "text" if i in from_text else "report" for i in dated}

    def undated_documents(self) -> list[str]:
        """Documents with no publication date (neither on the page nor given at ingest)."""
        with self.engine.connect() as conn:
            return [r.doc for r in conn.execute(select(documents.c.doc).where(documents.c.published.is_(None))
                                                .order_by(documents.c.doc))]

    def undo(self, seq: int, actor: str | None = None) -> int:
        """Reverse an analyst edit by appending an ``undo`` event (nothing is deleted), and re-resolve."""
        def tx(conn: Connection) -> int:
            row = conn.execute(select(events).where(events.c.seq == seq)).first() if 0 < seq < 2**31 else None
            if row is None or row.kind not in ("merge", "split", "set-grade", "note"):
                raise KeyError(f"event {seq} is not an analyst edit")
            new = self.append_event(conn, "undo", row.subject, {"seq": seq, "kind": row.kind}, actor=actor)
            self._resolve_tx(conn, None, actor)
            return new

        return self.transact(tx)

    # ------------------------------------------------------------------ reading
    def stats(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            def count(q: Any) -> int:
                return int(conn.execute(q).scalar() or 0)

            return {"documents": count(select(func.count()).select_from(documents)),
                    "claims": count(select(func.count()).select_from(claims)),
                    "incidents": count(select(func.count()).select_from(incidents)),
                    "tallies": count(select(func.count()).select_from(claims).where(
                        claims.c.kind == "aggregate", claims.c.from_comment.is_(False))),
                    "reactions": count(select(func.count()).select_from(reactions)),
                    "events": count(select(func.count()).select_from(events))}

    def incident_filter(self, *, admin1: str | None = None, perpetrator: str | None = None,
                        grade: str | None = None, since: str | None = None, until: str | None = None,
                        q: str | None = None, means: str | None = None, target: str | None = None) -> list[Any]:
        """SQL conditions on ``incidents`` for the filters shared by the CLI, the API and the overview:
        ``perpetrator``/``means``/``target`` are one id of the incident's comma-separated list (exact, "_" a
        letter, not a wildcard); ``q`` words of a claim's text (SQLite FTS5 when the index exists)."""
        cond: list[Any] = []
        if admin1:
            cond.append(incidents.c.admin1 == admin1)
        for col, val in ((incidents.c.perpetrators, perpetrator), (incidents.c.means, means),
                         (incidents.c.targets, target)):
            if val:
                cond.append(("," + col + ",").like(f"%,{val.replace('_', '!_')},%", escape="!"))
        if grade:
            cond.append(incidents.c.grade == grade)
        if since:
            cond.append(incidents.c.date_end >= since)
        if until:
            cond.append(incidents.c.date_start <= until)
        if q:
            words = re.findall(r"\w+", q)[:20]
            if words and self.has_fts():  # every word, as a phrase, in the claim's text
                match = " ".join('"' + w.replace('"', "") + '"' for w in words)
                hits = select(text("rowid")).select_from(text("claims_fts")).where(text("claims_fts MATCH :m"))
                sub = select(incident_claims.c.incident_id).where(
                    incident_claims.c.claim_id.in_(hits.params(m=match)))
            else:
                sub = select(incident_claims.c.incident_id).select_from(
                    incident_claims.join(claims, claims.c.id == incident_claims.c.claim_id)).where(
                    *[claims.c.quote.ilike("%" + _like_escape(w) + "%", escape="!") for w in (words or [q])])
            cond.append(incidents.c.id.in_(sub))
        return cond

    def incidents(self, *, limit: int | None = None, order: str = "killed", **filters: str | None
                  ) -> Iterator[dict[str, Any]]:
        """Incident rows matching :meth:`incident_filter`'s ``filters``, by highest killed or by date."""
        q = select(incidents).where(*self.incident_filter(**filters))
        if order == "killed":
            q = q.order_by(func.coalesce(incidents.c.killed_max, -1).desc(), incidents.c.id)
        else:
            q = q.order_by(incidents.c.date_start, incidents.c.id)
        if limit:
            q = q.limit(limit)
        with self.engine.connect() as conn:
            for r in conn.execute(q):
                yield dict(r._mapping)

    def incident_claim_rows(self, incident_id: str | None = None) -> list[Any]:
        """The claims of one incident (or of every incident), in claim order, each with its incident id, quote,
        JSON and its document's metadata (``publisher``, ``source``, ``url``, ``published``, ``captured_at``,
        ``ingested_at``, ``doc``)."""
        q = select(incident_claims.c.incident_id, claims.c.id, claims.c.quote, claims.c.json, documents.c.doc,
                   documents.c.publisher, documents.c.source, documents.c.url, documents.c.published,
                   documents.c.captured_at, documents.c.ingested_at).select_from(
            incident_claims.join(claims, claims.c.id == incident_claims.c.claim_id).join(
                documents, documents.c.doc == claims.c.doc)).order_by(claims.c.id)
        if incident_id is not None:
            q = q.where(incident_claims.c.incident_id == incident_id)
        with self.engine.connect() as conn:
            return list(conn.execute(q))

    def reader_claims(self, incident_id: str) -> list[Any]:
        """Claims read from the comment threads under the articles of an incident ("readers also claim"):
        stored as the comments', never part of any incident, tally or map (issue 13). Each row has the claim's
        id, quote, JSON and its document's ``doc``, ``publisher`` and ``source``."""
        docs = (select(claims.c.doc)
                .select_from(incident_claims.join(claims, claims.c.id == incident_claims.c.claim_id))
                .where(incident_claims.c.incident_id == incident_id, claims.c.from_comment.is_(False)))
        q = (select(claims.c.id, claims.c.quote, claims.c.json, documents.c.doc, documents.c.publisher,
                    documents.c.source).select_from(claims.join(documents, documents.c.doc == claims.c.doc))
             .where(claims.c.from_comment.is_(True), claims.c.doc.in_(docs)).order_by(claims.c.id))
        with self.engine.connect() as conn:
            return list(conn.execute(q))

    # ------------------------------------------------------------------ reactions
    def reactions(self, doc: str) -> list[dict[str, Any]]:
        """The reactions stored for one document, in thread order."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(reactions.c.json).where(reactions.c.doc == doc).order_by(reactions.c.id))
            return [json.loads(r.json) for r in rows]

    def reactions_by_incident(self, ids: list[str] | None = None) -> dict[str, list[dict[str, Any]]]:
        """Incident id → the reactions under the articles its (non-comment) claims come from, in thread order;
        for ``ids``, or every incident with reactions, in one query."""
        q = (select(incident_claims.c.incident_id, reactions.c.id, reactions.c.json).select_from(incident_claims)
             .join(claims, claims.c.id == incident_claims.c.claim_id)
             .join(reactions, reactions.c.doc == claims.c.doc)
             .where(claims.c.from_comment.is_(False)).distinct()
             .order_by(incident_claims.c.incident_id, reactions.c.id))
        if ids is not None:
            q = q.where(incident_claims.c.incident_id.in_(ids))
        out: dict[str, list[dict[str, Any]]] = {}
        with self.engine.connect() as conn:
            for r in conn.execute(q):
                out.setdefault(r.incident_id, []).append(json.loads(r.json))
        return out

    def incident_reactions(self, incident_id: str) -> dict[str, Any]:
        """The reactions to an incident with a summary (``contested_by`` = denials). Reactions never change an
        incident's figures or grade."""
        from ..react import summarize

        rs = self.reactions_by_incident([incident_id]).get(incident_id, [])
        return {"summary": summarize(rs), "reactions": rs}

    def contested_counts(self, ids: list[str] | None = None) -> dict[str, int]:
        """Incident id → number of denying reactions under the articles that report it (for ``ids``, or all)."""
        q = (select(incident_claims.c.incident_id, func.count(func.distinct(reactions.c.id)))
             .select_from(incident_claims)
             .join(claims, claims.c.id == incident_claims.c.claim_id)
             .join(reactions, reactions.c.doc == claims.c.doc)
             .where(reactions.c.stance == "denies", claims.c.from_comment.is_(False))
             .group_by(incident_claims.c.incident_id))
        if ids is not None:
            if not ids:
                return {}
            if len(ids) <= 500:  # a page of incidents; the map asks for all of them
                q = q.where(incident_claims.c.incident_id.in_(ids))
        with self.engine.connect() as conn:
            return {r[0]: int(r[1]) for r in conn.execute(q)}

    # ------------------------------------------------------------------ verification
    def verify(self) -> VerifyReport:
        """Re-hash every original, text and claim, walk the event chain, recompute the incidents, and report
        what does not match. (A hash chain cannot notice the newest events being cut off or a forged event
        appended by someone who can write the database: compare ``head`` with a copy kept elsewhere.)"""
        rep = VerifyReport()
        with self.engine.connect() as conn:
            ingested: dict[str, dict[str, Any]] = {}
            extracted: dict[str, list[str]] = {}
            reacted: dict[str, list[str]] = {}
            resolved: dict[str, Any] | None = None
            resolved_seq = last_change = 0
            layer_events: dict[str, dict[str, Any]] = {}
            prev, expect = GENESIS, 1
            for r in conn.execute(select(events).order_by(events.c.seq)):
                rep.events += 1
                where = f"event {r.seq} ({r.kind})"
                if r.seq != expect:
                    rep.problems.append(Problem(where, f"sequence gap: expected event {expect} (deleted events?)"))
                if r.prev_hash != prev:
                    rep.problems.append(Problem(where, "chain broken: prev_hash does not match the event before "
                                                       "(edited, deleted or reordered events)"))
                h = event_hash(r.prev_hash, r.seq, r.at, r.kind, r.subject, r.actor, r.payload)
                if h != r.hash:
                    rep.problems.append(Problem(where, "event content was changed after it was written"))
                try:
                    p = json.loads(r.payload)
                except ValueError:
                    p = {}
                if r.kind == "ingested":
                    ingested[p.get("doc", "")] = p
                elif r.kind == "set-published" and p.get("doc") in ingested:
                    # an analyst's date replaces the recorded one (the event names the one it replaces)
                    ingested[p["doc"]] = {**ingested[p["doc"]], "published": p.get("published")}
                elif r.kind == "extracted":
                    extracted[p.get("doc", "")] = p.get("claims", [])
                elif r.kind == "reacted":
                    reacted[p.get("doc", "")] = p.get("reactions", [])
                elif r.kind == "resolved":
                    resolved, resolved_seq = p, r.seq
                elif r.kind == "control_imported":
                    layer_events[p.get("layer", "")] = p
                if r.kind in CHANGES_INCIDENTS:
                    last_change = r.seq
                prev, expect = r.hash, r.seq + 1
            rep.head = (expect - 1, prev)
            seen_docs: dict[str, str | None] = {}
            cols = [documents.c.doc, documents.c.raw, documents.c.text, documents.c.size, documents.c.ingested_at,
                    *[documents.c[k] for k in DOC_META]]
            for r in conn.execute(select(*cols)):
                rep.documents += 1
                seen_docs[r.doc] = r.published
                where = f"document {r.doc}"
                actual = hashlib.sha256(bytes(r.raw)).hexdigest()
                if actual != r.doc:
                    rep.problems.append(Problem(where, f"original bytes changed (now hash {actual})"))
                ev = ingested.get(r.doc)
                if ev is None:
                    rep.problems.append(Problem(where, "no 'ingested' event records this document"))
                    continue
                if ev.get("sha256") != r.doc:
                    rep.problems.append(Problem(where, "the 'ingested' event records other bytes"))
                if r.size != len(r.raw) or ("size" in ev and ev["size"] != r.size):
                    rep.problems.append(Problem(where, f"size is {r.size!r} but the original has {len(r.raw)} bytes"))
                if "ingested_at" in ev and ev["ingested_at"] != r.ingested_at:
                    rep.problems.append(Problem(where, f"ingested_at is {r.ingested_at!r} but was recorded as "
                                                       f"{ev['ingested_at']!r}"))
                if "text_sha256" in ev and sha256_text(r.text) != ev["text_sha256"]:
                    rep.problems.append(Problem(where, "extracted text changed (claim spans no longer point at it)"))
                for k in DOC_META:
                    if k in ev and ev[k] != getattr(r, k):
                        rep.problems.append(Problem(where, f"{k} is {getattr(r, k)!r} but was recorded as {ev[k]!r}"))
            for d in sorted(set(ingested) - set(seen_docs)):
                rep.problems.append(Problem(f"document {d}", "recorded as ingested but missing from the ledger"))
            per_doc: dict[str, list[str]] = {}
            for r in conn.execute(select(claims).order_by(claims.c.id)):
                rep.claims += 1
                where = f"claim {r.id} (document {r.doc[:12]}…)"
                n = len(per_doc.get(r.doc, []))
                if sha256_text(r.json) != r.hash:
                    rep.problems.append(Problem(where, "claim JSON changed after extraction"))
                else:
                    rep.problems += _column_problems(where, r, claim_row(r.doc, n, seen_docs.get(r.doc),
                                                                         json.loads(r.json)), "claim")
                per_doc.setdefault(r.doc, []).append(r.hash)
            for d, hashes in extracted.items():
                have = per_doc.get(d, [])
                if have != hashes:
                    rep.problems.append(Problem(f"document {d}", f"{len(hashes)} claims were extracted, the ledger "
                                                                 f"holds {len(have)} matching ones (added, removed "
                                                                 "or replaced claims)"))
            for d in sorted(set(per_doc) - set(extracted)):
                rep.problems.append(Problem(f"document {d}", "claims with no 'extracted' event"))
            per_doc_r: dict[str, list[str]] = {}
            for r in conn.execute(select(reactions).order_by(reactions.c.id)):
                rep.reactions += 1
                where = f"reaction {r.id} (document {r.doc[:12]}…)"
                if sha256_text(r.json) != r.hash:
                    rep.problems.append(Problem(where, "reaction JSON changed after it was read"))
                else:
                    rep.problems += _column_problems(where, r, reaction_row(r.doc, json.loads(r.json)), "reaction")
                per_doc_r.setdefault(r.doc, []).append(r.hash)
            for d in sorted(set(reacted) | set(per_doc_r)):
                if reacted.get(d) != per_doc_r.get(d):
                    rep.problems.append(Problem(f"document {d}", "the stored reactions differ from those recorded "
                                                                 "by its 'reacted' event (added, removed or changed)"))
            rep.problems += self._check_layers(conn, layer_events)
            if not rep.problems:
                self._check_incidents(conn, rep, resolved, resolved_seq, last_change)
            if self.has_fts() and not rep.problems:
                try:  # the search index agrees with the claims it indexes
                    conn.execute(text("INSERT INTO claims_fts(claims_fts, rank) VALUES ('integrity-check', 1)"))
                except DatabaseError:
                    rep.problems.append(Problem("claims_fts", "the word index does not match the claims' text "
                                                              "(search results would be wrong)"))
        return rep

    @staticmethod
    def _check_layers(conn: Connection, layer_events: dict[str, dict[str, Any]]) -> list[Problem]:
        """Each control layer's bytes against its id, and what the ledger says of it against its import event."""
        out = []
        seen = set()
        for r in conn.execute(select(control_layers)):
            seen.add(r.layer)
            where = f"control layer {r.layer[:12]}… ({r.name})"
            actual = hashlib.sha256(bytes(r.raw)).hexdigest()
            if actual != r.layer:
                out.append(Problem(where, f"layer bytes changed (now hash {actual})"))
            if r.size != len(r.raw):
                out.append(Problem(where, f"size is {r.size!r} but the layer has {len(r.raw)} bytes"))
            ev = layer_events.get(r.layer)
            if ev is None:
                out.append(Problem(where, "no 'control_imported' event for this layer"))
                continue
            row = _layer_record(r)
            for k, v in row.items():
                if ev.get(k) != v:
                    out.append(Problem(where, f"{k} differs from its import event"))
        for lid in sorted(set(layer_events) - seen):
            out.append(Problem(f"control layer {lid[:12]}…", "imported, but no longer in the ledger (deleted)"))
        return out

    # ------------------------------------------------------------------ control layers
    def import_control_layer(self, data: bytes, *, name: str, params: dict[str, Any], n_areas: int,
                             licence: str | None, source: str | None, schematic: bool,
                             source_path: str | None = None, actor: str | None = None) -> tuple[str, bool]:
        """Store a control layer's bytes (already parsed by :func:`harmledger.control.parse_layer`) with how
        to read them, and a ``control_imported`` event; returns (layer id, whether it is new). The same
        bytes imported again add nothing."""
        layer = hashlib.sha256(data).hexdigest()
        rec = {"layer": layer, "name": name, "params": canonical(params), "licence": licence, "source": source,
               "schematic": bool(schematic), "n_areas": n_areas, "size": len(data), "source_path": source_path}

        def tx(conn: Connection) -> bool:
            if conn.execute(select(control_layers.c.layer).where(control_layers.c.layer == layer)).first():
                return False
            at = now()
            conn.execute(insert(control_layers).values(**rec, imported_at=at, raw=data))
            self.append_event(conn, "control_imported", layer, {**rec, "imported_at": at}, actor=actor)
            return True

        return layer, self.transact(tx)

    def control_layers(self) -> list[Any]:
        """The stored control layers as :class:`harmledger.control.Layer` (their areas read from their bytes),
        oldest import first."""
        from ..control import Layer, load_parties, parse_layer

        out = []
        with self.engine.connect() as conn:
            rows = conn.execute(select(control_layers).order_by(control_layers.c.imported_at)).all()
        for r in rows:
            p = json.loads(r.params)
            areas = parse_layer(bytes(r.raw), party_field=p["party_field"], date=p.get("date"),
                                valid_from_field=p.get("valid_from_field"), valid_to_field=p.get("valid_to_field"),
                                name_field=p.get("name_field"))
            parties = {**load_parties(p.get("pack", "syria")), **(p.get("mapping") or {})}
            out.append(Layer(id=r.layer, name=r.name, date=p.get("date"), areas=areas, licence=r.licence,
                             source=r.source, schematic=bool(r.schematic), parties=parties))
        return out

    def control_layer_rows(self) -> list[Any]:
        """The stored layers' descriptions (no bytes), oldest import first."""
        cols = [c for c in control_layers.c if c.name != "raw"]
        with self.engine.connect() as conn:
            return conn.execute(select(*cols).order_by(control_layers.c.imported_at)).all()

    def _check_incidents(self, conn: Connection, rep: VerifyReport, resolved: dict[str, Any] | None,
                         resolved_seq: int, last_change: int) -> None:
        """The incidents table must be what the last ``resolved`` event vouched for (its digest covers every
        column and claim link); a ledger resolved by this version is also recomputed from its claims and
        edits. Incidents left behind by a crash (claims or edits after the last ``resolved``) are
        *incomplete*, not tampered."""
        have_rows = [dict(r._mapping) for r in conn.execute(select(incidents))]
        have_links = [dict(r._mapping) for r in conn.execute(select(incident_claims))]
        if resolved is None:
            if have_rows or have_links:
                rep.problems.append(Problem("incidents", "incidents are stored but were never resolved (no "
                                                         "'resolved' event)"))
            elif last_change and self.compute_incidents(conn, 1)[0]:
                rep.incomplete.append(Problem("incidents", "the claims were never resolved into incidents (an "
                                                           "interrupted first ingest?)"))
            return
        v = resolved.get("digest_v")
        if v in (3, DIGEST_V) and incidents_digest(have_rows, have_links, v) != resolved.get("digest"):
            rep.problems.append(Problem("incidents", f"the incidents table changed after the last 'resolved' event "
                                                     f"(event {resolved_seq}): figures, places, grades, notes, "
                                                     "counts or claims"))
            return
        behind = last_change > resolved_seq
        stale = Problem("incidents", f"behind the claims and edits: event {last_change} came after the last "
                                     f"'resolved' (event {resolved_seq}), as an interrupted ingest or edit leaves it")
        if resolved.get("version") != __version__:
            if behind:
                rep.incomplete.append(stale)
            return
        want, links, _n = self.compute_incidents(conn, int(resolved.get("window_days", 1)))
        if incidents_digest(want, links) == incidents_digest(have_rows, have_links):
            return
        if behind:
            rep.incomplete.append(stale)
            return
        wmap = {r["id"]: r for r in want}
        bad = [r["id"] for r in have_rows if r["id"] not in wmap or
               any(r[k] != wmap[r["id"]][k] for k in INCIDENT_CHECKED)]
        what = (f"{len(bad)} altered, e.g. {bad[:3]}" if bad else
                "the incidents' claims are not the claims they were resolved from")
        rep.problems.append(Problem("incidents", f"the incidents table does not match its claims and edits "
                                                 f"({what})"))


def _column_problems(where: str, row: Any, flat: dict[str, Any], what: str) -> list[Problem]:
    """The flat columns of a stored row that disagree with the values its JSON gives them."""
    out = []
    for col, v in flat.items():
        got = getattr(row, col)
        if isinstance(v, float) and got is not None:
            same = abs(float(got) - v) < 1e-9
        else:
            same = got == v or (isinstance(v, bool) and bool(got) == v)
        if not same:
            out.append(Problem(where, f"column {col} is {got!r} but the {what} says {v!r}"))
    return out


def _like_escape(s: str) -> str:
    """``s`` as literal text in a LIKE pattern (escape character ``!``): ``%`` and ``_`` match themselves."""
    return s.replace("!", "!!").replace("%", "!%").replace("_", "!_")


def _busy(e: OperationalError) -> bool:
    """A lock held by another writer (SQLite busy/locked; PostgreSQL deadlock or serialisation failure)."""
    msg = str(e.orig).lower() if e.orig is not None else str(e).lower()
    return ("database is locked" in msg or "database is busy" in msg or "deadlock detected" in msg
            or "could not serialize" in msg)


def _sqlite_begin(conn: Connection) -> None:
    """A write transaction takes SQLite's write lock at once (``BEGIN IMMEDIATE``), so no other writer can
    move the chain head between its read and its insert; readers begin deferred and never block."""
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("harmledger_write") else "BEGIN")


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # the driver's own implicit BEGINs off: _sqlite_begin emits them
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()

