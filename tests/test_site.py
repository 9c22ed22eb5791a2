"""The site model: ordering, region tree counts incl. descendants, topics, tags, archives, pagination."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from newsgen.config import Config
from newsgen.content import Article
from newsgen.errors import NewsgenError
from newsgen.site import build_site, paginate


def art(slug: str, date: dt.date | dt.datetime, regions: tuple[str, ...] = (), topics: tuple[str, ...] = (),
        tags: tuple[str, ...] = (), draft: bool = False, path: str | None = None) -> Article:
    return Article(path=Path(path or f"articles/{slug}.md"), title=slug, date=date, slug=slug, body="正文。",
                   regions=regions, topics=topics, tags=tags, draft=draft)


D = dt.date
CONFIG = Config(per_page=2)


def test_posts_are_newest_first_without_drafts_and_with_urls():
    site = build_site([
        art("old", D(2024, 12, 20)),
        art("new", D(2025, 8, 6)),
        art("draft", D(2025, 9, 1), draft=True),
        art("mid", D(2025, 7, 18)),
    ], CONFIG)
    assert [p.article.slug for p in site.posts] == ["new", "mid", "old"]
    assert [p.index for p in site.posts] == [0, 1, 2]
    assert site.posts[0].url == "2025/08/new/"
    assert site.posts[2].url == "2024/12/old/"
    assert site.drafts == 1


def test_order_is_deterministic_for_equal_dates_and_uses_time_of_day():
    site = build_site([
        art("b", D(2025, 8, 5), path="articles/b.md"),
        art("a", D(2025, 8, 5), path="articles/a.md"),
        art("evening", dt.datetime(2025, 8, 5, 20, 0, tzinfo=dt.UTC)),
        art("morning", dt.datetime(2025, 8, 5, 8, 0, tzinfo=dt.UTC)),
    ], CONFIG)
    assert [p.article.slug for p in site.posts] == ["evening", "morning", "a", "b"]
    again = build_site(list(reversed([p.article for p in site.posts])), CONFIG)
    assert [p.article.slug for p in again.posts] == ["evening", "morning", "a", "b"]


def test_previous_and_next_follow_publication_order():
    site = build_site([art("a", D(2025, 1, 1)), art("b", D(2025, 1, 2)), art("c", D(2025, 1, 3))], CONFIG)
    c, b, a = site.posts
    assert site.older(b) is a and site.newer(b) is c
    assert site.newer(c) is None and site.older(a) is None


def test_two_articles_with_one_url_are_an_error_naming_both_files():
    with pytest.raises(NewsgenError) as info:
        build_site([art("x", D(2025, 8, 1), path="articles/one.md"),
                    art("x", D(2025, 8, 9), path="articles/two.md")], CONFIG)
    assert str(info.value) == ("articles/two.md: same URL /2025/08/x/ as articles/one.md; "
                               "give one of them another 'slug'")


def test_region_tree_lists_own_and_descendants_articles_with_counts_at_every_level():
    site = build_site([
        art("luojia", D(2025, 8, 5), regions=("江西省/南昌市/青山湖区/罗家镇",)),
        art("shajing", D(2025, 8, 4), regions=("江西省/南昌市/红谷滩区/沙井街道",)),
        art("nanchang", D(2025, 8, 3), regions=("江西省/南昌市",)),
        art("zhanggong", D(2025, 8, 2), regions=("江西省/赣州市/章贡区",)),
        art("none", D(2025, 8, 1)),
    ], CONFIG)
    places = site.places
    counts = {path: place.count for path, place in places.items()}
    assert counts == {
        "江西省": 4,
        "江西省/赣州市": 1,
        "江西省/赣州市/章贡区": 1,
        "江西省/南昌市": 3,
        "江西省/南昌市/红谷滩区": 1,
        "江西省/南昌市/红谷滩区/沙井街道": 1,
        "江西省/南昌市/青山湖区": 1,
        "江西省/南昌市/青山湖区/罗家镇": 1,
    }
    assert list(places) == list(counts)     # pre-order, children by slug: ganzhou before nanchang
    nanchang = places["江西省/南昌市"]
    assert [site.posts[i].article.slug for i in nanchang.posts] == ["luojia", "shajing", "nanchang"]
    assert nanchang.own == 1
    assert nanchang.children == ("江西省/南昌市/红谷滩区", "江西省/南昌市/青山湖区")
    assert site.roots == ("江西省",)
    assert places["江西省/南昌市/青山湖区/罗家镇"].url == "regions/jiangxi/nanchang/qingshanhu/luojia/"
    assert places["江西省/南昌市/红谷滩区/沙井街道"].url == "regions/jiangxi/nanchang/honggutan/shajing/"
    trail = site.ancestry("江西省/南昌市/青山湖区/罗家镇")
    assert [p.name for p in trail] == ["江西省", "南昌市", "青山湖区", "罗家镇"]


def test_an_article_in_two_places_of_one_province_counts_once_there():
    site = build_site([art("both", D(2025, 8, 5), regions=("江西省/南昌市", "江西省/赣州市"))], CONFIG)
    assert site.places["江西省"].count == 1
    assert site.places["江西省/南昌市"].count == 1 and site.places["江西省/赣州市"].count == 1


def test_sibling_places_with_one_pinyin_get_numbered_slugs_deterministically():
    # 南康区 and 南康县 share the pinyin 'nankang' once their unit is dropped; 页 is never 'page'
    regions = ("江西省/赣州市/南康区", "江西省/赣州市/南康县")
    site = build_site([art("a", D(2025, 1, 1), regions=regions[:1]), art("b", D(2025, 1, 2), regions=regions[1:])],
                      CONFIG)
    urls = sorted(site.places[r].url for r in regions)
    assert urls == ["regions/jiangxi/ganzhou/nankang-2/", "regions/jiangxi/ganzhou/nankang/"]
    assert site.places["江西省/赣州市/南康区"].url.endswith("/nankang/")  # 区 < 县 in name order


def test_topics_and_tags_with_pinyin_slugs_and_collisions_resolved_by_name():
    site = build_site([
        art("a", D(2025, 8, 2), topics=("党建引领", "水利"), tags=("公式", "供水")),
        art("b", D(2025, 8, 1), topics=("水利",), tags=("攻势",)),
    ], CONFIG)
    assert [(t.name, t.slug, t.count) for t in site.topics] == [("党建引领", "dangjianyinling", 1),
                                                                ("水利", "shuili", 2)]
    assert site.topic_by_name["水利"].url == "topics/shuili/"
    tags = {t.name: t.slug for t in site.tags}
    assert tags["供水"] == "gongshui"
    assert {tags["公式"], tags["攻势"]} == {"gongshi", "gongshi-2"}
    assert tags["公式"] == "gongshi"          # 公 (U+516C) sorts before 攻 (U+653B)
    assert [site.posts[i].article.slug for i in site.topic_by_name["水利"].posts] == ["a", "b"]


def test_date_archives_by_year_and_month_newest_first():
    site = build_site([art("a", D(2025, 8, 6)), art("b", D(2025, 8, 5)), art("c", D(2025, 7, 18)),
                       art("d", D(2024, 12, 20))], CONFIG)
    assert [(y.year, y.url, len(y.posts)) for y in site.years] == [(2025, "archive/2025/", 3),
                                                                  (2024, "archive/2024/", 1)]
    assert [(m.month, m.url, len(m.posts)) for m in site.years[0].months] == [(8, "archive/2025/08/", 2),
                                                                             (7, "archive/2025/07/", 1)]


def test_pagination_numbers_pages_from_the_oldest():
    pages = paginate(list(range(5)), 2, "regions/jiangxi/")   # 0 is the newest
    assert [(p.number, p.items) for p in pages] == [(3, (0, 1)), (2, (1, 2)), (1, (3, 4))]
    assert [p.url for p in pages] == ["regions/jiangxi/", "regions/jiangxi/page/2/", "regions/jiangxi/page/1/"]
    assert pages[0].previous_url is None and pages[0].next_url == "regions/jiangxi/page/2/"
    assert pages[1].previous_url == "regions/jiangxi/" and pages[2].next_url is None
    assert all(p.count == 3 for p in pages) and pages[0].is_front


def test_adding_an_item_changes_the_front_and_at_most_one_numbered_page():
    def changed(old: list[int], new: list[int]) -> list[str]:
        before = {p.url: p.items for p in paginate(old, 3, "")}
        after = {p.url: p.items for p in paginate(new, 3, "")}
        return sorted(url for url in after.keys() | before.keys() if before.get(url) != after.get(url))

    items = list(range(10, 31))                             # 21 items: the front and pages 1-6
    assert changed(items[1:], items) == [""]                # 20 -> 21: only the front page
    assert changed(items, [9, *items]) == ["", "page/7/"]   # 21 -> 22: the front and a new page 7


def test_an_empty_listing_still_has_one_page():
    (only,) = paginate([], 20, "")
    assert only.items == () and only.url == "" and only.count == 1


def test_the_model_is_read_only():
    site = build_site([art("a", D(2025, 1, 1), regions=("江西省",))], CONFIG)
    with pytest.raises(TypeError):
        site.places["x"] = None  # type: ignore[index]
    with pytest.raises(AttributeError):
        site.posts[0].url = "x"  # type: ignore[misc]


def test_listings_are_those_of_each_article_in_turn_whatever_the_combinations():
    """The region tree and the terms are worked out once per combination of names (see site._grouped):
    each place, topic and tag lists exactly the articles that name it (a place: or a place in it),
    newest first, each once, as going through the articles one by one gives, with few combinations
    (grouped) and with nearly one per article (not)."""
    import random

    rng = random.Random(21)
    places = ["甲省", "甲省/乙市", "甲省/乙市/丙县", "甲省/丁市", "戊省/己市"]
    names = [f"词{i}" for i in range(40)]
    for spread in (3, 40):
        articles = [art(f"a{i}", D(2025, 1, 1) + dt.timedelta(days=i % 50),
                        regions=tuple(rng.sample(places, rng.randint(0, 3))),
                        topics=tuple(rng.choices(names[:spread], k=rng.randint(0, 2))),
                        tags=tuple(rng.sample(names[:spread], min(spread, rng.randint(0, 4)))))
                    for i in range(300)]
        site = build_site(articles, CONFIG)
        for place in site.places.values():
            assert place.posts == tuple(p.index for p in site.posts if any(
                r == place.path or r.startswith(place.path + "/") for r in p.article.regions))
            assert place.own == sum(place.path in p.article.regions for p in site.posts)
        for terms, field in ((site.topics, "topics"), (site.tags, "tags")):
            assert {t.name for t in terms} == {n for p in site.posts for n in getattr(p.article, field)}
            for term in terms:
                assert term.posts == tuple(p.index for p in site.posts if term.name in getattr(p.article, field))


@pytest.mark.parametrize("count", [3, 40])   # few combinations of tags (grouped), as many as articles (not)
def test_a_name_given_twice_by_one_article_lists_it_once(count: int):
    """An article naming a tag, topic or place twice is listed once under it, in order, however the
    names are gathered (by combination when few, one by one when nearly every article has its own)."""
    articles = [art(f"a{n}", dt.date(2025, 1, 1) + dt.timedelta(days=n), regions=("江西省", "江西省"),
                    topics=("党建", "党建"), tags=(f"t{n % count}", "共同", f"t{n % count}", "共同"))
                for n in range(40)]
    site = build_site(articles, Config())
    shared = site.tag_by_name["共同"]
    assert shared.posts == tuple(range(40)) and site.topic_by_name["党建"].posts == tuple(range(40))
    assert site.places["江西省"].posts == tuple(range(40)) and site.places["江西省"].own == 40
    for n in range(count):
        tag = site.tag_by_name[f"t{n}"]
        assert list(tag.posts) == sorted(set(tag.posts)) and len(tag.posts) == len(range(n, 40, count))
