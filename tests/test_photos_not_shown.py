"""A site whose built articles show no photo reads no photo record: the article cache knows which
files' bodies may show an image (``ArticleCache.images``). A body edited to show one, or a lead photo
named in front matter, brings the photos back exactly as a cold build publishes them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from newsgen.cachefile import State
from newsgen.commands.build import build
from newsgen.content import ArticleCache
from newsgen.output import CACHE_DIR
from newsgen.render import photos as photos_mod
from test_photos import photo


@pytest.fixture
def records_read(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """One entry a build: whether it read the photo records."""
    read: list[bool] = []
    made = photos_mod.Photos.__init__

    def counted(self, *args, **kwargs) -> None:
        made(self, *args, **kwargs)
        read.append(self.read)

    monkeypatch.setattr(photos_mod.Photos, "__init__", counted)
    return read


def _article(site: Path) -> Path:
    return sorted((site / "articles").rglob("*.md"))[-1]


def _same_as_cold(site: Path, out: Path, tmp_path: Path) -> None:
    """The incremental output is the output a cold build of a copy of the site makes."""
    cold = tmp_path / "cold"
    shutil.copytree(site, cold, ignore=shutil.ignore_patterns(CACHE_DIR))
    build(cold, tmp_path / "cold-out", search=False, incremental=False)
    files = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    fresh = {p.relative_to(tmp_path / "cold-out"): p.read_bytes() for p in (tmp_path / "cold-out").rglob("*")
             if p.is_file()}
    assert files == fresh


def test_a_body_edit_on_a_site_without_photos_reads_no_photo_record(site: Path, tmp_path: Path,
                                                                      records_read: list[bool]):
    out = tmp_path / "out"
    build(site, out, search=False)
    file = _article(site)
    file.write_text(file.read_text(encoding="utf-8") + "\n又一句话。\n", encoding="utf-8")
    result = build(site, out, search=False, verify=True)
    assert records_read == [False, False] and result.differs == ()   # (a cold build knows it too)


@pytest.mark.parametrize("how", ["body", "lead"])
def test_a_photo_added_and_removed_again_is_built_as_a_cold_build_builds_it(site: Path, tmp_path: Path,
                                                                             records_read: list[bool], how: str):
    out = tmp_path / "out"
    build(site, out, search=False)
    file = _article(site)
    plain = file.read_text(encoding="utf-8")
    (file.parent / "pic.jpg").write_bytes(photo("astronaut", 1200))
    if how == "body":
        file.write_text(plain + "\n![一张照片](pic.jpg)\n", encoding="utf-8")
    else:
        file.write_text(plain.replace("---\n", "---\nimage: pic.jpg\n", 1), encoding="utf-8")
    build(site, out, search=False)
    assert records_read[-1] and any(p.suffix == ".jpg" for p in (out / "photos").rglob("*"))
    _same_as_cold(site, out, tmp_path)
    file.write_text(plain, encoding="utf-8")
    build(site, out, search=False)
    assert not records_read[-1]
    shutil.rmtree(tmp_path / "cold-out")
    shutil.rmtree(tmp_path / "cold")
    _same_as_cold(site, out, tmp_path)


def test_a_cache_that_does_not_know_which_bodies_show_images_learns_it_from_the_records(
        site: Path, tmp_path: Path, records_read: list[bool]):
    out = tmp_path / "out"
    build(site, out, search=False)
    state = State(site / CACHE_DIR)
    state.put("articles.images", None)   # (as an older newsgen left it)
    assert state.commit()
    assert ArticleCache(State(site / CACHE_DIR)).images is None
    file = _article(site)
    file.write_text(file.read_text(encoding="utf-8") + "\n又一句话。\n", encoding="utf-8")
    build(site, out, search=False)
    assert ArticleCache(State(site / CACHE_DIR)).images == set()
    file.write_text(file.read_text(encoding="utf-8") + "\n再一句话。\n", encoding="utf-8")
    result = build(site, out, search=False, verify=True)
    assert records_read == [False, True, False] and result.differs == ()
    assert json.loads(json.dumps(sorted(ArticleCache(State(site / CACHE_DIR)).images or ()))) == []
