"""``harmledger eval reactions``: the react stage against the hand-labelled comment dev set.

The dev set (``evaluation/reactions/devset.jsonl``, codebook ``docs/stance.md``, sources and sampling
in ``evaluation/reactions/SOURCES.md``) holds real English and Russian comments. Records from sources
that may ship carry their text; records from eval-only sources carry the source and row, and their text
is read from the shared data folder (``../shared/data/reactions/``) when it is present — otherwise they
are skipped and the report says how many. Each record has a fixed split: ``dev`` (the cue lexicons
were tuned on it) and ``test`` (never looked at while tuning); the report gives both.

Reported: stance per-class precision / recall / F1, macro-F1 and the confusion matrix; incitement and
abuse precision / recall / F1; language accuracy on comments of three or more words.
"""

from __future__ import annotations

import csv
import json
import os
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any

from ..react import STANCES, Reactor
from ..react.langid import identify

CSV = {
    "ru_vk_news_comments_toxicity": "ru_vk_news_comments_toxicity/ru_vk_news_comments_toxicity.csv",
    "davidson_hate_offensive_en": "davidson_hate_offensive_en/davidson_hate_offensive_en.csv",
    "ruw_stance": "ruw_stance/ruw_stance.csv",
    "ru_toxic_2ch_pikabu": "ru_toxic_2ch_pikabu/ru_toxic_2ch_pikabu.csv",
}


def shared_reactions_dir(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """The shared reactions data folder: ``explicit``, ``$HARMLEDGER_SHARED``/data/reactions, or ../shared."""
    cands = []
    if explicit:
        cands.append(Path(explicit))
    if os.environ.get("HARMLEDGER_SHARED"):
        cands.append(Path(os.environ["HARMLEDGER_SHARED"]) / "data/reactions")
    cands += [Path.cwd().parent / "shared/data/reactions",
              Path(__file__).resolve().parents[3] / "shared/data/reactions"]
    for c in cands:
        if (c / CSV["ruw_stance"]).exists() or (c / CSV["ru_toxic_2ch_pikabu"]).exists():
            return c
    return None


def load_devset(shared: Path | None = None) -> tuple[list[dict[str, Any]], int]:
    """Dev-set records with their text, and the number skipped for want of the eval-only sources."""
    raw = resources.files("harmledger.evaluation").joinpath("reactions", "devset.jsonl").read_text("utf-8")
    recs = [json.loads(x) for x in raw.splitlines() if x.strip()]
    texts: dict[str, list[str]] = {}
    out, skipped = [], 0
    for r in recs:
        if "text" not in r:
            src = r["source"]
            if src not in texts:
                path = shared / CSV[src] if shared else None
                if path is None or not path.exists():
                    texts[src] = []
                else:
                    with path.open(encoding="utf-8", newline="") as fh:
                        texts[src] = [row["text"] for row in csv.DictReader(fh)]
            if r["row"] >= len(texts[src]):
                skipped += 1
                continue
            r = {**r, "text": texts[src][r["row"]]}
        out.append(r)
    return out, skipped


def _prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3), "support": tp + fn}


def score(recs: list[dict[str, Any]], preds: list[dict[str, Any]]) -> dict[str, Any]:
    conf: dict[str, Counter[str]] = {g: Counter() for g in STANCES}
    for r, p in zip(recs, preds, strict=True):
        conf[r["stance"]][p["stance"]] += 1
    per = {}
    for s in STANCES:
        tp = conf[s][s]
        fp = sum(conf[g][s] for g in STANCES if g != s)
        fn = sum(conf[s][q] for q in STANCES if q != s)
        per[s] = _prf(tp, fp, fn)
    present = [s for s in STANCES if per[s]["support"]]
    out: dict[str, Any] = {
        "n": len(recs),
        "stance_macro_f1": round(sum(per[s]["f1"] for s in present) / len(present), 3) if present else None,
        "stance_accuracy": round(sum(conf[s][s] for s in STANCES) / len(recs), 3) if recs else None,
        "stance": per,
        "confusion": {g: {q: conf[g][q] for q in STANCES} for g in STANCES},
    }
    for flag in ("incitement", "abuse"):
        tp = sum(1 for r, p in zip(recs, preds, strict=True) if r[flag] and p[flag])
        fp = sum(1 for r, p in zip(recs, preds, strict=True) if not r[flag] and p[flag])
        fn = sum(1 for r, p in zip(recs, preds, strict=True) if r[flag] and not p[flag])
        out[flag] = _prf(tp, fp, fn)
    lang = [(r, p) for r, p in zip(recs, preds, strict=True) if len(r["text"].split()) >= 3]
    hits = sum(r["language"] == p["language"] for r, p in lang)
    out["language_accuracy"] = round(hits / len(lang), 4) if lang else None
    out["language_n"] = len(lang)
    return out


def evaluate(shared: Path | None = None, *, errors: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    recs, skipped = load_devset(shared)
    reactor = Reactor()
    preds = []
    for r in recs:
        stance, conf, inc, abuse, tox, ev = reactor.classify(r["text"])
        lang, _ = identify(r["text"])
        p = {"stance": stance, "incitement": inc, "abuse": abuse, "language": lang, "toxicity": round(tox, 3),
             "confidence": round(conf, 3), "evidence": [h.text for h in ev]}
        preds.append(p)
        if errors is not None and any(p[k] != r[k] for k in ("stance", "incitement", "abuse", "language")):
            errors.append({"source": r["source"], "row": r["row"], "split": r["split"], "text": r["text"],
                           "gold": {k: r[k] for k in ("stance", "incitement", "abuse", "language")},
                           "predicted": p, "note": r.get("note", "")})
    result: dict[str, Any] = {"records": len(recs), "skipped_no_shared_data": skipped}
    for name, keep in (("all", lambda r: True), ("dev", lambda r: r["split"] == "dev"),
                       ("test", lambda r: r["split"] == "test")):
        idx = [i for i, r in enumerate(recs) if keep(r)]
        result[name] = score([recs[i] for i in idx], [preds[i] for i in idx])
    for lang in ("en", "ru"):
        idx = [i for i, r in enumerate(recs) if r["language"] == lang]
        result[f"lang_{lang}"] = score([recs[i] for i in idx], [preds[i] for i in idx])
    return result


def format_report(res: dict[str, Any]) -> str:
    lines = [f"reactions dev set: {res['records']} comments"
             + (f" ({res['skipped_no_shared_data']} eval-only records skipped: ../shared/ not found)"
                if res["skipped_no_shared_data"] else "")]
    for part in ("test", "dev", "all", "lang_en", "lang_ru"):
        r = res[part]
        if not r["n"]:
            continue
        lines.append(f"\n[{part}] n={r['n']}  stance macro-F1 {r['stance_macro_f1']}  accuracy {r['stance_accuracy']}")
        for name, v in [*((s, r["stance"][s]) for s in STANCES), ("incitement", r["incitement"]),
                        ("abuse", r["abuse"])]:
            lines.append(f"  {name:<10} P {v['precision']:.3f}  R {v['recall']:.3f}  F1 {v['f1']:.3f}  "
                         f"(n={v['support']})")
        lines.append(f"  language accuracy (3+ words) {r['language_accuracy']}  (n={r['language_n']})")
        if part in ("test", "all"):
            lines.append("  confusion (rows gold, columns predicted): " + " ".join(f"{s[:4]:>5}" for s in STANCES))
            for g in STANCES:
                lines.append(f"    {g:<10}" + " " * 31 + " ".join(f"{r['confusion'][g][q]:>5}" for q in STANCES))
    return "\n".join(lines)
