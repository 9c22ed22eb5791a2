"""``newsgen check``: every problem ``build`` would stop on or warn about, and more, all at once.

1. ``validate()`` (the one validation step ``build`` uses): config, every article's schema, misspelt keys,
   links out of the site, URL clashes; drafts and future-dated articles are taken in, so their problems show;
2. what only ``check`` looks at: slugs used twice, places not in the gazetteer nor ``regions.aliases``,
   topics outside the taxonomy, internal links in bodies that point to no page; drafts and future-dated
   articles are listed (build leaves them out);
3. what ``build`` would stop on after validation, found without writing (:func:`dry_build`): the
   output folder it would replace, two files at one output path, the templates (compiled, their
   references found, the first and last page of each rendered in memory);
4. ``links``: a real build into a temporary folder, then every internal link, feed entry and sitemap
   entry of the output is followed (:mod:`newsgen.linkcheck`).

A file with errors still has its places and topics looked up, as far as its YAML reads: every problem
of a file shows in one run.

``fix`` first fills the derived fields an article lacks (slug, regions, topics, tags, summary) as import
derives them, rewriting the front matter only: every byte of the body stays as it was, and the lines
already in the front matter are kept, comments included. Every rewrite is planned and its target
checked before any is written; links are fixed through, read-only files left alone (see
:func:`fix_articles`). Nothing here prints.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import os
import posixpath
import re
import tempfile
import zoneinfo
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

from newsgen import config as config_mod
from newsgen import content
from newsgen.commands.validate import Validated, validate
from newsgen.content import Article
from newsgen.errors import Diagnostic, Diagnostics, Location, NewsgenError, Severity
from newsgen.render import THEME_DIR, static_dirs
from newsgen.render.env import render_problem, shown_template
from newsgen.render.photos import WAITING, check_photos, find_images, is_photo, is_svg
from newsgen.site import article_url
from newsgen.text import summarize

#: Fields ``--fix`` fills when missing, in the order they are written.
DERIVED = ("slug", "regions", "topics", "tags", "summary")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
FENCE = re.compile(r"^\s{0,3}(```|~~~)")
CODE_SPAN = re.compile(r"(`+).+?\1")
#: Each part stops at the next '[' (or '(' in the target), where the next link could start: otherwise
#: every '[' of a line of thousands ('[[[[', '[a](' repeated) scans to the line's end (minutes at 100 kB).
INLINE_LINK = re.compile(r"!?\[(?:[^\[\]\\]|\\.)*\]\(\s*<?([^()\s>]*)>?(?:\s+[\"'(][^)\[]*)?\)")
REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)")
HTML_LINK = re.compile(r"""(?:href|src)\s*=\s*["']([^"']+)["']""")
#: libyaml's composer where it is built in (the lines of every key of 10,000 files: 1 s, not 8)
_COMPOSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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


@functools.cache
def _sections() -> tuple[frozenset[str], tuple[str, ...]]:
    """The pages every build makes besides articles, and the folders of the pages it makes (list pages
    are checked exactly by ``--links``): from the registered kinds of page
    (:data:`newsgen.render.pages.KINDS`), and ``static/``."""
    from newsgen.render.pages import KINDS

    return (frozenset(page for kind in KINDS for page in kind.pages),
            (*(folder for kind in KINDS for folder in kind.folders), "static/"))

def check(site: Path, *, fix: bool = False, links: bool = False, today: dt.date | None = None) -> CheckResult:
    """Check ``site``; with ``fix`` fill missing derived fields first; with ``links`` also build and follow links."""
    fixed: list[FixedFile] = []
    fixing: list[Diagnostic] = []
    if fix:
        from newsgen.commands.writes import site_lock

        with site_lock(site):   # one writer of articles at a time: an import or new running is not raced
            fixed, fixing = fix_articles(site, validate(site, drafts=True, future=True, today=today,
                                                        publishing=False))
    try:
        return _report(site, fixed, fixing, links, today)
    except (NewsgenError, OSError) as exc:
        if not fixed:
            raise
        # files were rewritten: say so (the diffs are shown), never that nothing was changed
        problems = exc.diagnostics if isinstance(exc, NewsgenError) else [
            Diagnostic(Location(Path(exc.filename or site)), f"check stopped: {exc.strerror or exc}")]
        return CheckResult(diagnostics=[*fixing, *problems], fixed=fixed)


def _report(site: Path, fixed: list[FixedFile], fixing: list[Diagnostic], links: bool,
            today: dt.date | None) -> CheckResult:
    """Everything of :func:`check` but the fixing."""
    checked = validate(site, drafts=True, future=True, today=today, publishing=False)
    diagnostics = list(checked.diagnostics) + fixing
    day = today or dt.datetime.now(zoneinfo.ZoneInfo(checked.config.timezone)).date()
    lines = {a.path: FrontMatterLines.of(site / a.path) for a in checked.articles}
    broken = _unread(site, checked, lines)
    named = [(a.path, {"regions": a.regions, "topics": a.topics}) for a in checked.articles] + \
            [(path, lines[path].values) for path in broken]
    diagnostics += _duplicates(checked.articles, lines)
    diagnostics += _places(checked, named, lines)
    diagnostics += _topics(checked, named, lines)
    diagnostics += _body_links(site, checked, {n.location.path for n in _left_out(checked, lines, day)})
    diagnostics += check_photos(site, checked.articles)
    notes = _left_out(checked, lines, day)
    diagnostics += dry_build(site, checked)
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
    values: dict[str, tuple[str, ...]] = field(default_factory=dict)   # the text items of each list key

    @classmethod
    def of(cls, path: Path) -> FrontMatterLines:
        out = cls()
        try:
            parts = content.split_front_matter(path.read_text(encoding="utf-8"))
            node = yaml.compose(parts[0], Loader=_COMPOSER) if parts else None
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            return out
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                name = str(key.value)
                out.keys[name] = key.start_mark.line + 2
                if isinstance(value, yaml.SequenceNode):
                    out.items[name] = [item.start_mark.line + 2 for item in value.value]
                    if name in content.LIST_KEYS and all(isinstance(v, yaml.ScalarNode) for v in value.value):
                        out.values[name] = tuple(str(v.value).strip().strip("/") for v in value.value)
                elif name in content.LIST_KEYS and isinstance(value, yaml.ScalarNode) and value.value:
                    out.values[name] = (str(value.value).strip().strip("/"),)
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


def _unread(site: Path, checked: Validated, lines: dict[Path, FrontMatterLines]) -> list[Path]:
    """The article files read with errors (so not in ``checked.articles``); their lines (and the places
    and topics they name, for the checks below, as far as their YAML reads) are added to ``lines``."""
    root = site / checked.config.articles_dir
    files = content.article_files(root, site, Diagnostics()) if root.is_dir() else []
    broken = [f.relative_to(site) for f in files if f.relative_to(site) not in lines]
    for path in broken:
        lines[path] = FrontMatterLines.of(site / path)
    return broken


#: (article file, its list keys: "regions" and "topics" -> names)
Named = list[tuple[Path, Mapping[str, tuple[str, ...]]]]


def _places(checked: Validated, named: Named, lines: dict[Path, FrontMatterLines]) -> list[Diagnostic]:
    """Every region path must be a path of the gazetteer or of ``regions.aliases``, outermost first.
    ``named`` holds every article file, including those with errors: all their problems show at once."""
    wanted = [(path, i, r) for path, names in named for i, r in enumerate(names.get("regions", ()))
              if r and all(part.strip() for part in r.split("/"))   # an empty part is an error of its own,
              and r.count("/") < content.MAX_REGION_LEVELS]          # and so is a path too deep
    if not wanted:
        return []
    from newsgen.commands.new import place_candidates  # the gazetteer: loaded only when there are regions
    from newsgen.enrich.places import gazetteer, narrow, parse_alias, show

    aliases = checked.config.regions.aliases
    targets = [parse_alias(t) for t in aliases.values()]
    paths = gazetteer().paths
    out: list[Diagnostic] = []
    for file, index, region in wanted:
        path = parse_alias(region)
        if not path or path in paths.get(path[-1], ()) or any(t[: len(path)] == path for t in targets):
            continue
        where = Location(file, lines[file].item("regions", index))
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


def _topics(checked: Validated, named: Named, lines: dict[Path, FrontMatterLines]) -> list[Diagnostic]:
    taxonomy = checked.config.topic_keywords()
    out: list[Diagnostic] = []
    for file, names in named:
        for index, topic in enumerate(names.get("topics", ())):
            if not topic or topic in taxonomy:
                continue
            close = difflib.get_close_matches(topic, list(taxonomy), n=1, cutoff=0.5)
            hint = f"did you mean '{close[0]}'? Or add" if close else "add"
            where = Location(file, lines[file].item("topics", index))
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
        images = {ref.src for ref in find_images(article.body)
                  if ref.src == WAITING or is_photo(ref.src) or is_svg(ref.src)} if "![" in article.body else set()
        for offset, link in body_links(article.body):
            if link in images:
                continue   # a photo or SVG shown as an image: check_photos looks at it (a link to one is a link)
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
        decoded = unquote(base)   # link paths are compared decoded (a percent-encoded base_url path)
        if not path.startswith(decoded):
            return Severity.ERROR, (f"link '{link}' is outside the site's base path {base}; "
                                    f"write it as {base}{path.lstrip('/')}")
        rel = path[len(decoded):]
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
    pages, folders = _sections()
    if rel in pages or f"{key}/" in pages or rel in static or rel.startswith(folders) and not rel.startswith("static/"):
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
            build(site, Path(tmp) / "site", incremental=False, publishing=False)   # a throwaway output: no cache for it
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


# --------------------------------------------------------------------------- what build would stop on after validation

def dry_build(site: Path, checked: Validated) -> list[Diagnostic]:
    """Everything ``build`` would stop on once the site is valid, found as build finds it but without
    writing anything: the output folder it would replace; the plan of every page, feed and static
    file (two of them at one path, a path no output may hold, a file where another needs a folder);
    the templates (each one compiled, every template a page uses or includes found, the first and
    the last page of each template rendered in memory). ``checked`` holds the model (drafts and
    future-dated articles included, so their pages are planned too); without it (the site has
    errors) the output, the static files and the templates are still checked. A template error
    only other pages' data trigger shows with ``--links``, which builds everything."""
    from newsgen.output import check_replaceable
    from newsgen.render import make_environment, render_page
    from newsgen.render.markdown import MarkdownRenderer
    from newsgen.render.pages import Plan, plan_all
    from newsgen.render.views import Views

    out: list[Diagnostic] = []
    try:
        check_replaceable(checked.output)
    except NewsgenError as exc:
        out += exc.diagnostics
    pages: list[Any] = []
    views = None
    if checked.model is not None:
        views = Views(checked.model)
        plan = Plan(checked.model, views, MarkdownRenderer(unsafe_html=checked.config.markdown.unsafe_html))
        pages = list(plan_all(plan))
    out += _clashes(site, pages)
    env = make_environment(site)
    # without the model, the pages are taken to use the templates the theme has (they are its pages')
    theme = {p.name for p in (THEME_DIR / "templates").iterdir()}
    out += _templates(site, env, {page.template for page in pages} if pages else theme)
    if views is None or any(d.severity is Severity.ERROR for d in out):
        return out
    first: dict[str, Any] = {}
    last: dict[str, Any] = {}
    for page in pages:
        first.setdefault(page.template, page)
        last[page.template] = page
    for template, page in first.items():
        for sample in [page] if last[template] is page else [page, last[template]]:   # e.g. newest and oldest
            try:
                render_page(env, sample, views)
            except NewsgenError as exc:   # an article's own problem (a body past a limit): said once, as build does
                out += [d for d in exc.diagnostics if d not in out]
                break
            except Exception as exc:   # noqa: BLE001 (what build would stop on: reported with its template)
                out.append(render_problem(exc, template, sample.path, site))
                break
    return out


def _clashes(site: Path, pages: list[Any]) -> list[Diagnostic]:
    """The output paths of the static files and pages, as build claims them: two at one path, a path
    that leaves the output, a file in the search index's folder, or a file where another needs a
    folder are errors, before any writing."""
    from newsgen import search

    claims: dict[str, tuple[str, Location]] = {}
    out: list[Diagnostic] = []
    theme = Path(os.path.realpath(THEME_DIR))
    for folder in static_dirs(site):
        for file in sorted(folder.rglob("*")):
            rel = file.relative_to(folder)
            if not file.is_file() or any(part.startswith(".") for part in rel.parts):
                continue
            shown = file if Path(os.path.realpath(folder)).is_relative_to(theme) else file.relative_to(site)
            # a site's static file replaces the theme's of the same name (as build copies them)
            claims[f"static/{rel.as_posix()}"] = (f"static file {shown}", Location(shown))
    for page in pages:
        where = (f"page {page.path} ({page.template})", Location(Path("templates") / page.template))
        other = claims.setdefault(page.path, where)
        if other is not where:
            out.append(Diagnostic(other[1], f"{other[0]} and {where[0]} are the same file of the output; "
                                            "rename one of them"))
    for path, (what, where) in claims.items():
        parts = path.split("/")
        if parts[0] == search.SEARCH_DIR:
            out.append(Diagnostic(where, f"{what} is in /{search.SEARCH_DIR}/, the search index's folder; "
                                         "move it elsewhere"))
        if "\\" in path or any(p in ("", ".", "..") for p in parts):
            out.append(Diagnostic(where, f"{what} cannot be written: its output path {path!r} holds a backslash "
                                         "or an empty, '.' or '..' part; rename it"))
            continue
        for end in range(1, len(parts)):
            folder = "/".join(parts[:end])
            if folder in claims:
                out.append(Diagnostic(where, f"{what} needs a folder {folder}/ in the output, where "
                                             f"{claims[folder][0]} is a file; rename one of them"))
                break
    return out


def _templates(site: Path, env: Any, used: set[str]) -> list[Diagnostic]:
    """Every template compiled, as build loads them: one that does not compile (or is not UTF-8 text)
    is an error when a page uses it (or a template it uses includes, imports or extends it), else a
    warning; a template a used one names that exists nowhere is an error, and so is a chain of
    templates extending each other in a circle."""
    import jinja2

    out: list[Diagnostic] = []
    refs: dict[str, set[tuple[str, ...]]] = {}
    extends: dict[str, str] = {}
    broken: dict[str, Diagnostic] = {}
    for name in sorted(env.list_templates()):
        try:
            source, filename, _ = env.loader.get_source(env, name)
            env.get_template(name)
            tree = env.parse(source)
        except jinja2.TemplateSyntaxError as exc:
            broken[name] = Diagnostic(Location(shown_template(exc.filename or name, site), exc.lineno),
                                      f"template error: {exc.message}")
            continue
        except UnicodeDecodeError as exc:
            broken[name] = Diagnostic(Location(shown_template(_filename(env, name), site)),
                                      f"template is not UTF-8 text ({exc.reason} at byte {exc.start}); "
                                      "save it as UTF-8")
            continue
        except (OSError, jinja2.TemplateError) as exc:
            broken[name] = Diagnostic(Location(shown_template(_filename(env, name), site)),
                                      f"cannot read template: {exc}")
            continue
        refs[name] = _references(tree)
        parent = next((n.template.value for n in tree.find_all(jinja2.nodes.Extends)
                       if isinstance(n.template, jinja2.nodes.Const)), None)
        if parent is not None:
            extends[name] = parent
    needed: set[str] = set()
    todo = sorted(used)
    while todo:
        name = todo.pop()
        if name in needed:
            continue
        needed.add(name)
        for choices in sorted(refs.get(name, ())):   # the first of the choices that exists is used
            found = [ref for ref in choices if ref in refs or ref in broken]
            if not found:
                out.append(Diagnostic(Location(shown_template(_filename(env, name), site)),
                                      f"template {name} includes, imports or extends '{' or '.join(choices)}', "
                                      "which is neither in templates/ nor in the bundled theme; add it or correct "
                                      "the name"))
            todo += found[:1]
    for name, problem in broken.items():
        if name in needed:
            out.append(problem)
        else:
            out.append(Diagnostic(problem.location, f"{problem.message} (no page uses this template yet)",
                                  Severity.WARNING))
    for name in sorted(needed & extends.keys()):
        chain, at = [name], extends[name]
        while at in extends and at not in chain:
            chain.append(at)
            at = extends[at]
        if at == name:
            out.append(Diagnostic(Location(shown_template(_filename(env, name), site)),
                                  f"templates extend each other in a circle ({' -> '.join([*chain, name])}); "
                                  "one of them must extend another template or none"))
    return out


def _references(tree: Any) -> set[tuple[str, ...]]:
    """The templates a parsed template names in ``extends``, ``include``, ``import`` and ``from``, each
    as the tuple of names tried in turn (``{% include ['a.html', 'b.html'] %}``); an include marked
    ``ignore missing`` and a name made at run time are left out (they are not build's to fail on)."""
    from jinja2 import nodes

    out: set[tuple[str, ...]] = set()
    for node in tree.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
        if isinstance(node, nodes.Include) and node.ignore_missing:
            continue
        target = node.template
        if isinstance(target, nodes.Const) and isinstance(target.value, str):
            out.add((target.value,))
        elif isinstance(target, nodes.Const) and isinstance(target.value, list | tuple) \
                and target.value and all(isinstance(v, str) for v in target.value):
            out.add(tuple(target.value))
        elif isinstance(target, nodes.List | nodes.Tuple) and target.items \
                and all(isinstance(i, nodes.Const) and isinstance(i.value, str) for i in target.items):
            out.add(tuple(i.value for i in target.items))
    return out


def _filename(env: Any, name: str) -> str:
    for folder in env.loader.searchpath:
        if os.path.isfile(os.path.join(folder, name)):
            return os.path.join(folder, name)
    return name


# --------------------------------------------------------------------------- --fix

@dataclass
class _Rewrite:
    """One planned ``--fix``: the article, the file written (its own, or the one its symbolic link leads
    to, so that the link stays a link), the bytes read and the text to write."""

    article: Article
    target: Path
    old: bytes
    new: str
    added: list[str]


def fix_articles(site: Path, checked: Validated) -> tuple[list[FixedFile], list[Diagnostic]]:
    """Fill missing derived fields of every readable article; rewrite only its front matter.

    Every rewrite is planned and every target checked first (a file newsgen may not or should not
    write is left as it is, with a warning saying why); then each file is written atomically (a
    temporary file renamed over it, keeping its mode, owner and body bytes). If a write still fails,
    the writing stops and the error names the files already rewritten and those left as they were.
    Returns the files rewritten and the problems found while fixing."""
    try:
        config_mod.load(site)
    except NewsgenError:   # fixing with default aliases and topics would write wrong values: report only
        return [], []
    problems: list[Diagnostic] = []
    taken = {a.slug for a in checked.articles}
    todo: list[tuple[Article, Path, bytes, list[str]]] = []
    targets: set[Path] = set()
    for article in checked.articles:
        target, refused = _fix_target(site, article.path)
        if target is None or target in targets:
            continue
        try:
            data = target.read_bytes()
            text = data.decode("utf-8")   # not read_text: it would turn \r\n into \n
        except (OSError, UnicodeDecodeError):
            continue   # changed since it was read: the report says what it is now
        missing = _missing(text)
        if not missing:
            continue
        if refused is not None:
            problems.append(Diagnostic(Location(article.path), f"{refused}; --fix leaves it as it is (it lacks "
                                       f"{', '.join(missing)})", Severity.WARNING))
            continue
        targets.add(target)
        todo.append((article, target, data, missing))
    plans: list[_Rewrite] = []
    for article, target, data, missing in todo:
        text = data.decode("utf-8")
        values = derive(article, missing, checked.config, taken)
        if not values:
            continue
        new_text = with_front_matter(text, values)
        if new_text is None or new_text == text:
            continue
        parsed, found = content.loads(new_text, article.path)
        if parsed is None or any(p.severity is Severity.ERROR for p in found):
            continue   # never write a file worse than it was
        plans.append(_Rewrite(article, target, data, new_text, list(values)))
    fixed: list[FixedFile] = []
    for index, plan in enumerate(plans):
        try:
            _replace(plan.target, plan.new, plan.old)
        except _NotWritten as exc:
            problems.append(_stopped(plan, exc.reason, fixed, plans[index + 1:]))
            break
        diff = "".join(difflib.unified_diff(plan.old.decode("utf-8").splitlines(keepends=True),
                                            plan.new.splitlines(keepends=True),
                                            f"a/{plan.article.path}", f"b/{plan.article.path}"))
        fixed.append(FixedFile(plan.article.path, plan.added, diff))
    return fixed, problems


def _fix_target(site: Path, path: Path) -> tuple[Path | None, str | None]:
    """The file ``--fix`` writes for the article at ``path`` (relative to ``site``), and why it must not
    write it (None when it may). A symbolic link is fixed through: its target is written, inside the
    site (a link leading outside is an error of its own and is never read); a read-only file, a file
    with other hard links (a rename would split them) or one in a folder newsgen cannot write into
    are left alone."""
    home = Path(os.path.realpath(site))
    real = Path(os.path.realpath(site / path))
    if not real.is_relative_to(home):
        return None, None
    linked = real != home / path
    shown = f"{path} (a symbolic link to {real.relative_to(home)})" if linked else f"{path}"
    try:
        st = real.stat()
    except OSError:
        return None, None
    if not st.st_mode & 0o222 or not os.access(real, os.W_OK):
        return real, (f"{shown} is read-only; to let --fix fill it, make it writable "
                      f"(chmod u+w {real.relative_to(home) if linked else path})")
    if st.st_nlink > 1:
        return real, (f"{shown} has {st.st_nlink - 1} other hard link(s), which a rewrite would part from it; "
                      "fill the fields by hand, or make it a single file (cp it, then mv the copy over it)")
    if not os.access(real.parent, os.W_OK | os.X_OK):
        return real, f"{shown} is in a folder newsgen may not write into ({real.parent}); allow it, or fill the " \
                     "fields by hand"
    return real, None


def _stopped(failed: _Rewrite, reason: str, done: list[FixedFile], rest: list[_Rewrite]) -> Diagnostic:
    """The error of a rewrite that failed: what was and what was not written."""
    written = ", ".join(str(f.path) for f in done) or "none"
    left = ", ".join(str(p.article.path) for p in [failed, *rest])
    return Diagnostic(Location(failed.article.path),
                      f"--fix could not rewrite this file ({reason}), so it stopped there: already rewritten "
                      f"(their diffs are shown): {written}; left as they were: {left}. Fix the cause and "
                      "run newsgen check --fix again")


class _NotWritten(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


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
        "slug" in missing and content.slug_problem(content.file_slug(article.path)) is not None)
    found = None
    if needs_nlp:
        from newsgen.enrich import enrich

        found = enrich(article.title, article.kicker, article.subtitle, article.body, config, taken - {article.slug})
    for key in missing:
        if key == "slug":   # the file name is the slug now: keep the URL as it is when it is a good slug
            slug = content.file_slug(article.path) if content.slug_problem(content.file_slug(article.path)) is None \
                else found.slug
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


def _replace(path: Path, text: str, old: bytes) -> None:
    """Write ``text`` over ``path`` atomically (a temporary file beside it, fsynced, renamed over it),
    with the file's mode and, where allowed, its owner; only while ``path`` still holds ``old`` (an
    editor's save since it was read wins). Raises :class:`_NotWritten` with the reason, the file as it was."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        st = path.stat()
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            view = memoryview(text.encode("utf-8"))
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.chmod(tmp, st.st_mode & 0o7777)
        if (st.st_uid, st.st_gid) != (os.getuid(), os.getgid()):
            try:
                os.chown(tmp, st.st_uid, st.st_gid)
            except OSError:
                pass
        if path.read_bytes() != old:
            raise _NotWritten("it changed while check ran")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _NotWritten(f"cannot write: {exc.strerror or exc}") from None
    except _NotWritten:
        tmp.unlink(missing_ok=True)
        raise
