#!/usr/bin/env python3
"""Time of the related-articles computation, to show it grows about linearly with the archive.

    .venv/bin/python bench/bench_related.py SITE [SITE ...]

Each SITE is a generated corpus (``../shared/bench/make_corpus.py DIR --count N`` with this
repository's ``newsgen.yaml`` copied in). Prints articles, seconds, and microseconds per article.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from newsgen.commands.validate import validate  # noqa: E402
from newsgen.render.related import related  # noqa: E402


def main(argv: list[str]) -> int:
    for site in map(Path, argv):
        model = validate(site).model
        assert model is not None, f"{site} has errors: run newsgen check"
        start = time.perf_counter()
        result = related(model)
        seconds = time.perf_counter() - start
        n = len(model.posts)
        full = sum(len(r) == 5 for r in result)
        print(f"{site}: {n} articles, related in {seconds:.2f} s ({seconds / n * 1e6:.0f} µs an article), "
              f"{full} with five, {sum(not r for r in result)} with none")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
