"""Reading a file a user names or a site holds, without ever waiting on one that is not a file.

Opening a FIFO for reading waits for a writer, and a device (``/dev/zero``) never ends: a
``newsgen.yaml``, an article or a bulletin that is one would stall a command for good. These
functions open with ``O_NONBLOCK``, look at what was opened, and read only a regular file.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from newsgen.errors import Location, NewsgenError


def kind_of(mode: int) -> str:
    """What a file of this ``st_mode`` is, in words, for a message: "a folder", "a FIFO (named pipe)"…"""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def read_regular(path: Path, what: str, shown: Path | None = None) -> bytes:
    """The bytes of ``path``, which must be a regular file (a symbolic link to one is fine).

    Anything else is a :class:`NewsgenError` at ``shown`` (default ``path``): ``cannot read WHAT: it is
    a FIFO (named pipe), not a file; …``, raised without reading, so nothing waits. An unreadable file
    is one too, with the system's reason.
    """
    where = Location(shown if shown is not None else path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise NewsgenError(f"cannot read {what}: {exc.strerror or exc}", where) from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise NewsgenError(f"cannot read {what}: it is {kind_of(mode)}, not a file; replace it with a text file "
                           "or remove it", where)
    with os.fdopen(fd, "rb") as f:
        try:
            return f.read()
        except OSError as exc:
            raise NewsgenError(f"cannot read {what}: {exc.strerror or exc}", where) from None
