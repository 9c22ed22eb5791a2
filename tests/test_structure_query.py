"""The model's structure is a recorded query, and an article's page is made only when looked at.

The structure (post order, URLs, places, topics, tags, years: :func:`newsgen.site.structure`) is
computed from the articles' structure rows only and kept in the build state under the digest of
those rows: a rebuild whose rows are the last build's takes it from there and does not compute it
(nor plan every article's page); any edit that changes a row computes it again. Each case also
checks that the incremental output is byte-equal to a cold build's.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import newsgen.commands.build as build_mod
import newsgen.render.pages as pages_mod
from newsgen.commands.build import build
from newsgen.output import CACHE_DIR
from test_incremental import CHANGES, edit, files, first_article


def _tag(site: Path) -> None:
    path = first_article(site)
    line = next(line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("tags:"))
    edit(path, line, "tags: [另一个标签]")


def _draft(site: Path) -> None:
    path = first_article(site)
    edit(path, "\ndate:", "\ndraft: true\ndate:")


def _slug(site: Path) -> None:
    path = first_article(site)
    line = next(line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("slug:"))
    edit(path, line, "slug: another-slug")


def _per_page(site: Path) -> None:
    edit(site / "newsgen.yaml", "per_page: 2", "per_page: 3")


#: each edit, and whether it changes an article's structure row (or which articles there are)
EDITS: dict[str, tuple[Callable[[Path], None], bool]] = {
    "edit a body": (CHANGES["edit a body"], False), "edit a title": (CHANGES["edit a title"], False),
    "edit the config": (CHANGES["edit the config"], False), "change per_page": (_per_page, False),
    "edit a date": (CHANGES["edit a date"], True), "edit a region": (CHANGES["edit a region"], True),
    "edit a topic": (CHANGES["edit a topic"], True), "edit a tag": (_tag, True), "make a draft": (_draft, True),
    "give a slug": (_slug, True), "add an article": (CHANGES["add an article"], True),
    "delete an article": (CHANGES["delete an article"], True), "rename a file": (CHANGES["rename a file"], True),
}


#: the templates of the pages of a listing (made when looked at, as an article's page is)
LISTINGS = ("home.html", "region.html", "topic.html", "tag.html")


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How often the structure is computed, and how many article pages are made."""
    counts = {"structure": 0, "article pages": 0, "listing pages": 0}
    real_structure, real_page = build_mod.structure, pages_mod.Page

    def structure(rows):  # type: ignore[no-untyped-def]
        counts["structure"] += 1
        return real_structure(rows)

    def page(path, template, make):  # type: ignore[no-untyped-def]
        counts["article pages"] += template == "article.html"
        counts["listing pages"] += template in LISTINGS
        return real_page(path, template, make)

    monkeypatch.setattr(build_mod, "structure", structure)
    monkeypatch.setattr(pages_mod, "Page", page)
    return counts


@pytest.mark.parametrize("name", sorted(EDITS))
def test_the_structure_is_computed_again_exactly_when_a_row_changed(site: Path, tmp_path: Path,
                                                                    counted: dict[str, int], name: str):
    out = tmp_path / "out"
    first = build(site, out, search=False)
    assert counted["structure"] == 1 and counted["article pages"] == first.articles   # cold: every page made
    change, structural = EDITS[name]
    change(site)
    counted.update(dict.fromkeys(counted, 0))
    again = build(site, out, search=False)
    assert counted["structure"] == (1 if structural else 0)
    if name == "edit a body":   # the article and listing pages made: the ones looked at, not every one
        assert 0 < counted["article pages"] < again.articles
        listings = sum(1 for p in out.rglob("index.html") if p.relative_to(out).parts[0] in ("page", "regions",
                                                                                           "topics", "tags"))
        assert counted["listing pages"] + counted["article pages"] <= again.checked
        assert counted["listing pages"] < listings
    build(site, tmp_path / "cold", search=False, incremental=False)
    assert files(out) == files(tmp_path / "cold")


def test_a_body_edit_keeps_the_structure_and_makes_only_the_pages_looked_at(site: Path, tmp_path: Path,
                                                                            counted: dict[str, int]):
    out = tmp_path / "out"
    build(site, out, search=False)
    for n in range(3):   # one after another: each takes the structure the one before kept
        path = first_article(site)
        edit(path, "\n---\n", f"\n---\n\n第 {n} 次加的一句。\n")
        counted.update(dict.fromkeys(counted, 0))
        again = build(site, out, search=False, verify=n == 2)
        assert counted["structure"] == 0
        assert again.differs == ()
    build(site, tmp_path / "cold", search=False, incremental=False)
    assert files(out) == files(tmp_path / "cold")


def test_a_structure_kept_but_not_as_written_is_computed_again(site: Path, tmp_path: Path,
                                                               counted: dict[str, int]):
    from newsgen.cachefile import State
    out = tmp_path / "out"
    build(site, out, search=False)
    state = State(site / CACHE_DIR)
    kept = state.get("model")
    kept["structure"]["order"] = [10 ** 6]   # a position no article has
    state.put("model", kept)
    assert state.commit()
    CHANGES["edit a body"](site)
    counted.update(dict.fromkeys(counted, 0))
    build(site, out, search=False)
    assert counted["structure"] == 1
    build(site, tmp_path / "cold", search=False, incremental=False)
    assert files(out) == files(tmp_path / "cold")
