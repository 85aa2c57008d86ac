"""Benchmark the web UI in real headless Chromium: the overview of a ~20,000-incident ledger (issue 17
target: opens in < 2 s; a filter change redraws map, timeline and list in < 300 ms).

The ledger: the demo's real GED 2016 headlines, ingested several times with their publication dates moved
by whole months (each copy a distinct report, so its claims resolve into distinct incidents), until it
holds about 20,000 incidents. Then `harmledger serve` runs on it and Playwright drives Debian's Chromium:
the time from navigation until the map, timeline and list are drawn (``body[data-total]``), and the
time of a perpetrator filter change until they are drawn again.

Run: ``python benchmarks/bench_ui.py [--incidents 20000] [--db PATH]`` (an existing ledger at ``--db`` is
reused). Needs Chromium (``apt-get install chromium``) and the npm-built map libraries.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "harmledger.cli"]


def build(db: Path, target: int) -> int:
    rows = [json.loads(x) for x in gzip.decompress(
        (ROOT / "harmledger/data/demo/ged2016_headlines.jsonl.gz").read_bytes()).decode("utf-8").splitlines()]
    from sqlalchemy import create_engine, text

    k = 0
    while True:
        with tempfile.TemporaryDirectory() as d:
            f = Path(d) / f"copy{k}.jsonl"
            with open(f, "w", encoding="utf-8") as out:
                for r in rows:
                    pub = r.get("published")
                    if pub:
                        pub = (date.fromisoformat(pub) + timedelta(days=35 * k)).isoformat()
                    out.write(json.dumps({**r, "published": pub, "source": f"{r.get('source', '')}#{k}",
                                          "text": r["text"] + ("" if k == 0 else f" ({k})")}) + "\n")
            subprocess.run([*CLI, "ingest", str(f), "--db", str(db), "--no-progress", "--jobs", "2"], check=True,
                           capture_output=True)
        k += 1
        n = create_engine(f"sqlite:///{db}").connect().execute(text("SELECT count(*) FROM incidents")).scalar()
        print(f"copy {k}: {n} incidents", flush=True)
        if n >= target or k >= 30:
            return int(n)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--incidents", type=int, default=20_000)
    ap.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "harmledger-bench-ui.db")
    args = ap.parse_args()
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(chromium):
        raise SystemExit("Debian's chromium is needed (apt-get install chromium)")
    n = build(args.db, args.incidents) if not args.db.exists() else None
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = subprocess.Popen([*CLI, "serve", "--db", str(args.db), "--port", str(port)], stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True)
    try:
        srv.stderr.readline()
        time.sleep(1.5)
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox", "--disable-gpu"])
            page = browser.new_context(bypass_csp=True, viewport={"width": 1200, "height": 1000}).new_page()
            page.goto(f"http://127.0.0.1:{port}/")  # warm the server's caches once, as a second visitor finds them
            page.wait_for_selector("body[data-total]:not([data-loading='1'])", state="attached", timeout=60_000)
            opens, filters = [], []
            for _ in range(3):
                t = time.perf_counter()
                page.goto(f"http://127.0.0.1:{port}/")
                page.wait_for_selector("body[data-total]:not([data-loading='1'])", state="attached", timeout=60_000)
                opens.append(time.perf_counter() - t)
                for perp in ("russia", ""):
                    t = time.perf_counter()
                    page.select_option("select[name=perpetrator]", perp)
                    page.wait_for_function("document.body.dataset.loading === ''", timeout=60_000)
                    filters.append(time.perf_counter() - t)
            total = int(page.evaluate("document.body.dataset.total"))
            browser.close()
    finally:
        srv.terminate()
        srv.wait(timeout=20)
    print(f"{total} incidents{'' if n is None else ' (built here)'}: overview opens in "
          f"{min(opens):.2f}-{max(opens):.2f} s (target < 2 s); a filter redraws in {min(filters) * 1000:.0f}-"
          f"{max(filters) * 1000:.0f} ms (target < 300 ms)")


if __name__ == "__main__":
    main()
