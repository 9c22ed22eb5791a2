"""What a render worker keeps while it renders: a page's context is let go once the page is written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from newsgen.commands import build as build_mod
from newsgen.commands.build import build
from newsgen.output import CACHE_DIR

FIXTURE = Path(__file__).parent / "fixtures" / "site"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site, ignore=shutil.ignore_patterns(CACHE_DIR))
    return site


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_no_page_holds_its_context_once_rendered(site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    planned: list[list[object]] = []
    real = build_mod.Pages
    monkeypatch.setattr(build_mod, "Pages", lambda plan: planned.append(real(plan)) or planned[-1])
    result = build(site, tmp_path / "out", search=False)   # (rendered in this process: a small site)
    assert result.rendered and planned
    assert [page.path for page in planned[0] if page._made is not None] == []   # type: ignore[attr-defined]
