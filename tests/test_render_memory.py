"""What a render worker keeps while it renders is bounded: a page's context is let go once the page is
written, and the views keep at most ``views.MADE_LIMIT`` of the values they made (the others made
again, the same, when asked for). The pages and what the next build is told they read stay the same."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from newsgen.commands import build as build_mod
from newsgen.commands.build import build
from newsgen.output import CACHE_DIR
from newsgen.render import views as views_mod

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
    real = build_mod.plan_all
    monkeypatch.setattr(build_mod, "plan_all", lambda plan: planned.append(list(real(plan))) or planned[-1])
    result = build(site, tmp_path / "out", search=False)   # (rendered in this process: a small site)
    assert result.rendered and planned
    assert [page.path for page in planned[0] if page._made is not None] == []   # type: ignore[attr-defined]


def test_views_keep_a_bounded_number_of_values_and_make_the_same_again(site: Path, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch):
    build(site, tmp_path / "plain", incremental=False, search=False)
    sizes: list[int] = []
    real = views_mod.Views.recorded

    def recorded(self: views_mod.Views, *args: object, **kwargs: object) -> object:
        value = real(self, *args, **kwargs)   # type: ignore[arg-type]
        sizes.append(len(self._made))
        return value

    monkeypatch.setattr(views_mod, "MADE_LIMIT", 6)
    monkeypatch.setattr(views_mod.Views, "recorded", recorded)
    out = tmp_path / "bounded"
    build(site, out, search=False)
    assert sizes and max(sizes) <= 6
    assert files(out) == files(tmp_path / "plain")
    article = sorted((site / "articles").rglob("*.md"))[0]   # what the pages read was recorded as without a bound
    article.write_text(article.read_text(encoding="utf-8").replace("title: ", "title: 改", 1), encoding="utf-8")
    again = build(site, out, search=False)
    build(site, tmp_path / "cold", incremental=False, search=False)
    assert 0 < again.rendered < again.pages
    assert files(out) == files(tmp_path / "cold")
