"""The example bulletin's seven articles, cut out by hand, get exactly the regions the issue asks for.

The texts are cut from ``bulletins/jiangxi-county-news.txt`` by their first and last paragraphs,
the way the import stage reassembles them: the 党建 article has a tail later in the bulletin, the
物业 article's tail follows it, and the 章贡区 article's headline is displaced to the end.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from newsgen.config import Config, RegionsConfig, default_topics

BULLETIN = Path(__file__).resolve().parents[1] / "bulletins" / "jiangxi-county-news.txt"
CONFIG = Config(regions=RegionsConfig(province="江西省", aliases={
    "宜春经开区": "江西省/宜春市/宜春经济技术开发区",
    "东临新区": "江西省/抚州市/东临新区",
}))


@dataclass(frozen=True)
class Example:
    title: str
    kicker: str | None
    pieces: tuple[tuple[str, str], ...]  # (first paragraph starts with, last paragraph starts with)
    region: str


EXAMPLES = [
    Example("党建聚链成势 产业向新攀高", "宜春经开区",
            (("走进宜春国轩", "作为工业园区"), ("步入江西升华", "“党建做实了")),
            "江西省/宜春市/宜春经济技术开发区"),
    Example("从“物业说了算”到“业主说了算”", None,
            (("近日，走进南昌市", "“党建就是黏合剂"), ("资源活水润民心", "从物业说了算到")),
            "江西省/南昌市/红谷滩区/沙井街道"),
    Example("改善供水基础设施 保障民生用水安全", None, (("近日，为有效缓解", "据罗家镇"),),
            "江西省/南昌市/青山湖区/罗家镇"),
    Example("章贡区：做活政务公开 激活治理效能", None, (("“当时只是抱着", "眼下，章贡区"),),
            "江西省/赣州市/章贡区"),
    Example("交通赋能激发乡村经济活力", None, (("1月1日起", "236国道"),),
            "江西省/抚州市/东临新区"),
    Example("多措并举织密防溺水安全网", None, (("为切实防范", "争做监督员"),),
            "江西省/萍乡市/安源区/安源镇"),
    Example("南康区：早稻收购全铺开 颗粒归仓稳民心", None, (("近日，笔者走进", "粮食入了仓"),),
            "江西省/赣州市/南康区"),
]


def bulletin_paragraphs() -> list[str]:
    text = BULLETIN.read_text(encoding="utf-8")
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def cut(paragraphs: list[str], first: str, last: str) -> list[str]:
    start = next(i for i, p in enumerate(paragraphs) if p.startswith(first))
    end = next(i for i, p in enumerate(paragraphs) if i >= start and p.startswith(last))
    return paragraphs[start:end + 1]


def body_of(example: Example) -> str:
    paragraphs = bulletin_paragraphs()
    return "\n\n".join(p for first, last in example.pieces for p in cut(paragraphs, first, last))


@pytest.fixture(scope="module")
def results() -> dict[str, object]:
    from newsgen.enrich import enrich

    taken: set[str] = set()
    out = {}
    for ex in EXAMPLES:
        result = enrich(ex.title, ex.kicker, None, body_of(ex), CONFIG, taken)
        taken.add(result.slug)
        out[ex.title] = result
    return out


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.region.rsplit("/", 1)[-1] for e in EXAMPLES])
def test_region(results, example: Example) -> None:
    assert results[example.title].regions == [example.region]


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.region.rsplit("/", 1)[-1] for e in EXAMPLES])
def test_one_to_three_default_topics_and_a_pinyin_slug(results, example: Example) -> None:
    result = results[example.title]
    assert 1 <= len(result.topics) <= 3
    assert set(result.topics) <= set(default_topics())
    assert result.slug and result.slug.isascii() and len(result.slug) <= 62
    assert any(note.startswith("topics: ") and "×" in note for note in result.notes)


def test_no_zone_warnings_when_aliases_cover_them(results) -> None:
    warnings = [w for r in results.values() for w in r.warnings if "regions.aliases" in w]
    assert warnings == []
