"""Golden import: the example bulletin, imported with ``--date 2025-08-06``, reproduces the
committed ``articles/`` byte for byte (front matter, slugs, enrichment and body).

If a parser change legitimately changes an article, this test fails on purpose: the change
is reviewed and ``articles/`` is refreshed by hand, never by the test.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from newsgen.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "bulletins" / "jiangxi-county-news.txt"
EXPECTED = ROOT / "articles"


def _files(top: Path) -> dict[str, bytes]:
    return {str(p.relative_to(top)): p.read_bytes() for p in sorted(top.rglob("*.md"))}


def test_example_bulletin_reproduces_the_committed_articles(tmp_path: Path) -> None:
    shutil.copy(ROOT / "newsgen.yaml", tmp_path / "newsgen.yaml")
    assert main(["import", str(EXAMPLE), "--site", str(tmp_path), "--date", "2025-08-06"]) == 0
    got, want = _files(tmp_path / "articles"), _files(EXPECTED)
    assert sorted(got) == sorted(want)
    assert len(want) == 7
    for name, data in want.items():
        assert got[name].decode("utf-8") == data.decode("utf-8"), name
