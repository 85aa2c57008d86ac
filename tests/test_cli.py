"""The command line, run as a real process: the JSONL contract, formats, stdin and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

CLI = [sys.executable, "-m", "harmledger.cli"]


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(CLI + list(args), input=stdin, capture_output=True, text=True, timeout=120)


CONTRACT = {"doc": str, "source": str, "span": list, "text": str, "kind": str, "victims": str,
            "perpetrators": list, "means": list, "targets": list, "date": dict, "confidence": float}
COUNTS = ("killed", "injured", "children_killed", "women_killed", "displaced")


def check_contract(c: dict) -> None:
    for k, t in CONTRACT.items():
        assert isinstance(c[k], t), k
    assert c["kind"] in ("incident", "aggregate")
    assert c["victims"] in ("civilian", "combatant", "mixed", "unknown")
    for k in COUNTS:
        v = c[k]
        assert v is None or (isinstance(v["min"], int) and (v["max"] is None or isinstance(v["max"], int))
                             and isinstance(v["plus"], bool) and isinstance(v["vague"], bool)
                             and isinstance(v["evidence"], str))
    for p in c["perpetrators"]:
        assert set(p) >= {"id", "name", "evidence"}
    for m in c["means"]:
        assert m["id"] in {"airstrike", "helicopter_barrel_bomb", "shelling", "missile", "cluster_munition",
                           "chemical", "ground_fighting", "explosive_device", "gunfire", "siege"}
    for t in c["targets"]:
        assert t["id"] in {"hospital", "school", "market", "mosque", "bakery", "residential", "idp_camp",
                           "aid_convoy", "water", "power", "civil_defense", "other_infrastructure"}
    assert set(c["date"]) >= {"start", "end", "precision", "evidence"}
    if c["place"] is not None:
        assert set(c["place"]) >= {"name", "country", "admin1", "admin2", "lat", "lon", "precision", "evidence"}
        assert c["place"]["precision"] in (1, 2, 3, 4, 5, 6)


def test_txt_spans_index_the_file_content(tmp_path, dev_units):
    text = "\n".join(dev_units[u]["text"] for u in ("u0000", "u0099", "u0159")) + "\n"
    p = tmp_path / "report.txt"
    p.write_text(text, "utf-8")
    r = run("extract", str(p), "--published", "2016-07-29")
    assert r.returncode == 0, r.stderr
    claims = [json.loads(line) for line in r.stdout.splitlines()]
    assert len(claims) >= 6
    content = p.read_text("utf-8")
    for c in claims:
        check_contract(c)
        assert content[c["span"][0]:c["span"][1]] == c["text"]
        assert c["source"] == str(p)


def test_stdin_json_and_table_formats(dev_units):
    text = dev_units["u0000"]["text"]
    r = run("extract", "-", "--format", "json", stdin=text)
    assert r.returncode == 0, r.stderr
    (c,) = json.loads(r.stdout)
    check_contract(c)
    assert c["killed"]["min"] == 18 and c["source"] == "<stdin>"
    r = run("extract", "-", "--format", "table", stdin=text)
    assert r.returncode == 0 and "airstrike" in r.stdout and "Aleppo" in r.stdout


def test_exit_code_is_nonzero_only_when_nothing_could_be_read(tmp_path, dev_units):
    good = tmp_path / "good.txt"
    good.write_text(dev_units["u0000"]["text"], "utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    r = run("extract", str(empty), str(good), str(tmp_path / "missing.html"))
    assert r.returncode == 0
    assert len(r.stdout.splitlines()) == 1
    errs = r.stderr.strip().splitlines()
    assert errs == [f"harmledger: {empty}: empty file",
                    f"harmledger: {tmp_path / 'missing.html'}: no such file or directory"]
    r = run("extract", str(empty))
    assert r.returncode == 1 and "empty file" in r.stderr


def test_bad_published_date_is_refused():
    r = run("extract", "-", "--published", "July 2016", stdin="12 killed in Douma")
    assert r.returncode == 2 and "YYYY-MM-DD" in r.stderr


def test_demo_runs_on_the_bundled_corpus(tmp_path):
    out = tmp_path / "demo"
    r = run("demo", "--limit", "300", "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert "read 300 reports" in r.stdout and "UCDP GED" in r.stdout and "intact" in r.stdout
    lines = (out / "claims.jsonl").read_text("utf-8").splitlines()
    assert len(lines) > 200
    check_contract(json.loads(lines[0]))
    gj = json.loads((out / "incidents.geojson").read_text("utf-8"))
    assert gj["type"] == "FeatureCollection" and gj["features"]
    assert gj["features"][0]["geometry"]["type"] == "Point"
    head = (out / "incidents-ucdp.csv").read_text("utf-8").splitlines()[0]
    assert {"best", "low", "high", "where_prec", "date_prec", "adm_1", "latitude"} <= set(head.split(","))
    head = (out / "incidents-acled.csv").read_text("utf-8").splitlines()[0]
    assert {"event_type", "sub_event_type", "fatalities", "notes"} <= set(head.split(","))
    assert (out / "tally-month-perpetrator.png").read_bytes()[:4] == b"\x89PNG"
    import pyarrow.parquet as pq

    assert pq.read_table(out / "incidents.parquet").num_rows == len(
        (out / "incidents.csv").read_text("utf-8").splitlines()) - 1


def test_geocode_reads_stdin_and_prints_one_line_per_input_line():
    names = "Haritan\nnowhere-at-all-xyz\n\n#DeirEzzor\nYemen\nАлеппо\n"
    r = run("geocode", "-", "--format", "jsonl", stdin=names)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert len(lines) == 6
    rows = [json.loads(x) for x in lines]
    assert rows[1] is None and rows[2] is None
    assert rows[0]["admin1"] == "Aleppo" and rows[3]["admin1"] == "Deir ez-Zor" and rows[4]["country"] == "YE"
    for row in (rows[0], rows[3], rows[5]):
        assert set(row) >= {"name", "country", "admin1", "admin2", "lat", "lon", "precision", "score"}


def test_geocode_table_ranks_candidates_and_context_changes_the_choice():
    r = run("geocode", "Mansura", "--format", "jsonl", "--context", "in Tartous countryside")
    first = json.loads(r.stdout.splitlines()[0])
    assert first["admin1"] == "Tartus"
    r = run("geocode", "Maarat al-Numan")
    assert r.returncode == 0 and "Idlib" in r.stdout
    r = run("geocode", "qqqqzzzz")
    assert r.returncode == 1 and "no place found" in r.stderr
