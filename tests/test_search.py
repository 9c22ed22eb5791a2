"""The search index at build time (newsgen.search): every pair of adjacent characters of each
article's title, body and names, one bundle a year in ``search-index/``; unchanged years are reused,
a changed one is made again, and either way the output equals a cold build's. (Searching it in a
browser: test_search_browser.py, and the reader's queries at the end of this file.)"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import quote

import orjson
import pytest

from newsgen.commands.build import build
from newsgen.config import Config
from newsgen.content import Article
from newsgen.render.pages import PLANNERS, plan_search
from newsgen.search import (
    KEYS_DIR,
    SEARCH_DIR,
    SHARDS_FILE,
    Document,
    Part,
    entry_size,
    filters_file,
    fragment,
    gaps,
    key_file,
    key_file_count,
    key_file_text,
    keys,
    packed,
    patch_files,
    patch_year,
    runs,
    unpacked,
    year_entries,
)
from newsgen.site import build_site, place_levels

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "site"


# the key files as one piece of the whole index in memory: what the build's key files, made one part at a
# time (search._write_key_files), must equal
def year_size(entries: Mapping[str, bytes]) -> int:
    """The size of a year's entries (:func:`entry_size`), as ``shards.json`` records it."""
    return sum(entry_size(key, entry) for key, entry in entries.items())


def key_files(years: Mapping[str, Mapping[str, bytes]], count: int) -> list[Part]:
    """The parts of ``count`` key files holding every year's entries (``years``: name -> key -> entry)."""
    parts: list[Part] = [{} for _ in range(count)]
    for year, entries in years.items():
        for key, entry in entries.items():
            parts[key_file(key, count)].setdefault(key, {})[year] = entry
    return parts


def listing(out: Path) -> dict:
    return json.loads((out / SEARCH_DIR / SHARDS_FILE).read_text(encoding="utf-8"))


def read(out: Path, path: str) -> dict:
    return json.loads((out / SEARCH_DIR / path).read_text(encoding="utf-8"))


def index_files(out: Path) -> dict[str, bytes]:
    root = out / SEARCH_DIR
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def lookup(out: Path, year: str, key: str) -> list[list[int]]:
    """The ids (title, names, body) of ``key`` in a year, as the search page reads them: from the key
    file the key's hash names, shared by every year."""
    count = listing(out)["keys"]
    entry = read(out, f"{KEYS_DIR}/{key_file(key, count)}.json").get(key, {}).get(year, [[], [], []])
    return [unpacked(field) for field in entry]


def ids_of(entry: bytes) -> list[list[int]]:
    return [unpacked(field) for field in orjson.loads(entry)]


@pytest.fixture
def site(tmp_path: Path) -> Path:
    copy = tmp_path / "site"
    shutil.copytree(FIXTURE, copy, ignore=shutil.ignore_patterns(".newsgen-cache"))
    return copy


def test_keys_are_the_pairs_of_each_run_and_single_characters_where_asked():
    assert runs("章贡区：做活政务公开 激活 GDP2025") == ["章贡区", "做活政务公开", "激活", "GDP2025"]
    assert keys("习近平会见", False) == {"习近", "近平", "平会", "会见"}   # no vocabulary: 习近平 is held whole
    assert keys("习近平", True) == {"习近", "近平", "习", "近", "平"}
    assert keys("南康区，早稻", False) == {"南康", "康区", "早稻"}          # no pair across punctuation
    assert keys("ＧＤＰ 鱼", False) == {"gd", "dp", "鱼"}                    # NFKC, lower case; a lone character kept


def test_key_files_are_chosen_as_the_search_page_chooses_them():
    # FNV-1a (32 bits) over UTF-16 code units, as search.js's keyFile: "ab" is FNV-1a's published value
    # of the bytes "ab" (each a code unit); the browser tests search the index with the page's own hash
    assert key_file("ab", 2**32) == 0x98CC640D   # 0x4D2505CA, mixed by MurmurHash3's finalizer
    assert key_file("ab", 1) == 0 and 0 <= key_file("南康", 512) < 512


def test_ids_are_packed_as_gaps_with_runs_of_consecutive_ids_as_one_number():
    assert packed([0, 1, 2, 3, 7, 9, 10]) == b"[-4,4,2,1]"    # 0-3 a run of four from -1; 7, 9, 10 by gaps
    assert packed(list(range(1000))) == b"[-1000]"            # a pair every article holds: a few bytes
    assert packed([10, 21, 22, 33]) == b"[11,11,1,11]"        # a 1 within 11 is no run
    assert packed([]) == b"[]" and packed([5]) == b"[6]"
    for ids in ([0, 1, 2, 3, 7, 9, 10], list(range(1000)), [10, 21, 22, 33], [], [5], [0, 2, 3, 4, 5, 9, 10, 11]):
        assert unpacked(orjson.loads(packed(ids))) == ids


def test_a_year_files_every_key_by_field_with_ids_oldest_first():
    old = Document("2025/01/a/", "党建聚链成势", "2025-01-02", "2025年1月2日", ("江西省/赣州市/南康区",), ("党建引领",),
                   ("江西省", "赣州市", "南康区", "党建引领"), "南康区各地党组织。")
    new = Document("2025/02/b/", "早稻收购", "2025-02-03", "2025年2月3日", ("江西省/赣州市/南康区/唐江镇",), (),
                   ("江西省", "赣州市", "南康区", "唐江镇"), "党建引领产业发展。")
    entries = year_entries([old, new])
    assert ids_of(entries["南康"]) == [[], [0, 1], [0]]   # names: both (the town's article too); body: the first
    assert ids_of(entries["党建"]) == [[0], [0], [1]]
    assert ids_of(entries["早"]) == [[1], [], []]         # single characters: titles and names only
    assert "各" not in entries
    assert json.loads(fragment(new)) == {"u": "2025/02/b/", "t": "早稻收购", "d": "2025年2月3日", "p": ["唐江镇"],
                                         "n": ["江西省", "赣州市", "南康区", "唐江镇"], "x": "党建引领产业发展。"}
    # the key files are shared by the years: a key's file holds its entry for each year that has it
    parts = key_files({"2025": entries, "2024": year_entries([new])}, 4)
    held = json.loads(key_file_text(parts[key_file("南康", 4)]))["南康"]
    assert list(held) == ["2024", "2025"] and [unpacked(f) for f in held["2024"]] == [[], [0], []]
    assert all(key_file(key, 4) == n for n, part in enumerate(parts) for key in part)


def test_key_files_grow_with_the_index_so_each_stays_small():
    body = "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(3000))
    docs = [Document(f"2025/01/{i}/", f"标题{i}", "2025-01-01", "", (), (), (), body[i:] + body[:i])
            for i in range(40)]
    entries = year_entries(docs)
    count = key_file_count(year_size(entries))
    assert count > 8 and count & (count - 1) == 0
    sizes = [len(key_file_text(part).encode()) for part in key_files({"2025": entries}, count)]
    assert len(sizes) == count and max(sizes) < 4 * 6000


def doc(title: str, body: str, names: tuple[str, ...] = ()) -> Document:
    return Document(f"2025/01/{title}/", title, "2025-01-01", "", (), (), names, body)


def test_a_patched_year_is_the_year_made_from_the_new_articles():
    old = [doc("早稻收购", "南康区早稻收购全铺开。"), doc("政务公开", "章贡区做活政务公开。", ("章贡区",)),
           doc("供水保障", "南昌市发布冬季供水保障措施。")]
    new = {1: doc("政务公开新篇", "章贡区激活治理效能，早稻归仓。", ("章贡区", "政务服务")),
           2: doc("供水", "冬季供水。")}
    other = year_entries([doc("保障", "保障供水。")])   # another year's, in the same files, untouched
    count = 8
    texts = [key_file_text(part) for part in key_files({"2025": year_entries(old), "2024": other}, count)]
    wanted = patch_files({i: old[i] for i in new}, new, count)
    parts = {n: orjson.loads(texts[n]) for n in wanted}   # as the build reads them: only those
    touched, delta = patch_year("2025", {i: old[i] for i in new}, new, parts, count)
    entries = year_entries([old[0], new[1], new[2]])
    want = [key_file_text(part) for part in key_files({"2025": entries, "2024": other}, count)]
    assert touched and touched <= wanted
    assert all(key_file_text(parts[n]) == want[n] for n in touched)
    assert all(texts[n] == want[n] for n in set(range(count)) - touched)
    assert year_size(year_entries(old)) + delta == year_size(entries)
    assert "保障" in key_file_text(parts[key_file("保障", count)])        # still 2024's
    assert "2025" not in json.loads(want[key_file("保障", count)])["保障"]   # no 2025 article holds it any more


def test_search_page_is_planned_and_the_index_holds_the_published_articles(site: Path, tmp_path: Path):
    assert plan_search in PLANNERS
    out = tmp_path / "out"
    result = build(site, out, incremental=False)
    assert (out / "search" / "index.html").is_file()
    data = listing(out)
    assert [(s["name"], s["bundle"], s["pages"]) for s in data["shards"]] == \
        [("2025", "2025/", 4), ("2024", "2024/", 1)]
    assert data["filters"]["year"] == {"2025": 4, "2024": 1}
    assert data["filters"]["region"]["江西省/赣州市/章贡区"] == 1 and data["filters"]["region"]["江西省"] == 5
    assert result.indexed == ("2025", "2024")
    # ids are positions in the year, oldest first: the 2025 articles by date
    titles = [read(out, f"2025/d/{i}.json")["t"] for i in range(4)]
    assert titles[0] == "章贡区：做活政务公开 激活治理效能" and titles[-1] == "党建聚链成势 产业向新攀高"
    assert not (out / SEARCH_DIR / "2025" / "d" / "4.json").exists()   # the draft is not indexed
    # the title's pairs in the title field, the place's name in the names field
    assert 0 in lookup(out, "2025", "政务")[0] and 0 in lookup(out, "2025", "章贡")[1]
    assert lookup(out, "2025", "草稿") == [[], [], []]
    assert result.articles == 5 and "search" in result.timings
    # claimed as static files: neither pages nor feeds in the counts
    assert result.pages == len(list(out.rglob("*.html")))


def test_article_pages_carry_no_indexer_marks_and_the_search_page_finds_the_index(site: Path, tmp_path: Path):
    out = tmp_path / "out"
    build(site, out, incremental=False)
    html = (out / "2025/08/gaishan-gongshui-jichu-sheshi/index.html").read_text(encoding="utf-8")
    assert "pagefind" not in html
    listing_page = (out / "index.html").read_text(encoding="utf-8")
    assert 'action="/search/"' in listing_page and 'name="q"' in listing_page   # the header's search box
    search = (out / "search/index.html").read_text(encoding="utf-8")
    assert 'data-bundle="/search-index/"' in search and 'class="search-offer"' in search


def test_header_box_and_index_honour_a_sub_path(site: Path, tmp_path: Path):
    out = tmp_path / "archive"
    build(site, out, base_url="https://example.org/archive/", incremental=False)
    page = (out / "2025/08/dangjian-julian-chengshi/index.html").read_text(encoding="utf-8")
    assert 'action="/archive/search/"' in page
    search = (out / "search/index.html").read_text(encoding="utf-8")
    assert 'data-bundle="/archive/search-index/"' in search and 'data-base="/archive/"' in search
    assert 'src="/archive/static/search.js"' in search
    assert read(out, "2025/d/0.json")["u"] == "2025/07/zhanggong-zhengwu-gongkai/"   # under the base path


def test_incremental_builds_remake_only_the_years_whose_article_pages_changed(site: Path, tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr("newsgen.search.KEY_FILE_BYTES", 200)   # many key files, as a large archive has
    out = tmp_path / "out"
    assert build(site, out).indexed == ("2025", "2024")
    first = index_files(out)
    inode = os.stat(out / SEARCH_DIR / "2024" / "d" / "0.json").st_ino
    key_inodes = {p.name: p.stat().st_ino for p in (out / SEARCH_DIR / KEYS_DIR).iterdir()}

    # a listing template changes, no article page does: every bundle is hard-linked from the last output
    (site / "templates").mkdir()
    (site / "templates" / "home.html").write_text('{% extends "base.html" %}{% block main %}首页{% endblock %}\n',
                                                  encoding="utf-8")
    assert build(site, out).indexed == ()
    assert index_files(out) == first and os.stat(out / SEARCH_DIR / "2024" / "d" / "0.json").st_ino == inode
    assert {p.name: p.stat().st_ino for p in (out / SEARCH_DIR / KEYS_DIR).iterdir()} == key_inodes

    # a 2025 article's body changes: 2025 is indexed again, 2024's bundle is the same file
    article = site / "articles/2025/08/dangjian-julian-chengshi.md"
    article.write_text(article.read_text(encoding="utf-8") + "\n新增一段关于早稻收购的文字。\n", encoding="utf-8")
    untouched = os.stat(out / SEARCH_DIR / "2025" / "d" / "0.json").st_ino
    key_inodes = {p.name: p.stat().st_ino for p in (out / SEARCH_DIR / KEYS_DIR).iterdir()}
    assert build(site, out).indexed == ("2025",)
    assert os.stat(out / SEARCH_DIR / "2024" / "d" / "0.json").st_ino == inode
    # patched: the other articles' fragments are the last build's files, and so are the key files
    # holding none of the keys the edit added (only those holding one are written)
    assert os.stat(out / SEARCH_DIR / "2025" / "d" / "0.json").st_ino == untouched
    count = listing(out)["keys"]
    added = {f"{key_file(key, count)}.json" for key in keys("新增一段关于早稻收购的文字", False)}
    now = {p.name: p.stat().st_ino for p in (out / SEARCH_DIR / KEYS_DIR).iterdir()}
    assert now.keys() == key_inodes.keys() and len(now) > len(added) > 0
    assert {name for name in now if now[name] != key_inodes[name]} <= added
    changed = index_files(out)
    assert changed != first
    assert 3 in lookup(out, "2025", "早稻")[2]   # the new sentence is found
    assert {k: v for k, v in changed.items() if k.startswith("2024/")} == \
           {k: v for k, v in first.items() if k.startswith("2024/")}
    # and the output equals a cold build's, byte for byte
    cold = tmp_path / "cold"
    build(site, cold, incremental=False)
    assert index_files(cold) == changed

    # a 2024 article moves to 2025: 2025 again, and 2024's bundle is gone with its last article, its
    # entries gone from the key files; again as a cold build makes it
    moved = site / "articles/2024/12/nanchang-quanshi.md"
    moved.write_text(moved.read_text(encoding="utf-8").replace("date: 2024-12-20", "date: 2025-01-20"),
                     encoding="utf-8")
    assert build(site, out).indexed == ("2025",)
    assert [s["name"] for s in listing(out)["shards"]] == ["2025"] and not (out / SEARCH_DIR / "2024").exists()
    assert "2024" not in json.dumps([read(out, f"{KEYS_DIR}/{n}.json") for n in range(listing(out)["keys"])])
    shutil.rmtree(cold)
    build(site, cold, incremental=False)
    assert index_files(cold) == index_files(out)


def test_a_patch_that_changes_the_number_of_key_files_makes_them_again_as_a_cold_build(site: Path, tmp_path: Path,
                                                                                    monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr("newsgen.search.KEY_FILE_BYTES", 300)   # a few hundred bytes a file: many files
    out = tmp_path / "out"
    build(site, out)
    before = listing(out)["keys"]
    article = site / "articles/2025/08/dangjian-julian-chengshi.md"
    text = "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(6000))   # thousands of new pairs
    article.write_text(article.read_text(encoding="utf-8") + "\n" + text + "\n", encoding="utf-8")
    build(site, out)
    assert listing(out)["keys"] > before
    cold = tmp_path / "cold"
    build(site, cold, incremental=False)
    assert index_files(cold) == index_files(out)
    assert 3 in lookup(out, "2025", text[100:102])[2]


def made_at_once(out: Path) -> dict[str, bytes]:
    """The key files of the index in ``out`` made in one go (every year's entries held at once, as
    :func:`key_files` makes them), from the articles' fragments in its year bundles."""
    shards = listing(out)
    years = {}
    for shard in shards["shards"]:
        folder = out / SEARCH_DIR / shard["name"] / "d"
        frags = [json.loads((folder / f"{i}.json").read_text(encoding="utf-8")) for i in range(shard["pages"])]
        years[shard["name"]] = year_entries([Document(f["u"], f["t"], "", "", (), (), tuple(f["n"]), f["x"])
                                             for f in frags])
    assert sum(map(year_size, years.values())) == sum(s["size"] for s in shards["shards"])
    return {f"{KEYS_DIR}/{n}.json": key_file_text(part).encode()
            for n, part in enumerate(key_files(years, shards["keys"]))}


@pytest.mark.parametrize("groups", [2, 256])
def test_key_files_made_one_part_of_their_entries_at_a_time_are_those_made_at_once(
        site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, groups: int):
    """The key files are written a group of file numbers at a time from entries set aside on disk:
    with fewer groups than files (each group several files) and more (each file several groups), set
    aside in a few bytes at a time, cold and when a year is made whole over the last key files."""
    monkeypatch.setattr("newsgen.search.KEY_FILE_BYTES", 300)   # a few dozen key files
    monkeypatch.setattr("newsgen.search.GROUPS", groups)
    monkeypatch.setattr("newsgen.search._FLUSH", 64)   # every part on disk, appended many times
    out = tmp_path / "out"
    build(site, out)
    count = listing(out)["keys"]
    assert 2 < count < 256
    keys_on_disk = {k: v for k, v in index_files(out).items() if k.startswith(KEYS_DIR + "/")}
    assert keys_on_disk == made_at_once(out)
    # an article moved to another year: both years made whole, the other years' entries read back
    # from the last key files
    moved = site / "articles/2024/12/nanchang-quanshi.md"
    moved.write_text(moved.read_text(encoding="utf-8").replace("date: 2024-12-20", "date: 2025-01-20"),
                     encoding="utf-8")
    assert build(site, out).indexed == ("2025",)
    keys_on_disk = {k: v for k, v in index_files(out).items() if k.startswith(KEYS_DIR + "/")}
    assert keys_on_disk == made_at_once(out)
    cold = tmp_path / "cold"
    build(site, cold, incremental=False)
    assert index_files(cold) == index_files(out)


def test_a_damaged_bundle_in_the_output_is_made_again(site: Path, tmp_path: Path):
    out = tmp_path / "out"
    build(site, out)
    whole = index_files(out)
    (out / SEARCH_DIR / "2024" / "d" / "0.json").write_text("damaged", encoding="utf-8")
    assert build(site, out).indexed == ("2024",)
    assert index_files(out) == whole
    # a damaged key file: every year's keys are indexed again (from the articles), the years linked
    (out / SEARCH_DIR / KEYS_DIR / "0.json").write_text("{}\n", encoding="utf-8")
    assert build(site, out).indexed == ()
    assert index_files(out) == whole


@pytest.mark.parametrize("damaged", ["kept", "patched"])
def test_a_damaged_key_file_met_while_a_year_is_patched_gives_the_cold_index(
        site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damaged: str):
    """A body edit patches its year's bundle (written before the key files are looked at); a key file
    of the last build then found not as written, one the patch would keep or one it would patch, makes
    every key file again from the articles: each written once, the index a cold build's."""
    monkeypatch.setattr("newsgen.search.KEY_FILE_BYTES", 200)   # many key files
    out = tmp_path / "out"
    build(site, out)
    count = listing(out)["keys"]
    sentence = "新增一段关于早稻收购的文字"
    article = site / "articles/2025/08/dangjian-julian-chengshi.md"
    article.write_text(article.read_text(encoding="utf-8") + f"\n{sentence}。\n", encoding="utf-8")
    touched = sorted({key_file(key, count) for key in keys(sentence, False)})
    n = touched[0] if damaged == "patched" else min(set(range(count)) - set(touched))
    (out / SEARCH_DIR / KEYS_DIR / f"{n}.json").write_text("{}\n", encoding="utf-8")
    assert build(site, out).indexed == ("2025",)
    assert 3 in lookup(out, "2025", "早稻")[2]
    assert index_files(out) == index_files(build(site, tmp_path / "cold", incremental=False).output)


def test_a_body_edit_carries_the_unchanged_index_files_over_without_looking_at_each(
        site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """With the output updated in place, an index file the last build wrote and the output holds as
    written is left as it is, not looked at one by one (some 36,000 at 10,000 articles); a file damaged
    by hand is still made again; the index equals a cold one."""
    from newsgen.output import OutputWriter

    out = tmp_path / "out"
    article = site / "articles/2025/08/dangjian-julian-chengshi.md"
    for n in range(2):   # (the third build takes the delta path)
        build(site, out)
        article.write_text(article.read_text(encoding="utf-8") + f"\n第{n}段新增的文字。\n", encoding="utf-8")
    looked: list[str] = []
    reuse = OutputWriter.reuse
    monkeypatch.setattr(OutputWriter, "reuse", lambda self, path, *a: looked.append(path) or reuse(self, path, *a))
    (out / SEARCH_DIR / "2024" / "d" / "0.json").write_text("damaged", encoding="utf-8")
    build(site, out)
    index = [p for p in looked if p.startswith(SEARCH_DIR + "/")]
    # only the damaged file's year is looked at file by file; the key files and the other year are carried
    assert f"{SEARCH_DIR}/2024/d/0.json" in index
    assert all(p.startswith(f"{SEARCH_DIR}/2024/") for p in index)
    assert index_files(out) == index_files(build(site, tmp_path / "cold", incremental=False).output)


def test_a_site_without_articles_still_builds_its_search_page(tmp_path: Path):
    site = tmp_path / "empty"
    (site / "articles").mkdir(parents=True)
    (site / "newsgen.yaml").write_text("title: 空站\nbase_url: https://example.org/\n", encoding="utf-8")
    out = tmp_path / "out"
    build(site, out, incremental=False)
    assert (out / "search/index.html").is_file()
    assert listing(out)["shards"] == []


# --------------------------------------------------------------------------- a reader's queries, in a browser

READER_SITE = Path(__file__).resolve().parent / "fixtures" / "search-site"   # real articles, 2023-2025


@pytest.fixture(scope="module")
def reader(tmp_path_factory: pytest.TempPathFactory):
    """The search page of ``fixtures/search-site`` (ten real articles) in headless Chromium: yields a
    function that loads ``/search/?q=…`` and returns the titles listed, in order."""
    from served import ARGS, CHROMIUM, served_site, sync_api

    api = sync_api()
    with served_site(tmp_path_factory.mktemp("reader"), "https://example.org/", READER_SITE) as base, \
            api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))

        def search(query: str) -> list[str]:
            page.goto(base + "search/?q=" + quote(query))
            page.wait_for_function("document.querySelector('.search-results li h2 a') || "
                                   "/没有找到/.test(document.querySelector('.search-status').textContent)")
            return [t.strip() for t in page.locator(".search-results li h2 a").all_inner_texts()]

        search.page = page
        yield search
        browser.close()
        assert errors == []


XI_TITLES = ["习近平会见韩国总理韩德洙", "习近平会见叙利亚总统巴沙尔"]   # newest first (2023-09-24, 09-22)


def test_a_name_the_browser_cuts_in_two_finds_every_title_holding_it_first(reader):
    # Intl.Segmenter cuts 习近平 as 习 / 近平: the index holds pairs, not words, so the cut does not matter
    titles = reader("习近平")
    assert titles[:2] == XI_TITLES
    assert titles[2].startswith("习近平对防汛救灾工作作出重要指示")   # the third title, older
    assert "找到 3 篇文章包含“习近平”" in reader.page.locator(".search-status").inner_text()


@pytest.mark.parametrize("query", ["杭州亚运会", "杭州亚运"])
def test_an_event_name_lists_the_titles_holding_it_then_the_bodies_then_its_parts(reader, query):
    titles = reader(query)
    # titles holding it, newest first; then bodies holding it, newest first (the torch article's title
    # holds 杭州 and 亚运会 apart: it ranks by its body); nothing holding only parts ahead of them
    assert titles[:2] == ["浙江凝聚合力办好杭州亚运会", "杭州亚运会医疗保障准备就绪（杭州准备好了）"]
    assert titles[2:4] == ["杭州第十九届亚运会火炬正式交付", "西湖开展夜景灯光修缮提升（杭州准备好了）"]
    assert len(titles) == 4
    assert reader.page.locator(".search-results li").first.locator("mark").first.inner_text() == query


def test_a_county_lists_the_articles_placed_there_and_offers_its_filter(reader):
    titles = reader("南康区")
    assert titles[0] == "南康区：早稻收购全铺开 颗粒归仓稳民心"   # its title holds the name
    assert titles[1] == "台风“韦帕”在广东台山沿海登陆"            # placed in 唐江镇, a town of 南康区
    assert len(titles) == 2                                          # no loose matches (南, 康区 …)
    offer = reader.page.locator(".search-offer button")
    assert offer.count() == 1 and "江西省 › 赣州市 › 南康区" in offer.inner_text()
    offer.click()
    reader.page.wait_for_url("**region=*")
    api = __import__("served").sync_api()
    api.expect(reader.page.locator(".search-results li h2 a")).to_have_count(2)
    assert reader.page.locator("#search-region").input_value() == "江西省/赣州市/南康区"
    assert reader.page.locator("#search-q").input_value() == ""


def test_titles_holding_the_query_as_typed_come_before_titles_holding_its_words_apart(reader):
    # 杭州 and 亚运会 are in three titles: two print 杭州亚运会 as typed, the newest (the torch, 09-25)
    # holds them apart; newest first within each
    titles = reader("杭州 亚运会")
    assert titles[:3] == ["浙江凝聚合力办好杭州亚运会", "杭州亚运会医疗保障准备就绪（杭州准备好了）",
                          "杭州第十九届亚运会火炬正式交付"]


def test_a_name_one_article_holds_lists_that_article_first(reader):
    titles = reader("杜苏芮")
    assert titles[0].startswith("习近平对防汛救灾工作作出重要指示")
    assert len(titles) == 1
    assert reader.page.locator(".search-results mark").first.inner_text() == "杜苏芮"


def test_a_query_only_parts_of_which_an_article_holds_says_so(reader):
    titles = reader("杭州亚运会 韩国总理")   # no article holds both
    status = reader.page.locator(".search-status").inner_text()
    assert "没有文章包含完整的“杭州亚运会 韩国总理”" in status
    assert titles and reader.page.locator(".search-results li.search-parts").count() == 1


def test_a_query_of_punctuation_only_finds_nothing_rather_than_everything(reader):
    assert reader("，。！") == []
    assert "没有找到" in reader.page.locator(".search-status").inner_text()


def _filters_of_articles(articles: list[Article]) -> dict:
    """A year's filters as defined, article by article (ids: the articles' positions, oldest first)."""
    filters: dict[str, dict[str, list[int]]] = {"region": {}, "topic": {}}
    for i, article in enumerate(articles):
        for level in dict.fromkeys(level for region in article.regions for level in place_levels(region)):
            filters["region"].setdefault(level, []).append(i)
        for topic in dict.fromkeys(article.topics):
            filters["topic"].setdefault(topic, []).append(i)
    return {facet: {value: gaps(ids) for value, ids in sorted(values.items())} for facet, values in filters.items()}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_years_filters_taken_from_the_site_model_are_those_of_its_articles(seed: int):
    """filters.json is made from the places' and topics' lists of articles (a patched year reads none of
    its articles): the same as each article's places (at every level, a place named twice or a town and its
    county counted once) and topics give, in every year, on random articles."""
    rng = random.Random(seed)
    places = ["江西省/赣州市/南康区/唐江镇", "江西省/赣州市/南康区", "江西省/赣州市", "江西省/南昌市/青山湖区",
              "广东省"]
    articles = [Article(path=Path(f"articles/{i}.md"), title=f"标题{i}", slug=f"a{i}", body="正文。",
                        date=dt.date(2020 + rng.randrange(3), 1 + rng.randrange(12), 1 + rng.randrange(28)),
                        regions=tuple(rng.choices(places, k=rng.randrange(3))),
                        topics=tuple(rng.choices(["党建", "农业", "水利"], k=rng.randrange(3))))
                for i in range(120)]
    site = build_site(articles, Config())
    for year in ("2020", "2021", "2022"):
        indices = sorted((post.index for post in site.posts if str(post.article.day.year) == year), reverse=True)
        expected = _filters_of_articles([site.posts[i].article for i in indices])
        assert expected["region"] and json.loads(filters_file(site, indices)) == expected
