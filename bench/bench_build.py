"""Wall time of full ``newsgen build`` runs as a subprocess, beside Hugo's on the same corpus.

    .venv/bin/python bench/bench_build.py [CORPUS] [--count 10000] [--seed 1] [--runs 3] [--no-hugo]

Without ``CORPUS``, one of ``--count`` articles is generated with ``../shared/bench/make_corpus.py``
into a temporary directory (with this repository's ``newsgen.yaml``). *cold* is the first build,
into an empty output directory; *warm* is the median of ``--runs`` further builds, each of which
replaces the previous output (newsgen deletes it as part of the build, so that is timed; the Hugo
script only renames it aside, see ``../shared/bench/README.md``). Per-step timings come from
``newsgen build -v`` (the run whose wall time is the median). When ``hugo`` is on PATH, Hugo builds
the same corpus through ``../shared/bench/run_hugo.sh``. Figures only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "bench"
STEP = re.compile(r"^\[\s*[\d.]+s\] (?P<name>[\w+-]+): .*\((?P<ms>\d+) ms\)$")


@dataclass
class Run:
    seconds: float
    pages: int
    files: int
    steps: dict[str, float] = field(default_factory=dict)   # step -> seconds, from -v


def newsgen() -> list[str]:
    exe = Path(sys.executable).with_name("newsgen")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "newsgen"]


def make_corpus(where: Path, count: int, seed: int) -> Path:
    subprocess.run([sys.executable, str(SHARED / "make_corpus.py"), str(where), "--count", str(count),
                    "--seed", str(seed)], check=True, stderr=subprocess.DEVNULL)
    shutil.copy(ROOT / "newsgen.yaml", where / "newsgen.yaml")
    return where


def count_output(out: Path) -> tuple[int, int]:
    """(HTML pages, other generated files but static/) under ``out``."""
    pages = files = 0
    for _dirpath, dirs, names in os.walk(out):
        dirs[:] = [d for d in dirs if d != "static"]
        for name in names:
            if name.endswith(".html"):
                pages += 1
            elif not name.startswith("."):
                files += 1
    return pages, files


def run_newsgen(corpus: Path, out: Path) -> Run:
    start = time.perf_counter()
    done = subprocess.run([*newsgen(), "build", "-v", "--site", str(corpus), "--output", str(out)],
                          check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    steps = {}
    for line in done.stderr.splitlines():
        m = STEP.match(line)
        if m:
            steps[m["name"]] = int(m["ms"]) / 1000
    return Run(seconds, *count_output(out), steps)


def run_hugo(corpus: Path, out: Path) -> Run:
    start = time.perf_counter()
    subprocess.run(["bash", str(SHARED / "run_hugo.sh"), str(corpus), str(out)], check=True,
                   stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    run = Run(seconds, *count_output(out))
    for old in out.parent.glob(f"{out.name}.old.*"):   # run_hugo.sh renames the previous output aside
        shutil.rmtree(old, ignore_errors=True)
    return run


def series(name: str, once, runs: int) -> tuple[Run, Run]:
    """(cold, median warm) runs; the warm one is the run with the median wall time."""
    cold = once()
    print(f"  {name}: cold {cold.seconds:.2f} s", file=sys.stderr, flush=True)
    warm = []
    for i in range(runs):
        warm.append(once())
        print(f"  {name}: warm {i + 1} {warm[-1].seconds:.2f} s", file=sys.stderr, flush=True)
    warm.sort(key=lambda r: r.seconds)
    median = statistics.median_low([r.seconds for r in warm])
    return cold, next(r for r in warm if r.seconds == median)


def report(results: dict[str, tuple[Run, Run]], runs: int) -> None:
    names = list(results)
    width = 16
    print(f"{'':22}" + "".join(f"{n:>{width}}" for n in names))
    rows = [("pages (html)", lambda c, w: f"{w.pages}"),
            ("other files", lambda c, w: f"{w.files}"),
            ("cold wall (s)", lambda c, w: f"{c.seconds:.2f}"),
            (f"warm wall, median/{runs}", lambda c, w: f"{w.seconds:.2f}")]
    for label, cell in rows:
        print(f"{label:22}" + "".join(f"{cell(*results[n]):>{width}}" for n in names))
    steps = list(dict.fromkeys(s for n in names for run in results[n] for s in run.steps))
    for step in steps:
        cells = []
        for n in names:
            cold, warm = results[n]
            cells.append(f"{cold.steps[step]:.2f} / {warm.steps[step]:.2f}" if step in warm.steps else "-")
        print(f"{'  ' + step + ' (cold/warm)':22}" + "".join(f"{c:>{width}}" for c in cells))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path, nargs="?", help="site with articles/ (default: generate one)")
    ap.add_argument("--count", type=int, default=10_000, help="articles to generate (without CORPUS)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=3, help="warm runs (median reported)")
    ap.add_argument("--no-hugo", action="store_true", help="skip Hugo even when it is on PATH")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="newsgen-bench-build-") as tmp:
        work = Path(tmp)
        if args.corpus is None:
            corpus = make_corpus(work / "corpus", args.count, args.seed)
        else:
            corpus = args.corpus.resolve()
        articles = sum(1 for _ in (corpus / "articles").rglob("*.md"))
        print(f"corpus {corpus}: {articles} articles", file=sys.stderr, flush=True)
        results = {"newsgen": series("newsgen", lambda: run_newsgen(corpus, work / "out-newsgen"), args.runs)}
        if shutil.which("hugo") and not args.no_hugo:
            results["hugo"] = series("hugo", lambda: run_hugo(corpus, work / "out-hugo"), args.runs)
        print(f"\n{articles} articles, {os.cpu_count()} cores")
        report(results, args.runs)


if __name__ == "__main__":
    main()
