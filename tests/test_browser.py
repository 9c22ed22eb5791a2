"""The built archive in a real browser: Playwright driving Debian's Chromium, headless.

The fixture site is built under a sub-path (``/archive/``) and served from localhost, so
the tests also prove the output works as published under ``base_url``. Without Chromium
these tests are skipped, unless ``NEWSGEN_REQUIRE_BROWSER=1`` (set by CI) makes that a failure.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsgen.commands.build import build

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
REQUIRED = os.environ.get("NEWSGEN_REQUIRE_BROWSER") == "1"
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "site"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

if not Path(CHROMIUM).exists() and not REQUIRED:
    pytest.skip("Chromium not installed (apt-get install chromium)", allow_module_level=True)
if REQUIRED:
    from playwright import sync_api
else:
    sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The fixture site built with base_url /archive/, served at http://127.0.0.1:PORT/archive/."""
    root = tmp_path_factory.mktemp("www")
    build(FIXTURE, root / "archive", base_url="https://example.org/archive/")
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/archive/"
    server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - signature of the base class
        pass


@pytest.fixture
def page(browser, base):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    failed: list[str] = []
    pg.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    pg.failed = failed
    yield pg
    context.close()


def test_home_to_article_to_region_by_clicking(page, base):
    page.goto(base)
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    first = page.locator("main article h2 a, main .post a").first
    title = first.inner_text().strip()
    first.click()
    page.wait_for_load_state()
    assert page.url.startswith(base) and page.url != base
    assert title in page.locator("h1").inner_text()
    crumbs = page.locator("nav.breadcrumbs a, .breadcrumbs a")
    assert crumbs.count() >= 1
    crumbs.last.click()
    page.wait_for_load_state()
    assert "/regions/" in page.url
    assert page.locator("svg rect.bar").count() >= 1
    assert page.failed == []


def test_every_link_of_the_home_page_loads_under_the_sub_path(page, base):
    page.goto(base)
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    internal = sorted({h.split("#")[0] for h in hrefs if h.startswith(base.split("/archive/")[0])})
    assert internal and all(h.startswith(base) for h in internal)
    for href in internal:
        response = page.goto(href)
        assert response is not None and response.status == 200, href
    assert page.failed == []


def test_stylesheet_applies_and_phone_layout_does_not_scroll_sideways(browser, base):
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2)
    pg = context.new_page()
    pg.goto(base)
    line_height = pg.eval_on_selector("body", "e => parseFloat(getComputedStyle(e).lineHeight)")
    font_size = pg.eval_on_selector("body", "e => parseFloat(getComputedStyle(e).fontSize)")
    assert line_height / font_size >= 1.6  # comfortable leading for Chinese text
    overflow = pg.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    pg.goto(base + "regions/")
    assert pg.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    context.close()
