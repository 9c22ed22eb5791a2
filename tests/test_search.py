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
from newsgen.search import SEARCH_DIR, SHARDS_FILE, UNUSED

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "site"


def entry(out: Path, shard: str) -> dict:
    return json.loads((out / SEARCH_DIR / shard / "pagefind-entry.json").read_text(encoding="utf-8"))


def shards(out: Path) -> list[dict]:
    return json.loads((out / SEARCH_DIR / SHARDS_FILE).read_text(encoding="utf-8"))["shards"]


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
    assert (out / "search" / "index.html").is_file()
    # one Pagefind bundle a year, newest first, listed for the search page
    assert shards(out) == [{"name": "2025", "bundle": "2025/", "pages": 4},
                           {"name": "2024", "bundle": "2024/", "pages": 1}]
    assert result.indexed == ("2025", "2024")
    for year, count in (("2025", 4), ("2024", 1)):
        assert (out / SEARCH_DIR / year / "pagefind.js").is_file()
        assert not any((out / SEARCH_DIR / year / name).exists() for name in UNUSED)   # Pagefind's own UIs
        languages = entry(out, year)["languages"]
        assert list(languages) == ["zh-cn"]                       # the pages' lang: Chinese segmentation
        assert languages["zh-cn"]["page_count"] == count          # no listing, no search page
    assert result.articles == 5
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
                 # the title weighs a hundred times any word of the body: titles rank first
                 '<h1 data-pagefind-weight="10">', '<div class="body" data-pagefind-body data-pagefind-weight="0.1">'):
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


def test_incremental_builds_remake_only_the_years_whose_article_pages_changed(site: Path, tmp_path: Path):
    out = tmp_path / "out"
    assert build(site, out).indexed == ("2025", "2024")
    first = index_files(out)
    inode = os.stat(out / SEARCH_DIR / "2024" / "pagefind-entry.json").st_ino

    # a listing template changes, no article page does: every bundle is hard-linked from the last output
    (site / "templates").mkdir()
    (site / "templates" / "home.html").write_text('{% extends "base.html" %}{% block main %}首页{% endblock %}\n',
                                                  encoding="utf-8")
    assert build(site, out).indexed == ()
    assert index_files(out) == first and os.stat(out / SEARCH_DIR / "2024" / "pagefind-entry.json").st_ino == inode

    # a 2025 article's body changes: Pagefind runs for 2025 only, 2024's bundle is the same file
    article = site / "articles/2025/08/dangjian-julian-chengshi.md"
    article.write_text(article.read_text(encoding="utf-8") + "\n新增一段关于早稻收购的文字。\n", encoding="utf-8")
    assert build(site, out).indexed == ("2025",)
    assert os.stat(out / SEARCH_DIR / "2024" / "pagefind-entry.json").st_ino == inode
    changed = index_files(out)
    assert stable(changed) != stable(first)
    assert {k: v for k, v in changed.items() if k.startswith("2024/")} == \
           {k: v for k, v in first.items() if k.startswith("2024/")}
    # and the output equals a cold build's
    cold = tmp_path / "cold"
    build(site, cold, incremental=False)
    assert stable(index_files(cold)) == stable(changed)   # the words and fragments are the pages'
    assert named(index_files(cold)) == named(changed)

    # a 2024 article moves to 2025: both years again, and 2024's bundle is gone with its last article
    moved = site / "articles/2024/12/nanchang-quanshi.md"
    moved.write_text(moved.read_text(encoding="utf-8").replace("date: 2024-12-20", "date: 2025-01-20"),
                     encoding="utf-8")
    assert build(site, out).indexed == ("2025",)
    assert [s["name"] for s in shards(out)] == ["2025"] and not (out / SEARCH_DIR / "2024").exists()


def stable(files: dict[str, bytes]) -> dict[str, bytes]:
    """The index's files Pagefind writes the same from the same pages: words and fragments (its filter
    files come in hash-map order, see newsgen.search)."""
    return {name: data for name, data in files.items() if name.split("/", 1)[-1].startswith(("index/", "fragment/"))}


def named(files: dict[str, bytes]) -> set[str]:
    """The index's file names but those named by a hash of what Pagefind writes in hash-map order."""
    return {name for name in files if "/filter/" not in name and not name.endswith(".pf_meta")}


def test_a_damaged_bundle_in_the_output_is_made_again(site: Path, tmp_path: Path):
    out = tmp_path / "out"
    build(site, out)
    whole = index_files(out)
    (out / SEARCH_DIR / "2024" / "pagefind.js").write_text("damaged", encoding="utf-8")
    assert build(site, out).indexed == ("2024",)
    assert stable(index_files(out)) == stable(whole) and named(index_files(out)) == named(whole)
    assert index_files(out)["2024/pagefind.js"] == whole["2024/pagefind.js"]


def test_a_site_without_articles_still_builds_its_search_page(tmp_path: Path):
    site = tmp_path / "empty"
    (site / "articles").mkdir(parents=True)
    (site / "newsgen.yaml").write_text("title: 空站\nbase_url: https://example.org/\n", encoding="utf-8")
    out = tmp_path / "out"
    build(site, out, incremental=False)
    assert (out / "search/index.html").is_file()
