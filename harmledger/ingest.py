"""Ingest stage: read files, directories, JSONL and stdin into :class:`~harmledger.model.Document`.

A document's id is the SHA-256 hex of its raw bytes (for a JSONL line: of the line's bytes, without
its line ending). Bad input never stops a batch: each problem becomes one :class:`ReadError`
naming the file and the reason, and reading goes on with the next input.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .model import Document

#: Larger files are refused (the whole file would be held in memory).
MAX_BYTES = 50 * 1024 * 1024
TEXT_EXT = {".txt", ".text", ".md"}
HTML_EXT = {".html", ".htm", ".xhtml"}
JSONL_EXT = {".jsonl", ".ndjson"}
KNOWN_EXT = TEXT_EXT | HTML_EXT | JSONL_EXT


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
                  doc_id: str | None = None, fmt: str = "html") -> Document:
    """Main text and metadata of an HTML page with trafilatura. Raises ValueError when none is found."""
    import trafilatura

    html_text, enc = decode_text(data)
    doc = trafilatura.bare_extraction(html_text, url=url, with_metadata=True, include_comments=False,
                                      include_tables=False, favor_recall=True)
    res = doc.as_dict() if doc is not None and hasattr(doc, "as_dict") else (doc or {})
    text = res.get("text")
    if not text or not text.strip():
        raise ValueError("no readable main text in this HTML page")
    title = res.get("title") or None
    return Document(doc=doc_id or sha256(data), source=source, text=text, format=fmt, title=title,
                    published=_iso_date(res.get("date")) or published, author=res.get("author") or None,
                    url=url or res.get("url") or None, publisher=res.get("sitename") or None,
                    size=len(data), encoding=enc, raw=data)


def text_document(data: bytes, source: str, *, published: str | None = None, fmt: str = "txt") -> Document:
    text, enc = decode_text(data)
    if not text.strip():
        raise ValueError("empty file (no text)")
    return Document(doc=sha256(data), source=source, text=text, format=fmt, published=published,
                    size=len(data), encoding=enc, raw=data)


def jsonl_documents(data: bytes, source: str, *, published: str | None = None
                    ) -> Iterator[Document | ReadError]:
    """One document per JSONL line: ``text`` or ``html``; optional url, title, published, source."""
    lineno = 0
    for raw_line in data.split(b"\n"):
        lineno += 1
        line = raw_line.rstrip(b"\r")
        if lineno == 1:
            line = line.removeprefix(b"\xef\xbb\xbf")
        if not line.strip():
            continue
        where = f"{source}:{lineno}"
        try:
            obj = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            yield ReadError(where, f"invalid JSON ({e.__class__.__name__}: {str(e)[:80]})")
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
            if isinstance(obj.get("text"), str) and obj["text"].strip():
                yield Document(doc=doc_id, source=src, text=obj["text"], format="jsonl",
                               title=obj.get("title") or None, published=pub, url=url,
                               author=obj.get("author") or None, publisher=obj.get("publisher") or None,
                               size=len(line), encoding="utf-8", raw=line)
            elif isinstance(obj.get("html"), str) and obj["html"].strip():
                d = html_document(obj["html"].encode("utf-8"), src, published=pub, url=url, doc_id=doc_id,
                                  fmt="jsonl")
                d.title = obj.get("title") or d.title
                d.raw, d.size = line, len(line)
                yield d
            else:
                yield ReadError(where, "no 'text' or 'html' field with content")
        except ValueError as e:
            yield ReadError(where, str(e))


def _sniff(data: bytes) -> str:
    head = data[:2048].removeprefix(b"\xef\xbb\xbf").lstrip()
    if head[:1] == b"{":
        return "jsonl"
    if head[:1] == b"<" and re.search(rb"<(html|body|div|p|article|head|!doctype)", head[:2048], re.I):
        return "html"
    return "txt"


def read_bytes(data: bytes, source: str, fmt: str, *, published: str | None = None
               ) -> Iterator[Document | ReadError]:
    """Documents from one input's bytes in a known format (txt | html | jsonl)."""
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
            yield from jsonl_documents(data, source, published=published)
        elif fmt == "html":
            yield html_document(data, source, published=published)
        else:
            yield text_document(data, source, published=published, fmt=fmt)
    except ValueError as e:
        yield ReadError(source, str(e))


def _gunzip(data: bytes) -> bytes:
    """Decompress a .gz file, refusing more than MAX_BYTES of output."""
    import zlib

    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = d.decompress(data, MAX_BYTES + 1)
    except zlib.error as e:
        raise ValueError(f"corrupt gzip file ({e})") from None
    if len(out) > MAX_BYTES:
        raise ValueError(f"file too large when decompressed (> {MAX_BYTES // 2**20} MB)")
    return out


def _format_of(path: Path, data: bytes) -> str:
    ext = path.suffix.lower()
    if ext == ".gz":
        ext = Path(path.stem).suffix.lower()
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
            if p.suffix.lower() in KNOWN_EXT or (p.suffix.lower() == ".gz" and
                                                  Path(p.stem).suffix.lower() in KNOWN_EXT):
                yield p


def read_path(path: str | os.PathLike[str], *, published: str | None = None
              ) -> Iterator[Document | ReadError]:
    """Documents (or read errors) from a file, a directory (recursive) or ``-`` for stdin."""
    spath = str(path)
    if spath == "-":
        data = sys.stdin.buffer.read()
        yield from read_bytes(data, "<stdin>", _sniff(data), published=published)
        return
    p = Path(spath)
    if p.is_dir():
        found = False
        for f in iter_files(p):
            found = True
            yield from read_path(f, published=published)
        if not found:
            yield ReadError(spath, "directory holds no .txt, .html, .htm or .jsonl files")
        return
    try:
        size = p.stat().st_size
    except FileNotFoundError:
        yield ReadError(spath, "no such file or directory")
        return
    except OSError as e:
        yield ReadError(spath, f"cannot read ({e.strerror or e})")
        return
    if size > MAX_BYTES:
        yield ReadError(spath, f"file too large ({size / 2**20:.0f} MB > {MAX_BYTES // 2**20} MB)")
        return
    if size == 0:
        yield ReadError(spath, "empty file")
        return
    try:
        data = p.read_bytes()
        if p.suffix.lower() == ".gz":
            data = _gunzip(data)
    except OSError as e:
        yield ReadError(spath, f"cannot read ({e.strerror or e})")
        return
    except ValueError as e:
        yield ReadError(spath, str(e))
        return
    yield from read_bytes(data, spath, _format_of(p, data), published=published)


def read(paths: Iterable[str | os.PathLike[str]] | str, *, published: str | None = None
         ) -> Iterator[Document | ReadError]:
    """Read every path in turn; errors are yielded in place, never raised."""
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    for p in paths:
        yield from read_path(p, published=published)
