"""Choosing the articles a build is made of works out no article's day when none can be ahead.

At 100,000 articles, working out each article's day (a Python call each) on every build only to
find none dated after today is a few hundredths of a second of each rebuild; with plain dates the
latest one tells. Counted with a profile hook (every Python function call), never timed.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

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
