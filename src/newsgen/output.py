"""Write a built site into its output: a fresh tree swapped in whole, or the output updated in place.

**A full build** (``--full``, no manifest of the last build, no output yet) writes every file into a
temporary directory beside the output (``.NAME.tmp-*``) and swaps it in with one atomic
``renameat2(RENAME_EXCHANGE)`` on Linux (elsewhere the previous output is renamed aside first, and
put back by the next build if this one is killed between the two renames).

**An incremental build** (the last build's manifest, :class:`Manifest`, and an output carrying the
marker) updates the output in place: it stages only the files whose content changed in a directory
beside the output (``.NAME.tmp-*``, flat: see ``OutputWriter._where``); a file whose manifest entry has
the same fingerprint and is on disk as written (size, mtime, inode, not a link: :meth:`Entry.on_disk`)
is not touched, nor is any page the build's record shows unchanged. :meth:`OutputWriter.commit` then
moves each staged file over its path (one atomic ``rename`` each: a reader sees the old file or the
new one, never half of one) and deletes the files the manifest lists that this build did not make,
and the folders they leave empty.

What holds, at every point:

- A build that fails or is killed before the commit leaves the output exactly as it was (the
  staging directory is deleted: at once, or by the next build).
- A build that fails during the commit removes the files it had added (the ones it replaced are
  not as the manifest recorded them: the next build renders them again). A build killed during it
  (or after it, before its build lock was let go) leaves each file either the last build's or this
  one's: the next build deletes the files the killed one added (named in the build lock's journal,
  ``n <path as JSON>``, before the first is moved; a build that ends lets its lock file go, journal
  and all, but one that fails after the commit, its state maybe not written, leaves it as a killed
  one does), and renders again every file not on disk as the last manifest it finds recorded,
  whatever its kind; the build state (with the manifest) is only written after the commit. So the
  build after a killed one gives the output a cold build gives, whatever changed meanwhile.
- Files are never written into: a staged file replaces the old name (a file of the output may be a
  hard link someone made). Nothing is written or deleted through a symbolic link someone put into
  the output: a link (or a file) where one of the output's folders must be is removed (the link,
  never what it leads to) and a real folder made, the files of this build reached through it first
  copied into the staging directory (the next build renders them again). A page file replaced by a
  link is not the file as written: rendered again, and the link replaced.
- A file that cannot be written (disk full, permission denied, file too large) is a
  :class:`NewsgenError` ``path: cannot write: <reason>``, from a forked worker process too; two
  writes to one path are refused (one page silently replacing another).

One build at a time per output: the writer holds an ``flock`` on ``.NAME.lock`` beside the
output from start to end; a second build is refused with "another build is running". Workers
die with the build (``PR_SET_PDEATHSIG``), so none keeps writing.

Nothing is deleted that newsgen did not write. The output directory gets a marker file
(``.newsgen-build``), and newsgen only ever replaces or updates a directory holding it (``--output ~``
must not delete a home directory); any other non-empty directory is refused, and an empty one someone
made is filled in place. An incremental build deletes only files its manifest lists. A folder beside
the output is a killed build's leftover only when it is provably newsgen's: named exactly as newsgen
names them (``.NAME.tmp-`` and eight characters of ``[a-z0-9_]``) *and* either named in the build
lock's journal (before it is made, so a build killed at any point leaves none the next cannot
recognise) or holding a ``.newsgen-leftover`` file naming that very folder (its device and inode: a
copy does not qualify); a look-alike is left alone. So is a ``.NAME.spare`` (an older newsgen's copy
of the last output) without the marker: with it, it is deleted.

An output that is a symbolic link (``public -> releases/current``) stays one: the build replaces
or updates the directory it points to, and its lock and temporary folders are beside that directory.
"""

from __future__ import annotations

import copy
import ctypes
import errno
import json
import os
import random
import re
import shutil
import signal
import stat
import sys
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping, Sequence, Set
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import methodcaller
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from newsgen.cachefile import Damaged, State, Table
from newsgen.errors import Diagnostic, Location, NewsgenError

#: Seconds a background deleter has for the previous output before a build deletes it itself.
TRASH_GRACE = 300

#: Where a site keeps the build state (see :class:`newsgen.cachefile.State`). Safe to delete.
CACHE_DIR = ".newsgen-cache"

try:
    import fcntl
except ImportError:   # not Unix: no lock
    fcntl = None  # type: ignore[assignment]

MARKER = ".newsgen-build"
MARKER_TEXT = "Written by 'newsgen build'. The whole directory is replaced on every build.\n"
#: In a folder newsgen makes beside the output and that is never published (``.NAME.old-*``,
#: ``.NAME.trash-*``): its device and inode, so that a copy is not taken for it.
LEFTOVER = ".newsgen-leftover"
#: The kinds of folders a build makes beside the output, named ``.NAME.<kind>-XXXXXXXX``.
_KINDS = ("tmp", "old", "trash")
#: A relative path of names that are not '.' or '..', without '\\' or an empty name (what
#: OutputWriter.claim takes)
_SAFE_PATH = re.compile(r"(?!\.\.?(?:/|\Z))[^/\\]+(?:/(?!\.\.?(?:/|\Z))[^/\\]+)*")
#: Where a staged file whose path is too long for one name is kept (see OutputWriter._where).
_LONG = "%long"
_NAME_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789_"   # as tempfile.mkdtemp names its folders
_random = random.SystemRandom()


def output_target(output: Path) -> Path:
    """The directory a build replaces: ``output`` itself, or where it leads when it is a symbolic
    link (the link is kept, the release it points to gets the new site). A link that leads round in
    a loop is refused."""
    if not os.path.islink(output):
        return output
    target = Path(os.path.realpath(output))
    if os.path.islink(target):
        raise NewsgenError("the output is a symbolic link that leads round in a loop; point it at a folder, "
                           "or choose another --output", Location(output))
    return target


def _leftover_name(output: Path) -> re.Pattern[str]:
    """The exact names of the folders builds into ``output`` make beside it."""
    kinds = "|".join(re.escape(k) for k in _KINDS)
    return re.compile(rf"\.{re.escape(output.name)}\.(?:{kinds})-[a-z0-9_]{{8}}")


def _journal(fd: int | None, line: str) -> None:
    """Append a line to the build lock's journal (the lock file, opened for appending)."""
    if fd is not None:
        os.write(fd, line.encode("utf-8") + b"\n")


def _read_journal(fd: int | None) -> tuple[dict[str, bool], list[str]]:
    """What the journal names: the folders (name -> made (True) or about to be made (False)), and the
    files an update in place added to the output (``n <path as JSON>``)."""
    found: dict[str, bool] = {}
    added: list[str] = []
    for line in _journal_text(fd).splitlines() if fd is not None else ():
        if line[0] == "n":
            added.append(json.loads(line[2:]))
            continue
        made, name = line[0] == "+", line[2:]
        found[name] = found.get(name, False) or made
    return found, added


def _journal_line(line: str, folder: re.Pattern[str]) -> bool:
    """Whether ``line`` is one newsgen writes into a build lock's journal."""
    if line[:2] == "n ":
        try:
            path = json.loads(line[2:])
        except ValueError:
            return False
        return isinstance(path, str) and _SAFE_PATH.fullmatch(path) is not None
    return line[:2] in ("? ", "+ ") and folder.fullmatch(line[2:]) is not None


def _journal_text(fd: int) -> str:
    return os.pread(fd, os.fstat(fd).st_size, 0).decode("utf-8", "replace")   # (only its holder writes it)


def new_folder(output: Path, kind: str, lock: int | None, leftover: bool = True) -> Path:
    """Make a folder beside ``output`` named ``.NAME.<kind>-XXXXXXXX`` (mode 0700), its name written
    into the build lock's journal first, so that a build killed at any point leaves nothing the next
    one cannot tell is its own. With ``leftover``, it also gets a :data:`LEFTOVER` file naming it
    (for a folder that is never published and may outlive the build: a background deleter's)."""
    for _ in range(100):
        path = output.parent / f".{output.name}.{kind}-{''.join(_random.choices(_NAME_CHARS, k=8))}"
        _journal(lock, f"? {path.name}")
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            continue
        _journal(lock, f"+ {path.name}")
        if leftover:
            st = os.lstat(path)
            (path / LEFTOVER).write_text(f"{st.st_dev}:{st.st_ino}\n", encoding="utf-8")
        return path
    raise FileExistsError(errno.EEXIST, "no free name for a temporary folder", str(output.parent))


def _names_itself(folder: str) -> bool:
    """Whether ``folder`` holds a :data:`LEFTOVER` file naming it (written into it by :func:`new_folder`)."""
    try:
        st = os.lstat(folder)
        path = os.path.join(folder, LEFTOVER)
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return False
        with open(path, encoding="utf-8") as f:
            return f.read(100) == f"{st.st_dev}:{st.st_ino}\n"
    except (OSError, ValueError):
        return False


def carries_marker(tree: Path) -> bool:
    """Whether ``tree`` is a directory (not a link) holding the output's marker file, a regular file."""
    try:
        return stat.S_ISDIR(os.lstat(tree).st_mode) and stat.S_ISREG(os.lstat(tree / MARKER).st_mode)
    except OSError:
        return False


class OutputWriter:
    """Collects the files of one build in a temporary directory; :meth:`commit` puts them in place.

    With the last build's ``manifest`` (and an output carrying the marker) the output is updated in
    place (:attr:`in_place`): the temporary directory only stages the files that changed.
    """

    def __init__(self, output: Path, manifest: Manifest | None = None) -> None:
        shown = output
        #: the directory replaced (where ``output`` leads, when it is a symbolic link)
        self.output = output = output_target(output)
        try:
            output.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise cannot_write(Path(exc.filename or output.parent), exc) from None
        self._lock = _lock(output)
        try:
            _recover(output, self._lock)   # what killed builds left (a previous output moved aside put back)
            #: the output is an empty folder newsgen did not make: filled in place at the commit, not replaced
            self._fill = _check_replaceable(output, shown)
            #: updating the output in place: only what changed is staged, and moved into it by the commit
            self.in_place = bool(manifest and manifest.pages) and carries_marker(output)
            try:
                self.tmp = new_folder(output, "tmp", self._lock, leftover=False)
            except OSError as exc:
                raise cannot_write(output.parent, exc) from None
        except BaseException:
            _unlock(output, self._lock)
            raise
        self._owner = os.getpid()
        _active.add(self)   # processes forked from now on (render workers) die with the build
        self._known = manifest.pages if manifest is not None and self.in_place else {}
        self._written: dict[str, str] = {}   # path -> what wrote it ("page" / static source)
        self._tmp = str(self.tmp)
        self._out = str(output)
        self.pages = 0      # HTML pages
        self.files = 0      # other generated files: feeds, sitemap, robots.txt
        #: the static files' manifest entries (their fingerprint: their source's identity)
        self.statics: dict[str, Entry] = {}
        self._previous: Path | None = None
        self._committed = False
        #: the last file reuse() found or store() wrote, with its stat
        self._linked: tuple[str, os.stat_result] | None = None
        self._folders: set[str] = set()   # folders of the temporary tree made (or found) by this process
        self._real: set[str] = set()      # folders of the output found (or made) real by the commit

    # -- writing
    def claim(self, path: str, what: str = "a page") -> None:
        """Reserve ``path`` for one generated file and count it.

        ``.html`` files count as :attr:`pages`, the rest as :attr:`files`. Claiming every path
        before rendering finds a clash before any work is spent on it.
        """
        if _SAFE_PATH.fullmatch(path) is None:   # (one regex: 150,000 pages are claimed on every build)
            raise NewsgenError(f"refusing to write outside the output directory: {path!r} ({what})")
        if path in self._written:
            raise NewsgenError(f"two pages write the same file {path}: {self._written[path]} and {what}",
                               Location(Path(path)))
        self._written[path] = what
        if path.endswith(".html"):
            self.pages += 1
        elif not what.startswith("static file "):
            self.files += 1

    def claim_files(self, files: dict[str, str], vouched: bool = False) -> None:
        """:meth:`claim` of each path of ``files`` (path -> what writes it) that is not a page, checked
        together: the thousands of a site's photos (or the search index's files) cost what one dict
        update does, not a call each. A path :meth:`claim` would refuse is claimed by it, and refused as
        it would be. ``vouched``: the paths are known to be of the manifest, whose paths are all ones a
        claim takes (see :meth:`claim_pages`), so that only a clash is looked for."""
        if not self._written.keys().isdisjoint(files) or not vouched and not all(
                _SAFE_PATH.fullmatch(path) and not path.endswith(".html") for path in files):
            for path, what in files.items():
                self.claim(path, what)
            return
        self._written.update(files)
        self.files += sum(not what.startswith("static file ") for what in files.values())

    def claim_pages(self, paths: Sequence[str], vouched: bool = False) -> None:
        """:meth:`claim` of every path of a plan's pages and feeds, checked together (150,000 at
        100,000 articles); any a single claim would refuse claimed one by one, and refused as it would be.
        ``vouched``: every path of the manifest the output is updated in place from is known to be one
        a claim takes (:meth:`StaleCheck.safe`); then paths that are the manifest's first, each once
        (:meth:`Entries.vouches`: the pages the last build claimed), are not checked again one by one."""
        known = self._known
        if vouched and isinstance(known, Entries) and known.vouches(paths):
            if not self._written.keys().isdisjoint(paths):
                for path in paths:
                    self.claim(path)
                return
        elif (not self._written.keys().isdisjoint(paths) or len(set(paths)) != len(paths)
                or not all(map(_SAFE_PATH.fullmatch, paths))):
            for path in paths:
                self.claim(path)
            return
        self._written.update(dict.fromkeys(paths, "a page"))
        html = sum(map(methodcaller("endswith", ".html"), paths))
        self.pages += html
        self.files += len(paths) - html

    def claimed_paths(self) -> Iterable[str]:
        """Every file claimed so far."""
        return self._written.keys()

    def claimed(self, folder: str) -> bool:
        """Whether a file of this build was claimed at ``folder`` or under it."""
        return any(p == folder or p.startswith(folder + "/") for p in self._written)

    def store(self, path: str, text: str | bytes) -> None:
        """Write a claimed file into the temporary directory (its folders made on demand). Safe in a
        forked worker process. :meth:`identity` then has the file's size, time and inode without
        reading them again (a rename into the output keeps all three)."""
        try:
            self._linked = (path, store_text(self._where(path), text))
        except OSError as exc:
            raise cannot_write(self.output / path, exc) from None

    def _where(self, path: str) -> str:
        """Where ``path`` is written in the temporary directory (its folder made when missing).

        A fresh tree has each file at its path. Staged files are kept flat, each under its path with
        ``%`` and ``/`` escaped (``2025%2F08%2Fx%2Findex.html``): no folder is made for each page and
        deleted after, and one listing finds them all; a path too long for one name is kept at its
        path under ``%long/`` (a flat name never holds a ``%`` but before ``25`` or ``2F``)."""
        if self.in_place:
            name = path.replace("%", "%25").replace("/", "%2F")
            if len(name.encode()) <= 255:
                return os.path.join(self._tmp, name)
            path = f"{_LONG}/{path}"
        folder = path.rpartition("/")[0]
        if folder and folder not in self._folders:   # made once, with one mkdir (not after a failed open)
            try:
                os.mkdir(os.path.join(self._tmp, folder))
            except FileExistsError:
                pass
            except FileNotFoundError:
                os.makedirs(os.path.join(self._tmp, folder), exist_ok=True)
            self._folders.add(folder)
        return os.path.join(self._tmp, path)

    def write_page(self, path: str, html: str, what: str = "a page") -> None:
        """Claim and write one generated file."""
        self.claim(path, what)
        self.store(path, html)

    def copy_static(self, source: Path, files: Iterable[str], prefix: str = "static") -> int:
        """Copy the ``files`` of a static directory ``source`` (their paths as the build's walk of it gave
        them: ``source`` joined with each name) under ``prefix``; later directories override earlier
        ones by name. A file the output has already as the last build wrote it, from the same source
        file (its size, mtime, ctime and inode, as the article cache knows a file: not its bytes, so
        that a rebuild reads none of a site's videos and PDFs), is left as it is; any other is copied
        in chunks. Returns how many files were added (overrides of an earlier directory's file not
        counted); their manifest entries are in :attr:`statics`.
        """
        added = 0
        base = len(str(source)) + 1
        for name in files:
            key = f"{prefix}/{name[base:].replace(os.sep, '/')}"
            overrides = self._written.get(key, "").startswith("static file ")
            if overrides:   # a site's static file replaces the theme's of the same name
                del self._written[key]
                if os.path.lexists(staged := self._where(key)):
                    os.unlink(staged)
            self.claim(key, f"static file {Path(name)}")
            try:
                st = os.stat(name)
            except OSError as exc:
                raise _cannot_read(Path(name), exc) from None
            fingerprint = f"file {st.st_size} {st.st_mtime_ns} {st.st_ctime_ns} {st.st_ino}"
            if not self.reuse(key, fingerprint):
                _copy(Path(name), self._where(key), self.output / key)
            entry = self.identity(key, fingerprint)
            if entry is not None:
                self.statics[key] = entry
            added += not overrides
        return added

    # -- reusing the output's files (in place)
    def reuse(self, path: str, fingerprint: str) -> bool:
        """Whether the output's file ``path`` can stay as it is: the output is updated in place, its
        manifest says it has ``fingerprint``, and the file on disk is the one the manifest recorded
        (size, mtime, inode; not a link): a file edited or replaced by hand is written again.
        :meth:`identity` then has its entry."""
        self._linked = None
        entry = self._known.get(path)
        if entry is None or entry.fingerprint != fingerprint:
            return False
        try:
            st = os.lstat(os.path.join(self._out, path))
        except OSError:
            return False
        if not entry.on_disk(st):
            return False
        self._linked = (path, st)
        return True

    def holds(self, path: str, stale: Set[str]) -> bool:
        """Whether the output updated in place holds the last build's file ``path`` (of the manifest) as
        written: it is not in ``stale`` (see :meth:`Manifest.stale`). So a file is carried over without
        a ``stat`` of each."""
        return self.in_place and path not in stale

    def identity(self, path: str, fingerprint: str) -> Entry | None:
        """The manifest entry of a file just written or reused (None when it is not there)."""
        linked, self._linked = self._linked, None
        try:
            # a file reuse() has just found or store() written, whose identity it has read: no stat again
            st = linked[1] if linked is not None and linked[0] == path else os.stat(self._where(path))
        except OSError:
            return None
        return Entry(fingerprint, st.st_size, st.st_mtime_ns, st.st_ino)

    # -- finishing
    def commit(self) -> None:
        """Put this build's files in place, as the module's docstring says: the staged files moved into
        the output, or the new tree swapped with it. Call :meth:`remove_previous` after."""
        if self.in_place:
            self._commit_in_place()
            return
        try:
            (self.tmp / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
            os.chmod(self.tmp, 0o755)   # made 0700; a static host must be able to read it
        except OSError as exc:
            raise cannot_write(self.output / MARKER, exc) from None
        if self._fill:
            self._fill_in_place()
            return
        if self.output.exists() and _exchange(self.tmp, self.output):
            self._previous = self.tmp   # now holds the previous output; a stale temp dir if killed here
            self._committed = True
            return
        old: Path | None = None
        try:
            if self.output.exists():
                old = new_folder(self.output, "old", self._lock)
                os.rename(self.output, old / self.output.name)
            os.rename(self.tmp, self.output)
        except BaseException as exc:
            if old is not None and not self.output.exists() and (old / self.output.name).exists():
                os.rename(old / self.output.name, self.output)   # put the previous output back
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
            if isinstance(exc, OSError):
                raise cannot_write(self.output, exc) from None
            raise
        self._previous = old
        self._committed = True

    def _commit_in_place(self) -> None:
        """Move the staged files into the output and delete what it lost (see :meth:`commit`)."""
        out, tmp, known = self._out, self._tmp, self._known
        staged = sorted(_staged(tmp), reverse=True)   # moved in path order (popped from the end)
        # the files this commit adds: deleted again by the next build if this one is killed meanwhile
        added_lines = [f"n {json.dumps(p)}" for p in staged if p not in known]
        if added_lines:
            _journal(self._lock, "\n".join(added_lines))
        added: list[str] = []
        path = ""
        try:
            lost = (known.paths() if isinstance(known, Entries) else known.keys()) - self._written.keys()
            for path in sorted(lost):   # first: a folder may come where it was
                _unlink_in(out, path)
            while staged:
                path = staged.pop()
                self._real_folder(path.rpartition("/")[0], staged)
                target = os.path.join(out, path)
                try:
                    os.replace(self._where(path), target)
                except IsADirectoryError:   # a folder (someone's) where this file goes
                    shutil.rmtree(target)
                    os.replace(self._where(path), target)
                if path not in known:
                    added.append(path)
        except BaseException as exc:
            for done in added:   # not what the manifest knows: out again (the replaced are not as recorded)
                _unlink_in(out, done)
            if isinstance(exc, OSError):
                raise cannot_write(self.output / path, exc) from None
            raise
        self._committed = True
        try:
            os.rmdir(self.tmp)   # empty now (but for the folders of paths too long for one name)
        except OSError:
            remove_tree(self.tmp)

    def _real_folder(self, folder: str, staged: list[str]) -> None:
        """Make sure ``folder`` of the output is a real folder (made when missing) before a file is moved
        into it, so that nothing is written through a symbolic link out of the output: a link (or a
        file) found there is removed (the link only, never what it leads to), after the files of this
        build that were reached through it, as the manifest recorded them, are copied into the staging
        directory (added to ``staged``; the next build renders them again, their inodes not recorded)."""
        if not folder or folder in self._real:
            return
        self._real_folder(folder.rpartition("/")[0], staged)
        target = os.path.join(self._out, folder)
        try:
            mode = os.lstat(target).st_mode
        except FileNotFoundError:
            os.mkdir(target)
        else:
            if not stat.S_ISDIR(mode):
                for path in self._written:   # (a link there is rare: only then are the claims looked through)
                    entry, source = self._known.get(path), os.path.join(self._out, path)
                    if path.startswith(folder + "/") and entry is not None and not os.path.lexists(
                            copy := self._where(path)) and _on_disk(source, entry):
                        shutil.copyfile(source, copy)
                        staged.append(path)
                os.unlink(target)
                os.mkdir(target)
        self._real.add(folder)

    def _fill_in_place(self) -> None:
        """Move the new tree's files into the output, an empty folder someone else made (kept, not
        replaced): its marker first, so that a build killed meanwhile leaves an output the next one
        replaces whole. A file put into the output meanwhile is never overwritten."""
        try:
            with os.scandir(self.output) as entries:
                if any(entries):
                    raise NewsgenError(f"refusing to fill {self.output}: it was empty when the build started, but "
                                       "files were put into it meanwhile; build again", Location(self.output))
            fd = os.open(self.output / MARKER, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            with os.fdopen(fd, "w", encoding="utf-8") as marker:
                marker.write(MARKER_TEXT)
            with os.scandir(self.tmp) as entries:
                names = [e.name for e in entries if e.name != MARKER]
            for name in names:
                _rename_no_replace(self.tmp / name, self.output / name)
        except OSError as exc:
            raise cannot_write(self.output, exc) from None
        remove_tree(self.tmp)   # only its marker is left
        self._previous = None
        self._committed = True

    def remove_previous(self, background: bool = False) -> bool:
        """Delete the previous output, moved aside by a full build's :meth:`commit` (slow for big
        sites: its own step; nothing after an update in place). With ``background``, a detached
        process deletes it, so the build returns as soon as the new output is in place (the command
        line does this; a killed deleter's leftovers are removed by the next build, as any
        ``.NAME.old-*``). False when there was none."""
        previous, self._previous = self._previous, None
        if previous is None:
            return False
        if background:
            import subprocess
            try:   # renamed first, so that the next build does not delete it too while the deleter works
                trash = new_folder(self.output, "trash", self._lock)
                os.rename(previous, trash / "tree")
                subprocess.Popen([sys.executable, "-c", "import shutil, sys; shutil.rmtree(sys.argv[1], True)",
                                  str(trash)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, start_new_session=True, close_fds=True)
                return True
            except OSError:
                pass
        remove_tree(previous)
        return True

    def abort(self) -> None:
        """Forget everything written; the previous output stays as it was."""
        if not self._committed:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def close(self, keep_journal: bool = False) -> None:
        """Let another build write this output (the lock is released; with ``keep_journal`` its file
        is left, for the next build to undo what its journal names)."""
        _active.discard(self)
        lock, self._lock = self._lock, None
        _unlock(self.output, lock, keep_journal)

    def __enter__(self) -> OutputWriter:
        return self

    def __exit__(self, exc_type: object, exc: object, _tb: object) -> None:
        try:
            self.abort()   # nothing to do after a commit; without one (an error), nothing was swapped in
        finally:   # an error after an update in place (the build state maybe not written): as if killed
            self.close(keep_journal=exc_type is not None and self._committed and self.in_place)


def _staged(root: str) -> list[str]:
    """The paths of the files staged in ``root`` (see :meth:`OutputWriter._where`)."""
    found = [name.replace("%2F", "/").replace("%25", "%") for name in os.listdir(root) if name != _LONG]
    for folder, _dirs, names in os.walk(os.path.join(root, _LONG)):
        found += (os.path.relpath(os.path.join(folder, name), os.path.join(root, _LONG)) for name in names)
    return found


def _on_disk(path: str, entry: Entry) -> bool:
    """Whether the file at ``path`` (found through links) is the one ``entry`` recorded."""
    try:
        return entry.on_disk(os.stat(path))
    except OSError:
        return False


def _unlink_in(root: str, path: str) -> None:
    """Delete the file ``root/path`` (a link there: the link) and the folders it leaves empty; nothing
    when it is not there, or is a folder, or one of its folders is not a real one (a symbolic link
    out of ``root``: nothing is deleted through it), or ``path`` leads out of ``root`` (a manifest in a
    build state someone edited)."""
    if _SAFE_PATH.fullmatch(path) is None:
        return
    parts = path.split("/")
    try:
        if not all(stat.S_ISDIR(os.lstat(os.path.join(root, *parts[:n])).st_mode) for n in range(1, len(parts))):
            return
        os.unlink(os.path.join(root, path))
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return
    except PermissionError:
        if os.path.isdir(os.path.join(root, path)):   # unlink(2) of a folder: EPERM on Linux
            return
        raise
    for n in range(len(parts) - 1, 0, -1):
        try:
            os.rmdir(os.path.join(root, *parts[:n]))
        except OSError:
            break


class Entry(NamedTuple):
    """What the manifest knows of one file of the output: what it is (a page's fingerprint, a
    photo's key) and the file as written (its size, modification time and inode)."""

    fingerprint: str
    size: int
    mtime_ns: int
    inode: int

    def on_disk(self, st: os.stat_result) -> bool:
        """Whether ``st`` is of this very file, as written."""
        return st.st_size == self.size and st.st_mtime_ns == self.mtime_ns and st.st_ino == self.inode


class Entries(Table):
    """A manifest's files, path -> :class:`Entry`: a :class:`~newsgen.cachefile.Table` of one bucket
    whose rows are kept as four columns (fingerprints, sizes, times, inodes); an :class:`Entry` is made
    when a path is looked up, not for each of 150,000 files when the manifest is read."""

    def __init__(self, width: int = 4, buckets: int = 1, meta: Any = None) -> None:
        super().__init__(4, 1, meta)

    def row(self, *values: Any) -> Entry:
        return Entry(*values)

    @classmethod
    def of(cls, entries: Mapping[str, Entry]) -> Entries:
        """The ``entries`` (a mapping) as entries of no columns."""
        made = cls()
        made.changed = dict(entries)
        return made

    def column_paths(self) -> list[str]:
        """Every path the columns hold as written (removed since or not), in their order."""
        self._read(0)
        return self._keys[0]   # type: ignore[return-value]

    def identities(self) -> Iterator[tuple[str, int, int, int]]:
        """Each entry's path, size, time and inode (from the columns: no Entry made)."""
        paths, (_, sizes, times, inodes) = self.whole()
        return zip(paths, sizes, times, inodes, strict=True)

    def fingerprints(self) -> dict[str, str]:
        """Every entry's fingerprint, by path (from the columns: no Entry made, no column copied)."""
        paths, columns, _ = self.stored()
        found = dict(zip(paths, columns[0], strict=True))
        for path in self.removed:
            found.pop(path, None)
        found.update((path, entry.fingerprint) for path, entry in self.changed.items())
        return found

    def paths(self) -> Set[str]:
        """Every path, as a set."""
        return set(self.whole()[0])

    def under(self, folder: str) -> list[str]:
        """Every path in ``folder`` (or below), in order."""
        prefix = folder + "/"
        return [path for path in self.whole()[0] if path.startswith(prefix)]

    def carry(self, paths: Sequence[str], last: Mapping[str, Entry]) -> None:
        """Give each of ``paths`` its entry in ``last`` (files left in the output as they are). When these
        entries were restricted from ``last`` (:meth:`restricted`: the same columns), a path they removed
        whose row in the columns is ``last``'s is no longer removed, no entry made."""
        rest: Iterable[str] = paths
        if isinstance(last, Entries) and last._columns is self._columns:
            back = self.removed.intersection(paths) - last.changed.keys() - last.removed
            self.removed -= back
            rest = [path for path in paths if path not in back]
        for path in rest:
            self[path] = last[path]

    def restricted(self, paths: Sequence[str]) -> Entries:
        """These entries of ``paths`` only (the others removed), sharing the columns. Costs a comparison
        of two lists when ``paths`` begin the columns (a rebuild's pages, in plan order, as the manifest
        the last build wrote has them), else a set difference."""
        made, index = copy.copy(self), self._read(0)
        if self.vouches(paths) and all(path in index for path in self.changed):
            made.removed = self.removed | set(self.column_paths()[len(paths):])
            made.changed = {path: entry for path, entry in self.changed.items() if index[path] < len(paths)}
        else:
            wanted = set(paths)
            made.removed = (index.keys() - wanted) | self.removed
            made.changed = {path: entry for path, entry in self.changed.items() if path in wanted}
        return made

    def vouches(self, paths: Sequence[str]) -> bool:
        """Whether ``paths`` are exactly the first of the columns' paths (the paths of the pages a build
        planned, as the last build claimed them)."""
        return isinstance(paths, list) and self.column_paths()[:len(paths)] == paths

    def holds(self, paths: Sequence[str]) -> bool:
        """Whether there is an entry of every path of ``paths``."""
        if self.vouches(paths):   # (a list comparison, not a look-up of each)
            count, index = len(paths), self._read(0)
            return not any(index[path] < count for path in self.removed)
        return all(map(self.__contains__, paths))


@dataclass
class Manifest:
    """What the last build wrote into one output: path -> :class:`Entry`, with that build's inputs
    digest and summary. Kept in the build state as a table (:class:`Entries`, whose journal's meta
    holds the inputs and summary: :meth:`read`, :meth:`keep`), never trusted beyond what the files
    on disk confirm (:meth:`OutputWriter.reuse`)."""

    pages: MutableMapping[str, Entry] = field(default_factory=Entries)
    #: digest of every input of the build that wrote it (files' identities, config, options, the day)
    inputs: str = ""
    #: what that build reported: counts and warnings, for a build that finds nothing changed
    summary: dict = field(default_factory=dict)

    def stale(self, output: Path) -> set[str]:
        """The files it lists that are not in ``output`` as written (edited by hand, lost, replaced by a link)."""
        return _stale(self.pages if isinstance(self.pages, Entries) else self.pages.items(), output)

    @classmethod
    def read(cls, state: State, key: str) -> Manifest:
        """The manifest a build kept under ``key`` (:meth:`keep`); empty when there is none (or it is not
        as written: see :class:`~newsgen.cachefile.Table`)."""
        pages = Entries.load(state, key)
        try:
            assert isinstance(pages, Entries) and pages.column_paths() is not None   # (read now)
            return cls(pages, str(pages.meta["inputs"]), dict(pages.meta["summary"]))
        except (AssertionError, KeyError, TypeError, ValueError, Damaged):
            return cls()

    @classmethod
    def load(cls, value: Any) -> Manifest:
        """``value`` when it is a manifest (as :meth:`read` gives one), else an empty one."""
        return value if isinstance(value, Manifest) else cls()

    def keep(self, state: State, key: str) -> None:
        """Put the manifest into ``state`` under ``key`` (a journal of what changed, while it is little)."""
        pages = self.pages if isinstance(self.pages, Entries) else Entries.of(self.pages)
        pages.meta = {"inputs": self.inputs, "summary": self.summary}
        pages.keep(state, key)


def _all_safe(pages: Mapping[str, Entry]) -> bool:
    """Whether every path of ``pages`` (those of its columns too, removed or not) is one
    :meth:`OutputWriter.claim` takes."""
    if isinstance(pages, Entries):
        return all(map(_SAFE_PATH.fullmatch, pages.column_paths())) and all(map(_SAFE_PATH.fullmatch, pages.changed))
    return all(map(_SAFE_PATH.fullmatch, pages))


def _stale(rows: Iterable[tuple[str, Entry]], output: Path) -> set[str]:
    """The paths of ``rows`` (path, :class:`Entry`; or :class:`Entries`) whose file is not in ``output``
    as written (its size, mtime and inode, not through a link: as :meth:`Entry.on_disk`)."""
    found: Iterable[tuple[str, int, int, int]] = (
        rows.identities() if isinstance(rows, Entries) else ((path, e[1], e[2], e[3]) for path, e in rows))
    base, fd = str(output), None
    if os.stat in os.supports_dir_fd:   # each path looked up from the output's folder, not from /
        try:
            fd = os.open(base, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        except OSError:
            return {path for path, *_ in found}
    prefix = "" if fd is not None else base + os.sep
    stale = set()
    try:
        for path, size, mtime, inode in found:
            try:
                st = os.stat(prefix + path, dir_fd=fd, follow_symlinks=False)
            except OSError:
                stale.add(path)
                continue
            if st.st_size != size or st.st_mtime_ns != mtime or st.st_ino != inode:
                stale.add(path)
    finally:
        if fd is not None:
            os.close(fd)
    return stale


#: How many times this process deleted files a killed build had added to an output (:func:`_recover`):
#: a :class:`StaleCheck` begun before looks again, its child may have seen them.
_undone = [0]

#: Writers between start and close, in this process.
_active: weakref.WeakSet[OutputWriter] = weakref.WeakSet()


def _forked_during_a_build() -> None:
    """In a process forked while a build runs (a render worker): die with the build, drop its lock copy.

    Else a worker whose build was killed would wait for work forever, holding the build lock
    (its descriptor is shared through fork) so that no later build could run.
    """
    writers = list(_active)
    if not writers:
        return
    prctl = getattr(_libc(), "prctl", None)
    if prctl is not None:   # (Linux) the kernel kills this process when its parent dies
        prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    for writer in writers:
        if os.getppid() != writer._owner:   # the build was killed before the line above: stop now
            os._exit(1)
        if writer._lock is not None:
            os.close(writer._lock)   # this process's descriptor only: the build keeps its lock
            writer._lock = None
    _active.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forked_during_a_build)


def cannot_write(path: Path, exc: OSError) -> NewsgenError:
    """``path: cannot write: <reason>`` for an OSError met while writing ``path``."""
    return NewsgenError(Diagnostic(Location(path), f"cannot write: {exc.strerror or exc}"))


def lock_path(output: Path) -> Path:
    """The lock file of builds into ``output``: beside it, named after it (``.build.lock``)."""
    return output.parent / f".{output.name}.lock"


class StaleCheck:
    """:meth:`Manifest.stale` made in a forked child while this process walks the inputs (150,000
    ``lstat`` calls at 100,000 articles; a thread waiting on each for the lock a busy build holds is
    ten times slower). The child reads the manifest (as the build state keeps it) from ``read`` itself
    and sends first its inputs digest and summary (:meth:`last`), then the stale paths (:meth:`result`),
    then whether the manifest's paths are all safe (:meth:`safe`): a build that finds nothing changed
    never decodes the manifest in this process. Where there is no
    ``fork`` (or threads run, which a fork must not copy), or it fails, all is found here when asked
    for. :meth:`close` reaps the child of a build that stopped without asking."""

    def __init__(self, read: Callable[[], Any], output: Path) -> None:
        self._read, self._output = read, output
        self._manifest: Manifest | None = None
        self._last: tuple[str, dict] | None = None
        self._found: set[str] | None = None
        self._safe: bool | None = None
        self._undone = _undone[0]
        self._pid = 0
        if not hasattr(os, "fork") or threading.active_count() > 1:
            return
        read_end, write_end = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(read_end)
            os.close(write_end)
            return
        if pid == 0:   # the child: check, send, and end without running anything of the parent's
            try:
                os.close(read_end)
                with os.fdopen(write_end, "wb") as pipe:
                    manifest = Manifest.load(read())
                    pipe.write(json.dumps([manifest.inputs, manifest.summary]).encode() + b"\n")
                    pipe.flush()
                    found = "\0".join(_stale(manifest.pages, output)).encode()
                    pipe.write(b"stale %d\n" % len(found) + found)
                    pipe.flush()
                    pipe.write(b"safe\n" if _all_safe(manifest.pages) else b"unsafe\n")
            finally:
                os._exit(0)
        os.close(write_end)
        self._pid, self._pipe = pid, os.fdopen(read_end, "rb")
        # a build that stops without asking (an error) leaves no zombie behind, even in `serve`
        self._reaper = weakref.finalize(self, StaleCheck._end, pid, self._pipe)

    def last(self) -> tuple[str, dict]:
        """The manifest's inputs digest and summary (see :class:`Manifest`)."""
        if self._last is None and self._pid:
            try:
                inputs, summary = json.loads(self._pipe.readline())   # (as _rows gave them)
                self._last = inputs, summary
            except ValueError:   # the child ended before it said
                pass
        if self._last is None:   # no child, or it failed: from the manifest here
            self._last = self.manifest().inputs, self.manifest().summary
        return self._last

    def manifest(self) -> Manifest:
        """The manifest, decoded in this process."""
        if self._manifest is None:
            self._manifest = Manifest.load(self._read())
        return self._manifest

    def result(self) -> set[str]:
        """The stale pages; found once, however often asked (but again after a killed build's files
        were deleted from the output meanwhile: :func:`_recover`)."""
        if self._undone != _undone[0]:
            self.close()
            self._undone, self._found, self._safe = _undone[0], None, None
        if self._found is None:
            if self._pid:
                self.last()   # (the line before the paths)
                head = self._pipe.readline().split()
                if len(head) == 2 and head[0] == b"stale" and head[1].isdigit():
                    raw = self._pipe.read(int(head[1]))
                    if len(raw) == int(head[1]):
                        self._found = set(raw.decode().split("\0")) - {""}
                if self._found is None:   # the child ended before it said
                    self.close()
            if self._found is None:   # no child, or it failed: checked here
                self._found = self.manifest().stale(self._output)
        return self._found

    def safe(self) -> bool:
        """Whether every path the manifest lists (those of its columns too) is one :meth:`OutputWriter.claim`
        takes (found by the child after the stale pages; else here)."""
        self.result()
        if self._safe is None and self._pid:
            line = self._pipe.readline()
            self.close()
            if line in (b"safe\n", b"unsafe\n"):
                self._safe = line == b"safe\n"
        if self._safe is None:
            self._safe = _all_safe(self.manifest().pages)
        return self._safe

    def close(self) -> None:
        """Reap the child without the rest of its answer (the build did not need it)."""
        if self._pid:
            self._reaper()
            self._pid = 0

    @staticmethod
    def _end(pid: int, pipe: BinaryIO | None) -> None:
        if pipe is not None:
            pipe.close()
        try:   # (what it has still to say is not wanted: not waited for; it only reads)
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass


@contextmanager
def build_lock(output: Path) -> Iterator[int | None]:
    """Hold the build lock of ``output`` for a while (a build that only checks it is up to date),
    first cleaning up what a killed build left beside it (and in it), as every build does. Yields the
    lock's descriptor."""
    output = output_target(output)
    fd = _lock(output)
    try:
        _recover(output, fd)
        yield fd
    finally:
        _unlock(output, fd)


def _lock(output: Path) -> int | None:
    """Take the build lock of ``output`` (exclusive, not waiting); its descriptor, to close when done.

    The lock file is deleted by its holder at the end (:meth:`OutputWriter.close`), so nothing is
    left beside the output; a build that opened the file just before that deletion finds its lock
    on a file no longer there, and takes the lock again on a new one. The file is also the journal
    of the folders the holder makes beside the output (:func:`new_folder`): a file of that name
    holding anything else (or a link) is not newsgen's, and is refused rather than deleted.
    """
    if fcntl is None:
        return None
    path = lock_path(output)
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0),
                         0o644)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise NewsgenError(f"{path} is a symbolic link, not newsgen's build lock; move it away, or choose "
                                   "another --output", Location(output)) from None
            raise cannot_write(path, exc) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise NewsgenError(f"another build is running into this directory (it holds {path}); wait for "
                               f"it to finish, or choose another --output", Location(output)) from None
        except OSError:   # a file system without locks: build unlocked rather than not at all
            pass
        held = os.fstat(fd)
        try:
            now = os.stat(path, follow_symlinks=False)
        except FileNotFoundError:
            now = None
        if now is not None and (now.st_dev, now.st_ino) == (held.st_dev, held.st_ino):
            break
        os.close(fd)   # deleted by the build that just finished: lock the new file
    folder = _leftover_name(output)
    if not stat.S_ISREG(held.st_mode) or held.st_size > (64 << 20) or not all(
            _journal_line(line, folder) for line in _journal_text(fd).splitlines()):
        os.close(fd)
        raise NewsgenError(f"{path} is not newsgen's build lock (it holds something else); move it away, or "
                           "choose another --output", Location(output))
    return fd


def _unlock(output: Path, fd: int | None, keep_journal: bool = False) -> None:
    """Let the build lock ``fd`` of ``output`` go: its file deleted while still held (see :func:`_lock`),
    but with ``keep_journal``, for the next build to undo what its journal names."""
    if fd is not None:
        if not keep_journal:
            try:
                os.unlink(lock_path(output))
            except OSError:
                pass
        os.close(fd)   # closing the last descriptor releases the flock


def _rename_no_replace(source: Path, target: Path) -> None:
    """Rename, never over something at ``target`` (FileExistsError): atomically where the system can."""
    if not _renameat2(source, target, _RENAME_NOREPLACE):
        if os.path.lexists(target):
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(target))
        os.rename(source, target)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one atomic step (Linux); False where the system cannot."""
    try:
        return _renameat2(a, b, _RENAME_EXCHANGE)
    except OSError as exc:
        raise cannot_write(b, exc) from None


def _renameat2(source: Path, target: Path, flag: int) -> bool:
    """Linux's ``renameat2`` with ``flag``: False where the system cannot, an OSError when it fails."""
    renameat2 = getattr(_libc(), "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(source), _AT_FDCWD, os.fsencode(target), flag) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(target))


def _recover(output: Path, lock: int | None = None) -> None:
    """Undo what a killed build left beside ``output``.

    A build killed between the two renames of a swap without atomic exchange left no output and
    the previous one in ``.NAME.old-*/NAME``: that is put back. Then every ``.NAME.tmp-*`` and
    ``.NAME.old-*`` directory newsgen made is deleted, and a ``.NAME.trash-*`` one its background
    deleter has had time enough for. Only what is provably newsgen's: named exactly so, and named in
    the journal of ``lock`` as made (a folder named there as about to be made, but not made, is
    removed only if empty: the kill came before anything was put in it) or holding a
    :data:`LEFTOVER` file naming it; anything else of such a name is left alone. Only called with
    the build lock held, so none of them belongs to a running build. The files a build killed while
    updating the output in place had added to it (named in the journal) are deleted, and an older
    newsgen's ``.NAME.spare`` carrying the marker. The journal is then emptied.
    """
    pattern = _leftover_name(output)
    journal, added = _read_journal(lock)
    trash_prefix = f".{output.name}.trash-"   # a background deleter's: left to it unless long abandoned
    now = time.time()
    leftovers: list[Path] = []
    try:
        entries = sorted(os.scandir(output.parent), key=lambda e: e.name)
    except OSError:
        entries = []
    for e in entries:
        if not pattern.fullmatch(e.name) or not e.is_dir(follow_symlinks=False):
            continue
        made = journal.get(e.name)
        if not made and not _names_itself(e.path):
            if made is False:   # killed between naming it and making it: empty, or not newsgen's
                try:
                    os.rmdir(e.path)
                except OSError:
                    pass
            continue
        if e.name.startswith(trash_prefix) and now - e.stat(follow_symlinks=False).st_mtime <= TRASH_GRACE:
            continue
        leftovers.append(output.parent / e.name)
    old_prefix = f".{output.name}.old-"
    for path in leftovers:
        if path.name.startswith(old_prefix) and not os.path.lexists(output) and carries_marker(path / output.name):
            try:
                os.rename(path / output.name, output)
            except OSError as exc:
                raise cannot_write(output, exc) from None
    for path in leftovers:
        remove_tree(path)
    if added and carries_marker(output):   # a build killed while updating the output in place
        for path in added:
            _unlink_in(str(output), path)
        _undone[0] += 1   # a stale check begun before this looks again
    spare = output.parent / f".{output.name}.spare"   # where earlier versions kept the last output for the next build
    if carries_marker(spare):
        remove_tree(spare)
    if lock is not None and (journal or added):
        try:
            os.ftruncate(lock, 0)
        except OSError:
            pass


_RENAME_NOREPLACE = 1
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_PR_SET_PDEATHSIG = 1


def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


def _cannot_read(source: Path, exc: OSError) -> NewsgenError:
    return NewsgenError(Diagnostic(Location(source), f"cannot read: {exc.strerror or exc}"))


def _copy(source: Path, target: str, shown: Path) -> None:
    """Copy a file in chunks (a static file may be a video); an OSError is ``source: cannot read: ...``
    or ``shown: cannot write: ...`` (not ``shutil.copyfile``, whose ``sendfile`` error names the source
    even when the write failed: a full disk would read as a bad static file)."""
    try:
        src = open(source, "rb")
    except OSError as exc:
        raise _cannot_read(source, exc) from None
    with src:
        try:
            with open(target, "wb") as dst:
                while True:
                    try:
                        chunk = src.read(1 << 20)
                    except OSError as exc:
                        raise _cannot_read(source, exc) from None
                    if not chunk:
                        break
                    dst.write(chunk)
        except OSError as exc:
            raise cannot_write(shown, exc) from None


_WRITE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def store_text(target: str, text: str | bytes) -> os.stat_result:
    """Write ``text`` as UTF-8 (or bytes as they are) to ``target``, making its directory when missing (one
    try, no stat). Returns the file's stat as written (read from the open file, not looked up again by name)."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    try:
        fd = os.open(target, _WRITE, 0o666)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        fd = os.open(target, _WRITE, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        return os.fstat(fd)
    finally:
        os.close(fd)


def remove_tree(root: Path, threads: int = 4) -> None:
    """Delete a directory tree, errors ignored; done when it returns. Its subtrees (two levels down:
    ``2025/08``, ``tags/x``) are deleted by a few threads at once: unlink and rmdir wait on the file
    system, not on Python."""
    parts: list[str] = []
    try:
        for entry in os.scandir(root):
            if entry.is_dir(follow_symlinks=False):
                parts.extend(e.path for e in os.scandir(entry.path))
    except OSError:
        pass
    if len(parts) > 1:
        from concurrent.futures import ThreadPoolExecutor
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(_remove, parts))
    shutil.rmtree(root, ignore_errors=True)


def _remove(path: str) -> None:
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path, ignore_errors=True)
    else:
        try:
            os.unlink(path)
        except OSError:
            pass


def check_replaceable(output: Path) -> None:
    """Raise the error a build would give before writing into ``output`` (``newsgen check``): it
    leads round in a loop, is a file, or is a non-empty folder newsgen did not write."""
    _check_replaceable(output_target(output), output)


def _check_replaceable(output: Path, shown: Path) -> bool:
    """Refuse an output that is not newsgen's to replace: a file, or a non-empty directory without
    the marker. True when it is an empty directory (filled in place, not replaced)."""
    where = f"{output}, where this link leads" if shown != output else "this folder"
    if not os.path.lexists(output):
        return False
    if not output.is_dir():
        via = f" ({output}, where this link leads)" if shown != output else ""
        raise NewsgenError(f"the output exists and is not a directory{via}; choose another --output",
                           Location(shown))
    if carries_marker(output):
        return False
    with os.scandir(output) as entries:
        if not any(entries):
            return True
    raise NewsgenError(
        f"refusing to replace {where}: it is not empty and was not written by newsgen build (no {MARKER} "
        f"file in it), and newsgen deletes nothing it did not write; choose an empty or new folder with "
        f"--output, or empty this one yourself", Location(shown))
