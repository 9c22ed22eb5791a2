"""A big site's bodies are set aside while it is read (``content.BodySpool``): the build's process,
and every render worker forked from it, holds no body; each is read back from the spool when used,
the same text, and the spool leaves no file behind."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from newsgen import content
from newsgen.commands.build import build
from newsgen.output import CACHE_DIR
from newsgen.render.parallel import run_jobs
from newsgen.render.views import derive

FIXTURE = Path(__file__).parent / "fixtures" / "site"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site, ignore=shutil.ignore_patterns(CACHE_DIR))
    for i in range(30):
        (site / "articles" / f"more-{i:02}.md").write_text(
            f"---\ntitle: 第{i}篇\ndate: 2025-07-{i % 28 + 1:02}\ntags: [甲]\n---\n\n正文{i}，长一些的正文。\n\n"
            + ("![图](https://example.org/a.jpg)\n" if i % 7 == 0 else "") + "\n# 小标题\n\n又一段。\n",
            encoding="utf-8")
    return site


@pytest.fixture
def temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where the spool's temporary folder is made (watched for what is left there)."""
    folder = tmp_path / "temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_bodies_read_by_workers_are_not_held_and_read_back_the_same(site: Path, temp: Path,
                                                                    monkeypatch: pytest.MonkeyPatch):
    alone, _ = content.load_articles(site)
    monkeypatch.setattr(content, "PARALLEL_MIN", 2)
    monkeypatch.setattr(content, "SPOOL_MIN", 2)
    monkeypatch.setattr(content, "PARALLEL_CHUNK", 5)
    together, _ = content.load_articles(site, run=run_jobs, derive=derive)
    assert len(together) == len(alone) > 30 and together == alone
    assert all("body" not in article.__dict__ for article in together)   # not in memory
    for read, whole in zip(together, alone, strict=True):
        assert read.body == whole.body and read.body == whole.body   # read back each time, not kept
        assert "body" not in read.__dict__
        assert content.may_show_images(read) == ("![" in whole.body)
    assert list(temp.iterdir()) == []   # the spool's folder is gone, its files open while articles need them


def test_a_spool_left_by_a_failed_read_is_removed(site: Path, temp: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(content, "PARALLEL_MIN", 2)
    monkeypatch.setattr(content, "SPOOL_MIN", 2)

    def failing(count: int, job, results: list, **_: object) -> int:
        results.extend(job(i) for i in range(count // 2))
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        content.load_articles(site, run=failing)
    assert list(temp.iterdir()) == []


def test_a_build_from_spooled_bodies_writes_the_same_site(site: Path, temp: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch):
    build(site, tmp_path / "plain", incremental=False)
    monkeypatch.setattr(content, "PARALLEL_MIN", 2)
    monkeypatch.setattr(content, "SPOOL_MIN", 2)
    spools: list[content.BodySpool] = []
    real = content.BodySpool.__init__
    monkeypatch.setattr(content.BodySpool, "__init__", lambda self: spools.append(self) or real(self))
    build(site, tmp_path / "spooled", incremental=False)
    assert spools and list(temp.iterdir()) == []
    plain = sorted(p.relative_to(tmp_path / "plain") for p in (tmp_path / "plain").rglob("*") if p.is_file())
    spooled = sorted(p.relative_to(tmp_path / "spooled") for p in (tmp_path / "spooled").rglob("*") if p.is_file())
    assert plain == spooled
    for path in plain:
        assert (tmp_path / "plain" / path).read_bytes() == (tmp_path / "spooled" / path).read_bytes(), path


def test_names_read_by_workers_are_one_string_each(site: Path, temp: Path, monkeypatch: pytest.MonkeyPatch):
    """Each article read by a worker comes back with copies of its own of every name it holds: the
    build keeps one string for each place, topic, tag and author name."""
    monkeypatch.setattr(content, "PARALLEL_MIN", 2)
    monkeypatch.setattr(content, "SPOOL_MIN", 2)
    monkeypatch.setattr(content, "PARALLEL_CHUNK", 5)
    together, _ = content.load_articles(site, run=run_jobs)
    tagged = [article for article in together if "甲" in article.tags]
    assert len(tagged) == 30
    assert len({id(name) for article in tagged for name in article.tags if name == "甲"}) == 1
    for key in content.LIST_KEYS:
        names: dict[str, int] = {}
        for article in together:
            for name in getattr(article, key):
                assert names.setdefault(name, id(name)) == id(name), (key, name)


def test_fewer_bodies_than_spool_min_are_held_as_read(site: Path, temp: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(content, "PARALLEL_MIN", 2)
    monkeypatch.setattr(content, "SPOOL_MIN", 1000)
    together, _ = content.load_articles(site, run=run_jobs)
    assert together and all("body" in article.__dict__ for article in together)


def test_bodies_that_cannot_be_set_aside_are_read_again_from_their_files(site: Path, temp: Path,
                                                                         monkeypatch: pytest.MonkeyPatch):
    """A temporary folder that cannot be made, or that fills up while bodies are written to it (ENOSPC
    after a few), costs neither the build nor memory: a body not set aside is read again from its
    article file each time it is used (holding them took a 100,000-article build from 0.9 to 1.3 GB),
    and the caller is told how many and why."""
    import errno
    import os

    alone, _ = content.load_articles(site)
    monkeypatch.setattr(content, "PARALLEL_MIN", 2)
    monkeypatch.setattr(content, "SPOOL_MIN", 2)
    monkeypatch.setattr(content, "PARALLEL_CHUNK", 5)
    real_write, writes = os.write, [0]

    def write(fd: int, data: bytes) -> int:
        if fd > 2 and os.path.basename(os.readlink(f"/proc/self/fd/{fd}")).isdigit():   # a spool file
            writes[0] += 1
            if writes[0] > 4:
                raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", write)
    told: list[str] = []
    together, _ = content.load_articles(site, run=run_jobs, derive=derive, told=told.append)
    assert all("body" not in article.__dict__ for article in together)   # none held
    assert [article.body for article in together] == [article.body for article in alone]
    assert all("body" not in article.__dict__ for article in together)   # read again each time, not kept
    assert [content.may_show_images(a) for a in together] == ["![" in a.body for a in alone]
    [note] = told
    missed = int(note.split()[0])
    assert 0 < missed < len(together) and "No space left on device" in note   # some set aside before it filled
    assert list(temp.iterdir()) == []
    monkeypatch.setattr(os, "write", real_write)
    monkeypatch.setattr(tempfile, "tempdir", str(temp / "missing"))   # mkdtemp fails
    told.clear()
    again, _ = content.load_articles(site, run=run_jobs, derive=derive, told=told.append)
    assert all("body" not in article.__dict__ for article in again) and again == alone
    assert [article.body for article in again] == [article.body for article in alone]
    assert told and told[0].startswith(f"{len(again)} bodies not set aside")
    # an article file changed after it was read: an error naming it (its body would not be the one read)
    changed = next(a for a in again if a.body)
    (site / changed.path).write_text("---\ntitle: 改了\ndate: 2025-07-01\n---\n\n另一个正文。\n", encoding="utf-8")
    with pytest.raises(content.NewsgenError, match="changed while the site was being built"):
        changed.body  # noqa: B018


def test_a_build_says_when_bodies_are_not_set_aside(site: Path, temp: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch):
    """``--verbose``'s line of the articles step says how many bodies are read again from their files."""
    monkeypatch.setattr(content, "PARALLEL_MIN", 2)
    monkeypatch.setattr(content, "SPOOL_MIN", 2)
    lines: list[str] = []
    build(site, tmp_path / "out", progress=lines.append)
    assert not any("not set aside" in line for line in lines)
    monkeypatch.setattr(tempfile, "tempdir", str(temp / "missing"))   # mkdtemp fails
    lines.clear()
    build(site, tmp_path / "again", progress=lines.append, incremental=False)
    [line] = [line for line in lines if line.startswith("articles:")]
    assert "bodies not set aside in a temporary folder (No such file or directory)" in line, line
    plain = sorted(p.relative_to(tmp_path / "out") for p in (tmp_path / "out").rglob("*") if p.is_file())
    for path in plain:
        assert (tmp_path / "out" / path).read_bytes() == (tmp_path / "again" / path).read_bytes(), path


def test_names_are_shared_as_each_workers_results_come_in(site: Path, temp: Path,
                                                          monkeypatch: pytest.MonkeyPatch):
    """The copies of the names a worker's articles bring are let go of as its results come in (so that
    the next results are made in their memory), not once every article is in (which left about 50 MB of
    holes in a 100,000-article build's process): as soon as a runner has handed over results, their
    names are the strings of those handed over before."""
    monkeypatch.setattr(content, "PARALLEL_MIN", 2)
    monkeypatch.setattr(content, "SPOOL_MIN", 2)
    checked: list[int] = []

    def run(count: int, job, results: list, **_: object) -> int:
        for start in range(0, count, 7):
            chunk = [job(i) for i in range(start, min(start + 7, count))]
            for article, _ in chunk:   # copies of their own, as a worker's pickled results bring
                if article is not None:
                    article.__dict__["tags"] = tuple("".join(list(name)) for name in article.tags)
            results.extend(chunk)
            names: dict[str, int] = {}
            for article, _ in results:   # (before the runner returns)
                for name in article.tags if article is not None else ():
                    assert names.setdefault(name, id(name)) == id(name), name
            checked.append(len(results))
        return 2

    together, _ = content.load_articles(site, run=run)
    assert len(checked) > 2 and checked[-1] == len(together)


def test_the_cache_rows_readers_make_share_the_articles_names(site: Path, temp: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch):
    """The cache holds each article read as it is until the cache is written (no row made by the
    reader, held to the end: 85 MB at 100,000 articles); the row then made of it shares its name
    lists, one string each name, not the copies the worker sent (80 MB more at 100,000 articles)."""
    from newsgen.cachefile import State

    monkeypatch.setattr(content, "PARALLEL_MIN", 2)
    monkeypatch.setattr(content, "PARALLEL_CHUNK", 5)
    cache = content.ArticleCache(State(tmp_path / "state"))
    together, _ = content.load_articles(site, cache=cache, run=run_jobs, derive=derive)
    held = {content.source_path(entry[1]): entry[1] for entry in cache._over.values()}
    assert len(held) == len(together) > 30
    for article in together:
        assert held[content.source_path(article)] is article
        row = content._article_to_row(article)
        for key in content.LIST_KEYS:
            assert row[content._ROW_POSITIONS[key]] is getattr(article, key) or not getattr(article, key), key
