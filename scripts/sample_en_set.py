"""Draw the English generalisation set's units (issue 12) from ../shared/data (fixed seed).

Sources the rules were not tuned on, none already in the first dev set (``evaluation/devset``):

* ``ged2016`` — UCDP GED 2016 headlines (development partition) not in the first dev set;
* ``ged1719`` — UCDP GED 2017–2019 headlines: the **evaluation partition**, so these go to the locked
  ``test`` split only (never to ``dev``: no rule may be derived from them);
* ``sa_title`` — Syrian Archive's English translations of its database's video titles;
* ``sa_report`` — sentences and list items of Syrian Archive's English investigation reports;
* ``sa_chem`` — the English summaries of Syrian Archive's chemical-weapons incidents;
* ``re3d`` — every sentence of whole re3d articles (an article goes to one split as a whole);
* ``yt_comment`` — real reader comments under news videos (wabt YouTube set, MIT): opinion text with
  figurative numbers, wishes, history — the hard negatives; each carries its thread's headline.

The split of every unit is fixed here by a hash of its text (of its article for re3d), before any unit
is coded or any rule written.

    python scripts/sample_en_set.py ../shared/data harmledger/evaluation/enset/units.jsonl
"""

from __future__ import annotations

import csv
import hashlib
import html
import json
import random
import re
import sys
from pathlib import Path

N_GED16 = 260
N_GED1719 = 130
N_SA_TITLE = 160
N_SA_REPORT = 160
N_SA_CHEM = 40
N_RE3D = 140
N_YT = 300

SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“(])")
VIOL = re.compile(r"kill|dead|death|die|wound|injur|attack|strike|bomb|shell|civilian|casualt|massacre|martyr"
                  r"|murder|war|rocket|missile|\d", re.I)


def _h(s: str) -> int:
    return int(hashlib.sha256(s.encode()).hexdigest(), 16)


def _split(key: str, test_share: float = 0.5) -> str:
    return "test" if (_h(key) % 1000) < test_share * 1000 else "dev"


def ged_published(r: dict[str, str]) -> str | None:
    d = (r["source_date"] or "").split(";")[0].strip()[:10]
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) and d >= r["date_start"][:10]:
        return d
    return None


def report_units(root: Path) -> list[dict[str, str | None]]:
    out = []
    for p in sorted(root.glob("syrian-archive/reports/**/*.md")):
        if p.name.endswith("_ar.md"):
            continue
        raw = p.read_text("utf-8")
        date = None
        m = re.match(r"---\n(.*?)\n---\n", raw, re.S)
        if m:
            d = re.search(r"^date:\s*(\d{4}-\d{2}-\d{2})", m.group(1), re.M)
            date = d.group(1) if d else None
            raw = raw[m.end():]
        raw = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", raw)
        raw = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", raw)
        raw = re.sub(r"<[^>]+>", " ", raw)
        for para in raw.split("\n"):
            para = para.strip(" -*#>|\t")
            if not para or re.search("[\u0600-\u06ff]", para):
                continue
            for s in SENT.split(para):
                s = re.sub(r"\s+", " ", s).strip()
                if 25 <= len(s) <= 400:
                    out.append({"text": s, "ref": str(p.relative_to(root)), "published": date})
    return out


def main(shared: str, out: str) -> None:
    root = Path(shared)
    rng = random.Random(20261203)
    repo = Path(__file__).resolve().parents[1]
    old = {json.loads(x)["text"] for x in
           (repo / "harmledger/evaluation/devset/units.jsonl").read_text("utf-8").splitlines() if x.strip()}
    seen: set[str] = set(old)
    units: list[dict[str, str | None]] = []

    def add(u: dict[str, str | None], split: str) -> None:
        t = u["text"] or ""
        if t in seen:
            return
        seen.add(t)
        units.append({**u, "split": split})

    ged = list(csv.DictReader(open(root / "ucdp-ged-syria-2016-2019.csv", encoding="utf-8")))
    heads: dict[str, list[dict[str, str]]] = {"2016": [], "1719": []}
    hseen: set[str] = set()
    for r in ged:
        h = (r["source_headline"] or "").strip()
        if not h or h in old or h in hseen:
            continue
        hseen.add(h)
        heads["2016" if r["date_start"].startswith("2016") else "1719"].append(r)
    for r in rng.sample(heads["2016"], N_GED16):
        h = r["source_headline"].strip()
        add({"source": "ged2016", "text": h, "ref": r["id"], "published": ged_published(r)}, _split(h))
    for r in rng.sample(heads["1719"], N_GED1719):
        h = r["source_headline"].strip()
        add({"source": "ged1719", "text": h, "ref": r["id"], "published": ged_published(r)}, "test")

    titles = [t for t in csv.DictReader(open(root / "syrian-archive/russian_airstrikes_dev.csv",
                                             encoding="utf-8")) if (t.get("title_en") or "").strip()]
    for t in rng.sample(titles, N_SA_TITLE):
        s = re.sub(r"\s+", " ", t["title_en"]).strip()
        add({"source": "sa_title", "text": s, "ref": t["id"], "published": t["uploaded"][:10]}, _split(s))

    rep = report_units(root)
    cued = [u for u in rep if VIOL.search(u["text"] or "")]
    plain = [u for u in rep if not VIOL.search(u["text"] or "")]
    for u in rng.sample(cued, N_SA_REPORT * 3 // 4) + rng.sample(plain, N_SA_REPORT // 4):
        add({"source": "sa_report", **u}, _split(u["text"] or ""))

    chem = json.loads((root / "syrian-archive/chemical_weapons_incidents.json").read_text("utf-8"))
    chem = [c for c in chem if (c.get("summary_en") or "").strip()]
    for c in rng.sample(chem, N_SA_CHEM):
        s = re.sub(r"\s+", " ", c["summary_en"]).strip()
        if len(s) > 600:
            s = SENT.split(s)[0]
        add({"source": "sa_chem", "text": s, "ref": c["incident_code"], "published": None}, _split(s))

    docs = []
    for folder in sorted((root / "re3d").iterdir()):
        if not folder.is_dir():
            continue
        for line in open(folder / "documents.json", encoding="utf-8"):
            d = json.loads(line)
            sents = [s.strip() for part in d["text"].split("\n") for s in SENT.split(part)]
            sents = [s for s in sents if 25 <= len(s) <= 600]
            if any(s in old for s in sents) or not any(VIOL.search(s) for s in sents):
                continue
            docs.append((folder.name + "/" + d["_id"], sents))
    rng.shuffle(docs)
    n = 0
    for ref, sents in docs:
        if n >= N_RE3D:
            break
        sp = _split(ref)
        for s in sents:
            add({"source": "re3d", "text": s, "ref": ref, "published": None}, sp)
        n += len(sents)

    yt = list(csv.DictReader(open(root / "reactions/youtube_news_comments_wabt/youtube_comments_1645.csv",
                                  encoding="utf-8")))
    cand = []
    for r in yt:
        c = html.unescape(re.sub(r"<[^>]+>", " ", r["Comments"] or ""))
        c = re.sub(r"\s+", " ", c).strip()
        if 15 <= len(c) <= 600 and VIOL.search(c):
            cand.append((c, html.unescape(r["Title"]), r["ID"]))
    for c, title, cid in rng.sample(cand, min(N_YT, len(cand))):
        add({"source": "yt_comment", "text": c, "ref": cid, "thread": title, "published": None},
            _split(c, 0.62))

    rng.shuffle(units)
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8") as fh:
        for i, u in enumerate(units):
            fh.write(json.dumps({"id": f"e{i:04d}", **u}, ensure_ascii=False) + "\n")
    by: dict[str, int] = {}
    for u in units:
        k = f"{u['split']}/{u['source']}"
        by[k] = by.get(k, 0) + 1
    print(len(units), "units", dict(sorted(by.items())), file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
