"""Broken and hostile input (issue 7): nothing an article file says can run in the reader's browser.

- the Markdown renderer escapes raw HTML unless ``unsafe_html`` and never writes a
  ``javascript:``, ``vbscript:`` or ``data:`` URL into a link or image, however obfuscated;
- a whole site built from an article whose every field carries a payload has no script
  element but the JSON-LD, no event-handler attribute and no script URL on any page, its
  feeds parse as XML and its JSON-LD as JSON with no ``</script`` or ``<!--`` inside.

``hostile_site`` is shared with ``test_browser_injection.py``, which loads the same pages
in Chromium and listens for dialogs.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from markupsafe import escape

from newsgen.commands.build import build
from newsgen.render.markdown import MarkdownRenderer, is_script_url
from newsgen.text import plain_text, summarize

# --------------------------------------------------------------------------- raw HTML

RAW_HTML = [
    pytest.param("<script>alert(1)</script>",
                 "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>", id="script-block"),
    pytest.param("正文<script>alert(1)</script>结束",
                 "<p>正文&lt;script&gt;alert(1)&lt;/script&gt;结束</p>", id="script-inline"),
    pytest.param('<img src=x onerror="alert(1)">',
                 '<p>&lt;img src=x onerror="alert(1)"&gt;</p>', id="img-onerror-block"),
    pytest.param("图<img src=x onerror=alert(1)>文",
                 "<p>图&lt;img src=x onerror=alert(1)&gt;文</p>", id="img-onerror-inline"),
    pytest.param('"><svg onload=alert(1)>',
                 '<p>"&gt;&lt;svg onload=alert(1)&gt;</p>', id="attribute-breakout-svg"),
    pytest.param("<!-- 注释 --><div>块</div>",
                 "<p>&lt;!-- 注释 --&gt;&lt;div&gt;块&lt;/div&gt;</p>", id="comment-and-div"),
    pytest.param("<iframe src=javascript:alert(1)></iframe>",
                 "<p>&lt;iframe src=javascript:alert(1)&gt;&lt;/iframe&gt;</p>", id="iframe"),
    pytest.param("<javascript:alert(1)>", "<p>&lt;javascript:alert(1)&gt;</p>", id="not-an-autolink"),
]


@pytest.mark.parametrize(("source", "expected"), RAW_HTML)
def test_raw_html_is_escaped_by_default(source: str, expected: str):
    assert MarkdownRenderer().convert(source) == expected


def test_markdown_and_entities_around_raw_html_still_render():
    html = MarkdownRenderer().convert("**粗**<b>体</b> &amp; &lt;i&gt; `<code>`")
    assert html == "<p><strong>粗</strong>&lt;b&gt;体&lt;/b&gt; &amp; &lt;i&gt; <code>&lt;code&gt;</code></p>"


def test_fenced_code_keeps_showing_html_as_code():
    html = MarkdownRenderer().convert("```\n<script>alert(1)</script>\n```")
    assert html == "<pre><code>&lt;script&gt;alert(1)&lt;/script&gt;\n</code></pre>"


@pytest.mark.parametrize(("source", "expected"), [
    pytest.param("<script>alert(1)</script>", "<script>alert(1)</script>", id="script-block"),
    pytest.param("图<img src=x onerror=alert(1)>文", "<p>图<img src=x onerror=alert(1)>文</p>", id="img-inline"),
    pytest.param('<div class="box">框</div>', '<div class="box">框</div>', id="div-block"),
    # raw HTML of a trusted newsroom is theirs, script URL and all
    pytest.param('<a href="javascript:void(0)">原样</a>', '<p><a href="javascript:void(0)">原样</a></p>',
                 id="raw-anchor-kept"),
])
def test_unsafe_html_passes_raw_html_through(source: str, expected: str):
    assert MarkdownRenderer(unsafe_html=True).convert(source) == expected


# --------------------------------------------------------------------------- script URLs

SCRIPT_URLS = [
    pytest.param("[点我](javascript:alert(1))", "<p>点我</p>", id="link"),
    pytest.param("[点我](JaVaScRiPt:alert(1))", "<p>点我</p>", id="mixed-case"),
    pytest.param("[点我](java\tscript:alert(1))", "<p>点我</p>", id="tab-inside"),
    pytest.param("[点我](java&#09;script:alert(1))", "<p>点我</p>", id="tab-reference-inside"),
    pytest.param("[点我](jav&#x0A;ascript:alert(1))", "<p>点我</p>", id="newline-reference-inside"),
    pytest.param("[点我](&#106;avascript:alert(1))", "<p>点我</p>", id="decimal-reference"),
    pytest.param("[点我](&#x6A;avascript&colon;alert(1))", "<p>点我</p>", id="hex-and-named-reference"),
    pytest.param("[点我](&#106avascript:alert(1))", "<p>点我</p>", id="reference-without-semicolon"),
    pytest.param("[点我](&amp;#106;avascript:alert(1))", "<p>点我</p>", id="double-encoded"),
    pytest.param("[点我](  javascript:alert(1))", "<p>点我</p>", id="leading-spaces"),
    pytest.param("[点我](\x01\x1fjavascript:alert(1))", "<p>点我</p>", id="leading-controls"),
    pytest.param("[点我](&#x09;javascript:alert(1))", "<p>点我</p>", id="leading-tab-reference"),
    pytest.param("[点我](<javascript:alert(1)>)", "<p>点我</p>", id="angle-bracket-target"),
    pytest.param("[点我](`javascript`:alert(1))", "<p>点我</p>", id="code-span-in-target"),
    pytest.param('[点我](javascript:alert(1) "标题")', "<p>点我</p>", id="with-title"),
    pytest.param("[点我](vbscript:msgbox(1))", "<p>点我</p>", id="vbscript"),
    pytest.param("[点我](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", "<p>点我</p>",
                 id="data-html"),
    pytest.param("![图](javascript:alert(1))", "<p>图</p>", id="image"),
    pytest.param("![图](data:image/svg+xml,<svg onload=alert(1)>)后", "<p>图后</p>", id="image-data-svg"),
    pytest.param("<javascript://%0aalert(1)>", "<p>javascript://%0aalert(1)</p>", id="autolink"),
    pytest.param("[点我][x]\n\n[x]: javascript:alert(1)", "<p>点我</p>", id="reference-link"),
    pytest.param("[点我][x]\n\n[x]: <JAVASCRIPT:alert(1)>", "<p>点我</p>", id="reference-link-angle"),
    pytest.param("![图][x]\n\n[x]: &#106;avascript:alert(1)", "<p>图</p>", id="reference-image"),
    pytest.param("[![图](javascript:a)](javascript:b) 后", "<p>图 后</p>", id="image-in-link"),
    pytest.param("[**粗** 与 `码`](javascript:x)尾", "<p><strong>粗</strong> 与 <code>码</code>尾</p>",
                 id="markup-in-link-text-kept"),
    pytest.param("| 列 |\n|---|\n| [点我](javascript:alert(1)) |",
                 "<table>\n<thead>\n<tr>\n<th>列</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>点我</td>\n</tr>\n"
                 "</tbody>\n</table>", id="in-table"),
]


@pytest.mark.parametrize("unsafe_html", [False, True], ids=["default", "unsafe_html"])
@pytest.mark.parametrize(("source", "expected"), SCRIPT_URLS)
def test_script_urls_are_never_emitted(source: str, expected: str, unsafe_html: bool):
    assert MarkdownRenderer(unsafe_html=unsafe_html).convert(source) == expected


@pytest.mark.parametrize(("source", "expected"), [
    pytest.param("[网](https://example.org/a?q=javascript:x)",
                 '<p><a href="https://example.org/a?q=javascript:x">网</a></p>', id="scheme-in-query"),
    pytest.param("[内](/2025/08/a/)", '<p><a href="/2025/08/a/">内</a></p>', id="root-relative"),
    pytest.param("[相](javascript-guide/)", '<p><a href="javascript-guide/">相</a></p>', id="relative"),
    pytest.param("[锚](#data:x)", '<p><a href="#data:x">锚</a></p>', id="fragment"),
    pytest.param("![图](/img/a.png)", '<p><img alt="图" src="/img/a.png"></p>', id="image"),
    pytest.param("<https://example.org/>",
                 '<p><a href="https://example.org/">https://example.org/</a></p>', id="autolink"),
])
def test_ordinary_urls_are_kept(source: str, expected: str):
    assert MarkdownRenderer().convert(source) == expected


@pytest.mark.parametrize(("source", "expected"), [
    pytest.param('[x](http://a "t\\" onmouseover=alert(1)")',
                 '<p><a href="http://a" title="t\\&quot; onmouseover=alert(1)">x</a></p>', id="link-title"),
    pytest.param('![a" onerror="alert(1)](/x.png)',
                 '<p><img alt="a&quot; onerror=&quot;alert(1)" src="/x.png"></p>', id="image-alt"),
    pytest.param('[x](http://a/" onmouseover="alert(1))',
                 '<p><a href="http://a/&quot; onmouseover=&quot;alert(1">x</a>)</p>', id="link-target"),
    pytest.param("```{.a onload=alert(1)}\nx\n```", '<pre><code class="language-a">x\n</code></pre>',
                 id="code-language"),
])
def test_quotes_cannot_break_out_of_markdown_attributes(source: str, expected: str):
    assert MarkdownRenderer().convert(source) == expected


def test_mail_autolink_is_kept():
    html = MarkdownRenderer().convert("<news@example.org>")
    assert html.startswith('<p><a href="&#109;&#97;&#105;&#108;&#116;&#111;&#58;')   # mailto:, obfuscated
    assert not is_script_url(re.search(r'href="([^"]*)"', html).group(1))


@pytest.mark.parametrize(("url", "script"), [
    ("javascript:x", True), ("JAVASCRIPT:x", True), (" \x00javascript:x", True), ("java\nscript:x", True),
    ("&#x6a;avascript:x", True), ("javascript&colon;x", True), ("vbscript:x", True), ("DaTa:x", True),
    ("\u3000javascript:x", True), ("java\u200bscript:x", True),
    ("https://x/", False), ("mailto:a@b", False), ("/javascript:x", False), ("./data:x", False),
    ("", False), ("javascript", False), ("java*script:x", False),
])
def test_is_script_url(url: str, script: bool):
    assert is_script_url(url) is script


def test_renderer_is_reusable_between_documents():
    renderer = MarkdownRenderer()
    assert renderer.convert("[a](javascript:x)") == "<p>a</p>"
    assert renderer.convert("[a](https://x/)") == '<p><a href="https://x/">a</a></p>'
    assert renderer.convert("<b>b</b>") == "<p>&lt;b&gt;b&lt;/b&gt;</p>"


# --------------------------------------------------------------------------- summaries

def test_summaries_are_text_that_templates_escape():
    body = '<img\nsrc=x onerror=alert(1)>开头<script>alert(2)</script>。[点我](javascript:void)'
    # a tag is stripped only when it fits on one line; what is left is text, escaped where it is written
    assert plain_text(body) == "<img src=x onerror=alert(1)>开头alert(2)。点我"
    assert summarize(body) == "<img src=x onerror=alert(1)>开头alert(2)。点我"


# --------------------------------------------------------------------------- a hostile site

SCRIPT = '<script>alert("{}")</script>'
IMG = '<img src=x onerror=alert("{}")>'
SVG = '"><svg onload=alert("{}")>'
JS = 'javascript:alert("{}")'

HOSTILE_BODY = f"""{IMG.format("body-img").replace(" ", chr(10), 1)}开头一段{SCRIPT.format("body-script")}正文。

{SVG.format("body-svg")}

[点我](javascript:alert(11)) [又一个](JaVaScRiPt:alert(12)) ![图](java&#09;script:alert(13))
<javascript://%0aalert(14)> [引用][evil] </script><!--

[evil]: &#106;avascript:alert(15)
"""


def hostile_site(root: Path) -> Path:
    """A site whose title and three articles carry payloads in every field a page shows, slug included."""
    site = root / "hostile"
    (site / "articles" / "2025" / "08").mkdir(parents=True)
    config = {"title": f'新闻{SCRIPT.format("site-title")}', "description": SVG.format("site-description"),
              "base_url": "https://example.org/archive/", "per_page": 1}
    (site / "newsgen.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    first = {
        "title": f'标题{SCRIPT.format("title")}{SVG.format("title")}',
        "kicker": IMG.format("kicker"),
        "subtitle": f'</title>{SCRIPT.format("subtitle")}',
        "date": dt.date(2025, 8, 6),
        "slug": "hostile",
        "authors": [IMG.format("author"), SVG.format("author"), JS.format("author")],
        "regions": [f'江西省/{IMG.format("region")}', f'江西省/南昌市/{SVG.format("region")}'],
        "topics": [SCRIPT.format("topic"), JS.format("topic")],
        "tags": [SCRIPT.format("tag"), IMG.format("tag"), SVG.format("tag"), JS.format("tag")],
    }
    second = {
        "title": f'</script><!--{SVG.format("second")}',
        "date": dt.date(2025, 8, 5),
        "slug": "hostile-summary",
        "authors": ["记者"],
        "regions": [f'江西省/{IMG.format("region")}'],
        "tags": [JS.format("tag")],
        "summary": f'</script><script>alert("summary")</script><!--{IMG.format("summary")}&amp;',
    }
    third = {   # a slug is a path segment of every link to the article
        "title": JS.format("third"),
        "date": dt.date(2025, 8, 4),
        "slug": SVG.format("slug"),
        "regions": ["江西省/南昌市"],
    }
    for n, (data, body) in enumerate(((first, HOSTILE_BODY), (second, "第二篇正文。"), (third, "第三篇。"))):
        text = "---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False) + "---\n\n" + body
        (site / "articles" / "2025" / "08" / f"{n}.md").write_text(text, encoding="utf-8")
    return site


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    out = root / "build"
    build(hostile_site(root), out)
    return out


class _Tags(HTMLParser):
    """Every start tag of a page as the browser's tokenizer sees it: (tag, attributes, script text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def _pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def test_hostile_site_builds_every_page(hostile_build: Path):
    names = {p.relative_to(hostile_build).as_posix() for p in _pages(hostile_build)}
    assert {"index.html", "page/2/index.html", "page/1/index.html", "2025/08/hostile/index.html",
            "2025/08/hostile-summary/index.html", '2025/08/"><svg onload=alert("slug")>/index.html',
            "regions/index.html", "tags/index.html", "topics/index.html"} <= names
    home = (hostile_build / "page" / "1" / "index.html").read_text(encoding="utf-8")
    assert 'href="/archive/2025/08/%22%3E%3Csvg%20onload%3Dalert%28%22slug%22%29%3E/"' in home
    assert any(n.startswith("regions/jiangxi/") for n in names)
    assert {n for n in names if n.startswith("tags/")} == {
        "tags/index.html", "tags/script-alert-tag-script/index.html", "tags/img-src-x-onerror-alert-tag/index.html",
        "tags/svg-onload-alert-tag/index.html", "tags/javascript-alert-tag/index.html",
        "tags/javascript-alert-tag/page/1/index.html"}


def _assert_inert(html: str, where: str) -> None:
    """No script element but JSON-LD, no event handler, no embedded content, no script URL in ``html``."""
    parser = _Tags()
    parser.feed(html)
    parser.close()
    for tag, attrs in parser.tags:
        assert tag not in {"img", "iframe", "object", "embed"}, (where, tag, attrs)
        assert tag != "script" or attrs == {"type": "application/ld+json"} or (   # data, or the search page's own
            where.startswith("search/") and attrs == {"type": "module", "src": "/archive/static/search.js"}), \
            (where, tag, attrs)
        assert tag != "svg" or attrs.get("class") == "chart", (where, tag, attrs)
        assert not [name for name in attrs if name.startswith("on")], (where, tag, attrs)
        for name in ("href", "src", "action", "formaction"):
            value = attrs.get(name)
            assert value is None or not is_script_url(value), (where, tag, attrs)


def test_no_page_has_a_script_an_event_handler_or_a_script_url(hostile_build: Path):
    for path in _pages(hostile_build):
        _assert_inert(path.read_text(encoding="utf-8"), path.relative_to(hostile_build).as_posix())


def test_payloads_are_shown_as_text(hostile_build: Path):
    article = (hostile_build / "2025" / "08" / "hostile" / "index.html").read_text(encoding="utf-8")
    assert ("<h1>标题&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;"
            "&#34;&gt;&lt;svg onload=alert(&#34;title&#34;)&gt;</h1>") in article
    assert '<p class="kicker">&lt;img src=x onerror=alert(&#34;kicker&#34;)&gt;</p>' in article
    assert "<p>点我 又一个 图\njavascript://%0aalert(14) 引用 &lt;/script&gt;&lt;!--</p>" in article
    assert '<p>"&gt;&lt;svg onload=alert("body-svg")&gt;</p>' in article


def test_summaries_reach_pages_escaped(hostile_build: Path):
    home = (hostile_build / "index.html").read_text(encoding="utf-8")
    derived = summarize(HOSTILE_BODY)
    assert derived.startswith('<img src=x onerror=alert("body-img")>开头一段')
    assert str(escape(derived)) in home
    second = (hostile_build / "page" / "2" / "index.html").read_text(encoding="utf-8")
    assert ("&lt;/script&gt;&lt;script&gt;alert(&#34;summary&#34;)&lt;/script&gt;&lt;!--"
            "&lt;img src=x onerror=alert(&#34;summary&#34;)&gt;&amp;amp;") in second


def test_feeds_and_sitemap_are_well_formed_xml(hostile_build: Path):
    files = sorted(hostile_build.rglob("*.xml"))
    assert len(files) >= 4
    atom = "{http://www.w3.org/2005/Atom}"
    titles: set[str] = set()
    for path in files:
        root = ET.parse(path).getroot()
        titles.update(t.text or "" for t in root.iter(f"{atom}title"))
        for content in root.iter(f"{atom}content"):
            assert content.get("type") == "html"
            _assert_inert(content.text or "", f"{path.name} <content>")
    assert f'标题{SCRIPT.format("title")}{SVG.format("title")}——</title>{SCRIPT.format("subtitle")}' in titles


def test_json_ld_parses_and_cannot_end_its_script_element(hostile_build: Path):
    slugs = ("hostile", "hostile-summary", SVG.format("slug"))
    pages = [hostile_build / "2025" / "08" / slug / "index.html" for slug in slugs]
    headlines = []
    for path in pages:
        parser = _Tags()
        parser.feed(path.read_text(encoding="utf-8"))
        parser.close()
        assert len(parser.scripts) == 1
        block = parser.scripts[0]
        assert "</script" not in block.lower() and "<!--" not in block and "<" not in block and ">" not in block
        data = json.loads(block)
        headlines.append(data["headline"])
        assert data["@type"] == "NewsArticle"
    assert headlines == [f'标题{SCRIPT.format("title")}{SVG.format("title")}', f'</script><!--{SVG.format("second")}',
                         JS.format("third")]
