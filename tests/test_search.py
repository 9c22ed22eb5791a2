"""The search index at build time: Pagefind indexes the article pages only, into ``pagefind/`` of
the temporary output; unchanged article pages mean the previous index is reused, a changed one
means a new index; either way the output equals a cold build's. (Searching it: test_search_browser.)"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from newsgen.commands.build import build
from newsgen.render.pages import PLANNERS, plan_search
from newsgen.search import SEARCH_DIR

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "site"


def entry(out: Path) -> dict:
    return json.loads((out / SEARCH_DIR / "pagefind-entry.json").read_text(encoding="utf-8"))


def index_files(out: Path) -> dict[str, bytes]:
    root = out / SEARCH_DIR
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    copy = tmp_path / "site"
    shutil.copytree(FIXTURE, copy, ignore=shutil.ignore_patterns(".newsgen-cache"))
    return copy


def test_search_page_is_planned_and_the_index_holds_the_article_pages_only(site: Path, tmp_path: Path):
    assert plan_search in PLANNERS
    out = tmp_path / "out"
    result = build(site, out, incremental=False)
    assert (out / "search" / "index.html").is_file() and (out / SEARCH_DIR / "pagefind.js").is_file()
    languages = entry(out)["languages"]
    assert list(languages) == ["zh-cn"]                           # the pages' lang: Chinese segmentation
    assert languages["zh-cn"]["page_count"] == result.articles == 5   # no listing, no search page
    assert "search" in result.timings
    # claimed as static files: neither pages nor feeds in the counts, but in the manifest's reach
    assert result.pages == len(list(out.rglob("*.html")))


def test_article_pages_carry_the_filters_the_sort_and_the_indexed_parts(site: Path, tmp_path: Path):
    out = tmp_path / "out"
    build(site, out, incremental=False)
    html = (out / "2025/08/gaishan-gongshui-jichu-sheshi/index.html").read_text(encoding="utf-8")
    for part in ('data-pagefind-sort="date:2025-08-05"', 'data-pagefind-filter="region:江西省"',
                 'data-pagefind-filter="region:江西省/南昌市/青山湖区"',
                 'data-pagefind-filter="region:江西省/南昌市/青山湖区/罗家镇"',
                 'data-pagefind-filter="topic:水利"', 'data-pagefind-filter="year:2025"',
                 '<header data-pagefind-body>', '<p class="meta" data-pagefind-ignore>',
                 '<div class="body" data-pagefind-body>'):
        assert part in html, part
    listing = (out / "index.html").read_text(encoding="utf-8")
    assert "data-pagefind" not in listing
    assert 'action="/search/"' in listing and 'name="q"' in listing   # the header's search box


def test_header_box_and_index_honour_a_sub_path(site: Path, tmp_path: Path):
    out = tmp_path / "archive"
    build(site, out, base_url="https://example.org/archive/", incremental=False)
    page = (out / "2025/08/dangjian-julian-chengshi/index.html").read_text(encoding="utf-8")
    assert 'action="/archive/search/"' in page
    search = (out / "search/index.html").read_text(encoding="utf-8")
    assert 'data-bundle="/archive/pagefind/"' in search and 'data-base="/archive/"' in search
    assert 'src="/archive/static/search.js"' in search


def progress_of(site: Path, out: Path) -> list[str]:
    lines: list[str] = []
    build(site, out, progress=lines.append)
    return lines


def search_line(lines: list[str]) -> str:
    return next(line for line in lines if line.startswith("search:"))


def test_incremental_builds_reuse_an_unchanged_index_and_remake_a_changed_one(site: Path, tmp_path: Path):
    out = tmp_path / "out"
    assert "indexed by Pagefind" in search_line(progress_of(site, out))
    first = index_files(out)
    inode = os.stat(out / SEARCH_DIR / "pagefind-entry.json").st_ino

    # a listing template changes, no article page does: the index is hard-linked from the last output
    (site / "templates").mkdir()
    (site / "templates" / "home.html").write_text('{% extends "base.html" %}{% block main %}首页{% endblock %}\n',
                                                  encoding="utf-8")
    assert "unchanged, reused" in search_line(progress_of(site, out))
    assert index_files(out) == first and os.stat(out / SEARCH_DIR / "pagefind-entry.json").st_ino == inode

    # an article's body changes: a new index, equal to a cold build's
    article = site / "articles/2025/08/dangjian-julian-chengshi.md"
    article.write_text(article.read_text(encoding="utf-8") + "\n新增一段关于早稻收购的文字。\n", encoding="utf-8")
    assert "indexed by Pagefind" in search_line(progress_of(site, out))
    changed = index_files(out)
    assert changed != first
    cold = tmp_path / "cold"
    build(site, cold, incremental=False)
    assert stable(index_files(cold)) == stable(changed)   # the words and fragments are the pages'


def stable(files: dict[str, bytes]) -> dict[str, bytes]:
    """The index's files Pagefind writes the same from the same pages: words and fragments (its filter
    files come in hash-map order, see newsgen.search)."""
    return {name: data for name, data in files.items() if name.startswith(("index/", "fragment/"))}


def test_a_damaged_index_in_the_output_is_made_again(site: Path, tmp_path: Path):
    out = tmp_path / "out"
    progress_of(site, out)
    whole = index_files(out)
    (out / SEARCH_DIR / "pagefind.js").write_text("damaged", encoding="utf-8")
    lines = progress_of(site, out)
    assert "indexed by Pagefind" in search_line(lines)
    assert stable(index_files(out)) == stable(whole) and set(index_files(out)) >= {"pagefind.js"}


def test_a_site_without_articles_still_builds_its_search_page(tmp_path: Path):
    site = tmp_path / "empty"
    (site / "articles").mkdir(parents=True)
    (site / "newsgen.yaml").write_text("title: 空站\nbase_url: https://example.org/\n", encoding="utf-8")
    out = tmp_path / "out"
    build(site, out, incremental=False)
    assert (out / "search/index.html").is_file()
