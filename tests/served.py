"""Helpers of the search and accessibility browser tests: the repository's own site, built into a
temporary folder (the repository is left untouched) and served from localhost under its sub-path.

As in ``test_browser.py``: Debian's Chromium, headless; without it the tests are skipped, unless
``NEWSGEN_REQUIRE_BROWSER=1`` (set by CI) makes that a failure.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from newsgen.commands.build import build

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
REQUIRED = os.environ.get("NEWSGEN_REQUIRE_BROWSER") == "1"
REPO = Path(__file__).resolve().parent.parent   # the repository is a site: newsgen.yaml, articles/
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def sync_api():   # noqa: ANN201 - the playwright module, or a skip
    if not Path(CHROMIUM).exists() and not REQUIRED:
        pytest.skip("Chromium not installed (apt-get install chromium)", allow_module_level=True)
    if REQUIRED:
        from playwright import sync_api as api
        return api
    return pytest.importorskip("playwright.sync_api")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - signature of the base class
        pass


@contextmanager
def served_site(root: Path, base_url: str, site: Path = REPO) -> Iterator[str]:
    """Build ``site`` with ``base_url`` into ``root`` at its path and serve ``root``; yields the site's URL."""
    path = "/" + base_url.split("://", 1)[-1].partition("/")[2]
    build(site, root / path.strip("/") if path != "/" else root / "site", base_url=base_url, incremental=False)
    directory = root if path != "/" else root / "site"
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{path}"
    finally:
        server.shutdown()
        server.server_close()
