"""How the commands that write article files (``import``, ``new``) write them: never over another's.

* :func:`require_site`: ``--site`` must name a site: an existing folder holding ``newsgen.yaml`` or the
  articles folder, or an empty folder (to start one in). A missing folder is refused, as ``serve``
  refuses it, rather than made: a typo must not start a second site.
* :func:`site_lock`: one writer of articles at a time per site, an ``flock`` on
  ``SITE/.newsgen-import.lock`` (as ``build`` locks its output). A second import or ``new`` is
  refused at once with "another import is running": an import holds the lock for its whole run
  (its slugs and its "already imported" check follow from the articles it read at the start), which
  may be a minute on a big bulletin; a refused command has changed nothing and can simply be run
  again.
* :func:`write_files`: every file or none. Each is written to a hidden temporary file beside it and
  fsynced; only when all are written are they moved into place. A new file is moved with a hard
  link, which fails rather than replace a file that appeared meanwhile (another program, another
  site's writer on a file system without locks); a file replaced on purpose (``import --force``) is
  replaced only if it still holds the bytes that were read when the import planned it. Any failure
  undoes the moves already made, so nothing is changed.

Nothing here prints.
"""

from __future__ import annotations

import errno
import itertools
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from newsgen.config import CONFIG_FILE
from newsgen.errors import Location, NewsgenError

try:
    import fcntl
except ImportError:   # not Unix: no lock
    fcntl = None  # type: ignore[assignment]

LOCK_FILE = ".newsgen-import.lock"

#: A file being written: ``.NAME.PID.tmp`` beside it (``.NAME.PID.old``: the file it replaces, kept
#: until the import has finished). Dot-prefixed and not ``*.md``, so neither ``build`` nor ``import``
#: ever reads one; a stale one (its process gone) is deleted by the next import.
TEMP_FILE = re.compile(r"\.(?P<name>.+\.(?:md|txt))\.(?P<pid>\d+)\.(?:tmp|old)")


def require_site(site: Path, articles_dir: str = "articles") -> None:
    """Refuse a ``--site`` that is no site: a missing folder, a file, or a folder holding other things
    but neither ``newsgen.yaml`` nor the articles folder (the wrong folder, e.g. ``bulletins/``)."""
    if not site.exists():
        raise NewsgenError("no such site directory; check --site, or create a site with 'newsgen init DIR'",
                           Location(site))
    if not site.is_dir():
        raise NewsgenError("is not a directory; --site names the site's folder", Location(site))
    if (site / CONFIG_FILE).exists() or (site / articles_dir).exists():
        return
    try:
        empty = not any(site.iterdir())
    except OSError as exc:
        raise NewsgenError(f"cannot read: {exc.strerror or exc}", Location(site)) from None
    if not empty:
        raise NewsgenError(f"not a newsgen site: no {CONFIG_FILE} and no {articles_dir}/ here; pass --site with "
                           f"the site's folder, or make this one a site with 'newsgen init {site} --force'",
                           Location(site))


def require_inside(site: Path, files: list[FileToWrite]) -> None:
    """Refuse to write a file whose folder leads outside ``site`` through a symbolic link (``articles/``
    or ``articles/2025/08`` linked to another folder): ``build`` refuses such a link, so the articles
    written there would be outside the site for every later command. Checked before anything is written.
    """
    home = Path(os.path.realpath(site))
    for f in files:
        folder = f.path.parent
        while not os.path.lexists(folder) and folder != folder.parent:
            folder = folder.parent
        real = Path(os.path.realpath(folder))
        if not real.is_relative_to(home):
            shown = folder.relative_to(site) if folder.is_relative_to(site) else folder
            raise NewsgenError(f"cannot write {f.path.name} here: {shown} leads outside the site ({real}), "
                               "and build reads no article there; make it a real folder inside the site",
                               Location(shown))


def lock_path(site: Path) -> Path:
    return site / LOCK_FILE


@contextmanager
def site_lock(site: Path) -> Iterator[None]:
    """Hold the lock of the site's article writers; refused at once (NewsgenError) when another holds it.

    The lock file is deleted by its holder at the end, while still held, so nothing is left in the
    site; a writer that opened it just before that finds its lock on a file no longer there and
    takes the lock again on a new one (as ``build``'s lock does).
    """
    fd = _lock(site)
    try:
        yield
    finally:
        if fd is not None:
            try:
                os.unlink(lock_path(site))
            except OSError:
                pass
            os.close(fd)


def _lock(site: Path) -> int | None:
    if fcntl is None:
        return None
    path = lock_path(site)
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0), 0o644)
        except OSError as exc:
            if exc.errno == errno.ELOOP:   # a symbolic link: never followed (it may lead outside the site)
                raise NewsgenError("the import lock is a symbolic link, not newsgen's; remove it and run this "
                                   "again", Location(path)) from None
            raise NewsgenError(f"cannot write: {exc.strerror or exc}", Location(path)) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise NewsgenError(f"another import is running in this site (or 'newsgen new' or 'check --fix'; it "
                               f"holds {path}); "
                               "nothing was written: run this again when it has finished", Location(site)) from None
        except OSError:   # a file system without locks: the no-replace moves still protect every file
            return fd
        held = os.fstat(fd)
        try:
            now = os.stat(path)
        except FileNotFoundError:
            now = None
        if now is not None and (now.st_dev, now.st_ino) == (held.st_dev, held.st_ino):
            return fd
        os.close(fd)


@dataclass
class FileToWrite:
    """One file of a write: its path, its bytes, and the bytes it replaces (None: a new file)."""

    path: Path
    data: bytes
    replaces: bytes | None = None
    sweep: bool = True          # delete stale temporary files in its folder (only in the site's folders)


class Conflict(NewsgenError):
    """A file appeared, or changed, between planning and writing: nothing was written."""


def write_files(files: list[FileToWrite], *, what: str = "import") -> None:
    """Write every file or none (disk full, permission denied: NewsgenError ``path: cannot write: ...``).

    New files are moved into place first, replacements last; a failure at any point undoes what was
    moved (a new file removed, a replaced one put back), so an error always means nothing changed.
    """
    pid = os.getpid()
    temps: list[tuple[Path, FileToWrite, int]] = []   # (temp, file, the temp's inode)
    swept: set[Path] = set()
    made: list[Path] = []   # directories made here, removed again if nothing gets written
    moved: list[tuple[FileToWrite, int, Path | None]] = []   # (file, its inode, backup of the replaced file)
    backups: list[Path] = []
    written = False
    try:
        for f in files:
            path = f.path
            try:
                made += itertools.takewhile(lambda d: not d.exists(), [path.parent, *path.parent.parents])
                path.parent.mkdir(parents=True, exist_ok=True)
                if f.sweep and path.parent not in swept:
                    swept.add(path.parent)
                    _remove_stale_temps(path.parent)
                tmp = path.parent / f".{path.name}.{pid}.tmp"
                temps.append((tmp, f, 0))
                temps[-1] = (tmp, f, _write_synced(tmp, f.data))
            except OSError as exc:
                raise NewsgenError(f"cannot write: {exc.strerror or exc}", Location(path)) from None
        for tmp, f, inode in sorted(temps, key=lambda t: t[1].replaces is not None):
            try:
                if f.replaces is None:
                    _move_new(tmp, f.path, what)
                    moved.append((f, inode, None))
                else:
                    try:
                        current = f.path.read_bytes()
                    except FileNotFoundError:
                        current = None
                    if current != f.replaces:
                        raise Conflict(f"changed while this {what} ran (another program wrote it); nothing was "
                                       f"written: run the {what} again", Location(f.path))
                    backup = f.path.parent / f".{f.path.name}.{pid}.old"
                    _write_synced(backup, f.replaces)
                    backups.append(backup)
                    os.replace(tmp, f.path)
                    moved.append((f, inode, backup))
            except NewsgenError:
                raise
            except OSError as exc:
                raise NewsgenError(f"cannot write: {exc.strerror or exc}", Location(f.path)) from None
        written = bool(moved)
    except BaseException:
        _undo(moved)
        raise
    finally:
        for tmp in [t for t, _, _ in temps] + backups:
            if os.path.lexists(tmp):
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
        if not written:
            for directory in sorted(set(made), key=lambda d: len(d.parts), reverse=True):
                try:
                    os.rmdir(directory)
                except OSError:
                    pass
    for directory in {f.path.parent for f, _, _ in moved}:   # the moves survive a crash of the machine too
        try:
            fd = os.open(directory, os.O_RDONLY)
        except OSError:
            continue
        try:
            os.fsync(fd)
        except OSError:
            pass
        finally:
            os.close(fd)


#: What ``link`` fails with where the file system has no hard links (FAT, some network shares).
_NO_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK, errno.ENOSYS}


def _move_new(tmp: Path, path: Path, what: str) -> None:
    """Move ``tmp`` to ``path``, which must not exist: a hard link fails if it does (no window)."""
    try:
        os.link(tmp, path, follow_symlinks=False)
        return
    except FileExistsError:
        raise Conflict(f"appeared while this {what} ran (another program wrote it); nothing was written: run "
                       f"the {what} again", Location(path)) from None
    except OSError as exc:
        if exc.errno not in _NO_LINKS:
            raise
    # no hard links on this file system: look, then rename (a short window)
    if os.path.lexists(path):
        raise Conflict(f"appeared while this {what} ran (another program wrote it); nothing was written: run "
                       f"the {what} again", Location(path))
    os.rename(tmp, path)


def _undo(moved: list[tuple[FileToWrite, int, Path | None]]) -> None:
    """Take back the moves made: a new file is removed (if it is still ours), a replaced one put back."""
    for f, inode, backup in reversed(moved):
        try:
            if backup is not None:
                os.replace(backup, f.path)
            elif os.lstat(f.path).st_ino == inode:
                os.unlink(f.path)
        except OSError:
            pass


def _write_synced(path: Path, data: bytes) -> int:
    """Write ``data`` to ``path`` (created or truncated), fsynced; returns the file's inode."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
        return os.fstat(f.fileno()).st_ino


def _remove_stale_temps(directory: Path) -> None:
    """Delete temporary files in ``directory`` left by an import that was killed (its process is gone)."""
    try:
        names = os.listdir(directory)
    except OSError:
        return
    for name in names:
        m = TEMP_FILE.fullmatch(name)
        if m is None or int(m["pid"]) == os.getpid() or _alive(int(m["pid"])):
            continue
        try:
            os.unlink(directory / name)
        except OSError:
            pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:   # someone else's process
        return True
    return True
