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
import gc
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain
from operator import attrgetter
from pathlib import Path
from types import MappingProxyType
from typing import Any, Generic, NamedTuple, TypeVar

from newsgen.config import Config
from newsgen.content import STRUCTURE_FIELDS, Article, source_path, structure_shapes
from newsgen.errors import Diagnostic, Location, NewsgenError
from newsgen.text import pinyin_slug, pinyin_version, place_slug, unique_slug

T = TypeVar("T")

#: Path segments a region page uses for itself, so a place may not take them as its slug.
RESERVED_SEGMENTS = frozenset({"page"})


class Post(NamedTuple):
    """One published article and where it lives. (A named tuple: made for each of 100,000 articles
    by every build, at half the cost of a frozen dataclass's ``__init__``.)"""

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


def page_count(total: int, per_page: int) -> int:
    """How many pages a listing of ``total`` items has (one, empty, when it has none)."""
    return max(1, -(-total // max(1, per_page)))


def pager_of(items: Sequence[T], per_page: int, base: str, number: int) -> Pager[T]:
    """Page ``number`` of the listing of ``items`` (see :func:`paginate`)."""
    per_page = max(1, per_page)
    total = len(items)
    count = page_count(total, per_page)
    if number == count:
        chunk = tuple(items[:per_page])
    else:   # oldest-first slice n, shown newest first
        stop, start = total - (number - 1) * per_page, total - number * per_page
        chunk = tuple(items[start:stop])
    return Pager(number=number, count=count, items=chunk, url=page_url(base, number, count), first_url=base,
                 previous_url=page_url(base, number + 1, count) if number < count else None,
                 next_url=page_url(base, number - 1, count) if number > 1 else None)


def paginate(items: Sequence[T], per_page: int, base: str) -> list[Pager[T]]:
    """Split ``items`` (newest first) into pages numbered from the oldest; the front page first.

    An empty listing still has one (empty) page. With ``M`` items, the front page shows the
    newest ``per_page``; numbered pages ``1 … count - 1`` hold fixed slices of the oldest-first
    order (the newest slice is not a page of its own: the front page shows all of it).
    """
    return [pager_of(items, per_page, base, n) for n in range(page_count(len(items), per_page), 0, -1)]


# --------------------------------------------------------------------------- building
#
# The model is computed from each article's *structure row* (:func:`structure_row`) and nothing else
# of it: :func:`structure` takes the rows only, and gives the archive's structure as plain lists (by
# row number), which :func:`site_from` turns into a :class:`Site` with the articles themselves. So
# the structure is a query of the rows: :func:`structure_key` is the digest of exactly what it read
# (the rows, each by its digest, :func:`newsgen.content.structure_shape`, which hashes these same
# fields and which the article cache keeps; the pinyin slugs' version), and a caller may keep the
# structure from one build to the next by that key (see ``commands.build``): a body edited leaves
# every row, hence the key, as it was.

#: A row: (file, draft, date, slug, places, topics, tags), the article's file as POSIX text.
Row = tuple[str, bool, "dt.date | dt.datetime", str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]

#: the fields of a row after the file, as the article names them (the article cache keeps each row's digest)
_FIELDS = STRUCTURE_FIELDS


def structure_rows(articles: Sequence[Article]) -> list[Row]:
    """What the model takes of each article: its file, whether it is a draft, its date, slug, places,
    topics and tags (:func:`structure` is given these rows, never the articles)."""
    return list(zip(map(source_path, articles), *(map(attrgetter(name), articles) for name in _FIELDS), strict=True))


def structure_row(article: Article) -> Row:
    """One article's row (see :func:`structure_rows`)."""
    return structure_rows([article])[0]


def structure_key(articles: Sequence[Article]) -> str:
    """The digest of everything :func:`structure` reads of ``articles``: their rows, in order (each by
    its digest, :func:`newsgen.content.structure_shape`, which the article cache keeps: no row made
    of each of 100,000 articles), and the version of the pinyin the names are slugged with (and of
    newsgen, whose code it is)."""
    from newsgen import __version__
    h = hashlib.sha256(f"{__version__}\0{pinyin_version()}\0{len(articles)}\0".encode())
    h.update("".join(structure_shapes(articles)).encode())   # (each of one length)
    return h.hexdigest()


def _when(date: dt.date | dt.datetime) -> tuple[dt.date, int]:
    if isinstance(date, dt.datetime):
        return date.date(), date.hour * 3600 + date.minute * 60 + date.second
    return date, 0


def article_url(article: Article) -> str:
    """``YYYY/MM/<slug>/`` from the article's date and slug."""
    day = article.day
    return f"{day.year:04d}/{day.month:02d}/{article.slug}/"


def _order(rows: Sequence[Row]) -> list[int]:
    """The published rows' numbers, newest first."""
    published = sorted((i for i, row in enumerate(rows) if not row[1]), key=lambda i: rows[i][0])
    # stable sort: equal dates keep path order, so the result never depends on file-system order
    published.sort(key=lambda i: _when(rows[i][2]), reverse=True)
    return published


def _check_unique_urls(files: Sequence[str], urls: Sequence[str]) -> None:
    if len(set(urls)) == len(urls):   # (no clash: no sorting 100,000 posts by path)
        return
    seen: dict[str, str] = {}
    problems: list[Diagnostic] = []
    for file, url in sorted(zip(files, urls, strict=True)):  # report the later file, by path
        other = seen.setdefault(url, file)
        if other != file:
            problems.append(Diagnostic(Location(Path(file)), f"same URL /{url} as {other}; give one of them "
                                                             "another 'slug'"))
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


def _grouped(names_of: Sequence[tuple[str, ...]], limit: int | None = None,
             ) -> dict[tuple[str, ...], list[int]] | None:
    """The posts' indices (in order) by the names (regions, topics or tags) their articles give, as
    given: 100,000 articles name a few thousand combinations, so what is worked out of each name
    (its places, its slug) is done once per combination, not once per article. None when there are
    more than ``limit`` combinations (then grouping saves nothing)."""
    groups: dict[tuple[str, ...], list[int]] = {}
    for index, names in enumerate(names_of):
        if names:
            group = groups.get(names)
            if group is None:
                if limit is not None and len(groups) >= limit:
                    return None
                groups[names] = [index]
            else:
                group.append(index)
    return groups


def _merged(lists: list[list[int]]) -> list[int]:
    """Ascending lists of distinct post indices, each index in one list only, merged in order."""
    if len(lists) == 1:
        return lists[0]
    return sorted(chain.from_iterable(lists))


def _terms(names_of: Sequence[tuple[str, ...]], prefix: str) -> list[list[Any]]:
    """Every topic or tag as ``[name, slug, url, posts]``, ordered by slug."""
    groups = _grouped(names_of, limit=len(names_of) // 8)
    members: dict[str, list[list[int]]] = {}
    if groups is None:   # combinations nearly as many as articles (tags): merging would cost more
        flat: dict[str, list[int]] = {}
        for index, names in enumerate(names_of):
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
    terms = [[name, slugs[name], f"{prefix}/{slugs[name]}/", _merged(lists)] for name, lists in members.items()]
    terms.sort(key=lambda t: t[1])
    return terms


def _region_tree(regions_of: Sequence[tuple[str, ...]]) -> tuple[list[list[Any]], list[str]]:
    """Every place as ``[path, name, url, parent, children, posts, own]``, in tree (pre-)order, and the roots."""
    members: dict[str, list[list[int]]] = {}   # path -> lists of post indices, own and descendants'
    own: dict[str, int] = {}
    children: dict[str | None, set[str]] = {None: set()}
    for regions, indices in (_grouped(regions_of) or {}).items():
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

    places: list[list[Any]] = []

    def visit(parent: str | None, parent_url: str) -> list[str]:
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
            place = [path, path.rsplit("/", 1)[-1], url, parent, [], _merged(members[path]), own.get(path, 0)]
            places.append(place)   # parent before children
            place[4] = visit(path, url)
        return [path for _, path in slugged]

    roots = visit(None, "regions/")
    return places, roots


def _archives(days: Sequence[dt.date]) -> list[list[Any]]:
    """Every year as ``[year, url, months]``, each month ``[month, url, posts]``, newest first."""
    by_month: dict[tuple[int, int], list[int]] = {}
    for index, day in enumerate(days):  # newest first, so dict order is newest month first
        by_month.setdefault((day.year, day.month), []).append(index)
    years: dict[int, list[list[Any]]] = {}
    for (year, month), idx in by_month.items():
        years.setdefault(year, []).append([month, f"archive/{year:04d}/{month:02d}/", idx])
    return [[year, f"archive/{year:04d}/", months] for year, months in years.items()]


def structure(rows: Sequence[Row]) -> dict[str, Any]:
    """The archive's structure, of the articles' rows only, as plain lists (what the build state keeps):
    ``order`` (the published rows' numbers, newest first: post ``i`` is row ``order[i]``), ``urls``,
    ``places`` and ``roots`` (see :func:`_region_tree`), ``topics`` and ``tags`` (see :func:`_terms`),
    ``years`` (see :func:`_archives`), ``drafts``; posts named by their index. Raises
    :class:`NewsgenError` when two articles share a URL."""
    order = _order(rows)
    ordered = [rows[i] for i in order]
    days = [_when(row[2])[0] for row in ordered]
    urls = [f"{day.year:04d}/{day.month:02d}/{row[3]}/" for day, row in zip(days, ordered, strict=True)]
    _check_unique_urls([row[0] for row in ordered], urls)
    places, roots = _region_tree([row[4] for row in ordered])
    return {"order": order, "urls": urls, "places": places, "roots": roots,
            "topics": _terms([row[5] for row in ordered], "topics"),
            "tags": _terms([row[6] for row in ordered], "tags"), "years": _archives(days),
            "drafts": len(rows) - len(order)}


def site_from(articles: Sequence[Article], config: Config, found: Mapping[str, Any]) -> Site:
    """The :class:`Site` of ``articles`` (in their rows' order) with the :func:`structure` of their rows."""
    made, collecting = tuple.__new__, gc.isenabled()
    gc.disable()   # (100,000 posts that live to the build's end: the young collections found nothing)
    try:
        posts = tuple([made(Post, post) for post in zip(map(articles.__getitem__, found["order"]), found["urls"],
                                                          range(len(found["order"])), strict=True)])
    finally:
        if collecting:
            gc.enable()
    places = {p[0]: Place(p[0], p[1], p[2], p[3], tuple(p[4]), tuple(p[5]), p[6]) for p in found["places"]}
    topics = tuple(Term(t[0], t[1], t[2], tuple(t[3])) for t in found["topics"])
    tags = tuple(Term(t[0], t[1], t[2], tuple(t[3])) for t in found["tags"])
    years = []
    for year, url, months in found["years"]:
        made = tuple(Month(year, month, at, tuple(posts_)) for month, at, posts_ in months)
        years.append(Year(year, url, made, tuple(i for m in made for i in m.posts)))
    return Site(config=config, posts=posts, places=MappingProxyType(places), roots=tuple(found["roots"]),
                topics=topics, tags=tags, years=tuple(years), drafts=found["drafts"],
                topic_by_name=MappingProxyType({t.name: t for t in topics}),
                tag_by_name=MappingProxyType({t.name: t for t in tags}))


def build_site(articles: Iterable[Article], config: Config) -> Site:
    """The archive's structure. Raises :class:`NewsgenError` when two articles share a URL."""
    articles = list(articles)
    return site_from(articles, config, structure(structure_rows(articles)))
