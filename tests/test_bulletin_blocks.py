"""Block splitting and the per-block features, each checked alone."""

from __future__ import annotations

import pytest

from newsgen.bulletin.blocks import (
    credit_line,
    features,
    flat,
    furniture,
    headline_shaped,
    headline_stack,
    lead_byline,
    names_in,
    normalise,
    one_paragraph_a_line,
    peel_furniture,
    peel_headline,
    rules_out_headline,
    split_blocks,
    tail_byline,
)
from newsgen.bulletin.model import Block


def block(text: str, line: int = 1) -> Block:
    return Block(0, line, line + text.count("\n"), text)


def test_blocks_are_runs_of_non_blank_lines_with_1_based_spans():
    blocks = split_blocks("\n\n标题一行\n\n第一段第一行\n第一段第二行\n   \n末段。\n")
    assert [(b.first_line, b.last_line) for b in blocks] == [(3, 3), (5, 6), (8, 8)]
    assert flat(blocks[1]) == "第一段第一行第一段第二行"


def spans(text: str) -> list[tuple[int, int, str]]:
    return [(b.first_line, b.last_line, b.text) for b in split_blocks(text)]


def test_normalise_drops_bom_crlf_and_tabs_and_keeps_line_numbers():
    text = "\ufeff标题\r\n\r\n\t正文第一段。\r\n\f末段。\r旧式换行"
    out = normalise(text)
    assert out == "标题\n\n 正文第一段。\n 末段。\n旧式换行"
    assert out.count("\n") == 4


def test_crlf_bom_tabs_and_long_blank_runs_give_the_same_blocks():
    plain = spans("标题一行\n\n第一段。\n\n\n\n末段。\n")
    messy = spans("\ufeff标题一行\r\n\r\n\t第一段。\t\r\n\r\n \r\n\t\r\n末段。  \r\n")
    assert messy == plain == [(1, 1, "标题一行"), (3, 3, "第一段。"), (7, 7, "末段。")]


def test_indentation_and_trailing_spaces_are_not_text():
    got = spans("  标题一行  \n\n\u3000\u3000近日，某县开展消防检查。\u3000\n\u3000\u3000检查覆盖全县。 \n")
    assert got == [(1, 1, "标题一行"), (3, 4, "近日，某县开展消防检查。\n检查覆盖全县。")]


PARAGRAPH_LINES = ("某县茶叶喜获丰收\n\u3000\u3000近日，某县万亩茶园迎来采摘季。\n"
                   "\u3000\u3000合作社统一收购，茶农收入明显增加。\n夜市点亮县城烟火气\n"
                   "\u3000\u3000入夜，县城步行街灯火通明。（张三）\n")


def test_paragraphs_one_a_line_make_one_block_a_line():
    got = spans(PARAGRAPH_LINES)
    assert [(a, b) for a, b, _ in got] == [(1, 1), (2, 2), (3, 3), (4, 4), (5, 5)]
    assert got[1][2] == "近日，某县万亩茶园迎来采摘季。"


def test_a_hard_wrapped_bulletin_keeps_its_blocks():
    wrapped = ("近日，某县万亩茶园迎来采摘季，茶农\n忙着采摘新茶，合作社统一收购新茶并\n销往各地。\n\n"
               "合作社统一收购，茶农收入明显增加，\n茶园成了致富园。\n")
    lines = [line.strip() for line in wrapped.split("\n")]
    assert not one_paragraph_a_line(lines, [(1, 3), (5, 6)])
    assert [(a, b) for a, b, _ in spans(wrapped)] == [(1, 3), (5, 6)]


def test_a_few_blank_lines_between_articles_still_mean_one_paragraph_a_line():
    text = PARAGRAPH_LINES.replace("夜市", "\n夜市") + "\u3000\u3000步行街上，小吃摊前排起长队。\n"
    assert [(a, b) for a, b, _ in spans(text)] == [(1, 1), (2, 2), (3, 3), (5, 5), (6, 6), (7, 7)]


@pytest.mark.parametrize("lines, k", [
    (["某县茶叶喜获丰收", "近日，某县万亩茶园迎来采摘季，茶农忙着采摘新茶。"], 1),
    (["某县：", "茶叶喜获丰收", "本报讯（记者 张三）近日，某县万亩茶园迎来采摘季"], 2),
    (["茶叶喜获丰收", "本报讯 记者张三 近日，某县"], 1),                    # a lead cut by a column break
    (["近日，某县万亩茶园迎来采摘季", "合作社统一收购，茶农收入明显增加。"], 0),   # a lead, not a headline
    (["合作社统一收购新茶并销往各地茶农", "收入明显增加茶园成了致富园的好去", "处。"], 0),
    (["某县城关镇消防检查全面铺开了吗", "县消防大队联合各乡镇开展检查工作", "检查覆盖全县各类场所和企业。"], 0),
    (["某县茶叶喜获丰收。", "合作社统一收购。"], 0),
    (["记者 张三 摄", "合作社统一收购，茶农收入明显增加。"], 0),
    (["财经短波", "国开行支持农业基础设施建设"], 1),                         # a label over a title
    (["某县：", "茶叶喜获丰收"], 1),
    (["某省第三届全民健身运动会开幕式暨全民", "健身嘉年华在某市体育中心举行"], 0),   # one headline, wrapped
])
def test_peel_headline(lines, k):
    assert peel_headline(lines) == k


def test_headline_stack():
    assert headline_stack(["某县：", "茶叶喜获丰收"])
    assert headline_stack(["茶叶喜获丰收", "——某县万亩茶园采摘忙"])
    assert not headline_stack(["某县万亩茶园迎来采摘季茶农", "采摘忙"])


def test_a_glued_headline_is_cut_from_its_body():
    got = spans("某县茶叶喜获丰收\n近日，某县万亩茶园迎来采摘季，茶农忙着采摘新茶。\n合作社统一收购。\n\n"
                "茶园成了致富园。\n")
    assert [(a, b) for a, b, _ in got] == [(1, 1), (2, 3), (5, 5)]
    assert got[0][2] == "某县茶叶喜获丰收"


def test_peel_furniture_cuts_page_lines_from_the_ends_of_a_block():
    assert peel_furniture(["A03", "产业协同发展。", "2025年8月6日 星期三"]) == (1, 1)
    assert peel_furniture(["产业协同发展。"]) == (0, 0)
    assert peel_furniture(["第3版 要闻", "A03"]) == (1, 0)     # one line is always left
    got = spans("建设带动沿江两岸\n第3版 要闻\n\n产业协同发展。\n")
    assert got == [(1, 1, "建设带动沿江两岸"), (2, 2, "第3版 要闻"), (4, 4, "产业协同发展。")]


@pytest.mark.parametrize("text, expected", [
    ("（卢鸿 张辉云）", ["卢鸿", "张辉云"]),
    ("记者 张三 通讯员 李四", ["张三", "李四"]),
    ("记者李中文、刘军国", ["李中文", "刘军国"]),
    ("文/张三 图/李四", ["张三", "李四"]),
    ("文／图 王五", ["王五"]),
    ("记者 张三 摄", ["张三"]),
    ("本报记者 张三 通讯员 李四", ["张三", "李四"]),
])
def test_names_in_attribution(text, expected):
    assert names_in(text.strip("（）")) == expected


@pytest.mark.parametrize("text, byline, names", [
    ("……助力农业持续稳定发展。（魏欢）", "（魏欢）", ["魏欢"]),
    ("……促进产业发展水平整体提升。”宣传部部长说。（卢鸿 张辉云）", "（卢鸿 张辉云）", ["卢鸿", "张辉云"]),
    ("（本报某地8月1日电）（甲乙 丙丁）", "（甲乙 丙丁）", ["甲乙", "丙丁"]),
    ("某省某市  某某某（钟超玉）", "（钟超玉）", ["钟超玉"]),     # a signature line, then the byline
    ("……旧貌换新颜。（文/张三 图/李四）", "（文/张三 图/李四）", ["张三", "李四"]),
    ("……旧貌换新颜。(张三 李四)", "(张三 李四)", ["张三", "李四"]),
    ("……旧貌换新颜。（本报记者 张三）", "（本报记者 张三）", ["张三"]),
])
def test_tail_byline(text, byline, names):
    assert tail_byline(text) == (byline, names)


@pytest.mark.parametrize("text", [
    "景区卫生间建设要跟上（建议）",            # a column tag closing a headline
    "小城品牌，成于好口碑（记者手记）",
    "“这是安全危机，更是领导力危机”（深度观察）",
    "推动经发局、行政审批局（审计局）等单位融入。",   # brackets inside a sentence
])
def test_column_tags_and_inner_brackets_are_not_bylines(text):
    assert tail_byline(text) is None


@pytest.mark.parametrize("text", [
    "8月2日，在某市街头，市民参加集会。（某某社/某通）",        # a photo caption: an agency's credit
    "8月2日，在某市港口，货轮准备靠岸。（某某社发）",
    "8月2日，某市新桥通车。（某某社记者张三摄）",
    "8月2日，某市新桥通车。（受访者供图）",
    "8月2日，市民在某市街头参加集会。（某某视觉）",   # a picture agency: 某某视觉, 视觉中国
    "8月2日，某市新桥通车。（视觉中国）",
])
def test_a_photo_credit_closing_a_caption_is_no_sign_off(text):
    assert tail_byline(text) is None
    assert not features(block(text)).tail_byline


def test_a_caption_inside_an_article_does_not_end_it():
    from newsgen.bulletin import parse

    text = "\n\n".join([
        "新桥通车带动沿江发展",
        "某社某市8月2日电 某市新桥2日正式通车，沿江两岸往来时间大为缩短。",
        "8月2日，在某市新桥，车辆驶过桥面。（某某社/某通）",
        "新桥通车后，沿江两岸的物流企业纷纷调整线路，新桥周边的产业园也迎来新的投资。",
    ]) + "\n"
    drafts = parse(text).drafts
    assert len(drafts) == 1 and len(drafts[0].blocks) == 4


@pytest.mark.parametrize("text, names", [
    ("本报南昌7月5日电（记者李中文、刘军国）近日，", ["李中文", "刘军国"]),
    ("新华社某地8月8日电  （记者黄恒）美国", ["黄恒"]),
    ("（记者 张三 通讯员 李四）南湖街道近日", ["张三", "李四"]),
    ("南都讯 记者 周海 通讯员 林涛 8月5日，", ["周海", "林涛"]),
    ("本报讯（记者王五）昨日，", ["王五"]),
    ("本报讯 记者张三 通讯员李四 近日，", ["张三", "李四"]),
    ("中新网南昌8月1日电(记者 张三)近日，", ["张三"]),
    ("某省日报记者 张三 李四 报道：近日，", ["张三", "李四"]),
    ("本报记者 张三 通讯员 李四 报道：近日，", ["张三", "李四"]),
])
def test_lead_byline_names(text, names):
    found = lead_byline(text)
    assert found is not None and found[1] == names
    assert text.startswith(found[0])


def test_an_ordinary_lead_has_no_byline():
    assert lead_byline("近日，青山县启动老旧小区改造。") is None


@pytest.mark.parametrize("text, shaped", [
    ("党建聚链成势 产业向新攀高", True),
    ("章贡区：做活政务公开 激活治理效能", True),
    ("宜春经开区：", True),
    ("出发，一起支教去！", True),
    ("非公企业党建一头连着组织，一头连着产业，向来是党建工作中的重点。", False),
    ("测产结果很快出炉：头季平均亩产干谷462.9公斤。", False),
])
def test_headline_shape(text, shaped):
    assert headline_shaped(text) is shaped


@pytest.mark.parametrize("text", [
    "【点评】",                                   # a label
    "（作者为某大学教授）",                          # a sign-off
    "某省某市  号  声",                             # a spaced-out signature
    "“党建就是黏合剂，把‘你和我’变成",               # a quotation cut by a column break
    "近年来，某区始终坚持就业优先导向",              # a lead opening
    "栏目投稿邮箱：abc@example.com",
    "当地时间7月28日，某国政府宣布将",           # a lead's opening clause, cut by a column break
    "据某某社3日报道，某国议会将",
    "8月2日上午，某市新桥",
])
def test_lines_that_are_never_headlines(text):
    assert rules_out_headline(text)


def test_features_kicker_open_end_lead_and_noise():
    assert features(block("宜春经开区：")).kicker_shaped
    assert features(block("湖南省农科院科研人员把论文写在大地上——")).kicker_shaped
    assert features(block("“党建就是黏合剂，把‘你和我’变成")).ends_open
    assert not features(block("群众的幸福感体现在制度的厚度中。（胡贤辉）")).ends_open
    assert features(block("近日，走进某社区，广场整洁有序。")).starts_lead
    f = features(block("第一行没有问题。\n“ ourselves 反馈问题后，不久就有回应。", line=33))
    assert f.noise == [(34, "ourselves")]
    assert features(block("通过手机APP、公示栏对外公开。")).noise == []


@pytest.mark.parametrize("text, signed", [
    ("青山县城关镇  陈  明", True),
    ("某省某市\u00a0\u00a0号\u00a0\u00a0声", True),
    ("强品牌 茶叶走向全国", False),          # one space: a two-phrase headline
    ("（本报记者  吴  月）", False),          # a bracketed sign-off
    ("本报讯  暑期到来，图书馆延长开放时间。", False),
])
def test_signature_line(text, signed):
    f = features(block(text))
    assert f.signature is signed
    if signed:
        assert not f.ends_open


@pytest.mark.parametrize("line, names", [
    ("文/图 张三", ["张三"]),
    ("记者 张三 摄", ["张三"]),
    ("文/张三 图/李四", ["张三", "李四"]),
    ("本报记者 张三", ["张三"]),
    ("记者张三摄", ["张三"]),               # no space before the photo credit's 摄
    ("本报记者张三摄", ["张三"]),
    ("记者张三、李四摄", ["张三", "李四"]),
    ("拍摄", None),
    ("记者节里的一堂课", None),            # a headline that holds a role word
    ("（记者 张三）", None),               # bracketed: a sign-off, read by tail_byline
    ("记者张三说，今年", None),             # a sentence
])
def test_credit_line(line, names):
    assert credit_line(line) == names


def test_a_credit_line_is_never_a_headline_and_closes_on_the_last_line_of_a_block():
    f = features(block("记者 张三 摄"))
    assert f.credit and f.credit_authors == ["张三"] and not f.candidate and not f.tail_byline
    f = features(block("青山县消防检查全面铺开。\n文/图 张三"))
    assert f.credit and f.credit_authors == ["张三"]


@pytest.mark.parametrize("text, kind", [
    ("2025年8月6日 星期三", "date line"),
    ("2025年8月6日  星期三  第3版", "date line"),
    ("第3版 要闻", "page marker"),
    ("A03", "page marker"),
    ("要闻 A03", "page marker"),
    ("责任编辑：王五", "editors' line"),
    ("责任编辑：王五  美编：赵六", "editors' line"),
    ("版式设计：汪哲平", None),            # an article's own design credit
    ("2025年全市粮食再获丰收", None),       # a headline opening with a year
    ("第三届茶文化节开幕", None),
    ("编辑部的故事", None),
])
def test_page_furniture(text, kind):
    assert furniture(text) == kind
    assert not features(block(text)).candidate or kind is None


@pytest.mark.parametrize("text", ["数据来源：某县统计局", "版式设计：某某某", "图片来源：某县融媒体中心"])
def test_a_source_or_design_line_closes_the_article_and_names_no_author(text):
    f = features(block(text))
    assert f.credit and f.credit_authors == [] and not f.candidate and not f.ends_open


def test_note_line_is_a_label_and_a_short_value():
    from newsgen.bulletin.blocks import note_line
    assert note_line("栏目投稿邮箱：news@example.com")
    assert note_line("数据来源：青山县统计局")
    assert not note_line("青山县：")                         # a kicker has no value
    assert not note_line("记者了解到：今年青山县茶园面积扩大，茶农增收。")   # a sentence


@pytest.mark.parametrize(("text", "names"), [
    ("本报北京8月1日电 however （记者王伟、李娜）近日，某地。", ["王伟", "李娜"]),   # noise before the credit
    ("新华社北京8月1日电（新华社记者王伟）近日，某地举行活动。", ["王伟"]),                # the outlet is no author
    ("【环球时报驻韩国特约记者 林森 环球时报记者 张旺】据韩联社报道，某事。", ["林森", "张旺"]),
    ("本报讯（实习记者 王伟 记者 李娜）近日，某地举行活动。", ["王伟", "李娜"]),
])
def test_lead_credits_name_people_not_outlets_or_roles(text, names):
    assert lead_byline(text)[1] == names


def test_a_compiler_credit_and_a_photo_credit_name_the_person():
    assert tail_byline("近日，某地举行活动。（王伟整理）")[1] == ["王伟"]
    assert credit_line("王伟 整理") == ["王伟"]
    assert credit_line("文/图 王伟") == ["王伟"]
    assert credit_line("李相浩摄（新华社发）") == ["李相浩"]


@pytest.mark.parametrize("text", [
    "央视网消息（新闻联播）：今天（5月1日）是假期第一天。",
    "【环球网报道】据韩联社17日报道，某事。",
    "本报讯 （记者 王伟）近日，某地举行活动。",
    "新华社首尔4月3日电 韩国国防部3日说，某事。",
])
def test_an_outlets_lead_formula_is_a_wire_lead(text):
    assert features(Block(0, 1, 1, text)).wire_lead


@pytest.mark.parametrize("text", [
    "（本报开罗8月16日电）",                       # a closing dateline
    "据韩国国防部3日消息，此次联合演习在济州举行。",  # a source inside a story
    "城乡快讯",                                    # a column label ending in 讯
])
def test_what_is_no_lead_formula(text):
    assert not features(Block(0, 1, 1, text)).wire_lead


@pytest.mark.parametrize(("text", "shaped"), [
    ("布林肯访问韩国尹锡悦有救了？还是空欢喜？", True),       # two short question clauses
    ("罕见高频会晤！美日韩加速靠拢", True),
    ("【新思想引领新征程】攥紧中国种子 端稳中国饭碗", True),  # a column tag in brackets opens the headline
    ("【点评】", False),                                       # a bare label
    ("这是为什么？专家说，原因有三", False),                   # a question, then a sentence
    ("评论：“小切口”带来了大变化", True),                     # a column tag, then a quoted phrase
    ("县委书记在全县大会上说：“要把茶园管好”", False),       # a quotation introduced in the text
    ("新闻分析：“某某”号缘何成为新主角", True),               # a column tag over a quoted name
    ("村民老李笑着说：“家门口就能办好”", False),              # a quotation introduced by a verb of saying
])
def test_question_and_tagged_headlines(text, shaped):
    assert (headline_shaped(text) and not rules_out_headline(text)) is shaped


def test_a_line_with_no_word_is_never_a_headline():
    # an ellipsis or a rule printed on a line of its own is punctuation, not a headline
    for text in ("……", "——", "* * *"):
        assert not features(block(text)).candidate


def test_a_name_with_a_long_bracketed_description_is_a_closing_credit():
    f = features(block("王某某（某市第一医院感染管理科副主任、某省医学会委员）"))
    assert f.credit and f.credit_authors == ["王某某"] and not f.candidate
    # a column tag closing a headline is short and follows more than a name
    tagged = features(block("办好小食堂，托举大民生（暖闻热评）"))
    assert tagged.candidate and not tagged.credit


def test_a_reader_or_pupil_signing_with_single_spaces_is_a_signature():
    for line in ("王小明 青山县第一中学 初二（3）班", "青山县白云路128弄 李先生"):
        f = features(block(line))
        assert f.signature and not f.candidate
    # headlines set in two phrases with a space are no signatures, digits or not
    for line in ("奔跑乐手 月行万里", "1—4月铁路运输业增动力 添活力", "长宁区 居民“金点子”更生动周全"):
        f = features(block(line))
        assert not f.signature and f.candidate


def test_a_label_pointing_at_the_text_below_is_kicker_shaped():
    assert features(block("帮忙>>>")).kicker_shaped
