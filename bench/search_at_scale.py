#!/usr/bin/env python3
"""What a reader's query costs on a large archive: the bytes the first query downloads in a fresh
browser, and the time from the page's load to its results, on ``make_corpus.py``'s archive.

    python bench/search_at_scale.py [--count 10000] [--queries 20] [--work DIR]

``bench/search_quality.py`` measures what search finds, on the 1,675 real articles; this measures its
costs where they grow, at 10,000 articles (issue 20: the first query downloads <= 300 kB; results
shown <= 300 ms, median, after the page has loaded). Queries are picked with a fixed seed from the
corpus: whole titles, a 12-character clause of a body, a two-character word of a title, and a county.
Sizes are the bytes of the responses' bodies as served (no compression: a host that gzips JSON sends
about a quarter of that).
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
from bench_build import ROOT, SHARED  # noqa: E402
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
        if not out.exists():
            subprocess.run([sys.executable, "-m", "newsgen", "build", "--site", str(corpus), "--output", str(out)],
                           check=True, stdout=subprocess.DEVNULL)
        picked = queries(corpus, a.queries, a.seed)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(out)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        from playwright.sync_api import sync_playwright

        rows = []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
            for kind, query in picked:
                context = browser.new_context()
                page = context.new_page()
                responses: list = []
                page.on("response", lambda r, _r=responses: _r.append(r))
                page.add_init_script(WATCH)
                page.goto(base + "search/?q=" + quote(query), wait_until="load")
                loaded = page.evaluate("performance.timing.loadEventEnd - performance.timing.navigationStart")
                page.wait_for_function("window.__shown !== null", timeout=60000)
                fresh = page.evaluate("window.__shown") - loaded
                page.wait_for_load_state("networkidle")
                index_bytes = sum(len(r.body()) for r in responses if r.ok and "/search-index/" in r.url)
                all_bytes = sum(len(r.body()) for r in responses if r.ok)
                # the same query again with the page's files cached, as a reader's second query
                page.goto(base + "search/?q=" + quote(query), wait_until="load")
                loaded = page.evaluate("performance.timing.loadEventEnd - performance.timing.navigationStart")
                page.wait_for_function("window.__shown !== null", timeout=60000)
                warm = page.evaluate("window.__shown") - loaded
                context.close()
                rows.append((kind, query, all_bytes, index_bytes, fresh, warm))
                print(f"{kind:6s} {all_bytes / 1e3:6.0f} kB (index {index_bytes / 1e3:4.0f} kB) "
                      f"fresh {fresh:5.0f} ms warm {warm:5.0f} ms  {query[:24]}", flush=True)
            browser.close()
        server.shutdown()
        print(f"{a.count} articles, {len(rows)} queries: first query downloads median "
              f"{statistics.median(r[2] for r in rows) / 1e3:.0f} kB, max {max(r[2] for r in rows) / 1e3:.0f} kB; "
              f"results shown median {statistics.median(r[4] for r in rows):.0f} ms fresh, "
              f"{statistics.median(r[5] for r in rows):.0f} ms with the files cached")
    finally:
        if not a.work:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
