"""The search index: Pagefind (extended, for Chinese word segmentation) over the article pages,
one Pagefind bundle per year.

Run by ``newsgen build`` after the pages are written into the temporary output and before it is
swapped in, so a failed index leaves the previous site as it was. Only article pages are indexed:
they are hard-linked into a staging folder beside the output and Pagefind is pointed at that, so
the index is the same whatever else the site holds, and Pagefind reads only those pages. What it
writes goes to ``pagefind/`` in the temporary output, every file claimed there like a page (as a
static file: counted neither as a page nor as a feed).

Shards. Pagefind keeps every page it reads in memory until it has written the index (at 10,000
articles about 4.8 GB and 90 s, for one run), and it has no partial update. So the articles are
split by year: ``pagefind/2025/`` is a whole Pagefind bundle of 2025's articles, and
``pagefind/shards.json`` lists the bundles, newest first. The search page loads the newest bundle
and merges the others into it (Pagefind's ``mergeIndex``: one search over all, results ranked
together, filter counts added up); sorted by date it searches year by year, newest first (a
Pagefind date sort ranks the pages of one bundle only). One Pagefind run then holds one year, at
most :data:`JOBS` runs at a time, and a build re-indexes only the years whose article pages
changed: editing an article costs one year's run, not the archive's.

The article templates mark what is indexed (``data-pagefind-body`` on the header and the body,
the title weighted above any body text), the filters (region at every level of the place path,
topic, year) and the sort (the date).

Incremental builds: a year's bundle is a function of that year's article pages, so its fingerprint
is a hash of theirs (and of Pagefind's version). When that fingerprint is the one the last build
recorded for its ``pagefind/<year>/`` files and they are on disk as written, they are hard-linked
from the previous output, as unchanged pages are; otherwise Pagefind makes that year again.

Pagefind 1.5 writes its filter files in hash-map order, so two runs over the same pages give
indexes that search alike but differ byte for byte (``filter/``, ``pagefind-entry.json`` and the
``.pf_meta`` file; the word index and the fragments are stable). Reusing an unchanged bundle also
keeps the output stable between builds.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from newsgen.errors import Location, NewsgenError
from newsgen.output import Manifest, OutputWriter, remove_tree

#: The folder of the output the index goes to (``/pagefind/``); the search page loads it from there.
SEARCH_DIR = "pagefind"
#: The list of the year bundles in ``/pagefind/``, newest first, that the search page reads.
SHARDS_FILE = "shards.json"
#: How the index's files are claimed: as static files (neither pages nor feeds in the counts).
CLAIM = "static file (search index, made by Pagefind)"
PACKAGE = "pagefind_bin_extended"
#: Pagefind runs at a time. Each is mostly one thread (it reads and parses the pages in one task)
#: and holds its year's pages in memory, so two use both cores for twice one year's memory.
JOBS = 2
#: What Pagefind writes for its own UIs, which the theme does not use (it calls the JS API from
#: ``static/search.js``): left out of every bundle rather than shipped once a year.
UNUSED = frozenset({"pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
                    "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js"})
_SHARD_NAME = re.compile(r"[0-9A-Za-z_-]{1,32}")


@dataclass
class SearchIndex:
    """What indexing did: the index's files with their fingerprint (for the manifest), and how."""

    prints: dict[str, str] = field(default_factory=dict)   # pagefind/… -> fingerprint
    pages: int = 0                                          # article pages indexed
    shards: list[str] = field(default_factory=list)         # every year bundle, newest first
    indexed: list[str] = field(default_factory=list)        # those Pagefind made again (the rest reused)

    @property
    def reused(self) -> bool:
        """Every bundle hard-linked from the previous output, none made again."""
        return bool(self.shards) and not self.indexed

    @property
    def summary(self) -> str:
        files = f"{len(self.prints)} files in /{SEARCH_DIR}/"
        if not self.shards:
            return f"no article pages to index: {files}"
        if self.reused:
            return f"{self.pages} article pages in {len(self.shards)} year bundles, unchanged, reused: {files}"
        return (f"{self.pages} article pages in {len(self.shards)} year bundles, {len(self.indexed)} indexed "
                f"by Pagefind ({', '.join(self.indexed)}), {len(self.shards) - len(self.indexed)} unchanged, "
                f"reused: {files}")


def pagefind_version() -> str:
    # imported here: with the email package it would add 20 ms to every rebuild without search
    from importlib import metadata

    try:
        return metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        return "missing"


def executable() -> Path:
    """The Pagefind (extended) binary the ``pagefind[extended]`` package ships."""
    try:
        import pagefind_bin_extended
    except ImportError:
        raise NewsgenError("the search index needs Pagefind: pip install 'pagefind[extended]' "
                           "(newsgen depends on it; reinstall newsgen)") from None
    return pagefind_bin_extended.get_executable()


def fingerprint(article_paths: Sequence[str], prints: Mapping[str, str], shard: str = "") -> str:
    """A bundle's fingerprint: Pagefind's version, its name and every article page's own fingerprint."""
    h = hashlib.sha256(f"pagefind {pagefind_version()}\0{shard}\0{sorted(UNUSED)}\0".encode())
    for path in sorted(article_paths):
        h.update(f"{path}\0{prints.get(path, '')}\n".encode())
    return h.hexdigest()


def shard_of(year: str) -> str:
    """The bundle an article page goes to: its year (the ``year`` search facet of its page)."""
    return year if _SHARD_NAME.fullmatch(year) else "other"


def shard_pages(articles: Mapping[str, str]) -> dict[str, list[str]]:
    """The article pages' paths (``articles``: each with its year) by bundle, newest year first."""
    shards: dict[str, list[str]] = {}
    for path, year in articles.items():
        shards.setdefault(shard_of(year), []).append(path)
    return {name: shards[name] for name in sorted(shards, reverse=True)}


def index_articles(writer: OutputWriter, articles: Mapping[str, str], prints: Mapping[str, str],
                   manifest: Manifest, jobs: int = JOBS) -> SearchIndex:
    """Write the Pagefind index of the ``articles`` (already written; each page's path with its year,
    see ``Plan.search_years``) into ``writer``'s ``pagefind/``.

    ``prints`` are the pages' fingerprints and ``manifest`` the last build's, to reuse the bundle
    of every year whose article pages are all unchanged. Raises NewsgenError when Pagefind fails.
    """
    target = writer.tmp / SEARCH_DIR
    if writer.claimed(SEARCH_DIR):
        raise NewsgenError(f"/{SEARCH_DIR}/ is the search index's folder, but the site put a file there",
                           Location(Path(SEARCH_DIR)))
    shards = shard_pages(articles)   # none for a site without articles: Pagefind refuses an empty site
    index = SearchIndex(pages=len(articles), shards=list(shards))
    digests = {name: fingerprint(paths, prints, name) for name, paths in shards.items()}
    reused: dict[str, list[str]] = {}
    for name, digest in digests.items():
        prefix = f"{SEARCH_DIR}/{name}/"
        previous = sorted(p for p, entry in manifest.pages.items() if p.startswith(prefix) and entry[0] == digest)
        if previous and all(writer.reuse(path, digest, manifest) for path in previous):
            reused[name] = previous   # (an output updated in place may hold older files there: not claimed)
        else:
            shutil.rmtree(target / name, ignore_errors=True)   # a partial reuse, or an older bundle
            index.indexed.append(name)
    _run_pagefind(writer, {name: shards[name] for name in index.indexed}, target, jobs)
    for name, digest in digests.items():
        paths = reused.get(name) or sorted(file.relative_to(writer.tmp).as_posix()
                                           for file in (target / name).rglob("*") if file.is_file())
        for path in paths:
            writer.claim(path, CLAIM)
            index.prints[path] = digest
    listing = json.dumps({"version": pagefind_version(),
                          "shards": [{"name": name, "bundle": f"{name}/", "pages": len(paths)}
                                     for name, paths in shards.items()]},
                         ensure_ascii=False, indent=1) + "\n"
    path = f"{SEARCH_DIR}/{SHARDS_FILE}"
    writer.write_page(path, listing, CLAIM)
    index.prints[path] = hashlib.sha256(listing.encode()).hexdigest()
    return index


def _run_pagefind(writer: OutputWriter, shards: Mapping[str, Sequence[str]], target: Path, jobs: int) -> None:
    """Index each shard's article pages into ``target/<shard>``: hard-link them into a staging site
    of their own beside the output and run Pagefind on it, ``jobs`` runs at a time."""
    if not shards:
        return
    binary = executable()
    # named as a build's temporary folder, so the next build removes it if this one is killed
    stage = writer.scratch_folder("tmp-search").absolute()
    target = target.absolute()   # Pagefind runs in the staging folder
    # no pagefind.yml and no PAGEFIND_* variables of the caller's: the index depends on the pages only
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAGEFIND_")}

    def run(name: str) -> None:
        site = stage / name
        for path in shards[name]:
            source, copy = writer.tmp / path, site / path
            copy.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(source, copy)
            except OSError:
                shutil.copyfile(source, copy)
        bundle = target / name
        done = subprocess.run([str(binary), "--site", str(site), "--output-path", str(bundle), "--silent"],
                              cwd=stage, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
            raise NewsgenError(f"Pagefind could not index the articles of {name} (exit {done.returncode}): "
                               + " / ".join(tail), Location(Path(SEARCH_DIR) / name))
        for unused in UNUSED:
            (bundle / unused).unlink(missing_ok=True)
        remove_tree(site)

    try:
        with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(shards)))) as pool:
            for future in [pool.submit(run, name) for name in shards]:
                future.result()
    finally:
        remove_tree(stage)
