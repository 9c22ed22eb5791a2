"""What a build leaves for the next: one versioned store (:class:`State`), and how its files are written.

Every file is written under a temporary name in its own folder and renamed over the old one, so a
reader sees the old file or the new one, never half of one; a cache that cannot be written only
makes the next build do more, so failing to write is not reported.

JSON goes through orjson: the caches of a 10,000-article site are 10-20 MB, which the standard
library's encoder takes ten times longer to write and half again as long to read, on every rebuild.
orjson's own types (dates, dataclasses, subclasses) are passed through to ``default`` as the
standard library would, so what a cache gives back does not depend on the encoder.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import os
import re
import shutil
import time
import zlib
from array import array
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from pathlib import Path
from typing import Any

import orjson

_OPTIONS = (orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
            | orjson.OPT_PASSTHROUGH_SUBCLASS)


def write(path: Path, data: bytes | str | Iterable[bytes]) -> bool:
    """Write ``data`` (text as UTF-8; or bytes given in pieces, each written as it comes) to ``path``
    atomically; False when it could not be written (or a piece could not be made: TypeError, ValueError)."""
    pieces = [data.encode("utf-8")] if isinstance(data, str) else [data] if isinstance(data, bytes) else data
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as f:
            for piece in pieces:
                f.write(piece)
        os.replace(tmp, path)
    except (OSError, TypeError, ValueError):   # orjson.JSONEncodeError is a TypeError
        try:
            tmp.unlink()
        except OSError:
            pass
        return False
    return True


#: a mapping or list with more entries than this, a value of a section's top-level dict, is encoded in parts
#: of this many (a table's column of 150,000 rows would be one encode; orjson's peak is about five times
#: what it encodes)
PART = 1000


def _parted(value: Any) -> bool:
    return isinstance(value, dict | list) and len(value) > PART


def _pieces(value: dict[Any, Any], default: Callable[[Any], Any] | None) -> Iterator[bytes]:
    """The JSON of ``value``, a dict some of whose values are big mappings or lists, in pieces: the
    bytes one encode of it gives."""
    def dumps(item: Any) -> bytes:
        return orjson.dumps(item, default=default, option=_OPTIONS)

    yield b"{"
    for i, (key, item) in enumerate(value.items()):
        yield b"," * (i > 0) + dumps({key: None})[1:-5]   # (the key and its colon, as orjson writes them)
        if not _parted(item):
            yield dumps(item)
            continue
        if isinstance(item, list):
            chunks: Iterable[Any] = (item[start:start + PART] for start in range(0, len(item), PART))
        else:
            items = iter(item.items())
            chunks = iter(lambda items=items: dict(itertools.islice(items, PART)), {})
        opening, closing = (b"[", b"]") if isinstance(item, list) else (b"{", b"}")
        yield opening
        empty = True
        for chunk in chunks:
            raw = dumps(chunk)
            if len(raw) > 2:   # (not {} or [])
                yield raw[1:-1] if empty else b"," + raw[1:-1]
                empty = False
        yield closing
    yield b"}"


def write_json(path: Path, value: Any, default: Callable[[Any], Any] | None = None) -> bool:
    """:func:`write` of ``value`` as JSON (Chinese kept as it is; what JSON cannot hold given to
    ``default``); False when it cannot be encoded or written. The values of a dict that are mappings or
    lists of more than :data:`PART` entries are encoded in parts."""
    if isinstance(value, dict) and any(map(_parted, value.values())):
        return write(path, _pieces(value, default))
    try:
        raw = orjson.dumps(value, default=default, option=_OPTIONS)
    except (TypeError, ValueError):   # orjson.JSONEncodeError is a TypeError
        return False
    return write(path, raw)


def read_json(path: Path) -> Any:
    """The JSON value in ``path``. Raises OSError when it cannot be read, ValueError when it is not JSON."""
    return orjson.loads(path.read_bytes())


class Pack:
    """Blobs by key (converted article bodies), appended to one file, ``<folder>/pack``, and read by offset.

    A record is a header line, ``KEY SHA256 LENGTH``, then the blob's bytes. Every record is one
    ``write`` to the file opened for appending, so forked render workers and the build that started
    them append side by side without interleaving; the file is read back by offset. The index, key
    to offset, is made by reading the headers (one ``pread`` a record) on first use; a record cut
    short ends it, and a record whose bytes do not have its digest is ignored (its blob is made
    again). The newest record of a key wins. Records no key needs any more are dropped by
    :meth:`retain`/:meth:`discard` when they are the larger part of the file, which is then
    written again whole (atomically). One file rather than a file a blob: a cold build of 10,000
    articles wrote 10,000 files (create, write, rename each).

    The index is kept beside the file (``pack.index``, written when :meth:`retain`/:meth:`discard`
    find the file as this process indexed it), with the file's inode and the offset where the records
    it indexes end: the next process reads it and the headers of the records appended since, not
    every header (100,000 ``pread`` calls, 0.2 to 1.5 s of a one-page rebuild at 100,000 articles).
    """

    HEADER = 160   # bytes read for a header: a key and a digest of 64 characters, a length
    INDEX = "pack.index"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / "pack"
        self._index: dict[str, tuple[int, int, bytes]] | None = None   # key -> (offset, length, digest)
        self._end: tuple[int, int] = (-1, 0)   # the inode of the file scanned, and where its whole records end
        self._saved_end = -1   # where the records the index kept beside the file indexes end (-1: none read)
        self._covered = -1   # the size of the file the index was made of, and this process's appends since
        self._reader: int | None = None
        self._writer: tuple[int, int] | None = None   # (pid, fd): a forked worker opens its own

    def _scan(self, saved: bool = False) -> tuple[dict[str, tuple[int, int, bytes]], int]:
        """The index of the file as it is now, and its size; ``saved``: from the index kept beside it
        (when it is of this file) and the headers after it."""
        index: dict[str, tuple[int, int, bytes]] = {}
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except OSError:
            return index, 0
        try:
            st = os.fstat(fd)
            size, at = st.st_size, 0
            if saved:
                index, at = self._saved(st)
            while at < size:
                head = os.pread(fd, self.HEADER, at)
                line, found, _ = head.partition(b"\n")
                parts = line.split(b" ")
                if not found or len(parts) != 3 or not parts[2].isdigit():
                    break
                start, length = at + len(line) + 1, int(parts[2])
                if start + length > size:
                    break
                index[parts[0].decode("ascii", "replace")] = (start, length, parts[1])
                at = start + length
        finally:
            os.close(fd)
        self._end = (st.st_ino, at)
        return index, size

    def _saved(self, st: os.stat_result) -> tuple[dict[str, tuple[int, int, bytes]], int]:
        """The index kept beside the file, and where the records it indexes end, when it is of this
        file (its inode, no longer than it); else none."""
        try:
            kept = read_json(self.folder / self.INDEX)
            if kept["inode"] == st.st_ino and 0 <= kept["end"] <= st.st_size:
                self._saved_end = int(kept["end"])
                return ({key: (at, length, digest.encode("ascii")) for key, (at, length, digest) in
                         kept["records"].items()}, int(kept["end"]))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass
        return {}, 0

    def _keep_index(self, index: dict[str, tuple[int, int, bytes]]) -> None:
        """Write ``index`` beside the file, when the file is still as this process indexed it."""
        try:
            st = os.stat(self.path)
        except OSError:
            return
        if self._covered != st.st_size or self._end[0] != st.st_ino:
            return
        write_json(self.folder / self.INDEX, {"inode": st.st_ino, "end": st.st_size, "records": {
            key: [at, length, digest.decode("ascii")] for key, (at, length, digest) in index.items()}})

    def get(self, key: str) -> bytes | None:
        """The blob kept under ``key``; None when there is none (or it does not read back whole)."""
        if self._index is None:
            self._index, self._covered = self._scan(saved=True)
        found = self._index.get(key)
        if found is None:
            return None
        start, length, digest = found
        try:
            if self._reader is None:
                self._reader = os.open(self.path, os.O_RDONLY)
            data = os.pread(self._reader, length, start)
        except OSError:
            return None
        if len(data) != length or hashlib.sha256(data).hexdigest().encode("ascii") != digest:
            return None
        return data

    def put(self, key: str, data: bytes) -> None:
        """Append ``data`` under ``key``; failing to is no error (the next build only does more)."""
        pid = os.getpid()
        try:
            if self._writer is None or self._writer[0] != pid:
                self.folder.mkdir(parents=True, exist_ok=True)
                self._writer = (pid, os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644))
            digest = hashlib.sha256(data).hexdigest().encode("ascii")
            record = b"%s %s %d\n" % (key.encode("ascii"), digest, len(data)) + data
            if os.write(self._writer[1], record) == len(record) and self._index is not None:
                # where it went: this descriptor's offset, just past it (other writers move their own)
                end = os.lseek(self._writer[1], 0, os.SEEK_CUR)
                self._index[key] = (end - len(data), len(data), digest)
                self._covered = end if end == self._covered + len(record) else -1   # (another wrote too)
        except OSError:
            pass

    def retain(self, keys: Iterable[str]) -> None:
        """Keep only the blobs of ``keys`` (the others' records go when they are most of the file)."""
        keep = set(keys)
        self._compact(lambda key: key in keep)
        for entry in os.scandir(self.folder) if self.folder.is_dir() else ():
            if entry.name not in (self.path.name, self.INDEX):   # (another newsgen's cache files: one a blob)
                try:
                    os.unlink(entry.path)
                except OSError:
                    pass

    def discard(self, keys: Iterable[str]) -> None:
        """Forget the blobs of ``keys`` (their records go when dead records are most of the file)."""
        gone = set(keys)
        self._compact(lambda key: key not in gone)

    def _compact(self, live: Callable[[str], bool]) -> None:
        self.close()
        try:   # the index this process has is the file's when no other process appended since
            size = os.stat(self.path).st_size
        except OSError:
            size = -2
        if self._index is not None and size == self._covered:
            index = self._index
        else:
            index, size = self._scan(saved=True)
        kept = {key: at for key, at in index.items() if live(key)}
        self._index, self._covered = kept, size
        if sum(length for _, length, _ in kept.values()) * 2 >= size:
            if len(kept) != len(index) or size != self._saved_end:
                self._keep_index(kept)
            return
        try:
            with open(self.path, "rb") as f:
                parts = []
                for key, (start, length, digest) in kept.items():
                    f.seek(start)
                    parts.append(b"%s %s %d\n" % (key.encode("ascii"), digest, length) + f.read(length))
        except OSError:
            return
        write(self.path, b"".join(parts))
        self._index, self._covered = None, -1

    def close(self) -> None:
        """Close the files this process opened (the index is kept)."""
        for fd in (self._reader, self._writer[1] if self._writer is not None and self._writer[0] == os.getpid()
                   else None):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self._reader = self._writer = None


class State:
    """Everything one build leaves for the next, in one folder (``SITE/.newsgen-cache``): one store
    with one version, written once, at the end of a successful build.

    Its index, ``state.json``, names the version (this store's format and newsgen's) and the file
    of each *section*, a JSON value a part of the build keeps under a name of its own choosing
    (:meth:`get`, :meth:`put`: the parsed articles, the related-article tables, …); a big mapping
    that changes a little from build to build (each output's manifest and page records, the photos'
    records) is a :class:`Table`, kept in sections of its own; a part that keeps many blobs
    (converted bodies, photo derivatives) gets a folder of the store (:meth:`folder`) and checks its
    blobs itself. :meth:`commit` writes each section put under a new file name, then the index,
    atomically, then deletes the files no index names: a build that stops before (an error, a kill)
    leaves the last state as it was.

    One rule for a state that is not as written: an index that cannot be read, or of another
    version, or a table's journal that cannot be read or is not of the buckets the index names, is
    no state at all (:attr:`problem` says why, in one line: the build is a cold one); one of another
    version is deleted with every folder. Safe to delete.
    """

    VERSION = 4
    INDEX = "state.json"

    def __init__(self, folder: Path) -> None:
        from newsgen import __version__
        self.root = folder
        self._version = [self.VERSION, __version__]
        #: why the last build's state is not used (None: it is, or there is none)
        self.problem: str | None = None
        self._files: dict[str, str] = {}      # section -> its file, as the index names them
        self._outputs: dict[str, str] = {}    # output key -> the output's real path
        self._read: dict[str, Any] = {}
        self._put: dict[str, tuple[Any, Callable[[Any], Any] | None]] = {}
        try:
            index = read_json(folder / self.INDEX)
            files, outputs = index["sections"], index["outputs"]
            if index.get("version") != self._version:
                self.problem = "the build state is of another newsgen version"
                self._clear()
            elif isinstance(files, dict) and isinstance(outputs, dict):
                self._files, self._outputs = files, outputs
            else:
                raise ValueError
        except FileNotFoundError:
            pass
        except (OSError, ValueError, KeyError, TypeError):
            self.problem = "the build state cannot be read"
        for name in [n.removesuffix(Table.JOURNAL) for n in self._files if n.endswith(Table.JOURNAL)]:
            journal = self.get(name + Table.JOURNAL)   # (a table's: of the buckets the index names)
            if not (isinstance(journal, dict) and isinstance(journal.get("of"), list) and all(
                    file == self._files.get(f"{name}.{n}") for n, file in enumerate(journal["of"]))):
                self.problem, self._files, self._read = f"the build state's {name} cannot be read", {}, {}
                break

    def _clear(self) -> None:
        for entry in os.scandir(self.root):
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            elif entry.name != self.INDEX:
                try:
                    os.unlink(entry.path)
                except OSError:
                    pass

    def get(self, name: str, *, hold: bool = True) -> Any:
        """The value the last build kept under ``name``; None when there is none (or it cannot be read).
        ``hold``: kept for the next ``get`` (else the caller holds it, or lets it go)."""
        if name in self._put:
            value = self._put[name][0]
            if isinstance(value, _Written):
                try:
                    return read_json(self.root / value.file)
                except (OSError, ValueError):
                    return None
            return value
        if name not in self._read:
            try:
                value = read_json(self.root / self._files[name]) if name in self._files else None
            except (OSError, ValueError):
                value = None
            if not hold:
                return value
            self._read[name] = value
        return self._read[name]

    def file(self, name: str) -> str | None:
        """The file of the section ``name`` (as the index names it, or as written now); None: none."""
        put = self._put.get(name)
        if put is not None:
            return put[0].file if isinstance(put[0], _Written) else None
        return self._files.get(name)

    def has(self, name: str) -> bool:
        """Whether there is a value under ``name`` (without reading it)."""
        return self._put[name][0] is not None if name in self._put else name in self._files

    def put(self, name: str, value: Any, default: Callable[[Any], Any] | None = None, *, now: bool = False) -> None:
        """Keep ``value`` under ``name`` for the next build (written by :meth:`commit`; JSON, what it cannot
        hold given to ``default``; None: no value any more); a section not put is kept as it is.
        ``now``: written now, under a name of its own that only the index :meth:`commit` writes names
        (so that the caller may let go of a big value)."""
        if now and value is not None:
            file = f"{name}.{os.urandom(4).hex()}.json"
            value = _Written(file) if write_json(self.root / file, value, default) else None
        self._put[name] = (value, default)
        self._read.pop(name, None)   # (the value read is not held: a rebuild that adds an article reads
                                     # and puts every bucket of the record, 200 MB at 100,000)

    def forget(self) -> None:
        """Let go of every section read or put, in a process that will not commit (a forked render
        worker): what it makes then reuses their memory. A section asked for afterwards is read again."""
        self._read, self._put = {}, {}

    def output(self, output: Path) -> str:
        """The prefix of the sections of builds into ``output`` (``pages-KEY``): kept while it exists."""
        real = os.path.realpath(output)
        key = f"pages-{hashlib.sha256(real.encode()).hexdigest()[:16]}"
        self._outputs[key] = real
        return key

    def folder(self, name: str) -> Path:
        """A folder of the store for blobs (deleted with the store, kept across builds)."""
        return self.root / name

    def commit(self) -> bool:
        """Write the sections put, then the index naming them: the state the next build reads. False
        when it could not be written (the next build then finds the last state, or none).

        The sections of another build that committed meanwhile (into another output) are kept: the
        index is read again, and only what this build put replaces its entries (a table both put is
        then the one whose journal the index names last: the other's buckets are not its journal's,
        and the next build is a cold one)."""
        try:
            index = read_json(self.root / self.INDEX)
            if index.get("version") == self._version:
                self._files = {**index["sections"], **{n: f for n, f in self._files.items() if n in self._put}}
                self._outputs = {**index["outputs"], **self._outputs}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass
        files = dict(self._files)
        outputs = {key: real for key, real in self._outputs.items() if os.path.isdir(real)}
        for name, (value, default) in self._put.items():
            if isinstance(value, _Written):
                files[name] = value.file
                continue
            file = f"{name}.{os.urandom(4).hex()}.json"
            if value is not None and write_json(self.root / file, value, default):
                files[name] = file
            else:
                files.pop(name, None)
        files = {name: file for name, file in files.items()
                 if not name.startswith("pages-") or name.partition(".")[0] in outputs}
        if not write_json(self.root / self.INDEX, {"version": self._version, "sections": files, "outputs": outputs}):
            return False
        gone = set(self._files.values())   # (the files of the sections replaced or dropped among them)
        self._files, self._outputs, self._put, self._read = files, outputs, {}, {}
        named, now = {self.INDEX, *files.values()}, time.time()
        for entry in os.scandir(self.root):
            # what this index no longer names, and what no newsgen of this store's format writes; a
            # section of another build still to name it (written within the hour) is left to it
            if entry.name in named or ".tmp" in entry.name or not entry.is_file(follow_symlinks=False):
                continue
            if entry.name in gone or not _SECTION.fullmatch(entry.name) or now - entry.stat().st_mtime > 3600:
                try:
                    os.unlink(entry.path)
                except OSError:
                    pass
        return True


class _Written:
    """A section put ``now``: its file, written already."""

    def __init__(self, file: str) -> None:
        self.file = file


_SECTION = re.compile(r"[a-z0-9.-]+\.[0-9a-f]{8}\.json")
_MISSING = object()


def _packed(column: list[Any] | array[int]) -> list[Any] | str:
    """A column as a bucket keeps it: one of 64-bit numbers as their bytes (base64), not a number a
    value to decode (a manifest's sizes, times and inodes: 450,000 of them)."""
    try:
        if type(column) is array or all(type(value) is int for value in column):
            return base64.b64encode((column if type(column) is array else array("q", column)).tobytes()).decode()
    except OverflowError:
        pass
    return column


def _numbers(column: Any) -> Any:
    """A column as :func:`_packed` keeps it (ValueError: not base64)."""
    if type(column) is not str:
        return column
    numbers = array("q")
    numbers.frombytes(base64.b64decode(column, validate=True))
    return numbers


class Damaged(Exception):
    """A bucket of a :class:`Table` is not as its journal has it (the caller takes the full path)."""


class Table(MutableMapping[str, Any]):
    """A big mapping, key -> row, kept in the build state as *buckets* and a *journal*: the one way a
    build keeps a big table for the next (an output's manifest and page record, the photos' records).

    Its rows are in sections ``NAME.0``, ``NAME.1``, … (by a hash of the key; one bucket: in the order
    set), each its keys and its rows as columns (with ``width``, a list a value of the row, a row made
    by :meth:`row` when its key is looked up; else one list of the rows); ``NAME.journal`` holds the
    :attr:`meta` (the caller's), the files of the buckets it applies to, and the rows set
    (:attr:`changed`) and the keys removed since they were written. :meth:`keep` writes the journal
    alone while it holds at most :data:`JOURNAL_SHARE` of the rows (or :data:`JOURNAL_MIN`), else the
    buckets changed again (:meth:`flush`). A bucket is read on first use; one not as its journal has
    it raises :class:`Damaged`. A row set equal to its bucket's (not the very object read: a row
    changed in place is a change) is not a change."""

    JOURNAL = ".journal"
    #: how many changed rows a journal may hold (the larger of the two) before the buckets are written again
    JOURNAL_MIN = 200
    JOURNAL_SHARE = 0.05

    def __init__(self, width: int = 0, buckets: int = 1, meta: Any = None) -> None:
        self.width, self.buckets, self.meta = width, max(1, buckets), meta
        self.changed: dict[str, Any] = {}
        self.removed: set[str] = set()
        self._state: State | None = None
        self._name = ""
        self._files: list[str | None] = [None] * self.buckets   # each bucket's file (None: no rows)
        self._size = 0   # how many rows the buckets held when written
        self._keys: list[list[str] | None] = [[] for _ in range(self.buckets)]   # None: not read yet
        self._columns: list[list[list[Any]]] = [[[] for _ in range(width or 1)] for _ in range(self.buckets)]
        self._index: list[dict[str, int] | None] = [{} for _ in range(self.buckets)]
        self._new = False   # (a table not read from the state: every bucket written)
        self._meta: Any = _MISSING   # (the meta as read)
        self._flushed: set[int] = set()
        #: whether damage found in it makes the build a cold one (:attr:`State.problem` says so); else the
        #: caller does without what it lacks (the article cache reads those files again)
        self.cold = True

    @classmethod
    def load(cls, state: State, name: str, width: int = 0, *, cold: bool = True) -> Table | None:
        """The table the last build kept under ``name``; None when there is none, or its journal is not as
        written (then, when ``cold``, :attr:`State.problem` says so). Its buckets are read when first used."""
        journal = state.get(name + cls.JOURNAL)
        if journal is None:
            return None
        try:
            table = cls(width, len(journal["of"]), journal["meta"])
            table.cold = cold
            if table.buckets != len(journal["of"]):
                raise ValueError("a table of another shape")
            table._state, table._name, table._size = state, name, int(journal["rows"])
            table._files, table._meta, width = list(journal["of"]), journal["meta"], table.width
            table._keys, table._index = [None] * table.buckets, [None] * table.buckets
            if width and not all(type(row) is list and len(row) == width for row in journal["set"].values()):
                raise ValueError(f"a row not of {width} values")
            table.changed = {key: table.row(*row) if width else row for key, row in journal["set"].items()}
            table.removed = set(journal["removed"]) - table.changed.keys()
        except (KeyError, TypeError, ValueError, AttributeError):
            if cold:
                state.problem = state.problem or f"the build state's {name} cannot be read"
            return None
        return table

    def row(self, *values: Any) -> Any:
        """A row of the values of its columns (a subclass makes its own kind)."""
        return values

    def bucket(self, key: str) -> int:
        """The bucket of ``key``."""
        return zlib.crc32(key.encode("utf-8", "surrogateescape")) % self.buckets if self.buckets > 1 else 0

    def _read(self, n: int) -> dict[str, int]:
        """Bucket ``n``'s index, key -> its row's position, read when first asked for."""
        index = self._index[n]
        if index is not None:
            return index
        keys, columns = [], [[] for _ in range(self.width or 1)]
        if self._files[n] is not None:
            assert self._state is not None
            found = self._state.get(f"{self._name}.{n}", hold=False)   # (the table holds it)
            try:
                keys, columns = found["keys"], [_numbers(found[str(c)]) for c in range(len(columns))]
            except (KeyError, TypeError, ValueError):
                keys = None
        index = dict(zip(keys, range(len(keys)), strict=True)) if type(keys) is list and all(
            type(c) in (list, array) and len(c) == len(keys) for c in columns) else {}
        if len(index) != len(keys or ()) or not all(key in index for key in self._mine(n)[1]) or keys is None:
            assert self._state is not None
            if self.cold:
                self._state.problem = self._state.problem or f"the build state's {self._name} cannot be read"
            raise Damaged(f"{self._name}.{n}")
        self._keys[n], self._columns[n], self._index[n] = keys, columns, index
        return index

    def _mine(self, n: int) -> tuple[list[str], list[str]]:
        """The keys of bucket ``n`` set and removed since it was read."""
        if self.buckets == 1:
            return list(self.changed), list(self.removed)
        return [k for k in self.changed if self.bucket(k) == n], [k for k in self.removed if self.bucket(k) == n]

    def _stored(self, n: int, i: int) -> Any:
        columns = self._columns[n]
        return self.row(*(c[i] for c in columns)) if self.width else columns[0][i]

    def __getitem__(self, key: str) -> Any:
        found = self.changed.get(key, _MISSING)
        if found is not _MISSING:
            return found
        if key in self.removed:
            raise KeyError(key)
        n = self.bucket(key)
        return self._stored(n, self._read(n)[key])

    def __contains__(self, key: object) -> bool:
        if key in self.changed:
            return True
        return isinstance(key, str) and key not in self.removed and key in self._read(self.bucket(key))

    def __setitem__(self, key: str, row: Any) -> None:
        self.removed.discard(key)
        n = self.bucket(key)
        i = self._read(n).get(key)
        stored = self._stored(n, i) if i is not None else _MISSING
        if stored is not row and stored == row:   # (as written: not a change)
            self.changed.pop(key, None)
        else:
            self.changed[key] = row

    def __delitem__(self, key: str) -> None:
        if key not in self:
            raise KeyError(key)
        self.changed.pop(key, None)
        if key in self._read(self.bucket(key)):
            self.removed.add(key)

    def _all(self) -> list[dict[str, int]]:
        return [self._read(n) for n in range(self.buckets)]

    def __len__(self) -> int:
        indexes = self._all()
        added = sum(1 for key in self.changed if key not in indexes[self.bucket(key)])
        return sum(map(len, indexes)) - len(self.removed) + added

    def __iter__(self) -> Iterator[str]:
        return (key for key, _ in self.items())

    def items(self) -> Iterator[tuple[str, Any]]:   # type: ignore[override]
        """Every row: the buckets' in their order (a row set since in its place), then those added."""
        changed, removed = self.changed, self.removed
        indexes = self._all()
        for n in range(self.buckets):
            keys = self._keys[n]
            assert keys is not None
            for i, key in enumerate(keys):
                if key not in removed:
                    found = changed.get(key, _MISSING)
                    yield key, self._stored(n, i) if found is _MISSING else found
        yield from ((key, row) for key, row in changed.items() if key not in indexes[self.bucket(key)])

    def _applied(self, n: int) -> tuple[list[str], list[list[Any]]]:
        """Bucket ``n``'s keys and columns with the rows set and removed since applied (its own lists
        when there are none; else copies, changed in place: no object a row)."""
        index, keys, columns = self._read(n), self._keys[n], self._columns[n]
        assert keys is not None
        mine, removed = self._mine(n)
        if not mine and not removed:
            return keys, columns
        if not keys:   # (a bucket of new rows: made column by column)
            rows = [self.changed[key] for key in mine]
            return mine, [list(c) for c in zip(*rows, strict=True)] if self.width else [rows]
        keys, columns = list(keys), [c[:] for c in columns]
        for key in mine:
            i, row = index.get(key), self.changed[key]
            values = row if self.width else (row,)
            if i is None:
                keys.append(key)
            for column, value in zip(columns, values, strict=True):
                if i is None:
                    column.append(value)
                else:
                    column[i] = value
        if removed:
            keep = [i for i, key in enumerate(keys) if key not in self.removed]
            keys, columns = [keys[i] for i in keep], [[c[i] for i in keep] for c in columns]
        return keys, columns

    def stored(self, n: int = 0) -> tuple[list[str], list[Any], dict[str, int]]:
        """Bucket ``n`` as written: its keys, its columns and each key's position, without the rows set
        and removed since (:attr:`changed`, :attr:`removed`); not to be changed. Raises :class:`Damaged`."""
        index = self._read(n)
        keys = self._keys[n]
        assert keys is not None
        return keys, self._columns[n], index

    def whole(self) -> tuple[list[str], list[list[Any]]]:
        """Every row of a table of one bucket as columns: the keys, and a list of each column's values
        (without ``width``, one list of the rows), in its order, a row set since in its place. The
        bucket's own lists when nothing changed (not to be changed)."""
        assert self.buckets == 1
        return self._applied(0)

    def assign(self, rows: dict[str, Any]) -> None:
        """Make the table (of one bucket, without ``width``) hold exactly ``rows``: the changes are then
        what differs from its bucket (compared as two lists when nothing does)."""
        index, stored = self._read(0), self._columns[0][0]
        if self._keys[0] == list(rows) and stored == list(rows.values()):
            self.changed, self.removed = {}, set()
            return
        self.changed = {key: row for key, row in rows.items() if (i := index.get(key)) is None or stored[i] != row}
        self.removed = set(index.keys() - rows.keys())

    def bind(self, state: State, name: str) -> Table:
        """Make this table the one kept under ``name`` in ``state``. One not read from there is new: every
        bucket of it is written by :meth:`keep`, and those of a table with more buckets dropped."""
        if name == self._name and (state is self._state or all(
                file == state.file(f"{name}.{n}") for n, file in enumerate(self._files))):
            self._state = state   # (where it was read, or a store of the same buckets)
            return self
        self._all()   # (read where it was, if it was: every bucket is written here)
        self._state, self._name, self._new, self._files = state, name, True, [None] * self.buckets
        n = self.buckets
        while state.has(f"{name}.{n}"):
            state.put(f"{name}.{n}", None)
            n += 1
        return self

    def release(self, n: int) -> None:
        """Let go of bucket ``n`` as read (the rows set and removed since are kept; it is read again if
        asked for): a caller changing a few rows of many buckets holds one bucket at a time."""
        if self._files[n] is not None:
            self._keys[n], self._columns[n], self._index[n] = None, [], None

    def flush(self, n: int) -> None:
        """Write bucket ``n`` now, with the rows set and removed since (taken off the journal), and let go
        of it (it is read again if asked for)."""
        assert self._state is not None, "flush() of a table not bound (see bind())"
        size = len(self._read(n))
        keys, columns = self._applied(n)
        mine, removed = self._mine(n)
        for key in mine:
            del self.changed[key]
        self.removed.difference_update(removed)
        self._size += len(keys) - size
        name = f"{self._name}.{n}"
        self._state.put(name, {"keys": keys, **{str(c): _packed(column) for c, column in enumerate(columns)}}
                        if keys else None, now=True)
        self._files[n] = self._state.file(name)
        self._keys[n], self._columns[n], self._index[n] = None, [], None
        self._flushed.add(n)

    def keep(self, state: State, name: str) -> None:
        """Put the table into ``state`` under ``name`` (see the class): its journal, after the buckets
        that changed when it would hold too many rows (every bucket not written yet, for a new table)."""
        self.bind(state, name)
        touched = {self.bucket(key) for key in [*self.changed, *self.removed]}
        if self._new:
            dirty = (set(range(self.buckets)) - self._flushed) | touched
        elif len(self.changed) + len(self.removed) > max(self.JOURNAL_MIN, self.JOURNAL_SHARE * self._size):
            dirty = touched
        elif not self.changed and not self.removed and self.meta == self._meta and not self._flushed:
            return   # (as read: nothing to write)
        else:
            dirty = set()
        for n in sorted(dirty):
            self.flush(n)
        state.put(name + self.JOURNAL, {"of": self._files, "rows": self._size, "meta": self.meta,
                                        "set": {key: list(row) if self.width else row
                                                for key, row in self.changed.items()},
                                        "removed": sorted(self.removed)})
