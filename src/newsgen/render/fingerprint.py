"""Page keys: what a page is made from, so that an unchanged page is not rendered again.

A page is a pure function of its template and of what its context read (see
:mod:`newsgen.render.views`: every value a context holds is handed out by an accessor that records
its name and a digest of it on the page). So its key is a digest of

- newsgen's version, the site configuration, the site view every template receives and the
  Markdown settings (what every page depends on: :attr:`Keys.common`);
- the template and every template it extends, includes or imports, by content (:meth:`Keys.template`);
- the page's path and the (name, digest) pairs it recorded reading.

Nothing of the context is walked: the record is made as the context is. The key decides whether a
page looked at is the page the output holds (linked as it is) or must be rendered, and names the
page in the output's manifest.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import jinja2
from jinja2 import meta

from newsgen import __version__


class Keys:
    """The keys of the pages of one build."""

    def __init__(self, env: jinja2.Environment, *, config: object, site_view: object, renderer: str,
                 references: Mapping[str, list[str | None]] | None = None) -> None:
        """``references`` maps a digest of a template's name and source to the templates it refers to
        (what :meth:`template` parses it for): kept between builds, the templates are not parsed."""
        self.env = env
        self._known_references = references or {}
        #: the references of the templates this build looked at (for the next build)
        self.references: dict[str, list[str | None]] = {}
        self._templates: dict[str, bytes] = {}
        self.common = hashlib.sha256(f"newsgen {__version__}\0{config!r}\0{site_view!r}\0{renderer}".encode()).digest()

    def page(self, path: str, template: str, record: Mapping[str, str]) -> str:
        """The hex key of the page at ``path`` rendered by ``template`` that read ``record``: 128 bits
        (the output's manifest holds one for each of 150,000 pages, decoded by every rebuild)."""
        h = hashlib.blake2b(self.common + self.template(template) + path.encode() + b"\0", digest_size=16)
        h.update("\0".join(map("=".join, sorted(record.items()))).encode())   # by name: names are unique
        return h.hexdigest()

    def shape(self) -> str:
        """A digest of what every page depends on: :attr:`common` and every template."""
        h = hashlib.sha256(self.common)
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
            if refs is None:   # (parsing the theme's templates costs 13-18 ms a build)
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
