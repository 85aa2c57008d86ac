"""The ledger's tables: plain, named for what they hold, readable by any SQL tool (``datasette harmledger.db``).

* ``documents`` — one row per original, addressed by the SHA-256 of its raw bytes; the bytes themselves
  are in ``raw`` (a BLOB in the same file, so one file is the whole evidentiary record and a document and
  its claims are written in one transaction), with capture metadata and the extracted ``text``.
* ``claims`` — one row per claim with flat columns for filtering and the full claim JSON, and a hash of
  that JSON so ``verify`` notices any change.
* ``incidents`` / ``incident_claims`` — the current resolution of incident claims into incidents
  (recomputed from claims and analyst events; never the only copy of anything).
* ``reactions`` — one row per comment of a stored page's thread, read by the ``react`` stage (stance,
  incitement, abuse, toxicity, evidence), with its JSON and hash; reactions never change a claim or an
  incident's figures — a denial only makes the incidents of its article "contested by" it.
* ``control_layers`` — dated areas of control (GeoJSON bytes, addressed by their SHA-256), read by the
  ``control`` stage to say who held the ground at each incident.
* ``events`` — the append-only, hash-chained audit log: ingested, extracted, resolved, and every analyst
  edit. ``tallies`` is a view of the aggregate claims.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

documents = Table(
    "documents", metadata,
    Column("doc", String(64), primary_key=True),  # SHA-256 hex of the raw bytes
    Column("source", Text, nullable=False),
    Column("url", Text),
    Column("title", Text),
    Column("publisher", Text),
    Column("author", Text),
    Column("published", String(10)),
    Column("ingested_at", String(32), nullable=False),
    Column("captured_at", String(32)),
    Column("format", String(16), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("encoding", String(32)),
    Column("text", Text, nullable=False),
    Column("raw", LargeBinary, nullable=False),
)

claims = Table(
    "claims", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("claim_uid", String(64), nullable=False, unique=True),
    Column("doc", String(64), ForeignKey("documents.doc"), nullable=False),
    Column("unit_start", Integer, nullable=False),
    Column("unit_end", Integer, nullable=False),
    Column("quote", Text),
    Column("kind", String(16), nullable=False),
    Column("killed_min", BigInteger), Column("killed_max", BigInteger),
    Column("injured_min", BigInteger), Column("injured_max", BigInteger),
    Column("casualties_min", BigInteger),
    Column("children_killed_min", BigInteger), Column("women_killed_min", BigInteger),
    Column("displaced_min", BigInteger),
    Column("victims", String(16)),
    Column("perpetrators", Text),  # comma-separated ids, for filtering; the JSON has the evidence
    Column("means", Text),
    Column("targets", Text),
    Column("place_name", Text), Column("country", String(2)), Column("admin1", Text), Column("admin2", Text),
    Column("lat", Float), Column("lon", Float), Column("where_prec", Integer), Column("gazetteer_id", Text),
    Column("date_start", String(10)), Column("date_end", String(10)), Column("date_prec", String(8)),
    Column("published", String(10)),
    Column("confidence", Float),
    Column("from_comment", Boolean, nullable=False, default=False),
    Column("json", Text, nullable=False),
    Column("hash", String(64), nullable=False),  # SHA-256 of ``json``
    # added in 0.12 (issue 12); derived from ``json`` like the columns above, filled in for older ledgers
    Column("killed_plus", Boolean), Column("killed_vague", Boolean),
    Column("injured_plus", Boolean), Column("injured_vague", Boolean),
    Column("implausible", Boolean), Column("implausible_reason", Text),
)
Index("claims_doc", claims.c.doc)
Index("claims_kind_place_date", claims.c.kind, claims.c.country, claims.c.admin1, claims.c.date_start)

incidents = Table(
    "incidents", metadata,
    Column("id", String(24), primary_key=True),
    Column("killed_min", BigInteger), Column("killed_max", BigInteger),
    Column("injured_min", BigInteger), Column("injured_max", BigInteger),
    Column("grade", String(16), nullable=False),
    Column("grade_by", String(16), nullable=False),  # auto | analyst
    Column("place_name", Text), Column("country", String(2)), Column("admin1", Text), Column("admin2", Text),
    Column("lat", Float), Column("lon", Float), Column("where_prec", Integer),
    Column("date_start", String(10)), Column("date_end", String(10)),
    Column("perpetrators", Text), Column("means", Text), Column("targets", Text), Column("victims", String(16)),
    Column("n_claims", Integer, nullable=False), Column("n_documents", Integer, nullable=False),
    Column("n_sources", Integer, nullable=False),
    Column("first_report", String(10)), Column("last_report", String(10)),
    Column("notes", Text),
    # "30+", "dozens": the range's bounds as open or vague as the claims that give them (issue 12)
    Column("killed_plus", Boolean), Column("killed_vague", Boolean),
    Column("injured_plus", Boolean), Column("injured_vague", Boolean),
    Column("n_implausible", Integer),  # claims of the incident left out of its ranges as implausible
)

incident_claims = Table(
    "incident_claims", metadata,
    Column("incident_id", String(24), ForeignKey("incidents.id"), primary_key=True),
    Column("claim_id", Integer, ForeignKey("claims.id"), primary_key=True),
)
Index("incident_claims_claim", incident_claims.c.claim_id)

reactions = Table(
    "reactions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("doc", String(64), ForeignKey("documents.doc"), nullable=False),
    Column("comment", Text),  # the page's comment id (or c1, c2 …)
    Column("span_start", Integer, nullable=False), Column("span_end", Integer, nullable=False),
    Column("author", Text), Column("time", Text), Column("parent", Text),
    Column("language", String(8)),
    Column("stance", String(12), nullable=False),
    Column("incitement", Boolean, nullable=False), Column("abuse", Boolean, nullable=False),
    Column("toxicity", Float), Column("confidence", Float),
    Column("json", Text, nullable=False),
    Column("hash", String(64), nullable=False),  # SHA-256 of ``json``
)
Index("reactions_doc", reactions.c.doc)

events = Table(
    "events", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", String(32), nullable=False),
    Column("kind", String(24), nullable=False),
    Column("subject", Text),
    Column("actor", Text),
    Column("payload", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

# added in issue 19: dated control layers (who held the ground), kept like originals: the GeoJSON bytes
# addressed by their SHA-256, with how to read them (``params``: party field, date or validity fields)
control_layers = Table(
    "control_layers", metadata,
    Column("layer", String(64), primary_key=True),  # SHA-256 hex of the GeoJSON bytes
    Column("name", Text, nullable=False),
    Column("imported_at", String(32), nullable=False),
    Column("source_path", Text),
    Column("params", Text, nullable=False),  # canonical JSON: party_field, date | valid_from/to fields, mapping
    Column("licence", Text),
    Column("source", Text),
    Column("schematic", Boolean, nullable=False, default=False),
    Column("n_areas", Integer, nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("raw", LargeBinary, nullable=False),
)

TALLIES_VIEW = """
CREATE VIEW IF NOT EXISTS tallies AS
SELECT c.id, c.doc, c.quote, c.killed_min, c.killed_max, c.injured_min, c.casualties_min, c.displaced_min,
       c.victims, c.perpetrators, c.means, c.country, c.admin1, c.date_start, c.date_end, c.date_prec,
       d.publisher, d.published, d.source, c.killed_plus, c.killed_vague, c.implausible
FROM claims c JOIN documents d ON d.doc = c.doc WHERE c.kind = 'aggregate' AND NOT c.from_comment
"""
