"""Shared fixtures: real documents shipped with the tests (re3d, Dstl; see tests/data/re3d/*/ATTRIBUTION)
and the real units of the hand-annotated dev set (GED 2016 headlines, re3d sentences); a fresh ledger on
SQLite and, when HARMLEDGER_TEST_PG is set, on a real PostgreSQL server."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text

from harmledger.store import Ledger

DATA = Path(__file__).parent / "data"
# a real PostgreSQL server when HARMLEDGER_TEST_PG is set (as .ci/run does), else SQLite only
PG = os.environ.get("HARMLEDGER_TEST_PG")
BACKENDS = ["sqlite"] + (["postgresql"] if PG else [])
if os.environ.get("HARMLEDGER_CI") and not PG:
    raise RuntimeError("CI runs the ledger tests on PostgreSQL too: HARMLEDGER_TEST_PG is not set")


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


@pytest.fixture(scope="session")
def en_dev() -> dict[str, dict]:
    """The dev split of the generalisation set (evaluation/enset): real units from ../shared/data that
    the rules were not written on; its test split is never read by a test."""
    from importlib import resources

    text = resources.files("harmledger.evaluation").joinpath("enset/units.jsonl").read_text("utf-8")
    return {u["id"]: u for u in (json.loads(x) for x in text.splitlines() if x.strip()) if u["split"] == "dev"}


@pytest.fixture(params=BACKENDS)
def ledger(request, tmp_path):
    if request.param == "sqlite":
        lg = Ledger(str(tmp_path / "ledger.db"))
        yield lg
        lg.close()
        return
    # a fresh database on the real server for each test
    from sqlalchemy import create_engine

    name = "hl_" + uuid.uuid4().hex[:12]
    admin = create_engine(PG, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f"CREATE DATABASE {name}"))
    url = PG.rsplit("/", 1)[0] + "/" + name
    lg = Ledger(url)
    yield lg
    lg.close()
    with admin.connect() as c:
        c.execute(text(f"DROP DATABASE {name}"))
    admin.dispose()
