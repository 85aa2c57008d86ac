"""Benchmark the Dask engine against the in-process engine on this machine.

Corpus: real reports (the 3,846 demo headlines joined three to a report, and every tenth report one of
the 75 re3d articles — about 1,000 characters a report) in 16 JSONL files, at 16k and 64k reports.
Measures docs/s in one process, with ``--jobs 2`` (two forked processes), with Dask and 1 worker, and with
Dask and 2 workers (each run from a cold cluster start, partitions sized by bytes, shards removed between
runs), the ratios between them, and the peak memory of each Dask worker process.

Run: ``python benchmarks/bench_dask.py [--reports 16000 64000] [--out benchmarks/results/dask.json]``.
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
from harmledger.scale import extract_local, local_pool, run  # noqa: E402


def worker_peak_mb(dask_worker=None) -> float:  # runs on a worker
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def corpus(dirpath: Path, reports: int, heads: list[dict], arts: list[str], n_files: int = 16) -> Path:
    src = dirpath / f"in-{reports}"
    src.mkdir()
    per = reports // n_files
    k = 0
    for s in range(n_files):
        with open(src / f"shard-{s:02d}.jsonl", "w", encoding="utf-8") as f:
            for i in range(per):
                if i % 10 == 0:
                    text = arts[k % len(arts)]
                else:
                    text = "\n".join(heads[(k * 3 + j) % len(heads)]["text"] for j in range(3))
                f.write(json.dumps({"text": text, "source": f"r{k}", "published": "2016-06-01"}) + "\n")
                k += 1
    return src


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, nargs="+", default=[16000, 64000])
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "dask.json")
    args = ap.parse_args()
    heads = [json.loads(x) for x in gzip.decompress(
        (ROOT / "harmledger/data/demo/ged2016_headlines.jsonl.gz").read_bytes()).decode("utf-8").splitlines()]
    arts = []
    for folder in sorted((ROOT / "tests/data/re3d").iterdir()):
        if folder.is_dir():
            arts += [json.loads(x)["text"] for x in open(folder / "documents.json", encoding="utf-8")]
    tmp = Path(tempfile.mkdtemp())
    ex = get_extractor()
    report = []
    for reports in args.reports:
        src = corpus(tmp, reports, heads, arts)
        mb = sum(p.stat().st_size for p in src.iterdir()) / 2**20
        print(f"corpus: {reports} reports in 16 JSONL files, {mb:.1f} MB")
        row: dict[str, object] = {"reports": reports, "mb": round(mb, 1)}
        t0 = time.perf_counter()
        n = sum(1 for d in read([src]) if not isinstance(d, ReadError) and ex.extract_document(d) is not None)
        row["in_process"] = n / (time.perf_counter() - t0)
        pool = local_pool(2, ex)
        t0 = time.perf_counter()
        n = sum(1 for _ in extract_local((d for d in read([src]) if not isinstance(d, ReadError)), pool))
        row["jobs_2"] = n / (time.perf_counter() - t0)
        pool.terminate()
        for workers in (1, 2):
            shards = tmp / f"shards-{reports}-{workers}"
            t0 = time.perf_counter()
            res = run([str(src)], str(shards), workers=workers)
            dt = time.perf_counter() - t0
            row[f"dask_{workers}"] = sum(r.documents for r in res) / dt
            row[f"partitions_{workers}"] = len(res)
            shutil.rmtree(shards)
        r = {k: (round(v, 1) if isinstance(v, float) else v) for k, v in row.items()}
        r["dask2_over_dask1"] = round(row["dask_2"] / row["dask_1"], 2)  # type: ignore[operator]
        r["dask2_over_in_process"] = round(row["dask_2"] / row["in_process"], 2)  # type: ignore[operator]
        r["dask2_over_jobs2"] = round(row["dask_2"] / row["jobs_2"], 2)  # type: ignore[operator]
        report.append(r)
        print(f"  in-process {r['in_process']:,.0f} docs/s; --jobs 2 {r['jobs_2']:,.0f}; dask 1 worker "
              f"{r['dask_1']:,.0f}; dask 2 workers {r['dask_2']:,.0f} ({r['partitions_2']} partitions; cluster "
              f"start included) = x{r['dask2_over_dask1']} of 1 worker, x{r['dask2_over_in_process']} of "
              f"in-process, x{r['dask2_over_jobs2']} of --jobs 2")
    from dask.distributed import Client, LocalCluster

    from harmledger.scale import extract_partition, plan

    src = tmp / f"in-{args.reports[-1]}"
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=40) as cluster, Client(cluster) as client:
        shards = tmp / "shards-mem"
        shards.mkdir()
        client.gather([client.submit(extract_partition, p, str(shards), pure=False)
                       for p in plan([str(src)], workers=2)])
        peaks = client.run(worker_peak_mb)
    print("peak memory per worker: " + ", ".join(f"{v:.0f} MB" for v in peaks.values()))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"results": report, "worker_peak_mb": [round(v) for v in peaks.values()],
                                    "python": sys.version.split()[0]}, indent=1))
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
