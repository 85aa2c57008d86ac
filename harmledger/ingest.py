"""Ingest stage: read files, directories, JSONL and stdin into :class:`~harmledger.model.Document`.

A document's id is the SHA-256 hex of its raw bytes (for a JSONL line: of the line's bytes, without
its line ending). Bad input never stops a batch: each problem becomes one :class:`ReadError`
naming the file and the reason, and reading goes on with the next input.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from .model import Document
from .segment import threads

#: Larger files are refused (the whole file would be held in memory).
MAX_BYTES = 50 * 1024 * 1024  # one input (file, stdin, decompressed archive, WARC record)
MAX_LINE = 16 * 1024 * 1024  # one JSONL line (one document)
TEXT_EXT = {".txt", ".text", ".md"}
HTML_EXT = {".html", ".htm", ".xhtml"}
# a .warc / .warc.gz crawl archive: HTML responses become documents (see warc_documents)
JSONL_EXT = {".jsonl", ".ndjson"}
WARC_EXT = {".warc"}
KNOWN_EXT = TEXT_EXT | HTML_EXT | JSONL_EXT | WARC_EXT
COMPRESSED = {".gz", ".zst"}


@dataclass(slots=True)
class ReadError:
    """One input that could not be read, with a one-line reason."""

    source: str
    reason: str

    def __str__(self) -> str:
        return f"harmledger: {self.source}: {self.reason}"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _iso_date(value: object) -> str | None:
    """A YYYY-MM-DD string from a date-like value, or None when it is not one."""
    if value is None:
        return None
    s = str(value).strip()
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", s)
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        return None


def strict_date(value: str) -> str | None:
    """``value`` when it is exactly a valid YYYY-MM-DD date, else None."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value or ""):
        return None
    return _iso_date(value)


def _looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if b"\x00" in head:
        # UTF-16/32 text has NULs too: let the decoder judge when a BOM says so
        return not head.startswith((b"\xff\xfe", b"\xfe\xff"))
    return False


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode bytes as UTF-8, else detect the encoding (charset-normalizer). Raises ValueError."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if _looks_binary(data):
        raise ValueError("binary file, not text")
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise ValueError("cannot detect the text encoding (binary or corrupt file?)")
    text = str(best)
    # control characters other than whitespace mean this is not text
    ctrl = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\t\n\r\f")
    if ctrl > 8:
        raise ValueError("binary file, not text")
    return text, best.encoding


def html_document(data: bytes, source: str, *, published: str | None = None, url: str | None = None,
                  doc_id: str | None = None, fmt: str = "html",
                  comments: list[threads.RawComment] | None = None) -> Document:
    """Main text and metadata of an HTML page with trafilatura, then its comment thread (given, or found by
    :mod:`harmledger.segment.threads`). Raises ValueError when there is no main text."""
    html_text, enc = decode_text(data)
    # the publication date only from the page's own markup (meta tags, <time>, the URL), never guessed from a
    # date its text mentions ("a video dating from 24 April 2011"): an undated page stays undated
    res = threads.bare_extraction(html_text, url=url, with_metadata=True, include_comments=False,
                                  include_tables=False, favor_recall=True,
                                  date_extraction_params={"extensive_search": False, "original_date": True})
    text = res.get("text")
    if not text or not text.strip():
        raise ValueError("no readable main text in this HTML page")
    title = res.get("title") or None
    d = Document(doc=doc_id or sha256(data), source=source, text=text, format=fmt, title=title,
                 published=_iso_date(res.get("date")) or published, author=res.get("author") or None,
                 url=url or res.get("url") or None, publisher=res.get("sitename") or None,
                 size=len(data), encoding=enc, raw=data)
    if comments:  # given by the producer (JSONL): the article text is kept whole
        d.text, d.comments_start, d.comments = threads.join_thread(text, comments)
    elif comments is None and _COMMENT_HINT.search(html_text):
        found = threads.page_thread(html_text)
        if found:
            d.text, d.comments_start, d.comments = threads.join_thread(threads.trim_article(text, found), found)
    return d


_COMMENT_HINT = re.compile(r"comment|disqus|reply|review", re.I)


def _comments_field(value: object) -> list[threads.RawComment]:
    """A JSONL ``comments`` list (``[{text, author, time, parent, id}]``); ValueError names the problem."""
    if not isinstance(value, list):
        raise ValueError("field 'comments' must be a list of objects with 'text'")
    out = []
    for i, c in enumerate(value):
        if isinstance(c, str):
            c = {"text": c}
        if not isinstance(c, dict) or not isinstance(c.get("text"), str):
            raise ValueError(f"comments[{i}] must be an object with a string 'text'")
        bad = [k for k in ("author", "time", "parent", "id")
               if c.get(k) is not None and (isinstance(c[k], bool) or not isinstance(c[k], str | int))]
        if bad:
            raise ValueError(f"comments[{i}].{bad[0]} must be a string")
        out.append(threads.RawComment(text=c["text"], author=_opt_str(c.get("author")), time=_opt_str(c.get("time")),
                                      parent=_opt_str(c.get("parent")), id=_opt_str(c.get("id"))))
    return out


def _opt_str(v: object) -> str | None:
    return None if v is None or v == "" else str(v)


def text_document(data: bytes, source: str, *, published: str | None = None, fmt: str = "txt") -> Document:
    text, enc = decode_text(data)
    if not text.strip():
        raise ValueError("empty file (no text)")
    d = Document(doc=sha256(data), source=source, text=text, format=fmt, published=published,
                 size=len(data), encoding=enc, raw=data)
    d.comments_start, d.comments = threads.text_thread(text)
    return d


def jsonl_documents(data: bytes, source: str, *, published: str | None = None, first_line: int = 1
                    ) -> Iterator[Document | ReadError]:
    """One document per JSONL line: ``text`` or ``html``; optional url, title, published, source, author,
    publisher and ``comments`` (``[{text, author, time, parent, id}]``, appended after the article).
    ``first_line``: the number of ``data``'s first line in its file (a :class:`Piece` of a file)."""
    lineno = first_line - 1
    for raw_line in data.split(b"\n"):
        lineno += 1
        line = raw_line.rstrip(b"\r")
        if lineno == 1:
            line = line.removeprefix(b"\xef\xbb\xbf")
        if not line.strip():
            continue
        where = f"{source}:{lineno}"
        if len(line) > MAX_LINE:
            yield ReadError(where, f"line too long ({len(line) / 2**20:.0f} MB > {MAX_LINE // 2**20} MB)")
            continue
        try:
            obj = json.loads(line)
        except RecursionError:
            yield ReadError(where, "invalid JSON (nested too deeply)")
            continue
        except ValueError as e:  # JSONDecodeError, UnicodeDecodeError, a number of thousands of digits
            msg = str(e).split(":")[0] if "digits" in str(e) else f"{e.__class__.__name__}: {str(e)[:80]}"
            yield ReadError(where, f"invalid JSON ({msg})")
            continue
        if b"\\ud" in line or b"\\uD" in line:  # an escaped surrogate: refuse a lone one, which no text may hold
            try:
                json.dumps(obj, ensure_ascii=False).encode("utf-8")
            except UnicodeEncodeError:
                yield ReadError(where, "invalid JSON text (a lone surrogate escape such as \\ud800)")
                continue
        if not isinstance(obj, dict):
            yield ReadError(where, "a JSONL line must be an object with 'text' or 'html'")
            continue
        bad = [k for k in ("text", "html", "url", "title", "published", "source", "author", "publisher")
               if obj.get(k) is not None and not isinstance(obj[k], str)]
        if bad:
            yield ReadError(where, f"field {bad[0]!r} must be a string")
            continue
        pub = _iso_date(obj.get("published")) or published
        src = str(obj.get("source") or where)
        url = obj.get("url") or None
        doc_id = sha256(line)
        try:
            given = _comments_field(obj["comments"]) if obj.get("comments") is not None else None
            if isinstance(obj.get("text"), str) and obj["text"].strip():
                d = Document(doc=doc_id, source=src, text=obj["text"], format="jsonl",
                             title=obj.get("title") or None, published=pub, url=url,
                             author=obj.get("author") or None, publisher=obj.get("publisher") or None,
                             size=len(line), encoding="utf-8", raw=line)
                if given:
                    d.text, d.comments_start, d.comments = threads.join_thread(d.text, given)
                yield d
            elif isinstance(obj.get("html"), str) and obj["html"].strip():
                d = html_document(obj["html"].encode("utf-8"), src, published=pub, url=url, doc_id=doc_id,
                                  fmt="jsonl", comments=given)
                d.title = obj.get("title") or d.title
                d.raw, d.size = line, len(line)
                yield d
            else:
                yield ReadError(where, "no 'text' or 'html' field with content")
        except ValueError as e:
            yield ReadError(where, str(e))
        except RecursionError:
            yield ReadError(where, "page nested too deeply to read")


def _sniff(data: bytes) -> str:
    head = data[:2048].removeprefix(b"\xef\xbb\xbf").lstrip()
    if head[:1] == b"{":
        return "jsonl"
    if head[:1] == b"<" and re.search(rb"<(html|body|div|p|article|head|!doctype)", head[:2048], re.I):
        return "html"
    return "txt"


def read_bytes(data: bytes, source: str, fmt: str, *, published: str | None = None, first_line: int = 1
               ) -> Iterator[Document | ReadError]:
    """Documents from one input's bytes in a known format (txt | html | jsonl; ``first_line``: see
    :func:`jsonl_documents`)."""
    if not data.strip():
        yield ReadError(source, "empty file")
        return
    if len(data) > MAX_BYTES:
        yield ReadError(source, f"file too large ({len(data) / 2**20:.0f} MB > {MAX_BYTES // 2**20} MB)")
        return
    if fmt != "jsonl" and _looks_binary(data):
        yield ReadError(source, "binary file, not text")
        return
    try:
        if fmt == "jsonl":
            yield from jsonl_documents(data, source, published=published, first_line=first_line)
        elif fmt == "html":
            yield html_document(data, source, published=published)
        else:
            yield text_document(data, source, published=published, fmt=fmt)
    except ValueError as e:
        yield ReadError(source, str(e))
    except RecursionError:
        yield ReadError(source, "page nested too deeply to read")


def _too_large() -> ValueError:
    return ValueError(f"file too large when decompressed (> {MAX_BYTES // 2**20} MB)")


def _unzstd(data: bytes) -> bytes:
    """Decompress a .zst file: every frame, each read to its end (a truncated frame is an error, not a
    shorter original), refusing more than MAX_BYTES of output. Input is fed in small pieces so that a
    decompression bomb is stopped before it fills memory."""
    import zstandard

    out = bytearray()
    pos, step = 0, 1024  # a 1 kB piece of a bomb grows to at most ~32 MB before the size is checked
    try:
        while pos < len(data):
            d = zstandard.ZstdDecompressor().decompressobj()
            while not d.eof and pos < len(data):
                piece = data[pos:pos + step]
                out += d.decompress(piece)
                pos += len(piece)
                if len(out) > MAX_BYTES:
                    raise _too_large()
            if not d.eof:
                raise ValueError("truncated zstd file (it ends inside a frame)")
            pos -= len(d.unused_data)
    except zstandard.ZstdError as e:
        raise ValueError(f"corrupt zstd file ({e})") from None
    return bytes(out)


def warc_documents(path: Path, *, prefilter: bool = True, stats: dict[str, int] | None = None,
                   start: int = 0, end: int | None = None) -> Iterator[Document | ReadError]:
    """HTML responses of a WARC / WARC.gz file (warcio), with the record's URL and fetch time as capture
    metadata. With ``prefilter``, off-topic pages are dropped before any HTML parsing.

    Every record is read to its end and checked before anything of it is used: all the bytes its
    ``Content-Length`` declares are there, no bytes follow them before the next record, and its
    ``WARC-Block-Digest`` / ``WARC-Payload-Digest`` (when the writer recorded them) match. A record that
    fails is one error line naming its offset, never a document; bytes after the last whole record are
    an error too (a cut archive), and the whole records before the damage are read.

    ``start``/``end``: only the records that start at or after ``start`` (a record's offset, from
    :func:`warc_offsets`) and before ``end`` — a :class:`Piece` of the archive; the check for a cut
    archive belongs to the piece that reads to the end."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    from .prefilter import load as load_prefilter

    pf = load_prefilter() if prefilter else None
    st = stats if stats is not None else {}
    logging.getLogger("warcio").setLevel(logging.ERROR)  # its warnings are ours to word, one line each
    it: Any = None
    last_end = start  # where the last whole record ended
    try:
        with open(path, "rb") as f:
            f.seek(start)
            it = ArchiveIterator(f, check_digests=True)
            it.INC_RECORD = ""  # warcio writes this multi-line warning to stderr itself; we count err_count
            for rec in it:
                if end is not None and it.offset >= end:  # warcio's offsets count from the file's start
                    break  # the next piece's first record
                where = f"{path}@{it.offset}"  # the record's start (get_record_offset() would consume it)
                ctype = (rec.http_headers.get_header("Content-Type") or "") if rec.http_headers else ""
                wanted = rec.rec_type == "response" and "html" in ctype.lower()
                raw = _read_record(rec) if wanted else b""
                errs = it.err_count
                it.read_to_end()  # the rest of the record, its digests, and what follows it
                last_end = it.offset
                problem = _record_problem(rec, it.err_count > errs)
                if problem:
                    yield ReadError(where, problem)
                    continue
                if not wanted:
                    if rec.rec_type == "response":
                        st["non_html"] = st.get("non_html", 0) + 1
                    continue
                if raw is None:
                    yield ReadError(where, "record too large")
                    continue
                if pf is not None and not pf.keep_bytes(raw):
                    st["offtopic"] = st.get("offtopic", 0) + 1
                    continue
                url = rec.rec_headers.get_header("WARC-Target-URI")
                captured = rec.rec_headers.get_header("WARC-Date")
                try:
                    d = html_document(raw, where, url=url, fmt="warc")
                except ValueError as e:
                    yield ReadError(where, str(e))
                    continue
                except RecursionError:
                    yield ReadError(where, "page nested too deeply to read")
                    continue
                d.captured_at = captured
                yield d
            if end is not None:
                return
            size = os.fstat(f.fileno()).st_size
            f.seek(last_end)
            rest = f.read(1 << 16)
            if rest.strip(b"\r\n\0 \t"):  # warcio stops quietly at a record cut in its headers
                yield ReadError(f"{path}@{last_end}", f"truncated or damaged archive: {size - last_end} bytes "
                                                       "after the last whole record could not be read")
    except (ArchiveLoadFailed, OSError, ValueError, EOFError, AttributeError, TypeError, IndexError, KeyError) as e:
        at = f"{path}@{it.offset}" if it is not None else str(path)  # the record being parsed when it failed
        first = (str(e).splitlines() or [""])[0][:120].encode("ascii", "backslashreplace").decode("ascii")
        yield ReadError(at, f"damaged WARC record ({e.__class__.__name__}{': ' + first if first else ''})")


def warc_offsets(path: Path) -> list[int]:
    """Where each record of a WARC archive starts (for cutting it into pieces), read without parsing any
    page; a damaged record ends the list (the piece that reads to the end reports it)."""
    from warcio.archiveiterator import ArchiveIterator

    logging.getLogger("warcio").setLevel(logging.ERROR)
    out: list[int] = []
    try:
        with open(path, "rb") as f:
            it = ArchiveIterator(f)
            it.INC_RECORD = ""
            for _rec in it:
                out.append(it.offset)
                it.read_to_end()
    except Exception:  # noqa: BLE001 - whatever warcio raises on damage: the pieces stop before it
        out = out[:-1]
    return out


@dataclass(frozen=True, slots=True)
class Piece:
    """A share of one input file, for a worker: lines ``part`` of ``parts`` of a JSONL file (cut at line
    ends into equal shares of its bytes, decompressed), or the records of a WARC archive that start in
    ``[start, end)`` (offsets from :func:`warc_offsets`; ``end`` None: to the archive's end). The pieces of
    a file, read in order, give exactly the documents (and errors) the whole file gives."""

    path: str
    part: int = 0
    parts: int = 1
    start: int = 0
    end: int | None = None

    @property
    def whole(self) -> bool:
        return self.parts == 1 and self.start == 0 and self.end is None


def _line_cut(data: bytes, k: int, n: int) -> int:
    """Where piece k of n of a JSONL file's bytes starts: the first line start at or after k/n of them."""
    if k <= 0:
        return 0
    if k >= n:
        return len(data)
    c = len(data) * k // n
    if c <= 0:
        return 0  # more pieces than bytes (a padded .gz): the first ones are empty
    nl = data.find(b"\n", c - 1)
    return len(data) if nl < 0 else nl + 1


def read_piece(piece: Piece, *, published: str | None = None, prefilter: bool | None = None,
               stats: dict[str, int] | None = None) -> Iterator[Document | ReadError]:
    """Documents (or read errors) of one :class:`Piece` of a file (a whole file: :func:`read_path`)."""
    if piece.whole:
        yield from read_path(piece.path, published=published, prefilter=prefilter, stats=stats)
        return
    p = Path(piece.path)
    if format_of(p, b"") == "warc":
        yield from warc_documents(p, prefilter=True if prefilter is None else prefilter, stats=stats,
                                  start=piece.start, end=piece.end)
        return
    try:
        too_big = p.stat().st_size > MAX_BYTES
        data = b"" if too_big else _load(p)
    except OSError as e:
        if piece.part == 0:
            yield ReadError(piece.path, f"cannot read ({e.strerror or e})")
        return
    except ValueError as e:
        if piece.part == 0:  # one error for the file, from its first piece
            yield ReadError(piece.path, str(e))
        return
    if too_big or format_of(p, data) != "jsonl" or len(data) > MAX_BYTES:
        if piece.part == 0:  # only a JSONL file is cut into pieces: any other is read whole by its first
            yield from read_path(piece.path, published=published, prefilter=prefilter, stats=stats)
        return
    a, b = _line_cut(data, piece.part, piece.parts), _line_cut(data, piece.part + 1, piece.parts)
    if not data[a:b].strip():
        if piece.part == 0 and not data.strip():
            yield ReadError(piece.path, "empty file")
        return
    yield from _read_data(data[a:b], piece.path, "jsonl", published=published, prefilter=prefilter, stats=stats,
                          first_line=data.count(b"\n", 0, a) + 1)


def _record_problem(rec: Any, bytes_follow: bool) -> str | None:
    """Why a WARC record read to its end cannot be trusted to be whole, or None."""
    if rec.length is None:
        return "damaged record: no Content-Length"
    if rec.raw_stream.limit:  # fewer bytes than its Content-Length: a cut record, never an original
        return f"truncated record: {rec.raw_stream.limit} of its {rec.length} declared bytes are missing"
    if bytes_follow:
        return ("damaged record: bytes follow its declared Content-Length (the length is wrong, so its "
                "content cannot be trusted to be whole)")
    checker = getattr(rec, "digest_checker", None)
    if checker is not None and checker.passed is False:
        return f"damaged record: {'; '.join(checker.problems)[:160]} (its bytes are not those the crawler wrote)"
    return None


def _read_record(rec: Any) -> bytes | None:
    """A WARC record's payload read to its end, or None above MAX_BYTES."""
    stream = rec.content_stream()
    parts, n = [], 0
    while chunk := stream.read(1 << 20):
        parts.append(chunk)
        n += len(chunk)
        if n > MAX_BYTES:
            return None
    return b"".join(parts)


def _gunzip(data: bytes) -> bytes:
    """Decompress a .gz file: every member (``cat a.gz b.gz`` is one file), each read to its end with its
    CRC and length checked (a truncated file is an error, not a shorter original), refusing more than
    MAX_BYTES of output."""
    import zlib

    out = bytearray()
    rest = data
    while True:
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            out += d.decompress(rest, MAX_BYTES + 1 - len(out))
        except zlib.error as e:
            raise ValueError(f"corrupt gzip file ({e})") from None
        if len(out) > MAX_BYTES or d.unconsumed_tail:
            raise _too_large()
        if not d.eof:
            raise ValueError("truncated gzip file (it ends inside its compressed data)")
        rest = d.unused_data
        if not rest.strip(b"\0"):  # the end, or the zero padding some tape and block writers add
            return bytes(out)


def format_of(path: Path, data: bytes) -> str:
    """An input's format from its name (a .gz or .zst name by the name inside), else sniffed from its bytes."""
    ext = path.suffix.lower()
    if ext in COMPRESSED:
        ext = Path(path.stem).suffix.lower()
    if ext in WARC_EXT:
        return "warc"
    if ext in HTML_EXT:
        return "html"
    if ext in JSONL_EXT:
        return "jsonl"
    if ext in TEXT_EXT:
        return "txt"
    return _sniff(data)


def iter_files(path: Path) -> Iterator[Path]:
    """Files of a directory, recursively, in sorted order (hidden files skipped)."""
    for root, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            p = Path(root) / name
            if p.suffix.lower() in KNOWN_EXT or (p.suffix.lower() in COMPRESSED and
                                                  Path(p.stem).suffix.lower() in KNOWN_EXT):
                yield p


def read_path(path: str | os.PathLike[str], *, published: str | None = None, prefilter: bool | None = None,
              stats: dict[str, int] | None = None) -> Iterator[Document | ReadError]:
    """Documents (or read errors) from a file, a directory (recursive) or ``-`` for stdin.

    ``prefilter``: drop documents with no conflict word (None: only for WARC archives, where most pages
    are off-topic). ``stats`` counts what was dropped (``offtopic``, ``non_html``)."""
    spath = str(path)
    if spath == "-":
        data = sys.stdin.buffer.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            yield ReadError("<stdin>", f"input too large (> {MAX_BYTES // 2**20} MB)")
            return
        try:  # compressed input on a pipe is read like a .gz / .zst file, with the same bounds
            if data[:2] == b"\x1f\x8b":
                data = _gunzip(data)
            elif data[:4] == b"\x28\xb5\x2f\xfd":
                data = _unzstd(data)
        except ValueError as e:
            yield ReadError("<stdin>", str(e))
            return
        if data.lstrip()[:5] == b"WARC/":
            yield ReadError("<stdin>", "a WARC archive is read record by record from a file: save it as .warc or "
                                       ".warc.gz and give its path")
            return
        yield from read_bytes(data, "<stdin>", _sniff(data), published=published)
        return
    p = Path(spath)
    if p.is_dir():
        found = False
        for f in iter_files(p):
            found = True
            yield from read_path(f, published=published, prefilter=prefilter, stats=stats)
        if not found:
            yield ReadError(spath, "directory holds no .txt, .html, .htm, .jsonl or .warc files")
        return
    try:
        size = p.stat().st_size
    except FileNotFoundError:
        yield ReadError(spath, "no such file or directory")
        return
    except OSError as e:
        yield ReadError(spath, f"cannot read ({e.strerror or e})")
        return
    if size == 0:
        yield ReadError(spath, "empty file")
        return
    if format_of(p, b"") == "warc":  # streamed record by record: no size limit on the archive
        yield from warc_documents(p, prefilter=True if prefilter is None else prefilter, stats=stats)
        return
    if size > MAX_BYTES:
        yield ReadError(spath, f"file too large ({size / 2**20:.0f} MB > {MAX_BYTES // 2**20} MB)")
        return
    try:
        data = _load(p)
    except OSError as e:
        yield ReadError(spath, f"cannot read ({e.strerror or e})")
        return
    except ValueError as e:
        yield ReadError(spath, str(e))
        return
    yield from _read_data(data, spath, format_of(p, data), published=published, prefilter=prefilter, stats=stats)


def _load(p: Path) -> bytes:
    """A file's bytes, decompressed (.gz, .zst) within MAX_BYTES (OSError, ValueError)."""
    data = p.read_bytes()
    if p.suffix.lower() == ".gz":
        return _gunzip(data)
    if p.suffix.lower() == ".zst":
        return _unzstd(data)
    return data


def _read_data(data: bytes, spath: str, fmt: str, *, published: str | None, prefilter: bool | None,
               stats: dict[str, int] | None, first_line: int = 1) -> Iterator[Document | ReadError]:
    """The documents of a file's (decompressed) bytes, off-topic ones dropped with ``prefilter``."""
    if prefilter:
        from .prefilter import load as load_prefilter

        pf = load_prefilter()

        def offtopic() -> None:
            if stats is not None:
                stats["offtopic"] = stats.get("offtopic", 0) + 1

        if fmt == "html":  # before trafilatura, the costly part: an off-topic page's markup has no conflict word
            try:
                page = decode_text(data)[0]
            except ValueError:
                page = None  # read_bytes reports it
            if page is not None and not pf.keep_text(page):
                offtopic()
                return
            yield from read_bytes(data, spath, fmt, published=published)
            return
        for item in read_bytes(data, spath, fmt, published=published, first_line=first_line):
            if isinstance(item, Document) and not pf.keep_text(item.text):
                offtopic()
                continue
            yield item
        return
    yield from read_bytes(data, spath, fmt, published=published, first_line=first_line)


def read(paths: Iterable[str | os.PathLike[str]] | str, *, published: str | None = None,
         prefilter: bool | None = None, stats: dict[str, int] | None = None) -> Iterator[Document | ReadError]:
    """Read every path in turn; errors are yielded in place, never raised."""
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    for p in paths:
        yield from read_path(p, published=published, prefilter=prefilter, stats=stats)
