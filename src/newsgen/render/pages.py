"""The page list: every file of the site as (output path, template, context, depends_on).

:func:`plan_pages` yields pages lazily, in a fixed order; :func:`render_page` turns one
into HTML. ``depends_on`` names the article files whose *content* appears on a page
(titles, summaries, bodies, dates, places, counts), so an incremental build can skip
pages none of whose articles changed. A change to the *set* of articles (one added,
removed, or moved to another date, place, topic or tag) changes listings and
pagination and is a structural change: rebuild every list page then.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from newsgen.render.chart import month_chart
from newsgen.render.markdown import Body, MarkdownRenderer
from newsgen.render.views import PageInfo, Views
from newsgen.site import Site, paginate


@dataclass(frozen=True, slots=True)
class Page:
    path: str                       # output path relative to the output root: 2025/08/x/index.html
    template: str                   # article.html
    context: Mapping[str, Any]      # view objects only
    depends_on: frozenset[Path]     # article files (site-relative) whose content shows on the page


def output_path(url: str) -> str:
    """``2025/08/x/`` -> ``2025/08/x/index.html``; ``''`` -> ``index.html``."""
    return f"{url}index.html"


def render_page(env: jinja2.Environment, page: Page, views: Views) -> str:
    """The HTML of one page. The template is compiled once per environment and cached."""
    return env.get_template(page.template).render(site=views.site_view, **page.context)


def plan_pages(site: Site, views: Views, renderer: MarkdownRenderer | None = None) -> Iterator[Page]:
    """Every page of the site. Article bodies are converted only when a page is rendered."""
    renderer = renderer or MarkdownRenderer()
    per_page = site.config.per_page
    paths = [p.article.path for p in site.posts]

    def deps(indices: Iterable[int]) -> frozenset[Path]:
        return frozenset(paths[i] for i in indices)

    def info(title: str, url: str, section: str, description: str = "") -> PageInfo:
        return PageInfo(title=title, url=views.href(url), section=section, description=description)

    def numbered(title: str, number: int) -> str:
        if number == 1:
            return title
        return f"{title}（第 {number} 页）" if title else f"第 {number} 页"

    # home, paginated: /, /page/2/
    for pager in paginate(range(len(site.posts)), per_page, ""):
        yield Page(output_path(pager.url), "home.html",
                   {"page": info(numbered("", pager.number), pager.url, "home", site.config.description),
                    "pager": views.pager(pager)},
                   deps(pager.items))

    # articles: /YYYY/MM/<slug>/
    for post in site.posts:
        view = views.posts[post.index]
        older, newer = site.older(post), site.newer(post)
        near = [post.index] + [p.index for p in (older, newer) if p is not None]
        yield Page(output_path(post.url), "article.html",
                   {"page": info(view.title, post.url, "article", view.summary),
                    "post": view,
                    "body": Body(post.article.body, renderer),
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
        for pager in paginate(place.posts, per_page, place.url):
            yield Page(output_path(pager.url), "region.html",
                       {"page": info(numbered(place.name, pager.number), pager.url, "region"),
                        "place": node, "crumbs": trail, "chart": chart, "pager": views.pager(pager)},
                       every)

    # topics and tags: index pages and one paginated page per term
    for kind, title, section, terms, by_count in (
            ("topics", "专题", "topic", site.topics, False),
            ("tags", "标签", "tag", site.tags, True)):
        yield Page(output_path(f"{kind}/"), f"{kind}.html",
                   {"page": info(title, f"{kind}/", kind), "terms": views.term_links(kind, by_count)},
                   deps(i for term in terms for i in term.posts))
        for term in terms:
            link = views.term_link(term, kind)
            for pager in paginate(term.posts, per_page, term.url):
                yield Page(output_path(pager.url), f"{section}.html",
                           {"page": info(numbered(f"{title}：{term.name}", pager.number), pager.url, section),
                            "term": link, "pager": views.pager(pager)},
                           deps(pager.items))

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
