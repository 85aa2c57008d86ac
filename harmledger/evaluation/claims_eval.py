"""``harmledger eval``: the extractor against the hand-annotated dev set, and against UCDP GED 2017-2019.

Dev set (``devset/units.jsonl`` + ``devset/gold.jsonl``, coded by hand per docs/annotation.md):
each unit is extracted as its own document; predicted and gold claims of a unit are paired greedily
by the overlap of their quotes, place and killed count. Claim precision = paired / predicted, recall =
paired / gold. Field accuracy is measured on the pairs.

GED 2017-2019 (the evaluation partition, never used for rules or gazetteer entries): GED codes events,
not headlines, so only agreement is reported, on headlines that GED codes as exactly one event.
"""

from __future__ import annotations

import csv
import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from .. import geo
from ..extract import extract
from ..geo.names import key as place_key
from ..model import COUNT_FIELDS, Claim
from .geo_eval import ged_adm1


def _load_devset() -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    pkg = resources.files("harmledger.evaluation").joinpath("devset")
    units = [json.loads(x) for x in pkg.joinpath("units.jsonl").read_text("utf-8").splitlines() if x.strip()]
    gold = {g["id"]: g for g in (json.loads(x) for x in pkg.joinpath("gold.jsonl").read_text("utf-8").splitlines()
                                 if x.strip())}
    return units, gold


def _gold_spans(text: str, claims: list[dict[str, Any]]) -> list[tuple[int, int]]:
    spans = []
    used: Counter[str] = Counter()
    for c in claims:
        q = c.get("quote") or text
        start = -1
        for _ in range(used[q] + 1):
            start = text.find(q, start + 1)
        if start < 0:
            start = text.find(q)
        used[q] += 1
        spans.append((max(start, 0), max(start, 0) + len(q)))
    return spans


def _iou(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union else 0.0


def _count_min(c: dict[str, Any] | None) -> int | None:
    return None if not c else c.get("min")


@dataclass
class FieldScore:
    right: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.total += 1
        self.right += bool(ok)

    @property
    def value(self) -> float:
        return self.right / self.total if self.total else float("nan")


@dataclass
class DevReport:
    pred: int = 0
    gold: int = 0
    paired: int = 0
    fields: dict[str, FieldScore] = field(default_factory=lambda: defaultdict(FieldScore))
    by_source: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))
    errors: list[dict[str, Any]] = field(default_factory=list)
    hard_negatives: int = 0  # opinion units with no claim (reader comments)
    hard_negative_incidents: int = 0  # incidents the extractor read in them (target: 0)
    hard_negative_claims: int = 0

    @property
    def precision(self) -> float:
        return self.paired / self.pred if self.pred else float("nan")

    @property
    def recall(self) -> float:
        return self.paired / self.gold if self.gold else float("nan")

    def to_dict(self) -> dict[str, Any]:
        p, r = self.precision, self.recall
        return {"units": None, "predicted": self.pred, "gold": self.gold, "paired": self.paired,
                "precision": round(p, 3), "recall": round(r, 3), "f1": round(2 * p * r / (p + r), 3) if p + r else 0,
                "fields": {k: {"accuracy": round(v.value, 3), "n": v.total} for k, v in sorted(self.fields.items())},
                "by_source": {k: {"predicted": v[0], "gold": v[1], "paired": v[2],
                                  "precision": round(v[2] / v[0], 3) if v[0] else None,
                                  "recall": round(v[2] / v[1], 3) if v[1] else None}
                              for k, v in sorted(self.by_source.items())},
                "hard_negatives": {"units": self.hard_negatives, "incidents": self.hard_negative_incidents,
                                   "claims": self.hard_negative_claims}}


def _pair(pred: list[Claim], gold: list[dict[str, Any]], text: str) -> list[tuple[int, int]]:
    gspans = _gold_spans(text, gold)
    cands = []
    for i, p in enumerate(pred):
        ps = p.quote_span if p.quote_span else (0, len(text))  # the unit is the whole document here
        killed = p.killed.min if p.killed else None
        for j, g in enumerate(gold):
            iou = _iou(ps, gspans[j])
            same_place = bool(p.place and g.get("place") and place_key(p.place.name) == place_key(g["place"]))
            same_killed = killed == _count_min(g.get("killed"))
            if iou <= 0 and not same_place:
                continue
            cands.append((iou + 0.6 * same_place + 0.2 * same_killed, i, j))
    cands.sort(reverse=True)
    used_p, used_g, pairs = set(), set(), []
    for _, i, j in cands:
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        pairs.append((i, j))
    return pairs


def _load_split(name: str, split: str) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """A split set's units of one split and their gold (``gold-dev.jsonl``; the locked test split's
    reconciled coding in ``gold-test.jsonl``): ``devset_ar`` (docs/annotation_ar.md) or ``enset`` (the
    English generalisation set of issue 12, docs/annotation.md)."""
    pkg = resources.files("harmledger.evaluation").joinpath(name)
    units = [json.loads(x) for x in pkg.joinpath("units.jsonl").read_text("utf-8").splitlines() if x.strip()]
    units = [u for u in units if u["split"] == split]
    gold = {g["id"]: g for g in (json.loads(x) for x in pkg.joinpath(f"gold-{split}.jsonl").read_text(
        "utf-8").splitlines() if x.strip())}
    return [u for u in units if u["id"] in gold], gold


def coded_splits(name: str) -> list[str]:
    """A set's coded splits, the locked test split first (when its reconciled coding is there)."""
    pkg = resources.files("harmledger.evaluation").joinpath(name)
    return [s for s in ("test", "dev") if pkg.joinpath(f"gold-{s}.jsonl").is_file()]


def arabic_splits() -> list[str]:
    """The Arabic set's coded splits, the locked test split first."""
    return coded_splits("devset_ar")


def english_splits() -> list[str]:
    """The English generalisation set's coded splits, the locked test split first."""
    return coded_splits("enset")


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _gold_point(g: dict[str, Any]) -> tuple[float, float] | None:
    """The point of a gold claim's place: its OCHA pcode (``C1234``) or Syrian Archive locality (``SA:5623``)
    in the shipped gazetteer, for places named as a town, village or neighbourhood (not a countryside or a
    governorate)."""
    pc = g.get("place_pcode")
    if not pc or g.get("place_kind", "place") != "place":
        return None
    gaz = geo.load(("syria",))
    i = gaz.by_id.get(pc if not pc.upper().startswith("SA:") else "sa:" + pc[3:])
    if i is None:
        return None
    e = gaz.entries[i]
    if e.lat is None or e.type in ("governorate", "district", "subdistrict") or e.coords == "subdistrict_centroid":
        return None
    return (e.lat, e.lon)


def evaluate_devset(collect_errors: bool = False, *, lang: str = "en", split: str = "dev",
                    name: str | None = None) -> DevReport:
    """The extractor against a hand-coded set: English (``lang="en"``: the first dev set; ``name="enset"``:
    the generalisation set, ``split`` ``dev`` or the locked ``test``), or Arabic (``lang="ar"``, ``split``
    ``dev`` or ``test``). Arabic claims are also scored on ``place_10km``: the claim's point within 10 km of
    the gold place's, where the gold names a town, village or neighbourhood. Hard negatives: reader comments
    (source ``yt_comment``) with no gold claim, and the incidents the extractor finds in them."""
    if name is None and lang == "en":
        units, gold = _load_devset()
    else:
        units, gold = _load_split(name or "devset_ar", split)
    rep = DevReport()
    for u in units:
        g = gold[u["id"]]["claims"]
        pred = extract(u["text"], u.get("published"), source=u["id"], lang=lang)
        if u.get("source") == "yt_comment" and not g:
            rep.hard_negatives += 1
            rep.hard_negative_incidents += sum(c.kind == "incident" for c in pred)
            rep.hard_negative_claims += len(pred)
        pairs = _pair(pred, g, u["text"])
        rep.pred += len(pred)
        rep.gold += len(g)
        rep.paired += len(pairs)
        s = rep.by_source[u["source"]]
        s[0] += len(pred)
        s[1] += len(g)
        s[2] += len(pairs)
        unit_errors: list[str] = []
        pd = [c.to_dict() for c in pred]
        for i, j in pairs:
            p = pd[i]
            gc = g[j]
            checks = {"kind": p["kind"] == gc["kind"], "victims": p["victims"] == gc["victims"],
                      "perpetrators": {x["id"] for x in p["perpetrators"]} == set(gc["perpetrators"]),
                      "means": {x["id"] for x in p["means"]} == set(gc["means"]),
                      "targets": {x["id"] for x in p["targets"]} == set(gc["targets"])}
            for f in COUNT_FIELDS:
                checks[f] = _count_min(p[f]) == _count_min(gc.get(f))
            checks["count_flags"] = all(
                (p[f] is None) == (gc.get(f) is None) and (p[f] is None or (
                    p[f]["plus"] == gc[f]["plus"] and p[f]["vague"] == gc[f]["vague"])) for f in COUNT_FIELDS)
            if gc.get("country") or p["place"]:
                checks["country"] = (p["place"] or {}).get("country") == gc.get("country")
            if gc.get("admin1") or (p["place"] or {}).get("admin1"):
                checks["governorate"] = (p["place"] or {}).get("admin1") == gc.get("admin1")
            if gc.get("date"):
                checks["date"] = (p["date"] or {}).get("start") == gc["date"].get("start")
            if "hedged" in gc:
                checks["hedged"] = any("hedge" in x for x in p["perpetrators"]) == bool(gc["hedged"])
            gp = _gold_point(gc) if lang != "en" else None
            if gp is not None:
                pp = p["place"] or {}
                checks["place_10km"] = pp.get("lat") is not None and _km(gp, (pp["lat"], pp["lon"])) <= 10
            for k, ok in checks.items():
                rep.fields[k].add(ok)
                if not ok:
                    unit_errors.append(k)
        if collect_errors and (unit_errors or len(pairs) != len(pred) or len(pairs) != len(g)):
            rep.errors.append({"id": u["id"], "text": u["text"], "wrong": unit_errors,
                               "pred": pd, "gold": g})
    return rep


# ---------------------------------------------------------------------------- GED 2017-2019
SIDE_A = {"Government of Syria": {"syrian_government", "russia"}, "IS": {"islamic_state"},
          "Government of Turkey": {"turkey"}, "SDF": {"sdf"}, "PYD": {"sdf"}, "YPG": {"sdf"},
          "Government of Israel": {"israel"}, "Government of United States of America": {"us_coalition"},
          "Government of Russia (Soviet Union)": {"russia", "syrian_government"}}


def evaluate_ged(path: str | Path, years: Iterable[str] = ("2017", "2018", "2019"),
                 limit: int | None = None) -> dict[str, Any]:
    wanted = set(years)
    rows = [r for r in csv.DictReader(open(path, encoding="utf-8")) if r["year"][:4] in wanted]
    per_head: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        per_head[r["source_headline"].strip()].append(r)
    single = [(h, rs[0]) for h, rs in per_head.items() if len(rs) == 1 and h and ";" not in h]
    if limit:
        single = single[:limit]
    n_claim = gov_n = gov_ok = perp_n = perp_ok = kill_n = kill_ok = 0
    for h, r in single:
        pub = (r["source_date"] or "")[:10] or None
        if pub and pub < r["date_start"][:10]:
            pub = None
        claims = extract(h, pub, source="ged")
        if not claims:
            continue
        n_claim += 1
        placed = [c for c in claims if c.place and c.place.admin1]
        adm = ged_adm1(r)
        if len(placed) == 1 and adm:
            gov_n += 1
            gov_ok += placed[0].place.admin1 == adm  # type: ignore[union-attr]
        expected = SIDE_A.get(r["side_a"]) or ({"opposition"} if r["type_of_violence"] == "1" else None)
        perps = {p.id for c in claims for p in c.perpetrators}
        if expected and perps:
            perp_n += 1
            perp_ok += bool(perps & expected)
        if len(claims) == 1 and claims[0].killed and r["best"]:
            kill_n += 1
            kill_ok += claims[0].killed.min == int(float(r["best"]))
    return {"partition": "GED " + "-".join(sorted(set(years))[::max(1, len(set(years)) - 1)]),
            "headlines_single_event": len(single), "with_claims": n_claim,
            "claim_rate": round(n_claim / len(single), 3) if single else None,
            "governorate_agreement": round(gov_ok / gov_n, 3) if gov_n else None, "governorate_n": gov_n,
            "perpetrator_agreement": round(perp_ok / perp_n, 3) if perp_n else None, "perpetrator_n": perp_n,
            "killed_equals_best": round(kill_ok / kill_n, 3) if kill_n else None, "killed_n": kill_n}
