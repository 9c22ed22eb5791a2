"""The page plan: every file of the site as (output path, template, context), by an ordered list of planners.

Each planner (home, articles, regions, topics, tags, archives, 404) is a small function from the
shared :class:`Plan` to the pages of one kind, as markdown-it-py's rules are; :func:`plan_pages`
runs them in :data:`PLANNERS` order, then adds the sitemaps (every HTML page but 404: see
:func:`plan_sitemaps`) and ``robots.txt``. :func:`render_page` turns one page into text.

A page is a pure function of its template and its context: everything it shows is in the context
(and the site view every template gets), nothing else. That is what lets an incremental build
fingerprint a page by its context (see :mod:`newsgen.render.fingerprint`). So a context holds what
the page shows and no more: the numbered pages of a listing get no counts or chart (only its front
page shows those), so adding an article does not rewrite them.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import orjson

from newsgen.errors import Location
from newsgen.render.chart import chart_of_counts
from newsgen.render.feeds import FEED_SIZE, Feeds, SitemapEntry, feed_path, sitemap_url
from newsgen.render.markdown import Body, MarkdownRenderer
from newsgen.render.meta import article_meta
from newsgen.render.related import related
from newsgen.render.views import Link, PageInfo, PlaceNode, Views, YearView, facet_year, rfc3339
from newsgen.site import Pager, Place, Post, Site, Year, paginate


@dataclass(frozen=True, slots=True)
class Page:
    """One file of the site: where it goes, its template, and its context (view objects only).

    The context may be given as a function that makes it (article pages: 10,000 contexts at 10k
    articles): it is then made on first use, in the render worker that fingerprints or renders the
    page, so planning stays a cheap list of paths and the contexts are built in parallel.
    """

    path: str                       # output path relative to the output root: 2025/08/x/index.html
    template: str                   # article.html, feed.xml, sitemap.xml, robots.txt
    make: Mapping[str, Any] | Callable[[], Mapping[str, Any]]
    #: what the context is made from, cheaply, as text (see Fingerprints.inputs); None or '': no such shortcut
    inputs: Callable[[], str] | None = None
    #: the parts of the site (see Plan.parts) its inputs hold besides articles' own lines and the site's
    #: structure; None: not said (a build looks at its inputs every time)
    parts: tuple[str, ...] | None = None
    _made: list[Mapping[str, Any]] = field(default_factory=list, repr=False, compare=False)

    @property
    def context(self) -> Mapping[str, Any]:
        if not callable(self.make):
            return self.make
        if not self._made:
            self._made.append(self.make())
        return self._made[0]


def output_path(url: str) -> str:
    """``2025/08/x/`` -> ``2025/08/x/index.html``; ``''`` -> ``index.html``."""
    return f"{url}index.html"


def render_page(env: jinja2.Environment, page: Page, views: Views) -> str:
    """The text (HTML, XML) of one page. The template is compiled once per environment and cached."""
    return env.get_template(page.template).render(site=views.site_view, **page.context)


@dataclass
class Plan:
    """What every planner shares: the model, its views, article bodies and feeds."""

    site: Site
    views: Views
    renderer: MarkdownRenderer
    bodies: dict[int, Body] = field(default_factory=dict)
    cache_dir: Path | None = None   # where planners may keep what they derive (related articles)
    feeds: Feeds = field(init=False)
    _structure: str = ""
    _cards: dict[int, str] = field(default_factory=dict)
    _links: dict[int, str] = field(default_factory=dict)
    _shown: dict[int, str] = field(default_factory=dict)
    years: dict[int, YearView] = field(default_factory=dict)
    _months: list[int] | None = None
    _year_texts: dict[int, str] = field(default_factory=dict)
    #: every article's related articles (set by :func:`plan_articles`)
    neighbours: Sequence[Sequence[int]] = ()
    _using: set[int] | None = None   # the articles an inputs text being made has shown (see inputs_of)
    #: every page's path, in plan order but the sitemap and robots.txt (set by :func:`plan_all`)
    listed: list[str] = field(default_factory=list)
    _pagers: dict[str, Pager[int]] = field(default_factory=dict)   # listing pages' own parts (see parts())

    def __post_init__(self) -> None:
        self.feeds = Feeds(self.views, self.body)

    @functools.cached_property
    def files(self) -> list[str]:
        """Every article's file (``articles/2025/08/x.md``), in order: how parts and records name articles."""
        return [post.article.path.as_posix() for post in self.site.posts]

    def search_years(self) -> dict[str, str]:
        """Every article page's path with the year the search index files it under (its page's
        ``search.year`` facet), without making the pages' contexts."""
        return {output_path(post.url): facet_year(post.article) for post in self.site.posts}

    def inputs_of(self, page: Page) -> tuple[str, tuple[int, ...]]:
        """``page``'s inputs text, with the articles whose own lines (:meth:`card`, :meth:`link`,
        :meth:`shown`, :meth:`dated`) it holds. What else it holds is the site's structure and the
        page's :meth:`parts`: a build that finds those as the last build left them need make the
        inputs of no page but those showing an article whose file changed."""
        if page.inputs is None:
            return "", ()
        self._using = using = set()
        try:
            text = page.inputs()
        finally:
            self._using = None
        return text, (tuple(sorted(using)) if text else ())

    def _use(self, index: int) -> None:
        if self._using is not None:
            self._using.add(index)

    def uses(self, indices: Iterable[int]) -> None:
        """Note that the inputs text being made shows these articles' own lines."""
        if self._using is not None:
            self._using.update(indices)

    def parts(self) -> dict[str, str]:
        """A digest of each part of the site that pages' inputs hold besides the articles' own lines
        (:meth:`card`, :meth:`link`, :meth:`shown`, :meth:`dated`) and the names and URLs of places,
        topics and tags (:meth:`structure`), by the name pages give it in ``Page.parts``:

        - ``home``: every article (by file), in order;
        - ``pages``: the path of every page but the articles' (what the sitemap of pages lists);
        - ``sitemaps``: the sitemaps, one a year of articles (what the sitemap index lists);
        - ``place:PATH``: the place's articles with their months (its chart), and the counts of every
          place under it (its tree);
        - ``topics:NAME`` / ``tags:NAME``: the term's articles;
        - ``year:YEAR``: the year's months and their articles;
        - ``article:FILE``: the article's neighbours in order (上一篇, 下一篇) and its related articles;
        - ``listing:URL``: one page of a listing: its number, the number of pages and its articles
          (so that an article added to a listing reaches the pages it shifts, not all of them).

        So a page whose parts and shown articles are as the last build found them has the inputs it
        had then: a build need not make them again (see ``commands.delta``)."""
        site = self.site
        files = self.files
        months = self.months()
        join = "\0".join   # (no path holds a NUL)
        parts = {"home": join(files), "pages": join(self.other_pages()), "sitemaps": join(self.sitemaps())}
        for place in site.places.values():
            below: list[str] = []
            stack = list(place.children)
            while stack:
                other = site.places[stack.pop()]
                below.append(f"{other.path}\1{len(other.posts)}\1{other.own}")
                stack.extend(other.children)
            dated = join([f"{files[i]}\1{months[i]}" for i in place.posts])
            parts[f"place:{place.path}"] = f"{place.own}\2{dated}\2{join(below)}"
        for kind, terms in (("topics", site.topics), ("tags", site.tags)):
            for term in terms:
                parts[f"{kind}:{term.name}"] = join([files[i] for i in term.posts])
        for year in site.years:
            parts[f"year:{year.year}"] = year.url + "\2" + "\2".join(
                f"{m.month}\1{m.url}\1{join([files[i] for i in m.posts])}" for m in year.months)
        last = len(files) - 1
        for i, file in enumerate(files):
            related = join([files[j] for j in self.neighbours[i]]) if self.neighbours else "-"
            parts[f"article:{file}"] = f"{files[i + 1] if i < last else ''}\1{files[i - 1] if i else ''}\1{related}"
        for url, pager in self._pagers.items():
            parts[f"listing:{url}"] = f"{pager.number}\1{pager.count}\1{pager.first_url}\1" \
                                      f"{join([files[i] for i in pager.items])}"
        return {name: hashlib.blake2b(text.encode(), digest_size=8).hexdigest() for name, text in parts.items()}

    def other_pages(self) -> list[str]:
        """The HTML pages but the articles' (and 404), in plan order: what the sitemap of pages lists."""
        articles = {output_path(post.url) for post in self.site.posts}
        return [path for path in self.listed if path not in articles and sitemap_url(path) is not None]

    def sitemaps(self) -> list[str]:
        """The paths of the sitemaps the sitemap index lists: the other pages', then one a year of articles."""
        return [SITEMAP_OF_PAGES, *(sitemap_of_year(year.year) for year in self.site.years)]

    def parts_key(self) -> str:
        """A digest of what :meth:`parts` is made from, so that a build finding it unchanged (an edit
        that added, removed or moved no article and changed no place, topic or tag) takes the last
        build's parts instead of making them.

        Every part follows from the articles' files in order, each article's places, topics, tags
        and month, the page size and the places', topics' and tags' URLs (:meth:`structure`): the
        lists of a place, topic, tag, year and listing page are made from those, and so are the
        related articles (a function of the places, topics and tags in order; see
        :func:`newsgen.render.related.related`). So the digest is of those alone: one JSON text of
        10,000 short rows (about 10 ms), not the reprs of every list they give (about 70 ms)."""
        rows = [(post.article.regions, post.article.topics, post.article.tags) for post in self.site.posts]
        text = orjson.dumps([self.files, rows, self.months(), self.site.config.per_page, self.structure()])
        return hashlib.blake2b(text, digest_size=16).hexdigest()

    def listing_parts(self, pager: Pager[int], whole: str) -> tuple[str, ...]:
        """The parts a page of a listing holds: its own (``listing:URL``) and, on the front page, which
        shows counts of the whole listing, the listing's (``whole``)."""
        self._pagers[pager.url] = pager
        return (f"listing:{pager.url}", whole) if pager.is_front else (f"listing:{pager.url}",)

    def card(self, post: Post) -> str:
        """What an article's card in a listing is made from: its file's path and digest, and its URL
        (as one line of text: inputs texts are lines of reprs, which hold no line break)."""
        self._use(post.index)
        done = self._cards.get(post.index)
        if done is None:
            done = self._cards[post.index] = repr((self.files[post.index], post.article.digest, post.url))
        return done

    def link(self, post: Post | None) -> str:
        """An article as a link shows it (title and URL), as one line; ``None`` for no article."""
        if post is None:
            return "None"
        self._use(post.index)
        done = self._links.get(post.index)
        if done is None:
            done = self._links[post.index] = repr((post.article.title, post.url))
        return done

    def shown(self, index: int) -> str:
        """An article as a related article shows it (title, URL and date), as one line."""
        self._use(index)
        done = self._shown.get(index)
        if done is None:
            article = self.site.posts[index].article
            done = self._shown[index] = repr((article.title, self.site.posts[index].url, article.date))
        return done

    def dated(self, post: Post) -> str:
        """An article as the sitemap lists it (URL, date, last change), as one line."""
        self._use(post.index)
        return repr((post.url, post.article.date, post.article.updated))

    def structure(self) -> str:
        """A digest of the name and URL of every place, topic and tag (what links and breadcrumbs show)."""
        if not self._structure:
            h = hashlib.sha256()
            for key, url in self.addresses().items():
                h.update(f"{key}\0{url}\n".encode())
            self._structure = h.hexdigest()
        return self._structure

    def addresses(self) -> dict[str, str]:
        """The URL of every place (``p`` and its path), topic (``t`` and its name) and tag (``g``)."""
        found = {f"p{place.path}\0{place.name}": place.url for place in self.site.places.values()}
        for kind, terms in (("t", self.site.topics), ("g", self.site.tags)):
            found.update((f"{kind}{term.name}", term.url) for term in terms)
        return found

    def months(self) -> list[int]:
        """Every article's year and month, as ``year * 12 + month`` (what month charts count)."""
        if self._months is None:
            self._months = [post.article.day.year * 12 + post.article.day.month for post in self.site.posts]
        return self._months

    def body(self, index: int) -> Body:
        """The article's body, one shared (lazy, converted once) object per article."""
        body = self.bodies.get(index)
        if body is None:
            article = self.site.posts[index].article   # its body read only if converted (not cached)
            body = self.bodies[index] = Body(functools.partial(getattr, article, "body"), self.renderer,
                                             article.digest, Location(article.path, article.body_line))
        return body

    def info(self, title: str, url: str, section: str, description: str = "", feed: str | None = None,
             feed_title: str = "") -> PageInfo:
        views = self.views
        return PageInfo(title=title, url=views.href(url), section=section, description=description,
                        feed_url=views.href(feed_path(feed)) if feed is not None else "", feed_title=feed_title)

    def feed_page(self, title: str, url: str, posts: Sequence[int], part: str) -> Page:
        return Page(feed_path(url), "feed.xml", functools.partial(_feed_context, self, title, url, posts),
                    functools.partial(_feed_text, self, title, url, posts), (part,))


def _feed_context(plan: Plan, title: str, url: str, posts: Sequence[int]) -> dict[str, Any]:
    return {"feed": plan.feeds.feed(title, url, posts)}


def _feed_text(plan: Plan, title: str, url: str, posts: Sequence[int]) -> str:
    """What a feed is made from (see :func:`_listing_inputs`): its title and URL and the cards of its
    :data:`FEED_SIZE` newest articles (their files' digests stand for their bodies, dates and authors)."""
    newest = [plan.site.posts[i] for i in posts[:FEED_SIZE]]
    if not all(post.article.digest for post in newest):
        return ""
    return "\n".join((plan.structure(), repr(("feed", title, url)), *(plan.card(p) for p in newest)))


def numbered(title: str, number: int, count: int) -> str:
    """A listing page's title: the front page's own, ``（第 N 页）`` after it on the numbered ones."""
    if number == count:
        return title
    return f"{title}（第 {number} 页）" if title else f"第 {number} 页"


def plan_home(plan: Plan) -> Iterator[Page]:
    """``/``, its numbered pages ``/page/N/`` and ``/feed.xml``."""
    site = plan.site
    title = site.config.title
    for pager in paginate(range(len(site.posts)), site.config.per_page, ""):
        yield Page(output_path(pager.url), "home.html", functools.partial(_home_context, plan, pager),
                   _listing_inputs(plan, pager, "home", front=functools.partial(len, site.posts)),
                   plan.listing_parts(pager, "home"))
    yield plan.feed_page(title, "", range(len(site.posts)), "home")


def _listing_inputs(plan: Plan, pager: Pager[int], *names: object,
                    front: Callable[[], object] | None = None) -> Callable[[], str]:
    """What a page of a listing is made from, as text (see :func:`_article_inputs`): the listing
    (``names``: kind, name, URL, feed), the page's number, the number of pages and the front page's
    URL (its links to other pages), and for each article it lists, the article file's path, digest
    and URL (its card: title, summary, date, places, topics, tags), with the names and URLs of every
    place, topic and tag. A front page also shows counts (and a chart) of the whole listing:
    ``front()`` gives what they are made from."""
    return functools.partial(_listing_text, plan, pager, names, front if pager.is_front else None)


def _listing_text(plan: Plan, pager: Pager[int], names: tuple[object, ...],
                  front: Callable[[], object] | None) -> str:
    return _cards_text(plan, (names, pager.number, pager.count, pager.url, pager.first_url,
                              front() if front is not None else None), pager.items)


def _cards_text(plan: Plan, head: object, indices: Sequence[int]) -> str:
    """The inputs text of a page that lists articles: the site's structure, ``head`` (which page it
    is) and the card of each article; '' when an article was not read from a file (no key: the
    context decides)."""
    posts = [plan.site.posts[i] for i in indices]
    if not all(post.article.digest for post in posts):
        return ""
    return "\n".join((plan.structure(), repr(head), *(plan.card(p) for p in posts)))


def _home_context(plan: Plan, pager: Pager[int]) -> dict[str, Any]:
    site = plan.site
    context: dict[str, Any] = {
        "page": plan.info(numbered("", pager.number, pager.count), pager.url, "home", site.config.description,
                          feed="", feed_title=site.config.title),
        "pager": plan.views.pager(pager)}
    if pager.is_front:
        context["article_count"] = len(site.posts)
    return context


def plan_articles(plan: Plan) -> Iterator[Page]:
    """``/YYYY/MM/<slug>/`` for every article, with its related articles and its search filters."""
    neighbours = plan.neighbours = related(plan.site, cache=plan.cache_dir / "related.json" if plan.cache_dir else None)
    for post in plan.site.posts:
        yield Page(output_path(post.url), "article.html", functools.partial(_article_context, plan, post, neighbours),
                   functools.partial(_article_inputs, plan, post, neighbours) if post.article.digest else None,
                   (f"article:{plan.files[post.index]}",))


def _article_inputs(plan: Plan, post: Post, neighbours: Sequence[Sequence[int]]) -> str:
    """Everything an article page's context is made from (see :func:`_article_context`), as text: the
    article file's digest (its front matter and body: title, dates, places, topics, tags, summary,
    reading time, URL), its path, the titles and URLs of the neighbours it links to and of its related
    articles (with their dates), and the names and URLs of every place, topic and tag (its breadcrumbs
    and links). The site's configuration and the templates are added by the fingerprint.

    Made in a fraction of the time the context takes; a build whose inputs for a page are those of the
    last build reuses the page without making its context."""
    site = plan.site
    return "\n".join((plan.structure(), plan.card(post), plan.link(site.older(post)), plan.link(site.newer(post)),
                      *(plan.shown(i) for i in neighbours[post.index])))


def _article_context(plan: Plan, post: Post, neighbours: Sequence[Sequence[int]]) -> dict[str, Any]:
    site, views = plan.site, plan.views
    view = views.posts[post.index]
    older, newer = site.older(post), site.newer(post)
    return {"page": plan.info(view.title, post.url, "article", view.summary),
            "post": view,
            "meta": article_meta(views, post.index),
            "body": plan.body(post.index),
            # neighbours as title and link only: editing one's body must not rewrite this page
            "previous": views.post_link(older.index) if older else None,
            "next": views.post_link(newer.index) if newer else None,
            "related": tuple(views.related_link(i) for i in neighbours[post.index]),
            "search": views.search_facets(post.index)}


def plan_regions(plan: Plan) -> Iterator[Page]:
    """``/regions/`` (the tree) and every place, paginated, with its per-month chart and feed."""
    site, views = plan.site, plan.views
    yield Page(output_path("regions/"), "regions.html",
               {"page": plan.info("地区", "regions/", "regions"), "tree": views.tree()})
    for place in site.places.values():
        trail = views.crumbs(place.path)
        node = views.place_node(place.path)
        bare = dataclasses.replace(node, count=0, own=0, children=())   # numbered pages show neither
        title = f"{place.name} · {site.config.title}"
        for pager in paginate(place.posts, site.config.per_page, place.url):
            yield Page(output_path(pager.url), "region.html",
                       functools.partial(_region_context, plan, place, pager, title, node if pager.is_front else bare,
                                         trail), _listing_inputs(plan, pager, place.path, title,
                                                                 front=functools.partial(_place_front, plan, place)),
                       plan.listing_parts(pager, f"place:{place.path}"))
        yield plan.feed_page(title, place.url, place.posts, f"place:{place.path}")


def _place_front(plan: Plan, place: Place) -> tuple[object, ...]:
    """What a place's front page shows of the whole place: its node (counts, its places' counts) and
    its chart (articles by month)."""
    return repr(plan.views.place_node(place.path)), sorted(_month_counts(plan, place).items())


def _month_counts(plan: Plan, place: Place) -> dict[tuple[int, int], int]:
    """The place's articles by (year, month), counted from :meth:`Plan.months`."""
    months = plan.months()   # year * 12 + month: January of 2025 is 2025 * 12 + 1
    counts = Counter(months[i] for i in place.posts)
    return {((m - 1) // 12, (m - 1) % 12 + 1): n for m, n in counts.items()}


def _region_context(plan: Plan, place: Place, pager: Pager[int], title: str, node: PlaceNode,
                    trail: tuple[Link, ...]) -> dict[str, Any]:
    chart = chart_of_counts(_month_counts(plan, place), f"{place.name}每月文章数") if pager.is_front else ""
    return {"page": plan.info(numbered(place.name, pager.number, pager.count), pager.url, "region",
                              feed=place.url, feed_title=title),
            "place": node, "crumbs": trail, "chart": chart, "pager": plan.views.pager(pager)}


def _plan_terms(plan: Plan, kind: str, title: str, section: str, by_count: bool, feeds: bool) -> Iterator[Page]:
    site, views = plan.site, plan.views
    terms = site.topics if kind == "topics" else site.tags
    yield Page(output_path(f"{kind}/"), f"{kind}.html",
               {"page": plan.info(title, f"{kind}/", kind), "terms": views.term_links(kind, by_count)})
    for term in terms:
        link = views.term_link(term, kind)
        term_feed = f"{title}：{term.name} · {site.config.title}"
        for pager in paginate(term.posts, site.config.per_page, term.url):
            yield Page(output_path(pager.url), f"{section}.html",
                       functools.partial(_term_context, plan, pager, f"{title}：{term.name}", section,
                                         term.url if feeds else None, term_feed, link),
                       _listing_inputs(plan, pager, kind, term.name, term.url, feeds, term_feed,
                                       front=functools.partial(repr, link)),
                       plan.listing_parts(pager, f"{kind}:{term.name}"))
        if feeds:
            yield plan.feed_page(term_feed, term.url, term.posts, f"{kind}:{term.name}")


def _term_context(plan: Plan, pager: Pager[int], title: str, section: str, feed: str | None, feed_title: str,
                  link: Link) -> dict[str, Any]:
    return {"page": plan.info(numbered(title, pager.number, pager.count), pager.url, section, feed=feed,
                              feed_title=feed_title),
            "term": link if pager.is_front else dataclasses.replace(link, count=0),
            "pager": plan.views.pager(pager)}


def plan_topics(plan: Plan) -> Iterator[Page]:
    """``/topics/`` and every topic, paginated, each with its feed."""
    return _plan_terms(plan, "topics", "专题", "topic", by_count=False, feeds=True)


def plan_tags(plan: Plan) -> Iterator[Page]:
    """``/tags/`` (by count) and every tag, paginated; tags have no feeds."""
    return _plan_terms(plan, "tags", "标签", "tag", by_count=True, feeds=False)


def plan_archives(plan: Plan) -> Iterator[Page]:
    """``/archive/``, ``/archive/2025/``, ``/archive/2025/08/``."""
    site, views = plan.site, plan.views
    yield Page(output_path("archive/"), "archive.html",
               {"page": plan.info("归档", "archive/", "archive"),
                "years": tuple(views.year(y, with_posts=False) for y in site.years)})
    for year in site.years:
        inputs = functools.partial(_year_text, plan, year)
        part = (f"year:{year.year}",)
        yield Page(output_path(year.url), "archive_year.html", functools.partial(_year_context, plan, year), inputs,
                   part)
        for number in range(len(year.months)):
            yield Page(output_path(year.months[number].url), "archive_month.html",
                       functools.partial(_month_context, plan, year, number),
                       functools.partial(_month_text, plan, year, number), part)


def _year_text(plan: Plan, year: Year) -> str:
    """What a year's archive page is made from (see :func:`_listing_inputs`): the year, and each of its
    months with the cards of its articles; as the digest of that text (its months' pages share it)."""
    plan.uses(year.posts)   # (its cards, also when the text is the one made for another page of the year)
    text = plan._year_texts.get(year.year)
    if text is None:
        site = plan.site
        text = ""
        if all(site.posts[i].article.digest for i in year.posts):
            lines = [plan.structure(), repr(("year", year.year, year.url, len(year.posts)))]
            for m in year.months:
                lines.append(repr((m.year, m.month, m.url, len(m.posts))))
                lines.extend(plan.card(site.posts[i]) for i in m.posts)
            text = hashlib.sha256("\n".join(lines).encode()).hexdigest()
        plan._year_texts[year.year] = text
    return text


def _month_text(plan: Plan, year: Year, number: int) -> str:
    """What a month's archive page is made from: its year's name and URL, and the month with the
    cards of its articles (not the year's other months: see :func:`_month_context`)."""
    month = year.months[number]
    return _cards_text(plan, ("month", year.year, year.url, month.month, month.url, len(month.posts)), month.posts)


def _year_view(plan: Plan, year: Year) -> YearView:
    """A year with its months and their articles, made once (its pages and its months' share it)."""
    view = plan.years.get(year.year)
    if view is None:
        view = plan.years[year.year] = plan.views.year(year, with_posts=True)
    return view


def _year_context(plan: Plan, year: Year) -> dict[str, Any]:
    view = _year_view(plan, year)
    return {"page": plan.info(view.name, year.url, "archive"), "year": view}


def _month_context(plan: Plan, year: Year, number: int) -> dict[str, Any]:
    """The month and its articles; its year by name and link only (no months, no count), as a
    listing's numbered pages get their place bare: so that an article added in March does not
    rewrite the other eleven months' pages."""
    view = _year_view(plan, year)
    month = view.months[number]
    bare = dataclasses.replace(view, count=0, months=())
    return {"page": plan.info(month.name, year.months[number].url, "archive"), "year": bare, "month": month}


def plan_search(plan: Plan) -> Iterator[Page]:
    """``/search/``: the search page (the index itself, ``/search-index/``, is made after rendering)."""
    yield Page(output_path("search/"), "search.html", {"page": plan.info("搜索", "search/", "search")})


def plan_not_found(plan: Plan) -> Iterator[Page]:
    """``/404.html``."""
    yield Page("404.html", "404.html", {"page": plan.info("页面不存在", "404.html", "404")})


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
    others = plan.other_pages()
    yield Page(SITEMAP_OF_PAGES, "sitemap.xml", functools.partial(_pages_sitemap_context, plan, others),
               functools.partial(_pages_sitemap_text, others), ("pages",))
    for year in plan.site.years:
        yield Page(sitemap_of_year(year.year), "sitemap.xml", functools.partial(_year_sitemap_context, plan, year),
                   functools.partial(_year_sitemap_text, plan, year), (f"year:{year.year}",))
    sitemaps = plan.sitemaps()
    yield Page("sitemap.xml", "sitemap_index.xml",
               {"sitemaps": tuple(SitemapEntry(plan.views.absolute(path), "") for path in sitemaps)},
               functools.partial("\n".join, ("sitemap index", *sitemaps)), ("sitemaps",))


def _pages_sitemap_text(paths: Sequence[str]) -> str:
    return "\n".join(("sitemap of pages", *paths))


def _pages_sitemap_context(plan: Plan, paths: Sequence[str]) -> dict[str, Any]:
    """List pages carry no date: none that would mean anything."""
    views = plan.views
    return {"urls": tuple(SitemapEntry(views.absolute(sitemap_url(path) or ""), "") for path in paths)}


def _year_sitemap_text(plan: Plan, year: Year) -> str:
    """What a year's sitemap is made from: each article's URL and dates."""
    posts = plan.site.posts
    return "\n".join(("sitemap of year", year.url, *(plan.dated(posts[i]) for i in year.posts)))


def _year_sitemap_context(plan: Plan, year: Year) -> dict[str, Any]:
    """The year's article pages, newest first, each with the time it last changed."""
    views, posts = plan.views, plan.site.posts
    return {"urls": tuple(SitemapEntry(views.absolute(posts[i].url), rfc3339(views.last_change(i)))
                          for i in year.posts)}


Planner = Callable[[Plan], Iterable[Page]]

#: Every kind of page, in plan order. Search, related articles and others plug in here.
PLANNERS: tuple[Planner, ...] = (plan_home, plan_articles, plan_regions, plan_topics, plan_tags, plan_archives,
                                 plan_search, plan_not_found)


def plan_pages(site: Site, views: Views, renderer: MarkdownRenderer | None = None,
               planners: Sequence[Planner] = PLANNERS, cache_dir: Path | None = None) -> Iterator[Page]:
    """Every page and feed of the site, then ``sitemap.xml`` (every HTML page but 404) and ``robots.txt``.

    Article bodies are converted only when a page is rendered, once per article. ``cache_dir`` lets
    planners keep what they derive between builds.
    """
    return plan_all(Plan(site, views, renderer or MarkdownRenderer(), cache_dir=cache_dir), planners)


def plan_all(plan: Plan, planners: Sequence[Planner] = PLANNERS) -> Iterator[Page]:
    """:func:`plan_pages` with a :class:`Plan` made by the caller (who may then ask its :meth:`Plan.shape`)."""
    views = plan.views
    listed = plan.listed
    listed.clear()
    plan._pagers.clear()
    for planner in planners:
        for page in planner(plan):
            yield page
            listed.append(page.path)
    yield from plan_sitemaps(plan)
    yield Page("robots.txt", "robots.txt", {"sitemap_url": views.absolute("sitemap.xml")})


__all__ = ["FEED_SIZE", "PLANNERS", "Page", "Plan", "Planner", "output_path", "plan_all", "plan_pages",
           "render_page"]
