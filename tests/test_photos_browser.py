"""Photos in a real browser (Chromium), on the fixture site with a photo article, under a sub-path:

- at 360 and 1280 CSS pixels the browser picks a candidate no wider than about twice the width shown;
- every photo has ``width`` and ``height`` (thumbnails too); the article page's cumulative layout shift,
  measured with a ``PerformanceObserver``, is below 0.01 at 360 and 1280 CSS pixels;
- axe-core finds no serious or critical violation on the article and on a listing, which shows the thumbnail.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator

import pytest

from served import served_site, sync_api

sync_api()   # the module is skipped where Chromium is not installed (unless CI requires it)
from axe_playwright_python.sync_playwright import Axe  # noqa: E402 - after the skip when no browser

from test_photos import ARTICLE, FIXTURE, photo  # noqa: E402

PAGE = "2024/11/luojia-gongshui/"
LISTING = "topics/minsheng/"


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = tmp_path_factory.mktemp("photosite") / "site"
    shutil.copytree(FIXTURE, site)
    bundle = site / "articles" / "2024" / "11" / "luojia-gongshui"
    bundle.mkdir(parents=True)
    # tall text first, so that the photos further down load lazily while the page is read
    (bundle / "index.md").write_text(ARTICLE.replace("工程历时三个月。", "工程历时三个月。\n\n" * 30), encoding="utf-8")
    (bundle / "lead.jpg").write_bytes(photo("astronaut", 2400))
    (bundle / "pipes.jpg").write_bytes(photo("coffee", 1000, orientation=6))
    with served_site(tmp_path_factory.mktemp("www"), "https://example.org/archive/", site=site) as url:
        yield url


def _width(url: str) -> int:
    found = re.search(r"-(\d+)\.(?:jpg|webp|avif)$", url)
    assert found, url
    return int(found.group(1))


@pytest.mark.parametrize("viewport", [360, 1280])
def test_the_browser_picks_a_candidate_fit_for_the_screen(browser, base, viewport: int):
    context = browser.new_context(viewport={"width": viewport, "height": 800}, device_scale_factor=1)
    page = context.new_page()
    page.goto(base + PAGE)
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_function("[...document.querySelectorAll('.body img')].every(i => i.complete && i.naturalWidth)")
    shown = page.evaluate("[...document.querySelectorAll('.body img')].map(i => [i.currentSrc, i.clientWidth, "
                          "i.getAttribute('width'), i.getAttribute('height')])")
    context.close()
    assert len(shown) == 2
    for src, width, w_attr, h_attr in shown:
        assert w_attr and h_attr
        assert src.endswith((".avif", ".webp", ".jpg"))
        assert _width(src) <= 2 * width, (src, width)


@pytest.mark.parametrize("viewport", [360, 1280])
def test_the_article_page_does_not_shift_as_photos_load(browser, base, viewport: int):
    context = browser.new_context(viewport={"width": viewport, "height": 900})
    page = context.new_page()
    page.add_init_script("""
        window.__cls = 0;
        new PerformanceObserver(list => {
            for (const e of list.getEntries()) if (!e.hadRecentInput) window.__cls += e.value;
        }).observe({type: 'layout-shift', buffered: true});
    """)
    page.goto(base + PAGE)
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_function("[...document.querySelectorAll('.body img')].every(i => i.complete && i.naturalWidth)")
    page.wait_for_timeout(300)
    cls = page.evaluate("window.__cls")
    context.close()
    assert cls < 0.01


@pytest.mark.parametrize("where", [PAGE, LISTING])
def test_axe_passes_and_the_listing_shows_the_thumbnail(browser, base, where: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base + where)
    if where == LISTING:
        page.wait_for_function("[...document.querySelectorAll('.post img.thumb')].some(i => i.complete && "
                               "i.naturalWidth > 0)")
        sized = page.eval_on_selector_all("img.thumb", "imgs => imgs.map(i => !!(i.getAttribute('width') && "
                                                       "i.getAttribute('height')))")
        assert sized and all(sized)   # a thumbnail's box is known before it loads too
    violations = Axe().run(page).response["violations"]
    context.close()
    bad = [f"{v['id']} ({v['impact']})" for v in violations if v["impact"] in ("serious", "critical")]
    assert bad == []


def test_a_search_result_shows_its_lead_photo(browser, base):
    """The search page shows an article's lead photo beside its result, as listings do, under the site's
    sub-path; a result with no photo shows none."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base + "search/?q=" + "供水管网改造")
    page.wait_for_function("document.querySelector('.search-results li h2 a')")
    first = page.eval_on_selector(".search-results li", "li => li.querySelector('h2 a').textContent")
    assert first == "罗家镇供水管网改造完成"
    page.wait_for_function("[...document.querySelectorAll('.search-results li img.thumb')].some(i => i.complete && "
                           "i.naturalWidth > 0)")
    thumbs = page.eval_on_selector_all(".search-results li", "lis => lis.map(li => !!li.querySelector('img.thumb'))")
    context.close()
    assert thumbs[0] and thumbs.count(True) == 1
