"""The command line: help for every option, exit codes 0/1/2, diagnostics on stderr."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from newsgen.cli import main

FIXTURE = Path(__file__).parent / "fixtures" / "site"


def exit_code(argv: list[str]) -> int:
    try:
        return main(argv)
    except SystemExit as exc:  # argparse: --help, --version and usage errors
        return int(exc.code or 0)


@pytest.mark.parametrize("argv, options", [
    ([], ["--version", "build", "import"]),
    (["build"], ["--site", "--output", "--base-url", "--verbose"]),
    (["import"], ["BULLETIN", "--site", "--date", "--dry-run", "--force", "--report", "--verbose"]),
])
def test_help_describes_every_option(argv, options, capsys):
    assert exit_code([*argv, "--help"]) == 0
    out = capsys.readouterr().out
    for option in options:
        assert re.search(rf"{re.escape(option)}\b.*\S", out), option


def test_usage_errors_exit_2(capsys):
    assert exit_code([]) == 2
    assert exit_code(["build", "--no-such-option"]) == 2
    assert exit_code(["publish"]) == 2
    assert "invalid choice: 'publish'" in capsys.readouterr().err


def test_build_succeeds_and_says_what_it_wrote(tmp_path, capsys):
    assert exit_code(["build", "--site", str(FIXTURE), "--output", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    pages = len(list((tmp_path / "out").rglob("*.html")))
    xml = len(list((tmp_path / "out").rglob("*.xml"))) + 1  # + robots.txt
    assert re.search(rf"built {pages} pages and {xml} other files \(feeds, sitemaps, robots.txt\) "
                     rf"into {re.escape(str(tmp_path / 'out'))} in \d+\.\d+s", out)


def test_build_verbose_reports_progress_on_stderr(tmp_path, capsys):
    assert exit_code(["build", "-v", "--site", str(FIXTURE), "--output", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    assert "articles: read" in err and "write:" in err


def test_bad_input_exits_1_with_every_problem_and_changes_nothing(tmp_path, capsys):
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site)
    out = tmp_path / "out"
    assert exit_code(["build", "--site", str(site), "--output", str(out)]) == 0
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    bad = next((site / "articles").rglob("*.md"))
    lines = bad.read_text(encoding="utf-8").splitlines()
    lines[2] = "date: [2025-08-06"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (site / "articles" / "untitled.md").write_text("---\ndate: 2025-08-06\n---\n正文\n", encoding="utf-8")
    capsys.readouterr()
    assert exit_code(["build", "--site", str(site), "--output", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"{bad.relative_to(site)}:3: invalid YAML" in err
    assert "articles/untitled.md:2: missing required key 'title'" in err
    assert "2 error(s); nothing was changed" in err
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before


def test_import_of_a_missing_bulletin_exits_1(tmp_path, capsys):
    assert exit_code(["import", str(tmp_path / "nope.txt"), "--site", str(tmp_path), "--date", "2025-08-06"]) == 1
    assert "nope.txt: cannot read bulletin" in capsys.readouterr().err


def test_console_script_and_module_entry_point():
    run = subprocess.run([sys.executable, "-m", "newsgen", "--version"], capture_output=True, text=True)
    assert run.returncode == 0 and re.fullmatch(r"newsgen \d+\.\d+\.\d+\n", run.stdout)


def test_module_entry_point_flushes_its_output_and_keeps_exit_codes(tmp_path):
    """``python -m newsgen`` ends with os._exit (no interpreter teardown): what it printed still
    arrives through a pipe, and a failed build still exits 1 with its diagnostics."""
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site)
    argv = [sys.executable, "-m", "newsgen", "build", "--site", str(site), "--output", str(tmp_path / "out")]
    ok = subprocess.run(argv, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert re.match(r"built \d+ pages and \d+ other files", ok.stdout) and ok.stdout.endswith("s\n")
    (site / "articles" / "untitled.md").write_text("---\ndate: 2025-08-06\n---\n正文\n", encoding="utf-8")
    bad = subprocess.run(argv, capture_output=True, text=True)
    assert bad.returncode == 1
    assert "articles/untitled.md:2: missing required key 'title'" in bad.stderr
    assert bad.stderr.endswith("1 error(s); nothing was changed\n")


def test_only_build_skips_the_interpreter_teardown(tmp_path):
    """``build`` ends with os._exit (see cli.EXIT_WITHOUT_TEARDOWN); every other command exits normally,
    running what it registered to run at exit."""
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site)
    code = ("import atexit, sys; atexit.register(lambda: print('torn down')); from newsgen.cli import run; "
            "sys.argv = ['newsgen', *sys.argv[1:]]; run()")
    ran = {command: subprocess.run([sys.executable, "-c", code, command, "--site", str(site), *extra],
                                   capture_output=True, text=True)
           for command, extra in (("build", ["--output", str(tmp_path / "out")]), ("check", []))}
    assert ran["build"].returncode == 0 and ran["check"].returncode in (0, 1), [r.stderr for r in ran.values()]
    assert "torn down" not in ran["build"].stdout and "torn down" in ran["check"].stdout
