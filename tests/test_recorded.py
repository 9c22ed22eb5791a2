"""Pages record what they read: every field of every view a page reaches is rebuilt when it changes.

The generated test takes the fields from the views themselves (:func:`dataclasses.fields` of every
view object any page's context holds, walked recursively), so a field added to a view later is
covered without editing this file. A site whose templates print *every* value of their context
(the views' reprs: every field, the ones the theme leaves out too) is built, edited by each edit
of :data:`EDITS`, built again incrementally (the output updated in place, the path a rebuild takes) and compared
with a cold build of the same site, byte for byte, and by ``build(verify=True)``. Then every field
some page shows must be changed by at least one of the edits (or be one of :data:`FIXED`, the
fields a page's own kind and address decide): a field no edit reaches fails, named.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from newsgen.commands.build import build
from newsgen.commands.validate import validate
from newsgen.output import CACHE_DIR
from newsgen.render import pages as pages_mod
from newsgen.render.markdown import MarkdownRenderer
from newsgen.render.pages import Plan, plan_all
from newsgen.render.views import Views
from test_incremental import FIXTURE, edit, files, touch_later

TODAY = dt.date(2026, 1, 1)

#: Fields a page's kind and address decide (no edit of the site's content can change them on a page
#: that is there before and after): (view class, field).
FIXED = frozenset({("PageInfo", "section"), ("PageInfo", "url"), ("PagerView", "url"), ("PagerView", "front"),
                   ("PageInfo", "feed_url"), ("FeedView", "url"), ("FeedView", "page_url"), ("FeedView", "id"),
                   ("SiteView", "base_path"), ("SiteView", "home_url"), ("SiteView", "regions_url"),
                   ("SiteView", "topics_url"), ("SiteView", "tags_url"), ("SiteView", "archive_url"),
                   ("SiteView", "stylesheet_url"), ("SiteView", "search_url"), ("SiteView", "static_url"),
                   ("SiteView", "search_index_url"), ("PageLink", "current"),
                   ("SearchFacets", "year")})   # (the year is in the article page's address)

#: Fields the fixture site never sets: it has no photos (tests/test_photos.py builds a photo added,
#: replaced and removed incrementally and compares with a cold build).
UNSET = frozenset({("PostView", "photo"), ("ArticleMeta", "image")})


def _articles(site: Path) -> list[Path]:
    return sorted((site / "articles").rglob("*.md"))


def _oldest(site: Path) -> Path:
    return site / "articles" / "2024" / "12" / "nanchang-quanshi.md"


def _newest(site: Path) -> Path:
    return site / "articles" / "2025" / "08" / "dangjian-julian-chengshi.md"


def _front(path: Path, line: str) -> None:
    """Add a front-matter line (after the title)."""
    text = path.read_text(encoding="utf-8")
    title = next(x for x in text.splitlines() if x.startswith("title:"))
    edit(path, title, f"{title}\n{line}")


def _replace_key(path: Path, key: str, line: str) -> None:
    text = path.read_text(encoding="utf-8")
    old = next(x for x in text.splitlines() if x.startswith(f"{key}:"))
    edit(path, old, line)


def _body(path: Path) -> None:
    path.write_text(path.read_text(encoding="utf-8") + "\n增补的一段较长的正文，" + "又一句。" * 400 + "\n",
                    encoding="utf-8")
    touch_later(path)


def _config(site: Path, old: str, new: str) -> None:
    edit(site / "newsgen.yaml", old, new)


#: Every kind of edit: each changes some fields of some views (which, is found, not said).
EDITS: dict[str, Callable[[Path], None]] = {
    "title": lambda s: _replace_key(_oldest(s), "title", "title: 改过的标题"),
    "title of the newest": lambda s: _replace_key(_newest(s), "title", "title: 最新一篇改过的标题"),
    "kicker": lambda s: _front(_oldest(s), "kicker: 引题"),
    "subtitle": lambda s: _front(_oldest(s), "subtitle: 副题"),
    "authors": lambda s: _front(_oldest(s), "authors: [张三, 李四]"),
    "summary": lambda s: _front(_oldest(s), "summary: 手写的摘要"),
    "summary of the newest": lambda s: _front(_newest(s), "summary: 最新一篇手写的摘要"),
    "updated": lambda s: _front(_oldest(s), "updated: 2025-09-01"),
    "updated of the newest": lambda s: _front(_newest(s), "updated: 2025-12-01"),
    "extra": lambda s: _front(_oldest(s), "editor: 王五"),
    "body": lambda s: _body(_oldest(s)),
    "body of the newest": lambda s: _body(_newest(s)),
    "date": lambda s: _replace_key(_oldest(s), "date", "date: 2024-11-15"),
    "date in the same month": lambda s: _replace_key(_oldest(s), "date", "date: 2024-12-05"),
    "date into another year": lambda s: _replace_key(_oldest(s), "date", "date: 2023-05-15"),
    "slug": lambda s: _replace_key(_oldest(s), "slug", "slug: renamed-slug"),
    "region": lambda s: _replace_key(_oldest(s), "regions", "regions: [江西省/九江市/庐山市]"),
    "region of the newest": lambda s: _replace_key(_newest(s), "regions", "regions: [江西省/南昌市]"),
    "topic": lambda s: _replace_key(_oldest(s), "topics", "topics: [新专题]"),
    "tag": lambda s: _replace_key(_oldest(s), "tags", "tags: [供水, 新标签]"),
    "add an article": lambda s: (s / "articles" / "2025" / "08" / "new-one.md").write_text(
        "---\ntitle: 新增的文章\ndate: 2025-08-20\nregions: [江西省/南昌市]\ntopics: [水利]\n"
        "tags: [新标签]\n---\n\n新文章。\n", encoding="utf-8"),
    "delete an article": lambda s: _newest(s).unlink(),
    "site title": lambda s: _config(s, "title: 江西县域新闻（测试站）", "title: 改过的站名"),
    "site description": lambda s: _config(s, "description: newsgen 黄金样例站点", "description: 改过的描述"),
    "language": lambda s: _config(s, "per_page: 2", "per_page: 2\nlanguage: zh-Hans"),
    "base url": lambda s: _config(s, "base_url: /", "base_url: https://example.org/archive/"),
    "page size": lambda s: _config(s, "per_page: 2", "per_page: 1"),
}


def _contexts(site: Path) -> dict[str, dict[str, Any]]:
    """Every page's context (made in this process, as the build makes it), by path; with its template."""
    checked = validate(site, today=TODAY, publishing=False)
    assert checked.ok and checked.model is not None, checked.diagnostics.items
    views = Views(checked.model)
    plan = Plan(checked.model, views, MarkdownRenderer())
    found: dict[str, dict[str, Any]] = {}
    for page in plan_all(plan):
        found[page.path] = {"template": page.template, "context": dict(page.context, site=views.site_view)}
    return found


def _fields(value: Any, where: str, out: dict[tuple[str, str], dict[str, str]]) -> None:
    """Every (view class, field) in ``value``, each with its value's text at each place it is found."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            item = getattr(value, f.name)
            out.setdefault((type(value).__name__, f.name), {})[f"{where}.{f.name}"] = str(item)
            _fields(item, f"{where}.{f.name}", out)
    elif isinstance(value, tuple | list):
        for n, item in enumerate(value):
            _fields(item, f"{where}[{n}]", out)


def _values(site: Path) -> dict[tuple[str, str], dict[str, str]]:
    out: dict[tuple[str, str], dict[str, str]] = {}
    for path, page in _contexts(site).items():
        for key, value in page["context"].items():
            _fields(value, f"{path}:{key}", out)
    return out


def _printing_site(tmp_path: Path) -> Path:
    """The fixture site with templates that print every value of every page's context."""
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site, ignore=shutil.ignore_patterns(CACHE_DIR))
    keys: dict[str, set[str]] = {}
    for page in _contexts(site).values():
        keys.setdefault(page["template"], set()).update(page["context"])
    (site / "templates").mkdir()
    for template, names in keys.items():
        (site / "templates" / template).write_text(
            "".join(f"{name}: {{% if {name} is defined %}}{{{{ {name} }}}}{{% endif %}}\n" for name in sorted(names)),
            encoding="utf-8")
    return site


@pytest.fixture(scope="module")
def base_values(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], dict[str, str]]:
    return _values(_printing_site(tmp_path_factory.mktemp("base")))


def _build(site: Path, out: Path, **options: Any) -> Any:
    return build(site, out, search=False, publishing=False, **options)


@pytest.mark.parametrize("name", sorted(EDITS))
def test_every_edit_of_a_site_printing_every_field_equals_a_cold_build(tmp_path: Path, name: str):
    site = _printing_site(tmp_path)
    out = tmp_path / "out"
    _build(site, out)
    _body(_articles(site)[-1])
    _build(site, out)   # a build after an edit: the next one takes the incremental path as any later rebuild
    EDITS[name](site)
    again = _build(site, out, verify=True)
    assert again.differs == ()
    cold = _build(site, tmp_path / "cold", incremental=False)
    assert files(out) == files(cold.output), name


def test_every_field_a_page_shows_is_changed_by_some_edit(tmp_path: Path,
                                                          base_values: dict[tuple[str, str], dict[str, str]]):
    """Generated from the views' fields: a field added to a view is covered by the test above only
    if some edit changes it; one that none does is named here (add an edit that changes it)."""
    covered: set[tuple[str, str]] = set()
    seen = set(base_values)
    for n, change in enumerate(EDITS.values()):
        site = tmp_path / f"s{n}"
        shutil.copytree(FIXTURE, site, ignore=shutil.ignore_patterns(CACHE_DIR))
        change(site)
        values = _values(site)
        seen |= set(values)
        for key, found in values.items():   # changed where it is found both before and after
            before = base_values.get(key, {})
            if any(where in before and before[where] != text for where, text in found.items()):
                covered.add(key)
    assert seen - covered - FIXED - UNSET == set()


def _previous_summary_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                           summary: Callable[[Plan, Any], str]) -> tuple[Path, Path]:
    """The fixture site with the previous article's summary (as ``summary`` reads it) added to the
    article page's context and template, built, a body edited and built again, then the oldest
    article's summary edited: (site, output), the last edit not yet built."""
    real = pages_mod._article_context

    def with_previous_summary(plan: Plan, index: int) -> dict[str, Any]:
        context = real(plan, index)
        older = plan.site.older(plan.site.posts[index])
        context["previous_summary"] = summary(plan, older) if older else ""
        return context

    monkeypatch.setattr(pages_mod, "_article_context", with_previous_summary)
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site, ignore=shutil.ignore_patterns(CACHE_DIR))
    (site / "templates").mkdir()
    theme = Path(pages_mod.__file__).parent.parent / "theme" / "templates" / "article.html"
    (site / "templates" / "article.html").write_text(theme.read_text(encoding="utf-8").replace(
        "</article>", '<p class="previous-summary">{{ previous_summary }}</p></article>', 1), encoding="utf-8")
    out = tmp_path / "out"
    _build(site, out)
    _body(_articles(site)[-1])
    _build(site, out)
    _front(_oldest(site), "summary: 上一篇的新摘要")   # the oldest article: the previous of the next one
    return site, out


def test_the_previous_articles_summary_added_to_the_article_page_is_rebuilt_when_that_article_changes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A contributor adds the previous article's summary to the article page (its context and its
    template) and nothing else; the older article's summary is edited: the incremental build equals
    a cold one. (With the hand-written inputs texts it kept the stale page.)"""
    site, out = _previous_summary_site(tmp_path, monkeypatch,
                                       lambda plan, older: plan.views.posts[older.index].summary)
    again = _build(site, out, verify=True)
    assert again.differs == ()
    assert again.checked < (again.pages + again.files) / 2   # the incremental path, not every page
    cold = _build(site, tmp_path / "cold", incremental=False)
    assert files(out) == files(cold.output)
    newer = out / "2025" / "07" / "zhanggong-zhengwu-gongkai" / "index.html"
    assert "上一篇的新摘要" in newer.read_text(encoding="utf-8")


def test_check_links_takes_the_sites_sections_from_the_registered_kinds_of_page(monkeypatch: pytest.MonkeyPatch):
    """A kind of page registered (its pages and folders) is a section ``check`` accepts links to, with
    no list of its own to edit."""
    from newsgen.commands import check as check_mod

    def problem(link: str) -> object:
        return check_mod._link_problem(link, "articles/x.md", "/", {}, set(), set(), Path("."), None)  # type: ignore[arg-type]

    assert problem("/regions/jiangxi/") is None and problem("/sitemaps/2025.xml") is None
    assert problem("/galleries/one/") is not None
    kinds = (*pages_mod.KINDS, pages_mod.PageKind("gallery", lambda plan: iter(()), ("galleries/",), ("galleries/",)))
    monkeypatch.setattr(pages_mod, "KINDS", kinds)
    check_mod._sections.cache_clear()
    try:
        assert problem("/galleries/one/") is None and problem("/galleries/") is None
    finally:
        monkeypatch.undo()
        check_mod._sections.cache_clear()


def test_build_verify_names_a_page_a_context_left_stale_and_exits_non_zero(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """A context that reads the model behind the views' back (here: the previous article's summary
    from its front matter) records nothing of it: the incremental build keeps the stale page, and
    ``newsgen build --verify`` names it and exits with 1."""
    from newsgen.cli import main

    site, out = _previous_summary_site(tmp_path, monkeypatch,
                                       lambda plan, older: older.article.summary)   # not through a view
    capsys.readouterr()
    assert main(["build", "--site", str(site), "--output", str(out), "--no-search", "--verify"]) == 1
    err = capsys.readouterr().err
    assert "verify: 2025/07/zhanggong-zhengwu-gongkai/index.html differs" in err
    assert "verify: 1 pages differ" in err
    assert main(["build", "--site", str(site), "--output", str(out), "--no-search", "--full", "--verify"]) == 0
