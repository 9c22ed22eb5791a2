"""A big section of the build state is written in parts (its pieces encoded one at a time), and the
article cache makes its rows only as it is written: a cold build of 100,000 articles held the rows
from reading to saving, then the whole section's bytes besides them."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import orjson
import pytest

from newsgen import cachefile, content
from newsgen.cachefile import State
from newsgen.commands.build import build
from newsgen.content import ArticleCache, load
from newsgen.output import CACHE_DIR

FIXTURE = Path(__file__).parent / "fixtures" / "site"


def test_a_big_section_that_cannot_be_encoded_leaves_the_last_one(tmp_path: Path):
    """A part that cannot be encoded (after others were written out) leaves no half of a file: the
    section is as the last build wrote it, or none."""
    big = {f"k{i}": [i, "名字"] for i in range(3 * cachefile.PART)}
    state = State(tmp_path / "state")
    state.put("big", {"articles": big})
    assert state.commit()
    state = State(tmp_path / "state")
    state.put("big", {"articles": {**big, "last": object()}})
    assert state.commit()
    assert State(tmp_path / "state").get("big") is None   # not written: no half of a file
    assert not [p for p in (tmp_path / "state").iterdir() if ".tmp" in p.name]


def test_the_article_cache_makes_each_row_once_as_its_bucket_is_written(site: Path, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch):
    """Rows are made when the cache is saved, a bucket at a time, each bucket written then (not all
    the rows held until the state is committed), and once each."""
    files = sorted((site / "articles").rglob("*.md"))
    made: list[str] = []
    to_row = content._article_to_row

    def counting(article: Any) -> Any:
        made.append(article.title)
        return to_row(article)
    monkeypatch.setattr(content, "_article_to_row", counting)
    monkeypatch.setattr(content, "_BUCKET_SIZE", 2)
    state = State(site / CACHE_DIR)
    cache = ArticleCache(state)
    fresh = [load(file, site) for file in files]
    for file, (article, problems) in zip(files, fresh, strict=True):
        cache.put(file, site, article, problems)
    assert not made
    cache.save(state)
    assert len(made) == len(files)
    buckets = [name for name in os.listdir(site / CACHE_DIR) if name.startswith("articles.rows.")]
    assert len(buckets) > 1   # (written already)
    assert state.commit()
    assert len(made) == len(files)
    again = ArticleCache(State(site / CACHE_DIR))
    for file, (article, _) in zip(files, fresh, strict=True):
        hit = again.get(file, site)
        assert hit is not None and hit[0] == article


def test_a_build_writes_the_same_article_cache_as_rows_made_by_the_readers(site: Path, tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch):
    """The cache's file is the rows of the articles as read, in the order read, whether the build
    read them in worker processes or not."""
    build(site, tmp_path / "out", search=False)
    stored = ArticleCache(State(site / CACHE_DIR)).stored_rows()
    files = sorted((site / "articles").rglob("*.md"))
    expected = {}
    for file in files:
        article, _ = load(file, site)
        if article is not None:
            expected[file.relative_to(site).as_posix()] = content._article_to_row(article)
    assert {key: row for key, (row, _) in stored.items() if row is not None} == \
        {key: json.loads(orjson.dumps(row, default=content._tag)) for key, row in expected.items()}


def test_a_section_put_now_is_written_at_once_and_named_by_the_next_commit(tmp_path: Path):
    state = State(tmp_path / "state")
    state.put("kept", {"a": 1})
    assert state.commit()
    state = State(tmp_path / "state")
    value = {"big": list(range(10))}
    state.put("big", value, now=True)
    written = [p.name for p in (tmp_path / "state").iterdir() if p.name.startswith("big.")]
    assert len(written) == 1   # (before the commit: the caller may let go of the value)
    assert state.get("big") == value and state.has("big")
    assert State(tmp_path / "state").get("big") is None   # not named until the commit
    assert state.commit()
    again = State(tmp_path / "state")
    assert again.get("big") == value and again.get("kept") == {"a": 1}
    again.put("big", {"object": object()}, now=True)   # cannot be written: no value any more
    assert again.get("big") is None and again.commit() and State(tmp_path / "state").get("big") is None


def test_the_index_of_what_pages_read_is_written_one_bucket_at_a_time(tmp_path: Path):
    """On the full path each bucket of the record's reads is written as soon as it is filled, and let
    go; the record reads back as it was filled (every name with its digest and the pages reading it)."""
    from newsgen.cachefile import Table
    from newsgen.commands.delta import Looked, Record, names_digest

    files = [f"articles/2025/08/{n:03d}.md" for n in range(40)]
    state = State(tmp_path / "state")
    (tmp_path / "out").mkdir()
    x = state.output(tmp_path / "out")
    record = Record.new(state, x, "shape", articles=4 * 400)
    record.structures = {file: f"s{n}" for n, file in enumerate(files)}   # (the full path)
    assert record.reads.buckets == 4
    pages = [{f"post:{files[(p + k) % 40]}": f"{(p + k) % 40 * 3:016x}" for k in range(3)} | {"count": "40"}
             for p in range(30)]
    looked = Looked(range(30), files)
    looked.extend((False, None, names_digest(r), looked.pack(r)) for r in pages)
    numbers, _ = record.number([f"p{n}/index.html" for n in range(30)])
    kept: list[str] = []
    put = state.put

    def watching(name: str, value: Any, *args: Any, **kwargs: Any) -> None:
        kept.append(name if kwargs.get("now") else "")
        put(name, value, *args, **kwargs)
    state.put = watching   # type: ignore[method-assign]
    record.add(numbers, looked)
    assert sorted(name for name in kept if name) == [f"{x}.reads.{n}" for n in range(4)]
    assert not record.reads.changed   # the buckets let go
    record.save()
    assert state.commit()
    again = State(tmp_path / "state")
    reads, names = Table.load(again, f"{x}.reads"), Table.load(again, f"{x}.names")
    assert reads is not None and names is not None
    read: dict[str, set[int]] = {}
    for file, kinds in reads.items():
        assert kinds.pop("") == [record.structures.get(file, f"s{files.index(file)}"), []]
        for kind, (value, readers) in kinds.items():
            read[f"{kind}:{file}"] = set(readers)
            assert all(pages[p][f"{kind}:{file}"] == value for p in readers)
    assert read == {name: {p for p in range(30) if name in pages[p]} for name in {n for r in pages for n in r}
                    if name != "count"}
    assert dict(names.items()) == {"count": ["40", list(range(30))]}


def test_a_section_read_then_put_is_not_held_by_the_state(tmp_path: Path):
    """What a build reads and then replaces (each bucket of the record a rebuild updates) is not kept
    by the state for the rest of the build."""
    import gc
    import weakref

    class Value(dict):   # (a dict that a weak reference may follow)
        pass

    state = State(tmp_path / "state")
    state.put("a", {"x": list(range(5))})
    state.put("b", {"pages": {"p": 1}})
    assert state.commit()
    state = State(tmp_path / "state")
    read = state.get("a")
    assert read == {"x": list(range(5))}
    watched = Value(read)
    state._read["a"] = watched   # (as if read so)
    gone = weakref.ref(watched)
    del watched, read
    state.put("a", {"x": []}, now=True)
    state.get("b")
    state.put("b", {"pages": {"p": 2}})
    gc.collect()
    assert gone() is None and state.get("a") == {"x": []}
    assert state.commit() and State(tmp_path / "state").get("b") == {"pages": {"p": 2}}


def test_a_cache_taken_from_and_written_again_whole_is_the_same(site: Path, tmp_path: Path):
    """The articles taken from the cache (their rows decoded, or not) are written back as they were read."""
    build(site, tmp_path / "out", search=False)
    state = State(site / CACHE_DIR)
    before = ArticleCache(State(site / CACHE_DIR)).stored_rows()
    cache = ArticleCache(state)
    files = sorted((site / "articles").rglob("*.md"))
    for n, file in enumerate(files):
        hit = cache.get(file, site)
        assert hit is not None
        if hit[0] is not None and n % 2:
            assert hit[0].title   # (its row decoded)
    cache._changed, cache._table = True, None   # (written whole)
    cache.save(state)
    assert state.commit() and ArticleCache(State(site / CACHE_DIR)).stored_rows() == before


def test_the_names_of_articles_taken_from_the_cache_are_one_string_each(site: Path, tmp_path: Path):
    build(site, tmp_path / "out", search=False)
    cache = ArticleCache(State(site / CACHE_DIR))
    by_name: dict[str, int] = {}
    shared = 0
    for file in sorted((site / "articles").rglob("*.md")):
        hit = cache.get(file, site)
        assert hit is not None
        if hit[0] is None:
            continue
        for key in content.LIST_KEYS:
            for name in getattr(hit[0], key):
                if name in by_name:
                    assert id(name) == by_name[name], (key, name)
                    shared += 1
                by_name.setdefault(name, id(name))
    assert shared >= 3   # (the fixture's articles share places, topics and tags)


@pytest.mark.parametrize("size", [0, 1, cachefile.PART, cachefile.PART + 1, 3 * cachefile.PART + 7])
def test_big_mappings_and_lists_are_written_in_parts_as_the_bytes_of_one_encode(tmp_path: Path, size: int,
                                                                                monkeypatch: pytest.MonkeyPatch):
    """A section's big mapping or list (a table's column of 150,000 rows) is encoded a part at a time; the
    file holds the bytes one encode of the whole gives."""
    value = {"inputs": "x", "pages": {f"p{i}/index.html": ["abc", i, 2**40 + i] for i in range(size)},
             "order": [f"p{i}" for i in range(size)], 3: {"names": ["江西省"]}}
    whole = orjson.dumps(value, option=cachefile._OPTIONS)
    encoded: list[int] = []
    dumps = orjson.dumps

    def counting(item: Any, *args: Any, **kwargs: Any) -> bytes:
        encoded.append(len(item) if isinstance(item, dict | list) else 0)
        return dumps(item, *args, **kwargs)
    monkeypatch.setattr(cachefile.orjson, "dumps", counting)
    assert cachefile.write_json(tmp_path / "x.json", value)
    assert (tmp_path / "x.json").read_bytes() == whole
    assert max(encoded) <= max(cachefile.PART, 4)


def test_a_rebuild_holds_one_bucket_of_the_record_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A rebuild whose pages read names of every bucket of the record (an article added shifts
    listings that show articles of every bucket) reads each bucket, sets its rows and lets it go before
    the next: the rows changed are kept for the journal, not the buckets (holding every bucket of the
    record at once took 300 MB more at 100,000 articles). The record then reads back with the changes."""
    from newsgen.cachefile import Table
    from newsgen.commands.delta import Looked, Record, names_digest

    files = [f"articles/2025/08/{n:03d}.md" for n in range(40)]
    state = State(tmp_path / "state")
    (tmp_path / "out").mkdir()
    x = state.output(tmp_path / "out")
    record = Record.new(state, x, "shape", articles=4 * 400)
    record.structures = {file: f"s{n}" for n, file in enumerate(files)}
    first = [{f"post:{files[p]}": f"{p:016x}"} for p in range(40)]
    looked = Looked(range(40), files)
    looked.extend((False, None, names_digest(r), looked.pack(r)) for r in first)
    numbers, _ = record.number([f"p{n}/index.html" for n in range(40)])
    record.add(numbers, looked)
    record.save()
    assert state.commit()

    state = State(tmp_path / "state")
    record = Record.load(state, x, "shape")
    assert record is not None and record.reads.buckets == 4
    held: list[int] = []
    read = Table._read

    def reading(table: Table, n: int) -> dict[str, int]:
        if table is record.reads and table._index[n] is None:
            held.append(sum(index is not None for index in table._index))
        return read(table, n)
    monkeypatch.setattr(Table, "_read", reading)
    again = [{f"post:{files[p]}": f"{p + 1:016x}"} for p in range(0, 40, 3)]   # (pages 40.. read them anew)
    looked = Looked(range(len(again)), files)
    looked.extend((False, None, names_digest(r), looked.pack(r)) for r in again)
    numbers, _ = record.number([f"q{n}/index.html" for n in range(len(again))])
    record.add(numbers, looked)
    assert len({record.reads.bucket(files[p]) for p in range(0, 40, 3)}) == 4
    assert held and max(held) == 0   # (no other bucket held when one is read)
    record.save()
    assert state.commit()
    reads = Table.load(State(tmp_path / "state"), f"{x}.reads")
    assert reads is not None
    for p in range(40):
        value, readers = reads[files[p]]["post"]
        assert (value, readers) == ((f"{p + 1:016x}", [p, 40 + p // 3]) if p % 3 == 0 else (f"{p:016x}", [p]))
