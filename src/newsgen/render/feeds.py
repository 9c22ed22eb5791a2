"""Views for the machine-read files: Atom feeds (RFC 4287), ``sitemap.xml`` and ``robots.txt``.

The files themselves are Jinja2 templates of the theme (``feed.xml``, ``sitemap.xml``,
``robots.txt``), rendered with the same autoescaping environment as the HTML pages, so a
site may override them like any other template. Every string a view hands to those
templates has passed :func:`xml_text`, which removes the characters XML 1.0 forbids (a
form feed from a PDF conversion would otherwise make a feed ill-formed); autoescaping
does the rest.

Choices, so that feed readers see stable entries:

- links are absolute: ``base_url`` + path. When ``base_url`` is only a path (``/``) they
  cannot be, the paths are used as they are and the build warns (see ``commands/build``);
- an entry's ``id`` is a tag URI (RFC 4151) from the host, the publication date and the
  article's site-relative URL: ``tag:example.org,2025-08-06:2025/08/<slug>/``. It survives
  moving the archive under another sub-path or from http to https; ``localhost`` stands in
  for the host when there is none;
- a feed's ``id`` is its own absolute URL;
- the title folds the 副题 in as ``标题——副题`` (how print runs it); the 引题 (kicker) opens
  the content instead, where it reads as it does on the page;
- times are RFC 3339 in the site's time zone, a date alone is midnight local time; a feed's
  ``updated`` is its newest entry's, never the wall clock, so a rebuild is byte-identical.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import escape

from newsgen.render.markdown import Body
from newsgen.render.views import Views, digest, plain_repr, rfc3339

#: Entries per feed: the newest of the listing.
FEED_SIZE = 20

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 does not allow (C0 controls but tab and newlines)."""
    return _NOT_XML.sub("", text)


def feed_title(title: str, subtitle: str) -> str:
    return f"{title}——{subtitle}" if subtitle else title


class FeedContent:
    """An entry's full content: the article's HTML, converted on first use, as *text*.

    It has no ``__html__``, so the template's autoescaping writes it as escaped HTML
    (``<content type="html">``), which is what Atom wants. Its text is made once and kept: an article
    is an entry of several feeds (the site's, each of its places', each of its topics'), and a body the
    plain path converts is not kept by its :class:`Body`.
    """

    __slots__ = ("_body", "_kicker", "_text")

    def __init__(self, body: Body, kicker: str) -> None:
        self._body = body
        self._kicker = kicker
        self._text: str | None = None

    @property
    def kicker(self) -> str:
        return self._kicker

    def __str__(self) -> str:
        text = self._text
        if text is None:
            head = f'<p class="kicker">{escape(self._kicker)}</p>\n' if self._kicker else ""
            text = self._text = xml_text(head + self._body.__html__())
        return text

    def __repr__(self) -> str:   # what it holds (a template printing an entry shows its content, not an address)
        return f"FeedContent({str(self)!r})"


@plain_repr
@dataclass(frozen=True, slots=True)
class EntryView:
    id: str
    title: str
    url: str                        # absolute
    published: str                  # RFC 3339
    updated: str
    authors: tuple[str, ...]
    categories: tuple[str, ...]     # topic names
    summary: str
    content: FeedContent


@plain_repr
@dataclass(frozen=True, slots=True)
class FeedView:
    id: str
    title: str
    subtitle: str
    language: str
    author: str                     # the site: Atom wants an author for entries that name none
    url: str                        # absolute URL of the feed itself (rel="self")
    page_url: str                   # absolute URL of the HTML page it follows (rel="alternate")
    updated: str
    entries: tuple[EntryView, ...]


@plain_repr
@dataclass(frozen=True, slots=True)
class SitemapEntry:
    url: str                        # absolute
    lastmod: str                    # RFC 3339, '' when unknown


class Feeds:
    """Builds feed views for one site. ``body(index)`` gives an article's (shared, lazy) body."""

    def __init__(self, views: Views, body: Callable[[int], Body]) -> None:
        self.views = views
        self.body = body

    def entry(self, index: int) -> EntryView:
        """An article as a feed carries it (``entry:FILE``; its body recorded as the body is)."""
        return self.views.recorded(f"entry:{self.views.files[index]}", functools.partial(self._entry, index),
                                   _entry_digest)

    def _entry(self, index: int) -> EntryView:
        views = self.views
        post = views.site.posts[index]
        article = post.article
        view = views.posts[index]
        authority = views.host or "localhost"
        entry = EntryView(
            id=xml_text(f"tag:{authority},{article.day.isoformat()}:{views.href(post.url)[len(views.base):]}"),
            title=xml_text(feed_title(view.title, view.subtitle)),
            url=xml_text(views.absolute(post.url)),
            published=rfc3339(views.published(index)),
            updated=rfc3339(views.last_change(index)),
            authors=tuple(xml_text(a) for a in view.authors),
            categories=tuple(xml_text(link.name) for link in view.topics),
            summary=xml_text(view.summary),
            content=FeedContent(self.body(index), view.kicker),
        )
        return entry

    def feed(self, title: str, page_url: str, posts: Sequence[int]) -> FeedView:
        """The feed of a listing at ``page_url`` (site-relative): its :data:`FEED_SIZE` newest posts
        (``feed:URL``: its title and which articles, each recorded as an entry). Its ``updated`` is
        the latest of its entries' (recorded with them), so it is left out of the feed's own digest:
        resolving every feed again must not compute the dates of every feed's articles."""
        newest = self.listed(title, page_url, posts)
        return self._feed(title, page_url, newest)

    def listed(self, title: str, page_url: str, posts: Sequence[int]) -> Sequence[int]:
        """The articles a feed carries, recorded (``feed:URL``) with its title."""
        files = self.views.files
        newest = posts[:FEED_SIZE]
        self.views.recorded(f"feed:{page_url}", lambda: title,
                            lambda found: digest(found + "\0" + "\0".join(files[i] for i in newest)))
        return newest

    def _feed(self, title: str, page_url: str, newest: Sequence[int]) -> FeedView:
        views = self.views
        config = views.config
        if newest:
            updated = max(views.last_change(i) for i in newest)
        else:   # an empty site: a fixed time, never the wall clock
            updated = dt.datetime(1970, 1, 1, tzinfo=views.tz)
        url = views.absolute(feed_path(page_url))
        return FeedView(
            id=xml_text(url if views.origin else f"tag:localhost,1970:{feed_path(page_url)}"),
            title=xml_text(title), subtitle=xml_text(config.description), language=config.language,
            author=xml_text(config.title), url=xml_text(url), page_url=xml_text(views.absolute(page_url)),
            updated=rfc3339(updated), entries=tuple(self.entry(i) for i in newest))


def _entry_digest(entry: EntryView) -> str:
    return digest(repr(dataclasses.replace(entry, content=None)) + "\0" + entry.content.kicker)


def feed_path(page_url: str) -> str:
    """``regions/jiangxi/`` -> ``regions/jiangxi/feed.xml``; ``''`` -> ``feed.xml``."""
    return f"{page_url}feed.xml"


def sitemap_url(output_path: str) -> str | None:
    """The URL of an HTML page from its output path, ``None`` for pages a sitemap leaves out."""
    if output_path == "index.html":
        return ""
    if output_path.endswith("/index.html"):
        return output_path[: -len("index.html")]
    return None   # 404.html and any other stray file
