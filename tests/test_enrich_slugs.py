"""Pinyin slugs grouped by jieba words, polyphones from pypinyin's phrase data."""

from __future__ import annotations

import pytest

pytest.importorskip("jieba")

from newsgen.enrich.slugs import article_slug, phrase_slug  # noqa: E402


@pytest.mark.parametrize(("title", "slug"), [
    ("长沙", "changsha"),
    ("重庆", "chongqing"),
    ("广东", "guangdong"),
    ("说了算", "shuolesuan"),
    ("从“物业说了算”到“业主说了算”", "cong-wuye-shuolesuan-dao-yezhu-shuolesuan"),
    ("南康区：早稻收购全铺开", "nankangqu-zaodao-shougou-quan-pukai"),
])
def test_polyphones_and_word_groups(title: str, slug: str) -> None:
    assert phrase_slug(title) == slug


def test_the_example_headline() -> None:
    slug = phrase_slug("党建聚链成势 产业向新攀高")
    assert slug.startswith("dangjian-julian-chengshi-chanye-")
    assert slug.endswith("-pangao")


def test_long_titles_are_cut_at_a_word_boundary_in_order() -> None:
    slug = phrase_slug("长沙市重庆市广东省的一个非常非常长的标题继续写下去直到超过六十个字母为止")
    assert len(slug) <= 60
    assert slug == "changshashi-chongqingshi-guangdongsheng-de-yige-feichang"


def test_collisions_get_a_number() -> None:
    assert article_slug("长沙", set()) == "changsha"
    assert article_slug("长沙", {"changsha"}) == "changsha-2"
    assert article_slug("长沙", {"changsha", "changsha-2"}) == "changsha-3"


def test_a_title_without_words() -> None:
    assert article_slug("“……”", set()) == "article"
