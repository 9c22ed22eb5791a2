"""``newsgen check``: every problem ``build`` would stop on or warn about, and more, all at once.

1. ``validate()`` (the one validation step ``build`` uses): config, every article's schema, misspelt keys,
   links out of the site, URL clashes; drafts and future-dated articles are taken in, so their problems show;
2. what only ``check`` looks at: slugs used twice, places not in the gazetteer nor ``regions.aliases``,
   topics outside the taxonomy, internal links in bodies that point to no page; drafts and future-dated
   articles are listed (build leaves them out);
3. ``links``: a real build into a temporary folder, then every internal link, feed entry and sitemap
   entry of the output is followed (:mod:`newsgen.linkcheck`).

``fix`` first fills the derived fields an article lacks (slug, regions, topics, tags, summary) as import
derives them, rewriting the front matter only: every byte of the body stays as it was, and the lines
already in the front matter are kept, comments included. Nothing here prints.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import posixpath
import re
import tempfile
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

from newsgen import config as config_mod
from newsgen import content
from newsgen.commands.validate import Validated, validate
from newsgen.content import Article
from newsgen.errors import Diagnostic, Location, NewsgenError, Severity
from newsgen.render import static_dirs
from newsgen.site import article_url
from newsgen.text import summarize

#: Fields ``--fix`` fills when missing, in the order they are written.
DERIVED = ("slug", "regions", "topics", "tags", "summary")
#: Pages every build makes besides articles (list pages are checked exactly by ``--links``).
SECTION_PAGES = ("", "regions/", "topics/", "tags/", "archive/", "search/", "feed.xml", "sitemap.xml",
                 "robots.txt", "404.html")
SECTION_PREFIXES = ("regions/", "topics/", "tags/", "archive/", "page/", "static/", "pagefind/")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
FENCE = re.compile(r"^\s{0,3}(```|~~~)")
CODE_SPAN = re.compile(r"(`+).+?\1")
#: Each part stops at the next '[' (or '(' in the target), where the next link could start: otherwise
#: every '[' of a line of thousands ('[[[[', '[a](' repeated) scans to the line's end (minutes at 100 kB).
INLINE_LINK = re.compile(r"!?\[(?:[^\[\]\\]|\\.)*\]\(\s*<?([^()\s>]*)>?(?:\s+[\"'(][^)\[]*)?\)")
REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)")
HTML_LINK = re.compile(r"""(?:href|src)\s*=\s*["']([^"']+)["']""")


@dataclass(frozen=True)
class Note:
    """Not a problem, but worth knowing: an article ``build`` leaves out."""

    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.location}: note: {self.message}"


@dataclass
class FixedFile:
    path: Path              # relative to the site
    added: list[str]        # the keys written
    diff: str               # unified diff of the file (front matter only)


@dataclass
class CheckResult:
    diagnostics: list[Diagnostic]
    notes: list[Note] = field(default_factory=list)
    fixed: list[FixedFile] = field(default_factory=list)
    articles: int = 0
    links_checked: bool = False

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors


def check(site: Path, *, fix: bool = False, links: bool = False, today: dt.date | None = None) -> CheckResult:
    """Check ``site``; with ``fix`` fill missing derived fields first; with ``links`` also build and follow links."""
    fixed: list[FixedFile] = []
    if fix:
        fixed = fix_articles(site, validate(site, drafts=True, future=True, today=today))
    checked = validate(site, drafts=True, future=True, today=today)
    diagnostics = list(checked.diagnostics)
    day = today or dt.datetime.now(zoneinfo.ZoneInfo(checked.config.timezone)).date()
    lines = {a.path: FrontMatterLines.of(site / a.path) for a in checked.articles}
    diagnostics += _duplicates(checked.articles, lines)
    diagnostics += _places(checked, lines)
    diagnostics += _topics(checked, lines)
    diagnostics += _body_links(site, checked, {n.location.path for n in _left_out(checked, lines, day)})
    notes = _left_out(checked, lines, day)
    result = CheckResult(diagnostics=[], notes=notes, fixed=fixed, articles=len(checked.articles))
    if links and not any(d.severity is Severity.ERROR for d in diagnostics):
        diagnostics += _built_links(site, checked)
        result.links_checked = True
    result.diagnostics = sorted(dict.fromkeys(diagnostics), key=_order)
    return result


def _order(d: Diagnostic) -> tuple[str, int, int]:
    return str(d.location.path), d.location.line or 0, 0 if d.severity is Severity.ERROR else 1


# --------------------------------------------------------------------------- where things are in a file

@dataclass
class FrontMatterLines:
    """Lines (1-based, of the ``.md`` file) of each top-level key and of each item of a list value."""

    keys: dict[str, int] = field(default_factory=dict)
    items: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def of(cls, path: Path) -> FrontMatterLines:
        out = cls()
        try:
            parts = content.split_front_matter(path.read_text(encoding="utf-8"))
            node = yaml.compose(parts[0], Loader=yaml.SafeLoader) if parts else None
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            return out
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                name = str(key.value)
                out.keys[name] = key.start_mark.line + 2
                if isinstance(value, yaml.SequenceNode):
                    out.items[name] = [item.start_mark.line + 2 for item in value.value]
        return out

    def item(self, key: str, index: int) -> int | None:
        found = self.items.get(key, [])
        return found[index] if index < len(found) else self.keys.get(key)


# --------------------------------------------------------------------------- the checks only check makes

def _duplicates(articles: list[Article], lines: dict[Path, FrontMatterLines]) -> list[Diagnostic]:
    """Two articles with one URL (an error, as in build, drafts included) or one slug (a warning)."""
    out: list[Diagnostic] = []
    by_slug: dict[str, list[Article]] = defaultdict(list)
    for article in sorted(articles, key=lambda a: str(a.path)):
        by_slug[article.slug].append(article)
    for slug, same in by_slug.items():
        first_at: dict[str, Article] = {}
        for article in same:
            where = Location(article.path, lines[article.path].keys.get("slug", 1))
            url = article_url(article)
            other = first_at.setdefault(url, article)
            if other is not article:
                out.append(Diagnostic(where, f"same URL /{url} as {other.path}; give one of them another 'slug'"))
            elif article is not same[0]:
                out.append(Diagnostic(where, f"slug '{slug}' is also the slug of {same[0].path}; give each article "
                                             f"its own slug (e.g. '{slug}-2'), so that a change of date never "
                                             "makes their URLs clash", Severity.WARNING))
    return out


def _places(checked: Validated, lines: dict[Path, FrontMatterLines]) -> list[Diagnostic]:
    """Every region path must be a path of the gazetteer or of ``regions.aliases``, outermost first."""
    wanted = [(a, i, r) for a in checked.articles for i, r in enumerate(a.regions)]
    if not wanted:
        return []
    from newsgen.commands.new import place_candidates  # the gazetteer: loaded only when there are regions
    from newsgen.enrich.places import gazetteer, narrow, parse_alias, show

    aliases = checked.config.regions.aliases
    targets = [parse_alias(t) for t in aliases.values()]
    paths = gazetteer().paths
    out: list[Diagnostic] = []
    for article, index, region in wanted:
        path = parse_alias(region)
        if not path or path in paths.get(path[-1], ()) or any(t[: len(path)] == path for t in targets):
            continue
        where = Location(article.path, lines[article.path].item("regions", index))
        cands = narrow(place_candidates(path[-1], aliases), set(), checked.config.regions.province)
        if len(path) == 1 and len(cands) == 1:
            hint = f"write the full path '{show(cands[0])}'"
        elif cands:
            hint = "did you mean " + " or ".join(f"'{show(c)}'" for c in cands[:4]) + "?"
        else:
            hint = f"if it is right, add it to regions.aliases in newsgen.yaml ('{path[-1]}: {region}')"
        out.append(Diagnostic(where, f"region '{region}' is not a place of the gazetteer nor of regions.aliases; "
                                     f"{hint}"))
    return out


def _topics(checked: Validated, lines: dict[Path, FrontMatterLines]) -> list[Diagnostic]:
    taxonomy = checked.config.topic_keywords()
    out: list[Diagnostic] = []
    for article in checked.articles:
        for index, topic in enumerate(article.topics):
            if topic in taxonomy:
                continue
            close = difflib.get_close_matches(topic, list(taxonomy), n=1, cutoff=0.5)
            hint = f"did you mean '{close[0]}'? Or add" if close else "add"
            where = Location(article.path, lines[article.path].item("topics", index))
            out.append(Diagnostic(where, f"topic '{topic}' is not in the taxonomy; {hint} it under topics: in "
                                         "newsgen.yaml with its keywords", Severity.WARNING))
    return out


def _left_out(checked: Validated, lines: dict[Path, FrontMatterLines], today: dt.date) -> list[Note]:
    drafts = {a.path for a in checked.articles if a.draft}
    future = {a.path for a in checked.articles if a.day > today}
    out = []
    for article in sorted(checked.articles, key=lambda a: str(a.path)):
        at = lines[article.path].keys
        if article.path in drafts:
            out.append(Note(Location(article.path, at.get("draft")),
                            "draft: left out of build (set draft: false to publish; newsgen serve --drafts shows it)"))
        elif article.path in future:
            out.append(Note(Location(article.path, at.get("date")),
                            f"dated {article.day}, after today: left out of build until then "
                            "(newsgen build --future includes it)"))
    return out


def body_links(body: str) -> list[tuple[int, str]]:
    """(0-based line of the body, target) of every Markdown or HTML link and image outside code."""
    found: list[tuple[int, str]] = []
    fenced = False
    for number, line in enumerate(body.split("\n")):
        if FENCE.match(line):
            fenced = not fenced
            continue
        if fenced or line.startswith(("    ", "\t")):
            continue
        text = CODE_SPAN.sub("", line)
        targets = [m.group(1) for m in INLINE_LINK.finditer(text)] + [m.group(1) for m in HTML_LINK.finditer(text)]
        ref = REFERENCE.match(text)
        if ref:
            targets.append(ref.group(1))
        found += [(number, t) for t in targets if t]
    return found


def _body_links(site: Path, checked: Validated, left_out: set[Path]) -> list[Diagnostic]:
    """Internal links in article bodies must lead to a page the build makes (or a static file)."""
    base = checked.config.base_path
    published = {a.path for a in checked.articles} - left_out
    urls = {article_url(a).rstrip("/"): a for a in checked.articles}
    static = {f"static/{p.relative_to(d).as_posix()}" for d in static_dirs(site) for p in d.rglob("*") if p.is_file()}
    out: list[Diagnostic] = []
    for article in checked.articles:
        here = article_url(article)
        for offset, link in body_links(article.body):
            problem = _link_problem(link, here, base, urls, published, static, site, article)
            if problem is not None:
                severity, message = problem
                out.append(Diagnostic(Location(article.path, article.body_line + offset), message, severity))
    return out


def _link_problem(link: str, here: str, base: str, urls: dict[str, Article], published: set[Path],
                  static: set[str], site: Path, article: Article) -> tuple[Severity, str] | None:
    if link.startswith(("#", "//", "mailto:", "tel:")) or SCHEME.match(link):
        return None
    path = unquote(urlsplit(link).path)
    if not path:
        return None
    if path.endswith(".md"):   # the source file of an article: not published, link to its page
        source = (site / article.path).parent / path if not path.startswith("/") else site / path.lstrip("/")
        target = next((a for a in urls.values() if (site / a.path).resolve() == source.resolve()), None)
        hint = f"link to its page {base}{article_url(target)}" if target else "no such article file either"
        return Severity.ERROR, f"link '{link}' points to a Markdown file, which is not published; {hint}"
    if path.startswith("/"):
        if not path.startswith(base):
            return Severity.ERROR, (f"link '{link}' is outside the site's base path {base}; "
                                    f"write it as {base}{path.lstrip('/')}")
        rel = path[len(base):]
    else:
        rel = posixpath.normpath(posixpath.join(here, path))
        if rel == "." or rel.startswith(".."):
            rel = "" if rel == "." else rel
            if rel.startswith(".."):
                return Severity.ERROR, f"link '{link}' climbs out of the site"
    rel = rel.removesuffix("index.html")
    key = rel.rstrip("/")
    if key in urls:
        if urls[key].path not in published:
            return Severity.WARNING, (f"link '{link}' points to {urls[key].path}, a draft or future-dated article "
                                      "that build leaves out: the link is broken until it is published")
        return None
    if rel in SECTION_PAGES or f"{key}/" in SECTION_PAGES or rel in static or rel.startswith(SECTION_PREFIXES) \
            and not rel.startswith("static/"):
        return None
    slugs = {url.rsplit("/", 1)[-1]: url for url in sorted(urls)}
    close = difflib.get_close_matches(key.rsplit("/", 1)[-1], list(slugs), n=1, cutoff=0.75)
    hint = f"; did you mean {base}{slugs[close[0]]}/?" if close else f"; article pages are {base}YYYY/MM/<slug>/"
    return Severity.ERROR, f"link '{link}' points to no page of the site{hint}"


def _built_links(site: Path, checked: Validated) -> list[Diagnostic]:
    """Build into a temporary folder and follow every internal link, feed entry and sitemap entry."""
    from newsgen.commands.build import build
    from newsgen.linkcheck import check_links

    config = checked.config
    by_page = {f"{article_url(a)}index.html": a for a in checked.articles}
    out: list[Diagnostic] = []
    with tempfile.TemporaryDirectory(prefix="newsgen-check-") as tmp:
        try:
            build(site, Path(tmp) / "site", incremental=False)   # a throwaway output: no cache for it
        except NewsgenError as exc:
            return list(exc.diagnostics)
        for broken in check_links(Path(tmp) / "site", config.base_path, config.base_url):
            article = by_page.get(broken.page)
            if article is not None:
                line = next((article.body_line + i for i, t in body_links(article.body) if t == broken.link), None)
                where = Location(article.path, line)
            else:
                where = Location(Path(config.output_dir) / broken.page)
            out.append(Diagnostic(where, f"the built page {broken.page} links to {broken.link}, which is missing "
                                         f"({broken.reason})"))
    return out


# --------------------------------------------------------------------------- --fix

def fix_articles(site: Path, checked: Validated) -> list[FixedFile]:
    """Fill missing derived fields of every readable article; rewrite only its front matter."""
    try:
        config_mod.load(site)
    except NewsgenError:   # fixing with default aliases and topics would write wrong values: report only
        return []
    taken = {a.slug for a in checked.articles}
    todo: list[tuple[Article, list[str], str]] = []
    for article in checked.articles:
        text = (site / article.path).read_bytes().decode("utf-8")   # not read_text: it would turn \r\n into \n
        missing = _missing(text)
        if missing:
            todo.append((article, missing, text))
    fixed: list[FixedFile] = []
    for article, missing, text in todo:
        values = derive(article, missing, checked.config, taken)
        if not values:
            continue
        new_text = with_front_matter(text, values)
        if new_text is None or new_text == text:
            continue
        parsed, problems = content.loads(new_text, article.path)
        if parsed is None or any(p.severity is Severity.ERROR for p in problems):
            continue   # never write a file worse than it was
        _replace(site / article.path, new_text)
        diff = "".join(difflib.unified_diff(text.splitlines(keepends=True), new_text.splitlines(keepends=True),
                                            f"a/{article.path}", f"b/{article.path}"))
        fixed.append(FixedFile(article.path, list(values), diff))
    return fixed


def _missing(text: str) -> list[str]:
    """Derived keys absent from the front matter, or present with an empty value."""
    parts = content.split_front_matter(text)
    if parts is None:
        return []
    try:
        meta = yaml.safe_load(parts[0]) or {}
    except yaml.YAMLError:
        return []
    if not isinstance(meta, dict):
        return []
    return [k for k in DERIVED if meta.get(k) in (None, "", [])]


def derive(article: Article, missing: list[str], config: config_mod.Config, taken: set[str]) -> dict[str, Any]:
    """Values for the ``missing`` keys, derived as import derives them (jieba and the gazetteer, loaded here)."""
    values: dict[str, Any] = {}
    needs_nlp = any(k in missing for k in ("regions", "topics", "tags")) or (
        "slug" in missing and content.slug_problem(article.path.stem) is not None)
    found = None
    if needs_nlp:
        from newsgen.enrich import enrich

        found = enrich(article.title, article.kicker, article.subtitle, article.body, config, taken - {article.slug})
    for key in missing:
        if key == "slug":   # the file name is the slug now: keep the URL as it is when it is a good slug
            slug = article.path.stem if content.slug_problem(article.path.stem) is None else found.slug
            values["slug"] = slug
            taken.add(slug)
        elif key in ("regions", "topics", "tags") and found is not None and getattr(found, key):
            values[key] = list(getattr(found, key))
        elif key == "summary":
            summary = summarize(article.body)
            if summary:
                values["summary"] = summary
    return values


def with_front_matter(text: str, values: dict[str, Any]) -> str | None:
    """``text`` with ``values`` written into its front matter, every other line and the body untouched.

    A key present with an empty value (``tags: []``) has its line replaced; a missing key is added
    before ``source:`` (which import writes last), else at the end. ``None`` if the layout is unusual.
    """
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    lines = text[len(bom):].splitlines(keepends=True)
    if not lines or lines[0].rstrip() != content.FENCE:
        return None
    close = next((i for i in range(1, len(lines)) if lines[i].rstrip() in (content.FENCE, "...")), None)
    if close is None:
        return None
    newline = "\r\n" if lines[0].endswith("\r\n") else "\r" if lines[0].endswith("\r") else "\n"
    head, body = lines[1:close], lines[close:]
    try:
        node = yaml.compose("".join(head), Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    positions: dict[str, tuple[int, int]] = {}
    if isinstance(node, yaml.MappingNode):
        positions = {str(k.value): (k.start_mark.line, v.end_mark.line) for k, v in node.value}
    replace: dict[int, str] = {}
    add: list[str] = []
    for key, value in values.items():
        dumped = content.dump_front_matter({key: value}).replace("\n", newline)
        if key in positions:
            first, last = positions[key]
            if first != last:
                return None
            replace[first] = dumped
        else:
            add.append(dumped)
    out = [replace.get(i, line) for i, line in enumerate(head)]
    at = positions["source"][0] if "source" in positions else len(out)
    out[at:at] = add
    return bom + lines[0] + "".join(out) + "".join(body)


def _replace(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(text.encode("utf-8"))
        os.chmod(tmp, path.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise NewsgenError(f"cannot write: {exc.strerror or exc}", Location(path)) from None
