"""One way to write a cache file: whole or not at all, and never an error.

Caches (parsed articles, page manifests, converted bodies, related articles) are written beside
each other by builds and by forked render workers. Each file is written under a temporary name in
its own folder and renamed over the old one, so a reader sees the old file or the new one, never
half of one; a cache that cannot be written only makes the next build do more, so failing to
write is not reported.

JSON goes through orjson: the caches of a 10,000-article site are 10-20 MB, which the standard
library's encoder takes ten times longer to write and half again as long to read, on every rebuild.
orjson's own types (dates, dataclasses, subclasses) are passed through to ``default`` as the
standard library would, so what a cache gives back does not depend on the encoder.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

_OPTIONS = (orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
            | orjson.OPT_PASSTHROUGH_SUBCLASS)


def write(path: Path, data: bytes | str) -> bool:
    """Write ``data`` (text as UTF-8) to ``path`` atomically; False when it could not be written."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(raw)
        os.replace(tmp, path)
    except OSError:
        try:
            tmp.unlink()
        except OSError:
            pass
        return False
    return True


def write_json(path: Path, value: Any, default: Callable[[Any], Any] | None = None) -> bool:
    """:func:`write` of ``value`` as JSON (Chinese kept as it is; what JSON cannot hold given to
    ``default``); False when it cannot be encoded or written."""
    try:
        raw = orjson.dumps(value, default=default, option=_OPTIONS)
    except (TypeError, ValueError):   # orjson.JSONEncodeError is a TypeError
        return False
    return write(path, raw)


def read_json(path: Path) -> Any:
    """The JSON value in ``path``. Raises OSError when it cannot be read, ValueError when it is not JSON."""
    return orjson.loads(path.read_bytes())
