"""``harmledger report --out DIR``: a self-contained static HTML "ready reference" of the ledger.

One ``index.html`` with no external resource (opens from ``file://`` offline, prints cleanly): the
ledger's counts and its verification, a map drawn as SVG from the boundaries shipped with the package
(OCHA governorates, Natural Earth countries) with incidents sized by killed and coloured by
perpetrator, a chart of killed by month and perpetrator, every incident by date with its casualty
range, grade, sources and the quoted evidence of each claim (the evidence words highlighted), and the
aggregate tallies. All text from documents is HTML-escaped.
"""

from __future__ import annotations

import html
import json
import math
from collections import defaultdict
from datetime import UTC, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import select

from ..react import summarize
from ..store import Ledger
from ..store.schema import claims, documents
from .export import tally, tally_svg

COLOURS = {"russia": "#d62728", "syrian_government": "#8c564b", "us_coalition": "#1f77b4", "turkey": "#9467bd",
           "islamic_state": "#111111", "opposition": "#2ca02c", "sdf": "#e7ba52", "israel": "#17becf",
           "iraq_government": "#7f7f7f", "hezbollah": "#bcbd22", "iran": "#ff7f0e", "": "#999999"}
# the map frame: Syria and its neighbours; the width keeps the true aspect at this latitude
LON0, LON1, LAT0, LAT1 = 35.0, 42.6, 32.1, 37.5
H = 540
W = round(H * (LON1 - LON0) * math.cos(math.radians((LAT0 + LAT1) / 2)) / (LAT1 - LAT0))


MAX_RADIUS = 18.0  # SVG units of the largest incident circle


def _xy(lon: float, lat: float) -> tuple[float, float]:
    """Equirectangular projection into the SVG frame (enough for a country-sized map)."""
    return (lon - LON0) / (LON1 - LON0) * W, (LAT1 - lat) / (LAT1 - LAT0) * H


def _path(geom: dict[str, Any]) -> str:
    polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
    parts = []
    for poly in polys:
        for ring in poly:
            step = max(1, len(ring) // 50)
            if not any(LON0 - 3 < x < LON1 + 3 and LAT0 - 3 < y < LAT1 + 3 for x, y in ring[::step]):
                continue
            pts = [_xy(x, y) for x, y in ring]
            parts.append("M" + " L".join(f"{a:.1f},{b:.1f}" for a, b in pts) + " Z")
    return " ".join(parts)


def _geo(name: str) -> dict[str, Any]:
    with resources.files("harmledger.present.data").joinpath(name).open(encoding="utf-8") as f:
        return json.load(f)


@lru_cache(maxsize=1)
def _basemap() -> str:
    """The map's countries and governorates, projected once per process."""
    out = [f'<rect width="{W}" height="{H}" fill="#eef3f7"/>']
    for f in _geo("world_admin0_ne110m.geojson")["features"]:
        d = _path(f["geometry"])
        if d:
            out.append(f'<path d="{d}" fill="#f7f7f2" stroke="#b9b9b0" stroke-width="0.8"/>')
    for f in _geo("syria_admin1.geojson")["features"]:
        d = _path(f["geometry"])
        name = html.escape(f["properties"].get("name_en", ""))
        out.append(f'<path d="{d}" fill="#fffdf5" stroke="#8a8a80" stroke-width="0.7"><title>{name}</title></path>')
    return "".join(out)


def svg_map(incs: list[dict[str, Any]], link_prefix: str = "#") -> str:
    """Incidents as circles over the basemap, each linking to ``link_prefix`` + its id."""
    out = [f'<svg class="map" viewBox="0 0 {W} {H}" role="img" aria-label="Map of incidents">', _basemap()]
    placed = [r for r in incs  # a place known only to its governorate or country is not a point
              if r["lat"] is not None and r["lon"] is not None and r["where_prec"] and r["where_prec"] < 4]
    for r in sorted(placed, key=lambda r: -(r["killed_max"] or 0)):
        x, y = _xy(r["lon"], r["lat"])
        if not (0 <= x <= W and 0 <= y <= H):
            continue
        k = r["killed_max"] or 0
        rad = min(MAX_RADIUS, 2.5 + 1.6 * math.sqrt(k))  # capped: one large figure must not cover the country
        col = COLOURS.get((r["perpetrators"] or "").split(",")[0], "#999999")
        label = html.escape(f"{r['date_start'] or '?'} {r['place_name'] or ''}: killed "
                            f"{count_range(r, 'killed')} "
                            f"({r['perpetrators'] or 'unattributed'}; {r['grade']})")
        out.append(f'<a href="{html.escape(link_prefix + r["id"])}"><circle cx="{x:.1f}" cy="{y:.1f}" '
                   f'r="{rad:.1f}" fill="{col}" fill-opacity="0.55" stroke="{col}"><title>{label}</title></circle></a>')
    out.append("</svg>")
    return "".join(out)


@lru_cache(maxsize=1)
def governorate_codes(pack: str = "syria") -> dict[str, str]:
    """The pack's governorates: the gazetteer's name (the ledger's ``admin1``) -> its OCHA P-code, the key of
    the basemap's governorate outlines."""
    from ..geo import load

    g = load((pack,))
    return {e.admin1: e.id for e in g.entries if e.type == "governorate" and e.admin1 and e.country in g.home}


def inset_map(d: dict[str, Any]) -> str:
    """An incident's place on a small map of the country: a point ringed for a place known to ~25 km or
    better, its district's place ringed wider, or its governorate shaded when that is all that is known
    (never a point the reports do not give)."""
    prec = d.get("where_prec")
    parts = [f'<svg class="inset" viewBox="0 0 {W} {H}" role="img" aria-label="Where: '
             f'{html.escape(d.get("place_name") or "place unknown")}">', _basemap()]
    code = governorate_codes().get(d.get("admin1") or "")
    if prec is not None and prec >= 4 and code:
        for f in _geo("syria_admin1.geojson")["features"]:
            if f["properties"].get("pcode") == code:
                parts.append(f'<path d="{_path(f["geometry"])}" fill="#d62728" fill-opacity="0.25" stroke="#d62728" '
                             f'stroke-width="2"/>')
    elif d.get("lat") is not None and d.get("lon") is not None and prec is not None and prec < 4:
        x, y = _xy(d["lon"], d["lat"])
        ring = {1: 9, 2: 16, 3: 28}.get(prec, 16)  # how far the place may be from the point, roughly
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{ring}" fill="none" stroke="#d62728" stroke-width="2.5"/>'
                     f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#d62728"/>')
    parts.append("</svg>")
    return "".join(parts)


PARTY_COLOURS = ["#c7b7a3", "#b9d7a8", "#a9a9a9", "#f2d479", "#c6b3de", "#f4a582", "#92c5de", "#d9d9d9"]


def party_colours(layer: Any) -> dict[str, str]:
    """A colour for each party of a control layer (the same on the report and the web map)."""
    parties = sorted({a.party for a in layer.areas})
    return {p: PARTY_COLOURS[i % len(PARTY_COLOURS)] for i, p in enumerate(parties)}


def control_map(layer: Any, incs: list[dict[str, Any]], link_prefix: str = "#") -> str:
    """A control layer's areas coloured by party, with the incidents it speaks for as dots on top."""
    cols = party_colours(layer)
    out = [f'<svg class="map" viewBox="0 0 {W} {H}" role="img" aria-label="Map of control: {html.escape(layer.name)}">',
           _basemap()]
    for a in layer.areas:
        d = _path(a.geometry)
        if d:
            out.append(f'<path d="{d}" fill="{cols[a.party]}" fill-opacity="0.75" stroke="#777" stroke-width="0.4" '
                       f'fill-rule="evenodd"><title>{html.escape(a.party)}</title></path>')
    for r in incs:
        if r["lat"] is None or r["lon"] is None:
            continue
        x, y = _xy(r["lon"], r["lat"])
        if 0 <= x <= W and 0 <= y <= H:
            col = COLOURS.get((r["perpetrators"] or "").split(",")[0], "#999999")
            out.append(f'<a href="{html.escape(link_prefix + r["id"])}"><circle cx="{x:.1f}" cy="{y:.1f}" r="2.2" '
                       f'fill="{col}" stroke="#fff" stroke-width="0.4"><title>{html.escape(str(r["control"]))}'
                       '</title></circle></a>')
    out.append("</svg>")
    return "".join(out)


def control_panel(lg: Ledger, incs: list[dict[str, Any]], staleness_days: int) -> str:
    """"Look at the two maps": per control layer, the strikes of the period it speaks for beside the layer,
    and the table of strikes by perpetrator and controlling party. Every layer's source and licence are
    printed with it; a schematic layer is labelled so."""
    from ..control import reader_for

    reader = reader_for(lg, staleness_days=staleness_days)
    if reader is None:
        return ""
    e = html.escape
    parts = ["<h2>Who held the ground: the two maps</h2><p class='meta'>Each incident is read against the control "
             f"layers: a dated snapshot speaks for {staleness_days} days after its date, an area with its own dates "
             "for those dates; a place known only to its governorate or country is <i>unknown</i>, never guessed. "
             "Counts are incidents.</p>"]
    for layer in reader.layers:
        sub = [r for r in incs if r.get("control_layer_id") == layer.id]
        period = (f"{layer.date} to {staleness_days} days after" if layer.date else
                  "the dates of its areas")
        label = " — <b>SCHEMATIC: not front lines</b>" if layer.schematic else ""
        parts.append(f"<h3>{e(layer.name)} ({e(period)}){label}</h3>"
                     f"<p class='meta'>Source: {e(layer.source or 'not stated')}; licence: "
                     f"{e(layer.licence or 'not stated')}. {len(sub)} incidents placed on it.</p>")
        if not sub:
            continue
        parts.append("<div class='twomaps'><div><p>Strikes by perpetrator</p>" + svg_map(sub) + "</div><div>"
                     "<p>Control, with the same strikes</p>" + control_map(layer, sub) + "</div></div>")
        cols = party_colours(layer)
        parts.append("<p class='legend'>" + "".join(
            f"<span><i class='dot' style='background:{c}'></i>{e(p)}</span>" for p, c in cols.items()) + "</p>")
        rows = tally(lg, ["perpetrator", "control"], sub)
        parties = sorted({r["control"] for r in rows})
        table = {(r["perpetrator"], r["control"]): r for r in rows}
        head = "".join(f"<th>{e(p)}</th>" for p in parties)
        body = ""
        for perp in sorted({r["perpetrator"] for r in rows}):
            cells = "".join(f"<td>{table[(perp, p)]['incidents']} ({table[(perp, p)]['share']:.0%})</td>"
                            if (perp, p) in table else "<td>—</td>" for p in parties)
            body += f"<tr><td>{e(perp)}</td>{cells}</tr>"
        parts.append(f"<table><tr><th>perpetrator ↓ · ground held by →</th>{head}</tr>{body}</table>")
    return "".join(parts)


def casualty_range(a: int | None, b: int | None, dash: str = "–", none: str = "—", plus: bool = False,
                   vague: bool = False) -> str:
    """A lowest–highest reported figure ("12", "12–15", "30+", "250,000+", "~24" for "dozens"; ``none`` when
    nothing was reported)."""
    if a is None:
        return none
    out = f"{a:,}" if a == b or b is None else f"{a:,}{dash}{b:,}"
    return ("~" if vague else "") + out + ("+" if plus else "")


def count_range(r: Any, part: str = "killed", dash: str = "–", none: str = "—") -> str:
    """:func:`casualty_range` of an incident row's ``killed`` (or ``injured``) columns, with their flags."""
    get = r.get if hasattr(r, "get") else (lambda k, d=None: getattr(r, k, d))
    return casualty_range(get(f"{part}_min"), get(f"{part}_max"), dash, none, bool(get(f"{part}_plus")),
                          bool(get(f"{part}_vague")))


def evidence_spans(claim: dict[str, Any]) -> list[tuple[int, int]]:
    """The document-text spans of a claim's evidence: counts, actors, means, targets, place, date."""
    marks: list[tuple[int, int]] = []
    for k in ("killed", "injured", "casualties", "displaced", "children_killed", "women_killed", "place", "date"):
        if claim.get(k) and claim[k].get("span"):
            marks.append((claim[k]["span"][0], claim[k]["span"][1]))
    for k in ("perpetrators", "means", "targets"):
        marks += [(m["span"][0], m["span"][1]) for m in claim.get(k, []) if m.get("span")]
    return sorted(set(marks))


def mark_text(text: str, spans: list[tuple[int, int]], anchors: dict[int, str] | None = None,
              offset: int = 0) -> str:
    """``text`` escaped, with each span (in coordinates shifted by ``offset``) in ``<mark>`` and an empty
    element with the given id at each anchor position (moved to the start of a mark it falls inside).
    Overlapping spans: the first one wins."""
    marks: list[tuple[int, int]] = []
    for a, b in sorted({(a - offset, b - offset) for a, b in spans if 0 <= a - offset < b - offset <= len(text)}):
        if not marks or a >= marks[-1][1]:
            marks.append((a, b))
    at: dict[int, str] = {}
    for pos, ident in sorted((anchors or {}).items()):
        p = pos - offset
        if 0 <= p <= len(text):
            p = next((a for a, b in marks if a < p < b), p)
            at[p] = at.get(p, "") + f"<span id='{html.escape(ident)}' class='anchor'></span>"
    out: list[str] = []
    pos = 0

    def plain(end: int) -> None:  # text[pos:end] with the anchors that fall in it
        nonlocal pos
        for p in sorted(k for k in at if pos <= k < end):
            out.extend((html.escape(text[pos:p]), at[p]))
            pos = p
        out.append(html.escape(text[pos:end]))
        pos = end

    for a, b in marks:
        plain(a)
        out.extend((at.get(a, ""), f"<mark>{html.escape(text[a:b])}</mark>"))
        pos = b
    plain(len(text))
    out.append(at.get(len(text), ""))
    return "".join(out)


def highlight(quote: str, claim: dict[str, Any]) -> str:
    """The claim's words with its evidence (counts, actors, means, targets, place, date) marked, in a block whose
    direction follows its text (Arabic reads right to left)."""
    marked = mark_text(quote, evidence_spans(claim), offset=(claim.get("quote_span") or [0])[0])
    return f"<div dir='auto'>{marked}</div>"


def _reaction_row(r: dict[str, Any]) -> str:
    e = html.escape
    flags = (" · incitement" if r["incitement"] else "") + (" · abuse" if r["abuse"] else "")
    words = mark_text(r["text"], [(a, b) for a, b in r.get("evidence_spans") or []], offset=r["span"][0])
    return (f"<tr class='reaction {e(r['stance'])}'><td>{e(r['stance'])}{flags}</td><td dir='auto'>{words}</td>"
            f"<td class='meta'>{e(r.get('author') or '')} {e(r.get('time') or '')}</td><td>{e(r['language'])}</td>"
            f"<td>{r['toxicity']:.2f}</td></tr>")


def reactions_html(summary: dict[str, Any], reactions: list[dict[str, Any]], heading: str = "h2") -> str:
    """The reactions section of an incident or document page: stance counts, "contested by N", frequent
    denial phrases, the incitement list and every comment with its evidence marked (all text escaped)."""
    if not summary.get("comments"):
        return ""
    e = html.escape
    counts = " · ".join(f"{k} {v}" for k, v in summary["stance"].items())
    langs = ", ".join(f"{e(str(k))} {v}" for k, v in summary["language"].items())
    phrases = ", ".join(f"“{e(p)}” ×{n}" for p, n in summary["denial_phrases"])
    inc = "".join(f"<li>{e(i['text'][:300])} <span class='meta'>({e(i['author'] or 'anonymous')}; "
                  f"{e(', '.join(i['evidence']))})</span></li>" for i in summary["incitement"])
    rows = "".join(_reaction_row(r) for r in reactions)
    return (f"<{heading}>Reactions</{heading}><p class='contested'><b>contested by {summary['contested_by']} "
            f"reaction{'s' if summary['contested_by'] != 1 else ''}</b> <span class='meta'>(comments that deny it; "
            f"casualty figures never change because of reactions)</span></p>"
            f"<p class='meta'>{summary['comments']} comments: {counts} · languages {langs} · abuse {summary['abuse']}"
            f"</p>" + (f"<p>Frequent denial phrases: {phrases}</p>" if phrases else "")
            + (f"<h3>Incitement</h3><ul>{inc}</ul>" if inc else "")
            + f"<details><summary>All comments</summary><table><tr><th>stance</th><th>comment</th><th>author</th>"
              f"<th>lang</th><th>toxicity</th></tr>{rows}</table></details>")


CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:1em;color:#222}
h1{font-size:1.6em;margin:.2em 0}h2{margin-top:1.6em;border-bottom:1px solid #ccc}
.map{width:100%;max-width:760px;border:1px solid #ccc}.chart{max-width:100%}
.twomaps{display:flex;gap:12px;flex-wrap:wrap}.twomaps>div{flex:1 1 360px}.twomaps p{margin:2px 0;font-weight:bold}
table{border-collapse:collapse;width:100%;font-size:13px}td,th{border-bottom:1px solid #e3e3e3;padding:3px 6px;
vertical-align:top;text-align:left}th{background:#f4f4f4}mark{background:#ffe38a}
.inc{border:1px solid #ddd;border-radius:4px;padding:.5em .8em;margin:.6em 0;page-break-inside:avoid}
.meta{color:#555;font-size:12px}.grade{font-weight:600}.legend span{display:inline-block;margin-right:1em}
.dot{display:inline-block;width:10px;height:10px;border-radius:5px;margin-right:4px;vertical-align:middle}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 1em;margin:.6em 0}.facts dt{color:#555}
.facts dd{margin:0}.inset{float:right;width:300px;max-width:45%;margin:0 0 .8em 1em;border:1px solid #ccc}
a:focus-visible,button:focus-visible,select:focus-visible,input:focus-visible,[tabindex]:focus-visible{
outline:3px solid #1f5fbf;outline-offset:2px}
.skip{position:absolute;left:-9999px}.skip:focus{left:1em;top:.5em;background:#fff;padding:.3em .6em;z-index:2000}
kbd{border:1px solid #bbb;border-radius:3px;padding:0 .3em;font-size:12px;background:#f7f7f7}
@media print{.map{max-width:100%}a{color:inherit;text-decoration:none}nav,.filters,.skip,.noprint,
.leaflet-control-container{display:none!important}body{max-width:none;font-size:11pt}tr,.inc{break-inside:avoid}
.inset{width:220px}.lmap{height:420px;break-inside:avoid}}
"""


def write_report(lg: Ledger, out_dir: str | Path, title: str = "harmledger — ready reference", *,
                 staleness_days: int = 180) -> Path:
    """``index.html`` in ``out_dir`` (made if missing), or the page on standard output for ``-``."""
    from ..control import annotate
    from .export import output

    out = Path(out_dir)
    if str(out_dir) != "-":
        out.mkdir(parents=True, exist_ok=True)
    stats = lg.stats()
    ver = lg.verify()
    incs = annotate(lg, [dict(r) for r in lg.incidents(order="date")], staleness_days=staleness_days)
    reacts = lg.reactions_by_incident()
    by_inc: dict[str, list[Any]] = defaultdict(list)  # claims of each incident, with their documents
    for r in lg.incident_claim_rows():
        by_inc[r.incident_id].append(r)
    with lg.engine.connect() as conn:
        tallies = list(conn.execute(select(claims.c.json, documents.c.publisher, documents.c.source,
                                           documents.c.published).select_from(
            claims.join(documents, documents.c.doc == claims.c.doc)).where(claims.c.kind == "aggregate",
                                                                          claims.c.from_comment.is_(False))
            .order_by(documents.c.published, claims.c.id)))
    chart = ""
    rows = tally(lg, ["month", "perpetrator"], incs)
    if rows:
        chart = tally_svg(rows, ["month", "perpetrator"])
    e = html.escape
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{e(title)}</title>"
             f"<meta name='viewport' content='width=device-width, initial-scale=1'><style>{CSS}</style></head><body>",
             f"<h1>{e(title)}</h1>",
             f"<p class='meta'>Generated {datetime.now(UTC):%Y-%m-%d %H:%M} UTC from the ledger: "
             f"{stats['documents']} documents, {stats['claims']} claims, {stats['incidents']} incidents, "
             f"{stats['tallies']} tallies. Verification: <b>{'intact' if ver.ok else 'PROBLEMS FOUND'}</b> "
             f"(audit head: event {ver.head[0]}, {e(ver.head[1][:16])}…). Killed and injured are the lowest and "
             f"highest figures the reports give; nothing is estimated.</p>",
             "<h2>Map</h2>", svg_map(incs),
             "<p class='legend'>" + "".join(
                 f"<span><i class='dot' style='background:{c}'></i>{e(k or 'unattributed')}</span>"
                 for k, c in COLOURS.items()) + "</p>",
             "<p class='meta'>Basemap: UN OCHA Syria COD-AB governorates (CC BY-IGO 3.0); Natural Earth countries "
             "(public domain). Circle area ∝ highest reported killed.</p>"]
    if chart:
        parts += ["<h2>Killed by month and perpetrator</h2>", f"<div class='chart'>{chart}</div>"]
    parts.append(control_panel(lg, incs, staleness_days))
    parts.append(f"<h2>Incidents ({len(incs)})</h2>")
    for r in incs:
        cl = by_inc.get(r["id"], [])
        parts.append(f"<div class='inc' id='{e(r['id'])}'><b>{e(r['date_start'] or 'date unknown')}"
                     f"{' – ' + e(r['date_end']) if r['date_end'] and r['date_end'] != r['date_start'] else ''}</b> · "
                     f"{e(r['place_name'] or 'place unknown')}{' (' + e(r['admin1']) + ')' if r['admin1'] else ''}"
                     f"{' · precision ' + str(r['where_prec']) if r['where_prec'] else ''} · killed "
                     f"<b>{count_range(r, 'killed')}</b>, injured "
                     f"{count_range(r, 'injured')}"
                     f" · <span class='grade'>{e(r['grade'])}</span> ({r['n_sources']} source(s))"
                     f"<div class='meta'>perpetrators: {e(r['perpetrators'] or 'not stated')} · means: "
                     f"{e(r['means'] or 'not stated')} · targets: {e(r['targets'] or '—')} · id {e(r['id'])}"
                     + (f" · ground held by: {e(r['control'])}"
                        + (f" ({e(r['control_layer'] or '')}, {e(r['control_date'] or '')}"
                           f"{', schematic' if r['control_schematic'] else ''})" if r['control_layer'] else "")
                        if r.get("control") else "") + "</div>")
        if r.get("notes"):
            parts.append(f"<div class='meta'>analyst note: {e(r['notes'])}</div>")
        parts.append("<table><tr><th>report</th><th>source</th></tr>")
        for c in cl:
            cj = json.loads(c.json)
            src = e(c.publisher or c.source or "")
            if c.url and str(c.url).startswith(("http://", "https://")):
                src = f"<a href='{e(c.url)}'>{src}</a>"
            parts.append(f"<tr><td>{highlight(cj.get('quote') or cj['text'], cj)}</td><td class='meta'>{src}<br>"
                         f"published {e(c.published or '?')}<br>sha256 {e(c.doc[:16])}…</td></tr>")
        parts.append("</table>")
        if r["id"] in reacts:
            parts.append(reactions_html(summarize(reacts[r["id"]]), reacts[r["id"]], heading="h3"))
        parts.append("</div>")
    parts.append(f"<h2>Tallies ({len(tallies)})</h2><table><tr><th>report</th><th>killed</th><th>period</th>"
                 "<th>source</th></tr>")
    for t in tallies:
        cj = json.loads(t.json)
        k = cj.get("killed") or {}
        d = cj.get("date") or {}
        parts.append(f"<tr><td>{highlight(cj.get('quote') or cj['text'], cj)}</td><td>{e(str(k.get('min', '—')))}"
                     f"{'+' if k.get('plus') else ''}</td><td>{e(d.get('start') or '')} {e(d.get('end') or '')}</td>"
                     f"<td class='meta'>{e(t.publisher or t.source or '')} {e(t.published or '')}</td></tr>")
    parts.append("</table><p class='meta'>Made with harmledger. Evidence is quoted from the stored originals; "
                 "every original is kept byte-exact and verifiable in the ledger.</p></body></html>")
    path = out if str(out_dir) == "-" else out / "index.html"
    with output(path) as f:
        f.write("".join(parts))
    return path
