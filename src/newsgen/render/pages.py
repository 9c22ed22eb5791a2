"""The page list: every file of the site as (output path, template, context, depends_on).

:func:`plan_pages` yields pages lazily, in a fixed order; :func:`render_page` turns one
into text. Most pages are HTML; the Atom feeds (``feed.xml`` beside the home, region and
topic pages), ``sitemap.xml`` and ``robots.txt`` go through the same machinery with a
template of their own (see :mod:`newsgen.render.feeds`). ``depends_on`` names the article
files whose *content* appears on a page (titles, summaries, bodies, dates, places, counts),
so an incremental build can skip pages none of whose articles changed. A change to the
*set* of articles (one added, removed, or moved to another date, place, topic or tag)
changes listings and pagination and is a structural change: rebuild every list page then.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from newsgen.render.chart import month_chart
from newsgen.render.feeds import FEED_SIZE, Feeds, SitemapEntry, feed_path, sitemap_url
from newsgen.render.markdown import Body, MarkdownRenderer
from newsgen.render.meta import article_meta
from newsgen.render.views import PageInfo, Views, rfc3339
from newsgen.site import Site, paginate


@dataclass(frozen=True, slots=True)
class Page:
    path: str                       # output path relative to the output root: 2025/08/x/index.html
    template: str                   # article.html, feed.xml, sitemap.xml, robots.txt
    context: Mapping[str, Any]      # view objects only
    depends_on: frozenset[Path]     # article files (site-relative) whose content shows on the page


def output_path(url: str) -> str:
    """``2025/08/x/`` -> ``2025/08/x/index.html``; ``''`` -> ``index.html``."""
    return f"{url}index.html"


def render_page(env: jinja2.Environment, page: Page, views: Views) -> str:
    """The text (HTML, XML) of one page. The template is compiled once per environment and cached."""
    return env.get_template(page.template).render(site=views.site_view, **page.context)


def plan_pages(site: Site, views: Views, renderer: MarkdownRenderer | None = None) -> Iterator[Page]:
    """Every page and feed of the site, then ``sitemap.xml`` (every HTML page but 404) and ``robots.txt``.

    Article bodies are converted only when a page is rendered.
    """
    paths = [p.article.path for p in site.posts]
    article_pages = {output_path(post.url): post.index for post in site.posts}
    listed: list[SitemapEntry] = []
    for page in _pages(site, views, renderer or MarkdownRenderer()):
        yield page
        url = sitemap_url(page.path)
        if url is not None:
            index = article_pages.get(page.path)
            lastmod = rfc3339(views.last_change(index)) if index is not None else ""
            listed.append(SitemapEntry(views.absolute(url), lastmod))
    yield Page("sitemap.xml", "sitemap.xml", {"urls": tuple(listed)}, frozenset(paths))
    yield Page("robots.txt", "robots.txt", {"sitemap_url": views.absolute("sitemap.xml")}, frozenset())


def _pages(site: Site, views: Views, renderer: MarkdownRenderer) -> Iterator[Page]:
    per_page = site.config.per_page
    paths = [p.article.path for p in site.posts]

    # one Body per article that a feed shows, shared with its article page: converted once
    shown = {i for i in range(min(len(site.posts), FEED_SIZE))}
    for listing in [p.posts for p in site.places.values()] + [t.posts for t in site.topics]:
        shown.update(listing[:FEED_SIZE])
    bodies: dict[int, Body] = {}

    def body(index: int) -> Body:
        if index not in shown:
            return Body(site.posts[index].article.body, renderer)
        if index not in bodies:
            bodies[index] = Body(site.posts[index].article.body, renderer)
        return bodies[index]

    feeds = Feeds(views, body)

    def deps(indices: Iterable[int]) -> frozenset[Path]:
        return frozenset(paths[i] for i in indices)

    def info(title: str, url: str, section: str, description: str = "", feed: str | None = None,
             feed_title: str = "") -> PageInfo:
        return PageInfo(title=title, url=views.href(url), section=section, description=description,
                        feed_url=views.href(feed_path(feed)) if feed is not None else "", feed_title=feed_title)

    def feed_page(title: str, url: str, posts: Sequence[int]) -> Page:
        return Page(feed_path(url), "feed.xml", {"feed": feeds.feed(title, url, posts)},
                    deps(posts[:FEED_SIZE]))

    def numbered(title: str, number: int) -> str:
        if number == 1:
            return title
        return f"{title}（第 {number} 页）" if title else f"第 {number} 页"

    # home, paginated: /, /page/2/, and its feed /feed.xml
    site_title = site.config.title
    for pager in paginate(range(len(site.posts)), per_page, ""):
        yield Page(output_path(pager.url), "home.html",
                   {"page": info(numbered("", pager.number), pager.url, "home", site.config.description,
                                 feed="", feed_title=site_title),
                    "pager": views.pager(pager)},
                   deps(pager.items))
    yield feed_page(site_title, "", range(len(site.posts)))

    # articles: /YYYY/MM/<slug>/
    for post in site.posts:
        view = views.posts[post.index]
        older, newer = site.older(post), site.newer(post)
        near = [post.index] + [p.index for p in (older, newer) if p is not None]
        yield Page(output_path(post.url), "article.html",
                   {"page": info(view.title, post.url, "article", view.summary),
                    "post": view,
                    "meta": article_meta(views, post.index),
                    "body": body(post.index),
                    "previous": views.posts[older.index] if older else None,
                    "next": views.posts[newer.index] if newer else None},
                   deps(near))

    # regions: /regions/ and every place, paginated, with its per-month chart
    placed = {i for place in site.places.values() if place.parent is None for i in place.posts}
    yield Page(output_path("regions/"), "regions.html",
               {"page": info("地区", "regions/", "regions"), "tree": views.tree()},
               deps(placed))
    for place in site.places.values():
        trail = views.crumbs(place.path)
        node = views.place_node(place.path)
        chart = month_chart((site.posts[i].article.day for i in place.posts),
                            f"{place.name}每月文章数")
        every = deps(place.posts)   # count and chart show all of them: once per place, not per page
        title = f"{place.name} · {site_title}"
        for pager in paginate(place.posts, per_page, place.url):
            yield Page(output_path(pager.url), "region.html",
                       {"page": info(numbered(place.name, pager.number), pager.url, "region",
                                     feed=place.url, feed_title=title),
                        "place": node, "crumbs": trail, "chart": chart, "pager": views.pager(pager)},
                       every)
        yield feed_page(title, place.url, place.posts)

    # topics and tags: index pages and one paginated page per term
    for kind, title, section, terms, by_count in (
            ("topics", "专题", "topic", site.topics, False),
            ("tags", "标签", "tag", site.tags, True)):
        yield Page(output_path(f"{kind}/"), f"{kind}.html",
                   {"page": info(title, f"{kind}/", kind), "terms": views.term_links(kind, by_count)},
                   deps(i for term in terms for i in term.posts))
        for term in terms:
            link = views.term_link(term, kind)
            has_feed = kind == "topics"    # the layout gives topics a feed, not tags
            term_feed = f"{title}：{term.name} · {site_title}"
            for pager in paginate(term.posts, per_page, term.url):
                yield Page(output_path(pager.url), f"{section}.html",
                           {"page": info(numbered(f"{title}：{term.name}", pager.number), pager.url, section,
                                         feed=term.url if has_feed else None, feed_title=term_feed),
                            "term": link, "pager": views.pager(pager)},
                           deps(pager.items))
            if has_feed:
                yield feed_page(term_feed, term.url, term.posts)

    # date archives: /archive/, /archive/2025/, /archive/2025/08/
    yield Page(output_path("archive/"), "archive.html",
               {"page": info("归档", "archive/", "archive"),
                "years": tuple(views.year(y, with_posts=False) for y in site.years)},
               deps(range(len(site.posts))))
    for year in site.years:
        year_view = views.year(year, with_posts=True)
        yield Page(output_path(year.url), "archive_year.html",
                   {"page": info(year_view.name, year.url, "archive"), "year": year_view},
                   deps(year.posts))
        for month, month_view in zip(year.months, year_view.months, strict=True):
            yield Page(output_path(month.url), "archive_month.html",
                       {"page": info(month_view.name, month.url, "archive"), "year": year_view,
                        "month": month_view},
                       deps(month.posts))

    yield Page("404.html", "404.html", {"page": info("页面不存在", "404.html", "404")}, frozenset())
