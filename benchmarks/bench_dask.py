"""Benchmark the Dask engine against the in-process engine on this machine.

Corpus: 16 JSONL shards of real reports (the 3,846 demo headlines and the 75 re3d articles, each shard
holding headlines joined three to a report plus articles — about 1,000 characters a report), so that
every worker has work. Measures docs/s in-process, with Dask and 1 worker, with Dask and 2 workers
(shards already written are removed between runs), and the peak memory of each worker process.

Run: ``python benchmarks/bench_dask.py [--reports 24000]``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harmledger.extract import get_extractor  # noqa: E402
from harmledger.ingest import ReadError, read  # noqa: E402
from harmledger.scale import run  # noqa: E402


def worker_peak_mb(dask_worker=None) -> float:  # runs on a worker
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=24000)
    args = ap.parse_args()
    heads = [json.loads(x) for x in gzip.decompress(
        (ROOT / "harmledger/data/demo/ged2016_headlines.jsonl.gz").read_bytes()).decode("utf-8").splitlines()]
    arts = []
    for folder in sorted((ROOT / "tests/data/re3d").iterdir()):
        if folder.is_dir():
            arts += [json.loads(x)["text"] for x in open(folder / "documents.json", encoding="utf-8")]
    tmp = Path(tempfile.mkdtemp())
    src = tmp / "in"
    src.mkdir()
    n_shards = 16
    per = args.reports // n_shards
    k = 0
    for s in range(n_shards):
        with open(src / f"shard-{s:02d}.jsonl", "w", encoding="utf-8") as f:
            for i in range(per):
                if i % 10 == 0:
                    text = arts[k % len(arts)]
                else:
                    text = "\n".join(heads[(k * 3 + j) % len(heads)]["text"] for j in range(3))
                f.write(json.dumps({"text": text, "source": f"r{k}", "published": "2016-06-01"}) + "\n")
                k += 1
    print(f"corpus: {k} reports in {n_shards} shards, {sum(p.stat().st_size for p in src.iterdir()) / 1e6:.1f} MB")
    ex = get_extractor()
    t0 = time.perf_counter()
    n_local = 0
    for d in read([src]):
        if not isinstance(d, ReadError):
            ex.extract_document(d)
            n_local += 1
    local = n_local / (time.perf_counter() - t0)
    print(f"in-process: {local:,.0f} docs/s")
    for workers in (1, 2):
        shards = tmp / f"shards-{workers}"
        t0 = time.perf_counter()
        res = run([str(src)], str(shards), workers=workers)
        dt = time.perf_counter() - t0
        n = sum(r.documents for r in res)
        print(f"dask, {workers} worker(s): {n / dt:,.0f} docs/s ({dt:.1f} s incl. cluster start), "
              f"x{(n / dt) / local:.2f} of in-process")
    from dask.distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=40) as cluster, Client(cluster) as client:
        shards = tmp / "shards-mem"
        futs = [client.submit(__import__("harmledger.scale", fromlist=["x"]).extract_partition, str(p), str(shards),
                              pure=False) for p in sorted(src.iterdir())]
        shards.mkdir()
        client.gather(futs)
        peaks = client.run(worker_peak_mb)
        print("peak memory per worker: " + ", ".join(f"{v:.0f} MB" for v in peaks.values()))
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
