"""The machine-read output: Atom feeds, sitemap.xml, robots.txt, and the article pages' head metadata.

Built under a sub-path ``base_url`` (``https://example.org/archive/``), where absolute URLs
are easiest to get wrong. Every XML file is parsed with ElementTree.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from linkcheck import check_links
from newsgen.commands.build import BuildResult, build
from newsgen.config import Config
from newsgen.content import Article
from newsgen.errors import NewsgenError
from newsgen.render import make_environment, plan_pages, render_page
from newsgen.render.feeds import FEED_SIZE, xml_text
from newsgen.render.meta import script_json
from newsgen.render.views import Views
from newsgen.site import build_site

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixtures" / "site"
BASE = "https://example.org/archive/"
A = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
DANGJIAN = "2025/08/dangjian-julian-chengshi/"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildResult]:
    out = tmp_path_factory.mktemp("feeds") / "build"
    return out, build(FIXTURE, out, base_url=BASE)


def parse(path: Path) -> ET.Element:
    return ET.parse(path).getroot()


def feeds_of(out: Path) -> dict[str, ET.Element]:
    return {p.relative_to(out).as_posix(): parse(p) for p in sorted(out.rglob("feed.xml"))}


def entries(feed: ET.Element) -> list[ET.Element]:
    return feed.findall(f"{A}entry")


def alternate(element: ET.Element) -> str:
    return next(link.get("href", "") for link in element.findall(f"{A}link") if link.get("rel") == "alternate")


# --------------------------------------------------------------------------- Atom feeds

def test_a_feed_beside_the_home_every_region_and_every_topic_page(built: tuple[Path, BuildResult]):
    out, result = built
    regions = {p.parent for p in (out / "regions").rglob("index.html") if "page" not in p.parts} - {out / "regions"}
    topics = {p.parent for p in (out / "topics").rglob("index.html") if "page" not in p.parts} - {out / "topics"}
    expected = {"feed.xml"} | {f"{d.relative_to(out).as_posix()}/feed.xml" for d in regions | topics}
    assert set(feeds_of(out)) == expected and len(expected) == 17
    assert not list((out / "tags").rglob("feed.xml"))      # the layout gives tags no feed
    sitemaps = len(list((out / "sitemaps").glob("*.xml")))    # pages, and one a year of articles
    assert result.files == len(expected) + 1 + sitemaps + 1  # and sitemap.xml (the index), robots.txt
    assert result.warnings == []                             # a full base_url: nothing to warn about


def test_every_feed_is_well_formed_atom_with_the_required_elements(built: tuple[Path, BuildResult]):
    out, _ = built
    for name, feed in feeds_of(out).items():
        assert feed.tag == f"{A}feed", name
        assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh-CN"
        for tag in ("id", "title", "updated", "author"):
            assert feed.find(f"{A}{tag}") is not None, (name, tag)
        links = {link.get("rel"): link for link in feed.findall(f"{A}link")}
        assert links["self"].get("href") == BASE + name and links["self"].get("type") == "application/atom+xml"
        assert feed.findtext(f"{A}id") == BASE + name
        times = []
        for entry in entries(feed):
            for tag in ("id", "title", "updated", "published", "content"):
                assert entry.findtext(f"{A}{tag}"), (name, tag)
            assert entry.find(f"{A}content").get("type") == "html"
            times.append(dt.datetime.fromisoformat(entry.findtext(f"{A}published")))
        assert times == sorted(times, reverse=True), name          # newest first
        # the feed's time is its newest entry's, not the wall clock
        assert feed.findtext(f"{A}updated") == max(e.findtext(f"{A}updated") for e in entries(feed))


def test_entry_counts_follow_the_listings(built: tuple[Path, BuildResult]):
    out, _ = built
    feeds = feeds_of(out)
    counts = {name: len(entries(feed)) for name, feed in feeds.items()}
    assert counts["feed.xml"] == 5
    assert counts["regions/jiangxi/feed.xml"] == 5
    assert counts["regions/jiangxi/nanchang/feed.xml"] == 3
    assert counts["regions/jiangxi/nanchang/qingshanhu/luojia/feed.xml"] == 1
    assert counts["topics/dangjianyinling/feed.xml"] == 1
    assert [alternate(e) for e in entries(feeds["feed.xml"])] == [
        BASE + "2025/08/dangjian-julian-chengshi/", BASE + "2025/08/gaishan-gongshui-jichu-sheshi/",
        BASE + "2025/08/cong-wuye-shuolesuan-dao-yezhu-shuolesuan/", BASE + "2025/07/zhanggong-zhengwu-gongkai/",
        BASE + "2024/12/nanchang-dongji-gongshui/"]
    assert alternate(feeds["regions/jiangxi/nanchang/feed.xml"]) == BASE + "regions/jiangxi/nanchang/"


def test_an_entry_carries_ids_times_authors_topics_summary_and_escaped_content(built: tuple[Path, BuildResult]):
    out, _ = built
    entry = entries(parse(out / "feed.xml"))[0]
    assert entry.findtext(f"{A}id") == "tag:example.org,2025-08-06:2025/08/dangjian-julian-chengshi/"
    assert entry.findtext(f"{A}title") == "党建聚链成势 产业向新攀高——把党组织建在产业链上"
    assert alternate(entry) == BASE + DANGJIAN
    assert entry.findtext(f"{A}published") == entry.findtext(f"{A}updated") == "2025-08-06T00:00:00+08:00"
    assert [a.findtext(f"{A}name") for a in entry.findall(f"{A}author")] == ["卢鸿", "张辉云"]
    assert [c.get("term") for c in entry.findall(f"{A}category")] == ["党建引领", "产业发展"]
    assert entry.findtext(f"{A}summary", "").startswith("走进宜春国轩电池有限公司生产车间内")
    content = entry.findtext(f"{A}content", "")
    assert content.startswith('<p class="kicker">宜春经开区</p>')        # the 引题 opens the content
    assert "<h2>强引领 党组织建在产业链上</h2>" in content and "<strong>链上企业</strong>" in content
    raw = (out / "feed.xml").read_text(encoding="utf-8")
    assert "&lt;h2&gt;强引领" in raw                                       # escaped, not raw markup


def test_an_article_has_one_id_in_every_feed(built: tuple[Path, BuildResult]):
    out, _ = built
    ids: dict[str, set[str]] = {}
    for feed in feeds_of(out).values():
        found = [e.findtext(f"{A}id", "") for e in entries(feed)]
        assert len(found) == len(set(found))
        for entry in entries(feed):
            ids.setdefault(alternate(entry), set()).add(entry.findtext(f"{A}id", ""))
    assert len(ids) == 5 and all(len(v) == 1 for v in ids.values())


def test_home_region_and_topic_pages_announce_and_link_their_feed(built: tuple[Path, BuildResult]):
    out, _ = built
    for page, feed in [("index.html", "feed.xml"), ("page/2/index.html", "feed.xml"),
                       ("regions/jiangxi/nanchang/index.html", "regions/jiangxi/nanchang/feed.xml"),
                       ("topics/shuili/index.html", "topics/shuili/feed.xml")]:
        html = (out / page).read_text(encoding="utf-8")
        href = f"/archive/{feed}"
        assert re.search(rf'<link rel="alternate" type="application/atom\+xml" title="[^"]+" href="{href}">',
                         html), page
        assert f'<a href="{href}" type="application/atom+xml">' in html, page
        assert (out / feed).is_file()
    assert "application/atom+xml" not in (out / DANGJIAN / "index.html").read_text(encoding="utf-8")


def test_link_checker_covers_feeds_sitemap_and_robots(built: tuple[Path, BuildResult], tmp_path: Path):
    out, _ = built
    assert check_links(out, "/archive/", BASE) == []
    broken = tmp_path / "build"
    shutil.copytree(out, broken)
    shutil.rmtree(broken / "2024")
    found = {(b.page, b.link) for b in check_links(broken, "/archive/", BASE)}
    article = "/archive/2024/12/nanchang-dongji-gongshui/"
    assert ("feed.xml", article) in found and ("sitemaps/2024.xml", article) in found
    assert ("regions/jiangxi/nanchang/feed.xml", article) in found


# --------------------------------------------------------------------------- sitemap and robots.txt

def sitemap_entries(out: Path) -> dict[str, list[tuple[str, str | None]]]:
    """Each sitemap the index ``sitemap.xml`` lists (by its path in ``out``), with its (loc, lastmod)s."""
    index = parse(out / "sitemap.xml")
    assert index.tag == f"{SM}sitemapindex"
    found = {}
    for loc in [s.findtext(f"{SM}loc") or "" for s in index.findall(f"{SM}sitemap")]:
        assert loc.startswith(BASE)
        urlset = parse(out / loc[len(BASE):])
        assert urlset.tag == f"{SM}urlset"
        found[loc[len(BASE):]] = [(u.findtext(f"{SM}loc") or "", u.findtext(f"{SM}lastmod"))
                                  for u in urlset.findall(f"{SM}url")]
    return found


def test_sitemap_lists_every_html_page_but_404_once_with_absolute_urls(built: tuple[Path, BuildResult]):
    out, _ = built
    sitemaps = sitemap_entries(out)
    assert list(sitemaps) == ["sitemaps/pages.xml", "sitemaps/2025.xml", "sitemaps/2024.xml"]
    locs = [loc for entries in sitemaps.values() for loc, _ in entries]
    pages = [p.relative_to(out).as_posix() for p in out.rglob("*.html") if p.name != "404.html"]
    expected = {BASE + p[: -len("index.html")] for p in pages}
    assert len(locs) == len(set(locs)) == len(pages) == 46 - 1     # /search/ included
    assert set(locs) == expected
    lastmod = dict(entry for entries in sitemaps.values() for entry in entries)
    assert lastmod[BASE + DANGJIAN] == "2025-08-06T00:00:00+08:00"
    assert lastmod[BASE + "2024/12/nanchang-dongji-gongshui/"] == "2024-12-20T00:00:00+08:00"
    assert lastmod[BASE] is None                          # list pages: no date that would mean anything
    # each year's sitemap holds that year's articles, newest first; the pages' none
    for name, entries in sitemaps.items():
        year = name.removeprefix("sitemaps/").removesuffix(".xml")
        if year == "pages":
            assert all(when is None for _, when in entries) and (BASE, None) in entries
        else:
            assert entries and all(loc.startswith(f"{BASE}{year}/") and when for loc, when in entries)
            assert [when for _, when in entries] == sorted((when for _, when in entries), reverse=True)


def test_robots_txt_points_to_the_sitemap(built: tuple[Path, BuildResult]):
    out, _ = built
    assert (out / "robots.txt").read_text(encoding="utf-8") == (
        f"User-agent: *\nDisallow:\n\nSitemap: {BASE}sitemap.xml\n")


# --------------------------------------------------------------------------- article head metadata

def json_ld(html: str) -> dict:
    scripts = re.findall(r'<script type="application/ld\+json">\n(.*?)\n</script>', html, re.S)
    assert len(scripts) == 1
    return json.loads(scripts[0])


def test_article_pages_carry_news_article_json_ld_canonical_and_open_graph(built: tuple[Path, BuildResult]):
    out, _ = built
    html = (out / DANGJIAN / "index.html").read_text(encoding="utf-8")
    data = json_ld(html)
    assert data["@context"] == "https://schema.org" and data["@type"] == "NewsArticle"
    assert data["headline"] == "党建聚链成势 产业向新攀高" and data["alternativeHeadline"] == "把党组织建在产业链上"
    assert data["datePublished"] == "2025-08-06T00:00:00+08:00" and "dateModified" not in data
    assert data["author"] == [{"@type": "Person", "name": "卢鸿"}, {"@type": "Person", "name": "张辉云"}]
    assert data["keywords"] == ["产业链", "锂电新能源", "党组织"]
    assert data["articleSection"] == ["党建引领", "产业发展"]
    place = data["contentLocation"][0]
    assert place["name"] == "宜春经济技术开发区" and place["containedInPlace"]["name"] == "宜春市"
    assert place["containedInPlace"]["containedInPlace"]["name"] == "江西省"
    assert place["url"] == BASE + "regions/jiangxi/yichun/yichunjingjijishukaifa/"
    assert data["inLanguage"] == "zh-CN"
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": BASE + DANGJIAN} and data["url"] == BASE + DANGJIAN
    for part in [f'<link rel="canonical" href="{BASE}{DANGJIAN}">', '<meta property="og:type" content="article">',
                 '<meta property="og:title" content="党建聚链成势 产业向新攀高">',
                 f'<meta property="og:url" content="{BASE}{DANGJIAN}">',
                 '<meta property="og:description" content="走进宜春国轩电池有限公司']:
        assert part in html, part


def test_script_json_cannot_close_the_script_element():
    text = script_json({"headline": "</script><script>alert(1)</script><!-- & -->"})
    assert "</" not in text and "<!--" not in text and "<" not in text
    assert json.loads(str(text)) == {"headline": "</script><script>alert(1)</script><!-- & -->"}


# --------------------------------------------------------------------------- from the model, without a build

D = dt.date


def art(slug: str, date: dt.date | dt.datetime, body: str = "正文。", **kw: object) -> Article:
    kw.setdefault("title", f"标题{slug}")
    return Article(path=Path(f"articles/{slug}.md"), date=date, slug=slug, body=body, **kw)  # type: ignore[arg-type]


def render_all(articles: list[Article], config: Config) -> dict[str, tuple[str, object]]:
    site = build_site(articles, config)
    views = Views(site)
    env = make_environment(None)
    return {p.path: (render_page(env, p, views), p) for p in plan_pages(site, views)}


def test_a_feed_holds_the_newest_twenty():
    articles = [art(f"p{i:02d}", D(2025, 1, 1) + dt.timedelta(days=i), regions=("江西省",)) for i in range(25)]
    pages = render_all(articles, Config(base_url=BASE))
    text, page = pages["feed.xml"]
    feed = ET.fromstring(text)
    assert len(entries(feed)) == FEED_SIZE == 20
    assert entries(feed)[0].findtext(f"{A}id") == "tag:example.org,2025-01-25:2025/01/p24/"
    assert entries(feed)[-1].findtext(f"{A}id") == "tag:example.org,2025-01-06:2025/01/p05/"
    assert len(entries(ET.fromstring(pages["regions/jiangxi/feed.xml"][0]))) == 20


def test_times_are_rfc3339_in_the_site_time_zone():
    minus_five = dt.timezone(dt.timedelta(hours=-5))
    articles = [
        art("date-only", D(2025, 8, 6)),
        art("naive", dt.datetime(2025, 8, 5, 9, 30)),                       # local time
        art("aware", dt.datetime(2025, 8, 4, 1, 0, tzinfo=minus_five)),         # converted
        art("edited", D(2025, 8, 3), updated=dt.datetime(2025, 8, 10, 12, 0)),
    ]
    pages = render_all(articles, Config(base_url=BASE, timezone="Europe/Berlin"))
    feed = ET.fromstring(pages["feed.xml"][0])
    got = {alternate(e).rsplit("/", 2)[-2]: (e.findtext(f"{A}published"), e.findtext(f"{A}updated"))
           for e in entries(feed)}
    assert got["date-only"] == ("2025-08-06T00:00:00+02:00",) * 2
    assert got["naive"] == ("2025-08-05T09:30:00+02:00",) * 2
    assert got["aware"] == ("2025-08-04T08:00:00+02:00",) * 2
    assert got["edited"] == ("2025-08-03T00:00:00+02:00", "2025-08-10T12:00:00+02:00")
    assert feed.findtext(f"{A}updated") == "2025-08-10T12:00:00+02:00"        # the latest change, not the clock
    data = json_ld(pages["2025/08/edited/index.html"][0])
    assert data["dateModified"] == "2025-08-10T12:00:00+02:00"
    assert '<meta property="article:modified_time" content="2025-08-10T12:00:00+02:00">' in \
        pages["2025/08/edited/index.html"][0]


def test_characters_xml_forbids_are_dropped_and_markup_in_titles_stays_text():
    articles = [art("odd", D(2025, 8, 6), title="标题</script>\x0c<b>", body="正文\x0c\x01第二句 & <i>斜体</i>。",
                    kicker="引题 & 说明", summary="摘要\x0b。", authors=("记者\x08甲",))]
    pages = render_all(articles, Config(base_url=BASE))
    feed = ET.fromstring(pages["feed.xml"][0])          # would raise on \x0c
    entry = entries(feed)[0]
    assert entry.findtext(f"{A}title") == "标题</script><b>"
    assert entry.findtext(f"{A}summary") == "摘要。"
    assert entry.findtext(f"{A}author/{A}name") == "记者甲"
    assert entry.findtext(f"{A}content", "").startswith('<p class="kicker">引题 &amp; 说明</p>')
    html = pages["2025/08/odd/index.html"][0]
    assert "</script><b>" not in html
    assert json_ld(html)["headline"] == "标题</script>\x0c<b>"
    assert xml_text("a\x00b\tc\nd\ud800e\uffff") == "ab\tc\nde"


def test_an_empty_site_still_has_a_valid_home_feed_and_sitemap():
    pages = render_all([], Config(base_url=BASE))
    feed = ET.fromstring(pages["feed.xml"][0])
    assert entries(feed) == [] and feed.findtext(f"{A}updated") == "1970-01-01T00:00:00+08:00"
    index = [s.findtext(f"{SM}loc") for s in ET.fromstring(pages["sitemap.xml"][0])]
    assert index == [BASE + "sitemaps/pages.xml"]   # no year of articles
    locs = [u.findtext(f"{SM}loc") for u in ET.fromstring(pages["sitemaps/pages.xml"][0])]
    assert BASE in locs and BASE + "404.html" not in locs


# --------------------------------------------------------------------------- configuration

def test_a_path_only_base_url_keeps_paths_and_warns(tmp_path: Path):
    result = build(FIXTURE, tmp_path / "build", base_url="/news/")
    assert [str(w) for w in result.warnings] == [
        "--base-url: warning: base_url '/news/' has no scheme and host, so feeds, the sitemap and canonical "
        "links carry paths, not absolute URLs; set a full base_url (https://example.org/) before publishing"]
    feed = parse(tmp_path / "build" / "feed.xml")
    assert alternate(entries(feed)[0]) == "/news/" + DANGJIAN
    assert entries(feed)[0].findtext(f"{A}id") == "tag:localhost,2025-08-06:" + DANGJIAN
    assert check_links(tmp_path / "build", "/news/") == []


def test_an_unknown_time_zone_is_an_error(tmp_path: Path):
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site)
    config = site / "newsgen.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "timezone: Asia/Nowhere\n", encoding="utf-8")
    with pytest.raises(NewsgenError, match="unknown timezone 'Asia/Nowhere'; use an IANA name"):
        build(site, tmp_path / "build")
    assert not (tmp_path / "build").exists()


@pytest.mark.parametrize("seed", range(30))
def test_json_ld_written_field_by_field_is_what_json_dumps_writes(seed: int):
    """The JSON-LD text is script_json of the NewsArticle's data, for any values: text with quotes,
    backslashes, controls, ``</script>``, surrogates; fields empty or not; places one to four deep;
    and values of other types (written by json.dumps itself)."""
    import random

    from newsgen.render.meta import ArticleMeta
    rng = random.Random(seed)
    pieces = ["标题", "a", '"', "\\", "\n", "\x00", "\x1f", "\u2028", "</script>", "<!--", "&", "\ud800", "😀", " "]

    def text(empty: float = 0.3) -> str:
        return "" if rng.random() < empty else "".join(rng.choice(pieces) for _ in range(rng.randint(1, 6)))

    def names() -> tuple[str, ...]:
        return tuple(text(0) for _ in range(rng.choice((0, 1, 3))))

    for _ in range(50):
        places = tuple(tuple((text(0), text(0)) for _ in range(rng.randint(1, 4)))
                       for _ in range(rng.choice((0, 1, 2))))
        meta = ArticleMeta(canonical=text(), title=text(), description=text(), published=text(), modified=text(),
                           section=text(), tags=names(), locale="zh_CN", subtitle=text(), authors=names(),
                           sections=names(), places=places, language=text(), publisher=text(),
                           publisher_url=text(), image=text())
        assert str(meta.json_ld) == str(script_json(meta.json_ld_data()))
        other = dataclasses.replace(meta, title=rng.choice((7, None, 1.5)), tags=(*meta.tags, 3))
        assert str(other.json_ld) == str(script_json(other.json_ld_data()))


def test_an_entry_content_is_made_once_for_every_feed_carrying_it():
    """An article is an entry of several feeds: its content (the body converted, made XML-safe) is made
    once, not again for each feed (a body the plain path converts is not kept by its Body)."""
    from newsgen.render.feeds import FeedContent

    class CountingBody:
        calls = 0

        def __html__(self) -> str:
            CountingBody.calls += 1
            return "<p>正文\x01</p>"

    content = FeedContent(CountingBody(), "引题<")   # type: ignore[arg-type]
    assert str(content) == str(content) == '<p class="kicker">引题&lt;</p>\n<p>正文</p>'
    assert CountingBody.calls == 1
