"""Pages in real headless Chromium (Debian's chromium, driven by Playwright): the overview shows incident
markers, a marker leads to the incident's evidence page, a source leads to the stored document, and no
script planted in a report runs on any page. Screenshots go to the test's temp dir."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time

import pytest
from helpers import dev_docs, make_doc, resolved_ledger

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed "
                                "(.ci/run installs it)")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PAYLOAD = "<script>window.__pwned=1;alert('x')</script><img src=x onerror=\"window.__pwned=2\">"


@pytest.fixture(scope="module")
def server(tmp_path_factory, dev_units):
    import uvicorn

    from harmledger.present.app import create_app

    docs = dev_docs(dev_units, 80)
    docs.append(make_doc(f"Russian warplanes kill 12 civilians in Saraqib {PAYLOAD}", "2016-02-15",
                         f"Evil {PAYLOAD}"))
    lg = resolved_ledger(tmp_path_factory.mktemp("web") / "l.db", docs)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(ledger=lg), host="127.0.0.1", port=port, log_level="warning"))
    t = threading.Thread(target=srv.run, daemon=True)
    t.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    t.join(timeout=10)


def test_overview_marker_incident_source_and_no_script_runs(server, tmp_path):
    from playwright.sync_api import sync_playwright

    dialogs: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(server + "/")
        markers = page.locator("svg.map circle")
        assert markers.count() >= 10
        page.screenshot(path=str(tmp_path / "overview.png"), full_page=True)
        # the Saraqib incident, reached from the list, then its source document
        page.locator("tr", has_text="Saraqib").locator("a").first.click()
        assert "/incidents/" in page.url and page.locator("mark").count() >= 1
        assert page.evaluate("window.__pwned") is None
        page.screenshot(path=str(tmp_path / "incident.png"), full_page=True)
        page.click("td.meta a")
        assert "/documents/" in page.url
        assert "window.__pwned=1" in page.inner_text("pre")  # shown as text
        assert page.evaluate("window.__pwned") is None
        # a marker on the map leads to an incident page too
        page.goto(server + "/")
        page.locator("svg.map a").last.click()  # drawn last: on top of the others
        assert "/incidents/" in page.url
        browser.close()
    assert dialogs == []
    assert (tmp_path / "overview.png").stat().st_size > 10_000
