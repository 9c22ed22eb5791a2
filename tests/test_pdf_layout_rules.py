"""Layout cues in the one parser (newsgen.bulletin.layout and the rules that read them): a bulletin with
cues, as the PDF front end makes it, one block a line; a text bulletin (no cues) parses as before."""

from __future__ import annotations

import pytest

from newsgen.bulletin import parse, rules
from newsgen.bulletin.blocks import Block, features
from newsgen.bulletin.layout import BODY, DECK, KICKER, SUBHEADING, TITLE, Layout, apply

LEAD = "本报讯 近日，某县召开乡村振兴工作推进会，部署下一阶段重点任务，要求各乡镇把产业发展放在突出位置。"
MORE = "会议指出，要聚焦特色产业，建强村级组织，让群众在家门口增收致富，推动乡村全面振兴取得新进展。"
LAST = "据了解，今年以来全县已新建产业基地十二个，带动农户增收三千余户。"


def _bulletin(blocks: list[tuple[str, Layout]]) -> tuple[str, dict[int, Layout]]:
    text = "\n\n".join(t for t, _ in blocks)
    return text, {2 * n + 1: cue for n, (_, cue) in enumerate(blocks)}


def test_type_decides_whether_a_line_is_a_headline_line() -> None:
    short = Block(0, 1, 1, "群众满意度持续提升")          # headline-shaped, set in the text type
    f = features(short)
    assert f.candidate
    apply(f, Layout(BODY))
    assert not f.candidate
    long = Block(0, 1, 1, "以中国式现代化全面推进强国建设民族复兴伟业，习近平总书记的重要讲话在各地引起热烈反响")
    g = features(long)
    assert not g.candidate or g.weak
    apply(g, Layout(TITLE))
    assert g.candidate and not g.weak
    k = features(Block(0, 1, 1, "深入基层 走进一线"))
    apply(k, Layout(KICKER))
    assert k.kicker_shaped
    d = features(Block(0, 1, 1, "某县多措并举推动产业发展"))
    apply(d, Layout(DECK))
    assert d.subtitle_shaped


def test_kicker_title_and_deck_come_from_the_type() -> None:
    head = ("深入基层 走进一线", "某县乡村振兴跑出加速度", "产业兴旺 农民增收")
    text, cues = _bulletin([(head[0], Layout(KICKER, story=1)), (head[1], Layout(TITLE, story=1)),
                            (head[2], Layout(DECK, story=1)), (LEAD, Layout(BODY, story=1)),
                            (MORE, Layout(BODY, story=1))])
    drafts = parse(text, cues).drafts
    assert [(d.kicker, d.title, d.subtitle) for d in drafts] == [head]


def test_a_heading_in_a_subheadings_type_stays_in_its_article(monkeypatch: pytest.MonkeyPatch) -> None:
    other = "本报讯 城区新增公共停车位五百个，停车难问题得到有效缓解，市民出行更加便利。（记者 钱七）"
    blocks = [("某县乡村振兴跑出加速度", Layout(TITLE, story=1)), (LEAD, Layout(BODY, story=1)),
              ("产业兴 百姓富", Layout(SUBHEADING, story=1, bold=True)), (other, Layout(BODY, story=1))]
    text, cues = _bulletin(blocks)
    drafts = parse(text, cues).drafts
    assert len(drafts) == 1 and "## 产业兴 百姓富" in drafts[0].body
    off = ("layout_subheads", "layout_stories")
    monkeypatch.setattr(rules, "RULES", [r for r in rules.RULES if r.__name__ not in off])
    assert len(parse(text, cues).drafts) == 2      # without the rules, the heading opens an article of its own


def test_text_under_its_headline_stays_with_it_after_a_credit(monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = [("某县乡村振兴跑出加速度", Layout(TITLE, story=7)), ("（记者 张三 通讯员 李四）", Layout(BODY, story=7)),
              (LEAD, Layout(BODY, story=7)), (MORE, Layout(BODY, story=7)), (LAST, Layout(BODY, story=7)),
              ("城区新增公共停车位五百个", Layout(TITLE, story=8)), (MORE, Layout(BODY, story=8))]
    text, cues = _bulletin(blocks)
    drafts = parse(text, cues).drafts
    assert [d.title for d in drafts] == ["某县乡村振兴跑出加速度", "城区新增公共停车位五百个"]
    assert LAST in drafts[0].body and LEAD.split(" ")[1][:10] in drafts[0].body
    monkeypatch.setattr(rules, "RULES", [r for r in rules.RULES if r.__name__ != "layout_stories"])
    assert LAST not in parse(text, cues).drafts[0].body   # the credit closed the article: its text went astray


def test_a_text_bulletin_parses_as_without_cues() -> None:
    text = "\n\n".join(["某县乡村振兴跑出加速度", LEAD, MORE, "城区新增公共停车位五百个", MORE])
    assert parse(text) == parse(text, None) == parse(text, {})
