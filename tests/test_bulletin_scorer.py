"""The shipped weights of the parser's scored decisions match the cues the parser computes."""

from __future__ import annotations

import json

import pytest

from newsgen.bulletin import scorer
from newsgen.bulletin.blocks import features, flat, split_blocks
from newsgen.bulletin.parse import assemble
from newsgen.bulletin.sections import Item, Role, Section, State
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
    # heading grows, the other cues held the same. A heading's length is read by two cues: a short label
    # naming what the article above names (short_head), and the length itself (head_len). Pages of
    # briefs, whose short headlines all open articles, weaken head_len alone; the two together still
    # lean so.
    fitted = scorer.model("opens_article")
    cues = {name: mean for name, mean in zip(fitted.cues, fitted.mean, strict=True)}
    short = fitted.probability({**cues, "head_len": 6 / scorer.HEAD_LEN_CAP, "short_head": 1.0})
    long = fitted.probability({**cues, "head_len": 24 / scorer.HEAD_LEN_CAP, "short_head": 0.0})
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


def glued_at_last(*paras: str) -> dict[str, float]:
    blocks = split_blocks("\n\n".join(paras) + "\n")
    items = [Item(b, features(b)) for b in blocks]
    state = State(items=items, vectorizer=Vectorizer(flat(b) for b in blocks))
    sec = Section(head=items[:1], body=items[1:])
    return scorer.glued_cues(state, sec, len(sec.body) - 1, other=0.1, own=0.0, where=[])


def test_glued_cues_mark_what_the_one_the_start_names_said():
    # an article goes on with what its subject said: a speaker named in the headline or the lead
    head, lead = "王海会见来访的友好城市代表团", "本报讯 市长王海昨天会见了来访的友好城市代表团。"
    assert glued_at_last(head, lead, "王海表示，两市友好交往源远流长。")["speaker_above"] == 1.0
    assert glued_at_last(head, lead, "会谈中，代表团团长李兰介绍了该市的情况。")["speaker_above"] == 0.0
    # the speaker is named nowhere above: someone of another article
    assert glued_at_last(head, lead, "李兰表示，欢迎更多企业前来投资。")["speaker_above"] == 0.0


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


#: A made-up page of short briefs on one subject (road accidents), most of them signed: the one-
#: paragraph brief at the top is unsigned, and the short headline under it names what it names (货车).
BRIEFS_PAGE = """西环路两车相撞

本报讯 昨日上午，西环路与青年街交叉口一辆货车与一辆轿车相撞，轿车驾驶员受轻伤，事故原因正在调查中。

北关大桥货车侧翻

今日凌晨，一辆满载建材的货车在北关大桥下坡路段侧翻，所幸未造成人员伤亡，交警到场疏导交通。（记者 陈静）

南湖路电动车撞上护栏

本报讯 昨天下午，一名电动车骑手在南湖路转弯时撞上护栏，骑手头部受伤被送医救治，交警提醒骑行佩戴头盔。（记者 王伟）

东城隧道追尾

昨日傍晚，东城隧道内三车追尾，事故造成隧道拥堵近一小时，无人受伤。

公交车与三轮车剐蹭

本报讯 今日上午，一辆公交车在火车站广场与一辆三轮车发生剐蹭，三轮车司机手臂擦伤。（记者 刘洋）

高速出口两车追尾

昨天中午，城北高速出口处两辆小客车追尾，交警提醒驾驶人保持车距。
"""


def test_on_a_page_of_briefs_a_short_headline_over_a_lead_opens_an_article():
    # issue 19, kind 3: under a one-paragraph brief, a short headline on the same subject over a lead
    # was read as its subheading; the page (every heading over a lead) says otherwise
    state = assemble(BRIEFS_PAGE)
    assert [[i.text for i in s.head] for s in state.sections] == [
        ["西环路两车相撞"], ["北关大桥货车侧翻"], ["南湖路电动车撞上护栏"], ["东城隧道追尾"],
        ["公交车与三轮车剐蹭"], ["高速出口两车追尾"]]


def test_a_page_share_is_smoothed_towards_even_odds():
    assert scorer._share(0, 0) == 0.5
    assert scorer._share(4, 4) == pytest.approx(5 / 6)
    assert scorer._share(0, 4) == pytest.approx(1 / 6)


def test_the_page_notes_its_share_of_headings_over_a_lead():
    state = assemble(BRIEFS_PAGE)
    # as first laid out: six headings, each over a lead (本报讯, 昨日上午，, 今日凌晨，...)
    assert state.page["leads"] == pytest.approx(scorer._share(6, 6))


def test_a_page_with_no_headline_over_text_is_read_against_even_odds():
    state = _sections([])
    scorer.note_page(state)
    assert state.page["leads"] == 0.5


def test_lead_page_is_a_lead_under_the_heading_times_the_page_share():
    texts = ["本报讯 近日，青山县城东路口货车与轿车相撞三人受伤。", "白云镇西环路货车侧翻司机受伤。"]
    state = _sections(texts)
    state.page.update(leads=0.8)
    assert scorer._page_cues(state, 1, lead=True)["lead_page"] == 0.8
    assert scorer._page_cues(state, 1, lead=False)["lead_page"] == 0.0


@pytest.mark.parametrize("text", ["此外，图书馆还将增设自习座位。", "与此同时，镇里新修了两条机耕路。",
                                  "他说，这座桥方便了两岸村民。", "该项目总投资三千万元。",
                                  "其中，少儿图书占三成。", "不过，仍有部分路段需要整修。"])
def test_a_paragraph_that_goes_on_from_text_above_is_marked(text):
    # a connective or a pronoun opening: a part of an article, never an article's first paragraph
    assert scorer.GOES_ON.match(text)


@pytest.mark.parametrize("text", ["本报讯  近日，白云镇三座便民桥全部建成通行。", "昨日上午，西环路发生一起交通事故。",
                                  "青山县图书馆将开放时间延长至每晚九点。", "记者从县交通局获悉，北环路全线通车。"])
def test_an_article_opening_does_not_go_on(text):
    assert not scorer.GOES_ON.match(text)


@pytest.mark.parametrize("text", ["这两天，一段老人街头问路的视频在网上流传。", "这几天，白云镇的茶农忙着采摘新茶。",
                                  "这些年来，青山县的村道越修越宽。", "这个月，县图书馆新添图书三千册。",
                                  "这段时间，西环路的早高峰明显缓解。"])
def test_a_time_phrase_opening_with_this_does_not_go_on(text):
    # 这 opening a time phrase (these days, this month) is how a lead often opens: no pronoun
    assert not scorer.GOES_ON.match(text)


@pytest.mark.parametrize("text", ["这时，桥上的车辆已经排起长队。", "这些年轻人大多返乡创业。",
                                  "这是全县第三座便民桥。"])
def test_this_as_a_pronoun_still_goes_on(text):
    assert scorer.GOES_ON.match(text)


def test_a_heading_over_a_paragraph_that_goes_on_reads_more_like_a_subheading():
    fitted = scorer.model("opens_article")
    cues = {name: mean for name, mean in zip(fitted.cues, fitted.mean, strict=True)}
    assert fitted.probability({**cues, "goes_on": 1.0}) < fitted.probability({**cues, "goes_on": 0.0})


def test_a_lead_under_a_heading_counts_for_more_on_a_page_whose_headings_all_stand_over_one():
    # issue 19: on a page of briefs every heading stands over a lead; a feature's subheadings stand over
    # plain paragraphs (or a dated one): the same lead is stronger evidence of a new article on the first
    fitted = scorer.model("opens_article")
    cues = {name: mean for name, mean in zip(fitted.cues, fitted.mean, strict=True)}
    on_briefs = fitted.probability({**cues, "lead": 1.0, "lead_page": 0.9})
    on_features = fitted.probability({**cues, "lead": 1.0, "lead_page": 0.3})
    assert on_briefs > on_features


def test_answers_are_balanced_on_the_decisions_counted():
    # train/fit.py: the pages of briefs hold headlines only; the two answers are balanced on the other
    # sets alone, so that the briefs' headlines (weighed apart) take no weight from those sets' headlines
    import sys
    from pathlib import Path

    import numpy as np

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "train"))
    import fit

    y = np.array([1.0, 0.0, 0.0, 0.0, 1.0, 1.0])
    counted = np.array([True, True, True, True, False, False])
    w = fit.balanced(y, counted)
    assert w[:4][y[:4] == 1].sum() == pytest.approx(w[:4][y[:4] == 0].sum())
    assert w[4] == w[0]                       # a briefs headline weighs what another headline does
    assert fit.balanced(y[:4]).tolist() == pytest.approx(w[:4].tolist())


def _headed(pairs: list[tuple[str, str]]) -> State:
    """A state whose sections are the given (heading, paragraph) pairs."""
    blocks = split_blocks("\n\n".join(f"{h}\n\n{t}" for h, t in pairs) + "\n")
    items = [Item(b, features(b)) for b in blocks]
    state = State(items=items, vectorizer=Vectorizer(flat(b) for b in blocks))
    state.sections = [Section(head=[items[2 * n]], body=[items[2 * n + 1]]) for n in range(len(pairs))]
    return state


@pytest.mark.parametrize("number", ["1", "一", "（一）", "第一"])
def test_part_one_under_a_heading_says_the_heading_is_its_articles_headline(number):
    # an article's parts are numbered from its top: the heading over the text before part 1 is that
    # article's headline (tests/fixtures/bulletins/broadcast-features-links.txt: a lead-less feature
    # after a page of briefs, its parts numbered under it)
    from newsgen.bulletin.rules.resolve_subheads import _parts_follow

    state = _headed([("河口镇渡口大桥建成通车", "江城台消息：河口镇渡口大桥今天建成通车。"),
                     ("渡口老船工", "河口镇渡口老船工刘师傅撑了四十年渡船。"),
                     (number, "刘师傅十六岁开始在渡口撑船。")])
    assert _parts_follow(state, 1)
    assert not _parts_follow(state, 0)          # the next heading is no part number
    assert not _parts_follow(state, 2)          # nothing follows


def test_a_later_part_number_says_nothing_of_the_heading_above_it():
    from newsgen.bulletin.rules.resolve_subheads import _parts_follow

    state = _headed([("渡口老船工", "河口镇渡口老船工刘师傅撑了四十年渡船。"), ("撑船", "刘师傅十六岁开始撑船。"),
                     ("2", "大桥通车以后乘客少了。")])
    assert not _parts_follow(state, 1)


@pytest.mark.parametrize(("a", "b"), [("二、乡村道路建设", "三、农田水利"), ("一是加强巡查", "二是完善台账"),
                                      ("（二）治理", "（三）服务"), ("专家：仍需观望", "专家：影响有限"),
                                      ("走进田间 送技上门", "扎根基层 服务农户"), ("村里的路怎么修？", "钱从哪里来？"),
                                      ("修路", "架桥"), ("乡村道路变宽了", "农田水利更新了")])
def test_headings_of_one_form_are_alike(a, b):
    # a feature's subheadings come in a series of one form: an ordinal in one notation, one tag, two
    # phrases side by side, a question each, or plain and cut to one length
    assert scorer.form_alike(a, b) == 1.0


@pytest.mark.parametrize(("a", "b"), [("二、乡村道路建设", "三是农田水利"), ("专家：仍需观望", "走进田间 送技上门"),
                                      ("村里的路怎么修？", "村里的路修好了"),
                                      ("修路", "青山县乡村道路改造工程全面完工"),
                                      ("走进田间 送技上门", "走进田间送技上门")])
def test_headings_of_different_forms_or_lengths_are_not_alike(a, b):
    assert scorer.form_alike(a, b) == 0.0


def test_the_sibling_cue_reads_the_subheadings_the_running_article_prints():
    state = _headed([("青山县乡村道路改造工程全面完工", "本报讯 近日，青山县乡村道路改造工程全面完工。"),
                     ("一、道路变宽了", "全县拓宽村道一百二十公里。"),
                     ("二、出行更方便", "三月一日起，新开通五条班车线路。")])
    prev, sec = state.sections[0], state.sections[2]
    assert scorer._sibling("二、出行更方便", prev) == 0.0            # the article prints no subheading yet
    prev.body += [state.sections[1].head[0], *state.sections[1].body]
    state.sections[1].head[0].role = Role.SUB
    assert scorer._sibling("二、出行更方便", prev) == 1.0
    assert scorer._sibling("白云镇新建三座便民桥", prev) == 0.0
    del state.sections[1]
    assert scorer.headline_cues(state, 1)["sibling"] == 1.0
    assert sec is state.sections[1]


def _with_subheads(subs: list[str]) -> Section:
    """A running article whose body prints the given subheadings, a paragraph under each."""
    lines = ["青山县乡村道路改造工程全面完工", "本报讯 近日，青山县乡村道路改造工程全面完工。"]
    lines += [x for sub in subs for x in (sub, "全县拓宽村道一百二十公里。")]
    blocks = split_blocks("\n\n".join(lines) + "\n")
    items = [Item(b, features(b)) for b in blocks]
    for item in items[2::2]:
        item.role = Role.SUB
    return Section(head=items[:1], body=items[1:])


def test_a_plain_heading_is_read_against_the_last_subheading_of_the_series():
    # a series of plain subheadings is cut to one length as it runs: a heading near the length of an
    # earlier subheading only (a page's next headline often is, by chance) is no sibling
    prev = _with_subheads(["道路变宽了", "新开通五条班车线路"])
    assert scorer._sibling("出行方便了", prev) == 0.0              # the length of the first, not the last
    assert scorer._sibling("村民出行更加方便", prev) == pytest.approx(2 / 3)   # a character off the last
    assert scorer._sibling("乡村公路全部硬化", _with_subheads(["新开通五条班车线路"])) == pytest.approx(2 / 3)


def test_a_marked_heading_is_read_against_every_subheading_of_its_form():
    # an ordinal's notation, a question, a tag: the form is the evidence, wherever the series printed it
    prev = _with_subheads(["一、道路变宽了", "新开通五条班车线路"])
    assert scorer._sibling("二、出行更方便", prev) == 1.0
    assert scorer._sibling("钱从哪里来？", _with_subheads(["村里的路怎么修？", "新开通五条班车线路"])) == 1.0


def _under_heading(*paras: str) -> Section:
    blocks = split_blocks("\n\n".join(["青山县新建三座便民桥", *paras]) + "\n")
    items = [Item(b, features(b)) for b in blocks]
    return Section(head=items[:1], body=items[1:])


def test_a_dated_lead_under_a_one_sentence_summary_counts_as_a_dated_first_sentence():
    # a headline may stand over a summary line (a deck) and then its lead: the lead's date is read
    # in the paragraph after a short one-sentence first paragraph
    lead = "11月23日，青山县三座便民桥全部建成通行，沿河两岸村民出行不再绕路。"
    assert scorer._dated_lead(_under_heading("沿河两岸村民出行不再绕路。", lead))
    assert scorer._dated_lead(_under_heading(lead))
    # not under a longer paragraph, nor one of two sentences, nor with no date below
    long_first = "青山县沿河两岸的村民过去要绕行十多公里才能到对岸赶集，三座便民桥建成以后出行方便多了。"
    assert not scorer._dated_lead(_under_heading(long_first, lead))
    assert not scorer._dated_lead(_under_heading("桥修好了。路也通了。", lead))
    assert not scorer._dated_lead(_under_heading("沿河两岸村民出行不再绕路。", "三座便民桥全部建成通行。"))
    assert not scorer._dated_lead(_under_heading("沿河两岸村民出行不再绕路。"))


def test_a_heading_of_the_form_of_a_subheading_above_reads_more_like_a_subheading():
    fitted = scorer.model("opens_article")
    cues = {name: mean for name, mean in zip(fitted.cues, fitted.mean, strict=True)}
    assert fitted.probability({**cues, "sibling": 1.0}) < fitted.probability({**cues, "sibling": 0.0})


def _fit_module():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "train"))
    import fit

    return fit


class _Pick:
    """A stand-in for random.Random that picks the given form, then the first of every choice."""

    def __init__(self, form: str) -> None:
        self.form = form

    def choices(self, population, weights=None):
        return [self.form]

    def choice(self, seq):
        return seq[0]


def test_training_subheadings_come_as_a_series_of_one_marked_form():
    # train/fit.py: the subheadings given to training articles are of one form a series, plain or marked,
    # so that the model learns that a marked heading (a label, a question) may well be a subheading,
    # and that its sibling of the same form above says so
    fit = _fit_module()
    paras = ["青山县乡村道路改造工程全面完工。", "村道拓宽了，会车不再难，村民出行方便。",
             "班车开进村，一天六趟，学生上学不再走远路。"]
    subs = {1: "会车不再难", 2: "学生上学不再走远路"}
    assert fit.series_form(subs, paras, _Pick("plain")) == subs
    assert fit.series_form(subs, paras, _Pick("ordinal")) == {1: "一、会车不再难", 2: "二、学生上学不再走远路"}
    assert fit.series_form(subs, paras, _Pick("question")) == {1: "会车不再难？", 2: "学生上学不再走远路？"}
    labelled = fit.series_form(subs, paras, _Pick("label"))
    assert all(scorer.HEAD_TAG.match(t) for t in labelled.values())
    assert fit.series_form(subs, paras, _Pick("couplet")) == {1: "村道拓宽了 会车不再难", 2: "班车开进村 一天六趟"}
    titles = list(fit.series_form(subs, paras, _Pick("couplet")).values())
    assert scorer.form_alike(*titles) > 0


def test_a_couplet_series_falls_back_to_plain_clauses_when_a_paragraph_has_no_two_short_ones():
    fit = _fit_module()
    paras = ["标题", "村道拓宽了，会车不再难。", "全县今年完成乡村道路改造一百二十公里工程。"]
    subs = {1: "会车不再难", 2: "全县今年完成乡村道路改造"}
    assert fit.series_form(subs, paras, _Pick("couplet")) == subs


COLUMN_PAGE = """【乡村振兴】青山县茶园喜获丰收

本报讯 近日，青山县十万亩茶园迎来采摘旺季，茶农日均采摘鲜叶两万斤。

【乡村振兴】白云镇新建冷链仓库

本报讯 昨日，白云镇冷链仓库建成投用，周边果农的水果可就近储存。

【现场】采茶忙

茶山上，茶农们背着竹篓穿行在茶垄间，一片繁忙。

【乡村振兴】北关村电商带货

本报讯 近日，北关村开设直播间，村民们学会了在网上卖土特产。
"""


def test_column_page_is_the_share_of_the_pages_other_bracket_tags_over_a_lead():
    # issue 19: a page that runs its briefs under column tags prints them over a lead each; a tag
    # printed once, or a bracketed part of a feature over plain text, says nothing of the kind
    state = assemble(COLUMN_PAGE)
    firsts = [line for line in COLUMN_PAGE.split("\n\n") if line.startswith("【")]
    index = {i.text: i.block.index for i in state.items}
    assert [lead for _, lead in state.page_tags] == [True, True, False, True]
    assert scorer._column_page(state, firsts[0], index[firsts[0]]) == pytest.approx(2 / 3)
    assert scorer._column_page(state, firsts[2], index[firsts[2]]) == pytest.approx(1.0)
    assert scorer._column_page(state, "采茶忙", 0) == 0.0              # no tag
    assert scorer._column_page(state, "观察：采茶忙", 0) == 0.0         # a label, not a column tag

    alone = assemble(COLUMN_PAGE.replace("【乡村振兴】", ""))
    assert scorer._column_page(alone, firsts[2], index[firsts[2]]) == 0.0   # the only tag on its page


def test_a_bracket_tagged_heading_reads_more_like_a_headline_where_the_pages_tagged_headings_stand_over_leads():
    fitted = scorer.model("opens_article")
    cues = {name: mean for name, mean in zip(fitted.cues, fitted.mean, strict=True)}
    tagged = {**cues, "tagged": 1.0}
    assert fitted.probability({**tagged, "column_page": 1.0}) > fitted.probability({**tagged, "column_page": 0.0})


def _signoff_state(paragraph: str) -> State:
    state = _sections(["青山县城东路口货车与轿车相撞三人受伤。", "白云镇西环路货车侧翻司机受伤。", paragraph])
    scorer.note_page(state)
    return state


@pytest.mark.parametrize("paragraph", ["今日8时11分，北环路一辆货车侧翻，司机受轻伤。",
                                       "3月5日，北环路一辆货车侧翻，司机受轻伤。"])
def test_a_time_or_date_in_the_first_sentence_after_a_signoff_reads_as_a_lead(paragraph):
    # issue 19: a brief's lead need not be a formula (本报讯): a time or a date in its first sentence
    # opens a report too, where a continuation goes on from its article's text
    cues = scorer.signoff_cues(_signoff_state(paragraph), 2, 0.2)
    assert cues["lead_time"] or cues["date_first"]
    plain = scorer.signoff_cues(_signoff_state("北环路一辆货车侧翻，司机受轻伤。"), 2, 0.2)
    assert not plain["lead_time"] and not plain["date_first"]


def test_after_a_signoff_a_dated_paragraph_and_a_pair_no_likelier_than_its_page_open_an_article():
    # issue 19: on a page of briefs on one subject every article is alike: the likeness with an open
    # article above counts against its page's, and a dated first sentence counts as a lead
    fitted = scorer.model("opens_after_signoff")
    base = {"cohesion": 0.25, "lead": 0.0, "wire": 0.0, "lead_time": 0.0, "date_first": 0.0,
            "rel_cohesion": scorer.RELATIVE_CAP, "column_page": 0.0}
    assert fitted.probability({**base, "lead_time": 1.0, "date_first": 1.0}) > fitted.probability(base)
    assert fitted.probability({**base, "rel_cohesion": 0.0}) > fitted.probability(base)
    assert fitted.probability({**base, "lead_time": 1.0, "date_first": 1.0, "rel_cohesion": 0.0}) > 0.5


#: A made-up page of briefs on one subject (lorries overturned), every brief worded alike: the brief
#: at the top is unsigned (left open), and a later signed-off brief opens with a clock time, no formula.
SIGNED_BRIEFS = """北关大桥货车侧翻

本报讯 今日凌晨，一辆货车在北关大桥下坡路段侧翻，货车司机受轻伤，交警到场疏导交通。

南湖路货车侧翻

本报讯 昨天下午，一辆货车在南湖路转弯时侧翻，货车司机受轻伤，交警到场疏导交通。

来源：青山日报

（编辑：陈静）

城北高速出口货车侧翻

9时20分，一辆货车在城北高速出口匝道侧翻，货车司机受轻伤，交警到场疏导交通。

来源：白云晚报

（编辑：王伟）

东城隧道货车侧翻

本报讯 昨日傍晚，一辆货车在东城隧道口侧翻，货车司机受轻伤，交警到场疏导交通。

来源：青山日报

西环路货车侧翻

本报讯 昨日上午，一辆货车在西环路侧翻，货车司机受轻伤，交警到场疏导交通。

来源：青山日报
"""


def test_after_a_signoff_a_headline_over_a_time_led_brief_opens_an_article():
    state = assemble(SIGNED_BRIEFS)
    assert [[i.text for i in s.head] for s in state.sections] == [
        ["北关大桥货车侧翻"], ["南湖路货车侧翻"], ["城北高速出口货车侧翻"], ["东城隧道货车侧翻"],
        ["西环路货车侧翻"]]


def test_a_part_that_goes_on_with_a_speaker_named_above_is_marked():
    # an interview's next part reports what the expert named in the lead said: speaker_above, which
    # the fitted model reads as a subheading's evidence; a new article introduces who speaks
    texts = ["青山县农业农村局局长王建国接受记者采访，谈茶叶产业发展。",
             "“茶园面积还会扩大。”王建国指出，青山县将新建三座茶叶加工厂。",
             "“新桥将在年底通车。”李明指出，白云镇将新修两条机耕路。",
             "他表示，茶农收入还会增加。"]
    state = _sections(texts)
    assert scorer._speaks_again(state.sections[1].body, state.sections[0])
    assert not scorer._speaks_again(state.sections[2].body, state.sections[0])   # named nowhere above
    assert not scorer._speaks_again(state.sections[3].body, state.sections[0])   # a pronoun says nothing
    assert scorer.headline_cues(state, 1)["speaker_above"] == 1.0
    fitted = scorer.model("opens_article")
    cues = scorer.headline_cues(state, 1)
    assert fitted.probability(cues) < fitted.probability({**cues, "speaker_above": 0.0})


def _page(*paras: str) -> tuple[State, list[Item]]:
    blocks = split_blocks("\n\n".join(paras) + "\n")
    items = [Item(b, features(b)) for b in blocks]
    return State(items=items, vectorizer=Vectorizer(flat(b) for b in blocks)), items


def test_glued_cues_count_the_names_a_tail_shares_with_another_article_only():
    # a paragraph naming whom another article on the page names, and nobody its own start names, may be
    # that article's, even when that article is signed off (no candidate to compare the tail with)
    state, items = _page("周立新会见来访的南湾港代表团",
                         "本报讯 周立新昨天在市政府会见了南湾港代表团团长陈欣桐一行。",
                         "（编辑：王丽）",
                         "周立新出席枫林湾大桥通车仪式",
                         "本报讯 枫林湾大桥昨天正式通车，周立新出席仪式并宣布通车。",
                         "陈欣桐介绍，南湾港去年吞吐量增长12.7%。")
    sec = Section(head=items[3:4], body=items[4:])
    assert scorer.glued_cues(state, sec, 1, other=0.0, own=0.0, where=[])["shared_page"] > 0
    state, items = _page("周立新会见来访的南湾港代表团",
                         "本报讯 周立新昨天在市政府会见了南湾港代表团团长陈欣桐一行。",
                         "（编辑：王丽）",
                         "周立新出席枫林湾大桥通车仪式",
                         "本报讯 枫林湾大桥昨天正式通车，周立新出席仪式并宣布通车。",
                         "枫林湾大桥全长1.8公里，周立新说，大桥将缩短两岸往来时间。")
    sec = Section(head=items[3:4], body=items[4:])
    # what the tail names its own start names too: no other article's
    assert scorer.glued_cues(state, sec, 1, other=0.0, own=0.0, where=[])["shared_page"] == 0


def test_a_tail_naming_another_articles_names_reads_more_like_a_glued_tail():
    fitted = scorer.model("glued_tail")
    cues = {name: mean for name, mean in zip(fitted.cues, fitted.mean, strict=True)}
    assert fitted.probability({**cues, "shared_page": 1.0}) > fitted.probability({**cues, "shared_page": 0.0})


def test_the_fit_oracle_takes_a_headline_printed_over_several_articles_as_nobodys():
    # one story's headline from several outlets: whose article the section is says its first paragraph
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "train"))
    import fit

    head = "周立新会见来访的南湾港代表团"
    truth = {"articles": [
        {"title": head, "headline_lines": [head], "paras": ["本报讯 周立新昨天会见了南湾港代表团。"]},
        {"title": "枫林湾大桥通车", "headline_lines": ["枫林湾大桥通车"], "paras": ["枫林湾大桥昨天正式通车。"]},
        {"title": head, "headline_lines": [head],
         "paras": ["南湾港讯 代表团一行昨天抵达。", "陈欣桐介绍了南湾港的情况。"]},
    ]}
    _, items = _page(head, "南湾港讯 代表团一行昨天抵达。", "陈欣桐介绍了南湾港的情况。", "枫林湾大桥昨天正式通车。")
    oracle = fit.oracle_for(truth)
    assert oracle("glued_tail", [items[0], items[1], items[2]]) is False    # one article, the third
    assert oracle("glued_tail", [items[0], items[1], items[3]]) is True     # the second's paragraph
