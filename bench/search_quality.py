#!/usr/bin/env python3
"""Search quality on real articles: does a reader's query find the article they mean, first?

    python bench/search_quality.py [--seed 20] [--known 100] [--substrings 50] [--built DIR] [--keep]

A site is made from the real articles of ``../shared/parser-eval/train/articles.jsonl.gz`` (title
and paragraphs; each given a date in 2024 and a county of Jiangxi by the seed, as an archive's
articles have one) and built with newsgen, search index and all. Then, in headless Chromium,
every query is typed as a reader types it: the page ``/search/?q=…`` is loaded and its first page
of results (10) read from the page itself.

- 100 known items, picked by the seed, three queries each:
  - the article's full title;
  - the title's rarest word: of the title's words (jieba's cut, two characters or more), the one
    the fewest titles hold (title document frequency);
  - a clause of its body (6-12 characters between punctuation) that no other body holds.
  Each counts as *found on the first page* when the article is among the first 10 results and as
  *found first* when it is the first. For the rarest word the script also prints the ceiling: the
  share found first by a perfect ranking that lists every title holding the word first and breaks
  ties among them at random (1 / the number of titles holding it, averaged).
- 50 substring queries, held by 2-20 articles each (title or body): words (jieba's) and phrases
  (two adjacent words) of 2-8 characters, picked from titles and bodies by the seed. Of the articles
  holding the string, the share the search lists (all its results, through the page's
  ``window.newsgenSearch``); of the first k results, k the number of holders (at most 10), the share
  that hold it.

It prints each figure, the number of known-item queries with no result at all, and the time from
the page's load to its results shown (median and 90th percentile, each query a fresh page load in
one browser, its cache warm as a reader's is after the first query), and the bytes the first query
downloads in a fresh browser (the page, its script and the index's files). Goals (issue 20): full
title first >= 0.95; rarest word first page >= 0.98 and first within 0.05 of the ceiling; body
clause first page >= 0.95; substrings listed >= 0.98 and precision >= 0.95; no result for <= 1 of
the 300 known-item queries; results in <= 300 ms (median).

Nothing is fitted to these articles' wording: the picks are the seed's and the figures are to be
checked again on other archives.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import gzip
import http.server
import json
import random
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT.parent / "shared" / "parser-eval" / "train" / "articles.jsonl.gz"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PAGE = 10
HAN = re.compile(r"[\u3400-\u9fff]")
CLAUSE = re.compile(r"[^，。；：！？、“”‘’（）《》\s,.;:!?()\"'—…·]+")
COUNTIES = {   # Jiangxi's cities and some of their counties (as ../shared/bench/make_corpus.py places them)
    "南昌市": "东湖区 西湖区 青云谱区 青山湖区 新建区 红谷滩区 南昌县 安义县 进贤县",
    "九江市": "濂溪区 浔阳区 柴桑区 武宁县 修水县 永修县 德安县 都昌县 湖口县 彭泽县 瑞昌市",
    "赣州市": "章贡区 南康区 赣县区 信丰县 大余县 上犹县 崇义县 安远县 定南县 全南县 宁都县 于都县 兴国县",
    "吉安市": "吉州区 青原区 吉安县 吉水县 峡江县 新干县 永丰县 泰和县 遂川县 万安县 安福县 永新县",
    "宜春市": "袁州区 奉新县 万载县 上高县 宜丰县 靖安县 铜鼓县 丰城市 樟树市 高安市",
    "上饶市": "信州区 广丰区 广信区 玉山县 铅山县 横峰县 弋阳县 余干县 鄱阳县 万年县 婺源县 德兴市",
}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def path_of(url: str) -> str:
    """The path of a result's URL (``http://host/2024/03/a00012/`` or ``/2024/03/a00012/``)."""
    return "/" + url.split("://", 1)[1].split("/", 1)[1] if "://" in url else url


def read_articles(path: Path = ARTICLES) -> list[dict]:
    """The real articles with a title and a body, in file order."""
    with gzip.open(path, "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    return [r for r in rows if r.get("title", "").strip() and any(p.strip() for p in r.get("paras", []))]


def make_site(site: Path, rows: list[dict], seed: int) -> list[dict]:
    """Write ``rows`` as a newsgen site (the repository's ``newsgen.yaml``); returns each article
    with its title, body, URL path, date and place."""
    rng = random.Random(seed)
    places = [f"江西省/{city}/{county}" for city, counties in COUNTIES.items() for county in counties.split()]
    start = dt.date(2024, 1, 1)
    out = []
    shutil.copy(ROOT / "newsgen.yaml", site / "newsgen.yaml")
    for i, row in enumerate(rows):
        date = start + dt.timedelta(days=rng.randrange(366))
        place = rng.choice(places)
        slug = f"a{i:05d}"
        title = " ".join(row["title"].split())
        body = "\n\n".join(" ".join(p.split()) for p in row["paras"] if p.strip())
        folder = site / "articles" / f"{date:%Y}" / f"{date:%m}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{slug}.md").write_text(
            f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\ndate: {date.isoformat()}\nslug: {slug}\n"
            f"regions: [{place}]\n---\n\n{body}\n", encoding="utf-8")
        out.append({"title": title, "body": body.replace("\n\n", "\n"), "url": f"/{date:%Y}/{date:%m}/{slug}/",
                    "date": date.isoformat(), "place": place})
    return out


def pick_queries(articles: list[dict], seed: int, known: int, substrings: int) -> tuple[list, list]:
    """The known-item queries (kind, query, article index, titles holding the query) and the
    substring queries (query, indexes of the articles holding it), by the seed."""
    import jieba  # the bench picks words as a reader would cut them; newsgen does not use jieba

    jieba.setLogLevel(60)
    rng = random.Random(seed)
    titles = [a["title"] for a in articles]
    bodies = [a["body"] for a in articles]
    every_body = "\n\0".join(bodies)
    items = []
    for i in rng.sample(range(len(articles)), len(articles)):
        if len(items) >= known * 3:
            break
        title = titles[i]
        words = [w for w in dict.fromkeys(jieba.lcut(title)) if len(w) >= 2 and HAN.search(w)]
        clauses = [c for c in dict.fromkeys(CLAUSE.findall(bodies[i]))
                   if 6 <= len(c) <= 12 and HAN.search(c) and every_body.count(c) == bodies[i].count(c)]
        if not words or not clauses:
            continue
        df = {w: sum(w in t for t in titles) for w in words}
        rare = min(words, key=lambda w: (df[w], -len(w)))
        items += [("full title", title, i, sum(title in t for t in titles)),
                  ("rarest word", rare, i, df[rare]),
                  ("body clause", rng.choice(clauses), i, 0)]
    subs: list[tuple[str, list[int]]] = []
    seen = set()
    tries = 0
    while len(subs) < substrings and tries < 100000:
        tries += 1
        a = rng.randrange(len(articles))
        text = titles[a] if rng.random() < 0.4 else bodies[a]
        if not text:
            continue
        pos = rng.randrange(len(text))
        words = jieba.lcut(text[max(0, pos - 20):pos + 20])
        if len(words) < 2:
            continue
        k = rng.randrange(len(words) - 1)
        word = words[k] if rng.random() < 0.5 else words[k] + words[k + 1]
        if not (2 <= len(word) <= 8) or not all(HAN.match(c) for c in word) or word in seen:
            continue
        holders = [j for j in range(len(articles)) if word in titles[j] or word in bodies[j]]
        if 2 <= len(holders) <= 20:
            seen.add(word)
            subs.append((word, holders))
    return items, subs


# Installed before any page script: the time the page first shows what it found (a result
# listed, or the status line saying nothing was).
WATCH = """
window.__shown = null;
document.addEventListener('DOMContentLoaded', () => {
  const root = document.getElementById('search');
  if (!root) return;
  const check = () => {
    if (window.__shown !== null) return;
    const status = root.querySelector('.search-status').textContent;
    if (root.querySelector('.search-results li h2 a') || /没有找到/.test(status)) {
      window.__shown = performance.now();
    }
  };
  new MutationObserver(check).observe(root, { childList: true, characterData: true, subtree: true });
});
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=20)
    ap.add_argument("--known", type=int, default=100)
    ap.add_argument("--substrings", type=int, default=50)
    ap.add_argument("--built", type=Path, help="the site already built here by an earlier --keep run")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder (site and build)")
    ap.add_argument("--verbose", action="store_true", help="print every query")
    a = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))

    work = Path(tempfile.mkdtemp(prefix="newsgen-quality-"))
    try:
        rows = read_articles()
        site = work / "site"
        (site / "articles").mkdir(parents=True)
        articles = make_site(site, rows, a.seed)
        if a.built:
            out = a.built
            print(f"{len(articles)} articles; searching the build in {out}")
        else:
            from newsgen.commands.build import build

            out = work / "out"
            start = time.perf_counter()
            result = build(site, out, incremental=False)
            total = time.perf_counter() - start
            search_dirs = [d for d in ("pagefind", "search-index") if (out / d).is_dir()]
            files = [p for d in search_dirs for p in (out / d).rglob("*") if p.is_file()]
            print(f"built {result.articles} articles in {total:.1f} s, search step "
                  f"{result.timings.get('search', 0):.2f} s; index {sum(p.stat().st_size for p in files) / 1e6:.2f} MB "
                  f"in {len(files)} files")
        items, subs = pick_queries(articles, a.seed, a.known, a.substrings)
        url_of = {art["url"]: i for i, art in enumerate(articles)}

        handler = functools.partial(_Quiet, directory=str(out))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        from playwright.sync_api import sync_playwright

        times: list[float] = []
        first_bytes = 0
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])

            # the first query of a reader: a fresh browser, every byte it downloads
            context = browser.new_context()
            page = context.new_page()
            responses: list = []
            page.on("response", lambda r: responses.append(r))
            page.add_init_script(WATCH)
            page.goto(base + "search/?q=" + quote(items[0][1]), wait_until="load")
            page.wait_for_function("window.__shown !== null", timeout=60000)
            page.wait_for_load_state("networkidle")
            first_bytes = sum(len(r.body()) for r in responses if r.ok)
            context.close()

            context = browser.new_context()
            page = context.new_page()
            page.add_init_script(WATCH)

            def shown(query: str) -> list[str]:
                page.goto(base + "search/?q=" + quote(query), wait_until="load")
                loaded = page.evaluate("performance.timing.loadEventEnd - performance.timing.navigationStart")
                page.wait_for_function("window.__shown !== null", timeout=60000)
                times.append(page.evaluate("window.__shown") - loaded)
                return [path_of(href) for href in
                        page.eval_on_selector_all(".search-results li h2 a", "els => els.map(e => e.href)")]

            figures: dict[str, list[int]] = {}
            empty = 0
            ceiling = []
            for kind, query, i, holders in items:
                urls = shown(query)
                rank = urls.index(articles[i]["url"]) + 1 if articles[i]["url"] in urls else 0
                figures.setdefault(kind, [0, 0, 0, 0])
                figures[kind][0] += 1
                figures[kind][1] += 0 < rank <= PAGE
                figures[kind][2] += rank == 1
                empty += not urls
                figures[kind][3] += not urls
                if kind == "rarest word":
                    ceiling.append(1 / max(holders, 1))
                if a.verbose or rank != 1:
                    print(f"{kind:12} rank {rank or '-':>2} of {len(urls):>2} shown  {query}"
                          + (f"  ({holders} titles hold it)" if kind == "rarest word" else "")
                          + ("" if rank == 1 else f"  [{articles[i]['title']}]"))
            listed_share, precise = [], []
            for query, holders in subs:
                shown(query)
                found = page.evaluate("([q, n]) => window.newsgenSearch(q, n)", [query, 500])
                listed = [url_of.get(path_of(u), -1) for u in found["urls"]]
                k = min(len(holders), PAGE)
                share = len(set(listed) & set(holders)) / len(holders)
                prec = sum(j in holders for j in listed[:k]) / k
                listed_share.append(share)
                precise.append(prec)
                if a.verbose or share < 1 or prec < 1:
                    print(f"substring    {query}: {len(holders)} hold it, listed {share:.2f}, "
                          f"first {k} precision {prec:.2f}, {found['total']} results")
            browser.close()
        server.shutdown()

        print(f"\n{'query':<14}{'first page':>12}{'first':>8}{'no result':>11}")
        for kind, (n, page1, first, none) in figures.items():
            print(f"{kind:<14}{page1 / n:>12.2f}{first / n:>8.2f}{f'{none} of {n}':>11}")
        print(f"ceiling of 'first' for the rarest word (ties among its titles broken at random): "
              f"{sum(ceiling) / len(ceiling):.2f}")
        print(f"known-item queries with no result at all: {empty} of {len(items)}")
        print(f"substrings ({len(subs)}): holders listed {statistics.mean(listed_share):.3f}, "
              f"precision of the first k {statistics.mean(precise):.3f}")
        times.sort()
        print(f"time from page load to results shown: median {statistics.median(times):.0f} ms, "
              f"90th percentile {times[int(len(times) * 0.9)]:.0f} ms ({len(times)} queries)")
        print(f"first query in a fresh browser downloads {first_bytes / 1e3:.0f} kB (page, script, index)")
        return 0
    finally:
        if a.keep:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
