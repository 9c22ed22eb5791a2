"""Long headlines (one line of phrases longer than a headline line): their shape in every notation, and
where they head an article. All examples are made up."""

from __future__ import annotations

import pytest

from newsgen.bulletin import parse, rules
from newsgen.bulletin.blocks import HEADLINE_MAX, features, flat, split_blocks
from newsgen.bulletin.headlines import bracket_tag, long_headline_shape
from newsgen.bulletin.sections import Item, Role, State
from newsgen.bulletin.similarity import Vectorizer

SPACED = "青山县召开乡村振兴工作推进会强调 抓实茶叶产业发展 建好宜居宜业和美乡村 让全县茶农的日子越过越红火"
DASHED = "让一片茶叶富了一方百姓——青山县白云镇发展生态茶产业带动全镇三千多户茶农增收致富走上幸福路的调查与思考"
COLON = "青山县委书记周海：抓实茶叶产业发展 建好宜居宜业和美乡村 让全县三千多户茶农的日子越过越红火越过越有奔头"
TAGGED = {
    "【】": "【乡村振兴在行动——县委书记谈发展】抓实茶叶产业发展 建好宜居宜业和美乡村 让全县三千多户茶农增收致富奔小康",
    "[]": "[乡村振兴在行动 县委书记谈发展]抓实茶叶产业发展 建好宜居宜业和美乡村 让全县三千多户茶农增收致富奔小康",
    "［］": "［乡村振兴在行动·县委书记谈发展］抓实茶叶产业发展 建好宜居宜业和美乡村 让全县三千多户茶农增收致富奔小康",
    "〖〗": "〖乡村振兴在行动·县委书记谈发展〗抓实茶叶产业发展 建好宜居宜业和美乡村 让全县三千多户茶农增收致富奔小康",
}
IDEOGRAPHIC = ("青山县召开乡村振兴工作推进会强调\u3000抓实茶叶产业发展\u3000建好宜居宜业和美乡村\u3000"
               "让全县三千多户茶农增收致富奔小康")
QUOTED = "青山县召开茶产业发展专题座谈会 围绕“守住生态底线，做强茶叶品牌，带动茶农增收”协商议事 县委书记周海出席"


@pytest.mark.parametrize("line", [SPACED, DASHED, COLON, IDEOGRAPHIC, QUOTED, *TAGGED.values()])
def test_a_line_of_phrases_in_any_notation_is_shaped_as_a_long_headline(line):
    assert len(line) > HEADLINE_MAX
    block = split_blocks(line + "\n")[0]
    f = features(block)
    assert long_headline_shape(line, HEADLINE_MAX) is not None
    assert f.long_head and f.candidate and f.weak and not f.ends_open


def test_a_bracketed_column_tag_is_read_in_every_bracket_and_only_with_words_in_it():
    assert bracket_tag(TAGGED["【】"]) == ("【乡村振兴在行动——县委书记谈发展】",
                                         "抓实茶叶产业发展 建好宜居宜业和美乡村 让全县三千多户茶农增收致富奔小康")
    for line in TAGGED.values():
        assert bracket_tag(line) is not None
    assert bracket_tag("[1]周海著《茶经新说》") is None            # a note's number
    assert bracket_tag("【据悉，白云镇今年新建茶园】三千亩") is None   # a clause in brackets
    assert bracket_tag("【乡村振兴在行动】") is None                # a bare label, no headline after it


@pytest.mark.parametrize("line", [
    # prose: a sentence with commas and a stop
    "近日，青山县召开乡村振兴工作推进会，会议强调，要抓实茶叶产业发展，建好宜居宜业和美乡村，让茶农增收。",
    # a long run with no separator at all: no headline is printed so
    "青山县召开乡村振兴工作推进会强调抓实茶叶产业发展建好宜居宜业和美乡村让全县茶农的日子越过越红火越过越有奔头",
    # keywords or names set apart by spaces: a list, no clause among them
    "关键词 茶叶 茶园 茶农 茶厂 茶市 茶旅 茶品 茶香 茶路 茶事 茶人 茶文 茶村 茶乡 茶山 茶道",
    # a list item
    "一、抓实茶叶产业发展 建好宜居宜业和美乡村 让全县茶农的日子越过越红火 让全县的生态茶园成为茶农的致富园",
    # a signature spaced out to the column's width
    "青山县白云镇人民政府  周海  青山县白云镇茶叶专业合作社  李春  青山县白云镇茶叶行业协会  王林",
    # a tag holding a clause
    "【据悉，白云镇今年新建茶园三千亩】抓实茶叶产业发展 建好宜居宜业和美乡村 让全县三千多户茶农增收致富奔小康",
    # a phrase longer than any headline's
    "青山县 召开乡村振兴工作推进会强调抓实茶叶产业发展建好宜居宜业和美乡村"
    "让全县三千多户茶农的日子越过越红火越过越有奔头让全县的生态茶园都成为茶农的致富园和幸福园",
    # ending on a colon: a line introducing what follows
    "青山县召开乡村振兴工作推进会强调 抓实茶叶产业发展 建好宜居宜业和美乡村 会议对全县各乡镇提出以下要求：",
])
def test_prose_lists_signatures_and_labels_are_no_long_headline(line):
    assert len(line) > HEADLINE_MAX
    assert not features(split_blocks(line + "\n")[0]).long_head


def test_a_bracketed_tag_before_a_place_label_may_be_followed_by_a_quotation():
    # 【栏目】某地：“…”… is a headline with a tag and a label, not a quotation introduced in a sentence
    assert features(split_blocks("【乡村振兴在行动】白云镇：“茶叶村”吃上“生态饭”\n")[0]).candidate
    assert not features(split_blocks("周海在会上说白云镇：“茶叶村”吃上“生态饭”\n")[0]).candidate


def test_a_short_headline_with_a_square_bracketed_tag_is_a_headline_line():
    assert features(split_blocks("[乡村振兴在行动]白云镇茶叶村吃上生态饭\n")[0]).candidate
    assert not features(split_blocks("[1]白云镇茶叶村吃上生态饭\n")[0]).candidate


TEA = [
    "茶园里走出致富路",
    "本报讯 近日，走进青山县白云镇的生态茶园，采茶工人正忙着采摘新茶。青山县把茶叶产业作为富民产业。",
    "青山县茶叶合作社统一收购新茶，茶农收入翻了一番，茶园成了茶农的致富园。（记者 周海）",
]
UNSIGNED = "青山县茶叶合作社统一收购新茶，茶农收入翻了一番，茶园成了茶农的致富园。"
PLAIN = "青山县乡村振兴工作推进会在县委礼堂召开，各乡镇和县直有关部门负责人参加会议。"
DAY_LEAD = "今日上午，青山县乡村振兴工作推进会在县委礼堂召开，县委书记周海出席会议并讲话。"


def state_of(*blocks: str) -> State:
    parsed = split_blocks("\n\n".join(blocks) + "\n")
    return State(items=[Item(b, features(b)) for b in parsed], vectorizer=Vectorizer(flat(b) for b in parsed))


def heads(*blocks: str) -> list[list[tuple[str, str]]]:
    state = state_of(*blocks)
    rules.build_sections(state)
    return [[(i.role, i.text) for i in s.head] for s in state.sections]


def test_a_long_headline_heads_an_article_over_a_lead_that_is_no_outlet_formula():
    assert heads(*TEA, SPACED, DAY_LEAD)[-1] == [(Role.TITLE, SPACED)]
    assert heads(*TEA[:2], UNSIGNED, TAGGED["【】"], DAY_LEAD)[-1] == [(Role.TITLE, TAGGED["【】"])]


def test_a_long_headline_heads_a_plain_paragraph_only_after_a_closed_article():
    assert heads(*TEA, DASHED, PLAIN)[-1] == [(Role.TITLE, DASHED)]
    assert heads(DASHED, PLAIN)[-1] == [(Role.TITLE, DASHED)]                # at the top of the bulletin
    assert len(heads(*TEA[:2], UNSIGNED, DASHED, PLAIN)) == 1                 # under text not signed off


def test_a_long_line_under_a_sentence_cut_short_is_text():
    cut = "青山县茶叶合作社统一收购新茶。茶农收入翻了一番，茶园成了"
    assert len(heads(*TEA[:2], cut, SPACED, DAY_LEAD)) == 1


def test_a_long_headline_last_in_the_bulletin_after_a_closed_paragraph_is_a_displaced_headline():
    assert heads(*TEA, SPACED)[-1] == [(Role.TITLE, SPACED)]


def test_a_long_line_of_phrases_under_a_title_is_its_subtitle():
    title = "茶园里走出致富路"
    assert heads(*TEA, title, SPACED, DAY_LEAD)[-1] == [(Role.TITLE, title), (Role.SUBTITLE, SPACED)]


def test_parse_finds_the_article_under_a_tagged_long_headline_after_a_signed_article():
    drafts = parse("\n\n".join([*TEA, TAGGED["【】"], DAY_LEAD, PLAIN]) + "\n").drafts
    assert [d.headline for d in drafts] == [[TEA[0]], [TAGGED["【】"]]]


def test_a_label_before_a_colon_and_a_quotation_is_a_headlines_label_unless_it_says_something():
    # a source or a speaker named before the colon heads the quotation: 某报署名文章：“…”，“…”
    assert features(split_blocks("青山日报署名文章：“等靠要”不可取，“苦干实干”才有出路\n")[0]).candidate
    assert features(split_blocks("县茶叶协会负责人：“生态茶”要卖出好价钱\n")[0]).candidate
    # a verb of saying before the colon: a quotation introduced in a sentence
    assert not features(split_blocks("周海在会上表示：“生态茶”要卖出好价钱\n")[0]).candidate
    assert not features(split_blocks("茶农李春告诉记者：“今年收入翻了一番”\n")[0]).candidate


def test_a_long_headline_printed_right_over_its_lead_is_cut_from_it():
    lead = "今日上午，青山县乡村振兴工作推进会在县委礼堂召开，\n县委书记周海出席会议并讲话。"   # wrapped
    blocks = split_blocks(SPACED + "\n" + lead + "\n")
    assert [b.text for b in blocks] == [SPACED, lead]
    assert features(blocks[0]).long_head
    # over a line that opens no lead it stays in its block (it may be text)
    assert len(split_blocks(SPACED + "\n" + PLAIN + "\n")) == 1


def test_a_long_headline_wrapped_over_two_headline_lines_is_one_long_headline():
    wrapped = "青山县召开乡村振兴工作推进会强调 抓实茶叶产业发展 建好宜居宜业和美乡村\n让全县三千多户茶农增收致富"
    assert len(wrapped.replace("\n", "")) > HEADLINE_MAX
    block = split_blocks(wrapped + "\n")[0]
    assert block.text == wrapped and features(block).long_head
    # two lines of a wrapped sentence are none
    sentence = "青山县召开乡村振兴工作推进会，会议强调要抓实茶叶产业发展\n建好宜居宜业和美乡村，让全县茶农增收致富"
    assert not features(split_blocks(sentence + "\n")[0]).long_head
