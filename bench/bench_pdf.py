"""Wall time of ``newsgen import`` on a four-page PDF issue, as a user runs it (a subprocess).

    .venv/bin/python bench/bench_pdf.py [--runs 5] [--style city] [--seed 23]

The issue is typeset by ``train/pages.py`` from the training articles (one four-page issue of the
chosen style, with articles jumping between pages). *cold* is the first process with empty caches
(``XDG_CACHE_HOME`` and ``TMPDIR`` fresh, as in ``bench_import.py``); *warm* is the median of
``--runs`` further processes that find them. Each run imports into a fresh site. The issue's goal
(issue 23) is a four-page issue in at most 3 s warm.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "train"))
sys.path.insert(0, str(ROOT / "bench"))

import pages  # noqa: E402  (train/pages.py: the page generator)
from bench_import import cold_env, run_once  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--style", default="city", choices=sorted(pages.STYLES))
    ap.add_argument("--seed", type=int, default=23)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="newsgen-bench-pdf-") as tmp:
        out = Path(tmp)
        (stem,) = pages.make_set(out, 0, 1, [args.style], args.seed, extractors=())
        pdf = out / "pdf" / f"{stem}.pdf"
        size = pdf.stat().st_size // 1024
        with cold_env() as env:
            cold = run_once(pdf, env, None)
            warm = [run_once(pdf, env, None) for _ in range(args.runs)]
    print(f"four-page issue ({args.style}, {size} kB): cold {cold:.2f} s, "
          f"warm {statistics.median(warm):.2f} s (median of {args.runs}; max {max(warm):.2f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
