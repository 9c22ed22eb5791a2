"""Cases of issue 18's classes that its list did not name, found by probing the CLI as an attacker and a
careless newsroom would: a bulletin that is a FIFO or a device, a bulletin of one long line with no
punctuation, an article folder linked outside the site, a ``--date`` no article may have, a build
into the site's ``bulletins/`` folder.

Each fails without its fix: a hang (run in a subprocess with a time limit, so a regression fails
instead of stalling the suite), minutes of work, files written outside the site, or a file that
``build`` then refuses. Every pre-existing file keeps its bytes.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fakes import fake_enrich, snapshot
from newsgen import enrich as enrich_mod
from newsgen.cli import main

ONE = "修水县建成首批数字乡村示范点\n\n近日，修水县黄沙镇的村民打开手机就能查看茶园数据。（陈明）\n"
SRC = str(Path(__file__).parent.parent / "src")


@pytest.fixture
def fast(monkeypatch):
    monkeypatch.setattr(enrich_mod, "enrich", fake_enrich)


def make_site(root: Path) -> Path:
    (root / "articles").mkdir(parents=True)
    (root / "newsgen.yaml").write_text("title: 测试站\nbase_url: https://example.org/\n", encoding="utf-8")
    return root


def exit_code(argv: list[str]) -> int:
    try:
        return main(argv)
    except SystemExit as exc:  # argparse: usage errors
        return int(exc.code or 0)


def run_cli(*argv: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run([sys.executable, "-m", "newsgen", *argv], capture_output=True, text=True,
                          timeout=timeout, env=env)


# -- a bulletin that never ends, or waits for a writer -----------------------------------------------

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
@pytest.mark.parametrize("kind", ["fifo", "/dev/zero", "/dev/urandom", "folder"])
def test_a_bulletin_that_is_a_fifo_a_device_or_a_folder_is_refused_at_once(tmp_path, kind):
    site = make_site(tmp_path / "site")
    if kind == "fifo":
        bulletin = tmp_path / "page1.txt"
        os.mkfifo(bulletin)
    elif kind == "folder":
        bulletin = tmp_path / "page1.txt"
        bulletin.mkdir()
    else:
        bulletin = Path(kind)
        if not bulletin.exists():
            pytest.skip(f"no {kind}")
    before = snapshot(site)
    start = time.monotonic()
    try:   # before the fix: opening the FIFO waited forever; /dev/zero filled the memory
        done = run_cli("import", str(bulletin), "--site", str(site), "--date", "2025-08-06", timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail(f"import of a {kind} did not end in 30 s")
    assert done.returncode == 1, done.stderr
    assert f"{bulletin}: cannot read bulletin: it is a" in done.stderr and "Traceback" not in done.stderr
    assert time.monotonic() - start < 30
    assert snapshot(site) == before


# -- one long line with no punctuation: bounded time ---------------------------------------------------

def test_a_long_run_without_punctuation_is_tokenized_in_linear_time():
    from newsgen.enrich import words

    words.tokenize("测试")                      # jieba's dictionary loaded outside the timing
    text = "测" * 200_000                      # 600 kB: jieba's HMM took minutes on it (quadratic)
    start = time.monotonic()
    tokens = words.tokenize(text)
    took = time.monotonic() - start
    assert "".join(tokens) == text              # nothing lost
    assert took < 20, f"{took:.1f} s for one line of 200,000 characters"
    normal = "近日，修水县黄沙镇的村民打开手机就能查看茶园数据。" * 3
    assert words.tokenize(normal) == list(words.tokenizer(frozenset()).cut(normal, HMM=True))


def test_a_bulletin_of_one_long_line_imports_in_bounded_time(tmp_path):
    site = make_site(tmp_path / "site")
    bulletin = tmp_path / "line.txt"
    bulletin.write_text("测" * 150_000, encoding="utf-8")   # 450 kB; before the fix: about 3 minutes
    try:
        done = run_cli("import", str(bulletin), "--site", str(site), "--date", "2025-08-06", "--dry-run",
                       timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("importing one 450 kB line did not end in 60 s")
    assert done.returncode == 0, done.stderr
    assert "would write 1 article file(s)" in done.stdout


# -- no article written through a link that leads outside the site -----------------------------------

@pytest.mark.parametrize("linked", ["articles/2025/08", "articles/2025"])
def test_import_and_new_never_write_through_a_link_leading_outside_the_site(tmp_path, fast, capsys, linked):
    site = make_site(tmp_path / "site")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.md").write_text("mine\n", encoding="utf-8")
    link = site / linked
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(outside, target_is_directory=True)
    bulletin = tmp_path / "page1.txt"
    bulletin.write_text(ONE, encoding="utf-8")
    before, before_outside = snapshot(site), snapshot(outside)
    assert exit_code(["import", str(bulletin), "--site", str(site), "--date", "2025-08-06"]) == 1
    assert exit_code(["new", "修水县建成首批数字乡村示范点", "--site", str(site), "--date", "2025-08-06"]) == 1
    err = capsys.readouterr().err
    assert err.count(f"{linked}: cannot write") == 2 and "leads outside the site" in err, err
    assert snapshot(outside) == before_outside and snapshot(site) == before
    assert exit_code(["import", str(bulletin), "--site", str(site), "--date", "2026-09-06"]) == 0  # elsewhere: fine


# -- a --date that build would refuse -------------------------------------------------------------------

@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_date_build_refuses_is_refused_by_new_and_import(tmp_path, fast, capsys, day):
    site = make_site(tmp_path / "site")
    bulletin = tmp_path / "page1.txt"
    bulletin.write_text(ONE, encoding="utf-8")
    before = snapshot(site)
    assert exit_code(["new", "标题", "--site", str(site), "--date", day]) == 2
    assert exit_code(["import", str(bulletin), "--site", str(site), "--date", day]) == 2
    assert capsys.readouterr().err.count(f"'{day}' is out of range") == 2
    assert snapshot(site) == before
    assert exit_code(["new", "标题", "--site", str(site), "--date", "0001-01-02", "--publish"]) == 0
    assert exit_code(["check", "--site", str(site)]) == 0


# -- a build into the folder the raw bulletins are kept in -------------------------------------------

@pytest.mark.parametrize("output", ["bulletins", "bulletins/site"])
def test_build_refuses_the_sites_bulletins_folder_as_its_output(tmp_path, capsys, output):
    site = tmp_path / "site"
    assert main(["init", str(site)]) == 0
    assert not any((site / "bulletins").iterdir())   # empty: a build would have taken it as its own
    before = snapshot(site)
    assert main(["build", "--site", str(site), "--output", str(site / output), "--no-search"]) == 1
    assert "must not be the site's bulletins/" in capsys.readouterr().err
    assert snapshot(site) == before and not any((site / "bulletins").iterdir())
    # so a bulletin saved there later is not deleted by the next build
    (site / "bulletins" / "page1.txt").write_text(ONE, encoding="utf-8")
    assert main(["build", "--site", str(site), "--output", str(site / output), "--no-search"]) == 1
    assert (site / "bulletins" / "page1.txt").read_text(encoding="utf-8") == ONE


# -- init --force over an existing site ------------------------------------------------------------------

def test_init_force_never_overwrites_a_sites_settings_or_its_customised_theme(tmp_path, capsys):
    site = tmp_path / "site"
    assert main(["init", str(site), "--theme-copy", "--province", "江西省"]) == 0
    with (site / "newsgen.yaml").open("a", encoding="utf-8") as f:
        f.write("# the newsroom's own settings\n")
    with (site / "templates" / "base.html").open("a", encoding="utf-8") as f:
        f.write("{# customised #}\n")
    (site / "articles" / "a.md").write_text("---\ntitle: x\ndate: 2025-08-06\n---\nbody\n", encoding="utf-8")
    before = snapshot(site)
    # before the fix: both files silently replaced by the skeleton's, exit 0
    assert main(["init", str(site), "--force", "--theme-copy"]) == 1
    err = capsys.readouterr().err
    assert f"{site / 'newsgen.yaml'}: already exists with other content" in err
    assert f"{site / 'templates' / 'base.html'}: already exists with other content" in err
    assert snapshot(site) == before
    # a file init would write as it is already there is no obstacle; a missing one is added
    (site / "README.md").unlink()
    (site / "newsgen.yaml").write_bytes(before["newsgen.yaml"])
    assert main(["init", str(site), "--force", "--province", "江西省"]) == 1   # newsgen.yaml still differs
    assert not (site / "README.md").exists()


# -- a report path that is one of the import's own files ---------------------------------------------------

def test_a_report_path_naming_a_file_the_import_writes_says_so(tmp_path, fast, capsys):
    site = make_site(tmp_path / "site")
    bulletin = tmp_path / "page1.txt"
    bulletin.write_text(ONE, encoding="utf-8")
    (site / "articles" / "2025" / "08").mkdir(parents=True)
    before = snapshot(site)
    report = site / "articles" / "2025" / "08" / "a0.md"     # the slug the import plans for its article
    assert exit_code(["import", str(bulletin), "--site", str(site), "--date", "2025-08-06",
                      "--report", str(report)]) == 1
    err = capsys.readouterr().err
    # before the fix: "appeared while this import ran (another program wrote it)", which sent one looking
    # for another program
    assert "a file this import writes itself" in err and "another program" not in err, err
    assert snapshot(site) == before


# -- a bulletin whose file name holds a line break ------------------------------------------------------

def test_a_bulletin_name_with_a_line_break_keeps_one_unplaced_file(tmp_path, fast):
    site = make_site(tmp_path / "site")
    bulletin = tmp_path / "page\n1.txt"
    bulletin.write_text(f"第3版 要闻\n\n{ONE}\n责任编辑：王五\n", encoding="utf-8")
    assert exit_code(["import", str(bulletin), "--site", str(site), "--date", "2025-08-06"]) == 0
    first = snapshot(site)
    unplaced = [name for name in first if name.startswith("articles/_unplaced/")]
    assert len(unplaced) == 1 and "王五" in first[unplaced[0]].decode()
    # before the fix the file's first line ended inside the name, so its own import did not know it again
    # and --force wrote a second copy beside it (page\n1-2.txt)
    assert exit_code(["import", str(bulletin), "--site", str(site), "--date", "2025-08-06", "--force"]) == 0
    assert snapshot(site) == first


@pytest.mark.parametrize("option", ["--author", "--topic", "--tag", "--region"])
def test_new_refuses_an_empty_name(tmp_path, capsys, option):
    site = make_site(tmp_path / "site")
    before = snapshot(site)
    # before the fix: authors: [''] or topics: [''] written, and check said nothing
    assert exit_code(["new", "标题", "--site", str(site), option, " "]) == 1
    assert f"{option}: {option} must not be empty" in capsys.readouterr().err
    assert snapshot(site) == before


# --------------------------------------------------------------------------- special files a site holds

@pytest.mark.parametrize("command", ["build", "check", "new"])
def test_a_newsgen_yaml_that_is_a_fifo_is_refused_at_once(tmp_path: Path, command: str):
    """Opening a FIFO waits for a writer: every command read newsgen.yaml so and hung for good."""
    site = make_site(tmp_path / "s")
    (site / "newsgen.yaml").unlink()
    os.mkfifo(site / "newsgen.yaml")
    argv = [command, "--site", str(site)] + (["标题"] if command == "new" else [])
    done = run_cli(*argv, timeout=60)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "newsgen.yaml: cannot read newsgen.yaml: it is a FIFO (named pipe), not a file" in done.stdout + done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("where", ["articles/2025/f.md", "templates/base.html", "static/f.css"])
def test_a_fifo_or_socket_among_the_sites_files_is_an_error_not_skipped(tmp_path: Path, where: str):
    """A FIFO article was counted as nothing and a FIFO template silently gave way to the theme's: now
    each is an error naming it, and never opened (the check returns, it does not wait)."""
    site = make_site(tmp_path / "s")
    (site / where).parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(site / where)
    done = run_cli("check", "--site", str(site), timeout=60)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"{where}: it is a FIFO (named pipe), not a file" in done.stdout


# --------------------------------------------------------------------------- work that grew quadratically

def test_a_bulletin_of_thousands_of_headline_less_lines_parses_in_bounded_time():
    """Every seam of a run was weighed against its whole tail: 30,000 short lines with no headline took
    minutes (3,000 took 9 s). Only seams a glued tail's length from the end are tried now."""
    code = ("from newsgen.bulletin import parse\n"
            "t = ''.join(f'标题{i}号\\n\\n' for i in range(30000))\n"
            "p = parse(t)\n"
            "print(sum(len(d.blocks) for d in p.drafts) + len(p.unplaced))\n")
    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) >= 1
    assert time.monotonic() - start < 90   # about 5 s here; minutes before


def test_fifty_thousand_articles_of_one_title_get_their_slugs_in_bounded_time():
    """unique_slug counted up from -2 for every article of one title: quadratic in their number."""
    from newsgen.text import unique_slug

    taken = {"a"}
    start = time.monotonic()
    for _ in range(50_000):
        taken.add(unique_slug("a", taken))
    assert time.monotonic() - start < 10   # 0.3 s here; about 100 s before
    assert taken == {"a"} | {f"a-{n}" for n in range(2, 50_002)}   # still the next number each time


def test_the_import_lock_is_never_followed_through_a_symbolic_link(tmp_path: Path, fast):
    """A lock file that is a link to a missing file made import create that file, wherever it led."""
    site = make_site(tmp_path / "s")
    outside = tmp_path / "outside" / "made-by-newsgen"
    outside.parent.mkdir()
    (site / ".newsgen-import.lock").symlink_to(outside)
    bulletin = tmp_path / "b.txt"
    bulletin.write_text(ONE, encoding="utf-8")
    assert exit_code(["import", str(bulletin), "--site", str(site), "--date", "2025-08-06"]) == 1
    assert not outside.exists()
    assert not list((site / "articles").rglob("*.md"))


def test_an_article_of_year_one_is_filed_under_a_four_digit_year(tmp_path: Path, fast):
    site = make_site(tmp_path / "s")
    assert exit_code(["new", "标题", "--site", str(site), "--date", "0001-01-02", "--region", "江西省"]) == 0
    assert [p.relative_to(site).parts[:3] for p in (site / "articles").rglob("*.md")] == [("articles", "0001", "01")]
