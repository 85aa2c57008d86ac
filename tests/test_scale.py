"""The Dask engine: the same claims as the in-process engine, resumable shards, and a real scheduler
with two worker processes started here (as on a cluster: `dask scheduler` + `dask worker`)."""

from __future__ import annotations

import gzip
import json
import os
import socket
import subprocess
import sys
import time
from importlib import resources
from pathlib import Path

from test_warc import build_warc, offtopic_texts

from harmledger.ingest import Piece, ReadError, read_piece
from harmledger.scale import plan, run

CLI = [sys.executable, "-m", "harmledger.cli"]
BIN = Path(sys.executable).parent


def corpus(tmp: Path, re3d_docs) -> Path:
    """Two WARC archives of real report pages mixed with off-topic pages, three JSONL shards, and a JSONL
    file of report pages with comment threads."""
    src = tmp / "in"
    src.mkdir()
    f = resources.files("harmledger.data.demo").joinpath("ged2016_headlines.jsonl.gz")
    with f.open("rb") as fh:
        lines = gzip.decompress(fh.read()).decode("utf-8").splitlines()[:910]
    for k in range(3):
        (src / f"shard-{k}.jsonl").write_text("\n".join(lines[k * 300:(k + 1) * 300]) + "\n", "utf-8")
    # pages with comment threads (real reports, real dev-set comments): reactions must travel through shards
    devset = resources.files("harmledger.evaluation").joinpath("reactions/devset.jsonl").read_text("utf-8")
    talk = [r["text"] for r in map(json.loads, devset.splitlines()) if r.get("text") and r["split"] == "dev"][:40]
    pages = [{**json.loads(lines[900 + k]), "comments": [{"text": t, "author": f"u{j}"} for j, t in
                                                         enumerate(talk[k * 4:(k + 1) * 4])]} for k in range(10)]
    (src / "threads.jsonl").write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in pages) + "\n", "utf-8")
    off = offtopic_texts()
    build_warc(src / "crawl-a.warc.gz", [d["text"] for d in re3d_docs[:35]], off[:20])
    build_warc(src / "crawl-b.warc", [d["text"] for d in re3d_docs[35:]], off[20:])
    return src


def test_dask_engine_gives_exactly_the_local_claims_and_resumes(tmp_path, re3d_docs):
    src = corpus(tmp_path, re3d_docs)
    local = subprocess.run(CLI + ["extract", str(src), "--no-progress"], capture_output=True, text=True,
                           timeout=300)
    assert local.returncode == 0, local.stderr
    # 42 kB partitions: the 300-line JSONL files and both WARC archives are cut into pieces (at line ends,
    # at record starts), the small files grouped; --dask-min-mb 0: Dask even on this little input
    dask = subprocess.run(CLI + ["extract", str(src), "--engine", "dask", "--workers", "2", "--shards",
                                 str(tmp_path / "shards"), "--partition-mb", "0.04", "--dask-min-mb", "0",
                                 "--no-progress"], capture_output=True, text=True, timeout=600)
    assert dask.returncode == 0, dask.stderr
    assert dask.stdout == local.stdout and len(local.stdout.splitlines()) > 900
    assert "off-topic" in dask.stderr
    parts = plan([str(src)], target=int(0.04 * 2**20))
    cut = [p for p in parts if not p.pieces[0].whole]
    assert {Path(p.pieces[0].path).suffix for p in cut} >= {".jsonl", ".warc", ".gz"}
    # a finished shard is skipped on re-run
    results = run([str(src)], str(tmp_path / "shards"), workers=1, target=int(0.04 * 2**20))
    assert len(results) == len(parts) > 6 and all(r.skipped for r in results)
    # on little input and a local cluster, the local engine runs instead (and says so): the same claims
    auto = subprocess.run(CLI + ["extract", str(src), "--engine", "dask", "--shards", str(tmp_path / "s2"),
                                 "--no-progress"], capture_output=True, text=True, timeout=600)
    assert auto.returncode == 0 and auto.stdout == local.stdout
    assert "below --dask-min-mb" in auto.stderr and not (tmp_path / "s2").exists()


def test_pieces_of_a_file_give_exactly_its_documents_and_errors(tmp_path, re3d_docs):
    """A JSONL file cut at line ends (bad lines among good ones keep their line numbers) and a WARC archive
    cut at record starts (its cut tail reported once, by the last piece), read piece by piece, give what
    the whole file gives."""
    src = corpus(tmp_path, re3d_docs)
    lines = (src / "shard-0.jsonl").read_text("utf-8").splitlines()
    lines[7], lines[150] = "{not json", '{"text": 5}'
    (src / "shard-0.jsonl").write_text("\n".join(lines[:100] + [""] + lines[100:]) + "\n", "utf-8")
    warc = (src / "crawl-b.warc").read_bytes()
    (src / "crawl-b.warc").write_bytes(warc[:-700])  # cut inside its last record

    def items(pieces: list[Piece]) -> list[object]:
        return [(i.source, i.reason) if isinstance(i, ReadError) else (i.doc, i.source, i.text)
                for pc in pieces for i in read_piece(pc, prefilter=None)]

    for name in ("shard-0.jsonl", "crawl-b.warc", "crawl-a.warc.gz"):
        f = str(src / name)
        whole = items([Piece(f)])
        assert len(whole) > 20
        for goal in (4_000, 25_000):
            pieces = [p.pieces[0] for p in plan([f], target=goal)]
            assert len(pieces) > 2, (name, goal)
            assert items(pieces) == whole, (name, goal)
    # a .jsonl.gz padded with zeros after its member (gzip readers accept it): more pieces than its text
    # has bytes, and still each line once
    padded = tmp_path / "padded.jsonl.gz"
    padded.write_bytes(gzip.compress(("\n".join(lines[:3]) + "\n").encode()) + bytes(200_000))
    assert items([p.pieces[0] for p in plan([str(padded)], target=1048)]) == items([Piece(str(padded))])
    # small files are grouped in input order, up to the target size
    small = tmp_path / "small"
    small.mkdir()
    for k, line in enumerate(lines[200:212]):
        (small / f"r{k:02}.jsonl").write_text(line + "\n", "utf-8")
    groups = plan([str(small)], target=1_000)
    assert 1 < len(groups) < 12 and [pc.path for g in groups for pc in g.pieces] == sorted(
        str(f) for f in small.iterdir())
    errs = [i.source for i in read_piece(Piece(str(src / "shard-0.jsonl"))) if isinstance(i, ReadError)]
    assert errs == [f"{src / 'shard-0.jsonl'}:8", f"{src / 'shard-0.jsonl'}:152"]
    tail = [i for i in read_piece(Piece(str(src / "crawl-b.warc"))) if isinstance(i, ReadError)]
    assert len(tail) == 1


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_ingest_on_a_scheduler_with_two_worker_processes(tmp_path, re3d_docs):
    src = corpus(tmp_path, re3d_docs)
    port = _free_port()
    addr = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    sched = subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                              "--no-dashboard"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    workers = []
    try:
        time.sleep(2)
        for _ in range(2):
            workers.append(subprocess.Popen([str(BIN / "dask"), "worker", addr, "--nthreads", "1", "--no-dashboard"],
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env))
        from dask.distributed import Client

        with Client(addr, timeout=60) as c:
            c.wait_for_workers(2, timeout=60)
            assert len(c.scheduler_info()["workers"]) == 2
        db = tmp_path / "ledger.db"
        r = subprocess.run(CLI + ["ingest", str(src), "--engine", "dask", "--scheduler", addr, "--shards",
                                  str(tmp_path / "shards"), "--db", str(db), "--no-progress"],
                           capture_output=True, text=True, timeout=600)
        assert r.returncode == 0, r.stderr
        assert "ingested" in r.stdout
        v = subprocess.run(CLI + ["verify", "--db", str(db)], capture_output=True, text=True, timeout=300)
        assert v.returncode == 0 and "intact" in v.stdout
        local_db = tmp_path / "local.db"
        subprocess.run(CLI + ["ingest", str(src), "--db", str(local_db), "--no-progress"], check=True,
                       capture_output=True, timeout=600)
        s1 = json.loads(subprocess.run(CLI + ["stats", "--db", str(db), "--format", "json"], capture_output=True,
                                       text=True).stdout)
        s2 = json.loads(subprocess.run(CLI + ["stats", "--db", str(local_db), "--format", "json"],
                                       capture_output=True, text=True).stdout)
        keys = ("documents", "claims", "incidents", "tallies", "reactions")
        assert {k: s1[k] for k in keys} == {k: s2[k] for k in keys} and s1["reactions"] == 40
    finally:
        for p in workers + [sched]:
            p.terminate()
        for p in workers + [sched]:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()


def test_jobs_give_the_same_claims_and_ledger_as_one_process(tmp_path, re3d_docs):
    """`--jobs 2`: two processes forked after the extractor is loaded; the same JSONL, byte for byte, and
    the same stored rows and audit chain (times aside) as one process, on real pages, headlines and
    threads."""
    src = corpus(tmp_path, re3d_docs)
    outs = []
    for jobs in ("1", "2"):
        r = subprocess.run([*CLI, "extract", str(src), "--jobs", jobs, "--no-progress"], capture_output=True,
                           timeout=600)
        assert r.returncode == 0, r.stderr
        outs.append(r.stdout)
    assert outs[0] == outs[1] and outs[0].count(b"\n") > 500
    tables = []
    for jobs in ("1", "2"):
        db = tmp_path / f"jobs{jobs}.db"
        r = subprocess.run([*CLI, "ingest", str(src), "--jobs", jobs, "--no-progress", "--db", str(db)],
                           capture_output=True, text=True, timeout=600)
        assert r.returncode == 0, r.stderr
        import sqlite3

        con = sqlite3.connect(db)
        tables.append((con.execute("SELECT id, claim_uid, json FROM claims ORDER BY id").fetchall(),
                       con.execute("SELECT id, doc, json FROM reactions ORDER BY id").fetchall(),
                       [(s, k, sub, {a: b for a, b in json.loads(p).items() if a != "ingested_at"})
                        for s, k, sub, p in con.execute("SELECT seq, kind, subject, payload FROM events ORDER BY seq")
                        if k != "resolved"],
                       con.execute("SELECT id, killed_min, killed_max, n_claims FROM incidents ORDER BY id")
                       .fetchall()))
        con.close()
        assert subprocess.run([*CLI, "verify", "--db", str(db)], capture_output=True, timeout=600).returncode == 0
    assert tables[0] == tables[1] and len(tables[0][1]) == 40  # the threads' reactions too
