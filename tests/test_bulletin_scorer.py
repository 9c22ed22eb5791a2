"""The shipped weights of the parser's scored decisions match the cues the parser computes."""

from __future__ import annotations

import json

import pytest

from newsgen.bulletin import scorer
from newsgen.bulletin.blocks import features, flat, split_blocks
from newsgen.bulletin.parse import assemble
from newsgen.bulletin.sections import Item, Section, State
from newsgen.bulletin.similarity import Vectorizer

BULLETIN = """青山县图书馆延长夏季开放时间

本报讯  暑期到来，青山县图书馆将开放时间延长至每晚九点，并增设少儿阅览专区。

少儿专区

图书馆新辟的少儿阅览专区藏书三千册，青山县图书馆还安排了志愿者讲故事。

白云镇新建三座便民桥

本报讯  近日，白云镇三座便民桥全部建成通行，沿河两岸村民出行不再绕路。
"""


def test_every_shipped_model_is_complete_and_small():
    data = json.loads(scorer.WEIGHTS.read_text(encoding="utf-8"))
    assert scorer.WEIGHTS.stat().st_size < 100_000
    for name, fitted in data.items():
        n = len(fitted["cues"])
        assert n and all(len(fitted[k]) == n for k in ("weights", "mean", "scale")), name
        assert all(s > 0 for s in fitted["scale"]), name


def test_the_parser_computes_exactly_the_cues_the_model_was_fitted_on():
    state = State(items=[], trace=[])
    assemble(BULLETIN, state)
    assert state.trace, "the lone headline under a running article is a scored decision"
    for name, cues, _ in state.trace:
        assert sorted(cues) == sorted(scorer.model(name).cues)


def test_a_lead_formula_opens_an_article_and_a_same_topic_line_without_one_is_a_subheading():
    state = assemble(BULLETIN)
    titles = [[i.text for i in s.head] for s in state.sections]
    assert titles == [["青山县图书馆延长夏季开放时间"], ["白云镇新建三座便民桥"]]
    assert [i.text for i in state.sections[0].body if i.role.value == "sub"] == ["少儿专区"]


def test_a_longer_heading_reads_more_like_a_headline_all_else_alike():
    # a subheading is cut shorter than a headline: the fitted model leans towards a new article as the
    # heading grows, the other cues held the same
    fitted = scorer.model("opens_article")
    cues = {name: mean for name, mean in zip(fitted.cues, fitted.mean, strict=True)}
    short = fitted.probability({**cues, "head_len": 6 / scorer.HEAD_LEN_CAP})
    long = fitted.probability({**cues, "head_len": 24 / scorer.HEAD_LEN_CAP})
    assert long > short


def test_glued_cues_say_how_much_text_each_side_of_the_seam_holds():
    # a cosine between short texts rests on a handful of words: the lengths are cues, capped
    from newsgen.bulletin.blocks import features, flat, split_blocks
    from newsgen.bulletin.sections import Item, Section
    from newsgen.bulletin.similarity import Vectorizer
    blocks = split_blocks("标题一行\n\n" + "甲" * 500 + "。\n\n乙方参加上述活动。\n")
    items = [Item(b, features(b)) for b in blocks]
    state = State(items=items, vectorizer=Vectorizer(flat(b) for b in blocks))
    sec = Section(head=items[:1], body=items[1:])
    cues = scorer.glued_cues(state, sec, 1, 0.1, 0.0, [])
    assert cues["start_chars"] == scorer.TEXT_CAP / 100
    assert cues["tail_chars"] == len("乙方参加上述活动。") / 100


def test_glued_cues_count_the_start_in_paragraphs_not_blocks():
    # a paragraph broken by a column break (two blocks, the first cut mid-sentence) is one paragraph
    text = ("西江大桥主体工程顺利合龙\n\n西江大桥主体工程已于本月初顺利合\n\n龙，建成后将缩短两岸往来时间。\n\n"
            "青山县茶叶合作社统一收购新茶，茶农收入翻了一番。\n")
    blocks = split_blocks(text)
    items = [Item(b, features(b)) for b in blocks]
    state = State(items=items, vectorizer=Vectorizer(flat(b) for b in blocks))
    sec = Section(head=items[:1], body=items[1:])
    cues = scorer.glued_cues(state, sec, 2, other=0.1, own=0.0, where=[])
    assert cues["start_len"] == 1 / 4


def test_a_heading_opening_with_a_column_tag_reads_more_like_a_headline():
    # 社评：…, 外媒：…, 【解局】…: a page's headlines carry such tags, an article's parts seldom do
    fitted = scorer.model("opens_article")
    cues = {name: mean for name, mean in zip(fitted.cues, fitted.mean, strict=True)}
    assert fitted.probability({**cues, "tagged": 1.0}) > fitted.probability({**cues, "tagged": 0.0})
    for text, tagged in (("评论：西江大桥通车后更要管好用好", True), ("【一线调研】村医夫妻", True),
                         ("西江大桥通车后更要管好用好", False)):
        assert bool(scorer.HEAD_TAG.match(text)) is tagged


def _sections(texts: list[str]) -> State:
    """A state whose sections are one headline and one paragraph each (the given paragraphs)."""
    lines = []
    for n, text in enumerate(texts):
        lines += [f"标题{n}号", text]
    blocks = split_blocks("\n\n".join(lines) + "\n")
    items = [Item(b, features(b)) for b in blocks]
    state = State(items=items, vectorizer=Vectorizer(flat(b) for b in blocks))
    state.sections = [Section(head=[items[2 * n]], body=[items[2 * n + 1]]) for n in range(len(texts))]
    return state


def test_the_page_baseline_is_the_median_likeness_of_consecutive_sections():
    texts = ["青山县城东路口货车与轿车相撞三人受伤。", "白云镇西环路货车侧翻司机受伤。",
             "青山县图书馆延长夏季开放时间。", "北环路摩托车撞上护栏驾驶员受伤。"]
    state = _sections(texts)
    scorer.note_page(state)
    secs = state.sections
    pairs = sorted(state.cosine(secs[k].text(), secs[k - 1].text()) for k in range(1, len(secs)))
    assert state.page["cohesion"] == pytest.approx(pairs[1])


def test_a_page_of_too_few_pairs_is_read_against_the_typical_likeness():
    state = _sections(["青山县城东路口货车与轿车相撞三人受伤。", "白云镇西环路货车侧翻司机受伤。"])
    scorer.note_page(state)
    assert state.page["cohesion"] == scorer.PAGE_COHESION
    assert state.page["head_cohesion"] == scorer.PAGE_HEAD_COHESION


def test_likeness_relative_to_the_page_is_capped_both_ways():
    assert scorer._relative(0.9, 0.1) == scorer.RELATIVE_CAP
    assert scorer._relative(0.0, 0.8) == -scorer.RELATIVE_CAP
    assert scorer._relative(0.25, 0.2) == pytest.approx(0.05)



def test_a_pair_more_alike_than_its_page_reads_more_like_one_article():
    # issue 19, kind 2: the same cosine with the article above counts for less on a page whose sections
    # are all that alike (a page of briefs on one subject) than on a page of unrelated articles
    fitted = scorer.model("opens_article")
    cues = {name: mean for name, mean in zip(fitted.cues, fitted.mean, strict=True)}
    cues.update(cohesion=0.3, head_cohesion=0.1)
    on_alike_page = fitted.probability({**cues, "rel_cohesion": 0.0, "rel_head_cohesion": 0.0})
    on_mixed_page = fitted.probability({**cues, "rel_cohesion": scorer.RELATIVE_CAP,
                                        "rel_head_cohesion": scorer.RELATIVE_CAP})
    assert on_alike_page > on_mixed_page
