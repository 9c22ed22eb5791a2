"""A page's key is a digest of what it read; an edit costs the names and pages of the article it touched.

(That every change still gives the cold build's output is tests/test_incremental.py's and
tests/test_recorded.py's business; here: what the key is made of, and what a rebuild reads,
resolves and writes of the record.)
"""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from newsgen.cachefile import State, Table
from newsgen.commands.build import build
from newsgen.output import CACHE_DIR
from newsgen.render.fingerprint import Keys
from newsgen.render.pages import Plan
from test_incremental import _add, _body, _topic, files, first_article, sections


def _keys(templates: dict[str, str]) -> Keys:
    return Keys(jinja2.Environment(loader=jinja2.DictLoader(templates)), config="config", site_view="site",
                renderer="md")


def test_a_page_s_key_is_its_template_path_and_what_it_read():
    templates = {"base.html": "{% block main %}{% endblock %}", "page.html": '{% extends "base.html" %}x',
                 "other.html": "y"}
    keys = _keys(templates)
    key = keys.page("a/index.html", "page.html", {"post:a.md": "1", "pager:": "2"})
    assert key == _keys(templates).page("a/index.html", "page.html", {"pager:": "2", "post:a.md": "1"})
    assert key != keys.page("a/index.html", "page.html", {"post:a.md": "1", "pager:": "3"})   # a value read changed
    assert key != keys.page("a/index.html", "page.html", {"post:a.md": "1"})                  # read less
    assert key != keys.page("b/index.html", "page.html", {"post:a.md": "1", "pager:": "2"})
    # a template it extends changed: its key does; another template changed: it does not
    assert key != _keys({**templates, "base.html": "<main>{% block main %}{% endblock %}"}).page(
        "a/index.html", "page.html", {"post:a.md": "1", "pager:": "2"})
    assert key == _keys({**templates, "other.html": "z"}).page(
        "a/index.html", "page.html", {"post:a.md": "1", "pager:": "2"})
    assert key != Keys(jinja2.Environment(loader=jinja2.DictLoader(templates)), config="other", site_view="site",
                       renderer="md").page("a/index.html", "page.html", {"post:a.md": "1", "pager:": "2"})


def test_a_body_edit_resolves_and_writes_only_what_the_edited_article_recorded(
        site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    resolved: list[str] = []
    real = Plan.resolve
    monkeypatch.setattr(Plan, "resolve", lambda plan, name: resolved.append(name) or real(plan, name))
    out = tmp_path / "out"
    build(site, out, search=False)
    assert resolved == []   # the full path resolves nothing
    before = sections(site)
    _body(site)
    again = build(site, out, search=False)
    edited = first_article(site).relative_to(site).as_posix()
    assert resolved and all(name.endswith(f":{edited}") for name in resolved), sorted(set(resolved))
    after = sections(site)
    output = next(name for name in after if name.startswith("pages-")).partition(".")[0]
    rewritten = {name for name in after if name.startswith(output) and after[name] != before.get(name)}
    # the journals of the manifest's few changed rows, of the edited article's source and of its
    # reads: no bucket, not the pages' numbers, not the other names
    assert rewritten == {f"{output}.journal", f"{output}.sources.journal", f"{output}.reads.journal"}
    assert 0 < again.rendered < again.pages
    assert files(out) == files(build(site, tmp_path / "cold", incremental=False, search=False).output)


def test_a_topic_changed_resolves_the_listings_again(site: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch):
    resolved: list[str] = []
    real = Plan.resolve
    monkeypatch.setattr(Plan, "resolve", lambda plan, name: resolved.append(name) or real(plan, name))
    out = tmp_path / "out"
    build(site, out, search=False)
    _topic(site)   # the article's structure changed: every listing, count and neighbour is computed again
    build(site, out, search=False)
    assert any(name.startswith("pager:") for name in resolved) and any(name.startswith("around:") for name in resolved)
    assert all(name.partition(":")[0] for name in resolved)   # names only (an article's structure is no name)
    resolved.clear()
    _add(site)   # an article came (the articles are others) and one's body changed
    _body(site)
    build(site, out, search=False)
    assert any(name.startswith("pager:") for name in resolved) and all(name.partition(":")[0] for name in resolved)
    table = next(name for name in sections(site) if name.endswith(".names.journal")).removesuffix(".journal")
    names = Table.load(State(site / CACHE_DIR), table)
    assert names is not None and all(len(item) == 2 and isinstance(item[1], list) for _, item in names.items())
    assert files(out) == files(build(site, tmp_path / "cold", incremental=False, search=False).output)
