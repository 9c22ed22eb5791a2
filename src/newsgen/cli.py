"""The ``newsgen`` command line. The only module that prints diagnostics and picks exit codes.

Exit codes: 0 success, 1 bad input (every problem is printed as ``path:line: message``),
2 wrong usage, 70 an internal error (a defect: one line, the traceback with ``--verbose``), 130 interrupted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import sys
import threading
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from newsgen import __version__
from newsgen.errors import NewsgenError

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 70, 130


def _iso_date(value: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date; use YYYY-MM-DD, e.g. 2025-08-06") from None
    from newsgen.content import FIRST_DAY, LAST_DAY  # the dates an article may have: build refuses others
    if not FIRST_DAY <= day <= LAST_DAY:
        raise argparse.ArgumentTypeError(f"'{value}' is out of range: newsgen takes dates from {FIRST_DAY} to "
                                         f"{LAST_DAY}")
    return day


def _parser() -> argparse.ArgumentParser:
    verbose = argparse.ArgumentParser(add_help=False)
    verbose.add_argument("-v", "--verbose", action="store_true", help="show progress and timings on stderr")
    common = argparse.ArgumentParser(add_help=False, parents=[verbose])
    common.add_argument("--site", type=Path, default=Path("."), metavar="DIR",
                        help="site directory holding newsgen.yaml and articles/ (default: current directory)")

    parser = argparse.ArgumentParser(
        prog="newsgen",
        description="Static news-archive generator for Chinese regional news: import raw bulletins "
                    "into article files, build them into a browsable static archive.",
        epilog="Run 'newsgen COMMAND --help' for a command's options. "
               "Exit codes: 0 ok, 1 bad input, 2 wrong usage, 70 internal error, 130 interrupted.")
    parser.add_argument("--version", action="version", version=f"newsgen {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    build = sub.add_parser(
        "build", parents=[common], help="render articles/ into a static site",
        description="Render SITE/articles into a static archive (article, region, topic, tag and archive "
                    "pages). The output is written to a temporary directory and swapped in only when the "
                    "build succeeds, so a failed build leaves the previous output untouched.")
    build.add_argument("--output", "-o", type=Path, metavar="DIR",
                       help="output directory (default: SITE/build, or output_dir in newsgen.yaml)")
    build.add_argument("--base-url", metavar="URL",
                       help="override base_url from newsgen.yaml, e.g. https://example.org/archive/")
    build.add_argument("--full", action="store_true",
                       help="read and render everything, ignoring SITE/.newsgen-cache (which then is not updated)")
    build.add_argument("--verify", action="store_true",
                       help="after building, render every page from scratch and compare it with the page the "
                            "build left; name each that differs (exit status 1 if any)")
    build.add_argument("--no-search", action="store_true",
                       help="leave the search index out (faster; /search/ then finds nothing)")
    build.add_argument("--drafts", action="store_true", help="also build articles marked draft: true")
    build.add_argument("--future", action="store_true",
                       help="also build articles dated after today (in the site's time zone)")

    imp = sub.add_parser(
        "import", parents=[common], help="turn a raw bulletin into article files",
        description="Parse a raw bulletin (text extracted from a newspaper page), put its articles back "
                    "together and write one Markdown file per article into SITE/articles/YYYY/MM/. "
                    "Prints a report of every decision; nothing of the bulletin is ever dropped.")
    imp.add_argument("bulletin", type=Path, nargs="+", metavar="BULLETIN",
                     help="the raw bulletin, a UTF-8 text file; or a newspaper's PDF page(s), or a folder of "
                          "them: one issue, read with its layout")
    imp.add_argument("--date", type=_iso_date, metavar="YYYY-MM-DD",
                     help="publication date of the articles (default: the bulletin's dateline, if any)")
    imp.add_argument("--dry-run", action="store_true", help="parse and report, write nothing")
    imp.add_argument("--force", action="store_true",
                     help="import again a bulletin already imported, overwriting its article files")
    imp.add_argument("--report", type=Path, metavar="FILE.json", help="also write the report as JSON")

    init = sub.add_parser(
        "init", parents=[verbose], help="create a new, empty site",
        description="Create a new site in DIR: a commented newsgen.yaml, an empty articles/, a bulletins/ "
                    "folder, a short README and a .gitignore. It builds with the theme bundled in newsgen; "
                    "--theme-copy copies the theme's templates/ and static/ in for customising.")
    init.add_argument("directory", type=Path, metavar="DIR", help="where to create the site (made if missing)")
    init.add_argument("--province", metavar="省",
                      help="set regions.province, the prior for resolving bare place names, e.g. 江西省")
    init.add_argument("--title", help="the site title (default: 新闻档案)")
    init.add_argument("--base-url", metavar="URL",
                      help="where the site will be published, e.g. https://example.org/archive/ (written as "
                           "base_url in newsgen.yaml; feeds and the sitemap need it)")
    init.add_argument("--theme-copy", action="store_true",
                      help="copy the bundled theme's templates/ and static/ into the site to customise them")
    init.add_argument("--force", action="store_true",
                      help="create the site in a directory that is not empty (no file is overwritten: one of "
                           "the same name with other content is an error)")

    new = sub.add_parser(
        "new", parents=[common], help="write a new article file",
        description="Write SITE/articles/YYYY/MM/<pinyin-slug>.md with complete front matter and print its "
                    "path. The place is resolved to its full path (省/市/县/镇) with the gazetteer, "
                    "regions.aliases and the regions.province prior; an unknown or ambiguous place is an "
                    "error listing the candidates. The article is a draft unless --publish. An existing "
                    "file is never overwritten: a taken slug gets -2, -3 ….")
    new.add_argument("title", metavar="TITLE", help="the article title, e.g. \"罗家镇完成供水管网改造\"")
    new.add_argument("--region", action="append", default=[], metavar="PLACE",
                     help="a place (罗家镇, 青山湖区/罗家镇, an alias); repeat for several")
    new.add_argument("--topic", action="append", default=[], metavar="TOPIC",
                     help="a topic of the taxonomy (水利); repeat for several")
    new.add_argument("--tag", action="append", default=[], metavar="TAG", help="a tag; repeat for several")
    new.add_argument("--author", action="append", default=[], metavar="NAME", help="an author; repeat for several")
    new.add_argument("--date", type=_iso_date, metavar="YYYY-MM-DD",
                     help="publication date (default: today in the site's time zone)")
    new.add_argument("--publish", action="store_true", help="write draft: false (default: draft: true)")
    new.add_argument("--photo", nargs="+", action="extend", default=[], type=Path, metavar="FILE",
                     help="photos for the article: it becomes a folder (YYYY/MM/<slug>/index.md) holding copies "
                          "of them, each shown in its body")

    chk = sub.add_parser(
        "check", parents=[common], help="report every problem of the site at once",
        description="Report, as path:line: message with what to do, everything build would reject and "
                    "everything it would warn about, and more: schema errors, misspelt keys, slugs or URLs "
                    "used twice, places not in the gazetteer nor regions.aliases, topics outside the taxonomy, "
                    "links in article bodies that lead nowhere; drafts and future-dated articles are listed. "
                    "Exit 1 if there is any error.")
    chk.add_argument("--fix", action="store_true",
                     help="first fill missing derived fields (slug, regions, topics, tags, summary) as import "
                          "does, rewriting front matter only (never a byte of the body); prints the diff. A "
                          "symbolic link is fixed through (it stays a link); a read-only file is left as it is")
    chk.add_argument("--links", action="store_true",
                     help="also build into a temporary folder and follow every internal link, feed entry "
                          "and sitemap entry")

    srv = sub.add_parser(
        "serve", parents=[common], help="preview the site, rebuilt and reloaded as you edit",
        description="Build the site into a temporary folder (never into build/), serve it on 127.0.0.1 (only to "
                    "requests naming localhost, 127.0.0.1 or [::1]; --host to change) and "
                    "watch articles/, templates/, static/ and newsgen.yaml: every change rebuilds the site and "
                    "reloads the open pages. A build error does not stop the server: the pages show it as "
                    "path:line: message until it is fixed. Ctrl+C stops it.")
    srv.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000; 0 picks a free one)")
    srv.add_argument("--host", default="127.0.0.1",
                     help="address to listen on (default 127.0.0.1: this machine only; 0.0.0.0 opens the preview, "
                          "drafts included, to the network). Requests naming another host are refused")
    srv.add_argument("--drafts", action="store_true", help="also show articles marked draft: true")
    srv.add_argument("--future", action="store_true", help="also show articles dated after today")
    srv.add_argument("--open", action="store_true", help="open the site in the web browser")
    return parser


def _progress(verbose: bool, start: float):
    def say(message: str) -> None:
        if verbose:
            print(f"[{time.perf_counter() - start:6.2f}s] {message}", file=sys.stderr, flush=True)
    return say


class _Bar:
    """A tqdm progress bar of rendered pages on a terminal's stderr; it shows only after 2 seconds."""

    def __init__(self) -> None:
        from tqdm import tqdm

        self._tqdm = tqdm
        self._bar: Any = None
        self._start = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            # created at the first report, with the real total; shown once the build has taken 2 s
            delay = max(0.0, 2.0 - (time.monotonic() - self._start))
            self._bar = self._tqdm(total=total, unit="page", file=sys.stderr, delay=delay, leave=False,
                                   desc="rendering")
        self._bar.update(done - self._bar.n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def _progress_bar(verbose: bool) -> _Bar | None:
    """A bar when stderr is a terminal and --verbose does not print step lines instead."""
    if verbose or not sys.stderr.isatty():
        return None
    try:
        return _Bar()
    except ImportError:
        return None


def _cmd_build(args: argparse.Namespace) -> int:
    from newsgen.commands.build import build

    start = time.perf_counter()
    bar = _progress_bar(args.verbose)
    try:
        result = build(args.site, args.output, base_url=args.base_url, progress=_progress(args.verbose, start),
                       drafts=args.drafts, future=args.future, incremental=not args.full,
                       background_cleanup=True, on_render=bar, search=not args.no_search, verify=args.verify)
    finally:
        if bar is not None:
            bar.close()
    if result.cold:
        print(f"note: {result.cold}: every article read and every page built afresh", file=sys.stderr)
    for warning in result.warnings:
        print(warning, file=sys.stderr)
    other = f" and {result.files} other files (feeds, sitemaps, robots.txt)" if result.files else ""
    print(f"built {result.pages} pages{other} into {result.output} in {time.perf_counter() - start:.2f}s")
    if args.verify:
        for path in result.differs:
            print(f"verify: {path} differs from the page rendered from scratch", file=sys.stderr)
        if result.differs:
            print(f"verify: {len(result.differs)} pages differ; `newsgen build --full` rebuilds them all",
                  file=sys.stderr)
            return EXIT_INPUT
        print("verify: every page is as rendered from scratch")
    return EXIT_OK


def _cmd_import(args: argparse.Namespace) -> int:
    from newsgen.commands.importer import run_import

    start = time.perf_counter()
    bulletin = args.bulletin[0] if len(args.bulletin) == 1 else args.bulletin
    report = run_import(bulletin, args.site, args.date, dry_run=args.dry_run, force=args.force,
                        progress=_progress(args.verbose, start), report_path=args.report)
    for line in report.lines():
        print(line)
    return EXIT_OK


def _cmd_init(args: argparse.Namespace) -> int:
    from newsgen.commands.init import init

    result = init(args.directory, title=args.title, province=args.province, theme_copy=args.theme_copy,
                  force=args.force, base_url=args.base_url)
    theme = [p for p in result.written if p.parts[0] in ("templates", "static")]
    own = [str(p) for p in result.written if p not in theme] + [f"{p}/" for p in result.folders]
    copied = f" and {len(theme)} theme files (templates/, static/)" if theme else ""
    print(f"created a site in {result.site}: {', '.join(own)}{copied}")
    if args.province is None:
        print("tip: set regions.province in newsgen.yaml (or run init with --province 江西省) so that bare place "
              "names such as 罗家镇 resolve")
    if args.base_url is None:
        print("tip: before publishing, set base_url in newsgen.yaml to the site's address (e.g. "
              "https://example.org/), or run init with --base-url: feeds and the sitemap need it")
    print(f"next: cd {result.site} && newsgen new \"标题\" --region 地名 (or newsgen import BULLETIN), "
          "then newsgen build")
    return EXIT_OK


def _cmd_new(args: argparse.Namespace) -> int:
    from newsgen.commands.new import new_article

    result = new_article(args.site, args.title, regions=args.region, topics=args.topic, tags=args.tag,
                         authors=args.author, date=args.date, publish=args.publish, photos=args.photo)
    for warning in result.warnings:
        print(warning, file=sys.stderr)
    print(args.site / result.path if args.site != Path(".") else result.path)
    return EXIT_OK


def _cmd_check(args: argparse.Namespace) -> int:
    from newsgen.commands.check import check

    result = check(args.site, fix=args.fix, links=args.links)
    for fixed in result.fixed:
        print(fixed.diff, end="" if fixed.diff.endswith("\n") else "\n")
    if result.fixed:
        print(f"fixed {len(result.fixed)} file(s): front matter only, bodies untouched")
    for diagnostic in result.diagnostics:
        print(diagnostic)
    for note in result.notes:
        print(note)
    links = "; links of the built site followed" if result.links_checked else ""
    print(f"newsgen check: {result.articles} article(s) read, {len(result.errors)} error(s), "
          f"{len(result.warnings)} warning(s), {len(result.notes)} left out of build{links}")
    return EXIT_OK if result.ok else EXIT_INPUT


def _cmd_serve(args: argparse.Namespace) -> int:
    import signal
    import webbrowser

    from newsgen.commands.serve import start

    def log(line: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {line}", file=sys.stderr, flush=True)

    def interrupt(_signum: int, _frame: object) -> None:   # `kill`: stop as Ctrl+C does, temp folder removed
        raise KeyboardInterrupt

    # Before the first build: a `kill` that comes as soon as the server is started (or while it builds)
    # must stop it as Ctrl+C does, not end the process with its temporary folder left behind.
    previous = signal.signal(signal.SIGTERM, interrupt), signal.getsignal(signal.SIGINT)
    preview = None
    try:
        preview = start(args.site, args.port, drafts=args.drafts, future=args.future, host=args.host, log=log)
        print(f"serving {args.site.resolve()} at {preview.url} (built into {preview.output}); Ctrl+C to stop",
              flush=True)
        if args.open:
            webbrowser.open(preview.url)
        preview.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)   # a second Ctrl+C must not cut the stop short
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            if preview is not None:
                preview.stop()   # (bounded: a build in flight is abandoned)
        finally:
            for number, handler in zip((signal.SIGTERM, signal.SIGINT), previous, strict=True):
                signal.signal(number, signal.SIG_DFL if handler is None else handler)
    print("stopped", flush=True)
    return EXIT_OK


COMMANDS = {"build": _cmd_build, "import": _cmd_import, "init": _cmd_init, "new": _cmd_new, "check": _cmd_check,
            "serve": _cmd_serve}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``newsgen`` console script."""
    global _command
    args = _parser().parse_args(argv)
    _command = args.command
    # A build holds a million long-lived objects (the parsed articles, the page manifest): with
    # Python's default thresholds the collector walks them all again and again while they are read
    # (0.4 s of a 2-second rebuild at 10,000 articles). Collect a hundred times less often.
    gc.set_threshold(100_000, 50, 100)
    try:
        return COMMANDS[args.command](args)
    except NewsgenError as exc:
        for diagnostic in exc.diagnostics:
            print(diagnostic, file=sys.stderr)
        errors = sum(1 for d in exc.diagnostics if d.severity.value == "error")
        print(f"newsgen {args.command}: {errors} error(s); nothing was changed", file=sys.stderr)
        return EXIT_INPUT
    except OSError as exc:   # a file error no command turned into a NewsgenError: no traceback unless -v
        if args.verbose:
            traceback.print_exc()
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"{where}{exc.strerror or exc}", file=sys.stderr)
        print(f"newsgen {args.command}: stopped by a file error", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:   # a defect in newsgen, not the user's input: one line, the traceback with -v
        if args.verbose:
            traceback.print_exc()
        print(f"newsgen {args.command}: internal error ({type(exc).__name__}: {exc}); nothing was changed. "
              f"Run again with --verbose for the traceback, and please report it.", file=sys.stderr)
        return EXIT_INTERNAL


#: The commands that end with ``os._exit`` once their output is flushed, skipping the interpreter's
#: teardown: a build leaves a million objects that a normal exit walks once more in a last collection
#: (0.1 s of a one-second rebuild at 10,000 articles) for memory the system takes back anyway.
EXIT_WITHOUT_TEARDOWN = frozenset({"build"})
_command: str | None = None   # the command main() ran


def run() -> NoReturn:
    """The ``newsgen`` console script: :func:`main`, then exit (see :data:`EXIT_WITHOUT_TEARDOWN`;
    a normal exit when another thread or a child process still runs, or the streams cannot be flushed)."""
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):   # a closed pipe: let the normal exit report it as Python would
        sys.exit(code)
    children = sys.modules.get("multiprocessing")
    if _command in EXIT_WITHOUT_TEARDOWN and threading.active_count() == 1 \
            and not (children and children.active_children()):
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    run()
