"""The one validation step ``build`` and ``check`` share: config, articles, site files, the model.

``validate`` reads everything a build reads and collects every problem of every file, errors and
warnings alike, without raising: ``build`` stops on errors before touching the output, ``check``
reports them all. When there is no error it also returns the site model, so a build goes straight
on to rendering.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import compress
from operator import attrgetter
from pathlib import Path
from typing import Any

from newsgen import config as config_mod
from newsgen import text
from newsgen.content import Article, ArticleCache, Listing, load_articles, site_file_names
from newsgen.errors import Diagnostic, Diagnostics, Location, NewsgenError, Severity
from newsgen.output import CACHE_DIR
from newsgen.render import THEME_DIR
from newsgen.render.parallel import run_jobs
from newsgen.site import Site, build_site

#: What the build does to the articles the model is made of (see ``validate``'s ``adjust``).
Adjust = Callable[[list[Article], config_mod.Config], tuple[list[Article], list[Diagnostic]]]


@dataclass
class Validated:
    """What a site is made of, once read and checked."""

    config: config_mod.Config
    output: Path
    articles: list[Article]                      # every article read without error, drafts included
    diagnostics: Diagnostics
    model: Site | None = None                    # the site model; None when there are errors
    left_out: dict[str, list[Article]] = field(default_factory=dict)   # "drafts" / "future" -> articles
    #: the files of the site's templates/ and static/ as walked here (by the folder's path), or as the
    #: caller's listing walked them
    walked: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.diagnostics.errors


def validate(site: Path, output: Path | None = None, base_url: str | None = None, *,
             drafts: bool = False, future: bool = False, today: dt.date | None = None,
             step: Callable[[str, str], None] | None = None, cache: ArticleCache | None = None,
             listing: Listing | None = None, publishing: bool = True,
             adjust: Adjust | None = None, config: config_mod.Config | None = None,
             derive: Callable[[Any], Any] | None = None,
             model: Callable[[list[Article], config_mod.Config], Site] = build_site) -> Validated:
    """Read and check ``site``. Drafts and articles dated after ``today`` (in the site's time zone)
    are left out of the model unless ``drafts`` / ``future``; ``step(name, message)`` times the steps.
    ``listing``: the article files as the caller just found them (see :func:`load_articles`), having
    walked the site's ``templates/`` and ``static/`` as this does and found no problem there.
    ``publishing``: warn about a ``base_url`` without a host (a build to publish; not ``check``, not a
    preview: a fresh site has none yet, and it matters only for what is published). ``adjust`` takes the
    articles (and the configuration) the model is made of and gives them back as the model is to show
    them, with any problems (the build's photos: see :func:`newsgen.render.photos.prepare`). ``config``: the
    site's configuration as the caller has just read it (else it is read here). ``derive``: what the
    caller derives of each body, made by the readers of a cold build (see :func:`newsgen.content.derived_by_reader`).
    ``model``: what makes the site model of the articles chosen (the build's keeps it between builds)."""
    step = step or (lambda _name, _message: None)
    diagnostics = Diagnostics()
    config_ok = True
    try:
        config = config if config is not None else config_mod.load(site)
    except NewsgenError as exc:   # keep going with defaults, so article problems are reported too
        diagnostics.extend(exc.diagnostics)
        config, config_ok = config_mod.Config(), False
    if base_url is not None:
        config = dataclasses.replace(config, base_url=base_url)
    out = output if output is not None else site / config.output_dir
    if config_ok or base_url is not None:
        _check_base_url(config, base_url is not None, diagnostics, publishing)
    step("config", f"base path {config.base_path}, output {out}")

    # pypinyin loaded while the readers read (the model slugs the names with it)
    run = functools.partial(run_jobs, meanwhile=text.preload_pinyin)
    notes: list[str] = []
    articles, problems = load_articles(site, config.articles_dir, cache, listing, run=run, derive=derive,
                                       told=notes.append)
    diagnostics.extend(problems)
    cached = "" if cache is None else f" ({cache.cold}: every file read)" if cache.cold is not None \
        else f" ({cache.hits} unchanged, from the cache)"
    step("articles", f"read {len(articles)} articles{cached}" + "".join(f"; {note}" for note in notes))

    walked = dict(listing.walked) if listing is not None else {}
    for folder in ("templates", "static") if listing is None else ():   # (a listing: walked as here, cleanly)
        # a link out of the site must not publish or include a file; names not UTF-8: errors too
        walked[str(site / folder)] = site_file_names(site / folder, site, diagnostics, allowed=(THEME_DIR,))
    _check_output_location(site, out, config.articles_dir, diagnostics)
    result = Validated(config=config, output=out, articles=articles, diagnostics=diagnostics, walked=walked)
    if diagnostics.errors:
        return result

    day = today or dt.datetime.now(zoneinfo.ZoneInfo(config.timezone)).date()
    left_draft = list(compress(articles, map(attrgetter("draft"), articles)))
    ahead = _after(articles, day)
    result.left_out = {"drafts": left_draft, "future": [a for a in ahead if not a.draft]}
    chosen = list(articles) if future or not ahead else [a for a in articles if a.day <= day]
    if drafts and left_draft:
        chosen = [dataclasses.replace(a, draft=False) if a.draft else a for a in chosen]
    if adjust is not None:
        chosen, found = adjust(chosen, config)
        diagnostics.extend(found)
        if diagnostics.errors:
            return result
    try:
        result.model = model(chosen, config)
    except NewsgenError as exc:   # two articles with one URL
        diagnostics.extend(exc.diagnostics)
    return result


def _after(articles: list[Article], day: dt.date) -> list[Article]:
    """The articles dated after ``day``. When every date is a plain date (no time), none is when the
    latest is not: found column by column, without working out each article's day (at 100,000
    articles, a Python call each on every build)."""
    dates = list(map(attrgetter("date"), articles))
    if not dates or set(map(type, dates)) == {dt.date} and max(dates) <= day:
        return []
    return [a for a in articles if a.day > day]


def _check_base_url(config: config_mod.Config, overridden: bool, diagnostics: Diagnostics,
                    publishing: bool = True) -> None:
    """``base_url`` again when ``--base-url`` overrides it (the file's own is checked as it is read); a
    bare path is a warning only when ``publishing``."""
    where = Location(Path("--base-url" if overridden else config_mod.CONFIG_FILE))
    found = config_mod.base_url_problem(config.base_url)
    if found is not None and (publishing or found[0] is not Severity.WARNING):
        diagnostics.items.append(Diagnostic(where, found[1], found[0]))


def _check_output_location(site: Path, out: Path, articles_dir: str, diagnostics: Diagnostics) -> None:
    """The output is replaced wholesale, so it must not be the site or contain it; and nothing a build
    reads may be in it, or hold it (a build would read its own output: a ``static/`` one is copied
    into itself on every build, a cache one publishes the drafts): not the articles, the site's
    ``templates/`` and ``static/``, the cache, or the theme's folders. Compared by real path, so a
    symbolic link is no way round it."""
    for parent in out.absolute().parents:   # the first that exists must be a folder to make the output in
        if parent.exists() or parent.is_symlink():
            if not parent.is_dir():
                diagnostics.error(Location(out), f"the output directory cannot be made: {parent} is a file, "
                                                 "not a folder; choose another output_dir or --output")
                return
            break
    site_r = site.resolve()
    try:
        out_r = out.resolve()
    except RuntimeError:   # Python 3.11: a link that leads round in a loop
        diagnostics.error(Location(out), "the output is a symbolic link that leads round in a loop; point it at "
                                         "a folder, or choose another --output")
        return
    if out_r == site_r or out_r in site_r.parents:
        diagnostics.error(Location(out), "the output directory must not be the site directory or contain it "
                                         "(a build replaces its output wholesale); use e.g. --output build")
        return
    bulletins_r = (site / "bulletins").resolve()   # init makes it empty, so a build would be let in
    if out_r == bulletins_r or bulletins_r in out_r.parents or out_r in bulletins_r.parents:
        diagnostics.error(Location(out), f"the output directory must not be the site's bulletins/ ({bulletins_r}), "
                                         "be inside it or contain it: the raw bulletins saved there later would be "
                                         "deleted by the next build, which replaces its output wholesale; use e.g. "
                                         "--output build")
        return
    read = [(site / articles_dir, f"the articles directory {articles_dir}/"),
            (site / "templates", "the site's templates/"), (site / "static", "the site's static/"),
            (site / CACHE_DIR, f"the build cache {CACHE_DIR}/"),
            (THEME_DIR / "templates", "the theme's templates"), (THEME_DIR / "static", "the theme's static files")]
    for folder, what in read:
        folder_r = folder.resolve()
        if out_r == folder_r or folder_r in out_r.parents or out_r in folder_r.parents:
            diagnostics.error(Location(out), f"the output directory must not be {what} ({folder_r}), be inside it "
                                             "or contain it: a build reads from there, and replaces its output "
                                             "wholesale; use e.g. --output build")
            return
