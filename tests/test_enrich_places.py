"""Place resolution: chains, bare names with the province prior and context, ambiguity, aliases, zones."""

from __future__ import annotations

import pytest

pytest.importorskip("jieba")

from newsgen.enrich.places import gazetteer, is_place_word, place_regions  # noqa: E402

ALIASES = {"宜春经开区": "江西省/宜春市/宜春经济技术开发区", "东临新区": "江西省/抚州市/东临新区"}


def regions(parts: list[tuple[str, str]], province: str | None = "江西省", aliases: dict[str, str] | None = None):
    return place_regions(parts, aliases or {}, province)


def test_index_is_built_from_jionlp_division_data() -> None:
    gaz = gazetteer()
    assert gaz.paths["沙井街道"].count(("江西省", "南昌市", "红谷滩区", "沙井街道")) == 1
    assert ("北京市", "朝阳区") in gaz.paths["朝阳区"]  # municipality level not repeated
    assert gaz.shorts["宜春"] == (("江西省", "宜春市"),)


def test_a_full_chain() -> None:
    r = regions([("title", "南昌市红谷滩区沙井街道开展邻里节"), ("lead", "活动吸引了众多居民。")], province=None)
    assert r.regions == ["江西省/南昌市/红谷滩区/沙井街道"]
    assert r.warnings == []


@pytest.mark.parametrize(("province", "expected"), [("江西省", "江西省/南昌市/西湖区"),
                                                    ("浙江省", "浙江省/杭州市/西湖区")])
def test_a_bare_county_resolves_with_the_province_prior(province: str, expected: str) -> None:
    r = regions([("title", "西湖区：城市更新见实效"), ("lead", "西湖区今年完成老旧小区改造。")], province)
    assert r.regions == [expected]


def test_a_bare_town_resolves_under_the_county_named_elsewhere() -> None:
    # 桃源街道 is in both 南昌市西湖区 and 上饶市弋阳县; the article names the county later.
    r = regions([("title", "桃源街道：老旧小区焕新颜"), ("lead", "近日，桃源街道完成改造。"),
                 ("body", "弋阳县住建局相关负责人介绍，明年还将继续推进。")])
    assert r.regions == ["江西省/上饶市/弋阳县/桃源街道"]
    assert r.warnings == []


def test_an_ambiguous_name_is_reported_not_guessed() -> None:
    r = regions([("title", "桃源街道：老旧小区焕新颜"), ("lead", "近日，桃源街道完成改造。")])
    assert len(r.warnings) == 1
    assert "ambiguous place '桃源街道'" in r.warnings[0]
    assert "江西省/上饶市/弋阳县/桃源街道" in r.warnings[0] and "江西省/南昌市/西湖区/桃源街道" in r.warnings[0]
    assert r.regions == ["江西省"]  # only what all candidates share


def test_an_ambiguous_county_without_a_prior_gives_no_region() -> None:
    r = regions([("title", "西湖区：城市更新见实效")], province=None)
    assert r.regions == []
    assert "ambiguous place '西湖区'" in r.warnings[0]


def test_an_alias_names_a_place_no_standard_list_has() -> None:
    r = regions([("kicker", "宜春经开区"), ("title", "党建聚链成势"), ("lead", "宜春经开区企业家座谈会召开。")],
                aliases=ALIASES)
    assert r.regions == ["江西省/宜春市/宜春经济技术开发区"]
    assert r.warnings == []
    assert "alias" in r.notes[0]


@pytest.mark.parametrize(("text", "line"), [
    ("宜春经开区企业家座谈会召开。", "  宜春经开区: 江西省/宜春市/宜春经开区"),
    ("抚州市东临新区实施一系列优惠措施。", "  东临新区: 江西省/抚州市/东临新区"),
])
def test_an_unknown_zone_is_reported_with_a_suggested_alias_line(text: str, line: str) -> None:
    r = regions([("title", "优化营商环境"), ("lead", text)])
    assert len(r.warnings) == 1
    assert r.warnings[0].splitlines()[-1] == line + "  # add to regions.aliases in newsgen.yaml"


def test_the_articles_own_place_not_every_place_it_names() -> None:
    r = regions([("title", "章贡区：做活政务公开"),
                 ("lead", "近日，赣州市章贡区赣江街道居民许阿姨欣慰地说。"),
                 ("body", "章贡区已实现344个事项与深圳南山区同事同标。章贡区累计公开信息。")])
    assert r.regions == ["江西省/赣州市/章贡区"]


def test_two_unrelated_places_in_the_headline_give_two_regions() -> None:
    r = regions([("title", "赣州市与深圳市签署合作协议"), ("lead", "近日，赣州市与深圳市签署合作协议。")])
    assert sorted(r.regions) == ["广东省/深圳市", "江西省/赣州市"]


def test_two_sibling_counties_give_their_common_city() -> None:
    r = regions([("title", "南昌县、进贤县联合开展禁渔"), ("lead", "南昌县、进贤县联合开展禁渔巡查。")])
    assert r.regions == ["江西省/南昌市"]


def test_no_place_no_region() -> None:
    assert regions([("title", "多措并举织密安全网"), ("lead", "为切实防范事故发生。")]).regions == []


@pytest.mark.parametrize("word", ["章贡区", "宜春", "南康", "芳华社区", "棠溪村", "宜春经开区"])
def test_place_words(word: str) -> None:
    assert is_place_word(word, ALIASES)


@pytest.mark.parametrize("word", ["产业链", "早稻", "党建"])
def test_not_place_words(word: str) -> None:
    assert not is_place_word(word, ALIASES)


def test_a_city_named_by_its_short_name_counts() -> None:
    # 赣州 without 市, many times; a one-off 古城区 (a county of 丽江 by that name) must not win.
    body = "赣州是一座历史文化名城。漫步赣州街头，古城区风貌依旧。赣州人热情好客。"
    r = regions([("title", "赣江水 赣州城"), ("body", body)], province=None)
    assert r.regions == ["江西省/赣州市"]


def test_a_short_name_that_is_also_a_common_word_is_not_a_place() -> None:
    # 大同 (a city of 山西) and 东方 (a city of 海南) are ordinary words here.
    r = regions([("title", "求大同存小异"), ("lead", "东方欲晓，大同之路在于合作。")], province=None)
    assert r.regions == []


def test_the_dateline_city_of_a_lead_is_the_place() -> None:
    r = regions([("title", "首批低租金床位集中揭牌"), ("lead", "本报上海7月20日电（记者田泓）近日，首批床位揭牌。")],
                province=None)
    assert r.regions == ["上海市"]


def test_one_passing_mention_in_the_body_is_not_the_place() -> None:
    r = regions([("title", "景区卫生间建设要跟上"), ("lead", "暑期出游人多，卫生间排长队。"),
                 ("body", "去年在漳州市的一处景区，笔者也遇到过这种情况。")], province=None)
    assert r.regions == []
