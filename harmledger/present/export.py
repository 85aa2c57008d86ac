"""Present stage: exports of the ledger's incidents (CSV, GeoJSON, Parquet, UCDP- and ACLED-style) and tallies.

Conventions of the UCDP/ACLED-style exports:

* UCDP GED columns: ``best`` = ``low`` = the lowest reported killed figure (conservative), ``high`` = the
  highest; ``where_prec`` as stored; ``date_prec`` 1 (one day), 2 (2-6 days), 3 (a week or more);
  ``side_a`` the perpetrators named (GED itself codes Russian strikes under the Syrian government;
  we keep what the reports say).
* ACLED columns: ``event_type``/``sub_event_type`` from the means; ``fatalities`` the most conservative
  figure (the lowest reported; no fatalities invented: unknown is 0 only in ACLED's own convention, so
  we leave it empty); ``notes`` quote the evidence of the incident's first claim.
* ``date_basis`` (every format): ``text`` when a report's text gives the date, ``report`` when none does and
  the date is its reports' publication date, empty for an undated incident.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from ..control import CONTROL_FIELDS, STALENESS_DAYS, annotate
from ..store import Ledger

INCIDENT_FIELDS = ["id", "date_start", "date_end", "date_basis", "place_name", "admin1", "admin2", "country", "lat",
                   "lon", "where_prec", "killed_min", "killed_max", "killed_plus", "killed_vague", "injured_min",
                   "injured_max", "injured_plus", "injured_vague", "victims", "perpetrators", "means", "targets",
                   "grade", "grade_by", "n_claims", "n_documents", "n_sources", "n_implausible", "first_report",
                   "last_report", "notes", *CONTROL_FIELDS]

ACLED_TYPES = {
    "airstrike": ("Explosions/Remote violence", "Air/drone strike"),
    "helicopter_barrel_bomb": ("Explosions/Remote violence", "Air/drone strike"),
    "cluster_munition": ("Explosions/Remote violence", "Air/drone strike"),
    "missile": ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    "shelling": ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    "chemical": ("Explosions/Remote violence", "Chemical weapon"),
    "explosive_device": ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
    "ground_fighting": ("Battles", "Armed clash"),
    "gunfire": ("Violence against civilians", "Attack"),
    "siege": ("Violence against civilians", "Attack"),
}


def _first_quotes(lg: Ledger) -> dict[str, tuple[str, str]]:
    """Each incident's first claim quote and its publisher/source (the evidence for notes)."""
    out: dict[str, tuple[str, str]] = {}
    for r in lg.incident_claim_rows():
        out.setdefault(r.incident_id, (r.quote or "", r.publisher or r.source or ""))
    return out


def _date_prec(a: str | None, b: str | None) -> int | None:
    """UCDP ``date_prec``: 1 day, 2 two to six days, 3 about a week, 4 a month, 5 a year."""
    if not a:
        return None
    d0, d1 = date.fromisoformat(a), date.fromisoformat(b or a)
    days = (d1 - d0).days
    if days == 0:
        return 1
    if days <= 6:
        return 2
    if d0.day == 1 and d0.month == d1.month and d0.year == d1.year:
        return 4
    if d0.month == 1 and d0.day == 1 and d1.month == 12 and d1.day == 31 and d0.year == d1.year:
        return 5
    return 3 if days <= 13 else (4 if days <= 31 else 5)


@contextmanager
def output(out: str | Path, *, binary: bool = False) -> Iterator[Any]:
    """A stream to write ``out`` to: standard output for ``-``; else a file that appears whole or not at all
    (written beside it, then renamed). Raises OSError naming the path."""
    if str(out) == "-":
        stream = sys.stdout.buffer if binary else sys.stdout
        yield stream
        stream.flush()
        return
    path = Path(out)
    if not path.parent.is_dir():
        raise FileNotFoundError(f"no directory {str(path.parent)!r} to write {path.name!r} in")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        with (open(tmp, "wb") if binary else open(tmp, "w", encoding="utf-8", newline="")) as f:
            yield f
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def export(lg: Ledger, fmt: str, out: str | Path, *, staleness_days: int = STALENESS_DAYS) -> int:
    """Write all incidents in ``fmt`` (csv | geojson | parquet | ucdp | acled) to ``out`` (``-``: standard
    output); returns rows. Each incident carries who held the ground there and then (``control``,
    ``control_layer``, ``control_date``…; null when the ledger holds no control layer)."""
    rows = annotate(lg, [dict(r) for r in lg.incidents(order="date")], staleness_days=staleness_days)
    basis = lg.date_basis()  # "text": the reports' text gives the date; "report": their publication date
    for r in rows:
        r["date_basis"] = basis.get(r["id"])
    path = out
    if fmt == "csv":
        _write_csv(path, INCIDENT_FIELDS, rows)
    elif fmt == "geojson":
        feats = [{"type": "Feature", "id": r["id"],
                  "geometry": {"type": "Point", "coordinates": [r["lon"], r["lat"]]},
                  "properties": {k: r[k] for k in INCIDENT_FIELDS if k not in ("lat", "lon")}}
                 for r in rows if r["lat"] is not None and r["lon"] is not None]
        with output(path) as f:
            f.write(json.dumps({"type": "FeatureCollection", "features": feats}, ensure_ascii=False))
        return len(feats)
    elif fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pylist([{k: r[k] for k in INCIDENT_FIELDS} for r in rows],
                                     schema=None if rows else pa.schema([(k, pa.string()) for k in INCIDENT_FIELDS]))
        with output(path, binary=True) as f:
            sink = pa.BufferOutputStream()
            pq.write_table(table, sink)
            f.write(sink.getvalue().to_pybytes())
    elif fmt == "ucdp":
        quotes = _first_quotes(lg)
        out_rows = [{
            "id": r["id"], "date_start": r["date_start"], "date_end": r["date_end"],
            "date_prec": _date_prec(r["date_start"], r["date_end"]), "date_basis": r["date_basis"],
            "where_coordinates": r["place_name"],
            "where_prec": r["where_prec"], "adm_1": r["admin1"], "adm_2": r["admin2"], "country": r["country"],
            "latitude": r["lat"], "longitude": r["lon"], "side_a": r["perpetrators"],
            "best": r["killed_min"], "low": r["killed_min"], "high": r["killed_max"],
            "high_open": bool(r["killed_plus"]), "low_vague": bool(r["killed_vague"]),
            "deaths_civilians": r["killed_min"] if r["victims"] == "civilian" else None,
            "number_of_sources": r["n_sources"], "source_headline": quotes.get(r["id"], ("", ""))[0],
            "source_office": quotes.get(r["id"], ("", ""))[1], "grade": r["grade"],
            **{k: r[k] for k in CONTROL_FIELDS}} for r in rows]
        _write_csv(path, list(out_rows[0]) if out_rows else ["id"], out_rows)
    elif fmt == "acled":
        quotes = _first_quotes(lg)
        out_rows = []
        for r in rows:
            first_means = (r["means"] or "").split(",")[0]
            et, st = ACLED_TYPES.get(first_means, ("Violence against civilians", "Attack"))
            prec = r["where_prec"]
            out_rows.append({
                "event_id_cnty": r["id"], "event_date": r["date_start"], "date_basis": r["date_basis"],
                "year": r["date_start"][:4] if r["date_start"] else None, "event_type": et, "sub_event_type": st,
                "actor1": r["perpetrators"], "country": r["country"], "admin1": r["admin1"], "admin2": r["admin2"],
                "location": r["place_name"], "latitude": r["lat"], "longitude": r["lon"],
                "geo_precision": None if prec is None else (1 if prec <= 1 else (2 if prec <= 3 else 3)),
                "source": quotes.get(r["id"], ("", ""))[1], "notes": quotes.get(r["id"], ("", ""))[0],
                "fatalities": r["killed_min"], "fatalities_at_least": bool(r["killed_plus"]), "grade": r["grade"],
                **{k: r[k] for k in CONTROL_FIELDS}})
        _write_csv(path, list(out_rows[0]) if out_rows else ["event_id_cnty"], out_rows)
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    return len(rows)


def _write_csv(path: str | Path, fields: list[str], rows: Iterable[dict[str, Any]]) -> None:
    with output(path) as f:
        w = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow(r)


TALLY_KEYS = ("month", "year", "perpetrator", "admin1", "means", "grade", "country", "control")


def tally(lg: Ledger, by: list[str], rows: Iterable[dict[str, Any]] | None = None, *,
          staleness_days: int = STALENESS_DAYS) -> list[dict[str, Any]]:
    """Incidents and killed (lowest reported figure, summed) grouped by month/year/perpetrator/admin1/...;
    ``control`` groups by who held the ground (read against the ledger's control layers), and then each
    row also gets ``share``: its part of the incidents of the same other keys (e.g. the share of one air
    force's strikes that fell on ground held by each party)."""
    if not by or any(k not in TALLY_KEYS for k in by):
        raise ValueError(f"tally keys are {', '.join(TALLY_KEYS)}")
    src = lg.incidents(order="date") if rows is None else rows
    if "control" in by:
        src = [r if "control" in r else dict(r) for r in src]
        missing = [r for r in src if "control" not in r]
        if missing:
            annotate(lg, missing, staleness_days=staleness_days)
    acc: dict[tuple[str, ...], list[int]] = defaultdict(lambda: [0, 0, 0])
    for r in src:
        parts: list[str] = []
        for k in by:
            if k == "month":
                parts.append((r["date_start"] or "unknown")[:7])
            elif k == "year":
                parts.append((r["date_start"] or "unknown")[:4])
            elif k == "perpetrator":
                parts.append((r["perpetrators"] or "unattributed").split(",")[0])
            elif k == "means":
                parts.append((r["means"] or "unknown").split(",")[0])
            elif k == "admin1":
                parts.append(r["admin1"] or r["country"] or "unplaced")
            elif k == "control":
                parts.append(r["control"] or "no layer")
            else:
                parts.append(str(r[k] or "unknown"))
        a = acc[tuple(parts)]
        a[0] += 1
        a[1] += r["killed_min"] or 0
        a[2] += r["killed_max"] or r["killed_min"] or 0
    out = [{**dict(zip(by, k, strict=True)), "incidents": v[0], "killed_min": v[1], "killed_max": v[2]}
           for k, v in sorted(acc.items())]
    if "control" in by:
        ci = by.index("control")
        groups: Counter[tuple[str, ...]] = Counter()
        for k, v in acc.items():
            groups[k[:ci] + k[ci + 1:]] += v[0]
        for row, k in zip(out, sorted(acc), strict=True):
            row["share"] = round(acc[k][0] / groups[k[:ci] + k[ci + 1:]], 3)
    return out


def tally_svg(rows: list[dict[str, Any]], by: list[str]) -> str:
    """The same chart as inline SVG markup (for HTML pages)."""
    import io

    buf = io.BytesIO()
    tally_chart(rows, by, buf, fmt="svg")
    svg = buf.getvalue().decode("utf-8")
    return svg[svg.find("<svg"):]


def tally_chart(rows: list[dict[str, Any]], by: list[str], out: str | Path | Any, fmt: str | None = None) -> None:
    """A bar chart of killed (lowest reported, summed) by the first key, stacked by the second if any."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    first = by[0]
    xs = sorted({r[first] for r in rows})
    fig, ax = plt.subplots(figsize=(max(6, 0.35 * len(xs) + 2), 4.5))
    if len(by) > 1:
        second = by[1]
        totals = Counter()
        for r in rows:
            totals[r[second]] += r["killed_min"]
        series = [s for s, _ in totals.most_common(8)]
        bottom = [0] * len(xs)
        for s in series:
            vals = [sum(r["killed_min"] for r in rows if r[first] == x and r[second] == s) for x in xs]
            ax.bar(xs, vals, bottom=bottom, label=s)
            bottom = [b + v for b, v in zip(bottom, vals, strict=True)]
        ax.legend(fontsize=7, title=second)
    else:
        ax.bar(xs, [sum(r["killed_min"] for r in rows if r[first] == x) for x in xs])
    ax.set_ylabel("killed (lowest reported figure, summed over incidents)")
    ax.set_title(f"harmledger: killed by {' and '.join(by)}")
    ax.tick_params(axis="x", labelrotation=70, labelsize=7)
    fig.tight_layout()
    if isinstance(out, str | Path):
        with output(out, binary=True) as f:
            fig.savefig(f, format=fmt or Path(out).suffix.lstrip(".").lower() or "png")
    else:
        fig.savefig(out, format=fmt)
    plt.close(fig)
