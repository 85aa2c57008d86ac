"""Assemble the reactions dev set from candidate files (scripts/sample_reactions_devset.py and the
targeted samples described in docs/annotation.md) and the coders' label files.

Texts are kept only for sources whose license lets them ship (MIT); for eval-only sources the record
keeps the source and row, and ``harmledger eval reactions`` reads the text from ../shared/ at run time.
Each record gets a fixed split: ``dev`` (rules are tuned on it) or ``test`` (never used for tuning),
from a hash of source and row; comments drawn in the second round all go to ``dev``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

SHIPPABLE = {"ru_vk_news_comments_toxicity", "davidson_hate_offensive_en"}
SAMPLE = {  # candidate file -> how it was drawn
    "ru_part00.jsonl": "random+topic", "ru_part01.jsonl": "random+topic",
    "davidson_hate_offensive_en.jsonl": "random+topic", "ruw_part00.jsonl": "random+topic",
    "ruw_part01.jsonl": "random+topic", "ruw_favor.jsonl": "pro-russia", "ru_2ch.jsonl": "topic",
    "ruw_contrast.jsonl": "other-conflict", "ru_contrast.jsonl": "other-conflict",
    # round 2: more comments for tuning, all in the dev split (the test split stays as it was)
    "r2_ruw_a.jsonl": "pro-russia", "r2_ruw_b.jsonl": "topic", "r2_ru_2ch.jsonl": "topic", "r2_ru_vk.jsonl": "topic",
}
ROUND2 = {"r2_ruw_a.jsonl", "r2_ruw_b.jsonl", "r2_ru_2ch.jsonl", "r2_ru_vk.jsonl"}
LABELS = {"ru_part00.jsonl": "ru_part00", "ru_part01.jsonl": "ru_part01",
          "davidson_hate_offensive_en.jsonl": "davidson",
          "ruw_part00.jsonl": "ruw_part00", "ruw_part01.jsonl": "ruw_part01", "ruw_favor.jsonl": "ruw_favor",
          "ru_2ch.jsonl": "ru_2ch", "ruw_contrast.jsonl": "ruw_contrast", "ru_contrast.jsonl": "ru_contrast",
          **{f: f.removesuffix(".jsonl") for f in ROUND2}}


def split_of(source: str, row: int) -> str:
    return "dev" if hashlib.sha256(f"{source}:{row}".encode()).digest()[0] % 2 == 0 else "test"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--candidates", type=Path, required=True)
    ap.add_argument("--labels", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    seen: set[tuple[str, int]] = set()
    out = []
    for cand, lab in LABELS.items():
        cpath, lpath = a.candidates / cand, a.labels / f"{lab}.labels.jsonl"
        if not cpath.exists() or not lpath.exists():
            print("missing", cand)
            continue
        cs = [json.loads(x) for x in cpath.read_text("utf-8").splitlines() if x.strip()]
        ls = [json.loads(x) for x in lpath.read_text("utf-8").splitlines() if x.strip()]
        if len(cs) != len(ls):
            print("incomplete labels, skipped:", cand)
            continue
        for c, lb in zip(cs, ls, strict=True):
            assert (c["source"], c["row"]) == (lb["source"], lb["row"]), (cand, c["row"])
            key = (c["source"], c["row"])
            if key in seen:
                continue
            seen.add(key)
            rec = {"source": c["source"], "row": c["row"], "sample": SAMPLE[cand],
                   "split": "dev" if cand in ROUND2 else split_of(*key)}
            if c["source"] in SHIPPABLE:
                rec["text"] = c["text"]
            rec |= {k: lb[k] for k in ("language", "stance", "incitement", "abuse")}
            rec["note"] = lb.get("note") or ""
            out.append(rec)
    out.sort(key=lambda r: (r["source"], r["row"]))
    with a.out.open("w", encoding="utf-8") as fh:
        for r in out:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(len(out), "records ->", a.out)


if __name__ == "__main__":
    main()
