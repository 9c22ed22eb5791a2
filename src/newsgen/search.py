"""The search index: Pagefind (extended, for Chinese word segmentation) over the article pages.

Run by ``newsgen build`` after the pages are written into the temporary output and before it is
swapped in, so a failed index leaves the previous site as it was. Only article pages are indexed:
they are hard-linked into a staging folder beside the output and Pagefind is pointed at that, so
the index is the same whatever else the site holds, and Pagefind reads only those pages. What it
writes goes to ``pagefind/`` in the temporary output, every file claimed there like a page (as a
static file: counted neither as a page nor as a feed).

The article templates mark what is indexed (``data-pagefind-body`` on the title and the body),
the filters (region at every level of the place path, topic, year) and the sort (the date).

Incremental builds: the index is a function of the article pages, so its fingerprint is a hash
of theirs (and of Pagefind's version). When that fingerprint is the one the last build recorded
for its ``pagefind/`` files and they are on disk as written, they are hard-linked from the
previous output, as unchanged pages are; otherwise the whole index is made again (Pagefind has no
partial update; at 10,000 articles that takes a few seconds).

Pagefind 1.5 writes its filter files in hash-map order, so two runs over the same pages give
indexes that search alike but differ byte for byte (``filter/``, ``pagefind-entry.json`` and the
``.pf_meta`` file; the word index and the fragments are stable). Reusing an unchanged index also
keeps the output stable between builds.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from newsgen.errors import Location, NewsgenError
from newsgen.output import Manifest, OutputWriter, remove_tree

#: The folder of the output the index goes to (``/pagefind/``); the search page loads it from there.
SEARCH_DIR = "pagefind"
#: How the index's files are claimed: as static files (neither pages nor feeds in the counts).
CLAIM = "static file (search index, made by Pagefind)"
PACKAGE = "pagefind_bin_extended"


@dataclass
class SearchIndex:
    """What indexing did: the index's files with their fingerprint (for the manifest), and how."""

    prints: dict[str, str] = field(default_factory=dict)   # pagefind/… -> fingerprint
    pages: int = 0          # article pages indexed
    reused: bool = False    # hard-linked from the previous output rather than made again

    @property
    def summary(self) -> str:
        how = "unchanged, reused" if self.reused else "indexed by Pagefind"
        return f"{self.pages} article pages {how}: {len(self.prints)} files in /{SEARCH_DIR}/"


def pagefind_version() -> str:
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


def fingerprint(article_paths: Sequence[str], prints: Mapping[str, str]) -> str:
    """The index's fingerprint: Pagefind's version and every article page's own fingerprint."""
    h = hashlib.sha256(f"pagefind {pagefind_version()}\0".encode())
    for path in sorted(article_paths):
        h.update(f"{path}\0{prints.get(path, '')}\n".encode())
    return h.hexdigest()


def index_articles(writer: OutputWriter, article_paths: Sequence[str], prints: Mapping[str, str],
                   manifest: Manifest) -> SearchIndex:
    """Write the Pagefind index of ``article_paths`` (already written) into ``writer``'s ``pagefind/``.

    ``prints`` are the pages' fingerprints and ``manifest`` the last build's, to reuse an index
    whose article pages are all unchanged. Raises NewsgenError when Pagefind fails.
    """
    target = writer.tmp / SEARCH_DIR
    if writer.claimed(SEARCH_DIR):
        raise NewsgenError(f"/{SEARCH_DIR}/ is the search index's folder, but the site put a file there",
                           Location(Path(SEARCH_DIR)))
    digest = fingerprint(article_paths, prints)
    index = SearchIndex(pages=len(article_paths))
    if not article_paths:   # Pagefind refuses an empty site; the search page says the index is missing
        return index
    previous = sorted(p for p, entry in manifest.pages.items() if p.startswith(f"{SEARCH_DIR}/") and entry[0] == digest)
    if previous and all(writer.reuse(path, digest, manifest) for path in previous):
        index.reused = True
    else:
        shutil.rmtree(target, ignore_errors=True)   # a partial reuse
        _run_pagefind(writer, article_paths, target)
    for file in sorted(target.rglob("*")):
        if file.is_file():
            path = file.relative_to(writer.tmp).as_posix()
            writer.claim(path, CLAIM)
            index.prints[path] = digest
    return index


def _run_pagefind(writer: OutputWriter, article_paths: Sequence[str], target: Path) -> None:
    """Index the article pages: hard-link them into a staging site beside the output, run Pagefind."""
    binary = executable()
    # named as a build's temporary folder, so the next build removes it if this one is killed
    stage = Path(tempfile.mkdtemp(prefix=f".{writer.output.name}.tmp-search-", dir=writer.tmp.parent)).absolute()
    target = target.absolute()   # Pagefind runs in the staging folder
    try:
        site = stage / "site"
        for path in article_paths:
            source, copy = writer.tmp / path, site / path
            copy.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(source, copy)
            except OSError:
                shutil.copyfile(source, copy)
        # no pagefind.yml and no PAGEFIND_* variables of the caller's: the index depends on the pages only
        env = {k: v for k, v in os.environ.items() if not k.startswith("PAGEFIND_")}
        done = subprocess.run([str(binary), "--site", str(site), "--output-path", str(target), "--silent"],
                              cwd=stage, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
            raise NewsgenError(f"Pagefind could not index the site (exit {done.returncode}): " + " / ".join(tail),
                               Location(Path(SEARCH_DIR)))
    finally:
        remove_tree(stage)
