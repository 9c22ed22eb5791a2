"""A render worker lets go of what only the build's own process needs (the state as read and put, the
article cache, the record's index) as it starts: what it makes then reuses that memory. The output is
the same, and the build's own process keeps everything it writes afterwards."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from golden import FIXTURE, GOLDEN, files_of, generated_files
from newsgen.cachefile import State
from newsgen.commands import build as build_mod
from newsgen.commands.build import build
from newsgen.output import CACHE_DIR
from newsgen.render import parallel

_started: list[int] = []


def _note() -> None:
    _started.append(os.getpid())


def _pid_and_started(i: int) -> tuple[int, list[int]]:
    return os.getpid(), list(_started)


def test_in_worker_runs_in_each_worker_as_it_starts_never_in_the_caller():
    _started.clear()
    found: list[tuple[int, list[int]]] = []
    assert parallel.run_jobs(40, _pid_and_started, processes=2, results=found, chunk=5, minimum=0,
                             in_worker=_note) == 2
    assert _started == []   # (not in this process)
    workers = {pid for pid, _ in found}
    assert os.getpid() not in workers and all(started == [pid] for pid, started in found)
    serial: list[tuple[int, list[int]]] = []
    assert parallel.run_jobs(3, _pid_and_started, results=serial, in_worker=_note) == 1
    assert _started == [] and serial == [(os.getpid(), [])] * 3


def test_a_state_that_forgets_reads_its_sections_again(tmp_path: Path):
    state = State(tmp_path / "state")
    state.put("a", {"x": 1})
    assert state.commit()
    state = State(tmp_path / "state")
    assert state.get("a") == {"x": 1}
    state.put("b", {"y": 2})
    state.forget()
    assert not state._read and not state._put and state.get("a") == {"x": 1} and state.get("b") is None


def test_render_workers_let_go_of_the_state_and_the_output_is_the_same(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(parallel, "MIN_PAGES", 0)
    monkeypatch.setattr(parallel, "CHUNK", 7)
    monkeypatch.setattr(parallel, "cpu_count", lambda: 2)
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site, ignore=shutil.ignore_patterns(CACHE_DIR))
    out = tmp_path / "build"
    build(site, out, search=False)
    held: list[int] = []
    real = build_mod._Build._in_worker

    def watching(self: build_mod._Build) -> None:
        real(self)
        record = self.changes.record
        held.append(len(self.state._read) + len(self.state._put) + len(record.reads) + len(record.names)
                    + (self.articles is not None))
        with open(tmp_path / f"worker-{os.getpid()}", "w") as f:
            f.write(str(held[-1]))
    monkeypatch.setattr(build_mod._Build, "_in_worker", watching)
    (site / "templates").mkdir(exist_ok=True)   # (every page looked at again, by the workers)
    shutil.copy(Path(build_mod.__file__).parent.parent / "theme" / "templates" / "base.html",
                site / "templates" / "base.html")
    with open(site / "templates" / "base.html", "a", encoding="utf-8") as f:
        f.write("{# edited #}\n")
    build(site, out, search=False)
    noted = sorted(tmp_path.glob("worker-*"))
    assert noted and all(p.read_text() == "0" for p in noted)
    shutil.rmtree(site / "templates")
    build(site, out, search=False)
    assert generated_files(out) == files_of(GOLDEN)
    assert State(site / CACHE_DIR).get("articles.journal")   # (the build's own process wrote the state whole)
