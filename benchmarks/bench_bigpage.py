"""Benchmark one very large HTML page: ``harmledger ingest`` of a 12 MB page, wall time and peak memory.

The page is built from real text: the 75 re3d articles shipped with the tests (tests/data/re3d), cycled
into one article of paragraphs (as a blog's year-long incident compilation or a huge archive page would
be) followed by a reader thread of real comments, in WordPress-style markup. Extraction must be linear
in page size: the issue-16 target is < 30 s and < 500 MB for 12 MB. Smaller pages (1.5, 3, 6 MB) are
timed too, to show the growth.

Run: ``python benchmarks/bench_bigpage.py [--mb 12] [--out benchmarks/results/bigpage.json]``.
Each size runs in its own process (``harmledger ingest`` into a fresh SQLite ledger), so the memory
reported is that process's peak resident set.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"


def real_paragraphs() -> list[str]:
    paras = []
    for folder in sorted((DATA / "re3d").iterdir()):
        if folder.is_dir():
            for line in open(folder / "documents.json", encoding="utf-8"):
                paras += [p.strip() for p in json.loads(line)["text"].split("\n") if len(p.strip()) > 40]
    return paras


def build_page(mb: float, shape: str = "paragraphs") -> bytes:
    """A page of about ``mb`` MB: ``paragraphs`` (an article of <p> and a thread of comments) or ``one-line``
    (the whole article in one paragraph, as pages that lost their markup come: no line break to cut on)."""
    paras = real_paragraphs()
    if shape == "one-line":
        words, n, i = [], 0, 0
        while n < mb * 2**20:
            words.append(html.escape(paras[i % len(paras)]))
            n += len(words[-1]) + 1
            i += 1
        return ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>Incident archive</title></head><body>"
                f"<article><p>{' '.join(words)}</p></article></body></html>").encode()
    head = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>Incident archive</title>"
            "<meta property='article:published_time' content='2016-07-04T10:00:00Z'></head><body>"
            "<nav><a href='/'>Home</a></nav><article><h1>Incident archive</h1>")
    thread = ("</article><div id='comments' class='comments-area'><h2 class='comments-title'>12 comments</h2>"
              "<ol class='comment-list'>")
    size = int(mb * 2**20)
    parts = [head]
    n, i = len(head), 0
    while n < size * 0.9:
        p = f"<p>{html.escape(paras[i % len(paras)])}</p>\n"
        parts.append(p)
        n += len(p)
        i += 1
    parts.append(thread)
    j = 0
    while n < size:
        c = (f"<li class='comment'><article class='comment-body'><footer class='comment-meta'><b class='fn'>"
             f"reader{j}</b></footer><div class='comment-content'><p>{html.escape(paras[(j * 7) % len(paras)])}"
             "</p></div></article></li>\n")
        parts.append(c)
        n += len(c)
        j += 1
    parts.append("</ol></div></body></html>")
    return "".join(parts).encode()


def run(mb: float, shape: str) -> dict:
    with tempfile.TemporaryDirectory() as d:
        page = Path(d) / "archive.html"
        page.write_bytes(build_page(mb, shape))
        code = ("import resource, sys, time\n"
                "from harmledger.cli import main\n"
                "t = time.perf_counter()\n"
                "try:\n    main(sys.argv[1:], standalone_mode=False)\n"
                "finally:\n"
                "    print('BENCH', time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
                " file=sys.stderr)\n")
        r = subprocess.run([sys.executable, "-c", code, "ingest", str(page), "--db", str(Path(d) / "l.db")],
                           capture_output=True, text=True, env={**os.environ, "HARMLEDGER_PROGRESS": "0"})
        line = next((x for x in r.stderr.splitlines() if x.startswith("BENCH")), None)
        if r.returncode != 0 or line is None:
            raise SystemExit(f"ingest failed on the {mb} MB page:\n{r.stderr[-2000:]}")
        _, secs, rss = line.split()
        return {"shape": shape, "mb": round(page.stat().st_size / 2**20, 2), "seconds": round(float(secs), 2),
                "peak_rss_mb": round(int(rss) / 1024, 1), "summary": r.stdout.strip().splitlines()[-1]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=12.0)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    rows = []
    for shape in ("paragraphs", "one-line"):
        for mb in (args.mb / 8, args.mb / 4, args.mb / 2, args.mb):
            t = time.perf_counter()
            row = run(mb, shape)
            rows.append(row)
            print(f"{shape:10s} {row['mb']:6.2f} MB page: {row['seconds']:7.2f} s, peak {row['peak_rss_mb']:7.1f} MB "
                  f"({time.perf_counter() - t:.1f} s with start-up) — {row['summary']}", flush=True)
    big = [r for r in rows if r["mb"] >= args.mb * 0.99]
    result = {"pages": rows, "target": {"seconds": 30, "peak_rss_mb": 500},
              "met": all(r["seconds"] < 30 and r["peak_rss_mb"] < 500 for r in big)}
    print(json.dumps(result["target"] | {"met": result["met"]}))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
