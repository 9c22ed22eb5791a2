"""``newsgen build`` end to end on the fixture site in ``tests/fixtures/site``.

The golden test compares the built site file by file with ``tests/golden/site``.
After an intended change to the output, refresh the expected files with ONE command:

    NEWSGEN_REFRESH_GOLDEN=1 .venv/bin/pytest tests/test_build.py

and review the diff (``git diff tests/golden``) before committing it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from golden import FIXTURE, GOLDEN, check_static, files_of, generated_files, refresh
from linkcheck import check_links
from newsgen.commands.build import BuildResult, build
from newsgen.errors import NewsgenError
from newsgen.output import MARKER

HERE = Path(__file__).resolve().parent
REFRESH = os.environ.get("NEWSGEN_REFRESH_GOLDEN") == "1"
#: The fixture's base_url is '/': fine for the golden site, but feeds want a host, so the build warns.
PATH_ONLY_BASE_URL = ("newsgen.yaml: warning: base_url '/' has no scheme and host, so feeds, the sitemap and "
                      "canonical links carry paths, not absolute URLs; set a full base_url "
                      "(https://example.org/) before publishing")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A private copy of the fixture site, free to be broken by a test."""
    copy = tmp_path / "site"
    shutil.copytree(FIXTURE, copy)
    return copy


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildResult]:
    out = tmp_path_factory.mktemp("built") / "build"
    return out, build(FIXTURE, out)


# --------------------------------------------------------------------------- golden output

def test_golden_site(built: tuple[Path, BuildResult]):
    out, _ = built
    actual = generated_files(out)
    if REFRESH:
        refresh(out)
    expected = files_of(GOLDEN)
    assert sorted(actual) == sorted(expected), "pages added or missing; refresh with NEWSGEN_REFRESH_GOLDEN=1"
    for name, data in expected.items():
        assert actual[name].decode("utf-8") == data.decode("utf-8"), f"{name} differs from tests/golden/site"
    check_static(out)


def test_build_result_counts_pages_and_times_every_step(built: tuple[Path, BuildResult]):
    out, result = built
    html = [p for p in out.rglob("*.html")]
    assert result.pages == len(html) == 46     # with /search/
    assert result.files == 22    # 1 + 10 region + 6 topic feeds; sitemap.xml, its 3 sitemaps; robots.txt
    assert result.articles == 5 and result.static_files == 2   # style.css, search.js (search-index/ not counted)
    assert result.output == out
    assert [str(w) for w in result.warnings] == [PATH_ONLY_BASE_URL]
    assert list(result.timings) == ["config", "articles", "model", "views", "plan", "changes", "render", "photos",
                                   "search", "write", "keep", "cleanup"]


def test_draft_is_not_published(built: tuple[Path, BuildResult]):
    out, _ = built
    assert not any("草稿" in p.read_text(encoding="utf-8") for p in out.rglob("*.html"))
    assert not (out / "regions" / "jiangxi" / "fuzhou").exists()


def test_every_internal_link_resolves(built: tuple[Path, BuildResult]):
    out, _ = built
    assert check_links(out) == []


def test_a_sub_path_base_url_prefixes_and_resolves_every_internal_link(tmp_path: Path):
    out = tmp_path / "build"
    build(FIXTURE, out, base_url="https://example.org/archive/")
    links = [link for page in out.rglob("*.html")
             for link in re.findall(r'(?:href|src)="([^"#][^"]*)"', page.read_text(encoding="utf-8"))
             if "://" not in link]
    assert links and all(link.startswith("/archive/") for link in links)
    assert check_links(out, "/archive/", "https://example.org/archive/") == []


def test_region_pages_count_descendants_and_chart_one_bar_per_month(built: tuple[Path, BuildResult]):
    out, _ = built
    tree = (out / "regions" / "index.html").read_text(encoding="utf-8")
    for name, count in [("江西省", 5), ("南昌市", 3), ("青山湖区", 1), ("罗家镇", 1), ("宜春经济技术开发区", 1)]:
        assert re.search(rf">{name}</a> <span class=\"count\">{count}</span>", tree), name
    nanchang = (out / "regions" / "jiangxi" / "nanchang" / "index.html").read_text(encoding="utf-8")
    assert nanchang.count('<rect class="bar"') == 9           # 2024-12 … 2025-08
    luojia = (out / "regions/jiangxi/nanchang/qingshanhu/luojia/index.html").read_text(encoding="utf-8")
    assert luojia.count('<rect class="bar"') == 1
    assert "<script" not in nanchang


def test_article_page(built: tuple[Path, BuildResult]):
    out, _ = built
    html = (out / "2025/08/dangjian-julian-chengshi/index.html").read_text(encoding="utf-8")
    for part in ['<p class="kicker">宜春经开区</p>', "<h1>党建聚链成势 产业向新攀高</h1>",
                 '<p class="subtitle">把党组织建在产业链上</p>', '<time datetime="2025-08-06">2025年8月6日</time>',
                 "卢鸿　张辉云", "约 1 分钟", '<a href="/regions/jiangxi/yichun/">宜春市</a>',
                 '<a href="/topics/dangjianyinling/">党建引领</a>', '<a href="/tags/lidianxinnengyuan/">锂电新能源</a>',
                 "<h2>强引领 党组织建在产业链上</h2>", '<html lang="zh-CN">']:
        assert part in html, part


# --------------------------------------------------------------------------- bad input

BROKEN_YAML = "---\ntitle: 坏文章\ndate: 2025-08-01: 多了一个冒号\n---\n\n正文。\n"
NO_TITLE = "---\ndate: 2025-08-01\n---\n\n正文。\n"
BAD_DATE = "---\ntitle: 日期错误\ndate: 八月一日\n---\n\n正文。\n"


def test_bad_articles_are_all_reported_and_the_previous_output_is_untouched(site: Path, tmp_path: Path):
    out = tmp_path / "build"
    build(site, out)
    before = files_of(out)
    (site / "articles" / "2025" / "08" / "x.md").write_text(BROKEN_YAML, encoding="utf-8")
    (site / "articles" / "no-title.md").write_text(NO_TITLE, encoding="utf-8")
    (site / "articles" / "2025" / "bad-date.md").write_text(BAD_DATE, encoding="utf-8")
    with pytest.raises(NewsgenError) as info:
        build(site, out)
    messages = [str(d) for d in info.value.diagnostics]
    assert any(m.startswith("articles/2025/08/x.md:3: invalid YAML") for m in messages), messages
    assert any(m.startswith("articles/no-title.md:2: missing required key 'title'") for m in messages), messages
    assert any(m.startswith("articles/2025/bad-date.md:3: 'date' must be an ISO date") for m in messages), messages
    assert files_of(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build", "site"]   # no temp dir left behind


def test_a_failing_template_is_reported_with_its_line_and_leaves_the_output_untouched(site: Path, tmp_path: Path):
    out = tmp_path / "build"
    build(site, out)
    before = files_of(out)
    (site / "templates").mkdir()
    (site / "templates" / "article.html").write_text("<h1>{{ post.title }}</h1>\n{{ post.no_such_field }}\n",
                                                     encoding="utf-8")
    with pytest.raises(NewsgenError) as info:
        build(site, out)
    assert str(info.value).startswith("templates/article.html:2: template error while rendering 20")
    assert "no_such_field" in str(info.value)
    assert files_of(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build", "site"]


def test_site_templates_and_static_files_override_the_theme(site: Path, tmp_path: Path):
    (site / "templates").mkdir()
    (site / "templates" / "404.html").write_text("自定义 404 {{ site.title }}\n", encoding="utf-8")
    (site / "static").mkdir()
    (site / "static" / "style.css").write_text("body { color: red }\n", encoding="utf-8")
    (site / "static" / "logo.svg").write_text("<svg/>\n", encoding="utf-8")
    out = tmp_path / "build"
    result = build(site, out)
    assert (out / "404.html").read_text(encoding="utf-8") == "自定义 404 江西县域新闻（测试站）\n"
    assert (out / "static" / "style.css").read_text(encoding="utf-8") == "body { color: red }\n"
    assert (out / "static" / "logo.svg").is_file() and result.static_files == 3


def test_two_articles_with_one_url_stop_the_build_before_writing(site: Path, tmp_path: Path):
    twin = site / "articles" / "2025" / "08" / "twin.md"
    twin.write_text("---\ntitle: 重名\ndate: 2025-08-20\nslug: dangjian-julian-chengshi\n---\n\n正文。\n",
                    encoding="utf-8")
    with pytest.raises(NewsgenError, match="same URL /2025/08/dangjian-julian-chengshi/"):
        build(site, tmp_path / "build")
    assert not (tmp_path / "build").exists()


def test_refuses_to_replace_a_directory_newsgen_did_not_write(tmp_path: Path):
    out = tmp_path / "precious"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(NewsgenError, match="not written by newsgen build"):
        build(FIXTURE, out)
    assert (out / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_refuses_an_output_that_holds_the_site(site: Path):
    with pytest.raises(NewsgenError, match="must not be the site directory"):
        build(site, site)
    assert (site / "articles").is_dir()


def test_a_second_build_replaces_the_first(site: Path, tmp_path: Path):
    out = tmp_path / "build"
    build(site, out)
    (site / "articles" / "2024" / "12" / "nanchang-quanshi.md").unlink()
    build(site, out)   # updated in place: the gone article's page deleted, and the folders it leaves empty
    assert not (out / "2024").exists() and (out / MARKER).is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build", "site"]   # nothing left beside it
    build(site, out, incremental=False)   # a full build: a fresh tree swapped in, the previous one deleted
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build", "site"]


def _files(root: Path) -> dict[Path, bytes]:
    return {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_a_build_updates_the_output_in_place_and_never_writes_into_a_published_file(site: Path, tmp_path: Path):
    """An incremental build touches only the files that changed, and never writes into one: it moves a
    new file over the old name (a hard link someone keeps of a published page keeps its bytes)."""
    out, kept = tmp_path / "build", tmp_path / "kept"
    build(site, out, search=False)
    first = _files(out)
    for path in first:   # hard links of every published file, as a backup tool or a server's cache makes
        (kept / path).parent.mkdir(parents=True, exist_ok=True)
        os.link(out / path, kept / path)
    inodes = {path: (out / path).stat().st_ino for path in first}
    article = next((site / "articles").rglob("*.md"))
    article.write_text(article.read_text(encoding="utf-8") + "\n追加的一句话。\n", encoding="utf-8")
    result = build(site, out, search=False)
    second = _files(out)
    assert second != first and _files(kept) == first   # none of the published files written into
    replaced = {path for path in first if (out / path).stat().st_ino != inodes[path]}
    assert replaced >= {path for path in first if second[path] != first[path]}
    assert replaced <= {Path(p) for p in result.rendered_paths}   # only pages rendered: the rest untouched
    (site / "articles" / "2024" / "12" / "nanchang-quanshi.md").unlink()
    (out / "hand-added.txt").write_text("x", encoding="utf-8")   # not newsgen's: an update in place keeps it
    build(site, out, search=False)
    cold = tmp_path / "cold"
    build(site, cold, incremental=False, search=False)
    assert _files(out) == {**_files(cold), Path("hand-added.txt"): b"x"}


def test_build_loads_neither_jieba_nor_jionlp(tmp_path: Path):
    code = ("import sys; from pathlib import Path; from newsgen.commands.build import build; "
            f"build(Path({str(FIXTURE)!r}), Path({str(tmp_path / 'out')!r})); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('jieba', 'jionlp')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
    assert (tmp_path / "out" / "index.html").is_file()


def test_editor_slugs_with_chinese_spaces_or_hash_still_link(site: Path, tmp_path: Path):
    (site / "articles" / "odd.md").write_text(
        "---\ntitle: 奇怪的网址\ndate: 2025-08-07\nslug: 南昌 新闻#1\n---\n\n正文。\n", encoding="utf-8")
    out = tmp_path / "build"
    build(site, out)
    assert (out / "2025" / "08" / "南昌 新闻#1" / "index.html").is_file()
    home = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="/2025/08/%E5%8D%97%E6%98%8C%20%E6%96%B0%E9%97%BB%231/"' in home
    assert check_links(out) == []


def test_config_and_article_errors_are_reported_together(site: Path, tmp_path: Path):
    (site / "newsgen.yaml").write_text("title: 站点\nper_pgae: 5\n", encoding="utf-8")
    (site / "articles" / "no-title.md").write_text(NO_TITLE, encoding="utf-8")
    with pytest.raises(NewsgenError) as info:
        build(site, tmp_path / "build")
    messages = [str(d) for d in info.value.diagnostics]
    assert messages[0].startswith("newsgen.yaml:2: unknown configuration key 'per_pgae'; did you mean 'per_page'?")
    assert any(m.startswith("articles/no-title.md:2: missing required key 'title'") for m in messages)
    assert not (tmp_path / "build").exists()


def test_warnings_do_not_stop_the_build_and_are_returned(site: Path, tmp_path: Path):
    (site / "articles" / "typo.md").write_text("---\ntitle: 拼错\ndate: 2025-08-07\ntagz: [x]\n---\n\n正文。\n",
                                               encoding="utf-8")
    result = build(site, tmp_path / "build")
    expected = "articles/typo.md:4: warning: unknown key 'tagz': did you mean 'tags'?"
    assert [str(w) for w in result.warnings] == [PATH_ONLY_BASE_URL, expected]
    assert result.pages == 47


def test_refuses_what_pip_install_leaves_in_build_as_any_folder_newsgen_did_not_write(tmp_path: Path):
    """(setup.cfg keeps setuptools out of build/; a `lib/` is not newsgen's to delete: `-o crate/src`.)"""
    out = tmp_path / "build"
    (out / "lib" / "newsgen").mkdir(parents=True)
    (out / "lib" / "newsgen" / "cli.py").write_text("print()\n", encoding="utf-8")
    (out / "bdist.linux-x86_64").mkdir()
    with pytest.raises(NewsgenError, match="not written by newsgen build"):
        build(FIXTURE, out)
    assert (out / "lib" / "newsgen" / "cli.py").read_text(encoding="utf-8") == "print()\n"
    assert sorted(p.name for p in out.iterdir()) == ["bdist.linux-x86_64", "lib"]
