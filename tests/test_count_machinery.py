"""bench/count_machinery.py: issue 21's incremental machinery counted by named parts, whose scope cannot
rot silently (a name it lists that is gone is reported, and the count fails)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "bench" / "count_machinery.py"
FILING = "15701c6"   # the commit issue 21 was filed at: the count's baseline


def _module():
    spec = importlib.util.spec_from_file_location("count_machinery", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["count_machinery"] = module   # (dataclasses look their module up)
    spec.loader.exec_module(module)
    return module


cm = _module()

pytestmark = pytest.mark.skipif(
    subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e", f"{FILING}^{{commit}}"], capture_output=True).returncode,
    reason=f"the git history back to {FILING} is not here (a shallow clone)")


@pytest.fixture(scope="module")
def counted():
    return {commit: cm.count(ROOT, commit) for commit in (FILING, "HEAD")}


@pytest.mark.parametrize("commit", [FILING, "HEAD"])
def test_every_name_of_the_scope_is_found_and_no_line_counted_twice(counted, commit):
    done = counted[commit]
    assert done.missing == []
    assert done.overlaps == []
    entries = [entry for entry in (*cm.SCOPE[done.era], *cm.LEFT_OUT[done.era])
               if (entry.since is None or cm.descends(ROOT, entry.since, commit))
               and (entry.until is None or not cm.descends(ROOT, entry.until, commit))]
    assert len(done.found) + len(done.left_out) == len(entries)
    for entry, rows in done.found:
        assert rows and all(lines > 0 for _, lines, _ in rows), entry


def test_the_eras(counted):
    assert counted[FILING].era == "hand-kept"
    assert counted["HEAD"].era == "recorded"


@pytest.mark.parametrize("commit", [FILING, "HEAD"])
def test_a_whole_file_is_counted_as_wc_does(counted, commit):
    done = counted[commit]
    for role, path in ((cm.BUILD, "commands/build.py"), (cm.DELTA, "commands/delta.py"),
                       (cm.FINGERPRINT, "render/fingerprint.py")):
        text = subprocess.run(["git", "-C", str(ROOT), "show", f"{commit}:src/newsgen/{path}"],
                              capture_output=True, text=True, check=True).stdout
        assert done.figures(role)[0] == text.count("\n")


def test_a_name_no_longer_there_is_reported():
    """The scope of the issue's filing, looked for at HEAD: the hand-kept inputs texts are gone, and
    the count says so rather than counting nothing for them."""
    done = cm.count(ROOT, "HEAD", scope={"recorded": cm.SCOPE["hand-kept"]}, left_out={"recorded": []})
    assert "render/pages.py: Plan.parts_key" in done.missing
    assert "render/pages.py: _article_inputs" in done.missing
    assert "output.py: make_spare" in done.missing


def test_the_command_fails_on_a_missing_name(monkeypatch, capsys):
    scope = dict(cm.SCOPE)
    scope["recorded"] = [*scope["recorded"], cm.S(cm.PLAN, "render/pages.py", "Plan.no_such_method", "a test")]
    monkeypatch.setattr(cm, "SCOPE", scope)
    assert cm.main(["HEAD"]) == 1
    assert "render/pages.py: Plan.no_such_method" in capsys.readouterr().err


def test_the_command_side_by_side():
    run = subprocess.run([sys.executable, str(SCRIPT), FILING, "HEAD", "--json"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    filing, head = json.loads(run.stdout)
    assert (filing["era"], head["era"]) == ("hand-kept", "recorded")
    assert filing["roles"]["dependency recording"]["lines"] == 0 < head["roles"]["dependency recording"]["lines"]
    for role in filing["roles"].values():
        assert role["code"] <= role["lines"] and role["sure_lines"] <= role["lines"]


def test_code_lines_leave_out_blank_lines_comments_and_docstrings():
    text = '''"""Module."""

X = 1   # a comment after code is code

#: a comment above
def f(a):
    """Doc
    string."""
    # a comment
    s = """not a
docstring"""
    return s


class C:
    """Doc."""
    y = 2
'''
    source = cm.read_source(text)
    assert source.code == {3, 6, 10, 11, 12, 15, 17}
    assert source.units["f"] == (5, 12)     # with the comment line above it
    assert source.units["C.y"] == (17, 17)


def test_the_table_gives_the_target_from_the_first_commit(counted, capsys):
    assert cm.main([FILING, "HEAD", "--files"]) == 0
    out = capsys.readouterr().out
    filing = counted[FILING]
    lines = sum(filing.figures(role)[0] for role in range(1, len(cm.ROLES) + 1))
    assert f"a third fewer than {FILING}: at most {lines * 2 // 3:,d} lines" in out
    assert "   commands/build.py" in out   # (--files: each role by file)
