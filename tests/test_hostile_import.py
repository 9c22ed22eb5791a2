"""Hostile conditions for the commands that write article files (``import``, ``new``, ``init``).

Two imports at once, bulletins of one name on different days, the same bulletin saved again in
another encoding, a report path that cannot be written, a ``--site`` that is no site, a move that
fails midway: in each, every file that was there keeps its bytes, and a command either does all it
says or changes nothing. Most imports here use a stand-in for the NLP enrichment (fast; what is
tested is what gets written).
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from fakes import FAKE_ENRICH, fake_enrich, snapshot
from newsgen import enrich as enrich_mod
from newsgen.cli import main
from newsgen.commands import writes
from newsgen.content import load_articles

HERE = Path(__file__).parent
TWO = HERE / "fixtures" / "import" / "two-articles.txt"
ONE = "修水县建成首批数字乡村示范点\n\n近日，修水县黄沙镇的村民打开手机就能查看茶园数据。（陈明）\n"
OTHER = "婺源县开展古村落消防安全检查\n\n上饶市婺源县组织消防部门对全县古村落开展消防安全大检查。（汪洋）\n"


@pytest.fixture
def fast(monkeypatch):
    monkeypatch.setattr(enrich_mod, "enrich", fake_enrich)


def kept(before: dict[str, bytes], after: dict[str, bytes]) -> list[str]:
    """The files of ``before`` that are gone or hold other bytes in ``after``."""
    return [name for name, data in before.items() if after.get(name) != data]


def make_site(root: Path) -> Path:
    (root / "articles").mkdir(parents=True)
    (root / "newsgen.yaml").write_text("title: 测试站\nbase_url: https://example.org/\n", encoding="utf-8")
    return root


def imp(bulletin: Path, site: Path, *more: str) -> int:
    return main(["import", str(bulletin), "--site", str(site), "--date", "2025-08-06", *more])


# -- 1. one writer at a time; a move never replaces a file that appeared ------------------------------

def test_an_import_while_another_runs_is_refused_and_the_first_loses_nothing(tmp_path, capsys, fast):
    site = make_site(tmp_path / "site")
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text(ONE, encoding="utf-8")
    second.write_text(OTHER, encoding="utf-8")
    hold, go = tmp_path / "holding", tmp_path / "go"
    # the first import stops inside its first fsync (its article planned, not yet moved in) until told to go
    code = FAKE_ENRICH + textwrap.dedent(f"""\
        import os, time
        real, calls = os.fsync, []
        def fsync(fd):
            calls.append(fd)
            if len(calls) == 1:
                open({str(hold)!r}, "w").close()
                while not os.path.exists({str(go)!r}):
                    time.sleep(0.02)
            real(fd)
        os.fsync = fsync
        import sys
        from newsgen.cli import main
        sys.exit(main(["import", {str(first)!r}, "--site", {str(site)!r}, "--date", "2025-08-06"]))
        """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not hold.exists():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.02)
        assert imp(second, site) == 1   # (it would plan the same slug, a1)
        assert main(["new", "罗家镇完成供水管网改造", "--site", str(site)]) == 1
        err = capsys.readouterr().err
        assert err.count("another import is running in this site") == 2, err
        assert "nothing was written" in err
        go.touch()
        out, err = proc.communicate(timeout=120)
    finally:
        go.touch()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    [article] = load_articles(site)[0]
    assert article.title == "修水县建成首批数字乡村示范点" and article.source["bulletin"] == "first.txt"
    assert not (site / writes.LOCK_FILE).exists()    # released and removed
    assert imp(second, site) == 0                    # and the second runs once the first is done
    assert sorted(a.source["bulletin"] for a in load_articles(site)[0]) == ["first.txt", "second.txt"]


def test_a_file_that_appears_while_an_import_runs_is_never_replaced(tmp_path, monkeypatch, capsys, fast):
    site = make_site(tmp_path / "site")
    target = site / "articles" / "2025" / "08" / "a1.md"
    editor = b"---\ntitle: \xe7\xbc\x96\xe8\xbe\x91\ndate: 2025-08-06\n---\n\nmine\n"
    real = writes._write_synced

    def write_synced(path: Path, data: bytes) -> int:   # an editor saves a1.md while the temps are written
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(editor)
        return real(path, data)

    monkeypatch.setattr(writes, "_write_synced", write_synced)
    before = snapshot(site)
    assert imp(TWO, site) == 1
    err = capsys.readouterr().err
    assert f"{target}: appeared while this import ran" in err and "nothing was written" in err
    assert target.read_bytes() == editor
    after = snapshot(site)
    assert kept(before, after) == [] and set(after) == set(before) | {"articles/2025/08/a1.md"}


def test_a_move_failing_midway_takes_back_the_ones_made(tmp_path, monkeypatch, capsys, fast):
    site = make_site(tmp_path / "site")
    before = snapshot(site)
    dirs = sorted(site.rglob("*"))
    calls = []

    def failing(real):
        def move(*args, **kwargs):
            calls.append(args)
            if len(calls) == 2:
                raise OSError(errno.EIO, os.strerror(errno.EIO))
            return real(*args, **kwargs)
        return move

    for name in ("link", "rename", "replace"):
        monkeypatch.setattr(os, name, failing(getattr(os, name)))
    assert imp(TWO, site) == 1
    assert "cannot write: Input/output error" in capsys.readouterr().err
    assert snapshot(site) == before and sorted(site.rglob("*")) == dirs


def test_new_never_replaces_a_file_and_refuses_while_the_site_is_locked(tmp_path, capsys):
    site = make_site(tmp_path / "site")
    with writes.site_lock(site):
        assert main(["new", "罗家镇完成供水管网改造", "--site", str(site)]) == 1
    assert "another import is running" in capsys.readouterr().err
    assert snapshot(site) == {"newsgen.yaml": (site / "newsgen.yaml").read_bytes()}


# -- 2. bulletins of one name: no unplaced text is overwritten ----------------------------------------

def page(article: str, editor: str) -> str:
    return f"第3版 要闻\n\n{article}\n责任编辑：{editor}\n"


def test_bulletins_of_one_name_keep_each_days_unplaced_text(tmp_path, fast, capsys):
    site = make_site(tmp_path / "site")
    monday, tuesday = tmp_path / "mon" / "page1.txt", tmp_path / "tue" / "page1.txt"
    for path, text in ((monday, page(ONE, "王五")), (tuesday, page(OTHER, "李四"))):
        path.parent.mkdir()
        path.write_text(text, encoding="utf-8")
    assert imp(monday, site) == 0
    before = snapshot(site)
    assert imp(tuesday, site) == 0
    after = snapshot(site)
    assert kept(before, after) == []
    unplaced = {name: data.decode() for name, data in after.items() if name.startswith("articles/_unplaced/")}
    assert sorted(unplaced) == ["articles/_unplaced/page1-2.txt", "articles/_unplaced/page1.txt"]
    assert "责任编辑：王五" in unplaced["articles/_unplaced/page1.txt"]
    assert "责任编辑：李四" in unplaced["articles/_unplaced/page1-2.txt"]
    assert "kept in articles/_unplaced/page1-2.txt" in capsys.readouterr().out
    # the same bulletin again with --force rewrites its own file, not the other day's
    assert imp(tuesday, site, "--force") == 0
    assert snapshot(site) == after


def test_an_unplaced_file_of_an_earlier_version_is_never_overwritten(tmp_path, fast):
    site = make_site(tmp_path / "site")
    old = site / "articles" / "_unplaced" / "page1.txt"
    old.parent.mkdir()
    old.write_bytes(b"# page1.txt lines 1-1\n\xe7\xac\xac3\xe7\x89\x88\n\n")   # no digest line: not this bulletin's
    bulletin = tmp_path / "page1.txt"
    bulletin.write_text(page(ONE, "王五"), encoding="utf-8")
    before = snapshot(site)
    assert imp(bulletin, site) == 0
    after = snapshot(site)
    assert kept(before, after) == [] and "责任编辑：王五" in after["articles/_unplaced/page1-2.txt"].decode()


def test_a_report_is_never_written_over_another_file(tmp_path, fast, capsys):
    site = make_site(tmp_path / "site")
    report = tmp_path / "report.json"
    report.write_text('{"bulletin": "page1.txt", "sha256": "0000"}\n', encoding="utf-8")   # another day's
    notes = tmp_path / "notes.json"
    notes.write_text("mine\n", encoding="utf-8")
    before_site, before_report, before_notes = snapshot(site), report.read_bytes(), notes.read_bytes()
    for path in (report, notes, tmp_path):
        assert imp(TWO, site, "--report", str(path)) == 1
    err = capsys.readouterr().err
    assert err.count("already exists and is not a report of this bulletin") == 2 and "is a folder" in err
    assert snapshot(site) == before_site
    assert report.read_bytes() == before_report and notes.read_bytes() == before_notes
    # the same bulletin's report (a dry run first, then the import) is written again
    fresh = tmp_path / "fresh.json"
    assert imp(TWO, site, "--dry-run", "--report", str(fresh)) == 0
    assert imp(TWO, site, "--report", str(fresh)) == 0
    assert [a["status"] for a in json.loads(fresh.read_text(encoding="utf-8"))["articles"]] == ["new", "new"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]   # no temporary file left


# -- 3. the same bulletin saved again is recognised by its text -----------------------------------------

def test_the_same_bulletin_saved_again_in_another_form_is_not_imported_twice(tmp_path, fast, capsys):
    site = make_site(tmp_path / "site")
    text = TWO.read_text(encoding="utf-8")
    assert imp(TWO, site) == 0
    before = snapshot(site)
    forms = {"crlf.txt": text.replace("\n", "\r\n").encode(),
             "bom-cr.txt": b"\xef\xbb\xbf" + text.replace("\n", "\r").encode(),
             "gbk.txt": text.encode("gb18030"),
             "trimmed.txt": (text.rstrip("\n") + "\n\n\n").replace("。\n", "。  \n").encode()}
    for name, data in forms.items():
        (tmp_path / name).write_bytes(data)
        capsys.readouterr()
        assert imp(tmp_path / name, site) == 0
        assert "already imported: 2 article(s)" in capsys.readouterr().out, name
    assert snapshot(site) == before


def test_articles_of_earlier_versions_with_a_bytes_digest_are_recognised(tmp_path, capsys):
    site = make_site(tmp_path / "site")
    raw = TWO.read_text(encoding="utf-8").replace("\n", "\r\n").encode()
    bulletin = tmp_path / "crlf.txt"
    bulletin.write_bytes(raw)
    old = site / "articles" / "2025" / "08" / "old.md"
    old.parent.mkdir(parents=True)
    old.write_text("---\ntitle: 修水县建成首批数字乡村示范点\ndate: 2025-08-06\nsource:\n  bulletin: crlf.txt\n"
                   f"  sha256: {hashlib.sha256(raw).hexdigest()}\n---\n\n正文。\n", encoding="utf-8")
    before = snapshot(site)
    assert imp(bulletin, site) == 0   # recognised before parsing: no enrichment runs
    assert "already imported: 1 article(s)" in capsys.readouterr().out
    assert snapshot(site) == before


# -- 4. what cannot be done is found before anything is written -----------------------------------------

def test_a_report_into_a_missing_folder_is_refused_before_any_article_is_written(tmp_path, fast, capsys):
    site = make_site(tmp_path / "site")
    before = snapshot(site)
    report = tmp_path / "no-such-dir" / "report.json"
    assert imp(TWO, site, "--report", str(report)) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{report}: cannot write the report: there is no folder {report.parent}")
    assert snapshot(site) == before and not report.parent.exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_a_report_into_a_read_only_folder_is_refused_before_any_article_is_written(tmp_path, fast, capsys):
    site = make_site(tmp_path / "site")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        assert imp(TWO, site, "--report", str(locked / "r.json")) == 1
    finally:
        locked.chmod(0o700)
    assert "is not writable" in capsys.readouterr().err
    assert not (site / "articles" / "2025").exists()


def test_init_failing_midway_leaves_nothing(tmp_path, monkeypatch, capsys):
    calls = []
    real = writes._write_synced

    def write_synced(path: Path, data: bytes) -> int:   # the disk fills up at the third file
        calls.append(path)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(path, data)

    monkeypatch.setattr(writes, "_write_synced", write_synced)
    assert main(["init", str(tmp_path / "new-site")]) == 1
    assert "No space left on device" in capsys.readouterr().err
    assert not (tmp_path / "new-site").exists()
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "README.md").write_text("mine\n", encoding="utf-8")
    calls.clear()
    assert main(["init", str(tmp_path / "old"), "--force"]) == 1
    assert snapshot(tmp_path / "old") == {"README.md": b"mine\n"}
    assert sorted(p.name for p in (tmp_path / "old").iterdir()) == ["README.md"]


# -- 5. --site must name a site -------------------------------------------------------------------------

@pytest.mark.parametrize("command", [["import", str(TWO), "--date", "2025-08-06"], ["new", "标题"]],
                         ids=["import", "new"])
def test_a_site_that_does_not_exist_is_refused_not_made(tmp_path, capsys, command):
    typo = tmp_path / "my-sitee"
    assert main([*command, "--site", str(typo)]) == 1
    err = capsys.readouterr().err
    assert f"{typo}: no such site directory" in err and "newsgen init" in err
    assert not typo.exists()


@pytest.mark.parametrize("command", [["import", str(TWO), "--date", "2025-08-06"], ["new", "标题"]],
                         ids=["import", "new"])
def test_a_folder_that_is_no_site_is_refused(tmp_path, capsys, command):
    folder = tmp_path / "bulletins"
    folder.mkdir()
    (folder / "2025-08-06.txt").write_text(ONE, encoding="utf-8")
    assert main([*command, "--site", str(folder)]) == 1
    err = capsys.readouterr().err
    assert "not a newsgen site: no newsgen.yaml and no articles/" in err and "--site" in err
    assert sorted(p.name for p in folder.iterdir()) == ["2025-08-06.txt"]


def test_an_empty_folder_may_become_a_site(tmp_path, fast):
    assert imp(TWO, tmp_path) == 0
    assert len(load_articles(tmp_path)[0]) == 2


# -- 6. a fresh site does not warn about base_url but where it matters -----------------------------------

def test_a_fresh_site_warns_about_base_url_on_build_only(tmp_path, capsys, monkeypatch):
    site = tmp_path / "s"
    assert main(["init", str(site)]) == 0
    assert "set base_url in newsgen.yaml" in capsys.readouterr().out   # said once, with how
    (site / "articles" / "a.md").write_text("---\ntitle: 一\ndate: 2025-08-06\n---\n\n正文。\n", encoding="utf-8")
    assert main(["check", "--site", str(site)]) == 0
    assert main(["new", "标题", "--site", str(site), "--date", "2025-08-06"]) == 0
    assert "base_url" not in capsys.readouterr().err
    assert main(["build", "--site", str(site), "--no-search"]) == 0
    assert capsys.readouterr().err.count("base_url '/' has no scheme and host") == 1


def test_init_takes_a_base_url_checked_as_the_configs(tmp_path, capsys):
    assert main(["init", str(tmp_path / "bad"), "--base-url", "example.org/news"]) == 1
    assert "--base-url: base_url 'example.org/news' has no scheme" in capsys.readouterr().err
    assert not (tmp_path / "bad").exists()
    site = tmp_path / "good"
    assert main(["init", str(site), "--base-url", "https://example.org/news/"]) == 0
    assert "set base_url" not in capsys.readouterr().out
    from newsgen import config
    assert config.load(site).base_url == "https://example.org/news/"
    (site / "articles" / "a.md").write_text("---\ntitle: 一\ndate: 2025-08-06\n---\n\n正文。\n", encoding="utf-8")
    assert main(["build", "--site", str(site), "--no-search"]) == 0
    assert "base_url" not in capsys.readouterr().err


def test_init_force_never_writes_through_a_symbolic_link(tmp_path, capsys):
    outside = tmp_path / "outside.txt"
    outside.write_text("not the site's\n", encoding="utf-8")
    site = tmp_path / "s"
    site.mkdir()
    (site / "README.md").symlink_to(outside)
    assert main(["init", str(site), "--force"]) == 1
    assert f"{site / 'README.md'}: is not a regular file" in capsys.readouterr().err
    assert outside.read_text(encoding="utf-8") == "not the site's\n"
    assert sorted(p.name for p in site.iterdir()) == ["README.md"]
