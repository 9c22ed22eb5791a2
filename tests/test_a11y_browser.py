"""Accessibility and small screens, in a real browser, on the repository's own site under a sub-path.

- axe-core (shipped by ``axe-playwright-python``) finds no serious or critical violation on a page of
  every kind, the search page with results listed included, in light and dark colour schemes;
- at 360 CSS pixels wide nothing scrolls sideways on the home, article, region, topic, archive and
  search pages (search with results and a long region filter).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from served import served_site, sync_api

sync_api()   # the module is skipped where Chromium is not installed (unless CI requires it)
from axe_playwright_python.sync_playwright import Axe  # noqa: E402 - after the skip when no browser

ARTICLE = "2025/08/zhanggongqu-zuohuo-zhengwu-gongkai-jihuo-zhili-xiaoneng/"
#: One page of every kind the build makes.
PAGES = {
    "home": "",
    "article": ARTICLE,
    "regions": "regions/",
    "region": "regions/jiangxi/ganzhou/",
    "topics": "topics/",
    "topic": "topics/zhengwufuwu/",
    "tags": "tags/",
    "tag": "tags/zhengwu/",
    "archive": "archive/",
    "archive-year": "archive/2025/",
    "archive-month": "archive/2025/08/",
    "search": "search/?q=%E5%B7%A5%E4%BD%9C",     # 工作: results listed
    "404": "404.html",
}
NARROW = ("home", "article", "region", "topic", "archive", "search")


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with served_site(tmp_path_factory.mktemp("www"), "https://example.org/archive/") as url:
        yield url


def settle(page, kind: str) -> None:
    if kind == "search":
        page.wait_for_selector(".search-results li h2 a")
        page.wait_for_function("document.querySelectorAll('#search-region option').length > 1")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", list(PAGES))
def test_axe_finds_no_serious_or_critical_violation(browser, base, kind: str, scheme: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    page.goto(base + PAGES[kind])
    settle(page, kind)
    violations = Axe().run(page).response["violations"]
    context.close()
    bad = [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in violations
           if v["impact"] in ("serious", "critical")]
    assert bad == []


@pytest.mark.parametrize("kind", NARROW)
def test_no_horizontal_scrolling_at_360_pixels(browser, base, kind: str):
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    page.goto(base + PAGES[kind])
    settle(page, kind)
    if kind == "search":   # the longest option decides the select's width
        page.locator("#search-region").select_option(index=page.locator("#search-region option").count() - 1)
        page.wait_for_timeout(300)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
        .slice(0, 5).map(e => e.tagName + '.' + e.className)""")
    context.close()
    assert overflow <= 0 and wide == [], wide


def test_the_axe_harness_does_report_a_violation(browser):
    """So the tests above pass because the pages are right, not because axe never ran."""
    context = browser.new_context()
    page = context.new_page()
    page.set_content('<html><body><input type="search"><img src="x.png"></body></html>')
    found = {v["id"] for v in Axe().run(page).response["violations"]}
    context.close()
    assert {"image-alt", "label"} <= found
