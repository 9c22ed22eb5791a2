"""One way to write a cache file: whole or not at all, and never an error.

Caches (parsed articles, page manifests, converted bodies, related articles) are written beside
each other by builds and by forked render workers. Each file is written under a temporary name in
its own folder and renamed over the old one, so a reader sees the old file or the new one, never
half of one; a cache that cannot be written only makes the next build do more, so failing to
write is not reported.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


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


def write_json(path: Path, value: Any, **dumps: Any) -> bool:
    """:func:`write` of ``value`` as JSON (Chinese kept as it is); False when it cannot be encoded or written."""
    try:
        text = json.dumps(value, ensure_ascii=False, **dumps)
    except (TypeError, ValueError):
        return False
    return write(path, text)
