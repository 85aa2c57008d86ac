"""Tampering: every column of every ledger table is changed in turn, in a copy of a real resolved ledger,
with plain sqlite3 (as someone with write access to the file would), and `verify` must report it as
tampered, never as intact and never as a mere interrupted run.

The ledger holds real SOHR reports of the extractor dev set, one page with a reader thread of real
comments (reactions dev set), and an analyst edit.
"""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest
from helpers import dev_docs

from harmledger.extract import get_extractor
from harmledger.ingest import read
from harmledger.store import Ledger

TABLES = ("documents", "claims", "reactions", "incidents", "incident_claims", "events")


@pytest.fixture(scope="module")
def ledger_file(tmp_path_factory, dev_units):
    from importlib import resources

    raw = resources.files("harmledger.evaluation").joinpath("reactions/devset.jsonl").read_text("utf-8")
    recs = [json.loads(x) for x in raw.splitlines() if x.strip()]
    com = [r["text"] for r in recs if r.get("split") == "dev" and r.get("text")][:3]
    d = tmp_path_factory.mktemp("tamper")
    page = d / "thread.txt"
    page.write_text(f"{dev_units['u0073']['text']}\n\n3 comments\n\nDmitry says:\n{com[0]}\nReply\n\n"
                    f"Aglaya said:\n\n{com[1]}\n\n{com[2]}\n\nLeave a Reply\n", "utf-8")
    db = d / "ledger.db"
    lg = Ledger(str(db))
    lg.ingest([*dev_docs(dev_units, 40), *read([page])], get_extractor().extract_document)
    lg.resolve()
    inc = list(lg.incidents())
    lg.edit("set-grade", inc[0]["id"], grade="confirmed", actor="analyst")
    lg.edit("note", inc[1]["id"], note="checked against the hospital's own list", actor="analyst")
    rep = lg.verify()
    assert rep.ok and not rep.incomplete, rep.problems
    lg.engine.dispose()
    con = sqlite3.connect(db)
    for t in TABLES:
        assert con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] > 0, t
    con.close()
    return db


def _columns(db) -> list[tuple[str, str, str]]:
    con = sqlite3.connect(db)
    out = [(t, c[1], c[2].upper()) for t in TABLES for c in con.execute(f"PRAGMA table_info({t})")]
    con.close()
    return out


def _changed(value, decl: str):
    """A different value of the same kind (what a forger would write)."""
    if isinstance(value, bytes):
        return value + b" "
    if isinstance(value, bool | int) and "BOOL" in decl:
        return 0 if value else 1
    if isinstance(value, int):
        return value + 7
    if isinstance(value, float):
        return value + 0.25
    if isinstance(value, str):
        if len(value) == 64 and all(ch in "0123456789abcdef" for ch in value):
            return ("0" if value[0] != "0" else "1") + value[1:]
        return value + "x" if not value.endswith("x") else value[:-1]
    return 1 if any(k in decl for k in ("INT", "BOOL", "FLOAT", "REAL")) else "x"


def _pick(con, table: str, col: str):
    """The row to change: one with a value in ``col`` if any, preferring rows incidents are made of."""
    row = con.execute(f"SELECT rowid, {col} FROM {table} WHERE {col} IS NOT NULL ORDER BY rowid LIMIT 1").fetchone()
    return row or con.execute(f"SELECT rowid, {col} FROM {table} ORDER BY rowid LIMIT 1").fetchone()


def test_every_column_of_every_table_tampered_is_detected(ledger_file, tmp_path):
    missed = []
    cols = _columns(ledger_file)
    assert len(cols) > 100
    for table, col, decl in cols:
        copy = tmp_path / f"{table}.{col}.db"
        shutil.copy(ledger_file, copy)
        con = sqlite3.connect(copy)
        rowid, value = _pick(con, table, col)
        new = _changed(value, decl)
        try:
            con.execute(f"UPDATE {table} SET {col} = ? WHERE rowid = ?", (new, rowid))
        except sqlite3.IntegrityError:  # a key: move the row to an unused one
            con.execute(f"UPDATE {table} SET {col} = ? WHERE rowid = ?", (new + 100_000, rowid))
        con.commit()
        con.close()
        lg = Ledger(str(copy), create=False)
        rep = lg.verify()
        lg.engine.dispose()
        if rep.ok:
            missed.append(f"{table}.{col} ({value!r})" + (" reported only as incomplete" if rep.incomplete else ""))
        copy.unlink()
    assert not missed, "tampering not detected: " + ", ".join(missed)


def test_deleted_rows_are_detected(ledger_file, tmp_path):
    for table in TABLES:
        copy = tmp_path / f"del.{table}.db"
        shutil.copy(ledger_file, copy)
        con = sqlite3.connect(copy)
        con.execute(f"DELETE FROM {table} WHERE rowid = (SELECT max(rowid) FROM {table})")
        con.commit()
        con.close()
        lg = Ledger(str(copy))
        rep = lg.verify()
        lg.engine.dispose()
        assert not rep.ok, f"a row deleted from {table} went unnoticed"
