"""The plain path of Markdown bodies (:func:`newsgen.render.markdown.plain_html`) against Python-Markdown.

A body of plain paragraphs and headings is converted without Python-Markdown; Python-Markdown stays the
renderer of record, so every body the plain path takes must come out byte for byte as Python-Markdown
(with newsgen's extensions and raw-HTML setting, both settings) makes it, and every other body must be
left to Python-Markdown (``plain_html`` answers None). Compared here on random texts made of plain
pieces and of the characters and line starts just outside the plain set, and on every article body of
the sample site (and of the 10,000-article bench corpus when it is on this machine).
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from newsgen.content import load
from newsgen.render import markdown as markdown_mod
from newsgen.render.markdown import MarkdownRenderer, plain_html

REPO = Path(__file__).resolve().parent.parent
BENCH_CORPUS = Path("/tmp/c21/k10")

#: Plain text: CJK, Latin letters, ASCII digits, the punctuation a wire story has, spaces inside a line.
PLAIN = ["江西省南昌市", "水利工程", "，", "。", "“引号”", "（括号）", "2025年8月", "abc", "x.y", "1+2+N", "2.57亿元",
         "10:30", "a-b", "a=b", "%", "$", "^", "{", "}", "(", ")", "'", '"', "/", ":", ";", "?", ",", "@", "😀", "한",
         "ü", "Ω", " ", "、", "：", "——", "……", "～", "＃", "＊", "＜", "＆", "１.", "٣."]
#: What is, or may be, Markdown or HTML (or whitespace Python-Markdown treats apart): at a line's start,
#: inside one, alone on one.
NEAR = ["#", "## ", "###### ", "####### ", "#标题", "## 标题 ##", "##  ", "> ", ">", "- ", "-", "---", "--", "+ ", "+",
        "* ", "*", "_", "1. ", "1.", "12.", "1)", "=", "===", "|", "| 甲 | 乙 |\n| --- | --- |", "~~~", "```", "`",
        "~", "\\", "[", "]", "!", "<", "<b>", "&", "&amp;", "&#1;", ":", "    ", "  ", " ", "\t", "\r", "\r\n", "\x02",
        "\x03", "\x00", "\x0b", "\x0c", "\x1c", "\x7f", "\x85", "\xa0", "\u2028", "\u3000", "\u3000\u3000", "\ufeff",
        "\n", "\n\n", "\n\n\n", "http://example.org", "a@b.cn", "[a]: http://x.cn", "*强调*", "[链接](x)"]
BREAKS = ["\n", "\n\n", "\n\n\n"]


def renderers() -> list[MarkdownRenderer]:
    return [MarkdownRenderer(unsafe_html=False), MarkdownRenderer(unsafe_html=True)]


RENDERERS = renderers()


def python_markdown(renderer: MarkdownRenderer, text: str) -> str:
    """The body's HTML by Python-Markdown as newsgen configures it (every stage, the inline one too)."""
    return renderer._md.reset().convert(text)


def assert_same(text: str, renderers: list[MarkdownRenderer] = RENDERERS) -> bool:
    """The plain path's HTML of ``text``, when it takes it, is Python-Markdown's; True when it took it."""
    fast = plain_html(text)
    if fast is None:
        return False
    for renderer in renderers:
        assert fast == python_markdown(renderer, text), (text, fast)
    return True


def texts(pieces: list[str], rng: random.Random, count: int) -> list[str]:
    return ["".join(rng.choice(pieces) for _ in range(rng.randrange(1, 40))) for _ in range(count)]


def test_plain_paragraphs_and_headings_convert_as_python_markdown_does():
    rng = random.Random(21)
    plain = PLAIN + BREAKS + ["## ", "# ", "### "]
    taken = sum(assert_same(text) for text in texts(plain, rng, 4000))
    assert taken > 1000   # the plain path is taken for most of them (a piece at a line's start may stop it)


def test_near_plain_texts_convert_as_python_markdown_does_or_go_to_it():
    rng = random.Random(7)
    pieces = PLAIN * 3 + BREAKS * 3 + NEAR
    taken = sum(assert_same(text) for text in texts(pieces, rng, 6000))
    assert taken > 300


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PLAIN + NEAR + BREAKS) | st.text(max_size=3), max_size=30))
@example(["\u3000\u3000第一段", "\n", "\u3000\u3000第二行\u3000"])
@example(["\u2028第一段", "\n\n", "## 标题", "\n\n", "正文"])
@example(["## 标题 ", "\n\n", "正文"])
@example(["## ", "\u3000", "标题\u2028", "\n\n", "正文"])
@example(["\n\n", "正文", "\n\n\n"])
def test_any_text_converts_as_python_markdown_does_or_goes_to_it(pieces: list[str]):
    assert_same("".join(pieces))


def test_markup_and_block_starts_go_to_python_markdown():
    """Each of the things Python-Markdown gives a meaning (or drops) sends a body to it."""
    for text in ("*强调*", "_强调_", "`代码`", "[链接](x)", "<b>粗</b>", "a &amp; b", "a\\*", "段\n- 项",
                 "段\n1. 项", "段\n===", "段\n---", "> 引", "    代码", "段  \n行", "段 ", "段\n\u3000\n段",
                 "~~~\n码\n~~~", "| a | b |", "段\r\n行", "段\t行", "####### 七", "#标题", "## 标题 #", "# ", "#",
                 "段\n## 标题", "", "\n\n", "\u3000"):
        assert plain_html(text) is None, text


def article_bodies(root: Path) -> list[str]:
    bodies = []
    for path in sorted((root / "articles").rglob("*.md")):
        article, _ = load(path, root)
        if article is not None:
            bodies.append(article.body)
    return bodies


def test_every_article_of_the_sample_site_converts_as_python_markdown_does():
    bodies = article_bodies(REPO)
    assert bodies
    for body in bodies:
        assert_same(body)


@pytest.mark.skipif(not (BENCH_CORPUS / "articles").is_dir(), reason="the bench corpus is not on this machine")
def test_every_article_of_the_bench_corpus_converts_as_python_markdown_does():
    bodies = article_bodies(BENCH_CORPUS)   # (raw HTML escaped: the other setting is the same on plain text)
    taken = sum(assert_same(body, RENDERERS[:1]) for body in bodies)
    assert taken > len(bodies) // 2


def test_a_renderer_converts_a_plain_body_by_the_plain_path_and_others_by_python_markdown():
    renderer = MarkdownRenderer()
    assert renderer.convert("第一段\n\n## 标题\n\n第二段") == "<p>第一段</p>\n<h2>标题</h2>\n<p>第二段</p>"
    assert renderer.convert("*强调*") == "<p><em>强调</em></p>"
    assert markdown_mod.plain_html("*强调*") is None


def test_the_html_of_a_plain_body_is_not_kept_in_the_cache(tmp_path: Path):
    """A plain body converts as quickly as its HTML would be read back: only other bodies are kept."""
    renderer = MarkdownRenderer(cache_dir=tmp_path / "bodies")
    plain, marked = "第一段\n\n## 标题\n\n第二段", "第一段，*强调*"
    assert renderer.cached("plain", lambda: plain) == "<p>第一段</p>\n<h2>标题</h2>\n<p>第二段</p>"
    assert renderer.cached("marked", lambda: marked) == "<p>第一段，<em>强调</em></p>"
    assert renderer._pack is not None
    assert renderer._pack.get("plain") is None
    assert renderer._pack.get("marked") == "<p>第一段，<em>强调</em></p>".encode()
    again = MarkdownRenderer(cache_dir=tmp_path / "bodies")   # the next build: the same HTML either way
    assert again.cached("plain", lambda: plain) == "<p>第一段</p>\n<h2>标题</h2>\n<p>第二段</p>"
    assert again.cached("marked", lambda: "not read: the cache has it") == "<p>第一段，<em>强调</em></p>"


@pytest.mark.parametrize("seed", range(20))
def test_lines_are_looked_at_as_the_line_pattern_would(seed: int):
    """The plain path's line-by-line check finds what _NOT_PLAIN_LINE finds around the text, on texts of
    line breaks, spaces of every kind, list and rule marks, digits (Chinese and Arabic-Indic too) and dots."""
    import random

    from newsgen.render.markdown import _NOT_PLAIN_LINE, _plain_lines
    rng = random.Random(seed)
    pieces = ["\n", "\n\n", " ", "\u3000", "\r", "\x0c", "\x85", "-", "+", "=", "#", "1", "12", "\u0661", "１", ".",
              "。", "文", "a"]
    for _ in range(500):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        quick = " \n" not in text and not text.endswith(" ") and _plain_lines(text)
        assert quick == (_NOT_PLAIN_LINE.search(f"\n{text}\n") is None), repr(text)
