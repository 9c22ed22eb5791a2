"""The parsed-article cache keeps no bodies: an article taken from it reads its body from its file,
only when asked for, and only while the file is still the one that was read."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from newsgen.cachefile import State, Table
from newsgen.commands.build import build
from newsgen.content import ArticleCache, load, stored_body
from newsgen.errors import NewsgenError
from newsgen.output import CACHE_DIR

FIXTURE = Path(__file__).parent / "fixtures" / "site"


def articles(site: Path) -> list[Path]:
    return sorted((site / "articles").rglob("*.md"))


def section(site: Path, name: str = "articles.0") -> Path:
    """The file of one section of the build state."""
    index = json.loads((site / CACHE_DIR / "state.json").read_text(encoding="utf-8"))
    return site / CACHE_DIR / index["sections"][name]


def test_the_cache_holds_no_body_and_gives_the_same_articles(site: Path, tmp_path: Path):
    build(site, tmp_path / "out", search=False)
    data = json.loads(section(site, "articles.journal").read_text(encoding="utf-8"))["meta"]
    rows = ArticleCache(State(site / CACHE_DIR)).stored_rows()
    assert "body" not in data["fields"] and rows
    assert all(len(row) == len(data["fields"]) for row, _ in rows.values() if row)
    cache = ArticleCache(State(site / CACHE_DIR))
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
    cache = ArticleCache(State(site / CACHE_DIR))
    file = articles(site)[0]
    hit = cache.get(file, site)
    assert hit is not None and hit[0] is not None
    file.write_text(file.read_text(encoding="utf-8") + "\n后来加的。\n", encoding="utf-8")
    with pytest.raises(NewsgenError, match="changed while the site was being built"):
        hit[0].body   # noqa: B018  (never the new body under the old front matter)
    with pytest.raises(NewsgenError):
        stored_body(str(file), hit[0].digest, hit[0].path)


@pytest.mark.parametrize("damage", ["truncated", "an older version", "another field order", "longer rows",
                                    "entries of another shape"])
def test_a_damaged_or_older_cache_is_read_again(site: Path, tmp_path: Path, damage: str):
    out = tmp_path / "out"
    build(site, out, search=False)
    path, journal = section(site), section(site, "articles.journal")
    if damage == "an older version":
        index = json.loads((site / CACHE_DIR / "state.json").read_text(encoding="utf-8"))
        index["version"][0] -= 1
        (site / CACHE_DIR / "state.json").write_text(json.dumps(index), encoding="utf-8")
    elif damage == "truncated":
        raw = path.read_bytes()
        path.write_bytes(raw[: len(raw) // 2])
    else:
        data, meta = json.loads(path.read_text(encoding="utf-8")), json.loads(journal.read_text(encoding="utf-8"))
        title, slug = meta["meta"]["fields"].index("title"), meta["meta"]["fields"].index("slug")
        if damage == "another field order":   # rows of the same length, read by another header
            meta["meta"]["fields"][title], meta["meta"]["fields"][slug] = \
                meta["meta"]["fields"][slug], meta["meta"]["fields"][title]
        elif damage == "entries of another shape":   # (the digests' column)
            data["4"] = [{"digest": digest} for digest in data["4"]]
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        journal.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        bucket = section(site, "articles.rows.0")
        rows = json.loads(bucket.read_text(encoding="utf-8"))
        for n, text in enumerate(rows["0"]):
            row = json.loads(text)
            row[title] = "旧的正文"
            if damage == "longer rows":
                row.append("旧的正文")
            rows["0"][n] = json.dumps(row, ensure_ascii=False)
        bucket.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    cache = ArticleCache(State(site / CACHE_DIR))
    for file in articles(site):   # refused, or (a row not as its entry has it, decoded when first used) read again
        hit = cache.get(file, site)
        assert hit is None or damage == "longer rows" and hit[0] == load(file, site)[0], damage
    (site / "articles" / "2025" / "08" / "gongshui-luojia.md").touch()   # a build, not a no-change shortcut
    lines: list[str] = []
    build(site, out, search=False, progress=lines.append)
    said = [line for line in lines if line.startswith("articles: ")]
    if damage in ("truncated", "an older version"):   # the whole cache refused: one line says why
        why = "cannot be read" if damage == "truncated" else "of another newsgen version"
        assert len(said) == 1 and why in said[0] and "every file read" in said[0], said
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


FRONT_MATTERS = {
    "datetime": "date: 2025-08-06T09:30:00+08:00\nupdated: 2025-08-07\n",
    "naive-datetime": "date: 2025-08-06 09:30:00.250000\nupdated: 2025-08-07T10:00:00Z\n",
    "tagged": "date: 2025-08-06\nsource: {name: 新华社, day: 2025-08-05, ids: !!set {a: null, b: null}}\n"
              "blob: !!binary aGVsbG8=\nseen: [2025-08-01, {at: 2025-08-02 08:00:00}]\n",
    "tag-lookalike": "date: 2025-08-06\nlooks: {\"$date\": \"2025-08-06\"}\nalso: {\"$set\": [1]}\n",
    "number-key": "date: 2025-08-06\nsource: {2025: 年}\n",
}


@pytest.mark.parametrize("name", sorted(FRONT_MATTERS))
def test_an_article_reads_back_from_the_cache_as_parsed(tmp_path: Path, name: str):
    """Dates and datetimes (ISO text in the cache), YAML's other types in ``source`` and ``extra``
    (tagged), and what JSON cannot give back (not cached: read again) come back as the file gives them."""
    site = tmp_path / "site"
    file = site / "articles" / "2025" / "08" / f"{name}.md"
    file.parent.mkdir(parents=True)
    file.write_text(f"---\ntitle: 标题\n{FRONT_MATTERS[name]}---\n\n正文。\n", encoding="utf-8")
    fresh, problems = load(file, site)
    assert fresh is not None and not problems
    state = State(site / CACHE_DIR)
    cache = ArticleCache(state)
    cache.put(file, site, fresh, problems)
    cache.save(state)
    state.commit()
    hit = ArticleCache(State(site / CACHE_DIR)).get(file, site)
    if name in ("number-key", "tag-lookalike"):   # JSON would give back text, or a date and a set
        assert hit is None
        return
    assert hit is not None and hit[0] is not None
    article = hit[0]
    assert article == fresh and article.body == fresh.body
    for field in ("path", "date", "updated", "source", "extra"):
        assert type(getattr(article, field)) is type(getattr(fresh, field)), field
    assert repr(article) == repr(fresh)


@pytest.mark.parametrize("text", ["articles/2025/08/x.md", "x.md", "", ".", "..", "/x", "//x/y", "a//b", "a/b/",
                                  "a/./b", "a/../b", "./a", "a/.", "a/.b/c", "中文/文章.md", "a\\b/c", "C:/x"])
def test_a_cached_path_is_the_path_of_its_text(text: str):
    """A cached path read back is the Path its text names, in every way a build uses it."""
    import pickle

    from newsgen.content import _relative_path

    made, parsed = _relative_path(text), Path(text)
    assert type(made) is type(parsed) and made == parsed and hash(made) == hash(parsed)
    assert str(made) == str(parsed) and made.parts == parsed.parts and repr(made) == repr(parsed)
    assert made.parent == parsed.parent and made.name == parsed.name and Path("/s") / made == Path("/s") / parsed
    assert made.as_posix() == parsed.as_posix() and pickle.loads(pickle.dumps(made)) == parsed
    assert sorted([made, Path("m")]) == sorted([parsed, Path("m")])


def test_a_build_reads_each_article_file_at_most_once(site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Cold, after a body edit, a title edit, an added article and with the cache gone: no article file
    is read twice in one build (every read of one goes through ``content.read_article_file``)."""
    from collections import Counter

    from newsgen import content

    reads: Counter[str] = Counter()
    real = content.read_article_file
    monkeypatch.setattr(content, "read_article_file", lambda path: reads.update([str(path)]) or real(path))
    out = tmp_path / "out"
    first, second = [p for p in articles(site) if "draft: true" not in p.read_text(encoding="utf-8")][:2]
    edits = [lambda: None,
             lambda: first.write_text(first.read_text(encoding="utf-8") + "\n又一段。\n", encoding="utf-8"),
             lambda: second.write_text(second.read_text(encoding="utf-8").replace("title: ", "title: 改", 1),
                                       encoding="utf-8"),
             lambda: (site / "articles" / "added.md").write_text(
                 "---\ntitle: 新增\ndate: 2025-08-01\n---\n\n新增的正文。\n", encoding="utf-8"),
             lambda: shutil.rmtree(site / CACHE_DIR)]
    for edit in edits:
        edit()
        reads.clear()
        result = build(site, out)
        assert reads and result.rendered, edit
        assert max(reads.values()) == 1, [path for path, n in reads.items() if n > 1]


def test_many_article_files_are_read_by_workers_as_one_process_reads_them(site: Path,
                                                                          monkeypatch: pytest.MonkeyPatch):
    from newsgen import content
    from newsgen.render.parallel import run_jobs

    for i in range(40):
        (site / "articles" / f"more-{i:02}.md").write_text(
            f"---\ntitle: 第{i}篇\ndate: 2025-07-{i % 28 + 1:02}\ntags: [甲]\n---\n\n正文{i}。\n", encoding="utf-8")
    (site / "articles" / "broken.md").write_text("---\ntitle: [\n---\n\n正文。\n", encoding="utf-8")
    alone, alone_problems = content.load_articles(site)
    workers: list[int] = []
    monkeypatch.setattr(content, "PARALLEL_MIN", 2)
    monkeypatch.setattr(content, "PARALLEL_CHUNK", 7)
    together, problems = content.load_articles(
        site, run=lambda *a, **k: workers.append(run_jobs(*a, **k)))
    assert workers and workers[0] > 1 or (content.os.cpu_count() or 1) < 2
    assert together == alone and [a.body for a in together] == [a.body for a in alone]
    assert [str(d) for d in problems.items] == [str(d) for d in alone_problems.items] and problems.errors


def test_a_build_parses_the_configuration_once(site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from newsgen import config as config_mod

    loads: list[Path] = []
    real = config_mod.load
    monkeypatch.setattr(config_mod, "load", lambda where, *a, **k: loads.append(where) or real(where, *a, **k))
    for incremental in (True, True, False):
        loads.clear()
        build(site, tmp_path / "out", incremental=incremental)
        assert loads == [site]
        (site / "articles" / "added.md").write_text("---\ntitle: 新增\ndate: 2025-08-01\n---\n\n正文。\n",
                                                    encoding="utf-8")


def test_articles_read_by_workers_come_with_their_summaries_made_there(site: Path, monkeypatch: pytest.MonkeyPatch):
    """A cold build's readers make what the build derives of each body with no image (summary, reading
    minutes) while the body is at hand, and hand back the article with its body: no file is read again
    for it later (a build reads each article file at most once)."""
    from newsgen import content
    from newsgen.render.views import derive

    (site / "articles" / "pictured.md").write_text(
        "---\ntitle: 有图\ndate: 2025-07-01\n---\n\n正文。\n\n![图](a.jpg)\n", encoding="utf-8")
    alone, _ = content.load_articles(site)
    monkeypatch.setattr(content, "PARALLEL_MIN", 2)

    def serial(count: int, job, results: list, **_: object) -> int:   # a runner, in this process
        results.extend(job(i) for i in range(count))
        return 1

    together, _ = content.load_articles(site, run=serial, derive=derive)
    assert len(together) == len(alone) > 2 and together == alone
    reads: list[str] = []
    monkeypatch.setattr(content, "read_article_file", lambda path: reads.append(str(path)) or b"")
    for read, whole in zip(together, alone, strict=True):   # derived while the body was at hand, if no image
        assert content.derived_ahead(read) == (None if "![" in whole.body else derive(whole))
        assert read.body == whole.body
        assert content.may_show_images(read) == ("![" in whole.body)
    assert reads == []
    assert any(content.may_show_images(a) for a in together) and not all(content.may_show_images(a) for a in together)


def test_a_rebuild_makes_no_path_of_the_articles_it_does_not_look_at(site: Path, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch):
    """An article from the cache is named by its file's text (``source_path``) in the model, the
    photos' records and the page records; its :class:`Path` is made only when something asks for
    it (a page rendered: pathlib's parsing was half of decoding a cached row), and is then the Path
    its text names."""
    from newsgen import content

    for n in range(40):   # many articles, in a folder of their own: one edited reaches a few pages
        (site / "articles" / "more").mkdir(exist_ok=True)
        (site / "articles" / "more" / f"a{n}.md").write_text(
            f"---\ntitle: 第{n}篇\ndate: 2020-03-{n % 28 + 1:02d}\nregions: [江西省/南昌市]\n---\n\n第{n}篇的正文。\n",
            encoding="utf-8")
    out = tmp_path / "out"
    build(site, out, search=False)
    made: list[str] = []
    real = content._relative_path
    monkeypatch.setattr(content, "_relative_path", lambda text: made.append(text) or real(text))
    edited = site / "articles" / "more" / "a5.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n又一段。\n", encoding="utf-8")
    result = build(site, out, search=False)
    assert result.rendered < 20 and len(made) < 10   # of 46 articles: those on the pages rendered at most
    cache = ArticleCache(State(site / CACHE_DIR))
    for file in articles(site):
        hit = cache.get(file, site)
        assert hit is not None and hit[0] is not None
        article = hit[0]
        assert "path" not in article.__dict__ and content.source_path(article) == file.relative_to(site).as_posix()
        assert article.path == Path(content.source_path(article)) and type(article.path) is type(Path())


def test_what_was_derived_of_a_body_is_kept_while_a_file_has_that_body(site: Path, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch):
    """The summaries and reading times kept by digest: an edited body's new digest has them; its old
    one goes when the whole cache is written again (a delta only adds), every other article keeps its own."""
    import hashlib

    out = tmp_path / "out"
    build(site, out, search=False)

    def digests() -> set[str]:
        return {hashlib.sha256(f.read_bytes()).hexdigest() for f in articles(site)
                if "draft: true" not in f.read_text(encoding="utf-8")}

    gone: set[str] = set()
    for whole in (False, True):
        before = digests()
        edited = [f for f in articles(site) if "draft: true" not in f.read_text(encoding="utf-8")][1]
        edited.write_text(edited.read_text(encoding="utf-8") + f"\n又一段{whole}。\n", encoding="utf-8")
        if whole:   # the whole cache written again, not a delta
            monkeypatch.setattr(Table, "JOURNAL_MIN", 0)
            monkeypatch.setattr(Table, "JOURNAL_SHARE", 0.0)
        build(site, out, search=False)
        gone |= before - digests()
        kept = ArticleCache(State(site / CACHE_DIR)).kept_derived()
        assert digests() <= kept and len(gone) == 1 + whole
    assert not gone & kept


def _many(site: Path, count: int = 40) -> None:
    """``count`` articles more, in a folder of their own: one edited reaches a few pages."""
    (site / "articles" / "more").mkdir(exist_ok=True)
    lead = "这一段很长，" * 60   # (longer than a summary: a paragraph added at the end leaves it)
    for n in range(count):
        (site / "articles" / "more" / f"a{n}.md").write_text(
            f"---\ntitle: 第{n}篇\ndate: 2020-03-{n % 28 + 1:02d}\nregions: [江西省/南昌市]\n---\n\n第{n}篇{lead}\n",
            encoding="utf-8")


def test_a_body_edit_decodes_the_rows_of_the_articles_its_pages_show_only(site: Path, tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch):
    """A rebuild after one body was edited takes every other article from the cache without decoding
    its row (what every build asks of each article is beside it), and reads the buckets of the rows
    of the few articles the pages it renders show, not all; its pages are those a cold build makes."""
    from newsgen import cachefile, content

    _many(site)
    monkeypatch.setattr(content, "_BUCKET_SIZE", 4, raising=False)   # (many buckets: 50 articles)
    out = tmp_path / "out"
    build(site, out, search=False)
    decoded: list[str] = []
    real = content._article_from_row
    monkeypatch.setattr(content, "_article_from_row", lambda row, file: decoded.append(file) or real(row, file))
    buckets: list[str] = []
    get = cachefile.State.get
    monkeypatch.setattr(cachefile.State, "get",
                        lambda self, name, **how: (buckets.append(name) if name.startswith("articles.rows.") else None)
                        or get(self, name, **how))
    edited = site / "articles" / "more" / "a5.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n又一段。\n", encoding="utf-8")
    result = build(site, out, search=False)
    count = len(articles(site))
    assert 1 <= result.rendered < 5 and result.articles > 40
    assert len(decoded) < 10 and len(set(buckets)) <= len(decoded) < count // 4, (decoded, buckets)
    cold = build(site, tmp_path / "cold", incremental=False, search=False)
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*.html")} == \
        {p.relative_to(cold.output): p.read_bytes() for p in cold.output.rglob("*.html")}


@pytest.mark.parametrize("damage", ["another title", "not JSON", "another file's row", "bucket gone"])
def test_a_row_that_does_not_read_back_as_its_entry_has_it_means_the_file_is_read_again(
        site: Path, tmp_path: Path, damage: str):
    """The rows are decoded when first needed, after the build has taken the articles: one damaged
    (not JSON, another file's, its bucket gone) is not used, the article's file is read again. (A row
    whose text was changed but that is still its file's, with a title edited by hand, is the one
    case the cache cannot tell: as any cache's content.)"""
    _many(site, 8)
    out = tmp_path / "out"
    build(site, out, search=False)
    bucket = section(site, "articles.rows.0")
    rows = json.loads(bucket.read_text(encoding="utf-8"))
    texts = dict(zip(rows["keys"], rows["0"], strict=True))
    for n, key in enumerate(rows["keys"]):
        row = json.loads(texts[key])
        if damage == "another title":   # of another file: its digest is not the entry's
            row[1], row[-1] = "旧的标题", "0" * 64
        elif damage == "another file's row":
            other = next(k for k in texts if k != key)
            row = json.loads(texts[other])
            row[0] = other
        rows["0"][n] = "{not json" if damage == "not JSON" else json.dumps(row, ensure_ascii=False)
    bucket.write_text("{}" if damage == "bucket gone" else json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    cache = ArticleCache(State(site / CACHE_DIR))
    for file in articles(site):
        hit = cache.get(file, site)
        assert hit is not None   # (taken: the entry is as written)
        fresh = load(file, site)[0]
        assert hit[0] == fresh and hit[0] is not None and hit[0].title == fresh.title and hit[0].body == fresh.body
    (site / "articles" / "more" / "a3.md").touch()
    build(site, out, search=False)
    cold = build(site, tmp_path / "cold", incremental=False, search=False)
    assert "旧的标题" not in "".join(p.read_text(encoding="utf-8") for p in out.rglob("*.html"))
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == \
        {p.relative_to(cold.output): p.read_bytes() for p in cold.output.rglob("*") if p.is_file()}


def test_the_structure_row_digest_kept_is_the_one_a_fresh_read_makes(site: Path, tmp_path: Path):
    """The digest of an article's structure row (file, draft flag, date, slug, places, topics, tags)
    the cache keeps is the one its file read afresh gives, and any of those fields changed changes it:
    the model's key is made of the kept ones, without decoding any row."""
    import dataclasses

    from newsgen import content

    build(site, tmp_path / "out", search=False)
    cache = ArticleCache(State(site / CACHE_DIR))
    for file in articles(site):
        hit = cache.get(file, site)
        fresh = load(file, site)[0]
        if fresh is None:
            continue
        assert hit is not None and hit[0] is not None
        assert content.structure_shape(hit[0]) == content.structure_shape(fresh) and "_text" in hit[0].__dict__
        changed = [dataclasses.replace(fresh, **{name: value}) for name, value in
                   (("draft", not fresh.draft), ("slug", fresh.slug + "x"), ("regions", ("江西省",)),
                    ("topics", ("另一个",)), ("tags", ("另一个",)), ("path", Path("articles/x.md")))]
        assert len({content.structure_shape(a) for a in [fresh, *changed]}) == len(changed) + 1


def test_a_bucket_of_rows_damaged_when_the_cache_is_written_leaves_no_cache_and_no_wrong_page(
        site: Path, tmp_path: Path):
    """A build whose edit changes a row of a bucket that is not as written (the rows' table cannot take
    the change) reads the articles of that bucket again from their files, builds the cold build's pages,
    and leaves no article cache: the next build reads every file, says so, and is right too."""
    _many(site, 8)
    out = tmp_path / "out"
    build(site, out, search=False)
    section(site, "articles.rows.0").write_text("{}", encoding="utf-8")
    edited = site / "articles" / "more" / "a3.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n又一段。\n", encoding="utf-8")
    result = build(site, out, search=False)
    assert result.cold is None   # (not a cold start: only the articles of that bucket read again)
    cold = build(site, tmp_path / "cold", incremental=False, search=False)
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == \
        {p.relative_to(cold.output): p.read_bytes() for p in cold.output.rglob("*") if p.is_file()}
    assert ArticleCache(State(site / CACHE_DIR)).cold == "no article cache"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n再一段。\n", encoding="utf-8")
    lines: list[str] = []
    build(site, out, search=False, progress=lines.append)
    assert any(line.startswith("articles: ") and "every file read" in line for line in lines), lines
    cold = build(site, tmp_path / "cold2", incremental=False, search=False)
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == \
        {p.relative_to(cold.output): p.read_bytes() for p in cold.output.rglob("*") if p.is_file()}


def test_the_search_index_reads_a_cached_articles_body_without_keeping_it(site: Path, tmp_path: Path):
    """A build whose articles come from the cache indexes every article once: its row is decoded and its
    body read from its file for the index and let go, not kept on the article (every body and decoded
    row of the archive held at once, otherwise)."""
    from newsgen.search import document
    from newsgen.site import Post

    build(site, tmp_path / "out", search=False)
    cache = ArticleCache(State(site / CACHE_DIR))
    for file in articles(site):
        hit = cache.get(file, site)
        assert hit is not None and hit[0] is not None
        article, (fresh, _) = hit[0], load(file, site)
        assert fresh is not None
        undecoded = "_text" in article.__dict__
        doc = document(Post(article, "/x/", 0))
        assert "body" not in article.__dict__                       # read for the index, not kept
        assert undecoded and "_text" in article.__dict__ and "title" not in article.__dict__   # nor decoded
        assert doc == document(Post(fresh, "/x/", 0))      # the same document as a fresh parse's
        assert article.body == fresh.body and "body" in article.__dict__   # (asked for as a field: kept)
