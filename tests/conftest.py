"""Shared fixtures: real documents shipped with the tests (re3d, Dstl; see tests/data/re3d/*/ATTRIBUTION)
and the real units of the hand-annotated dev set (GED 2016 headlines, re3d sentences)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def re3d_docs() -> list[dict]:
    docs = []
    for folder in sorted((DATA / "re3d").iterdir()):
        if folder.is_dir():
            for line in open(folder / "documents.json", encoding="utf-8"):
                d = json.loads(line)
                d["folder"] = folder.name
                docs.append(d)
    return docs


@pytest.fixture(scope="session")
def dev_units() -> dict[str, dict]:
    from importlib import resources

    text = resources.files("harmledger.evaluation").joinpath("devset/units.jsonl").read_text("utf-8")
    return {u["id"]: u for u in (json.loads(x) for x in text.splitlines() if x.strip())}
