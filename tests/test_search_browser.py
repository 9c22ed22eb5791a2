"""Searching the repository's own site in a real browser (Playwright driving Debian's Chromium).

The site is built at the root and under a sub-path (``/archive/``) and served from localhost; the
search page loads the search index the build made and lists results as the theme lists articles.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from served import REPO, served_site, sync_api

sync_api()   # the module is skipped where Chromium is not installed (unless CI requires it)

ZHANGGONG = "章贡区：做活政务公开 激活治理效能"
NANKANG = "南康区：早稻收购全铺开 颗粒归仓稳民心"
ARTICLE = "2025/08/zhanggongqu-zuohuo-zhengwu-gongkai-jihuo-zhili-xiaoneng/"
FIXTURE = REPO / "tests" / "fixtures" / "site"   # two years: 2024 and 2025


@pytest.fixture(scope="module", params=["https://example.org/", "https://example.org/archive/"],
                ids=["root", "sub-path"])
def base(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with served_site(tmp_path_factory.mktemp("www"), request.param) as url:
        yield url


@pytest.fixture
def page(browser, base):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    failed: list[str] = []
    pg.on("response", lambda r: failed.append(f"{r.status} {r.url}")
          if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.failed, pg.errors = failed, errors
    yield pg
    context.close()
    assert failed == [] and errors == []


def titles(page) -> list[str]:
    return [t.strip() for t in page.locator(".search-results li h2 a").all_inner_texts()]


def search(page, base: str, words: str) -> list[str]:
    page.goto(base + "search/")
    page.locator("#search-q").fill(words)
    page.locator("#search-q").press("Enter")
    page.wait_for_selector(".search-results li h2 a")
    return titles(page)


def test_typing_zhengwu_gongkai_lists_the_zhanggong_article_first(page, base):
    page.goto(base + "search/")
    page.wait_for_function("document.querySelectorAll('#search-region option').length > 1")   # index loaded
    page.locator("#search-q").press_sequentially("政务公开", delay=30)   # typed: results come as you type
    page.wait_for_selector(".search-results li h2 a")
    assert titles(page)[0] == ZHANGGONG
    assert page.url.endswith("search/?q=%E6%94%BF%E5%8A%A1%E5%85%AC%E5%BC%80")   # the address follows
    # the result links under the site's path, and they load
    href = page.locator(".search-results li h2 a").first.get_attribute("href")
    assert href == urlsplit(base).path + ARTICLE
    page.locator(".search-results li h2 a").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == ZHANGGONG


def test_zaodao_finds_the_nankang_article(page, base):
    assert NANKANG in search(page, base, "早稻")
    assert page.locator(".search-results mark").first.inner_text() == "早稻"   # the excerpt marks the word


def test_filtering_by_a_region_narrows_the_results(page, base):
    everywhere = search(page, base, "工作")
    assert len(everywhere) >= 3
    page.locator("#search-region").select_option("江西省/赣州市")
    page.wait_for_function("n => document.querySelectorAll('.search-results li').length < n", arg=len(everywhere))
    narrowed = titles(page)
    assert narrowed and set(narrowed) < set(everywhere)
    assert all(t in (ZHANGGONG, NANKANG) for t in narrowed)
    assert "region=" in page.url
    # the filter alone (no words) lists that region's articles, newest first
    page.locator("#search-q").fill("")
    page.locator("#search-q").press("Enter")
    page.wait_for_function("document.querySelectorAll('.search-results li').length == 2")
    assert sorted(titles(page)) == sorted([ZHANGGONG, NANKANG])


def test_an_address_with_a_filter_lists_its_results_first_and_one_the_index_lacks_is_dropped(page, base):
    # the first search runs before the filters' options are filled: the address's filter applies to it
    page.goto(base + "search/?q=%E5%B7%A5%E4%BD%9C&region=%E6%B1%9F%E8%A5%BF%E7%9C%81/%E8%B5%A3%E5%B7%9E%E5%B8%82")
    page.wait_for_selector(".search-results li h2 a")
    assert titles(page) and all(t in (ZHANGGONG, NANKANG) for t in titles(page))
    page.wait_for_function("document.querySelectorAll('#search-region option').length > 1")
    assert page.locator("#search-region").input_value() == "江西省/赣州市" and "region=" in page.url
    # a region no article is filed under is not a filter (the select has no such option)
    page.goto(base + "search/?q=%E5%B7%A5%E4%BD%9C&region=%E6%97%A0%E6%AD%A4%E5%9C%B0")
    page.wait_for_selector(".search-results li h2 a")
    assert len(titles(page)) >= 3 and "region=" not in page.url


def test_the_header_box_of_an_article_page_lands_on_results(page, base):
    page.goto(base + ARTICLE)
    page.locator("#site-search-q").fill("早稻")
    page.locator("#site-search-q").press("Enter")
    page.wait_for_url("**/search/?q=*")
    assert page.url.startswith(base + "search/")
    page.wait_for_selector(".search-results li h2 a")
    assert NANKANG in titles(page)
    assert page.locator("#search-q").input_value() == "早稻"


def test_keyboard_reaches_the_search_box_and_the_results(page, base):
    page.goto(base + ARTICLE)
    for _ in range(12):   # skip link, brand, five sections, then the box
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "site-search-q":
            break
    assert page.evaluate("document.activeElement.id") == "site-search-q"
    page.keyboard.type("早稻")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=*")
    page.wait_for_selector(".search-results li h2 a")
    reached = ""
    for _ in range(20):   # the page's own form (box, button, four selects), then the results
        page.keyboard.press("Tab")
        reached = page.evaluate("document.activeElement.closest('.search-results') ? "
                                "document.activeElement.textContent : ''")
        if reached:
            break
    assert reached.strip() == NANKANG
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == NANKANG


def test_every_four_character_word_of_every_title_finds_its_article(page, base):
    """Every four-character word jieba cuts from a title (19 words from 7 titles) finds that title. With
    seven articles the first page holds every match, so what this proves is that a word cut from a
    title by any vocabulary finds it: the query's pairs are the title's."""
    import re

    import jieba  # the test picks words as a reader would; the build never loads jieba

    page.goto(base + "search/")
    articles = sorted(REPO.glob("articles/**/*.md"))
    checked = 0
    for path in articles:
        title = re.search(r"^title: (.*)$", path.read_text(encoding="utf-8"), re.M).group(1).strip()
        tokens = jieba.lcut(title)   # four-character words: jieba's, and two two-character words together
        words = {w for w in tokens + [a + b for a, b in zip(tokens, tokens[1:], strict=False)]
                 if re.fullmatch(r"[\u4e00-\u9fff]{4}", w)}
        for word in sorted(words):
            titles = page.evaluate("w => window.newsgenSearch(w, 10)", word)["titles"]   # the page's own search
            assert title in titles, (word, title, titles)
            checked += 1
    assert checked >= 2 * len(articles)


def test_the_year_bundles_are_searched_together(browser, tmp_path_factory):
    """The fixture site spans two years, so its index is two bundles (search-index/2025/ and
    search-index/2024/, their keys in the key files they share): one search finds articles of both,
    ranked together; sorted by date the newer year comes first; the year filter keeps one year's."""
    from newsgen.search import KEYS_DIR, SEARCH_DIR

    old, new = "南昌市发布冬季供水保障措施", "改善供水基础设施 保障民生用水安全"
    root = tmp_path_factory.mktemp("years")
    with served_site(root, "https://example.org/", FIXTURE) as base:
        folders = sorted(p.name for p in (root / "site" / SEARCH_DIR).iterdir() if p.is_dir())
        assert folders == ["2024", "2025", KEYS_DIR]   # the key files beside the years are theirs
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        asked: list[str] = []
        page.on("request", lambda r: asked.append(r.url) if "/search-index/" in r.url else None)
        assert set(search(page, base, "供水")) == {old, new}
        # one key file for the one pair, shared by both years (not one a year)
        assert sum(f"/{SEARCH_DIR}/{KEYS_DIR}/" in url for url in asked) == 1
        page.locator("#search-sort").select_option("date")
        page.wait_for_url("**sort=date*")
        # 2025-08-05, then 2024-12-20 (the first search's list stays until the sorted one replaces it:
        # expect waits for the text, where counting two items could read the old list, then none)
        sync_api().expect(page.locator(".search-results li h2 a")).to_have_text([new, old])
        assert page.evaluate("w => window.newsgenSearch(w, 10, true)", "供水")["titles"] == [new, old]
        page.locator("#search-year").select_option("2024")
        sync_api().expect(page.locator(".search-results li h2 a")).to_have_text([old])
        assert "year=2024" in page.url
        context.close()
        assert errors == []
