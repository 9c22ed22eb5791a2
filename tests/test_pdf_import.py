"""The PDF front end (newsgen.pdf): pages typeset with reportlab (tests/pdfpages.py, STSong-Light: a CID
font with no embedded glyphs and no ToUnicode map) read with their layout and imported by the one parser."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from newsgen.bulletin import layout as lay
from newsgen.cli import main
from newsgen.commands.importer import run_import
from newsgen.errors import NewsgenError
from newsgen.pdf.front import read_issue
from pdfpages import Slot, Story, issue

P1 = ("近日，宜春经开区组织召开产业链党建工作推进会，部署下一阶段重点任务，"
      "要求各企业党组织把党建工作与生产经营深度融合，推动产业链上下游协同发展。")
P2 = ("会议指出，要坚持以高质量党建引领高质量发展，聚焦锂电新能源产业，"
      "建强产业链党组织，让党员在技术攻关一线亮身份、作表率。")
P3 = "据了解，今年以来全区已新建产业链党组织十二个，覆盖企业一百余家，带动解决技术难题三十余项。（卢鸿 张辉云）"
P4 = "社区网格员每周上门走访独居老人，帮助他们解决买菜、就医等生活难题，受到居民普遍欢迎。"
P5 = "居民纷纷表示，网格员的服务让大家感到温暖。（记者 王五）"
P6 = "此外，该县还组织专家下乡指导种植技术，帮助农户提高产量，全县新建高标准农田两万亩。"
P7 = "下一步，该县将继续加大投入力度，推动特色产业提质增效。（记者 赵六）"
P8 = "县图书馆今年暑期推出少儿阅读季活动，开设绘本故事会、亲子共读等十余项活动。"


def _stories() -> dict[str, Story]:
    return {
        "lead": Story("党建聚链成势 产业向新攀高", [P1, P2, P3], kicker="宜春经开区：",
                      deck="——产业链党建工作推进会侧记"),
        "grid": Story("社区网格员上门服务暖人心", [P4, P2, P5], subheads={1: "强服务 网格连着千万家"}),
        "box": Story("县图书馆开展暑期阅读活动", [P8, "活动将持续到八月底，欢迎广大少年儿童参加。（通讯员 李四）"],
                     framed=True),
        "jump": Story("乡村振兴产业兴旺农民增收", [P1, P2], jump_out="下转第2版"),
        "cont": Story("乡村振兴产业兴旺农民增收", [P6, P7], jump_in="上接第1版"),
        "park": Story("城区新增公共停车位五百个", [P2, "停车难问题得到有效缓解。（记者 钱七）"]),
    }


def _issue(path: Path) -> Path:
    s = _stories()
    return issue(path, [
        (4, [Slot(s["lead"], 0, 3, 100, 400, 28), Slot(s["grid"], 3, 1, 100, 600, 16),
             Slot(s["box"], 0, 2, 510, 200, 18), Slot(s["jump"], 2, 1, 510, 400, 18)]),
        (3, [Slot(s["park"], 0, 2, 100, 300, 20), Slot(s["cont"], 2, 1, 100, 300, 18)]),
    ])


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _issue(tmp_path_factory.mktemp("pdf") / "issue.pdf")


def _cue(pdf: Path, start: str) -> lay.Layout:
    read = read_issue([pdf])
    lines = read.text.split("\n")
    return next(read.cues[n + 1] for n, line in enumerate(lines) if line.startswith(start))


def test_characters_of_a_cid_font_without_tounicode_are_read(pages: Path) -> None:
    read = read_issue([pages])
    assert "党建聚链成势 产业向新攀高" in read.text and "(cid:" not in read.text
    assert P1 in read.text.replace("\n", "")


@pytest.mark.parametrize(("start", "rank"), [
    ("宜春经开区：", lay.KICKER), ("党建聚链成势", lay.TITLE), ("——产业链党建", lay.DECK),
    ("强服务", lay.SUBHEADING), ("近日，宜春", lay.BODY), ("江西县域新闻", lay.FURNITURE),
    ("（下转第2版）", lay.JUMP),
])
def test_each_block_gets_its_size_rank(pages: Path, start: str, rank: str) -> None:
    assert _cue(pages, start).rank == rank


def test_layout_cues_weight_frame_columns_and_rule(pages: Path) -> None:
    assert _cue(pages, "强服务").bold and not _cue(pages, "近日，宜春").bold
    assert _cue(pages, "县图书馆").framed and not _cue(pages, "党建聚链成势").framed
    assert _cue(pages, "党建聚链成势").spans >= 2 and _cue(pages, "社区网格员上门").spans == 1
    assert _cue(pages, "责任编辑").rule_above


def test_reading_order_goes_down_each_column_then_across(pages: Path) -> None:
    text = read_issue([pages]).text
    order = [text.index(x[:12]) for x in ("党建聚链成势", P1, P2, P3)]
    assert order == sorted(order)


def test_jump_lines_join_the_continuation_to_its_article(pages: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    report = run_import(pages, site, None)
    jumped = [a for a in report.articles if a.title == "乡村振兴产业兴旺农民增收"]
    assert len(jumped) == 1
    body = (site / jumped[0].path).read_text(encoding="utf-8")
    assert P6 in body and P1 in body and body.index(P1) < body.index(P6)
    assert "下转" not in body and "上接" not in body


def test_jump_across_two_files_of_one_issue(tmp_path: Path) -> None:
    s = _stories()
    one = issue(tmp_path / "a1.pdf", [(4, [Slot(s["jump"], 0, 2, 100, 300, 20)])])
    two = issue(tmp_path / "a2.pdf", [(4, [Slot(s["park"], 0, 2, 100, 300, 20), Slot(s["cont"], 2, 2, 100, 300, 18)])])
    (tmp_path / "site").mkdir()
    report = run_import([one, two], tmp_path / "site", None)
    titles = sorted(a.title for a in report.articles)
    assert titles == ["乡村振兴产业兴旺农民增收", "城区新增公共停车位五百个"]
    folder = tmp_path / "issue"
    folder.mkdir()
    for f in (one, two):
        (folder / f.name).write_bytes(f.read_bytes())
    (tmp_path / "site2").mkdir()
    assert [a.title for a in run_import(folder, tmp_path / "site2", None, dry_run=True).articles] == \
        [a.title for a in report.articles]      # a folder is its PDFs in the order of their names


def test_golden_import_of_one_generated_page(pages: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    report = run_import(pages, site, None)
    got = {}
    for a in report.articles:
        meta = yaml.safe_load((site / a.path).read_text(encoding="utf-8").split("---")[1])
        got[meta["title"]] = meta
    assert sorted(got) == sorted(["党建聚链成势 产业向新攀高", "社区网格员上门服务暖人心", "县图书馆开展暑期阅读活动",
                                  "乡村振兴产业兴旺农民增收", "城区新增公共停车位五百个"])
    lead = got["党建聚链成势 产业向新攀高"]
    assert lead["kicker"] == "宜春经开区" and lead["subtitle"] == "——产业链党建工作推进会侧记"
    assert lead["authors"] == ["卢鸿", "张辉云"] and lead["date"].isoformat() == "2025-08-06"
    assert lead["source"]["bulletin"] == "issue.pdf" and all(b.startswith("p1 ") for b in lead["source"]["boxes"])
    assert got["城区新增公共停车位五百个"]["source"]["boxes"][0].startswith("p2 ")
    grid = (site / next(a.path for a in report.articles if a.title == "社区网格员上门服务暖人心")).read_text()
    assert "## 强服务 网格连着千万家" in grid
    # furniture and jump lines are no article's text, and are kept (nothing lost)
    assert any("江西县域新闻" in u.text for u in report.unplaced) and report.unplaced_file
    assert all(u.lines.startswith("p") for u in report.unplaced)
    again = run_import(pages, site, None)
    assert again.already_imported and not again.written


# --- bad input: a clear error naming the file, exit 1, nothing written --------------------------------

def _scanned(path: Path) -> Path:
    from PIL import Image
    Image.new("L", (400, 600), 255).save(path, "PDF")
    return path


def _encrypted(path: Path, pages: Path) -> Path:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas
    c = canvas.Canvas(str(path), encrypt=pdfencrypt.StandardEncryption("secret", canPrint=0))
    c.drawString(100, 700, "hello")
    c.save()
    return path


@pytest.mark.parametrize(("make", "message"), [
    (lambda p, g: _scanned(p), "OCR is not supported"),
    (lambda p, g: _encrypted(p, g), "encrypted"),
    (lambda p, g: p.write_bytes(g.read_bytes()[: len(g.read_bytes()) // 3]) and p, "not a readable PDF"),
    (lambda p, g: p.write_bytes(b"%PDF-1.4\nthis is no pdf at all\n") and p, "not a readable PDF"),
    (lambda p, g: p.write_text("这不是PDF", encoding="utf-8") and p, "not a PDF"),
])
def test_a_bad_pdf_is_refused_with_its_name_and_nothing_written(pages: Path, tmp_path: Path, make, message: str,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.pdf"
    make(bad, pages)
    site = tmp_path / "site"
    site.mkdir()
    with pytest.raises(NewsgenError, match=message):
        run_import(bad, site, None)
    code = main(["import", str(bad), "--site", str(site)])
    err = capsys.readouterr().err
    assert code != 0 and "bad.pdf" in err and message in err
    assert not any(site.rglob("*.md")) and not (site / "articles").exists()
