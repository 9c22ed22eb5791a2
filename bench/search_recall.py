#!/usr/bin/env python3
"""Search recall, index size and indexing time on a generated archive.

    python bench/search_recall.py [--count 2000] [--picks 50] [--seed 11] [--corpus DIR]

Generates ``--count`` articles with ``../shared/bench/make_corpus.py`` (unless ``--corpus`` names a
site already made), copies the repository's ``newsgen.yaml`` in, builds it with newsgen (cold),
then picks ``--picks`` articles by a fixed seed and, for each, a 4-character word of its title
(a word as jieba cuts the title, e.g. 政务公开, 颗粒归仓; chosen by the seed; an article whose title
has no such word is passed over for the next one the seed gives). Each word is searched with the built
Pagefind index in headless Chromium by the search page's own code (``window.newsgenSearch`` of
``static/search.js``: every year's bundle, ranked together); the article counts as found when it is
on the first page of results (10, as the search page shows them).

Prints the recall (goal >= 0.95), the index's size and file count, and the build's search step
time. The generated corpus repeats title phrases (the same 4-character word can open dozens of
titles), so the script also reports, for each word, how many titles hold it, and a second figure:
the share of picks ranked no lower than that number (every title holding the word ahead of the
articles that only mention it in the body). A miss among 60 titles with the same word is a tie
no engine can break, not a failure to find the word: the script counts those picks (more than 10
titles hold the word) and gives the recall on the others. Last, "titles first": the picks for which
every result ahead of the last title holding the word is itself such a title.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "bench"
PAGE = 10
CJK4 = re.compile(r"[\u4e00-\u9fff]{4}")


def make_corpus(directory: Path, count: int) -> None:
    subprocess.run([sys.executable, str(SHARED / "make_corpus.py"), str(directory), "--count", str(count)],
                   check=True)
    shutil.copy(ROOT / "newsgen.yaml", directory / "newsgen.yaml")


def folder_size(root: Path) -> tuple[int, int]:
    files = [p for p in root.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--picks", type=int, default=50)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--corpus", type=Path, help="a site already generated (articles/ and newsgen.yaml)")
    ap.add_argument("--built", type=Path, help="an output already built (with its search index): search it, "
                                              "build nothing")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    a = ap.parse_args(argv)

    sys.path.insert(0, str(ROOT / "src"))
    import jieba  # the bench picks words as a reader would; the build itself never loads jieba

    from newsgen.commands.build import build

    work = Path(tempfile.mkdtemp(prefix="newsgen-recall-"))
    try:
        if a.built is not None:
            out, step, articles = a.built, "not built here", "the"
            size, files = folder_size(out / "pagefind")
        else:
            site = a.corpus or work / "site"
            if a.corpus is None:
                make_corpus(site, a.count)
            out = work / "out"
            start = time.perf_counter()
            result = build(site, out, incremental=False)
            total = time.perf_counter() - start
            size, files = folder_size(out / "pagefind")
            step, articles = f"{result.timings['search']:.2f} s", result.articles
            print(f"built {result.articles} articles in {total:.1f} s; search step {step}; "
                  f"index {size / 1e6:.2f} MB in {files} files")

        # the articles and their URLs, read back from the built pages (title in <h1>, URL from the path)
        pages: list[tuple[str, str]] = []
        for page in sorted(out.glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/*/index.html")):
            html = page.read_text(encoding="utf-8")
            title = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
            if title:
                pages.append((title.group(1).strip(), "/" + page.parent.relative_to(out).as_posix() + "/"))
        rng = random.Random(a.seed)
        picks = []
        for title, url in rng.sample(pages, len(pages)):
            words = sorted({w for w in jieba.lcut(title) if CJK4.fullmatch(w)})
            if words:
                picks.append((rng.choice(words), title, url))
            if len(picks) == a.picks:
                break

        if not picks:
            print("no article title holds a 4-character word", file=sys.stderr)
            return 1
        handler = functools.partial(_Quiet, directory=str(out))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        from playwright.sync_api import sync_playwright
        titles = {url: title for title, url in pages}
        found = ties = clear_found = ranked = title_first = 0
        ceiling = 0.0
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                        args=["--headless", "--no-sandbox"])
            page = browser.new_page()
            page.goto(base + "search/")
            if not page.evaluate("typeof window.newsgenSearch === 'function'"):   # an older search page: one bundle
                page.evaluate("""async () => { const pf = await import('/pagefind/pagefind.js'); await pf.init();
                    window.newsgenSearch = async (w, n) => { const s = await pf.search(w);
                      const d = await Promise.all(s.results.slice(0, n).map(r => r.data()));
                      return { total: s.results.length, urls: d.map(x => x.url) }; }; }""")
            for word, title, url in picks:
                same = sum(word in t for t, _ in pages)
                t0 = time.perf_counter()
                # the search page's own search (static/search.js): every year's bundle, ranked together
                got = page.evaluate("([w, n]) => window.newsgenSearch(w, n)", [word, max(PAGE, same)])
                ms = (time.perf_counter() - t0) * 1000
                top, count = got["urls"], got["total"]
                hit = url in top[:PAGE]
                found += hit
                tie = same > PAGE    # more titles hold the word than one page of results shows
                ceiling += min(1.0, PAGE / max(same, 1))   # a perfect ranking, ties falling at random
                ties += tie
                clear_found += hit and not tie
                ranked += url in top[:same]
                # every title holding the word ahead of every page that only mentions it in its body
                first = all(word in titles.get(u, "") for u in top[:min(same, count)])
                title_first += first
                rank = top.index(url) + 1 if url in top else 0
                print(f"{'found ' if hit else 'MISSED'}  {word}  in 「{title}」  rank {rank or '-'} of {count} "
                      f"results, {same} titles hold the word{' (tie)' if tie else ''}"
                      f"{'' if first else ', a body-only page among them'} ({ms:.0f} ms)")
            browser.close()
        server.shutdown()
        n = len(picks)
        print(f"\nrecall: {found}/{n} = {found / n:.2f} on the first page of {PAGE} results")
        clear = n - ties
        print(f"unbreakable ties: {ties}/{n} picks have a word that more than {PAGE} titles hold (a miss there "
              f"is a tie among titles no engine can break); recall on the other {clear}: "
              f"{clear_found}/{clear} = {clear_found / max(clear, 1):.2f}")
        print(f"the recall a perfect ranking can expect when ties among titles fall at random: {ceiling / n:.2f}")
        print(f"ranked among the titles holding the word: {ranked}/{n} = {ranked / n:.2f}")
        print(f"titles first (every title holding the word ahead of body-only mentions): {title_first}/{n} "
              f"= {title_first / n:.2f}")
        print(f"index: {size / 1e6:.2f} MB, {files} files; Pagefind step of the build: "
              f"{step} for {articles} articles")
        return 0
    finally:
        if a.keep:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
