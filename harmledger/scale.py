"""Scale stage: the same extraction on Dask, from one laptop core to a cluster.

The inputs are partitioned by file (a WARC archive, a JSONL shard, an HTML page or a directory's
files). Each partition is read, prefiltered and extracted on a Dask worker, and written as one Parquet
**claim shard** (its documents with their original bytes and capture metadata, and their claims as
JSON). A finished shard is named after its input (path, size, modification time, options and the
harmledger version) and written atomically, so a re-run skips it: runs are resumable. The driver then
reads the shards in input order — giving exactly the claims, in the same order, as the in-process
engine — and, for ``ingest``, stores them in the ledger and resolves incidents.

Workers only need harmledger installed; the gazetteer and lexicons load once per worker process.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__
from .ingest import ReadError, iter_files, read
from .model import Comment, Document

DOC_FIELDS = ("doc", "source", "text", "format", "title", "published", "author", "url", "publisher",
              "captured_at", "size", "encoding")

# ---------------------------------------------------------------------- local processes (--jobs N)
# The extractor of the parent process, loaded (and its lazy gazetteer indexes built) before the workers
# are forked, so that every worker shares it copy-on-write instead of loading its own.
_FORKED: Any = None


def _claims_of(doc: Document) -> list[Any]:
    return _FORKED.extract_document(doc)


def _claim_dicts_of(doc: Document) -> list[dict[str, Any]]:
    return [c.to_dict() for c in _FORKED.extract_document(doc)]


def batch_extractor(pool: Any) -> Callable[[list[Document]], Any]:
    """For :meth:`harmledger.store.Ledger.ingest`: a batch of documents extracted by ``pool``'s forked
    workers, as a pending result whose ``get()`` gives each document's claim dicts, in order."""
    return lambda docs: pool.map_async(_claim_dicts_of, docs, chunksize=max(1, len(docs) // 16))


def _claim_lines_of(doc: Document) -> str:
    """The document's claims as JSONL text (what ``extract`` prints), made in the worker."""
    return "".join(json.dumps(c.to_dict(), ensure_ascii=False) + "\n" for c in _FORKED.extract_document(doc))


def can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def local_pool(jobs: int, extractor: Any) -> Any:
    """A pool of ``jobs`` processes forked after ``extractor`` is loaded and warmed (its lazy indexes built
    in the parent). ValueError where processes cannot be forked (Windows)."""
    import multiprocessing

    global _FORKED
    if not can_fork():
        raise ValueError("--jobs needs a system that forks processes (Linux, macOS); use --engine dask")
    _FORKED = extractor
    g = extractor.gaz
    _ = g.skeletons, g.vowels, g.deep_get(""), g.translit  # built once here, shared by the forked workers
    return multiprocessing.get_context("fork").Pool(jobs)


def extract_local(docs: Iterator[Document], pool: Any, *, chunksize: int = 16, as_lines: bool = False
                  ) -> Iterator[tuple[Document, Any]]:
    """``(document, claims)`` for each document, in input order, extracted by the forked processes of
    ``pool`` (:func:`local_pool`): the same claims as the extractor gives in this process (with
    ``as_lines``, already as the JSONL text ``extract`` prints)."""
    from collections import deque

    sent: deque[Document] = deque()

    def feed() -> Iterator[Document]:
        for d in docs:
            sent.append(d)
            yield d

    for claims in pool.imap(_claim_lines_of if as_lines else _claims_of, feed(), chunksize=chunksize):
        yield sent.popleft(), claims


@dataclass
class ShardResult:
    input: str
    shard: str
    documents: int
    claims: int
    errors: list[str]
    skipped: bool = False  # already done by an earlier run
    offtopic: int = 0


def partitions(paths: list[str]) -> list[str]:
    """The files to process, in the order the in-process engine reads them."""
    out: list[str] = []
    for p in paths:
        if p == "-":
            raise ValueError("the dask engine reads files, not stdin")
        pp = Path(p)
        if pp.is_dir():
            out += [str(f) for f in iter_files(pp)]
        else:
            out.append(str(pp))
    return out


def shard_name(path: str, published: str | None, prefilter: bool | None) -> str:
    try:
        st = os.stat(path)
        ident = f"{os.path.abspath(path)}|{st.st_size}|{st.st_mtime_ns}"
    except OSError:
        ident = f"{os.path.abspath(path)}|missing"
    h = hashlib.sha256(f"{ident}|{published}|{prefilter}|{__version__}".encode()).hexdigest()[:24]
    return f"shard-{h}.parquet"


def extract_partition(path: str, out_dir: str, published: str | None = None,
                      prefilter: bool | None = None) -> ShardResult:
    """Read, extract and write one partition's claim shard (runs on a worker)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from .extract import get_extractor

    target = Path(out_dir) / shard_name(path, published, prefilter)
    if target.exists():
        meta = pq.read_metadata(target).metadata or {}
        info = json.loads(meta.get(b"harmledger", b"{}"))
        return ShardResult(path, str(target), info.get("documents", 0), info.get("claims", 0),
                           info.get("errors", []), skipped=True, offtopic=info.get("offtopic", 0))
    ex = get_extractor()
    rows: dict[str, list[Any]] = {k: [] for k in (*DOC_FIELDS, "raw", "claims", "thread")}
    errors: list[str] = []
    dropped: dict[str, int] = {}
    n_claims = 0
    for item in read([path], published=published, prefilter=prefilter, stats=dropped):
        if isinstance(item, ReadError):
            errors.append(str(item))
            continue
        claims = [c.to_dict() for c in ex.extract_document(item)]
        n_claims += len(claims)
        for k in DOC_FIELDS:
            rows[k].append(getattr(item, k))
        rows["raw"].append(item.raw if item.raw is not None else item.text.encode("utf-8"))
        rows["claims"].append(json.dumps(claims, ensure_ascii=False))
        thread = {"start": item.comments_start, "comments": [c.to_dict() for c in item.comments]}
        rows["thread"].append(json.dumps(thread) if item.comments else None)
    info = {"input": path, "documents": len(rows["doc"]), "claims": n_claims, "errors": errors,
            "offtopic": dropped.get("offtopic", 0), "version": __version__}
    schema = pa.schema([(k, pa.int64() if k == "size" else pa.string()) for k in DOC_FIELDS] +
                       [("raw", pa.binary()), ("claims", pa.string()), ("thread", pa.string())],
                       metadata={"harmledger": json.dumps(info)})
    table = pa.Table.from_pydict(rows, schema=schema)
    tmp = target.with_suffix(f".tmp-{os.getpid()}")
    pq.write_table(table, tmp)
    os.replace(tmp, target)  # atomic: a shard is either complete or absent
    return ShardResult(path, str(target), info["documents"], n_claims, errors, offtopic=info["offtopic"])


def read_shard(path: str) -> Iterator[tuple[Document, list[dict[str, Any]]]]:
    """Documents and their claims from a claim shard."""
    import pyarrow.parquet as pq

    t = pq.read_table(path).to_pylist()
    for r in t:
        d = Document(**{k: r[k] for k in DOC_FIELDS})
        d.raw = r["raw"]
        if r.get("thread"):  # the comment thread (shards written before it existed have none)
            th = json.loads(r["thread"])
            d.comments_start = th["start"]
            d.comments = [Comment(id=c["id"], span=(c["span"][0], c["span"][1]), author=c["author"], time=c["time"],
                                  parent=c["parent"]) for c in th["comments"]]
        yield d, json.loads(r["claims"])


def run(paths: list[str], shard_dir: str, *, workers: int = 2, scheduler: str | None = None,
        published: str | None = None, prefilter: bool | None = None,
        on_start: Callable[[int], None] | None = None,
        on_result: Callable[[ShardResult], None] | None = None) -> list[ShardResult]:
    """Extract every partition on Dask; returns one result per partition, in input order (``on_start``
    hears the number of partitions, ``on_result`` each result as it arrives)."""
    from dask.distributed import Client, LocalCluster, as_completed

    parts = partitions(paths)
    if on_start:
        on_start(len(parts))
    Path(shard_dir).mkdir(parents=True, exist_ok=True)
    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                               silence_logs=40)
        client = Client(cluster)
    try:
        futures = {client.submit(extract_partition, p, os.path.abspath(shard_dir), published, prefilter,
                                 key=f"harmledger-{shard_name(p, published, prefilter)}", pure=False): n
                   for n, p in enumerate(parts)}
        results: list[ShardResult | None] = [None] * len(parts)
        for fut in as_completed(futures):
            res = fut.result()
            results[futures[fut]] = res
            if on_result:
                on_result(res)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return [r for r in results if r is not None]

