"""train/briefs.py (the ``briefs`` developer set's generator): what it lays out must be recoverable."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "train"))
import briefs  # noqa: E402


def _article(title: str, paras: list[str], **flags: bool) -> dict:
    return {"title": title, "headline_lines": [title], "paras": paras, "lost_column": False,
            "headline_displaced": False, "continued": False, **flags}


def test_end_matter_follows_a_brief_whose_tail_was_moved_behind_another():
    # a made-up page: brief A's last paragraph was moved behind brief B (a continuation); A's source
    # line must be printed under that moved paragraph, never alone under B, where nothing says whose
    text = "\n\n".join(["甲地修路", "本报讯 甲地开始修路。", "乙地植树", "本报讯 乙地开始植树。",
                        "甲地的路明年通车。"]) + "\n"
    truth = {"articles": [_article("甲地修路", ["本报讯 甲地开始修路。", "甲地的路明年通车。"], continued=True),
                          _article("乙地植树", ["本报讯 乙地开始植树。"])]}
    page = [{"end_matter": ["来源：某某网"]}, {"end_matter": ["（责任编辑：某某）"]}]
    out = briefs.add_end_matter(text, truth, page)
    assert out.split("\n\n") == ["甲地修路", "本报讯 甲地开始修路。", "乙地植树", "本报讯 乙地开始植树。",
                                 "（责任编辑：某某）", "甲地的路明年通车。", "来源：某某网\n"]
    assert truth["articles"][0]["paras"][-1] == "来源：某某网"
    assert truth["articles"][1]["paras"] == ["本报讯 乙地开始植树。", "（责任编辑：某某）"]


def test_a_brief_whose_column_was_lost_loses_its_end_matter_too():
    text = "\n\n甲地修路\n\n本报讯 甲地开始\n"
    truth = {"articles": [_article("甲地修路", ["本报讯 甲地开始"], lost_column=True)]}
    out = briefs.add_end_matter(text, truth, [{"end_matter": ["【更多】"]}])
    assert out == text and truth["articles"][0]["paras"] == ["本报讯 甲地开始"]
