"""The gazetteer's built indexes kept on disk, so a process starts in a tenth of a second instead of ~2 s.

Building the gazetteer (15 k places, 100 k name keys, an Aho-Corasick automaton, and the skeleton, vowel,
transliteration and deep-key indexes the geocoder uses) takes ~2 s of CPU. A snapshot holds all of it; it
is written after the first build and read on every later start (the indexes only some texts need are
unpickled on their first use).

A snapshot is named by a **digest of everything it was built from**: the name, size and modification time
of every file of the packs it holds, of the geo stage's data and code and of the text normaliser, the
Python version and the installed pyahocorasick. A change to any of them names a different snapshot, so a
stale one is never read: it is rebuilt. The file carries an Adler-32 checksum of its payload: a truncated
or damaged file is ignored (and rebuilt), never half-read.

Where: ``$HARMLEDGER_CACHE_DIR``, else ``$XDG_CACHE_HOME/harmledger``, else ``~/.cache/harmledger``.
``HARMLEDGER_CACHE_DIR=off`` turns snapshots off. Writes go to a temporary file renamed into place, so
processes building at once never read each other's partial file. A snapshot is a pickle: like any cache,
the folder must be the user's own (a file planted there by someone else would run as the user).
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import struct
import sys
import tempfile
import zlib
from importlib import resources
from pathlib import Path
from typing import Any

import ahocorasick

_MAGIC = b"HLGAZ1\n"
_HEAD = struct.Struct(">32sIQ")  # digest, adler32 of the payload, payload length


def cache_dir() -> Path | None:
    """The folder snapshots live in, or None when they are turned off."""
    env = os.environ.get("HARMLEDGER_CACHE_DIR")
    if env:
        return None if env.lower() in ("off", "0", "none") else Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "harmledger"


def _inputs(packs: tuple[str, ...]) -> list[Path]:
    files: list[Path] = []
    roots = [resources.files("harmledger.geo"), resources.files("harmledger.geo.data"),
             *(resources.files(f"harmledger.packs.{p}") for p in packs)]
    for root in roots:
        files += sorted(Path(str(f)) for f in root.iterdir() if f.is_file() and not f.name.endswith(".pyc"))
    files.append(Path(str(resources.files("harmledger").joinpath("textnorm.py"))))
    return files


def digest(packs: tuple[str, ...]) -> bytes:
    """What a snapshot of these packs is built from: every input file's name, size and modification time
    (as Python's own bytecode cache tells a changed source), hashed with SHA-256."""
    h = hashlib.sha256()
    so = Path(ahocorasick.__file__ or "").stat()  # the installed pyahocorasick (its pickled automaton format)
    h.update(repr((packs, sys.version_info[:3], so.st_size, so.st_mtime_ns, _MAGIC)).encode())
    for f in _inputs(packs):
        st = f.stat()
        h.update(f"{f}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    return h.digest()


def _prefix(packs: tuple[str, ...]) -> str:
    """Snapshots of one installation (two installs sharing a cache folder keep their own)."""
    where = hashlib.sha256(str(resources.files("harmledger")).encode()).hexdigest()[:8]
    return f"gazetteer-{'+'.join(packs)}-{where}-"


def path(packs: tuple[str, ...], dig: bytes | None = None) -> Path | None:
    d = cache_dir()
    if d is None:
        return None
    return d / f"{_prefix(packs)}{(dig or digest(packs)).hex()[:24]}.pickle"


def load(packs: tuple[str, ...]) -> dict[str, Any] | None:
    """The snapshot built from exactly the current files, or None (none yet, turned off, or damaged)."""
    dig = digest(packs)
    p = path(packs, dig)
    if p is None:
        return None
    try:
        raw = p.read_bytes()
    except OSError:
        return None
    n = len(_MAGIC) + _HEAD.size
    if len(raw) < n or not raw.startswith(_MAGIC):
        return None
    got, check, size = _HEAD.unpack_from(raw, len(_MAGIC))
    body = memoryview(raw)[n:]
    if got != dig or size != len(body) or zlib.adler32(body) != check:
        return None
    try:
        state = loads(body)
    except Exception:  # a damaged file: rebuild rather than fail
        return None
    return state if isinstance(state, dict) else None


def dumps(obj: Any) -> bytes:
    return pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)


def loads(data: bytes | memoryview) -> Any:
    """Unpickle with the cyclic collector paused: ~400 k small containers would triple the time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(data)
    finally:
        if enabled:
            gc.enable()


def save(packs: tuple[str, ...], state: dict[str, Any]) -> Path | None:
    """Write a snapshot (atomically); None when snapshots are off or the folder cannot be written."""
    dig = digest(packs)
    p = path(packs, dig)
    if p is None:
        return None
    body = dumps(state)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=".gazetteer-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(_MAGIC + _HEAD.pack(dig, zlib.adler32(body), len(body)))
                f.write(body)
            os.replace(tmp, p)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        return None  # a read-only home: every start builds, nothing breaks
    for old in p.parent.glob(f"{_prefix(packs)}*.pickle"):  # this installation's snapshots of earlier files
        if old != p:
            try:
                old.unlink(missing_ok=True)
            except OSError:
                pass  # another user's file, or one held open: left, never a reason to fail
    return p
