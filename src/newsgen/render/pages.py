"""The page plan: every file of the site as (output path, template, context), by registered kinds of page.

Each kind of page (home, article, region, topic, tag, archive, search, 404, sitemap, robots.txt) is
one :class:`PageKind` in :data:`KINDS`: the planner that makes its pages, each with its template
and the function that makes its context, side by side in this module, and the sections
``newsgen check --links`` takes as the site's. :class:`Pages` runs the planners in order (the
sitemaps last: they list the pages before them): every page's path at once, and each page made
when first asked for where its planner gave a :class:`Deferred` block (the articles' pages, the
listings' pages), so that a rebuild that looks at a few pages of 150,000 makes only those.
:func:`render_page` turns one page into text.

A page is a pure function of its template and its context, and a context is made of views handed
out by recording accessors (:class:`newsgen.render.views.Views`, and :class:`Plan`'s for bodies,
meta, neighbours, charts, feeds and sitemap entries): what a page reads is recorded on it, and the
next build looks at it again only when a value it read changed (see ``commands.delta``). So a
context holds what the page shows and no more: the numbered pages of a listing get no counts or
chart (only its front page shows those), so adding an article does not rewrite them.
"""

from __future__ import annotations

import bisect
import functools
import operator
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import jinja2

from newsgen.cachefile import State
from newsgen.errors import Location
from newsgen.render.chart import chart_of_counts
from newsgen.render.feeds import FEED_SIZE, Feeds, SitemapEntry, feed_path, sitemap_url
from newsgen.render.markdown import Body, MarkdownRenderer
from newsgen.render.meta import ArticleMeta, article_meta
from newsgen.render.related import related
from newsgen.render.views import PageInfo, Views, digest, facet_year, rfc3339
from newsgen.site import Pager, Place, Site, Term, Year, page_count, pager_of


@dataclass(slots=True, eq=False)
class Page:
    """One file of the site: where it goes, its template, and its context (view objects only).

    The context is given as the function that makes it, made on first use in the render worker
    that renders the page (so planning stays a cheap list of paths, the contexts are built in
    parallel, and what a context reads is recorded on its page: see :mod:`newsgen.render.views`).

    Not to be changed once made. (Not a frozen dataclass: its ``__init__`` sets each field through
    ``object.__setattr__``, seven times the cost of making a page, and a build plans 150,000 of them
    at 100,000 articles. Equal only to itself, as its ``make`` is.)
    """

    path: str                       # output path relative to the output root: 2025/08/x/index.html
    template: str                   # article.html, feed.xml, sitemap.xml, robots.txt
    make: Callable[[], Mapping[str, Any]]
    _made: Mapping[str, Any] | None = field(default=None, repr=False)

    @property
    def context(self) -> Mapping[str, Any]:
        made = self._made
        if made is None:
            made = self._made = self.make()
        return made

    def forget(self) -> None:
        """Let go of the context once the page is rendered: a render worker would otherwise hold the
        context of every page it rendered until the build ends (it is made again if asked for)."""
        self._made = None


@dataclass
class Deferred:
    """Pages a planner gives as their paths, each :class:`Page` made by ``page(position)`` only when
    asked for: a rebuild looks at a few of 100,000 article pages, and need not make the others."""

    paths: list[str]
    page: Callable[[int], Page]

    def __iter__(self) -> Iterator[Page]:
        return map(self.page, range(len(self.paths)))


def output_path(url: str) -> str:
    """``2025/08/x/`` -> ``2025/08/x/index.html``; ``''`` -> ``index.html``."""
    return f"{url}index.html"


def render_page(env: jinja2.Environment, page: Page, views: Views) -> str:
    """The text (HTML, XML) of one page. The template is compiled once per environment and cached."""
    return env.get_template(page.template).render(site=views.site_view, **page.context)


@dataclass
class Plan:
    """What every planner shares: the model, its views, article bodies and feeds.

    Its accessors (:meth:`body`, :meth:`meta`, :meth:`around`, :meth:`chart`, :meth:`dated`, the
    feeds') record what they hand a page, as the views' do (see :mod:`newsgen.render.views`), and
    :meth:`resolve` computes a recorded name's value again."""

    site: Site
    views: Views
    renderer: MarkdownRenderer
    store: State | None = None   # the build state, where planners may keep what they derive (related articles)
    #: what the caller does while worker processes score the related articles (see :func:`related`)
    meanwhile: Callable[[], None] | None = None
    #: the digest of the rows the model's structure was made of, when the caller knows it (see :func:`related`)
    structure: str | None = None
    feeds: Feeds = field(init=False)
    _months: list[int] | None = None
    #: every article's related articles (set by :func:`plan_articles`)
    neighbours: Sequence[Sequence[int]] = ()
    #: every page's path, in plan order but the sitemap and robots.txt (set by :func:`plan_all`)
    listed: list[str] = field(default_factory=list)
    #: every listing page, by URL: the listing's items and URL, and its number (see :meth:`pager`); made
    #: from :attr:`_listings` when first asked for (a rebuild that resolves no pager does not make it)
    _pagers: dict[str, tuple[Sequence[int], str, int]] = field(default_factory=dict)
    #: every listing: its pages' URLs (the front page first), its items and its URL
    _listings: list[tuple[list[str], Sequence[int], str]] = field(default_factory=list)
    _feeds: dict[str, tuple[str, Sequence[int]]] = field(default_factory=dict)   # every feed, by its page's URL

    def __post_init__(self) -> None:
        self.feeds = Feeds(self.views, self.body)

    @property
    def files(self) -> list[str]:
        """Every article's file (``articles/2025/08/x.md``), in order: how records name articles."""
        return self.views.files

    def search_years(self) -> dict[str, str]:
        """Every article page's path with the year the search index files it under (its page's
        ``search.year`` facet), without making the pages' contexts."""
        return {output_path(post.url): facet_year(post.article) for post in self.site.posts}

    def addresses(self) -> dict[str, str]:
        """The URL of every place (``p`` and its path), topic (``t`` and its name) and tag (``g``)."""
        found = {f"p{place.path}\0{place.name}": place.url for place in self.site.places.values()}
        for kind, terms in (("t", self.site.topics), ("g", self.site.tags)):
            found.update((f"{kind}{term.name}", term.url) for term in terms)
        return found

    def sources(self) -> list[str]:
        """What each article's recorded values (:data:`newsgen.render.views.ARTICLE_KINDS`) are made
        from besides the names and URLs of places, topics and tags, in :attr:`files`' order: its file's
        digest (its photos' folded in: its URL and front matter with it) and its lead photo's view. An
        article not read from a file (no digest) is new on every build."""
        photos = self.views.photos
        found = list(map(_ARTICLE_DIGEST, self.site.posts))
        found = list(map(operator.itemgetter(slice(16)), found if "" not in found and None not in found else
                         [d or os.urandom(8).hex() for d in found]))
        if photos:   # (a site without photos: no look-up of each file)
            found = [source + (digest(repr(photos[file])) if file in photos else "")
                     for file, source in zip(self.files, found, strict=True)]
        return found

    def resolve(self, name: str) -> str | None:
        """The digest a page reading ``name`` now would record for it, None when it is gone: the
        accessor that recorded it called again (:data:`_AGAIN`)."""
        kind, _, key = name.partition(":")
        views = self.views
        record: dict[str, str] = {}
        views.record, outer = record, views.record
        views.resolving = True
        try:
            _AGAIN[kind](self, key, name)
        except (KeyError, IndexError, StopIteration, ValueError):   # gone (or a kind this newsgen does not know)
            return None
        finally:
            views.record, views.resolving = outer, False
        return record.get(name)

    def months(self) -> list[int]:
        """Every article's year and month, as ``year * 12 + month`` (what month charts count)."""
        if self._months is None:
            self._months = [post.article.day.year * 12 + post.article.day.month for post in self.site.posts]
        return self._months

    def body(self, index: int) -> Body:
        """The article's body (``body:FILE``), one shared (lazy, converted once) object per article,
        recorded by its file's digest (of its Markdown when it has none)."""
        return self.views.recorded(f"body:{self.files[index]}", functools.partial(self._body, index), _body_digest,
                                   once=True)

    def _body(self, index: int) -> Body:
        article = self.site.posts[index].article   # its body read only if converted (not cached)
        return Body(functools.partial(getattr, article, "body"), self.renderer, article.digest,
                    Location(article.path, article.body_line))

    def meta(self, index: int) -> ArticleMeta:
        """The article page's ``<head>`` metadata and JSON-LD (``meta:FILE``)."""
        return self.views.recorded(f"meta:{self.files[index]}", functools.partial(article_meta, self.views, index),
                                   once=True)

    def around(self, index: int) -> tuple[int | None, int | None, tuple[int, ...]]:
        """An article's older and newer article and its related articles (``around:FILE``: which)."""
        files = self.files

        def which(found: tuple[int | None, int | None, tuple[int, ...]]) -> str:
            older, newer, related_ = found
            return digest("\0".join((files[older] if older is not None else "", files[newer] if newer is not None
                                      else "", *(files[i] for i in related_))))

        def make() -> tuple[int | None, int | None, tuple[int, ...]]:
            post = self.site.posts[index]
            older, newer = self.site.older(post), self.site.newer(post)
            return (older.index if older else None, newer.index if newer else None, tuple(self.neighbours[index]))
        return self.views.recorded(f"around:{files[index]}", make, which, once=True)

    def chart(self, place: Place) -> str:
        """A place's articles by month, as a chart (``chart:PATH``)."""
        return self.views.recorded(f"chart:{place.path}", lambda: chart_of_counts(
            _month_counts(self, place), f"{place.name}每月文章数"), digest)

    def dated(self, index: int) -> SitemapEntry:
        """An article as a sitemap lists it (``dated:FILE``: its URL and when it last changed)."""
        views = self.views
        return views.recorded(f"dated:{self.files[index]}", lambda: SitemapEntry(
            views.absolute(self.site.posts[index].url), rfc3339(views.last_change(index))), once=True)

    def page_list(self) -> tuple[str, ...]:
        """The HTML pages but the articles' (and 404), in plan order (``pages``): what the sitemap of
        pages lists."""
        def make() -> tuple[str, ...]:
            articles = {output_path(post.url) for post in self.site.posts}
            return tuple(path for path in self.listed if path not in articles and sitemap_url(path) is not None)
        return self.views.recorded("pages", make, lambda found: digest("\0".join(found)))

    def sitemap_list(self) -> tuple[str, ...]:
        """The sitemaps the sitemap index lists (``sitemaps``): the other pages', then one a year of articles."""
        return self.views.recorded("sitemaps", lambda: (SITEMAP_OF_PAGES, *(sitemap_of_year(year.year)
                                                                           for year in self.site.years)),
                                   lambda found: digest("\0".join(found)))

    def listing(self, items: Sequence[int], url: str, template: str,
                context: Callable[[Pager[int]], Callable[[], Mapping[str, Any]]]) -> Deferred:
        """The pages of the listing of ``items`` at ``url`` (see :func:`newsgen.site.paginate`), the
        front page first, each made with ``context(pager)`` when asked for; each known by its URL (so
        that what a page recorded of it can be resolved: :meth:`pager`)."""
        per_page = self.site.config.per_page
        count = page_count(len(items), per_page)
        # (page_url and output_path, written out: 50,000 listing pages at 100,000 articles)
        urls = [url, *(f"{url}page/{n}/" for n in range(count - 1, 0, -1))]
        self._listings.append((urls, items, url))
        paths = [f"{at}index.html" for at in urls]
        return Deferred(paths, lambda j: Page(paths[j], template, context(pager_of(items, per_page, url, count - j))))

    def pager(self, url: str) -> Pager[int]:
        """The listing page at ``url`` (KeyError: there is none)."""
        if self._listings:
            for urls, items, base in self._listings:
                count = len(urls)
                self._pagers.update(zip(urls, zip([items] * count, [base] * count, range(count, 0, -1),
                                                  strict=True), strict=True))
            self._listings.clear()
        items, base, number = self._pagers[url]
        return pager_of(items, self.site.config.per_page, base, number)

    def info(self, title: str, url: str, section: str, description: str = "", feed: str | None = None,
             feed_title: str = "") -> PageInfo:
        views = self.views
        return PageInfo(title=title, url=views.href(url), section=section, description=description,
                        feed_url=views.href(feed_path(feed)) if feed is not None else "", feed_title=feed_title)

    def feed_page(self, title: str, url: str, posts: Sequence[int]) -> Page:
        self._feeds[url] = (title, posts)
        return Page(feed_path(url), "feed.xml", functools.partial(_feed_context, self, title, url, posts))


_ARTICLE_DIGEST = operator.attrgetter("article.digest")
_URL = operator.attrgetter("url")


def _body_digest(body: Body) -> str:
    return digest(body.digest) if body.digest else digest("source\0" + body.source)


#: how :meth:`Plan.resolve` computes a recorded value of one article again, by kind
_BY_ARTICLE: dict[str, Callable[[Plan, int], object]] = {
    "post": lambda plan, i: plan.views.posts[i], "link": lambda plan, i: plan.views.post_link(i),
    "rlink": lambda plan, i: plan.views.related_link(i), "facets": lambda plan, i: plan.views.search_facets(i),
    "body": Plan.body, "meta": Plan.meta, "entry": lambda plan, i: plan.feeds.entry(i), "dated": Plan.dated,
    "around": Plan.around}


def _term(plan: Plan, key: str) -> tuple[Term, str]:
    which, _, name = key.partition(":")
    return next(t for t in (plan.site.topics if which == "topics" else plan.site.tags) if t.name == name), which


def _year(plan: Plan, key: str) -> Year:
    return next(y for y in plan.site.years if str(y.year) == key.partition(":")[0])


#: how :meth:`Plan.resolve` computes a recorded value again, by kind, from its key and name (raising
#: KeyError, IndexError or StopIteration when it is gone)
_AGAIN: dict[str, Callable[[Plan, str, str], object]] = {
    **{kind: functools.partial(lambda kind, plan, key, name: _BY_ARTICLE[kind](plan, plan.views.numbers[key]), kind)
       for kind in _BY_ARTICLE},
    "node": lambda plan, key, name: plan.views.place_node(key),
    "place": lambda plan, key, name: plan.views.bare_node(key),
    "crumbs": lambda plan, key, name: plan.views.crumbs(key),
    "chart": lambda plan, key, name: plan.chart(plan.site.places[key]),
    "term": lambda plan, key, name: plan.views.term_link(*_term(plan, key)),
    "termref": lambda plan, key, name: plan.views.term_ref(*_term(plan, key)),
    "terms": lambda plan, key, name: plan.views.term_links(key.partition(":")[0], key.endswith(":1")),
    "year": lambda plan, key, name: plan.views.year(_year(plan, key), with_posts=False),
    "yearref": lambda plan, key, name: plan.views.year_ref(_year(plan, key)),
    "month": lambda plan, key, name: plan.views.month_shell(_year(plan, key), int(key.partition(":")[2])),
    "sitemap": lambda plan, key, name: plan.views.listing(name, _year(plan, key).posts),
    "pager": lambda plan, key, name: plan.views.pager_shell(plan.pager(key)),
    "feed": lambda plan, key, name: plan.feeds.listed(plan._feeds[key][0], key, plan._feeds[key][1]),
    "count": lambda plan, key, name: plan.views.article_count(),
    "pages": lambda plan, key, name: plan.page_list(),
    "sitemaps": lambda plan, key, name: plan.sitemap_list()}


def _feed_context(plan: Plan, title: str, url: str, posts: Sequence[int]) -> dict[str, Any]:
    return {"feed": plan.feeds.feed(title, url, posts)}


def numbered(title: str, number: int, count: int) -> str:
    """A listing page's title: the front page's own, ``（第 N 页）`` after it on the numbered ones."""
    if number == count:
        return title
    return f"{title}（第 {number} 页）" if title else f"第 {number} 页"


def plan_home(plan: Plan) -> Iterator[Page | Deferred]:
    """``/``, its numbered pages ``/page/N/`` and ``/feed.xml``."""
    site = plan.site
    title = site.config.title
    yield plan.listing(range(len(site.posts)), "", "home.html", functools.partial(functools.partial, _home_context,
                                                                                  plan))
    yield plan.feed_page(title, "", range(len(site.posts)))


def _home_context(plan: Plan, pager: Pager[int]) -> dict[str, Any]:
    site = plan.site
    context: dict[str, Any] = {
        "page": plan.info(numbered("", pager.number, pager.count), pager.url, "home", site.config.description,
                          feed="", feed_title=site.config.title),
        "pager": plan.views.pager(pager)}
    if pager.is_front:
        context["article_count"] = plan.views.article_count()
    return context


def plan_articles(plan: Plan) -> Deferred:
    """``/YYYY/MM/<slug>/`` for every article, with its related articles and its search filters
    (each page made when first asked for: see :class:`Deferred`)."""
    plan.neighbours = related(plan.site, cache=plan.store, meanwhile=plan.meanwhile, structure=plan.structure)
    paths = list(map("{}index.html".format, map(_URL, plan.site.posts)))   # (output_path of each)
    return Deferred(paths, lambda index: Page(paths[index], "article.html",
                                              functools.partial(_article_context, plan, index)))


def _article_context(plan: Plan, index: int) -> dict[str, Any]:
    views = plan.views
    view = views.posts[index]
    older, newer, related_ = plan.around(index)
    return {"page": plan.info(view.title, plan.site.posts[index].url, "article", view.summary),
            "post": view,
            "meta": plan.meta(index),
            "body": plan.body(index),
            # neighbours as title and link only: editing one's body must not rewrite this page
            "previous": views.post_link(older) if older is not None else None,
            "next": views.post_link(newer) if newer is not None else None,
            "related": tuple(views.related_link(i) for i in related_),
            "search": views.search_facets(index)}


def plan_regions(plan: Plan) -> Iterator[Page | Deferred]:
    """``/regions/`` (the tree) and every place, paginated, with its per-month chart and feed."""
    site, views = plan.site, plan.views
    yield Page(output_path("regions/"), "regions.html",
               lambda: {"page": plan.info("地区", "regions/", "regions"), "tree": views.tree()})
    for place in site.places.values():
        title = f"{place.name} · {site.config.title}"
        yield plan.listing(place.posts, place.url, "region.html",
                           lambda pager, place=place, title=title: functools.partial(_region_context, plan, place,
                                                                                     pager, title))
        yield plan.feed_page(title, place.url, place.posts)


def _month_counts(plan: Plan, place: Place) -> dict[tuple[int, int], int]:
    """The place's articles by (year, month), counted from :meth:`Plan.months`."""
    months = plan.months()   # year * 12 + month: January of 2025 is 2025 * 12 + 1
    counts = Counter(months[i] for i in place.posts)
    return {((m - 1) // 12, (m - 1) % 12 + 1): n for m, n in counts.items()}


def _region_context(plan: Plan, place: Place, pager: Pager[int], title: str) -> dict[str, Any]:
    """A page of a place's listing; its front page with the place's counts, its places and its chart
    (the numbered pages show neither, so that an article added to the place does not rewrite them)."""
    views = plan.views
    front = pager.is_front
    return {"page": plan.info(numbered(place.name, pager.number, pager.count), pager.url, "region",
                              feed=place.url, feed_title=title),
            "place": views.place_node(place.path) if front else views.bare_node(place.path),
            "crumbs": views.crumbs(place.path), "chart": plan.chart(place) if front else "",
            "pager": plan.views.pager(pager)}


def _plan_terms(plan: Plan, kind: str, title: str, section: str, by_count: bool, feeds: bool
                ) -> Iterator[Page | Deferred]:
    site, views = plan.site, plan.views
    terms = site.topics if kind == "topics" else site.tags
    yield Page(output_path(f"{kind}/"), f"{kind}.html",
               lambda: {"page": plan.info(title, f"{kind}/", kind), "terms": views.term_links(kind, by_count)})
    for term in terms:
        term_feed = f"{title}：{term.name} · {site.config.title}"
        yield plan.listing(term.posts, term.url, f"{section}.html",
                           lambda pager, term=term, term_feed=term_feed: functools.partial(
                               _term_context, plan, pager, f"{title}：{term.name}", section,
                               term.url if feeds else None, term_feed, term, kind))
        if feeds:
            yield plan.feed_page(term_feed, term.url, term.posts)


def _term_context(plan: Plan, pager: Pager[int], title: str, section: str, feed: str | None, feed_title: str,
                  term: Term, kind: str) -> dict[str, Any]:
    views = plan.views
    return {"page": plan.info(numbered(title, pager.number, pager.count), pager.url, section, feed=feed,
                              feed_title=feed_title),
            "term": views.term_link(term, kind) if pager.is_front else views.term_ref(term, kind),
            "pager": plan.views.pager(pager)}


def plan_topics(plan: Plan) -> Iterator[Page | Deferred]:
    """``/topics/`` and every topic, paginated, each with its feed."""
    return _plan_terms(plan, "topics", "专题", "topic", by_count=False, feeds=True)


def plan_tags(plan: Plan) -> Iterator[Page | Deferred]:
    """``/tags/`` (by count) and every tag, paginated; tags have no feeds."""
    return _plan_terms(plan, "tags", "标签", "tag", by_count=True, feeds=False)


def plan_archives(plan: Plan) -> Iterator[Page]:
    """``/archive/``, ``/archive/2025/``, ``/archive/2025/08/``."""
    site, views = plan.site, plan.views
    yield Page(output_path("archive/"), "archive.html",
               lambda: {"page": plan.info("归档", "archive/", "archive"),
                        "years": tuple(views.year(y, with_posts=False) for y in site.years)})
    for year in site.years:
        yield Page(output_path(year.url), "archive_year.html", functools.partial(_year_context, plan, year))
        for number in range(len(year.months)):
            yield Page(output_path(year.months[number].url), "archive_month.html",
                       functools.partial(_month_context, plan, year, number))


def _year_context(plan: Plan, year: Year) -> dict[str, Any]:
    view = plan.views.year(year, with_posts=True)
    return {"page": plan.info(view.name, year.url, "archive"), "year": view}


def _month_context(plan: Plan, year: Year, number: int) -> dict[str, Any]:
    """The month and its articles; its year by name and link only (no months, no count), as a
    listing's numbered pages get their place bare: so that an article added in March does not
    rewrite the other eleven months' pages."""
    views = plan.views
    month = views.month(year, number)
    return {"page": plan.info(month.name, year.months[number].url, "archive"), "year": views.year_ref(year),
            "month": month}


def plan_search(plan: Plan) -> Iterator[Page]:
    """``/search/``: the search page (the index itself, ``/search-index/``, is made after rendering)."""
    yield Page(output_path("search/"), "search.html", lambda: {"page": plan.info("搜索", "search/", "search")})


def plan_not_found(plan: Plan) -> Iterator[Page]:
    """``/404.html``."""
    yield Page("404.html", "404.html", lambda: {"page": plan.info("页面不存在", "404.html", "404")})


#: The sitemap of every HTML page but the articles' (and 404); the articles' are one a year.
SITEMAP_OF_PAGES = "sitemaps/pages.xml"


def sitemap_of_year(year: int) -> str:
    """``sitemaps/2025.xml``: the sitemap of a year's article pages."""
    return f"sitemaps/{year:04d}.xml"


def plan_sitemaps(plan: Plan) -> Iterator[Page]:
    """``sitemap.xml``, a sitemap index, and the sitemaps it lists: one of the pages that are not
    articles, one per year of articles (with the time each last changed).

    Split so that an article added, dated or deleted rewrites its year's sitemap (a thousand
    entries), not one of every page of the site; and so that no sitemap nears the protocol's
    50,000 URLs however many years the archive holds."""
    yield Page(SITEMAP_OF_PAGES, "sitemap.xml", functools.partial(_pages_sitemap_context, plan))
    for year in plan.site.years:
        yield Page(sitemap_of_year(year.year), "sitemap.xml", functools.partial(_year_sitemap_context, plan, year))
    yield Page("sitemap.xml", "sitemap_index.xml", functools.partial(_sitemap_index_context, plan))


def _pages_sitemap_context(plan: Plan) -> dict[str, Any]:
    """List pages carry no date: none that would mean anything."""
    views = plan.views
    return {"urls": tuple(SitemapEntry(views.absolute(sitemap_url(path) or ""), "") for path in plan.page_list())}


def _year_sitemap_context(plan: Plan, year: Year) -> dict[str, Any]:
    """The year's article pages, newest first, each with the time it last changed."""
    return {"urls": tuple(plan.dated(i) for i in plan.views.listing(f"sitemap:{year.year}", year.posts))}


def _sitemap_index_context(plan: Plan) -> dict[str, Any]:
    return {"sitemaps": tuple(SitemapEntry(plan.views.absolute(path), "") for path in plan.sitemap_list())}


def plan_robots(plan: Plan) -> Iterator[Page]:
    """``robots.txt``, naming the sitemap."""
    yield Page("robots.txt", "robots.txt", lambda: {"sitemap_url": plan.views.absolute("sitemap.xml")})


#: a kind's planner: its pages, each as a :class:`Page` or in a block of pages made when asked for
Planner = Callable[[Plan], Iterable[Page | Deferred] | Deferred]


@dataclass(frozen=True)
class PageKind:
    """One kind of page: its name, the function that plans its pages (each with its template and the
    function that makes its context, side by side in this module), and the site-relative URLs of the
    sections it makes (what ``newsgen check --links`` takes as the site's own: a section page, and
    the folder under which its pages are)."""

    name: str
    plan: Planner
    pages: tuple[str, ...] = ()        # single pages: "", "regions/", "feed.xml"
    folders: tuple[str, ...] = ()      # folders of pages: "regions/", "page/"
    #: planned after every other kind (the sitemaps list the pages before them)
    last: bool = False


#: Every kind of page, in plan order. A new kind of page is one more entry here and its template.
KINDS: tuple[PageKind, ...] = (
    PageKind("home", plan_home, ("", "feed.xml"), ("page/",)),
    PageKind("article", plan_articles),
    PageKind("region", plan_regions, ("regions/",), ("regions/",)),
    PageKind("topic", plan_topics, ("topics/",), ("topics/",)),
    PageKind("tag", plan_tags, ("tags/",), ("tags/",)),
    PageKind("archive", plan_archives, ("archive/",), ("archive/",)),
    PageKind("search", plan_search, ("search/",), ("search-index/",)),
    PageKind("404", plan_not_found, ("404.html",)),
    PageKind("sitemap", plan_sitemaps, ("sitemap.xml",), ("sitemaps/",), last=True),
    PageKind("robots", plan_robots, ("robots.txt",), last=True),
)

#: The planners of the kinds listed with the others (all but the sitemaps and robots.txt).
PLANNERS: tuple[Planner, ...] = tuple(kind.plan for kind in KINDS if not kind.last)


def plan_pages(site: Site, views: Views, renderer: MarkdownRenderer | None = None,
               planners: Sequence[Planner] = PLANNERS, store: State | None = None) -> Iterator[Page]:
    """Every page and feed of the site, then ``sitemap.xml`` (every HTML page but 404) and ``robots.txt``.

    Article bodies are converted only when a page is rendered, once per article. ``store`` (the build
    state) lets planners keep what they derive between builds.
    """
    return plan_all(Plan(site, views, renderer or MarkdownRenderer(), store=store), planners)


def plan_all(plan: Plan, planners: Sequence[Planner] = PLANNERS) -> Iterator[Page]:
    """:func:`plan_pages` with a :class:`Plan` made by the caller (who may then resolve what pages recorded)."""
    return iter(Pages(plan, planners))


class Pages(Sequence[Page]):
    """Every page of a plan, in plan order (the planners', then the sitemaps and robots.txt): every
    path at once (:attr:`paths`), each page as its planner made it, or, of the pages a planner
    gave :class:`Deferred`, made when first asked for and kept."""

    def __init__(self, plan: Plan, planners: Sequence[Planner] = PLANNERS) -> None:
        plan.listed.clear()
        plan._pagers.clear()
        plan._listings.clear()
        plan._feeds.clear()
        self.paths: list[str] = []
        self._pages: list[Page | None] = []
        self._deferred: list[Deferred] = []
        self._starts: list[int] = []   # the position of each one's first page
        for planner in planners:
            self._add(planner(plan))
        plan.listed.extend(self.paths)
        for kind in KINDS:
            if kind.last:
                self._add(kind.plan(plan))

    def _add(self, pages: Iterable[Page | Deferred] | Deferred) -> None:
        for item in (pages,) if isinstance(pages, Deferred) else pages:
            if isinstance(item, Deferred):
                self._starts.append(len(self.paths))
                self._deferred.append(item)
                self.paths.extend(item.paths)
                self._pages.extend([None] * len(item.paths))
            else:
                self.paths.append(item.path)
                self._pages.append(item)

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, index: int) -> Page:  # type: ignore[override]
        page = self._pages[index]
        if page is None:
            index = range(len(self))[index]
            block = bisect.bisect_right(self._starts, index) - 1
            page = self._pages[index] = self._deferred[block].page(index - self._starts[block])
        return page


__all__ = ["FEED_SIZE", "KINDS", "PLANNERS", "Deferred", "Page", "PageKind", "Pages", "Plan", "Planner", "output_path",
           "plan_all",
           "plan_pages", "render_page"]
