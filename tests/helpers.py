"""Small builders shared by the tests: documents from real text, and a resolved ledger of them."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from harmledger import Document
from harmledger.extract import get_extractor
from harmledger.store import Ledger


def require_map_assets() -> None:
    """The web UI's Leaflet build must be there wherever npm is (pip install builds it); without npm the
    overview falls back to its SVG map and the map tests are skipped."""
    import shutil

    import pytest

    from harmledger.present.app import interactive_assets

    if not interactive_assets():
        if shutil.which("npm"):
            pytest.fail("npm is installed but the Leaflet build is missing (pip install runs setup.py's npm ci)")
        if os.environ.get("HARMLEDGER_CI"):
            pytest.fail("CI installs npm: the overview map libraries must be built")
        pytest.skip("no npm: the overview map libraries are not built")


def make_doc(text: str, published: str, publisher: str, url: str | None = None) -> Document:
    """A document as a reader would make it from a .txt file with this text."""
    raw = text.encode("utf-8")
    return Document(doc=hashlib.sha256(raw).hexdigest(), source=f"{publisher}/{published}", text=text,
                    format="txt", published=published, publisher=publisher, size=len(raw), raw=raw, url=url)


def dev_docs(dev_units: dict[str, dict], n: int) -> list[Document]:
    """The first ``n`` dev-set units as SOHR reports."""
    return [make_doc(dev_units[u]["text"], dev_units[u]["published"] or "2016-06-01", "SOHR")
            for u in sorted(dev_units)[:n]]


def resolved_ledger(path: Path, docs: list[Document]) -> Ledger:
    """A SQLite ledger at ``path`` holding ``docs``, their claims and incidents."""
    lg = Ledger(str(path))
    lg.ingest(docs, get_extractor().extract_document)
    lg.resolve()
    return lg
