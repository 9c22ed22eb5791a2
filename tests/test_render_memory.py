"""What a render worker keeps while it renders: a page's context is let go once the page is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from golden import files_of as files
from newsgen.commands import build as build_mod
from newsgen.commands.build import build

FIXTURE = Path(__file__).parent / "fixtures" / "site"


def test_no_page_holds_its_context_once_rendered(site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    planned: list[list[object]] = []
    real = build_mod.Pages
    monkeypatch.setattr(build_mod, "Pages", lambda plan: planned.append(real(plan)) or planned[-1])
    result = build(site, tmp_path / "out", search=False)   # (rendered in this process: a small site)
    assert result.rendered and planned
    assert [page.path for page in planned[0] if page._made is not None] == []   # type: ignore[attr-defined]


def test_the_builds_process_makes_no_page_its_workers_rendered(site: Path, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch):
    """Pages made when looked at (:class:`newsgen.render.pages.Deferred`) are made by the render workers
    that render them; the build's own process, which gathers their results, makes none of them (it made
    all of them, 85 MB at 100,000 articles, as it took their paths once the workers were done)."""
    from newsgen.render import parallel

    monkeypatch.setattr(parallel, "MIN_PAGES", 2)
    monkeypatch.setattr(parallel, "CHUNK", 3)
    monkeypatch.setattr(parallel, "cpu_count", lambda: 2)
    planned: list[object] = []
    real = build_mod.Pages
    monkeypatch.setattr(build_mod, "Pages", lambda plan: planned.append(real(plan)) or planned[-1])
    result = build(site, tmp_path / "out", search=False)
    pages = planned[0]
    deferred = [i for i, page in enumerate(pages._pages) if page is None]   # type: ignore[attr-defined]
    made = [i for block in pages._deferred for i in range(len(block.paths))]   # type: ignore[attr-defined]
    assert result.rendered == len(pages) and len(made) > 10 and len(deferred) == len(made)
    assert set(result.rendered_paths) == set(pages.paths)   # type: ignore[attr-defined]
    assert files(tmp_path / "out") == files(build(site, tmp_path / "serial", search=False, incremental=False).output)


def test_values_one_page_reads_are_not_kept_for_the_whole_build(site: Path, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch):
    """An article's metadata, body, neighbours, facets and sitemap entry, and a listing page's pager,
    are read by one page each: a render worker keeps the last few of them, not every one it made."""
    from newsgen.render import views as views_mod

    made: list[views_mod.Views] = []

    class Kept(views_mod.Views):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)   # type: ignore[arg-type]
            made.append(self)
    monkeypatch.setattr(build_mod, "Views", Kept)
    monkeypatch.setattr(views_mod, "ONCE_KEPT", 3)
    build(site, tmp_path / "out", search=False)   # (rendered in this process: a small site)
    views = made[0]
    assert views._made and not [name for name in views._made
                                if name.partition(":")[0] in ("meta", "body", "around", "dated", "facets", "pager")]
    assert 0 < len(views._once) <= 3
    calls: list[int] = []

    def make() -> str:
        calls.append(1)
        return views.recorded("inner:y", lambda: 7, str) and "value"   # (what it reads is recorded with it)
    views.record = record = {}
    assert views.recorded("meta:x", make, once=True) == "value" == views.recorded("meta:x", make, once=True)
    assert calls == [1] and record == {"meta:x": views._once["meta:x"][1], "inner:y": "7"}
    for n in range(3):
        views.recorded(f"meta:{n}", lambda: "other", once=True)
    views.record = record = {}
    assert views.recorded("meta:x", make, once=True) == "value" and calls == [1, 1]   # made again
    assert set(record) == {"meta:x", "inner:y"}
    views.record = None
