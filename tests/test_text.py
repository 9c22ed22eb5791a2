"""Text helpers used by build: pinyin slugs, summaries, reading time."""

from __future__ import annotations

import pytest

from newsgen.text import pinyin_slug, place_slug, plain_text, reading_minutes, summarize, unique_slug


@pytest.mark.parametrize("words, slug", [
    (["长沙"], "changsha"),
    (["重庆"], "chongqing"),
    (["说了算"], "shuolesuan"),
    (["广东"], "guangdong"),
    (["党建", "聚链", "成势"], "dangjian-julian-chengshi"),
    (["5G", "基站"], "5g-jizhan"),
])
def test_pinyin_slug(words, slug):
    assert pinyin_slug(words) == slug


def test_pinyin_slug_cuts_at_a_word_keeping_order():
    # 'nanchang-qingshanhu-luojiazhen' would be 30 characters: cut before the word that does not fit
    assert pinyin_slug(["南昌", "青山湖", "罗家镇", "泵房"], max_length=20) == "nanchang-qingshanhu"
    # a single word longer than the limit is cut hard rather than dropped
    assert pinyin_slug(["一二三四五六七八九十", "短"], max_length=12) == "yiersansiwul"


@pytest.mark.parametrize("name, slug", [("罗家镇", "luojia"), ("青山湖区", "qingshanhu"), ("江西省", "jiangxi"),
                                        ("沙井街道", "shajing"), ("东临新区", "donglinxin"), ("通州区", "tongzhou")])
def test_place_slug_drops_the_unit(name, slug):
    assert place_slug(name) == slug


def test_unique_slug():
    assert unique_slug("a", set()) == "a"
    assert unique_slug("a", {"a", "a-2"}) == "a-3"


def test_plain_text_drops_markdown_and_tables_and_joins_chinese_paragraphs():
    md = ("## 小标题\n\n第一段，见[通知](https://example.org/x)。\n\n| 项目 | 数量 |\n|---|---|\n| 泵房 | 3 |\n\n"
          "![图](a.png)**第二段**结束。")
    assert plain_text(md) == "第一段，见通知。第二段结束。"


def test_summary_cuts_at_a_sentence_end_near_120_characters():
    sentence = "近日，南昌市青山湖区罗家镇在辖区多个村开展水利基础设施提升改造工程。"  # 34 characters
    body = "\n\n".join([sentence] * 6)
    summary = summarize(body)
    assert summary.endswith("。") and 60 <= len(summary) <= 140
    assert summarize("短文。") == "短文。"


def test_summary_of_one_long_sentence_is_cut_at_a_comma():
    body = "，".join(["罗家镇新建泵房并配备先进的抽水设备"] * 12) + "。"
    summary = summarize(body)
    assert summary.endswith("……") and len(summary) <= 122


def test_reading_minutes_by_characters():
    assert reading_minutes("字" * 100) == 1
    assert reading_minutes("字" * 1200) == 3


def _plain_text_by_patterns(markdown: str) -> str:
    """plain_text as the patterns alone define it: each of MARKDOWN_STRIP, then SPACE_BETWEEN_CJK, then
    one space for each run of white space."""
    import re

    from newsgen.text import MARKDOWN_STRIP, SPACE_BETWEEN_CJK
    text = markdown
    for pattern, replacement in MARKDOWN_STRIP:
        text = pattern.sub(replacement, text)
    return re.sub(r"\s+", " ", SPACE_BETWEEN_CJK.sub("", text.strip()))


def _reading_minutes_by_runs(markdown: str, per_minute: int = 400) -> int:
    from newsgen.text import CJK_RUN, LATIN_WORD
    count = sum(map(len, CJK_RUN.findall(markdown))) + len(LATIN_WORD.findall(markdown))
    return max(1, round(count / per_minute))


#: pieces random texts are made of: Markdown marks of every pattern, spaces of every kind (U+3000 too),
#: Chinese characters at the edges of the counted ranges, Latin words, digits, surrogates
_PIECES = ["中", "文", "。", "，", "“", "”", "‘", "’", "\u3000", "\u33ff", "\u3400", "\u3fff", "\u4000", "\u9fff",
           "\ua000", "\uff01", "\uffef", "\ufff0", "\U00020000", "\ud800", "a", "Z", "0", "9", "word", "5G",
           " ", "  ", "\t", "\n", "\n\n", "\r", "\x1c", "\x85", "\xa0", "\u2028", "#", "## ", "[", "]", "(",
           ")", "](", "![", "<", ">", "<b>", "|", "*", "_", "`", "-", "+", ".", "1.", "> ", "- "]


@pytest.mark.parametrize("seed", range(40))
def test_plain_text_and_reading_minutes_are_what_their_patterns_give(seed: int):
    """The shortcuts (a pattern skipped when the text lacks what it needs, runs of white space joined
    word by word, characters counted on UTF-8 bytes) give what the patterns give, on any text."""
    import random
    rng = random.Random(seed)
    for _ in range(200):
        text = "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 60)))
        assert plain_text(text) == _plain_text_by_patterns(text), repr(text)
        assert reading_minutes(text, per_minute=1) == _reading_minutes_by_runs(text, per_minute=1), repr(text)


def test_reading_minutes_counts_every_chinese_character_and_latin_word():
    assert reading_minutes("\u3400\u4e2d\u9fff" + "\u33ff\ua000" * 5, per_minute=1) == 3
    assert reading_minutes("5G 基站 ok-go", per_minute=1) == 5   # 5G, 基, 站, ok, go
