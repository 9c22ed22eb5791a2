"""The article cache's file identities are kept as four columns of 64-bit numbers, each one run of bytes
(``content._changed``): a rebuild compares the files' identities with the kept ones as runs of bytes,
halves at a time.
Whatever files changed, wherever they are in the listing, exactly those are read again."""

from __future__ import annotations

import json
import os
import random
from array import array
from pathlib import Path

import pytest

from newsgen import content
from newsgen.cachefile import State, _numbers, _packed
from newsgen.commands.build import build
from newsgen.content import ArticleCache, _changed
from newsgen.output import CACHE_DIR


def _columns(identities: list) -> list:
    """The four columns of ``identities`` as the article cache's table reads them back."""
    return [_numbers(_packed(list(column))) for column in zip(*identities, strict=True)]


@pytest.mark.parametrize("seed", range(6))
def test_the_positions_found_changed_are_those_that_changed(seed: int):
    rng = random.Random(seed)
    count = rng.choice([1, 7, 8, 9, 100, 1000])
    kept = [[rng.randrange(1, 10**6), rng.randrange(2**62), rng.randrange(2**62), rng.randrange(2**40)]
            for _ in range(count)]
    columns = _columns(kept)
    assert all(type(column) is array for column in columns) and list(map(list, zip(*columns, strict=True))) == kept
    now = [list(identity) for identity in kept]
    changed = sorted(rng.sample(range(count), rng.randrange(0, min(count, 20) + 1)))
    for n in changed:
        for column in rng.sample(range(4), rng.randrange(1, 5)):
            now[n][column] += 1
    assert _changed(columns, now) == changed


def test_identities_a_signed_64_bit_number_cannot_hold_or_of_a_file_not_stat_ed_are_compared_one_by_one():
    identities = [[10, 1, 1, 2**64 - 5], [3, 4, 5, 6]]
    assert _changed(_columns(identities), identities) is None   # (the inodes' column kept as a list)
    kept = _columns([[1, 2, 3, 4], [5, 6, 7, 8]])
    assert _changed(kept, [[1, 2, 3, 4], None]) is None


def _edit(file: Path, when: int) -> None:
    file.write_text(file.read_text(encoding="utf-8") + "\n又一句话。\n", encoding="utf-8")
    os.utime(file, ns=(when, when))


def test_a_rebuild_reads_again_exactly_the_files_edited_wherever_they_are_listed(site: Path, tmp_path: Path,
                                                                                 monkeypatch: pytest.MonkeyPatch):
    files = sorted((site / "articles").rglob("*.md"))
    for n in range(40):   # enough files that the halves are halved again
        (site / "articles" / f"extra-{n:02d}.md").write_text(
            f"---\ntitle: 又一篇 {n}\ndate: 2025-08-{n % 28 + 1:02d}\n---\n\n正文 {n}。\n", encoding="utf-8")
    build(site, tmp_path / "out", search=False)
    state = json.loads((site / CACHE_DIR / "state.json").read_text(encoding="utf-8"))
    columns = json.loads((site / CACHE_DIR / state["sections"]["articles.0"]).read_text(encoding="utf-8"))
    assert all(isinstance(columns[str(n)], str) for n in range(4))   # written as one run of numbers
    files = sorted((site / "articles").rglob("*.md"))
    edited = [files[0], files[len(files) // 2], files[-1]]
    for n, file in enumerate(edited):
        _edit(file, 1_700_000_000_000_000_000 + n)
    cache = ArticleCache(State(site / CACHE_DIR))
    compared = []
    changed = content._changed
    monkeypatch.setattr(content, "_changed", lambda kept, now: compared.append(changed(kept, now)) or compared[-1])
    listed = [(str(f), [(s := os.stat(f)).st_size, s.st_mtime_ns, s.st_ctime_ns, s.st_ino]) for f in files]
    found = cache.get_listed(listed, site)
    assert [f for f, hit in zip(files, found, strict=True) if hit is None] == edited
    assert compared == [[files.index(f) for f in edited]]   # (as two runs of bytes)
    result = build(site, tmp_path / "out", search=False, verify=True)
    assert result.differs == ()
