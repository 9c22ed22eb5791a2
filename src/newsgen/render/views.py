"""Read-only views: the plain data templates see, never the model itself (as Zola's ``ser.rs``).

Every URL in a view is final: ``base_url``'s path already applied, so a template writes
``href="{{ post.url }}"`` and the site works under a sub-path (``/archive/``) as it is.
Views are frozen dataclasses of strings, ints and tuples, built once per build: a
:class:`PostView` is made once per article and shared by every listing that shows it.

**Views record what a page reads.** While a page's context is made, :attr:`Views.record` is that
page's record, and every public accessor of :class:`Views` (and of the page plan: bodies, feeds,
sitemap entries, charts) writes into it the *name* of what it handed out (``post:FILE``,
``link:FILE``, ``pager:URL``, ``node:PATH``, ``terms:topics:0``, …) with a digest of its value.
Templates only see what the context holds, so the record covers what the template reads too. A
view made by an accessor while another is being made (an article's meta reading the article's
view) is recorded into the outer view's record, which is replayed on every page that takes the
outer one. The next build computes the names' values again and looks at exactly the pages whose
record holds a name whose digest changed (see ``commands.delta``). A name is resolved again by
calling the accessor that recorded it (:meth:`newsgen.render.pages.Plan.resolve`), so the record
and its check cannot disagree.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

from newsgen.content import Article, file_digest, source_paths
from newsgen.site import Pager, Place, Site, Term, Year, page_url, place_levels
from newsgen.text import reading_minutes, summarize

_ARTICLE = operator.attrgetter("article")

_URL_SAFE = re.compile(r"[A-Za-z0-9._~/-]*")

V = TypeVar("V")

#: The kinds of recorded name whose value is a function of one article file (its digest), its URL, its
#: lead photo and the names and URLs of the places, topics and tags it carries: the next build computes
#: them again only for the articles where one of those changed (see ``commands.delta``). Every other
#: kind is computed again on every build that takes the incremental path.
ARTICLE_KINDS = frozenset({"post", "link", "rlink", "facets", "body", "meta", "entry", "dated"})


#: how many values read by one page each (see :meth:`Views.recorded`'s ``once``) are kept at a time
ONCE_KEPT = 64


def digest(text: str) -> str:
    """A short digest of a recorded value's text (its repr, for a view)."""
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def _repr_digest(value: object) -> str:
    return digest(repr(value))


def plain_repr(cls: type[V]) -> type[V]:
    """A view dataclass whose ``repr`` skips :mod:`dataclasses`' guard against recursion (the same text).

    Views are frozen and made of text, numbers and other views made before them, so none can hold
    itself; and the guard (an id added to and removed from a set on every call) costs more than the
    repr it guards. A recorded view's digest is of its repr.
    """
    cls.__repr__ = cls.__repr__.__wrapped__   # type: ignore[attr-defined]
    return cls


@plain_repr
@dataclass(frozen=True, slots=True)
class Link:
    name: str
    url: str
    count: int = 0


@plain_repr
@dataclass(frozen=True, slots=True)
class SiteView:
    title: str
    description: str
    language: str
    base_path: str
    home_url: str
    regions_url: str
    topics_url: str
    tags_url: str
    archive_url: str
    stylesheet_url: str
    search_url: str         # /search/, where the header's search box sends its query (?q=…)
    static_url: str         # /static/, for the search page's script
    search_index_url: str   # /search-index/, the search index's folder


@plain_repr
@dataclass(frozen=True, slots=True)
class PageInfo:
    """What the base template needs about the page being rendered."""

    title: str          # for <title>; '' on the home page
    url: str
    section: str        # home, article, regions, region, topics, topic, tags, tag, archive, 404
    description: str = ""
    feed_url: str = ""      # the Atom feed of this page's listing ('' when it has none)
    feed_title: str = ""


@plain_repr
@dataclass(frozen=True, slots=True)
class PhotoView:
    """An article's lead photo as listings and its page's ``<head>`` show it."""

    src: str            # the smallest JPEG, for a thumbnail
    srcset: str         # every JPEG, ``URL 480w, …``
    width: int          # of the smallest JPEG
    height: int
    alt: str
    image: str          # the widest JPEG, site-relative (og:image, JSON-LD image)


@plain_repr
@dataclass(frozen=True, slots=True)
class PostView:
    title: str
    kicker: str
    subtitle: str
    url: str
    date: str                                # ISO, for <time datetime>
    date_text: str                           # 2025年8月6日
    authors: tuple[str, ...]
    summary: str
    reading_minutes: int
    regions: tuple[tuple[Link, ...], ...]    # one breadcrumb trail per region: 省 > 市 > 县 > 镇
    topics: tuple[Link, ...]
    tags: tuple[Link, ...]
    extra: Mapping[str, Any]                 # unknown front-matter keys, as written
    source_path: str
    photo: PhotoView | None = None           # the lead photo, None when the article has none


@plain_repr
@dataclass(frozen=True, slots=True)
class PostLink:
    """An article where a page only links to it (previous / next): its title and URL, no more."""

    title: str
    url: str


@plain_repr
@dataclass(frozen=True, slots=True)
class RelatedLink:
    """A related article as an article page lists it: title, link and date, no more (editing its
    body or summary must not rewrite every page that lists it)."""

    title: str
    url: str
    date: str           # ISO, for <time datetime>
    date_text: str      # 2025年8月6日


@plain_repr
@dataclass(frozen=True, slots=True)
class SearchFacets:
    """What the search index files an article page under: its filters and its sort key."""

    regions: tuple[str, ...]    # every level of every place path: 江西省, 江西省/赣州市, 江西省/赣州市/章贡区
    topics: tuple[str, ...]
    year: str                   # 2025
    date: str                   # ISO date, the sort key (newest first when sorted by date)


@plain_repr
@dataclass(frozen=True, slots=True)
class PlaceNode:
    name: str
    url: str
    count: int          # own and descendants' articles
    own: int            # articles placed exactly here
    children: tuple[PlaceNode, ...]


@plain_repr
@dataclass(frozen=True, slots=True)
class PageLink:
    name: str           # "最新" for the front page, else the page's number; "…" for a gap
    url: str            # '' for a gap
    current: bool = False


@plain_repr
@dataclass(frozen=True, slots=True)
class PagerView:
    number: int
    count: int
    front: bool                 # the listing's own URL: its newest articles
    posts: tuple[PostView, ...]
    url: str
    previous_url: str | None
    next_url: str | None
    pages: tuple[PageLink, ...]  # newest first: the front page, numbers around the current one, page 1


@plain_repr
@dataclass(frozen=True, slots=True)
class MonthView:
    name: str           # 2025年8月
    url: str
    count: int
    posts: tuple[PostView, ...]


@plain_repr
@dataclass(frozen=True, slots=True)
class YearView:
    name: str           # 2025年
    url: str
    count: int
    months: tuple[MonthView, ...]


def page_window(current: int, count: int, around: int = 2) -> list[int]:
    """Page numbers to link, newest first: the front (``count``), ``around`` either side of
    ``current``, and page 1; 0 marks a gap.

    Bounded, so a listing of 500 pages does not put 500 links on each of its pages; and stable:
    a page's links change only when a page within ``around`` of it appears or goes.
    """
    shown = sorted({1, count, *range(max(1, current - around), min(count, current + around) + 1)},
                   reverse=True)
    out: list[int] = []
    for n in shown:
        if out and out[-1] - n == 2:
            out.append(n + 1)      # a gap of one page: show the page rather than an ellipsis
        elif out and out[-1] - n > 2:
            out.append(0)
        out.append(n)
    return out


def date_text(day: Any) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def instant(value: dt.date | dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """A front-matter date as an aware datetime in the site's time zone.

    A date alone means midnight local time; a datetime without a zone is local time; one with a
    zone is converted, so every timestamp of a site is written with one offset.
    """
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=tz) if value.tzinfo is None else value.astimezone(tz)
    return dt.datetime(value.year, value.month, value.day, tzinfo=tz)


def rfc3339(when: dt.datetime) -> str:
    """``2025-08-06T00:00:00+08:00`` (RFC 3339, as Atom, sitemaps and schema.org want it)."""
    return when.isoformat(timespec="seconds")


def split_base_url(base_url: str) -> tuple[str, str]:
    """``(origin, host)`` of ``base_url``: ``('https://example.org', 'example.org')``.

    Both are ``''`` when ``base_url`` is only a path (``/``): absolute URLs are then impossible and
    feeds, the sitemap and canonical links fall back to root-relative paths.
    """
    parts = urlsplit(base_url)
    if parts.scheme and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}", parts.hostname or parts.netloc
    return "", ""


class _RecordedPosts(Sequence[Any]):
    """``Views.posts``: each article's view, recorded (``post:FILE``) on the page being made when read."""

    def __init__(self, views: Views) -> None:
        self._views = views

    def __len__(self) -> int:
        return len(self._views._posts)

    def __getitem__(self, index: int) -> Any:   # type: ignore[override]
        views = self._views
        if isinstance(index, slice):
            return list(views.post_list(range(*index.indices(len(self)))))
        index = index if index >= 0 else index + len(self)
        return views.post_list((index,))[0]


def facet_year(article: Article) -> str:
    """The year an article's page is filed under by the search index (its filter and its bundle)."""
    return str(article.day.year)


def derive(article: Article) -> list[Any]:
    """What :class:`Views` derives from an article's body and keeps by its file's digest: its summary
    and its reading minutes."""
    body = article.body
    if article.digest != file_digest(article):   # an article with photos: their captions are not its text
        from newsgen.render.photos import without_photos
        body = without_photos(body)
    return [summarize(body), reading_minutes(body)]


class Views:
    """Builds the views of one site. Holds no state beyond caches of immutable views."""

    def __init__(self, site: Site, derived: dict[str, list[Any]] | None = None,
                 photos: Mapping[str, PhotoView] | None = None,
                 known: Callable[[Article], list[Any] | None] | None = None) -> None:
        """``derived`` maps an article's digest to its derived summary and reading minutes: read where
        known (a cache of the last build), filled in where not, when an article's view is first made
        (the build fills in every article's before: see ``commands.build``); ``known(article)``: what a
        cache of the last build keeps of an article not in ``derived`` (None: nothing). ``photos``: each
        article's lead photo, by the article file's path."""
        self.site = site
        self.config = site.config
        self.derived = derived if derived is not None else {}
        self._known = known
        self.photos = photos or {}
        self.base = self.config.base_path
        self._hrefs: dict[str, str] = {}
        self.origin, self.host = split_base_url(self.config.base_url)
        self.tz = ZoneInfo(self.config.timezone)
        # links as an article or a breadcrumb shows them: no counts, so that adding an article to a
        # place or topic does not change every page that merely links to it
        self._place_links = {p.path: Link(p.name, self.href(p.url)) for p in site.places.values()}
        self._topic_refs = {t.name: Link(t.name, self.href(t.url)) for t in site.topics}
        self._tag_refs = {t.name: Link(t.name, self.href(t.url)) for t in site.tags}
        self._topic_links = {t.name: Link(t.name, self.href(t.url), t.count) for t in site.topics}
        self._tag_links = {t.name: Link(t.name, self.href(t.url), t.count) for t in site.tags}
        #: every article's view, made when first asked for (in the render worker that needs it): see _view
        self._posts: list[PostView | None] = [None] * len(site.posts)
        self._post_digests: list[str | None] = [None] * len(site.posts)
        #: every article's view, recorded as ``post:FILE`` on the page being made
        self.posts: Sequence[PostView] = _RecordedPosts(self)
        #: the record of the page whose context is being made (name -> digest of the value), None: not recording
        self.record: dict[str, str] | None = None
        #: recorded names are being resolved again (see ``recorded``'s ``source``)
        self.resolving = False
        self._made: dict[str, tuple[Any, str, dict[str, str]]] = {}
        self._once: dict[str, tuple[Any, str, dict[str, str]]] = {}   # (see recorded's ``once``)
        self._nodes: dict[str, PlaceNode] = {}
        # what a region path gives every article placed there, made once per place
        self._trails: dict[str, tuple[Link, ...]] = {}
        self._chains: dict[str, tuple[tuple[str, str], ...]] = {}
        self.site_view = SiteView(
            title=self.config.title, description=self.config.description, language=self.config.language,
            base_path=self.base, home_url=self.href(""), regions_url=self.href("regions/"),
            topics_url=self.href("topics/"), tags_url=self.href("tags/"), archive_url=self.href("archive/"),
            stylesheet_url=self.href("static/style.css"), search_url=self.href("search/"),
            static_url=self.href("static/"), search_index_url=self.href("search-index/"))

    @functools.cached_property
    def files(self) -> list[str]:
        """Every article's file (``articles/2025/08/x.md``), in order: how records name articles."""
        return source_paths(list(map(_ARTICLE, self.site.posts)))

    @functools.cached_property
    def numbers(self) -> dict[str, int]:
        """Every article's position in the model, by its file."""
        return dict(zip(self.files, range(len(self.files)), strict=True))

    def recorded(self, name: str, make: Callable[[], V], digest_of: Callable[[V], str] = _repr_digest, *,
                 source: Callable[[], str] | None = None, once: bool = False) -> V:
        """The value ``name`` stands for, made once per build by ``make``, recorded on the page being
        made with its digest (``digest_of``) and whatever ``make`` read in turn. ``source`` gives the
        digest of what the value is made from, when that is cheaper than making it: :attr:`resolving`
        then records it without making the value (and returns None).

        ``once``: a value one page reads (an article's metadata, a listing page's pager), kept only
        among the last :data:`ONCE_KEPT` such values, not for the whole build: a render worker of a
        cold build at 100,000 articles kept about 200 MB of them. Read again later, it is made again."""
        hit = self._made.get(name)
        if hit is None and once:
            hit = self._once.get(name)
        if hit is None and source is not None and self.resolving:
            if self.record is not None:
                self.record[name] = source()
            return None   # type: ignore[return-value]
        if hit is None:
            outer = self.record
            self.record = inner = {}
            try:
                value = make()
            finally:
                self.record = outer
            hit = (value, source() if source is not None else digest_of(value), inner)
            if not once:
                self._made[name] = hit
            else:
                if len(self._once) >= ONCE_KEPT:
                    self._once.clear()
                self._once[name] = hit
        record = self.record
        if record is not None:
            record[name] = hit[1]
            if hit[2]:
                record.update(hit[2])
        return hit[0]

    def listing(self, name: str, indices: Sequence[int]) -> Sequence[int]:
        """A list of articles (which and in which order) as a page reads it, recorded under ``name``."""
        files = self.files
        return self.recorded(name, lambda: indices, lambda found: digest("\0".join(files[i] for i in found)))

    def _view(self, index: int) -> PostView:
        view = self._posts[index]
        if view is None:
            view = self._posts[index] = self._post(index)
        return view

    def _post_digest(self, index: int) -> str:
        done = self._post_digests[index]
        if done is None:
            done = self._post_digests[index] = digest(repr(self._view(index)))
        return done

    def article_count(self) -> int:
        """How many articles the site has."""
        return self.recorded("count", lambda: len(self.site.posts), str)

    def href(self, url: str) -> str:
        """A site-relative URL as an absolute path under ``base_url``'s path, percent-encoded.

        Slugs are the editors' to choose; one with Chinese, a space or '#' must still link.
        """
        done = self._hrefs.get(url)
        if done is None:   # each URL is asked for by every page that links to it: worked out once
            done = self._hrefs[url] = self.base + (url if _URL_SAFE.fullmatch(url) else quote(url, safe="/"))
        return done

    def absolute(self, url: str) -> str:
        """A site-relative URL as an absolute one (``https://example.org/archive/x/``).

        Only a path when ``base_url`` has no scheme and host; the build warns about that.
        """
        return self.origin + self.href(url)

    def published(self, index: int) -> dt.datetime:
        return instant(self.site.posts[index].article.date, self.tz)

    def modified(self, index: int) -> dt.datetime | None:
        """The front matter's ``updated``, never before publication; ``None`` when absent."""
        updated = self.site.posts[index].article.updated
        return None if updated is None else max(instant(updated, self.tz), self.published(index))

    def last_change(self, index: int) -> dt.datetime:
        return self.modified(index) or self.published(index)

    def _derived(self, article: Article) -> list[Any]:
        """An article's summary made from its body, and its reading minutes (kept by its digest)."""
        digest = file_digest(article)
        known = self.derived.get(digest) if digest else None
        if known is None and digest and self._known is not None:
            known = self._known(article)
        if known is None or len(known) != 2:
            known = derive(article)
            if digest:
                self.derived[digest] = known
        return known

    def _post(self, index: int) -> PostView:
        article = self.site.posts[index].article
        auto_summary, minutes = self._derived(article)
        return PostView(
            title=article.title,
            kicker=article.kicker or "",
            subtitle=article.subtitle or "",
            url=self.href(self.site.posts[index].url),
            date=article.date.isoformat(),
            date_text=date_text(article.day),
            authors=article.authors,
            summary=article.summary or auto_summary,
            reading_minutes=minutes,
            regions=tuple(self._crumbs(r) for r in dict.fromkeys(article.regions)),
            topics=tuple(self._topic_refs[t] for t in dict.fromkeys(article.topics)),
            tags=tuple(self._tag_refs[t] for t in dict.fromkeys(article.tags)),
            extra=MappingProxyType(dict(article.extra)),
            source_path=self.files[index],
            photo=self.photos.get(self.files[index]),
        )

    def post_link(self, index: int) -> PostLink:
        """An article as a title and a link (for 上一篇 / 下一篇)."""
        return self.recorded(f"link:{self.files[index]}", functools.partial(self._post_link, index))

    def _post_link(self, index: int) -> PostLink:
        view = self._view(index)
        return PostLink(view.title, view.url)

    def related_link(self, index: int) -> RelatedLink:
        """An article as a related article: its title, link and date."""
        return self.recorded(f"rlink:{self.files[index]}", functools.partial(self._related_link, index))

    def _related_link(self, index: int) -> RelatedLink:
        view = self._view(index)
        return RelatedLink(view.title, view.url, view.date, view.date_text)

    def search_facets(self, index: int) -> SearchFacets:
        """The filters (region at every level, topic, year) and sort key of an article's page."""
        return self.recorded(f"facets:{self.files[index]}", functools.partial(self._search_facets, index), once=True)

    def _search_facets(self, index: int) -> SearchFacets:
        article = self.site.posts[index].article
        levels: dict[str, None] = {}
        for region in article.regions:
            levels.update(dict.fromkeys(place_levels(region)))
        return SearchFacets(regions=tuple(levels), topics=tuple(dict.fromkeys(article.topics)),
                            year=facet_year(article), date=article.day.isoformat())

    def crumbs(self, path: str) -> tuple[Link, ...]:
        """省 > 市 > 县 > 镇 links for a region path: one tuple a place, shared by every article placed
        there (so that a template may render it once: see ``cached`` in :mod:`newsgen.render.env`)."""
        return self.recorded(f"crumbs:{path}", functools.partial(self._crumbs, path))

    def _crumbs(self, path: str) -> tuple[Link, ...]:
        trail = self._trails.get(path)
        if trail is None:
            trail = self._trails[path] = tuple(self._place_links[level] for level in place_levels(path))
        return trail

    def place_chain(self, path: str) -> tuple[tuple[str, str], ...]:
        """The places of a region path, outermost first, as (name, absolute URL)."""
        chain = self._chains.get(path)
        if chain is None:
            chain = self._chains[path] = tuple((place.name, self.absolute(place.url))
                                               for place in self.site.ancestry(path))
        return chain

    def post_list(self, indices: Sequence[int]) -> tuple[PostView, ...]:
        """The views of these articles, each recorded (``post:FILE``)."""
        posts = self._posts
        found = tuple(posts[i] or self._view(i) for i in indices)   # (a view is never false)
        record = self.record
        if record is not None:
            files, digests = self.files, self._post_digests
            for i in indices:
                record["post:" + files[i]] = digests[i] or self._post_digest(i)
        return found

    def pager(self, pager: Pager[int]) -> PagerView:
        """One page of a listing: ``pager:URL`` (its number, links and which articles it lists, in
        order) and each article's view."""
        return dataclasses.replace(self.pager_shell(pager), posts=self.post_list(pager.items))

    def pager_shell(self, pager: Pager[int]) -> PagerView:
        """One page of a listing without its articles' views (``pager:URL``). Its view is made from
        the pager alone (and the site's base path, which every page depends on), so the pager is
        what is recorded: its number, count, links and which articles it lists, in order. (The next
        build computes the pager of every listing page again: a repr, not the view's page links.)"""
        files = self.files

        def of_pager() -> str:
            head = (pager.number, pager.count, pager.url, pager.first_url, pager.previous_url, pager.next_url)
            return digest(repr(head) + "\0".join(files[i] for i in pager.items))
        return self.recorded(f"pager:{pager.url}", functools.partial(self._pager, pager), source=of_pager, once=True)

    def _pager(self, pager: Pager[int]) -> PagerView:
        numbers = tuple(
            PageLink("最新" if n == pager.count else str(n), self.href(page_url(pager.first_url, n, pager.count)),
                     n == pager.number) if n else PageLink("…", "")
            for n in page_window(pager.number, pager.count))
        return PagerView(
            number=pager.number, count=pager.count, front=pager.is_front, posts=(),
            url=self.href(pager.url),
            previous_url=self.href(pager.previous_url) if pager.previous_url is not None else None,
            next_url=self.href(pager.next_url) if pager.next_url is not None else None,
            pages=numbers)

    def place_node(self, path: str) -> PlaceNode:
        """A place with its counts and its places below (``node:PATH``)."""
        return self.recorded(f"node:{path}", functools.partial(self._node, path))

    def bare_node(self, path: str) -> PlaceNode:
        """A place by name and link only, no counts, no places below (``place:PATH``): what a numbered
        page of a listing shows of it, so that an article added to the place does not rewrite them."""
        return self.recorded(f"place:{path}",
                             lambda: dataclasses.replace(self._node(path), count=0, own=0, children=()))

    def _node(self, path: str) -> PlaceNode:
        node = self._nodes.get(path)
        if node is None:
            place: Place = self.site.places[path]
            node = PlaceNode(name=place.name, url=self.href(place.url), count=place.count, own=place.own,
                             children=tuple(self._node(c) for c in place.children))
            self._nodes[path] = node
        return node

    def tree(self) -> tuple[PlaceNode, ...]:
        return tuple(self.place_node(p) for p in self.site.roots)

    def term_links(self, kind: str, by_count: bool = False) -> tuple[Link, ...]:
        """Links to every topic (``kind='topics'``) or tag (``'tags'``), by slug or by count."""
        return self.recorded(f"terms:{kind}:{int(by_count)}", functools.partial(self._term_links, kind, by_count))

    def _term_links(self, kind: str, by_count: bool) -> tuple[Link, ...]:
        terms = self.site.topics if kind == "topics" else self.site.tags
        links = self._topic_links if kind == "topics" else self._tag_links
        items = [links[t.name] for t in terms]
        if by_count:
            items.sort(key=lambda link: -link.count)   # stable: equal counts keep slug order
        return tuple(items)

    def term_link(self, term: Term, kind: str) -> Link:
        """A topic or tag with its count (``term:KIND:NAME``)."""
        return self.recorded(f"term:{kind}:{term.name}",
                             lambda: (self._topic_links if kind == "topics" else self._tag_links)[term.name])

    def term_ref(self, term: Term, kind: str) -> Link:
        """A topic or tag by name and link only (``termref:KIND:NAME``)."""
        return self.recorded(f"termref:{kind}:{term.name}",
                             lambda: (self._topic_refs if kind == "topics" else self._tag_refs)[term.name])

    def year(self, year: Year, with_posts: bool) -> YearView:
        """A year with its months (``year:YEAR``: names, links, counts and which articles each holds)
        and, ``with_posts``, their articles' views."""
        files = self.files
        shell = self.recorded(f"year:{year.year}", functools.partial(self._year, year),
                              lambda view: digest(repr(view) + "\1".join(
                                  "\0".join(files[i] for i in m.posts) for m in year.months)))
        if not with_posts:
            return shell
        return dataclasses.replace(shell, months=tuple(dataclasses.replace(view, posts=self.post_list(m.posts))
                                                       for view, m in zip(shell.months, year.months, strict=True)))

    def year_ref(self, year: Year) -> YearView:
        """A year by name and link only (``yearref:YEAR``): what its months' pages show of it."""
        return self.recorded(f"yearref:{year.year}",
                             lambda: dataclasses.replace(self._year(year), count=0, months=()))

    def month(self, year: Year, number: int) -> MonthView:
        """One month of a year with its articles (``month:YEAR:NUMBER`` and their views)."""
        return dataclasses.replace(self.month_shell(year, number), posts=self.post_list(year.months[number].posts))

    def month_shell(self, year: Year, number: int) -> MonthView:
        """One month of a year without its articles' views (``month:YEAR:NUMBER``, which says which they are)."""
        month = year.months[number]
        files = self.files
        return self.recorded(f"month:{year.year}:{number}", lambda: self._year(year).months[number],
                             lambda view: digest(repr(view) + "\0".join(files[i] for i in month.posts)))

    def _year(self, year: Year) -> YearView:
        return YearView(
            name=f"{year.year}年", url=self.href(year.url), count=len(year.posts),
            months=tuple(MonthView(name=f"{m.year}年{m.month}月", url=self.href(m.url), count=len(m.posts),
                                   posts=()) for m in year.months))
