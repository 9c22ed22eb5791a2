"""The output's manifest in the build state: kept as columns with a journal of what changed, read back
as the entries written, looked up without an object a file; a rebuild whose pages are the last
build's does not check each path again (the manifest's were checked, in the stale check's child)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from golden import files_of as files
from newsgen import output as output_mod
from newsgen.cachefile import State
from newsgen.commands.build import build
from newsgen.output import CACHE_DIR, MARKER, Entries, Entry, Manifest

ARTICLE = Path("articles") / "2025" / "08" / "gongshui-luojia.md"


def edit(site: Path, text: str = "\n又一段。\n") -> None:
    with open(site / ARTICLE, "a", encoding="utf-8") as f:
        f.write(text)


def sections(site: Path) -> dict[str, str]:
    return json.loads((site / CACHE_DIR / "state.json").read_text(encoding="utf-8"))["sections"]


def kept(site: Path, out: Path) -> Manifest:
    state = State(site / CACHE_DIR)
    return Manifest.read(state, state.output(out))


def on_disk(out: Path, manifest: Manifest) -> None:
    """Every file of ``out`` (but the marker) is in ``manifest``, as it is on disk, and nothing else."""
    found = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and p.name != MARKER}
    assert set(manifest.pages) == found
    for path, entry in manifest.pages.items():
        st = os.lstat(out / path)
        assert entry == manifest.pages[path] and entry.on_disk(st), path


def test_entries_read_back_as_written_whole_and_with_a_journal(tmp_path: Path):
    """A manifest kept (columns, then a journal of a few changes) reads back as the same entries,
    inputs and summary; the journal holds only the changes and the paths removed."""
    state = State(tmp_path / CACHE_DIR)
    (tmp_path / "out").mkdir()
    key = state.output(tmp_path / "out")   # (a section of an output kept while the output is there)
    rows = {f"{n}/index.html": Entry(f"{n:032x}", n, 10 ** 18 + n, 2 ** 40 + n) for n in range(1000)}
    Manifest(Entries.of(rows), "a", {"pages": 1}).keep(state, key)
    assert state.commit()
    manifest = kept_in(tmp_path / CACHE_DIR, key)
    assert dict(manifest.pages.items()) == rows and manifest.inputs == "a" and manifest.summary == {"pages": 1}
    assert isinstance(manifest.pages, Entries) and not manifest.pages.changed and not manifest.pages.removed

    pages = manifest.pages.restricted([p for p in rows if p != "7/index.html"])
    pages["3/index.html"] = Entry("f" * 32, 1, 2, 3)
    pages["new/index.html"] = Entry("e" * 32, 4, 5, 6)
    pages["5/index.html"] = rows["5/index.html"]   # (as it was: not a change)
    whole = sections(tmp_path)[f"{key}.0"]
    state = State(tmp_path / CACHE_DIR)
    state.output(tmp_path / "out")
    Manifest(pages, "b", {}).keep(state, key)
    assert state.commit()
    names = sections(tmp_path)
    assert names[f"{key}.0"] == whole
    journal = json.loads((tmp_path / CACHE_DIR / names[f"{key}.journal"]).read_text(encoding="utf-8"))
    assert journal["of"] == [whole] and journal["removed"] == ["7/index.html"]
    assert journal["set"] == {"3/index.html": ["f" * 32, 1, 2, 3], "new/index.html": ["e" * 32, 4, 5, 6]}
    again = kept_in(tmp_path / CACHE_DIR, key)
    expected = {**{p: e for p, e in rows.items() if p != "7/index.html"}, "3/index.html": Entry("f" * 32, 1, 2, 3),
                "new/index.html": Entry("e" * 32, 4, 5, 6)}
    assert dict(again.pages.items()) == expected and again.inputs == "b" and len(again.pages) == len(expected)
    assert again.pages.fingerprints() == {p: e.fingerprint for p, e in expected.items()}
    assert "7/index.html" not in again.pages and again.pages.get("7/index.html") is None

    state = State(tmp_path / CACHE_DIR)   # most of it changed: the columns written again, and no change journaled
    state.output(tmp_path / "out")
    Manifest(Entries.of({p: Entry("0" * 32, 0, 0, 0) for p in expected}), "c", {}).keep(state, key)
    assert state.commit()
    names = sections(tmp_path)
    journal = json.loads((tmp_path / CACHE_DIR / names[f"{key}.journal"]).read_text(encoding="utf-8"))
    assert names[f"{key}.0"] != whole and journal["set"] == {} and journal["removed"] == []
    assert dict(kept_in(tmp_path / CACHE_DIR, key).pages.items()) == {p: Entry("0" * 32, 0, 0, 0) for p in expected}


def kept_in(root: Path, key: str) -> Manifest:
    return Manifest.read(State(root), key)


def test_a_rebuild_that_changed_a_page_keeps_a_small_journal_of_the_manifest_columns(site: Path, tmp_path: Path):
    """A body edited: the manifest's columns are not written again, its journal names only the files
    the rebuild wrote; read back, it is the output as it is on disk, and the next build finds nothing to do."""
    out = tmp_path / "out"
    build(site, out, search=False)
    key = State(site / CACHE_DIR).output(out)
    whole = sections(site)[f"{key}.0"]
    columns = json.loads((site / CACHE_DIR / whole).read_text(encoding="utf-8"))
    assert isinstance(columns["keys"], list) and len(columns["keys"]) == len(columns["0"]) > 50
    assert isinstance(columns["3"], str)   # (the inodes: 64-bit numbers, as their bytes)
    edit(site)
    again = build(site, out, search=False)
    assert 0 < again.rendered < again.pages / 4
    names = sections(site)
    assert names[f"{key}.0"] == whole
    journal = json.loads((site / CACHE_DIR / names[f"{key}.journal"]).read_text(encoding="utf-8"))
    assert set(journal["set"]) == set(again.rendered_paths) and journal["removed"] == []
    on_disk(out, kept(site, out))
    assert build(site, out, search=False).timings.keys() == {"unchanged"}
    edit(site, "\n再一段。\n")
    assert build(site, out, search=False).rendered == again.rendered
    on_disk(out, kept(site, out))
    assert files(out) == files(build(site, tmp_path / "cold", incremental=False, search=False).output)


def test_an_article_gone_removes_its_pages_from_the_manifest_journal(site: Path, tmp_path: Path):
    """Pages that are no longer built leave the output and the manifest (its journal names them removed)."""
    out = tmp_path / "out"
    build(site, out, search=False)
    (site / ARTICLE).unlink()
    build(site, out, search=False)
    manifest = kept(site, out)
    on_disk(out, manifest)
    assert files(out) == files(build(site, tmp_path / "cold", incremental=False, search=False).output)


@pytest.mark.parametrize("damage", [
    lambda raw: raw[: len(raw) // 2],                                         # cut short
    lambda raw: raw.replace(b'"set":{', b'"set":{"x/index.html":[1,2],', 1),   # a row not of four
    lambda raw: raw.replace(b'"removed":[', b'"removed":["no/such/path",', 1),  # a path the columns lack
])
def test_a_damaged_manifest_journal_is_a_full_build_of_the_pages(site: Path, tmp_path: Path, damage):
    """A journal that does not read back as one is no manifest: every page is rendered again and the
    output replaced whole, as a cold build makes it."""
    out = tmp_path / "out"
    build(site, out, search=False)
    edit(site)
    build(site, out, search=False)
    key = State(site / CACHE_DIR).output(out)
    path = site / CACHE_DIR / sections(site)[f"{key}.journal"]
    path.write_bytes(damage(path.read_bytes()))
    edit(site, "\n再一段。\n")
    again = build(site, out, search=False)
    assert again.rendered == again.pages + again.files
    assert again.cold == f"the build state's {key} cannot be read"   # (the one line saying why)
    assert files(out) == files(build(site, tmp_path / "cold", incremental=False, search=False).output)
    on_disk(out, kept(site, out))


class _Counting:
    """``_SAFE_PATH`` that counts the paths it is asked about."""

    def __init__(self) -> None:
        self.asked = 0

    def fullmatch(self, path: str) -> re.Match[str] | None:
        self.asked += 1
        return SAFE.fullmatch(path)


SAFE = output_mod._SAFE_PATH


def test_a_rebuild_of_the_same_pages_does_not_check_each_path_again(site: Path, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch):
    """The paths of the pages the last build claimed (its manifest's, checked in the stale check's
    child) are not checked one by one again; after a manifest was given a path leading out of the
    output (a state edited), they are, and nothing outside the output is touched."""
    out = tmp_path / "out"
    build(site, out, search=False)
    edit(site)
    counting = _Counting()
    monkeypatch.setattr(output_mod, "_SAFE_PATH", counting)
    again = build(site, out, search=False)
    assert 0 < again.rendered and counting.asked < again.pages / 2

    key = State(site / CACHE_DIR).output(out)
    path = site / CACHE_DIR / sections(site)[f"{key}.0"]
    columns = json.loads(path.read_bytes())
    victim = tmp_path / "victim.html"
    victim.write_text("keep me", encoding="utf-8")
    columns["keys"][-1] = "../victim.html"
    path.write_text(json.dumps(columns), encoding="utf-8")
    edit(site, "\n再一段。\n")
    counting.asked = 0
    third = build(site, out, search=False)
    assert counting.asked >= third.pages
    assert victim.read_text(encoding="utf-8") == "keep me"
    monkeypatch.undo()
    assert files(out) == files(build(site, tmp_path / "cold", incremental=False, search=False).output)


def test_the_stale_check_says_whether_the_manifest_paths_are_safe_with_or_without_a_child(site: Path,
                                                                                         tmp_path: Path):
    """The child's answer (after the stale pages) and the one found here where it cannot fork (a thread
    runs) are the same: every path of the columns and of the journal is one a claim takes, or not."""
    import threading

    from newsgen.output import StaleCheck

    out = tmp_path / "out"
    build(site, out, search=False)
    state = State(site / CACHE_DIR)
    key = state.output(out)

    def checks() -> list[bool]:
        forked = StaleCheck(lambda: Manifest.read(state, key), out)
        assert forked._pid > 0
        answers = [forked.safe()]
        release = threading.Event()
        thread = threading.Thread(target=release.wait)
        thread.start()
        try:
            here = StaleCheck(lambda: Manifest.read(state, key), out)
            assert here._pid == 0
            answers.append(here.safe())
        finally:
            release.set()
            thread.join()
        return answers

    assert checks() == [True, True]
    manifest = Manifest.read(state, key)
    manifest.pages["a/../../b.html"] = Entry("x", 1, 2, 3)   # (a state edited: in the journal)
    manifest.keep(state, key)
    assert state.commit()
    state = State(site / CACHE_DIR)
    assert checks() == [False, False]
