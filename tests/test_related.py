"""Related articles: ranking by shared places (nearer levels count more), topics and tags, newer
first on ties; none (and no heading) for an article that shares nothing beyond the province."""

from __future__ import annotations

import json
import random
import re
import shutil
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from newsgen.cachefile import State
from newsgen.commands.build import build
from newsgen.render.related import CAP, _postings, article_keys, related, related_indices, update_related

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "site"


def keys(regions: tuple[str, ...] = (), topics: tuple[str, ...] = (), tags: tuple[str, ...] = ()) -> dict[str, int]:
    return article_keys(regions, topics, tags)


def test_nearer_places_count_more_than_farther_ones():
    articles = [keys(("江西省/南昌市/青山湖区/罗家镇",)),      # 0: the article
                keys(("江西省/南昌市/青山湖区",)),            # 1: shares the county
                keys(("江西省/南昌市/青山湖区/罗家镇",)),      # 2: shares the town (older, still first)
                keys(("江西省/南昌市",)),                    # 3: shares the city
                keys(("江西省/赣州市",))]                    # 4: shares the province only: not related
    assert related_indices(articles)[0] == (2, 1, 3)


def test_topics_and_tags_count_and_ties_go_to_the_newer_article():
    articles = [keys(("江西省/南昌市",), ("水利",), ("供水",)),
                keys(("江西省/赣州市",), (), ("供水",)),         # tag: 1 + 2
                keys(("江西省/吉安市",), ("水利",)),             # topic: 1 + 3
                keys(("江西省/上饶市",), (), ("供水",))]         # tag, older than 1
    assert related_indices(articles)[0] == (2, 1, 3)


def test_an_article_sharing_nothing_has_no_related_articles():
    articles = [keys(("江西省/南昌市",), ("水利",)), keys(("江西省/赣州市",), ("教育",)), keys(("浙江省/杭州市",))]
    assert related_indices(articles) == ((), (), ())


def test_at_most_five_and_never_itself():
    articles = [keys(("江西省/南昌市",), ("水利",)) for _ in range(12)]
    result = related_indices(articles)
    assert all(len(r) == 5 and i not in r for i, r in enumerate(result))
    assert result[0] == (1, 2, 3, 4, 5)


def test_big_postings_are_scanned_near_in_time_but_scored_exactly():
    # 500 articles share one topic (a big posting); article 0 also shares a county with article 400:
    # found through the county's small posting, it gets the topic's weight too and ranks first.
    articles = [keys(("江西省/南昌市/东湖区",), ("水利",))] + [keys(("江西省/赣州市",), ("水利",)) for _ in range(499)]
    articles[400] = keys(("江西省/南昌市/东湖区",), ("水利",))
    result = related_indices(articles, cap=40)
    assert result[0] == (400, 1, 2, 3, 4)
    # article 250 ties with all its neighbours: the 40 nearest in time are scanned, the newest of them win
    assert result[250] == (230, 231, 232, 233, 234)


def test_ten_thousand_articles_in_seconds_not_minutes():
    # the shape of bench/make_corpus.py: one province, ~140 counties, 15 topics, ~300 tags
    import random
    rng = random.Random(7)
    cities = [f"市{c}" for c in range(11)]
    articles = []
    for _ in range(10_000):
        city = rng.choice(cities)
        articles.append(keys((f"江西省/{city}/县{rng.randrange(13)}",),
                             tuple(f"专题{rng.randrange(15)}" for _ in range(2)),
                             tuple(f"标签{int(rng.paretovariate(1.2)) % 300}" for _ in range(4))))
    start = time.perf_counter()
    result = related_indices(articles)
    assert time.perf_counter() - start < 30   # ~3 s on the reference machine; linear in the count
    assert sum(len(r) == 5 for r in result) > 9_900
    # scored by worker processes, in the order and with the result of scoring in this process
    from newsgen.render import related as related_mod
    serial = related_mod.PARALLEL_MIN
    try:
        related_mod.PARALLEL_MIN = len(articles) + 1
        alone = related_indices(articles)
    finally:
        related_mod.PARALLEL_MIN = serial
    assert alone == result
    some = [9_999, 5, 4_000, 17]
    assert related_indices(articles, only=some) == tuple(result[i] for i in some)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("related") / "build"
    build(FIXTURE, out, incremental=False)
    return out


def related_titles(out: Path, url: str) -> list[str]:
    html = (out / url / "index.html").read_text(encoding="utf-8")
    aside = re.search(r'<aside class="related".*?</aside>', html, re.S)
    return re.findall(r"<a href=\"[^\"]*\">([^<]*)</a>", aside.group(0)) if aside else []


@pytest.mark.parametrize(("url", "expected"), [
    # city + 水利 + 供水 (8); then 党组织 tag (3) and the shared city (3), the newer first
    ("2025/08/gaishan-gongshui-jichu-sheshi", ["南昌市发布冬季供水保障措施", "党建聚链成势 产业向新攀高",
                                               "从“物业说了算”到“业主说了算”"]),
    ("2024/12/nanchang-dongji-gongshui", ["改善供水基础设施 保障民生用水安全", "从“物业说了算”到“业主说了算”"]),
    ("2025/08/cong-wuye-shuolesuan-dao-yezhu-shuolesuan", ["改善供水基础设施 保障民生用水安全",
                                                           "南昌市发布冬季供水保障措施"]),
    ("2025/08/dangjian-julian-chengshi", ["改善供水基础设施 保障民生用水安全"]),
    ("2025/07/zhanggong-zhengwu-gongkai", []),   # shares only the province: nothing listed
])
def test_fixture_site_lists_the_expected_neighbours(built: Path, url: str, expected: list[str]):
    assert related_titles(built, url) == expected


def test_an_article_without_neighbours_has_no_empty_heading(built: Path):
    html = (built / "2025/07/zhanggong-zhengwu-gongkai/index.html").read_text(encoding="utf-8")
    assert "相关文章" not in html and 'class="related"' not in html


def _random_keys(rng: random.Random) -> dict[str, int]:
    cities = ["南昌市", "赣州市", "九江市"]
    counties = ["东湖区", "西湖区", "章贡区"]
    regions = tuple(f"江西省/{rng.choice(cities)}" + (f"/{rng.choice(counties)}" if rng.random() < 0.6 else "")
                    for _ in range(rng.choice((0, 1, 1, 2))))
    topics = tuple(rng.sample(["水利", "教育", "党建"], rng.choice((0, 1, 2))))
    tags = tuple(rng.sample([f"标签{i}" for i in range(12)], rng.choice((0, 1, 2, 3))))
    return article_keys(regions, topics, tags)


def _update(old_ids: list[str], old_keys: list[dict[str, int]], rows: tuple[tuple[int, ...], ...],
            ids: list[str], keys_of: list[dict[str, int]], cap: int) -> tuple[tuple[int, ...], ...] | None:
    """update_related as related() calls it, marks being the keys themselves; its postings checked."""

    def mark(keys: dict[str, int]) -> frozenset[tuple[str, int]]:
        return frozenset(keys.items())
    updated = update_related(old_ids, [mark(k) for k in old_keys], _postings(old_keys), rows, ids,
                             [mark(k) for k in keys_of], keys_of.__getitem__, cap=cap)
    if updated is None:
        return None
    assert updated[1] == _postings(keys_of)
    return updated[0]


@pytest.mark.parametrize("seed", range(12))
def test_updating_the_last_result_gives_what_scoring_everything_gives(seed: int):
    """After articles are added, deleted, moved (a date changed) or retagged (any number, anywhere;
    long postings and short ones), the rows scored again plus the old rows renumbered are exactly a full scoring's."""
    rng = random.Random(seed)
    cap = rng.choice((3, 6, CAP))
    ids = [f"a{i}" for i in range(rng.randint(20, 160))]
    keys = {name: _random_keys(rng) for name in ids}
    rows = related_indices([keys[n] for n in ids], cap=cap)
    fresh = len(ids)
    for _ in range(8):
        old_ids, old_keys = list(ids), [keys[n] for n in ids]
        for _ in range(rng.choice((1, 1, 2, 5))):
            what = rng.random()
            if what < 0.4:
                name = f"a{fresh}"
                fresh += 1
                keys[name] = _random_keys(rng)
                ids.insert(rng.randint(0, len(ids)) if rng.random() < 0.5 else 0, name)
            elif what < 0.6 and len(ids) > 5:
                ids.remove(rng.choice(ids))
            elif what < 0.8:   # moved: its date changed
                name = ids.pop(rng.randrange(len(ids)))
                ids.insert(rng.randint(0, len(ids)), name)
            else:
                keys[rng.choice(ids)] = _random_keys(rng)
        keys_of = [keys[n] for n in ids]
        updated = _update(old_ids, old_keys, rows, ids, keys_of, cap)
        rows = related_indices(keys_of, cap=cap)
        assert updated == rows
    moved = ids[1:] + ids[:1]   # the newest article became the oldest
    assert _update(ids, [keys[n] for n in ids], rows, moved, [keys[n] for n in moved],
                   cap) == related_indices([keys[n] for n in moved], cap=cap)


def test_names_a_mark_cannot_tell_apart_are_scored_again(tmp_path: Path):
    """Names with the marks' separators (which front matter never has) leave no keys cache behind:
    ("a\\x1fb",) and ("a", "b") would have the same mark."""
    def site(tags: list[tuple[str, ...]]) -> SimpleNamespace:
        return SimpleNamespace(posts=[SimpleNamespace(article=SimpleNamespace(
            path=Path(f"a{i}.md"), regions=(), topics=(), tags=t)) for i, t in enumerate(tags)])
    before = [("a\x1fb",), ("a",), ("b",), ("c",)]
    after = [("a", "b"), ("a",), ("b",), ("c",)]
    cache = State(tmp_path)
    related(site(before), cache=cache)   # type: ignore[arg-type]
    assert not cache.has("related.keys")
    got = related(site(after), cache=cache)   # type: ignore[arg-type]
    assert got == related_indices([article_keys((), (), t) for t in after]) == ((1, 2), (0,), (0,), ())


@pytest.mark.parametrize("damage", ["rows out of range", "keys truncated", "keys of another table"])
def test_a_related_cache_from_elsewhere_is_never_trusted(tmp_path: Path, damage: str):
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site, ignore=shutil.ignore_patterns(".newsgen-cache"))
    out = tmp_path / "out"
    build(site, out, search=False)
    index = json.loads((site / ".newsgen-cache" / "state.json").read_text(encoding="utf-8"))["sections"]
    path, keys = (site / ".newsgen-cache" / index[name] for name in ("related", "related.keys"))
    if damage == "rows out of range":
        data = json.loads(path.read_text(encoding="utf-8"))
        data["related"] = [[99] for _ in data["related"]]
        path.write_text(json.dumps(data), encoding="utf-8")
    elif damage == "keys truncated":
        keys.write_bytes(keys.read_bytes()[:40])
    else:
        data = json.loads(keys.read_text(encoding="utf-8"))
        data["names"] = list(reversed(data["names"]))
        data["digest"] = "another"
        keys.write_text(json.dumps(data), encoding="utf-8")
    article = site / "articles" / "2025" / "08" / "gongshui-luojia.md"   # retagged: the table must change
    text = article.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith("tags:"))
    article.write_text(text.replace(line, "tags: [新标签, 供水]", 1), encoding="utf-8")
    build(site, out, search=False)
    cold = build(site, tmp_path / "cold", incremental=False, search=False)
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == \
        {p.relative_to(cold.output): p.read_bytes() for p in cold.output.rglob("*") if p.is_file()}


@pytest.mark.parametrize("seed", range(16))
def test_scoring_on_masks_gives_what_scoring_each_posting_gives(seed: int, monkeypatch: pytest.MonkeyPatch):
    """The long postings' share of a score counted on the articles' bit masks gives the rows that a set
    intersection for each long posting gives: any keys, weights (a key weighed differently by two
    articles, a weight of 0), caps and least scores; and so does a site whose keys are too many for
    masks (scored as before)."""
    from newsgen.render import related as module
    rng = random.Random(seed)
    cap, min_score = rng.choice((2, 3, 6, CAP)), rng.choice((-1, 0, 1, 2, 3, 5))
    articles = [_random_keys(rng) for _ in range(rng.randint(1, 200))]
    for keys_ in articles[::7]:   # weights of other sizes
        keys_.update({key: rng.choice((0, 1, 5, 9)) for key in list(keys_)[:2]})
    postings = _postings(articles)
    assert module._masks(articles, postings, cap) is not None
    by_mask = related_indices(articles, cap=cap, min_score=min_score)
    big_sets = {key: set(posting) for key, posting in postings.items() if len(posting) > cap}
    each = tuple(module._related_one(i, keys_, postings, big_sets, len(articles), 5, cap, min_score)
                 for i, keys_ in enumerate(articles))
    assert by_mask == each
    monkeypatch.setattr(module, "MASK_BITS", 0)
    assert module._masks(articles, postings, cap) is None or not any(len(p) > cap for p in postings.values())
    assert related_indices(articles, cap=cap, min_score=min_score) == each


class _Unread(SimpleNamespace):
    """An article whose places, topics and tags must not be read."""

    def __getattribute__(self, name: str) -> object:
        if name in ("regions", "topics", "tags"):
            raise AssertionError(f"{name} read")
        return super().__getattribute__(name)


def test_a_result_kept_under_the_same_structure_is_taken_without_reading_any_article(tmp_path: Path):
    """The structure rows hold every article's places, topics, tags and what orders the posts: a result
    kept under the same structure digest is the result, taken with no look at any article's names; under
    another digest the names are read (and the result is the one their digest gives)."""
    tags = [("a",), ("a", "b"), ("b",), ("c",)]
    named = SimpleNamespace(posts=[SimpleNamespace(article=SimpleNamespace(
        path=Path(f"a{i}.md"), regions=(), topics=(), tags=t)) for i, t in enumerate(tags)])
    cache = State(tmp_path)
    first = related(named, cache=cache, structure="s1")   # type: ignore[arg-type]
    assert first == related_indices([article_keys((), (), t) for t in tags])
    unread = SimpleNamespace(posts=[SimpleNamespace(article=_Unread(path=Path(f"a{i}.md"))) for i in range(4)])
    assert related(unread, cache=cache, structure="s1") == first   # type: ignore[arg-type]
    with pytest.raises(AssertionError, match="read"):
        related(unread, cache=cache, structure="s2")   # type: ignore[arg-type]
    assert related(named, cache=cache, structure="s2") == first   # type: ignore[arg-type]
    assert related(unread, cache=cache, structure="s2") == first   # type: ignore[arg-type]   # kept under s2 now


def test_a_body_edit_does_not_read_every_articles_names_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A rebuild after a body edit (its structure kept) takes the related articles as kept, without
    writing out every article's names to find them unchanged; the output is still a cold build's."""
    from newsgen.render import related as related_mod
    from test_incremental import CHANGES, files
    site, out = tmp_path / "site", tmp_path / "out"
    shutil.copytree(FIXTURE, site, ignore=shutil.ignore_patterns(".newsgen-cache"))
    build(site, out, search=False)
    CHANGES["edit a body"](site)
    tables: list[bytes] = []
    dumps = related_mod.orjson.dumps
    monkeypatch.setattr(related_mod, "orjson", SimpleNamespace(dumps=lambda v, *a: tables.append(b"") or dumps(v, *a)))
    build(site, out, search=False)
    monkeypatch.undo()
    assert tables == []
    assert files(out) == files(build(site, tmp_path / "cold", search=False, incremental=False).output)
