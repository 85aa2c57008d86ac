"""Scale stage: the same extraction on Dask, from one laptop core to a cluster.

The inputs are cut into partitions sized by bytes (:func:`plan`): small files grouped in input order, a
big JSONL file cut at line ends and a big WARC archive at record starts. Each partition is read,
prefiltered and extracted on a Dask worker, and written as one Parquet **claim shard** (its documents with
their original bytes and capture metadata, and their claims as JSON). A finished shard is named after its
pieces (path, size, modification time, share), the options and the harmledger version, and written
atomically, so a re-run skips it: runs are resumable. The driver takes the shards back in input order as
each is done — giving exactly the claims, in the same order, as the in-process engine — and, for
``ingest``, stores them in the ledger and resolves incidents.

Workers only need harmledger installed; the gazetteer and lexicons load once per worker process, when it
starts (a worker plugin). ``--jobs N`` (:func:`local_pool`) is the in-process engine's own parallelism.
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
from .ingest import MAX_BYTES, Piece, ReadError, format_of, iter_files, read_piece, warc_offsets
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


@dataclass(frozen=True)
class Partition:
    """One Dask task: consecutive small files together, or one piece of a big file."""

    pieces: tuple[Piece, ...]
    size: int  # bytes on disk (a piece's share of its file's)

    @property
    def label(self) -> str:
        first = self.pieces[0]
        if len(self.pieces) > 1:
            return f"{first.path} and {len(self.pieces) - 1} more file(s)"
        if first.whole:
            return first.path
        if first.parts > 1:
            return f"{first.path} (part {first.part + 1} of {first.parts})"
        return f"{first.path} (records from byte {first.start})"


MIN_PARTITION = 1 << 20  # bytes: below, a task's overhead outweighs its work
MAX_PARTITION = 64 << 20  # above, one task holds a worker (and its memory) too long


def partition_size(total: int, workers: int) -> int:
    """A partition's target size: about four tasks per worker, between 1 MB and 64 MB."""
    return max(MIN_PARTITION, min(MAX_PARTITION, total // max(1, 4 * workers)))


def plan(paths: list[str], *, workers: int = 2, target: int | None = None) -> list[Partition]:
    """The inputs cut into partitions of about ``target`` bytes (default :func:`partition_size`): small files
    grouped in input order, a JSONL file or WARC archive bigger than the target cut into pieces (a JSONL file
    at line ends, an archive at record starts), any other file whole. Read in order, the partitions give
    exactly the documents the in-process engine reads, in the same order."""
    files = partitions(paths)
    sizes = []
    for f in files:
        try:
            sizes.append(os.stat(f).st_size)
        except OSError:
            sizes.append(0)  # read (and reported) by its partition
    goal = max(1, target) if target is not None else partition_size(sum(sizes), workers)
    out: list[Partition] = []
    group: list[Piece] = []
    held = 0

    def flush() -> None:
        nonlocal group, held
        if group:
            out.append(Partition(tuple(group), held))
        group, held = [], 0

    for f, size in zip(files, sizes, strict=True):
        pieces = _cut(f, size, goal) if size > goal else None
        if pieces:
            flush()
            out += [Partition((pc,), sz) for pc, sz in pieces]
            continue
        group.append(Piece(f))
        held += size
        if held >= goal:
            flush()
    flush()
    return out


def _cut(path: str, size: int, goal: int) -> list[tuple[Piece, int]] | None:
    """The pieces of a file bigger than a partition, with their sizes; None when it is read whole."""
    p = Path(path)
    fmt = format_of(p, b"")
    if fmt == "jsonl" and size <= MAX_BYTES:
        n = -(-size // goal)
        return [(Piece(path, part=k, parts=n), size // n) for k in range(n)]
    if fmt != "warc":
        return None
    starts = warc_offsets(p)
    if len(starts) < 2:
        return None
    out: list[tuple[Piece, int]] = []
    begin = starts[0]
    for off in starts[1:]:
        if off - begin >= goal:
            out.append((Piece(path, start=begin, end=off), off - begin))
            begin = off
    out.append((Piece(path, start=begin, end=None), size - begin))  # to the end: it checks the archive's tail
    return out if len(out) > 1 else None


def shard_name(part: Partition | str, published: str | None, prefilter: bool | None) -> str:
    """A partition's shard: named after its pieces (path, size, modification time, share), the options
    and the harmledger version, so that a re-run finds the shards it already wrote."""
    pieces = part.pieces if isinstance(part, Partition) else (Piece(part),)
    idents = []
    for pc in pieces:
        try:
            st = os.stat(pc.path)
            ident = f"{os.path.abspath(pc.path)}|{st.st_size}|{st.st_mtime_ns}"
        except OSError:
            ident = f"{os.path.abspath(pc.path)}|missing"
        idents.append(ident if pc.whole else f"{ident}|{pc.part}/{pc.parts}|{pc.start}-{pc.end}")
    h = hashlib.sha256(f"{'||'.join(idents)}|{published}|{prefilter}|{__version__}".encode()).hexdigest()[:24]
    return f"shard-{h}.parquet"


def preload_extractor() -> None:
    """Load the extractor (gazetteer snapshot, lexicons) in a worker before its first task."""
    from .extract import get_extractor

    get_extractor()


def extract_partition(part: Partition | str, out_dir: str, published: str | None = None,
                      prefilter: bool | None = None) -> ShardResult:
    """Read, extract and write one partition's claim shard (runs on a worker)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from .extract import get_extractor

    if isinstance(part, str):
        part = Partition((Piece(part),), 0)
    target = Path(out_dir) / shard_name(part, published, prefilter)
    if target.exists():
        meta = pq.read_metadata(target).metadata or {}
        info = json.loads(meta.get(b"harmledger", b"{}"))
        return ShardResult(part.label, str(target), info.get("documents", 0), info.get("claims", 0),
                           info.get("errors", []), skipped=True, offtopic=info.get("offtopic", 0))
    ex = get_extractor()
    rows: dict[str, list[Any]] = {k: [] for k in (*DOC_FIELDS, "raw", "claims", "thread")}
    errors: list[str] = []
    dropped: dict[str, int] = {}
    n_claims = 0
    for pc in part.pieces:
        for item in read_piece(pc, published=published, prefilter=prefilter, stats=dropped):
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
    info = {"input": part.label, "documents": len(rows["doc"]), "claims": n_claims, "errors": errors,
            "offtopic": dropped.get("offtopic", 0), "version": __version__}
    schema = pa.schema([(k, pa.int64() if k == "size" else pa.string()) for k in DOC_FIELDS] +
                       [("raw", pa.binary()), ("claims", pa.string()), ("thread", pa.string())],
                       metadata={"harmledger": json.dumps(info)})
    table = pa.Table.from_pydict(rows, schema=schema)
    tmp = target.with_suffix(f".tmp-{os.getpid()}")
    pq.write_table(table, tmp)
    os.replace(tmp, target)  # atomic: a shard is either complete or absent
    return ShardResult(part.label, str(target), info["documents"], n_claims, errors, offtopic=info["offtopic"])


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


def run_iter(paths: list[str], shard_dir: str, *, workers: int = 2, scheduler: str | None = None,
             published: str | None = None, prefilter: bool | None = None, target: int | None = None,
             on_start: Callable[[int], None] | None = None) -> Iterator[ShardResult]:
    """Extract every partition (:func:`plan`) on Dask and give each result **in input order as soon as it
    and those before it are done**, so that the caller streams claims out while workers go on (``on_start``
    hears the number of partitions). Workers load the extractor when they start (a worker plugin), not in
    their first task."""
    from dask.distributed import Client, LocalCluster, as_completed

    parts = plan(paths, workers=workers, target=target)
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
        _register_preload(client)
        futures = {client.submit(extract_partition, p, os.path.abspath(shard_dir), published, prefilter,
                                 key=f"harmledger-{shard_name(p, published, prefilter)}", pure=False): n
                   for n, p in enumerate(parts)}
        done: dict[int, ShardResult] = {}
        nxt = 0
        for fut in as_completed(futures):
            done[futures[fut]] = fut.result()
            fut.release()
            while nxt in done:
                yield done.pop(nxt)
                nxt += 1
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _register_preload(client: Any) -> None:
    from dask.distributed import WorkerPlugin

    class Preload(WorkerPlugin):
        name = "harmledger-preload"

        def setup(self, worker: Any) -> None:
            preload_extractor()

    client.register_plugin(Preload())


def run(paths: list[str], shard_dir: str, *, workers: int = 2, scheduler: str | None = None,
        published: str | None = None, prefilter: bool | None = None, target: int | None = None,
        on_start: Callable[[int], None] | None = None,
        on_result: Callable[[ShardResult], None] | None = None) -> list[ShardResult]:
    """Every partition's result, in input order (see :func:`run_iter`; ``on_result`` hears each)."""
    out = []
    for r in run_iter(paths, shard_dir, workers=workers, scheduler=scheduler, published=published,
                      prefilter=prefilter, target=target, on_start=on_start):
        if on_result:
            on_result(r)
        out.append(r)
    return out
