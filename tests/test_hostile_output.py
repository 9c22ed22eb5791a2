"""Hostile ``--output`` choices: a build deletes only what newsgen wrote, never a folder it did not make.

Each case builds a small site into an output that is not what newsgen expects (someone's folder,
look-alikes of a build's temporary folders beside it, a symbolic link, a folder the build reads
from) and checks that every file that was there before keeps its bytes (:func:`tree` snapshots
paths -> bytes, link targets and folders), and that a refusal is one ``path: message`` line with
exit 1. The exact messages are the contract: they are what an editor reads.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from newsgen import cli
from newsgen import output as output_mod
from newsgen.commands.build import build
from newsgen.output import MARKER, OutputWriter, lock_path, new_folder
from newsgen.render import THEME_DIR


def make_site(root: Path, count: int = 3) -> Path:
    root.mkdir(parents=True)
    (root / "newsgen.yaml").write_text("title: 输出测试站\nbase_url: https://example.org/\n", encoding="utf-8")
    for i in range(count):
        add_article(root, i)
    return root


def add_article(site: Path, i: int) -> Path:
    path = site / "articles" / "2025" / "08" / f"a{i}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\ntitle: 第{i}号新闻\ndate: 2025-08-{i + 1:02d}\nslug: a{i}\n"
                    f"regions: [江西省/南昌市]\n---\n\n正文{i}。\n", encoding="utf-8")
    return path


def tree(root: Path) -> dict[str, bytes | str]:
    """Everything under ``root`` (itself included): files by their bytes, links by their target, folders."""
    found: dict[str, bytes | str] = {}
    for dirpath, dirs, names in os.walk(root):
        for name in [*dirs, *names]:
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, root)
            if os.path.islink(path):
                found[rel] = "-> " + os.readlink(path)
            elif os.path.isdir(path):
                found[rel] = "folder"
            else:
                with open(path, "rb") as f:
                    found[rel] = f.read()
    return found


def kept(before: dict[str, bytes | str], root: Path) -> None:
    """Every path of ``before`` is still under ``root``, with the same bytes (or link, or folder)."""
    now = tree(root)
    assert {k: now.get(k) for k in before} == before


def refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Run the command line, which must exit 1 with one problem; its line."""
    assert cli.main(argv) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 2 and lines[1].endswith("1 error(s); nothing was changed"), err
    return lines[0]


def build_argv(site: Path, out: Path | str, *more: str) -> list[str]:
    return ["build", "--site", str(site), "--output", str(out), "--no-search", *more]


# --------------------------------------------------------------------------- 1. what is not newsgen's

SOMEONE_ELSES = {
    "a crate's src (lib.rs)": {"lib.rs": b"pub fn main() {}\n", "main.rs": b"fn main() {}\n"},
    "a crate's src with only lib.rs": {"lib.rs": b"pub fn f() {}\n"},
    "photos with a lib folder": {"lib/2024/IMG_0001.jpg": b"\xff\xd8\xff\xe0JPEG"},
    "what pip install leaves": {"lib/newsgen/cli.py": b"print()\n", "bdist.linux-x86_64/x": b"x"},
    "temp and scripts folders": {"temp.linux/a.o": b"\x7fELF", "scripts-3.11/run": b"#!/bin/sh\n"},
    "a marker that is a link": {"notes.txt": b"mine\n"},
}


@pytest.mark.parametrize("case", SOMEONE_ELSES, ids=list(SOMEONE_ELSES))
def test_a_folder_newsgen_did_not_write_is_refused_and_keeps_every_byte(tmp_path: Path, case: str,
                                                                        capsys: pytest.CaptureFixture[str]):
    site = make_site(tmp_path / "site")
    out = tmp_path / "mine"
    for rel, data in SOMEONE_ELSES[case].items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(data)
    if case == "a marker that is a link":   # a marker must be newsgen's own file, not a link to one
        (tmp_path / "elsewhere").write_text("Written by 'newsgen build'.\n", encoding="utf-8")
        os.symlink(tmp_path / "elsewhere", out / MARKER)
    before, beside = tree(out), sorted(os.listdir(tmp_path))
    for argv in (build_argv(site, out), build_argv(site, out, "--full")):
        line = refused(argv, capsys)
        assert line == (f"{out}: refusing to replace this folder: it is not empty and was not written by newsgen "
                        f"build (no {MARKER} file in it), and newsgen deletes nothing it did not write; choose an "
                        "empty or new folder with --output, or empty this one yourself")
        assert tree(out) == before and sorted(os.listdir(tmp_path)) == beside


def test_an_empty_folder_someone_made_is_filled_in_place_and_kept(tmp_path: Path):
    site = make_site(tmp_path / "site")
    out = tmp_path / "www"
    out.mkdir(mode=0o750)
    made = out.stat()
    build(site, out, search=False)
    assert (out.stat().st_ino, out.stat().st_mode) == (made.st_ino, made.st_mode)   # the same folder, kept
    assert (out / MARKER).is_file() and (out / "2025" / "08" / "a0" / "index.html").is_file()
    assert sorted(os.listdir(tmp_path)) == ["site", "www"]   # no leftovers
    first = tree(out)
    cold = tmp_path / "cold"
    build(site, cold, search=False, incremental=False)
    assert first == tree(cold)
    add_article(site, 7)   # and then it is newsgen's output as any other
    build(site, out, search=False)
    assert (out / "2025" / "08" / "a7" / "index.html").is_file()


LOOKALIKES = [".build.old-backup-2024", ".build.tmp-anything", ".build.trash-x", ".build.tmp-search-x",
              ".build.old-abcdefgh", ".build.trash-abcdefgh", ".build.tmp-", ".build.spare"]


def test_folders_beside_the_output_named_like_a_builds_own_are_left_alone(tmp_path: Path):
    """Exact names (``.build.tmp-anything`` is eight characters) do not make a folder newsgen's, nor a copy
    of an output (it holds the marker) or of a leftover (its leftover file names another folder)."""
    site = make_site(tmp_path / "site")
    out = tmp_path / "build"
    build(site, out, search=False)
    for name in LOOKALIKES:
        (tmp_path / name / "deep").mkdir(parents=True)
        (tmp_path / name / "deep" / "notes.txt").write_text(f"{name} 的笔记\n", encoding="utf-8")
    shutil.copytree(out, tmp_path / ".build.tmp-abcdefgh")   # someone's backup of the output, exactly named
    trash = new_folder(out, "trash", None)   # a copy of a background deleter's folder: not that folder
    (trash / "tree").mkdir()
    shutil.copytree(trash, tmp_path / ".build.trash-zzzzzzzz")
    (tmp_path / ".build.trash-zzzzzzzz" / "tree" / "keep.txt").write_bytes(b"keep")
    shutil.rmtree(trash)
    old = time.time() - output_mod.TRASH_GRACE - 60   # long abandoned, as far as their times say
    for name in os.listdir(tmp_path):
        os.utime(tmp_path / name, (old, old))
    before = {k: v for k, v in tree(tmp_path).items() if k.split("/")[0] not in ("build", "site")}
    for full in (False, True, False):   # builds that update the output in place, and a full one
        add_article(site, 10 + full)
        build(site, out, search=False, incremental=not full)
        kept(before, tmp_path)


def test_an_older_newsgens_spare_is_deleted_and_a_look_alike_left_alone(tmp_path: Path):
    """Earlier versions kept the previous output beside it (``.NAME.spare``) for the next build: one that
    carries the marker is newsgen's, and deleted; a folder of that name without it is someone's."""
    site = make_site(tmp_path / "site")
    out = tmp_path / "build"
    build(site, out, search=False)
    spare = tmp_path / ".build.spare"
    shutil.copytree(out, spare)   # an older newsgen's spare: an earlier output, with its marker
    add_article(site, 10)
    build(site, out, search=False)
    assert not spare.exists()
    (spare / "2025" / "08" / "a0").mkdir(parents=True)   # looks like an output, but has no marker
    (spare / "2025" / "08" / "a0" / "index.html").write_text("我的草稿\n", encoding="utf-8")
    (spare / "diary.txt").write_text("日记\n", encoding="utf-8")
    before = tree(spare)
    for full in (False, True, False):
        add_article(site, 11 + full)
        build(site, out, search=False, incremental=not full)
        assert tree(spare) == before
    cold = tmp_path / "cold"
    build(site, cold, search=False, incremental=False)
    assert tree(out) == tree(cold)


def test_a_link_in_the_output_is_never_written_or_deleted_through(tmp_path: Path):
    """An output updated in place may hold a link someone put into it, where a folder (``static ->
    ~/media``) or a page was: a build replaces the link (only the link) and never writes into, nor
    deletes, the files it leads to; the output ends as a cold build's."""
    site = make_site(tmp_path / "site")
    out = tmp_path / "build"
    media = tmp_path / "media"
    media.mkdir()
    (media / "style.css").write_text("/* mine */\n", encoding="utf-8")   # the theme's file name
    (media / "search.js").write_text("// mine\n", encoding="utf-8")
    (media / "photo.jpg").write_bytes(b"\xff\xd8JPEG")
    (media / "index.html").write_text("我的首页\n", encoding="utf-8")
    build(site, out, search=False)
    add_article(site, 5)
    build(site, out, search=False)
    shutil.rmtree(out / "static")
    os.symlink(media, out / "static")
    shutil.rmtree(out / "2025" / "08" / "a1")
    os.symlink(media, out / "2025" / "08" / "a1")   # a page's folder
    (out / "index.html").unlink()
    os.symlink(media / "index.html", out / "index.html")   # a page
    moved = tmp_path / "moved"   # the original folder moved away, a link to it put in its place
    os.rename(out / "2025", moved)
    os.symlink(moved, out / "2025")
    mine, theirs = tree(media), tree(moved)
    for i in (6, 7, 8):
        edited = site / "articles" / "2025" / "08" / "a2.md"   # one page under 2025/ changes, the others not
        edited.write_text(edited.read_text(encoding="utf-8") + f"\n增补{i}。\n", encoding="utf-8")
        build(site, out, search=False)
        assert tree(media) == mine and tree(moved) == theirs
        cold = tmp_path / f"cold-{i}"   # and none of the pages reached through a link is missing
        build(site, cold, search=False, incremental=False)
        assert tree(out) == tree(cold)


def test_a_build_killed_at_any_point_leaves_only_what_the_next_one_recognises(tmp_path: Path):
    """Each folder's name goes into the lock file's journal before it is made: a build killed between the
    two leaves an empty folder, removed; a name taken meanwhile by someone's folder is not removed."""
    site = make_site(tmp_path / "site")
    out = tmp_path / "build"
    build(site, out, search=False)
    theirs = tmp_path / ".build.tmp-theirs00"
    (theirs / "x").mkdir(parents=True)
    (theirs / "x" / "data.txt").write_bytes(b"data")
    before = tree(theirs)
    with open(lock_path(out), "a") as lock:   # what a killed build leaves: its lock file, with its journal
        os.write(lock.fileno(), b"? .build.tmp-killed00\n? .build.tmp-theirs00\n")
        os.mkdir(tmp_path / ".build.tmp-killed00")   # killed before it wrote that it made it
        made = new_folder(out, "tmp", lock.fileno(), leftover=False)   # killed mid-render
        (made / "2025").mkdir()
        (made / "2025" / "index.html").write_bytes(b"half")
        aside = new_folder(out, "old", lock.fileno())   # killed mid-swap, with a leftover file
    build(site, out, search=False)
    assert sorted(os.listdir(tmp_path)) == [".build.tmp-theirs00", "build", "site"]
    assert tree(theirs) == before
    assert not made.exists() and not aside.exists()


def test_a_lock_file_that_is_not_newsgens_is_refused_and_kept(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    site = make_site(tmp_path / "site")
    out = tmp_path / "build"
    lock = lock_path(out)
    lock.write_text("我的锁：不要删\n", encoding="utf-8")
    line = refused(build_argv(site, out), capsys)
    assert line == (f"{out}: {lock} is not newsgen's build lock (it holds something else); move it away, "
                    "or choose another --output")
    assert lock.read_text(encoding="utf-8") == "我的锁：不要删\n" and not out.exists()
    lock.unlink()
    os.symlink(tmp_path / "site" / "newsgen.yaml", lock)
    config = (site / "newsgen.yaml").read_bytes()
    line = refused(build_argv(site, out), capsys)
    assert line == (f"{out}: {lock} is a symbolic link, not newsgen's build lock; move it away, or choose "
                    "another --output")
    assert (site / "newsgen.yaml").read_bytes() == config and lock.is_symlink()


# --------------------------------------------------------------------------- 2. an output that is a link

def test_an_output_that_is_a_link_stays_one_and_its_target_gets_the_new_site(tmp_path: Path):
    site = make_site(tmp_path / "site")
    releases = tmp_path / "releases"
    build(site, releases / "current", search=False)
    public = tmp_path / "public"
    os.symlink("releases/current", public)
    add_article(site, 5)
    for _ in range(3):   # a fresh tree, then the output updated in place
        build(site, public, search=False)
        assert os.readlink(public) == "releases/current"
        assert (releases / "current" / "2025" / "08" / "a5" / "index.html").is_file()
        assert sorted(os.listdir(tmp_path)) == ["public", "releases", "site"]
        assert sorted(os.listdir(releases)) == ["current"]
        add_article(site, 6)
    cold = tmp_path / "cold"
    build(site, cold, search=False, incremental=False)
    assert tree(releases / "current") == tree(cold)
    with OutputWriter(public) as writer:   # the lock, and the temporary folder, beside the target too
        assert writer.output == releases / "current"
        assert lock_path(releases / "current").exists() and writer.tmp.parent == releases


def test_a_dangling_link_gets_its_target_made(tmp_path: Path):
    site = make_site(tmp_path / "site")
    public = tmp_path / "public"
    os.symlink("releases/2026-01", public)
    build(site, public, search=False)
    assert os.readlink(public) == "releases/2026-01"
    assert (tmp_path / "releases" / "2026-01" / MARKER).is_file()
    assert sorted(os.listdir(tmp_path)) == ["public", "releases", "site"]


def test_a_link_to_someone_elses_folder_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    site = make_site(tmp_path / "site")
    photos = tmp_path / "photos"
    (photos / "lib").mkdir(parents=True)
    (photos / "lib" / "IMG_1.jpg").write_bytes(b"\xff\xd8")
    public = tmp_path / "public"
    os.symlink(photos, public)
    before = tree(photos)
    line = refused(build_argv(site, public), capsys)
    assert line == (f"{public}: refusing to replace {photos}, where this link leads: it is not empty and was not "
                    f"written by newsgen build (no {MARKER} file in it), and newsgen deletes nothing it did not "
                    "write; choose an empty or new folder with --output, or empty this one yourself")
    assert tree(photos) == before and os.readlink(public) == str(photos)


def test_a_link_loop_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    site = make_site(tmp_path / "site")
    os.symlink(tmp_path / "b", tmp_path / "a")
    os.symlink(tmp_path / "a", tmp_path / "b")
    line = refused(build_argv(site, tmp_path / "a"), capsys)
    assert line == (f"{tmp_path / 'a'}: the output is a symbolic link that leads round in a loop; point it at "
                    "a folder, or choose another --output")
    assert os.readlink(tmp_path / "a") == str(tmp_path / "b") and os.readlink(tmp_path / "b") == str(tmp_path / "a")
    assert sorted(os.listdir(tmp_path)) == ["a", "b", "site"]


# --------------------------------------------------------------------------- 3. inside what a build reads

def theme_site(tmp_path: Path) -> Path:
    """A site with its own templates/ and static/ (empty but for one file each), and a cache."""
    site = make_site(tmp_path / "site")
    (site / "static").mkdir()
    (site / "static" / "extra.css").write_text("body{}\n", encoding="utf-8")
    (site / "templates").mkdir()
    build(site, tmp_path / "first", search=False)   # makes site/.newsgen-cache
    return site


INSIDE_READS = {
    "static/": ("static/out", "the site's static/ ({site}/static)"),
    "static itself": ("static", "the site's static/ ({site}/static)"),
    "templates/": ("templates/out", "the site's templates/ ({site}/templates)"),
    "the cache": (".newsgen-cache/out", "the build cache .newsgen-cache/ ({site}/.newsgen-cache)"),
    "articles/_hidden": ("articles/_out", "the articles directory articles/ ({site}/articles)"),
}


@pytest.mark.parametrize("case", INSIDE_READS, ids=list(INSIDE_READS))
def test_an_output_inside_a_folder_the_build_reads_is_refused(tmp_path: Path, case: str,
                                                             capsys: pytest.CaptureFixture[str]):
    site = theme_site(tmp_path)
    rel, what = INSIDE_READS[case]
    before = tree(site)
    for out in (site / rel, tmp_path / "link"):   # and by a link that leads there
        if out.name == "link":
            os.symlink(site / rel, out)
        line = refused(build_argv(site, out), capsys)
        assert line == (f"{out}: the output directory must not be {what.format(site=site.resolve())}, be inside "
                        "it or contain it: a build reads from there, and replaces its output wholesale; use e.g. "
                        "--output build")
        assert tree(site) == before


def test_an_output_holding_or_inside_the_theme_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """The theme lives in the installed package (and this repository's static/ and templates/ are links to
    it): an output holding it would delete it, one inside it would be copied into every build."""
    site = make_site(tmp_path / "site")
    os.symlink(THEME_DIR / "static", site / "static")   # as in this repository
    before = tree(THEME_DIR)
    for out, what in ((THEME_DIR, "the site's static/"), (THEME_DIR.parent, "the site's static/"),
                      (THEME_DIR / "static" / "out", "the site's static/"),
                      (THEME_DIR / "templates" / "out", "the theme's templates")):
        line = refused(build_argv(site, out), capsys)
        assert line.startswith(f"{out}: the output directory must not be {what} ("), line
    os.unlink(site / "static")
    line = refused(build_argv(site, THEME_DIR), capsys)
    assert line.startswith(f"{THEME_DIR}: the output directory must not be the theme's templates ({THEME_DIR}/")
    assert tree(THEME_DIR) == before


def test_serve_builds_through_the_same_rule(tmp_path: Path):
    """``newsgen serve`` builds into a folder of its own in the system's temporary folder, through the same
    checks: were that inside the site's static/ (TMPDIR), the preview shows the error and writes nothing."""
    from newsgen.commands.serve import LiveSite
    site = theme_site(tmp_path)
    before = tree(site)
    live = LiveSite(site, site / "static" / "newsgen-serve-x" / "site")
    try:
        state = live.build()
    finally:
        live.stop()
    assert state.error is not None and "the output directory must not be the site's static/" in state.error
    assert tree(site) == before


@pytest.mark.parametrize("path", ["a/index.html", "index.html", "a/b/c.xml", "/a", "a//b", "a/", "", ".", "..",
                                  "a/./b", "a/../b", "../a", "a/..", "a\\b", ".a/b..", "a/...", "..\n", "a/.\n",
                                  "a\n/b", "\n", "a/.html", "中文/页.html"])
def test_a_page_is_claimed_where_it_stays_inside_the_output(tmp_path: Path, path: str):
    """A path with an empty, '.' or '..' name, a leading '/' or a backslash is refused; any other taken."""
    from newsgen.errors import NewsgenError

    parts = path.split("/")
    outside = path.startswith("/") or "\\" in path or any(p in ("", ".", "..") for p in parts)
    with output_mod.OutputWriter(tmp_path / "out") as writer:
        if outside:
            with pytest.raises(NewsgenError, match="refusing to write outside"):
                writer.claim(path)
        else:
            writer.claim(path)
            assert path in writer.claimed_paths()


@pytest.mark.parametrize("path", ["../victim.txt", "/tmp/victim.txt", "2025/../../victim.txt"])
def test_a_manifest_naming_a_file_outside_the_output_deletes_nothing_there(tmp_path: Path, path: str):
    """The update in place deletes the files the last manifest lists and this build did not make: a
    build state someone edited (a hostile cache) must not name a file outside the output into it."""
    from newsgen.cachefile import State
    from newsgen.output import CACHE_DIR, Entry, Manifest

    site = make_site(tmp_path / "site")
    out = tmp_path / "out"
    build(site, out, search=False)
    victim = tmp_path / "victim.txt"
    victim.write_text("不是 newsgen 的\n", encoding="utf-8")
    state = State(site / CACHE_DIR)
    key = state.output(out)
    manifest = Manifest.read(state, key)
    target = str(victim) if path.startswith("/") else path
    st = victim.stat()
    manifest.pages[target] = Entry("x", st.st_size, st.st_mtime_ns, st.st_ino)   # (in its journal)
    manifest.keep(state, key)
    assert state.commit()
    add_article(site, 7)   # a change: the output is updated in place
    build(site, out, search=False)
    assert victim.read_text(encoding="utf-8") == "不是 newsgen 的\n"
