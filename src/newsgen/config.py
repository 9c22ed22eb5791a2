"""``newsgen.yaml`` -> :class:`Config`.

Every key is optional and declared once, in the dataclasses below, with its type
and its documentation (as MkDocs' ``config_options`` does). An unknown key is an
error that names the key, its line, and the closest known key.
"""

from __future__ import annotations

import dataclasses
import difflib
import types
import zoneinfo
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, get_type_hints

import yaml

from newsgen.errors import Diagnostic, Location, NewsgenError, Severity

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
        return None if isinstance(value, str) else f"'{where}' must be text, got {_shown(value)}"
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
            msg = _check(k, kt, where) or _check(v, vt, f"{where}.{k}")
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


def base_url_problem(url: str) -> tuple[Severity, str] | None:
    """What is wrong with a ``base_url``: a host without a scheme is an error, a bare path a warning."""
    if "://" in url:
        scheme, rest = url.split("://", 1)
        if scheme.lower() not in ("http", "https") or not rest.split("/", 1)[0]:
            return Severity.ERROR, (f"base_url {url!r} must be an http(s) address with a host, "
                                    "e.g. https://example.org/")
        return None
    if url.startswith("/"):
        return Severity.WARNING, (f"base_url {url!r} has no scheme and host, so feeds, the sitemap and "
                                  "canonical links carry paths, not absolute URLs; set a full base_url "
                                  "(https://example.org/) before publishing")
    fixed = "https://" + url.lstrip(":/") + ("" if url.endswith("/") else "/")
    return Severity.ERROR, (f"base_url {url!r} has no scheme, so links would go to a path named after the "
                            f"host; write it as {fixed!r} (or a path starting with '/')")


def timezone_problem(name: str) -> str | None:
    """A message when ``name`` is no IANA time zone."""
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return f"unknown timezone {name!r}; use an IANA name such as Asia/Shanghai"
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
                msg = _check(v, vt, f"{where}.{k}")
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


def too_deep() -> str:
    """The message for YAML nested past :data:`MAX_YAML_DEPTH` (or libyaml's own limit)."""
    return f"lists or mappings nested deeper than {MAX_YAML_DEPTH} levels; flatten the value"


def yaml_shape_problem(root: yaml.Node | None) -> tuple[int, str] | None:
    """(0-based line, message) when the YAML composed as ``root`` nests deeper than
    :data:`MAX_YAML_DEPTH`, holds more than :data:`MAX_YAML_VALUES` values once its aliases are
    expanded, or holds itself (``&a [*a]``, which nothing could walk to its end); else None.

    Looks at each node once (aliases share nodes), without recursion, before anything is constructed.
    """
    if root is None:
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
    if "base_url" in data and isinstance(data["base_url"], str):
        found = base_url_problem(data["base_url"])
        if found and found[0] is Severity.ERROR:
            problems.append(Diagnostic(Location(path, lines.get("base_url")), found[1]))
    if "timezone" in data and isinstance(data["timezone"], str):
        message = timezone_problem(data["timezone"])
        if message:
            problems.append(Diagnostic(Location(path, lines.get("timezone")), message))
    if problems:
        raise NewsgenError(sorted(problems, key=lambda d: d.location.line or 0))
    return config


def load(site: Path) -> Config:
    """Read ``site/newsgen.yaml`` (all keys optional; a missing file means defaults)."""
    path = site / CONFIG_FILE
    if not path.is_file():
        return Config()
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise NewsgenError([Diagnostic(Location(Path(CONFIG_FILE), line),
                                       f"not UTF-8 text ({exc.reason} at byte {exc.start}); save the file as "
                                       "UTF-8")]) from None
    return loads(text, Path(CONFIG_FILE))
