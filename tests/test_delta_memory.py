"""What a build keeps of the pages' reads while it renders: each (name, digest) pair once, each
page's reads as numbers in an array, whatever strings the render workers send back."""

from __future__ import annotations

import tracemalloc

from newsgen.commands.delta import Looked, names_digest, pack_reads


def _results(pages: int, names: int, per_page: int) -> list[tuple[bool, None, str, tuple[tuple[str, str], ...]]]:
    """Results as a worker sends them: strings made afresh for every page (as unpickled ones are)."""
    out = []
    for p in range(pages):
        reads = tuple((f"post:articles/2025/08/{(p + k) % names:05d}.md", f"{(p + k) % names:016x}")
                      for k in range(per_page))
        out.append((False, None, names_digest(name for name, _ in reads), reads))
    return out


def test_each_pair_is_kept_once_and_each_page_as_numbers():
    looked = Looked([5, 7])
    looked.extend(_results(2, 3, 3))
    assert len(looked) == 2 and looked.results == [(False, None), (False, None)]
    assert looked.count == 3   # pages 0 and 1 read the same three pairs
    pages = list(looked.pages())
    assert [j for j, _, _ in pages] == [5, 7]
    for (_, names, ids), (_, _, digest_, reads) in zip(pages, _results(2, 3, 3), strict=True):
        assert names == digest_
        assert [looked.name(i) for i in ids] == list(reads)


def test_the_reads_of_many_pages_cost_a_few_bytes_each():
    results = _results(2000, 200, 40)   # 80,000 reads of 200 names
    tracemalloc.start()
    try:
        looked = Looked(range(len(results)))
        before = tracemalloc.get_traced_memory()[0]
        looked.extend(results)
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    del results
    assert held / 80_000 < 12, held   # (a tuple of string pairs per page: over 100 bytes a read)


def test_what_is_indexed_is_let_go_but_for_the_results():
    looked = Looked([0, 1])
    looked.extend(_results(2, 3, 3))
    looked.forget()
    assert len(looked) == 2 and not looked.count and not looked.others and not list(looked.pages())


def test_reads_packed_by_a_worker_are_kept_as_the_pairs_are():
    """A page's reads travel back from a render worker as one string (one object to pickle), a name
    holding a NUL as the pairs themselves; either way the parent keeps what the pairs give it."""
    records = [dict(reads) for _, _, _, reads in _results(5, 4, 3)]
    records += [{}, {"tag:a\0b": "0" * 16, "post:x.md": "1" * 16}, {"node:江西省": "2" * 16}]
    packed = [pack_reads(record) for record in records]
    assert all(isinstance(p, str) for p in packed[:6]) and packed[5] == "" and isinstance(packed[6], tuple)
    by_pairs, by_packed = Looked(range(len(records))), Looked(range(len(records)))
    by_pairs.extend((False, None, names_digest(r), tuple(r.items())) for r in records)
    by_packed.extend((False, None, names_digest(r), p) for r, p in zip(records, packed, strict=True))
    assert [by_packed.name(i) for i in range(by_packed.count)] == [by_pairs.name(i) for i in range(by_pairs.count)]
    assert [(j, n, list(ids)) for j, n, ids in by_packed.pages()] == \
        [(j, n, list(ids)) for j, n, ids in by_pairs.pages()]
    assert [[by_packed.name(i) for i in ids] for _, _, ids in by_packed.pages()] == \
        [list(r.items()) for r in records]


FILES = [f"articles/2025/08/{n:05d}.md" for n in range(3)]


def test_the_names_of_articles_are_kept_as_numbers_not_strings():
    """A worker packs ``KIND:FILE`` names of the build's articles with a digest of 16 hexadecimal
    digits as numbers; the parent keeps no string for them, and gives the pairs back as they were read.
    Other names, and digests of another form, are kept as text."""
    records = [dict(reads) for _, _, _, reads in _results(4, 3, 3)]
    records.append({"around:" + FILES[1]: "a" * 16, "node:江西省": "2" * 16, "count": "3",
                    "meta:" + FILES[2]: "not a digest", "body:articles/elsewhere.md": "1" * 16,
                    "link:" + FILES[0]: "-" + "1" * 15})
    looked = Looked(range(len(records)), FILES)
    looked.extend((False, None, names_digest(r), looked.pack(r)) for r in records)
    assert looked.others == ["node:江西省", "count", "meta:" + FILES[2], "body:articles/elsewhere.md",
                             "link:" + FILES[0]]   # every post:FILE and around:FILE kept as numbers
    assert not any(name.startswith("post:") for name in looked.numbers)
    assert [[looked.name(i) for i in ids] for _, _, ids in looked.pages()] == \
        [sorted(r.items(), key=lambda item: item[0] in looked.numbers) for r in records]
    assert looked.pair(looked.reads[-1][0]) == ("around", FILES[1], "a" * 16)


def test_a_name_read_with_two_digests_is_two_pairs():
    looked = Looked([0, 1], FILES)
    records = [{"post:" + FILES[0]: "0" * 16}, {"post:" + FILES[0]: "f" * 16}]
    looked.extend((False, None, names_digest(r), looked.pack(r)) for r in records)
    assert looked.count == 2 and [looked.name(ids[0]) for _, _, ids in looked.pages()] == \
        [("post:" + FILES[0], "0" * 16), ("post:" + FILES[0], "f" * 16)]


def test_the_index_of_the_pages_reading_a_name_costs_a_few_bytes_a_page_while_it_is_made(tmp_path, monkeypatch):
    """While :meth:`Record.add` indexes which pages read each name, a name read by several pages holds
    their numbers in an array (4 bytes a page) until its bucket is filled, written and let go: as lists
    (a reference and a list's room to grow, about 9 bytes a page), every bucket's at once, they were
    about 60 MB at the peak of a template edit at 100,000 articles."""
    from newsgen.cachefile import State
    from newsgen.commands import delta

    monkeypatch.setattr(delta, "BUCKET", 10)
    files = [f"articles/2025/08/{f:04d}.md" for f in range(400)]
    pages, per_page = 3000, 40
    paths = [f"p/{p}/index.html" for p in range(pages)]
    record = delta.Record.new(State(tmp_path / "state"), "k", "shape", len(files))
    record.structures = dict.fromkeys(files, "s")   # (the full path)
    numbers, _ = record.number(paths)
    looked = Looked(range(pages), files)
    for p in range(pages):
        reads = {f"post:{files[(p * 7 + k) % len(files)]}": f"{(p * 7 + k) % len(files) + 1:016x}"
                 for k in range(per_page)}   # (each name read by 300 pages)
        looked.append((False, None, names_digest(reads), looked.pack(reads)))
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        record.add(numbers, looked)
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert record.reads.buckets == 40 and not record.reads.changed   # every bucket written and let go
    assert peak / (pages * per_page) < 7.5, peak   # (lists: 9 bytes a read, with their room to grow)
