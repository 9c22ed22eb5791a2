"""Rendering in worker processes gives the serial build's output and errors; removing the previous output."""

from __future__ import annotations

import shutil
import weakref
from pathlib import Path
from typing import Any

import pytest

from golden import FIXTURE, GOLDEN, check_static, files_of, generated_files
from newsgen.commands.build import build
from newsgen.errors import NewsgenError
from newsgen.output import remove_tree
from newsgen.render import parallel


@pytest.fixture
def pooled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Even the small fixture site is rendered by two worker processes, in chunks of 7 pages."""
    monkeypatch.setattr(parallel, "MIN_PAGES", 0)
    monkeypatch.setattr(parallel, "CHUNK", 7)
    monkeypatch.setattr(parallel, "cpu_count", lambda: 2)


def test_worker_processes_write_the_golden_site(pooled: None, tmp_path: Path):
    out = tmp_path / "build"
    said: list[str] = []
    build(FIXTURE, out, progress=said.append)
    assert any(line.startswith("render: ") and "by 2 processes" in line for line in said), said
    assert generated_files(out) == files_of(GOLDEN)
    check_static(out)


def test_a_template_error_in_a_worker_reads_as_in_a_serial_build(pooled: None, tmp_path: Path):
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site)
    out = tmp_path / "build"
    build(site, out)
    before = files_of(out)
    (site / "templates").mkdir()
    (site / "templates" / "tag.html").write_text("{{ term.name }}\n\n{{ term.no_such_field }}\n", encoding="utf-8")
    with pytest.raises(NewsgenError) as info:
        build(site, out)
    assert len(info.value.diagnostics) == 1
    assert str(info.value).startswith("templates/tag.html:3: template error while rendering tags/")
    assert "no_such_field" in str(info.value)
    assert files_of(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build", "site"]


def test_a_template_that_does_not_compile_is_reported_by_the_page_using_it(pooled: None, tmp_path: Path):
    """Templates are loaded before the workers fork; one that does not compile is not that step's
    error but the page's, with its file and line, as in a serial build."""
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site)
    (site / "templates").mkdir()
    (site / "templates" / "tag.html").write_text("{{ term.name }}\n{% if %}\n", encoding="utf-8")
    (site / "templates" / "notes.txt").write_bytes(b"\xff\xfe not a template")   # never used: no error
    with pytest.raises(NewsgenError) as info:
        build(site, tmp_path / "build")
    assert len(info.value.diagnostics) == 1
    assert str(info.value).startswith("templates/tag.html:2: ")


def test_run_jobs_serial_below_the_threshold():
    seen: list[int] = []
    called: list[bool] = []
    assert parallel.run_jobs(10, seen.append, before_fork=lambda: called.append(True)) == 1
    assert seen == list(range(10)) and not called   # nothing forks: nothing to load first


_loaded: list[str] = []


def test_what_before_fork_loads_every_worker_has(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(parallel, "MIN_PAGES", 0)
    _loaded.clear()
    results: list[tuple[str, ...]] = []
    assert parallel.run_jobs(120, lambda i: tuple(_loaded), processes=2, results=results,
                             before_fork=lambda: _loaded.append("templates")) == 2
    assert results == [("templates",)] * 120
    _loaded.clear()


_alive: weakref.WeakSet[_Value] = weakref.WeakSet()


class _Value:
    """A job's result that, unpickled in the parent, is counted while alive."""

    def __reduce__(self) -> tuple[Any, tuple[()]]:
        return _value, ()


def _value() -> _Value:
    value = _Value()
    _alive.add(value)
    return value


def test_run_jobs_lets_go_of_each_chunk_s_results_once_taken():
    alive: list[int] = []
    assert parallel.run_jobs(2000, lambda i: _Value(), processes=2,
                             progress=lambda n: alive.append(len(_alive))) == 2
    # each chunk's values are dropped once the caller had them (none kept here): only the chunk
    # being taken is alive, not all that were done before
    assert len(alive) == 40 and alive[-1] <= parallel.CHUNK, alive


def test_remove_tree_deletes_everything(tmp_path: Path):
    root = tmp_path / "old"
    for i in range(30):
        (root / "a" / f"d{i}" / "x").mkdir(parents=True)
        (root / "a" / f"d{i}" / "x" / "index.html").write_text("x", encoding="utf-8")
    (root / "a" / "f.txt").write_text("y", encoding="utf-8")
    (root / "top.txt").write_text("z", encoding="utf-8")
    (root / "link").symlink_to(tmp_path)
    remove_tree(root)
    assert not root.exists() and tmp_path.exists()


def test_a_build_runs_no_full_collection_and_leaves_the_collector_as_it_was(tmp_path: Path):
    """The objects a build makes live until it ends: a full collection would walk them all for nothing.
    With the thresholds set so that one would run at every chance, none runs while building; the
    thresholds are the caller's again afterwards (serve's process goes on collecting)."""
    import gc

    full: list[str] = []
    building = False

    def seen(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and info["generation"] == 2 and building:
            full.append("during the build")

    thresholds = gc.get_threshold()
    gc.freeze()   # nothing long-lived pending: a full collection is then due at every chance
    gc.callbacks.append(seen)
    gc.set_threshold(10, 1, 1)
    try:
        building = True
        build(FIXTURE, tmp_path / "build")
        building = False
        assert gc.get_threshold() == (10, 1, 1)
    finally:
        building = False
        gc.set_threshold(*thresholds)
        gc.callbacks.remove(seen)
        gc.unfreeze()
    assert full == []


def test_articles_read_by_worker_processes_give_the_golden_site(pooled: None, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch):
    """Readers in workers hand back articles without their bodies, with what is derived of them made
    there: the site is the golden one, from scratch and again from the cache."""
    from newsgen import content

    monkeypatch.setattr(content, "PARALLEL_MIN", 2)
    monkeypatch.setattr(content, "PARALLEL_CHUNK", 3)
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site, ignore=shutil.ignore_patterns(".newsgen-cache"))
    out = tmp_path / "build"
    build(site, out, search=False)
    assert generated_files(out) == files_of(GOLDEN)
    shutil.rmtree(out)
    build(site, out, search=False)
    assert generated_files(out) == files_of(GOLDEN)


def test_meanwhile_runs_once_in_this_process_while_the_workers_work(monkeypatch: pytest.MonkeyPatch):
    """``meanwhile`` is called in the calling process after the workers were forked (none inherits
    what it did), and not at all for a serial run."""
    monkeypatch.setattr(parallel, "MIN_PAGES", 0)
    _loaded.clear()
    results: list[tuple[str, ...]] = []
    assert parallel.run_jobs(120, lambda i: tuple(_loaded), processes=2, results=results,
                             meanwhile=lambda: _loaded.append("pypinyin")) == 2
    assert results == [()] * 120 and _loaded == ["pypinyin"]
    _loaded.clear()
    assert parallel.run_jobs(10, lambda i: None, processes=1, meanwhile=lambda: _loaded.append("x")) == 1
    assert _loaded == []


def test_a_cold_build_loads_pypinyin_while_its_readers_read(pooled: None, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch):
    """The names are slugged after the articles are read: pypinyin is loaded while worker processes read
    them, not after, and the site is the golden one."""
    from newsgen import content, text
    from newsgen.commands import build as build_mod

    monkeypatch.setattr(content, "PARALLEL_MIN", 2)
    monkeypatch.setattr(content, "PARALLEL_CHUNK", 3)
    events: list[str] = []
    preload, structure = text.preload_pinyin, build_mod.structure
    monkeypatch.setattr(text, "preload_pinyin", lambda: (events.append("pinyin"), preload())[1])
    monkeypatch.setattr(build_mod, "structure", lambda *a, **k: (events.append("model"), structure(*a, **k))[1])
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site, ignore=shutil.ignore_patterns(".newsgen-cache"))
    out = tmp_path / "build"
    build(site, out, search=False)
    assert events == ["pinyin", "model"]
    assert generated_files(out) == files_of(GOLDEN)


def test_preload_pinyin_loads_it_only_when_no_reading_is_known():
    import subprocess
    import sys

    code = ("import sys; from newsgen import text; {}text.preload_pinyin(); print('pypinyin' in sys.modules)")
    for known, loaded in (("", "True"), ("text.remember_readings({'长沙': ['chang', 'sha']}); ", "False")):
        run = subprocess.run([sys.executable, "-c", code.format(known)], capture_output=True, text=True, check=True)
        assert run.stdout.strip() == loaded


def test_article_readers_make_the_cache_rows_as_this_process_would(pooled: None, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch):
    """Articles read by worker processes are kept as they are until the state is written, then made
    cache rows once each (none held from reading to saving), and the build state holds the rows a
    serial read makes."""
    from newsgen import cachefile, content
    from newsgen.output import CACHE_DIR

    def rows(site: Path) -> dict[str, Any]:
        return content.ArticleCache(cachefile.State(site / CACHE_DIR)).stored_rows()

    serial = tmp_path / "serial"
    shutil.copytree(FIXTURE, serial, ignore=shutil.ignore_patterns(".newsgen-cache"))
    build(serial, tmp_path / "out1", search=False)
    monkeypatch.setattr(content, "PARALLEL_MIN", 2)
    monkeypatch.setattr(content, "PARALLEL_CHUNK", 3)
    made: list[str] = []
    to_row = content._article_to_row
    monkeypatch.setattr(content, "_article_to_row", lambda article: made.append(article.title) or to_row(article))
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site, ignore=shutil.ignore_patterns(".newsgen-cache"))
    build(site, tmp_path / "out2", search=False)
    assert sorted(made) == sorted(row[0][content._ROW_POSITIONS["title"]] for row in rows(site).values())
    assert rows(site) == rows(serial) and rows(site)


def test_templates_are_compiled_while_workers_score_the_related_articles(pooled: None, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch):
    """The parent compiles the templates (what the render's workers inherit) while worker processes
    score the related articles, not after, while the parent would only wait; the site is the golden one."""
    from newsgen.commands import build as build_mod
    from newsgen.render import related

    monkeypatch.setattr(related, "PARALLEL_MIN", 2)
    monkeypatch.setattr(related, "PARALLEL_CHUNK", 3)
    events: list[str] = []
    load, run = build_mod.load_templates, related.run_jobs
    monkeypatch.setattr(build_mod, "load_templates", lambda env: (events.append("templates"), load(env))[1])

    def scoring(*args: Any, **kwargs: Any) -> int:
        events.append("scoring")
        try:
            return run(*args, **kwargs)
        finally:
            events.append("scored")

    monkeypatch.setattr(related, "run_jobs", scoring)
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site, ignore=shutil.ignore_patterns(".newsgen-cache"))
    out = tmp_path / "build"
    build(site, out, search=False)
    assert events[:3] == ["scoring", "templates", "scored"], events
    assert generated_files(out) == files_of(GOLDEN)
