"""Pages in real headless Chromium (Debian's chromium, driven by Playwright): the overview's Leaflet map
shows incident markers, a perpetrator filter updates map, timeline and list together, a marker leads to
the incident's evidence page, a source leads to the stored document, the reactions of a commented page
show on its incident, and no script planted in a report or a comment runs on any page. Screenshots go
to the test's temp dir."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import threading
import time
from importlib import resources

import pytest
from helpers import dev_docs, make_doc, require_map_assets, resolved_ledger

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not os.path.exists(CHROMIUM) and os.environ.get("HARMLEDGER_CI"):
    raise RuntimeError("CI installs Debian's chromium for the browser tests, and it is missing")
pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed "
                                "(.ci/run installs it)")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PAYLOAD = "<script>window.__pwned=1;alert('x')</script><img src=x onerror=\"window.__pwned=2\">"


@contextlib.contextmanager
def serving(app):  # noqa: ANN001, ANN201 - a FastAPI app; yields its base URL
    """The app on a free local port, in a thread, for as long as the block runs."""
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    t = threading.Thread(target=srv.run, daemon=True)
    t.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        t.join(timeout=10)


def shots_dir(tmp_path):  # noqa: ANN001, ANN201
    """Where screenshots go: $HARMLEDGER_SHOTS (to look at them), else the test's temp dir."""
    shots = os.environ.get("HARMLEDGER_SHOTS")
    return tmp_path if not shots else __import__("pathlib").Path(shots)


@pytest.fixture(scope="module")
def server(tmp_path_factory, dev_units):
    import json

    from harmledger.ingest import ReadError, read
    from harmledger.present.app import create_app

    tmp = tmp_path_factory.mktemp("web")
    docs = dev_docs(dev_units, 80)
    docs.append(make_doc(f"Russian warplanes kill 12 civilians in Saraqib {PAYLOAD}", "2016-02-15",
                         f"Evil {PAYLOAD}"))
    # a page whose comment thread carries the payload too (a real SOHR report, real comments)
    devset = resources.files("harmledger.evaluation").joinpath("reactions/devset.jsonl").read_text("utf-8")
    texts = {(r["source"], r["row"]): r.get("text") for r in map(json.loads, devset.splitlines())}
    page = {"text": dev_units["u0000"]["text"], "published": "2016-02-13", "publisher": "Blog",
            "comments": [{"text": texts[("ru_vk_news_comments_toxicity", 1763)], "author": f"Troll {PAYLOAD}"},
                         {"text": f"{texts[('davidson_hate_offensive_en', 20795)]} {PAYLOAD}"}]}
    jl = tmp / "thread.jsonl"
    jl.write_text(json.dumps(page, ensure_ascii=False) + "\n", "utf-8")
    docs += [d for d in read([jl]) if not isinstance(d, ReadError)]
    lg = resolved_ledger(tmp / "l.db", docs)
    assert lg.stats()["reactions"] == 2
    with serving(create_app(ledger=lg)) as url:
        yield url, lg


def _loaded(page) -> None:  # noqa: ANN001
    page.wait_for_selector("body[data-total]:not([data-loading='1'])", state="attached")


def test_overview_map_filters_incident_source_and_no_script_runs(server, tmp_path):
    from playwright.sync_api import sync_playwright

    url, lg = server
    require_map_assets()
    dialogs: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        # the Content-Security-Policy alone would stop planted scripts; bypass it so that escaping is tested
        ctx = browser.new_context(bypass_csp=True, viewport={"width": 1200, "height": 1000})
        page = ctx.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        resp = page.goto(url + "/")
        assert "script-src 'self'" in resp.headers["content-security-policy"]
        _loaded(page)
        total = int(page.evaluate("document.body.dataset.total"))
        assert total == lg.stats()["incidents"]
        assert page.locator(".incident-marker, .marker-cluster").count() >= 5  # markers, clustered when dense
        assert page.locator("svg.timeline rect.bar").count() >= 2
        assert page.locator("#list tbody tr").count() >= 10
        # the timeline says how many dates are the reports' publication dates (their text gives none)
        by_report = sum(1 for v in lg.date_basis().values() if v == "report")
        assert by_report and f"{by_report} dated by their reports' publication" in page.locator(
            "#timeline-note").inner_text()
        page.screenshot(path=str(tmp_path / "overview.png"))
        # filter by perpetrator: map, timeline and list follow
        page.select_option("select[name=perpetrator]", "russia")
        page.wait_for_url("**perpetrator=russia**")
        _loaded(page)
        n = int(page.evaluate("document.body.dataset.total"))
        assert 0 < n < total
        rows = page.locator("#list tbody tr")
        assert rows.count() == n
        assert all("russia" in rows.nth(i).get_attribute("data-perpetrators").split(",") for i in range(n))
        bars = sum(int(b.get_attribute("height") != "0") for b in page.locator("svg.timeline rect.bar").all())
        assert 1 <= bars <= n
        page.screenshot(path=str(tmp_path / "filtered.png"))
        # a marker opens a popup that links to its incident
        page.locator("path.incident-marker").first.click(force=True)
        page.locator(".leaflet-popup-content a").click()
        assert "/incidents/" in page.url and page.locator("mark").count() >= 1
        # the Saraqib incident, reached from the filtered list, then its source document
        page.go_back()
        _loaded(page)
        page.locator("#list tr", has_text="Saraqib").locator("a").first.click()
        assert "/incidents/" in page.url and page.locator("mark").count() >= 1
        assert page.evaluate("window.__pwned") is None
        page.screenshot(path=str(tmp_path / "incident.png"), full_page=True)
        page.click("td.meta a >> text=in the original")
        assert "/documents/" in page.url and "#claim-" in page.url
        anchor = page.url.split("#")[1]
        assert page.locator(f"pre span#{anchor}").count() == 1 and page.locator("pre mark").count() >= 2
        assert "window.__pwned=1" in page.inner_text("pre")  # shown as text
        assert page.evaluate("window.__pwned") is None
        # the incident under the commented page: reactions summary, payloads shown as text
        (inc,) = [r["id"] for r in lg.incidents() if r["killed_min"] == 18 and (r["n_documents"] or 0) >= 1
                  and lg.incident_reactions(r["id"])["reactions"]]
        page.goto(url + f"/incidents/{inc}")
        assert "contested by 1 reaction" in page.inner_text("p.contested")
        page.locator("details summary").click()
        assert page.locator("tr.reaction").count() == 2
        assert "window.__pwned=2" in page.inner_text("details")
        page.screenshot(path=str(tmp_path / "reactions.png"), full_page=True)
        # every page, no planted script ran
        with lg.engine.connect() as conn:
            docs = [r.doc for r in conn.exec_driver_sql("SELECT doc FROM documents")]
        for path in ["/", "/tallies", *[f"/incidents/{r['id']}" for r in lg.incidents()],
                     *[f"/documents/{d}" for d in docs]]:
            page.goto(url + path)
            assert page.evaluate("window.__pwned") is None, path
        ctx.close()
        browser.close()
    assert dialogs == []
    assert (tmp_path / "overview.png").stat().st_size > 10_000


def test_a_control_layer_is_drawn_under_the_incidents_with_its_legend(server, tmp_path):
    """The shipped schematic layer imported into the served ledger: the overview offers it, draws its areas
    under the markers, and its legend names the layer, says SCHEMATIC and gives source and licence."""
    from pathlib import Path

    from playwright.sync_api import sync_playwright

    url, lg = server
    require_map_assets()
    from harmledger.control import layer_properties, parse_layer

    path = Path(__file__).resolve().parents[1] / "harmledger/packs/syria/control/turkish_backed_zones_schematic.geojson"
    data = path.read_bytes()
    areas = parse_layer(data, party_field="party", valid_from_field="valid_from_approx")
    lg.import_control_layer(data, name="Turkish-backed zones", n_areas=len(areas), licence="CC BY-IGO 3.0",
                            source=layer_properties(data).get("source"), schematic=True,
                            params={"party_field": "party", "valid_from_field": "valid_from_approx"})
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_context(viewport={"width": 1200, "height": 1000}).new_page()
        page.goto(url + "/")
        _loaded(page)
        page.select_option("#control-layer", index=1)
        page.wait_for_selector("body[data-control]", state="attached")
        legend = page.locator(".control-legend")
        legend.wait_for()
        text = legend.inner_text()
        assert "Turkish-backed zones" in text and "SCHEMATIC" in text and "turkish_backed (turkey)" in text
        assert "CC BY-IGO 3.0" in text
        assert page.locator(".leaflet-control-pane path, .leaflet-pane path").count() >= 3
        page.screenshot(path=str(tmp_path / "control.png"))
        browser.close()


def test_map_layers_in_order_markers_capped_legend_and_no_console_errors(server, tmp_path):
    """Issue 17: countries always under governorates (their own panes, whichever file loads first), marker
    size capped, clusters in perpetrator colours, a legend with human actor names, a favicon (no 404 in the
    console), and governorate- or country-level incidents listed, not drawn as points."""
    from playwright.sync_api import sync_playwright

    url, lg = server
    require_map_assets()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        for _attempt in range(3):  # the order must hold on every reload
            page = browser.new_context(viewport={"width": 1200, "height": 1000}).new_page()
            errors: list[str] = []
            page.on("console", lambda m, errors=errors: errors.append(m.text) if m.type == "error" else None)
            page.goto(url + "/")
            _loaded(page)
            page.wait_for_selector("body[data-basemaps='loaded']", state="attached")
            z = page.evaluate("[getComputedStyle(document.querySelector('.leaflet-countries-pane')).zIndex,"
                              " getComputedStyle(document.querySelector('.leaflet-basemap-pane')).zIndex]")
            assert int(z[0]) < int(z[1])
            assert page.locator(".leaflet-countries-pane path").count() > 0
            assert page.locator(".leaflet-basemap-pane path").count() >= 14  # the governorates
            assert not errors, errors
        page.wait_for_selector("body[data-labels]", state="attached")  # place names from the gazetteer, offline
        names = page.locator(".leaflet-labels-pane .place-label").all_inner_texts()
        assert {"Aleppo", "Damascus", "Homs"} <= set(names) and len(names) < 40  # the largest towns only, at first
        legend = page.locator(".map-legend").inner_text()
        assert "Russian Armed Forces" in legend and "unattributed" in legend and "capped" in legend
        radii = page.evaluate("Array.from(document.querySelectorAll('path.incident-marker')).map(e => "
                              "e.getBBox().width / 2)")
        assert radii and max(radii) <= 22.5
        note = page.locator("#count").inner_text()
        assert "on the map" in note
        listed = page.locator("#list").inner_text()  # words, not ids
        assert "Russian Armed Forces" in listed and "single source" in listed and "single_source" not in listed
        assert page.request.get(url + "/favicon.ico").status == 200
        # the timeline is stacked by perpetrator in the map's colours
        fills = set(page.evaluate("Array.from(document.querySelectorAll('svg.timeline rect.bar'))"
                                  ".map(r => r.getAttribute('fill'))"))
        assert len(fills) >= 2 and "#d62728" in fills  # Russia's red among them
        page.screenshot(path=str(tmp_path / "overview-legend.png"))
        browser.close()


def test_brushing_choropleth_keyboard_and_the_incident_inset(server, tmp_path):
    """Issue 17: dragging across the timeline filters map and list to that period (and the address bar
    keeps it); the map can show incidents or killed per governorate instead of points, governorate-level
    incidents counted; the keyboard reaches the list (j/k), the words filter (/) and the timeline (arrows,
    Enter, Escape); an incident page shows where it happened on an inset map, in words, not ids."""
    from playwright.sync_api import sync_playwright

    url, lg = server
    require_map_assets()
    out = shots_dir(tmp_path)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_context(viewport={"width": 1200, "height": 1000}).new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(url + "/")
        _loaded(page)
        page.wait_for_selector("body[data-basemaps='loaded']", state="attached")
        total = int(page.evaluate("document.body.dataset.total"))
        # figures as the incident page writes them (thousands separators, "+" for "more than", "~" for "dozens")
        from harmledger.present.report import count_range

        by_id = {r["id"]: r for r in lg.incidents()}
        cells = page.evaluate("Array.from(document.querySelectorAll('#list tbody tr')).map(tr => "
                              "[tr.querySelector('a').getAttribute('href').split('/').pop(), tr.cells[2].textContent])")
        assert len(cells) == total and all(k == count_range(by_id[i], "killed") for i, k in cells)
        assert any("+" in k or "~" in k for _i, k in cells)
        bars = page.locator("svg.timeline rect.bar").all()
        months = sorted({b.get_attribute("data-month") for b in bars if b.get_attribute("height") != "0"})
        assert len(months) >= 3
        # drag from the first month with incidents to the second: a two-month period
        first = page.locator(f"svg.timeline rect.bar[data-month='{months[0]}']").first.bounding_box()
        second = page.locator(f"svg.timeline rect.bar[data-month='{months[1]}']").first.bounding_box()
        page.mouse.move(first["x"] + first["width"] / 2, first["y"] + first["height"] - 1)
        page.mouse.down()
        page.mouse.move(second["x"] + second["width"] / 2, second["y"] + second["height"] - 1, steps=5)
        page.mouse.up()
        page.wait_for_url(f"**since={months[0]}-01**")
        _loaded(page)
        n = int(page.evaluate("document.body.dataset.total"))
        assert 0 < n < total
        until = page.input_value("input[name=until]")
        assert until.startswith(months[1]) and page.input_value("input[name=since]") == months[0] + "-01"
        dates = page.locator("#list tbody tr td:first-child").all_inner_texts()
        assert len(dates) == n and all(d <= until for d in dates if d != "?")
        want = sum(1 for r in lg.incidents() if r["date_end"] and r["date_end"] >= months[0] + "-01"
                   and r["date_start"] and r["date_start"] <= until)
        assert n == want  # the ledger's own filter rules, applied in the page
        page.screenshot(path=str(out / "brushed.png"))
        # Escape on the timeline clears the period
        page.locator("svg.timeline").focus()
        page.keyboard.press("Escape")
        page.wait_for_selector(f"body[data-total='{total}']:not([data-loading='1'])", state="attached")
        # the keyboard: arrows choose a month, Enter filters to it
        page.locator("svg.timeline").focus()
        page.keyboard.press("ArrowRight")
        page.keyboard.press("Enter")
        page.wait_for_url("**since=**")
        _loaded(page)
        assert page.input_value("input[name=since]").endswith("-01")
        page.locator("button[type=reset]").click()
        page.wait_for_selector(f"body[data-total='{total}']:not([data-loading='1'])", state="attached")
        # choropleth: incidents per governorate, with a legend; no points drawn meanwhile
        page.select_option("#map-mode", "incidents")
        page.wait_for_selector("body[data-mode='incidents']", state="attached")
        shaded = page.evaluate("Array.from(document.querySelectorAll('.leaflet-choropleth-pane path'))"
                               ".map(p => p.getAttribute('fill'))")
        assert len(shaded) >= 14 and len(set(shaded)) >= 2
        assert page.locator("path.incident-marker").count() == 0
        assert "incidents per governorate" in page.locator(".choro-legend").inner_text()
        page.screenshot(path=str(out / "choropleth.png"))
        page.select_option("#map-mode", "killed")
        page.wait_for_selector("body[data-mode='killed']", state="attached")
        assert "killed" in page.locator(".choro-legend").inner_text()
        page.select_option("#map-mode", "points")
        page.wait_for_selector("body[data-mode='points']", state="attached")
        assert page.locator(".incident-marker, .marker-cluster").count() >= 1
        # keys: "/" focuses the words filter; j and k move through the listed incidents
        page.locator("h1").click()
        page.keyboard.press("/")
        assert page.evaluate("document.activeElement.name") == "q"
        page.keyboard.press("Escape")
        page.keyboard.press("j")
        page.keyboard.press("j")
        second_href = page.evaluate("document.activeElement.getAttribute('href')")
        assert second_href == page.locator("#list tbody tr td:first-child a").nth(1).get_attribute("href")
        page.keyboard.press("k")
        page.keyboard.press("Enter")
        page.wait_for_url("**/incidents/**")
        # the incident page: an inset map, the facts in words
        assert page.locator("svg.inset").count() == 1
        facts = page.locator("dl.facts").inner_text()
        assert "killed" in facts and "_" not in facts
        page.screenshot(path=str(out / "incident-inset.png"), full_page=True)
        assert not errors, errors
        browser.close()


def test_more_incidents_than_the_page_holds_are_filtered_by_the_server(server, tmp_path):
    """When the ledger holds more incidents than /api/map sends at once (here a limit of 20), the overview
    says the map shows the first ones, and every filter goes to the server: the list then holds exactly
    the ledger's matching incidents (up to the limit) and the count is the ledger's."""
    from playwright.sync_api import sync_playwright

    from harmledger.present.app import create_app

    _url, lg = server
    require_map_assets()
    with serving(create_app(ledger=lg, map_limit=20)) as url:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            page = browser.new_context(viewport={"width": 1200, "height": 1000}).new_page()
            page.goto(url + "/")
            _loaded(page)
            total = lg.stats()["incidents"]
            assert int(page.evaluate("document.body.dataset.total")) == total > 20
            assert "map shows the first 20" in page.locator("#count").inner_text()
            page.select_option("select[name=perpetrator]", "syrian_government")
            page.wait_for_url("**perpetrator=syrian_government**")
            _loaded(page)
            want = list(lg.incidents(order="date", perpetrator="syrian_government"))
            assert int(page.evaluate("document.body.dataset.total")) == len(want) > 0
            assert page.locator("#list tbody tr").count() == min(20, len(want))
            browser.close()


def test_arabic_reports_read_right_to_left_with_their_evidence_marked(tmp_path):
    """Issue 15: Syrian Archive titles in Arabic (the demo's, dev split) through the ledger to the pages: on
    the incident page and the stored document the Arabic text runs right to left (dir=auto), its evidence
    words are marked, and the marks are the original's exact characters."""
    import json
    import unicodedata

    from playwright.sync_api import sync_playwright

    from harmledger.present.app import create_app

    f = resources.files("harmledger.data.demo").joinpath("syrian_archive_titles_ar.jsonl")
    rows = [json.loads(x) for x in f.read_text("utf-8").splitlines() if x.strip()][:40]
    docs = [make_doc(r["text"], r["published"], r.get("publisher") or r["source"]) for r in rows]
    lg = resolved_ledger(tmp_path / "ar.db", docs)
    incs = [r for r in lg.incidents() if r["perpetrators"] and r["place_name"]]
    assert incs
    out = shots_dir(tmp_path)
    with serving(create_app(ledger=lg)) as url:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            page = browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
            page.goto(f"{url}/incidents/{incs[0]['id']}")
            cell = page.locator("td[dir=auto] div[dir=auto]").first  # the element that holds the quote
            assert page.evaluate("e => getComputedStyle(e).direction", cell.element_handle()) == "rtl"
            h1 = page.locator("h1").inner_text()
            assert incs[0]["date_start"] in h1  # the date reads as written beside an Arabic name (bdi)
            assert page.evaluate("() => document.querySelector('h1 bdi') !== null")
            marks = cell.locator("mark").all_inner_texts()
            assert marks and all(any(unicodedata.bidirectional(ch) == "AL" for ch in m) for m in marks)
            page.screenshot(path=str(out / "incident-ar.png"), full_page=True)
            page.click("td.meta a >> text=in the original")
            pre = page.locator("pre[dir=auto]")
            assert page.evaluate("e => getComputedStyle(e).direction", pre.element_handle()) == "rtl"
            original = pre.inner_text()
            assert original.strip() in {d.text.strip() for d in docs}
            assert all(m in original for m in pre.locator("mark").all_inner_texts())
            page.screenshot(path=str(out / "document-ar.png"), full_page=True)
            browser.close()
