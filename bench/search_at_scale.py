#!/usr/bin/env python3
"""What search costs on a large archive, every figure of issue 20's costs: the bytes a reader's first
query downloads in a fresh browser, the time from the page's load to its results, and a body edit
rebuilt with search (wall seconds, peak RSS), on ``make_corpus.py``'s archive.

    python bench/search_at_scale.py [--count 10000] [--queries 20] [--edits 3] [--work DIR]

``bench/search_quality.py`` measures what search finds, on the 1,675 real articles; this measures its
costs where they grow, at 10,000 articles (issue 20: the first query downloads <= 300 kB, every query;
results shown <= 300 ms, median, after the page has loaded; a body edit with search <= 2.0 s; peak
RSS with search <= 500 MB). Queries are picked with a fixed seed from the corpus: whole titles, a
12-character clause of a body, a two-character word of a title, and a county. Sizes are the bytes of
the responses' bodies as served (no compression: a host that gzips JSON sends about a quarter of
that). Each query is timed twice in a fresh browser context (no file cached) and twice with its files
cached; the median of each pair is its figure. The build is the ``newsgen`` command as a subprocess
(``bench_build.build``): the cold build when ``--work`` holds none yet, then ``--edits`` body edits
after the queries (a sentence added to the newest article, as ``bench_build.py`` edits it).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
import yaml  # noqa: E402
from bench_build import ROOT, SHARED, build, edit_body  # noqa: E402
from search_quality import CHROMIUM, WATCH, _Quiet  # noqa: E402

CLAUSE = re.compile(r"[^，。；：！？、“”‘’（）《》\s,.;:!?()\"'—…·]{12,}")


def queries(corpus: Path, n: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    files = sorted((corpus / "articles").rglob("*.md"))
    picked: list[tuple[str, str]] = []
    for path in rng.sample(files, n):
        text = path.read_text(encoding="utf-8")
        _, front, body = text.split("---", 2)
        meta = yaml.safe_load(front)
        kind = rng.choice(["title", "clause", "word", "place"])
        clauses = CLAUSE.findall(body)
        if kind == "clause" and clauses:
            c = rng.choice(clauses)
            start = rng.randrange(0, len(c) - 11)
            picked.append((kind, c[start:start + 12]))
        elif kind == "word":
            title = re.sub(r"\W", "", str(meta["title"]))
            start = rng.randrange(0, max(1, len(title) - 1))
            picked.append((kind, title[start:start + 2]))
        elif kind == "place" and meta.get("regions"):
            picked.append((kind, str(meta["regions"][0]).split("/")[-1]))
        else:
            picked.append(("title", str(meta["title"])))
    return picked


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=10000)
    ap.add_argument("--queries", type=int, default=20)
    ap.add_argument("--seed", type=int, default=20)
    ap.add_argument("--edits", type=int, default=3, help="body edits rebuilt with search after the queries")
    ap.add_argument("--work", type=Path, help="keep the corpus and its build here (reused when there)")
    a = ap.parse_args(argv)
    work = a.work or Path(tempfile.mkdtemp(prefix="newsgen-search-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    corpus, out = work / f"corpus-{a.count}", work / f"out-{a.count}"
    try:
        if not corpus.exists():
            subprocess.run([sys.executable, str(SHARED / "make_corpus.py"), str(corpus), "--count", str(a.count),
                            "--seed", "1"], check=True, stderr=subprocess.DEVNULL)
            shutil.copy(ROOT / "newsgen.yaml", corpus / "newsgen.yaml")
        cold = None
        if not out.exists():
            cold = build(corpus, out)
            print(f"cold build with search {cold.seconds:.1f} s (search step {cold.search_seconds or 0:.1f} s), "
                  f"peak RSS {cold.rss_mb:.0f} MB", flush=True)
        picked = queries(corpus, a.queries, a.seed)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(out)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        from playwright.sync_api import sync_playwright

        rows = []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])

            def shown(page: object, query: str) -> float:
                page.goto(base + "search/?q=" + quote(query), wait_until="load")
                loaded = page.evaluate("performance.timing.loadEventEnd - performance.timing.navigationStart")
                page.wait_for_function("window.__shown !== null", timeout=60000)
                return page.evaluate("window.__shown") - loaded

            for kind, query in picked:
                fresh, warm = [], []
                for attempt in range(2):
                    context = browser.new_context()
                    page = context.new_page()
                    responses: list = []
                    page.on("response", lambda r, _r=responses: _r.append(r))
                    page.add_init_script(WATCH)
                    fresh.append(shown(page, query))
                    page.wait_for_load_state("networkidle")
                    if not attempt:
                        index_bytes = sum(len(r.body()) for r in responses if r.ok and "/search-index/" in r.url)
                        all_bytes = sum(len(r.body()) for r in responses if r.ok)
                        requests = sum(1 for r in responses if r.ok and "/search-index/" in r.url)
                    # the same query again with the page's files cached, as a reader's second query
                    warm.append(shown(page, query))
                    context.close()
                rows.append((kind, query, all_bytes, index_bytes, statistics.median(fresh), statistics.median(warm),
                             requests))
                print(f"{kind:6s} {all_bytes / 1e3:6.0f} kB (index {index_bytes / 1e3:4.0f} kB in {requests:2d} files) "
                      f"fresh {rows[-1][4]:5.0f} ms warm {rows[-1][5]:5.0f} ms  {query[:24]}", flush=True)
            browser.close()
        server.shutdown()
        print(f"{a.count} articles, {len(rows)} queries: first query downloads median "
              f"{statistics.median(r[2] for r in rows) / 1e3:.0f} kB, max {max(r[2] for r in rows) / 1e3:.0f} kB "
              f"(goal <= 300 kB); results shown median {statistics.median(r[4] for r in rows):.0f} ms fresh "
              f"(goal <= 300 ms), {statistics.median(r[5] for r in rows):.0f} ms with the files cached", flush=True)
        edits = []
        for n in range(a.edits):
            edit_body(corpus, 1000 + n)
            edits.append(build(corpus, out))
        if edits:
            print(f"{a.count} articles, body edited, with search: median "
                  f"{statistics.median(r.seconds for r in edits):.2f} s (goal <= 2.0 s; search step "
                  f"{statistics.median(r.search_seconds or 0 for r in edits):.2f} s), peak RSS "
                  f"{max(r.rss_mb for r in edits):.0f} MB" + (f", cold build {cold.rss_mb:.0f} MB" if cold else "")
                  + " (goal <= 500 MB)", flush=True)
    finally:
        if not a.work:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
