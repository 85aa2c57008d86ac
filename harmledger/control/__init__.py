"""Control stage: who held the ground where and when each incident happened, from dated control layers.

A *control layer* is a GeoJSON file of areas, each held by a party: a snapshot dated as a whole (``date``:
"the front lines on 2015-11-29") or areas with their own validity (``valid_from`` / ``valid_to`` fields:
"Afrin district, from 2018-03-18"). Layers are stored in the ledger like originals (their bytes hashed
and kept, their import an audit event; see :meth:`harmledger.store.Ledger.import_control_layer`); this
module reads them and places incidents in them.

For an incident, the controlling party is read from the layers that speak for its date:

* a snapshot speaks for the days from its date to ``staleness_days`` after it (default 180): the nearest
  earlier layer wins; a later map never speaks for an earlier day;
* an area with its own validity speaks for the days in it (an open end: until further notice);
* among the layers that speak, the one with the latest reference date whose areas cover the place wins.

The place: an exact point (UCDP precision 1) is looked up in the areas (point in polygon); a place known
to about 25 km (precision 2) or to its district (precision 3, approximated by a disc of a Syrian district's
mean size: 30 km radius — district polygons are not shipped) is read as an area: each party's share of
it, the party holding at least half of it controls, otherwise the control is ``mixed``. A place known
only to its governorate or country (precision 4+), an undated incident, a date no layer speaks for, or a
place outside every area gives ``unknown`` — never a guess. Parties are mapped to the pack's actor ids by
the pack's ``control_parties.json`` (a party with no actor keeps its label; ``contested`` is no actor).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import resources
from typing import Any

#: how long a dated snapshot speaks for the days after it
STALENESS_DAYS = 180
#: radius (km) of the disc read for a place known to ~25 km (precision 2) or to its district (3)
AREA_RADIUS_KM = {2: 25.0, 3: 30.0}
KM_PER_DEG = 111.32


@dataclass
class Area:
    party: str
    valid_from: str | None  # ISO day; None: the layer's date
    valid_to: str | None  # ISO day, inclusive; None: open
    geometry: dict[str, Any]  # GeoJSON geometry
    name: str | None = None


@dataclass
class Layer:
    """A stored control layer: its id is the SHA-256 of its bytes."""

    id: str
    name: str
    date: str | None  # a snapshot's date; None when each area carries its own validity
    areas: list[Area]
    licence: str | None = None
    source: str | None = None
    schematic: bool = False
    parties: dict[str, str | None] = field(default_factory=dict)  # party -> pack actor id


@dataclass
class Control:
    """Who held the ground at an incident's place and date, and on what layer's word."""

    party: str  # the layer's party label, "mixed" or "unknown"
    actor: str | None = None  # the pack's actor id for the party
    layer: str | None = None  # layer name
    layer_id: str | None = None
    date: str | None = None  # the layer's date (snapshot) or the area's valid_from
    share: float | None = None  # for an area: the share of it the party held
    shares: dict[str, float] | None = None
    schematic: bool = False
    licence: str | None = None
    source: str | None = None
    note: str | None = None  # why unknown, or how it was read

    def to_dict(self) -> dict[str, Any]:
        return {"control": self.party, "control_actor": self.actor, "control_layer": self.layer,
                "control_layer_id": self.layer_id, "control_date": self.date, "control_share": self.share,
                "control_shares": self.shares, "control_schematic": self.schematic,
                "control_licence": self.licence, "control_source": self.source, "control_note": self.note}


CONTROL_FIELDS = ["control", "control_actor", "control_layer", "control_date", "control_share",
                  "control_schematic", "control_source", "control_licence", "control_note"]


def load_parties(pack: str = "syria") -> dict[str, str | None]:
    """The pack's mapping from control-layer party labels to its actor ids."""
    f = resources.files(f"harmledger.packs.{pack}").joinpath("control_parties.json")
    if not f.is_file():
        return {}
    return dict(json.loads(f.read_text("utf-8"))["parties"])


def iso_day(value: Any, *, end: bool = False) -> str | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (a date-time is cut to its day) as an ISO day: the first
    day of the period, or with ``end`` its last. ValueError when it is not a date."""
    if value is None or value == "":
        return None
    s = str(value).strip()
    if _DATETIME.fullmatch(s):  # a date-time: its day
        s = s[:10]
    if not _DAYISH.fullmatch(s):
        raise ValueError(f"{value!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
    parts = s.split("-")
    try:
        if len(parts) == 1 and len(s) == 4:
            d = date(int(s), 12 if end else 1, 31 if end else 1)
        elif len(parts) == 2:
            y, m = int(parts[0]), int(parts[1])
            d = date(y, m, 1)
            if end:
                d = (date(y + m // 12, m % 12 + 1, 1) - timedelta(days=1))
        else:
            d = date.fromisoformat(s)
    except ValueError:
        raise ValueError(f"{value!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)") from None
    return d.isoformat()


_DAYISH = re.compile(r"\d{4}(?:-\d{1,2}(?:-\d{1,2})?)?")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?")


def parse_layer(data: bytes, *, party_field: str, date: str | None = None, valid_from_field: str | None = None,
                valid_to_field: str | None = None, name_field: str | None = None) -> list[Area]:
    """The areas of a GeoJSON control layer; ValueError with one line naming the problem (and feature)."""
    import shapely

    if (date is None) == (valid_from_field is None):
        raise ValueError("give the layer's --date, or --valid-from-field (and --valid-to-field) for per-area dates")
    if date is not None and valid_to_field is not None:
        raise ValueError("--valid-to-field goes with --valid-from-field, not with a snapshot's --date")
    try:
        doc = json.loads(data, parse_constant=_no_constant)
    except (ValueError, RecursionError) as e:
        raise ValueError(f"not GeoJSON ({e.__class__.__name__}: {str(e)[:80]})") from None
    if not isinstance(doc, dict) or doc.get("type") not in ("FeatureCollection", "Feature"):
        raise ValueError("not a GeoJSON FeatureCollection")
    feats = doc.get("features") if doc["type"] == "FeatureCollection" else [doc]
    if not isinstance(feats, list) or not feats:
        raise ValueError("the layer has no features")
    areas = []
    for i, f in enumerate(feats):
        where = f"feature {i}"
        if not isinstance(f, dict):
            raise ValueError(f"{where}: not a GeoJSON Feature object")
        props = f.get("properties") or {}
        if not isinstance(props, dict):
            raise ValueError(f"{where}: properties must be an object")
        geom = f.get("geometry")
        if not isinstance(geom, dict) or geom.get("type") not in ("Polygon", "MultiPolygon"):
            raise ValueError(f"{where}: geometry must be a Polygon or MultiPolygon")
        party = props.get(party_field)
        if party is None or str(party).strip() == "":
            raise ValueError(f"{where}: no {party_field!r} property (the party holding the area)")
        try:
            g = shapely.geometry.shape(geom)
            if g.is_empty:
                raise ValueError("empty geometry")
            minx, miny, maxx, maxy = g.bounds
        except (ValueError, TypeError, AttributeError, IndexError, KeyError, OverflowError,
                shapely.errors.ShapelyError) as e:
            raise ValueError(f"{where}: unreadable geometry ({str(e)[:100]})") from None
        if not all(math.isfinite(v) for v in (minx, miny, maxx, maxy)):
            raise ValueError(f"{where}: coordinates that are not finite numbers")
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            raise ValueError(f"{where}: coordinates are not longitude/latitude degrees (WGS 84)")
        try:
            vf = iso_day(props.get(valid_from_field)) if valid_from_field else None
            vt = iso_day(props.get(valid_to_field), end=True) if valid_to_field else None
        except ValueError as e:
            raise ValueError(f"{where}: {e}") from None
        if valid_from_field and vf is None:
            raise ValueError(f"{where}: no {valid_from_field!r} date")
        if vf and vt and vt < vf:
            raise ValueError(f"{where}: valid to {vt} is before valid from {vf}")
        areas.append(Area(party=str(party).strip(), valid_from=vf, valid_to=vt, geometry=geom,
                          name=str(props[name_field]) if name_field and props.get(name_field) else None))
    return areas


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number GeoJSON allows")


def layer_properties(data: bytes) -> dict[str, Any]:
    """What the layer's own features say of it: ``schematic`` (any feature so marked) and an
    ``attribution`` / ``source`` / ``licence`` common to its features."""
    doc = json.loads(data)
    feats = doc.get("features") if doc.get("type") == "FeatureCollection" else [doc]
    props = [(f.get("properties") or {}) for f in feats if isinstance(f, dict)]
    out: dict[str, Any] = {"schematic": any(p.get("schematic") is True for p in props)}
    for key, names in (("source", ("source", "attribution")), ("licence", ("licence", "license"))):
        vals = {str(p[n]) for p in props for n in names if p.get(n)}
        if len(vals) == 1:
            out[key] = vals.pop()
    return out


def _overlap(disc: Any, area: Any) -> float:
    """The area of ``disc`` that lies in ``area`` (the area cut to the disc's box first: a province-sized
    polygon is then a small one)."""
    import shapely

    if area.contains(disc):
        return disc.area
    near = shapely.clip_by_rect(area, *disc.bounds)
    if near.is_empty:
        return 0.0
    try:
        return shapely.intersection(disc, near).area
    except shapely.errors.GEOSException:  # a clipped piece can be invalid: repair it and measure again
        return shapely.intersection(disc, shapely.make_valid(near)).area


def _disc(lon: float, lat: float, km: float) -> Any:
    """A disc of ``km`` radius in lon/lat degrees (a longitude degree shrinks with the latitude)."""
    import shapely
    from shapely import affinity

    r = km / KM_PER_DEG
    return affinity.scale(shapely.Point(lon, lat).buffer(r, quad_segs=8), xfact=1 / math.cos(math.radians(lat)),
                          yfact=1.0, origin=(lon, lat))


class ControlReader:
    """The control layers of a ledger, indexed (an STR-tree per layer) to place many incidents at once."""

    def __init__(self, layers: list[Layer], *, staleness_days: int = STALENESS_DAYS) -> None:
        import shapely

        self.layers = layers
        self.staleness = staleness_days
        self._geoms = []  # per layer: one geometry per party and validity (its areas dissolved)
        self._area = []  # per layer: for each geometry, an area of its group (party and validity)
        self._rough = []
        self._trees = []
        for layer in layers:
            groups: dict[tuple[str, str | None, str | None], list[int]] = {}
            for ai, a in enumerate(layer.areas):
                groups.setdefault((a.party, a.valid_from, a.valid_to), []).append(ai)
            gs, rep = [], []
            for members in groups.values():
                parts = [shapely.make_valid(shapely.geometry.shape(layer.areas[ai].geometry)) for ai in members]
                gs.append(parts[0] if len(parts) == 1 else shapely.make_valid(shapely.union_all(parts)))
                rep.append(members[0])
            shapely.prepare(gs)
            self._geoms.append(gs)
            # for area shares: the same outlines simplified to ~1 km (a share of a 25 km disc barely moves)
            rough = [shapely.simplify(g, 0.01, preserve_topology=True) for g in gs]
            shapely.prepare(rough)
            self._rough.append(rough)
            self._area.append(rep)
            self._trees.append(shapely.STRtree(rough))

    def _speaks(self, li: int, ai: int, day: str) -> str | None:
        """The reference date with which area ``ai`` of layer ``li`` speaks for ``day``, or None."""
        layer, a = self.layers[li], self.layers[li].areas[ai]
        if layer.date is not None:
            d0 = date.fromisoformat(layer.date)
            return layer.date if d0 <= date.fromisoformat(day) <= d0 + timedelta(days=self.staleness) else None
        if a.valid_from and a.valid_from <= day and (a.valid_to is None or day <= a.valid_to):
            return a.valid_from
        return None

    def _consider(self, best: dict[int, Any], i: int, li: int, ai: int, places: list[Any]) -> None:
        """Keep area ``ai`` of layer ``li`` for point ``i`` when it speaks for its day, later than the best."""
        ref = self._speaks(li, ai, places[i][3])
        if ref is not None and (i not in best or ref > best[i][0]):
            best[i] = (ref, li, self.layers[li].areas[ai].party, None, None)

    def _any_speaks(self, day: str) -> bool:
        return any(self._speaks(li, ai, day) is not None for li, rep in enumerate(self._area) for ai in rep)

    def _fact(self, li: int, ref: str, party: str, share: float | None, shares: dict[str, float] | None,
              note: str | None) -> Control:
        layer = self.layers[li]
        return Control(party=party, actor=layer.parties.get(party), layer=layer.name, layer_id=layer.id, date=ref,
                       share=share, shares=shares, schematic=layer.schematic, licence=layer.licence,
                       source=layer.source, note=note)

    def place_many(self, places: list[tuple[float | None, float | None, int | None, str | None]]) -> list[Control]:
        """Control for each (lat, lon, precision, ISO day)."""
        import numpy as np
        import shapely

        out: list[Control | None] = [None] * len(places)
        points: list[int] = []
        discs: list[int] = []
        for i, (lat, lon, prec, day) in enumerate(places):
            if day is None:
                out[i] = Control("unknown", note="no date")
            elif lat is None or lon is None or prec is None:
                out[i] = Control("unknown", note="no point")
            elif prec >= 4:
                out[i] = Control("unknown", note="placed only to its governorate or country")
            elif prec <= 1:
                points.append(i)
            else:
                discs.append(i)
        best: dict[int, tuple[str, int, str, float | None, dict[str, float] | None]] = {}
        if points:
            xs = np.array([places[i][1] for i in points], dtype=float)
            ys = np.array([places[i][0] for i in points], dtype=float)
            for li, gs in enumerate(self._geoms):
                for gi, g in enumerate(gs):  # a few dissolved (prepared) outlines per layer: test all points
                    minx, miny, maxx, maxy = g.bounds
                    cand = np.nonzero((xs >= minx) & (xs <= maxx) & (ys >= miny) & (ys <= maxy))[0]
                    if not len(cand):
                        continue
                    hit = cand[shapely.intersects_xy(g, xs[cand], ys[cand])]  # a border point is in
                    for qi in hit.tolist():
                        self._consider(best, points[qi], li, self._area[li][gi], places)
        if discs:
            shapes = [_disc(places[i][1], places[i][0], AREA_RADIUS_KM[min(places[i][2], 3)])  # type: ignore[index]
                      for i in discs]
            partly: dict[int, float] = {}  # discs some layer covers, but less than half
            for li, tree in enumerate(self._trees):
                q, g = tree.query(shapes, predicate="intersects")
                acc: dict[int, tuple[str, dict[str, float]]] = {}  # disc -> (latest area date, party shares)
                for qi, gi in zip(q.tolist(), g.tolist(), strict=True):
                    i, ai = discs[qi], self._area[li][gi]
                    ref = self._speaks(li, ai, places[i][3])  # type: ignore[arg-type]
                    if ref is None:
                        continue
                    ar = _overlap(shapes[qi], self._rough[li][gi])
                    if ar > 0:
                        party = self.layers[li].areas[ai].party
                        last, shares = acc.get(i, (ref, {}))
                        shares[party] = shares.get(party, 0.0) + ar / shapes[qi].area
                        acc[i] = (max(last, ref), shares)
                for i, (ref, shares) in acc.items():
                    covered = min(sum(shares.values()), 1.0)
                    if covered < 0.5:  # the layer says little of this place: not its answer
                        partly[i] = max(partly.get(i, 0.0), covered)
                        continue
                    if i in best and ref <= best[i][0]:
                        continue
                    top = max(shares, key=lambda p: shares[p])
                    rounded = {p: round(min(v, 1.0), 3) for p, v in sorted(shares.items(), key=lambda x: -x[1])}
                    best[i] = (ref, li, top if shares[top] >= 0.5 else "mixed", round(min(shares[top], 1.0), 3),
                               rounded)
        else:
            partly = {}
        for i in points + discs:
            if i in best:
                ref, li, party, share, shares = best[i]
                how = None if share is None else (f"share of the area within {AREA_RADIUS_KM[min(places[i][2], 3)]:.0f}"  # type: ignore[index]
                                                  " km")
                out[i] = self._fact(li, ref, party, share, shares, how)
            elif i in partly:
                out[i] = Control("unknown", note=f"only {partly[i]:.0%} of the area within "
                                                 f"{AREA_RADIUS_KM[min(places[i][2], 3)]:.0f} km is in the areas "  # type: ignore[index]
                                                 "of the layers for this date")
            elif self._any_speaks(places[i][3]):  # type: ignore[arg-type]
                out[i] = Control("unknown", note="outside every area of the layers for this date")
            else:
                out[i] = Control("unknown", note=f"no layer for this date (none within {self.staleness} days "
                                                 "before it, no area valid on it)")
        return out  # type: ignore[return-value]

    def annotate(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Incident rows with their control fields added (in place; also returned)."""
        facts = self.place_many([(r.get("lat"), r.get("lon"), r.get("where_prec"), r.get("date_start"))
                                 for r in rows])
        for r, f in zip(rows, facts, strict=True):
            r.update(f.to_dict())
        return rows


def reader_for(lg: Any, *, staleness_days: int = STALENESS_DAYS) -> ControlReader | None:
    """A reader of the ledger's control layers, or None when it holds none."""
    layers = lg.control_layers()
    return ControlReader(layers, staleness_days=staleness_days) if layers else None


def annotate_with(reader: ControlReader | None, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Incident rows with control fields from ``reader``, or all null when there is no layer to read."""
    if reader is None:
        for r in rows:
            r.update(Control("").to_dict() | {"control": None})
        return rows
    return reader.annotate(rows)


def annotate(lg: Any, rows: list[dict[str, Any]], *, staleness_days: int = STALENESS_DAYS) -> list[dict[str, Any]]:
    """Incident rows with control fields: read against the ledger's layers, or all null without layers."""
    return annotate_with(reader_for(lg, staleness_days=staleness_days), rows)
