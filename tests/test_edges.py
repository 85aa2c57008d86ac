"""Command-line and API edges a user meets in the first hour: one clear line instead of a traceback,
``-`` as standard output for every ``--out``, strict dates, strict bearer tokens, no-op runs that leave
the audit log as it was, and a /docs page that needs no CDN."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient
from helpers import make_doc, resolved_ledger

from harmledger.present.app import create_app

REPORTS = [
    make_doc("Russian warplanes kill 12 civilians in an airstrike on a market in Saraqib.", "2016-02-15", "SOHR"),
    make_doc("5 killed by barrel bombs on Daraya.", "2016-02-15", "SOHR"),
]


def hl(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "harmledger.cli", *args], capture_output=True, input=stdin,
                          timeout=300)


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("edges") / "l.db"
    resolved_ledger(path, REPORTS).close()
    return path


def test_missing_directories_and_non_ledgers_get_one_line(db, tmp_path):
    for args in (["export", "--db", str(db), "--format", "csv", "--out", str(tmp_path / "missing" / "x.csv")],
                 ["ingest", "--db", str(tmp_path / "missing" / "l.db"), "-"],
                 ["report", "--db", str(tmp_path / "none.db"), "--out", str(tmp_path / "r")]):
        r = hl(*args, stdin=b"5 killed by barrel bombs on Daraya.")
        err = r.stderr.decode()
        assert r.returncode != 0 and "Traceback" not in err and len(err.strip().splitlines()) == 1, err
        assert "missing" in err or "none.db" in err
    notadb = tmp_path / "notadb.txt"
    notadb.write_text("Russian warplanes kill 12 civilians in Saraqib.\n" * 50)
    before = notadb.read_bytes()
    r = hl("stats", "--db", str(notadb))
    err = r.stderr.decode()
    assert r.returncode == 1 and "Traceback" not in err and "not a readable harmledger ledger" in err, err
    assert notadb.read_bytes() == before  # never written to


def test_dash_is_standard_output_for_every_out(db, tmp_path):
    r = hl("export", "--db", str(db), "--format", "csv", "--out", "-")
    rows = list(csv.DictReader(io.StringIO(r.stdout.decode())))
    assert r.returncode == 0 and {x["place_name"] for x in rows} == {"Saraqib", "Daraya"}
    assert not (tmp_path / "-").exists() and "standard output" in r.stderr.decode()
    g = hl("export", "--db", str(db), "--format", "geojson", "--out", "-")
    assert len(json.loads(g.stdout)["features"]) == 2
    p = hl("export", "--db", str(db), "--format", "parquet", "--out", "-")
    assert pq.read_table(io.BytesIO(p.stdout)).num_rows == 2
    page = hl("report", "--db", str(db), "--out", "-")
    assert page.returncode == 0 and page.stdout.startswith(b"<!DOCTYPE html>") and b"Saraqib" in page.stdout
    chart = hl("tally", "--db", str(db), "--by", "month", "--chart", "-")
    assert chart.returncode == 0 and chart.stdout.startswith(b"\x89PNG")


def test_export_leaves_no_partial_file(db, tmp_path):
    out = tmp_path / "x.csv"
    assert hl("export", "--db", str(db), "--format", "csv", "--out", str(out)).returncode == 0
    assert out.exists() and [p.name for p in tmp_path.iterdir()] == ["x.csv"]


def test_impossible_dates_are_refused(db):
    r = hl("incidents", "--db", str(db), "--since", "2016-13-01")
    assert r.returncode == 2 and b"YYYY-MM-DD" in r.stderr
    assert hl("incidents", "--db", str(db), "--until", "2016-02-30").returncode == 2
    assert hl("incidents", "--db", str(db), "--since", "2016-02-01").returncode == 0


def test_a_run_that_changes_nothing_appends_no_event(db, tmp_path):
    src = tmp_path / "r.txt"
    src.write_text(REPORTS[0].text, encoding="utf-8")
    first = hl("ingest", "--db", str(db), str(src))
    assert first.returncode == 0
    head = hl("verify", "--db", str(db)).stdout.decode().split("head: ")[1].split(" (")[0]
    again = hl("ingest", "--db", str(db), str(src))
    assert again.returncode == 0 and b"0 new documents (1 already" in again.stdout
    v = hl("verify", "--db", str(db))
    assert v.returncode == 0 and v.stdout.decode().split("head: ")[1].split(" (")[0] == head


@pytest.fixture(scope="module")
def editor(db):
    from harmledger.store import Ledger

    lg = Ledger(str(db), create=False)
    yield TestClient(create_app(ledger=lg, allow_edits=True, token="s3cret"))
    lg.close()


def test_api_edges(editor):
    inc = editor.get("/api/incidents").json()["items"][0]["id"]
    note = {"actor": "a", "note": "checked"}
    assert editor.post(f"/api/incidents/{inc}/note", json=note, headers={"Authorization": "s3cret"}).status_code == 401
    assert editor.post(f"/api/incidents/{inc}/note", json=note,
                       headers={"Authorization": "Basic s3cret"}).status_code == 401
    ok = editor.post(f"/api/incidents/{inc}/note", json=note, headers={"Authorization": "Bearer s3cret"})
    assert ok.status_code == 200
    auth = {"Authorization": "Bearer s3cret"}
    assert editor.post(f"/api/incidents/{inc}/merge", json={"actor": "a", "other": inc},
                       headers=auth).status_code == 422
    assert editor.post(f"/api/events/{10**30}/undo", params={"actor": "a"}, headers=auth).status_code == 422
    assert editor.post(f"/api/events/{2**31 - 1}/undo", params={"actor": "a"}, headers=auth).status_code == 404
    assert editor.get("/api/incidents", params={"since": "2016-13-01"}).status_code == 422
    assert editor.get("/api/incidents", params={"q": "%%%"}).json()["total"] == 0
    assert editor.get("/api/incidents", params={"q": "Saraqib"}).json()["total"] == 1
    docs = editor.get("/docs")
    assert docs.status_code == 200 and "/api/incidents" in docs.text and "<script" not in docs.text
    assert "cdn" not in docs.text.lower()


def test_serve_says_where_it_is_and_logs_requests(db):
    import socket
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    p = subprocess.Popen([sys.executable, "-m", "harmledger.cli", "serve", "--db", str(db), "--port", str(port)],
                         stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        first = p.stderr.readline()
        assert f"at http://localhost:{port}/" in first and "read-only" in first
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/stats", timeout=2) as r:
                    assert r.status == 200
                break
            except OSError:
                time.sleep(0.1)
    finally:
        p.terminate()
        out, _err = p.communicate(timeout=20)
    assert "GET /api/stats" in out and "200" in out  # uvicorn's access log, one line per request
