"""The disk cache of enrichment tables: rebuilt when missing, stale or corrupt; optional when unwritable."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsgen.enrich import cache


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / "newsgen"


def counting_build(value: object):
    calls = []

    def build():
        calls.append(1)
        return value
    return build, calls


def test_built_once_then_loaded(cache_home: Path, tmp_path: Path) -> None:
    source = tmp_path / "source.txt"
    source.write_text("a", encoding="utf-8")
    build, calls = counting_build({"南昌市": (("江西省", "南昌市"),)})
    assert cache.cached("table", [source], build) == {"南昌市": (("江西省", "南昌市"),)}
    assert cache.cached("table", [source], build) == {"南昌市": (("江西省", "南昌市"),)}
    assert len(calls) == 1
    assert len(list(cache_home.glob("table-*.marshal"))) == 1


def test_a_changed_source_rebuilds_and_replaces_the_stale_file(cache_home: Path, tmp_path: Path) -> None:
    source = tmp_path / "source.txt"
    source.write_text("a", encoding="utf-8")
    cache.cached("table", [source], lambda: 1)
    source.write_text("ab", encoding="utf-8")
    assert cache.cached("table", [source], lambda: 2) == 2
    assert len(list(cache_home.glob("table-*.marshal"))) == 1


def test_a_corrupt_file_is_rebuilt(cache_home: Path, tmp_path: Path) -> None:
    source = tmp_path / "source.txt"
    source.write_text("a", encoding="utf-8")
    cache.cached("table", [source], lambda: [1, 2])
    (path,) = cache_home.glob("table-*.marshal")
    path.write_bytes(b"\x00garbage")
    assert cache.cached("table", [source], lambda: [3]) == [3]
    assert cache.cached("table", [source], lambda: [4]) == [3]


def test_an_unwritable_cache_only_costs_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # a file: the directory cannot be made
    source = tmp_path / "source.txt"
    source.write_text("a", encoding="utf-8")
    assert cache.cached("table", [source], lambda: 5) == 5
    assert cache.cached("table", [source], lambda: 6) == 6


def test_line_by_line_tokens_are_whole_text_tokens() -> None:
    pytest.importorskip("jieba")
    from newsgen.enrich import words as W

    text = "南昌市青山湖区罗家镇开展水利建设。\n\n“党建就是黏合剂。”\n  宜春经开区 2025年\n"
    extra = frozenset({"宜春经开区"})
    assert W.tokenize(text, extra) == W.tokenizer(extra).lcut(text, HMM=True)
    assert W.tokenize(text.replace("\n", "\r\n"), extra) == W.tokenizer(extra).lcut(text.replace("\n", "\r\n"))
