"""The read-only JSON API and pages on a real SQLite ledger: contract, validation (4xx, never 5xx),
escaping, and schemathesis fuzzing of the published OpenAPI spec."""

from __future__ import annotations

import pytest
import schemathesis
from fastapi.testclient import TestClient
from helpers import dev_docs, make_doc, require_map_assets, resolved_ledger

from harmledger.present.app import create_app


@pytest.fixture(scope="module")
def ledger(tmp_path_factory, dev_units):
    docs = dev_docs(dev_units, 80)
    docs.append(make_doc("Russian warplanes kill 12 civilians in Saraqib <script>alert(1)</script>", "2016-02-15",
                         "X"))
    return resolved_ledger(tmp_path_factory.mktemp("api") / "l.db", docs)


@pytest.fixture(scope="module")
def client(ledger):
    return TestClient(create_app(ledger=ledger))


def test_incidents_filters_paging_and_detail(client):
    r = client.get("/api/incidents", params={"limit": 5})
    body = r.json()
    assert r.status_code == 200 and body["total"] > 5 and len(body["items"]) == 5
    page2 = client.get("/api/incidents", params={"limit": 5, "offset": 5}).json()["items"]
    assert {x["id"] for x in page2}.isdisjoint({x["id"] for x in body["items"]})
    aleppo = client.get("/api/incidents", params={"admin1": "Aleppo", "limit": 500}).json()["items"]
    assert aleppo and all(x["admin1"] == "Aleppo" for x in aleppo)
    saraqib = client.get("/api/incidents", params={"q": "Saraqib"}).json()["items"]
    assert len(saraqib) == 1
    d = client.get(f"/api/incidents/{saraqib[0]['id']}").json()
    assert d["killed_min"] == 12 and d["claims"][0]["claim"]["killed"]["evidence"] == "kill 12 civilians"
    doc = client.get(f"/api/documents/{d['claims'][0]['document']['doc']}").json()
    assert "Saraqib" in doc["text"] and "raw" not in doc
    assert client.get("/api/tallies", params={"by": "month,admin1"}).status_code == 200
    assert client.get("/api/stats").json()["incidents"] == body["total"]


def test_tallies_page_and_word_search(client):
    t = client.get("/tallies", params={"by": "month,admin1"})
    assert t.status_code == 200 and "<svg" in t.text and "incidents" in t.text
    assert client.get("/tallies", params={"by": "colour"}).status_code == 422
    both = client.get("/api/incidents", params={"q": "warplanes Saraqib"}).json()["items"]
    assert len(both) == 1 and both[0]["place_name"] == "Saraqib"
    assert client.get("/api/incidents", params={"q": "\" OR * NEAR("}).status_code == 200


def test_bad_ids_and_filters_are_4xx(client):
    for url, params in [("/api/incidents/not-an-id", {}), ("/api/incidents/I000000000000", {}),
                        ("/api/documents/xyz", {}), ("/api/documents/" + "0" * 64, {}),
                        ("/api/incidents", {"since": "yesterday"}), ("/api/incidents", {"limit": 0}),
                        ("/api/incidents", {"grade": "great"}), ("/api/tallies", {"by": "colour"}),
                        ("/incidents/<script>", {}), ("/api/map", {"perpetrator": "Russia; DROP"}),
                        ("/api/map", {"means": "a,b"}), ("/api/map", {"until": "2016-13"}),
                        ("/basemap/etc_passwd.geojson", {})]:
        r = client.get(url, params=params)
        assert 400 <= r.status_code < 500, (url, params, r.status_code)


def test_pages_escape_scraped_text(client):
    home = client.get("/")
    assert home.status_code == 200 and "script-src 'self'" in home.headers["content-security-policy"]
    assert "id='map'" in home.text or "<svg class=\"map\"" in home.text  # Leaflet, or the SVG fallback
    inc = client.get("/api/incidents", params={"q": "Saraqib"}).json()["items"][0]
    p = client.get(f"/incidents/{inc['id']}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in p  # the scraped quote is shown, escaped
    assert "<script" not in p.lower()
    doc = client.get(f"/api/incidents/{inc['id']}").json()["claims"][0]["document"]["doc"]
    dp = client.get(f"/documents/{doc}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dp and "<script" not in dp.lower()


def test_openapi_fuzzing_never_gives_a_server_error(ledger):
    app = create_app(ledger=ledger)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    n = 0
    for op in schema.get_all_operations():
        operation = op.ok()
        strategy = operation.as_strategy()
        from hypothesis import HealthCheck, given, settings

        @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
        @given(case=strategy)
        def check(case) -> None:
            response = case.call()
            assert response.status_code < 500, (case.path, case.query, response.status_code)

        check()
        n += 1
    assert n >= 5


def test_read_only_by_default_and_edits_need_the_token(ledger):
    ro = TestClient(create_app(ledger=ledger))
    inc = ro.get("/api/incidents", params={"q": "Saraqib"}).json()["items"][0]["id"]
    assert ro.post(f"/api/incidents/{inc}/note", json={"actor": "a", "note": "x"}).status_code in (404, 405)
    rw = TestClient(create_app(ledger=ledger, allow_edits=True, token="s3cret"))
    body = {"actor": "analyst", "note": "seen on video"}
    assert rw.post(f"/api/incidents/{inc}/note", json=body).status_code == 401
    assert rw.post(f"/api/incidents/{inc}/note", json=body,
                   headers={"Authorization": "Bearer wrong"}).status_code == 401
    r = rw.post(f"/api/incidents/{inc}/note", json=body, headers={"Authorization": "Bearer s3cret"})
    assert r.status_code == 200
    assert rw.get(f"/api/incidents/{inc}").json()["notes"] == "seen on video"
    bad = rw.post(f"/api/incidents/{inc}/set-grade", json={"actor": "a", "grade": "great"},
                  headers={"Authorization": "Bearer s3cret"})
    assert bad.status_code == 422
    assert "Audit history" in rw.get(f"/incidents/{inc}").text and "seen on video" in rw.get(f"/incidents/{inc}").text
    u = rw.post(f"/api/events/{r.json()['event']}/undo", params={"actor": "analyst"},
                headers={"Authorization": "Bearer s3cret"})
    assert u.status_code == 200 and rw.get(f"/api/incidents/{inc}").json()["notes"] is None
    assert ledger.verify().ok


def test_map_endpoint_filters_match_the_list_and_assets_are_served(client, ledger):
    allm = client.get("/api/map").json()
    assert allm["total"] == ledger.stats()["incidents"] == len(allm["items"]) and not allm["truncated"]
    for key, col in (("perpetrator", "perpetrators"), ("means", "means"), ("target", "targets")):
        values = sorted({v for r in allm["items"] for v in (r[col] or "").split(",") if v})
        assert values, key
        v = values[0]
        got = client.get("/api/map", params={key: v}).json()["items"]
        want = [r["id"] for r in allm["items"] if v in (r[col] or "").split(",")]
        assert [r["id"] for r in got] == want and 0 < len(want) <= len(allm["items"])
        lst = client.get("/api/incidents", params={key: v, "limit": 500}).json()
        assert lst["total"] == len(want)
    assert client.get("/api/map", params={"perpetrator": "r_ssia"}).json()["total"] == 0  # "_" is no wildcard
    since = client.get("/api/map", params={"since": "2016-03-01", "until": "2016-03-31"}).json()["items"]
    assert since and all(r["date_end"] >= "2016-03-01" and r["date_start"] <= "2016-03-31" for r in since)
    geo = client.get("/basemap/syria_admin1.geojson")
    assert geo.status_code == 200 and len(geo.json()["features"]) == 14
    js = client.get("/static/overview.js")
    assert js.status_code == 200 and "textContent" in js.text
    require_map_assets()
    assert client.get("/static/vendor/leaflet/leaflet.js").status_code == 200
    assert "/static/vendor/leaflet/leaflet.js" in client.get("/").text


def test_config_json_cannot_close_its_script_element():
    from harmledger.present.app import safe_json, tile_origin

    s = safe_json({"tilesAttribution": "</script><script>alert(1)</script>"})
    assert "</" not in s and "<script" not in s
    assert tile_origin("https://{s}.tile.example.org/{z}/{x}/{y}.png") == "https://*.tile.example.org"
    with pytest.raises(ValueError):
        tile_origin("javascript:alert(1)")


def test_the_incident_page_opens_with_a_documenters_summary_and_the_grade_reason(tmp_path, dev_units):
    """Issue 17: "Airstrike on … in Saraqib, Idlib — 12 killed, …, attributed to Russian Armed Forces by 2 of 2
    sources", then the grade and why, in words, not ids; report cells read in their own direction."""
    from helpers import make_doc, resolved_ledger

    docs = [make_doc("Russian warplanes kill 12 civilians in an airstrike on a market in Saraqib, Idlib.",
                     "2016-02-15", "SOHR"),
            make_doc("Russian jets struck the market of Saraqib, killing 14 people.", "2016-02-15", "LCC")]
    lg = resolved_ledger(tmp_path / "l.db", docs)
    c = TestClient(create_app(ledger=lg))
    (inc,) = c.get("/api/incidents").json()["items"]
    page = c.get(f"/incidents/{inc['id']}").text
    assert "<b>Airstrike on a market in <bdi>Saraqib</bdi>, <bdi>Idlib</bdi></b>" in page
    assert "12–14 killed, 2016-02-15, attributed to Russian Armed Forces by 2 of 2 sources" in page
    assert "grade: <b>corroborated</b> — 2 independent sources report it" in page and "exact place" in page
    assert "<td dir='auto'>" in page


def test_reader_claims_are_listed_apart_and_never_counted(tmp_path, dev_units):
    """Issue 13: a claim read from a comment under a report ("Civilians … were killed by a rocket!", a real
    YouTube comment of the generalisation set's dev split) is shown on the report's incident page under
    "Readers also claim", linked to the stored page, and is no claim of the incident, of any incident, of
    the tallies or of the map."""
    import json as _json
    from importlib import resources

    from harmledger.ingest import ReadError, read

    units = {u["id"]: u for u in map(_json.loads, resources.files("harmledger.evaluation").joinpath(
        "enset/units.jsonl").read_text("utf-8").splitlines()) if u.get("id")}
    comment = units["e0377"]
    assert comment["split"] == "dev" and comment["source"] == "yt_comment"
    page = {"text": dev_units["u0000"]["text"], "published": "2016-02-13", "publisher": "Blog",
            "comments": [{"text": comment["text"], "author": "reader"}]}
    jl = tmp_path / "page.jsonl"
    jl.write_text(_json.dumps(page, ensure_ascii=False) + "\n", "utf-8")
    docs = [d for d in read([jl]) if not isinstance(d, ReadError)]
    lg = resolved_ledger(tmp_path / "l.db", docs)
    with lg.engine.connect() as conn:
        readers = conn.exec_driver_sql("SELECT id FROM claims WHERE from_comment").fetchall()
        in_incidents = conn.exec_driver_sql("SELECT count(*) FROM incident_claims ic JOIN claims c ON "
                                            "c.id = ic.claim_id WHERE c.from_comment").scalar()
    assert readers and in_incidents == 0
    (inc,) = [r for r in lg.incidents()]
    client = TestClient(create_app(ledger=lg))
    d = client.get(f"/api/incidents/{inc['id']}").json()
    assert [c["claim_id"] for c in d["reader_claims"]] == [r.id for r in readers]
    assert all(not c["claim"].get("from_comment") for c in d["claims"])
    html_page = client.get(f"/incidents/{inc['id']}").text
    assert "Readers also claim" in html_page and "<mark>" in html_page.split("Readers also claim")[1]
    assert f"#claim-{readers[0].id}" in html_page
    m = client.get("/api/map").json()
    assert m["total"] == 1  # the comment's claim made no incident of its own
