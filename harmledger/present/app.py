"""``harmledger serve``: a read-only JSON API (FastAPI, OpenAPI at ``/openapi.json``) and server-rendered
pages over a ledger.

API: ``GET /api/stats``, ``/api/incidents`` (filters and paging), ``/api/incidents/{id}`` (with every
claim and its evidence), ``/api/tallies?by=…``, ``/api/documents/{doc}``. Parameters are validated
(bad ids and filters give 4xx, never 500). Pages: ``/`` (map and list), ``/incidents/{id}``,
``/documents/{doc}``; every scraped text is HTML-escaped. Nothing can be changed through this server.
"""

from __future__ import annotations

import hmac
import html
import json
import re
from dataclasses import asdict, dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path as FsPath
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Header, HTTPException, Path, Query
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from sqlalchemy import func, select

from ..control import annotate_with, reader_for
from ..react import summarize
from ..resolve import GRADES
from ..store import Ledger
from ..store.schema import claims, documents, events, incidents
from .export import tally, tally_svg
from .report import (
    COLOURS,
    CSS,
    count_range,
    evidence_spans,
    governorate_codes,
    highlight,
    inset_map,
    mark_text,
    party_colours,
    reactions_html,
    svg_map,
)

INCIDENT_ID = r"^I[0-9a-f]{12}$"
DOC_ID = r"^[0-9a-f]{64}$"
DATE = r"^\d{4}-\d{2}-\d{2}$"
Grade = Literal[GRADES]  # type: ignore[valid-type]


class Edit(BaseModel):
    """An analyst edit sent to the editing endpoints."""

    actor: str = Field(min_length=1, max_length=100)
    other: str | None = Field(default=None, pattern=INCIDENT_ID)
    claim_ids: list[int] | None = Field(default=None, max_length=1000)
    grade: Grade | None = None
    note: str | None = Field(default=None, max_length=5000)


STATIC = FsPath(__file__).resolve().parent / "static"
VENDOR_FILES = ("vendor/leaflet/leaflet.js", "vendor/leaflet/leaflet.css",
                "vendor/markercluster/leaflet.markercluster.js")
MAP_LIMIT = 50_000
ID_LIST = r"^[a-z_]+$"


@dataclass(slots=True)
class Filters:
    """The incident filters shared by ``/api/incidents`` and ``/api/map`` (and the overview's form)."""

    admin1: str | None
    perpetrator: str | None
    grade: str | None
    since: str | None
    until: str | None
    q: str | None
    means: str | None
    target: str | None


def filters(
    admin1: Annotated[str | None, Query(max_length=64)] = None,
    perpetrator: Annotated[str | None, Query(max_length=64, pattern=ID_LIST)] = None,
    grade: Grade | None = None,
    since: Annotated[str | None, Query(pattern=DATE)] = None,
    until: Annotated[str | None, Query(pattern=DATE)] = None,
    q: Annotated[str | None, Query(max_length=200, description="Words in a claim's text")] = None,
    means: Annotated[str | None, Query(max_length=64, pattern=ID_LIST)] = None,
    target: Annotated[str | None, Query(max_length=64, pattern=ID_LIST)] = None,
) -> Filters:
    from ..ingest import strict_date

    for name, v in (("since", since), ("until", until)):
        if v and strict_date(v) is None:
            raise HTTPException(422, f"{name}: {v!r} is not a calendar date (YYYY-MM-DD)")
    return Filters(admin1, perpetrator, grade, since, until, q, means, target)


def interactive_assets() -> bool:
    """Whether the front-end libraries were built into the package (``setup.py`` runs npm)."""
    return all((STATIC / f).exists() for f in VENDOR_FILES)


def create_app(db: str | None = None, ledger: Ledger | None = None, *, allow_edits: bool = False,
               token: str | None = None, tiles: str | None = None, tiles_attribution: str | None = None,
               map_limit: int = MAP_LIMIT) -> FastAPI:
    """The app. Editing endpoints exist only with ``allow_edits`` and a ``token`` (sent as
    ``Authorization: Bearer <token>``); every edit is an audit event, as on the command line. ``map_limit``:
    the most incidents ``/api/map`` sends at once (the overview filters in the page below it, and asks the
    server above it)."""
    if allow_edits and not token:
        raise ValueError("editing needs a token")
    lg = ledger or Ledger(db, create=False)
    # no Swagger UI: it loads its scripts from a CDN, and the server must work offline (see /docs below)
    app = FastAPI(title="harmledger", version="0.1.0", docs_url=None, redoc_url=None,
                  description="A ledger of civilian-harm claims, incidents and their evidence "
                              f"({'editable with a token' if allow_edits else 'read-only'}).")

    layers_cache: dict[str, Any] = {"ids": None, "reader": None}

    def with_control(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Rows with who held the ground (the ledger's control layers, re-read when a layer is imported)."""
        ids = tuple(r.layer for r in lg.control_layer_rows())
        if ids != layers_cache["ids"]:
            layers_cache["ids"], layers_cache["reader"] = ids, reader_for(lg)
        return annotate_with(layers_cache["reader"], rows)

    basis_cache: dict[str, Any] = {"head": None, "basis": {}}

    def date_basis() -> dict[str, str]:
        """:meth:`Ledger.date_basis`, computed again only when an event was appended since."""
        with lg.engine.connect() as conn:
            head = conn.execute(select(func.max(events.c.seq))).scalar()
        if head != basis_cache["head"]:
            basis_cache["head"], basis_cache["basis"] = head, lg.date_basis()
        return basis_cache["basis"]

    def with_contested(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        contested = lg.contested_counts([r["id"] for r in rows])
        for r in rows:
            r["contested_by"] = contested.get(r["id"], 0)
        return rows

    def incident_rows(f: Filters, limit: int, offset: int = 0, cols: list[Any] | None = None
                      ) -> tuple[int, list[dict[str, Any]]]:
        """The number of incidents matching ``f``, and a page of them by date (``cols``: only these columns),
        each with its ``contested_by`` count."""
        cond = lg.incident_filter(**asdict(f))
        with lg.engine.connect() as conn:
            total = conn.execute(select(func.count()).select_from(incidents).where(*cond)).scalar() or 0
            rows = conn.execute(select(*(cols or [incidents])).where(*cond).order_by(
                incidents.c.date_start, incidents.c.id).limit(limit).offset(offset))
            out = with_contested([dict(r._mapping) for r in rows])
        if cols is None or all(k in {c.name for c in cols} for k in ("lat", "lon", "where_prec", "date_start")):
            with_control(out)
        return int(total), out

    def incident_detail(incident_id: str) -> dict[str, Any]:
        with lg.engine.connect() as conn:
            row = conn.execute(select(incidents).where(incidents.c.id == incident_id)).first()
        if row is None:
            raise HTTPException(404, f"no incident {incident_id}")
        items = [{"claim_id": c.id, "claim": json.loads(c.json), "document": {
            "doc": c.doc, "publisher": c.publisher, "source": c.source, "url": c.url, "published": c.published,
            "captured_at": c.captured_at, "ingested_at": c.ingested_at}} for c in lg.incident_claim_rows(incident_id)]
        reacts = lg.incident_reactions(incident_id)
        (base,) = with_control([dict(row._mapping)])
        readers = [{"claim_id": r.id, "claim": json.loads(r.json), "document": {
            "doc": r.doc, "publisher": r.publisher, "source": r.source}} for r in lg.reader_claims(incident_id)]
        return {**base, "claims": items, "contested_by": reacts["summary"]["contested_by"],
                "reactions": reacts, "reader_claims": readers}

    def tally_by(by: str) -> tuple[list[str], list[dict[str, Any]]]:
        keys = [k for k in by.split(",") if k]
        try:
            return keys, tally(lg, keys, with_control([dict(r) for r in lg.incidents(order="date")])
                               if "control" in keys else None)
        except ValueError as e:
            raise HTTPException(422, str(e)) from None

    @app.get("/api/stats")
    def api_stats() -> dict[str, int]:
        return lg.stats()

    @app.get("/api/incidents")
    def api_incidents(f: Annotated[Filters, Depends(filters)],
                      limit: Annotated[int, Query(ge=1, le=500)] = 100,
                      offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0) -> dict[str, Any]:
        total, rows = incident_rows(f, limit, offset)
        return {"total": total, "limit": limit, "offset": offset, "items": rows}

    @app.get("/api/map", response_class=Response,
             responses={200: {"content": {"application/json": {}}, "description": "total, truncated, items"}})
    def api_map(f: Annotated[Filters, Depends(filters)]) -> Response:
        """Every matching incident (up to 50,000 by default, by date) in compact form, for the map, timeline and list:
        ``{"total", "truncated", "items"}``."""
        total, rows = incident_rows(f, map_limit, cols=[incidents.c[k] for k in (
            "id", "date_start", "date_end", "place_name", "admin1", "lat", "lon", "where_prec", "killed_min",
            "killed_max", "killed_plus", "killed_vague", "injured_min", "injured_max", "injured_plus",
            "injured_vague", "perpetrators", "means", "targets", "grade", "n_sources")])
        basis = date_basis()
        for r in rows:  # where each date comes from: the reports' text, or their publication date
            r["date_basis"] = basis.get(r["id"])
        # plain JSON types already: written directly (FastAPI's generic encoder takes ~1 s on 20,000 rows)
        body = json.dumps({"total": total, "truncated": total > len(rows), "items": rows}, ensure_ascii=False,
                          separators=(",", ":"), default=_plain)
        return Response(body.encode("utf-8"), media_type="application/json")

    @app.get("/api/incidents/{incident_id}")
    def api_incident(incident_id: Annotated[str, Path(pattern=INCIDENT_ID)]) -> dict[str, Any]:
        return incident_detail(incident_id)

    @app.get("/api/control")
    def api_control() -> list[dict[str, Any]]:
        """The control layers of the ledger: name, date, schematic, source, licence, parties and their colours."""
        with_control([])  # refreshes the cached layers
        reader = layers_cache["reader"]
        out = []
        for layer in (reader.layers if reader else []):
            cols = party_colours(layer)
            out.append({"id": layer.id, "name": layer.name, "date": layer.date, "schematic": layer.schematic,
                        "source": layer.source, "licence": layer.licence,
                        "parties": [{"party": p, "actor": layer.parties.get(p), "colour": c} for p, c in cols.items()]})
        return out

    @app.get("/api/control/{layer_id}")
    def api_control_layer(layer_id: Annotated[str, Path(pattern=DOC_ID)]) -> dict[str, Any]:
        """One control layer's areas as GeoJSON (party, validity and colour in each feature's properties)."""
        with_control([])
        reader = layers_cache["reader"]
        layer = next((x for x in (reader.layers if reader else []) if x.id == layer_id), None)
        if layer is None:
            raise HTTPException(404, f"no control layer {layer_id}")
        cols = party_colours(layer)
        return {"type": "FeatureCollection", "name": layer.name, "features": [
            {"type": "Feature", "geometry": a.geometry,
             "properties": {"party": a.party, "valid_from": a.valid_from or layer.date, "valid_to": a.valid_to,
                            "colour": cols[a.party]}} for a in layer.areas]}

    @app.get("/api/tallies")
    def api_tallies(by: Annotated[str, Query(pattern=r"^[a-z0-9_,]{1,80}$")] = "month") -> list[dict[str, Any]]:
        return tally_by(by)[1]

    def document(doc: str, with_claims: bool = False) -> dict[str, Any]:
        """A stored document (not its raw bytes), its claim ids (``with_claims``: and each claim's JSON),
        and its reactions."""
        with lg.engine.connect() as conn:
            row = conn.execute(select(*[c for c in documents.c if c.name != "raw"]).where(documents.c.doc == doc)
                               ).first()
            if row is None:
                raise HTTPException(404, f"no document {doc}")
            cl = conn.execute(select(claims.c.id, *([claims.c.json] if with_claims else [])).where(
                claims.c.doc == doc).order_by(claims.c.id)).all()
        out = {**dict(row._mapping), "claim_ids": [r.id for r in cl], "reactions": lg.reactions(doc)}
        if with_claims:
            out["claims"] = [(r.id, json.loads(r.json)) for r in cl]
        return out

    @app.get("/api/documents/{doc}")
    def api_document(doc: Annotated[str, Path(pattern=DOC_ID)]) -> dict[str, Any]:
        return document(doc)

    if allow_edits:
        def check(authorization: str | None) -> None:
            scheme, _, given = (authorization or "").strip().partition(" ")
            if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), (token or "").encode()):
                raise HTTPException(401, "a valid bearer token is needed to edit")

        @app.post("/api/incidents/{incident_id}/{kind}")
        def api_edit(incident_id: Annotated[str, Path(pattern=INCIDENT_ID)],
                     kind: Literal["merge", "split", "set-grade", "note"], edit: Edit,
                     authorization: Annotated[str | None, Header()] = None) -> dict[str, Any]:
            check(authorization)
            try:
                seq = lg.edit(kind, incident_id, other=edit.other, claim_ids=edit.claim_ids, grade=edit.grade,
                              note=edit.note, actor=edit.actor)
            except (KeyError, ValueError) as e:
                raise HTTPException(422, str(e).strip("'\"")) from None
            return {"event": seq}

        @app.post("/api/events/{seq}/undo")
        def api_undo(seq: Annotated[int, Path(ge=1, le=2**31 - 1)],
                     actor: Annotated[str, Query(min_length=1, max_length=100)],
                     authorization: Annotated[str | None, Header()] = None) -> dict[str, Any]:
            check(authorization)
            try:
                return {"event": lg.undo(seq, actor=actor)}
            except KeyError as e:
                raise HTTPException(404, str(e).strip("'\"")) from None

    # ------------------------------------------------------------------ pages
    csp = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:"
           + (f" {tile_origin(tiles)}" if tiles else "")
           + "; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")

    def page(title: str, body: str, extra_head: str = "") -> HTMLResponse:
        """A page: scraped text is escaped by the callers; the Content-Security-Policy lets no inline or
        foreign script run even if something slipped through."""
        return HTMLResponse(f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
                            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
                            "<link rel='icon' href='/favicon.svg' type='image/svg+xml'><title>"
                            f"{html.escape(title)}</title><style>{CSS}</style>{extra_head}</head><body>"
                            "<a class='skip' href='#main'>skip to the content</a>"
                            "<nav><p><a href='/'>harmledger</a> · <a href='/tallies'>tallies</a> · "
                            "<a href='/docs'>API</a></p></nav>"
                            f"<main id='main' tabindex='-1'>{body}</main></body></html>",
                            headers={"Content-Security-Policy": csp, "X-Content-Type-Options": "nosniff"})

    def facets() -> dict[str, list[str]]:
        """The values each overview filter can take, from the incidents themselves."""
        out: dict[str, set[str]] = {"perpetrator": set(), "means": set(), "target": set(), "admin1": set()}
        with lg.engine.connect() as conn:
            for r in conn.execute(select(incidents.c.perpetrators, incidents.c.means, incidents.c.targets,
                                         incidents.c.admin1).distinct()):
                for k, v in (("perpetrator", r.perpetrators), ("means", r.means), ("target", r.targets)):
                    out[k].update(x for x in (v or "").split(",") if x)
                if r.admin1:
                    out["admin1"].add(r.admin1)
        return {k: sorted(v) for k, v in out.items()}

    @app.get("/", response_class=HTMLResponse)
    def home() -> HTMLResponse:
        st = lg.stats()
        e = html.escape
        head = (f"<h1>harmledger</h1><p class='meta'>{st['documents']} documents, {st['claims']} claims, "
                f"{st['incidents']} incidents, {st['tallies']} tallies, {st.get('reactions', 0)} comment reactions</p>")
        if not interactive_assets():  # no front-end build: the server-drawn map and list
            every = list(lg.incidents(order="date"))
            rows = every[:500]
            items = "".join(
                f"<tr><td><a href='/incidents/{e(r['id'])}'>{e(r['date_start'] or '?')}</a></td>"
                f"<td>{e(r['place_name'] or '')}</td><td>{count_range(r, 'killed')}</td>"
                f"<td>{e(r['perpetrators'] or '')}</td><td>{e(r['grade'])}</td></tr>" for r in rows)
            the_map = svg_map(every, link_prefix="/incidents/")
            return page("harmledger", f"{head}{the_map}<table><tr><th>date</th><th>place</th><th>killed</th>"
                                      f"<th>perpetrators</th><th>grade</th></tr>{items}</table>")
        f = facets()

        def options(name: str, values: list[str], label: str) -> str:
            opts = "".join(f"<option value='{e(v)}'>{e(v)}</option>" for v in values)
            return f"<label>{label} <select name='{name}'><option value=''>all</option>{opts}</select></label>"

        form = ("<form id='filters' class='filters'>"
                "<label>from <input type='date' name='since'></label><label>to <input type='date' name='until'>"
                "</label>" + options("perpetrator", f["perpetrator"], "perpetrator")
                + options("admin1", f["admin1"], "governorate") + options("means", f["means"], "means")
                + options("target", f["target"], "target") + options("grade", list(GRADES), "grade")
                + "<label>words <input type='search' name='q' maxlength='200' placeholder='hospital, Saraqib…'>"
                "</label><button type='reset'>clear</button></form>")
        # not filters: what the map draws, and which control layer under the incidents
        view = ("<p class='filters'><label>map shows <select id='map-mode'><option value='points'>incidents as "
                "points</option><option value='incidents'>incidents per governorate</option><option "
                "value='killed'>killed per governorate</option></select></label>")
        layers = lg.control_layer_rows()
        if layers:
            view += ("<label>ground held by <select id='control-layer'><option value=''>none"
                     "</option>" + "".join(
                         f"<option value='{e(r.layer)}'>{e(r.name)}{' (schematic)' if r.schematic else ''}</option>"
                         for r in layers) + "</select></label>")
        form += view + ("<span class='keys'>keys: <kbd>/</kbd> words · <kbd>j</kbd> <kbd>k</kbd> incidents · "
                        "timeline: arrows, shift, Enter</span></p>")
        cfg = {"colours": COLOURS, "labels": actor_labels(), "govCodes": governorate_codes(),
               "vocab": {k: v for k, v in labels().items() if k in ("means", "targets", "grades")}, "tiles": tiles,
               "tilesAttribution": tiles_attribution or "",
               # the pack's conflict period: a date outside it is a data problem, not a month to plot
               "dateRange": [DATE_FLOOR, date.today().isoformat()]}
        body = (f"{head}{form}<div id='map' class='lmap'></div>"
                "<p class='meta'>Basemap: UN OCHA Syria COD-AB governorates (CC BY-IGO 3.0), Natural Earth "
                "countries (public domain); map library Leaflet (BSD-2-Clause) with Leaflet.markercluster (MIT). "
                "Circle area ∝ highest reported killed; colour = first perpetrator.</p>"
                "<h2>Timeline <span class='meta' id='timeline-note'></span></h2><div id='timeline'></div>"
                "<h2>Incidents <span class='meta' id='count'></span></h2>"
                "<table id='list'><thead><tr><th>date</th><th>place</th><th>killed</th><th>perpetrators</th>"
                "<th>means</th><th>grade</th><th>contested</th></tr></thead><tbody></tbody></table>"
                f"<script type='application/json' id='config'>{safe_json(cfg)}</script>")
        extra = ("<link rel='stylesheet' href='/static/vendor/leaflet/leaflet.css'>"
                 "<link rel='stylesheet' href='/static/vendor/markercluster/MarkerCluster.css'>"
                 "<link rel='stylesheet' href='/static/vendor/markercluster/MarkerCluster.Default.css'>"
                 "<link rel='stylesheet' href='/static/overview.css'>"
                 "<script src='/static/vendor/leaflet/leaflet.js' defer></script>"
                 "<script src='/static/vendor/markercluster/leaflet.markercluster.js' defer></script>"
                 "<script src='/static/overview.js' defer></script>")
        return page("harmledger", body, extra)

    @app.get("/api/labels")
    def api_labels() -> list[dict[str, Any]]:
        """Place names for the map, from the gazetteer (offline): towns of the pack's countries with a known
        population, ``rank`` 1 (≥ 250,000: shown at the opening zoom), 2 (≥ 50,000) or 3 (≥ 20,000)."""
        return map_labels()

    @app.get("/favicon.svg", include_in_schema=False)
    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(FAVICON, media_type="image/svg+xml", headers={"Cache-Control": "max-age=86400"})

    @app.get("/docs", response_class=HTMLResponse)
    def api_docs() -> HTMLResponse:
        """The API's endpoints and parameters, drawn from its OpenAPI description (offline: no script)."""
        e = html.escape
        spec = app.openapi()
        rows = []
        for path, ops in spec.get("paths", {}).items():
            for method, op in ops.items():
                params = "".join(
                    f"<li><code>{e(p['name'])}</code> ({e(p.get('in', ''))}"
                    f"{', required' if p.get('required') else ''}){': ' + e(p.get('description', ''))}</li>"
                    for p in op.get("parameters", []))
                rows.append(f"<h3><code>{e(method.upper())} {e(path)}</code></h3><p>{e(op.get('summary', ''))}</p>"
                            + (f"<ul>{params}</ul>" if params else ""))
        return page("harmledger API", "<h1>harmledger API</h1><p class='meta'>The machine-readable description: "
                                      "<a href='/openapi.json'>/openapi.json</a>.</p>" + "".join(rows))

    @app.get("/basemap/{name}.geojson")
    def basemap(name: Literal["syria_admin1", "world_admin0_ne110m"]) -> Response:
        data = resources.files("harmledger.present").joinpath("data", f"{name}.geojson").read_bytes()
        return Response(data, media_type="application/geo+json")

    @app.get("/incidents/{incident_id}", response_class=HTMLResponse)
    def incident_page(incident_id: Annotated[str, Path(pattern=INCIDENT_ID)]) -> HTMLResponse:
        d = incident_detail(incident_id)
        e = html.escape
        def source(c: dict[str, Any]) -> str:
            doc = c["document"]
            where = f"/documents/{e(doc['doc'])}"
            when = (f"captured {e(doc['captured_at'])}" if doc.get("captured_at")
                    else f"ingested {e(doc['ingested_at'])}")
            return (f"<a href='{where}'>{e(doc['publisher'] or doc['source'])}</a>"
                    f"{' · ' + from_comment_note if c['claim'].get('from_comment') else ''}"
                    f"<br>published {e(doc['published'] or '?')}<br>sha256 {e(doc['doc'][:16])}…<br>"
                    f"{when}<br><a href='{where}#claim-{c['claim_id']}'>in the original</a>")

        from_comment_note = "<b>read from a comment</b>"
        rows = "".join(
            f"<tr><td dir='auto'>{highlight(c['claim'].get('quote') or c['claim']['text'], c['claim'])}</td>"
            f"<td class='meta'>{source(c)}</td></tr>" for c in d["claims"])
        with lg.engine.connect() as conn:
            evs = conn.execute(select(events.c.seq, events.c.at, events.c.kind, events.c.actor, events.c.payload)
                               .where(events.c.subject == incident_id).order_by(events.c.seq)).all()
        history = "".join(f"<li>event {ev.seq} · {e(ev.at)} · {e(ev.kind)} by {e(ev.actor or '?')}"
                          f"{': ' + e(json.loads(ev.payload).get('text') or json.loads(ev.payload).get('grade') or '')}"
                          f"</li>" for ev in evs)
        history = f"<h2>Audit history</h2><ul>{history}</ul>" if history else ""
        reactions = reactions_html(d["reactions"]["summary"], d["reactions"]["reactions"])
        if d["reader_claims"]:  # kept apart: what readers assert is theirs, never a source of this incident
            reactions += reader_claims_html(d["reader_claims"])
        # <bdi>: an Arabic place name must not turn the date beside it around
        return page(incident_id, f"<h1><bdi>{e(d['place_name'] or 'place unknown')}</bdi> · "
                                 f"{e(d['date_start'] or '?')}</h1>"
                                 f"{inset_map(d)}{summary_line(d)}{grade_html(d)}"
                                 f"{facts_html(d)}{control_html(d)}"
                                 "<table><tr><th>report</th><th>source</th></tr>"
                                 f"{rows}</table>{reactions}{history}")

    @app.get("/tallies", response_class=HTMLResponse)
    def tallies_page(by: Annotated[str, Query(pattern=r"^[a-z0-9_,]{1,80}$")] = "month,perpetrator") -> HTMLResponse:
        keys, rows = tally_by(by)
        chart = tally_svg(rows, keys) if rows else ""
        e = html.escape
        table = "".join("<tr>" + "".join(f"<td>{e(str(r[k]))}</td>" for k in keys) +
                        f"<td>{r['incidents']}</td><td>{r['killed_min']}–{r['killed_max']}</td>"
                        + (f"<td>{r['share']:.0%}</td>" if "share" in r else "") + "</tr>" for r in rows)
        head = "".join(f"<th>{e(k)}</th>" for k in keys)
        layers = "" if "control" not in keys else "<p class='meta'>" + "<br>".join(
            f"control layer {e(r.name)}{' (SCHEMATIC, not front lines)' if r.schematic else ''}: source "
            f"{e(r.source or 'not stated')}; licence {e(r.licence or 'not stated')}"
            for r in lg.control_layer_rows()) + "</p>"
        return page("tallies", f"<h1>Tallies by {e(', '.join(keys))}</h1><div class='chart'>{chart}</div>"
                               f"<table><tr>{head}<th>incidents</th><th>killed (lowest–highest reported, summed)</th>"
                               f"{'<th>share</th>' if 'control' in keys else ''}</tr>{table}</table>{layers}")

    @app.get("/documents/{doc}", response_class=HTMLResponse)
    def document_page(doc: Annotated[str, Path(pattern=DOC_ID)]) -> HTMLResponse:
        d = document(doc, with_claims=True)
        e = html.escape
        spans: list[tuple[int, int]] = []
        anchors: dict[int, str] = {}
        for cid, cj in d["claims"]:
            spans += evidence_spans(cj)
            anchors.setdefault((cj.get("quote_span") or cj["span"])[0], f"claim-{cid}")
        text = mark_text(d["text"], spans, anchors)
        published = (e(d["published"]) if d["published"] else
                     "<b class='undated'>no date</b> (none on the page; `harmledger document set-published`)")
        return page(doc[:12], f"<h1>{e(d['title'] or d['source'])}</h1><p class='meta'>sha256 {e(d['doc'])} · "
                              f"{e(d['publisher'] or '')} · published {published} · "
                              f"{'captured ' + e(d['captured_at']) + ' · ' if d.get('captured_at') else ''}ingested "
                              f"{e(d['ingested_at'])} · {len(d['claim_ids'])} claims, evidence marked</p>"
                              f"<pre dir='auto' style='white-space:pre-wrap'>{text}</pre>"
                              + (reactions_html(summarize(d["reactions"]), d["reactions"]) if d["reactions"] else ""))

    app.mount("/static", StaticFiles(directory=STATIC, check_dir=False), name="static")
    return app


FAVICON = ("<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'><rect width='32' height='32' rx='6' "
           "fill='#2b2b2b'/><circle cx='16' cy='16' r='7' fill='#d62728'/><circle cx='16' cy='16' r='11' fill='none' "
           "stroke='#f3f0e8' stroke-width='2'/></svg>")
DATE_FLOOR = "2011-01-01"  # the Syria pack's war began in 2011


@lru_cache(maxsize=1)
def actor_labels(pack: str = "syria") -> dict[str, str]:
    """Human names of the pack's actor ids ("russia" -> "Russian Armed Forces"), "" -> "unattributed"."""
    f = resources.files(f"harmledger.packs.{pack}").joinpath("actors.en.json")
    actors = json.loads(f.read_text("utf-8"))["actors"]
    return {"": "unattributed", **{k: v["name"] for k, v in actors.items() if not k.startswith("_")}}


@lru_cache(maxsize=1)
def map_labels() -> list[dict[str, Any]]:
    """The gazetteer's towns of the pack's countries with a population of 20,000 or more, largest first."""
    import unicodedata

    from ..geo import load

    g = load()
    out, seen = [], set()
    for e in sorted(g.entries, key=lambda e: -(e.pop or 0)):
        if (e.country not in g.home or not e.pop or e.pop < 20_000 or e.lat is None or e.lon is None
                or e.type in ("governorate", "district", "subdistrict", "country")):
            continue
        name = "".join(c for c in unicodedata.normalize("NFKD", e.name) if not unicodedata.combining(c))
        name = name.replace("‘", "'").replace("’", "'")
        if name.lower() in seen:
            continue
        seen.add(name.lower())
        out.append({"name": name, "lat": e.lat, "lon": e.lon, "pop": e.pop,
                    "rank": 1 if e.pop >= 250_000 else (2 if e.pop >= 50_000 else 3)})
    return out


@lru_cache(maxsize=1)
def labels() -> dict[str, Any]:
    """Human labels of stored ids (``present/data/labels.en.json``)."""
    return json.loads(resources.files("harmledger.present.data").joinpath("labels.en.json").read_text("utf-8"))


def summary_line(d: dict[str, Any]) -> str:
    """One documenter's line for an incident: "Airstrike on a bakery in Kafr Nabl, Idlib — 12 killed, 40+
    injured, 2016-03-01, attributed to Russian Armed Forces by 2 of 3 sources" (HTML, escaped)."""
    e = html.escape
    lab = labels()
    means = (d.get("means") or "").split(",")[0]
    what = lab["means"].get(means, "Harm reported")
    target = (d.get("targets") or "").split(",")[0]
    if target:
        what += f" on {lab['targets'].get(target, target.replace('_', ' '))}"
    # each name in its own <bdi>: an Arabic name keeps its direction without turning its neighbours around
    where = f"<bdi>{e(d.get('place_name') or 'a place not named')}</bdi>"
    if d.get("admin1") and d["admin1"] != d.get("place_name"):
        where += f", <bdi>{e(d['admin1'])}</bdi>"
    figures = []
    if d.get("killed_min") is not None:
        figures.append(f"{count_range(d, 'killed')} killed")
    if d.get("injured_min") is not None:
        figures.append(f"{count_range(d, 'injured')} injured")
    when = d.get("date_start") or "undated"
    if d.get("date_end") and d["date_end"] != d.get("date_start"):
        when += f" to {d['date_end']}"
    perp = (d.get("perpetrators") or "").split(",")[0]
    n = d.get("n_sources") or 0
    if perp:
        naming = {(c["document"].get("publisher") or c["document"].get("source"))
                  for c in d.get("claims", []) if not c["claim"].get("from_comment")
                  and perp in [p["id"] for p in c["claim"].get("perpetrators", [])]}
        who = f"attributed to {actor_labels().get(perp, perp)} by {len(naming)} of {n} source{'s' if n != 1 else ''}"
    else:
        who = f"no perpetrator named ({n} source{'s' if n != 1 else ''})"
    return (f"<p class='summary'><b>{e(what)} in {where}</b> — {e(', '.join(figures + [when]))}, "
            f"{e(who)}</p>")


def reader_claims_html(rows: list[dict[str, Any]]) -> str:
    """"Readers also claim": claims read from the comments under an incident's reports, each with its evidence
    and a link to it in the stored page — the commenters' words, apart from the incident's sources."""
    e = html.escape
    trs = "".join(
        f"<tr class='reader-claim'><td dir='auto'>"
        f"{highlight(c['claim'].get('quote') or c['claim']['text'], c['claim'])}</td><td class='meta'>"
        f"<a href='/documents/{e(c['document']['doc'])}#claim-{c['claim_id']}'>"
        f"{e(c['document']['publisher'] or c['document']['source'])}</a></td></tr>" for c in rows)
    return ("<h2>Readers also claim</h2><p class='meta'>Claims read from the comments under these reports. They "
            "are the commenters' words: not sources of this incident, and never counted in its figures, the "
            "tallies or the map.</p><table><tr><th>comment</th><th>under</th></tr>" + trs + "</table>")


def facts_html(d: dict[str, Any]) -> str:
    """The incident's figures and ids in words: a definition list a reader (and a screen reader) can scan."""
    e = html.escape
    lab = labels()
    actors = actor_labels()

    def names(ids: str | None, table: dict[str, Any]) -> str:
        out = [table.get(x, x.replace("_", " ")) for x in (ids or "").split(",") if x]
        return ", ".join(v[0] if isinstance(v, list) else v for v in out) or "—"

    prec = lab["precision"].get(str(d.get("where_prec")), "unknown") if d.get("where_prec") else "unknown"
    when = d.get("date_start") or "undated"
    if d.get("date_end") and d["date_end"] != d.get("date_start"):
        when += f" to {d['date_end']}"
    if any((c["claim"].get("date") or {}).get("start") for c in d.get("claims", [])):
        basis = "read from the reports' text"
    elif d.get("date_start"):
        basis = "the reports' publication date: their text gives none"
    else:
        basis = "no report gives a date (see `harmledger document set-published`)"
    rows = [("date", f"{e(when)} <span class='meta'>({e(basis)})</span>"),
            ("killed", count_range(d, "killed")), ("injured", count_range(d, "injured")),
            ("perpetrators", e(names(d.get("perpetrators"), actors))),
            ("means", e(names(d.get("means"), lab["means"]))),
            ("targets", e(names(d.get("targets"), lab["targets"]))),
            ("place", (", ".join(f"<bdi>{e(x)}</bdi>" for x in dict.fromkeys((d.get("place_name"), d.get("admin1")))
                                 if x) or "unknown") + f" <span class='meta'>({e(prec)})</span>"),
            ("sources", f"{d.get('n_sources') or 0} independent")]
    return "<dl class='facts'>" + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows) + "</dl>"


def grade_html(d: dict[str, Any]) -> str:
    """The grade with its reason and who set it."""
    e = html.escape
    label, reason = labels()["grades"].get(d["grade"], [d["grade"], ""])
    by = " (set by an analyst)" if d.get("grade_by") == "analyst" else ""
    prec = labels()["precision"].get(str(d.get("where_prec")), "unknown") if d.get("where_prec") else "unknown"
    why = reason.format(n=d.get("n_sources") or 0)
    return f"<p class='grading'>grade: <b>{e(label)}</b> — {e(why)}{e(by)} · place known to: {e(prec)}</p>"


def control_html(d: dict[str, Any]) -> str:
    """Who held the ground at an incident, on what layer's word (its source and licence always shown)."""
    e = html.escape
    if d.get("control") is None:
        return ""
    if d["control"] == "unknown":
        return f"<p class='control'>ground held by: <b>unknown</b> ({e(d.get('control_note') or '')})</p>"
    share = ""
    if d.get("control_shares"):
        share = " · shares of the area: " + ", ".join(f"{e(p)} {v:.0%}" for p, v in d["control_shares"].items())
    actor = f" ({e(d['control_actor'])})" if d.get("control_actor") else ""
    schematic = " <b>SCHEMATIC, not front lines</b>" if d.get("control_schematic") else ""
    return (f"<p class='control'>ground held by: <b>{e(d['control'])}</b>{actor}{share} — layer "
            f"“{e(d.get('control_layer') or '')}” of {e(d.get('control_date') or '?')}{schematic}; source "
            f"{e(d.get('control_source') or 'not stated')}; licence {e(d.get('control_licence') or 'not stated')}</p>")


def _plain(v: Any) -> Any:
    """A database value JSON has no type for, as its plain equivalent (a date as ISO text, a Decimal as a
    number); anything else is an error, never a silent string."""
    import datetime as dt
    import decimal

    if isinstance(v, dt.date | dt.datetime):
        return v.isoformat()
    if isinstance(v, decimal.Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    raise TypeError(f"{type(v).__name__} is not JSON")


def safe_json(obj: Any) -> str:
    """JSON that can sit inside a <script type="application/json"> element."""
    return json.dumps(obj).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def tile_origin(url: str) -> str:
    """The scheme and host of a tile URL template, for the Content-Security-Policy."""
    m = re.match(r"^(https?://[^/{}]+|https?://\{s\}\.[^/{}]+)", url)
    if not m:
        raise ValueError(f"tile URL must start with http(s)://host: {url!r}")
    return m.group(1).replace("{s}", "*")
