"""A disk cache for the enrichment's lookup tables (division index, jieba dictionary with places, POS data).

Building them from jieba's and jionlp's text files costs seconds; loading them back with
``marshal`` costs a fraction of that. One file per table under ``$XDG_CACHE_HOME/newsgen`` (or
``~/.cache/newsgen``), named by a key over the source files (path, size, mtime) and this package's
code, so a new jieba or jionlp, or an edit of the enrichment code, simply builds a new file (and
removes the stale one). Files are written atomically; deleting them is always safe. When the
directory is not writable the tables are built in memory each time, as before.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

#: Bumped when the layout of a cached value changes in a way the code hash would not show.
FORMAT = 1
PACKAGE_DIR = Path(__file__).resolve().parent


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "newsgen"


def cache_key(name: str, sources: Iterable[Path]) -> str:
    """Digest of the sources' identities and the enrichment code that turns them into the table."""
    h = hashlib.sha256(f"{FORMAT} {name} {marshal.version}".encode())
    for src in sources:
        st = src.stat()
        h.update(f"\0{src.resolve()}\0{st.st_size}\0{st.st_mtime_ns}".encode())
    for code in sorted(PACKAGE_DIR.glob("*.py")):
        h.update(code.read_bytes())
    return h.hexdigest()[:24]


def cached(name: str, sources: Iterable[Path], build: Callable[[], T]) -> T:
    """``build()``'s value (plain data: dicts, tuples, strings, numbers, frozensets), via the disk cache."""
    try:
        path = cache_dir() / f"{name}-{cache_key(name, sources)}.marshal"
    except OSError:  # a source is missing: let build() report it
        return build()
    try:
        return marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        pass
    value = build()
    _store(path, value)
    return value


def _store(path: Path, value: object) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(marshal.dumps(value))
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        stem = path.stem.rsplit("-", 1)[0]
        for stale in path.parent.glob(f"{stem}-*.marshal"):
            if stale != path:
                stale.unlink(missing_ok=True)
    except OSError:
        pass  # read-only or full: the caller has the value anyway
