"""What a build keeps of the pages' reads while it renders: each (name, digest) pair once, each
page's reads as numbers in an array, whatever strings the render workers send back."""

from __future__ import annotations

import tracemalloc

from newsgen.commands.delta import Looked, names_digest


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
    assert len(looked.names) == len(looked.values) == 3   # pages 0 and 1 read the same three pairs
    pages = list(looked.pages())
    assert [j for j, _, _ in pages] == [5, 7]
    for (_, names, ids), (_, _, digest_, reads) in zip(pages, _results(2, 3, 3), strict=True):
        assert names == digest_
        assert [(looked.names[i], looked.values[i]) for i in ids] == list(reads)


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
    assert len(looked) == 2 and not looked.names and not looked.values and not list(looked.pages())
