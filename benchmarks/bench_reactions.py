"""Benchmark the react stage: comments per second (stance, incitement, abuse, toxicity, language) and
whole pages per second (HTML thread extraction + reactions), one core, with peak memory.

* Comments: the shippable dev-set comments (VK news comments, Davidson et al. tweets), repeated.
* Pages: WordPress-style pages, each a real SOHR report (extractor dev set) with 20 real comments,
  read from their bytes by the HTML reader (trafilatura main text + thread rules) and scored.

Run: ``python benchmarks/bench_reactions.py [--repeat N] [--pages N]``.
"""

from __future__ import annotations

import argparse
import html
import json
import resource
import sys
import time
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harmledger.ingest import html_document  # noqa: E402
from harmledger.react import Reactor  # noqa: E402
from harmledger.react.langid import identify  # noqa: E402

ITEM = ('<li id="comment-{i}" class="comment"><article class="comment-body"><footer class="comment-meta">'
        '<div class="comment-author vcard"><b class="fn">user{i}</b> <span class="says">says:</span></div>'
        '<div class="comment-metadata"><time datetime="2016-06-0{d}T10:00:00+00:00">June</time></div></footer>'
        '<div class="comment-content"><p>{t}</p></div></article></li>')


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--pages", type=int, default=300)
    a = ap.parse_args()
    ev = resources.files("harmledger.evaluation")
    recs = [json.loads(x) for x in ev.joinpath("reactions/devset.jsonl").read_text("utf-8").splitlines() if x]
    texts = [r["text"] for r in recs if "text" in r]
    units = [json.loads(x)["text"] for x in ev.joinpath("devset/units.jsonl").read_text("utf-8").splitlines() if x]
    r = Reactor()
    identify("warm up")
    t0 = time.perf_counter()
    n = 0
    for _ in range(a.repeat):
        for t in texts:
            r.classify(t)
            identify(t)
            n += 1
    dt = time.perf_counter() - t0
    chars = sum(len(t) for t in texts) / len(texts)
    print(f"comments: {n} in {dt:.2f} s = {n / dt:,.0f} comments/s (mean {chars:.0f} chars)")
    pages = []
    for i in range(a.pages):
        cs = "".join(ITEM.format(i=j, d=1 + j % 9, t=html.escape(texts[(i * 20 + j) % len(texts)])) for j in range(20))
        body = (f"<html><head><title>r{i}</title></head><body><article><p>{html.escape(units[i % len(units)])}</p>"
                f"</article><div id='comments'><h2>20 thoughts</h2><ol class='comment-list'>{cs}</ol></div>"
                f"</body></html>")
        pages.append(body.encode("utf-8"))
    t0 = time.perf_counter()
    nr = 0
    for i, p in enumerate(pages):
        d = html_document(p, f"p{i}.html")
        nr += len(r.react_document(d))
    dt = time.perf_counter() - t0
    print(f"pages: {len(pages)} pages with {nr} comments in {dt:.2f} s = {len(pages) / dt:,.1f} pages/s "
          f"({nr / dt:,.0f} comments/s incl. HTML parsing)")
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
