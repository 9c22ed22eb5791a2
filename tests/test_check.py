"""``newsgen check``: every problem at once with its file and line; ``--fix`` never touches a body byte.

``tests/fixtures/check/`` is a site with at least one of each problem; its report is
``tests/fixtures/check/expected.txt`` (refresh with ``NEWSGEN_REFRESH_GOLDEN=1 pytest tests/test_check.py``
after an intended change of a message).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from newsgen.cli import main
from newsgen.commands.check import body_links, check, with_front_matter
from newsgen.commands.init import init
from newsgen.content import split_front_matter

FIXTURE = Path(__file__).parent / "fixtures" / "check"
EXPECTED = FIXTURE / "expected.txt"
TODAY = dt.date(2025, 8, 31)


def report_lines(site: Path) -> list[str]:
    result = check(site, today=TODAY)
    return [str(d) for d in result.diagnostics] + [str(n) for n in result.notes]


def test_every_problem_is_reported_with_its_file_and_line():
    lines = report_lines(FIXTURE)
    if os.environ.get("NEWSGEN_REFRESH_GOLDEN") == "1":
        EXPECTED.write_text("\n".join(lines) + "\n", encoding="utf-8")
    expected = EXPECTED.read_text(encoding="utf-8").splitlines()
    assert lines == expected
    problems = [line for line in lines if ": note: " not in line]
    assert len(problems) >= 12
    # every problem names a file and a line in it
    assert all(line.split(":", 2)[1].isdigit() for line in problems), problems
    kinds = ["invalid YAML", "missing required key 'date'", "invalid date 2025-02-30", "'draft' must be true",
             "must be one URL segment", "tab character", "not UTF-8", "unknown key 'tpoics': did you mean 'topics'",
             "same URL /2025/08/gongshui/", "is also the slug of", "'江西省/南昌市/青山湖区/罗家真' is not a place",
             "write the full path '江西省/南昌市/青山湖区/罗家镇'",
             "topic '水力' is not in the taxonomy; did you mean '水利'",
             "'/news/2025/08/no-such-page/' points to no page", "did you mean /news/2025/08/places/",
             "points to a Markdown file", "outside the site's base path", "a draft or future-dated article"]
    for kind in kinds:
        assert sum(kind in line for line in problems) == 1, kind


def test_the_lines_point_at_the_right_place():
    by_file: dict[str, list[int]] = {}
    for line in report_lines(FIXTURE):
        path, number, _ = line.split(":", 2)
        by_file.setdefault(path, []).append(int(number))
    text = (FIXTURE / "articles/2025/08/places.md").read_text(encoding="utf-8").splitlines()
    assert [text[n - 1] for n in by_file["articles/2025/08/places.md"]] == [
        "  - 江西省/南昌市/青山湖区/罗家真", "  - 罗家镇", "topics: [水利, 水力]", "tpoics: [党建引领]"]
    links = (FIXTURE / "articles/2025/08/links.md").read_text(encoding="utf-8").splitlines()
    assert [links[n - 1][:4] for n in by_file["articles/2025/08/links.md"]] == [
        "坏的链接", "坏的链接", "[源文件", "![图]", "[草稿]"]


def test_drafts_and_future_articles_are_listed_not_counted_as_problems():
    result = check(FIXTURE, today=TODAY)
    assert [str(n) for n in result.notes] == [
        "articles/2025/08/draft-later.md:9: note: draft: left out of build (set draft: false to publish; "
        "newsgen serve --drafts shows it)",
        "articles/2999/01/future.md:3: note: dated 2999-01-01, after today: left out of build until then "
        "(newsgen build --future includes it)"]


def test_cli_prints_every_problem_and_exits_1(capsys):
    assert main(["check", "--site", str(FIXTURE)]) == 1
    out = capsys.readouterr().out
    expected = [line for line in EXPECTED.read_text(encoding="utf-8").splitlines() if "note: dated" not in line]
    for line in expected:
        assert line in out
    assert out.rstrip().endswith("newsgen check: 8 article(s) read, 14 error(s), 4 warning(s), 2 left out of build")


def test_check_help_names_its_options(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["check", "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "--fix" in out and "--links" in out and "--site" in out


def bodies(site: Path) -> dict[str, bytes]:
    """Each article's bytes after its closing fence: what --fix must never change."""
    out = {}
    for path in sorted((site / "articles").rglob("*.md")):
        data = path.read_bytes()
        lines = data.splitlines(keepends=True)
        close = next((i for i in range(1, len(lines)) if lines[i].rstrip() == b"---"), None)
        out[str(path.relative_to(site))] = b"".join(lines[close:]) if close else data
    return out


@pytest.fixture
def fixable(tmp_path: Path) -> Path:
    site = tmp_path / "check"
    shutil.copytree(FIXTURE, site)
    # bodies --fix must leave alone: Windows line ends, no final newline, trailing spaces, a BOM
    (site / "articles/2025/08/crlf.md").write_bytes(
        "\ufeff---\r\ntitle: 罗家镇党员修缮水渠\r\ndate: 2025-08-11\r\n---\r\n\r\n"
        "南昌市青山湖区罗家镇党员修缮水渠。  \r\n\r\n## 小标题\r\n\r\n没有结尾的换行".encode())
    return site


def test_fix_fills_derived_fields_and_leaves_every_body_byte_identical(fixable, capsys):
    before = bodies(fixable)
    assert main(["check", "--fix", "--site", str(fixable)]) == 1   # the other problems are still there
    out = capsys.readouterr().out
    assert "+slug: needs-fix" in out and "+regions: [江西省/南昌市/青山湖区/罗家镇]" in out
    assert "fixed 2 file(s): front matter only, bodies untouched" in out
    assert bodies(fixable) == before
    fixed = (fixable / "articles/2025/08/needs-fix.md").read_text(encoding="utf-8")
    assert fixed.startswith("---\n# 编辑手写的一篇")            # comments and existing lines kept
    assert "\ntags: [" in fixed and "tags: []" not in fixed       # an empty value is filled in place
    for key in ("slug: needs-fix", "regions: [江西省/南昌市/青山湖区/罗家镇]", "topics: [", "summary: 南昌市"):
        assert f"\n{key}" in fixed
    crlf = (fixable / "articles/2025/08/crlf.md").read_bytes()
    assert crlf.startswith("\ufeff---\r\ntitle: 罗家镇党员修缮水渠\r\ndate: 2025-08-11\r\nslug: crlf\r\n".encode())
    assert b"\n" not in crlf.replace(b"\r\n", b"")
    # a second run finds nothing more to fill
    assert check(fixable, fix=True, today=TODAY).fixed == []
    assert bodies(fixable) == before


def test_fix_writes_nothing_when_the_config_is_broken(fixable):
    (fixable / "newsgen.yaml").write_text("title: [\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in (fixable / "articles").rglob("*.md")}
    result = check(fixable, fix=True, today=TODAY)
    assert result.fixed == [] and not result.ok
    assert {p: p.read_bytes() for p in (fixable / "articles").rglob("*.md")} == before


def test_with_front_matter_keeps_other_lines_and_puts_new_keys_before_source():
    text = "---\ntitle: 标题  # 注释\ndate: 2025-08-06\ntags: []\nsource:\n  bulletin: x.txt\n---\n\n正文\n"
    out = with_front_matter(text, {"tags": ["甲"], "slug": "biaoti"})
    assert out == ("---\ntitle: 标题  # 注释\ndate: 2025-08-06\ntags: [甲]\nslug: biaoti\nsource:\n"
                   "  bulletin: x.txt\n---\n\n正文\n")
    assert split_front_matter(out)[1] == split_front_matter(text)[1]


def test_body_links_skip_code():
    body = "[a](/x/) `[b](/y/)`\n```\n[c](/z/)\n```\n[ref]: /r/\n<a href=\"/h/\">h</a>\n    [d](/indented/)"
    assert body_links(body) == [(0, "/x/"), (4, "/r/"), (5, "/h/")]


def test_links_builds_and_follows_every_link_of_the_output(tmp_path, capsys):
    site = tmp_path / "s"
    init(site, province="江西省")
    article = site / "articles" / "2025" / "08" / "a.md"
    article.parent.mkdir(parents=True)
    article.write_text("---\ntitle: 一篇\ndate: 2025-08-06\nslug: a\nregions: [江西省/南昌市]\ntopics: [水利]\n"
                       "tags: [供水]\nsummary: 摘要。\n---\n\n正文。\n\n[不存在的主题](/topics/no-such-topic/)\n",
                       encoding="utf-8")
    assert check(site).ok   # the body check takes /topics/… on trust …
    result = check(site, links=True)
    assert result.links_checked
    assert [str(d) for d in result.errors] == [   # … the built site does not
        "articles/2025/08/a.md:13: the built page 2025/08/a/index.html links to /topics/no-such-topic/, which is "
        "missing (no file topics/no-such-topic/index.html)"]
    assert not (site / "build").exists()   # built into a temporary folder
    article.write_text(article.read_text(encoding="utf-8").replace("no-such-topic", "shuili"), encoding="utf-8")
    assert main(["check", "--links", "--site", str(site)]) == 0
    assert "links of the built site followed" in capsys.readouterr().out


def test_check_without_places_or_fix_does_not_load_the_nlp_stack(tmp_path):
    site = tmp_path / "s"
    init(site)
    (site / "articles" / "a.md").write_text("---\ntitle: 一\ndate: 2025-08-06\n---\n\n正文。\n", encoding="utf-8")
    code = ("import sys; from pathlib import Path; from newsgen.commands.check import check; "
            f"assert check(Path({str(site)!r})).ok; "
            "print(sorted(m for m in ('jieba', 'jionlp', 'newsgen.enrich') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_import_reads_existing_articles_with_the_one_reader(tmp_path, capsys):
    """import finds its earlier files by sha256 through content's reader, skips broken files and ``_`` folders."""
    bulletin = Path(__file__).parent / "fixtures" / "import" / "two-articles.txt"
    args = ["import", str(bulletin), "--site", str(tmp_path), "--date", "2025-08-06"]
    assert main(args) == 0
    mine = sorted((tmp_path / "articles").rglob("*.md"))
    # an editor's broken file and a copy kept in a '_' folder (which build ignores) change nothing
    (tmp_path / "articles/2025/08/broken.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    (tmp_path / "articles/_old").mkdir()
    shutil.copy(mine[0], tmp_path / "articles/_old" / mine[0].name)
    capsys.readouterr()
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "already imported: 2 article(s)" in out and "_old" not in out
    # a slug is never the name of a broken file: --force keeps its own slugs and writes beside it
    assert main([*args, "--force"]) == 0
    assert (tmp_path / "articles/2025/08/broken.md").read_text(encoding="utf-8") == "---\ntitle: [\n---\n"
