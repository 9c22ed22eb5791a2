"""Rendering: the Jinja2 environment, views, Markdown, the SVG chart and the page list."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import jinja2
import pytest

from newsgen.config import Config
from newsgen.content import Article
from newsgen.render import THEME_DIR, make_environment, plan_pages, render_page
from newsgen.render.chart import month_chart, month_span
from newsgen.render.markdown import Body, MarkdownRenderer
from newsgen.render.pages import Deferred, Plan, plan_articles, plan_home, plan_not_found
from newsgen.render.views import Views, page_window
from newsgen.site import build_site

D = dt.date


def art(slug: str, date: dt.date, body: str = "正文。", **kw: object) -> Article:
    return Article(path=Path(f"articles/{slug}.md"), title=f"标题{slug}", date=date, slug=slug, body=body,
                   **kw)  # type: ignore[arg-type]


ARTICLES = [
    art("a", D(2025, 8, 6), regions=("江西省/南昌市/青山湖区/罗家镇",), topics=("水利",), tags=("供水",),
        kicker="引题", authors=("卢鸿",)),
    art("b", D(2025, 6, 1), regions=("江西省/南昌市",), summary="写好的摘要。"),
    art("c", D(2024, 12, 20), regions=("江西省/赣州市/章贡区",), body="第一句。" * 100),
]


def test_environment_autoescapes_and_is_strict(tmp_path: Path):
    env = make_environment(tmp_path)
    assert env.from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ missing }}").render()


def test_site_templates_override_the_theme_by_name(tmp_path: Path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "404.html").write_text("site 404 {{ site.title }}", encoding="utf-8")
    env = make_environment(tmp_path)
    assert env.get_template("404.html").render(site={"title": "T"}) == "site 404 T"
    assert Path(env.get_template("base.html").filename or "").resolve().is_relative_to(THEME_DIR.resolve())


def test_theme_ships_in_the_package_and_the_repository_links_to_it():
    repo = Path(__file__).resolve().parent.parent
    names = {p.name for p in (THEME_DIR / "templates").iterdir()}
    assert {"base.html", "home.html", "article.html", "regions.html", "region.html", "topics.html",
            "topic.html", "tags.html", "tag.html", "archive.html", "archive_year.html", "archive_month.html",
            "404.html"} <= names
    assert (THEME_DIR / "static" / "style.css").is_file()
    for name in ("templates", "static"):
        assert (repo / name).is_symlink(), f"{name} must be a symlink to the packaged theme"
        assert (repo / name).resolve() == (THEME_DIR / name).resolve()


def test_stylesheet_is_for_chinese_text_and_loads_nothing_from_the_network():
    css = (THEME_DIR / "static" / "style.css").read_text(encoding="utf-8")
    assert '"PingFang SC"' in css and '"Noto Sans CJK SC"' in css and '"Microsoft YaHei"' in css
    assert "line-height: 1.8" in css and "38em" in css
    assert "@import" not in css and "url(" not in css and "http" not in css


def test_markdown_renders_headings_tables_and_is_lazy():
    renderer = MarkdownRenderer()
    body = Body("第一段。\n\n## 小标题\n\n| a | b |\n| - | - |\n| 1 | 2 |\n", renderer)
    assert body._html is None
    html = body.__html__()
    assert "<h2>小标题</h2>" in html and "<table>" in html and "<p>第一段。</p>" in html
    assert renderer.convert("*x*") == "<p><em>x</em></p>"   # the instance is reset between documents


def test_a_body_read_from_its_file_and_kept_in_the_cache_holds_neither_its_markdown_nor_its_html(tmp_path: Path):
    """A render worker converts thousands of bodies: a body whose Markdown it reads from the article's
    file (a function) and whose HTML the build cache keeps holds neither once converted; asked for
    again, the HTML is read back from the cache, the file not read again. (A body with markup: a plain
    one's HTML is not cached, converting it again costs what reading it back would.)"""
    reads: list[str] = []
    text = "第一段，**要点**。\n\n## 小标题\n"

    def source() -> str:
        reads.append(text)
        return text

    renderer = MarkdownRenderer(cache_dir=tmp_path / "bodies")
    body = Body(source, renderer, "ab" * 32)
    html = body.__html__()
    assert "<h2>小标题</h2>" in html and reads == [text]
    assert body._html is None and body._source is None
    assert body.__html__() == html and str(body) == html and reads == [text]
    assert body.source == text and reads == [text, text]   # read again when asked for


def test_views_carry_final_urls_under_the_base_path_summaries_and_reading_time():
    config = Config(base_url="https://example.org/archive/")
    views = Views(build_site(ARTICLES, config))
    a, b, c = views.posts
    assert a.url == "/archive/2025/08/a/"
    assert [link.name for link in a.regions[0]] == ["江西省", "南昌市", "青山湖区", "罗家镇"]
    assert a.regions[0][-1].url == "/archive/regions/jiangxi/nanchang/qingshanhu/luojia/"
    assert a.topics[0].url == "/archive/topics/shuili/" and a.tags[0].url == "/archive/tags/gongshui/"
    assert (a.kicker, a.authors, a.date, a.date_text) == ("引题", ("卢鸿",), "2025-08-06", "2025年8月6日")
    assert b.summary == "写好的摘要。"           # front matter wins
    assert a.summary == "正文。"                 # else derived from the body
    assert len(c.summary) <= 120 and c.summary.endswith("。")
    assert c.reading_minutes == 1 and a.reading_minutes == 1
    assert views.site_view.stylesheet_url == "/archive/static/style.css"
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.title = "x"  # type: ignore[misc]


def test_month_span_crosses_years():
    assert month_span((2024, 11), (2025, 2)) == [(2024, 11), (2024, 12), (2025, 1), (2025, 2)]


def test_chart_has_one_bar_per_month_from_first_to_last_including_empty_months():
    svg = str(month_chart([D(2024, 12, 20), D(2025, 8, 5), D(2025, 8, 6)], "南昌市每月文章数"))
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    bars = re.findall(r'<rect class="bar"[^>]*data-count="(\d+)"', svg)
    assert len(bars) == 9                                   # 2024-12 … 2025-08
    assert bars[0] == "1" and bars[-1] == "2" and bars[1:-1] == ["0"] * 7
    assert "2025年8月：2 篇" in svg
    assert str(month_chart([], "x")) == ""


def test_chart_escapes_its_label():
    assert "&lt;x&gt;" in str(month_chart([D(2025, 1, 1)], "<x>"))


def test_planners_each_plan_their_own_kind_of_page():
    site = build_site(ARTICLES, Config(per_page=2))
    plan = Plan(site, Views(site), MarkdownRenderer())
    home = [path for item in plan_home(plan) for path in (item.paths if isinstance(item, Deferred) else [item.path])]
    assert home == ["index.html", "page/1/index.html", "feed.xml"]      # 3 articles, 2 a page
    assert [p.path for p in plan_articles(plan)] == [f"{post.url}index.html" for post in site.posts]
    assert [p.path for p in plan_not_found(plan)] == ["404.html"]
    every = [p.path for p in plan_pages(site, Views(site))]
    assert len(every) == len(set(every))                                  # no two pages share a path
    years = sorted({f"sitemaps/{post.article.day.year}.xml" for post in site.posts}, reverse=True)
    assert every[-len(years) - 3:] == ["sitemaps/pages.xml", *years, "sitemap.xml", "robots.txt"]


def test_numbered_listing_pages_carry_no_counts_or_chart():
    """So that adding an article rewrites a listing's front page, not every page of it."""
    site = build_site(ARTICLES, Config(per_page=2))
    pages = {p.path: p for p in plan_pages(site, Views(site))}
    assert "article_count" in pages["index.html"].context
    assert "article_count" not in pages["page/1/index.html"].context


def test_article_page_renders_everything_the_reader_needs():
    site = build_site(ARTICLES, Config())
    views = Views(site)
    page = next(p for p in plan_pages(site, views) if p.path == "2025/06/b/index.html")
    html = render_page(make_environment(None), page, views)
    assert '<html lang="zh-CN">' in html
    assert "<h1>标题b</h1>" in html and "约 1 分钟" in html
    assert '<a href="/regions/jiangxi/nanchang/">南昌市</a>' in html
    assert 'rel="prev" href="/2024/12/c/"' in html and 'rel="next" href="/2025/08/a/"' in html
    # no JavaScript: the one script element is data (NewsArticle JSON-LD)
    assert re.findall(r"<script[^>]*>", html) == ['<script type="application/ld+json">']


@pytest.mark.parametrize(("current", "count", "expected"), [
    (1, 1, [1]),
    (1, 3, [3, 2, 1]),                        # newest first: the front page is the highest number
    (1, 500, [500, 0, 3, 2, 1]),
    (250, 500, [500, 0, 252, 251, 250, 249, 248, 0, 1]),
    (5, 9, [9, 8, 7, 6, 5, 4, 3, 2, 1]),      # a one-page gap shows the page, not an ellipsis
    (500, 500, [500, 499, 498, 0, 1]),
])
def test_page_window_is_bounded(current: int, count: int, expected: list[int]):
    assert page_window(current, count) == expected


def test_a_long_listing_links_a_bounded_number_of_pages():
    site = build_site([art(f"p{i}", D(2025, 1, 1) + dt.timedelta(days=i)) for i in range(100)], Config(per_page=2))
    views = Views(site)
    pages = [p for p in plan_pages(site, views) if p.template == "home.html"]
    assert len(pages) == 50
    middle = pages[25].context["pager"]        # the 26th page from the front is page 25
    assert [link.name for link in middle.pages] == ["最新", "…", "27", "26", "25", "24", "23", "…", "1"]
    assert middle.pages[1].url == "" and middle.pages[2].url == "/page/27/" and middle.pages[0].url == "/"
    assert [link.current for link in middle.pages].index(True) == 4


def test_a_body_without_inline_markup_converts_as_with_the_inline_stage():
    """Bodies :data:`markdown._INLINE` finds nothing in skip Python-Markdown's inline stage: random
    bodies of the block syntax (headings, quotes, lists, tables, fences, rules) and plain text, with
    and without raw HTML allowed, come out byte for byte as the whole converter makes them."""
    import random

    from newsgen.render import markdown as markdown_mod

    pieces = ["江西省南昌市", "水利工程", "，", "。", "“引号”", "（括号）", "2025年8月", "abc", "x.y", "#", "## 标题",
              "> 引用", "- 项目", "1. 第一", "| 甲 | 乙 |\n| --- | --- |\n| 1 | 2 |", "~~~\ncode\n~~~", "---", "***",
              "+ 项", "=", "http://example.org", "a@b.cn", "\n", "\n\n", " ", "    缩进", "1)", "%", "$", "^", "~",
              "{", "}", "(", ")", "'", '"', "/", "|", ":", ";", "?", ",", "\u3000", "😀"]
    rng = random.Random(3)
    for unsafe in (False, True):
        renderer = markdown_mod.MarkdownRenderer(unsafe_html=unsafe)
        assert renderer._plain_md is not None
        plain = 0
        for _ in range(3000):
            body = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 30)))
            if markdown_mod._INLINE.search(body):
                continue
            plain += 1
            assert renderer._plain_md.reset().convert(body) == renderer._md.reset().convert(body), body
        assert plain > 1000
    # each of the characters an inline pattern needs sends a body through the whole converter
    for marked in ("*强调*", "_强调_", "`代码`", "[链接](x)", "![图](x.png)", "<http://x.cn>", "&amp;", "a\\*",
                   "行尾  \n下一行", "行尾\t\n下一行", "<b>粗</b>"):
        assert markdown_mod._INLINE.search(marked), marked


def _template_site(tmp_path: Path, text: str) -> jinja2.Environment:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "t.html").write_text(text, encoding="utf-8")
    return make_environment(tmp_path)


def test_a_run_of_output_is_yielded_as_one_piece_with_the_same_text(tmp_path: Path):
    """Text and expressions with no tag between them come out of a template as one piece (not one a
    piece of text or expression, each resumed through every generator of the page); the text is Jinja's."""
    source = ("<p>{{ a }} & {{ b }}</p>\n{% for x in xs %}<i>{{ x }}</i>{{ loop.index }}\n{% endfor %}"
              "{% if a %}[{{ a | upper }}]{% endif %}<br>{{ xs | length }}")
    env = _template_site(tmp_path, source)
    values = {"a": "<x>", "b": 2, "xs": ["1", "<2>"]}
    pieces = list(env.get_template("t.html").generate(**values))
    assert "".join(pieces) == jinja2.Environment(autoescape=True).from_string(source).render(**values)
    assert len(pieces) == 5   # <p>…</p> once, each loop body once, the if's body, the end


def test_an_error_in_a_joined_run_is_reported_on_its_own_line(tmp_path: Path):
    env = _template_site(tmp_path, "<p>{{ a }}\n{{ a }}</p>\n<p>{{ b.c.d }}</p>\n")
    with pytest.raises(jinja2.UndefinedError) as info:
        env.get_template("t.html").render(a=1, b={})
    frames = [tb for tb in __import__("traceback").extract_tb(info.value.__traceback__)
              if tb.filename.endswith("t.html")]
    assert frames and frames[-1].lineno == 3
