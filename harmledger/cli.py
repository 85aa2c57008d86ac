"""The ``harmledger`` command line: a thin wrapper over the Python API (see :mod:`harmledger`)."""

from __future__ import annotations

import json
import os
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import click

from . import __version__
from .extract import get_extractor
from .ingest import ReadError, read
from .model import Claim, Document
from .resolve import GRADES


class _NoBar:
    """What :func:`_progress` gives when no bar is shown: rich is then not even imported."""

    def __enter__(self) -> _NoBar:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def add_task(self, description: str, total: float | None = None, **fields: Any) -> int:
        return 0

    def advance(self, task: int, advance: float = 1) -> None:
        return None

    def update(self, task: int, **fields: Any) -> None:
        return None


def _progress(enabled: bool | None):  # noqa: ANN202 - rich's Progress or a no-op
    """A progress bar on stderr: shown when ``enabled``, or (None) when stderr is a terminal."""
    if enabled is False or (enabled is None and not sys.stderr.isatty()):
        return _NoBar()
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    if enabled is None:
        enabled = console.is_terminal
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=console, disable=not enabled, transient=True)


def read_documents(paths: Iterable[str], stats: Counter[str], *, published: str | None = None,
                   prefilter: bool | None = None, dropped: dict[str, int] | None = None) -> Iterator[Document]:
    """The documents of every input; each unreadable one gets its line on stderr and counts in
    ``stats["errors"]`` (read ones in ``stats["documents"]``), and the batch goes on."""
    for item in read(list(paths), published=published, prefilter=prefilter, stats=dropped):
        if isinstance(item, ReadError):
            stats["errors"] += 1
            click.echo(str(item), err=True)
        else:
            stats["documents"] += 1
            yield item


def _nothing_read(stats: Counter[str]) -> None:
    """Exit 1 when no input at all could be read (the errors are already on stderr)."""
    if stats["documents"] == 0:
        click.echo(f"harmledger: no input could be read ({stats['errors']} error(s))", err=True)
        sys.exit(1)


def iter_claims(paths: tuple[str, ...] | list[str], published: str | None, stats: Counter[str],
                progress: bool | None = None, prefilter: bool | None = None, jobs: int = 1,
                as_lines: bool = False) -> Iterator[tuple[Document, Any]]:
    """Read every input, report bad ones on stderr (one line each), and extract claims (in ``jobs`` forked
    processes when more than one)."""
    ex = get_extractor()
    dropped: dict[str, int] = {}
    docs = read_documents(paths, stats, published=published, prefilter=prefilter, dropped=dropped)
    pool = _pool(jobs, ex)  # forked before any progress-bar thread starts
    try:
        if pool is not None:
            from .scale import extract_local

            pairs: Iterator[tuple[Document, Any]] = extract_local(docs, pool, as_lines=as_lines)
        else:
            pairs = ((d, ex.extract_document(d)) for d in docs)
        with _progress(progress) as bar:
            task = bar.add_task("extracting", total=None)
            for item, claims in pairs:
                stats["claims"] += claims.count("\n") if as_lines else len(claims)
                bar.advance(task)
                yield item, claims
    finally:
        if pool is not None:
            pool.terminate()
    _report_dropped(dropped)


def _pool(jobs: int, ex: Any):  # noqa: ANN202 - a multiprocessing Pool or None
    """``jobs`` worker processes forked after the extractor is loaded, or None for one job."""
    if jobs <= 1:
        return None
    from .scale import local_pool

    try:
        return local_pool(jobs, ex)
    except ValueError as e:
        raise click.UsageError(str(e)) from None


def _noting(docs: Iterator[Document], seen: list[str]) -> Iterator[Document]:
    """The documents, each one's id noted in ``seen`` as it passes."""
    for d in docs:
        seen.append(d.doc)
        yield d


def _check_published(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    from .ingest import strict_date

    if value and strict_date(value) is None:
        raise click.BadParameter("expected a date written YYYY-MM-DD")
    return value


STALENESS = click.option("--control-staleness", "staleness", type=click.IntRange(0, 36500), default=180,
                         show_default=True, help="Days a dated control layer speaks for after its date.")
PUBLISHED = click.option("--published", metavar="YYYY-MM-DD", callback=_check_published,
                         help="Publication date for documents that state none.")


def _report_dropped(dropped: dict[str, int]) -> None:
    if dropped.get("offtopic") or dropped.get("non_html"):
        click.echo(f"harmledger: skipped {dropped.get('offtopic', 0)} off-topic documents (prefilter) and "
                   f"{dropped.get('non_html', 0)} non-HTML archive records", err=True)


def engine_options(f):  # noqa: ANN001, ANN201 - a click decorator
    for opt in reversed([
        click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
                     help="Extract in this process, or on Dask workers (partitions sized by bytes)."),
        click.option("--jobs", type=click.IntRange(1, 256), default=1, show_default=True,
                     help="Local engine: extract in N processes forked after the extractor is loaded (the same "
                          "claims, in the same order)."),
        click.option("--workers", type=int, default=2, show_default=True,
                     help="Worker processes of the local Dask cluster (ignored with --scheduler)."),
        click.option("--scheduler", default=None, metavar="ADDRESS",
                     help="A running Dask scheduler, e.g. tcp://10.0.0.5:8786."),
        click.option("--shards", "shard_dir", default="harmledger-shards", show_default=True,
                     help="Where Dask workers write Parquet claim shards (finished shards are skipped on re-run)."),
        click.option("--partition-mb", type=click.FloatRange(0.001, 4096), default=None,
                     help="Dask: partition size in MB (small files grouped, big JSONL/WARC files cut; default: "
                          "about four partitions per worker, 1-64 MB)."),
        click.option("--dask-min-mb", type=click.FloatRange(0), default=DASK_MIN_MB, show_default=True,
                     help="Dask on a local cluster: below this much input it cannot win, and the local engine "
                          "runs instead (with --jobs = --workers); 0 always uses Dask."),
    ]):
        f = opt(f)
    return f


# measured with benchmarks/bench_dask.py on a 2-core machine: below ~16k reports (~16 MB) a local Dask
# cluster of 2 workers is no faster than the in-process engine with 2 forked jobs
DASK_MIN_MB = 16.0


def _engine(engine: str, jobs: int, paths: tuple[str, ...], workers: int, scheduler: str | None,
            dask_min_mb: float) -> tuple[str, int]:
    """The engine that will run, and its jobs: a local Dask cluster on less input than it can win on gives
    way to the local engine with as many forked jobs as it would have had workers (the same claims)."""
    from .scale import can_fork, partitions

    if engine != "dask" or scheduler or dask_min_mb <= 0 or not can_fork():
        return engine, jobs  # (without fork, --jobs cannot run: Dask stays)

    try:
        total = sum(os.stat(f).st_size for f in partitions(list(paths)) if os.path.exists(f))
    except ValueError as e:  # stdin, which the dask engine cannot split
        raise click.UsageError(str(e)) from None
    if total >= dask_min_mb * 2**20:
        return engine, jobs
    click.echo(f"harmledger: {total / 2**20:.1f} MB of input is below --dask-min-mb {dask_min_mb:g}, where a "
               f"local Dask cluster cannot win: extracting here with --jobs {max(jobs, workers)}", err=True)
    return "local", max(jobs, workers)


def run_dask(paths: tuple[str, ...], shard_dir: str, workers: int, scheduler: str | None, published: str | None,
             prefilter: bool | None, progress: bool | None, partition_mb: float | None = None
             ) -> Iterator[Any]:
    """Each partition's result, in input order, as soon as it and those before it are done; its read
    errors printed on stderr as it arrives."""
    from .scale import run_iter

    offtopic = 0
    with _progress(progress) as bar:
        task = bar.add_task("extracting on dask (partitions)", total=None)
        try:
            for r in run_iter(list(paths), shard_dir, workers=workers, scheduler=scheduler, published=published,
                              prefilter=prefilter, on_start=lambda n: bar.update(task, total=n),
                              target=int(partition_mb * 2**20) if partition_mb else None):
                bar.advance(task)
                for e in r.errors:
                    click.echo(e, err=True)
                offtopic += r.offtopic
                yield r
        except ValueError as e:  # stdin, which the dask engine cannot split
            raise click.UsageError(str(e)) from None
    _report_dropped({"offtopic": offtopic})


PREFILTER = click.option("--prefilter/--no-prefilter", default=None,
                         help="Drop documents with no conflict word before parsing (default: on for WARC "
                              "archives only).")


def _table_row(c: Claim) -> list[str]:
    def cnt(x: object) -> str:
        if x is None:
            return ""
        return f"{x.min}{'+' if x.plus else ''}{'~' if x.vague else ''}"  # type: ignore[attr-defined]

    place = ""
    if c.place:
        place = f"{c.place.name} ({c.place.admin1 or c.place.country}, p{c.place.precision})"
    return [c.kind[:3], cnt(c.killed), cnt(c.injured), cnt(c.casualties), c.victims,
            ",".join(p.id for p in c.perpetrators), ",".join(m.id for m in c.means),
            ",".join(t.id for t in c.targets), place, (c.date.start or "") if c.date else "",
            (c.quote or c.text)[:70]]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="harmledger")
def main() -> None:
    """harmledger: an evidence-grade ledger of civilian harm from web reports about armed conflict."""


@main.command("extract")
@click.argument("paths", nargs=-1, required=True)
@PUBLISHED
@click.option("--format", "fmt", type=click.Choice(["jsonl", "json", "table"]), default="jsonl",
              show_default=True)
@click.option("--progress/--no-progress", default=None, help="Progress bar on stderr (default: when a terminal).")
@PREFILTER
@engine_options
def extract_cmd(paths: tuple[str, ...], published: str | None, fmt: str, progress: bool | None,
                prefilter: bool | None, engine: str, jobs: int, workers: int, scheduler: str | None,
                shard_dir: str, partition_mb: float | None, dask_min_mb: float) -> None:
    """Extract harm claims from files, directories (recursive), JSONL or - (stdin).

    One claim per line (JSONL) with the exact span and words each value was read from. Unreadable,
    binary, empty or oversized inputs get one line on stderr and are skipped; the exit code is 1 only
    when no input could be read at all.
    """
    stats: Counter[str] = Counter()
    out = sys.stdout
    if engine == "dask" and fmt == "table":
        raise click.BadParameter("the dask engine writes jsonl or json", param_hint="--format")
    engine, jobs = _engine(engine, jobs, paths, workers, scheduler, dask_min_mb)
    if engine == "dask":
        from .scale import read_shard

        allc = []
        for r in run_dask(paths, shard_dir, workers, scheduler, published, prefilter, progress, partition_mb):
            stats["errors"] += len(r.errors)
            for _d, cs in read_shard(r.shard):
                stats["documents"] += 1
                for c in cs:
                    if fmt == "jsonl":
                        out.write(json.dumps(c, ensure_ascii=False) + "\n")
                    else:
                        allc.append(c)
            out.flush()  # each partition's claims as soon as it and those before it are done
        if fmt == "json":
            json.dump(allc, out, ensure_ascii=False, indent=1)
            out.write("\n")
    elif fmt == "table":
        from rich.console import Console
        from rich.table import Table

        table = Table("kind", "killed", "injured", "casualties", "victims", "perpetrators", "means", "targets",
                      "place", "date", "quote", show_lines=False)
        from rich.markup import escape

        for _doc, claims in iter_claims(paths, published, stats, progress, prefilter, jobs):
            for c in claims:
                table.add_row(*(escape(x) for x in _table_row(c)))
        Console(width=200).print(table)
    elif fmt == "json":
        allc = [c.to_dict() for _d, cs in iter_claims(paths, published, stats, progress, prefilter, jobs) for c in cs]
        json.dump(allc, out, ensure_ascii=False, indent=1)
        out.write("\n")
    elif jobs > 1:  # the workers write the JSONL text too
        for _doc, lines in iter_claims(paths, published, stats, progress, prefilter, jobs, as_lines=True):
            out.write(lines)
    else:
        for _doc, claims in iter_claims(paths, published, stats, progress, prefilter, jobs):
            for c in claims:
                out.write(json.dumps(c.to_dict(), ensure_ascii=False) + "\n")
    out.flush()
    _nothing_read(stats)


@main.command("reactions")
@click.argument("paths", nargs=-1, required=True)
@click.option("--all-paragraphs", is_flag=True,
              help="Score every blank-line-separated paragraph of each document as a comment.")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "table"]), default="jsonl", show_default=True)
@click.option("--summary", is_flag=True, help="One summary per article instead of one line per comment.")
@click.option("--progress/--no-progress", default=None, help="Progress bar on stderr (default: when a terminal).")
def reactions_cmd(paths: tuple[str, ...], all_paragraphs: bool, fmt: str, summary: bool,
                  progress: bool | None) -> None:
    """Read the comment threads of pages: language, stance toward the harm, incitement, abuse.

    One comment per line (JSONL): doc, span, text, author, language, stance (affirms | denies | justifies
    | deflects | other), incitement, abuse, toxicity, evidence, confidence. Threads are found in HTML
    (WordPress, Disqus, generic markup), in text after a comments heading, and in JSONL `comments`.
    With --summary: per article, counts by stance and language, frequent denial phrases, incitement list.
    """
    from .react import react_each, summarize

    stats: Counter[str] = Counter()
    rows: list[tuple[Document, list]] = []
    with _progress(progress) as bar:
        task = bar.add_task("reading comments", total=None)
        for item, rs in react_each(read_documents(paths, stats), all_paragraphs=all_paragraphs):
            bar.advance(task)
            if summary or fmt == "table":
                rows.append((item, rs))
            else:
                for r in rs:
                    sys.stdout.write(json.dumps(r.to_dict(), ensure_ascii=False) + "\n")
    if summary:
        for doc, rs in rows:
            s = {"doc": doc.doc, "source": doc.source, "title": doc.title, **summarize(rs)}
            if fmt == "jsonl":
                sys.stdout.write(json.dumps(s, ensure_ascii=False) + "\n")
                continue
            click.echo(f"{doc.source}  ({s['comments']} comments)")
            click.echo("  stance:   " + "  ".join(f"{k} {v}" for k, v in s["stance"].items()))
            click.echo("  language: " + "  ".join(f"{k} {v}" for k, v in s["language"].items()))
            click.echo(f"  abuse {s['abuse']}  mean toxicity {s['mean_toxicity']}")
            if s["denial_phrases"]:
                click.echo("  denial phrases: " + ", ".join(f"{p!r} ×{n}" for p, n in s["denial_phrases"]))
            for i in s["incitement"]:
                click.echo(f"  incitement: {i['text'][:100]!r}  [{', '.join(i['evidence'])}]")
    elif fmt == "table":
        from rich.console import Console
        from rich.markup import escape
        from rich.table import Table

        table = Table("doc", "comment", "author", "lang", "stance", "inc", "abuse", "tox", "evidence", "text")
        for doc, rs in rows:
            for r in rs:  # comment text is not rich markup: "[id123|Name]" and "[/b]" are shown as they are
                table.add_row(doc.doc[:8], escape(r.comment or ""), escape((r.author or "")[:16]), r.language,
                              r.stance, "yes" if r.incitement else "", "yes" if r.abuse else "", f"{r.toxicity:.2f}",
                              escape("; ".join(r.evidence)[:40]), escape(r.text.replace("\n", " ")[:70]))
        Console(width=200).print(table)
    sys.stdout.flush()
    _nothing_read(stats)


def _open(db: str | None, *, create: bool = False):  # noqa: ANN202 - a Ledger
    """An existing ledger (or, with ``create``, a new one), or one clear line saying why not — never a new
    empty ledger for a mistyped path, never a traceback."""
    from sqlalchemy.exc import DatabaseError, OperationalError

    from .store import Ledger
    from .store.ledger import db_url

    url = db_url(db)
    path = url[len("sqlite:///"):] if url.startswith("sqlite:///") else None
    if create and path and not os.path.isdir(os.path.dirname(path)):
        raise click.ClickException(f"{db}: no directory {os.path.dirname(path)!r} for the ledger")
    try:
        return Ledger(db, create=create)
    except FileNotFoundError as e:
        raise click.ClickException(str(e)) from None
    except (DatabaseError, OperationalError) as e:
        what = str(getattr(e, "orig", e) or e).splitlines()[0][:160]
        raise click.ClickException(f"{path or url}: not a readable harmledger ledger ({what})") from None


def _out_ok(out: str) -> None:
    """``--out`` names standard output (``-``) or a file in an existing directory."""
    if out != "-" and not os.path.isdir(os.path.dirname(os.path.abspath(out))):
        raise click.ClickException(f"{out}: no directory {os.path.dirname(os.path.abspath(out))!r} to write in")


DB_OPTION = click.option("--db", default=None, metavar="URL",
                         help="Ledger: a SQLite path or a SQLAlchemy URL (default: ./harmledger.db).")


@main.command("ingest")
@click.argument("paths", nargs=-1, required=True)
@DB_OPTION
@PUBLISHED
@click.option("--window", "window_days", type=int, default=None,
              help="Days apart two claims may be and still describe one incident (default: the ledger's last "
                   "window, else 1).")
@click.option("--progress/--no-progress", default=None, help="Progress bar on stderr (default: when a terminal).")
@PREFILTER
@engine_options
def ingest_cmd(paths: tuple[str, ...], db: str | None, published: str | None, window_days: int | None,
               progress: bool | None, prefilter: bool | None, engine: str, jobs: int, workers: int,
               scheduler: str | None, shard_dir: str, partition_mb: float | None, dask_min_mb: float) -> None:
    """Store documents (original bytes, capture metadata) and their claims in the ledger, then resolve.

    Re-ingesting the same bytes adds nothing. Bad inputs get one line on stderr; the exit code is 1 only
    when nothing could be read.
    """
    ledger = _open(db, create=True)
    stats: Counter[str] = Counter()
    dropped: dict[str, int] = {}
    seen: list[str] = []  # the documents read (stored now or already)
    engine, jobs = _engine(engine, jobs, paths, workers, scheduler, dask_min_mb)
    if engine == "dask":
        from .scale import read_shard

        def stored() -> Iterator[tuple[Document, list[dict[str, Any]]]]:  # each shard stored as it arrives
            for r in run_dask(paths, shard_dir, workers, scheduler, published, prefilter, progress, partition_mb):
                stats["errors"] += len(r.errors)
                for d, cs in read_shard(r.shard):
                    seen.append(d.doc)
                    yield d, cs

        st = ledger.ingest_extracted(stored())
    else:
        from .scale import batch_extractor

        ex = get_extractor()
        pool = _pool(jobs, ex)
        try:
            with _progress(progress) as bar:
                task = bar.add_task("ingesting", total=None)
                st = ledger.ingest(_noting(read_documents(paths, stats, published=published, prefilter=prefilter,
                                                          dropped=dropped), seen), ex.extract_document,
                                   on_document=lambda d, n: bar.advance(task),
                                   extract_batch=batch_extractor(pool) if pool else None, batch=200 if pool else 50)
        finally:
            if pool is not None:
                pool.terminate()
    errors = stats["errors"]
    for line in st.failed:
        click.echo(line, err=True)
    _report_dropped(dropped)
    if published:  # a page stored before without a date takes the one given now, as an audited edit
        before = set(ledger.undated_documents())
        dated = list(dict.fromkeys(d for d in seen if d in before))
        if dated:
            ledger.set_published_all(dated, published, actor=os.environ.get("USER"))
            for doc in dated:
                click.echo(f"harmledger: {doc[:12]}… (stored before, undated) now published {published} "
                           "(an audited set-published event)", err=True)
    res = ledger.resolve(window_days=window_days)
    undated = len(ledger.undated_documents())
    if undated:
        click.echo(f"harmledger: {undated} document(s) in the ledger have no publication date (none on the page, "
                   "none given with --published): their incidents are dated only by what their text says; "
                   "`harmledger document undated` lists them, `harmledger document set-published DOC YYYY-MM-DD` "
                   "dates one", err=True)
    refused = f", {st.errors} not stored" if st.errors else ""
    click.echo(f"ingested {st.documents} new documents ({st.duplicates} already in the ledger, {errors} unreadable"
               f"{refused}), {st.claims} claims, {st.reactions} comment reactions; {res['incidents']} incidents")
    if st.documents == 0 and st.duplicates == 0:
        sys.exit(1)


@main.command("verify")
@DB_OPTION
def verify_cmd(db: str | None) -> None:
    """Re-hash every original and claim and walk the audit chain; exit 0 when all is intact, 1 when anything
    was changed after it was written (tampering), 3 when only derived incidents are behind their claims
    (an interrupted ingest or edit: run ``harmledger repair``)."""

    rep = _open(db).verify()
    for p in rep.problems:
        click.echo(f"TAMPERED {p}", err=True)
    for p in rep.incomplete:
        click.echo(f"INCOMPLETE {p}; `harmledger repair` derives them again (nothing was altered)", err=True)
    if rep.problems:
        status = f"{len(rep.problems)} problem(s)"
    else:
        status = "intact" + (" but incomplete" if rep.incomplete else "")
    click.echo(f"verified {rep.documents} documents, {rep.claims} claims, {rep.reactions} reactions, {rep.events} "
               f"events: {status}")
    click.echo(f"head: event {rep.head[0]} {rep.head[1]} (keep a copy elsewhere: a hash chain cannot show "
               "that its newest events were cut off)")
    sys.exit(1 if rep.problems else (3 if rep.incomplete else 0))


@main.command("repair")
@DB_OPTION
@click.option("--actor", default=None, help="Who repairs (recorded in the audit event).")
def repair_cmd(db: str | None, actor: str | None) -> None:
    """Derive the incidents again after a crash left them behind their claims or edits (what ``verify``
    reports as INCOMPLETE), as an audited ``resolved`` event. Refused on a ledger with tampering findings:
    repairing would paper over them."""
    lg = _open(db)
    rep = lg.verify()
    if rep.problems:
        for p in rep.problems:
            click.echo(f"TAMPERED {p}", err=True)
        raise click.ClickException(f"{len(rep.problems)} tampering finding(s): not repaired (investigate first; "
                                   "repair only re-derives what a crash left behind)")
    res = lg.repair(actor=actor)
    after = lg.verify()
    click.echo(f"repaired: {res['incidents']} incidents from {res['claims']} claims "
               f"({len(rep.incomplete)} incomplete finding(s) before, {len(after.incomplete)} after)")
    sys.exit(0 if after.ok and not after.incomplete else 1)


@main.command("stats")
@DB_OPTION
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def stats_cmd(db: str | None, fmt: str) -> None:
    """Counts of documents, claims, incidents and tallies in the ledger."""

    st = _open(db).stats()
    if fmt == "json":
        click.echo(json.dumps(st))
    else:
        click.echo(", ".join(f"{k} {v}" for k, v in st.items()))


def _csv_out(fields: list[str], rows: Iterable[dict[str, object]]) -> None:
    import csv

    w = csv.DictWriter(sys.stdout, fieldnames=fields, extrasaction="ignore")
    w.writeheader()
    w.writerows(rows)


INCIDENT_COLUMNS = ["id", "date_start", "date_end", "place_name", "admin1", "where_prec", "killed_min",
                    "killed_max", "injured_min", "injured_max", "perpetrators", "means", "targets", "grade",
                    "n_claims", "n_sources"]


@main.command("incidents")
@DB_OPTION
@click.option("--admin1", help="Governorate, e.g. Idlib.")
@click.option("--perpetrator", help="Perpetrator id, e.g. russia.")
@click.option("--grade", type=click.Choice(GRADES))
@click.option("--since", metavar="YYYY-MM-DD", callback=_check_published)
@click.option("--until", metavar="YYYY-MM-DD", callback=_check_published)
@click.option("--limit", type=int, default=None)
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl", "csv"]), default="table", show_default=True)
@STALENESS
def incidents_cmd(db: str | None, admin1: str | None, perpetrator: str | None, grade: str | None,
                  since: str | None, until: str | None, limit: int | None, fmt: str, staleness: int) -> None:
    """List incidents, largest first, with their casualty ranges, grades and sources (and who held the
    ground, when the ledger has control layers)."""
    from .control import CONTROL_FIELDS, annotate

    lg = _open(db)
    rows = [dict(r) for r in lg.incidents(admin1=admin1, perpetrator=perpetrator, grade=grade, since=since,
                                          until=until, limit=limit)]
    has_layers = bool(lg.control_layer_rows())
    if has_layers:
        annotate(lg, rows, staleness_days=staleness)
    if fmt == "jsonl":
        for r in rows:
            click.echo(json.dumps(r, ensure_ascii=False))
    elif fmt == "csv":
        _csv_out(INCIDENT_COLUMNS + ["country", "lat", "lon", "n_documents", "first_report", "last_report"]
                 + (CONTROL_FIELDS if has_layers else []), rows)
    else:
        from rich.console import Console
        from rich.table import Table

        cols = ["id", "date", "place", "killed", "injured", "perpetrators", "means", "grade", "claims", "sources"]
        t = Table(*cols, *(["ground held by"] if has_layers else []))
        from .present.report import count_range

        for r in rows:
            t.add_row(r["id"], r["date_start"] or "", f"{r['place_name'] or ''} ({r['admin1'] or r['country'] or ''})",
                      count_range(r, "killed", dash="-", none=""), count_range(r, "injured", dash="-", none=""),
                      r["perpetrators"] or "", r["means"] or "", r["grade"], str(r["n_claims"]), str(r["n_sources"]),
                      *([r["control"] + (f" ({r['control_date']})" if r["control_date"] else "")]
                        if has_layers else []))
        Console(width=220).print(t)
    if has_layers:
        _print_layers(lg)


@main.command("export")
@DB_OPTION
@click.option("--format", "fmt", type=click.Choice(["csv", "geojson", "parquet", "ucdp", "acled"]), required=True)
@click.option("--out", "out_path", type=click.Path(dir_okay=False, allow_dash=True), required=True,
              help="File to write (- : standard output).")
@STALENESS
def export_cmd(db: str | None, fmt: str, out_path: str, staleness: int) -> None:
    """Export incidents: CSV, GeoJSON points, Parquet, UCDP GED-style or ACLED-style columns."""
    from .present.export import export

    _out_ok(out_path)
    lg = _open(db)
    try:
        n = export(lg, fmt, out_path, staleness_days=staleness)
    except OSError as e:
        raise click.ClickException(f"{out_path}: cannot write ({e.strerror or e})") from None
    click.echo(f"wrote {n} incidents to {'standard output' if out_path == '-' else out_path} ({fmt})",
               err=out_path == "-")
    _print_layers(lg)


@main.command("tally")
@DB_OPTION
@click.option("--by", "by", default="month", show_default=True,
              help="Comma-separated keys: month, year, perpetrator, admin1, means, grade, country, control "
                   "(who held the ground, from the ledger's control layers; adds each row's share).")
@click.option("--chart", "chart", type=click.Path(dir_okay=False, allow_dash=True), default=None,
              help="Also draw a bar chart (.png or .svg).")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl", "csv"]), default="table", show_default=True)
@STALENESS
def tally_cmd(db: str | None, by: str, chart: str | None, fmt: str, staleness: int) -> None:
    """Incidents and killed (lowest reported figures, summed) grouped by the given keys."""
    from .present.export import tally, tally_chart

    keys = [k.strip() for k in by.split(",") if k.strip()]
    lg = _open(db)
    try:
        rows = tally(lg, keys, staleness_days=staleness)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--by") from None
    if chart:
        if chart != "-" and not chart.lower().endswith((".png", ".svg")):
            raise click.BadParameter("the chart file must end in .png or .svg (or be - for a PNG on standard "
                                     "output)", param_hint="--chart")
        _out_ok(chart)
        tally_chart(rows, keys, chart)
        if chart == "-":
            click.echo("chart written to standard output", err=True)
            return
    if fmt == "jsonl":
        for r in rows:
            click.echo(json.dumps(r, ensure_ascii=False))
    elif fmt == "csv":
        _csv_out(keys + ["incidents", "killed_min", "killed_max"] + (["share"] if "control" in keys else []), rows)
    else:
        for r in rows:
            click.echo("  ".join(f"{r[k]}" for k in keys) + f"  incidents {r['incidents']}  killed "
                       f"{r['killed_min']}-{r['killed_max']}" + (f"  share {r['share']:.0%}" if "share" in r else ""))
    if "control" in keys:
        _print_layers(lg)
    if chart:
        click.echo(f"chart written to {chart}", err=True)


@main.command("report")
@DB_OPTION
@click.option("--out", "out_dir", type=click.Path(file_okay=False, allow_dash=True), required=True,
              help="Directory for index.html (- : the page on standard output).")
@click.option("--title", default="harmledger — ready reference", show_default=True)
@STALENESS
def report_cmd(db: str | None, out_dir: str, title: str, staleness: int) -> None:
    """Write a self-contained static HTML report (map, incidents with evidence, tallies); opens offline."""
    from .present.report import write_report

    lg = _open(db)
    try:
        path = write_report(lg, out_dir, title, staleness_days=staleness)
    except OSError as e:
        raise click.ClickException(f"{out_dir}: cannot write the report ({e.strerror or e})") from None
    click.echo(f"report written to {'standard output' if out_dir == '-' else path}", err=out_dir == "-")


@main.command("serve")
@DB_OPTION
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8000, show_default=True)
@click.option("--allow-edits", is_flag=True, help="Expose the editing endpoints (merge, split, grade, note, undo).")
@click.option("--token", envvar="HARMLEDGER_TOKEN", default=None,
              help="Bearer token editors must send (required with --allow-edits; or HARMLEDGER_TOKEN).")
@click.option("--tiles", default=None, metavar="URL",
              help="Optional web map tiles under the shipped basemap, e.g. "
                   "https://tile.openstreetmap.org/{z}/{x}/{y}.png (off by default: the map works offline).")
@click.option("--tiles-attribution", default=None, help="Attribution shown with --tiles.")
@click.option("--open", "open_browser", is_flag=True, help="Open the overview in a web browser.")
def serve_cmd(db: str | None, host: str, port: int, allow_edits: bool, token: str | None, tiles: str | None,
              tiles_attribution: str | None, open_browser: bool) -> None:
    """Serve a JSON API (/api, OpenAPI at /openapi.json) and pages over the ledger; read-only by default."""
    import uvicorn

    from .present.app import create_app

    if allow_edits and not token:
        raise click.UsageError("--allow-edits needs --token (or HARMLEDGER_TOKEN)")
    try:
        app = create_app(ledger=_open(db), allow_edits=allow_edits, token=token, tiles=tiles,
                         tiles_attribution=tiles_attribution)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--tiles") from None
    url = f"http://{'localhost' if host in ('127.0.0.1', '0.0.0.0', '::') else host}:{port}/"
    mode = "edits allowed with the token" if allow_edits else "read-only"
    click.echo(f"harmledger: serving {lg_path(db)} at {url} ({mode}); Ctrl-C stops", err=True)
    if open_browser:
        import threading
        import webbrowser

        threading.Timer(1.0, lambda: webbrowser.open(url)).start()
    # one access-log line per request on standard output (uvicorn's), warnings and errors on stderr
    uvicorn.run(app, host=host, port=port, log_level="info", access_log=True)


def lg_path(db: str | None) -> str:
    """The ledger as the user named it (a path, or a URL without its password)."""
    from .store.ledger import db_url

    url = db_url(db)
    return url[len("sqlite:///"):] if url.startswith("sqlite:///") else re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", url)


def _print_layers(lg) -> None:  # noqa: ANN001 - a Ledger
    """The source and licence of each control layer, wherever control is shown."""
    for r in lg.control_layer_rows():
        click.echo(f"control layer {r.name}{' (SCHEMATIC, not front lines)' if r.schematic else ''}: source "
                   f"{r.source or 'not stated'}; licence {r.licence or 'not stated'}", err=True)


@main.group("control")
def control_group() -> None:
    """Dated control layers (who held the ground): import a GeoJSON layer, list the layers."""


@control_group.command("import")
@DB_OPTION
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=False))
@click.option("--party-field", required=True, help="The property naming the party that holds each area.")
@click.option("--date", "day", default=None, metavar="YYYY-MM-DD", help="The date of a snapshot layer.")
@click.option("--valid-from-field", default=None, help="The property with each area's first day (YYYY[-MM[-DD]]).")
@click.option("--valid-to-field", default=None, help="The property with each area's last day (empty: open).")
@click.option("--name", default=None, help="The layer's name (default: the file name).")
@click.option("--name-field", default=None, help="A property naming each area.")
@click.option("--licence", "--license", "licence", default=None,
              help="The layer's licence (default: what its features say).")
@click.option("--source", default=None, help="Who made the layer (default: its features' attribution).")
@click.option("--schematic", is_flag=True, default=False,
              help="The areas are schematic, not observed front lines (also read from the features).")
@click.option("--mapping", type=click.Path(exists=True, dir_okay=False), default=None,
              help="JSON {party: actor id} for parties the pack's control_parties.json does not map.")
@click.option("--actor", default=None, help="Who imports (recorded in the audit event).")
def control_import_cmd(db: str | None, file: str, party_field: str, day: str | None, valid_from_field: str | None,
                       valid_to_field: str | None, name: str | None, name_field: str | None, licence: str | None,
                       source: str | None, schematic: bool, mapping: str | None, actor: str | None) -> None:
    """Store a dated control layer (GeoJSON polygons, one party per area) in the ledger: its bytes are kept
    and hashed like an original and its import is an audit event. Give --date for a snapshot, or
    --valid-from-field (and --valid-to-field) when each area carries its own dates."""
    from .control import iso_day, layer_properties, parse_layer

    try:
        data = Path(file).read_bytes()
    except OSError as e:
        raise click.ClickException(f"{file}: cannot read ({e.strerror or e})") from None
    if len(data) > 200 * 2**20:
        raise click.ClickException(f"{file}: too large for a control layer (> 200 MB)")
    try:
        if day is not None:
            if len(day) != 10:
                raise ValueError(f"--date {day!r}: give the snapshot's day as YYYY-MM-DD")
            day = iso_day(day)
        areas = parse_layer(data, party_field=party_field, date=day, valid_from_field=valid_from_field,
                            valid_to_field=valid_to_field, name_field=name_field)
        own = layer_properties(data)
        parties = json.loads(Path(mapping).read_text("utf-8")) if mapping else None
        if parties is not None and not (isinstance(parties, dict) and all(
                isinstance(k, str) and (v is None or isinstance(v, str)) for k, v in parties.items())):
            raise ValueError(f"{mapping}: the mapping must be a JSON object of party: actor id (or null)")
    except ValueError as e:
        raise click.ClickException(f"{file}: {e}") from None
    params = {"party_field": party_field, "date": day, "valid_from_field": valid_from_field,
              "valid_to_field": valid_to_field, "name_field": name_field, "mapping": parties, "pack": "syria"}
    lg = _open(db, create=True)
    layer, new = lg.import_control_layer(
        data, name=name or Path(file).name, params=params, n_areas=len(areas), licence=licence or own.get("licence"),
        source=source or own.get("source"), schematic=schematic or own["schematic"], source_path=str(file),
        actor=actor)
    counts: dict[str, int] = {}
    for a in areas:
        counts[a.party] = counts.get(a.party, 0) + 1
    what = ", ".join(f"{p} {n}" for p, n in sorted(counts.items()))
    if not new:
        old = next(r for r in lg.control_layer_rows() if r.layer == layer)
        if json.loads(old.params) != params:
            raise click.ClickException(
                f"{file}: these bytes are already in the ledger as layer {layer[:12]} ({old.name}), read with other "
                f"settings ({old.params}); an imported layer and the way it is read are fixed (nothing changed)")
        click.echo(f"control layer {layer[:12]} is already in the ledger (same bytes): nothing added")
        return
    click.echo(f"imported control layer {layer[:12]} ({name or Path(file).name}): {len(areas)} areas ({what})"
               + (", schematic" if schematic or own["schematic"] else ""))
    if not (licence or own.get("licence")):
        click.echo("warning: the layer states no licence (--licence records one)", err=True)


@control_group.command("list")
@DB_OPTION
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
def control_list_cmd(db: str | None, fmt: str) -> None:
    """The control layers in the ledger, with their dates, licence and source."""
    rows = _open(db).control_layer_rows()
    for r in rows:
        p = json.loads(r.params)
        when = p.get("date") or f"per area ({p.get('valid_from_field')}..{p.get('valid_to_field') or 'open'})"
        if fmt == "jsonl":
            click.echo(json.dumps({"layer": r.layer, "name": r.name, "date": p.get("date"),
                                   "valid_from_field": p.get("valid_from_field"),
                                   "valid_to_field": p.get("valid_to_field"), "party_field": p["party_field"],
                                   "areas": r.n_areas, "schematic": bool(r.schematic), "licence": r.licence,
                                   "source": r.source, "imported_at": r.imported_at}, ensure_ascii=False))
        else:
            click.echo(f"{r.layer[:12]}  {r.name}  {when}  {r.n_areas} areas"
                       f"{'  SCHEMATIC' if r.schematic else ''}  licence: {r.licence or 'not stated'}"
                       f"  source: {r.source or 'not stated'}")
    if not rows and fmt == "table":
        click.echo("no control layers (harmledger control import FILE.geojson --party-field F --date D)")


@main.group("incident")
def incident_group() -> None:
    """Analyst corrections, kept as audit events (reversible with `undo`; claims are never destroyed)."""


def _edit(db: str | None, kind: str, incident_id: str, actor: str | None, **kw: object) -> None:

    try:
        seq = _open(db).edit(kind, incident_id, actor=actor, **kw)  # type: ignore[arg-type]
    except (KeyError, ValueError) as e:
        raise click.ClickException(str(e).strip("'\"")) from None
    click.echo(f"{kind} recorded as event {seq}; incidents re-resolved")


ACTOR = click.option("--actor", default=lambda: os.environ.get("USER"), help="Who made the edit (audit log).")


@incident_group.command("merge")
@click.argument("a")
@click.argument("b")
@DB_OPTION
@ACTOR
def merge_cmd(a: str, b: str, db: str | None, actor: str | None) -> None:
    """Merge incident B into incident A."""
    _edit(db, "merge", a, actor, other=b)


@incident_group.command("split")
@click.argument("incident")
@click.option("--claims", "claim_ids", required=True, help="Comma-separated claim ids to move to a new incident.")
@DB_OPTION
@ACTOR
def split_cmd(incident: str, claim_ids: str, db: str | None, actor: str | None) -> None:
    """Move some claims of an incident into a new incident."""
    try:
        ids = [int(x) for x in claim_ids.split(",") if x.strip()]
    except ValueError:
        raise click.BadParameter("claim ids are integers", param_hint="--claims") from None
    _edit(db, "split", incident, actor, claim_ids=ids)


@incident_group.command("set-grade")
@click.argument("incident")
@click.argument("grade", type=click.Choice(GRADES))
@DB_OPTION
@ACTOR
def set_grade_cmd(incident: str, grade: str, db: str | None, actor: str | None) -> None:
    """Set an incident's grade (analyst grades: confirmed, discounted)."""
    _edit(db, "set-grade", incident, actor, grade=grade)


@incident_group.command("note")
@click.argument("incident")
@click.argument("text")
@DB_OPTION
@ACTOR
def note_cmd(incident: str, text: str, db: str | None, actor: str | None) -> None:
    """Attach an analyst note to an incident."""
    _edit(db, "note", incident, actor, note=text)


@incident_group.command("undo")
@click.argument("seq", type=int)
@DB_OPTION
@ACTOR
def undo_cmd(seq: int, db: str | None, actor: str | None) -> None:
    """Reverse an analyst edit (by its event number) with a new `undo` event."""

    try:
        new = _open(db).undo(seq, actor=actor)
    except KeyError as e:
        raise click.ClickException(str(e).strip("'\"")) from None
    click.echo(f"event {seq} undone by event {new}; incidents re-resolved")


def _find_ged(ged_path: str | None) -> str | None:
    if ged_path:
        return ged_path
    for cand in (Path.cwd().parent / "shared/data/ucdp-ged-syria-2016-2019.csv",
                 Path(__file__).resolve().parents[2] / "shared/data/ucdp-ged-syria-2016-2019.csv"):
        if cand.exists():
            return str(cand)
    return None


@main.group("document")
def document_group() -> None:
    """Stored documents: their dates (the original bytes and text are never changed)."""


@document_group.command("set-published")
@click.argument("doc")
@click.argument("published", metavar="YYYY-MM-DD")
@DB_OPTION
@ACTOR
def set_published_cmd(doc: str, published: str, db: str | None, actor: str | None) -> None:
    """Date a stored document (its SHA-256 id): an audited event that names the date it replaces; incidents
    whose reports' text gives no date take this one."""
    try:
        seq = _open(db).set_published(doc, published, actor=actor)
    except (KeyError, ValueError) as e:
        raise click.ClickException(str(e).strip("'\"")) from None
    click.echo(f"{doc[:12]}… already published {published}: nothing recorded" if seq is None else
               f"published {published} recorded as event {seq}; incidents re-resolved")


@document_group.command("undated")
@DB_OPTION
def undated_cmd(db: str | None) -> None:
    """The stored documents with no publication date, one id a line (date them with `set-published`)."""
    for d in _open(db).undated_documents():
        click.echo(d)


@main.group("eval", invoke_without_command=True)
@click.pass_context
@click.option("--ged", "ged_path", type=click.Path(dir_okay=False, exists=True), default=None,
              help="UCDP GED CSV for the 2017-2019 agreement check (default: ../shared/data/… when present).")
@click.option("--errors", "errors_path", type=click.Path(dir_okay=False), default=None,
              help="Write every dev-set unit with a disagreement to this JSON file.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def eval_cmd(ctx: click.Context, ged_path: str | None, errors_path: str | None, fmt: str) -> None:
    """Measure the extractor on the hand-annotated dev set (and GED 2017-2019 agreement).

    `harmledger eval geo` measures the geocoder instead.
    """
    if ctx.invoked_subcommand is not None:
        return
    from .evaluation.claims_eval import arabic_splits, english_splits, evaluate_devset, evaluate_ged

    result: dict[str, Any] = {}
    # English generalisation set (issue 12): the locked test split (coded twice and reconciled, never tuned
    # on) first, then its dev split; then the first dev set, tuned on for every release before
    for split in english_splits():
        result[f"english_{split}"] = evaluate_devset(name="enset", split=split).to_dict()
    rep = evaluate_devset(collect_errors=bool(errors_path))
    result["devset"] = rep.to_dict()
    # Arabic: the locked test split (coded twice and reconciled, never tuned on) first, then dev
    for split in arabic_splits():
        result[f"arabic_{split}"] = evaluate_devset(lang="ar", split=split).to_dict()
    ged_path = _find_ged(ged_path)
    if ged_path:
        result["ged_2016_dev"] = evaluate_ged(ged_path, years=("2016",))
        result["ged_2017_2019_eval"] = evaluate_ged(ged_path)
    if errors_path:
        Path(errors_path).write_text(json.dumps(rep.errors, ensure_ascii=False, indent=1), "utf-8")
    if fmt == "json":
        click.echo(json.dumps(result, indent=1))
        return
    for split, what in (("test", "locked test split, scored once per release: the product's accuracy"),
                        ("dev", "tuned on: a development number")):
        a = result.get(f"english_{split}")
        if a is None:
            continue
        hn = a["hard_negatives"]
        click.echo(f"English generalisation set, {split} ({what}; {a['gold']} gold claims): precision "
                   f"{a['precision']:.3f}  recall {a['recall']:.3f}  F1 {a['f1']:.3f}")
        click.echo("  " + "  ".join(f"{k} {a['fields'][k]['accuracy']:.3f}" for k in (
            "perpetrators", "killed", "injured", "governorate", "means", "targets", "kind", "count_flags", "date")
            if k in a["fields"]))
        click.echo(f"  hard negatives (reader comments with no claim): {hn['units']} units, {hn['incidents']} "
                   f"incidents read in them")
        click.echo("  by source: " + ", ".join(f"{k} P {v['precision']} R {v['recall']}"
                                             for k, v in a["by_source"].items()))
    d = result["devset"]
    click.echo(f"first dev set (hand-annotated, tuned on: development numbers; {d['gold']} gold claims): "
               f"predicted {d['predicted']}, paired {d['paired']}")
    click.echo(f"  claim precision {d['precision']:.3f}  recall {d['recall']:.3f}  F1 {d['f1']:.3f}")
    click.echo("  field accuracy on paired claims:")
    for k, v in d["fields"].items():
        click.echo(f"    {k:<16} {v['accuracy']:.3f}  (n={v['n']})")
    click.echo("  by source:")
    for k, v in d["by_source"].items():
        click.echo(f"    {k:<12} precision {v['precision']}  recall {v['recall']}  (gold {v['gold']})")
    for split, what in (("test", "locked test split, scored once per release"), ("dev", "tuned on: a development "
                                                                                     "number")):
        a = result.get(f"arabic_{split}")
        if a is None:
            continue
        click.echo(f"Arabic {split} ({what}; {a['gold']} gold claims): precision {a['precision']:.3f}  "
                   f"recall {a['recall']:.3f}")
        click.echo("  " + "  ".join(f"{k} {a['fields'][k]['accuracy']:.3f}" for k in (
            "perpetrators", "killed", "place_10km", "governorate", "means", "targets", "date", "hedged")
            if k in a["fields"]))
    for part in ("ged_2016_dev", "ged_2017_2019_eval"):
        if part in result:
            g = result[part]
            click.echo(f"{part} (single-event headlines, agreement with GED's coding, not accuracy):")
            click.echo(f"  headlines {g['headlines_single_event']}, with claims {g['with_claims']} "
                       f"({g['claim_rate']})")
            click.echo(f"  governorate {g['governorate_agreement']} (n={g['governorate_n']}), perpetrator "
                       f"{g['perpetrator_agreement']} (n={g['perpetrator_n']}), killed == best "
                       f"{g['killed_equals_best']} (n={g['killed_n']})")


@eval_cmd.command("geo")
@click.option("--ged", "ged_path", type=click.Path(dir_okay=False, exists=True), default=None,
              help="UCDP GED CSV (default: ../shared/data/… when present).")
@click.option("--re3d", "re3d_path", type=click.Path(file_okay=False, exists=True), default=None,
              help="re3d folder with entities.json files (default: the copy under tests/data when present).")
@click.option("--misses", "misses_path", type=click.Path(dir_okay=False), default=None,
              help="Write every GED name not found or placed more than 5 km away to this JSON file.")
@click.option("--syrian-archive", "sa_path", type=click.Path(dir_okay=False, exists=True), default=None,
              help="Syrian Archive's coded videos, dev half (default: ../shared/data/syrian-archive/"
                   "russian_airstrikes_dev.csv when present).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def eval_geo_cmd(ged_path: str | None, re3d_path: str | None, misses_path: str | None, sa_path: str | None,
                 fmt: str) -> None:
    """Measure the geocoder: GED 2017-2019 points (5 km / 25 km / governorate), Syrian Archive's names in
    English and Arabic against its points, and re3d Locations."""
    from .evaluation.geo_eval import evaluate_ged_points, evaluate_re3d_locations, evaluate_syrian_archive

    result: dict[str, object] = {}
    misses: list[dict[str, object]] = []
    ged_path = _find_ged(ged_path)
    if ged_path:
        result["ged_2017_2019_eval"] = evaluate_ged_points(ged_path, misses=misses)
        result["ged_2017_2019_eval_with_headline"] = evaluate_ged_points(ged_path, headline=True)
        result["ged_2016_dev"] = evaluate_ged_points(ged_path, years=("2016",))
        for suffix, headline in (("", False), ("_with_headline", True)):
            result[f"ged_2016_dev_without_ged_names{suffix}"] = evaluate_ged_points(
                ged_path, years=("2016",), without=("ucdp-ged-2016",), headline=headline)
    if re3d_path is None:
        for cand in (Path(__file__).resolve().parents[1] / "tests/data/re3d", Path.cwd() / "tests/data/re3d",
                     Path.cwd().parent / "shared/data/re3d"):
            if cand.exists() and any(cand.glob("*/entities.json")):
                re3d_path = str(cand)
                break
    if re3d_path:
        result["re3d_locations"] = evaluate_re3d_locations(re3d_path)
    if sa_path is None:
        for cand in (Path(__file__).resolve().parents[2] / "shared/data/syrian-archive/russian_airstrikes_dev.csv",
                     Path.cwd().parent / "shared/data/syrian-archive/russian_airstrikes_dev.csv"):
            if cand.exists():
                sa_path = str(cand)
                break
    if sa_path:
        sa = evaluate_syrian_archive(sa_path, misses=misses)
        result["syrian_archive_dev_en"], result["syrian_archive_dev_ar"] = sa["en"], sa["ar"]
    if not result:
        raise click.UsageError("no evaluation data found: pass --ged and/or --re3d")
    if misses_path:
        Path(misses_path).write_text(json.dumps(misses, ensure_ascii=False, indent=1), "utf-8")
    if fmt == "json":
        click.echo(json.dumps(result, indent=1))
        return
    for k, v in result.items():
        click.echo(f"{k}: " + ", ".join(f"{a}={b}" for a, b in v.items()))  # type: ignore[union-attr]


@eval_cmd.command("reactions")
@click.option("--shared", "shared_dir", type=click.Path(file_okay=False, exists=True), default=None,
              help="Folder with the eval-only comment sources (default: ../shared/data/reactions when present).")
@click.option("--errors", "errors_path", type=click.Path(dir_okay=False), default=None,
              help="Write every comment with a disagreement to this JSON file.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def eval_reactions_cmd(shared_dir: str | None, errors_path: str | None, fmt: str) -> None:
    """Measure the react stage on the hand-labelled comment dev set (stance, incitement, abuse, language)."""
    from .evaluation.reactions_eval import evaluate, format_report, shared_reactions_dir

    errors: list[dict[str, object]] | None = [] if errors_path else None
    res = evaluate(shared_reactions_dir(shared_dir), errors=errors)
    if errors_path:
        Path(errors_path).write_text(json.dumps(errors, ensure_ascii=False, indent=1), "utf-8")
    click.echo(json.dumps(res, indent=1) if fmt == "json" else format_report(res))


@main.command("geocode")
@click.argument("name")
@click.option("--context", default=None, help="Text around the name (\"in Idlib\", \"rural Deir Ezzor\").")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "table"]), default=None,
              help="jsonl (default for '-') or table (default for a name).")
@click.option("--limit", type=int, default=5, show_default=True, help="Candidates printed for one name.")
def geocode_cmd(name: str, context: str | None, fmt: str | None, limit: int) -> None:
    """Ranked gazetteer candidates for a place NAME, offline.

    With NAME '-', names are read from stdin one per line and exactly one JSON line is printed per input
    line, in order: the best candidate or null.
    """
    from .geo import load

    g = load()

    def best_dict(p: object) -> dict[str, object] | None:
        if p is None:
            return None
        return {"name": p.name, "country": p.country, "admin1": p.admin1, "admin2": p.admin2,  # type: ignore
                "lat": p.lat, "lon": p.lon, "precision": p.precision, "score": p.score,  # type: ignore
                "feature": p.feature, "gazetteer_id": p.gazetteer_id}  # type: ignore

    if name == "-":
        out = sys.stdout
        for line in sys.stdin:
            q = line.rstrip("\r\n")
            p = g.geocode(q, context) if q.strip() else None
            out.write(json.dumps(best_dict(p), ensure_ascii=False) + "\n")
        out.flush()
        return
    cands = g.candidates(name, context, limit)
    if (fmt or "table") == "jsonl":
        for p, _c in cands:
            click.echo(json.dumps(best_dict(p), ensure_ascii=False))
        if not cands:
            click.echo("null")
        return
    if not cands:
        click.echo(f"no place found for {name!r}", err=True)
        sys.exit(1)
    from rich.console import Console
    from rich.table import Table

    t = Table("#", "gazetteer name", "feature", "admin1", "admin2", "country", "lat", "lon", "prec", "score", "id")
    for n, (p, c) in enumerate(cands, 1):
        e = g.entries[c.entry]
        t.add_row(str(n), e.name, e.type, p.admin1 or "", p.admin2 or "", p.country or "",
                  f"{p.lat:.4f}" if p.lat is not None else "", f"{p.lon:.4f}" if p.lon is not None else "",
                  str(p.precision), f"{p.score:.2f}", e.id)
    Console(width=160).print(t)


@main.command("demo")
@click.option("--limit", type=int, default=None, help="Only the first N demo reports.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="harmledger-demo", show_default=True,
              help="Directory for the demo's claims, ledger and exports.")
def demo_cmd(limit: int | None, out_dir: str) -> None:
    """Run the main job on the bundled demo corpus (UCDP GED 2016 headlines): extract, store, resolve, export."""
    from .demo import run_demo

    run_demo(limit=limit, out_dir=out_dir)


if __name__ == "__main__":  # pragma: no cover
    main()
