"""The article file: strict reading with file:line messages, and a writer that round-trips."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsgen import content

FIXTURES = Path(__file__).parent / "fixtures"
INVALID = FIXTURES / "invalid"
EXPECTED = json.loads((INVALID / "expected.json").read_text(encoding="utf-8"))


def test_reads_chinese_article_with_all_fields():
    article, problems = content.load(FIXTURES / "content" / "chinese.md", FIXTURES / "content")
    assert article is not None
    assert article.title == "党建聚链成势 产业向新攀高"
    assert article.kicker == "宜春经开区"
    assert article.date == dt.date(2025, 8, 6)
    assert article.authors == ("卢鸿", "张辉云")
    assert article.regions == ("江西省/宜春市/宜春经济技术开发区",)
    assert article.extra == {"tittle": "拼错的键", "custom": "保留"}
    assert article.source["blocks"] == ["2-20", "41-45"]
    assert article.body.lstrip().startswith("走进宜春国轩电池")
    assert article.body_line == 16  # the line after the closing fence
    # a misspelt known key is a warning with a suggestion, on its own line
    assert [str(p) for p in problems] == ["chinese.md:10: warning: unknown key 'tittle': did you mean 'title'?"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_invalid_files_report_exact_messages(name):
    article, problems = content.load(INVALID / name, INVALID)
    assert article is None
    assert [str(p) for p in problems] == EXPECTED[name]


def test_load_articles_reports_every_bad_file_at_once(tmp_path):
    root = tmp_path / "articles" / "2025" / "08"
    root.mkdir(parents=True)
    for name in EXPECTED:
        (root / name).write_text((INVALID / name).read_text(encoding="utf-8"), encoding="utf-8")
    (root / "good.md").write_text("---\ntitle: 好\ndate: 2025-08-06\n---\n\n正文。\n", encoding="utf-8")
    articles, diagnostics = content.load_articles(tmp_path)
    assert [a.title for a in articles] == ["好"]
    reported = {str(d.location.path) for d in diagnostics.errors}
    assert reported == {f"articles/2025/08/{name}" for name in EXPECTED}


def test_datetime_with_timezone_is_accepted():
    text = "---\ntitle: 时间\ndate: 2025-08-06T09:30:00+08:00\n---\n正文\n"
    article, problems = content.loads(text, Path("x.md"))
    assert problems == []
    assert article.day == dt.date(2025, 8, 6)


def test_slug_defaults_to_file_stem_and_rejects_slashes():
    article, _ = content.loads("---\ntitle: t\ndate: 2025-08-06\n---\n", Path("a/b/my-story.md"))
    assert article.slug == "my-story"
    _, problems = content.loads("---\ntitle: t\ndate: 2025-08-06\nslug: a/b\n---\n", Path("x.md"))
    assert [str(p) for p in problems] == [
        "x.md:4: 'slug' 'a/b' must be one URL segment, without '/' or '\\'; e.g. 'a-b'"]


def test_writer_keeps_key_order_and_chinese():
    meta = {"title": "从“物业说了算”到“业主说了算”", "date": dt.date(2025, 8, 6), "slug": "x",
            "authors": ["胡贤辉"], "regions": ["江西省/南昌市/红谷滩区/沙井街道"],
            "source": {"bulletin": "b.txt", "blocks": ["3-9", "40-44"]}}
    text = content.dumps(meta, "正文第一段。\n\n## 小标题\n\n第二段。")
    assert text.splitlines()[:5] == ["---", "title: 从“物业说了算”到“业主说了算”", "date: 2025-08-06",
                                     "slug: x", "authors: [胡贤辉]"]
    article, problems = content.loads(text, Path("x.md"))
    assert problems == []
    assert article.title == meta["title"] and article.regions == tuple(meta["regions"])
    assert article.body.strip() == "正文第一段。\n\n## 小标题\n\n第二段。"


TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=40)


def _seen(text: str) -> str:
    """Text as the reader keeps it: invisible characters (zero-width spaces, BOMs) dropped, then stripped."""
    return content.INVISIBLE.sub("", text).strip()


@given(title=TEXT.filter(_seen), authors=st.lists(TEXT.filter(_seen), max_size=4), body=st.text(max_size=200))
def test_front_matter_round_trips(title, authors, body):
    meta = {"title": title, "date": dt.date(2024, 2, 29), "authors": authors}
    article, problems = content.loads(content.dumps(meta, body), Path("x.md"))
    assert [p for p in problems if p.severity == "error"] == []
    assert article.title == _seen(title)
    assert list(article.authors) == [_seen(a) for a in authors if _seen(a)]
