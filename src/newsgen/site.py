"""``list[Article] + Config -> Site``: the archive's structure. Pure: no I/O, no global state.

The model knows *what* pages exist and which articles each lists; it knows nothing
about templates or HTML (that is :mod:`newsgen.render`). URLs here are site-relative
paths without a leading slash (``2025/08/some-slug/``, ``regions/jiangxi/``, ``""`` for
the home page); the renderer prefixes them with ``base_url``'s path.

Articles are referred to by their index in :attr:`Site.posts` (newest first), so every
listing is a tuple of small ints, cheap to build and to slice for 10,000 articles.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain
from operator import attrgetter
from types import MappingProxyType
from typing import Generic, TypeVar

from newsgen.config import Config
from newsgen.content import Article, source_path
from newsgen.errors import Diagnostic, Location, NewsgenError
from newsgen.text import pinyin_slug, place_slug, unique_slug

T = TypeVar("T")

#: Path segments a region page uses for itself, so a place may not take them as its slug.
RESERVED_SEGMENTS = frozenset({"page"})


@dataclass(frozen=True, slots=True)
class Post:
    """One published article and where it lives."""

    article: Article
    url: str        # 2025/08/<slug>/
    index: int      # position in Site.posts, newest first


@dataclass(frozen=True, slots=True)
class Place:
    """A node of the region tree. ``posts`` holds its own *and* all descendants' articles."""

    path: str                   # 江西省/南昌市/青山湖区
    name: str                   # 青山湖区
    url: str                    # regions/jiangxi/nanchang/qingshanhu/
    parent: str | None          # path of the parent place
    children: tuple[str, ...]   # paths of the child places, ordered by slug
    posts: tuple[int, ...]      # newest first, each article once
    own: int                    # how many articles name exactly this place

    @property
    def count(self) -> int:
        return len(self.posts)

    @property
    def depth(self) -> int:
        return self.path.count("/")


@dataclass(frozen=True, slots=True)
class Term:
    """A topic or a tag."""

    name: str
    slug: str
    url: str                  # topics/<slug>/ or tags/<slug>/
    posts: tuple[int, ...]    # newest first

    @property
    def count(self) -> int:
        return len(self.posts)


@dataclass(frozen=True, slots=True)
class Month:
    year: int
    month: int
    url: str                  # archive/2025/08/
    posts: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Year:
    year: int
    url: str                  # archive/2025/
    months: tuple[Month, ...]  # newest first
    posts: tuple[int, ...]


@dataclass(frozen=True)
class Site:
    """The whole archive. Built once per build by :func:`build_site`; never mutated."""

    config: Config
    posts: tuple[Post, ...]                 # newest first, drafts excluded
    places: Mapping[str, Place]             # by path, in tree (pre-)order
    roots: tuple[str, ...]                  # paths of the top-level places
    topics: tuple[Term, ...]                # ordered by slug
    tags: tuple[Term, ...]                  # ordered by slug
    years: tuple[Year, ...]                 # newest first
    drafts: int = 0
    topic_by_name: Mapping[str, Term] = field(default_factory=dict)
    tag_by_name: Mapping[str, Term] = field(default_factory=dict)

    def older(self, post: Post) -> Post | None:
        """The article published just before ``post`` (上一篇)."""
        return self.posts[post.index + 1] if post.index + 1 < len(self.posts) else None

    def newer(self, post: Post) -> Post | None:
        """The article published just after ``post`` (下一篇)."""
        return self.posts[post.index - 1] if post.index > 0 else None

    def ancestry(self, path: str) -> tuple[Place, ...]:
        """The places from the outermost down to ``path`` (for breadcrumbs)."""
        return tuple(self.places[level] for level in place_levels(path))


@lru_cache(maxsize=4096)
def place_levels(path: str) -> tuple[str, ...]:
    """``江西省/赣州市/章贡区`` -> ``江西省``, ``江西省/赣州市``, ``江西省/赣州市/章贡区``: the place
    and every place it lies in, outermost first (an archive names a few hundred places, each often)."""
    parts = path.split("/")
    return tuple("/".join(parts[: i + 1]) for i in range(len(parts)))


# --------------------------------------------------------------------------- pagination

@dataclass(frozen=True, slots=True)
class Pager(Generic[T]):
    """One page of a paginated listing.

    Pages are numbered from the *oldest*: page 1 holds the oldest ``per_page`` items, page 2 the
    next, and the listing's own URL (the front page, numbered ``count``) its newest ``per_page``.
    Adding an article rewrites the front page and at most the newest numbered page, never the
    rest: ``/page/3/`` keeps its items and address for good (until an older article is added or
    removed). Read newest first: front, ``count - 1``, …, 1.
    """

    number: int                 # 1 = oldest page; ``count`` = the front page
    count: int                  # number of pages of the listing
    items: tuple[T, ...]        # newest first
    url: str
    first_url: str              # the front page (the listing's own URL)
    previous_url: str | None    # the newer page (towards the front), rel="prev"
    next_url: str | None        # the older page, rel="next"

    @property
    def is_front(self) -> bool:
        return self.number == self.count


def page_url(base: str, number: int, count: int) -> str:
    """``base`` for the front page (``number == count``), ``base + 'page/N/'`` for the others."""
    return base if number >= count else f"{base}page/{number}/"


def paginate(items: Sequence[T], per_page: int, base: str) -> list[Pager[T]]:
    """Split ``items`` (newest first) into pages numbered from the oldest; the front page first.

    An empty listing still has one (empty) page. With ``M`` items, the front page shows the
    newest ``per_page``; numbered pages ``1 … count - 1`` hold fixed slices of the oldest-first
    order (the newest slice is not a page of its own: the front page shows all of it).
    """
    per_page = max(1, per_page)
    total = len(items)
    count = max(1, -(-total // per_page))
    pages: list[Pager[T]] = []
    for n in range(count, 0, -1):
        if n == count:
            chunk = tuple(items[:per_page])
        else:   # oldest-first slice n, shown newest first
            stop, start = total - (n - 1) * per_page, total - n * per_page
            chunk = tuple(items[start:stop])
        pages.append(Pager(number=n, count=count, items=chunk, url=page_url(base, n, count), first_url=base,
                           previous_url=page_url(base, n + 1, count) if n < count else None,
                           next_url=page_url(base, n - 1, count) if n > 1 else None))
    return pages


# --------------------------------------------------------------------------- building

def _sort_key(article: Article) -> tuple[dt.date, int]:
    when = article.date
    seconds = when.hour * 3600 + when.minute * 60 + when.second if isinstance(when, dt.datetime) else 0
    return article.day, seconds


def article_url(article: Article) -> str:
    """``YYYY/MM/<slug>/`` from the article's date and slug."""
    day = article.day
    return f"{day.year:04d}/{day.month:02d}/{article.slug}/"


def _order(articles: Iterable[Article]) -> list[Article]:
    published = sorted((a for a in articles if not a.draft), key=source_path)
    # stable sort: equal dates keep path order, so the result never depends on file-system order
    published.sort(key=_sort_key, reverse=True)
    return published


def _check_unique_urls(posts: Sequence[Post]) -> None:
    if len({post.url for post in posts}) == len(posts):   # (no clash: no sorting 100,000 posts by path)
        return
    seen: dict[str, Post] = {}
    problems: list[Diagnostic] = []
    for post in sorted(posts, key=lambda p: str(p.article.path)):  # report the later file, by path
        other = seen.setdefault(post.url, post)
        if other is not post:
            problems.append(Diagnostic(
                Location(post.article.path),
                f"same URL /{post.url} as {other.article.path}; give one of them another 'slug'"))
    if problems:
        raise NewsgenError(problems)


def _term_slugs(names: Iterable[str]) -> dict[str, str]:
    """Name -> slug. Colliding slugs get -2, -3 … in name order, so the result is deterministic."""
    taken: set[str] = set()
    out: dict[str, str] = {}
    for name in sorted(set(names)):
        slug = unique_slug(pinyin_slug(name), taken)
        taken.add(slug)
        out[name] = slug
    return out


def _grouped(posts: Sequence[Post], names_of: str, limit: int | None = None,
             ) -> dict[tuple[str, ...], list[int]] | None:
    """The posts' indices (in order) by the names (regions, topics or tags) their articles give, as
    given: 100,000 articles name a few thousand combinations, so what is worked out of each name
    (its places, its slug) is done once per combination, not once per article. None when there are
    more than ``limit`` combinations (then grouping saves nothing)."""
    groups: dict[tuple[str, ...], list[int]] = {}
    for index, names in map(attrgetter("index", f"article.{names_of}"), posts):   # (no Python step a lookup)
        if names:
            group = groups.get(names)
            if group is None:
                if limit is not None and len(groups) >= limit:
                    return None
                groups[names] = [index]
            else:
                group.append(index)
    return groups


def _merged(lists: list[list[int]]) -> tuple[int, ...]:
    """Ascending lists of distinct post indices, each index in one list only, merged in order."""
    if len(lists) == 1:
        return tuple(lists[0])
    return tuple(sorted(chain.from_iterable(lists)))


def _terms(posts: Sequence[Post], names_of: str, prefix: str) -> tuple[Term, ...]:
    groups = _grouped(posts, names_of, limit=len(posts) // 8)
    members: dict[str, list[list[int]]] = {}
    if groups is None:   # combinations nearly as many as articles (tags): merging would cost more
        flat: dict[str, list[int]] = {}
        for index, names in map(attrgetter("index", f"article.{names_of}"), posts):
            for name in names:   # (a name given twice: the post is last in its listing already)
                listing = flat.get(name)
                if listing is None:
                    flat[name] = [index]
                elif listing[-1] != index:
                    listing.append(index)
        members = {name: [listing] for name, listing in flat.items()}
    else:
        for names, indices in groups.items():
            for name in dict.fromkeys(names):
                members.setdefault(name, []).append(indices)
    slugs = _term_slugs(members)
    terms = [Term(name=name, slug=slugs[name], url=f"{prefix}/{slugs[name]}/", posts=_merged(lists))
             for name, lists in members.items()]
    terms.sort(key=lambda t: t.slug)
    return tuple(terms)


def _region_tree(posts: Sequence[Post]) -> tuple[dict[str, Place], tuple[str, ...]]:
    members: dict[str, list[list[int]]] = {}   # path -> lists of post indices, own and descendants'
    own: dict[str, int] = {}
    children: dict[str | None, set[str]] = {None: set()}
    for regions, indices in (_grouped(posts, "regions") or {}).items():
        within: dict[str, None] = {}   # every place the group's articles lie in, each once
        for region in dict.fromkeys(regions):
            own[region] = own.get(region, 0) + len(indices)
            parent: str | None = None
            for path in place_levels(region):
                within[path] = None
                children.setdefault(parent, set()).add(path)
                children.setdefault(path, set())
                parent = path
        for path in within:
            members.setdefault(path, []).append(indices)

    places: dict[str, Place] = {}

    def visit(parent: str | None, parent_url: str) -> tuple[str, ...]:
        names = sorted(children[parent])
        taken = set(RESERVED_SEGMENTS)
        slugged: list[tuple[str, str]] = []
        for path in names:  # siblings with one pinyin get -2, -3 … in name order
            slug = unique_slug(place_slug(path.rsplit("/", 1)[-1]), taken)
            taken.add(slug)
            slugged.append((slug, path))
        slugged.sort()
        for slug, path in slugged:
            url = f"{parent_url}{slug}/"
            places[path] = None  # type: ignore[assignment]  # keep pre-order: parent before children
            kids = visit(path, url)
            places[path] = Place(path=path, name=path.rsplit("/", 1)[-1], url=url, parent=parent,
                                 children=kids, posts=_merged(members[path]), own=own.get(path, 0))
        return tuple(path for _, path in slugged)

    roots = visit(None, "regions/")
    return places, roots


def _archives(posts: Sequence[Post]) -> tuple[Year, ...]:
    by_month: dict[tuple[int, int], list[int]] = {}
    for post in posts:  # newest first, so dict order is newest month first
        day = post.article.day
        by_month.setdefault((day.year, day.month), []).append(post.index)
    years: dict[int, list[Month]] = {}
    for (year, month), idx in by_month.items():
        years.setdefault(year, []).append(
            Month(year=year, month=month, url=f"archive/{year:04d}/{month:02d}/", posts=tuple(idx)))
    return tuple(
        Year(year=year, url=f"archive/{year:04d}/", months=tuple(months),
             posts=tuple(i for m in months for i in m.posts))
        for year, months in years.items())


def build_site(articles: Iterable[Article], config: Config) -> Site:
    """The archive's structure. Raises :class:`NewsgenError` when two articles share a URL."""
    articles = list(articles)
    ordered = _order(articles)
    posts = tuple(Post(a, article_url(a), i) for i, a in enumerate(ordered))   # (keywords: 2.7 times the cost)
    _check_unique_urls(posts)
    places, roots = _region_tree(posts)
    topics = _terms(posts, "topics", "topics")
    tags = _terms(posts, "tags", "tags")
    return Site(
        config=config,
        posts=posts,
        places=MappingProxyType(places),
        roots=roots,
        topics=topics,
        tags=tags,
        years=_archives(posts),
        drafts=len(articles) - len(ordered),
        topic_by_name=MappingProxyType({t.name: t for t in topics}),
        tag_by_name=MappingProxyType({t.name: t for t in tags}),
    )
