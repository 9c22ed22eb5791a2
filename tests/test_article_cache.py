"""The parsed-article cache keeps no bodies: an article taken from it reads its body from its file,
only when asked for, and only while the file is still the one that was read."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from newsgen.commands.build import build
from newsgen.content import ArticleCache, load, stored_body
from newsgen.errors import NewsgenError
from newsgen.output import CACHE_DIR

FIXTURE = Path(__file__).parent / "fixtures" / "site"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site, ignore=shutil.ignore_patterns(CACHE_DIR))
    return site


def articles(site: Path) -> list[Path]:
    return sorted((site / "articles").rglob("*.md"))


def test_the_cache_holds_no_body_and_gives_the_same_articles(site: Path, tmp_path: Path):
    build(site, tmp_path / "out", search=False)
    path = site / CACHE_DIR / "articles.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["articles"] and all("body" not in e["article"] for e in data["articles"].values() if e["article"])
    cache = ArticleCache(path)
    for file in articles(site):
        hit = cache.get(file, site)
        assert hit is not None
        article, _ = hit
        fresh, _ = load(file, site)
        assert article is not None and fresh is not None
        assert "body" not in article.__dict__          # not read until asked for
        assert article == fresh and article.body == fresh.body   # then read as a fresh parse reads it


def test_a_body_asked_for_after_its_file_changed_is_an_error(site: Path, tmp_path: Path):
    build(site, tmp_path / "out", search=False)
    cache = ArticleCache(site / CACHE_DIR / "articles.json")
    file = articles(site)[0]
    hit = cache.get(file, site)
    assert hit is not None and hit[0] is not None
    file.write_text(file.read_text(encoding="utf-8") + "\n后来加的。\n", encoding="utf-8")
    with pytest.raises(NewsgenError, match="changed while the site was being built"):
        hit[0].body   # noqa: B018  (never the new body under the old front matter)
    with pytest.raises(NewsgenError):
        stored_body(str(file), hit[0].digest, hit[0].path)


@pytest.mark.parametrize("damage", ["truncated", "an older layout with bodies", "an unknown field"])
def test_a_damaged_or_older_cache_is_read_again(site: Path, tmp_path: Path, damage: str):
    out = tmp_path / "out"
    build(site, out, search=False)
    path = site / CACHE_DIR / "articles.json"
    if damage == "truncated":
        raw = path.read_bytes()
        path.write_bytes(raw[: len(raw) // 2])
    else:
        data = json.loads(path.read_text(encoding="utf-8"))
        for entry in data["articles"].values():
            if entry["article"]:
                entry["article"]["body" if damage == "an older layout with bodies" else "bodyy"] = "旧的正文"
        if damage == "an older layout with bodies":
            data["version"] = 1
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    cache = ArticleCache(path)
    assert all(cache.get(file, site) is None for file in articles(site))
    (site / "articles" / "2025" / "08" / "gongshui-luojia.md").touch()   # a build, not a no-change shortcut
    build(site, out, search=False)
    cold = build(site, tmp_path / "cold", incremental=False, search=False)
    assert "旧的正文" not in "".join(p.read_text(encoding="utf-8") for p in out.rglob("*.html"))
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == \
        {p.relative_to(cold.output): p.read_bytes() for p in cold.output.rglob("*") if p.is_file()}


def test_a_rebuild_walks_and_stats_the_articles_once(site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The inputs digest's walk (file identities) is the one the articles are read by."""
    from newsgen import content

    out = tmp_path / "out"
    build(site, out, search=False)
    walks: list[Path] = []
    real = content.article_files
    monkeypatch.setattr(content, "article_files", lambda root, *a: walks.append(root) or real(root, *a))
    file = articles(site)[0]
    file.write_text(file.read_text(encoding="utf-8") + "\n又一段。\n", encoding="utf-8")
    again = build(site, out, search=False)
    assert not walks and again.rendered > 0
    assert build(site, tmp_path / "cold", incremental=False, search=False).pages == again.pages
    assert walks   # a cold build walks the folder itself
