"""pypinyin's dictionaries are let go once a build has slugged its names (about 40 MB, which every
render worker of a cold build inherited), and loaded again when a word is asked for later."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from newsgen import text
from newsgen.commands.build import build

FIXTURE = Path(__file__).parent / "fixtures" / "site"


def _loaded() -> bool:
    return any(name == "pypinyin" or name.startswith("pypinyin.") for name in sys.modules)


def test_pypinyin_is_let_go_and_loaded_again_for_a_word_asked_for_later():
    assert text.pinyin_slug("犀浦镇") == "xipuzhen"
    assert _loaded()
    text.forget_pinyin()
    assert not _loaded()
    assert text.pinyin_slug("重庆火锅") == "chongqinghuoguo"   # (a word not slugged before in this process)
    assert _loaded()
    text.forget_pinyin()
    text.forget_pinyin()   # (nothing loaded: nothing done)


def test_a_cold_build_lets_pypinyin_go_once_its_names_are_slugged(tmp_path: Path):
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site, ignore=shutil.ignore_patterns(".newsgen-cache"))
    text.pinyin_slug("郫都区")
    assert _loaded()
    build(site, tmp_path / "out", search=False)
    assert not _loaded()
