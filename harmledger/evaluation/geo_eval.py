"""``harmledger eval geo``: the geocoder against UCDP GED 2017-2019 points and re3d Location entities.

(a) Every GED 2017-2019 row with ``where_prec`` 1 or 2: its ``where_coordinates`` string ("Shamarikh
    village") is geocoded with no other context; the result is scored by great-circle distance to GED's
    point (within 5 km, within 25 km) and by governorate (GED ``adm_1``). No gazetteer entry or rule comes
    from these rows (the gazetteer takes GED names from 2016 rows only).
    The same rows are also geocoded with their ``source_headline`` as context (``headline=True``).
(b) re3d Location entities: the share of annotated locations that ``find`` locates in their document
    (an overlapping span) and the share it resolves to a place at all.
"""

from __future__ import annotations

import csv
import json
import math
from collections import Counter
from pathlib import Path
from typing import Any

from ..geo import load

GED_ADM1 = {"Hamah": "Hama", "Ar Raqqah": "Raqqa", "Deir ez Zor": "Deir ez-Zor", "Al Hasakah": "Al-Hasakah",
            "As Suwayda": "As-Suwayda"}


def ged_adm1(row: dict[str, str]) -> str:
    """A GED row's ``adm_1`` as the gazetteer names the governorate ("Hamah Governorate" -> "Hama")."""
    adm = row["adm_1"].replace(" Governorate", "")
    return GED_ADM1.get(adm, adm)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


def evaluate_ged_points(path: str | Path, years: tuple[str, ...] = ("2017", "2018", "2019"),
                        misses: list[dict[str, Any]] | None = None, headline: bool = False,
                        without: tuple[str, ...] = ()) -> dict[str, Any]:
    """Score ``where_coordinates`` strings against GED's points; with ``headline``, each name is geocoded
    with its row's ``source_headline`` as context (the report a user would have; it often names
    several places, or none near the coded one). ``without``: gazetteer sources left out (GED 2016's own
    names, to measure on the development partition how the other sources place names they spell
    differently)."""
    g = load(without=without)
    rows = [r for r in csv.DictReader(open(path, encoding="utf-8"))
            if r["year"][:4] in years and r["where_prec"] in ("1", "2", "1.0", "2.0") and r["where_coordinates"]]
    n = found = w5 = w25 = gov_ok = 0
    by_prec: Counter[int] = Counter()
    names: set[str] = set()
    name_rows: Counter[str] = Counter()
    name_w5: Counter[str] = Counter()
    for r in rows:
        n += 1
        names.add(r["where_coordinates"])
        name_rows[r["where_coordinates"]] += 1
        p = g.geocode(r["where_coordinates"], r["source_headline"] if headline else None)
        adm = ged_adm1(r)
        if p is None:
            if misses is not None:
                misses.append({"name": r["where_coordinates"], "adm_1": adm, "reason": "not found"})
            continue
        found += 1
        by_prec[p.precision] += 1
        gov_ok += p.admin1 == adm
        if p.lat is not None and p.lon is not None:
            d = haversine_km(p.lat, p.lon, float(r["latitude"]), float(r["longitude"]))
            w5 += d <= 5
            name_w5[r["where_coordinates"]] += d <= 5
            w25 += d <= 25
            if d > 5 and misses is not None:
                misses.append({"name": r["where_coordinates"], "adm_1": adm, "got": p.admin1,
                               "gazetteer_id": p.gazetteer_id, "km": round(d, 1)})
    # a distinct name is placed right when at least half of its rows are within 5 km
    names_w5 = sum(2 * name_w5[k] >= name_rows[k] for k in names)
    return {"rows": n, "distinct_names": len(names), "found": found, "found_share": round(found / n, 3),
            "names_within_5km": round(names_w5 / len(names), 3) if names else None,
            "placed_within_5km": round(w5 / found, 3) if found else None,
            "within_5km": round(w5 / n, 3), "within_25km": round(w25 / n, 3), "governorate": round(gov_ok / n, 3),
            "precision_codes": dict(sorted(by_prec.items()))}


def evaluate_re3d_locations(folder: str | Path) -> dict[str, Any]:
    g = load()
    total = located = resolved = 0
    named = named_located = 0
    for sub in sorted(Path(folder).iterdir()):
        if not (sub / "entities.json").exists():
            continue
        docs = {}
        for line in open(sub / "documents.json", encoding="utf-8"):
            d = json.loads(line)
            docs[d["_id"]] = d["text"]
        ents = [json.loads(x) for x in open(sub / "entities.json", encoding="utf-8")]
        found_cache: dict[str, list[tuple[int, int]]] = {}
        for e in ents:
            if e.get("type") != "Location" or e["documentId"] not in docs:
                continue
            total += 1
            text = docs[e["documentId"]]
            if e["documentId"] not in found_cache:
                found_cache[e["documentId"]] = [(m.start, m.end) for m in g.find(text)]
            spans = found_cache[e["documentId"]]
            hit = any(a < e["end"] and e["begin"] < b for a, b in spans)
            located += hit
            # a proper name ("Mosul", "Tal Afar"), not a description ("the camp", "fighting positions")
            if e["value"][:1].isupper() and not e["value"].lower().startswith(("the ", "a ", "an ")):
                named += 1
                named_located += hit
            if g.geocode(e["value"]) is not None:
                resolved += 1
    return {"locations": total, "found_in_text": round(located / total, 3) if total else None,
            "named_locations": named, "named_found_in_text": round(named_located / named, 3) if named else None,
            "resolved_by_name": round(resolved / total, 3) if total else None}


def evaluate_syrian_archive(path: str | Path, misses: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Syrian Archive's own coding of its videos (the dev half, ``russian_airstrikes_dev.csv``): every
    distinct ``location_en`` and ``location_ar`` name, geocoded with no context, scored against Syrian
    Archive's point for it (within 5 km; for a name coded at several points, the nearest). Reported by
    language: the share of names found, within 5 km, and of the names placed, the share within 5 km (how
    often an answer is right: unmatched stays null)."""
    g = load()
    points: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for r in csv.DictReader(open(path, encoding="utf-8")):
        if not (r.get("lat") and r.get("lon")):
            continue
        pt = (float(r["lat"]), float(r["lon"]))
        for lang, col in (("en", "location_en"), ("ar", "location_ar")):
            name = (r.get(col) or "").strip()
            if name:
                points.setdefault((lang, name), []).append(pt)
    out: dict[str, Any] = {}
    for lang in ("en", "ar"):
        names = sorted(n for la, n in points if la == lang)
        found = w5 = 0
        for name in names:
            p = g.geocode(name)
            if p is None or p.lat is None or p.lon is None:
                if misses is not None:
                    misses.append({"lang": lang, "name": name, "reason": "not found" if p is None else "no point"})
                continue
            found += 1
            d = min(haversine_km(p.lat, p.lon, a, b) for a, b in points[(lang, name)])
            w5 += d <= 5
            if d > 5 and misses is not None:
                misses.append({"lang": lang, "name": name, "got": p.gazetteer_id, "km": round(d, 1)})
        n = len(names)
        out[lang] = {"distinct_names": n, "found": round(found / n, 3) if n else None,
                     "within_5km": round(w5 / n, 3) if n else None,
                     "placed_within_5km": round(w5 / found, 3) if found else None}
    return out
