"""``newsgen check`` against hostile sites: ``--fix`` that cannot write everything says what it wrote,
follows symbolic links, respects read-only files and keeps modes and body bytes; every problem of a
file is reported; and no site that ``build`` cannot build is called clean.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import pytest

from newsgen import cli
from newsgen.commands import check as check_mod
from newsgen.commands.check import check
from newsgen.commands.init import init

TODAY = dt.date(2025, 8, 31)


def article(slug: str, body: str = "南昌市青山湖区罗家镇完成供水管网改造，惠及居民三千户。\n",
            summary: bool = False) -> str:
    """An article whose only missing derived field is ``summary`` (--fix fills it without the NLP stack)."""
    return (f"---\ntitle: 罗家镇完成供水管网改造{slug}\ndate: 2025-08-06\nslug: {slug}\n"
            "regions: [江西省/南昌市/青山湖区/罗家镇]\ntopics: [水利]\ntags: [供水]\n"
            + ("summary: 已有摘要。\n" if summary else "") + f"---\n\n{body}")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    init(root, province="江西省")
    (root / "newsgen.yaml").write_text((root / "newsgen.yaml").read_text(encoding="utf-8")
                                       + "base_url: https://example.org/\n", encoding="utf-8")
    (root / "articles/2025/08").mkdir(parents=True)
    return root


def write(site: Path, rel: str, text: str | bytes) -> Path:
    path = site / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def snapshot(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file() and not p.is_symlink()}


# --------------------------------------------------------------------------- 1. a partial --fix says what changed

def test_a_fix_that_fails_midway_names_the_files_rewritten_and_those_left(site, monkeypatch, capsys):
    paths = [write(site, f"articles/2025/08/{name}.md", article(name)) for name in ("a", "b", "c")]
    before = {p: p.read_bytes() for p in paths}
    real_replace = os.replace
    calls = []

    def failing_replace(src, dst):   # the second rewrite fails, as on a full disk
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(check_mod.os, "replace", failing_replace)
    code = cli.main(["check", "--fix", "--site", str(site)])
    out = capsys.readouterr()
    assert code == 1
    assert "nothing was changed" not in out.out + out.err
    assert ("articles/2025/08/b.md: --fix could not rewrite this file (cannot write: No space left on device), "
            "so it stopped there: already rewritten (their diffs are shown): articles/2025/08/a.md; left as "
            "they were: articles/2025/08/b.md, articles/2025/08/c.md") in out.out
    assert "fixed 1 file(s)" in out.out and "+summary:" in out.out
    assert paths[0].read_bytes() != before[paths[0]] and b"\nsummary: " in paths[0].read_bytes()
    assert [p.read_bytes() for p in paths[1:]] == [before[p] for p in paths[1:]]
    assert not [p for p in (site / "articles").rglob(".*.tmp")]   # no temporary file left behind


def test_a_file_changed_while_check_ran_is_not_overwritten(site, monkeypatch):
    path = write(site, "articles/2025/08/a.md", article("a"))
    real_derive = check_mod.derive

    def editor_saves(*args, **kwargs):   # the editor saves the file between the read and the write
        path.write_text(article("a") + "编辑刚加的一段。\n", encoding="utf-8")
        return real_derive(*args, **kwargs)

    monkeypatch.setattr(check_mod, "derive", editor_saves)
    result = check(site, fix=True, today=TODAY)
    assert result.fixed == []
    assert path.read_text(encoding="utf-8").endswith("编辑刚加的一段。\n")
    assert any("it changed while check ran" in d.message for d in result.errors)


# --------------------------------------------------------------------------- 2. links, read-only files, modes

def test_fix_through_a_symbolic_link_keeps_the_link_and_fixes_its_target(site):
    target = write(site, "shared/a.md", article("a"))
    link = site / "articles/2025/08/a.md"
    link.symlink_to(os.path.relpath(target, link.parent))
    result = check(site, fix=True, today=TODAY)
    assert [str(f.path) for f in result.fixed] == ["articles/2025/08/a.md"]
    assert link.is_symlink() and os.readlink(link) == os.path.relpath(target, link.parent)
    assert b"\nsummary: " in target.read_bytes()
    assert check(site, fix=True, today=TODAY).fixed == []


def test_fix_never_follows_a_link_out_of_the_site(site, tmp_path):
    outside = write(tmp_path, "outside/a.md", article("a"))
    before = outside.read_bytes()
    (site / "articles/2025/08/a.md").symlink_to(outside)
    result = check(site, fix=True, today=TODAY)
    assert result.fixed == [] and outside.read_bytes() == before
    assert any("leads outside the site" in d.message for d in result.errors)


def test_fix_leaves_a_read_only_file_as_it_is_and_says_how_to_allow_it(site):
    path = write(site, "articles/2025/08/a.md", article("a"))
    other = write(site, "articles/2025/08/b.md", article("b"))
    path.chmod(0o444)
    before = path.read_bytes()
    result = check(site, fix=True, today=TODAY)
    assert [str(f.path) for f in result.fixed] == ["articles/2025/08/b.md"]
    assert path.read_bytes() == before and stat.S_IMODE(path.stat().st_mode) == 0o444
    assert b"\nsummary: " in other.read_bytes()
    assert [str(d) for d in result.warnings] == [
        "articles/2025/08/a.md: warning: articles/2025/08/a.md is read-only; to let --fix fill it, make it "
        "writable (chmod u+w articles/2025/08/a.md); --fix leaves it as it is (it lacks summary)"]


def test_fix_leaves_a_hard_linked_file_as_it_is(site):
    path = write(site, "articles/2025/08/a.md", article("a"))
    os.link(path, site / "a-copy.md")
    before = path.read_bytes()
    result = check(site, fix=True, today=TODAY)
    assert result.fixed == [] and path.read_bytes() == before == (site / "a-copy.md").read_bytes()
    assert any("other hard link" in d.message for d in result.warnings)


@pytest.mark.parametrize("body", [
    "第一段。\r\n\r\n第二段，没有结尾的换行",           # Windows line ends, no final newline
    "\ufeff正文里的字节顺序标记。  \n\n\n",               # a BOM inside the body, trailing spaces, blank lines
    "正文。\r旧 Mac 的换行。\r",                          # lone CRs
])
def test_fix_keeps_mode_and_every_body_byte(site, body):
    text = article("a", body=body)
    if "\r\n" in body:
        text = "\ufeff" + text.replace("\n", "\r\n").replace("\r\r\n", "\r\n")
    path = write(site, "articles/2025/08/a.md", text)
    path.chmod(0o640)
    old = path.read_bytes()
    result = check(site, fix=True, today=TODAY)
    assert [str(f.path) for f in result.fixed] == ["articles/2025/08/a.md"]
    new = path.read_bytes()
    close = old.index(b"---", 4)
    new_close = new.index(b"---", 4)
    assert new[new_close:] == old[close:]        # the closing fence and every byte after it
    assert new[:close] == old[:close]            # the existing lines before the new one, BOM included
    assert b"summary: " in new[close:new_close]
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


# --------------------------------------------------------------------------- 3. every problem of a file

EVERY_PROBLEM = {
    "bad date and a misspelt key": (
        "---\ntitle: 二月\ndate: 2025-02-30\ntpoics: [水利]\n---\n\n正文。\n",
        ["x.md:3: invalid date 2025-02-30 (day is out of range for month): write a real date as YYYY-MM-DD",
         "x.md:4: warning: unknown key 'tpoics': did you mean 'topics'?"]),
    "bad date, unknown place, empty place part, topic outside the taxonomy, tags of the wrong type": (
        "---\ntitle: 多个问题\ndate: 2025-02-30\nregions: [江西省/南昌市/青山湖区/罗家真, 江西省//罗家镇]\n"
        "topics: [水力]\ntags: {a: 1}\n---\n\n正文。\n",
        ["x.md:3: invalid date 2025-02-30 (day is out of range for month): write a real date as YYYY-MM-DD",
         "x.md:4: region '江西省//罗家镇' has an empty part: write it as 省/市/县/镇",
         "x.md:4: region '江西省/南昌市/青山湖区/罗家真' is not a place of the gazetteer nor of regions.aliases; "
         "if it is right, add it to regions.aliases in newsgen.yaml ('罗家真: 江西省/南昌市/青山湖区/罗家真')",
         "x.md:5: warning: topic '水力' is not in the taxonomy; did you mean '水利'? Or add it under topics: in "
         "newsgen.yaml with its keywords",
         "x.md:6: 'tags' must be a list of text items, e.g. tags: [a, b]"]),
    "a key given twice, a bad draft and a bad updated date": (
        "---\ntitle: 一\ndate: 2025-08-06\ntitle: 二\ndraft: 'no'\nupdated: 2025-13-01\n---\n\n正文。\n",
        ["x.md:4: key 'title' given twice, on lines 2 and 4; keep one of them",
         "x.md:5: 'draft' must be true or false, got 'no'",
         "x.md:6: invalid date 2025-13-01 (month must be in 1..12): write a real date as YYYY-MM-DD"]),
    "two bad dates, a bad slug and a title of the wrong type": (
        "---\ntitle: [一, 二]\ndate: 2025-02-29\nupdated: 2025-04-31\nslug: a/b\n---\n\n正文。\n",
        ["x.md:2: 'title' must be text, got list",
         "x.md:3: invalid date 2025-02-29 (day is out of range for month): write a real date as YYYY-MM-DD",
         "x.md:4: invalid date 2025-04-31 (day is out of range for month): write a real date as YYYY-MM-DD",
         "x.md:5: 'slug' 'a/b' must be one URL segment, without '/' or '\\'; e.g. 'a-b'"]),
}


@pytest.mark.parametrize("case", list(EVERY_PROBLEM))
def test_check_reports_every_problem_of_a_file_with_its_line(site, case):
    text, expected = EVERY_PROBLEM[case]
    write(site, "articles/2025/08/x.md", text)
    result = check(site, today=TODAY)
    found = [str(d).replace("articles/2025/08/", "") for d in result.diagnostics
             if str(d.location.path).endswith("x.md")]
    assert found == expected
    assert not result.ok


# ----------------------------------------------------- 4. check calls no site clean that build cannot build

GOOD = article("a", summary=True)
UNBUILDABLE = {   # files of the site -> what check says (a piece of the line)
    "a template that does not compile": (
        {"templates/article.html": "{% if %}x"},
        "templates/article.html:1: template error: Expected an expression"),
    "a template naming an undefined value (on tag pages only)": (
        {"templates/tag.html": "{% extends 'base.html' %}{% block main %}{{ page.nothing.deeper }}{% endblock %}"},
        "templates/tag.html:1: template error while rendering tags/gongshui/index.html: "),
    "a template including one that exists nowhere": (
        {"templates/article.html": "{% include 'nope.html' %}"},
        "templates/article.html: template article.html includes, imports or extends 'nope.html', which is neither "
        "in templates/ nor in the bundled theme"),
    "a template with a filter that does not exist": (
        {"templates/article.html": "{{ page|no_such_filter }}"},
        "templates/article.html:1: template error: No filter named 'no_such_filter'"),
    "a template that is not UTF-8": (
        {"templates/article.html": b"\xff\xfe{{ page }}"},
        "templates/article.html: template is not UTF-8 text (invalid start byte at byte 0)"),
    "a template extending itself": (
        {"templates/article.html": "{% extends 'article.html' %}"},
        "templates/article.html: templates extend each other in a circle (article.html -> article.html)"),
    "a template including itself": (
        {"templates/article.html": "{% include 'article.html' %}"},
        "templates/article.html:1: template error while rendering 2025/08/a/index.html: it goes too deep "
        "(templates including each other without end"),
    "an output path that is a file": (
        {"build": "not a folder"},
        "build: the output exists and is not a directory"),
    "an output folder newsgen did not write": (
        {"build/notes.txt": "mine"},
        "it is not empty and was not written by newsgen build"),
    "the output set to the templates folder": (
        {"newsgen.yaml+": "output_dir: templates\n", "templates/mine.html": "{{ 1 }}"},
        "templates: refusing to replace"),
    "an output folder inside a file": (
        {"newsgen.yaml+": "output_dir: newsgen.yaml/build\n"},
        "newsgen.yaml/build: the output directory cannot be made: "),
    "an article file whose name is not UTF-8": (
        {b"articles/2025/08/\xb1\xa8.md": article("b", summary=True)},
        "articles/2025/08/\\xb1\\xa8.md: the name is not UTF-8 text (an old encoding such as GBK?); "
        "rename it"),
    "a static file whose name is not UTF-8": (
        {b"static/\xb1\xa8.css": "x"},
        "static/\\xb1\\xa8.css: the name is not UTF-8 text"),
    "a static file whose name holds a backslash": (
        {"static/a\\b.css": "x"},
        "static/a\\b.css: static file static/a\\b.css cannot be written: its output path"),
    "a static folder where the theme has a file": (
        {"static/style.css/extra.css": "x"},
        "static/style.css/extra.css: static file static/style.css/extra.css needs a folder static/style.css/ in "
        "the output, where static file"),
    "a date a time zone moves out of year 1": (
        {"articles/2025/08/a.md": GOOD.replace("date: 2025-08-06", "date: 0001-01-01T00:00:00+14:00")},
        "articles/2025/08/a.md:3: 'date' 0001-01-01T00:00:00+14:00 is at the edge of the calendar"),
    "a place path hundreds of levels deep": (
        {"articles/2025/08/a.md": GOOD.replace("江西省/南昌市/青山湖区/罗家镇",
                                               "江西省/" + "/".join(f"镇{i}" for i in range(400)))},
        "' has 401 levels; a place path has at most 10 (省/市/县/镇/村 is 5)"),
    "a date a time zone moves out of year 9999": (
        {"articles/2025/08/a.md": GOOD.replace("date: 2025-08-06", "date: 9999-12-31T23:00:00-12:00")},
        "articles/2025/08/a.md:3: 'date' 9999-12-31T23:00:00-12:00 is at the edge of the calendar"),
}


@pytest.mark.parametrize("case", list(UNBUILDABLE))
def test_check_reports_what_build_cannot_build(site, case, capsys):
    files, expected = UNBUILDABLE[case]
    write(site, "articles/2025/08/a.md", GOOD)
    for rel, text in files.items():
        if isinstance(rel, bytes):   # a file name that is not UTF-8
            os.makedirs(os.path.dirname(os.fsencode(site) + b"/" + rel), exist_ok=True)
            with open(os.fsencode(site) + b"/" + rel, "wb") as f:
                f.write(text.encode("utf-8"))
        elif rel.endswith("+"):
            config = site / rel[:-1]
            config.write_text(config.read_text(encoding="utf-8") + text, encoding="utf-8")
        else:
            write(site, rel, text)
    before = snapshot(site)
    assert cli.main(["check", "--site", str(site)]) == 1
    out = capsys.readouterr().out
    assert expected in out, out
    assert snapshot(site) == before   # check writes nothing
    assert cli.main(["build", "--no-search", "--site", str(site)]) == 1   # and build fails too, as bad input (not 70)
    err = capsys.readouterr().err
    assert "built " not in err


def test_a_buildable_site_stays_clean_and_check_writes_no_output(site):
    write(site, "articles/2025/08/a.md", GOOD)
    write(site, "templates/unused-draft.html", "{% if %}")   # a broken template no page uses: a warning
    write(site, "static/img/logo.svg", "<svg/>")
    result = check(site, today=TODAY)
    assert result.ok, [str(d) for d in result.diagnostics]
    assert [str(d) for d in result.warnings] == [
        "templates/unused-draft.html:1: warning: template error: Expected an expression, got 'end of statement "
        "block' (no page uses this template yet)"]
    assert not (site / "build").exists()
    assert cli.main(["build", "--no-search", "--site", str(site)]) == 0


def test_template_and_output_problems_show_beside_the_articles_problems(site, capsys):
    write(site, "articles/2025/08/a.md", GOOD.replace("date: 2025-08-06", "date: 2025-02-30"))
    write(site, "templates/article.html", "{% if %}x")
    write(site, "build/notes.txt", "mine")
    assert cli.main(["check", "--site", str(site)]) == 1
    out = capsys.readouterr().out
    for expected in ("articles/2025/08/a.md:3: invalid date 2025-02-30", "templates/article.html:1: template error",
                     "it is not empty and was not written by newsgen build"):
        assert expected in out


def test_an_error_after_the_fix_still_lists_what_was_rewritten(site, monkeypatch, capsys):
    path = write(site, "articles/2025/08/a.md", article("a"))

    def failing(*_args, **_kwargs):
        raise OSError(5, "Input/output error", str(site / "static"))

    monkeypatch.setattr(check_mod, "dry_build", failing)
    assert cli.main(["check", "--fix", "--site", str(site)]) == 1
    out = capsys.readouterr()
    assert b"\nsummary: " in path.read_bytes()
    assert "fixed 1 file(s)" in out.out and "+summary:" in out.out
    assert "check stopped: Input/output error" in out.out
    assert "nothing was changed" not in out.out + out.err


def test_a_read_only_target_of_a_link_is_named_with_the_link(site):
    target = write(site, "shared/a.md", article("a"))
    target.chmod(0o444)
    link = site / "articles/2025/08/a.md"
    link.symlink_to(os.path.relpath(target, link.parent))
    before = target.read_bytes()
    result = check(site, fix=True, today=TODAY)
    assert result.fixed == [] and target.read_bytes() == before and link.is_symlink()
    assert [d.message for d in result.warnings] == [
        "articles/2025/08/a.md (a symbolic link to shared/a.md) is read-only; to let --fix fill it, make it "
        "writable (chmod u+w shared/a.md); --fix leaves it as it is (it lacks summary)"]


@pytest.mark.parametrize("template", [
    "{% include 'optional.html' ignore missing %}{% include 'base.html' %}",
    "{% include ['mine.html', 'base.html'] %}",
    "{% set name = 'base.html' %}{% include name %}",
])
def test_includes_build_accepts_are_not_errors(site, template):
    write(site, "articles/2025/08/a.md", GOOD)
    write(site, "templates/404.html", template)
    result = check(site, today=TODAY)
    assert result.ok, [str(d) for d in result.diagnostics]
    assert cli.main(["build", "--no-search", "--site", str(site)]) == 0


def test_a_template_error_only_the_oldest_article_triggers_is_found(site):
    write(site, "articles/2025/08/a.md", GOOD)
    write(site, "articles/2025/07/old.md", article("old", summary=True).replace("2025-08-06", "2025-07-01")
          .replace("tags: [供水]\n", "tags: [供水]\nlegacy: {}\n"))
    write(site, "templates/article.html", "{% extends 'base.html' %}{% block main %}"
                                          "{% if page.url.endswith('/old/') %}{{ post.no_such_field }}{% endif %}"
                                          "{% endblock %}")
    result = check(site, today=TODAY)
    assert [str(d) for d in result.errors] == [
        "templates/article.html:1: template error while rendering 2025/07/old/index.html: "
        "'newsgen.render.views.PostView object' has no attribute 'no_such_field'"]
    assert cli.main(["build", "--no-search", "--site", str(site)]) == 1


def test_fix_refuses_while_an_import_writes_the_articles(site, capsys):
    """check --fix rewrites article files, as import and new write them: one writer a site at a time,
    so a fix never races an import planning its slugs over the same folder."""
    from newsgen.commands import writes

    write(site, "articles/2025/08/a.md", article("a"))
    before = snapshot(site)
    with writes.site_lock(site):
        assert cli.main(["check", "--fix", "--site", str(site)]) == 1
    assert "another import is running in this site (or 'newsgen new' or 'check --fix'" in capsys.readouterr().err
    assert snapshot(site) == before
    assert cli.main(["check", "--fix", "--site", str(site)]) == 0   # the lock released: the fix is made
    assert (site / "articles/2025/08/a.md").read_bytes() != before["articles/2025/08/a.md"]
