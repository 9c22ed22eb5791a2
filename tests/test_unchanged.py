"""A build that finds nothing changed: it ends after the inputs digest and the look at the output,
having loaded and decoded as little as it can; every change to what a build reads changes the digest."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from newsgen import config as config_mod
from newsgen.cachefile import State
from newsgen.commands import build as build_mod
from newsgen.commands.build import build
from newsgen.output import CACHE_DIR, Manifest, StaleCheck

FIXTURE = Path(__file__).parent / "fixtures" / "site"
ARTICLE = "articles/2025/08/dangjian-julian-chengshi.md"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    copy = tmp_path / "site"
    shutil.copytree(FIXTURE, copy, ignore=shutil.ignore_patterns(".newsgen-cache"))
    return copy


def test_a_build_that_finds_nothing_changed_loads_no_template_engine_nor_pages_nor_manifest(site: Path,
                                                                                          tmp_path: Path):
    """What it skips is what made a no-change build at 100,000 articles cost a second: Jinja2 and the
    page kinds (imported only by a build that goes on) and the manifest (decoded by the stale check's
    child, which sends its digest first)."""
    out = tmp_path / "out"
    build(site, out, search=False)
    code = ("import sys; from pathlib import Path; from newsgen.output import Manifest; decoded = []; "
            "real = Manifest.read.__func__; "
            "Manifest.read = classmethod(lambda cls, *args: decoded.append(1) or real(cls, *args)); "
            "from newsgen.commands.build import build; "
            f"result = build(Path({str(site)!r}), Path({str(out)!r}), search=False); "
            "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'jinja2' or m in "
            "('newsgen.render.pages', 'newsgen.render.views', 'newsgen.commands.delta', 'newsgen.search')); "
            "print(list(result.timings), loaded, len(decoded))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['unchanged'] [] 0"


def digest(site: Path, out: Path, *, base_url: str | None = None, drafts: bool = False, future: bool = False,
           search: bool = True) -> str:
    found = build_mod._inputs_digest(site, config_mod.load(site), out, base_url, drafts, future, search)
    assert found is not None
    return found[0]


def _content(site: Path) -> None:
    path = site / ARTICLE
    path.write_text(path.read_text(encoding="utf-8") + "\n新增。\n", encoding="utf-8")


def _mtime(site: Path) -> None:
    st = os.stat(site / ARTICLE)
    os.utime(site / ARTICLE, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def _replaced(site: Path) -> None:   # the same bytes and times, another file (inode, ctime)
    path = site / ARTICLE
    st = os.stat(path)
    copy = path.with_name("copy.tmp")
    shutil.copyfile(path, copy)
    os.utime(copy, ns=(st.st_atime_ns, st.st_mtime_ns))
    os.replace(copy, path)


def _renamed(site: Path) -> None:
    path = site / ARTICLE
    path.rename(path.with_name("renamed.md"))


def _moved(site: Path) -> None:   # the same name in another folder
    path = site / ARTICLE
    path.rename(site / "articles" / "2025" / "07" / path.name)


def _removed(site: Path) -> None:
    (site / ARTICLE).unlink()


def _photo(site: Path) -> None:
    (site / ARTICLE).with_name("photo.jpg").write_bytes(b"\xff\xd8")


def _template(site: Path) -> None:
    (site / "templates").mkdir()
    (site / "templates" / "home.html").write_text("{% extends 'base.html' %}\n", encoding="utf-8")


def _static(site: Path) -> None:
    (site / "static").mkdir()
    (site / "static" / "x.css").write_text("p {}\n", encoding="utf-8")


def _config(site: Path) -> None:
    path = site / "newsgen.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# 注释\n", encoding="utf-8")


CHANGES: dict[str, Callable[[Path], None]] = {
    "an article's content": _content, "an article's mtime": _mtime, "an article replaced by a copy": _replaced,
    "an article renamed": _renamed, "an article moved to another folder": _moved, "an article removed": _removed,
    "a photo added": _photo, "a template added": _template, "a static file added": _static,
    "the config edited": _config,
}


@pytest.mark.parametrize("change", CHANGES)
def test_every_change_to_what_a_build_reads_changes_the_inputs_digest(site: Path, tmp_path: Path, change: str):
    out = tmp_path / "out"
    before = digest(site, out)
    assert digest(site, out) == before
    CHANGES[change](site)
    assert digest(site, out) != before


def test_every_option_and_the_output_change_the_inputs_digest(site: Path, tmp_path: Path):
    out = tmp_path / "out"
    found = {digest(site, out), digest(site, tmp_path / "other"), digest(site, out, base_url="https://x.example/"),
             digest(site, out, drafts=True), digest(site, out, future=True), digest(site, out, search=False)}
    assert len(found) == 6


def test_a_stale_check_made_without_a_child_gives_what_the_child_gives(site: Path, tmp_path: Path):
    """Where it cannot fork (threads run: ``newsgen serve``), the check reads the manifest in this
    process: the same digest, summary and stale pages as a child's."""
    out = tmp_path / "out"
    build(site, out, search=False)
    state = State(site / CACHE_DIR)
    key = state.output(out)
    manifest = Manifest.read(state, key)
    page = sorted(manifest.pages)[0]
    (out / page).write_text("edited by hand", encoding="utf-8")
    forked = StaleCheck(lambda: Manifest.read(state, key), out)
    assert forked._pid > 0
    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        here = StaleCheck(lambda: Manifest.read(state, key), out)
    finally:
        release.set()
        thread.join()
    assert here._pid == 0
    for check in (forked, here):
        assert check.last() == (manifest.inputs, manifest.summary)
        assert check.result() == {page}
        assert check.manifest() == manifest


def test_an_identity_of_a_number_beyond_64_bits_is_kept_as_lists(site: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch):
    """(An inode number of some file systems.) Identities are packed in 64-bit numbers; one that does
    not fit keeps its folder's as lists, in the digest and the listing alike."""
    names = sorted(str(p) for p in (site / "articles").rglob("*.md"))
    before = digest(site, tmp_path / "out")
    monkeypatch.setattr(build_mod, "_IDENTITY", lambda st: (st.st_size, st.st_mtime_ns, st.st_ctime_ns, 2 ** 64 - 1))
    found = build_mod._stat(names)
    assert type(found) is list and found == [[os.stat(n).st_size, os.stat(n).st_mtime_ns, os.stat(n).st_ctime_ns,
                                              2 ** 64 - 1] for n in names]
    assert digest(site, tmp_path / "out") != before
