"""``harmledger eval reactions``: the react stage against the hand-labelled comment dev set.

The dev set (``evaluation/reactions/devset.jsonl``, codebook ``docs/stance.md``, sources and sampling
in ``evaluation/reactions/SOURCES.md``) holds real English and Russian comments. Records from sources
that may ship carry their text; records from eval-only sources carry the source and row, and their text
is read from the shared data folder (``../shared/data/reactions/``) when it is present — otherwise they
are skipped and the report says how many. Each record has a fixed split: ``dev`` (the cue lexicons
were tuned on it) and ``test`` (never looked at while tuning); the report gives both.

Reported: stance per-class precision / recall / F1, macro-F1 and the confusion matrix; incitement and
abuse precision / recall / F1; language accuracy on comments of three or more words; on the test split,
agreement with a second, independent coder (Cohen's kappa; that coder scored like a system); and, when
the shared folder holds it, incitement against ETHOS's violence ratings (fixed dev / test halves).
"""

from __future__ import annotations

import csv
import hashlib
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
ETHOS = "ethos/ethos_en.csv"


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


def cohen_kappa(a: list[Any], b: list[Any]) -> float | None:
    """Cohen's kappa of two coders' labels for the same items."""
    n = len(a)
    if not n:
        return None
    po = sum(x == y for x, y in zip(a, b, strict=True)) / n
    ca, cb = Counter(a), Counter(b)
    pe = sum(ca[k] * cb[k] for k in set(ca) | set(cb)) / (n * n)
    return round((po - pe) / (1 - pe), 3) if pe < 1 else 1.0


def agreement(recs: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Agreement between the first coder and an independent second coder (records with ``coder2``):
    Cohen's kappa per field, and the second coder scored like a system against the first — the level a
    reader of these comments reaches, and so a ceiling for what the targets can ask of harmledger."""
    both = [r for r in recs if r.get("coder2")]
    if not both:
        return None
    second = [{**r["coder2"], "language": r["language"], "text": r["text"]} for r in both]
    as_system = score(both, second)
    return {"n": len(both),
            **{f"{f}_kappa": cohen_kappa([r[f] for r in both], [s[f] for s in second])
               for f in ("stance", "incitement", "abuse")},
            "stance_agreement": round(sum(r["stance"] == s["stance"] for r, s in zip(both, second, strict=True))
                                      / len(both), 3),
            "coder2_stance_macro_f1": as_system["stance_macro_f1"],
            "coder2_incitement": as_system["incitement"], "coder2_abuse": as_system["abuse"]}


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
    result["agreement"] = agreement([r for r in recs if r["split"] == "test"])
    if result["agreement"]:
        idx = [i for i, r in enumerate(recs) if r["split"] == "test" and r.get("coder2")]
        vs2 = score([{**recs[i], **recs[i]["coder2"]} for i in idx], [preds[i] for i in idx])
        result["agreement"]["harmledger_vs_coder2_stance_macro_f1"] = vs2["stance_macro_f1"]
    result["ethos"] = evaluate_ethos(shared)
    return result


def ethos_split(text: str) -> str:
    """A fixed half of ETHOS by a hash of the text: ``dev`` (read while writing incitement cues) or ``test``."""
    return "dev" if hashlib.sha256(text.encode("utf-8")).digest()[0] % 2 == 0 else "test"


def evaluate_ethos(shared: Path | None) -> dict[str, Any] | None:
    """Incitement against ETHOS (Mollas et al. 2022; GPL-3.0, eval only, read from the shared folder):
    English comments, each rated by several annotators; a comment is a positive when it is hate speech
    and at least half its annotators saw a call or wish of violence (``violence`` >= 0.5), a negative
    when it is not hate speech or they did not. ETHOS's "violence" is broader than the codebook's
    incitement (it includes threats of assault), so recall here is a lower bound."""
    path = shared / ETHOS if shared else None
    if path is None or not path.exists():
        return None
    reactor = Reactor()
    counts = {part: Counter[str]() for part in ("dev", "test")}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["is_hate"] == "1" and not row["violence"]:
                continue  # hate speech with no violence rating
            gold = row["is_hate"] == "1" and float(row["violence"]) >= 0.5
            got = reactor.classify(row["text"])[2]
            c = counts[ethos_split(row["text"])]
            c["tp" if gold and got else "fp" if got else "fn" if gold else "tn"] += 1
    return {part: {**_prf(c["tp"], c["fp"], c["fn"]), "n": sum(c.values())} for part, c in counts.items()}


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
    if res.get("agreement"):
        a = res["agreement"]
        lines.append(f"\n[second coder, test split] n={a['n']}  stance kappa {a['stance_kappa']}  "
                     f"(raw agreement {a['stance_agreement']})  incitement kappa {a['incitement_kappa']}  "
                     f"abuse kappa {a['abuse_kappa']}")
        lines.append(f"  second coder scored against the first: stance macro-F1 {a['coder2_stance_macro_f1']}  "
                     f"incitement P {a['coder2_incitement']['precision']:.3f} R {a['coder2_incitement']['recall']:.3f}"
                     f"  abuse P {a['coder2_abuse']['precision']:.3f} R {a['coder2_abuse']['recall']:.3f}")
        lines.append(f"  harmledger scored against the second coder: stance macro-F1 "
                     f"{a['harmledger_vs_coder2_stance_macro_f1']}")
    if res.get("ethos"):
        lines.append("\n[ETHOS, eval only] incitement against its violence ratings")
        for part in ("test", "dev"):
            v = res["ethos"][part]
            lines.append(f"  {part:<5} n={v['n']}  P {v['precision']:.3f}  R {v['recall']:.3f}  F1 {v['f1']:.3f}  "
                         f"(positives={v['support']})")
    return "\n".join(lines)
