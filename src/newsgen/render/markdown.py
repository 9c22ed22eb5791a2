"""Markdown article bodies -> HTML with Python-Markdown, converted lazily and at most once.

Article files come from bulletins and from editors' hands, so a body is not trusted by default:

- **raw HTML is not passed through** (Hugo's default): Python-Markdown's raw-HTML parsing is
  switched off (the ``html_block`` preprocessor and the ``html`` inline pattern, as its release
  notes advise for escaping), so ``<script>`` or ``<img onerror=…>`` in a body reaches the
  serializer as text and is written escaped (``&lt;script&gt;``): the reader sees what the
  author typed, nothing runs. ``MarkdownRenderer(unsafe_html=True)`` (``markdown: {unsafe_html:
  true}`` in ``newsgen.yaml``, for a trusted newsroom) passes raw HTML through as written;
- **script URLs are never emitted**, whatever the setting: a Markdown link, image, autolink or
  reference link whose target is ``javascript:``, ``vbscript:`` or ``data:`` loses it — the link
  becomes its text, the image its alt text. The scheme is read the way a browser reads it:
  after decoding character references (``&#106;avascript:``), dropping tabs and newlines
  anywhere (``java\\tscript:``) and spaces and control characters around it, in any case.
  Raw HTML allowed by ``unsafe_html`` is the newsroom's own and is left as it is.

A body is also **converted in bounded time and depth**: its HTML may not nest deeper than
:data:`MAX_NESTING` elements (emphasis, links, quotes and lists inside each other), and its
conversion may not take longer than :data:`MAX_SECONDS` (Python-Markdown is quadratic on some
inputs, such as thousands of inline links or unclosed ``[text](`` in one paragraph). A body past
either limit is an error naming its file (:class:`MarkdownLimitError`, made a ``path:line``
diagnostic by :class:`Body`), not a stalled build or a traceback.
"""

from __future__ import annotations

import hashlib
import html
import re
import signal
import threading
import xml.etree.ElementTree as etree
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import markdown as md
from markdown.extensions.fenced_code import FencedCodeExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.tables import TableExtension
from markdown.treeprocessors import Treeprocessor

from newsgen import cachefile
from newsgen.errors import Diagnostic, Location, NewsgenError

#: Python-Markdown's extensions, by name (the names are in the body cache's settings); each is given to
#: Python-Markdown as an instance (a name is first looked for among every installed package's entry points:
#: 0.1 s of a build that converts one body)
EXTENSIONS = {"tables": TableExtension, "fenced_code": FencedCodeExtension, "sane_lists": SaneListExtension}

#: Python-Markdown's inline patterns (backticks, escapes, links, images, autolinks, line breaks, raw HTML,
#: entities, emphasis), each of which needs one of the characters :data:`_INLINE` finds (a line break,
#: two spaces or a tab, which becomes spaces, before a line's end; STX and ETX mark what was set aside).
#: A body with none of them comes out of the inline stage as it went in, so it is converted without
#: that stage, which is most of the time of a plain Chinese article (a wire story rarely has any). A
#: Python-Markdown with other patterns than these is always given the whole stage.
_INLINE_PATTERNS = frozenset({"backtick", "escape", "reference", "link", "image_link", "image_reference",
                              "short_reference", "short_image_ref", "autolink", "automail", "linebreak", "html",
                              "entity", "em_strong", "em_strong2", "not_strong", "strong_em", "strong", "emphasis",
                              "emphasis2", "strong2"})
_INLINE = re.compile(r"[\\`*_\[\]!<>&\t\r\x02\x03]| \n|  ")

#: What no Python-Markdown syntax of :data:`EXTENSIONS` needs, anywhere in a body the plain path
#: (:func:`plain_html`) converts: an inline pattern's character (:data:`_INLINE`'s; the two spaces and
#: the space before a line's end are looked for apart), ``|`` (tables), ``~`` (fences), a
#: control character (tabs, carriage returns, the placeholders ``\x02`` ``\x03`` and the rest, which
#: the normalizer or the serializer may change). ``#`` is looked for apart (a heading's marks).
_NOT_PLAIN_CHAR = re.compile(r"[\\`*_\[\]!<>&|~\x00-\x09\x0b-\x1f\x7f-\x9f]")
#: What opens a block at a line's start (searched in the body with a line break before and after it):
#: an ASCII space (indented code, list continuation), ``-`` ``+`` ``=`` (lists, setext underlines,
#: rules), digits and a dot (ordered lists); a white line (Python-Markdown drops those); a space before
#: a line's end (a line break).
_NOT_PLAIN_LINE = re.compile(r"\n(?:[ \-+=]|\d+\.|[^\S\n]+\n)| \n")
#: An ATX heading alone in its block, the plain path's only other block: ``## text`` (one to six ``#``,
#: a space), its text without a ``#``.
_HEADING = re.compile(r"(#{1,6}) ([^#\n]*)")


def _plain_lines(text: str) -> bool:
    """Whether :data:`_NOT_PLAIN_LINE` finds nothing in ``text`` with a line break before and after it,
    given no space before a line break: no line opens with an ASCII space, ``-``, ``+``, ``=`` or digits
    and a dot, none is white space alone. Looked for line by line (a wire story has a few dozen lines),
    not at each of its characters."""
    for line in text.split("\n"):
        if line and (line[0] in " -+=" or line.isspace() or line[0].isdecimal() and _NUMBERED.match(line)):
            return False
    return True


_NUMBERED = re.compile(r"\d+\.")


def plain_html(text: str) -> str | None:
    """``text``'s HTML as Python-Markdown (:data:`EXTENSIONS`, raw HTML escaped or passed) makes it, for a
    body of plain paragraphs and headings: blocks parted by blank lines, with nothing
    :data:`_NOT_PLAIN_CHAR` or :data:`_NOT_PLAIN_LINE` finds, each a paragraph (without a ``#``) or a
    heading :data:`_HEADING` matches (a wire story is this). None for any other body: Python-Markdown,
    the renderer of record, converts it. The HTML is Python-Markdown's byte for byte
    (``tests/test_markdown_plain.py`` compares the two on random and near-plain texts and on every
    article of the sample site): a paragraph is ``<p>`` and its lines, its leading whitespace dropped;
    a heading ``<hN>`` and its text, stripped; blocks joined by a newline."""
    if _NOT_PLAIN_CHAR.search(text) or "  " in text or " \n" in text or text.endswith(" ") or not _plain_lines(text):
        return None
    marks = "#" in text
    out = []
    for block in text.split("\n\n"):
        block = block.strip("\n")
        if not block:
            continue
        if marks and "#" in block:
            heading = _HEADING.fullmatch(block)
            if heading is None:
                return None
            level, words = heading.groups()
            words = words.strip()
            if not words:
                return None
            out.append(f"<h{len(level)}>{words}</h{len(level)}>")
        else:
            out.append(f"<p>{block.lstrip()}</p>")
    return "\n".join(out) if out else None


#: How deep a body's HTML may nest (an element inside another: emphasis, links, quotes, list items).
#: Real articles stay under 10; Python's recursion (the serializer's, ours) fails in the hundreds, and
#: a line of 10,000 '*' around a word would nest 5,000 deep.
MAX_NESTING = 100
#: Seconds one body may take to convert. A plain 100 kB article takes about 0.3 s (bench/
#: pathological_markdown.py), the worst patterns found took minutes (thousands of inline links,
#: unclosed '[a](' or '<a ' in one paragraph); 10 s is some 30 times a normal 100 kB article. Counted in
#: the processor time of the converting process (ITIMER_VIRTUAL), so a loaded machine, which slows
#: every article alike, does not make a normal one fail. Enforced with a timer signal where one can be
#: set (the main thread of the build, of a render worker, of serve's build process); elsewhere only
#: the nesting limit holds.
MAX_SECONDS = 10.0

#: URL schemes that run code or smuggle a document in: never in an href or src we write.
SCRIPT_SCHEMES = ("javascript", "vbscript", "data")
#: Characters a browser ignores in or around a scheme (tab, newlines, C0 controls, space), and,
#: more strictly than a browser, DEL, C1 controls and Unicode spaces and invisible format marks.
_IGNORED = re.compile("[\x00-\x20\x7f-\xa0\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f\u3000\ufeff]+")
_SCRIPT_URL = re.compile(rf"(?:{'|'.join(SCRIPT_SCHEMES)}):", re.IGNORECASE)


def is_script_url(url: str) -> bool:
    """True when a browser could read ``url`` (an attribute value as written) as a script URL.

    Character references are decoded until none is left (``&amp;#106;`` counts as ``j`` too:
    erring towards dropping a strange URL costs nothing).
    """
    for _ in range(8):
        decoded = html.unescape(url)
        if decoded == url:
            break
        url = decoded
    return _SCRIPT_URL.match(_IGNORED.sub("", url)) is not None


class MarkdownLimitError(Exception):
    """A body past :data:`MAX_NESTING` or :data:`MAX_SECONDS`; the text says which and what to do."""


class _Timeout(BaseException):
    """Raised by the timer signal inside a conversion (a BaseException: no ``except Exception`` of
    Python-Markdown's swallows it)."""


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`_Timeout` in this thread after ``seconds`` of the process's processor time, where a
    timer signal can be used: in the main thread, with no other such timer running. Elsewhere, no limit."""
    if (seconds <= 0 or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread()
            or signal.getitimer(signal.ITIMER_VIRTUAL)[0] > 0):
        yield
        return

    def expired(signum: int, frame: object) -> None:
        raise _Timeout

    previous = signal.signal(signal.SIGVTALRM, expired)
    try:
        signal.setitimer(signal.ITIMER_VIRTUAL, seconds)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_VIRTUAL, 0)
    finally:
        signal.signal(signal.SIGVTALRM, previous)


class NestingLimit(Treeprocessor):
    """Refuses a tree deeper than :data:`MAX_NESTING`. Runs right after the inline patterns (which
    make the emphasis and links), before anything that walks the tree recursively."""

    def run(self, root: etree.Element) -> None:
        stack = [(root, 0)]
        while stack:
            element, depth = stack.pop()
            if depth > MAX_NESTING:
                raise MarkdownLimitError(_too_deep())
            stack.extend((child, depth + 1) for child in element)


def _too_deep() -> str:
    return (f"the body is nested deeper than {MAX_NESTING} levels (emphasis, links, quotes or lists "
            "inside each other, such as a long run of '*', '[' or '>'); remove the repeated markup")


def _too_slow() -> str:
    return (f"the body took more than {MAX_SECONDS:g} s of processor time to convert to HTML: it repeats a "
            "pattern Markdown is slow on (such as thousands of links, unclosed '[text](', '<' or backticks in "
            "one paragraph); split the paragraph into shorter ones or remove the repeated markup")


class ScriptUrlScrubber(Treeprocessor):
    """Unwraps ``<a href>`` and replaces ``<img src>`` whose URL is a script URL.

    Runs after every other tree processor (the inline patterns and the backslash unescaping
    included), so it sees each URL as it will be written.
    """

    def run(self, root: etree.Element) -> None:
        _scrub(root)


def _scrub(root: etree.Element) -> None:
    """Every element's children scrubbed, the deepest first (as a recursive walk would, without recursion)."""
    order, stack = [], [root]
    while stack:
        element = stack.pop()
        order.append(element)
        stack.extend(element)
    for parent in reversed(order):   # children before their parents
        if not any(child.tag in ("a", "img") for child in parent):
            continue
        i = 0
        while i < len(parent):
            child = parent[i]
            if child.tag == "a" and is_script_url(child.get("href", "")):
                i += _unwrap(parent, i)
            elif child.tag == "img" and is_script_url(child.get("src", "")):
                parent.remove(child)
                _add_text(parent, i, (child.get("alt") or "") + (child.tail or ""))
            else:
                i += 1


def _unwrap(parent: etree.Element, i: int) -> int:
    """Replace ``parent[i]`` by its text and children; returns how many children took its place."""
    element = parent[i]
    kids = list(element)
    parent.remove(element)
    _add_text(parent, i, element.text or "")
    for k, kid in enumerate(kids):
        parent.insert(i + k, kid)
    _add_text(parent, i + len(kids), element.tail or "")
    return len(kids)


def _add_text(parent: etree.Element, i: int, text: str) -> None:
    """Append ``text`` to what stands just before child ``i`` of ``parent``."""
    if not text:
        return
    if i == 0:
        parent.text = (parent.text or "") + text
    else:
        before = parent[i - 1]
        before.tail = (before.tail or "") + text


class PhotoFigures(Treeprocessor):
    """Makes each image naming a photo of the site a ``<picture>`` of its derivatives (see
    :mod:`newsgen.render.photos`); an image alone in its paragraph becomes a ``<figure>`` whose
    ``<figcaption>`` is the image's title or the paragraph right under it when that reads as a caption
    (``图为……（张三 摄）``), the credit apart in a ``<span class="credit">``. Every photo but the
    article's first loads lazily. An image whose file is missing or unreadable is left as it is
    (``newsgen check`` names it)."""

    def __init__(self, md_instance: md.Markdown, renderer: MarkdownRenderer) -> None:
        super().__init__(md_instance)
        self.renderer = renderer

    def run(self, root: etree.Element) -> None:
        parents = [(parent, child) for parent in root.iter() for child in parent if child.tag == "img"]
        if not parents:
            return
        from newsgen.render import photos as photos_mod

        for parent, img in parents:   # a caption still waiting for its photo: left out of the page
            if img.get("src") == photos_mod.WAITING:
                _add_text(parent, list(parent).index(img), img.tail or "")
                parent.remove(img)
                if parent.tag == "p" and len(parent) == 0 and not (parent.text or "").strip():
                    holder = next((p for p in root.iter() if parent in list(p)), None)
                    if holder is not None:
                        holder.remove(parent)
        photos, article = self.renderer.photos, self.renderer.article
        if photos is None or article is None:
            return
        parents = [(parent, child) for parent, child in parents if child.get("src") != photos_mod.WAITING]
        first = True
        for parent, img in parents:
            src = img.get("src", "")
            if photos_mod.is_svg(src):   # a safe SVG, copied as it is (the build refuses an unsafe one)
                try:
                    drawing = photos.svg(photos_mod.resolve(photos.site, article, src))
                except photos_mod.PhotoError:
                    continue
                img.set("src", photos.url(drawing.variants[0]))
                continue
            if not photos_mod.is_photo(src):
                continue
            try:
                photo = photos.photo(photos_mod.resolve(photos.site, article, src))
            except photos_mod.PhotoError:
                continue
            picture = photos.picture(photo, img.get("alt", ""), first)
            first = False
            picture.tail = img.tail
            index = list(parent).index(img)
            parent.remove(img)
            parent.insert(index, picture)
            alone = parent.tag == "p" and len(parent) == 1 and not (parent.text or "").strip() \
                and not (picture.tail or "").strip()
            if not alone:
                continue
            caption = img.get("title", "")
            holder = next((p for p in root.iter() if parent in list(p)), None)
            if holder is not None:
                siblings = list(holder)
                at = siblings.index(parent)
                under = siblings[at + 1] if at + 1 < len(siblings) else None
                if not caption and under is not None and under.tag == "p" and len(under) == 0 \
                        and photos_mod.reads_as_caption(under.text or ""):
                    caption = under.text or ""
                    holder.remove(under)
            parent.tag = "figure"
            parent.attrib.clear()
            parent.set("class", "photo")
            picture.tail = None
            if caption.strip():
                text, credit = photos_mod.split_credit(caption)
                figcaption = etree.SubElement(parent, "figcaption")
                figcaption.text = text
                if credit:
                    span = etree.SubElement(figcaption, "span", {"class": "credit"})
                    span.text = credit


class MarkdownRenderer:
    """One Python-Markdown instance per build, reset between documents (much cheaper than a new one).

    ``unsafe_html=False`` (the default) escapes raw HTML; ``True`` passes it through. Script
    URLs in Markdown links and images are dropped either way.
    """

    def __init__(self, unsafe_html: bool = False, cache_dir: Path | None = None) -> None:
        self.unsafe_html = unsafe_html
        self.cache_dir = cache_dir
        self._pack = cachefile.Pack(cache_dir) if cache_dir is not None else None
        self._settings = f"markdown {md.__version__} {','.join(EXTENSIONS)} unsafe_html={unsafe_html}"
        self._md = md.Markdown(extensions=[e() for e in EXTENSIONS.values()], output_format="html")
        if not unsafe_html:
            self._md.preprocessors.deregister("html_block")
            self._md.inlinePatterns.deregister("html")
        # After 'unescape' (priority 0): the last tree processor, it sees the final URLs.
        self._md.treeprocessors.register(ScriptUrlScrubber(self._md), "script_urls", -10)
        # After 'inline' (20), before 'prettify' (10), which walks the tree recursively.
        self._md.treeprocessors.register(NestingLimit(self._md), "nesting_limit", 15)
        #: the build's photos (see :meth:`use_photos`) and the article being converted
        self.photos: Any = None
        self.article: Path | None = None
        # after 'inline' (20) and the nesting limit (15), before 'prettify' (10)
        self._md.treeprocessors.register(PhotoFigures(self._md, self), "photos", 12)
        #: the same, without the inline stage, for a body no inline pattern can match (see :data:`_INLINE`)
        self._plain_md: md.Markdown | None = None
        if {pattern.name for pattern in self._md.inlinePatterns._priority} <= _INLINE_PATTERNS:
            self._plain_md = plain = md.Markdown(extensions=[e() for e in EXTENSIONS.values()], output_format="html")
            for name in ("html_block",) if not unsafe_html else ():
                plain.preprocessors.deregister(name)
            plain.treeprocessors.deregister("inline")
            plain.treeprocessors.register(ScriptUrlScrubber(plain), "script_urls", -10)
            plain.treeprocessors.register(NestingLimit(plain), "nesting_limit", 15)
            plain.treeprocessors.register(PhotoFigures(plain, self), "photos", 12)

    def use_photos(self, photos: Any) -> None:
        """Publish the photos bodies name through ``photos`` (a :class:`newsgen.render.photos.Photos`).
        Their HTML then depends on the photos: a body is cached under its article's digest, which the
        build makes of the file's bytes and its photos' keys."""
        self.photos = photos
        self._settings += f" photos={photos.stamp} base={photos.base_path}"

    @property
    def settings(self) -> str:
        """What, beside a body's text, decides its HTML (for page fingerprints)."""
        return self._settings

    def key(self, text: str) -> str:
        """The cache key of ``text``'s HTML under these settings."""
        return hashlib.sha256(f"{self._settings}\0{text}".encode()).hexdigest()

    def file_key(self, digest: str) -> str:
        """The cache key of the HTML of the body of the article file whose bytes have sha256 ``digest``
        (a body is a function of its file's bytes), under these settings."""
        return hashlib.sha256(f"{self._settings}\0file\0{digest}".encode()).hexdigest()

    def convert(self, text: str) -> str:
        """``text`` as HTML; from the cache of converted bodies when it has it (and written there if not)."""
        return self.cached(self.key(text), lambda: text)

    def cached(self, key: str, text: Callable[[], str], article: Path | None = None) -> str:
        """The HTML of ``text()`` kept under ``key``: read from the cache when there (``text`` is then
        not called), else converted and added to it (one pack file, see :class:`newsgen.cachefile.Pack`,
        which forked render workers append to side by side). A body the plain path converts
        (:func:`plain_html`) is not kept: converting it costs what reading it back would, and the HTML
        of 10,000 such bodies was 63 MB written by every cold build."""
        if self._pack is None:
            return self._convert(text(), article)
        cached = self._pack.get(key)
        if cached is not None:
            try:
                return cached.decode("utf-8")
            except UnicodeDecodeError:
                pass
        source = text()
        if self._plain_md is not None:
            fast = plain_html(source)
            if fast is not None:
                return fast
        html = self._convert(source, article)
        self._pack.put(key, html.encode("utf-8"))
        return html

    def _convert(self, text: str, article: Path | None = None) -> str:
        """``text`` as HTML, within :data:`MAX_NESTING` and :data:`MAX_SECONDS`; else
        :class:`MarkdownLimitError`. ``article``: the file the body is of (its photos are named from there)."""
        self.article = article
        if self._plain_md is not None:   # Python-Markdown as configured here: the plain path makes its HTML
            fast = plain_html(text)
            if fast is not None:
                return fast
        converter = self._plain_md if self._plain_md is not None and not _INLINE.search(text) else self._md
        try:
            with _time_limit(MAX_SECONDS):
                return converter.reset().convert(text)
        except _Timeout:
            raise MarkdownLimitError(_too_slow()) from None
        except RecursionError:   # deeper than Python-Markdown's own recursion goes, before the tree is made
            raise MarkdownLimitError(_too_deep()) from None

    def discard(self, keys: Iterable[str]) -> None:
        """Forget the cached HTML kept under ``keys`` (bodies no article has any more)."""
        if self._pack is not None:
            self._pack.discard(keys)

    def prune(self, keys: Iterable[str]) -> None:
        """Forget the cached HTML of every body but those under ``keys`` (edited or deleted articles')."""
        if self._pack is not None:
            self._pack.retain(keys)


class Body:
    """An article body for a template: converted on first use (``{{ body }}``), then cached.

    Jinja2 treats objects with ``__html__`` as safe markup, so the converted HTML is not escaped.
    ``source`` may be a function giving the Markdown, called only when it is needed; ``digest``, the
    sha256 of the article file the body is read from, then names it (its cached HTML, its fingerprint).
    """

    __slots__ = ("_source", "_get", "_renderer", "_html", "_failed", "digest", "where")

    def __init__(self, source: str | Callable[[], str], renderer: MarkdownRenderer, digest: str = "",
                 where: Location | None = None) -> None:
        self.where = where   # the article file and the line its body starts on, for a body past a limit
        self._source = source if isinstance(source, str) else None
        self._get = None if isinstance(source, str) else source
        self._renderer = renderer
        self._html: str | None = None
        self._failed: Diagnostic | None = None   # a body past a limit fails once, not on every page showing it
        self.digest = digest

    @property
    def source(self) -> str:
        """The Markdown, as written in the article file."""
        if self._source is None:
            assert self._get is not None
            self._source = self._get()
        return self._source

    def __html__(self) -> str:
        if self._failed is not None:
            raise NewsgenError(self._failed)
        if self._html is None:
            renderer = self._renderer
            try:
                if self.digest:
                    html = renderer.cached(renderer.file_key(self.digest), lambda: self.source,
                                           self.where.path if self.where is not None else None)
                    if renderer._pack is None:   # (else read back from the cache if asked for again, not
                        self._html = html        # held by a render worker with every body it converted)
                else:
                    html = self._html = renderer.convert(self.source)
            except MarkdownLimitError as exc:
                self._failed = Diagnostic(self.where or Location(Path("<body>")), str(exc))
                raise NewsgenError(self._failed) from None
            if self._get is not None:   # converted: the Markdown is read again if asked for, not kept
                self._source = None
            return html
        return self._html

    def __str__(self) -> str:
        return self.__html__()
