"""Benchmark the prefilter: recall on claim-bearing documents and off-topic documents per second.

* Recall: every UCDP GED headline (all years) and every re3d article, wrapped in an HTML page as a
  crawler would store it; the share the prefilter keeps, among those the extractor finds a claim in.
* Speed: off-topic news-length pages (real tweets labelled "neither" in Davidson et al. 2017, 15 per
  page, ~1,500 characters, inside the same HTML template), prefiltered from their raw bytes.

Run: ``python benchmarks/bench_prefilter.py [--ged PATH] [--davidson PATH]``.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harmledger.extract import get_extractor  # noqa: E402
from harmledger.model import Document  # noqa: E402
from harmledger.prefilter import load  # noqa: E402

TEMPLATE = ("<!DOCTYPE html><html><head><title>{t}</title><script>var page={{}};</script></head><body>"
            "<nav>Home | World | Sport</nav><article><h1>{t}</h1>{p}</article><footer>(c) 2016</footer></body></html>")


def html(text: str) -> bytes:
    return TEMPLATE.format(t=text[:60], p="".join(f"<p>{x}</p>" for x in text.split("\n"))).encode("utf-8")


def main() -> None:
    ap = argparse.ArgumentParser()
    shared = ROOT.parent / "shared" / "data"
    ap.add_argument("--ged", type=Path, default=shared / "ucdp-ged-syria-2016-2019.csv")
    ap.add_argument("--davidson", type=Path,
                    default=shared / "reactions" / "davidson_hate_offensive_en" / "davidson_hate_offensive_en.csv")
    args = ap.parse_args()
    pf = load()
    ex = get_extractor()
    texts = []
    if args.ged.exists():
        texts += list(dict.fromkeys(r["source_headline"] for r in csv.DictReader(open(args.ged, encoding="utf-8"))))
    for folder in sorted((ROOT / "tests" / "data" / "re3d").iterdir()):
        if folder.is_dir():
            texts += [json.loads(x)["text"] for x in open(folder / "documents.json", encoding="utf-8")]
    bearing = [t for t in texts if ex.extract_document(Document(doc="x", source="x", text=t, format="txt"))]
    kept = sum(pf.keep_bytes(html(t)) for t in bearing)
    kept_all = sum(pf.keep_bytes(html(t)) for t in texts)
    print(f"recall: {kept}/{len(bearing)} = {kept / len(bearing):.4f} of claim-bearing documents kept "
          f"({kept_all}/{len(texts)} of all GED headlines and re3d articles)")
    if args.davidson.exists():
        tweets = [r["text"] for r in csv.DictReader(open(args.davidson, encoding="utf-8")) if r["label"] == "neither"]
    else:
        tweets = [json.loads(x)["text"] for x in open(ROOT / "tests/data/offtopic/davidson_neither_sample.jsonl")]
    pages = [html("\n".join(tweets[i:i + 15])) for i in range(0, len(tweets) - 15, 15)]
    pages = (pages * (20000 // max(1, len(pages)) + 1))[:20000]
    t0 = time.perf_counter()
    passed = sum(pf.keep_bytes(p) for p in pages)
    dt = time.perf_counter() - t0
    print(f"speed: {len(pages) / dt:,.0f} off-topic pages/s on one core (mean {sum(map(len, pages)) // len(pages)} "
          f"bytes); {passed / len(pages):.1%} of them passed on to parsing")


if __name__ == "__main__":
    main()
