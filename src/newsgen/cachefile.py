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

import hashlib
import itertools
import os
import re
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
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
#: of this many (a manifest of 150,000 pages was one 21 MB encode; orjson's peak is about five times what
#: it encodes)
PART = 1000


def _parted(value: Any) -> bool:
    return isinstance(value, dict | list) and len(value) > PART


def _dict_chunks(mapping: dict[Any, Any]) -> Iterator[dict[Any, Any]]:
    items = iter(mapping.items())
    while chunk := dict(itertools.islice(items, PART)):
        yield chunk


def _pieces(value: dict[Any, Any], default: Callable[[Any], Any] | None) -> Iterator[bytes]:
    """The JSON of ``value``, a big dict or a dict some of whose values are big mappings or lists, in
    pieces: the bytes one encode of it gives."""
    def dumps(item: Any) -> bytes:
        return orjson.dumps(item, default=default, option=_OPTIONS)

    if len(value) > PART:   # (a big mapping itself)
        yield b"{"
        empty = True
        for chunk in _dict_chunks(value):
            raw = dumps(chunk)
            yield raw[1:-1] if empty else b"," + raw[1:-1]
            empty = False
        yield b"}"
        return
    yield b"{"
    for i, (key, item) in enumerate(value.items()):
        yield b"," * (i > 0) + dumps({key: None})[1:-5]   # (the key and its colon, as orjson writes them)
        if not _parted(item):
            yield dumps(item)
            continue
        if isinstance(item, list):
            chunks: Iterable[Any] = (item[start:start + PART] for start in range(0, len(item), PART))
        else:
            chunks = _dict_chunks(item)
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
    ``default``); False when it cannot be encoded or written. A dict of more than :data:`PART` entries,
    and the values of a dict that are mappings or lists of more than :data:`PART` entries, are encoded
    in parts."""
    if isinstance(value, dict) and (len(value) > PART or any(map(_parted, value.values()))):
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
    (:meth:`get`, :meth:`put`: the parsed articles, each output's manifest and page records, the
    related-article tables, …); a part that keeps many blobs (converted bodies, photo derivatives)
    gets a folder of the store (:meth:`folder`) and checks its blobs itself. :meth:`commit` writes
    each section put under a new file name, then the index, atomically, then deletes the files no
    index names: a build that stops before (an error, a kill) leaves the last state as it was. An
    index that cannot be read or is of another version is no state at all (:attr:`problem` says
    why), and one of another version is deleted with every folder. Safe to delete.

    A section put with a ``journal`` (the key of its value that holds a big mapping: a manifest's
    pages, the photos' records of every article) is written as its *journal* when little of that
    mapping changed since the section was last written whole: the entries added, changed and
    removed since, in a section of its own (``NAME.journal``, naming the file of the whole it
    applies to); :meth:`get` gives the whole and its journal merged. So a rebuild that changed a
    page of 150,000 writes a few entries, not 20 MB; the whole is written again once the journal
    holds more than :data:`JOURNAL_SHARE` of it.
    """

    VERSION = 2
    INDEX = "state.json"
    #: how many changed entries a journal may hold (the larger of the two) before the whole is written again
    JOURNAL_MIN = 200
    JOURNAL_SHARE = 0.05

    def __init__(self, folder: Path) -> None:
        from newsgen import __version__
        self.root = folder
        self._version = [self.VERSION, __version__]
        #: why the last build's state is not used (None: it is, or there is none)
        self.problem: str | None = None
        self._files: dict[str, str] = {}      # section -> its file, as the index names them
        self._outputs: dict[str, str] = {}    # output key -> the output's real path
        self._read: dict[str, Any] = {}
        self._wholes: dict[str, Any] = {}     # section -> its whole value as written (a journal not applied)
        self._put: dict[str, tuple[Any, Callable[[Any], Any] | None]] = {}
        self._journals: dict[str, str] = {}   # section put -> the key of its value kept as a journal
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

    def _clear(self) -> None:
        for entry in os.scandir(self.root):
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            elif entry.name != self.INDEX:
                try:
                    os.unlink(entry.path)
                except OSError:
                    pass

    def get(self, name: str) -> Any:
        """The value the last build kept under ``name``; None when there is none (or it cannot be read)."""
        if name in self._put:
            value = self._put[name][0]
            if isinstance(value, _Written):
                try:
                    return read_json(self.root / value.file)
                except (OSError, ValueError):
                    return None
            return value
        if name not in self._read:
            whole = self._whole(name)
            self._read[name] = _merged(whole, self._section(f"{name}.journal"), self._files.get(name))
        return self._read[name]

    def _section(self, name: str) -> Any:
        """A section's value as its file holds it; None when there is none or it cannot be read."""
        try:
            return read_json(self.root / self._files[name]) if name in self._files else None
        except (OSError, ValueError):
            return None

    def _whole(self, name: str) -> Any:
        if name not in self._wholes:
            self._wholes[name] = self._section(name)
        return self._wholes[name]

    def journaled(self, name: str) -> tuple[Any, Any]:
        """A section kept with a journal of the caller's own (:meth:`put_journal`): its whole value as
        written, and its journal (None: there is none). Neither when the index names a journal that
        cannot be read or is not of that very file: the whole alone is not the value. Neither is held."""
        if f"{name}.journal" not in self._files:
            return self._section(name), None
        journal, file = self._section(f"{name}.journal"), self._files.get(name)
        if not (isinstance(journal, dict) and file is not None and journal.get("of") == file):
            return None, None
        return self._section(name), journal

    def put_journal(self, name: str, changes: dict[str, Any]) -> None:
        """Keep the section ``name`` as it is written and put ``changes`` as its journal
        (``NAME.journal``, naming the whole's file: see :meth:`journaled`); nothing when there is no
        whole. What the changes mean is the caller's."""
        self._put[f"{name}.journal"] = (_JournalOf(name, changes), None)
        self._read.pop(f"{name}.journal", None)

    def has(self, name: str) -> bool:
        """Whether there is a value under ``name`` (without reading it)."""
        return self._put[name][0] is not None if name in self._put else name in self._files

    def put(self, name: str, value: Any, default: Callable[[Any], Any] | None = None, *,
            journal: str | None = None, now: bool = False) -> None:
        """Keep ``value`` under ``name`` for the next build (written by :meth:`commit`; JSON, what it cannot
        hold given to ``default``; None: no value any more); a section not put is kept as it is.
        ``journal``: the key of ``value`` (a dict) whose mapping may be written as a journal of its
        changes (see the class). ``now``: written now, under a name of its own that only the index
        :meth:`commit` writes names (so that the caller may let go of a big value; not with ``journal``)."""
        if now and value is not None and journal is None:
            file = f"{name}.{os.urandom(4).hex()}.json"
            value = _Written(file) if write_json(self.root / file, value, default) else None
        self._put[name] = (value, default)
        self._journals.pop(name, None)
        self._read.pop(name, None)   # (the value read is not held for a get: a rebuild that adds an
        if journal is not None:      # article reads and puts every bucket of the record, 200 MB at 100,000)
            self._journals[name] = journal
        else:   # (the whole read is kept only for a journal of its changes)
            self._wholes.pop(name, None)

    def _journal(self, name: str, value: Any, key: str) -> dict[str, Any] | None:
        """The journal of ``value`` against the whole written last, when it is small enough; else None."""
        whole, file = self._whole(name), self._files.get(name)
        if not (isinstance(value, dict) and isinstance(value.get(key), dict) and isinstance(whole, dict)
                and isinstance(whole.get(key), dict) and file):
            return None
        new, old = value[key], whole[key]
        limit = max(self.JOURNAL_MIN, int(len(new) * self.JOURNAL_SHARE))
        changes: dict[str, Any] = {}
        missing = object()
        added = 0
        for k, v in new.items():
            was = old.get(k, missing)
            if was != v:
                changes[k] = v
                added += was is missing
                if len(changes) > limit:
                    return None
        # (every key of the whole is still there when the new mapping is the whole's keys and those added)
        removed = [k for k in old if k not in new] if len(old) != len(new) - added else []
        if len(changes) + len(removed) > limit:
            return None
        return {"of": file, "key": key, "rest": {k: v for k, v in value.items() if k != key},
                "changes": changes, "removed": removed}

    def forget(self) -> None:
        """Let go of every section read or put, in a process that will not commit (a forked render
        worker): what it makes then reuses their memory. A section asked for afterwards is read again."""
        self._read, self._wholes, self._put, self._journals = {}, {}, {}, {}

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
        index is read again, and only what this build put replaces its entries."""
        try:
            index = read_json(self.root / self.INDEX)
            if index.get("version") == self._version:
                self._files = {**index["sections"], **{n: f for n, f in self._files.items() if n in self._put}}
                self._outputs = {**index["outputs"], **self._outputs}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass
        files = dict(self._files)
        outputs = {key: real for key, real in self._outputs.items() if os.path.isdir(real)}
        put = dict(self._put)
        for name, key in self._journals.items():   # a journal where it is enough, else the whole
            value = put[name][0]
            journal = self._journal(name, value, key) if name in files else None
            if journal is not None:
                del put[name]
            put[f"{name}.journal"] = (journal, put[name][1] if name in put else self._put[name][1])
        for name, (value, default) in put.items():
            if isinstance(value, _JournalOf):   # of the whole as the index names it now
                value = {"of": files[value.name], **value.changes} if value.name in files else None
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
        self._files, self._outputs, self._put, self._read, self._wholes = files, outputs, {}, {}, {}
        self._journals = {}
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


class _JournalOf:
    """A journal put by :meth:`State.put_journal`: the section it applies to, and its changes."""

    def __init__(self, name: str, changes: dict[str, Any]) -> None:
        self.name, self.changes = name, changes


class _Written:
    """A section put ``now``: its file, written already."""

    def __init__(self, file: str) -> None:
        self.file = file


_SECTION = re.compile(r"[a-z0-9.-]+\.[0-9a-f]{8}\.json")


def _merged(whole: Any, journal: Any, file: str | None) -> Any:
    """A section's value: its whole with its journal applied, when the journal is of that whole's file."""
    try:
        if not (isinstance(journal, dict) and file and journal["of"] == file and isinstance(whole, dict)):
            return whole
        key, changes, removed = journal["key"], journal["changes"], journal["removed"]
        mapping = dict(whole[key])
        mapping.update(changes)
        for k in removed:
            mapping.pop(k, None)
        return {**journal["rest"], key: mapping}
    except (KeyError, TypeError, ValueError):
        return whole
