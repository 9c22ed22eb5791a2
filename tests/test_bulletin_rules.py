"""Each assembly rule on its own, on small hand-made bulletins."""

from __future__ import annotations

from newsgen.bulletin import rules
from newsgen.bulletin.blocks import features, flat, split_blocks
from newsgen.bulletin.parse import assemble
from newsgen.bulletin.rules.resolve_subheads import _interview_ends, formula_page
from newsgen.bulletin.rules.split_glued_runs import _goes_on_with_speaker
from newsgen.bulletin.sections import Item, Role, Section, State
from newsgen.bulletin.similarity import Vectorizer


def state_of(*blocks: str) -> State:
    parsed = split_blocks("\n\n".join(blocks) + "\n")
    return State(items=[Item(b, features(b)) for b in parsed], vectorizer=Vectorizer(flat(b) for b in parsed))


def run(state: State, *chosen: rules.Rule) -> State:
    for rule in chosen:
        rule(state)
    return state


def heads(state: State) -> list[list[tuple[str, str]]]:
    return [[(i.role, i.text) for i in s.head] for s in state.sections]


TEA = [
    "茶园里走出致富路",
    "近日，走进青山县白云镇的生态茶园，采茶工人正忙着采摘新茶。青山县把茶叶产业作为富民产业，茶园面积扩大到三万亩。",
    "青山县茶叶合作社统一收购新茶，茶农收入翻了一番，茶园成了青山县茶农的致富园。",
]
BRIDGE = [
    "西江大桥主体工程顺利合龙",
    "本报西江8月5日电（记者周海）西江大桥主体工程顺利合龙，大桥全长一千二百米，建成后将缩短两岸往来时间。",
    "西江大桥建设者克服高温天气影响，优化施工方案，大桥主体工程提前合龙。（周海）",
]


def test_build_sections_groups_kicker_and_title_and_splits_at_bylines():
    state = run(state_of("青山县：", *TEA[:2], "青山县还举办了茶文化节。（林晓）", TEA[2]), rules.build_sections)
    assert heads(state) == [[(Role.KICKER, "青山县："), (Role.TITLE, TEA[0])], []]
    assert state.sections[0].closed and state.sections[1].headless


def test_build_sections_a_line_ending_in_a_colon_over_text_is_no_headline_line():
    # a letter's salutation (or a speaker's name) under the headline introduces the text below it
    state = run(state_of("致全县居民的一封信", "亲爱的居民朋友们：", TEA[1], TEA[2]), rules.build_sections)
    assert heads(state) == [[(Role.TITLE, "致全县居民的一封信")]]
    assert state.sections[0].body[0].text == "亲爱的居民朋友们："


def test_build_sections_a_second_line_of_clauses_is_a_deck_under_the_title():
    # a line of three clauses under a headline is its deck (副题), not the title under a kicker
    state = run(state_of("青山县茶叶产业迈上新台阶 茶农增收有了新门路", "种好茶，卖好茶，富茶农", *TEA[1:]),
                rules.build_sections)
    assert heads(state) == [[(Role.TITLE, "青山县茶叶产业迈上新台阶 茶农增收有了新门路"),
                             (Role.SUBTITLE, "种好茶，卖好茶，富茶农")]]
    state = run(state_of("青山县：", "茶园里走出致富路", *TEA[1:]), rules.build_sections)
    assert heads(state) == [[(Role.KICKER, "青山县："), (Role.TITLE, "茶园里走出致富路")]]


def test_build_sections_a_quoted_reply_under_a_quotation_is_dialogue_not_a_headline():
    said = "林秋禾笑着说：“今年的新茶，一斤能卖八百元，明年还要多种几亩！”"
    state = run(state_of(*TEA[:2], said, "“真的吗？”", "茶园里的乡亲们都围了过来。"), rules.build_sections)
    assert len(state.sections) == 1 and [i.role for i in state.sections[0].body] == [Role.BODY] * 4
    # a quoted headline over its text is still a headline
    state = run(state_of(*TEA[1:], "“我们的茶卖到了全国！”", TEA[1]), rules.build_sections)
    assert heads(state)[-1] == [(Role.TITLE, "“我们的茶卖到了全国！”")]


def test_build_sections_a_sentence_over_a_kicker_and_a_short_title_ends_the_article_above():
    # three headline-shaped lines: a clause with a comma, a kicker, a short title with no comma; the
    # first is the closing sentence of the text above, not a third headline line
    closing = "说到底，好茶离不开好山好水？"
    state = run(state_of(*TEA, closing, "西江大桥主体工程顺利合龙 两岸往来更方便", "大桥合龙了", BRIDGE[1]),
                rules.build_sections)
    assert heads(state) == [[(Role.TITLE, TEA[0])],
                            [(Role.KICKER, "西江大桥主体工程顺利合龙 两岸往来更方便"), (Role.TITLE, "大桥合龙了")]]
    assert state.sections[0].body[-1].text == closing


def test_split_glued_runs_never_leaves_a_lone_paragraph_that_matches_nothing_on_its_own():
    # even when the decision says "another article's", a one-paragraph tail that reads like no open
    # article and no displaced headline would only become an article of its own: it stays
    state = state_of(*TEA, "夜里下了一场雨，空气格外清新。")
    state.oracle = lambda name, items: True
    run(state, rules.build_sections, rules.split_glued_runs)
    assert len(state.sections) == 1 and len(state.sections[0].body) == 3


def test_build_sections_a_pointing_label_over_text_is_no_headline():
    # 求助>>> over the text it points at (a reader's request) introduces that text, like a line ending in ：
    state = run(state_of(*TEA, "求助>>>", "青山县白云路128弄 李先生", "我家的茶园被山洪冲毁了，希望有关部门帮帮忙。"),
                rules.build_sections)
    assert len(state.sections) == 1


def test_build_sections_a_question_over_a_heading_ends_the_text_above():
    # a kicker states where or what; a question over a heading is the turn of the text above it
    state = run(state_of(*TEA, "这片茶园是怎么富起来的？", "强品牌 茶叶走向全国", TEA[2]), rules.build_sections)
    assert [i.text for i in state.sections[0].body][-1] == "这片茶园是怎么富起来的？"
    assert heads(state)[1] == [(Role.TITLE, "强品牌 茶叶走向全国")]


def test_build_sections_keeps_deck_lines_after_a_column_tag_title_in_the_body():
    deck = "社区食堂，满足老龄群体的饮食需求，增添幸福滋味"
    state = run(state_of("办好小食堂，托举大民生（暖闻热评）", deck, TEA[1]), rules.build_sections)
    assert heads(state) == [[(Role.TITLE, "办好小食堂，托举大民生（暖闻热评）")]]
    assert [i.text for i in state.sections[0].body][0].startswith("社区食堂")


def test_resolve_subheads_merges_a_cohesive_lone_headline_into_the_running_article():
    more = "青山县茶叶合作社注册茶叶品牌，青山县新茶销往全国，茶农收入稳定增长。"
    state = run(state_of(*TEA, "强品牌 茶叶走向全国", more), rules.build_sections, rules.resolve_subheads)
    assert len(state.sections) == 1
    assert [i.role for i in state.sections[0].body][-2:] == [Role.SUB, Role.BODY]


def test_resolve_subheads_keeps_a_headline_followed_by_a_news_lead():
    state = run(state_of(*TEA, *BRIDGE), rules.build_sections, rules.resolve_subheads)
    assert [s.head[0].text for s in state.sections] == [TEA[0], BRIDGE[0]]


def test_split_glued_runs_cuts_a_tail_that_reads_like_an_earlier_open_article():
    state = state_of(*TEA[:2], "东湖公园完成提升改造", "东湖公园新建了环湖步道和健身广场，吸引市民前来散步健身。",
                     "东湖公园管理处表示，将做好公园日常维护。", TEA[2])
    run(state, rules.build_sections, rules.split_glued_runs)
    assert [flat(s.body[0].block) for s in state.sections][-1] == TEA[2]
    assert state.sections[-1].headless


def test_detach_displaced_kickers_moves_a_stacked_headline_to_its_headless_body():
    state = state_of(*BRIDGE, "“孩子在家门口就能看病。”城西社区卫生服务中心开诊以来，日均接诊居民两百余人次。（钱芳）",
                     "城西社区卫生服务中心开诊", *TEA)
    run(state, rules.build_sections, rules.detach_displaced_kickers)
    assert heads(state)[-2:] == [[(Role.TITLE, "城西社区卫生服务中心开诊")], [(Role.TITLE, TEA[0])]]


def test_attach_runs_gives_a_headless_run_to_the_open_article_it_continues():
    state = state_of(*TEA[:2], *BRIDGE, TEA[2] + "（林晓）")
    run(state, rules.build_sections, rules.attach_runs)
    assert len(state.sections) == 2
    assert state.sections[0].body[-1].text.startswith(TEA[2])
    assert any("continuation" in n for n in state.sections[0].notes)


def test_a_headless_credited_lead_opens_an_article_of_its_own():
    wire = "新华社青山8月9日电（记者黄立）青山县茶叶合作社新建的茶叶加工厂投产，青山县茶农采摘的新茶就近加工。"
    state = state_of(*TEA[:2], *BRIDGE, wire)
    run(state, rules.build_sections, rules.attach_runs, rules.fallback_titles)
    assert len(state.sections) == 3 and state.sections[2].fallback_title
    assert rules.opens_article(state.sections[2])


def test_a_headless_credited_lead_may_still_be_a_displaced_headlines_body():
    wire = "本报讯（记者 钱芳）城西社区卫生服务中心开诊以来，日均接诊居民两百余人次。"
    state = state_of(*BRIDGE, wire, "城西社区卫生服务中心开诊")
    run(state, rules.build_sections, rules.attach_runs)
    assert [(s.head[0].text, len(s.body)) for s in state.sections] == [(BRIDGE[0], 2), ("城西社区卫生服务中心开诊", 1)]


def test_attach_runs_gives_a_headless_run_to_a_displaced_headline():
    headless = "城西社区卫生服务中心开诊以来，日均接诊居民两百余人次。（钱芳）"
    state = state_of(*BRIDGE, headless, "城西社区卫生服务中心开诊")
    run(state, rules.build_sections, rules.attach_runs)
    assert [(s.head[0].text, len(s.body)) for s in state.sections] == [(BRIDGE[0], 2), ("城西社区卫生服务中心开诊", 1)]


def test_fallback_titles_keeps_an_unmatched_run_and_unplaces_a_lone_headline():
    state = State(items=[])
    orphan = state_of("无人认领的一段文字，讲的是另一件事。")
    lone = state_of("孤零零的标题")
    state.sections = [Section(body=orphan.items), Section(head=lone.items)]
    rules.fallback_titles(state)
    assert len(state.sections) == 1 and state.sections[0].fallback_title
    assert [i.text for i in state.unplaced] == ["孤零零的标题"]
    assert state.warnings and state.sections[0].warnings


def test_fallback_titles_keeps_a_lone_line_with_the_text_printed_right_above_it():
    # a subheading whose part was printed elsewhere, right under a paragraph of an article that has since
    # taken a continuation from further on: kept right after that paragraph, not left unplaced
    state = state_of(*TEA, "强品牌 茶叶走向全国", *BRIDGE, "茶叶合作社注册了青山县茶叶品牌。")
    tea, lone, bridge, tail = state.items[:3], state.items[3], state.items[4:7], state.items[7]
    state.sections = [Section(head=tea[:1], body=[*tea[1:], tail]), Section(head=[lone]),
                      Section(head=bridge[:1], body=bridge[1:])]
    rules.fallback_titles(state)
    assert not state.unplaced and len(state.sections) == 2
    assert [i.text for i in state.sections[0].body] == [TEA[1], TEA[2], "强品牌 茶叶走向全国", tail.text]


def test_warn_open_ends_flags_a_lost_column():
    cut = "北山林场组织护林员开展森林防火巡查。北山林场还在林区入口设置防火检查站，对进入林区的人员"
    state = run(state_of(TEA[0], cut), rules.build_sections, rules.warn_open_ends)
    assert [w.line for w in state.sections[0].warnings] == [3]


def test_warn_noise_flags_without_changing_the_text():
    state = run(state_of(TEA[0], "大桥建成后将缩短两岸 the 往来时间。"), rules.build_sections, rules.warn_noise)
    assert state.sections[0].warnings[0].line == 3
    assert " the " in state.sections[0].body[0].text


def test_split_glued_runs_moves_the_seam_up_over_a_weakly_worded_first_tail_block():
    weak = "这几年，大伙儿的日子越过越好，采茶的劲头更足了。"
    state = state_of(*TEA[:2], "东湖公园完成提升改造", "东湖公园新建了环湖步道和健身广场，吸引市民前来散步健身。",
                     "东湖公园管理处表示，将做好公园日常维护。", weak, TEA[2])
    run(state, rules.build_sections, rules.split_glued_runs)
    assert [i.text for i in state.sections[-1].body] == [weak, TEA[2]]
    assert state.sections[-1].headless


def test_split_glued_runs_finds_the_tail_of_a_headless_run():
    # a body whose headline was displaced (headless, left open) has its own tail glued further on
    clinic = "城西社区卫生服务中心开诊以来，日均接诊居民两百余人次，社区居民在家门口看病。"
    more = "城西社区卫生服务中心还为社区老人建立健康档案，城西社区的家庭医生定期上门随访。"
    state = state_of(*BRIDGE, clinic, *TEA[:2], more)
    run(state, rules.build_sections, rules.split_glued_runs)
    assert [i.text for i in state.sections[-1].body] == [more]
    assert state.sections[-1].headless


def test_split_glued_runs_cuts_another_articles_tail_from_under_a_headless_run():
    # a displaced headline's body (headless, after a sign-off) with an earlier open article's tail under it
    # (paragraphs as long as a paper prints them: a cosine between a few words is weak evidence)
    clinic = ["本报讯  城西社区卫生服务中心开诊以来，日均接诊居民两百余人次，社区居民在家门口看病。"
              "中心设有全科、中医、康复等科室，配备了数字化影像设备，常见病、多发病不出社区就能诊治。",
              "城西社区卫生服务中心还为社区老人建立健康档案，城西社区的家庭医生定期上门随访。"
              "行动不便的老人打一个电话，家庭医生就上门测血压、送药品，老人们都说方便多了。"]
    bridge_tail = ("西江大桥建设者克服高温天气影响，优化西江大桥施工方案，西江大桥主体工程提前合龙。"
                   "合龙后，西江大桥将进入桥面铺装和附属工程施工阶段，预计年底具备通车条件。")
    state = state_of(*BRIDGE[:2], *TEA, "（林晓）", *clinic, bridge_tail)
    run(state, rules.build_sections, rules.split_glued_runs)
    assert [[i.text for i in s.body] for s in state.sections if s.headless] == [clinic, [bridge_tail]]


BRIEFS = [
    "城乡快讯",
    "青山县图书馆延长夏季开放时间",
    "本报讯  暑期到来，青山县图书馆将开放时间延长至每晚九点，方便学生假期读书。",
    "（林晓）",
    "白云镇新建三座便民桥",
    "本报讯  近日，白云镇三座便民桥全部建成通行，沿河两岸村民出行不再绕路。（周文）",
]
LETTERS = [
    "读者来信",
    "老旧小区加装电梯要算好民生账",
    "青山县城关镇  陈  明",
    "我家住在一个建成二十多年的老旧小区，今年小区启动加装电梯，低层住户意见一时难以统一。",
    "乡村夜市也要管好卫生",
    "白云镇  刘  芳",
    "夏夜的乡村夜市热闹非凡，但也有摊主随手乱倒垃圾，建议镇里设置垃圾收集点。",
]


def test_gather_columns_makes_briefs_with_the_same_lead_tag_one_article_under_the_label():
    state = run(state_of(*BRIEFS), rules.build_sections, rules.gather_columns)
    assert heads(state) == [[(Role.TITLE, "城乡快讯")]]
    assert [(i.role, i.text) for i in state.sections[0].body if i.role == Role.SUB] == [
        (Role.SUB, BRIEFS[1]), (Role.SUB, BRIEFS[4])]


def test_gather_columns_makes_signed_letters_one_article_under_the_label():
    state = run(state_of(*LETTERS), rules.build_sections, rules.gather_columns)
    assert heads(state) == [[(Role.TITLE, "读者来信")]]
    assert len(state.sections[0].body) == 6


def test_gather_columns_leaves_a_single_item_as_kicker_and_title():
    state = run(state_of(*BRIEFS[:4], *BRIDGE), rules.build_sections, rules.gather_columns)
    assert heads(state)[0] == [(Role.KICKER, "城乡快讯"), (Role.TITLE, BRIEFS[1])]
    assert heads(state)[1] == [(Role.TITLE, BRIDGE[0])]


def test_gather_columns_needs_items_that_open_alike():
    # a place kicker over a title, then an ordinary article: no column
    state = run(state_of("青山县", *TEA, *BRIDGE), rules.build_sections, rules.gather_columns)
    assert heads(state) == [[(Role.KICKER, "青山县"), (Role.TITLE, TEA[0])], [(Role.TITLE, BRIDGE[0])]]


def test_build_sections_takes_a_sentence_long_headline_over_a_wire_lead_after_an_open_article():
    long_title = "青山县人民医院原党委副书记、副院长，县卫生健康局原局长某某严重违纪违法被开除党籍"
    lead = "本报青山8月30日电  经县委批准，县纪委监委对青山县人民医院原党委副书记某某进行了立案审查调查。"
    state = run(state_of(*TEA[:2], long_title, lead), rules.build_sections)
    assert heads(state) == [[(Role.TITLE, TEA[0])], [(Role.TITLE, long_title)]]


def test_build_sections_keeps_a_sentence_long_line_without_a_wire_lead_in_the_body():
    line = "青山县人民医院原党委副书记、副院长，县卫生健康局原局长某某今天到白云镇调研茶园建设情况"
    state = run(state_of(*TEA[:2], line, TEA[2]), rules.build_sections)
    assert heads(state) == [[(Role.TITLE, TEA[0])]]


QUESTION = "西江大桥主体工程合龙在即，两岸往来还要等多久？"


def test_build_sections_takes_a_question_headline_over_an_outlets_formula():
    lead = "某网8月5日电 西江大桥主体工程5日进入合龙阶段，建成后将缩短两岸往来时间。"
    state = run(state_of(*TEA[:2], QUESTION, lead), rules.build_sections)
    assert heads(state) == [[(Role.TITLE, TEA[0])], [(Role.TITLE, QUESTION)]]


def test_build_sections_keeps_a_question_with_a_comma_over_a_plain_lead_in_the_body():
    lead = "据某报5日报道，西江大桥主体工程已进入合龙阶段。"
    state = run(state_of(*TEA[:2], QUESTION, lead), rules.build_sections)
    assert heads(state) == [[(Role.TITLE, TEA[0])]]


def test_build_sections_takes_a_sentence_long_last_line_as_a_displaced_headline():
    state = run(state_of(*TEA, *BRIDGE[1:], QUESTION), rules.build_sections)
    assert heads(state)[-1] == [(Role.TITLE, QUESTION)] and not state.sections[-1].body


def test_set_aside_furniture_takes_page_lines_out_of_the_reading_order():
    cut = "青山县茶叶合作社统一收购新茶，茶园面积逐年扩大，茶叶品质稳步提升，茶农收入"
    page = ["2025年8月6日 星期三", "第3版 要闻", TEA[0], TEA[1], cut, "A03", "翻了一番。", "责任编辑：王五"]
    state = run(state_of(*page), rules.set_aside_furniture, rules.build_sections)
    assert [i.text for i in state.unplaced] == ["2025年8月6日 星期三", "第3版 要闻", "A03", "责任编辑：王五"]
    assert [w.line for w in state.warnings] == [1, 3, 11, 15]
    assert heads(state) == [[(Role.TITLE, TEA[0])]]
    assert [i.text for i in state.sections[0].body] == [TEA[1], cut, "翻了一番。"]


def test_build_sections_a_bare_credit_line_closes_the_article_above_it():
    state = run(state_of(*TEA[:2], "记者 张三 摄", TEA[2]), rules.build_sections)
    assert heads(state) == [[(Role.TITLE, TEA[0])], []]
    assert state.sections[0].closed and state.sections[0].body[-1].text == "记者 张三 摄"


def test_build_sections_a_pictures_credit_with_its_agency_does_not_close_the_article():
    # 某某摄（某社发） credits the picture its caption describes: the article goes on under it
    caption = "8月2日，青山县白云镇的茶农在采摘新茶。"
    state = run(state_of(*TEA[:2], caption, "李四摄（某某社发）", TEA[2]), rules.build_sections)
    assert len(state.sections) == 1 and not state.sections[0].closed
    assert state.sections[0].body[-1].text == TEA[2]


def test_build_sections_a_credit_line_after_a_sign_off_stays_with_the_signed_article():
    state = run(state_of(TEA[0], TEA[1] + "（林晓）", "记者 张三 摄", TEA[2]), rules.build_sections)
    assert [[i.text for i in s.body] for s in state.sections] == [[TEA[1] + "（林晓）", "记者 张三 摄"], [TEA[2]]]


def test_build_sections_a_credit_line_under_the_headline_opens_the_article():
    state = run(state_of(TEA[0], "本报记者 张三", *TEA[1:]), rules.build_sections)
    assert len(state.sections) == 1 and not state.sections[0].closed
    assert state.sections[0].body[0].opening


def test_build_sections_a_note_line_after_a_sign_off_stays_with_the_signed_article():
    state = run(state_of(*TEA[:2], "（作者为青山县茶叶站站长）", "投稿邮箱：tea@example.com（林晓）", *BRIDGE),
                rules.build_sections)
    assert [len(s.body) for s in state.sections] == [3, 2]
    assert state.sections[0].body[-1].feat.note


def test_split_glued_runs_never_splits_off_a_note_line():
    state = run(state_of(*TEA, "资料来源：青山县统计局", *BRIDGE[:2]), rules.build_sections, rules.split_glued_runs)
    assert state.sections[0].body[-1].text == "资料来源：青山县统计局"


def test_split_glued_runs_keeps_an_unsigned_source_line_under_its_text():
    # a source line names where the text came from, not who wrote it: it stays with the text above
    state = run(state_of(*BRIDGE[:2], *TEA, "(来源:西江日报)"), rules.build_sections, rules.split_glued_runs)
    assert state.sections[-1].head and state.sections[-1].body[-1].text == "(来源:西江日报)"


def test_a_signed_source_note_is_one_that_may_close_another_article():
    signed, unsigned = state_of("（摘编自《西江日报》）（周海）", "(来源:西江日报)").items
    assert rules._signed_source(signed) and not rules._signed_source(unsigned)


def test_stranger_a_tail_unlike_its_own_start_after_a_closed_sentence():
    cut = "青山县茶园面积扩大到三万亩，茶农收入增加，合作社统一收购，茶园成了"
    state = run(state_of(*TEA, cut, "致富园。"), rules.build_sections)
    sec = state.sections[0]
    assert rules._stranger(sec, 2, other=0.08, own=0.0)          # after a sentence's end
    assert not rules._stranger(sec, 2, other=0.08, own=0.05)     # it reads like its own start too
    assert not rules._stranger(sec, 2, other=0.04, own=0.0)      # too unlike the other article
    assert not rules._stranger(sec, 3, other=0.08, own=0.0)      # a seam cannot cut a sentence


def test_split_glued_runs_splits_off_a_short_tail_that_reads_like_an_open_article():
    state = run(state_of(BRIDGE[0], BRIDGE[1], *TEA, "同日，西江大桥建设者还举行了合龙仪式。"),
                rules.build_sections, rules.split_glued_runs)
    assert [s.body[0].text for s in state.sections][-1] == "同日，西江大桥建设者还举行了合龙仪式。"


MUSEUM = [
    "古镇博物馆开馆迎客",
    "近日，白沙古镇博物馆正式开馆，馆内展出石雕木刻三百余件。",
    "馆长林秋禾介绍，展品多由镇上居民捐赠，最早的一件刻于明代。",
]


def test_specifics_count_only_what_no_third_block_holds():
    state = state_of("林秋禾介绍展品", "馆长林秋禾说", "林秋禾又来了", "茶园里走出致富路")
    a, b, c, d = state.items
    assert state.shared([a], [b]) == 0          # 林秋禾 is in a third block too
    assert state.shared([a], [b, c]) == 1       # the name's one trigram; 秋禾介 is in a alone
    assert state.shared([d], [a, b, c]) == 0


def test_a_tail_sharing_names_with_an_open_article_and_none_with_its_own_start_is_split_off():
    tail = "林秋禾说，白沙古镇博物馆还将开设夜间场，让更多游客走近石雕木刻。"
    state = run(state_of(*MUSEUM, *TEA, tail), rules.build_sections)
    sec, where = state.sections[1], rules._whole(state.sections[0])
    assert rules._shares_specifics(state, sec, 2, where, other=0.05, own=0.0)
    assert not rules._shares_specifics(state, sec, 2, where, other=0.03, own=0.0)    # too unlike it
    assert not rules._shares_specifics(state, sec, 2, where, other=0.05, own=0.04)   # reads like its start too
    assert not rules._shares_specifics(state, sec, 1, where, other=0.05, own=0.0)    # a one-paragraph start


def test_no_specifics_split_at_a_contact_line_or_after_an_open_sentence():
    contact = "欢迎投稿白沙古镇博物馆，投稿邮箱：baisha@example.com。"
    state = run(state_of(*MUSEUM, *TEA, contact), rules.build_sections)
    assert not rules._shares_specifics(state, state.sections[1], 2, rules._whole(state.sections[0]),
                                       other=0.05, own=0.0)
    cut = TEA[2].rstrip("。") + "，白沙古镇博物馆"
    state = run(state_of(*MUSEUM, TEA[0], TEA[1], cut, "林秋禾说，石雕木刻还将外出巡展。"), rules.build_sections)
    assert not rules._shares_specifics(state, state.sections[1], 2, rules._whole(state.sections[0]),
                                       other=0.05, own=0.0)


def test_resolve_subheads_keeps_a_heading_over_a_numbered_list_in_its_article():
    # a heading whose first line under it is item 1 of a list heads part of the article: no article
    # opens with item 1, however unlike the article the items read
    state = run(state_of(*TEA, "求助汇总",
                         "1.西江大桥建设者克服高温天气影响，优化施工方案，大桥主体工程提前合龙。",
                         "2.本报西江8月5日电 西江大桥全长一千二百米，建成后将缩短两岸往来时间。"),
                rules.build_sections, rules.resolve_subheads)
    assert len(state.sections) == 1
    assert [i.role for i in state.sections[0].body if i.text == "求助汇总"] == [Role.SUB]
    assert "numbered list" in " ".join(state.sections[0].notes)


def test_resolve_subheads_opens_an_article_at_a_second_lead_formula():
    # summary paragraphs may come between a headline and its lead formula; a formula under a headline,
    # below an article that had its own, opens the next article
    state = run(state_of(*BRIDGE[:2], "茶园里走出致富路", "茶香飘满青山县。",
                         "本报青山8月6日电 青山县把茶叶产业作为富民产业，茶园面积扩大到三万亩。"),
                rules.build_sections, rules.resolve_subheads)
    assert [s.head[0].text for s in state.sections] == [BRIDGE[0], "茶园里走出致富路"]


def test_a_run_opening_with_a_lead_formula_continues_an_article_that_has_only_its_summary():
    # a headline over a summary paragraph and no formula lead yet may still receive its 本报讯 run,
    # printed away from it with no seam under another article
    state = run(state_of("茶园里走出致富路", "茶香飘满青山县，茶农日子越过越红火。", *BRIDGE[:2],
                         "本报青山8月6日电 青山县把茶叶产业作为富民产业，"
                         "青山县茶园面积扩大到三万亩，茶农收入翻了一番。"),
                *rules.RULES)
    tea = next(s for s in state.sections if s.head and s.head[0].text == "茶园里走出致富路")
    assert [i.text[:6] for i in tea.body] == ["茶香飘满青山", "本报青山8月"]
    assert len(state.sections) == 2


def _heading_group(text: str) -> Section:
    """A section whose head is the blocks of ``text`` (a group of heading lines), with no body."""
    return Section(head=[Item(b, features(b)) for b in split_blocks(text)], body=[])


def test_resolve_subheads_a_short_label_over_a_heading_may_be_a_subheading():
    # 某某讲述 over a part's heading, under a running article, with text that keeps naming what the
    # article names: both lines are subheadings of that article (the fitted model decides, as for one line)
    more = "青山县茶叶合作社注册茶叶品牌，青山县新茶销往全国，茶农收入稳定增长。"
    state = run(state_of(*TEA, "茶农讲述", "强品牌 茶叶走向全国", more), rules.build_sections, rules.resolve_subheads)
    assert len(state.sections) == 1
    assert [i.role for i in state.sections[0].body][-3:] == [Role.SUB, Role.SUB, Role.BODY]
    assert rules._labelled_subhead(_heading_group("茶农讲述\n\n强品牌 茶叶走向全国"))
    assert not rules._labelled_subhead(_heading_group("青山县白云镇茶叶合作社\n\n强品牌 茶叶走向全国"))  # a kicker


def test_resolve_subheads_a_statement_over_a_question_may_be_a_subheading():
    # a feature heads a part with two short lines, a statement and the question the part answers: under
    # a running article, over text that keeps naming what the article names, both lines are its
    # subheadings (the fitted model decides, as for one line), not a new kicker and title
    more = "青山县茶叶合作社注册茶叶品牌，青山县新茶销往全国，茶农收入稳定增长。"
    state = run(state_of(*TEA, "茶叶销路不愁", "茶农如何增收？", more), rules.build_sections, rules.resolve_subheads)
    assert len(state.sections) == 1
    assert [i.role for i in state.sections[0].body][-3:] == [Role.SUB, Role.SUB, Role.BODY]
    assert rules._question_subhead(_heading_group("茶叶销路不愁\n\n茶农如何增收？"))
    assert not rules._question_subhead(_heading_group("茶叶销路不愁\n\n茶农收入翻番"))           # no question: a kicker
    too_long = "青山县白云镇茶叶合作社负责人接受采访\n\n茶农如何增收？"
    assert not rules._question_subhead(_heading_group(too_long))


def test_resolve_subheads_the_label_of_a_box_inside_an_article_is_a_subheading():
    # 背景链接 over the background an article carries, under the running article: its subheading, never
    # a new article's headline (whatever the text under it opens with)
    box = "近日，青山县白云镇召开茶叶产业发展大会，部署新一季茶园管护。"
    for label in ("背景链接", "小贴士", "名词解释"):
        state = run(state_of(*TEA, label, box), rules.build_sections, rules.resolve_subheads)
        assert len(state.sections) == 1, label
        assert [i.role for i in state.sections[0].body][-2:] == [Role.SUB, Role.BODY]
    from newsgen.bulletin.rules.resolve_subheads import BOX_LABEL
    assert not BOX_LABEL.match("小城品牌，成于好口碑（记者手记）")   # a headline with a column tag
    assert not BOX_LABEL.match("链接全球市场")


def test_build_sections_a_post_over_a_named_turn_is_the_caption_of_who_speaks():
    # a broadcast transcript prints who speaks (their post) over their words (名字：…): the post line is
    # text of the running article, not a headline; an interview's headline over the asker's turn still heads
    turn = "王建国：今年茶园面积又扩大了，茶农收入还会增加。"
    state = run(state_of(*TEA, "青山县白云镇茶叶合作社理事长", turn), rules.build_sections)
    assert len(state.sections) == 1
    assert [i.text for i in state.sections[0].body][-2:] == ["青山县白云镇茶叶合作社理事长", turn]
    state = run(state_of(*TEA, "对话青山县县长", "记者：今年茶园面积扩大了多少？"), rules.build_sections)
    assert [s.head[0].text for s in state.sections if s.head][-1] == "对话青山县县长"


def test_split_glued_runs_keeps_a_summary_over_its_own_lead_formula():
    # some papers print a summary paragraph between a headline and its 本报讯: no seam at the formula
    state = run(state_of("茶园里走出致富路", "青山县茶叶产业带动茶农增收，茶园成了致富园。",
                         "本报讯 青山县把茶叶产业作为富民产业，青山县茶园面积扩大到三万亩，茶农收入翻了一番。",
                         TEA[2]),
                rules.build_sections, rules.resolve_subheads, rules.split_glued_runs)
    assert len(state.sections) == 1 and len(state.sections[0].body) == 3


FEATURE = [
    "一片茶叶富了青山县白云镇的乡亲们",
    "“今年的新茶，一斤能卖八百元！”白云镇茶农林秋禾捧着刚炒好的新茶，笑得合不拢嘴。",
    "白云镇万亩茶园依山而建，白云镇茶叶合作社带着林秋禾和乡亲们把茶园连成了片。",
]


def test_gather_feature_parts_keeps_a_series_of_parallel_parts_in_their_feature():
    # a feature with no lead and no sign-off, then parts under headings cut alike, shorter than its
    # title, whose text opens no lead and keeps naming the feature's own names: one article
    parts = ["种好茶 茶园连成片", "白云镇茶叶合作社请来农技员，林秋禾学会了修剪茶树，白云镇茶园亩产翻了一番。",
             "卖好茶 茶叶出山村", "白云镇茶叶合作社开了网店，林秋禾每天打包发货，白云镇新茶卖到了全国。"]
    state = run(state_of(*FEATURE, *parts), rules.build_sections)
    assert len(state.sections) == 3      # each heading opened an article on its own
    rules.gather_feature_parts(state)
    assert len(state.sections) == 1
    assert [i.role for i in state.sections[0].body if i.text in (parts[0], parts[2])] == [Role.SUB, Role.SUB]


def test_gather_feature_parts_needs_a_series_and_the_features_names():
    other = ["西江大桥合龙 两岸更近", "大桥建设者克服高温天气影响，优化施工方案，大桥主体工程提前合龙。",
             "夜市亮起来 县城更热闹", "入夜，步行街灯火通明，小吃摊前排起长队，夜市点亮县城烟火气。"]
    state = run(state_of(*FEATURE, *other), rules.build_sections)
    rules.gather_feature_parts(state)
    assert len(state.sections) == 3      # no names of the feature: articles of their own
    lone = ["种好茶 茶园连成片", "白云镇茶叶合作社请来农技员，林秋禾学会了修剪茶树，白云镇茶园亩产翻了一番。"]
    state = run(state_of(*FEATURE, *lone), rules.build_sections)
    rules.gather_feature_parts(state)
    assert len(state.sections) == 2      # one heading is no series
    news = [FEATURE[0], "本报讯 " + FEATURE[1], FEATURE[2]]
    state = run(state_of(*news, *lone, "卖好茶 茶叶出山村", lone[1]), rules.build_sections)
    rules.gather_feature_parts(state)
    assert len(state.sections) == 3      # a news report (a lead formula) is no feature


def test_resolve_subheads_opens_an_article_right_under_a_summarised_lead():
    # headline, a summary paragraph, the lead formula, then a heading: the report's text was printed
    # elsewhere, and the heading (however alike in subject) is the next article's
    state = run(state_of("茶园里走出致富路", "青山县茶叶产业带动茶农增收，茶园成了致富园。",
                         "本报讯 青山县把茶叶产业作为富民产业，青山县茶园面积扩大到三万亩。",
                         "青山县茶叶合作社拿起数字化工具", TEA[2]),
                rules.build_sections, rules.resolve_subheads)
    assert [s.head[0].text for s in state.sections] == ["茶园里走出致富路", "青山县茶叶合作社拿起数字化工具"]
    assert "summary and lead formula" in " ".join(state.sections[1].notes)


def test_resolve_subheads_a_lead_formula_under_a_heading_below_a_long_text_with_none_opens_an_article():
    # the article above has more text than any summary and no formula: it awaits none, so a formula
    # under the heading is the heading's own article's
    long_text = [f"青山县第{n}个茶叶合作社统一收购新茶，茶农收入翻了一番。" for n in range(1, 10)]
    state = run(state_of(TEA[0], *long_text, "西江大桥主体工程顺利合龙", *BRIDGE[1:]),
                rules.build_sections, rules.resolve_subheads)
    assert [s.head[0].text for s in state.sections] == [TEA[0], "西江大桥主体工程顺利合龙"]
    assert "a lead formula under it" in " ".join(state.sections[1].notes)


def test_a_stranger_after_a_lost_column_naming_an_open_article_is_split_off():
    # the paragraph before the tail is cut mid-sentence (the rest of its column was lost); the tail has
    # nothing of its own start and names what an open article names: it is that article's
    cut = TEA[2].rstrip("。") + "，合作社还将"
    tail = "林秋禾说，白沙古镇博物馆还将开设夜间场，让更多游客走近石雕木刻。"
    state = run(state_of(*MUSEUM, TEA[0], TEA[1], cut, tail), rules.build_sections)
    sec, where = state.sections[1], rules._whole(state.sections[0])
    assert sec.body[1].feat.ends_open
    assert rules._after_lost_column(state, sec, 2, where, other=0.08, own=0.0)
    assert not rules._after_lost_column(state, sec, 2, where, other=0.08, own=0.05)   # reads like its start
    assert not rules._after_lost_column(state, sec, 2, where, other=0.04, own=0.0)    # too unlike the other
    assert not rules._after_lost_column(state, sec, 1, where, other=0.08, own=0.0)    # no cut sentence before


def test_a_displaced_headlines_few_words_are_weighed_up_against_a_whole_articles():
    state = run(state_of(*TEA[:2], "西江大桥主体工程顺利合龙", "（林晓）", *BRIDGE[1:2]), rules.build_sections)
    body = next(s for s in state.sections if s.headless)
    headline = Section(head=[Item(state.items[2].block, state.items[2].feat, Role.TITLE)])
    scored = rules._pair_score(state, body, headline, leads=True)
    assert scored is not None and scored[1] == "headline"
    # the body opens like a lead (a dateline): an article's start, as a displaced headline's body is
    expected = rules.HEADLINE_WEIGHT * state.cosine(headline.text(), body.text()) + rules.HEADLINE_LEAD_BONUS
    assert abs(scored[0] - expected) < 1e-9


def test_a_headless_run_opening_like_a_lead_is_weighed_up_for_a_displaced_headline_only():
    # a run that opens mid-story (a moved tail) gains nothing; one that opens like a lead (据某报报道，,
    # a date) gains the bonus against a displaced headline, not as a continuation of an open article
    tail = "大桥建设者克服高温天气影响，优化西江大桥施工方案。"
    lead = "据西江日报5日报道，西江大桥主体工程顺利合龙，建成后将缩短两岸往来时间。"
    for text, bonus in ((tail, 0.0), (lead, rules.HEADLINE_LEAD_BONUS)):
        state = run(state_of(*TEA, "（林晓）", text, "西江大桥主体工程顺利合龙"), rules.build_sections)
        body = next(s for s in state.sections if s.headless)
        headline = state.sections[-1]
        scored = rules._pair_score(state, body, headline, leads=False)
        assert scored is not None and scored[1] == "headline"
        assert abs(scored[0] - rules.HEADLINE_WEIGHT * state.cosine(headline.text(), body.text()) - bonus) < 1e-9


def test_a_cut_paragraph_joins_a_block_that_completes_its_word():
    # 合|龙 is cut by the column break; 合龙 is written elsewhere in the bulletin, 合|建 is not
    cut = "西江大桥主体工程已于本月初顺利合"
    rest, other = "龙，建成后将缩短两岸往来时间。", "建设者克服高温天气影响，优化施工方案。"
    state = state_of(BRIDGE[0], "西江大桥主体工程合龙在即。", cut, rest, other)
    by_text = {i.text: i for i in state.items}
    assert rules._joins_word(state, by_text[cut], by_text[rest])
    assert not rules._joins_word(state, by_text[cut], by_text[other])


def test_resolve_subheads_opens_an_article_at_its_column_tag_again():
    # two pieces of one column (社评：…, 社评：…): no lead formula, one subject, but the second repeats the
    # tag of the first's headline, which a subheading never does
    first = ["评论：西江大桥建设要算好长远账", "西江大桥主体工程顺利合龙，两岸群众期盼已久，西江大桥的建设者功不可没。"]
    second = ["评论：西江大桥通车后更要管好用好",
              "西江大桥通车在即，西江大桥的管理养护同样要跟上，西江两岸群众期待更多。"]
    state = run(state_of(*first, *second), rules.build_sections, rules.resolve_subheads)
    assert [s.head[0].text for s in state.sections] == [first[0], second[0]]


def test_tag_again_needs_the_same_tag_on_the_running_articles_headline():
    a, b, c = (Section(head=[Item(blk, features(blk), Role.TITLE)], body=[]) for blk in
               split_blocks("【一线调研】村医夫妻\n\n【一线调研】家门口的医改\n\n家门口的医改\n"))
    assert rules._tag_again(b, a) and not rules._tag_again(c, a) and not rules._tag_again(a, Section())


LONG_HEAD = "西江大桥建设指挥部召开全体会议强调 抢抓工期确保质量安全 全力以赴推进西江大桥主体工程建设 按期实现合龙目标"


def test_a_long_line_of_phrases_over_a_lead_formula_is_a_headline():
    # longer than a headline line, no punctuation, phrases set apart by spaces, over an outlet's formula
    lead = "本台消息（晚间新闻）：西江大桥建设指挥部今天召开全体会议，部署大桥主体工程建设。"
    state = run(state_of(*BRIDGE, LONG_HEAD, lead, "会议要求，各参建单位要确保质量安全。"), rules.build_sections)
    assert heads(state)[-1] == [(Role.TITLE, LONG_HEAD)]
    # the same line over text with no formula is no headline (it stays text of the article above)
    state = run(state_of(*TEA, LONG_HEAD, TEA[2]), rules.build_sections)
    assert len(state.sections) == 1


def test_a_line_over_a_headline_that_reads_like_the_open_article_above_goes_back_to_it():
    # a subheading of the bridge report (its part printed elsewhere) right over the tea article's headline:
    # not the tea article's kicker
    stray = "西江大桥桥面铺装全面展开"
    state = run(state_of(BRIDGE[0], BRIDGE[1], stray, *TEA), rules.build_sections)
    assert heads(state)[-1] == [(Role.KICKER, stray), (Role.TITLE, TEA[0])]
    run(state, rules.return_stray_kickers)
    assert heads(state) == [[(Role.TITLE, BRIDGE[0])], [(Role.TITLE, TEA[0])]]
    assert state.sections[0].body[-1].text == stray and state.sections[0].body[-1].role is Role.SUB


def test_a_one_line_closing_sentence_that_reads_only_faintly_elsewhere_stays_where_it_was_printed():
    # even where the glued-tail decision says "another article's", a short last line that shares a name
    # and little else with an open article stays under the text it was printed under
    line = "周海、大桥建设者等参加上述活动。"
    state = state_of(BRIDGE[0], BRIDGE[1], *TEA, line)
    state.oracle = lambda name, items: True
    run(state, rules.build_sections, rules.split_glued_runs)
    assert [i.text for i in state.sections[-1].body] == [*TEA[1:], line]
    # one that reads like the open article at least GLUE_MIN is split off as before
    line = "西江大桥建设者参加了活动。"
    state = state_of(BRIDGE[0], BRIDGE[1], *TEA, line)
    state.oracle = lambda name, items: True
    run(state, rules.build_sections, rules.split_glued_runs)
    assert [i.text for i in state.sections[-1].body] == [line]


def test_a_line_of_prose_cut_at_a_column_break_is_joined_to_its_paragraph_not_a_subheading() -> None:
    """A heading-shaped first half of a paragraph (a clause's comma, no sentence end, a column's width)
    runs on into the next block: no `##` an editor never wrote; a short subheading with a comma stays."""
    from newsgen.bulletin import parse

    cut = "此外，合作社还邀请省里的茶叶专家为茶农答疑解惑，针对"
    rest = "茶农最关心的采摘和加工问题，给出了具体建议。"
    body = parse("\n\n".join([*TEA, cut, rest]) + "\n").drafts[0].body
    assert cut + rest in body and "## " not in body
    more = "茶叶合作社带动周边五个村发展茶园，茶农人均增收三千元。"
    kept = parse("\n\n".join([*TEA, "一片叶子，富了一方", more]) + "\n")
    assert "## 一片叶子，富了一方" in kept.drafts[0].body


# A policy document's article and another article's tail worded alike (《规划》强调, 《条例》明确):
# the tail glued under the second article after two paragraphs that go on with its short lead.
SUPPLY = [
    "江北供水规划发布",
    "本报讯 《江北城区供水专项规划》日前发布，江北城区将新建两座水厂，改造老旧供水管网一百二十公里。",
    "到2025年，江北城区供水普及率达到百分之百，供水管网漏损率控制在百分之九以内。",
]
SUPPLY_TAIL = "《规划》强调，各级政府要安排专项资金，加快江北水厂和城南水厂供水管网互联互通，建立应急供水机制。"
WETLAND = [
    "城南湿地保护条例施行",
    "本报讯 《城南湿地保护条例》今天起施行。",
    "《条例》明确，各级政府每年安排专项资金，建立生态补偿机制。",
    "《条例》还规定了法律责任，对违法行为加大处罚力度。",
]


def test_split_glued_runs_asks_about_the_seam_below_paragraphs_that_go_on_with_the_lead():
    # Weighed as a whole, the tail from the first paragraph under the lead reads least like the short
    # start (a headline and one sentence); each of the two paragraphs reads like that start more than
    # like the supply article, so the seam asked about is where the supply article's text begins.
    state = State(items=[], trace=[])
    assemble("\n\n".join(SUPPLY + WETLAND + [SUPPLY_TAIL]) + "\n", state)
    asked = [items for name, _cues, items in state.trace or [] if name == "glued_tail" and items[0].text == WETLAND[0]]
    assert asked and asked[0][-1].text == SUPPLY_TAIL


def test_resolve_subheads_keeps_the_next_numbered_part_in_its_article_over_a_dated_paragraph():
    # 一、… then 二、… under one running article: the second numbers the article's next part, even over a
    # paragraph that opens with a date as a lead does, and a subject of its own
    part_two = "今年3月5日，西江大桥建设者克服高温天气影响，优化施工方案，大桥主体工程提前合龙。"
    state = run(state_of(*TEA, "一、茶园面积扩大", "青山县茶园面积扩大到三万亩，青山县茶农收入翻了一番。",
                         "二、大桥提前合龙", part_two),
                rules.build_sections, rules.resolve_subheads)
    assert len(state.sections) == 1
    assert [i.text for i in state.sections[0].body if i.role is Role.SUB] == ["一、茶园面积扩大", "二、大桥提前合龙"]
    assert "next part" in " ".join(state.sections[0].notes)


def test_a_numbered_heading_with_no_previous_number_above_is_left_to_the_model():
    from newsgen.bulletin.rules.resolve_subheads import _numbered_next

    def section(text: str, role: Role = Role.TITLE) -> Section:
        blk = split_blocks(text + "\n")[0]
        return Section(head=[Item(blk, features(blk), role)], body=[])

    running = section("茶园里走出致富路")
    running.body = [section("一、茶园面积扩大", Role.SUB).head[0]]
    assert _numbered_next(section("二、大桥提前合龙"), running)
    assert not _numbered_next(section("三、大桥提前合龙"), running)      # a number skipped
    assert not _numbered_next(section("二是大桥提前合龙"), running)      # another notation
    assert not _numbered_next(section("大桥提前合龙"), running)


def test_ordinals_are_read_in_every_notation():
    from newsgen.bulletin.rules.resolve_subheads import ordinal

    assert ordinal("二、大桥合龙") == ("N、", 2)
    assert ordinal("（十二）大桥合龙") == ("（N）", 12)
    assert ordinal("二十三是大桥合龙") == ("N是", 23)
    assert ordinal("③大桥合龙") == ("N", 3)
    assert ordinal("其四，大桥合龙") == ("其N", 4)
    assert ordinal("12.大桥合龙") == ("N.", 12)
    assert ordinal("大桥合龙") is None


#: An unsigned article, and the body of a headline displaced to the page's end (a dated lead).
READING = [
    "城市书房开到家门口",
    "本报讯（记者吴敏）全市今年新建城市书房二十座，书房藏书总量超过十万册，市民凭借书证可以免费借阅。",
    "城市书房实行二十四小时开放，读者刷卡进门，自助借还图书，夜间也能安静读书。",
]
BOATS = [
    "鼓点声声里的龙舟情",
    "8月18日，第五届青溪湖龙舟邀请赛鸣锣开赛，来自十二个县区的龙舟队在湖面上奋楫争先。",
    "比赛设男子组和女子组，各队划手身着统一服装，伴着鼓点齐声呐喊，岸边观众掌声不断。",
]


def _placed(*blocks: str) -> list[tuple[str, list[str]]]:
    state = run(state_of(*blocks), rules.build_sections, rules.place_orphan_headlines)
    return [(s.head[0].text if s.head else "", [i.text for i in s.body]) for s in state.sections]


def test_a_headline_displaced_to_the_end_takes_a_lead_glued_under_an_article_it_reads_unlike():
    # the page's last line is a headline with no text under it: its article is printed elsewhere on the
    # page. Its body opens with a lead (a date) right under an unsigned article on another subject, with
    # no seam; the headline reads that run more like than the run reads like the article above it, and
    # takes it when the fitted model takes no start (a comment's headline shares few words with its text)
    assert _placed(*READING, *BOATS[1:], BOATS[0]) == [(READING[0], READING[1:]), (BOATS[0], BOATS[1:])]


def test_a_dated_paragraph_going_on_with_the_article_above_stays_with_it():
    # a paragraph that opens with a date but goes on with the article it is printed under is no start
    dated = "8月18日，城市书房举办龙舟主题读书会，读者在书房里交流读书心得，书房藏书也增加了新书。"
    assert _placed(*READING, dated, BOATS[0]) == [(READING[0], [*READING[1:], dated]), (BOATS[0], [])]


def test_a_displaced_headline_takes_no_lead_it_shares_nothing_with():
    # the headline must read the run more like than the run reads like the text above it
    assert _placed(*READING, *BOATS[1:], "秋粮收购工作全面展开") == \
        [(READING[0], [*READING[1:], *BOATS[1:]]), ("秋粮收购工作全面展开", [])]


def test_a_displaced_headline_placed_by_rule_prefers_a_formula_to_a_time_word():
    # a date or a time word opens many a paragraph inside an article; an outlet's formula opens only an
    # article: of the leads that read unlike the text above them, a formula-led one is taken first
    import importlib

    rule = importlib.import_module("newsgen.bulletin.rules.place_orphan_headlines")
    timed = state_of(READING[2], "今年以来，青溪湖龙舟队坚持训练，龙舟队员每天清晨在湖面上划桨。").items
    formula = state_of("本报讯 第五届青溪湖龙舟邀请赛昨天开赛。").items
    glued, headless = Section(head=[], body=timed), Section(body=formula)
    assert timed[1].feat.starts_lead and not timed[1].feat.wire_lead and formula[0].feat.wire_lead
    fits = [({"cosine": 0.2, "split": 0.0}, glued, 1), ({"cosine": 0.05, "split": 0.0}, headless, 0)]
    assert rule._unlike_lead(fits)[1:3] == (headless, 0)
    # without a formula among them, the one the headline reads most like
    dated = Section(body=state_of(BOATS[1]).items)
    assert rule._unlike_lead(fits[:1] + [({"cosine": 0.1, "split": 0.0}, dated, 0)])[1:3] == (glued, 1)


def test_the_heading_under_a_displaced_headlines_glued_body_is_weighed_again_against_it():
    # the heading right under the glued body was weighed (new article or subheading) against the article
    # the body was glued under, and read as a new article; weighed again against the displaced article
    # that it goes on from, it is that article's subheading
    sub = "划手们的坚守"
    part = "龙舟队的划手大多是附近村里的村民，每天傍晚在青溪湖上训练，划手们说，鼓点一响就停不下来。"
    state = state_of(*READING, BOATS[1], sub, part, BOATS[2], BOATS[0])
    items = state.items
    state.sections = [Section(head=items[:1], body=items[1:4]), Section(head=items[4:5], body=items[5:7]),
                      Section(head=items[7:])]
    rules.place_orphan_headlines(state)
    assert [(s.head[0].text, [i.text for i in s.body]) for s in state.sections] == \
        [(READING[0], READING[1:]), (BOATS[0], [BOATS[1], sub, part, BOATS[2]])]
    assert state.sections[1].body[1].role is Role.SUB


def test_resolve_subheads_a_lead_formula_under_a_heading_below_a_headless_run_opens_an_article():
    # issue 19: a headless run (a brief whose headline was lost, a tail printed away) awaits no formula:
    # summary paragraphs stand under a headline, so a formula under the heading below it is that
    # heading's own article's, however alike the two read
    run_text = "青山县茶叶合作社统一收购新茶，青山县茶农收入翻了一番，青山县茶园面积扩大到三万亩。"
    state = run(state_of(run_text, "青山县茶园面积扩大到三万亩",
                         "本报青山8月6日电 青山县茶叶合作社统一收购新茶，青山县茶园面积扩大到三万亩。"),
                rules.build_sections, rules.resolve_subheads)
    assert state.sections[0].headless
    assert [s.head[0].text if s.head else None for s in state.sections] == [None, "青山县茶园面积扩大到三万亩"]
    assert "a lead formula under it" in " ".join(state.sections[1].notes)


TEA_INTERVIEW = [
    "茶农谈茶园的致富路",
    "记者：这几年青山县的茶园面积扩大了多少，茶农的收入有了哪些变化，茶园给茶农带来了什么？",
    "林春茶：青山县茶园面积扩大到三万亩，茶农收入翻了一番，茶园成了茶农的致富园。",
    "记者：青山县的新茶如今都销往哪些地方，茶叶合作社在其中起了什么作用，茶农收入稳定吗？",
    "林春茶：青山县茶叶合作社统一收购新茶，青山县新茶销往全国，茶农收入稳定增长。",
]
TEA_MORE = [
    "青山县茶叶合作社注册茶叶品牌，青山县新茶销往全国，茶园面积扩大到三万亩。",
    "青山县茶农收入翻了一番，茶叶合作社统一收购新茶，茶园成了茶农的致富园。",
]


def test_resolve_subheads_a_heading_over_plain_text_below_an_interview_opens_an_article():
    # an interview printed as turns opens each of its parts with a turn (the next question): a heading
    # over plain paragraphs below it heads the next article, however much it reads like the interview
    state = run(state_of(*TEA_INTERVIEW, "青山县茶叶走向全国", *TEA_MORE), rules.build_sections, rules.resolve_subheads)
    assert [s.head[0].text for s in state.sections] == [TEA_INTERVIEW[0], "青山县茶叶走向全国"]
    assert "interview" in " ".join(state.sections[1].notes)


def test_resolve_subheads_a_heading_over_the_next_turn_of_an_interview_is_left_to_the_model():
    def section(*texts: str) -> Section:
        items = [Item(b, features(b)) for b in split_blocks("\n\n".join(texts) + "\n")]
        for item in items:
            item.role = Role.BODY
        return Section(body=items)
    interview, plain = section(*TEA_INTERVIEW[1:]), section(*TEA_MORE)
    assert _interview_ends(plain, interview)
    assert not _interview_ends(section("记者：茶农还有什么打算？", TEA_MORE[0]), interview)   # the next question
    assert not _interview_ends(section(TEA_MORE[0]), interview)                         # an answer cut short
    assert not _interview_ends(plain, section(*TEA_INTERVIEW[1:3]))                     # no asker twice


#: A made-up page of briefs on one subject (river floods), each headline right over its outlet's formula
#: but the first, whose brief opens with a plain sentence.
FLOOD_PAGE = [
    "青河沿岸乡镇转移群众", "青河水位继续上涨，青河沿岸乡镇转移群众，青河防汛指挥部发布洪水预警。",
    "青河防汛指挥部启动应急响应", "青河晚报讯 青河防汛指挥部启动应急响应，青河沿岸乡镇转移群众三千余人。",
    "青河水位超过警戒线", "本报讯 青河水位昨晚超过警戒线，沿河三个乡镇转移群众两千余人。",
    "白沙镇连夜加固河堤", "白沙网消息 白沙镇组织民兵连夜加固河堤，青河水位仍在上涨。",
]


def test_formula_page_needs_most_headings_right_over_a_formula():
    state = run(state_of(*FLOOD_PAGE), rules.build_sections)
    assert formula_page(state)
    # the same headings over plain text: a feature's parts, no formula page
    plain = [t.split(" ", 1)[-1] if n % 2 else t for n, t in enumerate(FLOOD_PAGE)]
    assert not formula_page(run(state_of(*plain), rules.build_sections))


def test_on_a_formula_page_a_heading_over_a_formula_opens_an_article_below_one_without():
    # the brief above opens with a plain sentence (no formula), and the next one is alike to it; on a
    # page whose headlines stand right over their formulas, a heading over a formula is a headline
    state = run(state_of(*FLOOD_PAGE), rules.build_sections, rules.resolve_subheads)
    assert [s.head[0].text for s in state.sections] == FLOOD_PAGE[::2]
    assert "on a page that prints its formulas" in " ".join(state.sections[1].notes)


#: A made-up page of two briefs about one official: the second's lead names him, and its next paragraph
#: reports what he said, worded much like the first brief (which is left open, unsigned).
SPEAKER_PAGE = ["张明考察青山县茶叶产业", "本报讯 市长张明昨天到青山县考察茶叶产业，走进茶园和茶厂。",
                "青山县茶园面积扩大到三万亩，茶农收入翻了一番，茶厂新建两条生产线。",
                "张明会见外地客商", "本报讯 市长张明今天会见来我市投资的外地客商。",
                "张明表示，青山县茶园面积扩大到三万亩，茶厂新建两条生产线，茶农收入翻了一番。"]


def test_split_glued_runs_keeps_what_the_one_a_short_start_names_said_under_it():
    # "X met Y" then "X said": however alike the quote reads to another open article about X, it is
    # the report's next paragraph, not a tail glued under it
    state = run(state_of(*SPEAKER_PAGE), *rules.RULES)
    assert [[i.text for i in s.head + s.body] for s in state.sections] == [SPEAKER_PAGE[:3], SPEAKER_PAGE[3:]]


def test_goes_on_with_speaker_needs_a_short_start_whose_headline_or_lead_names_the_speaker():
    sec = run(state_of(*SPEAKER_PAGE[3:]), rules.build_sections).sections[0]
    assert _goes_on_with_speaker(sec, 1)
    # the speaker named nowhere above the quote
    other = run(state_of(SPEAKER_PAGE[3], SPEAKER_PAGE[4], "李华表示，茶厂新建两条生产线。"),
                rules.build_sections).sections[0]
    assert not _goes_on_with_speaker(other, 1)
    # a long start: its wording is evidence enough, the model weighs it
    long = run(state_of(*SPEAKER_PAGE[3:5], "客商们参观了开发区。", "客商们参观了茶厂。", SPEAKER_PAGE[5]),
               rules.build_sections).sections[0]
    assert not _goes_on_with_speaker(long, 3)


def test_on_a_formula_page_a_heading_over_a_dated_lead_clause_opens_an_article():
    # the next brief on the page opens with when it happened, no formula: on this page a heading over
    # a lead's dated clause is a headline, however alike the brief above
    page = [*FLOOD_PAGE, "青河沿岸乡镇继续转移群众",
            "昨天凌晨，青河水位继续上涨，白沙镇组织民兵连夜加固河堤，青河沿岸乡镇继续转移群众。"]
    state = run(state_of(*page), rules.build_sections, rules.resolve_subheads)
    assert [s.head[0].text for s in state.sections] == page[::2]
    assert "on a page that prints its formulas" in " ".join(state.sections[-1].notes)
