"""Build the bundled demo corpus: UCDP GED 2016 source headlines as JSONL reports.

Each distinct 2016 headline becomes one report with GED's source date as its publication date and
GED's source office as its source. Headlines are SOHR's and others' real text (UCDP GED 19.1,
CC BY 4.0: Sundberg & Melander 2013; Högbladh 2019). Run from the repo root:

    python scripts/build_demo.py [--shared ../shared/data]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

ap = argparse.ArgumentParser()
ap.add_argument("--shared", default=str(ROOT.parent / "shared" / "data"))
args = ap.parse_args()
seen: set[str] = set()
out = ROOT / "harmledger" / "data" / "demo" / "ged2016_headlines.jsonl.gz"
n = 0
with gzip.open(out, "wt", encoding="utf-8") as f:
    for r in csv.DictReader(open(Path(args.shared) / "ucdp-ged-syria-2016-2019.csv", encoding="utf-8")):
        if not r["year"].startswith("2016"):
            continue
        h = r["source_headline"].strip()
        if not h or h in seen:
            continue
        seen.add(h)
        d = (r["source_date"] or "").split(";")[0].strip()[:10]
        pub = d if re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) and d >= r["date_start"][:10] else None
        office = (r["source_office"] or "").split(";")[0].strip() or None
        f.write(json.dumps({"text": h, "published": pub, "source": f"UCDP GED 19.1 / {office or 'unknown'}",
                            "publisher": office}, ensure_ascii=False) + "\n")
        n += 1
print(n, "reports ->", out)
