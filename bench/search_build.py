#!/usr/bin/env python3
"""What the search index costs a build: its size and files, the cold build's indexing time, and a
body edit rebuilt with search (wall seconds and peak RSS), at two archive sizes.

    python bench/search_build.py [--counts 2000 10000] [--runs 3] [--work DIR]

The corpora are ``../shared/bench/make_corpus.py``'s (seed 1, as ``bench/bench_build.py``), built by
the ``newsgen`` command as a subprocess, timed from outside (``bench_build.timed``). Each count
prints: the cold build with search (seconds, peak RSS, the search step's seconds), the index (MB,
files, the largest key file), a body edit rebuilt with search (median of ``--runs``, and its peak
RSS) and the same edit with ``--no-search``, for the index's share. Goals (issue 20, at 10,000
articles): body edit with search <= 2.0 s, peak RSS with search <= 500 MB.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_build import ROOT, SHARED, build, edit_body  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--counts", type=int, nargs="+", default=[2000, 10000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", type=Path, help="keep the corpora and outputs here (default: a temporary folder)")
    a = ap.parse_args(argv)
    work = a.work or Path(tempfile.mkdtemp(prefix="newsgen-search-build-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        for count in a.counts:
            corpus = work / f"corpus-{count}"
            if not corpus.exists():
                subprocess.run([sys.executable, str(SHARED / "make_corpus.py"), str(corpus), "--count", str(count),
                                "--seed", "1"], check=True, stderr=subprocess.DEVNULL)
                shutil.copy(ROOT / "newsgen.yaml", corpus / "newsgen.yaml")
            out = work / f"out-{count}"
            shutil.rmtree(out, ignore_errors=True)
            shutil.rmtree(corpus / ".newsgen-cache", ignore_errors=True)
            cold = build(corpus, out)
            files = [p for p in (out / "search-index").rglob("*") if p.is_file()]
            keys = [p.stat().st_size for p in files if p.parent.name == "keys"]
            print(f"{count}: cold build with search {cold.seconds:.1f} s, peak RSS {cold.rss_mb:.0f} MB, "
                  f"search step {cold.search_seconds or 0:.1f} s", flush=True)
            print(f"{count}: index {sum(p.stat().st_size for p in files) / 1e6:.1f} MB in {len(files)} files "
                  f"({len(keys)} key files, largest {max(keys) / 1e3:.1f} kB, "
                  f"mean {statistics.mean(keys) / 1e3:.1f} kB)", flush=True)
            edits = []
            for n in range(a.runs):
                edit_body(corpus, n)
                edits.append(build(corpus, out))
            print(f"{count}: body edited, with search: median {statistics.median(r.seconds for r in edits):.2f} s "
                  f"(search step {statistics.median(r.search_seconds or 0 for r in edits):.2f} s), "
                  f"peak RSS {max(r.rss_mb for r in edits):.0f} MB", flush=True)
            plain = work / f"plain-{count}"
            build(corpus, plain, "--no-search")
            bare = []
            for n in range(a.runs):
                edit_body(corpus, 100 + n)
                bare.append(build(corpus, plain, "--no-search"))
            print(f"{count}: body edited, no search: median {statistics.median(r.seconds for r in bare):.2f} s, "
                  f"peak RSS {max(r.rss_mb for r in bare):.0f} MB", flush=True)
    finally:
        if a.work is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
