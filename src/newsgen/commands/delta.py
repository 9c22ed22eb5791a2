"""What one build leaves the next so that an edit costs the pages it reaches, not every page.

A rebuild reuses a page whose inputs key is unchanged (see :mod:`newsgen.render.fingerprint`),
but finding that out means making the key of every page: 15,000 of them at 10,000 articles.
Most edits change no page but a few: a body, a title, a summary. So each build records

- the **shape** of the site: everything the pages' inputs hold but the articles' own lines
  (:meth:`newsgen.render.pages.Plan.shape`), with the configuration, templates and options;
- each article file's **digest** as its pages were made;
- which pages **show** which article (the articles whose lines each page's inputs hold);
- which pages it **wrote** anew, and which files its output **lost**: the spare the next build
  updates in place is the output before it (see :mod:`newsgen.output`), so those are exactly
  where the spare differs from the current output.

The next build, finding the same shape, makes the inputs of only the pages that show an article
whose digest changed (or that have no inputs key, or whose file on disk is not as written) and
carries every other page over as it is; it brings the spare up to date by linking the pages
written last time and dropping the files lost, instead of checking and sweeping all of it. Any
doubt (another shape, page order or static files, a record missing or unreadable, a spare not
adopted) is the full path. Safe to delete: the next build then takes the full path.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from newsgen import cachefile

VERSION = 1


def paths(manifest: Path) -> tuple[Path, Path]:
    """The delta's two files beside an output's manifest: the small state written every build, and
    the page order with what each article is shown by, written when the shape changes."""
    return manifest.with_suffix(".delta.json"), manifest.with_suffix(".shows.json")


@dataclass
class Delta:
    shape: str = ""
    digests: dict[str, str] = field(default_factory=dict)   # article file -> digest its pages were made from
    written: list[str] = field(default_factory=list)        # pages written anew (not linked)
    removed: list[str] = field(default_factory=list)        # files the output before had and it has not
    static: list[str] = field(default_factory=list)         # static files copied
    order: list[str] = field(default_factory=list)          # every page, in plan order
    shows: dict[str, list[int]] = field(default_factory=dict)   # article file -> positions of the pages showing it

    @classmethod
    def load(cls, manifest: Path, shape: str) -> Delta | None:
        """The last build's record when its shape is ``shape``; else None."""
        state_path, shows_path = paths(manifest)
        try:
            state = json.loads(state_path.read_text(encoding="utf-8"))
            if state.get("version") != VERSION or state.get("shape") != shape:
                return None
            shows = json.loads(shows_path.read_text(encoding="utf-8"))
            if shows.get("version") != VERSION or shows.get("shape") != shape:
                return None
            delta = cls(shape, dict(state["digests"]), list(state["written"]), list(state["removed"]),
                        list(state["static"]), list(shows["order"]), dict(shows["shows"]))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        if not all(isinstance(v, list) for v in delta.shows.values()):
            return None
        return delta

    def save(self, manifest: Path, shows: bool) -> None:
        """Write the state; with ``shows``, the page order and what shows each article too."""
        state_path, shows_path = paths(manifest)
        if shows:
            cachefile.write_json(shows_path, {"version": VERSION, "shape": self.shape, "order": self.order,
                                              "shows": self.shows})
        cachefile.write_json(state_path, {"version": VERSION, "shape": self.shape, "digests": self.digests,
                                          "written": self.written, "removed": self.removed,
                                          "static": self.static})

    def pages_to_check(self, digests: dict[str, str | None]) -> set[int]:
        """The positions of the pages that show an article whose file is not as the last build saw it
        (``digests``: every article file now, with its digest; None: not read from a file)."""
        todo: set[int] = set()
        for path, digest in digests.items():
            if digest is None or self.digests.get(path) != digest:
                todo.update(self.shows.get(path, ()))
        return todo
