"""Benchmark the geocoder: load time, cold and warm ``geocode(name)`` lookups per second, ``find`` speed.

Names: every ``where_coordinates`` string of UCDP GED (all years, as real queries) when the shared CSV
is beside the repo, else the place names of the bundled demo corpus' gazetteer hits.
Run: ``python benchmarks/bench_geo.py [--ged PATH]``.
"""

from __future__ import annotations

import argparse
import csv
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--ged", type=Path, default=ROOT.parent / "shared" / "data" / "ucdp-ged-syria-2016-2019.csv")
    args = ap.parse_args()
    t0 = time.perf_counter()
    from harmledger.geo.gazetteer import Gazetteer

    g = Gazetteer()
    load_s = time.perf_counter() - t0
    if args.ged.exists():
        names = [r["where_coordinates"] for r in csv.DictReader(open(args.ged, encoding="utf-8"))
                 if r["where_coordinates"]]
    else:
        names = [e.name for e in g.entries[:20000]]
    distinct = list(dict.fromkeys(names))
    t0 = time.perf_counter()
    found = sum(g.geocode(n) is not None for n in distinct)
    cold = len(distinct) / (time.perf_counter() - t0)
    reps = 10
    t0 = time.perf_counter()
    for _ in range(reps):
        for n in names:
            g.geocode(n)
    warm = reps * len(names) / (time.perf_counter() - t0)
    heads = [r["source_headline"] for r in csv.DictReader(open(args.ged, encoding="utf-8"))] if args.ged.exists() \
        else distinct
    t0 = time.perf_counter()
    for h in heads:
        g.find(h)
    find_s = len(heads) / (time.perf_counter() - t0)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"gazetteer: {len(g.entries)} entries, {len(g.keys)} keys; load {load_s:.2f} s; peak RSS {peak:.0f} MB")
    print(f"geocode cold: {cold:,.0f} names/s over {len(distinct)} distinct names ({found} found)")
    print(f"geocode warm: {warm:,.0f} lookups/s over {reps} x {len(names)} names")
    print(f"find in text: {find_s:,.0f} headlines/s")


if __name__ == "__main__":
    main()
