"""``harmledger demo``: the main job on the bundled demo corpus — extract, store, resolve, export — with a
short human summary."""

from __future__ import annotations

import json
import time
from collections import Counter
from importlib import resources
from pathlib import Path

import click

from .extract import get_extractor
from .model import Document
from .present.report import count_range

ATTRIBUTION = ("Demo corpus: source headlines of UCDP GED 19.1, Syria 2016 (CC BY 4.0; Sundberg & Melander "
               "2013, JPR 50(4); Högbladh 2019, UCDP GED Codebook 19.1); Arabic video titles from Syrian Archive "
               "(syrianarchive.org), CC BY-SA 4.0, and the channels that wrote them.")
# English headlines, then Arabic titles: the demo reads both languages
CORPUS = ("ged2016_headlines.jsonl.gz", "syrian_archive_titles_ar.jsonl")


def run_demo(limit: int | None = None, out_dir: str = "harmledger-demo") -> dict[str, object]:
    from .cli import read_documents
    from .present.export import export, tally, tally_chart
    from .store import Ledger

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    ex = get_extractor()
    t0 = time.perf_counter()
    docs: list[Document] = []
    read_stats: Counter[str] = Counter()
    for name in CORPUS:
        corpus = resources.files("harmledger.data.demo").joinpath(name)
        with resources.as_file(corpus) as path:
            for item in read_documents([str(path)], read_stats):
                if limit is not None and len(docs) >= limit:
                    break
                docs.append(item)
    errors = read_stats["errors"]
    kinds: Counter[str] = Counter()
    perps: Counter[str] = Counter()
    means: Counter[str] = Counter()
    govs: Counter[str] = Counter()
    with open(out / "claims.jsonl", "w", encoding="utf-8") as f:
        def extract_and_write(d: Document) -> list:
            cs = ex.extract_document(d)
            for c in cs:
                kinds[c.kind] += 1
                perps.update({p.name or p.id for p in c.perpetrators})
                means.update({m.id for m in c.means})
                if c.place:
                    govs[c.place.admin1 or c.place.country or "?"] += 1
                f.write(json.dumps(c.to_dict(), ensure_ascii=False) + "\n")
            return cs

        ledger = Ledger(str(out / "ledger.db"))
        st = ledger.ingest(docs, extract_and_write)
    res = ledger.resolve()
    stats = ledger.stats()
    files = []
    for fmt, name in (("csv", "incidents.csv"), ("geojson", "incidents.geojson"), ("parquet", "incidents.parquet"),
                      ("ucdp", "incidents-ucdp.csv"), ("acled", "incidents-acled.csv")):
        export(ledger, fmt, out / name)
        files.append(name)
    rows = tally(ledger, ["month", "perpetrator"])
    tally_chart(rows, ["month", "perpetrator"], out / "tally-month-perpetrator.png")
    files.append("tally-month-perpetrator.png")
    from .present.report import write_report

    write_report(ledger, out / "report")
    files.append("report/index.html")
    v = ledger.verify()
    dt = time.perf_counter() - t0

    def top(c: Counter[str], n: int = 6) -> str:
        return ", ".join(f"{k} {v}" for k, v in c.most_common(n)) or "-"

    click.echo(ATTRIBUTION)
    click.echo(f"read {len(docs)} reports ({errors} unreadable) in {dt:.1f} s: {st.documents} stored "
               f"({st.duplicates} already in the ledger)")
    click.echo(f"claims {stats['claims']}: {kinds['incident']} about incidents, {kinds['aggregate']} aggregate tallies "
               f"-> {res['incidents']} incidents after merging reports of the same event")
    click.echo(f"  perpetrators named: {top(perps)}")
    click.echo(f"  means:              {top(means)}")
    click.echo(f"  places:             {top(govs, 8)}")
    click.echo("  top incidents (killed: lowest-highest reported; grade; sources):")
    for r in ledger.incidents(limit=6):
        if r["killed_min"] is None:
            break
        rng = count_range(r, "killed", dash="-")
        click.echo(f"    {rng:>9}  {r['date_start'] or '?':<10}  {(r['place_name'] or 'place unknown'):<22} "
                   f"{(r['perpetrators'] or 'unattributed'):<30} {r['grade']} ({r['n_sources']})")
    click.echo(f"ledger {out / 'ledger.db'} verified: {'intact' if v.ok else 'PROBLEMS'}; wrote "
               + ", ".join(str(out / f) for f in ["claims.jsonl", *files]))
    click.echo(f"open {out / 'report' / 'index.html'} offline, or serve the ledger: "
               f"harmledger serve --db {out / 'ledger.db'}")
    return {"documents": len(docs), "claims": stats["claims"], "incidents": res["incidents"], "seconds": dt}
