"""The gazetteer snapshot: a gazetteer loaded from it finds and places exactly what a freshly built one
does; a damaged, truncated or foreign file is never read (it is rebuilt); snapshots can be turned off."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from harmledger.geo import snapshot
from harmledger.geo.gazetteer import Gazetteer


def _texts() -> list[str]:
    """Real units: GED 2016 headlines and re3d sentences (dev set), Syrian Archive titles in Arabic."""
    out = [json.loads(x)["text"] for x in resources.files("harmledger.evaluation").joinpath(
        "devset/units.jsonl").read_text("utf-8").splitlines() if x.strip()]
    out += [json.loads(x)["text"] for x in resources.files("harmledger.evaluation").joinpath(
        "devset_ar/units.jsonl").read_text("utf-8").splitlines() if x.strip()]
    return out


def _read(g: Gazetteer, texts: list[str]) -> list[object]:
    out: list[object] = []
    for t in texts:
        for m in g.find(t):
            p = g.resolve(m, t)
            out.append((m.start, m.end, m.key, tuple(m.entries), p and (p.gazetteer_id, p.precision, p.admin1)))
    return out


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("HARMLEDGER_CACHE_DIR", str(tmp_path))
    return tmp_path


def test_a_loaded_snapshot_reads_as_the_built_gazetteer(cache):
    texts = _texts()
    built = Gazetteer(snapshot=False)
    first = Gazetteer()  # builds, and writes the snapshot
    files = list(cache.glob("gazetteer-syria-*.pickle"))
    assert len(files) == 1 and files[0].stat().st_size > 1_000_000
    loaded = Gazetteer()
    assert snapshot.load(("syria",)) is not None
    assert len(loaded.entries) == len(built.entries) and loaded.keys == built.keys
    want = _read(built, texts)
    assert len(want) > 500
    assert _read(loaded, texts) == want == _read(first, texts)
    # the name queries (transliteration, vowel and skeleton keys) too
    for name in ("Baghuz Fawqani", "Qameshly", "Menbej", "Maarat an Numan", "كفرنبل", "Shekh Meskin"):
        a, b = built.candidates(name, None, 3), loaded.candidates(name, None, 3)
        assert [(p.gazetteer_id, c.score) for p, c in a] == [(p.gazetteer_id, c.score) for p, c in b], name


def test_a_damaged_or_foreign_snapshot_is_rebuilt_not_read(cache):
    Gazetteer()
    (f,) = cache.glob("gazetteer-syria-*.pickle")
    good = f.read_bytes()
    for bad in (good[: len(good) // 2],  # cut short
                good[:-10] + bytes(10),  # its last bytes overwritten
                good[:7] + bytes(32) + good[39:],  # built from other files (another digest)
                b"not a snapshot"):
        f.write_bytes(bad)
        assert snapshot.load(("syria",)) is None
        g = Gazetteer()  # rebuilt, and the snapshot written anew
        assert g.find("Airstrikes hit Kafr Nabl")[0].key == "kafr nabl"
        assert snapshot.load(("syria",)) is not None


def test_snapshots_off_and_an_unwritable_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("HARMLEDGER_CACHE_DIR", "off")
    assert snapshot.cache_dir() is None
    assert Gazetteer().find("shelling on Douma")[0].key == "douma"
    blocked = tmp_path / "a-file"  # a folder that cannot be made (even by root): a file stands in its way
    blocked.write_text("x")
    monkeypatch.setenv("HARMLEDGER_CACHE_DIR", str(blocked / "harmledger"))
    assert Gazetteer().find("shelling on Douma")[0].key == "douma"  # built; nothing written, no error
    assert blocked.read_text() == "x"


def test_an_old_snapshot_that_cannot_be_removed_is_left_and_nothing_fails(cache):
    """Another user's file or one held open cannot be removed: the new snapshot is still written and used."""
    Gazetteer()
    (f,) = cache.glob("gazetteer-syria-*.pickle")
    stuck = f.with_name(f.name[:-len("0" * 24 + ".pickle")] + "0" * 24 + ".pickle")
    stuck.mkdir()  # unlink() of a folder fails (IsADirectoryError), as for a file we may not remove
    f.unlink()
    Gazetteer()  # builds and writes, then fails to remove the stuck one: no error
    assert stuck.is_dir() and snapshot.load(("syria",)) is not None
