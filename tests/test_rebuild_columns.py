"""A rebuild's passes over every article are column operations: no Python call per article.

At 100,000 articles a Python function called for each article, on every build, costs a noticeable
part of a body edit; these passes find the few articles that need more (the edited ones, those
with photos, those dated ahead) column by column and look at those only. Counted with a profile
hook (every Python function call), never timed; the results are those of the per-article loops.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from newsgen.commands import build as build_mod
from newsgen.commands.validate import validate
from newsgen.content import Article, _Day
from newsgen.output import CACHE_DIR

FIXTURE = Path(__file__).parent / "fixtures" / "site"


def python_calls(run: Callable[[], Any]) -> tuple[Any, list[Any]]:
    """What ``run()`` gives, and the code of each Python function it called (not C functions)."""
    names: list[Any] = []

    def hook(frame: Any, event: str, arg: Any) -> None:
        if event == "call":
            names.append(frame.f_code)

    sys.setprofile(hook)
    try:
        result = run()
    finally:
        sys.setprofile(None)
    return result, names


def article(i: int, date: dt.date | dt.datetime = dt.date(2024, 1, 1), draft: bool = False) -> Article:
    return Article(path=Path(f"articles/a{i}.md"), title=f"t{i}", date=date, slug=f"a{i}", body=f"正文 {i}。",
                   draft=draft, digest=f"{i:064x}")


def test_deriving_calls_nothing_for_each_article_already_derived():
    """Of 500 articles whose summaries are known but one's, only that one is derived, and nothing is
    called for each of the others."""
    posts = [SimpleNamespace(article=article(i)) for i in range(500)]
    derived: dict[str, list[Any]] = {f"{i:064x}": ["summary", 1] for i in range(1, 500)}
    _, names = python_calls(lambda: build_mod._derive(posts, derived))
    assert len(names) < 100
    assert [code.co_name for code in names].count("derive") == 1 and set(derived) == {f"{i:064x}" for i in range(500)}
    assert derived[f"{0:064x}"] != ["summary", 1]


def test_choosing_the_articles_built_works_out_no_day_when_none_is_ahead(tmp_path: Path):
    """With plain dates none of which is after today, the articles built are chosen without working
    out each article's day; one dated ahead (a date or a time) is still left out."""
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site, ignore=shutil.ignore_patterns(CACHE_DIR))
    def model(chosen: list[Article], config: Any) -> Any:   # (the model's own use of the days left out)
        return SimpleNamespace(posts=chosen)

    checked, calls = python_calls(lambda: validate(site, today=dt.date(2030, 1, 1), model=model))
    assert checked.ok and checked.left_out["future"] == [] and calls.count(_Day.__get__.__code__) == 0
    assert checked.model is not None and len(checked.model.posts) == len(checked.articles) > 0
    for ahead in ("2031-01-01", "2030-01-01 08:00:00"):
        path = next(iter(sorted((site / "articles").rglob("*.md"))))
        text = path.read_text(encoding="utf-8")
        old = next(line for line in text.splitlines() if line.startswith("date:"))
        path.write_text(text.replace(old, f"date: {ahead}", 1), encoding="utf-8")
        later = validate(site, today=dt.date(2029, 12, 31))
        assert [a.path for a in later.left_out["future"]] == [path.relative_to(site)]
        assert later.model is not None
        assert len(later.model.posts) == len(later.articles) - 1 - len(later.left_out["drafts"])
