"""Per-page fingerprints: a hash of everything a page shows, so an unchanged page is not rendered again.

A page is a pure function of its template and its context (see :mod:`newsgen.render.pages`), so
its fingerprint hashes exactly that:

- newsgen's version (a new release may render differently);
- the template and every template it extends, includes or imports, by content
  (:meth:`Fingerprints.template`);
- the site configuration and the site view every template receives;
- the page's path, template name and context, walked value by value
  (:meth:`Fingerprints.value`), with each article body stood in for by the renderer's settings and the digest of
  its article file (of its Markdown when it has none), so no body is read or converted to be
  fingerprinted.

Which pages a rebuild looks at is decided by what they recorded reading (see
:mod:`newsgen.render.views` and ``commands.delta``); the fingerprint then says whether a page looked
at is the page the output holds (linked as it is) or must be rendered. Views are immutable and
live as long as the build, so the digest of each view object is computed once (memoised by
identity) however many listings show it. An unknown type in a context is an
error, not a silent guess: a fingerprint that missed a value would reuse a stale page.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Mapping
from typing import Any

import jinja2
from jinja2 import meta

from newsgen import __version__
from newsgen.render.feeds import FeedContent, SitemapEntry
from newsgen.render.markdown import Body
from newsgen.render.meta import ArticleMeta
from newsgen.render.pages import Page
from newsgen.render.views import Link, PageInfo, PageLink, PlaceNode, PostLink, PostView, RelatedLink, SearchFacets


class Fingerprints:
    """Fingerprints of the pages of one build."""

    def __init__(self, env: jinja2.Environment, *, config: object, site_view: object, renderer: str,
                 references: Mapping[str, list[str | None]] | None = None) -> None:
        """``references`` maps a digest of a template's name and source to the templates it refers to
        (what :meth:`template` parses it for): kept between builds, the templates are not parsed."""
        self.env = env
        self._known_references = references or {}
        #: the references of the templates this build looked at (for the next build)
        self.references: dict[str, list[str | None]] = {}
        self._memo: dict[int, tuple[object, bytes]] = {}
        self._templates: dict[str, bytes] = {}
        self._fields: dict[type, tuple[str, ...]] = {}
        #: view classes whose repr() holds every value they carry (no body, no lazily converted text)
        self.by_repr: frozenset[type] = frozenset(
            {PostView, PostLink, Link, PageLink, PageInfo, PlaceNode, ArticleMeta, SitemapEntry, RelatedLink,
             SearchFacets})
        #: flat views made for one page alone (its page links): written out by their repr as they are
        #: met, not digested and memoised (nothing else shows them again)
        self.own: frozenset[type] = frozenset({PageLink})
        self._renderer = renderer.encode()   # the Markdown settings: part of the shape (see common())
        self._common = hashlib.sha256(b"newsgen " + __version__.encode() + b"\0" + repr(config).encode()
                                      + b"\0" + self.value(site_view)).digest()

    def page(self, page: Page) -> str:
        """The hex fingerprint of ``page``."""
        h = hashlib.sha256(self._common)
        h.update(page.path.encode() + b"\0" + self.template(page.template))
        # one repr of the flat values (text, numbers, flat views and tuples of them), the rest walked:
        # an article page is then a handful of C-level reprs rather than a walk of fifty values
        flat, walked = self.by_repr, []
        for key in sorted(page.context):
            value = page.context[key]
            kind = type(value)
            if kind in flat or value is None or kind is str or kind is int or kind is bool or (
                    kind is tuple and all(type(item) in flat for item in value)):
                h.update(b"%s=%s;" % (key.encode(), repr(value).encode()))
            else:
                walked.append(key)
        for key in walked:
            h.update(b"%s:" % key.encode())
            self._feed(h, page.context[key])
        return h.hexdigest()

    def common(self) -> str:
        """What every page's key holds besides its own inputs: newsgen's version, the configuration,
        the site view, the Markdown settings and every template (a digest)."""
        h = hashlib.sha256(self._common + self._renderer)
        for name in sorted(self.env.list_templates()):
            h.update(name.encode() + b"\0" + self.template(name))
        return h.hexdigest()

    def template(self, name: str) -> bytes:
        """Digest of template ``name`` and of every template it references, recursively.

        A reference the parser cannot resolve (a name computed at render time) makes the digest
        cover every template, which is always right, if coarse.
        """
        done = self._templates.get(name)
        if done is not None:
            return done
        self._templates[name] = b""   # a cycle (a template importing itself) ends here
        try:
            source, _filename, _ = self.env.loader.get_source(self.env, name)   # type: ignore[union-attr]
            key = hashlib.sha256(name.encode() + b"\0" + source.encode()).hexdigest()
            refs = self._known_references.get(key)
            if refs is None:   # parsing every template was 25-40 ms of each build
                refs = sorted(meta.find_referenced_templates(self.env.parse(source)), key=lambda r: r or "")
            self.references[key] = refs
        except (jinja2.TemplateError, UnicodeDecodeError, OSError):
            # missing, broken or not text (a stray file among the templates): a page rendering it
            # reports it with file and line; the others do not care
            self._templates[name] = hashlib.sha256(b"unreadable template " + name.encode()).digest()
            return self._templates[name]
        h = hashlib.sha256(name.encode() + b"\0" + source.encode())
        for ref in refs:
            if ref is None:
                for other in sorted(self.env.list_templates()):
                    h.update(other.encode() + b"\0" + self.template(other))
            else:
                h.update(self.template(ref))
        self._templates[name] = h.digest()
        return self._templates[name]

    def value(self, value: Any) -> bytes:
        """Digest of a context value (a view, a tuple of views, text, a body, …)."""
        h = hashlib.sha256()
        self._feed(h, value)
        return h.digest()

    def _feed(self, h: Any, value: Any) -> None:
        """Write ``value`` into the running hash ``h``, unambiguously (type tag, length, content).

        One hash object for the whole context; only views (memoised by identity, as they are shared
        by many pages) get a digest of their own.
        """
        kind = type(value)   # the exact types first: most values are, and the test is cheaper
        if kind is str or isinstance(value, str):   # Markup too: the same characters are the same page
            data = value.encode()
            h.update(b"s%d:" % len(data))
            h.update(data)
        elif kind is tuple or kind is list or kind is range or isinstance(value, tuple | list | range):
            h.update(b"[%d" % len(value))
            memo = self._memo
            for item in value:
                known = memo.get(id(item))   # a view shown before (memoised, so still this object)
                if known is None:
                    self._feed(h, item)
                else:
                    h.update(known[1])
            h.update(b"]")
        elif value is None or isinstance(value, bool | int | float):
            h.update(b"%r;" % (value,))
        elif kind in self.own:
            data = repr(value).encode()
            h.update(b"r%d:" % len(data))
            h.update(data)
        else:
            h.update(self._object(value))

    def _object(self, value: Any) -> bytes:
        key = id(value)
        hit = self._memo.get(key)
        if hit is not None:
            return hit[1]
        h = hashlib.sha256()
        if isinstance(value, Body):
            if value.digest:   # a body is a function of its file's bytes: named by their digest, not read
                h.update(b"body-file" + self._renderer + value.digest.encode())
            else:
                h.update(b"body" + self._renderer + hashlib.sha256(value.source.encode()).digest())
        elif isinstance(value, FeedContent):
            h.update(b"feed-content")
            self._feed(h, value.body)
            self._feed(h, value.kicker)
        elif isinstance(value, dt.date | dt.time):
            h.update(b"t" + value.isoformat().encode())
        elif isinstance(value, bytes):
            h.update(b"b" + hashlib.sha256(value).digest())
        elif type(value) in self.by_repr:
            # flat views of text, numbers and links: their dataclass repr is exact and far cheaper
            # than a walk, field by field, in Python
            h.update(repr(value).encode())
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            names = self._fields.get(type(value))
            if names is None:
                names = self._fields[type(value)] = tuple(f.name for f in dataclasses.fields(value))
            h.update(type(value).__qualname__.encode())
            for name in names:
                self._feed(h, getattr(value, name))
        elif isinstance(value, set | frozenset):
            h.update(b"set" + b",".join(sorted(self.value(item) for item in value)))
        elif isinstance(value, Mapping):
            h.update(b"{%d" % len(value))
            for k in sorted(value, key=str):
                self._feed(h, k)
                self._feed(h, value[k])
        else:
            raise TypeError(f"cannot fingerprint a {type(value).__name__} in a page context; "
                            "give the page a view made of plain data")
        digest = h.digest()
        self._memo[key] = (value, digest)   # keep the object alive, so its id is not reused
        return digest
