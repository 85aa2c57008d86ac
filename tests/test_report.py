"""The static HTML report: self-contained, offline, every scraped text escaped."""

from __future__ import annotations

import re
import subprocess
import sys

from helpers import dev_docs, make_doc, resolved_ledger

from harmledger.present.report import write_report
from harmledger.store import Ledger

PAYLOADS = ["<script>alert('x')</script>", "<img src=x onerror=alert(1)>", "\"><svg onload=alert(2)>"]


def test_report_is_self_contained_and_escapes_scraped_text(tmp_path, dev_units):
    docs = dev_docs(dev_units, 60)
    docs.append(make_doc(f"Russian warplanes kill 12 civilians in Saraqib {PAYLOADS[0]} {PAYLOADS[1]}", "2016-02-15",
                    f"Evil {PAYLOADS[2]}", url="javascript:alert(3)"))
    lg = resolved_ledger(tmp_path / "l.db", docs)
    path = write_report(lg, tmp_path / "rep")
    page = path.read_text("utf-8")
    assert "<script" not in page.lower() and "<img" not in page.lower()
    assert not re.search(r"<[^>]*\bon\w+=", page)  # no event-handler attribute in any tag
    assert "&lt;script&gt;alert(" in page  # the payload is shown as text, not run
    assert "javascript:" not in page  # only http(s) source links become links
    assert not re.search(r"<[^>]*\bsrc=", page)  # no tag loads anything (no external resources)
    assert page.count("<circle") >= 10 and "<svg class=\"map\"" in page
    assert "<mark>" in page and "Saraqib" in page and "intact" in page
    # every incident has an anchor the map links to
    for m in re.finditer(r'<a href="#([^"]+)"><circle', page):
        assert f"id='{m.group(1)}'" in page


def test_report_command(tmp_path, dev_units):
    resolved_ledger(tmp_path / "l.db", dev_docs(dev_units, 20))
    r = subprocess.run([sys.executable, "-m", "harmledger.cli", "report", "--db", str(tmp_path / "l.db"), "--out",
                        str(tmp_path / "out")], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and (tmp_path / "out" / "index.html").exists()
    page = (tmp_path / "out" / "index.html").read_text("utf-8")
    lg = Ledger(str(tmp_path / "l.db"), create=False)
    assert "intact" in page and page.count("<div class='inc'") == lg.stats()["incidents"] > 0
    lg.close()
