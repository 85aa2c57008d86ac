"""``harmledger demo``: the main job on the bundled demo corpus, with a short human summary."""

from __future__ import annotations

import json
import time
from collections import Counter
from importlib import resources

import click

from .extract import get_extractor
from .ingest import ReadError, read

ATTRIBUTION = ("Demo corpus: source headlines of UCDP GED 19.1, Syria 2016 (CC BY 4.0; Sundberg & Melander "
               "2013, JPR 50(4); Högbladh 2019, UCDP GED Codebook 19.1).")


def run_demo(limit: int | None = None, out_path: str = "harmledger-demo-claims.jsonl") -> dict[str, object]:
    ex = get_extractor()
    t0 = time.perf_counter()
    corpus = resources.files("harmledger.data.demo").joinpath("ged2016_headlines.jsonl.gz")
    with resources.as_file(corpus) as path:
        docs = claims = errors = 0
        kinds: Counter[str] = Counter()
        perps: Counter[str] = Counter()
        means: Counter[str] = Counter()
        targets: Counter[str] = Counter()
        govs: Counter[str] = Counter()
        biggest: list[tuple[int, str, str]] = []
        with open(out_path, "w", encoding="utf-8") as out:
            for item in read([str(path)]):
                if limit is not None and docs >= limit:
                    break
                if isinstance(item, ReadError):
                    errors += 1
                    click.echo(str(item), err=True)
                    continue
                docs += 1
                for c in ex.extract_document(item):
                    claims += 1
                    kinds[c.kind] += 1
                    perps.update({p.name or p.id for p in c.perpetrators})
                    means.update({m.id for m in c.means})
                    targets.update({t.id for t in c.targets})
                    if c.place:
                        govs[c.place.admin1 or c.place.country or "?"] += 1
                    if c.killed and c.kind == "incident":
                        biggest.append((c.killed.min, c.quote or c.text, item.published or "?"))
                    out.write(json.dumps(c.to_dict(), ensure_ascii=False) + "\n")
    dt = time.perf_counter() - t0

    def top(c: Counter[str], n: int = 6) -> str:
        return ", ".join(f"{k} {v}" for k, v in c.most_common(n)) or "-"

    click.echo(ATTRIBUTION)
    click.echo(f"read {docs} reports ({errors} unreadable) in {dt:.1f} s; {claims} claims: "
               f"{kinds['incident']} incidents, {kinds['aggregate']} aggregate tallies")
    click.echo(f"  perpetrators: {top(perps)}")
    click.echo(f"  means:        {top(means)}")
    click.echo(f"  targets:      {top(targets)}")
    click.echo(f"  places:       {top(govs, 8)}")
    click.echo("  largest single-incident claims (killed, as reported; not yet merged across sources):")
    for k, q, d in sorted(biggest, key=lambda x: -x[0])[:5]:
        click.echo(f"    {k:>4}  {d}  {q[:110]}")
    click.echo(f"claims written to {out_path}")
    return {"documents": docs, "claims": claims, "seconds": dt}
