"""Draw the units of the hand-annotated dev set (run once; the annotations are made by hand).

Sources (development partition only):
  * GED 2016 ``source_headline`` strings (UCDP GED, CC BY 4.0), published = ``source_date``;
  * sentences of the re3d documents (Dstl; licences per folder);
  * compilation-style lines: other GED 2016 headlines re-typed the way hand-made
    compilations write them (date prefix, hashtags on names, a trailing ':' where
    a link was stripped). The words are GED's; only the typography is changed.
"""
from __future__ import annotations

import csv
import json
import random
import re
import sys
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
OUT = Path(__file__).resolve().parents[1] / "harmledger" / "evaluation" / "devset" / "units.jsonl"

rng = random.Random(20161)
rows = [r for r in csv.DictReader(open(SHARED / "ucdp-ged-syria-2016-2019.csv", encoding="utf-8"))
        if r["year"].startswith("2016")]
seen: dict[str, dict] = {}
for r in rows:
    h = r["source_headline"].strip()
    if h and h not in seen:
        seen[h] = r
heads = sorted(seen)


def published(r: dict) -> str | None:
    """GED's source_date when it is a real date not before the event (placeholders are dropped)."""
    d = (r["source_date"] or "").split(";")[0].strip()[:10]
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) and d >= r["date_start"][:10]:
        return d
    return None


rng.shuffle(heads)
units = []
for h in heads[:190]:
    r = seen[h]
    units.append({"source": "ged2016", "text": h, "published": published(r)})

# compilation-style re-typing of other 2016 headlines
GOVS = ["Aleppo", "Idlib", "Raqqa", "Homs", "Hama", "Daraa", "Damascus", "Deir Ezzor", "Latakia",
        "Ghouta", "Russia", "Russian", "Regime", "Assad"]
for h in heads[190:250]:
    r = seen[h]
    t = h
    for g in GOVS:
        t = re.sub(rf"\b{g}\b", "#" + g.replace(" ", ""), t, count=1)
    d = published(r) or ""
    prefix = ""
    if d and rng.random() < 0.6:
        y, m, dd = d.split("-")
        prefix = f"{int(dd)}.{int(m)}.{y} "
    t = prefix + t + (":" if rng.random() < 0.6 else "")
    units.append({"source": "compilation", "text": t, "published": d or None})

# re3d sentences
sent_split = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])|\n+")
re3d = []
for folder in sorted((SHARED / "re3d").iterdir()):
    if not folder.is_dir():
        continue
    for line in open(folder / "documents.json", encoding="utf-8"):
        d = json.loads(line)
        for s in sent_split.split(d["text"]):
            s = s.strip()
            if 25 <= len(s) <= 400:
                re3d.append({"source": "re3d", "text": s, "published": None,
                             "origin": folder.name + "/" + str(d["_id"])})
# prefer sentences that mention violence so the set is not all silence, but keep silence too
viol = re.compile(r"kill|dead|wound|injur|attack|strike|bomb|shell|civilian|died|casualt", re.I)
v = [s for s in re3d if viol.search(s["text"])]
nv = [s for s in re3d if not viol.search(s["text"])]
rng.shuffle(v)
rng.shuffle(nv)
units += v[:50] + nv[:25]

for i, u in enumerate(units):
    u["id"] = f"u{i:04d}"
OUT.parent.mkdir(parents=True, exist_ok=True)
with open(OUT, "w", encoding="utf-8") as f:
    for u in units:
        f.write(json.dumps({"id": u.pop("id"), **u}, ensure_ascii=False) + "\n")
print(len(units), "units ->", OUT, file=sys.stderr)
