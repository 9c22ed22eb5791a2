"""`newsgen import` end to end: files written, nothing lost, nothing clobbered."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsgen.cli import main
from newsgen.content import load_articles

HERE = Path(__file__).parent
TWO = HERE / "fixtures" / "import" / "two-articles.txt"
EXAMPLE = HERE.parent / "bulletins" / "jiangxi-county-news.txt"


def run(*args: str) -> int:
    return main([str(a) for a in args])


def written(site: Path) -> dict[str, str]:
    return {str(p.relative_to(site)): p.read_text(encoding="utf-8") for p in sorted(site.rglob("*")) if p.is_file()}


def test_import_writes_one_file_per_article_with_provenance(tmp_path, capsys):
    assert run("import", TWO, "--site", tmp_path, "--date", "2025-08-06") == 0
    articles, diagnostics = load_articles(tmp_path)
    assert diagnostics.errors == []
    assert sorted(a.title for a in articles) == ["上饶市婺源县开展古村落消防安全检查", "修水县建成首批数字乡村示范点"]
    by_title = {a.title: a for a in articles}
    first = by_title["修水县建成首批数字乡村示范点"]
    assert first.kicker == "九江市"
    assert first.authors == ("陈明", "周晓")
    assert first.path.parts[:3] == ("articles", "2025", "08")
    assert first.source["bulletin"] == "two-articles.txt"
    assert re.fullmatch(r"[0-9a-f]{64}", first.source["sha256"])
    assert first.source["blocks"][0].startswith("1")
    out = capsys.readouterr().out
    assert "修水县建成首批数字乡村示范点" in out and "wrote 2 article file(s)" in out


def test_second_import_writes_nothing_and_says_so(tmp_path, capsys):
    run("import", TWO, "--site", tmp_path, "--date", "2025-08-06")
    before = written(tmp_path)
    capsys.readouterr()
    assert run("import", TWO, "--site", tmp_path, "--date", "2025-08-06") == 0
    assert "already imported: 2 article(s)" in capsys.readouterr().out
    assert written(tmp_path) == before


def test_force_reimport_keeps_paths_and_slugs(tmp_path, capsys):
    run("import", TWO, "--site", tmp_path, "--date", "2025-08-06")
    before = written(tmp_path)
    capsys.readouterr()
    assert run("import", TWO, "--site", tmp_path, "--date", "2025-08-06", "--force") == 0
    assert written(tmp_path) == before
    assert "wrote 0 article file(s) (2 unchanged)" in capsys.readouterr().out


def test_editor_file_with_same_slug_is_not_overwritten(tmp_path):
    run("import", TWO, "--site", tmp_path, "--date", "2025-08-06", "--dry-run", "--report", tmp_path / "r.json")
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    target = tmp_path / report["articles"][0]["path"]
    target.parent.mkdir(parents=True)
    target.write_text(f"---\ntitle: 编辑的稿子\ndate: 2025-08-06\nslug: {target.stem}\n---\n编辑写的。\n",
                      encoding="utf-8")
    assert run("import", TWO, "--site", tmp_path, "--date", "2025-08-06") == 0
    assert "编辑写的。" in target.read_text(encoding="utf-8")
    slugs = sorted(a.slug for a in load_articles(tmp_path)[0])
    assert f"{target.stem}-2" in slugs


def test_dry_run_writes_nothing_but_reports(tmp_path, capsys):
    assert run("import", TWO, "--site", tmp_path, "--date", "2025-08-06", "--dry-run") == 0
    assert not (tmp_path / "articles").exists()
    assert "would write 2 article file(s)" in capsys.readouterr().out


def test_json_report(tmp_path):
    report_path = tmp_path / "report.json"
    assert run("import", TWO, "--site", tmp_path, "--date", "2025-08-06", "--report", report_path) == 0
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["bulletin"] == "two-articles.txt" and report["date"] == "2025-08-06"
    assert [a["authors"] for a in report["articles"]] == [["陈明", "周晓"], ["汪洋"]]
    assert report["unplaced"] == []


def test_missing_date_is_a_clear_error(tmp_path, capsys):
    assert run("import", TWO, "--site", tmp_path) == 1
    err = capsys.readouterr().err
    assert "two-articles.txt: no date" in err and "--date YYYY-MM-DD" in err
    assert not (tmp_path / "articles").exists()


def test_bad_date_is_a_usage_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        run("import", TWO, "--site", tmp_path, "--date", "2025/08/06")
    assert exit_.value.code == 2
    assert "'2025/08/06' is not a date" in capsys.readouterr().err


def test_non_utf8_bulletin_names_file_and_line(tmp_path, capsys):
    bad = tmp_path / "gbk.txt"
    bad.write_bytes("标题\n\n正文".encode() + b"\n\n" + "第三行".encode("gb18030"))
    assert run("import", bad, "--site", tmp_path, "--date", "2025-08-06") == 1
    assert re.search(r"gbk.txt:5: not UTF-8 text", capsys.readouterr().err)


def _chars(text: str) -> Counter:
    return Counter(ch for ch in text if not ch.isspace())


@pytest.mark.parametrize("bulletin", [TWO, EXAMPLE], ids=lambda p: p.name)
def test_no_character_of_the_bulletin_is_lost(tmp_path, bulletin):
    assert run("import", bulletin, "--site", tmp_path, "--date", "2025-08-06") == 0
    out = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "articles").rglob("*") if p.is_file())
    missing = _chars(bulletin.read_text(encoding="utf-8")) - _chars(out)
    assert missing == Counter()


def test_without_date_the_bulletins_dateline_is_used(tmp_path):
    bulletin = tmp_path / "dated.txt"
    bulletin.write_text("修水县建成数字乡村示范点\n\n"
                        "本报讯 2025年9月3日，修水县黄沙镇的村民打开手机就能查看茶园数据。（陈明）\n", encoding="utf-8")
    (tmp_path / "site").mkdir()   # an empty folder may become a site; a missing one is refused
    assert run("import", bulletin, "--site", tmp_path / "site") == 0
    [article] = load_articles(tmp_path / "site")[0]
    assert str(article.date) == "2025-09-03" and article.path.parts[:3] == ("articles", "2025", "09")


BULLETIN_CHARS = list("，。！？：；“”（）()、——…\n\n\n 　\t近日本报讯记者通讯员张三李四"
                      "南昌市青山湖区罗家镇开展工作（王五）：abcXYZ0123456789年月日电摄文图#|*-:'\"[]{}&<>!%@`")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=st.sampled_from(BULLETIN_CHARS), min_size=1, max_size=300).filter(str.strip))
def test_whatever_import_writes_reads_back_without_errors(tmp_path_factory, text):
    site = tmp_path_factory.mktemp("site")
    bulletin = tmp_path_factory.mktemp("bulletin") / "b.txt"
    bulletin.write_text(text, encoding="utf-8")
    assert main(["import", str(bulletin), "--site", str(site), "--date", "2025-08-06"]) == 0
    articles, diagnostics = load_articles(site)
    assert [str(d) for d in diagnostics.errors] == []
    out = "".join(p.read_text(encoding="utf-8") for p in (site / "articles").rglob("*") if p.is_file())
    assert _chars(text) - _chars(out) == Counter()
