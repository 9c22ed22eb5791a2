"""What one build leaves the next so that an edit costs the pages it reaches, not every page.

A rebuild reuses a page whose inputs key is unchanged (see :mod:`newsgen.render.fingerprint`),
but finding that out means making the key of every page: 15,000 of them at 10,000 articles.
Most edits reach a few pages: a body, a title, a new article. So each build records

- its **shape**: the configuration, templates, options and static files (what every page's
  inputs hold), and the **address** (URL) of every place, topic and tag: a build may find names
  added or gone (a new tag, a new town), but not one that kept its name under another URL (a slug
  another name now takes): the pages linking to it are not known;
- a digest of each **part** of the site (:meth:`newsgen.render.pages.Plan.parts`: the home
  listing, each place, topic, tag and year with its articles, each article's neighbours and
  related articles), and which parts each page's inputs hold (``Page.parts``);
- each article file's **digest** as its pages were made, and which articles each page **shows**;
- which pages it **wrote** anew, and which files its output **lost**: the spare the next build
  updates in place is the output before it (see :mod:`newsgen.output`), so those are exactly
  where the spare differs from the current output.

A name added or gone reaches the pages that show it through what they hold: the articles
carrying it (their files changed), the place above a new place (its part), the pages of the name
(new, or gone from the output), and the index pages (which hold no parts, so are always looked at).
The next build, finding the same shape, makes the inputs of only the pages that are new, hold a
part that changed, show an article whose digest changed, have no inputs key, say no parts, or
whose file on disk is not as written; it carries every other page over as it is, and brings the
spare up to date by linking the pages written last time and dropping the files lost, instead of
checking and sweeping all of it. Any doubt (another shape, a record missing or unreadable, a
spare not adopted) is the full path. Safe to delete: the next build then takes the full path.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsgen import cachefile
from newsgen.output import Manifest, OutputWriter, StaleCheck
from newsgen.render.fingerprint import Fingerprints
from newsgen.render.pages import Page, Plan

VERSION = 5


def paths(manifest: Path) -> tuple[Path, Path]:
    """The delta's two files beside an output's manifest: the state (shape, parts, digests, what was
    written and lost) and what each page shows (bigger, written only when it changed)."""
    return manifest.with_suffix(".delta.json"), manifest.with_suffix(".shows.json")


@dataclass
class Delta:
    """One output's record of its last build (see the module's docstring)."""

    shape: str = ""
    addresses: dict[str, str] = field(default_factory=dict)   # place, topic, tag -> URL (Plan.addresses)
    parts: dict[str, str] = field(default_factory=dict)     # part of the site -> digest
    parts_key: str = ""                                     # what they were made from (Plan.parts_key)
    digests: dict[str, str] = field(default_factory=dict)   # article file -> digest its pages were made from
    written: list[str] = field(default_factory=list)        # pages written anew (not linked)
    removed: list[str] = field(default_factory=list)        # files the output before had and it has not
    order: list[str] = field(default_factory=list)          # every page, in plan order
    page_parts: list[list[str] | None] = field(default_factory=list)   # per page: the parts it holds
    articles: list[str] = field(default_factory=list)       # article files by number (new ones appended)
    shows: list[list[int]] = field(default_factory=list)    # per page: the numbers of the articles it shows
    generation: str = ""                                    # of the shows file the state goes with

    @classmethod
    def load(cls, manifest: Path, shape: str) -> Delta | None:
        """The last build's record when its shape is ``shape``; else None."""
        state_path, shows_path = paths(manifest)
        try:
            state = cachefile.read_json(state_path)
            if state.get("version") != VERSION or state.get("shape") != shape:
                return None
            shows = cachefile.read_json(shows_path)
            if shows.get("version") != VERSION or shows.get("generation") != state.get("generation"):
                return None
            delta = cls(shape, dict(state["addresses"]), dict(state["parts"]), str(state["parts_key"]),
                        dict(state["digests"]),
                        list(state["written"]), list(state["removed"]), list(shows["order"]),
                        list(shows["page_parts"]), list(shows["articles"]), list(shows["shows"]),
                        str(state["generation"]))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        if not len(delta.order) == len(delta.page_parts) == len(delta.shows):
            return None
        return delta

    def save(self, manifest: Path, shows: bool) -> None:
        """Write the state; with ``shows``, what each page holds and shows too (a new generation)."""
        state_path, shows_path = paths(manifest)
        if shows or not self.generation:
            self.generation = os.urandom(8).hex()
            cachefile.write_json(shows_path, {"version": VERSION, "generation": self.generation,
                                              "order": self.order, "page_parts": self.page_parts,
                                              "articles": self.articles, "shows": self.shows})
        cachefile.write_json(state_path, {"version": VERSION, "shape": self.shape, "generation": self.generation,
                                          "addresses": self.addresses, "parts": self.parts, "parts_key": self.parts_key,
                                          "digests": self.digests, "written": self.written,
                                          "removed": self.removed})

    def keeps_addresses(self, addresses: dict[str, str]) -> bool:
        """Whether every place, topic and tag of the last build that is still there has its URL."""
        return all(addresses.get(name, url) == url for name, url in self.addresses.items())

    def to_check(self, pages: Sequence[str], page_parts: Sequence[Sequence[str] | None], parts: dict[str, str],
                 digests: dict[str, str | None]) -> set[int]:
        """The positions (in ``pages``) of the pages whose inputs may differ from the last build's: new
        pages, pages saying no parts or holding a part whose digest changed, pages showing an article
        whose file changed (``digests``: every article file now, None when not read from a file)."""
        changed_parts = {name for name, digest in parts.items() if self.parts.get(name) != digest}
        changed = {number for number, file in enumerate(self.articles)
                   if digests.get(file) is None or digests.get(file) != self.digests.get(file)}
        before = {path: i for i, path in enumerate(self.order)}
        todo: set[int] = set()
        for j, path in enumerate(pages):
            i = before.get(path)
            held = page_parts[j]
            if i is None or held is None or self.page_parts[i] != list(held) \
                    or not changed_parts.isdisjoint(held) or not changed.isdisjoint(self.shows[i]):
                todo.add(j)
        return todo

    def record(self, pages: Sequence[str], page_parts: Sequence[Sequence[str] | None],
               shows: Iterable[tuple[int, Sequence[str]]]) -> bool:
        """Take this build's pages and what the pages looked at now show (``shows``: position, article
        files); the others show what they showed. True when what is recorded changed."""
        number = {file: i for i, file in enumerate(self.articles)}
        before = {path: i for i, path in enumerate(self.order)}
        new_parts = [list(held) if held is not None else None for held in page_parts]
        new_shows = [self.shows[before[path]] if path in before else [] for path in pages]
        for j, files in shows:
            numbers = []
            for file in files:
                if file not in number:
                    number[file] = len(self.articles)
                    self.articles.append(file)
                numbers.append(number[file])
            new_shows[j] = sorted(numbers)
        changed = new_shows != self.shows or new_parts != self.page_parts or list(pages) != self.order
        self.order, self.page_parts, self.shows = list(pages), new_parts, new_shows
        return changed


@dataclass
class Changes:
    """What a build found changed since the last one, and the pages it must look at (``todo``, in
    plan order); ``previous`` is the last build's record, None on the full path."""

    plan: Plan
    shape: str
    addresses: dict[str, str]
    parts: dict[str, str]
    parts_key: str
    digests: dict[str, str | None]
    held: list[tuple[str, ...] | None]
    previous: Delta | None
    todo: Sequence[int]

    def save(self, manifest: Path, pages: Sequence[str], outcomes: Sequence[tuple[Any, Any, Sequence[int]]],
             dirty: list[str], lost: Set[str]) -> None:
        """Record this build for the next (``outcomes``: of the ``todo`` pages, each with the numbers
        in the model of the articles its inputs show; ``dirty``: the pages written; ``lost``: the last
        output's files this one has not)."""
        delta = self.previous or Delta(self.shape)
        files = self.plan.files
        looked = ((i, [files[n] for n in outcome[2]]) for i, outcome in zip(self.todo, outcomes, strict=True))
        shows_changed = delta.record(pages, self.held, looked)
        delta.addresses, delta.parts, delta.parts_key = self.addresses, self.parts, self.parts_key
        delta.digests = {path: digest for path, digest in self.digests.items() if digest}
        delta.written, delta.removed = dirty, sorted(lost)
        delta.save(manifest, shows=shows_changed)


def find_changes(plan: Plan, pages: Sequence[Page], fingerprints: Fingerprints, writer: OutputWriter,
                 manifest: Manifest, manifest_path: Path, *, search: bool, incremental: bool,
                 stale: StaleCheck | None = None) -> Changes:
    """Which pages this build must look at. With the last build's record of the same shape and a spare
    adopted, only those :meth:`Delta.to_check` names and those the manifest does not vouch for, the
    spare brought up to date for the others; else every page (the full path). ``stale`` gives the
    manifest's :meth:`Manifest.stale` pages in the output, when the caller had them found already."""
    statics = sorted(p for p in writer.claimed_paths() if p.startswith("static/"))
    shape = hashlib.sha256(f"{fingerprints.common()}\0{search}\0{statics}".encode()).hexdigest()
    addresses = plan.addresses()
    paths, held = [page.path for page in pages], [page.parts for page in pages]
    digests = {file: post.article.digest for file, post in zip(plan.files, plan.site.posts, strict=True)}
    previous = Delta.load(manifest_path, shape) if incremental and writer.in_place and manifest.pages else None
    if previous is not None and not previous.keeps_addresses(addresses):
        previous = None   # a name under another URL: the pages linking to it are not known
    parts_key = plan.parts_key() if incremental else ""
    parts = previous.parts if previous is not None and previous.parts_key == parts_key else \
        plan.parts() if incremental else {}
    todo: Sequence[int] = range(len(pages))
    if previous is None and stale is not None:
        stale.close()   # every page is looked at: no use for it
    if previous is not None:   # the same shape: only pages holding a changed part or article can change
        stale_pages = stale.result() if stale is not None else manifest.stale(writer.output)
        todo = sorted(_to_check(previous, paths, held, parts, digests, manifest, stale_pages))
        if not _bring_up_to_date(writer, previous, manifest, {paths[i] for i in todo}, set(paths)):
            previous, todo = None, range(len(pages))   # the full path
    return Changes(plan, shape, addresses, parts, parts_key, digests, held, previous, todo)


def _to_check(previous: Delta, paths: list[str], held: list[tuple[str, ...] | None], parts: dict[str, str],
              digests: dict[str, str | None], manifest: Manifest, stale: set[str]) -> set[int]:
    """The pages whose inputs this build must make: those whose parts or shown articles changed,
    and those the last build's manifest does not vouch for (no entry, no inputs key, or a file on
    disk not as written)."""
    todo = previous.to_check(paths, held, parts, digests)
    for i, path in enumerate(paths):
        entry = manifest.pages.get(path)
        if entry is None or not entry[4] or path in stale:
            todo.add(i)
    return todo


def _bring_up_to_date(writer: OutputWriter, previous: Delta, manifest: Manifest, again: set[str],
                      paths: set[str]) -> bool:
    """Make the spare being updated in place (the output before last) the last output, but for the
    pages about to be looked at again (``again``): drop what the last build lost, link what it
    wrote. (What this build does not make again is dropped before the swap.) False when that cannot
    be done (a page to link is gone)."""
    writer.drop(previous.removed)
    for path in previous.written:
        entry = manifest.pages.get(path)
        if path not in again and path in paths and (entry is None or not writer.reuse(path, entry[0], manifest)):
            return False
    return True
