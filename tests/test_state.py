"""The build state: one store, written once at the end of a successful build; of another version or
unreadable, a cold build saying why in one line; a build that fails leaves the last state usable."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from golden import files_of as files
from newsgen.commands import build as build_mod
from newsgen.commands.build import build
from newsgen.output import CACHE_DIR

FIXTURE = Path(__file__).parent / "fixtures" / "site"
ARTICLE = Path("articles") / "2025" / "08" / "gongshui-luojia.md"


def edit(site: Path, text: str = "\n又一段。\n") -> None:
    with open(site / ARTICLE, "a", encoding="utf-8") as f:
        f.write(text)


def index(site: Path) -> Path:
    return site / CACHE_DIR / "state.json"


def damage_version(site: Path) -> None:
    data = json.loads(index(site).read_text(encoding="utf-8"))
    data["version"][0] += 1
    index(site).write_text(json.dumps(data), encoding="utf-8")


@pytest.mark.parametrize(("damage", "why"), [
    (damage_version, "the build state is of another newsgen version"),
    (lambda site: index(site).write_bytes(index(site).read_bytes()[:30]), "the build state cannot be read"),
    (lambda site: index(site).write_text("[1, 2]", encoding="utf-8"), "the build state cannot be read"),
])
def test_a_state_of_another_version_or_unreadable_is_a_cold_build_saying_why(site: Path, tmp_path: Path,
                                                                            damage, why: str):
    out = tmp_path / "out"
    assert build(site, out).cold is None
    edit(site)
    damage(site)
    lines: list[str] = []
    again = build(site, out, progress=lines.append)
    assert again.cold == why
    assert again.checked == again.pages + again.files    # every page looked at
    assert any(line.startswith("articles: ") and why in line for line in lines)
    assert files(out) == files(build(site, tmp_path / "cold", incremental=False).output)
    assert build(site, out).cold is None and json.loads(index(site).read_bytes())["version"][0] == \
        build_mod.cachefile.State.VERSION   # written afresh: the next build uses it


def test_the_command_line_says_why_in_one_line(site: Path, tmp_path: Path):
    out = tmp_path / "out"
    command = [sys.executable, "-m", "newsgen", "build", "--site", str(site), "--output", str(out), "--no-search"]
    first = subprocess.run(command, capture_output=True, text=True, check=True)
    assert "note:" not in first.stderr   # a first build has no state, and nothing to say about it
    damage_version(site)
    again = subprocess.run(command, capture_output=True, text=True, check=True)
    notes = [line for line in again.stderr.splitlines() if line.startswith("note:")]
    assert notes == ["note: the build state is of another newsgen version: every article read and every page "
                     "built afresh"]


def test_another_version_s_store_is_deleted_with_its_blobs(site: Path, tmp_path: Path):
    build(site, tmp_path / "out")
    assert (site / CACHE_DIR / "bodies" / "pack").is_file()
    (site / CACHE_DIR / "blobs").mkdir()
    (site / CACHE_DIR / "blobs" / "x").write_bytes(b"a folder of another version's")
    damage_version(site)
    build(site, tmp_path / "out")
    names = {p.name for p in (site / CACHE_DIR).iterdir()}
    assert names == {"state.json", "bodies", *json.loads(index(site).read_bytes())["sections"].values()}


@pytest.mark.parametrize("where", ["_write_photos", "index_articles", "_verify"])
def test_a_build_that_fails_midway_leaves_the_last_state_usable(site: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch, where: str):
    out = tmp_path / "out"
    build(site, out)
    state = {p.name: p.read_bytes() for p in (site / CACHE_DIR).iterdir() if p.is_file()}
    published = files(out)
    edit(site)

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("killed midway")

    monkeypatch.setattr(build_mod, where, fail)
    with pytest.raises(RuntimeError, match="killed midway"):
        build(site, out, verify=where == "_verify")
    monkeypatch.undo()
    if where != "_verify":   # (verifying comes after the swap: the new output is in place)
        assert files(out) == published
    assert {p.name: p.read_bytes() for p in (site / CACHE_DIR).iterdir() if p.is_file()} == state
    edit(site, "\n再一段。\n")
    again = build(site, out)
    assert again.cold is None and 0 < again.checked < again.pages   # the last state used: not every page
    assert files(out) == files(build(site, tmp_path / "cold", incremental=False).output)


def test_a_rebuild_walks_each_folder_once(site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """articles/, templates/, static/ and the theme's folders: walked once each by a rebuild (the inputs
    digest's walk stands for validation's), and cold too."""
    from collections import Counter

    from newsgen import content
    from newsgen.commands import validate

    walks: Counter[str] = Counter()
    real = content.site_file_names

    def counted(root: Path, *args: object, **kwargs: object) -> list[str]:
        walks.update([str(root)])
        return real(root, *args, **kwargs)   # type: ignore[arg-type]

    monkeypatch.setattr(content, "site_file_names", counted)
    monkeypatch.setattr(build_mod, "site_file_names", counted)
    monkeypatch.setattr(validate, "site_file_names", counted)
    out = tmp_path / "out"
    for change in (lambda: None, lambda: edit(site), lambda: shutil.rmtree(site / CACHE_DIR)):
        change()
        walks.clear()
        build(site, out)
        assert walks and max(walks.values()) == 1, walks


def test_a_build_lists_each_static_and_template_folder_once(site: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch):
    """Whoever walks them (the inputs digest, validation, copying the static files): each folder of the
    site's and the theme's templates/ and static/ is listed once a build, cold, after an edit, and when
    a static file was added."""
    import os
    from collections import Counter

    from newsgen.render.env import THEME_DIR

    (site / "static" / "img").mkdir(parents=True, exist_ok=True)
    (site / "static" / "img" / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", encoding="utf-8")
    roots = [os.path.realpath(p) for p in (site / "static", site / "templates", THEME_DIR / "static",
                                           THEME_DIR / "templates")]
    listed: Counter[str] = Counter()
    real = os.scandir

    def counted(path: object = ".") -> object:
        if isinstance(path, int):   # a folder opened by shutil.rmtree
            return real(path)
        where = os.path.realpath(os.fsdecode(path))   # type: ignore[arg-type]
        if any(where == r or where.startswith(r + os.sep) for r in roots):
            listed.update([where])
        return real(path)   # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", counted)
    out = tmp_path / "out"
    for change in (lambda: shutil.rmtree(site / CACHE_DIR, ignore_errors=True), lambda: edit(site),
                   lambda: (site / "static" / "extra.css").write_text("p{}", encoding="utf-8")):
        change()
        listed.clear()
        build(site, out)
        assert listed and max(listed.values()) == 1, listed
    assert (out / "static" / "img" / "logo.svg").is_file() and (out / "static" / "extra.css").is_file()


def _sections(root: Path) -> dict[str, str]:
    return json.loads((root / "state.json").read_text(encoding="utf-8"))["sections"]


def _journal(root: Path, name: str) -> dict:
    return json.loads((root / _sections(root)[f"{name}.journal"]).read_text(encoding="utf-8"))


def test_a_table_whose_changed_buckets_were_written_by_its_caller_keeps_a_journal_of_them(tmp_path: Path):
    """A table read back, a row changed and its bucket written at once (:meth:`Table.flush`, as the
    article cache writes the buckets of rows it changed), nothing else: :meth:`Table.keep` still writes
    a journal naming that bucket's new file, so the next build reads the state, and the row."""
    from newsgen.cachefile import State, Table

    root = tmp_path / "state"
    state, table = State(root), Table(2, 3)
    for i in range(30):
        table[f"k{i}"] = (f"row {i}", i)
    table.keep(state, "rows")
    assert state.commit()
    state = State(root)
    table = Table.load(state, "rows", 2)
    assert table is not None
    table["k4"] = ("row 4, edited", 4)
    table.flush(table.bucket("k4"))
    table.keep(state, "rows")
    assert state.commit()
    again = State(root)
    assert again.problem is None
    table = Table.load(again, "rows", 2)
    assert table is not None and table["k4"] == ("row 4, edited", 4) and len(table) == 30


@pytest.mark.parametrize(("width", "buckets"), [(0, 1), (4, 1), (0, 7)])
def test_a_table_changed_a_little_is_kept_as_its_journal_and_reads_back_whole(tmp_path: Path, width: int,
                                                                              buckets: int):
    """A big table changed a little is written as its journal (the rows set and removed) beside its
    buckets, which are not written again; read back, buckets and journal are the rows put. Most of it
    changed, the buckets changed are written again and the journal is empty."""
    from newsgen.cachefile import State, Table

    root = tmp_path / "state"
    rows = {f"p{i}/index.html": (f"{i:064x}", i, i * 7, i + 1) for i in range(1000)}
    if not width:
        rows = {key: list(row) for key, row in rows.items()}

    def read() -> tuple[dict, object]:
        table = Table.load(State(root), "records", width)
        assert table is not None
        return dict(table.items()), table.meta

    state = State(root)
    table = Table(width, buckets, meta="a")
    for key, row in rows.items():
        table[key] = row
    table.keep(state, "records")
    assert state.commit()
    whole = {name: file for name, file in _sections(root).items() if name != "records.journal"}
    assert len(whole) == buckets and _journal(root, "records")["set"] == {}
    assert read() == (rows, "a")

    state = State(root)
    table = Table.load(state, "records", width)
    changed = dict(rows)
    for key, row in [("p1/index.html", ("f" * 64, 1, 2, 3)), ("new/index.html", ("e" * 64, 4, 5, 6))]:
        changed[key] = table[key] = row if width else list(row)   # changed, added
    del changed["p2/index.html"], table["p2/index.html"]            # removed
    table["p5/index.html"] = rows["p5/index.html"]                  # as it was: not a change
    table.meta = "b"
    table.keep(state, "records")
    assert state.commit()
    assert {n: f for n, f in _sections(root).items() if n != "records.journal"} == whole   # the buckets kept
    journal = _journal(root, "records")
    assert journal["set"] == {"p1/index.html": ["f" * 64, 1, 2, 3], "new/index.html": ["e" * 64, 4, 5, 6]}
    assert journal["removed"] == ["p2/index.html"]
    assert read() == (changed, "b")
    assert buckets > 1 or list(read()[0]) == list(changed)   # (one bucket: in its order, a row set in its place)

    state = State(root)   # a journal again: of the same buckets, holding every change since them
    table = Table.load(state, "records", width)
    changed["p3/index.html"] = table["p3/index.html"] = ("d" * 64, 0, 0, 0) if width else ["d" * 64, 0, 0, 0]
    table.keep(state, "records")
    assert state.commit() and {n: f for n, f in _sections(root).items() if n != "records.journal"} == whole
    assert read() == (changed, "b")

    state = State(root)   # most of it changed: the buckets written again, and an empty journal
    table = Table.load(state, "records", width)
    for key in changed:
        table[key] = (key, 0, 0, 0) if width else [key, 0, 0, 0]
    table.keep(state, "records")
    assert state.commit()
    names = _sections(root)
    assert all(names[name] != file for name, file in whole.items()) and _journal(root, "records")["set"] == {}
    assert read()[0] == {key: (key, 0, 0, 0) if width else [key, 0, 0, 0] for key in changed}
    assert sorted(p.name for p in root.iterdir()) == sorted(["state.json", *names.values()])


@pytest.mark.parametrize("damage", ["cut", "another bucket", "a row not of four", "removed unknown"])
def test_a_table_not_as_written_is_no_state_saying_why(tmp_path: Path, damage: str):
    """A table's journal that cannot be read or is not of the buckets the index names makes the whole
    state none (a cold build, saying why); a journal whose rows are not of the table's shape, or that
    removes a key its bucket lacks, is no table (the caller takes the full path), saying why too."""
    from newsgen.cachefile import Damaged, State, Table

    root = tmp_path / "state"
    state = State(root)
    table = Table(4)
    for n in range(300):
        table[f"k{n}"] = (str(n), n, n, n)
    table.keep(state, "records")
    state.put("other", {"x": 1})
    assert state.commit()
    state = State(root)
    table = Table.load(state, "records", 4)
    table["k1"] = ("x", 1, 1, 1)
    del table["k2"]
    table.keep(state, "records")
    assert state.commit()
    path = root / _sections(root)["records.journal"]
    raw = path.read_bytes()
    if damage == "cut":
        path.write_bytes(raw[:len(raw) // 2])
    elif damage == "another bucket":
        journal = json.loads(raw)
        journal["of"] = ["records.0.00000000.json"]
        path.write_text(json.dumps(journal), encoding="utf-8")
    elif damage == "a row not of four":
        path.write_bytes(raw.replace(b'"set":{', b'"set":{"k9":[1,2],', 1))
    else:
        path.write_bytes(raw.replace(b'"removed":[', b'"removed":["no such key",', 1))
    state = State(root)
    if damage in ("cut", "another bucket"):
        assert state.problem == "the build state's records cannot be read" and state.get("other") is None
    else:
        assert state.problem is None and state.get("other") == {"x": 1}
    table = Table.load(state, "records", 4)
    if damage == "removed unknown":   # (found when its bucket is read)
        with pytest.raises(Damaged):
            len(table)
    else:
        assert table is None
    assert state.problem == "the build state's records cannot be read"


def test_a_rebuild_writes_the_manifest_as_a_journal_and_the_next_build_reads_it(site: Path, tmp_path: Path):
    """A body edited: the manifest of the output is kept as a journal of the pages the edit rewrote, and
    the build after it, reading the manifest with its journal, finds nothing changed."""
    out = tmp_path / "out"
    build(site, out)
    whole = {k: v for k, v in _sections(site / CACHE_DIR).items() if k.startswith("pages-") and k.count(".") == 1
             and k.endswith(".0")}
    edit(site)
    again = build(site, out)
    assert 0 < again.rendered < again.pages / 2
    names = _sections(site / CACHE_DIR)
    (bucket, file), = whole.items()
    key = bucket[:-2]
    assert names[bucket] == file and f"{key}.journal" in names
    journal = json.loads((site / CACHE_DIR / names[f"{key}.journal"]).read_text(encoding="utf-8"))
    assert {p for p in journal["set"] if not p.startswith("search-index/")} == set(again.rendered_paths)
    third = build(site, out)
    assert third.rendered == 0 and third.timings.keys() == {"unchanged"}
    edit(site, "\n再一段。\n")
    assert build(site, out).rendered == again.rendered
    assert files(out) == files(build(site, tmp_path / "cold", incremental=False).output)
