"""``newsgen.yaml`` -> :class:`Config`.

Every key is optional and declared once, in the dataclasses below, with its type
and its documentation (as MkDocs' ``config_options`` does). An unknown key is an
error that names the key, its line, and the closest known key.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import ipaddress
import os
import re
import types
import unicodedata
import urllib.parse
import zoneinfo
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, get_type_hints

import yaml

from newsgen.errors import Diagnostic, Location, NewsgenError, Severity
from newsgen.files import read_regular

try:  # the C loader: several times faster, and it composes deep nesting without Python's recursion
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

CONFIG_FILE = "newsgen.yaml"

#: How deep YAML (``newsgen.yaml``, front matter) may nest lists and mappings inside each other.
#: newsgen's own keys need 3 (``source: {blocks: [...]}``, ``regions: {aliases: {...}}``); libyaml stops
#: at 1,000 and Python's recursion (the cache's JSON, the templates) fails in the hundreds.
MAX_YAML_DEPTH = 50
#: How many values YAML may hold once its aliases (``*name``) are expanded. An alias bomb ("billion
#: laughs": nine lists of nine aliases to the list before) is a few hundred bytes that expand to a
#: billion values, and an article holding one stalled the build (the article cache, the templates
#: walk it all). 100,000 is a hundred times the largest front matter newsgen writes.
MAX_YAML_VALUES = 100_000
#: The words of the message libyaml gives at its own nesting limit (1,000), reported as ours.
LIBYAML_DEPTH = "maximum nesting depth"


@dataclass(frozen=True)
class RegionsConfig:
    province: str | None = None
    """Prior for resolving bare county and town names, e.g. 江西省."""
    aliases: dict[str, str] = field(default_factory=dict)
    """Places no standard list has: name -> full path (江西省/宜春市/宜春经济技术开发区)."""


@dataclass(frozen=True)
class MarkdownConfig:
    unsafe_html: bool = False
    """Pass raw HTML in article bodies through to the pages. Off by default (as in Hugo): raw HTML is
    escaped. Only for a newsroom that trusts everyone who writes articles. ``javascript:``,
    ``vbscript:`` and ``data:`` link targets are dropped whatever this says."""


#: The formats a photo's derivatives may be written in, as ``photos.formats`` names them.
PHOTO_FORMATS = ("avif", "webp", "jpeg")


@dataclass(frozen=True)
class PhotosConfig:
    widths: list[int] = field(default_factory=lambda: [480, 960, 1600])
    """Widths in pixels each photo is published at (never wider than the photo itself), 16 to 8000."""
    formats: list[str] = field(default_factory=lambda: list(PHOTO_FORMATS))
    """Formats of the derivatives, best first: any of avif, webp, jpeg; jpeg is always written (the fallback)."""
    jpeg_quality: int = field(default=82, metadata={"min": 1, "max": 95})
    """JPEG quality, 1 to 95."""
    webp_quality: int = field(default=80, metadata={"min": 1, "max": 100})
    """WebP quality, 1 to 100."""
    avif_quality: int = field(default=55, metadata={"min": 1, "max": 100})
    """AVIF quality, 1 to 100."""
    avif_speed: int = field(default=8, metadata={"min": 0, "max": 10})
    """AVIF encoder speed, 0 (slowest, smallest) to 10 (fastest)."""


@dataclass(frozen=True)
class Config:
    title: str = "newsgen 新闻档案"
    """Site title, shown in the header and feeds."""
    description: str = ""
    """One line about the site, for the home page and feeds."""
    base_url: str = "/"
    """Where the site is served. A sub-path (https://example.org/archive/) is honoured by every link."""
    language: str = "zh-CN"
    """The ``lang`` of every page."""
    timezone: str = "Asia/Shanghai"
    """Time zone for dates without one."""
    per_page: int = field(default=20, metadata={"min": 1, "max": 1000})
    """Articles per page on the home, region, topic and tag lists (1 to 1000)."""
    articles_dir: str = "articles"
    """Where article files live, relative to the site root."""
    output_dir: str = "build"
    """Where ``newsgen build`` writes, relative to the site root."""
    regions: RegionsConfig = field(default_factory=RegionsConfig)
    """Region resolution: province prior and aliases."""
    topics: dict[str, list[str]] = field(default_factory=dict)
    """Topic -> keywords. Empty means the bundled default taxonomy."""
    markdown: MarkdownConfig = field(default_factory=MarkdownConfig)
    """How article bodies are converted: ``unsafe_html``."""
    photos: PhotosConfig = field(default_factory=PhotosConfig)
    """How photos are published: ``widths``, ``formats``, the qualities and the AVIF encoder speed."""

    @property
    def base_path(self) -> str:
        """The path part of ``base_url``, always starting and ending with '/'."""
        url = self.base_url
        if "://" in url:
            url = url.split("://", 1)[1]
            url = url[url.find("/"):] if "/" in url else "/"
        url = "/" + url.strip("/") + "/"
        return "/" if url == "//" else url

    def topic_keywords(self) -> dict[str, list[str]]:
        """The site's taxonomy, or the bundled default when the site defines none."""
        return dict(self.topics) if self.topics else default_topics()


@cache
def default_topics() -> dict[str, list[str]]:
    """The bundled default taxonomy for Chinese regional news (``data/topics.yaml``)."""
    text = resources.files("newsgen").joinpath("data/topics.yaml").read_text(encoding="utf-8")
    return {str(k): [str(w) for w in v] for k, v in yaml.safe_load(text).items()}


#: Words a person may mean as yes or no, told apart from YAML's own true/false in the message.
_BOOL_WORDS = {"yes", "no", "on", "off", "y", "n", "true", "false", "1", "0"}


def _check(value: Any, hint: Any, where: str, meta: Mapping[str, Any] | None = None) -> str | None:
    """A message if ``value`` does not fit type ``hint`` (and the field's ``min``/``max``), else None.

    No silent coercion: a quoted ``"no"`` for a bool, text for a number and a lone text for a list
    are errors that say how to write the value.
    """
    meta = meta or {}
    origin = getattr(hint, "__origin__", None)
    if isinstance(hint, types.UnionType):
        if value is None and type(None) in hint.__args__:
            return None
        hint = next(a for a in hint.__args__ if a is not type(None))
        origin = getattr(hint, "__origin__", None)
    if hint is str:
        if not isinstance(value, str):
            return f"'{where}' must be text, got {_shown(value)}"
        return text_problem(value, where, key=bool(meta.get("key")))
    if hint is bool:
        if isinstance(value, bool):
            return None
        quoted = isinstance(value, str) and value.strip().lower() in _BOOL_WORDS
        tip = " (without quotes)" if quoted else ""
        return f"'{where}' must be true or false{tip}, got {_shown(value)}"
    if hint is int or hint is float:
        kinds = (int,) if hint is int else (int, float)
        if not isinstance(value, kinds) or isinstance(value, bool):
            noun = "a whole number" if hint is int else "a number"
            return f"'{where}' must be {noun}, got {_shown(value)}"
        low, high = meta.get("min"), meta.get("max")
        if low is not None and value < low or high is not None and value > high:
            span = f"from {low} to {high}" if high is not None else f"at least {low}"
            return f"'{where}' must be {span}, got {value}"
        return None
    if origin is dict:
        if not isinstance(value, dict):
            return f"'{where}' must be a mapping (key: value lines), got {_shown(value)}"
        kt, vt = hint.__args__
        for k, v in value.items():
            msg = _check(k, kt, where, {"key": True}) or _check(v, vt, f"{where}.{k}")
            if msg:
                return msg
        return None
    if origin is list:
        if not isinstance(value, list):
            tip = f"; write it as a list: [{value}]" if isinstance(value, str) else ""
            return f"'{where}' must be a list{tip}"
        for v in value:
            msg = _check(v, hint.__args__[0], where)
            if msg:
                return msg
        return None
    return None


def _shown(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return f"text {value!r}"
    return f"{type(value).__name__} {value!r}" if not isinstance(value, dict | list) else type(value).__name__


#: Control characters (C0 but tab and newline, DEL, C1): never valid in a page, a feed, a URL or a file name.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
#: Line breaks: a folded YAML block (``>``, ``|``) ends its text with one.
LINE_BREAK = re.compile("[\n\u2028\u2029]")
#: The one text value that may run over several lines: the others are names, addresses and paths.
MULTILINE_KEYS = frozenset({"description"})
#: Invisible characters (zero-width spaces and joiners, bidirectional marks, byte-order mark).
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def _char_name(char: str) -> str:
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X} {name}" if name else f"U+{ord(char):04X}"


def text_problem(value: str, where: str, *, key: bool = False) -> str | None:
    """A message when a text value (or a ``key``) of ``newsgen.yaml`` holds a character no page, feed,
    URL or file may.

    Control characters are errors everywhere; a line break too, except in ``description``: a title,
    an address or a name with one breaks the line it is written on (``robots.txt``, a header).
    """
    what = f"a key of '{where}' ({' '.join(value.split())!r})" if key else f"'{where}'"
    bad = CONTROL.search(value)
    if bad:
        return f"{what} has a control character ({_char_name(bad.group())}) in it; remove it"
    if (key or where not in MULTILINE_KEYS) and LINE_BREAK.search(value):
        fix = "" if key else f": {where.rsplit('.', 1)[-1]}: {' '.join(value.split())}"
        return (f"{what} has a line break in it (a YAML '>' or '|' block keeps one at its end); "
                f"write it on one line{fix}")
    return None


#: What an address may hold unencoded besides letters and digits (RFC 3986 unreserved, sub-delims, ':', '@').
_URL_PATH = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2}")
_LABEL = re.compile(r"(?!-)[A-Za-z0-9_-]{1,63}(?<!-)")


def _path_problem(url: str, path: str) -> str | None:
    """Why the path of a ``base_url`` cannot start every page's address, or None."""
    bad = next((c for c in _URL_PATH.sub("", path)), None)
    if bad is not None:
        if bad == "\\":
            return f"base_url {url!r} has a backslash '\\' in its path; write '/'"
        if ord(bad) > 127:
            encoded = urllib.parse.quote(path, safe="/%:@!$&'()*+,;=~")
            return (f"base_url {url!r} has {bad!r} in its path; URLs in feeds and sitemaps must be ASCII: "
                    f"write the path percent-encoded, {encoded!r}")
        return f"base_url {url!r} has {bad!r} in its path; write it percent-encoded, {urllib.parse.quote(bad)!r}"
    if any(part in (".", "..") for part in path.split("/")):
        return f"base_url {url!r} has a '.' or '..' segment in its path; write the path it leads to"
    return None


def _host_problem(url: str, netloc: str) -> str | None:
    """Why the host and port of a ``base_url`` are no address to publish, or None."""
    if "@" in netloc:
        return (f"base_url {url!r} has a user name or password ('...@'): it would be published in every "
                f"feed and sitemap; remove it")
    if netloc.startswith("["):
        inside, bracket, after = netloc[1:].partition("]")
        try:
            ipaddress.IPv6Address(inside)
        except ValueError:
            bracket = ""
        if not bracket or after[:1] not in ("", ":"):
            return (f"base_url {url!r}: [{inside}] is no IPv6 address; write it as "
                    "https://[2001:db8::1]/ or use a host name")
        host, port = None, after[1:]
    else:
        host, colon, port = netloc.rpartition(":") if ":" in netloc else (netloc, "", "")
        port = port if colon else ""
        if not host:
            return f"base_url {url!r} has no host; write it as https://example.org/"
    if port or netloc.endswith(":"):
        if not (port.isascii() and port.isdigit() and 1 <= int(port) <= 65535):
            return f"base_url {url!r}: port {port!r} must be a number from 1 to 65535 (or none)"
    if host is None:
        return None
    if not host.isascii():
        try:
            ascii_host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return f"base_url {url!r}: {host!r} is not a valid host name"
        fixed = url.replace(host, ascii_host, 1)
        return (f"base_url {url!r} has a host that is not ASCII; feeds and sitemaps need its ASCII (IDNA) "
                f"form: write {fixed!r}")
    labels = host.rstrip(".").split(".")
    if all(label.isdigit() for label in labels):
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            return f"base_url {url!r}: {host!r} is no IPv4 address"
        return None
    if len(host) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        return (f"base_url {url!r}: {host!r} is not a valid host name (letters, digits and '-', "
                "dot-separated parts of 1 to 63 characters)")
    return None


def base_url_problem(url: str) -> tuple[Severity, str] | None:
    """What is wrong with a ``base_url``: a host without a scheme, or anything that cannot start every
    address of the site (a line break, a space, a control character, a query or fragment, a user name,
    a malformed host or port, a non-ASCII host or path) is an error; a bare path a warning."""
    if not url:
        return Severity.ERROR, "base_url is empty; write the address the site will have, e.g. https://example.org/"
    bad = CONTROL.search(url) or LINE_BREAK.search(url)
    if bad:
        what = "a line break" if LINE_BREAK.match(bad.group()) else f"a control character ({_char_name(bad.group())})"
        return Severity.ERROR, (f"base_url {url!r} has {what} in it (a YAML '>' or '|' block keeps a line "
                                f"break at its end); write it on one line: base_url: {''.join(url.split())}")
    bad = re.search(r"\s", url) or INVISIBLE.search(url)
    if bad:
        what = "a space" if bad.group().isspace() else f"an invisible character ({_char_name(bad.group())})"
        return Severity.ERROR, (f"base_url {url!r} has {what} in it; remove it (write a space in a path as %20)")
    if "?" in url or "#" in url:
        return Severity.ERROR, (f"base_url {url!r} has a query ('?') or a fragment ('#'); every address of "
                                "the site is made by adding a path to base_url: remove them")
    scheme = re.match(r"(https?):(?!//)", url, re.IGNORECASE)
    if scheme:
        fixed = f"{scheme.group(1).lower()}://{url[scheme.end():].lstrip('/')}"
        return Severity.ERROR, f"base_url {url!r} lacks the '//' after the scheme; write it as {fixed!r}"
    if "://" in url:
        scheme_name, rest = url.split("://", 1)
        netloc, slash, path = rest.partition("/")
        if scheme_name.lower() not in ("http", "https") or not netloc:
            return Severity.ERROR, (f"base_url {url!r} must be an http(s) address with a host, "
                                    "e.g. https://example.org/")
        found = _host_problem(url, netloc) or _path_problem(url, slash + path)
        return None if found is None else (Severity.ERROR, found)
    if url.startswith("//"):
        return Severity.ERROR, (f"base_url {url!r} has no scheme; write it as "
                                f"{'https:' + url + ('' if url.endswith('/') else '/')!r}")
    if url.startswith("/"):
        found = _path_problem(url, url)
        if found:
            return Severity.ERROR, found
        return Severity.WARNING, (f"base_url {url!r} has no scheme and host, so feeds, the sitemap and "
                                  "canonical links carry paths, not absolute URLs; set a full base_url "
                                  "(https://example.org/) before publishing")
    fixed = "https://" + url.lstrip(":/") + ("" if url.endswith("/") else "/")
    return Severity.ERROR, (f"base_url {url!r} has no scheme, so links would go to a path named after the "
                            f"host; write it as {fixed!r} (or a path starting with '/')")


#: Files of the time-zone database that load but name no place's time: the machine's own zone (differs
#: from machine to machine), the default rules, the "Factory" placeholder, leap-second and POSIX copies.
_NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})


def _base_url_error(url: str) -> str | None:
    found = base_url_problem(url)
    return found[1] if found and found[0] is Severity.ERROR else None


def timezone_problem(name: str) -> str | None:
    """A message when ``name`` is no IANA time zone (``Asia/Shanghai``), with the closest one."""
    odd = name in _NOT_ZONES or name.startswith(("right/", "posix/"))
    try:
        if not odd and name.isprintable() and len(name) <= 100:
            zoneinfo.ZoneInfo(name)
            return None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        pass
    tip = "use an IANA name such as Asia/Shanghai"
    if re.fullmatch(r"(UTC|GMT)?\s*[+-]\d{1,2}(:?\d\d)?", name.strip(), re.IGNORECASE):
        tip = ("a UTC offset is no time zone: use a place's IANA name such as Asia/Shanghai (UTC+8); "
               "note that Etc/GMT-8 means UTC+8")
    elif name.isprintable() and len(name) <= 100:
        try:
            known = zoneinfo.available_timezones() - _NOT_ZONES
        except OSError:
            known = set()
        same = [z for z in known if z.lower() == name.strip().lower()]
        close = same or difflib.get_close_matches(name.strip(), sorted(known), n=1, cutoff=0.8)
        if close:
            tip = f"did you mean {close[0]!r}?"
    shown = repr(name) if len(name) <= 100 else repr(name[:100]) + "…"
    return f"unknown timezone {shown}; {tip}"


#: A well-formed BCP 47 language tag (RFC 5646, section 2.1), grandfathered tags aside.
_LANGUAGE_TAG = re.compile(
    r"(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4,8})"     # language (with extended language subtags)
    r"(?:-[a-z]{4})?"                                   # script
    r"(?:-(?:[a-z]{2}|\d{3}))?"                         # region
    r"(?:-(?:[a-z\d]{5,8}|\d[a-z\d]{3}))*"               # variants
    r"(?:-[a-wyz\d](?:-[a-z\d]{2,8})+)*"                 # extensions
    r"(?:-x(?:-[a-z\d]{1,8})+)?"                         # private use
    r"|x(?:-[a-z\d]{1,8})+", re.IGNORECASE)
def language_problem(tag: str) -> str | None:
    """A message when ``tag`` is no well-formed BCP 47 language tag (any length: the search index names
    no file after it, as Pagefind did)."""
    if not _LANGUAGE_TAG.fullmatch(tag):
        fixed = tag.strip().replace("_", "-")
        tip = f"write {fixed!r}" if fixed != tag and _LANGUAGE_TAG.fullmatch(fixed) else "e.g. zh-CN, zh-Hans or en"
        return f"language {tag!r} is not a BCP 47 language tag; {tip}"
    return None


def _build(cls: type, data: Mapping[str, Any], node: yaml.Node | None, path: Path, prefix: str,
           problems: list[Diagnostic]) -> Any:
    hints = get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls)]
    lines: dict[str, int] = {}
    children: dict[str, yaml.Node] = {}
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            lines[str(k.value)] = k.start_mark.line + 1
            children[str(k.value)] = v
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        where = f"{prefix}{key}"
        if key not in names:
            close = difflib.get_close_matches(str(key), names, n=1, cutoff=0.6)
            hint = f"; did you mean '{prefix}{close[0]}'?" if close else f"; known keys: {', '.join(names)}"
            problems.append(Diagnostic(Location(path, lines.get(str(key))),
                                       f"unknown configuration key '{where}'{hint}"))
            continue
        hint_t = hints[key]
        if dataclasses.is_dataclass(hint_t):
            if not isinstance(value, dict):
                problems.append(Diagnostic(Location(path, lines.get(key)), f"'{where}' must be a mapping"))
                continue
            kwargs[key] = _build(hint_t, value, children.get(key), path, where + ".", problems)
            continue
        fld = next(f for f in dataclasses.fields(cls) if f.name == key)
        found = _check(value, hint_t, where, fld.metadata)
        if found and isinstance(value, dict) and isinstance(children.get(key), yaml.MappingNode):
            # a mapping's bad entry is reported on the entry's own line
            sub = {str(k.value): k.start_mark.line + 1 for k, _ in children[key].value}
            _, vt = hint_t.__args__
            for k, v in value.items():
                msg = _check(k, str, where, {"key": True}) or _check(v, vt, f"{where}.{k}")
                if msg:
                    problems.append(Diagnostic(Location(path, sub.get(str(k), lines.get(key))), msg))
        elif found:
            problems.append(Diagnostic(Location(path, lines.get(key)), found))
        else:
            kwargs[key] = value
    return cls(**kwargs)


def duplicate_keys(root: yaml.Node | None) -> Iterator[tuple[str, int, int]]:
    """(key, first line, repeated line), 0-based, for every key given twice in any mapping.

    Each node is visited once: aliases share nodes, and an alias bomb must not be walked out.
    """
    stack, visited = [root], set()
    while stack:
        node = stack.pop()
        if node is None or id(node) in visited:
            continue
        visited.add(id(node))
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode):
                    line = k.start_mark.line
                    if k.value in seen:
                        yield k.value, seen[k.value], line
                    else:
                        seen[k.value] = line
                stack.append(v)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


#: What a plain scalar of :func:`plain_front_matter` may hold: YAML's printable characters but its line
#: breaks (``\x85``, ``\u2028``, ``\u2029``), the byte-order mark and tabs (and, at the start, no indicator).
_PLAIN_CHARS = re.compile("[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]+")
#: What a plain scalar may not hold anywhere: a comment's ``#``, a mapping's ``:`` before a space or the end;
#: in a flow sequence (``[a, b]``) also its indicators, and ``:`` anywhere.
_NOT_BLOCK_PLAIN = re.compile(r"#|: |:$|^[-?:,\[\]{}&*!|>'\"%@` ]| $")
_NOT_FLOW_PLAIN = re.compile(r"[#:,?\[\]{}]|^[-&*!|>'\"%@` ]| $")
_PLAIN_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):(?: (.*))?")
_PLAIN_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_STR_TAG = "tag:yaml.org,2002:str"
_RESOLVER = yaml.resolver.Resolver()


def plain_front_matter(text: str) -> tuple[dict[str, Any], dict[str, int]] | None:
    """The mapping YAML ``text`` holds and the 0-based line of each of its keys, read without PyYAML, for
    the front matter ``newsgen import`` writes: lines ``key: value``, where a value is a plain scalar, a
    flow sequence of plain scalars written ``[a, b, c]`` (or ``[]``), or nothing and under it lines
    ``  key: value`` (a mapping of the same values). A plain scalar is text (or a date ``YYYY-MM-DD``) by
    PyYAML's own implicit resolver, of the characters YAML reads as they are (:data:`_PLAIN_CHARS`),
    starting with no indicator and holding none of what ends a scalar there. None for anything else (a
    key given twice, a comment, a blank line, a quote, a number, a multi-line value...): PyYAML reads it.
    The result is what the safe loader makes, to the type (``tests/test_front_matter_plain.py`` compares the
    two on random front matter and on every article of the sample site)."""
    meta: dict[str, Any] = {}
    lines: dict[str, int] = {}
    nested: dict[str, Any] | None = None
    for number, line in enumerate(text.split("\n")):
        if line.startswith("  ") and nested is not None:
            found = _PLAIN_KEY.fullmatch(line, 2)
            if found is None or found[2] is None or found[1] in nested:
                return None
            key, value = found[1], _plain_value(found[2])
        else:
            if nested is not None and not nested:
                return None
            found = _PLAIN_KEY.fullmatch(line)
            if found is None or found[1] in meta:
                return None
            key, raw = found[1], found[2]
            nested = None
            value = None if raw is None else _plain_value(raw)
            if raw is None:
                value = nested = {}
            lines[key] = number
        if value is None or not _reads_as_text(key):
            return None
        (meta if nested is None or value is nested else nested)[key] = value
    if nested is not None and not nested or not meta:
        return None
    return meta, lines


def _plain_value(text: str) -> Any:
    """A value of :func:`plain_front_matter`: text, a date or a list of texts; None when not one of those."""
    if text.startswith("[") and text.endswith("]"):
        inner = text[1:-1]
        items = inner.split(", ") if inner else []
        return items if all(map(_plain_item, items)) else None
    if not text or _PLAIN_CHARS.fullmatch(text) is None or _NOT_BLOCK_PLAIN.search(text):
        return None
    if _reads_as_text(text):
        return text
    if _PLAIN_DATE.fullmatch(text):
        try:
            return dt.date(int(text[:4]), int(text[5:7]), int(text[8:]))
        except ValueError:
            return None
    return None


@lru_cache(maxsize=8192)
def _plain_item(text: str) -> bool:
    """Whether ``text``, an item of a flow sequence, is a plain scalar that reads as text (the same tags,
    places and authors come back in article after article: each is looked at once)."""
    return bool(text) and _PLAIN_CHARS.fullmatch(text) is not None and not _NOT_FLOW_PLAIN.search(text) \
        and _reads_as_text(text)


@lru_cache(maxsize=8192)
def _reads_as_text(text: str) -> bool:
    """Whether PyYAML's implicit resolver makes plain scalar ``text`` a string (not a number, a boolean,
    a null, a date...)."""
    return _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == _STR_TAG


def too_deep() -> str:
    """The message for YAML nested past :data:`MAX_YAML_DEPTH` (or libyaml's own limit)."""
    return f"lists or mappings nested deeper than {MAX_YAML_DEPTH} levels; flatten the value"


def _plain_tree(root: yaml.Node) -> bool:
    """Whether ``root`` is a tree (no node met twice: no alias) within :data:`MAX_YAML_DEPTH` levels and
    :data:`MAX_YAML_VALUES` values: it then has none of :func:`yaml_shape_problem`'s problems. One cheap
    walk that the usual front matter (a dozen keys, a few short lists) stops at; any other document
    gets the full walk, which says where its problem is."""
    seen: set[int] = set()
    stack = [(root, 1)]
    mapping, sequence = yaml.MappingNode, yaml.SequenceNode
    while stack:
        node, depth = stack.pop()
        if id(node) in seen or depth > MAX_YAML_DEPTH:
            return False
        seen.add(id(node))
        kind = type(node)
        if kind is mapping or kind is sequence or isinstance(node, mapping | sequence):
            below = depth + 1
            if isinstance(node, mapping):
                for key, value in node.value:
                    stack.append((key, below))
                    stack.append((value, below))
            else:
                stack.extend((item, below) for item in node.value)
    return len(seen) <= MAX_YAML_VALUES


def yaml_shape_problem(root: yaml.Node | None) -> tuple[int, str] | None:
    """(0-based line, message) when the YAML composed as ``root`` nests deeper than
    :data:`MAX_YAML_DEPTH`, holds more than :data:`MAX_YAML_VALUES` values once its aliases are
    expanded, or holds itself (``&a [*a]``, which nothing could walk to its end); else None.

    Looks at each node once (aliases share nodes), without recursion, before anything is constructed.
    """
    if root is None or _plain_tree(root):
        return None
    height: dict[int, int] = {}    # done nodes: the levels at and below them
    size: dict[int, int] = {}      # done nodes: the values at and below them, aliases expanded
    on_path: set[int] = set()

    def children(node: yaml.Node) -> list[yaml.Node]:
        if isinstance(node, yaml.MappingNode):
            return [part for pair in node.value for part in pair]
        return list(node.value) if isinstance(node, yaml.SequenceNode) else []

    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            kids = children(node)
            height[key] = 1 + max((height[id(k)] for k in kids), default=0)
            size[key] = 1 + sum(size[id(k)] for k in kids)
            on_path.discard(key)
            continue
        if key in height:
            continue
        if key in on_path:
            return node.start_mark.line, ("a value that contains itself through an alias (*name) to it; "
                                          "write the value out instead")
        on_path.add(key)
        stack.append((node, True))
        if len(on_path) > MAX_YAML_DEPTH:
            return node.start_mark.line, too_deep()
        stack.extend((kid, False) for kid in children(node))
    if height[id(root)] > MAX_YAML_DEPTH:   # deep through a shared value (an alias inside a deep list)
        node = root
        for _ in range(MAX_YAML_DEPTH):
            node = max(children(node), key=lambda k: height[id(k)])
        return node.start_mark.line, too_deep()
    if size[id(root)] > MAX_YAML_VALUES:
        node = root
        while True:   # down to the innermost value that is too big by itself
            bigger = next((k for k in children(node) if size[id(k)] > MAX_YAML_VALUES), None)
            if bigger is None:
                break
            node = bigger
        return node.start_mark.line, (f"more than {MAX_YAML_VALUES:,} values (an alias, *name, counts as all the "
                                      "values it stands for); hold fewer values, or use fewer aliases")
    return None


def tab_indented(text: str) -> int | None:
    """0-based line of the first line of YAML ``text`` indented with a tab (YAML indents with spaces)."""
    for i, line in enumerate(text.splitlines()):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent and line.strip():
            return i
    return None


def _duplicates(node: yaml.Node | None) -> list[tuple[str, int, int]]:
    """(key, first line, repeated line), 1-based, for every key given twice in any mapping."""
    return [(key, first + 1, again + 1) for key, first, again in duplicate_keys(node)]


def _compose(text: str) -> yaml.Node | None:
    """The node tree of YAML ``text``, composed by the pure-Python loader (whose messages newsgen's
    reports quote), or, for nesting deeper than its recursion goes, by the C loader, which tells where."""
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except RecursionError:
        return yaml.compose(text, Loader=_Loader)


def loads(text: str, path: Path = Path(CONFIG_FILE)) -> Config:
    """Parse and validate configuration text. Raises :class:`NewsgenError` with every problem."""
    tab = tab_indented(text)
    if tab is not None:
        raise NewsgenError([Diagnostic(Location(path, tab + 1), "tab character in the indentation: YAML "
                                                                "indents with spaces only; replace the tab")])
    try:
        node = _compose(text)
        shape = yaml_shape_problem(node)
        if shape is not None:
            raise NewsgenError([Diagnostic(Location(path, shape[0] + 1), f"the configuration has {shape[1]}")])
        dupes = _duplicates(node)
        if dupes:
            raise NewsgenError([Diagnostic(Location(path, again), f"key '{key}' given twice, on lines {first} "
                                                                  f"and {again}; keep one of them")
                                for key, first, again in dupes])
        data = yaml.safe_load(text) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = (f"the configuration has {too_deep()}" if LIBYAML_DEPTH in (exc.problem or "")
                   else f"invalid YAML: {exc.problem or exc.context}")
        raise NewsgenError([Diagnostic(Location(path, mark.line + 1 if mark else None), problem)]) from None
    except (yaml.YAMLError, ValueError) as exc:   # a character YAML refuses; a date that does not exist
        raise NewsgenError([Diagnostic(Location(path), f"invalid YAML: {exc}")]) from None
    except RecursionError:   # only without the C loader: no line to give
        raise NewsgenError([Diagnostic(Location(path), f"the configuration has {too_deep()}")]) from None
    if data is None:
        return Config()
    if not isinstance(data, dict):
        raise NewsgenError([Diagnostic(Location(path, 1), "configuration must be a mapping of keys to values")])
    problems: list[Diagnostic] = []
    config = _build(Config, data, node, path, "", problems)
    lines = {str(k.value): k.start_mark.line + 1 for k, _ in node.value} if isinstance(node, yaml.MappingNode) else {}
    for key, check in (("base_url", _base_url_error), ("timezone", timezone_problem),
                       ("language", language_problem)):
        # a value already refused (a control character, a line break) is not checked again
        if isinstance(data.get(key), str) and not any(d.location.line == lines.get(key) for d in problems):
            message = check(data[key])
            if message:
                problems.append(Diagnostic(Location(path, lines.get(key)), message))
    photos = data.get("photos")
    if isinstance(photos, dict) and not problems:
        photos_lines: dict[str, int] = {}
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if k.value == "photos" and isinstance(v, yaml.MappingNode):
                    photos_lines = {str(pk.value): pk.start_mark.line + 1 for pk, _ in v.value}
        for key, message in _photos_problems(config.photos):
            problems.append(Diagnostic(Location(path, photos_lines.get(key, lines.get("photos"))), message))
    if problems:
        raise NewsgenError(sorted(problems, key=lambda d: d.location.line or 0))
    return config


def _photos_problems(photos: PhotosConfig) -> list[tuple[str, str]]:
    """(key, message) for each value of ``photos`` the types alone do not rule out."""
    found = []
    if not photos.widths:
        found.append(("widths", "'photos.widths' must list at least one width, e.g. [480, 960, 1600]"))
    elif any(not 16 <= w <= 8000 for w in photos.widths):
        bad = next(w for w in photos.widths if not 16 <= w <= 8000)
        found.append(("widths", f"'photos.widths' has {bad}; each width must be from 16 to 8000 pixels"))
    elif len(set(photos.widths)) != len(photos.widths):
        found.append(("widths", "'photos.widths' lists a width twice; list each once"))
    unknown = [f for f in photos.formats if f not in PHOTO_FORMATS]
    if unknown:
        found.append(("formats", f"'photos.formats' has {unknown[0]!r}, which newsgen cannot write; "
                                 f"use any of {', '.join(PHOTO_FORMATS)}"))
    elif len(set(photos.formats)) != len(photos.formats):
        found.append(("formats", "'photos.formats' lists a format twice; list each once"))
    return found


def load(site: Path) -> Config:
    """Read ``site/newsgen.yaml`` (all keys optional; a missing file means defaults)."""
    path = site / CONFIG_FILE
    if not os.path.lexists(path):
        return Config()
    data = read_regular(path, CONFIG_FILE, Path(CONFIG_FILE))   # a FIFO or a device must not stall every command
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise NewsgenError([Diagnostic(Location(Path(CONFIG_FILE), line),
                                       f"not UTF-8 text ({exc.reason} at byte {exc.start}); save the file as "
                                       "UTF-8")]) from None
    return loads(text, Path(CONFIG_FILE))
