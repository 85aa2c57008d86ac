"""The ledger's command line, as a user runs it: ingest, stats, incidents, tally, export, edits, verify."""

from __future__ import annotations

import csv
import json
import sqlite3
import subprocess
import sys

CLI = [sys.executable, "-m", "harmledger.cli"]


def run(*args: str, cwd=None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(CLI + list(args), capture_output=True, text=True, timeout=300, cwd=cwd)


def test_ledger_commands_end_to_end(tmp_path, dev_units):
    reports = tmp_path / "reports.jsonl"
    with open(reports, "w", encoding="utf-8") as f:
        for uid in sorted(dev_units)[:120]:
            u = dev_units[uid]
            f.write(json.dumps({"text": u["text"], "published": u["published"], "source": uid,
                                "publisher": "SOHR" if u["source"] != "re3d" else "re3d"}) + "\n")
    r = run("ingest", str(reports), "--no-progress", cwd=tmp_path)  # default: ./harmledger.db
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "harmledger.db").exists() and "ingested 120 new documents" in r.stdout
    r = run("ingest", str(reports), "--no-progress", cwd=tmp_path)
    assert "ingested 0 new documents (120 already in the ledger" in r.stdout
    db = str(tmp_path / "harmledger.db")
    st = json.loads(run("stats", "--db", db, "--format", "json").stdout)
    assert st["documents"] == 120 and st["claims"] > 120 and st["incidents"] > 0 and st["tallies"] > 0
    rows = [json.loads(x) for x in run("incidents", "--db", db, "--format", "jsonl", "--admin1", "Aleppo").stdout
            .splitlines()]
    assert rows and all(r["admin1"] == "Aleppo" for r in rows)
    out = run("incidents", "--db", db, "--format", "csv", "--limit", "5").stdout.splitlines()
    assert len(list(csv.reader(out))) == 6
    t = run("tally", "--db", db, "--by", "month,admin1", "--chart", str(tmp_path / "t.svg"), "--format", "jsonl")
    assert t.returncode == 0 and (tmp_path / "t.svg").read_text().lstrip().startswith("<?xml")
    tallied = [json.loads(x) for x in t.stdout.splitlines()]
    assert sum(x["incidents"] for x in tallied) == st["incidents"]
    assert run("tally", "--db", db, "--by", "colour").returncode == 2
    for fmt in ("csv", "geojson", "parquet", "ucdp", "acled"):
        e = run("export", "--db", db, "--format", fmt, "--out", str(tmp_path / f"x.{fmt}"))
        assert e.returncode == 0, e.stderr
    every = [json.loads(x) for x in run("incidents", "--db", db, "--format", "jsonl").stdout.splitlines()]
    assert len(every) == st["incidents"]
    for fmt in ("csv", "ucdp", "acled"):  # one row per incident
        with open(tmp_path / f"x.{fmt}", encoding="utf-8", newline="") as fh:
            assert len(list(csv.DictReader(fh))) == st["incidents"], fmt
    import pyarrow.parquet as pq

    assert pq.read_table(tmp_path / "x.parquet").num_rows == st["incidents"]
    features = json.loads((tmp_path / "x.geojson").read_text("utf-8"))["features"]
    assert len(features) == sum(1 for r in every if r["lat"] is not None) > 0  # the placed ones
    a, b = rows[0]["id"], rows[1]["id"]
    m = run("incident", "merge", a, b, "--db", db, "--actor", "tester")
    assert m.returncode == 0 and "merge recorded as event" in m.stdout
    seq = m.stdout.split("event ")[1].split(";")[0]
    ids = {r["id"] for r in map(json.loads, run("incidents", "--db", db, "--format", "jsonl").stdout.splitlines())}
    assert a in ids and b not in ids  # merged
    assert run("incident", "set-grade", a, "confirmed", "--db", db).returncode == 0
    assert run("incident", "note", a, "checked against video", "--db", db).returncode == 0
    assert run("incident", "undo", seq, "--db", db).returncode == 0
    after = {r["id"]: r for r in map(json.loads, run("incidents", "--db", db, "--format", "jsonl").stdout.splitlines())}
    assert a in after and b in after  # apart again; the grade and the note stay on A
    assert after[a]["grade"] == "confirmed" and "checked against video" in (after[a]["notes"] or "")
    bad = run("incident", "merge", "I-nope", b, "--db", db)
    assert bad.returncode == 1 and "no incident" in bad.stderr
    v = run("verify", "--db", db)
    assert v.returncode == 0 and "intact" in v.stdout
    con = sqlite3.connect(db)
    con.execute("UPDATE events SET actor = 'someone else' WHERE kind = 'merge'")
    con.commit()
    con.close()
    v = run("verify", "--db", db)
    assert v.returncode == 1 and "TAMPERED event" in v.stderr


def test_an_undated_page_is_flagged_and_dated_by_an_audited_edit(tmp_path, dev_units):
    """Issue 13: real dev-set reports saved as .txt pages carry no date. `ingest` says so; their incidents
    are undated; `document set-published` dates one as an audited event that names the date it replaces
    (the original untouched, `verify` intact), its incident takes the report's date and the page says the
    date is the report's; `ingest --published` dates a page stored before without one; setting the same
    date again records nothing."""
    texts = [dev_units[u]["text"] for u in sorted(dev_units) if dev_units[u]["source"] == "ged2016"][:2]
    pages = []
    for k, t in enumerate(texts):
        p = tmp_path / f"page{k}.txt"
        p.write_text(t + "\n", "utf-8")
        pages.append(p)
    db = str(tmp_path / "l.db")
    r = run("ingest", str(pages[0]), str(pages[1]), "--db", db, "--no-progress")
    assert r.returncode == 0 and "2 document(s) in the ledger have no publication date" in r.stderr
    undated = run("document", "undated", "--db", db).stdout.split()
    assert len(undated) == 2
    con = sqlite3.connect(db)
    doc0 = con.execute("SELECT doc FROM documents WHERE raw = ?", (pages[0].read_bytes(),)).fetchone()[0]
    raw_before = con.execute("SELECT raw, text FROM documents WHERE doc = ?", (doc0,)).fetchone()
    assert con.execute("SELECT count(*) FROM incidents WHERE date_start IS NOT NULL").fetchone()[0] == 0
    con.close()
    r = run("document", "set-published", doc0, "2016-02-15", "--db", db, "--actor", "analyst1")
    assert r.returncode == 0 and "recorded as event" in r.stdout, r.stderr
    con = sqlite3.connect(db)
    actor, payload = con.execute("SELECT actor, payload FROM events WHERE kind = 'set-published'").fetchone()
    assert actor == "analyst1" and json.loads(payload) == {"doc": doc0, "published": "2016-02-15", "previous": None}
    assert con.execute("SELECT raw, text FROM documents WHERE doc = ?", (doc0,)).fetchone() == raw_before
    (inc,) = con.execute("SELECT i.id, i.date_start FROM incidents i JOIN incident_claims ic ON ic.incident_id = i.id "
                         "JOIN claims c ON c.id = ic.claim_id WHERE c.doc = ?", (doc0,)).fetchall()
    con.close()
    assert inc[1] == "2016-02-15"
    v = run("verify", "--db", db)
    assert v.returncode == 0, v.stdout + v.stderr
    assert "nothing recorded" in run("document", "set-published", doc0, "2016-02-15", "--db", db).stdout
    assert run("document", "set-published", doc0, "2016-02-30", "--db", db).returncode != 0  # no such day
    from fastapi.testclient import TestClient

    from harmledger.present.app import create_app
    from harmledger.store import Ledger

    page = TestClient(create_app(ledger=Ledger(db, create=False))).get(f"/incidents/{inc[0]}").text
    assert "the reports&#x27; publication date" in page or "the reports' publication date" in page
    # every export says where the date comes from
    exp = run("export", "--db", db, "--format", "csv", "--out", "-")
    rows = list(csv.DictReader(exp.stdout.splitlines()))
    basis = {r["id"]: r["date_basis"] for r in rows}
    assert basis[inc[0]] == "report" and set(basis.values()) <= {"report", ""}
    # the other page, stored before without a date, is dated by `ingest --published`
    r = run("ingest", str(pages[1]), "--db", db, "--published", "2016-03-01", "--no-progress")
    assert r.returncode == 0 and "now published 2016-03-01" in r.stderr
    assert run("document", "undated", "--db", db).stdout.split() == []
    assert run("verify", "--db", db).returncode == 0
