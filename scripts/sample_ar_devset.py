"""Draw the Arabic claim set's units from ../shared/data/syrian-archive (fixed seed).

Syrian Archive video titles (the dev half of its Russian-airstrikes database) and sentences of its
Arabic investigation reports. Half of each source goes to the locked ``test`` split, half to ``dev``;
the split is fixed here, once, before any unit is coded or any rule written.

    python scripts/sample_ar_devset.py ../shared/data/syrian-archive harmledger/evaluation/devset_ar/units.jsonl
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
import re
import sys
from pathlib import Path

N_TITLES = 320
N_REPORT = 200
CUE = re.compile("غار|قصف|استهد|شهيد|شهداء|استشهاد|قتل|مقتل|جرح|جريح|مصاب|إصاب|اصاب|مجزر|برميل|براميل|صاروخ|صواريخ"
                 "|قذيف|قذائف|هاون|كيم|سارين|كلور|طيران|ضحايا")


def report_sentences(root: Path) -> list[tuple[str, str, str]]:
    out = []
    for p in sorted(root.glob("reports/**/*_ar.md")):
        raw = p.read_text("utf-8")
        date = ""
        m = re.match(r"---\n(.*?)\n---\n", raw, re.S)
        if m:
            d = re.search(r"^date:\s*(\d{4}-\d{2}-\d{2})", m.group(1), re.M)
            date = d.group(1) if d else ""
            raw = raw[m.end():]
        raw = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", raw)
        raw = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", raw)
        raw = re.sub(r"<[^>]+>", " ", raw)
        for para in raw.split("\n"):
            para = para.strip(" -*#>|\t")
            if not para or not re.search("[\u0600-\u06ff]", para):
                continue
            for s in re.split(r"(?<=[.!؟?])\s+", para):
                s = re.sub(r"\s+", " ", s).strip()
                if 25 <= len(s) <= 400:
                    out.append((str(p.relative_to(root)), s, date))
    return out


def main(root: str, out: str) -> None:
    base = Path(root)
    rng = random.Random(20261202)
    titles = list(csv.DictReader(open(base / "russian_airstrikes_dev.csv", encoding="utf-8")))
    titles = [t for t in titles if t["title_ar"].strip()]
    pick_t = rng.sample(titles, N_TITLES)
    sents = report_sentences(base)
    seen: set[str] = set()
    uniq = []
    for s in sents:
        if s[1] not in seen:
            seen.add(s[1])
            uniq.append(s)
    cued = [s for s in uniq if CUE.search(s[1])]
    plain = [s for s in uniq if not CUE.search(s[1])]
    pick_s = rng.sample(cued, N_REPORT * 3 // 4) + rng.sample(plain, N_REPORT // 4)
    units = []
    for t in pick_t:
        units.append({"source": "sa_title", "ref": t["id"], "text": t["title_ar"].strip(),
                      "published": t["uploaded"][:10]})
    for f, s, d in pick_s:
        units.append({"source": "sa_report", "ref": f, "text": s, "published": d or None})
    rng.shuffle(units)
    with open(out, "w", encoding="utf-8") as fh:
        for i, u in enumerate(units):
            h = int(hashlib.sha256(u["text"].encode()).hexdigest(), 16)
            u = {"id": f"a{i:04d}", "split": "test" if h % 2 == 0 else "dev", **u}
            fh.write(json.dumps(u, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
