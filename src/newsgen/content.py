"""The article file: YAML front matter + Markdown body.

``loads``/``dumps`` read and write one file (named after the ``json`` module, as
python-frontmatter does); ``load_articles`` reads a whole ``articles/`` tree and
reports *every* problem of every file at once, each as ``path:line: message``
where ``line`` is a line of the ``.md`` file itself.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import gc
import hashlib
import operator
import os
import re
import shutil
import tempfile
import unicodedata
from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from itertools import compress, filterfalse, repeat
from pathlib import Path
from typing import Any

import orjson
import yaml

from newsgen import cachefile
from newsgen.config import LIBYAML_DEPTH, duplicate_keys, plain_front_matter, tab_indented, too_deep, yaml_shape_problem
from newsgen.errors import Diagnostic, Diagnostics, Location, NewsgenError, Severity
from newsgen.files import kind_of

try:  # the C loader is several times faster; fall back to pure Python where it is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

FENCE = "---"

#: Known front-matter keys, in the order newsgen writes them.
KNOWN_KEYS: tuple[str, ...] = (
    "title", "kicker", "subtitle", "date", "updated", "slug", "authors", "regions", "topics", "tags",
    "summary", "draft", "source",
)
REQUIRED_KEYS = ("title", "date")
LIST_KEYS = ("authors", "regions", "topics", "tags")
TEXT_KEYS = ("title", "kicker", "subtitle", "slug", "summary")
#: The address of an image whose photo is still missing: ``![待补图片](TODO "图为……（张三 摄）")``.
#: ``newsgen import`` keeps a bulletin's photo captions so; ``newsgen check`` lists them and a build leaves
#: them out of the page until an editor puts the photo's file name in place of it.
WAITING_PHOTO = "TODO"


def waiting_figure(caption: str) -> str | None:
    """A figure whose photo is still missing, its caption kept whole as the image's title (in the
    first of ``"…"``, ``'…'`` or ``(…)`` it does not close); None when the caption closes all three."""
    for left, right in (('"', '"'), ("'", "'"), ("(", ")")):
        if right not in caption and "\n" not in caption:
            return f"![待补图片]({WAITING_PHOTO} {left}{caption}{right})"
    return None


#: Levels a place path may have. 省/市/县/镇/村 is 5; each level is a folder of the output
#: (regions/jiangxi/nanchang/…, up to 61 bytes a level), so a path of hundreds of levels would pass
#: the file system's 4,096-byte limit on a path (and made a RecursionError walking the region tree).
MAX_REGION_LEVELS = 10
#: A title longer than this is almost surely a paragraph pasted into the wrong field: a warning.
LONG_TITLE = 200

#: Invisible characters copy-paste brings along (zero-width spaces and joiners, word joiner, byte-order
#: mark, bidirectional overrides). Removed from front-matter text, since ``党建\u200b`` and ``党建`` must be
#: one tag; an error in a slug or a key, where they would make a URL or a key nobody can type.
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
#: Control characters (C0 but tab and newline, DEL, C1): never valid in a page, a feed or a URL.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
#: What a slug, one URL segment and one file name, may not hold: white space, URL-reserved and
#: shell-hostile characters. Letters of any script, digits, '-', '_', '.' and '~' are fine.
MAX_SLUG_BYTES = 200
SLUG_FORBIDDEN = re.compile(r"[\s/\\?#%&=+:;,@!$'\"*<>|^`{}\[\]()]")


class _Day:
    """An article's ``day``: its publication date as a plain date, worked out on first use and kept in
    its ``__dict__`` (a build asks for it several times of each of 100,000 articles; a property
    worked it out each time, and ``functools.cached_property`` takes a lock each first time)."""

    def __get__(self, article: Any, owner: type | None = None) -> Any:
        if article is None:
            return self
        when = article.date
        day = article.__dict__["day"] = when.date() if isinstance(when, dt.datetime) else when
        return day


@dataclass(frozen=True)
class Article:
    """One article as read from ``articles/``. Immutable: stages derive, never mutate."""

    path: Path                      # path relative to the site root, e.g. articles/2025/08/x.md
    title: str
    date: dt.date | dt.datetime
    slug: str
    body: str                       # Markdown
    kicker: str | None = None
    subtitle: str | None = None
    authors: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()   # "江西省/南昌市/青山湖区/罗家镇"
    topics: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    summary: str | None = None
    draft: bool = False
    updated: dt.date | dt.datetime | None = None
    source: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)  # unknown keys, passed to templates
    body_line: int = 1              # line of the .md file where the body starts
    digest: str = ""                # sha256 of the file's bytes

    day = _Day()   # the publication date as a plain date

    def __getattr__(self, name: str) -> Any:
        """The fields an article taken from the :class:`ArticleCache` makes on first use, then keeps:
        its ``path``, made of its text (most builds need the text only, see :func:`source_path`), and
        its ``body``, which the cache does not keep: read from its file (only the pages rendered need it).
        The body of an article a :class:`BodySpool` set aside is read back from there each time it is
        asked for, not kept."""
        values = self.__dict__
        if "_text" in values and name in _DECODED:   # a cached row not decoded yet
            _decode(self)
            if name in values:
                return values[name]
        if name == "path":
            where = values.get("_source")
            if where is not None:
                path = values["path"] = _relative_path(where)
                return path
        elif name == "body":
            at = values.get("_body_at")
            if at is not None:
                return at[0].read(at[1], at[2])
            file = values.get("_body_file")
            if file is not None:
                body = values["body"] = stored_body(file, file_digest(self), self.path)
                return body
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")


class _Field:
    """A field of :class:`Article` with a default, as the class holds it: an instance's own value
    when it has one (every article made by ``__init__``); else, of an article taken from the
    :class:`ArticleCache` whose row is not decoded yet, its row decoded (see :func:`_decode`); else
    the default (the dataclass kept it as a class attribute, which hid an undecoded field)."""

    def __init__(self, name: str, default: Any) -> None:
        self.name, self.default = name, default

    def __get__(self, article: Any, owner: type | None = None) -> Any:
        if article is None:
            return self.default
        values = article.__dict__
        if "_text" in values:
            _decode(article)
            if self.name in values:
                return values[self.name]
        return self.default


for _f in dataclasses.fields(Article):
    if _f.default is not dataclasses.MISSING:
        setattr(Article, _f.name, _Field(_f.name, _f.default))


def source_path(article: Article) -> str:
    """The article's file under the site as POSIX text (``articles/2025/08/x.md``): how records and
    caches name it, given without making its :class:`Path` (of 100,000 articles from the cache)."""
    where = article.__dict__.get("_source")
    return where if where is not None else article.path.as_posix()


def may_show_images(article: Article) -> bool:
    """False when the article's body holds no Markdown image (no ``![``), known without reading a
    body that is not in memory (an article from the :class:`ArticleCache`: True, it may hold one)."""
    values = article.__dict__
    if "body" in values:
        return "![" in values["body"]
    at = values.get("_body_at")
    return at[3] if at is not None else True


def derived_by_reader(found: tuple[Article | None, list[Diagnostic]],
                      derive: Callable[[Article], Any] | None = None) -> tuple[Article | None, list[Diagnostic]]:
    """:func:`load`'s result with ``derive(article)``, what the build derives from a body that shows no
    image, made while the body is at hand, in the reader (a worker process of a cold build):
    :func:`derived_ahead` gives it."""
    article, _ = found
    if article is not None and article.digest and derive is not None and "![" not in article.__dict__["body"]:
        article.__dict__["_derived"] = derive(article)
    return found


def derived_ahead(article: Article) -> Any:
    """What :func:`derived_by_reader` derived of the article's body when it was read (None: nothing), forgotten."""
    return article.__dict__.pop("_derived", None)


def file_digest(article: Article) -> str:
    """The sha256 of the article file's bytes (``digest`` may also stand for its photos: :func:`with_digest`)."""
    return article.__dict__.get("_file_digest", article.digest)


def _kept(articles: Iterable[Article], name: str) -> list[Any]:
    """The value each of ``articles`` holds under ``name`` (None: none), column by column: these are
    asked of 100,000 articles by every build, and a Python loop over them costs a call each."""
    return list(map(dict.get, map(_VALUES, articles), repeat(name)))


_VALUES = operator.attrgetter("__dict__")


def _made(articles: Sequence[Article], name: str, make: Callable[[Article], str]) -> list[str]:
    """Each article's value kept under ``name``, made by ``make`` where none is kept (column by column)."""
    found = _kept(articles, name)
    if None in found or "" in found:
        found = [value or make(article) for value, article in zip(found, articles, strict=True)]
    return found


def source_paths(articles: list[Article]) -> list[str]:
    """:func:`source_path` of each of ``articles``."""
    return _made(articles, "_source", source_path)


def file_digests(articles: list[Article]) -> list[str]:
    """:func:`file_digest` of each of ``articles``."""
    found, digests = _kept(articles, "_file_digest"), _kept(articles, "digest")
    if found.count(None) != len(found) or None in digests:   # (photos, or a digest not set)
        return [article.__dict__.get("_file_digest", article.digest) for article in articles]
    return digests


def with_digest(article: Article, digest: str) -> Article:
    """``article`` with ``digest`` standing for it in the build (its file's and its photos' digests), its
    body still read from its file on first use, checked against the file's own digest."""
    copy = object.__new__(Article)
    copy.__dict__.update(article.__dict__)
    copy.__dict__["_file_digest"] = file_digest(article)
    copy.__dict__["digest"] = digest
    return copy


def file_slug(path: Path) -> str:
    """The slug a file's name stands for: its stem, or for ``index.md`` (an article that is a folder
    with its photos beside it, Hugo's page bundle) the folder's name."""
    return path.parent.name if path.stem == "index" and path.parent.name else path.stem


# --------------------------------------------------------------------------- reading

def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """Split ``---\\nYAML\\n---\\nbody`` into (yaml, body, first body line). ``None`` if no fence."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = normalize_newlines(text).split("\n")
    if not lines or lines[0].rstrip() != FENCE:
        return None
    for i in range(1, len(lines)):
        if lines[i].rstrip() in (FENCE, "..."):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1:]), i + 2
    return None


def normalize_newlines(text: str) -> str:
    """CRLF (Windows) and lone CR (old Mac OS) line ends as ``\\n``."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


class _InvalidDate(str):
    """A timestamp-shaped scalar that is no date (2025-02-30), kept as its text; the loader that met
    it has the error (YAML's constructor would raise ValueError and stop, hiding the file's other problems)."""


class _StrictLoader(_Loader):  # type: ignore[misc,valid-type]
    """The safe loader, with impossible dates collected in ``bad_dates`` as (0-based line, message)."""

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> dt.date | dt.datetime | str:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as exc:
            self.__dict__.setdefault("bad_dates", []).append(
                (node.start_mark.line, f"invalid date {node.value} ({exc})"))
            return _InvalidDate(node.value)


_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _StrictLoader.construct_yaml_timestamp)


def _char_name(ch: str) -> str:
    return f"U+{ord(ch):04X}" + (f" {unicodedata.name(ch)}" if unicodedata.name(ch, "") else "")


def _yaml_error(exc: yaml.MarkedYAMLError, offset: int) -> tuple[int | None, str]:
    """File line and message for a YAML error.

    An unclosed bracket or quote is noticed lines later; point at the line where it was opened.
    """
    problem, context = exc.problem or "invalid YAML", exc.context or ""
    pmark, cmark = exc.problem_mark, exc.context_mark
    spans = ("flow", "quoted", "scanning")
    if cmark is not None and any(word in context for word in spans):
        if pmark is not None and pmark.line != cmark.line:
            return cmark.line + offset, f"{context} opened here is not closed ({problem}, line {pmark.line + offset})"
        return cmark.line + offset, f"{problem} ({context})"
    mark = pmark or cmark
    return (mark.line + offset if mark is not None else None), problem


def _key_lines(node: yaml.Node) -> dict[str, int]:
    """0-based line (within the YAML text) of every top-level key."""
    out: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for k, _ in node.value:
            if isinstance(k, yaml.ScalarNode):
                out[str(k.value)] = k.start_mark.line
    return out


def _is_date(value: Any) -> bool:
    return isinstance(value, dt.date)


#: The first and last days a date may name: a day short of the calendar's ends (years 1 and 9999,
#: Python's), so that the shift into the site's time zone (under 26 hours) never leaves the calendar
#: (0001-01-01T00:00:00+14:00 in UTC is in year 0: the build stopped with an OverflowError).
FIRST_DAY, LAST_DAY = dt.date(1, 1, 2), dt.date(9999, 12, 30)


def _date_in_range(value: dt.date) -> bool:
    """Whether ``value`` (a date, or a datetime with or without a zone) lies between FIRST_DAY and
    LAST_DAY, an aware datetime taken in UTC."""
    try:
        if isinstance(value, dt.datetime):
            value = (value.astimezone(dt.UTC) if value.utcoffset() is not None else value).date()
    except (OverflowError, ValueError):
        return False
    return FIRST_DAY <= value <= LAST_DAY


def loads(text: str, path: Path, digest: str | None = None) -> tuple[Article | None, list[Diagnostic]]:
    """Parse one article file. Returns the article (or ``None``) and every problem found.

    ``digest`` is the sha256 of the file's bytes when the caller has them (else of ``text`` as UTF-8)."""
    problems: list[Diagnostic] = []

    def err(line: int | None, message: str) -> None:
        problems.append(Diagnostic(Location(path, line), message))

    def warn(line: int | None, message: str) -> None:
        problems.append(Diagnostic(Location(path, line), message, Severity.WARNING))

    parts = split_front_matter(text)
    if parts is None:
        if normalize_newlines(text.removeprefix("\ufeff")).split("\n", 1)[0].rstrip() == FENCE:
            err(1, "the front matter opened here is never closed: add a '---' line after the last key")
        else:
            err(1, "no front matter: the file must start with a '---' line, then YAML, then a closing '---' line")
        return None, problems
    raw, body, body_line = parts
    plain = plain_front_matter(raw)   # the usual front matter, read as the safe loader reads it, at less cost
    read = (plain[0], {k: v + 2 for k, v in plain[1].items()}) if plain is not None else _read_yaml(raw, err)
    if read is None:
        return None, problems
    meta, lines = read
    first = 2

    for key in REQUIRED_KEYS:
        if key not in meta:
            err(first, f"missing required key '{key}'")
    for key in list(meta):
        if not isinstance(key, str):
            err(first, f"front-matter keys must be text, not {key!r}")
            continue
        visible = INVISIBLE.sub("", key)
        if visible != key:
            hidden = _char_name(INVISIBLE.search(key).group())  # type: ignore[union-attr]
            err(lines.get(key), f"key '{visible}' has an invisible character ({hidden}) in it; retype the key")
            continue
        if key not in KNOWN_KEYS:
            close = difflib.get_close_matches(key, KNOWN_KEYS, n=1, cutoff=0.75)
            if close:
                warn(lines.get(key), f"unknown key '{key}': did you mean '{close[0]}'?")
    for key in (*TEXT_KEYS, *LIST_KEYS):
        if key == "slug" or key not in meta:
            continue
        value = meta[key]
        try:
            meta[key] = _clean(value)
        except ValueError as exc:
            err(lines.get(key), f"'{key}' {exc}")
    for key in TEXT_KEYS:
        value = meta.get(key)
        if value is not None and not isinstance(value, str | int | float) or isinstance(value, bool):
            err(lines.get(key), f"'{key}' must be text, got {type(value).__name__}")
    if "title" in meta and not str(meta.get("title") or "").strip():
        err(lines.get("title"), "'title' must not be empty")
    for key in ("date", "updated"):
        if key in meta and not _is_date(meta[key]) and not isinstance(meta[key], _InvalidDate):
            err(lines.get(key), f"'{key}' must be an ISO date such as 2025-08-06 "
                                f"(or a datetime with timezone), got {meta[key]!r}")
        elif key in meta and _is_date(meta[key]) and not _date_in_range(meta[key]):
            err(lines.get(key), f"'{key}' {meta[key].isoformat()} is at the edge of the calendar: write a date "
                                f"from {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}")
    lists: dict[str, tuple[str, ...]] = {}
    for key in LIST_KEYS:
        value = meta.get(key)
        if value is None:
            lists[key] = ()
        elif isinstance(value, str):  # `authors: 卢鸿` is a list of one; forgiving like Hugo
            lists[key] = (value,)
        elif isinstance(value, list) and all(isinstance(v, str | int) and not isinstance(v, bool) for v in value):
            lists[key] = tuple(str(v).strip() for v in value if str(v).strip())
        else:
            err(lines.get(key), f"'{key}' must be a list of text items, e.g. {key}: [a, b]")
    for region in lists.get("regions", ()):
        if any(not part.strip() for part in region.split("/")):
            err(lines.get("regions"), f"region '{region}' has an empty part: write it as 省/市/县/镇")
        elif region.strip().strip("/").count("/") >= MAX_REGION_LEVELS:
            shown = region if len(region) <= 40 else region[:40] + "…"
            err(lines.get("regions"), f"region '{shown}' has {region.strip().strip('/').count('/') + 1} levels; a "
                                      f"place path has at most {MAX_REGION_LEVELS} (省/市/县/镇/村 is 5): remove the "
                                      "extra levels")
    if "draft" in meta and not isinstance(meta["draft"], bool):
        err(lines.get("draft"), f"'draft' must be true or false, got {meta['draft']!r}")
    if "source" in meta and meta["source"] is not None and not isinstance(meta["source"], dict):
        err(lines.get("source"), "'source' must be a mapping (bulletin, sha256, blocks)")
    slug = meta.get("slug")
    if isinstance(slug, str | int) and not isinstance(slug, bool):
        problem = slug_problem(str(slug))
        if problem:
            problems.append(Diagnostic(Location(path, lines.get("slug")), problem[1], problem[0]))
    elif slug is None:
        problem = slug_problem(file_slug(path))
        if problem:
            what = problem[1].replace("'slug' ", "", 1)
            problems.append(Diagnostic(Location(path, 1), f"no 'slug', so the file name stands in for it: {what}; "
                                                          "add a 'slug:' line or rename the file", problem[0]))
    title = meta.get("title")
    if isinstance(title, str) and len(title) > LONG_TITLE:
        warn(lines.get("title"), f"'title' is {len(title)} characters long; a title over {LONG_TITLE} "
                                 "characters is probably body text: shorten it")

    if any(p.severity is Severity.ERROR for p in problems):
        return None, problems
    article = Article(
        path=path,
        title=str(meta["title"]).strip(),
        date=meta["date"],
        slug=str(slug).strip() if slug else file_slug(path),
        body=body,
        kicker=_text(meta.get("kicker")),
        subtitle=_text(meta.get("subtitle")),
        authors=lists["authors"],
        regions=tuple(r.strip().strip("/") for r in lists["regions"]),
        topics=lists["topics"],
        tags=lists["tags"],
        summary=_text(meta.get("summary")),
        draft=bool(meta.get("draft", False)),
        updated=meta.get("updated"),
        source=meta.get("source"),
        extra={k: v for k, v in meta.items() if k not in KNOWN_KEYS},
        body_line=body_line,
        digest=digest or hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )
    return article, problems


def _read_yaml(raw: str, err: Callable[[int | None, str], None]) -> tuple[dict[Any, Any], dict[str, int]] | None:
    """The mapping front matter ``raw`` holds, read by PyYAML, and the 1-based file line of each key; None
    when it cannot be read (each problem given to ``err``)."""
    tab = tab_indented(raw)
    if tab is not None:
        err(tab + 2, "tab character in the indentation of front matter: YAML indents with spaces only; "
                     "replace the tab with spaces")
        return None
    loader = _StrictLoader(raw)
    try:
        node = loader.get_single_node()
        shape = yaml_shape_problem(node)   # before anything walks it: deep, an alias bomb, itself
        if shape is not None:
            err(shape[0] + 2, f"front matter has {shape[1]}")
            return None
        for key, first_line, again in duplicate_keys(node):   # an error; the file's other problems go on
            err(again + 2, f"key '{key}' given twice, on lines {first_line + 2} and {again + 2}; "
                           "keep one of them")
        meta = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        line, what = _yaml_error(exc, offset=2)  # +1 for 1-based lines, +1 for the opening fence
        if LIBYAML_DEPTH in (exc.problem or ""):
            mark = exc.problem_mark or exc.context_mark
            line, what = (mark.line + 2 if mark else 2), too_deep()
            err(line, f"front matter has {what}")
            return None
        err(line, f"invalid YAML in front matter: {what}")
        return None
    except yaml.reader.ReaderError as exc:   # a character YAML does not allow (control codes, NUL)
        bad = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)
        err(raw[: exc.position].count("\n") + 2,
            f"invalid character {_char_name(bad)} in front matter; remove it")
        return None
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as exc:
        err(2, f"invalid YAML in front matter: {exc}")
        return None
    finally:
        loader.dispose()
    for line, message in loader.__dict__.get("bad_dates", ()):
        err(line + 2, f"{message}: write a real date as YYYY-MM-DD")
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        err(2, "front matter must be a mapping of keys to values (key: value)")
        return None
    return meta, {k: v + 2 for k, v in _key_lines(node).items()}


def slug_problem(slug: str) -> tuple[Severity, str] | None:
    """Why ``slug`` cannot be (error) or should not be (warning) one URL segment and file name.

    A slash, a backslash, a leading dot, invisible or control characters are errors: they leave the
    article's folder, hide it or make a URL nobody can type. White space and URL-reserved characters
    work (every link percent-encodes them) but make ugly addresses: a warning with a suggestion.
    """
    stripped = slug.strip()
    shown = repr(slug)
    if not stripped:
        return Severity.ERROR, "'slug' must not be empty"
    if stripped.startswith("."):
        return Severity.ERROR, f"'slug' {shown} must not start with a dot; use letters, digits and '-'"
    if "/" in stripped or "\\" in stripped:
        return Severity.ERROR, (f"'slug' {shown} must be one URL segment, without '/' or '\\'; "
                                f"e.g. {_suggest_slug(stripped)!r}")
    bad = INVISIBLE.search(stripped) or CONTROL.search(stripped)
    if bad:
        return Severity.ERROR, (f"'slug' {shown} has an invisible or control character "
                                f"({_char_name(bad.group())}); retype it")
    if len(stripped.encode("utf-8")) > MAX_SLUG_BYTES:
        return Severity.ERROR, (f"'slug' is {len(stripped.encode('utf-8'))} bytes long; keep it under "
                                f"{MAX_SLUG_BYTES} (it is a folder name)")
    bad = SLUG_FORBIDDEN.search(stripped)
    if bad:
        what = "a space" if bad.group().isspace() else f"'{bad.group()}'"
        return Severity.WARNING, (f"'slug' {shown} has {what} in it: links percent-encode it, but the "
                                  f"address is hard to read or type; prefer {_suggest_slug(stripped)!r}")
    return None


def _suggest_slug(slug: str) -> str:
    return "-".join(p for p in SLUG_FORBIDDEN.split(slug) if p) or "my-article"


def _clean(value: Any) -> Any:
    """Front-matter text without invisible characters. Raises ValueError for a control character."""
    if isinstance(value, str):
        bad = CONTROL.search(value)
        if bad:
            raise ValueError(f"has a control character ({_char_name(bad.group())}); remove it")
        return INVISIBLE.sub("", value)
    if isinstance(value, list):   # one level: list keys hold text items; deeper lists are refused later
        return [_clean(v) if isinstance(v, str) else v for v in value]
    return value


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def read_article_file(path: Path | str) -> bytes:
    """The bytes of an article file: every read of one goes through here (a build reads each at most once)."""
    with open(path, "rb") as f:
        return f.read()


def load(path: Path, root: Path | None = None) -> tuple[Article | None, list[Diagnostic]]:
    """Read one article file; ``root`` makes the reported path relative to the site."""
    shown = path.relative_to(root) if root is not None else path
    bad = unencodable_name(shown)
    if bad is not None:
        return None, [bad]
    try:
        data = read_article_file(path)
    except OSError as exc:
        return None, [Diagnostic(Location(shown), f"cannot read file: {exc.strerror}")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        source = "UTF-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "GB18030"   # UTF-16 has its BOM
        return None, [Diagnostic(Location(shown, line),
                                 f"not UTF-8 text ({exc.reason} at byte {exc.start}); save the file as UTF-8, "
                                 f"e.g. iconv -f {source} -t UTF-8")]
    return loads(text, shown, hashlib.sha256(data).hexdigest())


def unencodable_name(path: Path) -> Diagnostic | None:
    """An error when ``path`` (a file of the site) has a name that is not UTF-8: it cannot be written
    into a page, a feed or the build's records. ``None`` when it is fine."""
    if not_utf8(str(path)):
        shown = Path(_printable(str(path)))
        return Diagnostic(Location(shown), "the name is not UTF-8 text (an old encoding such as GBK?); rename it, "
                                           "e.g. with convmv -f GBK -t UTF-8 (names become URLs and are written as "
                                           "UTF-8)")
    return None



def passing(article: Article) -> Article:
    """The article to read once and let go: when it was taken from the cache and its row is not decoded
    yet, or its body not read, a copy that decodes it and reads its body, the article itself left as it
    is. A step that reads every article once (the search index) holds one at a time, not every body and
    every decoded row of the archive (half a gigabyte each at 100,000 articles)."""
    values = article.__dict__
    if "_text" not in values and ("body" in values or "_body_at" in values or "_body_file" not in values):
        return article
    copy = object.__new__(Article)
    copy.__dict__.update(values)
    return copy


def stored_body(file: str, digest: str, shown: Path) -> str:
    """The body of the article file ``file`` as :func:`loads` reads it, when the file's bytes are still
    those whose sha256 is ``digest``. A file changed since it was read is an error: its body would not
    be the one its front matter was read with (the next build reads it again)."""
    try:
        data = read_article_file(file)
        if hashlib.sha256(data).hexdigest() == digest:
            parts = split_front_matter(data.decode("utf-8"))
            if parts is not None:
                return parts[1]
    except (OSError, UnicodeDecodeError):
        pass
    raise NewsgenError(Diagnostic(Location(shown), "changed while the site was being built: build again"))


class BodySpool:
    """The bodies of the articles a build reads, set aside in files of a temporary folder as they are
    read (by :meth:`keep`, in the reader, a worker process of a big site) rather than held in memory:
    a build needs a body only to convert it when its page is rendered (and for the search index), and
    the bodies were a third of what the build's process held at 100,000 articles, which every render
    worker forked from it counted again. Each reading process appends to a file of its own; an
    article keeps where its body is (``_body_at``: the file, the offset and length of its UTF-8
    bytes, and whether it shows an image) and reads it back from there on each use (see
    :class:`Article`). Once read, :meth:`attach` opens the files and removes the folder: the files
    last while an article refers to them, and nothing is left behind. Not the article files: each is
    read once a build, unless the spool cannot be written.

    A body that cannot be set aside (no temporary folder, or one that fills up while the readers write
    to it) is not held either: it is read again from its article file each time it is used, checked
    against the file's digest (as an article from the :class:`ArticleCache` reads it). Holding them
    instead took a 100,000-article build from 0.9 to 1.3 GB. :attr:`missed` counts them, for the
    build to say so, and :attr:`problem` says why."""

    def __init__(self) -> None:
        self.problem: str | None = None   # why bodies could not be set aside, when some were not
        self.missed = 0      # how many (known once attached)
        try:
            self.folder: str | None = tempfile.mkdtemp(prefix="newsgen-bodies-")
        except OSError as exc:
            self.folder, self.problem = None, _spool_problem(exc)
        self._pid = 0        # the process whose file ``_fd`` is (a forked reader opens its own)
        self._fd = -1        # (-2: this process cannot write it: its bodies are left in their files)
        self._size = 0

    @classmethod
    def start(cls) -> BodySpool:
        """A spool in the system's temporary folder (one that cannot be made leaves every body in its file)."""
        return cls()

    def keep(self, found: tuple[Article | None, list[Diagnostic]],
             file: str | os.PathLike[str]) -> tuple[Article | None, list[Diagnostic]]:
        """:func:`load`'s result of the article file ``file`` with the article's body written to this
        process's file of the spool (or, when it cannot be, left in ``file``), not held."""
        article = found[0]
        if article is None:
            return found
        values = article.__dict__
        body = values.pop("body")
        shows = "![" in body
        pid = os.getpid()
        try:
            if pid != self._pid:
                self._pid, self._size, self._fd = pid, 0, -2
                if self.folder is not None:
                    self._fd = os.open(os.path.join(self.folder, str(pid)),
                                       os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o600)
            if self._fd >= 0:
                view = memoryview(body.encode("utf-8"))
                length = len(view)
                while view:
                    view = view[os.write(self._fd, view):]
                values["_body_at"] = (pid, self._size, length, shows)
                self._size += length
                return found
        except OSError as exc:   # (a temporary folder full or gone) this process's next ones too:
            self._fd = -2         # the file's length is no longer known
            self.problem = _spool_problem(exc)
        values["_body_at"] = (_ArticleFile(os.fspath(file), article.digest, article.path, self.problem), 0, 0, shows)
        return found

    def attach(self, articles: Iterable[Article | None]) -> None:
        """Open the files the readers wrote, point the ``articles`` they kept at them, and remove the
        folder; count the bodies left in their files (:attr:`missed`)."""
        files: dict[int, _SpoolFile] = {}
        if self.folder is not None:
            try:
                if self._pid == os.getpid() and self._fd >= 0:   # (read in this process)
                    os.close(self._fd)
                self._pid = 0
                files = {int(name): _SpoolFile(os.path.join(self.folder, name)) for name in os.listdir(self.folder)}
            finally:
                shutil.rmtree(self.folder, ignore_errors=True)
        for article in articles:
            values = article.__dict__ if article is not None else {}
            at = values.get("_body_at")
            if at is not None:
                where = at[0]
                if isinstance(where, int):
                    values["_body_at"] = (files[where], *at[1:])
                elif isinstance(where, _ArticleFile):
                    self.missed += 1
                    self.problem = self.problem or where.problem


def _spool_problem(exc: OSError) -> str:
    return exc.strerror or str(exc)


class _SpoolFile:
    """One file of a :class:`BodySpool`, open for reading (its name already removed)."""

    __slots__ = ("fd",)

    def __init__(self, path: str) -> None:
        self.fd = os.open(path, os.O_RDONLY)

    def read(self, offset: int, length: int) -> str:
        data = os.pread(self.fd, length, offset)
        while len(data) < length:
            more = os.pread(self.fd, length - len(data), offset + len(data))
            if not more:
                raise OSError(f"a body set aside while reading is cut short at {offset + len(data)}")
            data += more
        return data.decode("utf-8")

    def __del__(self) -> None:
        os.close(self.fd)


class _ArticleFile:
    """Where a body a :class:`BodySpool` could not set aside is: its article file, read again (and
    checked against the digest it was read with, see :func:`stored_body`) each time it is used; read
    as a :class:`_SpoolFile` is (the offset and length are not used). ``problem``: why it is there."""

    __slots__ = ("file", "digest", "shown", "problem")

    def __init__(self, file: str, digest: str, shown: Path, problem: str | None) -> None:
        self.file, self.digest, self.shown, self.problem = file, digest, shown, problem

    def read(self, offset: int, length: int) -> str:
        return stored_body(self.file, self.digest, self.shown)


@dataclass(frozen=True)
class Listing:
    """The article files under ``root`` (as :func:`article_files` lists them, without a problem) with
    their identities (size, mtime, ctime, inode), as a caller that has just walked and stat'ed them
    found them: :func:`load_articles` then neither walks the folder nor stats the files again.
    ``others``: every other file found under the site's articles and static folders (an article's
    photos), by its path as the walk gave it, with its identity, so that a build need not stat them again.
    ``walked``: the files of every other folder the walk went through (templates, static files: the
    site's and the theme's), by the folder's path, as :func:`site_file_names` gave them."""

    root: Path
    files: tuple[tuple[str, list[int]], ...]   # (as site_file_names gives them)
    others: Mapping[str, list[int]] = field(default_factory=dict)
    walked: Mapping[str, list[str]] = field(default_factory=dict)


#: runs ``job(i)`` for ``i`` in ``range(count)``, appending what each returns to ``results`` in order, maybe
#: in worker processes (:func:`newsgen.render.parallel.run_jobs`, passed in by the commands)
Runner = Callable[..., Any]
#: fewer files than this to read are read in this process; more, by a ``Runner``, so many a task
PARALLEL_MIN = 500
PARALLEL_CHUNK = 100
#: from this many files read on, their bodies are set aside while they are read (see :class:`BodySpool`):
#: below it the build's process holds them (45 MB at 10,000 articles, within what a build of that size
#: may take), as writing and reading them back costs about 1% of a cold build's processor time
SPOOL_MIN = 20_000


def load_articles(site: Path, articles_dir: str = "articles", cache: ArticleCache | None = None,
                  listing: Listing | None = None, run: Runner | None = None,
                  derive: Callable[[Article], Any] | None = None,
                  told: Callable[[str], None] | None = None) -> tuple[list[Article], Diagnostics]:
    """Read every ``*.md`` under ``site/articles``, collecting all problems of all files.

    With a ``cache``, a file whose size, mtime, ctime and inode are those it had when cached is
    not read again: its article and problems come from the cache. The cache is updated in memory;
    the caller saves it (:meth:`ArticleCache.save`). A ``listing`` of that folder stands for walking it.
    ``run`` reads the files the cache does not hold, when they are many (a cold build: parsing 10,000
    front matters took 5 s in one process), in worker processes, which make ``derive`` of each body
    there (see :func:`derived_by_reader`). ``told(note)`` is given what a build's progress line is to say
    of how the files were read: bodies a :class:`BodySpool` could not set aside.
    """
    diagnostics = Diagnostics()
    articles: list[Article] = []
    root = site / articles_dir
    if not root.is_dir():
        diagnostics.error(Location(Path(articles_dir)),
                          "no articles directory; create it or run 'newsgen import BULLETIN'")
        return articles, diagnostics
    if cache is not None:
        cache.begin()
    if listing is not None and listing.root == root:
        files: Iterable[tuple[Path | str, list[int] | None]] = listing.files
    else:
        files = ((path, None) for path in article_files(root, site, diagnostics))
    files = list(files)
    found = cache.get_listed(files, site) if cache is not None else [None] * len(files)
    unread = [Path(files[n][0]) for n, hit in enumerate(found) if hit is None]
    read: list[tuple[Article | None, list[Diagnostic]]] = []
    if run is not None and len(unread) >= PARALLEL_MIN:
        spool = BodySpool.start() if len(unread) >= SPOOL_MIN and hasattr(os, "pread") else None
        read = _NamesShared()
        try:
            run(len(unread), lambda i: _set_aside(derived_by_reader(load(unread[i], site), derive), spool,
                                                  unread[i]), results=read, chunk=PARALLEL_CHUNK, minimum=PARALLEL_MIN)
        finally:
            if spool is not None:
                spool.attach(article for article, _ in read)
        if spool is not None and spool.missed and told is not None:
            told(f"{spool.missed} bodies not set aside in a temporary folder ({spool.problem}): each read again "
                 f"from its file when used")
    else:
        read = [load(path, site) for path in unread]
    fresh = iter(zip(unread, read, strict=True))
    for n in [n for n, hit in enumerate(found) if hit is None] if unread else ():
        path, found[n] = next(fresh)
        if cache is not None:
            cache.put(path, site, *found[n])   # type: ignore[misc]
    for problems in filter(None, map(operator.itemgetter(1), found)):
        diagnostics.extend(problems)
    made = list(map(operator.itemgetter(0), found))   # (column by column: 100,000 of them on a rebuild)
    articles = list(compress(made, map(operator.is_not, made, repeat(None))))
    if cache is not None:
        cache.forget_others()
    return articles, diagnostics


class _NamesShared(list):   # type: ignore[type-arg]
    """The results of the readers (:func:`load`'s), as a ``Runner`` appends them, with one string for each
    place, topic, tag and author name they hold. Read by worker processes, each article comes back with
    a copy of its own of every name (about 800 bytes an article, 80 MB at 100,000, where a few hundred
    names are shared by all): shared as each worker's results come in, the copies let go of are the
    memory the next results are made in. Shared once all were in, they left about 50 MB of holes in the
    build's process (and in every worker forked from it)."""

    def __init__(self) -> None:
        super().__init__()
        self.names: dict[str, str] = {}

    def append(self, found: tuple[Article | None, list[Diagnostic]]) -> None:
        self.extend((found,))

    def extend(self, found: Iterable[tuple[Article | None, list[Diagnostic]]]) -> None:
        start = len(self)
        super().extend(found)
        _share_names((article for article, _ in self[start:]), self.names)


def _share_names(articles: Iterable[Article | None], names: dict[str, str]) -> None:
    """One string for each place, topic, tag and author name the ``articles`` hold, the one in ``names``
    (each name new to it added)."""
    for article in articles:
        if article is not None:
            values = article.__dict__
            for key in LIST_KEYS:
                value = values[key]
                if value:
                    values[key] = tuple([names.setdefault(name, name) for name in value])


def _set_aside(found: tuple[Article | None, list[Diagnostic]], spool: BodySpool | None,
               file: Path) -> tuple[Article | None, list[Diagnostic]]:
    return spool.keep(found, file) if spool is not None else found


class ArticleCache:
    """Parsed articles of the last build, by file identity, kept in the build state
    (:class:`newsgen.cachefile.State`), so that a rebuild reads only the files changed since.

    What every build asks of every article is kept in the columns of a :class:`~newsgen.cachefile.Table`
    of one bucket, ``articles`` (a list a field: 100,000 small lists were most of the cost of reading
    them): each file's path under the site (the keys), identity (size, mtime, ctime, inode: four
    columns, each kept as one run of 64-bit numbers), the digest of its bytes, its draft flag, date (ISO
    text), the digest of its structure row (:func:`structure_shape`), whether it has front matter beyond
    the known keys, whether what the build derives of its body is kept, and its problems (None: none).
    A file with errors has no digest (None). A build that changed a few articles writes the table's
    journal; one that changed many writes the bucket again, in the order the files were listed (so that
    the next listing compares the identities as runs of bytes: :func:`_changed`).

    The rest of each article, its *row*, is the JSON text of a list of the :class:`Article` fields
    in the order the table's meta ``fields`` names them (the dates as ISO text; in ``source`` and
    ``extra``, a value YAML may hold and JSON may not, a date, a datetime, bytes, a set, tagged:
    ``{"$date": "2025-08-06"}``), kept with what is derived of its body (summary, reading minutes)
    in the table ``articles.rows``, of a few hundred buckets. A bucket is read when one of its rows
    is first needed: an article taken from the cache decodes its row on first use of a field only
    the row holds (see :func:`_lazy_article`). So a rebuild after a body edit at 100,000 articles
    decodes the columns and the buckets of the few articles its pages show, not 100,000 rows (0.7 s).

    Bodies are not kept (they are nine tenths of the bytes, and a build needs only those of the
    pages it renders): an article from the cache reads its body from its file when first asked
    for it, checked against the file's digest (see :func:`stored_body`).

    Columns that cannot be read, or of other fields, are no cache (every file is read); a row that
    does not read back (or not as its entry has it, or its bucket damaged) is not used: that file is
    read again.
    """

    def __init__(self, state: cachefile.State, *, session: bool = False) -> None:
        self._state = state
        self._keys: list[str] = []
        self._index: dict[str, int] = {}   # path -> its position in the columns
        self._columns: dict[str, Any] = {name: [] for name in _COLUMNS}
        self._problems: set[str] = set()   # the paths of the columns' files with problems
        #: entries changed since the columns were written: stored (a list of the columns' values), as
        #: put by this read (``[identity, article, problems]``), or None (gone)
        self._over: dict[str, list[Any] | None] = {}
        self._table: cachefile.Table | None = None   # the columns, as read
        self._rows: cachefile.Table | None = None   # path -> (row, derived)
        self._seen: set[str] = set()
        self._listed: list[str] = []   # the files as get_listed was last given them, in order
        #: the files whose bodies may show an image (a Markdown image: see :func:`may_show_images`), kept
        #: in the state's section ``articles.images``; None when not known (a cache of an older newsgen)
        self.images: set[str] | None = set()
        self._images_changed = False
        self.hits = 0
        #: digests of the files whose entries this read replaced or dropped (their bodies' HTML may go)
        self.dropped: set[str] = set()
        self._read: set[str] = set()   # digests of the files read (not from the cache) by this read
        self._changed = False   # anything to save
        #: what later stages derived from an article this build (summary, reading minutes), by its file's
        #: digest; what was derived before is in its row's bucket (see :meth:`derived_of`)
        self.derived: dict[str, list[Any]] = {}
        self._saved_derived: set[str] = set()   # (of those, kept by the rows already)
        self._by_digest: dict[str, str] | None = None   # file digest -> a path whose row keeps what is derived
        self._parsed: list[Any] | bool | None = None   # the columns' dates read (False: not of their shape)
        #: articles already made, with their identity (a cache kept in memory by a session: Articles are
        #: immutable, so the next build takes the same objects); None: not kept (one build's cache)
        self._made: dict[str, tuple[Any, Article | None, tuple[Diagnostic, ...]]] | None = {} if session else None
        #: why every article file is read (None when the cache was read): for the build's progress line
        problem = state.problem
        self.cold: str | None = problem or ("the article cache cannot be read" if state.has("articles.journal")
                                            else "no article cache")
        # (a table of it not as written is this cache's cold start, not the build's: cold=False)
        table = cachefile.Table.load(state, "articles", len(_COLUMNS), cold=False) if problem is None else None
        if table is not None and table.meta == _META:
            try:
                self._use(table)
                self._rows = cachefile.Table.load(state, "articles.rows", 2, cold=False)
                self.cold = None
            except cachefile.Damaged:   # (its bucket not as written: every file read)
                pass
        if self.cold is None:   # (else every file is read, and found to show an image or not)
            images = state.get("articles.images")
            self.images = set(images) if type(images) is list and _all_text(images) else None

    def _use(self, table: cachefile.Table) -> None:
        """Take the columns from ``table`` (its bucket as written, and the entries of its journal)."""
        keys, columns, self._index = table.stored()
        self._keys, self._columns, self._table, self._parsed = keys, dict(zip(_COLUMNS, columns, strict=True)), \
            table, None
        self._problems = set(compress(keys, columns[-1]))
        self._over = {key: None for key in table.removed}
        self._over.update((key, _entry_of(row)) for key, row in table.changed.items())

    def stored_rows(self) -> dict[str, list[Any]]:
        """Each file's entry as the cache holds it: ``[row, problems]``, its article's row decoded (None:
        a file with errors, or a row that cannot be read). (What a look at the cache, such as a test's,
        compares.)"""
        found = {}
        for key in self._live():
            entry = self._entry(key)
            if entry is None:
                continue
            if len(entry) == 3:
                made = _stored(entry)
                found[key] = [orjson.loads(made[1]) if made is not None and made[1] is not None else None, entry[2]]
                continue
            kept = self._row(key) if entry[1] is not None else None
            found[key] = [orjson.loads(kept[0]) if kept is not None else None, entry[7]]
        return found

    @property
    def changed(self) -> bool:
        """Whether some file was read again or is gone since the cache was last written."""
        return self._changed

    def begin(self) -> None:
        """Start a read of the articles (a cache kept in memory serves one build after another)."""
        if self._keys or self._over:
            self.cold = None
        self._seen = set()
        self.hits = 0
        self.dropped, self._read = set(), set()

    @staticmethod
    def _identity(path: Path | str) -> list[int] | None:
        try:
            st = os.stat(path)
        except OSError:
            return None
        return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]

    def _live(self) -> list[str]:
        """Every path the cache has an entry of."""
        over = self._over
        return list(filterfalse(over.__contains__, self._keys)) + [key for key, e in over.items() if e is not None]

    def _entry(self, key: str) -> list[Any] | None:
        """The entry of ``key``: ``[identity, digest, draft, date, shape, extra, derived, problems]``, or
        as put by this read, ``[identity, article, problems]``; None when there is none."""
        over = self._over
        if key in over:
            return over[key]
        i = self._index.get(key)
        if i is None:
            return None
        return _entry_of([column[i] for column in self._columns.values()])

    def get(self, path: Path | str, site: Path, identity: list[int] | None = None,
            ) -> tuple[Article | None, list[Diagnostic]] | None:
        """The cached article and problems of ``path`` when its identity (stat'ed unless given) is the cached one."""
        key = _key(path, site)
        self._seen.add(key)
        return self._hit(key, str(path), identity)

    def _hit(self, key: str, file: str, identity: list[int] | None) -> tuple[Article | None, list[Diagnostic]] | None:
        entry = self._entry(key)
        if entry is None:
            return None
        if identity is None:
            identity = self._identity(file)
        made = self._made.get(key) if self._made is not None else None
        if made is not None and made[0] == identity:   # made by an earlier build of this session
            self.hits += 1
            return made[1], list(made[2])
        try:
            if entry[0] != identity:
                return None
            if len(entry) == 3:   # put by an earlier build of this session, not written since
                article, rows = entry[1], entry[2]
            else:
                article = self._lazy(key, file, *entry[1:6]) if entry[1] is not None else None
                rows = entry[7]
            problems = _problems_from_rows(rows) if rows else []   # most articles have none
        except (KeyError, TypeError, ValueError, IndexError, AttributeError):
            return None
        if self._made is not None:
            self._made[key] = (identity, article, tuple(problems))
        self.hits += 1
        return article, problems

    def _lazy(self, key: str, file: str, digest: Any, draft: Any, date: Any, shape: Any, extra: Any) -> Article:
        """The article of an entry: what every build asks of each article (its file, digest, draft flag,
        date, the digest of its structure row, whether it has other keys) set from the entry, the rest
        from its row on first use of a field only the row holds (:func:`_decode`: a build that changed
        one article's body decodes the rows of the few articles its pages show)."""
        if type(digest) is not str or type(draft) is not bool or type(shape) is not str or type(extra) is not bool:
            raise TypeError("a cache entry of another shape")
        article = _new_article(Article)
        values = article.__dict__
        values["_text"], values["_source"], values["digest"], values["draft"] = self, key, digest, draft
        values["date"], values["_shape"], values["_extra"], values["_body_file"] = \
            _date_from_text(date), shape, extra, file
        return article

    def get_listed(self, files: Iterable[tuple[Path | str, list[int] | None]], site: Path,
                   ) -> list[tuple[Article | None, Sequence[Diagnostic]] | None]:
        """:meth:`get` of each of ``files`` (a path, and its identity when the caller has it), column by
        column where it can: at 100,000 articles a call each was most of a rebuild's reading."""
        files = list(files)
        root = str(site) + os.sep
        names = list(map(str, map(operator.itemgetter(0), files)))   # (column by column, as below)
        if os.sep == "/" and all(map(operator.methodcaller("startswith", root), names)):
            keys = list(map(operator.itemgetter(slice(len(root), None)), names))
        else:
            keys = [_key(name, site) for name in names]
        self._seen.update(keys)
        self._listed = keys
        columns = self._columns
        ids, digests = [columns[name] for name in _COLUMNS[:4]], columns["digests"]
        at = list(map(self._index.get, keys))
        # an article as the columns have it (most, on a rebuild): its file's identity the one kept, and
        # no change of it since the columns were written, no problem, no session's article (a file the
        # columns lack looked up at a last position, of no identity and no digest)
        special = self._over.keys() | self._problems
        identities = list(map(operator.itemgetter(1), files))
        changed = _changed(ids, identities) if keys == self._keys else None
        if self._made is None and changed is not None:   # (the files as the columns have them, in order)
            plain = [True] * len(keys)
            for n in changed:
                plain[n] = False
            if None in digests:
                plain = list(map(operator.and_, plain, map(operator.is_not, digests, repeat(None))))
        elif self._made is None:
            where = list(map(self._index.get, keys, repeat(len(digests))))
            kept = list(map(list, zip(*ids, strict=True)))   # (a file not stat'ed: four Nones, not its None)
            plain = list(map(operator.and_, map(operator.eq, identities, map([*kept, None].__getitem__, where)),
                             map(operator.is_not, map([*digests, None].__getitem__, where), repeat(None))))
        else:
            plain = [False] * len(at)
        for n in [n for n, key in enumerate(keys) if key in special] if special else ():
            plain[n] = False
        dates = self._dates()
        if dates is None:   # (columns not of their shape: each entry looked at, and refused)
            plain = [False] * len(at)
        found: list[tuple[Article | None, Sequence[Diagnostic]] | None] = []
        collecting = gc.isenabled()
        gc.disable()   # (100,000 articles that live to the build's end: the young collections found nothing)
        try:
            self._take(found, keys, names, at, plain, files, special, dates)
        finally:
            if collecting:
                gc.enable()
        self.hits += sum(plain)
        return found

    def _take(self, found: list[Any], keys: list[str], names: list[str], at: list[int | None], plain: list[bool],
              files: list[tuple[Any, list[int] | None]], special: Set[str], dates: list[Any]) -> None:
        """(:meth:`get_listed`'s loop.)"""
        columns = self._columns
        digests, drafts, shapes, extras = columns["digests"], columns["drafts"], columns["shapes"], columns["extras"]
        new, none = _new_article, ()
        for key, name, i, fast, (_, identity) in zip(keys, names, at, plain, files, strict=True):
            if fast:   # (as _lazy makes it: a call less each)
                article = new(Article)
                values = article.__dict__
                values["_text"], values["_source"], values["digest"], values["draft"] = self, key, digests[i], drafts[i]
                values["date"], values["_shape"], values["_extra"], values["_body_file"] = \
                    dates[i], shapes[i], extras[i], name   # type: ignore[index]
                found.append((article, none))
            elif i is None and key not in special:
                found.append(None)
            else:
                found.append(self._hit(key, name, identity))

    def _dates(self) -> list[Any] | None:
        """The columns' dates read (each entry of a file without errors), once; None when the columns
        are not of their shape (then no article is taken from them without a look at its entry)."""
        if self._parsed is None:
            columns = self._columns
            digests = columns["digests"]
            if not (set(map(type, digests)) <= {str, type(None)} and set(map(type, columns["drafts"])) <= {bool}
                    and set(map(type, columns["extras"])) <= {bool}
                    and set(map(type, compress(columns["shapes"], digests))) <= {str}):
                self._parsed = False
                return None
            texts = columns["dates"]
            try:
                self._parsed = list(map(dt.date.fromisoformat, texts))
            except (TypeError, ValueError):   # (datetimes, or a file with errors: None)
                try:
                    self._parsed = [_date_from_text(text) if digest is not None else None
                                    for text, digest in zip(texts, digests, strict=True)]
                except (TypeError, ValueError):
                    self._parsed = False
        return self._parsed if isinstance(self._parsed, list) else None

    def put(self, path: Path, site: Path, article: Article | None, problems: list[Diagnostic]) -> None:
        key = _key(path, site)
        self._seen.add(key)
        self._changed = True
        self._drop(key)
        if self._made is not None:
            self._made.pop(key, None)
        if article is not None:
            self._read.add(article.digest)
        if self.images is not None and (key in self.images) != (article is not None and may_show_images(article)):
            self.images ^= {key}
            self._images_changed = True
        # the article itself, made a row only when the cache is written (see save): a row held from
        # reading to saving was about 850 bytes an article besides the article, 85 MB at 100,000
        self._over[key] = [
            self._identity(path), article,
            [[str(d.location.path), d.location.line, d.location.col, d.message, d.severity.value] for d in problems]]

    def learn_images(self, plain: Iterable[str]) -> None:
        """Know which files' bodies may show an image, from the files whose bodies are known to show
        none (``plain``, as the photos' records have them): every other file may."""
        self.images = set(self._live()).difference(plain)
        self._images_changed = True

    def forget_others(self) -> None:
        """Drop the entries of files not seen in this read (deleted or renamed)."""
        seen = self._seen
        gone = list(filterfalse(seen.__contains__, self._live()))
        for key in gone:
            self._drop(key)
            if self._made is not None:
                self._made.pop(key, None)
            self._over[key] = None
        self._changed |= bool(gone)
        if self.images is not None and not self.images.isdisjoint(gone):
            self.images.difference_update(gone)
            self._images_changed = True
        for digest in self.dropped - self._read:   # (what this session derived of contents gone)
            self.derived.pop(digest, None)

    def _drop(self, key: str) -> None:
        digest = _entry_digest(self._entry(key))
        if digest is not None:
            self.dropped.add(digest)

    def _row(self, key: str) -> list[Any] | None:
        """``[row, derived]`` of ``key`` as its bucket holds it; None when it does not (or its bucket is
        damaged: that article is read again from its file)."""
        if self._rows is None:
            return None
        try:
            found = self._rows.get(key)
        except cachefile.Damaged:   # (those articles are read again)
            return None
        return list(found) if type(found) in (tuple, list) and type(found[0]) is str else None

    def row_text(self, key: str) -> str:
        """The JSON text of the row of ``key``'s article (ValueError: the cache does not hold it)."""
        found = self._row(key)
        if found is None:
            raise ValueError(f"no cached row of {key}")
        return found[0]

    def derived_of(self, article: Article) -> list[Any] | None:
        """What the build derives of ``article``'s body (summary, reading minutes), as this build
        derived it or the cache keeps it with its row; None when neither has it."""
        digest = file_digest(article)
        found = self.derived.get(digest)
        if found is not None or not digest:
            return found
        key = source_path(article)
        entry = self._entry(key)
        if entry is None or len(entry) != 8 or not entry[6] or entry[1] != digest:   # (another file's, maybe)
            if self._by_digest is None:
                self._by_digest = {entry[1]: key for key in self._live() if (entry := self._entry(key)) is not None
                                   and len(entry) == 8 and entry[6] and type(entry[1]) is str}
            key = self._by_digest.get(digest)
            if key is None:
                return None
        kept = self._row(key)
        known = kept[1] if kept is not None else None
        return known if type(known) is list and len(known) == 2 else None

    def lacking_derived(self, digests: Sequence[str]) -> list[int]:
        """The positions of those of ``digests`` (articles' file digests) of which neither this build nor
        the cache has what the build derives of a body (column by column: what is derived of a body is
        the same for every file of its digest)."""
        index, over, flags, kept = self._index, self._over, self._columns["derived"], self._columns["digests"]
        usable = self._dates() is not None   # (columns not of their shape: nothing taken from them)
        known = set(compress(kept, flags)) if usable else set()
        replaced = {index[key] for key in over if key in index} if usable else set()
        stale = {kept[i] for i in replaced if flags[i]}   # (the columns' entries of files changed since)
        if stale:
            known -= stale
            known.update(kept[i] for i, digest in enumerate(kept) if digest in stale and flags[i] and i not in replaced)
        known.update(entry[1] for entry in over.values() if entry is not None and len(entry) == 8 and entry[6])
        known.update(self.derived)
        known.update(("", None))   # type: ignore[arg-type]  (no digest: nothing is kept of it)
        return list(compress(range(len(digests)), map(operator.not_, map(known.__contains__, digests))))

    def fresh(self) -> list[Article]:
        """The articles read from their files (not taken from the cache) since the cache was written."""
        return [entry[1] for entry in self._over.values() if entry is not None and len(entry) == 3
                and entry[1] is not None]

    def kept_derived(self) -> set[str]:
        """The file digests whose derived values the cache keeps (this build's not yet written included)."""
        found = set(self.derived)
        for key in self._live():
            entry = self._entry(key)
            if entry is not None and len(entry) == 8 and entry[6]:
                found.add(entry[1])
        return found

    def save(self, state: cachefile.State) -> None:
        """Put the cache into ``state``, when anything changed: the buckets of the rows changed (each
        written as it is made, then let go; a new table of rows when the site's size calls for other
        buckets) and the changes of the columns (the table's journal) while they are few, else the
        columns whole. A bucket of rows not as written leaves no article cache (the next build reads
        every file)."""
        self._state = state
        if self._images_changed or self.images is not None and not state.has("articles.images"):
            state.put("articles.images", sorted(self.images) if self.images is not None else None)
            self._images_changed = False
        new_derived = {d for d in self.derived if d not in self._saved_derived}
        if not self._changed and not new_derived:
            return
        changed = [key for key, entry in self._over.items() if entry is None or len(entry) == 3]
        new_derived -= {entry[1].digest for entry in self._over.values()
                        if entry is not None and len(entry) == 3 and entry[1] is not None}
        if new_derived:   # derived this build of articles the cache had (drafts published, rows damaged)
            over, flags = self._over, self._columns["derived"]
            changed += [key for key, digest, flag in zip(self._keys, self._columns["digests"], flags, strict=True)
                        if digest in new_derived and not flag and key not in over]
            changed += [key for key, entry in over.items() if entry is not None and len(entry) == 8
                        and entry[1] in new_derived and not entry[6]]
        live, rows, table = self._live(), self._rows, self._table
        whole = table is None or not self._keys or len(self._over) > max(
            table.JOURNAL_MIN, table.JOURNAL_SHARE * len(self._keys))
        old, count = rows.buckets if rows is not None else 0, _bucket_count(len(live))
        if old and (not whole or old // 2 <= count <= old * 2):
            count = old
        try:
            if count != old:   # every row into a table of other buckets (the old ones read first: written over)
                changed = list(dict.fromkeys(changed + live))
                for n in range(old):
                    assert rows is not None
                    rows.stored(n)
            new = rows if rows is not None and count == old else cachefile.Table(2, count)
            new.bind(state, "articles.rows")
            by_bucket: dict[int, list[str]] = {}
            for key in changed:
                by_bucket.setdefault(new.bucket(key), []).append(key)
            for n, keys in by_bucket.items():
                for key in keys:
                    row = self._stored_row(key)
                    if row is None:
                        new.pop(key, None)
                    else:
                        new[key] = row
                new.flush(n)   # (written now, and let go: the rows' journal stays empty)
            new.keep(state, "articles.rows")
        except cachefile.Damaged:   # (a bucket of rows not as written: no cache, every file read next time)
            for name in ("articles.journal", "articles.rows.journal"):
                state.put(name, None)
            self._table = self._rows = None
            return
        self._rows, self._by_digest = new, None
        if whole:   # (a new table, in the order the files were last listed when that lists each: see _changed)
            listed, table = self._listed, cachefile.Table(len(_COLUMNS), meta=_META)
            table.changed = {key: _row_of(entry) for key in (listed if set(listed) == set(live) else live)
                             if (entry := self._entry(key)) is not None and len(entry) == 8}
        else:   # (its journal; a session's table whose files another build replaced since is written whole)
            assert table is not None
            for key, entry in self._over.items():
                if entry is None:
                    table.pop(key, None)
                else:
                    table[key] = _row_of(entry)
        table.keep(state, "articles")
        if whole:
            self._use(table)
        self._changed = False
        self._saved_derived |= new_derived

    def _stored_row(self, key: str) -> list[Any] | None:
        """``[row, derived]`` of ``key`` as it is to be kept, its entry made a stored one; None: none kept."""
        entry = self._entry(key)
        if entry is None:
            return None
        if len(entry) == 3:
            made = _stored(entry)
            if made is None:   # (not cached: read again by every build)
                self._over[key] = None
                return None
            entry, text = made
            self._over[key] = entry
            if text is None:
                return None
            kept = [text, None]
        else:
            kept = self._row(key)
            if kept is None:   # (its row lost: read again)
                if entry[1] is not None:
                    self._over[key] = None
                return None
        derived = self.derived.get(entry[1]) if entry[1] is not None else None
        if derived is not None:
            kept[1] = derived
        elif not entry[6]:
            kept[1] = None
        if bool(entry[6]) != (kept[1] is not None):
            entry = list(entry)
            entry[6] = kept[1] is not None
            self._over[key] = entry
        return kept


def _entry_of(row: Sequence[Any]) -> list[Any]:
    """An entry (``[identity, digest, draft, date, shape, extra, derived, problems]``) of a row of the
    columns (see :data:`_COLUMNS`)."""
    return [None if row[0] is None else list(row[:4]), *row[4:10], row[10] or []]


def _row_of(entry: list[Any]) -> list[Any]:
    """The row of the columns of an entry (the reverse of :func:`_entry_of`)."""
    return [*(entry[0] or (None,) * 4), *entry[1:7], entry[7] or None]


def _changed(kept: list[Any], identities: Sequence[list[int] | None]) -> list[int] | None:
    """The positions where ``identities`` (one a file, in the columns' order) are not those ``kept`` (the
    four columns of them, runs of 64-bit numbers as the table reads them back); None when they cannot be
    compared so (then each is compared as a list). Each run is compared with the files' whole, then only
    the halves that differ: a rebuild that changed a few files costs a few comparisons of memory, not
    one a file (100,000 lists of four 19-digit numbers were two thirds of the time the columns took)."""
    if not all(type(column) is array for column in kept) or len(identities) != len(kept[0]) or None in identities:
        return None
    found: set[int] = set()
    for n, column in enumerate(kept):
        try:
            mine = array("q", map(operator.itemgetter(n), identities)).tobytes()
        except (OverflowError, TypeError, IndexError):
            return None
        theirs, size, spans = column.tobytes(), column.itemsize, [(0, len(column))]
        while spans:
            low, high = spans.pop()
            if mine[low * size:high * size] == theirs[low * size:high * size]:
                continue
            if high - low <= 8:
                found.update(i for i in range(low, high)
                             if mine[i * size:(i + 1) * size] != theirs[i * size:(i + 1) * size])
            else:
                middle = (low + high) // 2
                spans += [(middle, high), (low, middle)]
    return sorted(found)


#: the columns of the article cache, in the order of an entry's values (see :class:`ArticleCache`)
_COLUMNS = ("sizes", "mtimes", "ctimes", "inodes", "digests", "drafts", "dates", "shapes", "extras", "derived",
            "problems")
#: about how many rows a bucket of the article cache's rows holds, and at most how many buckets there are
_BUCKET_SIZE, _BUCKETS_MAX = 400, 256
_new_article = object.__new__


def _bucket_count(count: int) -> int:
    return max(1, min(_BUCKETS_MAX, count // _BUCKET_SIZE))


def _stored(entry: list[Any]) -> tuple[list[Any], str | None] | None:
    """An entry put by a read (``[identity, article, problems]``) as the cache keeps it, and the JSON
    text of its article's row; None when JSON would not give the article back as it is (the file is
    then read on every build)."""
    identity, article, problems = entry
    if article is None:
        return [identity, None, False, None, None, False, False, problems], None
    row = _article_to_row(article)
    if row is None:
        return None
    try:
        text = orjson.dumps(row, default=_tag, option=_ROW_OPTIONS).decode("utf-8")
    except TypeError:   # (orjson.JSONEncodeError)
        return None
    return [identity, row[_DIGEST], row[_DRAFT], row[_DATE], structure_shape(article), bool(article.extra), False,
            problems], text


#: how a row is encoded: what JSON cannot hold (dates, datetimes, subclasses of its types) given to ``_tag``,
#: as :mod:`newsgen.cachefile` encodes a section
_ROW_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_SUBCLASS
#: the layout of the article cache (see :class:`ArticleCache`); another is read as no cache
_LAYOUT = 3


def _decode(article: Article) -> None:
    """Decode the row of an article taken from the cache (see :func:`_lazy_article`). A row that does
    not read back, or not as the entry beside it has it, is not used: the article's file is read again."""
    values = article.__dict__
    text = values.pop("_text", None)
    if text is None:
        return
    try:
        if type(text) is not str:   # (the cache, which reads it from its bucket)
            text = text.row_text(values["_source"])
        made = _article_from_row(orjson.loads(text), values["_body_file"]).__dict__
        if (made["_source"], made["digest"], made["draft"], made["date"]) != \
                (values["_source"], values.get("_file_digest", values["digest"]), values["draft"], values["date"]):
            raise ValueError("a cached row that is not its entry's")
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):   # (orjson.JSONDecodeError: ValueError)
        made = _read_again(values["_body_file"], values["_source"])
        for name in ("date", "draft", "_shape", "_extra"):
            values.pop(name, None)
    for name, value in made.items():
        if name not in values:   # (a copy's digest stands for its photos too: see with_digest)
            values[name] = value


def _read_again(file: str, source: str) -> dict[str, Any]:
    """The fields of the article file ``file`` (``source`` under the site), read from the file."""
    where = Path(file)
    site = where.parents[len(Path(source).parts) - 1] if where.as_posix().endswith("/" + source) else None
    article, problems = load(where, site) if site is not None else (None, [])
    if article is None:
        raise NewsgenError(problems or Diagnostic(Location(Path(source)), "changed while the site was being built: "
                                                                           "build again"))
    made = dict(article.__dict__)
    made.pop("body", None)   # (read from the file when asked for, checked against its digest)
    made["_body_file"] = file
    return made


#: What the site's structure takes of an article after its file (``newsgen.site``'s structure row; one
#: list, so that the row and its digest, :func:`structure_shape`, cannot take different fields).
STRUCTURE_FIELDS = ("draft", "date", "slug", "regions", "topics", "tags")


def structure_shape(article: Article) -> str:
    """The digest of what the site's structure takes of an article (its file and
    :data:`STRUCTURE_FIELDS`: ``newsgen.site``'s structure row), kept with it (by the article cache too)."""
    values = article.__dict__
    shape = values.get("_shape")
    if shape is None:
        row = [source_path(article), *(getattr(article, name) for name in STRUCTURE_FIELDS)]
        shape = values["_shape"] = hashlib.sha256(orjson.dumps(row)).hexdigest()[:32]
    return shape


def structure_shapes(articles: Sequence[Article]) -> list[str]:
    """:func:`structure_shape` of each of ``articles``."""
    return _made(articles, "_shape", structure_shape)


def extra_flags(articles: Sequence[Article]) -> list[bool]:
    """Whether each of ``articles`` has front matter beyond the known keys (``extra``), known of an
    article taken from the cache without decoding its row."""
    found = _kept(articles, "_extra")
    if None in found:
        found = [bool(article.extra) if flag is None else flag for flag, article in zip(found, articles, strict=True)]
    return found


def _all_text(values: list[Any]) -> bool:
    return set(map(type, values)) <= {str}


def _json_faithful(value: Any) -> bool:
    """True when JSON (with the tags of :func:`_tag`) gives ``value`` back as it is: text keys only,
    and no mapping that would read back as a tagged value (``{"$date": "2025-08-06"}``)."""
    if isinstance(value, Mapping):
        if len(value) == 1 and next(iter(value)) in _TAGS:
            return False
        return all(isinstance(k, str) and _json_faithful(v) for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return all(_json_faithful(v) for v in value)
    return isinstance(value, str | int | float | bool | bytes | dt.date) or value is None


def _tag(value: Any) -> Any:
    """JSON for what YAML can hold and JSON cannot."""
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, bytes):
        return {"$bytes": value.hex()}
    if isinstance(value, set | frozenset):
        return {"$set": sorted(value, key=repr)}
    if isinstance(value, tuple):
        return list(value)
    raise TypeError(f"cannot cache a {type(value).__name__}")


#: the keys of the one-key mappings :func:`_tag` writes for what JSON cannot hold
_TAGS = frozenset({"$datetime", "$date", "$bytes", "$set"})


def _untag(value: Any) -> Any:
    if isinstance(value, dict):
        if len(value) == 1:
            (key, inner), = value.items()
            if key == "$datetime":
                return dt.datetime.fromisoformat(inner)
            if key == "$date":
                return dt.date.fromisoformat(inner)
            if key == "$bytes":
                return bytes.fromhex(inner)
            if key == "$set":
                return set(map(_untag, inner))
        return {k: _untag(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_untag(v) for v in value]
    return value


def _key(path: Path | str, site: Path) -> str:
    """``articles/2025/08/x.md``: a file's path under the site, by string (pathlib's is slow for 10,000 files)."""
    full, root = str(path), str(site)
    if root and full.startswith(root + os.sep):
        return full[len(root) + 1:].replace(os.sep, "/")
    return Path(path).relative_to(site).as_posix()


#: what a cache entry holds of an article, in this order: every field but its body
_ROW_FIELDS = tuple(f.name for f in dataclasses.fields(Article) if f.name != "body")
_ROW_FIELDS_JSON = list(_ROW_FIELDS)   # as the cache's header reads back
#: the meta of the article cache's columns: the rows' fields and the cache's layout (another: no cache)
_META = {"fields": _ROW_FIELDS_JSON, "layout": _LAYOUT}
_DIGEST, _DRAFT, _DATE = (_ROW_FIELDS.index(name) for name in ("digest", "draft", "date"))
_ROW_POSITIONS = {name: i for i, name in enumerate(_ROW_FIELDS)}
#: the fields only an article's row holds (see :func:`_lazy_article`)
_DECODED = frozenset(_ROW_FIELDS) - {"path"}
#: the keys of an article's ``__dict__`` a row's values go to (its path's text as ``_source``)
_ROW_KEYS = tuple("_source" if name == "path" else name for name in _ROW_FIELDS)

#: the Article fields whose cached JSON may be tagged (see _tag); the others are text, numbers, lists of text
_TAGGED_FIELDS = ("extra", "source")
#: the Article fields that hold a date or a datetime, cached as ISO text
_DATE_FIELDS = ("date", "updated")


def _article_to_row(article: Article) -> list[Any] | None:
    """Every field but the body (read from the file when needed: see :func:`stored_body`), in the
    order of ``_ROW_FIELDS``; None when JSON would not give the article back as it is."""
    if not (_json_faithful(article.extra) and _json_faithful(article.source)):
        return None
    row: list[Any] = []
    for name in _ROW_FIELDS:
        value = getattr(article, name)
        if name in _DATE_FIELDS:
            if not isinstance(value, dt.date) and not (value is None and name == "updated"):
                return None
            value = value.isoformat() if value is not None else None
        elif isinstance(value, Path):
            value = value.as_posix()
        elif isinstance(value, Mapping):
            value = dict(value)
        row.append(value)
    return row


#: the place, topic, tag and author names of the articles taken from the cache, each one string (JSON gives
#: a string of its own for each of its occurrences: about 600 bytes an article, 60 MB at 100,000)
_NAMES: dict[str, str] = {}


def _article_from_row(row: list[Any], body_file: str) -> Article:
    """The article of a cache entry, its body to be read from ``body_file`` when first asked for."""
    if not isinstance(row, list):
        raise TypeError(f"a cached article is a list, not {type(row).__name__}")
    # set the fields as the frozen dataclass's own __init__ would, without its per-field
    # object.__setattr__ calls (a third of reading 10,000 cached articles), then read back the
    # fields JSON holds in another form
    article = object.__new__(Article)
    values = article.__dict__
    values.update(zip(_ROW_KEYS, row, strict=True))   # another length: ValueError, read the file again
    if type(values["_source"]) is not str:   # (its Path is made on first use: see Article.__getattr__)
        raise TypeError(f"a cached path is text, not {type(values['_source']).__name__}")
    values["date"] = _date_from_text(values["date"])
    if values["updated"] is not None:
        values["updated"] = _date_from_text(values["updated"])
    for name in LIST_KEYS:   # (one string each name, as _share_names gives a fresh read's)
        values[name] = tuple([_NAMES.setdefault(x, x) if type(x) is str else x for x in values[name]])
    for name in _TAGGED_FIELDS:   # only these may hold what JSON cannot (YAML's dates, sets...)
        value = values[name]
        if value and isinstance(value, dict | list):
            values[name] = _untag(value)
    values["_body_file"] = body_file
    return article


def _problems_from_rows(rows: list[Any]) -> list[Diagnostic]:
    """The problems of a cache entry (see :meth:`ArticleCache.put`)."""
    return [Diagnostic(Location(Path(p[0]), p[1], p[2]), p[3], Severity(p[4])) for p in rows]


def _relative_path(text: str) -> Path:
    """The path a cache entry holds as text (``articles/2025/08/x.md``). (Made by parsing the text: a
    Path made of its parts, through CPython's private ``_from_parsed_parts``, was a fifth cheaper to
    decode and is not kept, as issue 21 asked: it holds newsgen to one Python's pathlib.)"""
    if not isinstance(text, str):
        raise TypeError(f"a cached path is text, not {type(text).__name__}")
    return Path(text)


def _date_from_text(text: str) -> dt.date | dt.datetime:
    """A date's or a datetime's ISO text read back (a date's is always ten characters long)."""
    return dt.date.fromisoformat(text) if len(text) == 10 else dt.datetime.fromisoformat(text)


def _entry_digest(entry: Any) -> str | None:
    """The digest of the article of a cache entry, None when it has none."""
    try:
        if len(entry) == 3:
            return entry[1].digest if entry[1] is not None else None
        return str(entry[1]) if entry[1] is not None else None
    except (IndexError, KeyError, TypeError):
        return None


def article_files(root: Path, site: Path, diagnostics: Diagnostics) -> list[Path]:
    """Every ``*.md`` under ``root``, sorted, skipping ``_``/``.`` folders and files (see :func:`site_files`)."""
    return site_files(root, site, diagnostics, suffix=".md", skip=("_", "."))


def site_files(root: Path, site: Path, diagnostics: Diagnostics, *, suffix: str = "",
               skip: tuple[str, ...] = (".",), allowed: tuple[Path, ...] = ()) -> list[Path]:
    """Every file under ``root`` ending in ``suffix``, sorted by path, names starting with ``skip`` left out.

    Symbolic links are followed while they stay inside ``site`` (or one of the ``allowed`` folders,
    such as the bundled theme); a link that leads outside (a shared folder must not publish whatever
    the builder can read) is an error naming the link and its target, and is not read. A link loop
    is walked once; a broken link is an error.
    """
    return [Path(name) for name in site_file_names(root, site, diagnostics, suffix=suffix, skip=skip,
                                                   allowed=allowed)]


def site_file_names(root: Path, site: Path, diagnostics: Diagnostics, *, suffix: str = "",
                    skip: tuple[str, ...] = (".",), allowed: tuple[Path, ...] = ()) -> list[str]:
    """:func:`site_files` as text (``str(root)`` joined with the names under it): what a caller that
    only stats them needs, without a :class:`Path` for each of 10,000 files (most of the walk)."""
    homes = [Path(os.path.realpath(site)), *(Path(os.path.realpath(a)) for a in allowed)]
    found: list[str] = []
    seen: set[str] = set()

    def shown(path: str | Path) -> Path:
        path = Path(path)
        return path.relative_to(site) if path.is_relative_to(site) else path

    def walk(directory: str, real: str) -> None:
        if real in seen:
            return
        seen.add(real)
        try:
            entries = sorted(os.scandir(directory), key=_entry_name)
        except OSError as exc:
            diagnostics.error(Location(shown(directory)), f"cannot read directory: {exc.strerror}")
            return
        for entry in entries:
            name = entry.name
            if name.startswith(skip):
                continue
            path = entry.path
            bad = unencodable_name(shown(path)) if not name.isprintable() else None   # surrogate escapes
            if bad is not None:
                diagnostics.items.append(bad)
                continue
            inside = None   # where it really is: f"{real}/{name}" while no link is followed
            if entry.is_symlink():
                target = Path(os.path.realpath(path))
                if not any(target.is_relative_to(home) for home in homes):
                    diagnostics.error(Location(shown(path)),
                                      f"symbolic link to {_printable(os.readlink(path))} leads outside the site "
                                      f"({_printable(str(target))}); "
                                      "copy the file into the site or remove the link")
                    continue
                if not target.exists():
                    if name.endswith(suffix):
                        diagnostics.error(Location(shown(path)),
                                          f"broken symbolic link to {_printable(os.readlink(path))}")
                    continue
                inside = str(target)
            if entry.is_dir():
                walk(path, inside if inside is not None else f"{real}{os.sep}{name}")
            elif name.endswith(suffix) and entry.is_file():
                found.append(path)
            elif name.endswith(suffix):   # a FIFO, socket or device: never opened (a FIFO would wait for good)
                try:
                    kind = kind_of(entry.stat().st_mode)
                except OSError as exc:
                    kind = f"unreadable ({exc.strerror})"
                diagnostics.error(Location(shown(path)), f"it is {kind}, not a file, and is not read; remove it "
                                                         "or replace it with a file")

    if not (root.is_symlink() or root.is_dir()):
        return found
    real_root = Path(os.path.realpath(root))
    if not any(real_root.is_relative_to(home) for home in homes):
        diagnostics.error(Location(shown(root)), f"{shown(root)} leads outside the site ({real_root}); "
                                                 "copy the folder into the site or remove the link")
        return found
    walk(str(root), str(real_root))
    return found


_entry_name = operator.attrgetter("name")


def not_utf8(name: str) -> bool:
    """Whether ``name`` (a file name or path as the OS gave it) holds bytes that are not UTF-8, which
    Python keeps as surrogate escapes: text that cannot be written out, hashed or printed as UTF-8."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _printable(path: str) -> str:
    """``path`` with the bytes that are not UTF-8 written as ``\\xff``: something that can be printed."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


# --------------------------------------------------------------------------- writing

class _Dumper(yaml.SafeDumper):
    """Block style for mappings, flow style for short lists of scalars (as in DESIGN.md)."""


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flow = all(isinstance(v, str | int | float) for v in data) and sum(len(str(v)) for v in data) < 60
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(tuple, _represent_list)
_Dumper.add_representer(str, _represent_str)


def dump_front_matter(meta: Mapping[str, Any]) -> str:
    """YAML for a front matter mapping: key order and Chinese characters kept as they are."""
    return yaml.dump(dict(meta), Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=False, width=10_000)


def dumps(meta: Mapping[str, Any], body: str) -> str:
    """The text of an article file."""
    body = body.strip("\n")
    return f"{FENCE}\n{dump_front_matter(meta)}{FENCE}\n\n{body}\n"
