"""``newsgen build``: articles/ -> a static site, as a flat list of timed steps (as Zola's ``Site::build``).

1. config      read ``newsgen.yaml`` (``--base-url`` overrides ``base_url``)      } ``validate()``, shared
2. articles    read every article, collecting every problem of every file      } with ``newsgen check``
3. (check)     any error: raise NewsgenError with all of them, before the output is touched
4. model       build the site model (order, regions, topics, tags, archives; drafts and
               future-dated articles left out unless asked for)
5. views       make the read-only views templates see (summaries, reading times, links)
6. plan        plan every page, feed, the sitemap and robots.txt
7. changes     find which pages the changes since the last build reach: those whose record of what
               they read holds a value that changed (see ``commands.delta``); all of them on a full build
8. render      make those pages' contexts (recording what each reads), and render and write into a
               temporary directory (the previous output updated in place) each whose fingerprint changed
               (Markdown converted once per article, templates compiled once), in worker processes
               for a big site (see ``render.parallel``)
9. search      index the articles' strings into ``search-index/`` (see ``newsgen.search``)
10. write      swap the temporary directory (static files copied first) in place of the output
11. cleanup    record what the next build needs; keep the previous output, moved aside by the
               swap, as the spare the next build updates (or delete it)

Nothing here prints; ``progress`` receives one line per step.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
import zoneinfo
from collections.abc import Callable, Sequence, Set
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsgen import __version__, cachefile, text
from newsgen import config as config_mod
from newsgen.commands.delta import find_changes
from newsgen.commands.validate import validate
from newsgen.content import ArticleCache, Listing, file_digest, not_utf8, site_file_names
from newsgen.errors import Diagnostic, Diagnostics, Location, NewsgenError, Severity
from newsgen.output import CACHE_DIR, Manifest, OutputWriter, StaleCheck, build_lock
from newsgen.render import THEME_DIR, load_templates, make_environment, render_page, static_dirs
from newsgen.render.env import RENDER_ERRORS, render_problem
from newsgen.render.fingerprint import Fingerprints
from newsgen.render.markdown import MarkdownRenderer
from newsgen.render.pages import Page, Plan, plan_all
from newsgen.render.parallel import run_jobs
from newsgen.render.photos import PhotoError, Photos, Prepared, prepare
from newsgen.render.views import Views, derive
from newsgen.search import index_articles


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
    parsed articles, so that each rebuild neither reads nor writes the whole article cache (tens of
    megabytes at 10,000 articles). :meth:`close` writes it, for the next ``newsgen build``; a
    session killed first only leaves that build more files to read."""

    def __init__(self) -> None:
        self._caches: dict[Path, ArticleCache] = {}

    def articles(self, path: Path) -> ArticleCache:
        cache = self._caches.get(path)
        if cache is None:
            cache = self._caches[path] = ArticleCache(path)
        return cache

    def close(self) -> None:
        for cache in self._caches.values():
            cache.save()
        self._caches.clear()


def build(site: Path, output: Path | None = None, base_url: str | None = None,
          progress: Callable[[str], None] | None = None, *, drafts: bool = False,
          future: bool = False, incremental: bool = True, background_cleanup: bool = False,
          on_render: Callable[[int, int], None] | None = None, search: bool = True,
          session: BuildSession | None = None, publishing: bool = True, verify: bool = False) -> BuildResult:
    """Build ``site`` into ``output`` (default ``site/<output_dir>``). Raises NewsgenError on bad input.

    Drafts and future-dated articles are left out unless ``drafts`` / ``future``. ``incremental``
    reuses what the last build left in ``SITE/.newsgen-cache`` (parsed articles, page fingerprints);
    without it, everything is read and rendered. ``background_cleanup`` leaves deleting the previous
    output to a detached process (the command line's choice). ``on_render(done, total)`` follows
    the rendering, for a progress bar. ``search=False`` leaves the search index out (``newsgen
    serve`` does, so that a preview does not wait for indexing). A ``session`` keeps the parsed
    articles in memory from one build to the next (see :class:`BuildSession`). ``publishing=False``
    (a preview, a link check) leaves out the warning about a ``base_url`` without a host. ``verify``
    renders every page again from scratch after the build and compares it with the file the build
    left, naming each that differs in ``BuildResult.differs`` (the incremental path checked)."""
    for folder in (site, output):   # its path is hashed, written into the cache and printed as UTF-8
        if folder is not None and not_utf8(str(folder)):
            shown = os.fsencode(folder).decode("utf-8", "backslashreplace")
            raise NewsgenError("this folder's path is not UTF-8 text; rename the folder (or the one holding it)",
                               Location(Path(shown)))
    clock = _Clock(progress)
    cache_dir = site / CACHE_DIR
    try:   # read once: the inputs digest and validation both use it (validation reports a bad one)
        config: config_mod.Config | None = config_mod.load(site)
    except NewsgenError:
        config = None
    inputs, listing, last_out = _inputs_digest(site, config, output, base_url, drafts, future, search) \
        if incremental and config is not None else ("", None, None)
    known: tuple[Path, Manifest] | None = None   # the last build's manifest, read once
    stale: StaleCheck | None = None              # its pages not on disk as written, found meanwhile
    if inputs and last_out is not None and not verify:
        unchanged, known = _unchanged(site, last_out, inputs)
        if unchanged is not None:
            clock.step("unchanged", "no input changed since the last build and its output is intact")
            unchanged.timings = clock.timings
            return unchanged
        if known[1].pages:
            stale = known[1].stale_ahead(last_out)
    readings = _Readings(cache_dir / "pinyin.json") if incremental else None
    articles_cache: ArticleCache | None = None
    if incremental:
        path = cache_dir / "articles.json"
        articles_cache = session.articles(path) if session is not None else ArticleCache(path)
    photo_state: dict[str, Any] = {}

    def with_photos(chosen: list[Any], config: config_mod.Config) -> tuple[list[Any], list[Diagnostic]]:
        """The photos of the articles built: resolved and inspected, their digests folded into the articles'."""
        photos = Photos(site, config.photos, cache_dir / "photos" if incremental else None, config.base_path)
        prepared = prepare(photos, chosen, listing.others if listing is not None else None)
        photo_state.update(photos=photos, prepared=prepared)
        return prepared.articles, prepared.problems

    checked = validate(site, output, base_url, drafts=drafts, future=future, step=clock.step,
                       cache=articles_cache, listing=listing, publishing=publishing, adjust=with_photos,
                       config=config)
    if not checked.ok or checked.model is None:
        raise NewsgenError(checked.diagnostics.items)
    config, out, model, diagnostics = checked.config, checked.output, checked.model, checked.diagnostics
    clock.step("model", f"{len(model.posts)} published, {model.drafts} drafts, {len(model.places)} places, "
                        f"{len(model.topics)} topics, {len(model.tags)} tags")

    photos: Photos = photo_state["photos"]
    prepared: Prepared = photo_state["prepared"]
    derived = articles_cache.derived if articles_cache is not None else {}
    _derive(model.posts, derived)
    views = Views(model, derived=derived, photos=prepared.leads)
    env = make_environment(site)
    renderer = MarkdownRenderer(unsafe_html=config.markdown.unsafe_html,
                                cache_dir=cache_dir / "bodies" if incremental else None)
    if prepared.used:   # a site without photos converts its bodies exactly as before
        renderer.use_photos(photos)
    clock.step("views", "summaries, reading times and links ready")

    manifest_path = Manifest.path_for(cache_dir, out)
    if not incremental:
        manifest = Manifest()
    elif known is not None and known[0] == manifest_path:
        manifest = known[1]
    else:
        manifest = Manifest.load(manifest_path)
        if stale is not None:   # of another output's manifest
            stale.close()
            stale = None
    with OutputWriter(out, spare=incremental) as writer:
        static = sum(writer.copy_static(d) for d in static_dirs(site))
        plan = Plan(model, views, renderer, cache_dir=cache_dir if incremental else None)
        pages = list(plan_all(plan))
        for page in pages:   # a clash of two pages is found before anything is rendered
            writer.claim(page.path)
        references = _References(cache_dir / "templates.json") if incremental else None
        fingerprints = Fingerprints(env, config=config, site_view=views.site_view, renderer=renderer.settings,
                                    references=references.known if references is not None else None)
        clock.step("plan", f"{len(pages)} pages planned")
        changes = find_changes(plan, pages, fingerprints, writer, manifest, manifest_path, search=search,
                               incremental=incremental, stale=stale)
        previous, todo = changes.previous, changes.todo
        # without a spare to update in place, every other page is linked from the last output
        jobs: Sequence[int] = range(len(pages)) if changes.carry else todo
        carried = frozenset(range(len(pages))).difference(todo) if changes.carry else frozenset()
        clock.step("changes", f"{len(todo)} pages reached by the changes" if previous is not None else
                   "the configuration, templates, options or static files changed, a place, topic or tag "
                   "changed its URL, or no record: "
                   "every page looked at")

        def job(i: int) -> tuple[bool, list[Any], tuple[tuple[str, str], ...] | None]:
            """Make page ``i``'s context, recording what it reads, and fingerprint it; hard-link it from
            the previous output if unchanged, else render it (a page the changes do not reach: linked
            as it is, its reads None). In the worker processes, so contexts, links and rendering all run
            in parallel."""
            page = pages[i]
            if i in carried:
                entry = manifest.pages[page.path]
                if writer.reuse(page.path, entry[0], manifest):
                    return True, writer.identity(page.path, entry[0]), None
            views.record = record = {}
            try:
                fingerprint = fingerprints.page(page)
            finally:
                views.record = None
            reused = writer.reuse(page.path, fingerprint, manifest)
            if not reused:
                try:
                    html = render_page(env, page, views)
                except RENDER_ERRORS as exc:
                    raise NewsgenError([render_problem(exc, page.template, page.path, site)]) from exc
                writer.store(page.path, html)
            return reused, writer.identity(page.path, fingerprint), tuple(record.items())

        done = 0

        def rendered(n: int) -> None:
            nonlocal done
            done += n
            if on_render is not None:
                on_render(done, len(pages))

        looked: list[tuple[bool, list[Any], tuple[tuple[str, str], ...] | None]] = []   # the outcomes of the jobs
        processes = run_jobs(len(jobs), lambda k: job(jobs[k]), progress=rendered, results=looked,
                             before_fork=lambda: load_templates(env))
        outcomes = looked
        if previous is not None and not changes.carry:   # every other page carried over as the last build left it
            done_now = dict(zip(todo, looked, strict=True))
            outcomes = [done_now.get(i) or (True, manifest.pages[page.path], ()) for i, page in enumerate(pages)]
        reads = [(i, found) for i, (_, _, found) in zip(jobs, looked, strict=True) if found is not None]
        dirty = [page for page, (reused, _, _) in zip(pages, outcomes, strict=True) if not reused]
        clock.step("render", f"{len(dirty)} pages and feeds rendered and written, {len(pages) - len(dirty)} "
                             f"unchanged and reused, by {processes} process{'es' if processes > 1 else ''}")
        written = Manifest({page.path: entry for page, (_, entry, _) in zip(pages, outcomes, strict=True) if entry})
        _write_photos(writer, photos, prepared, manifest, written, changes.stale)
        clock.step("photos", f"{len(prepared.used)} photos, {photos.encoded} encoded")

        # search: the index of the articles' strings, into the temporary output (see newsgen.search)
        prints = {path: entry[0] for path, entry in written.pages.items()}
        if search:
            index = index_articles(writer, plan, prints, manifest, changes.stale)
            indexed = tuple(index.indexed)
            for path, fingerprint in index.prints.items():   # (a file linked: its entry as it was)
                written.pages[path] = index.entries.get(path) or writer.identity(path, fingerprint)
            clock.step("search", index.summary)
        else:
            indexed = ()
            clock.step("search", "left out (no search index)")
        written.inputs = inputs
        written.summary = {"pages": writer.pages, "files": writer.files, "static": static,
                           "articles": len(model.posts),
                           "warnings": [[str(d.location.path), d.location.line, d.location.col, d.message]
                                        for d in diagnostics.warnings]}
        if previous is not None:   # the last output's files this build has not made (no sweep)
            writer.drop(manifest.pages.keys() - written.pages.keys())
        writer.commit(sweep=previous is None)
        clock.step("write", f"{writer.pages} pages, {writer.files} feeds and other files, "
                            f"{static} static files into {out}")
        differs: tuple[str, ...] = ()
        if verify:
            differs = _verify(pages, env, views, out, site)
            clock.step("verify", f"every page rendered again: {len(differs)} differ from the build's")
        if incremental:
            written.save(manifest_path, out)
            changes.save(manifest_path, [page.path for page in pages], reads,
                         dirty=[page.path for page in dirty], lost=manifest.pages.keys() - written.pages.keys())
            if readings is not None:
                readings.save()
            if references is not None:
                references.save(fingerprints.references)
            photos.save(prepared.used.values(), checked.articles)
            if articles_cache is not None and session is None:   # a session writes it when it closes
                articles_cache.save()
            if articles_cache is None or not articles_cache.hits:   # all read: keep only the HTML of these bodies
                renderer.prune(renderer.file_key(article.digest) if article.digest else renderer.key(article.body)
                               for article in checked.articles)   # drafts' too: kept for later
            elif articles_cache.dropped:   # the HTML of the bodies read again or gone, unless another file has it
                current = {article.digest for article in checked.articles}
                renderer.discard(renderer.file_key(d) for d in articles_cache.dropped - current)
        # kept as the spare the next build updates in place; else deleted, under the build lock unless in background
        writer.remove_previous(background=background_cleanup, keep=incremental)
        clock.step("cleanup", "previous output kept for the next build to update" if incremental else
                   "previous output removed" + (" in the background" if background_cleanup else ""))
    timings = clock.timings

    return BuildResult(pages=writer.pages, output=out, warnings=diagnostics.warnings, timings=timings,
                       articles=len(model.posts), static_files=static, files=writer.files,
                       rendered=len(dirty), rendered_paths=tuple(page.path for page in dirty),
                       indexed=indexed, checked=len(reads), differs=differs)


def _verify(pages: Sequence[Page], env: Any, views: Views, out: Path, site: Path) -> tuple[str, ...]:
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


def _derive(posts: list[Any], derived: dict[str, list[Any]]) -> None:
    """Fill ``derived`` (by file digest) with what :func:`newsgen.render.views.derive` gives of the
    articles it does not hold, in worker processes when they are many (the summaries and reading
    times of 10,000 articles took 2 s of a cold build in one process)."""
    todo = list({file_digest(p.article): p.article for p in posts
                 if file_digest(p.article) and len(derived.get(file_digest(p.article)) or ()) != 2}.items())
    done: list[list[Any]] = []
    run_jobs(len(todo), lambda i: derive(todo[i][1]), results=done, chunk=250, minimum=1000)
    derived.update(zip((digest for digest, _ in todo), done, strict=True))


def _write_photos(writer: OutputWriter, photos: Photos, prepared: Prepared, manifest: Manifest,
                  written: Manifest, stale: Set[str] | None = None) -> None:
    """Every derivative of every photo shown into the output: linked from the last output when it is the
    one recorded there (its key names its source's bytes and the settings), else from the cache, encoded
    when not there. A photo that cannot be decoded is an error naming it; the previous output stays.

    ``stale`` (the last output's files not on disk as its manifest has them, when the build looked) lets
    a derivative the tree updated in place already holds be carried over as it is, its manifest entry
    with it, found in one listing of ``photos/`` rather than by a ``stat`` of each file in both trees:
    a rebuild costs what changed, not every derivative of every photo (nor a look at the cache for each).
    One edited or deleted by hand is stale, and written again."""
    shown = list({photo.key: photo for photo in prepared.used.values()}.values())   # one copy of the same bytes
    known = manifest.pages
    writer.claim_files({variant.path: what for photo in shown for what in (f"photo {photo.source}",)
                        for variant in photo.variants})
    pending: list[tuple[Any, list[Any]]] = []   # the photos with derivatives the tree lacks, and those
    for photo in shown:
        lacking = []
        for variant in photo.variants:
            entry = known.get(variant.path)
            if (entry is not None and entry[0] == photo.key and stale is not None
                    and writer.holds(variant.path, entry, stale)):
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
            if not writer.reuse(variant.path, photo.key, manifest):
                if files is None:
                    try:
                        files = photos.files(photo)
                    except PhotoError as exc:
                        raise NewsgenError(str(exc), Location(Path(photo.source))) from None
                data = files[variant.path]
                writer.store(variant.path, data if isinstance(data, bytes) else data.read_bytes())
            written.pages[variant.path] = writer.identity(variant.path, photo.key)


class _Readings:
    """The pinyin of place, topic and tag names, kept between builds (``pinyin.json``, by pypinyin's
    version), so that a rebuild does not load pypinyin's dictionaries to slug names it slugged before."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.version = text.pinyin_version()
        self.known: dict[str, Any] = {}
        try:
            data = cachefile.read_json(path)
            readings = data.get("readings") if isinstance(data, dict) else None
            if data.get("pypinyin") == self.version and isinstance(readings, dict):
                self.known = readings
        except (OSError, ValueError):
            pass
        text.remember_readings(self.known)

    def save(self) -> None:
        learned = {k: v for k, v in text.learned_readings().items() if k not in self.known}
        if learned:
            cachefile.write_json(self.path, {"pypinyin": self.version, "readings": {**self.known, **learned}})


class _References:
    """The templates each template refers to, by a digest of its name and source
    (``templates.json``; see :class:`Fingerprints`), so that a rebuild does not parse them all."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.known: dict[str, list[str | None]] = {}
        try:
            data = cachefile.read_json(path)
            if isinstance(data, dict) and all(isinstance(refs, list) and all(r is None or isinstance(r, str)
                                                                               for r in refs)
                                              for refs in data.values()):
                self.known = data
        except (OSError, ValueError):
            pass

    def save(self, used: dict[str, list[str | None]]) -> None:
        """Keep the references of the templates this build used (the others' sources are gone)."""
        if used != self.known:
            cachefile.write_json(self.path, used)


def _inputs_digest(site: Path, config: config_mod.Config, output: Path | None, base_url: str | None,
                   drafts: bool, future: bool, search: bool = True) -> tuple[str, Listing | None, Path | None]:
    """A digest of everything a build reads, by file identity (path, size, mtime, ctime, inode), not
    content: the config file, every article, template and static file (the site's and the theme's),
    the options, newsgen's version, and today's date in the site's time zone (future-dated articles
    appear on their day). ``''`` when the inputs cannot be read cleanly (the full path reports why).
    With it, the article files as found (so that reading them does not walk and stat them again, nor
    their photos), and the output the configuration names (None when it cannot be read).
    """
    out = output if output is not None else site / config.output_dir
    today = dt.datetime.now(zoneinfo.ZoneInfo(config.timezone)).date()
    h = hashlib.sha256(f"{__version__}\0{base_url}\0{drafts}\0{future}\0{search}\0{today}\0"
                       f"{os.path.realpath(out)}\0".encode())
    problems = Diagnostics()
    articles = site / config.articles_dir
    found: list[tuple[Path, list[int]]] = []
    others: dict[str, list[int]] = {}
    # the articles as load_articles walks them (no theme links); templates and static files as validate does
    folders = [(site, articles, "", ("_", "."), ())]   # every file: an article's photos too
    folders += [(site, site / name, "", (".",), (THEME_DIR,)) for name in ("templates", "static")]
    folders += [(THEME_DIR, THEME_DIR / name, "", (".",), (THEME_DIR,)) for name in ("templates", "static")]
    photo_folders = (folders[0][1], folders[2][1])   # where a photo may be (see newsgen.render.photos.resolve)
    for home, folder, suffix, skip, allowed in folders:
        h.update(f"\0{folder}\0".encode())
        keep = folder in photo_folders
        for path in site_file_names(folder, home, problems, suffix=suffix, skip=skip, allowed=allowed):
            try:
                st = os.stat(path)
            except OSError:
                return "", None, None
            # fsencode: a name that is not UTF-8 is hashed as its bytes (validation then reports it)
            h.update(os.fsencode(path) + f"\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}\0{st.st_ino}\n".encode())
            if folder is articles and path.endswith(".md"):
                found.append((path, [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]))
            elif keep:   # a photo's file, which the build then need not stat again
                others[path] = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
    try:
        h.update((site / config_mod.CONFIG_FILE).read_bytes())
    except FileNotFoundError:
        h.update(b"no config")
    except OSError:
        return "", None, None
    if problems.items:
        return "", None, None
    return h.hexdigest(), Listing(articles, tuple(found), others), out


def _unchanged(site: Path, out: Path, inputs: str) -> tuple[BuildResult | None, tuple[Path, Manifest]]:
    """The last build's result when its inputs digest was ``inputs`` (nothing it read has changed)
    and its output ``out`` is as it wrote it, else None; and that build's manifest with its path (for
    the build to go on with, rather than read it again)."""
    path = Manifest.path_for(site / CACHE_DIR, out)
    manifest = Manifest.load(path)
    known = (path, manifest)
    if manifest.inputs != inputs or not out.is_dir():
        return None, known
    with build_lock(out):   # another build running into it: refused as any build would be
        if not manifest.matches_disk(out):
            return None, known
    summary = manifest.summary
    try:
        warnings = [Diagnostic(Location(Path(w[0]), w[1], w[2]), w[3], Severity.WARNING)
                    for w in summary.get("warnings", [])]
        return BuildResult(pages=int(summary["pages"]), output=out, warnings=warnings,
                           articles=int(summary["articles"]), static_files=int(summary["static"]),
                           files=int(summary["files"]), rendered=0), known
    except (KeyError, TypeError, ValueError, IndexError):
        return None, known
