"""``newsgen.yaml`` -> :class:`Config`.

Every key is optional and declared once, in the dataclasses below, with its type
and its documentation (as MkDocs' ``config_options`` does). An unknown key is an
error that names the key, its line, and the closest known key.
"""

from __future__ import annotations

import dataclasses
import difflib
import types
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, get_type_hints

import yaml

from newsgen.errors import Diagnostic, Location, NewsgenError

CONFIG_FILE = "newsgen.yaml"


@dataclass(frozen=True)
class RegionsConfig:
    province: str | None = None
    """Prior for resolving bare county and town names, e.g. 江西省."""
    aliases: dict[str, str] = field(default_factory=dict)
    """Places no standard list has: name -> full path (江西省/宜春市/宜春经济技术开发区)."""


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
    per_page: int = 20
    """Articles per page on the home, region, topic and tag lists."""
    articles_dir: str = "articles"
    """Where article files live, relative to the site root."""
    output_dir: str = "build"
    """Where ``newsgen build`` writes, relative to the site root."""
    regions: RegionsConfig = field(default_factory=RegionsConfig)
    """Region resolution: province prior and aliases."""
    topics: dict[str, list[str]] = field(default_factory=dict)
    """Topic -> keywords. Empty means the bundled default taxonomy."""

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


def _check(value: Any, hint: Any, where: str) -> str | None:
    """A message if ``value`` does not fit type ``hint``, else None."""
    origin = getattr(hint, "__origin__", None)
    if isinstance(hint, types.UnionType):
        if value is None and type(None) in hint.__args__:
            return None
        hint = next(a for a in hint.__args__ if a is not type(None))
        origin = getattr(hint, "__origin__", None)
    if hint is str:
        return None if isinstance(value, str) else f"'{where}' must be text"
    if hint is int:
        ok = isinstance(value, int) and not isinstance(value, bool) and value > 0
        return None if ok else f"'{where}' must be a positive whole number"
    if origin is dict:
        if not isinstance(value, dict):
            return f"'{where}' must be a mapping"
        kt, vt = hint.__args__
        for k, v in value.items():
            msg = _check(k, kt, where) or _check(v, vt, f"{where}.{k}")
            if msg:
                return msg
        return None
    if origin is list:
        if not isinstance(value, list):
            return f"'{where}' must be a list"
        for v in value:
            msg = _check(v, hint.__args__[0], where)
            if msg:
                return msg
        return None
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
        msg = _check(value, hint_t, where)
        if msg:
            problems.append(Diagnostic(Location(path, lines.get(key)), msg))
        else:
            kwargs[key] = value
    return cls(**kwargs)


def loads(text: str, path: Path = Path(CONFIG_FILE)) -> Config:
    """Parse and validate configuration text. Raises :class:`NewsgenError` with every problem."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise NewsgenError([Diagnostic(Location(path, mark.line + 1 if mark else None),
                                       f"invalid YAML: {exc.problem or exc.context}")]) from None
    if data is None:
        return Config()
    if not isinstance(data, dict):
        raise NewsgenError([Diagnostic(Location(path, 1), "configuration must be a mapping of keys to values")])
    problems: list[Diagnostic] = []
    config = _build(Config, data, node, path, "", problems)
    if problems:
        raise NewsgenError(problems)
    return config


def load(site: Path) -> Config:
    """Read ``site/newsgen.yaml`` (all keys optional; a missing file means defaults)."""
    path = site / CONFIG_FILE
    if not path.is_file():
        return Config()
    return loads(path.read_text(encoding="utf-8"), Path(CONFIG_FILE))
