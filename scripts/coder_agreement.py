"""Agreement of two independent codings of the same units (before reconciliation).

    python scripts/coder_agreement.py CODER_A.jsonl CODER_B.jsonl [--by FIELD_OF_UNITS units.jsonl]

Reports Cohen's kappa on "the unit has a claim", the share of units with the same number of claims, and,
on claims paired by quote overlap within a unit (then by place), the agreement of each field.
"""

from __future__ import annotations

import json
import sys
from collections import Counter

FIELDS = ("kind", "killed", "injured", "casualties", "perpetrators", "means", "targets", "admin1", "place", "date")


def load(path: str) -> dict[str, dict]:
    with open(path, encoding="utf-8") as f:
        return {u["id"]: u for u in (json.loads(x) for x in f if x.strip())}


def span(text: str, q: str | None) -> tuple[int, int]:
    i = text.find(q or "")
    return (i, i + len(q)) if q and i >= 0 else (0, len(text))


def overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union else 0.0


def value(c: dict, f: str) -> object:
    v = c.get(f)
    if isinstance(v, dict):
        return v.get("min") if f != "date" else v.get("start")
    if isinstance(v, list):
        return tuple(sorted(v))
    return (v or "").lower() if f == "place" else v


def pairs(a: list[dict], b: list[dict], text: str) -> list[tuple[dict, dict]]:
    cands = sorted(((overlap(span(text, x.get("quote")), span(text, y.get("quote")))
                     + 0.5 * (value(x, "place") == value(y, "place")), i, j)
                    for i, x in enumerate(a) for j, y in enumerate(b)), reverse=True)
    ua, ub, out = set(), set(), []
    for s, i, j in cands:
        if s <= 0 or i in ua or j in ub:
            continue
        ua.add(i)
        ub.add(j)
        out.append((a[i], b[j]))
    return out


def kappa(xs: list[bool], ys: list[bool]) -> float:
    n = len(xs)
    po = sum(x == y for x, y in zip(xs, ys, strict=True)) / n
    pa, pb = sum(xs) / n, sum(ys) / n
    pe = pa * pb + (1 - pa) * (1 - pb)
    return (po - pe) / (1 - pe) if pe < 1 else 1.0


def agreement(a: dict[str, dict], b: dict[str, dict]) -> dict[str, object]:
    ids = [i for i in a if i in b]
    has_a = [bool(a[i]["claims"]) for i in ids]
    has_b = [bool(b[i]["claims"]) for i in ids]
    same_n = sum(len(a[i]["claims"]) == len(b[i]["claims"]) for i in ids)
    agree: Counter[str] = Counter()
    n_pairs = 0
    for i in ids:
        for x, y in pairs(a[i]["claims"], b[i]["claims"], a[i]["text"]):
            n_pairs += 1
            for f in FIELDS:
                agree[f] += value(x, f) == value(y, f)
    return {"units": len(ids), "claims_a": sum(len(a[i]["claims"]) for i in ids),
            "claims_b": sum(len(b[i]["claims"]) for i in ids), "kappa_has_claim": round(kappa(has_a, has_b), 3),
            "same_number_of_claims": f"{same_n} / {len(ids)}", "paired": n_pairs,
            "fields": {f: round(agree[f] / n_pairs, 3) if n_pairs else None for f in FIELDS}}


if __name__ == "__main__":
    print(json.dumps(agreement(load(sys.argv[1]), load(sys.argv[2])), indent=1))
