"""The incremental build is never wrong: after any change, its output equals a cold build's, byte for byte.

Each case builds the fixture site (filling ``.newsgen-cache``), makes one change, builds again
incrementally into the same output, then builds the same site cold (``incremental=False``) into
another directory, and compares every file. It also checks that the incremental build did reuse
pages where it could (so the test cannot pass by always rendering everything).
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from golden import unstable
from newsgen.cachefile import State
from newsgen.commands.build import BuildSession, build
from newsgen.output import CACHE_DIR, Manifest, StaleCheck

FIXTURE = Path(__file__).parent / "fixtures" / "site"


def files(root: Path) -> dict[str, bytes]:
    """Every file of an output with its bytes (but any search-index file golden.unstable names)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not unstable(p.relative_to(root).as_posix())}


def touch_later(path: Path) -> None:
    """Make sure a rewrite is seen as a change even on a coarse-mtime file system."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10_000_000))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    touch_later(path)


def first_article(site: Path) -> Path:
    return sorted((site / "articles").rglob("*.md"))[0]


def _body(site: Path) -> None:
    path = first_article(site)
    path.write_text(path.read_text(encoding="utf-8") + "\n增补的一段正文。\n", encoding="utf-8")
    touch_later(path)


def _title(site: Path) -> None:
    path = first_article(site)
    text = path.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    edit(path, title, "title: 改过的标题")


def _date(site: Path) -> None:
    path = first_article(site)
    text = path.read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if line.startswith("date:"))
    edit(path, line, "date: 2023-01-15")


def _region(site: Path) -> None:
    path = first_article(site)
    text = path.read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if line.startswith("regions:"))
    edit(path, line, "regions: [江西省/九江市/庐山市]")


def _topic(site: Path) -> None:
    path = first_article(site)
    text = path.read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if line.startswith("topics:"))
    edit(path, line, "topics: [新专题]")


def _add(site: Path) -> None:
    (site / "articles" / "2025" / "08" / "new-one.md").write_text(
        "---\ntitle: 新增的文章\ndate: 2025-08-20\nregions: [江西省/南昌市]\ntopics: [水利]\n"
        "tags: [新标签]\n---\n\n新文章。\n", encoding="utf-8")


def _delete(site: Path) -> None:
    first_article(site).unlink()


def _rename(site: Path) -> None:
    path = first_article(site)
    path.rename(path.with_name("renamed-" + path.name))


def _template(site: Path) -> None:
    (site / "templates").mkdir(exist_ok=True)
    theme = Path(__file__).resolve().parents[1] / "src" / "newsgen" / "theme" / "templates" / "article.html"
    text = theme.read_text(encoding="utf-8")
    (site / "templates" / "article.html").write_text(text.replace("</article>", "<p>本站改版</p></article>", 1),
                                                     encoding="utf-8")


def _macro_template(site: Path) -> None:
    """A template that others import: every page that uses it must change."""
    (site / "templates").mkdir(exist_ok=True)
    theme = Path(__file__).resolve().parents[1] / "src" / "newsgen" / "theme" / "templates" / "macros.html"
    (site / "templates" / "macros.html").write_text(theme.read_text(encoding="utf-8") + "\n{# 改 #}\n"
                                                    .replace("{# 改 #}", "{% macro extra() %}x{% endmacro %}"),
                                                    encoding="utf-8")


def _static(site: Path) -> None:
    (site / "static").mkdir(exist_ok=True)
    (site / "static" / "extra.css").write_text("body { color: #222; }\n", encoding="utf-8")


def _edit_static(site: Path) -> None:
    """The theme's stylesheet, edited in a copy of the site's own (which takes its place)."""
    theme = Path(__file__).resolve().parents[1] / "src" / "newsgen" / "theme" / "static" / "style.css"
    (site / "static").mkdir(exist_ok=True)
    (site / "static" / "style.css").write_text(theme.read_text(encoding="utf-8") + "\nbody { color: #111; }\n",
                                               encoding="utf-8")


def _config(site: Path) -> None:
    path = site / "newsgen.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "description: 改过的站点描述\n"
                    if "description:" not in path.read_text(encoding="utf-8")
                    else path.read_text(encoding="utf-8").replace("description:", "description: 改过的 ·", 1),
                    encoding="utf-8")


def _delete_cache(site: Path) -> None:
    _body(site)
    shutil.rmtree(site / CACHE_DIR)


def _corrupt_cache(site: Path) -> None:
    _title(site)
    for path in (site / CACHE_DIR).rglob("*"):
        if path.is_file():
            with open(path, "r+b") as f:
                f.truncate(max(0, path.stat().st_size // 2))


def _cache_says_unchanged_but_file_changed(site: Path) -> None:
    """Same size and mtime as the cached file, other bytes: the inode and ctime still tell."""
    path = first_article(site)
    st = path.stat()
    text = path.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    other = title[:-1] + ("甲" if not title.endswith("甲") else "乙")
    new = path.with_name("tmp-swap")
    new.write_text(text.replace(title, other, 1), encoding="utf-8")
    os.utime(new, ns=(st.st_atime_ns, st.st_mtime_ns))
    new.replace(path)


CHANGES: dict[str, Callable[[Path], None]] = {
    "edit a body": _body, "edit a title": _title, "edit a date": _date, "edit a region": _region,
    "edit a topic": _topic, "add an article": _add, "delete an article": _delete, "rename a file": _rename,
    "edit a template": _template, "edit an imported template": _macro_template, "add a static file": _static,
    "edit a static file": _edit_static,
    "edit the config": _config, "delete the cache": _delete_cache, "corrupt the cache": _corrupt_cache,
    "same size and mtime": _cache_says_unchanged_but_file_changed,
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_incremental_build_equals_a_cold_build(site: Path, tmp_path: Path, change: str):
    out = tmp_path / "out"
    first = build(site, out)
    assert first.rendered == first.pages + first.files        # nothing cached yet: every page rendered
    CHANGES[change](site)
    again = build(site, out, verify=True)
    assert again.differs == ()   # --verify finds every page as rendered from scratch
    cold = build(site, tmp_path / "cold", incremental=False)
    assert files(out) == files(tmp_path / "cold")
    if change not in ("delete the cache", "corrupt the cache", "edit the config", "edit an imported template"):
        assert again.rendered < again.pages + again.files      # and it did reuse pages
    assert cold.rendered == cold.pages + cold.files


def _other_body(site: Path) -> None:
    path = sorted((site / "articles").rglob("*.md"))[-1]
    path.write_text(path.read_text(encoding="utf-8") + "\n另一篇的增补。\n", encoding="utf-8")
    touch_later(path)


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_an_incremental_build_equals_a_cold_build(site: Path, tmp_path: Path, change: str):
    """The third build updates the output in place and, where the site's shape is unchanged, looks
    only at the pages showing an edited article (see commands.delta)."""
    out = tmp_path / "out"
    build(site, out)
    _other_body(site)
    build(site, out)
    CHANGES[change](site)
    again = build(site, out, verify=True)
    assert again.differs == (), change
    cold = build(site, tmp_path / "cold", incremental=False)
    assert files(out) == files(cold.output), change
    assert sum(1 for _ in out.rglob("*")) == sum(1 for _ in cold.output.rglob("*")), change
    if change in ("edit a body", "edit a title", "same size and mtime"):
        assert again.rendered <= again.checked < (again.pages + again.files) / 2, change


def test_an_edit_that_keeps_the_shape_looks_only_at_the_pages_showing_the_article(site: Path, tmp_path: Path):
    out = tmp_path / "out"
    build(site, out)
    _other_body(site)
    build(site, out)
    _body(site)
    again = build(site, out)
    assert again.checked < (again.pages + again.files) / 2
    assert "2024/12/nanchang-dongji-gongshui/index.html" in again.rendered_paths
    page = out / "archive" / "index.html"   # and a page edited by hand is still found
    page.write_text("<p>手改</p>", encoding="utf-8")
    _body(site)
    again = build(site, out)
    assert "archive/index.html" in again.rendered_paths
    assert files(out) == files(build(site, tmp_path / "cold", incremental=False).output)


def _random_edit(site: Path, rng: random.Random, step: int) -> str:
    """One edit an editor might make, of a random kind, to a random article (or a new one)."""
    files = sorted((site / "articles").rglob("*.md"))
    path = rng.choice(files)
    text = path.read_text(encoding="utf-8")
    kind = rng.choice(["body", "title", "date", "region", "topic", "tag", "summary", "add", "delete", "rename"])
    if kind == "add" or (kind == "delete" and len(files) < 4):
        day = f"20{rng.choice(['24', '25'])}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        region = rng.choice(["江西省/南昌市", "江西省/南昌市/青山湖区", "江西省/赣州市/章贡区", "江西省/九江市"])
        (site / "articles" / "2025" / "08" / f"random-{step}.md").write_text(
            f"---\ntitle: 随机新增 {step}\ndate: {day}\nregions: [{region}]\ntopics: [水利]\n"
            f"tags: [{rng.choice(['供水', '新标签', '党建'])}]\n---\n\n正文 {step}。\n", encoding="utf-8")
        return f"add {day} {region}"
    if kind == "delete":
        path.unlink()
        return f"delete {path.name}"
    if kind == "rename":
        path.rename(path.with_name(f"renamed-{step}-{path.name}"))
        return f"rename {path.name}"
    replacements = {
        "body": (r"\Z", f"\n增补第 {step} 段。\n"),
        "title": (r"^title: .*$", f"title: 随机改题 {step}"),
        "date": (r"^date: .*$", f"date: 2025-0{rng.randint(1, 8)}-1{rng.randint(0, 9)}"),
        "region": (r"^regions: .*$", f"regions: [{rng.choice(['江西省/九江市/庐山市', '江西省/南昌市'])}]"),
        "topic": (r"^topics: .*$", f"topics: [{rng.choice(['水利', '党建', '新专题'])}]"),
        "tag": (r"^tags: .*$", f"tags: [{rng.choice(['供水', '新标签'])}]"),
        "summary": (r"^title: (.*)$", f"title: \\1\nsummary: 随机摘要 {step}"),
    }
    pattern, repl = replacements[kind]
    edited = re.sub(pattern, repl, text, count=1, flags=re.M)
    if "summary" in text and kind == "summary":
        edited = re.sub(r"^summary: .*$", f"summary: 随机摘要 {step}", text, count=1, flags=re.M)
    path.write_text(edited, encoding="utf-8")
    touch_later(path)
    return f"{kind} {path.name}"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_random_series_of_edits_each_equals_a_cold_build(site: Path, tmp_path: Path, seed: int):
    """Editors' edits of every kind, one after another, each build updating the output in place and
    most of them taking the delta path (see commands.delta): never a byte from a cold build."""
    rng = random.Random(seed)
    out = tmp_path / "out"
    build(site, out, search=False)
    looked = []
    for step in range(12):
        what = _random_edit(site, rng, step)
        again = build(site, out, search=False, verify=step % 3 == 0)
        assert again.differs == (), (step, what)
        cold = build(site, tmp_path / "cold", incremental=False, search=False)
        assert files(out) == files(cold.output), (step, what)
        assert sum(1 for _ in out.rglob("*")) == sum(1 for _ in cold.output.rglob("*")), (step, what)
        looked.append(again.checked < again.pages + again.files)
        shutil.rmtree(tmp_path / "cold")
    assert sum(looked) >= 3   # the delta path was taken


SERIES = ["edit a body", "add an article", "edit a title", "delete an article", "edit a template", "rename a file",
          "edit a date", "edit a body"]


@pytest.mark.parametrize("session", [False, True], ids=["build after build", "one session"])
def test_a_series_of_changes_each_equals_a_cold_build(site: Path, tmp_path: Path, session: bool):
    """Each build updates the output in place, and
    ``newsgen serve``'s worker keeps the parsed articles in memory: a series of changes must not let
    either drift from a cold build."""
    out = tmp_path / "out"
    kept = BuildSession() if session else None
    build(site, out, session=kept, search=not session)
    for i, change in enumerate(SERIES):
        CHANGES[change](site)
        again = build(site, out, session=kept, search=not session)
        cold = build(site, tmp_path / f"cold-{i}", incremental=False, search=not session)
        assert files(out) == files(cold.output), change
        # and no file more, the search index's included (older bundles' files are not kept)
        assert sum(1 for _ in out.rglob("*")) == sum(1 for _ in cold.output.rglob("*")), change
        assert again.rendered < again.pages + again.files, change
    if kept is not None:
        kept.close()   # the parsed articles are written for the next newsgen build
        assert build(site, out).rendered == 0


def test_nothing_changed_renders_nothing(site: Path, tmp_path: Path):
    out = tmp_path / "out"
    build(site, out)
    again = build(site, out)
    assert again.rendered == 0
    assert files(out) == files(build(site, tmp_path / "cold", incremental=False).output)


def test_a_hand_edited_output_file_is_rendered_again(site: Path, tmp_path: Path):
    out = tmp_path / "out"
    build(site, out)
    page = out / "archive" / "index.html"
    page.write_text("<p>手改</p>", encoding="utf-8")
    again = build(site, out)
    assert again.rendered == 1
    assert files(out) == files(build(site, tmp_path / "cold", incremental=False).output)


def test_one_body_edit_renders_only_the_pages_that_show_it(site: Path, tmp_path: Path):
    out = tmp_path / "out"
    build(site, out)
    _body(site)
    again = build(site, out)
    # its page, the listings whose card shows its summary, the feeds that carry its body; nothing else
    assert "2024/12/nanchang-dongji-gongshui/index.html" in again.rendered_paths
    articles = [p for p in again.rendered_paths if p.startswith(("2024/", "2025/"))]
    assert articles == ["2024/12/nanchang-dongji-gongshui/index.html"]      # not its neighbours
    assert all(p.endswith("feed.xml") or p.startswith(("regions/", "topics/", "tags/", "archive/2024/", "page/"))
               for p in again.rendered_paths if p not in articles), again.rendered_paths


def sections(site: Path) -> dict[str, str]:
    """The build state's sections, each with its file (see newsgen.cachefile.State)."""
    return json.loads((site / CACHE_DIR / "state.json").read_text(encoding="utf-8"))["sections"]


def test_the_state_is_one_index_of_json_sections_and_never_executed(site: Path, tmp_path: Path):
    build(site, tmp_path / "out")
    found = sections(site)
    output = next(name for name in found if name.startswith("pages-")).partition(".")[0]
    # (no "photos" table: no article of this site shows one, and the article cache says so: "articles.images")
    tables = [f"{table}.{part}" for part in ("journal", "0")
              for table in (output, *(f"{output}.{t}" for t in ("sources", "reads", "names")))]
    assert sorted(found) == sorted(["articles.0", "articles.journal", "articles.images", "articles.rows.0",
                                    "articles.rows.journal", "model", "pinyin", "related",
                                    "related.keys", "templates", f"{output}.pages", *tables])
    names = sorted(p.name for p in (site / CACHE_DIR).iterdir())
    assert names == sorted(["state.json", "bodies", *found.values()])   # nothing else left beside them
    for file in found.values():   # nothing pickled: a hostile cache can at worst make the build cold
        json.loads((site / CACHE_DIR / file).read_bytes())


def test_a_build_that_finds_nothing_changed_reports_what_the_last_one_did(site: Path, tmp_path: Path):
    (site / "articles" / "typo.md").write_text("---\ntitle: 拼错\ndate: 2025-08-07\ntagz: [x]\n---\n\n正文。\n",
                                               encoding="utf-8")
    out = tmp_path / "out"
    first = build(site, out)
    again = build(site, out)
    assert list(again.timings) == ["unchanged"] and again.rendered == 0
    assert (again.pages, again.files, again.articles) == (first.pages, first.files, first.articles)
    assert [str(w) for w in again.warnings] == [str(w) for w in first.warnings]
    assert any("tagz" in str(w) for w in again.warnings)


def test_rendering_reports_progress_and_the_cli_bar_stays_quiet_off_a_terminal(site: Path, tmp_path: Path):
    from newsgen import cli

    seen: list[tuple[int, int]] = []
    result = build(site, tmp_path / "out", on_render=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (result.rendered, result.rendered)
    assert cli._progress_bar(verbose=False) is None     # pytest's stderr is no terminal


def test_manifests_of_outputs_that_are_gone_are_pruned(site: Path, tmp_path: Path):
    def kept() -> int:
        files = {p.name for p in (site / CACHE_DIR).iterdir()}
        assert set(sections(site).values()) <= files
        return len([name for name in sections(site) if name.startswith("pages-")])

    build(site, tmp_path / "a")
    build(site, tmp_path / "b")
    assert kept() == 2 * 9     # a manifest and its record's three tables (a journal and a bucket each), its pages
    shutil.rmtree(tmp_path / "a")
    build(site, tmp_path / "c")
    assert kept() == 2 * 9     # a's went, c's came
    assert len(list((site / CACHE_DIR).glob("pages-*"))) == 2 * 9


def test_converted_bodies_are_cached_in_one_pack_and_pruned(site: Path, tmp_path: Path):
    from newsgen.cachefile import Pack

    def kept() -> set[str]:
        return set(Pack(bodies)._scan()[0])

    for path in (site / "articles").rglob("*.md"):   # markup: the HTML of a plain body is not kept
        path.write_text(path.read_text(encoding="utf-8") + "\n一段*强调*的正文。\n", encoding="utf-8")
    build(site, tmp_path / "out")
    bodies = site / CACHE_DIR / "bodies"
    assert {p.name for p in bodies.iterdir()} <= {"pack", "pack.index"}   # one file (and its index), not one a body
    before = kept()
    assert len(before) == 5                                  # one per published article
    _body(site)
    build(site, tmp_path / "out")
    assert len(kept() - before) == 1                          # the edited body's new HTML added
    _delete(site)
    build(site, tmp_path / "out")
    (bodies / "stray.html").write_text("x", encoding="utf-8")
    (site / CACHE_DIR / sections(site)["articles.0"]).unlink()   # a build that reads every article keeps only theirs
    touch_later(first_article(site))
    build(site, tmp_path / "out")
    assert {p.name for p in bodies.iterdir()} == {"pack", "pack.index"}
    # the HTML of the edited and deleted bodies forgotten; their records dropped once they are most of the file
    live = Pack(bodies)
    live.retain(renderer_keys(site))
    assert len(live._index or {}) == len(before) - 1
    assert sum(length for _, length, _ in (live._index or {}).values()) * 2 >= live.path.stat().st_size


def renderer_keys(site: Path) -> list[str]:
    """The cache keys of the bodies of the site's article files, as the build names them."""
    import hashlib

    from newsgen.render.markdown import MarkdownRenderer

    renderer = MarkdownRenderer()
    return [renderer.file_key(hashlib.sha256(p.read_bytes()).hexdigest()) for p in (site / "articles").rglob("*.md")]


def test_a_pack_reads_back_what_was_put_and_ignores_what_does_not_read_back_whole(tmp_path: Path):
    from newsgen.cachefile import Pack

    pack = Pack(tmp_path / "p")
    assert pack.get("a") is None
    pack.put("a", b"one")
    other = Pack(tmp_path / "p")
    assert other.get("a") == b"one"
    other.put("z", b"written by another process")
    pack.put("y", b"appended after it")
    assert (pack.get("a"), pack.get("y"), pack.get("z")) == (b"one", b"appended after it", None)  # its own: found
    assert (other.get("z"), Pack(tmp_path / "p").get("z")) == (b"written by another process",) * 2
    pack.put("b", "二".encode())
    pack.put("a", b"one again")                               # the newest record of a key wins
    again = Pack(tmp_path / "p")
    assert (again.get("a"), again.get("b"), again.get("c")) == (b"one again", "二".encode(), None)
    data = pack.path.read_bytes()
    pack.path.write_bytes(data.replace(b"one again", b"one Again"))   # bytes without their digest
    assert Pack(tmp_path / "p").get("a") is None and Pack(tmp_path / "p").get("b") == "二".encode()
    pack.path.write_bytes(data[:-3])                          # the last record cut short
    assert Pack(tmp_path / "p").get("a") == b"one" and Pack(tmp_path / "p").get("b") == "二".encode()
    pack.path.write_bytes(data)
    again.retain(["b"])                                       # most of the file dead: written again
    assert Pack(tmp_path / "p").get("a") is None and Pack(tmp_path / "p").get("b") == "二".encode()
    assert pack.path.stat().st_size < len(data)


def test_a_pack_forgets_keys_without_reading_its_headers_again_unless_another_process_appended(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A one-page rebuild at 100,000 articles read the pack's 100,000 headers again to forget one body:
    the index this process made stands while no other process has appended to the file since."""
    from newsgen.cachefile import Pack

    pack = Pack(tmp_path / "p")
    for i in range(50):
        pack.put(f"k{i}", b"x" * 100)
    assert pack.get("k0") == b"x" * 100   # (the index made: one read of the headers)
    pack.put("k50", b"y" * 100)
    scans: list[int] = []
    real = Pack._scan
    monkeypatch.setattr(Pack, "_scan", lambda self, saved=False: scans.append(1) or real(self, saved))
    pack.discard(["k1"])
    assert not scans
    assert (pack.get("k1"), pack.get("k50")) == (None, b"y" * 100)
    Pack(tmp_path / "p").put("k99", b"from another process")
    pack.discard(["k2"])
    assert scans   # the file grew meanwhile: read again, and what the other process put kept
    fresh = Pack(tmp_path / "p")
    assert (fresh.get("k99"), fresh.get("k0"), fresh.get("k1")) == (b"from another process", b"x" * 100, None)
    assert (pack.get("k99"), pack.get("k2")) == (b"from another process", None)


def test_a_pack_s_index_kept_beside_it_spares_the_next_process_reading_every_header(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The index a process made is kept beside the pack when it forgets keys: the next process reads it
    and only the headers of what was appended since; an index of another file (the pack written again)
    is not used."""
    import os as os_mod

    from newsgen.cachefile import Pack

    pack = Pack(tmp_path / "p")
    for i in range(50):
        pack.put(f"k{i}", f"第{i}篇".encode() * 40)
    assert pack.get("k0") == "第0篇".encode() * 40
    pack.discard(["k1"])
    assert (tmp_path / "p" / Pack.INDEX).is_file()
    Pack(tmp_path / "p").put("new", b"appended since")
    reads: list[int] = []
    real = os_mod.pread
    monkeypatch.setattr(os_mod, "pread", lambda fd, n, at: reads.append(at) or real(fd, n, at))
    fresh = Pack(tmp_path / "p")
    assert (fresh.get("new"), fresh.get("k7"), fresh.get("k1")) == (b"appended since", "第7篇".encode() * 40, None)
    assert len(reads) <= 4   # the appended record's header, then three blobs
    monkeypatch.setattr(os_mod, "pread", real)
    data = pack.path.read_bytes()
    pack.path.unlink()
    pack.path.write_bytes(data)   # the same bytes in another file: its index read again from the headers
    again = Pack(tmp_path / "p")
    assert (again.get("k1"), again.get("new")) == ("第1篇".encode() * 40, b"appended since")


def test_related_articles_are_scored_again_only_when_places_topics_or_tags_change(
        site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from newsgen.render import related as related_mod

    calls: list[int] = []
    for scorer in ("_related_one", "_related_masked"):   # one article scored again, or every one
        real = getattr(related_mod, scorer)
        monkeypatch.setattr(related_mod, scorer,
                            lambda index, *rest, real=real: calls.append(index) or real(index, *rest))
    out = tmp_path / "out"
    first = build(site, out)
    assert len(calls) == first.articles   # every article scored
    calls.clear()
    _body(site)
    build(site, out)
    assert not calls                      # a body edit reused the table
    _topic(site)
    build(site, out)
    assert calls                          # a topic edit scored again (those it can change)
    assert files(out) == files(build(site, tmp_path / "cold", incremental=False).output)


def test_a_small_change_writes_only_the_cache_delta(site: Path, tmp_path: Path):
    out = tmp_path / "out"
    build(site, out, search=False)
    whole = sections(site)["articles.0"]
    _body(site)
    build(site, out, search=False)
    assert sections(site)["articles.0"] == whole   # not written again
    assert json.loads((site / CACHE_DIR / sections(site)["articles.journal"]).read_bytes())["set"]
    _title(site)
    assert build(site, out, search=False).rendered > 0
    assert build(site, out, search=False).rendered == 0
    (site / CACHE_DIR / whole).unlink()   # a section that cannot be read: as if not there (the delta unused)
    _add(site)
    build(site, out, search=False)
    assert files(out) == files(build(site, tmp_path / "cold", incremental=False, search=False).output)


def test_a_rebuild_does_not_load_pypinyin_for_names_it_slugged_before(site: Path, tmp_path: Path):
    out = tmp_path / "out"
    build(site, out, search=False)
    _body(site)
    code = ("import sys; from pathlib import Path; from newsgen.commands.build import build; "
            "seen = []; sys.addaudithook(lambda e, a: e == 'import' and a[0] == 'pypinyin' and seen.append(1)); "
            f"r = build(Path({str(site)!r}), Path({str(out)!r}), search=False); "
            "print(r.rendered, bool(seen))")   # (loaded at any time: a build lets it go once its names are slugged)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    rendered, loaded = done.stdout.split()
    assert int(rendered) > 0 and loaded == "False"
    _region(site)   # a place this site never had: slugged right, by pypinyin or from the readings kept
    subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert (out / "regions" / "jiangxi" / "jiujiang" / "lushan").is_dir()
    assert files(out) == files(build(site, tmp_path / "cold", incremental=False, search=False).output)


def test_article_pages_whose_inputs_are_unchanged_are_reused_without_making_their_context(
        site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from newsgen.render import pages as pages_mod

    made: list[str] = []
    real = pages_mod._article_context
    monkeypatch.setattr(pages_mod, "_article_context",
                        lambda plan, index: made.append(plan.site.posts[index].url) or real(plan, index))
    out = tmp_path / "out"
    first = build(site, out, search=False)
    assert len(made) == first.articles        # a first build makes every article page's context
    made.clear()
    _body(site)
    build(site, out, search=False)
    assert made == ["2024/12/nanchang-dongji-gongshui/"]   # only the edited one's: its neighbours are as they were
    made.clear()
    _title(site)
    build(site, out, search=False)
    assert len(made) > 1    # its neighbours and related articles show its title: theirs are made again too
    assert files(out) == files(build(site, tmp_path / "cold", incremental=False, search=False).output)


def test_numbered_listing_pages_are_reused_by_their_inputs(site: Path, tmp_path: Path):
    edit(site / "newsgen.yaml", "per_page: 2", "per_page: 1")   # many numbered pages
    out = tmp_path / "out"
    build(site, out, search=False)
    _body(site)   # its card changes on the numbered pages that list it, and only there
    again = build(site, out, search=False)
    numbered = [p for p in again.rendered_paths if "/page/" in p or p.startswith("page/")]
    assert numbered and all(p.endswith("index.html") for p in numbered)
    assert files(out) == files(build(site, tmp_path / "cold", incremental=False, search=False).output)
    _title(site)
    build(site, out, search=False)
    assert files(out) == files(build(site, tmp_path / "cold2", incremental=False, search=False).output)


def test_feeds_fronts_and_archives_are_reused_by_their_inputs(site: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch):
    """A body edit makes the context of no feed, listing front page or archive page that does not show it."""
    from newsgen.render import pages as pages_mod

    made: list[str] = []
    for name in ("_feed_context", "_region_context", "_term_context", "_home_context", "_year_context",
                 "_month_context"):
        real = getattr(pages_mod, name)
        monkeypatch.setattr(pages_mod, name,
                            lambda *a, _real=real, _name=name, **k: made.append(_name) or _real(*a, **k))
    out = tmp_path / "out"
    build(site, out, search=False)
    everything = len(made)
    made.clear()
    _body(site)
    again = build(site, out, search=False)
    assert 0 < len(made) < everything
    assert made.count("_feed_context") == sum(p.endswith("feed.xml") for p in again.rendered_paths)
    made.clear()
    assert build(site, out, search=False).rendered == 0 and not made
    assert files(out) == files(build(site, tmp_path / "cold", incremental=False, search=False).output)


def test_an_article_added_rewrites_its_years_sitemap_and_its_months_archive_only(site: Path, tmp_path: Path):
    out = tmp_path / "out"
    build(site, out, search=False)
    before = (out / "sitemaps" / "2025.xml").read_text(encoding="utf-8").count("<url>")
    _add(site)   # dated 2025
    again = build(site, out, search=False)
    assert "sitemaps/2025.xml" in again.rendered_paths
    assert "sitemaps/2024.xml" not in again.rendered_paths and "sitemap.xml" not in again.rendered_paths
    assert (out / "sitemaps" / "2025.xml").read_text(encoding="utf-8").count("<url>") == before + 1
    # and of the year's archive, its page and its month's, not the other months' (July)
    assert {"archive/2025/index.html", "archive/2025/08/index.html"} <= set(again.rendered_paths)
    assert "archive/2025/07/index.html" not in again.rendered_paths


def test_the_first_edit_after_a_cold_build_takes_the_delta_path(site: Path, tmp_path: Path):
    """A cold build leaves nothing but the output: the next build updates it in place, looking only at
    what the edit reaches and writing only the pages rendered (no tree of every page)."""
    out = tmp_path / "out"
    build(site, out)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "site") == ["out"]
    page = "2024/12/nanchang-dongji-gongshui/index.html"
    inodes = {p: p.stat().st_ino for p in out.rglob("*.html")}
    _body(site)
    again = build(site, out)
    assert again.checked < (again.pages + again.files) / 2 and page in again.rendered_paths
    assert {p for p, inode in inodes.items() if p.stat().st_ino != inode} == {
        out / path for path in again.rendered_paths if path.endswith(".html")}   # the others untouched
    assert files(out) == files(build(site, tmp_path / "cold", incremental=False).output)


def test_a_file_whose_path_is_too_long_for_one_name_is_staged_and_updated(site: Path, tmp_path: Path):
    """The staging folder keeps files flat, each under its escaped path, but for a path longer than a file
    name may be (255 bytes): a static file deep in folders (with a ``%`` in its name) is updated too."""
    deep = site / "static" / ("x" * 90) / ("y" * 90) / ("z" * 90)
    deep.mkdir(parents=True)
    (deep / "a%2Fb.css").write_text("p { color: red; }\n", encoding="utf-8")
    (site / "static" / "c%25.css").write_text("p { color: blue; }\n", encoding="utf-8")
    out = tmp_path / "out"
    build(site, out, search=False)
    (deep / "a%2Fb.css").write_text("p { color: green; }\n", encoding="utf-8")
    (site / "static" / "c%25.css").write_text("p { color: navy; }\n", encoding="utf-8")
    build(site, out, search=False)
    assert (out / deep.relative_to(site) / "a%2Fb.css").read_text(encoding="utf-8") == "p { color: green; }\n"
    assert (out / "static" / "c%25.css").read_text(encoding="utf-8") == "p { color: navy; }\n"
    assert files(out) == files(build(site, tmp_path / "cold", incremental=False, search=False).output)


def test_the_stale_check_made_in_a_child_process_finds_what_the_manifest_check_finds(site: Path, tmp_path: Path):
    """A rebuild looks for pages not on disk as written in a forked child while it reads articles:
    its answer is :meth:`Manifest.stale`'s, and a check never asked for leaves no child behind."""
    out = tmp_path / "out"
    build(site, out)
    state = State(site / CACHE_DIR)
    key = state.output(out)
    manifest = Manifest.read(state, key)
    pages = sorted(manifest.pages)
    (out / pages[0]).write_text("edited by hand", encoding="utf-8")
    (out / pages[-1]).unlink()
    assert StaleCheck(lambda: Manifest.read(state, key), out).result() == manifest.stale(out) == {pages[0], pages[-1]}
    (out / pages[0]).unlink()
    assert StaleCheck(lambda: Manifest.read(state, key), out).result() == {pages[0], pages[-1]}
    check = StaleCheck(lambda: Manifest.read(state, key), out)
    child = check._pid
    assert child > 0   # (pytest runs no other thread here: the check forks)
    check.close()
    with pytest.raises(ChildProcessError):   # reaped already: no zombie left
        os.waitpid(child, os.WNOHANG)


NEW_NAMES = {
    # a tag no article had: its pages are new, the tags index is always looked at
    "a new tag": ("tags: [从未有过的标签]", True),
    # a town under a county that has one: the county's front page lists its places
    "a new town": ("regions: [江西省/南昌市/青山湖区/京东镇]", True),
    # 务业 sorts before 物业 and has its pinyin: it takes wu-ye, and 物业 moves to wu-ye-2, so every
    # page linking to 物业 changes: no record says which, every page is looked at
    "a tag taking another's slug": ("tags: [务业]", False),
}


@pytest.mark.parametrize("name", sorted(NEW_NAMES))
def test_an_article_with_a_new_place_or_tag_keeps_the_delta_path_unless_a_url_moves(site: Path, tmp_path: Path,
                                                                                    name: str):
    line, delta = NEW_NAMES[name]
    out = tmp_path / "out"
    build(site, out, search=False)
    _other_body(site)
    build(site, out, search=False)
    (site / "articles" / "2025" / "08" / "new-name.md").write_text(
        f"---\ntitle: 带新名称的文章\ndate: 2025-08-03\n{line}\n---\n\n新名称的正文。\n", encoding="utf-8")
    again = build(site, out, search=False)
    cold = build(site, tmp_path / "cold", incremental=False, search=False)
    assert files(out) == files(cold.output)
    assert sum(1 for _ in out.rglob("*")) == sum(1 for _ in cold.output.rglob("*"))
    assert (again.checked < (again.pages + again.files) / 2) is delta, (again.checked, again.pages + again.files)


def test_templates_are_parsed_for_their_references_only_when_their_source_is_new(site: Path, tmp_path: Path,
                                                                               monkeypatch: pytest.MonkeyPatch):
    from newsgen.render import fingerprint

    parsed: list[str] = []
    real = fingerprint.meta.find_referenced_templates
    monkeypatch.setattr(fingerprint.meta, "find_referenced_templates", lambda ast: parsed.append("x") or real(ast))
    out = tmp_path / "out"
    build(site, out, search=False)
    assert parsed   # a first build parses every template
    parsed.clear()
    _body(site)
    build(site, out, search=False)
    assert parsed == []   # known by their sources
    (site / "templates").mkdir(exist_ok=True)
    (site / "templates" / "tag.html").write_text('{% extends "base.html" %}{% block main %}{{ term.name }}'
                                                 '{% endblock %}\n', encoding="utf-8")
    build(site, out, search=False)
    assert parsed == ["x"]   # the new one only
    assert files(out) == files(build(site, tmp_path / "cold", incremental=False, search=False).output)


def test_a_rebuild_reads_no_static_file_it_has_already(site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A static file is known by its source file's identity (size, mtime, ctime, inode), not its bytes:
    a rebuild after a body edit opens none of the site's static files (a newsroom's static/ may hold
    videos and PDFs), and one whose content changed is copied again."""
    import builtins
    import io

    out = tmp_path / "out"
    (site / "static").mkdir(exist_ok=True)
    big = site / "static" / "报纸.pdf"
    big.write_bytes(b"%PDF-1.4 " + bytes(range(256)) * 4096)
    build(site, out, search=False)
    opened: list[str] = []
    real_open = builtins.open

    def spy(file, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy)
    monkeypatch.setattr(io, "open", spy)   # (Path.read_bytes opens through io.open)
    _body(site)
    build(site, out, search=False)
    assert opened and not [f for f in opened if f.startswith(str(site / "static"))]
    assert (out / "static" / "报纸.pdf").read_bytes() == big.read_bytes()
    big.write_bytes(b"%PDF-1.4 " + bytes(range(255, -1, -1)) * 4096)   # the same size, other bytes
    touch_later(big)
    build(site, out, search=False)
    monkeypatch.setattr(builtins, "open", real_open)
    monkeypatch.setattr(io, "open", real_open)
    assert (out / "static" / "报纸.pdf").read_bytes() == big.read_bytes()
    assert files(out) == files(build(site, tmp_path / "cold", incremental=False, search=False).output)
