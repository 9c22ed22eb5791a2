"""The article file: YAML front matter + Markdown body.

``loads``/``dumps`` read and write one file (named after the ``json`` module, as
python-frontmatter does); ``load_articles`` reads a whole ``articles/`` tree and
reports *every* problem of every file at once, each as ``path:line: message``
where ``line`` is a line of the ``.md`` file itself.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from newsgen.errors import Diagnostic, Diagnostics, Location, Severity

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
    digest: str = ""                # sha256 of the file's bytes (for caches)

    @property
    def day(self) -> dt.date:
        """The publication date as a plain date."""
        return self.date.date() if isinstance(self.date, dt.datetime) else self.date


# --------------------------------------------------------------------------- reading

def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """Split ``---\\nYAML\\n---\\nbody`` into (yaml, body, first body line). ``None`` if no fence."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != FENCE:
        return None
    for i in range(1, len(lines)):
        if lines[i].rstrip() in (FENCE, "..."):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1:]), i + 2
    return None


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


def loads(text: str, path: Path) -> tuple[Article | None, list[Diagnostic]]:
    """Parse one article file. Returns the article (or ``None``) and every problem found."""
    problems: list[Diagnostic] = []

    def err(line: int | None, message: str) -> None:
        problems.append(Diagnostic(Location(path, line), message))

    def warn(line: int | None, message: str) -> None:
        problems.append(Diagnostic(Location(path, line), message, Severity.WARNING))

    parts = split_front_matter(text)
    if parts is None:
        err(1, "no front matter: the file must start with a '---' line, then YAML, then a closing '---' line")
        return None, problems
    raw, body, body_line = parts
    loader = _Loader(raw)
    try:
        node = loader.get_single_node()
        meta = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        line, what = _yaml_error(exc, offset=2)  # +1 for 1-based lines, +1 for the opening fence
        err(line, f"invalid YAML in front matter: {what}")
        return None, problems
    except yaml.YAMLError as exc:
        err(2, f"invalid YAML in front matter: {exc}")
        return None, problems
    finally:
        loader.dispose()
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        err(2, "front matter must be a mapping of keys to values (key: value)")
        return None, problems
    lines = {k: v + 2 for k, v in _key_lines(node).items()}
    first = 2

    for key in REQUIRED_KEYS:
        if key not in meta:
            err(first, f"missing required key '{key}'")
    for key in meta:
        if not isinstance(key, str):
            err(first, f"front-matter keys must be text, not {key!r}")
            continue
        if key not in KNOWN_KEYS:
            close = difflib.get_close_matches(key, KNOWN_KEYS, n=1, cutoff=0.75)
            if close:
                warn(lines.get(key), f"unknown key '{key}': did you mean '{close[0]}'?")
    for key in TEXT_KEYS:
        value = meta.get(key)
        if value is not None and not isinstance(value, str | int | float) or isinstance(value, bool):
            err(lines.get(key), f"'{key}' must be text, got {type(value).__name__}")
    if "title" in meta and not str(meta.get("title") or "").strip():
        err(lines.get("title"), "'title' must not be empty")
    for key in ("date", "updated"):
        if key in meta and not _is_date(meta[key]):
            err(lines.get(key), f"'{key}' must be an ISO date such as 2025-08-06 "
                                f"(or a datetime with timezone), got {meta[key]!r}")
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
    if "draft" in meta and not isinstance(meta["draft"], bool):
        err(lines.get("draft"), f"'draft' must be true or false, got {meta['draft']!r}")
    if "source" in meta and meta["source"] is not None and not isinstance(meta["source"], dict):
        err(lines.get("source"), "'source' must be a mapping (bulletin, sha256, blocks)")
    slug = meta.get("slug")
    if isinstance(slug, str) and (not slug.strip() or "/" in slug or slug.strip() in (".", "..")):
        err(lines.get("slug"), f"'slug' must be a single URL segment, got {slug!r}")

    if any(p.severity is Severity.ERROR for p in problems):
        return None, problems
    article = Article(
        path=path,
        title=str(meta["title"]).strip(),
        date=meta["date"],
        slug=str(slug).strip() if slug else path.stem,
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
        digest=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )
    return article, problems


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def load(path: Path, root: Path | None = None) -> tuple[Article | None, list[Diagnostic]]:
    """Read one article file; ``root`` makes the reported path relative to the site."""
    shown = path.relative_to(root) if root is not None else path
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [Diagnostic(Location(shown), f"not UTF-8 text ({exc.reason}); save the file as UTF-8")]
    except OSError as exc:
        return None, [Diagnostic(Location(shown), f"cannot read file: {exc.strerror}")]
    return loads(text, shown)


def load_articles(site: Path, articles_dir: str = "articles") -> tuple[list[Article], Diagnostics]:
    """Read every ``*.md`` under ``site/articles``, collecting all problems of all files."""
    diagnostics = Diagnostics()
    articles: list[Article] = []
    root = site / articles_dir
    if not root.is_dir():
        diagnostics.error(Location(Path(articles_dir)),
                          "no articles directory; create it or run 'newsgen import BULLETIN'")
        return articles, diagnostics
    for path in sorted(root.rglob("*.md")):
        if any(part.startswith((".", "_")) for part in path.relative_to(root).parts):
            continue
        article, problems = load(path, site)
        diagnostics.extend(problems)
        if article is not None:
            articles.append(article)
    return articles, diagnostics


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
