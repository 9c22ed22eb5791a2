"""A build pauses the cyclic garbage collector while its steps before rendering make what lives to
its end (the collector would only walk those objects to find nothing), and gives it back as it was:
enabled, with nothing left frozen, so that a long-lived process (``newsgen serve``) collects as any does."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from newsgen.commands import build as build_mod
from newsgen.commands.build import build


def test_no_collection_runs_before_rendering_and_the_collector_is_given_back(site: Path, tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch):
    collections: list[int] = []
    steps: list[tuple[str, int]] = []


    def counted(phase: str, info: dict) -> None:
        if phase == "start":
            collections.append(info["generation"])

    clock = build_mod._Clock.__init__

    def started(self, progress) -> None:   # the build's steps begin: collections counted from here
        steps.append(("", len(collections)))
        clock(self, progress)

    monkeypatch.setattr(build_mod._Clock, "__init__", started)

    def built() -> dict[str, int]:
        steps.clear()
        build(site, tmp_path / "out", search=False,
              progress=lambda line: steps.append((line.split(":")[0], len(collections))))
        return dict(steps)

    thresholds = gc.get_threshold()
    gc.set_threshold(1, 1, 1)   # (a collection at nearly every allocation, were the collector running)
    gc.callbacks.append(counted)
    try:
        runs = [built()]
        (site / "articles" / "extra.md").write_text("---\ntitle: 又一篇\ndate: 2025-08-01\n---\n\n正文。\n",
                                                   encoding="utf-8")
        runs.append(built())
    finally:
        gc.callbacks.remove(counted)
        gc.set_threshold(*thresholds)
    for counts in runs:
        assert counts["changes"] == counts[""], counts   # none from the build's start to the last step before rendering
        assert counts["cleanup"] > counts["changes"], counts   # collecting again while rendering and after
    assert gc.isenabled() and gc.get_freeze_count() == 0
