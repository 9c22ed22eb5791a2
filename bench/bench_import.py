"""Wall time of ``newsgen import`` as a subprocess: the example bulletin and a ~20,000-character one.

    .venv/bin/python bench/bench_import.py [--runs 3] [--keep DIR]

For each bulletin, *cold* is the first process with empty caches (``XDG_CACHE_HOME`` and ``TMPDIR``
point to fresh directories, so neither newsgen's nor jieba's cache exists yet) and *warm* is the
median of ``--runs`` further processes that find those caches. Every run imports into a fresh site
directory holding a copy of ``newsgen.yaml``.

The 20k bulletin is the shared dev bulletins (``../shared/parser-eval/dev``) concatenated until
they reach 20,000 characters; without them, the example bulletin repeated with varied headlines.
``--keep DIR`` leaves each bulletin's imported site (from the last run) there, to compare results.

``--huge 1,2,5,10`` instead times ``newsgen import --dry-run`` (warm caches) on bulletins of that
many megabytes (the example repeated) and prints seconds per megabyte: flat figures mean import
time grows linearly with the bulletin (the parser looks for an article's pieces within a bounded
number of sections, ``bulletin.rules.WINDOW``).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "bulletins" / "jiangxi-county-news.txt"
DEV = ROOT.parent / "shared" / "parser-eval" / "dev"
TARGET_CHARS = 20_000
DATE = "2025-08-06"


def newsgen() -> list[str]:
    exe = Path(sys.executable).with_name("newsgen")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "newsgen"]


def big_bulletin(target: int = TARGET_CHARS) -> str:
    """About ``target`` characters of bulletin text."""
    parts: list[str] = []
    size = 0
    for path in sorted(DEV.glob("bulletin-*.txt")) if DEV.is_dir() else []:
        text = path.read_text(encoding="utf-8").strip("\n")
        parts.append(text)
        size += len(text)
        if size >= target:
            return "\n\n\n".join(parts) + "\n"
    example = EXAMPLE.read_text(encoding="utf-8").strip("\n")
    parts, size, n = [], 0, 0
    while size < target:  # no dev set: repeat the example, headlines numbered so slugs and titles differ
        n += 1
        text = example.replace("党建聚链成势", f"党建聚链成势（{n}）").replace("交通赋能", f"交通赋能（{n}）")
        parts.append(text)
        size += len(text)
    return "\n\n\n".join(parts) + "\n"


def run_once(bulletin: Path, env: dict[str, str], keep: Path | None) -> float:
    with tempfile.TemporaryDirectory(prefix="newsgen-bench-site-") as tmp:
        site = Path(tmp)
        shutil.copy(ROOT / "newsgen.yaml", site / "newsgen.yaml")
        start = time.perf_counter()
        subprocess.run([*newsgen(), "import", str(bulletin), "--site", str(site), "--date", DATE],
                       check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        elapsed = time.perf_counter() - start
        if keep is not None:
            shutil.rmtree(keep, ignore_errors=True)
            shutil.copytree(site, keep)
        return elapsed


@contextlib.contextmanager
def cold_env() -> Iterator[dict[str, str]]:
    """An environment whose caches (newsgen's and jieba's, under ``XDG_CACHE_HOME`` and ``TMPDIR``)
    start empty and are kept for the processes run in it."""
    with tempfile.TemporaryDirectory(prefix="newsgen-bench-cache-") as cache:
        (Path(cache) / "tmp").mkdir()
        yield dict(os.environ, XDG_CACHE_HOME=str(Path(cache) / "xdg"), TMPDIR=str(Path(cache) / "tmp"))


def bench(name: str, bulletin: Path, runs: int, keep: Path | None) -> tuple[float, float]:
    with cold_env() as env:
        cold = run_once(bulletin, env, None)
        warm = [run_once(bulletin, env, keep / name if keep else None) for _ in range(runs)]
    return cold, statistics.median(warm)


def huge(sizes: list[float]) -> None:
    """Seconds per megabyte of a dry-run import, for bulletins of each size in ``sizes`` (MB)."""
    example = EXAMPLE.read_text(encoding="utf-8").strip("\n")
    with tempfile.TemporaryDirectory(prefix="newsgen-bench-huge-") as tmp:
        site = Path(tmp) / "site"
        site.mkdir()
        shutil.copy(ROOT / "newsgen.yaml", site / "newsgen.yaml")
        subprocess.run([*newsgen(), "import", str(EXAMPLE), "--site", str(site), "--date", DATE, "--dry-run"],
                       check=True, stdout=subprocess.DEVNULL)   # warm the caches
        for mb in sizes:
            copies = max(1, round(mb * 1_000_000 / len(example.encode("utf-8"))))
            path = Path(tmp) / f"huge-{mb}.txt"
            path.write_text("\n\n\n".join([example] * copies) + "\n", encoding="utf-8")
            size = path.stat().st_size / 1_000_000
            start = time.perf_counter()
            subprocess.run([*newsgen(), "import", str(path), "--site", str(site), "--date", DATE, "--dry-run"],
                           check=True, stdout=subprocess.DEVNULL)
            elapsed = time.perf_counter() - start
            print(f"{size:6.2f} MB   {elapsed:7.2f} s   {elapsed / size:6.2f} s/MB", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=3, help="warm runs (median reported)")
    ap.add_argument("--keep", type=Path, help="keep each bulletin's imported site under this directory")
    ap.add_argument("--huge", metavar="MB,MB,...", help="time dry-run imports of bulletins of these sizes (MB)")
    args = ap.parse_args()
    if args.huge:
        huge([float(x) for x in args.huge.split(",")])
        return
    with tempfile.TemporaryDirectory(prefix="newsgen-bench-") as tmp:
        big = Path(tmp) / "bench-20k.txt"
        big.write_text(big_bulletin(), encoding="utf-8")
        for name, path in (("example", EXAMPLE), ("20k", big)):
            chars = len(path.read_text(encoding="utf-8"))
            cold, warm = bench(name, path, args.runs, args.keep)
            print(f"{name:8} {chars:6} chars   cold {cold:5.2f} s   warm {warm:5.2f} s (median of {args.runs})",
                  flush=True)


if __name__ == "__main__":
    main()
