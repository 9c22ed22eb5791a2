"""The ``newsgen`` command line. The only module that prints diagnostics and picks exit codes.

Exit codes: 0 success, 1 bad input (every problem is printed as ``path:line: message``),
2 wrong usage, 70 an internal error (a defect: one line, the traceback with ``--verbose``), 130 interrupted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path

from newsgen import __version__
from newsgen.errors import NewsgenError

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 70, 130


def _iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date; use YYYY-MM-DD, e.g. 2025-08-06") from None


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-v", "--verbose", action="store_true", help="show progress and timings on stderr")
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
    build.add_argument("--drafts", action="store_true", help="also build articles marked draft: true")
    build.add_argument("--future", action="store_true",
                       help="also build articles dated after today (in the site's time zone)")

    imp = sub.add_parser(
        "import", parents=[common], help="turn a raw bulletin into article files",
        description="Parse a raw bulletin (text extracted from a newspaper page), put its articles back "
                    "together and write one Markdown file per article into SITE/articles/YYYY/MM/. "
                    "Prints a report of every decision; nothing of the bulletin is ever dropped.")
    imp.add_argument("bulletin", type=Path, metavar="BULLETIN", help="the raw bulletin, a UTF-8 text file")
    imp.add_argument("--date", type=_iso_date, metavar="YYYY-MM-DD",
                     help="publication date of the articles (default: the bulletin's dateline, if any)")
    imp.add_argument("--dry-run", action="store_true", help="parse and report, write nothing")
    imp.add_argument("--force", action="store_true",
                     help="import again a bulletin already imported, overwriting its article files")
    imp.add_argument("--report", type=Path, metavar="FILE.json", help="also write the report as JSON")
    return parser


def _progress(verbose: bool, start: float):
    def say(message: str) -> None:
        if verbose:
            print(f"[{time.perf_counter() - start:6.2f}s] {message}", file=sys.stderr, flush=True)
    return say


def _cmd_build(args: argparse.Namespace) -> int:
    from newsgen.commands.build import build

    start = time.perf_counter()
    result = build(args.site, args.output, base_url=args.base_url, progress=_progress(args.verbose, start),
                   drafts=args.drafts, future=args.future, incremental=not args.full, background_cleanup=True)
    for warning in result.warnings:
        print(warning, file=sys.stderr)
    other = f" and {result.files} feeds, sitemap and robots.txt" if result.files else ""
    print(f"built {result.pages} pages{other} into {result.output} in {time.perf_counter() - start:.2f}s")
    return EXIT_OK


def _cmd_import(args: argparse.Namespace) -> int:
    from newsgen.commands.importer import run_import

    start = time.perf_counter()
    report = run_import(args.bulletin, args.site, args.date, dry_run=args.dry_run, force=args.force,
                        progress=_progress(args.verbose, start))
    for line in report.lines():
        print(line)
    if args.report:
        args.report.write_text(report.to_json() + "\n", encoding="utf-8")
    return EXIT_OK


COMMANDS = {"build": _cmd_build, "import": _cmd_import}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``newsgen`` console script."""
    args = _parser().parse_args(argv)
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


if __name__ == "__main__":
    sys.exit(main())
