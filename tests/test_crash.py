"""Crash safety: `harmledger ingest` is killed with SIGKILL in the middle of 5,000 documents and run again.

No document may be stored twice or half-stored (its original without its claims or events), and
`harmledger verify` must find the ledger intact.
"""

from __future__ import annotations

import gzip
import json
import signal
import sqlite3
import subprocess
import sys
import time
from importlib import resources

N = 5000


def corpus(path) -> None:
    f = resources.files("harmledger.data.demo").joinpath("ged2016_headlines.jsonl.gz")
    with f.open("rb") as fh:
        heads = [json.loads(x) for x in gzip.decompress(fh.read()).decode("utf-8").splitlines()]
    n = len(heads)
    with open(path, "w", encoding="utf-8") as out:
        for i in range(N):  # two real headlines per report: 5,000 distinct documents
            a, b = heads[i % n], heads[(i * 7 + 3) % n]
            out.write(json.dumps({"text": a["text"] + "\n" + b["text"], "published": a["published"],
                                  "source": f"report-{i}", "publisher": a.get("publisher")}) + "\n")


def count(db) -> int:
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return con.execute("SELECT count(*) FROM documents").fetchone()[0]
        finally:
            con.close()
    except sqlite3.OperationalError:
        return 0


def test_sigkill_mid_ingest_then_rerun(tmp_path):
    src = tmp_path / "reports.jsonl"
    corpus(src)
    db = tmp_path / "ledger.db"
    cmd = [sys.executable, "-m", "harmledger.cli", "ingest", str(src), "--db", str(db), "--no-progress"]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 120
    while count(db) < 800 and time.time() < deadline and p.poll() is None:
        time.sleep(0.05)
    p.send_signal(signal.SIGKILL)
    p.wait()
    stored = count(db)
    assert 0 < stored < N, "the kill must land in the middle of the batch"

    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    assert f"{N - stored} new documents ({stored} already in the ledger" in r.stdout

    con = sqlite3.connect(db)
    assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == N
    assert con.execute("SELECT count(*) FROM events WHERE kind = 'ingested'").fetchone()[0] == N
    assert con.execute("SELECT count(*) FROM events WHERE kind = 'extracted'").fetchone()[0] == N
    # every stored document has its extraction event: nothing half-stored
    assert con.execute("SELECT count(*) FROM documents d WHERE NOT EXISTS (SELECT 1 FROM events e "
                       "WHERE e.kind = 'extracted' AND e.subject = d.doc)").fetchone()[0] == 0
    con.close()
    v = subprocess.run([sys.executable, "-m", "harmledger.cli", "verify", "--db", str(db)], capture_output=True,
                       text=True, timeout=600)
    assert v.returncode == 0, v.stderr
    assert f"verified {N} documents" in v.stdout and "intact" in v.stdout


def test_sigkill_at_random_points_on_a_resolved_ledger_is_never_tampering(tmp_path):
    """Five kills at random moments of ingests into a ledger already resolved (during reading, storing,
    or the final resolve): `verify` may say INCOMPLETE (exit 3), never TAMPERED, and `repair` makes it
    intact."""
    import random

    src = tmp_path / "reports.jsonl"
    corpus(src)
    lines = src.read_text("utf-8").splitlines(keepends=True)
    db = tmp_path / "ledger.db"
    first = tmp_path / "first.jsonl"
    first.write_text("".join(lines[:300]), "utf-8")
    cli = [sys.executable, "-m", "harmledger.cli"]
    subprocess.run([*cli, "ingest", str(first), "--db", str(db), "--no-progress"], check=True, capture_output=True,
                   timeout=300)
    rng = random.Random(16)
    verdicts = []
    for k in range(5):
        part = tmp_path / f"part{k}.jsonl"
        part.write_text("".join(lines[300 + k * 400:300 + (k + 1) * 400]), "utf-8")
        p = subprocess.Popen([*cli, "ingest", str(part), "--db", str(db), "--no-progress"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.5, 6.0))
        p.send_signal(signal.SIGKILL)
        p.wait()
        v = subprocess.run([*cli, "verify", "--db", str(db)], capture_output=True, text=True, timeout=600)
        assert "TAMPERED" not in v.stderr, v.stderr
        assert v.returncode in (0, 3), v.stderr
        verdicts.append(v.returncode)
        if v.returncode == 3:
            assert "INCOMPLETE" in v.stderr
    print("verify after each kill:", verdicts)
    r = subprocess.run([*cli, "repair", "--db", str(db)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr + r.stdout
    v = subprocess.run([*cli, "verify", "--db", str(db)], capture_output=True, text=True, timeout=600)
    assert v.returncode == 0 and "intact" in v.stdout and "incomplete" not in v.stdout, v.stderr
