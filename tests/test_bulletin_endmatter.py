"""End matter (navigation labels, source notes, credits lines, a sign-off alone) and extraction residue
(part-of-speech tags) in made-up bulletins: recognised by their kind, never as a headline (issue 19)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from newsgen.bulletin import parse
from newsgen.bulletin.blocks import features, split_blocks
from newsgen.bulletin.endmatter import CREDITS, NAVIGATION, SIGN_OFF_KIND, SOURCE, kind, lists_links, strip_tags
from newsgen.cli import main

# Two made-up web articles, each a headline over a lead with its formula, signed off.
TEA = ["青山县茶园迎来采摘旺季",
       "本报讯（记者 林晓）近日，青山县白云镇的生态茶园迎来采摘旺季，采茶工人正忙着采摘新茶。",
       "青山县茶叶合作社统一收购新茶，茶农收入比去年翻了一番。（林晓）"]
BRIDGE = ["西江大桥主体工程顺利合龙",
          "本报西江8月5日电（记者周海）西江大桥主体工程今天顺利合龙，大桥全长一千二百米。",
          "大桥建成后将缩短两岸往来时间，方便沿江群众出行。（周海）"]


def bulletin(*blocks: str) -> str:
    return "\n\n".join(blocks) + "\n"


def titles(text: str) -> list[tuple[str | None, str]]:
    return [(d.kicker, d.title) for d in parse(text).drafts]


# --- the recogniser: each kind, and headlines that only open with one of its words ---------------------

@pytest.mark.parametrize("line", ["【更多】", "（详情）", "更多>>", "更多》》", "点击查看", "相关阅读", "相关阅读：",
                                  "[更多精彩]", "阅读原文", "返回顶部", "▶查看更多", "点击这里了解详情>>",
                                  "延伸阅读", "【相关新闻】", "上一篇", "分享到：", "返回首页"])
def test_navigation_labels_are_end_matter(line):
    assert kind(line) == NAVIGATION


@pytest.mark.parametrize("line", ["来源：江城在线（记者 李明）", "数据来源：市统计局", "资料来源：省气象台",
                                  "(本文来源：江城晚报)", "（来源：某某新闻客户端）", "图片来源：网络",
                                  "摘自《江城晚报》", "来源 江城新闻网"])
def test_source_notes_are_end_matter(line):
    assert kind(line) == SOURCE


@pytest.mark.parametrize("line", ["(责任编辑：王芳)", "【编辑：周立】", "编辑 陈红 校对 刘洋", "［责编：孙伟］",
                                  "责任编辑：孙伟 审核：赵敏", "（编辑/李红 校对/张强）", "策划：王明 | 监制：赵亮"])
def test_credits_lines_are_end_matter(line):
    assert kind(line) == CREDITS


@pytest.mark.parametrize("line", ["（完）", "【全文完】", "-END-", "—完—"])
def test_a_sign_off_alone_is_end_matter(line):
    assert kind(line) == SIGN_OFF_KIND


@pytest.mark.parametrize("line", ["更多企业加入减排行动", "点击率创新高的背后", "相关部门回应群众关切",
                                  "返回家乡创业的年轻人", "阅读点亮乡村生活", "来源于生活的艺术", "来自基层的声音",
                                  "编辑部的故事", "详情请见公告栏", "帮忙>>>", "青山县茶园迎来采摘旺季", "专题", "评论",
                                  "完善服务体系"])
def test_headlines_are_not_end_matter(line):
    assert kind(line) is None
    block = split_blocks(line + "\n")[0]
    assert features(block).end_matter is None


def test_which_labels_list_links():
    assert all(lists_links(x) for x in ("相关阅读", "延伸阅读：", "【相关新闻】", "推荐阅读", "点击查看："))
    assert not any(lists_links(x) for x in ("更多>>", "[更多精彩]", "阅读原文", "返回顶部", "更多企业加入减排行动"))


def test_end_matter_is_no_headline_candidate():
    for line in ("更多>>", "相关阅读：", "来源：江城在线（记者 李明）", "(责任编辑：王芳)"):
        f = features(split_blocks(line + "\n")[0])
        assert f.end_matter and not f.candidate and not f.kicker_shaped


# --- in a bulletin: end matter closes the article above, the next headline stays a headline -----------

@pytest.mark.parametrize("line", ["【更多】", "（详情）", "更多>>", "点击查看", "相关阅读", "[更多精彩]", "阅读原文",
                                  "返回顶部", "来源：江城在线", "数据来源：市统计局", "(本文来源：江城晚报)",
                                  "(责任编辑：王芳)", "【编辑：周立】", "（完）", "-END-"])
def test_end_matter_closes_the_article_above(line):
    drafts = parse(bulletin(*TEA, line, *BRIDGE)).drafts
    assert [(d.kicker, d.title) for d in drafts] == [(None, TEA[0]), (None, BRIDGE[0])]
    assert drafts[0].body.endswith(line) and line not in drafts[1].body
    assert drafts[0].authors == ["林晓"] and drafts[1].authors == ["周海"]


def test_end_matter_under_an_unsigned_article_still_closes_it():
    unsigned = [TEA[0], TEA[1], "青山县茶叶合作社统一收购新茶，茶农收入比去年翻了一番。"]
    for line in ("更多>>", "点击查看", "来源：江城在线"):
        assert titles(bulletin(*unsigned, line, *BRIDGE)) == [(None, TEA[0]), (None, BRIDGE[0])]


def test_a_source_note_with_a_credit_signs_the_article_off():
    unsigned = [TEA[0], TEA[1], "青山县茶叶合作社统一收购新茶，茶农收入比去年翻了一番。"]
    drafts = parse(bulletin(*unsigned, "来源：江城在线（记者 李明）", *BRIDGE)).drafts
    assert [d.title for d in drafts] == [TEA[0], BRIDGE[0]]
    assert drafts[0].authors == ["李明"] and "来源：江城在线" in drafts[0].body


def test_a_real_headline_opening_with_a_navigation_word_stays_a_headline():
    head = "更多企业加入减排行动"
    lead = "本报讯（记者 王强）今年以来，江城市又有一百二十家企业签约参加减排行动，全市碳排放强度持续下降。"
    assert titles(bulletin(*TEA, head, lead)) == [(None, TEA[0]), (None, head)]


def test_links_listed_under_a_label_stay_with_the_article_above():
    links = ["江城市举办首届茶文化节", "白云镇茶农收入稳步增长"]
    drafts = parse(bulletin(*TEA, "相关阅读：", *links, *BRIDGE)).drafts
    assert [(d.kicker, d.title) for d in drafts] == [(None, TEA[0]), (None, BRIDGE[0])]
    assert all(link in drafts[0].body for link in links)
    assert drafts[0].authors == ["林晓"]


def test_one_link_under_a_label_is_no_kicker():
    drafts = parse(bulletin(*TEA, "相关阅读：", "江城市举办首届茶文化节", *BRIDGE)).drafts
    assert [(d.kicker, d.title) for d in drafts] == [(None, TEA[0]), (None, BRIDGE[0])]
    assert "江城市举办首届茶文化节" in drafts[0].body


def test_links_under_a_label_before_a_kicker_and_title():
    kicker = "江城市推进交通建设——"
    drafts = parse(bulletin(*TEA, "延伸阅读", "江城市举办首届茶文化节", kicker, *BRIDGE)).drafts
    assert [(d.kicker, d.title) for d in drafts] == [(None, TEA[0]), ("江城市推进交通建设——", BRIDGE[0])]


def test_a_more_label_lists_nothing():
    # 更多精彩 is itself the one link: a headline and a sentence-long first paragraph under it stay so
    text = "近日，江城市出台冷链物流建设方案，计划三年内新建冷库一百座，构建稳定、高效的农产品流通网络"
    more = "方案提出，到2027年全市冷库容量翻一番。"
    drafts = parse(bulletin(*TEA, "[更多精彩]", "构建农产品冷链物流网络", text, more)).drafts
    assert [d.title for d in drafts] == [TEA[0], "构建农产品冷链物流网络"]


def test_links_at_the_end_of_the_bulletin_are_all_links():
    drafts = parse(bulletin(*TEA, "相关新闻", "江城市举办首届茶文化节", "白云镇茶农收入稳步增长")).drafts
    assert [d.title for d in drafts] == [TEA[0]]


def test_an_editors_line_under_text_is_the_articles_end_matter():
    parsed = parse(bulletin(*TEA, "编辑 陈红 校对 刘洋", *BRIDGE))
    assert [d.title for d in parsed.drafts] == [TEA[0], BRIDGE[0]]
    assert parsed.drafts[0].body.endswith("编辑 陈红 校对 刘洋") and parsed.unplaced == []


def test_an_editors_line_on_a_printed_page_stays_page_furniture():
    parsed = parse(bulletin("2025年8月6日 星期三", "第3版 要闻", *TEA, "编辑 陈红 校对 刘洋", *BRIDGE))
    assert [d.title for d in parsed.drafts] == [TEA[0], BRIDGE[0]]
    assert [b.text for b in parsed.unplaced] == ["2025年8月6日 星期三", "第3版 要闻", "编辑 陈红 校对 刘洋"]


def test_an_editors_line_at_the_top_stays_page_furniture():
    parsed = parse(bulletin("编辑 陈红 校对 刘洋", *TEA, *BRIDGE))
    assert [d.title for d in parsed.drafts] == [TEA[0], BRIDGE[0]]
    assert [b.text for b in parsed.unplaced] == ["编辑 陈红 校对 刘洋"]


def test_nothing_is_lost_around_end_matter():
    text = bulletin(*TEA, "相关阅读：", "江城市举办首届茶文化节", "（责任编辑：王芳）", *BRIDGE, "更多>>")
    parsed = parse(text)
    used = sorted(b.first_line for d in parsed.drafts for b in d.blocks) + [b.first_line for b in parsed.unplaced]
    assert sorted(used) == [b.first_line for b in split_blocks(text)]


# --- extraction residue: part-of-speech tags in a headline ----------------------------------------------

@pytest.mark.parametrize(("line", "clean", "tags"), [
    ("北京/ns 召开/v 会议/n", "北京召开会议", ["/ns", "/v", "/n"]),
    ("青山县茶园迎来采摘旺季/n", "青山县茶园迎来采摘旺季", ["/n"]),
    ("青山县/ns茶园/n迎来/v", "青山县茶园迎来", ["/ns", "/n", "/v"]),
    ("“茶香”/nz 飘/v 万家/n", "“茶香”飘万家", ["/nz", "/v", "/n"]),
    ("江城/ns 推进/v 5G/nx 建设/vn", "江城推进5G/nx 建设", ["/ns", "/v", "/vn"]),   # after Latin: left
    ("新款/n iPhone/nx 15/m 发布/v", "新款iPhone/nx 15发布", ["/n", "/m", "/v"]),
    ("江城/ns 新建/v 120/m 所/q 学校/n", "江城新建120所学校", ["/ns", "/v", "/m", "/q", "/n"]),
])
def test_tags_are_stripped(line, clean, tags):
    assert strip_tags(line) == (clean, tags)


@pytest.mark.parametrize("line", ["猪肉价格降至每公斤20元/kg", "时速350公里/h", "中国/A股全线上涨", "5G/AI融合发展",
                                  "沪/深两市成交活跃", "青山县/n 茶园迎来采摘旺季", "江城市 2025/26 赛季开幕"])
def test_what_is_not_clearly_a_tag_stays(line):
    assert strip_tags(line) == (line, [])


def test_a_tagged_headline_is_still_a_headline_and_the_removal_is_noted():
    tagged = "青山县/ns 茶园/n 迎来/v 采摘/v 旺季/n"
    drafts = parse(bulletin(tagged, *TEA[1:], *BRIDGE)).drafts
    assert [d.title for d in drafts] == [TEA[0], BRIDGE[0]]
    assert drafts[0].headline == [tagged]       # the line as printed is kept
    assert any("extraction tags removed" in note and "/ns" in note for note in drafts[0].notes)


def test_a_stray_tag_at_the_end_of_a_headline():
    drafts = parse(bulletin(*TEA, BRIDGE[0] + "/n", *BRIDGE[1:])).drafts
    assert [d.title for d in drafts] == [TEA[0], BRIDGE[0]]


def test_tags_in_body_text_are_left_alone():
    body = "青山县/ns 茶农/n 今年/t 增收/v 明显/a ，茶叶合作社统一收购新茶。"
    drafts = parse(bulletin(*TEA[:2], body, *BRIDGE)).drafts
    assert body in drafts[0].body


def test_import_report_notes_the_removed_tags(tmp_path: Path):
    source = tmp_path / "tagged.txt"
    source.write_text(bulletin("青山县/ns 茶园/n 迎来/v 采摘/v 旺季/n", *TEA[1:], *BRIDGE), encoding="utf-8")
    site = tmp_path / "site"
    site.mkdir()
    report_path = tmp_path / "report.json"
    assert main(["import", str(source), "--site", str(site), "--date", "2025-08-06",
                 "--report", str(report_path)]) == 0
    report = json.loads(report_path.read_text(encoding="utf-8"))
    first = report["articles"][0]
    assert first["title"] == TEA[0]
    assert any("extraction tags removed" in note for note in first["notes"])
    meta = yaml.safe_load((site / first["path"]).read_text(encoding="utf-8").split("---")[1])
    assert meta["title"] == TEA[0]
    assert meta["source"]["headline"] == ["青山县/ns 茶园/n 迎来/v 采摘/v 旺季/n"]
