"""Who held the ground (issue 19): control layers stored like originals and incidents read against them.

The shipped schematic layer (real geometry: OCHA COD-AB sub-district unions, CC BY-IGO 3.0) is always
tested; OCHA's 2015 "areas of influence" are used when ``../shared/data/control/`` is beside the repo
(evaluation only: never copied into the project). Reports are real dev-set headlines."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
import shapely
from helpers import make_doc, resolved_ledger
from sqlalchemy import text

from harmledger.control import ControlReader, Layer, annotate, parse_layer

ROOT = Path(__file__).resolve().parents[1]
SCHEMATIC = ROOT / "harmledger" / "packs" / "syria" / "control" / "turkish_backed_zones_schematic.geojson"
OCHA = ROOT.parent / "shared" / "data" / "control" / "ocha_aoi_20151129_dissolved.geojson"
HL = [sys.executable, "-m", "harmledger.cli"]


def hl(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*HL, *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def units() -> dict[str, dict]:
    """Dev units: English GED 2016 headlines and Syrian Archive's Arabic titles (CC BY-SA 4.0)."""
    out = {}
    for name in ("devset/units.jsonl", "devset_ar/units.jsonl"):
        t = resources.files("harmledger.evaluation").joinpath(name).read_text("utf-8")
        out.update({u["id"]: u for u in (json.loads(x) for x in t.splitlines() if x.strip())
                    if u.get("split", "dev") == "dev"})
    return out


def _import_schematic(db: str) -> subprocess.CompletedProcess:
    return hl("control", "import", str(SCHEMATIC), "--party-field", "party", "--valid-from-field",
              "valid_from_approx", "--licence", "CC BY-IGO 3.0", "--name", "Turkish-backed zones", "--db", db)


def test_a_layer_is_kept_like_an_original_and_verified(tmp_path, units):
    db = str(tmp_path / "l.db")
    resolved_ledger(tmp_path / "l.db", [make_doc(units["u0036"]["text"], "2017-06-01", "SOHR")]).close()
    r = _import_schematic(db)
    assert r.returncode == 0, r.stderr
    assert "3 areas (turkish_backed 3), schematic" in r.stdout  # the features say they are schematic
    again = _import_schematic(db)
    assert again.returncode == 0 and "already in the ledger" in again.stdout
    lst = hl("control", "list", "--db", db)
    assert "Turkish-backed zones" in lst.stdout and "SCHEMATIC" in lst.stdout and "CC BY-IGO 3.0" in lst.stdout
    v = hl("verify", "--db", db)
    assert v.returncode == 0, v.stderr
    import sqlite3

    con = sqlite3.connect(db)
    n_events = con.execute("SELECT count(*) FROM events WHERE kind = 'control_imported'").fetchone()[0]
    assert n_events == 1  # the second import of the same bytes wrote nothing
    raw = con.execute("SELECT raw FROM control_layers").fetchone()[0]
    assert raw == SCHEMATIC.read_bytes()
    for sql, what in [("UPDATE control_layers SET raw = CAST(replace(CAST(raw AS TEXT), 'Afrin', 'Afrim') AS BLOB)",
                       "layer bytes changed"),
                      ("UPDATE control_layers SET licence = 'CC0'", "licence differs"),
                      ("UPDATE control_layers SET params = replace(params, 'valid_from_approx', 'x')",
                       "params differs")]:
        before = con.execute("SELECT raw, licence, params FROM control_layers").fetchone()
        con.execute(sql)
        con.commit()
        v = hl("verify", "--db", db)
        assert v.returncode == 1 and what in v.stderr and "TAMPERED" in v.stderr, (sql, v.stderr)
        con.execute("UPDATE control_layers SET raw = ?, licence = ?, params = ?", before)
        con.commit()
    con.execute("DELETE FROM control_layers")
    con.commit()
    v = hl("verify", "--db", db)
    assert v.returncode == 1 and "no longer in the ledger" in v.stderr


def test_bad_layers_get_one_line_and_store_nothing(tmp_path):
    db = str(tmp_path / "l.db")
    notjson = tmp_path / "a.geojson"
    notjson.write_text("{ not json", "utf-8")
    noparty = tmp_path / "b.geojson"
    feats = json.loads(SCHEMATIC.read_text("utf-8"))
    del feats["features"][1]["properties"]["party"]
    noparty.write_text(json.dumps(feats), "utf-8")
    for path, args, msg in [(notjson, ["--date", "2016-01-01"], "not GeoJSON"),
                            (noparty, ["--valid-from-field", "valid_from_approx"], "feature 1: no 'party' property"),
                            (SCHEMATIC, [], "give the layer's --date"),
                            (SCHEMATIC, ["--date", "2016-13-01"], "is not a date"),
                            (SCHEMATIC, ["--valid-from-field", "name"], "feature 0: 'Operation Euphrates")]:
        r = hl("control", "import", str(path), "--party-field", "party", *args, "--db", db)
        assert r.returncode == 1 and msg in r.stderr, (args, r.stderr)
        assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    assert not Path(db).exists()  # refused before any ledger was opened or made


def _schematic_reader(staleness: int = 180) -> ControlReader:
    data = SCHEMATIC.read_bytes()
    areas = parse_layer(data, party_field="party", valid_from_field="valid_from_approx")
    return ControlReader([Layer(id="x", name="Turkish-backed zones", date=None, areas=areas, schematic=True,
                                parties={"turkish_backed": "turkey"})], staleness_days=staleness)


def test_point_area_date_and_precision_rules_on_real_geometry():
    reader = _schematic_reader()
    es = shapely.geometry.shape(reader.layers[0].areas[0].geometry)  # Euphrates Shield, from 2017-03
    inside = es.representative_point()
    far = (36.52815, 37.95495)  # Manbij: outside every zone
    facts = reader.place_many([(inside.y, inside.x, 1, "2018-05-01"), (inside.y, inside.x, 1, "2017-02-28"),
                               (inside.y, inside.x, 4, "2018-05-01"), (far[0], far[1], 1, "2018-05-01"),
                               (inside.y, inside.x, 1, None), (inside.y, inside.x, 2, "2018-05-01")])
    held, before, governorate, outside, undated, area = facts
    assert (held.party, held.actor, held.date, held.schematic) == ("turkish_backed", "turkey", "2017-03-01", True)
    assert held.share is None and held.layer == "Turkish-backed zones"
    assert before.party == "unknown" and "no layer for this date" in before.note
    assert governorate.party == "unknown" and "governorate" in governorate.note
    assert outside.party == "unknown" and "outside every area" in outside.note
    assert undated.party == "unknown"
    assert area.shares is not None and 0.5 <= area.shares["turkish_backed"] <= 1
    assert area.party == "turkish_backed" and "25 km" in area.note


def test_incidents_exports_and_tallies_carry_control(tmp_path, units):
    docs = [make_doc(units["a0084"]["text"], "2017-06-01", "Azaz media centre"),  # Azaz: in Euphrates Shield
            make_doc(units["u0036"]["text"], "2017-06-01", "SOHR"),  # al-Bab, a district's point: partly in
            make_doc(units["u0173"]["text"], "2017-06-01", "LCC"),  # Manbij: outside every zone
            make_doc(units["u0060"]["text"], "2017-06-03", "SOHR")]  # Aleppo countryside: governorate only
    resolved_ledger(tmp_path / "l.db", docs).close()
    db = str(tmp_path / "l.db")
    assert _import_schematic(db).returncode == 0
    out = tmp_path / "x.csv"
    r = hl("export", "--format", "csv", "--out", str(out), "--db", db)
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8"))))
    by_place = {x["place_name"]: x for x in rows}
    assert {"control", "control_layer", "control_date"} <= set(rows[0])
    azaz = by_place["اعزاز"]
    assert (azaz["control"], azaz["control_actor"], azaz["control_date"]) == ("turkish_backed", "turkey", "2017-03-01")
    assert azaz["control_layer"] == "Turkish-backed zones" and azaz["control_schematic"] == "True"
    assert azaz["control_licence"] == "CC BY-IGO 3.0" and "COD-AB" in azaz["control_source"]
    # the district's point lies outside the zone and less than half of its 30 km disc is in it: unknown
    bab = by_place["al-Bab"]
    assert bab["control"] == "unknown" and "of the area within 30 km" in bab["control_note"]
    assert by_place["Manbij"]["control"] == "unknown" and by_place["Manbij"]["control_layer"] == ""
    assert by_place["Aleppo"]["control"] == "unknown"
    for fmt in ("geojson", "parquet", "ucdp", "acled"):
        r = hl("export", "--format", fmt, "--out", str(tmp_path / f"x.{fmt}"), "--db", db)
        assert r.returncode == 0, r.stderr
    gj = json.loads((tmp_path / "x.geojson").read_text("utf-8"))
    assert all("control" in f["properties"] for f in gj["features"])
    t = hl("tally", "--by", "perpetrator,control", "--format", "jsonl", "--db", db)
    assert t.returncode == 0, t.stderr
    tally = [json.loads(x) for x in t.stdout.splitlines()]
    assert sum(x["incidents"] for x in tally) == len(rows)
    for p in {x["perpetrator"] for x in tally}:
        assert abs(sum(x["share"] for x in tally if x["perpetrator"] == p) - 1) < 0.01
    assert "licence CC BY-IGO 3.0" in t.stderr and "SCHEMATIC" in t.stderr  # the source goes where it is shown


@pytest.mark.skipif(not OCHA.exists(), reason="../shared/data/control (evaluation data) is not beside the repo")
def test_a_snapshot_speaks_for_its_staleness_window_only(tmp_path, units):
    lg = resolved_ledger(tmp_path / "l.db", [make_doc(units["u0087"]["text"], "2016-06-26", "SOHR"),
                                             make_doc(units["u0036"]["text"], "2016-11-15", "SOHR")])
    data = OCHA.read_bytes()
    areas = parse_layer(data, party_field="party", date="2015-11-29")
    lg.import_control_layer(data, name="OCHA 2015-11-29", params={"party_field": "party", "date": "2015-11-29"},
                            n_areas=len(areas), licence=None, source="UN OCHA", schematic=False)
    rows = annotate(lg, [dict(r) for r in lg.incidents(order="date")])
    assert all(r["control"] == "unknown" for r in rows if r["where_prec"] and r["where_prec"] <= 3)  # > 180 days
    rows = annotate(lg, [dict(r) for r in lg.incidents(order="date")], staleness_days=400)
    placed = {r["place_name"]: r for r in rows}
    assert placed["Aleppo"]["control"] == "government" and placed["Aleppo"]["control_actor"] == "syrian_government"
    assert placed["al-Bab"]["control"] == "isis" and placed["al-Bab"]["control_actor"] == "islamic_state"
    assert placed["al-Bab"]["control_date"] == "2015-11-29" and placed["al-Bab"]["control_share"] > 0.5
    with lg.engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM control_layers")).scalar() == 1
    assert lg.verify().ok


def test_the_incident_page_api_report_and_tallies_show_control_with_its_source(tmp_path, units):
    from fastapi.testclient import TestClient

    from harmledger.present.app import create_app

    lg = resolved_ledger(tmp_path / "l.db", [make_doc(units["a0084"]["text"], "2017-06-01", "Azaz media centre"),
                                             make_doc(units["u0173"]["text"], "2017-06-01", "LCC")])
    assert _import_schematic(str(tmp_path / "l.db")).returncode == 0
    client = TestClient(create_app(ledger=lg))
    items = client.get("/api/incidents").json()["items"]
    bab = next(i for i in items if i["place_name"] == "اعزاز")
    assert bab["control_layer"] == "Turkish-backed zones" and bab["control_schematic"] is True
    page = client.get(f"/incidents/{bab['id']}").text
    assert "ground held by" in page and "SCHEMATIC, not front lines" in page and "licence CC BY-IGO 3.0" in page
    manbij = next(i for i in items if i["place_name"] == "Manbij")
    assert "ground held by: <b>unknown</b>" in client.get(f"/incidents/{manbij['id']}").text
    tallies = client.get("/tallies?by=perpetrator,control").text
    assert "<th>share</th>" in tallies and "CC BY-IGO 3.0" in tallies
    assert client.get("/api/tallies?by=control").json()
    r = hl("report", "--db", str(tmp_path / "l.db"), "--out", str(tmp_path / "rep"))
    assert r.returncode == 0, r.stderr
    html = (tmp_path / "rep" / "index.html").read_text("utf-8")
    assert "Who held the ground: the two maps" in html and "SCHEMATIC: not front lines" in html
    assert "licence: CC BY-IGO 3.0" in html and "ground held by →" in html


def _square_layer(areas: list[tuple[str, str | None, float, float]], *, date: str | None = None) -> Layer:
    """A layer of lon-lat squares (party, valid_from, west lon, east lon) over lat 35.3-36.3."""
    from harmledger.control import Area

    return Layer(id="sq", name="squares", date=date, parties={}, areas=[
        Area(party=p, valid_from=vf, valid_to=None, geometry={"type": "Polygon", "coordinates": [[
            [w, 35.3], [e, 35.3], [e, 36.3], [w, 36.3], [w, 35.3]]]}) for p, vf, w, e in areas])


def test_area_shares_add_over_every_area_that_speaks_and_need_half_the_area():
    # Y held the west since 2012, X the east since 2018: a disc on their border on a 2019 day is Y's mostly
    per_area = ControlReader([_square_layer([("Y", "2012-01-01", 34.0, 36.0), ("X", "2018-01-01", 36.0, 37.0)])])
    snapshot = ControlReader([_square_layer([("Y", None, 34.0, 36.0), ("X", None, 36.0, 37.0)], date="2019-01-01")])
    a, = per_area.place_many([(35.8, 35.9, 2, "2019-02-01")])
    b, = snapshot.place_many([(35.8, 35.9, 2, "2019-02-01")])
    assert a.shares == b.shares and a.party == b.party == "Y" and a.share > 0.5
    assert a.date == "2018-01-01"  # the latest date of the areas it was read from
    # a disc whose areas cover less than half of it is unknown, not a guess from a sliver
    sliver, = ControlReader([_square_layer([("X", "2018-01-01", 36.2, 37.0)])]).place_many(
        [(35.8, 36.0, 2, "2019-02-01")])
    assert sliver.party == "unknown" and sliver.note.startswith("only ")
    # a point on a border is in (the layer speaks for it)
    edge, = per_area.place_many([(35.8, 36.0, 1, "2019-02-01")])
    assert edge.party in ("X", "Y")


def test_odd_geojson_is_one_error_line(tmp_path):
    bad = {"properties-not-object": {"type": "Feature", "properties": ["x"], "geometry": {
               "type": "Polygon", "coordinates": [[[36, 35], [37, 35], [37, 36], [36, 35]]]}},
           "nan": {"type": "Feature", "properties": {"party": "x"}, "geometry": {
               "type": "Polygon", "coordinates": [[[36, 35], [float("nan"), 35], [37, 36], [36, 35]]]}},
           "huge": {"type": "Feature", "properties": {"party": "x"}, "geometry": {
               "type": "Polygon", "coordinates": [[[36, 35], [1e308, 35], [37, 36], [36, 35]]]}},
           "point": {"type": "Feature", "properties": {"party": "x"}, "geometry": {
               "type": "Point", "coordinates": [36, 35]}}}
    for name, feature in bad.items():
        f = tmp_path / f"{name}.geojson"
        f.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}), "utf-8")
        r = hl("control", "import", str(f), "--party-field", "party", "--date", "2016-01-01", "--db",
               str(tmp_path / "l.db"))
        assert r.returncode == 1 and "Traceback" not in r.stderr, (name, r.stderr)
        assert "feature 0:" in r.stderr or "not a number GeoJSON allows" in r.stderr, (name, r.stderr)
    r = hl("control", "import", str(SCHEMATIC), "--party-field", "party", "--date", "2016-01-01", "--valid-to-field",
           "x", "--db", str(tmp_path / "l.db"))
    assert r.returncode == 1 and "--valid-to-field goes with --valid-from-field" in r.stderr
    r = hl("control", "import", str(SCHEMATIC), "--party-field", "party", "--date", "2016-02-290", "--db",
           str(tmp_path / "l.db"))
    assert r.returncode == 1 and "give the snapshot's day as YYYY-MM-DD" in r.stderr
    from harmledger.control import iso_day

    for junk in ("2016-02-290", "2016-02-30", "16-02-01", "2016-02-01x", "soon"):
        with pytest.raises(ValueError):
            iso_day(junk)
    assert (iso_day("2017-03"), iso_day("2017-02", end=True), iso_day("2019")) == ("2017-03-01", "2017-02-28",
                                                                                   "2019-01-01")
    assert iso_day("2018-03-18T00:00:00Z") == "2018-03-18"


def test_the_same_bytes_read_otherwise_are_refused_and_old_ledgers_open(tmp_path, units):
    db = str(tmp_path / "l.db")
    resolved_ledger(tmp_path / "l.db", [make_doc(units["u0036"]["text"], "2017-06-01", "SOHR")]).close()
    import sqlite3

    con = sqlite3.connect(db)
    con.execute("DROP TABLE control_layers")  # a ledger made before control layers
    con.commit()
    con.close()
    for cmd in (["verify"], ["control", "list"], ["incidents"], ["tally", "--by", "control"]):
        r = hl(*cmd, "--db", db)
        assert r.returncode == 0 and "Traceback" not in r.stderr, (cmd, r.stderr)
    assert _import_schematic(db).returncode == 0
    r = hl("control", "import", str(SCHEMATIC), "--party-field", "party", "--date", "2017-01-01", "--db", db)
    assert r.returncode == 1 and "read with other settings" in r.stderr
    assert hl("verify", "--db", db).returncode == 0
