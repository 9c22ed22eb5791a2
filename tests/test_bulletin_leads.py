"""The lead recogniser (bulletin/leads.py): one notation a test, made-up examples, and what is no lead."""

from __future__ import annotations

import pytest

from newsgen.bulletin import leads
from newsgen.bulletin.blocks import features, lead_byline
from newsgen.bulletin.model import Block
from newsgen.bulletin.parse import parse


def feat(text: str):
    return features(Block(0, 1, 1, text))


@pytest.mark.parametrize("text", [
    "新华社北岭7月5日电 当地一座新桥今天通车。",                 # ASCII digits
    "新华社北岭７月５日电 当地一座新桥今天通车。",                 # full-width digits
    "新华社北岭七月五日电 当地一座新桥今天通车。",                 # Chinese numerals
    "新华社北岭十二月廿五日电 当地一座新桥今天通车。",             # 十 and 廿
    "新华社北岭十月三十一日电 当地一座新桥今天通车。",
    "本报北岭二〇二三年七月五日电 当地一座新桥今天通车。",         # a year in Chinese numerals with 〇
    "本报北岭二零零八年七月五日电 当地一座新桥今天通车。",         # ...and with 零
    "本报北岭2023年7月5日电 当地一座新桥今天通车。",              # ASCII year
    "新华社北岭5日电 当地一座新桥今天通车。",                     # the day alone
    "新华社北岭7月5号电 当地一座新桥今天通车。",                  # 号 for 日
    "新华社北岭7月5日专电 当地一座新桥今天通车。",                # 专电
    "本报北岭县二〇二三年七月五日讯 当地一座新桥今天通车。",       # a dated 讯
])
def test_a_dateline_in_any_notation_is_a_wire_lead(text):
    assert leads.is_dateline(text)
    f = feat(text)
    assert f.wire_lead and f.starts_lead and not f.candidate


@pytest.mark.parametrize("text", [
    "青川日报海外网北岭7月5日电 当地一座新桥今天通车。",           # a long outlet and place prefix
    "青川晚报全媒体记者站北岭县七月五日电 当地一座新桥今天通车。",
])
def test_a_long_outlet_and_place_prefix_before_the_formula_is_a_wire_lead(text):
    assert leads.is_dateline(text) and feat(text).wire_lead


def test_the_prefix_before_the_formula_is_bounded():
    text = "这是一段很长很长的叙述文字没有任何标点符号一直写到这里才出现日期后来在7月5日电"
    assert not leads.is_dateline(text)


@pytest.mark.parametrize("text", [
    "北岭网消息：当地一座新桥今天通车。",                          # a site
    "北岭新闻网讯 当地一座新桥今天通车。",
    "青川客户端讯（记者王小明）当地一座新桥今天通车。",              # an app
    "青川APP消息，当地一座新桥今天通车。",
    "青川新闻频道报道：当地一座新桥今天通车。",                     # a channel
    "北岭广播电视台消息 当地一座新桥今天通车。",
    "青川发布公众号消息：当地一座新桥今天通车。",                    # an account
    "青川融媒体中心讯 当地一座新桥今天通车。",
    "本报讯 当地一座新桥今天通车。",
    "本报讯昨天（7月4日）上午，当地一座新桥通车。",
    "新华社北岭电 当地一座新桥今天通车。",                         # a dateline with no date
    "北岭电视台报道，当地一座新桥今天通车。",                       # a station's own story
    "青川交通广播报道，当地一座新桥今天通车。",
])
def test_an_outlet_named_as_a_site_channel_or_app_opens_a_lead(text):
    assert leads.is_outlet_lead(text)
    assert feat(text).wire_lead


@pytest.mark.parametrize("text", [
    "昨天（7月4日）上午，当地一座新桥通车。",
    "今日（７月５日），当地一座新桥通车。",
    "前天（七月三日）晚，当地一座新桥通车。",
    "明天（7月6日）出版的北岭日报将刊登这篇文章。",
])
def test_a_relative_day_with_its_date_in_brackets_opens_a_lead(text):
    assert leads.opens_lead(text)
    f = feat(text)
    assert f.starts_lead and not f.candidate


@pytest.mark.parametrize("text", ["昨日上午，当地一座新桥通车。", "今天下午，当地一座新桥通车。",
                                  "近日，当地一座新桥通车。", "日前，当地一座新桥通车。"])
def test_a_lead_opening_with_a_relative_day_word(text):
    assert leads.opens_lead(text) and feat(text).starts_lead


@pytest.mark.parametrize("line", ["昨日上午，当地一座新桥", "七月五日晚，当地一座新桥", "昨天（7月4日），北岭"])
def test_a_line_opening_with_a_lead_clause_is_a_cut_lead_not_a_headline(line):
    assert leads.LEAD_CLAUSE.match(line)
    assert not feat(line).candidate


@pytest.mark.parametrize(("text", "names"), [
    ("新华社北岭七月五日电（记者王小明、李大海）当地一座新桥今天通车。", ["王小明", "李大海"]),
    ("本报北岭７月５日电（记者王小明）当地一座新桥今天通车。", ["王小明"]),
    ("青川晚报北岭县二〇二三年七月五日讯（记者王小明）当地一座新桥今天通车。", ["王小明"]),
    ("青川日报海外网北岭二〇二三年七月五日电（记者李大海）当地一座新桥今天通车。", ["李大海"]),
])
def test_the_credit_after_a_dateline_in_any_notation_names_the_authors(text, names):
    found = lead_byline(text)
    assert found is not None and found[1] == names


@pytest.mark.parametrize("text", [
    "当地一座新桥在7月5日电力恢复后通车。",                        # a date mid-sentence, then 电力
    "这座新桥于7月5日通车，此前经过了两年建设。",                  # a date mid-text
    "7月5日起停电检修的线路已经恢复。",                            # 起停电: no formula
    "据北岭日报报道，当地一座新桥今天通车。",                      # a citation: a weaker cue only
    "另据某某社报道，当地一座新桥今天通车。",
    "某某通讯社报道，当地一座新桥今天通车。",                      # an outlet cited mid-article
    "某国有线电视新闻网报道，当地一座新桥今天通车。",
    "北岭日报报道，当地一座新桥今天通车。",
    "今日的北岭，已经是一座现代化城市。",                          # 今日的: a noun phrase, no day
    "他打来电话说，桥已经通车。",
])
def test_text_that_merely_mentions_a_date_or_an_outlet_is_no_outlet_lead(text):
    assert not leads.is_outlet_lead(text)
    assert not feat(text).wire_lead


@pytest.mark.parametrize("text", ["这座新桥于7月5日通车，此前经过了两年建设。", "今日的北岭，已经是一座现代化城市。"])
def test_a_date_mid_sentence_does_not_open_a_lead(text):
    assert not leads.opens_lead(text)
    assert not feat(text).starts_lead


@pytest.mark.parametrize("line", ["北岭新桥7月5日起通车", "七月五日起北岭实行新规", "二〇二三年北岭十件大事",
                                  "青川网消息员的一天"])
def test_a_headline_holding_a_date_is_still_a_headline(line):
    assert feat(line).candidate


def test_a_page_of_briefs_in_mixed_notations_splits_at_every_lead():
    """Five briefs on one subject, each lead in another notation: each headline opens an article."""
    bodies = ["北岭一座跨江新桥通车，全长一千二百米，方便了两岸居民出行。",
              "青川县城至水口镇的公路大桥建成通车，结束了群众绕行的历史。",
              "南湖区人行天桥完成改造，加装了电梯，老人上下桥更方便了。",
              "东山大桥维修加固工程完工，桥面重新铺装，恢复双向四车道通行。",
              "西岭乡村道路上的危桥完成重建，村民运送农产品不再绕远路。"]
    leads_ = ["新华社北岭七月五日电 ", "青川客户端讯 ", "南湖网消息：", "东山新闻频道报道：", "本报西岭７月５日电 "]
    heads = ["北岭跨江新桥通车", "青川公路大桥建成", "南湖天桥加装电梯", "东山大桥维修完工", "西岭危桥完成重建"]
    text = "\n\n".join(f"{h}\n\n{lead}{body}" for h, lead, body in zip(heads, leads_, bodies, strict=True)) + "\n"
    assert [d.title for d in parse(text).drafts] == heads


@pytest.mark.parametrize(("text", "lead"), [
    ("记者7月5日从北岭市交通局获悉，当地一座新桥将于月底通车。", True),
    ("本报记者从青川县农业农村局了解到，今年秋粮长势良好。", True),
    ("记者在现场看到，新桥两侧的人行道已经铺好。", False),     # a scene, no source
])
def test_a_reporter_naming_the_source_opens_a_lead(text, lead):
    assert bool(leads.LEAD_CUE.match(text)) is lead
    assert feat(text).starts_lead is lead
