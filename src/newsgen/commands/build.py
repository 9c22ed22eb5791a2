"""``newsgen build``: articles/ -> a static site, as a flat list of named steps (as Zola's ``Site::build``).

:meth:`_Build.run` lists them, one method each: read the configuration and the last build's state
(and stop there when nothing changed); read and check the articles and build the model (shared with
``newsgen check``: any error raised before the output is touched); make the views; plan every page;
find the pages the changes reach (see ``commands.delta``); render them; write the photos and the
search index; swap the new output in; verify (``--verify``); keep the build state for the next
build (see :class:`newsgen.cachefile.State`); clean up. Nothing here prints; ``progress`` receives
one line per step.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import operator
import os
import time
import zoneinfo
from array import array
from collections.abc import Callable, Sequence, Set
from dataclasses import dataclass, field
from itertools import chain, compress
from pathlib import Path
from typing import Any, cast

import orjson

from newsgen import __version__, cachefile
from newsgen import config as config_mod
from newsgen import content as content_mod
from newsgen.content import ArticleCache, Listing, derived_ahead, file_digest, file_digests, not_utf8, site_file_names
from newsgen.errors import Diagnostic, Diagnostics, Location, NewsgenError, Severity
from newsgen.output import CACHE_DIR, Entries, Entry, Manifest, OutputWriter, StaleCheck, build_lock
from newsgen.render import THEME_DIR
from newsgen.render.parallel import collector_held, run_jobs

_rest_imported = False


def _import_the_rest() -> None:
    """Import what a build needs once it has more to do than find that nothing changed: Jinja2, the
    model, the pages, the search index (about 0.15 s a build that ends there does not spend). Once,
    so that a name a test has set on this module stays as it set it."""
    global _rest_imported, text, Looked, find_changes, names_digest, validate, load_templates, \
        make_environment, render_page, static_dirs, RENDER_ERRORS, render_problem, Keys, MarkdownRenderer, Page, \
        Pages, Plan, PhotoError, Photos, Prepared, prepare, Views, derive, index_articles, Site, site_from, \
        structure, structure_key, structure_rows
    if _rest_imported:
        return
    from newsgen import text
    from newsgen.commands.delta import Looked, find_changes, names_digest
    from newsgen.commands.validate import validate
    from newsgen.render.env import RENDER_ERRORS, load_templates, make_environment, render_problem, static_dirs
    from newsgen.render.fingerprint import Keys
    from newsgen.render.markdown import MarkdownRenderer
    from newsgen.render.pages import Page, Pages, Plan, render_page
    from newsgen.render.photos import PhotoError, Photos, Prepared, prepare
    from newsgen.render.views import Views, derive
    from newsgen.search import index_articles
    from newsgen.site import Site, site_from, structure, structure_key, structure_rows
    _rest_imported = True


def __getattr__(name: str) -> Any:
    """A name :func:`_import_the_rest` binds, asked for before a build needed it (a test setting it;
    not the import system's look for ``__path__``)."""
    if not _rest_imported and not name.startswith("__"):
        _import_the_rest()
        if name in globals():
            return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass
class BuildResult:
    pages: int                                  # HTML pages written (static files not counted)
    output: Path
    warnings: list[Diagnostic] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)   # step -> seconds, in step order
    articles: int = 0
    static_files: int = 0
    files: int = 0                              # generated non-HTML files: feeds, sitemap.xml, robots.txt
    rendered: int = 0                           # pages and feeds rendered (the rest reused unchanged)
    rendered_paths: tuple[str, ...] = ()        # which, in plan order
    indexed: tuple[str, ...] = ()               # search index bundles (years) made again
    checked: int = 0                            # pages whose context was made (the rest carried over)
    #: with ``verify``: the pages whose file differs from the page rendered from scratch (in plan order)
    differs: tuple[str, ...] = ()
    #: why the last build's state was not used, when it was there but unreadable or of another version
    cold: str | None = None


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


class BuildSession:
    """What a long-lived process (``newsgen serve``'s build worker) keeps between its builds: the
    parsed articles, so that each rebuild does not decode the whole article cache again."""

    def __init__(self) -> None:
        self.articles: ArticleCache | None = None

    def close(self) -> None:
        self.articles = None


def build(site: Path, output: Path | None = None, base_url: str | None = None,
          progress: Callable[[str], None] | None = None, *, drafts: bool = False,
          future: bool = False, incremental: bool = True, background_cleanup: bool = False,
          on_render: Callable[[int, int], None] | None = None, search: bool = True,
          session: BuildSession | None = None, publishing: bool = True, verify: bool = False) -> BuildResult:
    """Build ``site`` into ``output`` (default ``site/<output_dir>``). Raises NewsgenError on bad input.

    Drafts and future-dated articles are left out unless ``drafts`` / ``future``. ``incremental``
    reuses what the last build left (its state, see :class:`newsgen.cachefile.State`); without it,
    everything is read and rendered, and no state kept. ``background_cleanup`` leaves deleting the
    previous output to a detached process (the command line's choice). ``on_render(done, total)``
    follows the rendering, for a progress bar. ``search=False`` leaves the search index out
    (``newsgen serve`` does, so that a preview does not wait for indexing). A ``session`` keeps the
    parsed articles in memory from one build to the next (see :class:`BuildSession`).
    ``publishing=False`` (a preview, a link check) leaves out the warning about a ``base_url``
    without a host. ``verify`` renders every page again from scratch after the build and compares
    it with the file the build left, naming each that differs in ``BuildResult.differs``."""
    for folder in (site, output):   # its path is hashed, written into the state and printed as UTF-8
        if folder is not None and not_utf8(str(folder)):
            shown = os.fsencode(folder).decode("utf-8", "backslashreplace")
            raise NewsgenError("this folder's path is not UTF-8 text; rename the folder (or the one holding it)",
                               Location(Path(shown)))
    return _Build(site, output, base_url, progress, drafts=drafts, future=future, incremental=incremental,
                  background_cleanup=background_cleanup, on_render=on_render, search=search, session=session,
                  publishing=publishing, verify=verify).run()


@dataclass
class _Build:
    """One build, as the list of steps :meth:`run` takes (each a method, timed by :class:`_Clock`)."""

    site: Path
    output: Path | None
    base_url: str | None
    progress: Callable[[str], None] | None
    drafts: bool = False
    future: bool = False
    incremental: bool = True
    background_cleanup: bool = False
    on_render: Callable[[int, int], None] | None = None
    search: bool = True
    session: BuildSession | None = None
    publishing: bool = True
    verify: bool = False

    def run(self) -> BuildResult:
        with collector_held() as settle:
            self.clock = _Clock(self.progress)
            unchanged = self.start()
            if unchanged is not None:
                return unchanged
            self.read()
            self.prepare()
            with OutputWriter(self.out, self.manifest if self.incremental else None) as self.writer:
                self.plan()
                self.find_changes()
                settle()
                for step in (self.render, self.write_photos, self.index, self.write, self.check, self.keep,
                             self.cleanup):
                    step()
        return BuildResult(pages=self.writer.pages, output=self.out, warnings=self.diagnostics.warnings,
                           timings=self.clock.timings, articles=len(self.model.posts), static_files=self.static,
                           files=self.writer.files, rendered=len(self.dirty),
                           rendered_paths=tuple(self.dirty), indexed=self.indexed,
                           checked=len(self.reads), differs=self.differs, cold=self.state.problem)

    def start(self) -> BuildResult | None:
        """Read the configuration and the last build's state; the last build's result when nothing it
        read has changed and its output is as it wrote it (the build ends there; else it imports the
        rest of what it needs: see :func:`_import_the_rest`)."""
        self.state = cachefile.State(self.site / CACHE_DIR)
        if not self.incremental:
            self.state.problem = None
        try:   # read once: the inputs digest and validation both use it (validation reports a bad one)
            self.config: config_mod.Config | None = config_mod.load(self.site)
        except NewsgenError:
            self.config = None
        self.inputs, self.listing = "", None
        self.manifest, self.stale, self.key = Manifest(), None, ""
        unchanged = self._last_build(self.config) if self.incremental and self.config is not None else None
        if unchanged is None:
            _import_the_rest()
        return unchanged

    def _last_build(self, config: config_mod.Config) -> BuildResult | None:
        """Walk the inputs and look at the last build's output: its result when it is current, else
        None with the inputs' digest and listing, the manifest and the look for its stale pages kept."""
        out = self.output if self.output is not None else self.site / config.output_dir
        key = self.state.output(out)
        # its pages not on disk as written, looked for by a child process (which decodes the manifest:
        # this one does only when the build goes on) while this one walks the inputs
        kept = self.state.has(f"{key}.journal") and out.is_dir()
        stale = StaleCheck(lambda: Manifest.read(self.state, key), out) if kept else None
        inputs = _inputs_digest(self.site, config, out, self.base_url, self.drafts, self.future, self.search)
        if inputs is None:   # the inputs cannot be read cleanly: validation says why
            if stale is not None:
                stale.close()
            return None
        self.inputs, listing = inputs
        self.key, self.stale = key, stale
        if not self.verify:
            unchanged = _unchanged(out, self.inputs, stale)
            if unchanged is not None:
                self.clock.step("unchanged", "no input changed since the last build and its output is intact")
                unchanged.timings = self.clock.timings
                return unchanged
        self.listing = listing()
        self.manifest = stale.manifest() if stale is not None else Manifest.read(self.state, key)
        return None

    def read(self) -> None:
        """Read and check every article (and its photos) and build the site model."""
        state = self.state if self.incremental else None
        self.pinyin = _Readings(state)
        self.articles: ArticleCache | None = None
        if state is not None:
            session = self.session
            if session is not None and session.articles is None:
                session.articles = ArticleCache(state, session=True)
            self.articles = session.articles if session is not None else ArticleCache(state)
        checked = validate(self.site, self.output, self.base_url, drafts=self.drafts, future=self.future,
                           step=self.clock.step, cache=self.articles, listing=self.listing,
                           publishing=self.publishing, adjust=self._with_photos, config=self.config,
                           derive=derive, model=self._model)
        if not checked.ok or checked.model is None:
            if self.stale is not None:
                self.stale.close()
            raise NewsgenError(checked.diagnostics.items)
        self.checked = checked
        self.config, self.out, self.model, self.diagnostics = checked.config, checked.output, checked.model, \
            checked.diagnostics
        text.forget_pinyin()   # every name slugged
        if self.incremental and not self.key:   # the inputs could not be read cleanly before validation
            self.key = self.state.output(self.out)
            self.manifest = Manifest.read(self.state, self.key)
        self.clock.step("model", f"{len(self.model.posts)} published, {self.model.drafts} drafts, "
                                 f"{len(self.model.places)} places, {len(self.model.topics)} topics, "
                                 f"{len(self.model.tags)} tags")

    def _model(self, chosen: list[Any], config: config_mod.Config) -> Site:
        """The site model of the articles chosen. Its structure (:func:`newsgen.site.structure`) is kept in
        the build state as a recorded query: under the digest of the rows it is computed from
        (:func:`newsgen.site.structure_key`), and computed again only when that digest changed (an
        article's file, date, slug, places, topics, tags or draft flag changed, one came or went, the
        options chose others, or pypinyin's or newsgen's version changed). A body edited keeps it."""
        key = self.structure = structure_key(chosen)
        kept = self.state.get("model") if self.incremental else None
        if isinstance(kept, dict) and kept.get("key") == key:
            try:
                return site_from(chosen, config, kept["structure"])
            except (KeyError, TypeError, ValueError, IndexError):   # not as written: computed again
                pass
        found = structure(structure_rows(chosen))
        if self.incremental:
            self.state.put("model", {"key": key, "structure": found})
        return site_from(chosen, config, found)

    def _with_photos(self, chosen: list[Any], config: config_mod.Config) -> tuple[list[Any], list[Diagnostic]]:
        """The photos of the articles built: resolved and inspected, their digests folded into the articles'."""
        state, cache = self.state if self.incremental else None, self.articles
        # whether an article built may show a photo (its body, as the article cache knows, or a lead photo
        # named in its front matter); None: not known. When none may, no photo record is read.
        shown = None if cache is None or cache.images is None else \
            not cache.images.isdisjoint(content_mod.source_paths(chosen)) or \
            any(isinstance(a.extra.get("image"), str) for a in compress(chosen, content_mod.extra_flags(chosen)))
        self.photos = Photos(self.site, config.photos, state, config.base_path, records=shown is not False)
        if shown is False:
            self.prepared = Prepared(list(chosen), {}, {}, [])
            return self.prepared.articles, []
        self.prepared = prepare(self.photos, chosen, self.listing.others if self.listing is not None else None)
        if cache is not None and cache.images is None and self.photos.read:   # (learned from the records)
            made, files = self.photos.articles, content_mod.source_paths(chosen)
            cache.learn_images(where for where, digest in zip(files, file_digests(chosen), strict=True)
                               if made.get(where) == digest)
        return self.prepared.articles, self.prepared.problems

    def prepare(self) -> None:
        """Make the read-only views templates see, the template environment and the Markdown renderer."""
        derived = self.articles.derived if self.articles is not None else {}
        _derive(self.model.posts, derived, self.articles)
        self.views = Views(self.model, derived=derived, photos=self.prepared.leads,
                           known=self.articles.derived_of if self.articles is not None else None)
        self.env = make_environment(self.site)
        self.env.know_templates(self._files_of)
        self.renderer = MarkdownRenderer(unsafe_html=self.config.markdown.unsafe_html,
                                         cache_dir=self.state.folder("bodies") if self.incremental else None)
        if self.prepared.used:   # a site without photos converts its bodies exactly as before
            self.renderer.use_photos(self.photos)
        self.clock.step("views", "summaries, reading times and links ready")

    def _files_of(self, folder: Path | str) -> list[str]:
        """The files of a template or static folder as this build's first walk of it found them (the
        inputs digest's, validation's), walked here only when none did (the theme's, on a cold build):
        each folder is walked once a build."""
        found = self.checked.walked.get(str(folder))
        return found if found is not None else site_file_names(Path(folder), Path(folder), Diagnostics())

    def plan(self) -> None:
        """Copy the static files and plan every page (a clash of two pages found before any is rendered)."""
        writer = self.writer
        self.static = sum(writer.copy_static(d, self._files_of(d)) for d in static_dirs(self.site))
        self.pages_plan = Plan(self.model, self.views, self.renderer, store=self.state if self.incremental else None,
                               meanwhile=lambda: load_templates(self.env),   # (what the render's workers inherit)
                               structure=self.structure)
        self.pages = Pages(self.pages_plan)   # (an article's page made only when looked at)
        # (the pages the last build claimed, when the manifest's paths are all safe: not checked again)
        self.vouched = writer.in_place and self.stale is not None and self.stale.safe()
        writer.claim_pages(self.pages.paths, vouched=self.vouched)
        known = self.state.get("templates") if self.incremental else None
        self.keys = Keys(self.env, config=self.config, site_view=self.views.site_view, renderer=self.renderer.settings,
                         references=known if isinstance(known, dict) else None)
        self.clock.step("plan", f"{len(self.pages)} pages planned")

    def find_changes(self) -> None:
        """The pages the changes since the last build reach (see ``commands.delta``); all on a full build."""
        self.changes = changes = find_changes(self.pages_plan, self.pages.paths, self.keys, self.writer,
                                              self.manifest, self.state, self.key,
                                              search=self.search, incremental=self.incremental, stale=self.stale)
        self.clock.step("changes", f"{len(changes.todo)} pages reached by the changes" if changes.previous else
                        "the configuration, templates, options or static files changed, a place, topic or tag "
                        "changed its URL, or no record: every page looked at")

    def render(self) -> None:
        """Make the contexts of the pages looked at (recording what each reads), and render and write
        each whose key (see ``render.fingerprint``) is not the output's; in worker processes for a big
        site (see ``render.parallel``)."""
        pages, changes, manifest, writer, views, keys = (self.pages, self.changes, self.manifest, self.writer,
                                                         self.views, self.keys)
        todo: Sequence[int] = changes.todo
        # the others left in the output as they are, with their entries (the manifest's columns shared)
        known = manifest.pages if isinstance(manifest.pages, Entries) else Entries.of(manifest.pages)
        entries = known.restricted(pages.paths) if changes.previous is not None else Entries()

        def job(i: int) -> tuple[bool, Entry | None, str, str | tuple[tuple[str, str], ...]]:
            """Page ``i`` left in the output if its key is the output file's, else rendered; with
            what its context read (a digest of the names, and each name with its value's digest)."""
            page = pages[i]
            views.record = record = {}
            try:
                page.context   # noqa: B018  (made now: what it reads is recorded)
            finally:
                views.record = None
            key = keys.page(page.path, page.template, record)
            reused = writer.reuse(page.path, key)
            if not reused:
                try:
                    html = render_page(self.env, page, views)
                except RENDER_ERRORS as exc:
                    raise NewsgenError([render_problem(exc, page.template, page.path, self.site)]) from exc
                writer.store(page.path, html)
            page.forget()
            return reused, writer.identity(page.path, key), names_digest(record), looked.pack(record)

        done = len(pages) - len(todo)

        def rendered(n: int) -> None:
            nonlocal done
            done += n
            if self.on_render is not None:
                self.on_render(done, len(pages))

        self.reads = looked = Looked(todo, views.files)   # (kept compactly as each worker's results come back)
        processes = run_jobs(len(todo), lambda k: job(todo[k]), progress=rendered, results=cast(list, looked),
                             before_fork=lambda: load_templates(self.env), in_worker=self._in_worker)
        paths = pages.paths   # (not pages[i].path: that makes in this process each page a worker made, 85 MB)
        for i, (_, entry) in zip(todo, looked.results, strict=True):
            if entry is not None:
                entries[paths[i]] = entry
            else:
                entries.pop(paths[i], None)
        self.dirty = [paths[i] for i, (reused, _) in zip(todo, looked.results, strict=True) if not reused]
        self.written = Manifest(entries)
        self.clock.step("render", f"{len(self.dirty)} pages and feeds rendered and written, "
                                  f"{len(pages) - len(self.dirty)} unchanged and reused, by {processes} "
                                  f"process{'es' if processes > 1 else ''}")

    def _in_worker(self) -> None:
        """In a render worker: let go of what only the build's own process needs afterwards (the state
        as read and put, the article cache, the record's index), so that what the worker makes reuses
        their memory (about 100 MB of a rebuild's worker at 100,000 articles)."""
        self.state.forget()
        self.articles = None
        self.changes.record.forget()

    def write_photos(self) -> None:
        _write_photos(self.writer, self.photos, self.prepared, self.manifest, self.written, self.changes.stale)
        self.clock.step("photos", f"{len(self.prepared.used)} photos, {self.photos.encoded} encoded")

    def index(self) -> None:
        """The search index of the articles' strings, into the output (see :mod:`newsgen.search`)."""
        self.indexed: tuple[str, ...] = ()
        if not self.search:
            self.clock.step("search", "left out (no search index)")
            return
        pages = self.written.pages
        prints = pages.fingerprints() if isinstance(pages, Entries) else {p: e.fingerprint for p, e in pages.items()}
        index = index_articles(self.writer, self.pages_plan, prints, self.manifest, self.changes.stale, self.vouched)
        self.indexed = tuple(index.indexed)
        if isinstance(pages, Entries):
            pages.carry(index.kept, self.manifest.pages)
        else:
            pages.update((path, self.manifest.pages[path]) for path in index.kept)
        pages.update(index.entries)
        self.clock.step("search", index.summary)

    def write(self) -> None:
        """Put the new files in place: the output updated in place, or a new tree swapped in."""
        writer = self.writer
        self.written.pages.update(writer.statics)
        writer.commit()
        self.clock.step("write", f"{writer.pages} pages, {writer.files} feeds and other files, "
                                 f"{self.static} static files into {self.out}")

    def check(self) -> None:
        """With ``verify``: every page rendered again from scratch and compared with the build's."""
        self.differs: tuple[str, ...] = ()
        if self.verify:
            self.differs = _verify(self.pages, self.env, self.views, self.out, self.site)
            self.clock.step("verify", f"every page rendered again: {len(self.differs)} differ from the build's")

    def keep(self) -> None:
        """Record in the build state what the next build needs, and write it (one commit)."""
        if not self.incremental:
            return
        state, written = self.state, self.written
        written.inputs = self.inputs
        written.summary = {"pages": self.writer.pages, "files": self.writer.files, "static": self.static,
                           "articles": len(self.model.posts),
                           "warnings": [[str(d.location.path), d.location.line, d.location.col, d.message]
                                        for d in self.diagnostics.warnings]}
        written.keep(state, self.key)   # (a journal of what changed, while it is little)
        self.changes.save(self.reads)
        self.pinyin.save()
        if self.keys.references != state.get("templates"):
            state.put("templates", self.keys.references)
        self.photos.keep(self.checked.articles)   # drafts' too: kept for later
        if self.articles is not None:
            self.articles.save(state)
        written_ok = state.commit()
        self.clock.step("keep", "the build state written for the next build" if written_ok else
                        "the build state could not be written: the next build does more")

    def cleanup(self) -> None:
        """Drop the cached blobs no article needs any more; delete the previous output a full build
        swapped out."""
        if self.incremental:
            self.photos.prune(self.prepared.used.values())
            articles, renderer = self.articles, self.renderer
            if articles is None or not articles.hits:   # all read: keep only the HTML of these bodies
                renderer.prune(renderer.file_key(article.digest) if article.digest else renderer.key(article.body)
                               for article in self.checked.articles)
            elif articles.dropped:   # the HTML of the bodies read again or gone, unless another file has it
                current = {article.digest for article in self.checked.articles}
                renderer.discard(renderer.file_key(d) for d in articles.dropped - current)
        removed = self.writer.remove_previous(background=self.background_cleanup)   # (under the build lock)
        self.clock.step("cleanup", "output updated in place" if self.writer.in_place else "no previous output" if
                        not removed else "previous output removed" + (" in the background" * self.background_cleanup))


def _verify(pages: Pages, env: Any, views: Views, out: Path, site: Path) -> tuple[str, ...]:
    """The pages whose file in ``out`` is not the page rendered now from its context, made afresh."""
    def check(i: int) -> str | None:
        page = pages[i]
        fresh = Page(page.path, page.template, page.make)   # its context made again, whatever was made before
        try:
            html = render_page(env, fresh, views)
        except RENDER_ERRORS as exc:
            raise NewsgenError([render_problem(exc, page.template, page.path, site)]) from exc
        try:
            same = (out / page.path).read_bytes() == html.encode("utf-8")
        except OSError:
            same = False
        return None if same else page.path

    found: list[str | None] = []
    run_jobs(len(pages), check, results=found, before_fork=lambda: load_templates(env))
    return tuple(path for path in found if path is not None)


def _derive(posts: list[Any], derived: dict[str, list[Any]], cache: ArticleCache | None = None) -> None:
    """Fill ``derived`` (by file digest) with what :func:`newsgen.render.views.derive` gives of the
    articles neither it nor the article ``cache`` holds, in worker processes when they are many (the
    summaries and reading times of 10,000 articles took 2 s of a cold build in one process)."""
    articles = list(map(operator.attrgetter("article"), posts))
    read = cache.fresh() if cache is not None else articles   # (the others were taken from the cache)
    for article in [article for article in read if "_derived" in article.__dict__]:
        ahead = derived_ahead(article)   # derived by the readers (a cold build), of an article with no photos
        if ahead is not None and article.digest == file_digest(article):
            derived.setdefault(article.digest, ahead)
    for digest in [digest for digest, known in derived.items() if type(known) is not list or len(known) != 2]:
        del derived[digest]   # (not as written: derived again)
    digests = file_digests(articles)
    unknown = cache.lacking_derived(digests) if cache is not None else \
        [n for n, digest in enumerate(digests) if digest and digest not in derived]
    lacking = {digests[n]: articles[n] for n in unknown}   # file digest -> an article of it
    todo = list(lacking.items())
    done: list[list[Any]] = []
    run_jobs(len(todo), lambda i: derive(todo[i][1]), results=done, chunk=250, minimum=1000)
    derived.update(zip((digest for digest, _ in todo), done, strict=True))


def _write_photos(writer: OutputWriter, photos: Photos, prepared: Prepared, manifest: Manifest,
                  written: Manifest, stale: Set[str] | None = None) -> None:
    """Every derivative of every photo shown into the output: left there when it is the one recorded
    (its key names its source's bytes and the settings), else from the cache, encoded when not there.
    A photo that cannot be decoded is an error naming it; the previous output stays.

    ``stale`` (the last output's files not on disk as its manifest has them, when the build looked) lets
    a derivative the output updated in place holds be carried over as it is, its manifest entry with
    it, without a ``stat`` of each: a rebuild costs what changed, not every derivative of every photo
    (nor a look at the cache for each). One edited or deleted by hand is stale, and written again."""
    shown = list({photo.key: photo for photo in prepared.used.values()}.values())   # one copy of the same bytes
    known = manifest.pages
    writer.claim_files({variant.path: what for photo in shown for what in (f"photo {photo.source}",)
                        for variant in photo.variants})
    pending: list[tuple[Any, list[Any]]] = []   # the photos with derivatives the tree lacks, and those
    for photo in shown:
        lacking = []
        for variant in photo.variants:
            entry = known.get(variant.path)
            if (entry is not None and entry.fingerprint == photo.key and stale is not None
                    and writer.holds(variant.path, stale)):
                written.pages[variant.path] = entry   # the output's file, as recorded, is the tree's already
            else:
                lacking.append(variant)
        if lacking:
            pending.append((photo, lacking))
    todo = [photo for photo, _ in pending if photos.cache_dir is not None and photos.missing(photo)]

    def encode(i: int) -> int:
        try:
            photos.files(todo[i])
        except PhotoError as exc:
            raise NewsgenError(str(exc), Location(Path(todo[i].source))) from None
        return 1

    done: list[int] = []   # encoded into the cache by worker processes when there are several
    run_jobs(len(todo), encode, results=done, chunk=1, minimum=2)
    photos.encoded = len(done)   # (in this process too, when run serially)
    for photo, lacking in pending:
        files: dict[str, Any] | None = None
        for variant in lacking:
            if not writer.reuse(variant.path, photo.key):
                if files is None:
                    try:
                        files = photos.files(photo)
                    except PhotoError as exc:
                        raise NewsgenError(str(exc), Location(Path(photo.source))) from None
                data = files[variant.path]
                writer.store(variant.path, data if isinstance(data, bytes) else data.read_bytes())
            made = writer.identity(variant.path, photo.key)
            if made is not None:
                written.pages[variant.path] = made


class _Readings:
    """The pinyin of place, topic and tag names, kept between builds (by pypinyin's version), so
    that a rebuild does not load pypinyin's dictionaries to slug names it slugged before."""

    def __init__(self, state: cachefile.State | None) -> None:
        self.state = state
        self.version = text.pinyin_version()
        found = state.get("pinyin") if state is not None else None
        ok = isinstance(found, dict) and found.get("pypinyin") == self.version and isinstance(found.get("readings"),
                                                                                              dict)
        self.known: dict[str, Any] = found["readings"] if ok else {}   # type: ignore[index]
        text.remember_readings(self.known)

    def save(self) -> None:
        learned = {k: v for k, v in text.learned_readings().items() if k not in self.known}
        if learned and self.state is not None:
            self.state.put("pinyin", {"pypinyin": self.version, "readings": {**self.known, **learned}})


#: A file's identity, as the inputs digest and the article cache know it
_IDENTITY = operator.attrgetter("st_size", "st_mtime_ns", "st_ctime_ns", "st_ino")


#: files' identities as :func:`_stat` gives them: packed, four numbers a file, or (a number that
#: does not fit in 64 bits) a list each
Identities = array | list[list[int]]


def _stat(names: Sequence[str]) -> Identities:
    """The identity of each file of ``names`` (OSError: one cannot be stat'ed), packed, four numbers a
    file (:func:`_lists` makes the lists a build that goes on needs: not one a file for a build that stops
    at the digest), or a list each when a number does not fit in 64 bits."""
    try:
        return array("q", chain.from_iterable(map(_IDENTITY, map(os.stat, names))))
    except OverflowError:
        return list(map(list, map(_IDENTITY, map(os.stat, names))))


def _lists(identities: Identities) -> list[list[int]]:
    """Each file's identity as a list (as the article cache keeps them)."""
    if type(identities) is list:
        return identities
    return list(map(list, zip(*[iter(identities)] * 4, strict=True)))


def _inputs_digest(site: Path, config: config_mod.Config, out: Path, base_url: str | None, drafts: bool,
                   future: bool, search: bool = True) -> tuple[str, Callable[[], Listing]] | None:
    """A digest of everything a build into ``out`` reads, by file identity (path, size, mtime, ctime,
    inode), not content: the config file, every article, template and static file (the site's and the
    theme's), the options, newsgen's version, and today's date in the site's time zone (future-dated
    articles appear on their day). None when the inputs cannot be read cleanly (validation reports
    why). With it, what makes the listing of the files as found (so that reading the articles does not
    walk and stat them again, nor their photos), for a build that goes on.
    """
    today = dt.datetime.now(zoneinfo.ZoneInfo(config.timezone)).date()
    h = hashlib.sha256(f"{__version__}\0{base_url}\0{drafts}\0{future}\0{search}\0{today}\0"
                       f"{os.path.realpath(out)}\0".encode())
    problems = Diagnostics()
    articles = site / config.articles_dir
    # the articles as load_articles walks them (no theme links); templates and static files as validate does
    folders = [(site, articles, ("_", "."), ())]   # every file: an article's photos too
    folders += [(site, site / name, (".",), (THEME_DIR,)) for name in ("templates", "static")]
    folders += [(THEME_DIR, THEME_DIR / name, (".",), (THEME_DIR,)) for name in ("templates", "static")]
    found: list[tuple[list[str], Identities]] = []
    for home, folder, skip, allowed in folders:
        names = site_file_names(folder, home, problems, skip=skip, allowed=allowed)
        try:
            identities = _stat(names)
        except OSError:
            return None
        # surrogateescape: a name that is not UTF-8 is hashed as its bytes (validation then reports it)
        h.update(f"\0{folder}\0{len(names)}\0".encode("utf-8", "surrogateescape"))
        h.update("\0".join(names).encode("utf-8", "surrogateescape"))
        h.update(identities.tobytes() if type(identities) is array else orjson.dumps(identities))
        found.append((names, identities))
    try:
        h.update((site / config_mod.CONFIG_FILE).read_bytes())
    except FileNotFoundError:
        h.update(b"no config")
    except OSError:
        return None
    if problems.items:
        return None

    def listing() -> Listing:
        (paths, ids), (statics, static_ids) = found[0], found[2]   # (where a photo may be: photos.resolve)
        ids, static_ids = _lists(ids), _lists(static_ids)
        # every file an article (no name holds a NUL: each ".md" followed by one ends a name), or each looked at
        if ("\0".join(paths) + "\0").count(".md\0") == len(paths):
            files, others = tuple(zip(paths, ids, strict=True)), {}
        else:
            md = list(map(operator.methodcaller("endswith", ".md"), paths))
            files = tuple(compress(zip(paths, ids, strict=True), md))
            others = dict(compress(zip(paths, ids, strict=True), map(operator.not_, md)))
        others.update(zip(statics, static_ids, strict=True))
        walked = {str(where[1]): files_of for where, (files_of, _) in zip(folders[1:], found[1:], strict=True)}
        return Listing(articles, files, others, walked)

    return h.hexdigest(), listing


def _unchanged(out: Path, inputs: str, stale: StaleCheck | None) -> BuildResult | None:
    """The last build's result when its inputs digest was ``inputs`` (nothing it read has changed)
    and its output ``out`` is as it wrote it (``stale``: the look for its stale pages, started while
    the inputs were walked, which has the digest and the summary), else None."""
    if stale is None or not out.is_dir() or stale.last()[0] != inputs:
        return None
    with build_lock(out):   # another build running into it: refused as any build would be
        if stale.result():
            return None
    summary = stale.last()[1]
    try:
        warnings = [Diagnostic(Location(Path(w[0]), w[1], w[2]), w[3], Severity.WARNING)
                    for w in summary.get("warnings", [])]
        return BuildResult(pages=int(summary["pages"]), output=out, warnings=warnings,
                           articles=int(summary["articles"]), static_files=int(summary["static"]),
                           files=int(summary["files"]), rendered=0)
    except (KeyError, TypeError, ValueError, IndexError):
        return None
