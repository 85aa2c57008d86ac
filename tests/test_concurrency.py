"""Concurrent writers are normal use: two `harmledger ingest` processes and a stream of analyst edits write
to one ledger at once (a real SQLite file and, when HARMLEDGER_TEST_PG is set, a real PostgreSQL server).
Every document and every edit must be stored, no writer may fail, and `verify` must find the chain intact."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import time
from importlib import resources

from sqlalchemy import select, text

from harmledger.store import Ledger
from harmledger.store.schema import incidents


def headlines() -> list[dict]:
    f = resources.files("harmledger.data.demo").joinpath("ged2016_headlines.jsonl.gz")
    with f.open("rb") as fh:
        return [json.loads(x) for x in gzip.decompress(fh.read()).decode("utf-8").splitlines()]


def write(path, rows) -> None:
    with open(path, "w", encoding="utf-8") as out:
        for r in rows:
            out.write(json.dumps(r) + "\n")


def test_two_ingests_and_edits_at_once_lose_nothing(ledger, tmp_path):
    heads = headlines()
    reports = [{"text": h["text"], "published": h["published"], "source": f"report-{i}",
                "publisher": h.get("publisher")} for i, h in enumerate(heads[:700])]
    # two crawls that overlap by 100 reports: each overlapping report must be stored once
    write(tmp_path / "a.jsonl", reports[100:450])
    write(tmp_path / "b.jsonl", reports[350:700])
    write(tmp_path / "seed.jsonl", reports[:100])
    url = ledger.url
    cli = [sys.executable, "-m", "harmledger.cli", "ingest", "--db", url, "--no-progress"]
    seed = subprocess.run([*cli, str(tmp_path / "seed.jsonl")], capture_output=True, text=True, timeout=300)
    assert seed.returncode == 0, seed.stderr

    procs = [subprocess.Popen([*cli, str(tmp_path / f"{x}.jsonl")], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for x in "ab"]
    lg = Ledger(url)  # a second connection pool, like a web UI beside the ingests
    edits: list[int] = []
    stale = 0
    deadline = time.time() + 600
    while any(p.poll() is None for p in procs) and time.time() < deadline:
        with lg.engine.connect() as conn:
            inc = conn.execute(select(incidents.c.id).order_by(incidents.c.id).limit(1)).scalar()
        try:
            edits.append(lg.edit("note", inc, note=f"checked {len(edits)}", actor="analyst"))
        except KeyError:  # the incident was re-resolved under another id between the lookup and the edit
            stale += 1
        time.sleep(0.2)  # an analyst's pace
    outs = [p.communicate(timeout=600) for p in procs]
    for p, (_out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err
        assert "not stored" not in err and "IntegrityError" not in err, err
    assert len(edits) >= 3, (edits, stale)

    with lg.engine.connect() as conn:
        n_docs = conn.execute(text("SELECT count(*) FROM documents")).scalar()
        sources = {r[0] for r in conn.execute(text("SELECT source FROM documents"))}
        kinds = dict(conn.execute(text("SELECT kind, count(*) FROM events GROUP BY kind")).all())
        noted = {r[0] for r in conn.execute(text("SELECT seq FROM events WHERE kind = 'note'"))}
    assert n_docs == 700 and len(sources) == 700
    assert kinds["ingested"] == kinds["extracted"] == 700
    assert set(edits) <= noted and len(noted) == len(edits)
    # the two processes' summaries add up: every overlapping report counted once as new, once as a duplicate
    new = sum(int(out.split("ingested ")[1].split(" new")[0]) for out, _ in outs)
    dup = sum(int(out.split("(")[1].split(" already")[0]) for out, _ in outs)
    assert (new, dup) == (600, 100)
    rep = lg.verify()
    assert rep.ok, [str(p) for p in rep.problems[:5]]
    lg.close()
