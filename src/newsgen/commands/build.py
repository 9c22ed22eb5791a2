"""``newsgen build``: articles/ -> a static site, as a flat list of timed steps (as Zola's ``Site::build``).

1. config      read ``newsgen.yaml`` (``--base-url`` overrides ``base_url``); an unknown time zone is an
               error, a ``base_url`` without scheme and host a warning (feeds want absolute URLs)
2. articles    read every article, collecting every problem of every file
3. (check)     any error: raise NewsgenError with all of them, before the output is touched
4. model       build the site model (order, regions, topics, tags, archives)
5. views       make the read-only views templates see (summaries, reading times, links)
6. render      plan every page, feed, the sitemap and robots.txt, render them and write them into a
               temporary directory (Markdown converted once per article, templates compiled once), in
               worker processes for a big site (see ``render.parallel``)
7. write       swap the temporary directory (static files copied first) in place of the output
8. cleanup     delete the previous output, moved aside by the swap

Nothing here prints; ``progress`` receives one line per step.
"""

from __future__ import annotations

import dataclasses
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from newsgen import config as config_mod
from newsgen.content import load_articles, site_files
from newsgen.errors import Diagnostic, Diagnostics, Location, NewsgenError
from newsgen.output import OutputWriter
from newsgen.render import THEME_DIR, make_environment, plan_pages, render_page, static_dirs
from newsgen.render.markdown import MarkdownRenderer
from newsgen.render.parallel import run_jobs
from newsgen.render.views import Views
from newsgen.site import build_site


@dataclass
class BuildResult:
    pages: int                                  # HTML pages written (static files not counted)
    output: Path
    warnings: list[Diagnostic] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)   # step -> seconds, in step order
    articles: int = 0
    static_files: int = 0
    files: int = 0                              # generated non-HTML files: feeds, sitemap.xml, robots.txt


class _Clock:
    def __init__(self, progress: Callable[[str], None] | None) -> None:
        self.timings: dict[str, float] = {}
        self._progress = progress
        self._last = time.perf_counter()

    def step(self, name: str, message: str) -> None:
        now = time.perf_counter()
        self.timings[name] = self.timings.get(name, 0.0) + now - self._last
        self._last = now
        if self._progress is not None:
            self._progress(f"{name}: {message} ({self.timings[name] * 1000:.0f} ms)")


def build(site: Path, output: Path | None = None, base_url: str | None = None,
          progress: Callable[[str], None] | None = None) -> BuildResult:
    """Build ``site`` into ``output`` (default ``site/<output_dir>``). Raises NewsgenError on bad input."""
    clock = _Clock(progress)
    diagnostics = Diagnostics()

    config_ok = True
    try:
        config = config_mod.load(site)
    except NewsgenError as exc:   # keep going with defaults, so article problems are reported too
        diagnostics.extend(exc.diagnostics)
        config, config_ok = config_mod.Config(), False
    if base_url is not None:
        config = dataclasses.replace(config, base_url=base_url)
    out = output if output is not None else site / config.output_dir
    if config_ok or base_url is not None:
        _check_config(config, base_url is not None, diagnostics)
    clock.step("config", f"base path {config.base_path}, output {out}")

    articles, problems = load_articles(site, config.articles_dir)
    diagnostics.extend(problems)
    clock.step("articles", f"read {len(articles)} articles")

    for folder in ("templates", "static"):   # a link out of the site must not publish or include a file
        site_files(site / folder, site, diagnostics, allowed=(THEME_DIR,))
    _check_output_location(site, out, config.articles_dir, diagnostics)
    if diagnostics.errors:
        raise NewsgenError(diagnostics.items)

    model = build_site(articles, config)
    clock.step("model", f"{len(model.posts)} published, {model.drafts} drafts, {len(model.places)} places, "
                        f"{len(model.topics)} topics, {len(model.tags)} tags")

    views = Views(model)
    env = make_environment(site)
    clock.step("views", "summaries, reading times and links ready")

    with OutputWriter(out) as writer:
        static = sum(writer.copy_static(d) for d in static_dirs(site))
        pages = list(plan_pages(model, views, MarkdownRenderer(unsafe_html=config.markdown.unsafe_html)))
        for page in pages:   # a clash of two pages is found before anything is rendered
            writer.claim(page.path)

        def job(i: int) -> None:
            page = pages[i]
            try:
                html = render_page(env, page, views)
            except jinja2.TemplateError as exc:
                raise NewsgenError([_template_problem(exc, page.template, page.path, site)]) from exc
            writer.store(page.path, html)

        processes = run_jobs(len(pages), job)
        clock.step("render", f"{len(pages)} pages and feeds rendered and written by {processes} "
                             f"process{'es' if processes > 1 else ''}")
        writer.commit()
        clock.step("write", f"{writer.pages} pages, {writer.files} feeds and other files, "
                            f"{static} static files into {out}")
        writer.remove_previous()   # still under the build lock: the next build waits for it
        clock.step("cleanup", "previous output removed")
    timings = clock.timings

    return BuildResult(pages=writer.pages, output=out, warnings=diagnostics.warnings, timings=timings,
                       articles=len(model.posts), static_files=static, files=writer.files)


def _check_config(config: config_mod.Config, overridden: bool, diagnostics: Diagnostics) -> None:
    """``base_url`` again when ``--base-url`` overrides it (the file's own is checked as it is read)."""
    where = Location(Path("--base-url" if overridden else config_mod.CONFIG_FILE))
    found = config_mod.base_url_problem(config.base_url)
    if found is not None:
        diagnostics.items.append(Diagnostic(where, found[1], found[0]))


def _check_output_location(site: Path, out: Path, articles_dir: str, diagnostics: Diagnostics) -> None:
    """The output is replaced wholesale, so it must not be the site or hold its articles."""
    site_r, out_r = site.resolve(), out.resolve()
    articles_r = (site / articles_dir).resolve()
    if out_r == site_r or out_r in site_r.parents or out_r == articles_r or out_r in articles_r.parents \
            or articles_r in out_r.parents:
        diagnostics.error(Location(out), "the output directory must not be the site directory, contain it, "
                                         "or be inside the articles directory; use e.g. --output build")


def _template_problem(exc: jinja2.TemplateError, template: str, page: str, site: Path) -> Diagnostic:
    """``templates/x.html:LINE: message`` for an error raised while rendering a template."""
    filename = getattr(exc, "filename", None)
    line = getattr(exc, "lineno", None)
    if filename is None:   # runtime errors (undefined names): the innermost template frame says where
        for frame, lineno in traceback.walk_tb(exc.__traceback__):
            name = frame.f_code.co_filename
            if name.endswith((".html", ".xml", ".txt")):
                filename, line = name, lineno
    shown = Path(filename) if filename else Path(template)
    try:
        shown = shown.resolve().relative_to(site.resolve())
    except ValueError:
        pass
    return Diagnostic(Location(shown, line), f"template error while rendering {page}: {exc.message or exc}")
