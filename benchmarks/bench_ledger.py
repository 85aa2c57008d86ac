"""Benchmark the ledger: ingest + resolve docs/s on one core, and resolution of 1,000,000 claims.

1. ``ingest``: the bundled demo corpus (3,846 real reports) into a fresh SQLite ledger, then ``resolve``.
2. Resolution at scale: the demo ledger's real incident claims, resampled to 1,000,000 (each copy keeps a
   real claim's place, actors, means and counts, with its date shifted by a random number of days over
   four years and a random one of 40 publishers), clustered and summarised by ``harmledger.resolve`` —
   the same functions ``Ledger.resolve`` runs — with time and peak memory.

Run: ``python benchmarks/bench_ledger.py [--claims 1000000]``.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harmledger.extract import get_extractor  # noqa: E402
from harmledger.ingest import read  # noqa: E402
from harmledger.resolve import cluster, summarise  # noqa: E402
from harmledger.store import Ledger  # noqa: E402


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--claims", type=int, default=1_000_000)
    args = ap.parse_args()
    ex = get_extractor()
    corpus = ROOT / "harmledger" / "data" / "demo" / "ged2016_headlines.jsonl.gz"
    docs = [d for d in read([str(corpus)]) if not hasattr(d, "reason")]
    with tempfile.TemporaryDirectory() as tmp:
        lg = Ledger(str(Path(tmp) / "bench.db"))
        t0 = time.perf_counter()
        st = lg.ingest(docs, ex.extract_document)
        t1 = time.perf_counter()
        res = lg.resolve()
        t2 = time.perf_counter()
        with lg.engine.connect() as conn:
            refs = lg.claim_refs(conn)
        t3 = time.perf_counter()
        rep = lg.verify()
        t4 = time.perf_counter()
        lg.close()
    print(f"ingest: {st.documents} reports, {st.claims} claims in {t1 - t0:.1f} s = {st.documents / (t1 - t0):.0f} "
          f"docs/s on one core (extraction included); resolve {res['incidents']} incidents in {t2 - t1:.2f} s; "
          f"verify {t4 - t3:.2f} s ({'intact' if rep.ok else 'PROBLEMS'})")
    # the same ingest split into its parts (CPU seconds of this process)
    with tempfile.TemporaryDirectory() as tmp:
        c0 = time.process_time()
        pairs = [(d, [c.to_dict() for c in ex.extract_document(d)]) for d in docs]
        c1 = time.process_time()
        lg = Ledger(str(Path(tmp) / "split.db"))
        lg.ingest_extracted(iter(pairs))
        c2 = time.process_time()
        lg.resolve()
        c3 = time.process_time()
        lg.close()
    n = len(docs)
    print(f"ingest split (CPU s): extract {c1 - c0:.2f} ({n / (c1 - c0):.0f} docs/s), store {c2 - c1:.2f} "
          f"({n / (c2 - c1):.0f} docs/s), resolve {c3 - c2:.2f}; together {n / (c3 - c0):.0f} docs/s per core")
    rng = random.Random(7)
    publishers = [f"outlet-{i}" for i in range(40)]
    t0 = time.perf_counter()
    big = []
    for i in range(args.claims):
        c = refs[rng.randrange(len(refs))]
        shift = rng.randrange(0, 4 * 365)
        day = (c.day or 736000) + shift
        big.append(replace(c, id=i, uid=f"{i:032x}", day=day, day_end=day, source=rng.choice(publishers),
                           quote_key=None))
    t1 = time.perf_counter()
    groups = cluster(big, window_days=1)
    t2 = time.perf_counter()
    summaries = [summarise(big[j] for j in g) for g in groups]
    t3 = time.perf_counter()
    print(f"resolution of {len(big):,} resampled claims: cluster {t2 - t1:.1f} s + summarise {t3 - t2:.1f} s = "
          f"{t3 - t1:.1f} s -> {len(summaries):,} incidents; peak RSS {peak_mb():.0f} MB "
          f"(resampling took {t1 - t0:.1f} s)")


if __name__ == "__main__":
    main()
