"""Topics from the taxonomy (with the keywords that fired) and TF-IDF tags."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

pytest.importorskip("jieba")

from newsgen.config import Config, RegionsConfig, default_topics  # noqa: E402
from newsgen.enrich import enrich, split_lead  # noqa: E402
from newsgen.enrich.topics import extract_tags, pick_topics, score_topics  # noqa: E402

WATER = ("近日，为有效缓解季节性干旱对农作物的不利影响，"
         "南昌市青山湖区罗家镇在辖区棠溪村等村开展水利基础设施提升改造工程。\n\n"
         "在泵房建设与维修方面，该镇将新建3座泵房，为周边农田灌溉提供有力支撑。在水渠建设方面，多个村庄将同步开展新建及改建水渠工作，"
         "确保水源能够输送到每一块农田。该工程总投资约395.7万元，将有效改善多个村庄的灌溉条件。")


def test_default_taxonomy_has_fifteen_or_sixteen_topics() -> None:
    assert 15 <= len(default_topics()) <= 16
    assert all(len(words) >= 8 for words in default_topics().values())


def test_topics_come_from_the_taxonomy_with_the_keywords_that_fired() -> None:
    scores = pick_topics(score_topics("改善供水基础设施 保障民生用水安全", WATER, default_topics()))
    assert 1 <= len(scores) <= 3
    assert scores[0].topic == "水利"
    assert scores[0].fired["水渠"] == 2 and scores[0].fired["灌溉"] == 2
    assert "水渠×2" in scores[0].note()


def test_headline_keywords_weigh_more() -> None:
    taxonomy = {"交通": ["公路"], "教育": ["学校"]}
    body = "学校门前的公路。学校。"
    top = score_topics("公路通到家门口", body, taxonomy)[0]
    assert top.topic == "交通"


def test_at_least_one_topic_when_any_keyword_fires() -> None:
    scores = pick_topics(score_topics("一则短讯", "本文顺带提到一次学校。" * 30, {"教育": ["学校"]}))
    assert [s.topic for s in scores] == ["教育"]
    assert pick_topics(score_topics("一则短讯", "与任何主题无关。", {"教育": ["学校"]})) == []


def test_at_most_three_topics() -> None:
    taxonomy = {t: [t] for t in ("交通", "教育", "医疗", "旅游", "水利")}
    scores = pick_topics(score_topics("交通 教育 医疗 旅游 水利", "交通教育医疗旅游水利。", taxonomy))
    assert len(scores) == 3


def test_keywords_jieba_splits_are_matched_as_text() -> None:
    scores = score_topics("", "推进高效办成一件事改革，一件事一次办。", {"政务服务": ["一件事"]})
    assert scores[0].fired["一件事"] == 2


def test_tags_have_no_places_numbers_or_single_characters() -> None:
    tags = extract_tags("改善供水基础设施\n" + WATER, {})
    assert 1 <= len(tags) <= 8
    assert "水渠" in tags and "泵房" in tags
    for tag in tags:
        assert len(tag) > 1
        assert not re.search(r"\d", tag)
        assert not tag.endswith(("省", "市", "县", "区", "镇", "乡", "村", "街道"))
        assert tag not in ("青山湖", "罗家", "南昌", "棠溪")


def test_enrich_reports_regions_and_topics_in_notes() -> None:
    config = Config(regions=RegionsConfig(province="江西省"))
    result = enrich("改善供水基础设施 保障民生用水安全", None, None, WATER, config, {"gaishan-gongshui"})
    assert result.regions == ["江西省/南昌市/青山湖区/罗家镇"]
    assert result.topics[0] == "水利"
    assert result.notes[0].startswith("regions: 江西省/南昌市/青山湖区/罗家镇")
    assert result.notes[1].startswith("topics: 水利")
    assert result.slug == "gaishan-gongshui-jichusheshi-baozhang-minsheng-yongshui"


def test_a_site_taxonomy_replaces_the_default() -> None:
    config = Config(topics={"水务": ["泵房", "水渠"]})
    assert enrich("标题", None, None, WATER, config, set()).topics == ["水务"]


def test_split_lead_skips_headings() -> None:
    assert split_lead("## 小标题\n\n第一段。\n\n第二段。") == ("第一段。", "小标题\n\n第二段。")


def test_importing_the_package_loads_no_nlp() -> None:
    code = "import sys, newsgen.enrich; assert not {'jieba', 'jionlp', 'pypinyin'} & set(sys.modules)"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_keyword_brushing_past_gives_no_topic() -> None:
    # One 医疗 in a long diplomatic report is no reason to file it under 医疗卫生.
    body = ("会谈中，双方就深化务实合作、推动共建倡议交换了意见，一致同意加强人文交流与经贸往来。" * 6
            + "双方还将在医疗领域开展合作。")
    scores = score_topics("两国领导人举行会谈", body, default_topics())
    assert scores and scores[0].score < 2.0
    assert pick_topics(scores) == []


def test_the_report_says_why_no_topic_was_kept() -> None:
    body = "会谈中，双方就深化务实合作交换了意见。" * 8 + "双方还将在医疗领域开展合作。"
    notes = enrich("两国领导人举行会谈", None, None, body, Config(), set()).notes
    assert "topics: none above the threshold (best: 医疗卫生" in notes[-1]
    assert enrich("会谈", None, None, "双方交换了意见。", Config(), set()).notes[-1] == "topics: no keyword fired"
