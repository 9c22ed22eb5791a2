"""Hand-written bulletins with their expected drafts, and the example bulletin.

Refresh an expected file only after reading the diff: the expected files are the
specification of what an editor would rebuild from each bulletin.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from newsgen.bulletin import Parsed, parse
from newsgen.bulletin.blocks import split_blocks

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = sorted((ROOT / "tests" / "fixtures" / "bulletins").glob("*.txt"))
EXAMPLE = ROOT / "bulletins" / "jiangxi-county-news.txt"


def summary(parsed: Parsed) -> dict:
    return {
        "articles": [{"kicker": d.kicker, "title": d.title, "subtitle": d.subtitle, "authors": d.authors,
                      "byline": d.byline, "lines": [b.first_line for b in d.blocks], "body": d.body}
                     for d in parsed.drafts],
        "warnings": sorted([w.line, w.message] for w in [*parsed.warnings, *(w for d in parsed.drafts
                                                                               for w in d.warnings)]),
        "unplaced": [b.first_line for b in parsed.unplaced],
    }


def output_chars(parsed: Parsed) -> Counter[str]:
    # The contract stores a kicker without its trailing '：' (the colon is how a kicker is printed).
    kickers = [d.kicker + "：" if d.kicker and any(b.text == d.kicker + "：" for b in d.blocks) else d.kicker
               for d in parsed.drafts]
    parts = [p for d, k in zip(parsed.drafts, kickers, strict=True)
             for p in (k, d.title, d.subtitle, d.body, d.byline) if p]
    parts += [b.text for b in parsed.unplaced]
    return Counter(ch for ch in "".join(parts) if not ch.isspace())


def assert_lossless(text: str, parsed: Parsed) -> None:
    want = Counter(ch for ch in text if not ch.isspace())
    missing = want - output_chars(parsed)
    assert not missing, f"characters lost: {dict(missing)}"


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_fixture(path: Path):
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    assert summary(parse(path.read_text(encoding="utf-8"))) == expected


@pytest.mark.parametrize("path", [*FIXTURES, EXAMPLE], ids=[p.stem for p in [*FIXTURES, EXAMPLE]])
def test_fixture_loses_no_character(path: Path):
    text = path.read_text(encoding="utf-8")
    assert_lossless(text, parse(text))


@pytest.mark.parametrize("path", [*FIXTURES, EXAMPLE], ids=[p.stem for p in [*FIXTURES, EXAMPLE]])
def test_every_block_is_used_exactly_once(path: Path):
    text = path.read_text(encoding="utf-8")
    parsed = parse(text)
    used = [b.first_line for d in parsed.drafts for b in d.blocks] + [b.first_line for b in parsed.unplaced]
    assert sorted(used) == [b.first_line for b in split_blocks(text)]


def test_example_bulletin_yields_its_seven_articles():
    parsed = parse(EXAMPLE.read_text(encoding="utf-8"))
    got = [(d.kicker, d.title, d.authors) for d in parsed.drafts]
    assert got == [
        ("宜春经开区", "党建聚链成势 产业向新攀高", ["卢鸿", "张辉云"]),
        (None, "从“物业说了算”到“业主说了算”", ["胡贤辉"]),
        (None, "改善供水基础设施 保障民生用水安全", ["魏欢"]),
        (None, "章贡区：做活政务公开 激活治理效能", ["邱福林", "李梅花"]),
        (None, "交通赋能激发乡村经济活力", ["刘芬", "游中堂"]),
        (None, "多措并举织密防溺水安全网", ["廖霞"]),
        (None, "南康区：早稻收购全铺开 颗粒归仓稳民心", ["黄建宁", "赖宁南"]),
    ]
    assert parsed.unplaced == []


def test_example_bulletin_decisions():
    parsed = parse(EXAMPLE.read_text(encoding="utf-8"))
    first, property_article, _, displaced = parsed.drafts[:4]
    # subheadings stay in the body as headings; the tail printed after another article is attached
    assert "\n\n## 强引领 党组织建在产业链上\n\n" in first.body
    assert [b.first_line for b in first.blocks][-5:] == [85, 87, 89, 91, 93]
    # a column break is joined into one paragraph
    assert "开展组织生活方面给予实际操作指导" in first.body
    # the byline leaves the body, verbatim
    assert first.byline == "（卢鸿 张辉云）" and not first.body.endswith("）")
    # the continuation opening with a subheading goes to the article left open
    assert "## 资源活水润民心 共治花开结硕果" in property_article.body
    # the headline displaced to the end finds the headless article it names
    assert displaced.blocks[0].first_line == 145 and displaced.blocks[1].first_line == 105
    lines = {w.line: w.message for d in parsed.drafts for w in d.warnings}
    assert "ourselves" in lines[33]
    assert "mid-sentence" in lines[69]


def relaid(text: str) -> str:
    """The same bulletin as another tool extracts it: a byte-order mark, \\r\\n, indentation, trailing tabs."""
    lines = ["\u3000\u3000" + line + "\t" if len(line) > 30 else line for line in text.split("\n")]
    return "\ufeff" + "\r\n".join(lines)


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_fixture_relaid_by_another_tool_parses_the_same(path: Path):
    text = path.read_text(encoding="utf-8")
    assert summary(parse(relaid(text))) == summary(parse(text))
