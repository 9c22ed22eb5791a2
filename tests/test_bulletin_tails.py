"""Pieces printed away from their article (issue 19, kinds 5-7), on small made-up bulletins."""

from __future__ import annotations

from newsgen.bulletin import parse

BRIDGE = [
    "西江大桥主体工程顺利合龙",
    "本报西江8月5日电（记者周海）西江大桥主体工程顺利合龙，大桥全长一千二百米，建成后将缩短两岸往来时间。",
    "西江大桥建设者克服高温天气影响，优化施工方案，大桥主体工程提前合龙。（周海）",
]
TEA = [
    "茶园里走出致富路",
    "本报讯（记者林晓）近日，走进青山县白云镇的生态茶园，采茶工人正忙着采摘新茶。青山县把茶叶产业作为富民产业，"
    "茶园面积扩大到三万亩。",
    "青山县茶叶合作社统一收购新茶，茶农收入翻了一番，茶园成了青山县茶农的致富园。（林晓）",
]
#: A displaced headline's article: a dated paragraph of background, then the formula-led lead.
WETLAND_BACKGROUND = "2019年3月，南湖湿地公园开工建设，规划面积八百公顷，是全市最大的湿地保护工程。"
WETLAND = [
    "南湖湿地公园全面开放",
    "本报南湖8月5日电（记者王芳）南湖湿地公园今天全面开放，园内栽种水生植物四十余种，湿地公园已吸引白鹭等鸟类栖息。",
    "南湖湿地公园管理处表示，湿地公园开放后将实行预约游览，保护湿地鸟类栖息环境。",
]


def bulletin(*blocks: str) -> str:
    return "\n\n".join(blocks) + "\n"


def test_a_displaced_headline_takes_the_background_printed_over_its_formula():
    # kind 6: the headline is printed at the end; its article opens with a dated sentence of context,
    # then the formula. The background is no article of its own (it would be titled with its date).
    text = bulletin(*BRIDGE, *TEA, WETLAND_BACKGROUND, *WETLAND[1:], WETLAND[0])
    drafts = parse(text).drafts
    assert [d.title for d in drafts] == [BRIDGE[0], TEA[0], WETLAND[0]]
    wetland = drafts[-1]
    assert [b.text for b in wetland.blocks][:2] == [WETLAND[0], WETLAND_BACKGROUND]   # headline first
    assert WETLAND[1][:10] in wetland.body and WETLAND[2][:10] in wetland.body


def test_a_background_unlike_the_text_after_the_formula_is_not_taken():
    # a paragraph about something else before the formula is not the displaced article's background:
    # the headline still starts at its formula
    other = "青山县今年还新建了三座茶叶加工厂，年加工能力达到两千吨，带动周边茶农就业。"
    text = bulletin(*BRIDGE, *TEA[:2], other, *WETLAND[1:], WETLAND[0])
    drafts = parse(text).drafts
    wetland = next(d for d in drafts if d.title == WETLAND[0])
    assert [b.text for b in wetland.blocks][:2] == [WETLAND[0], WETLAND[1]]
