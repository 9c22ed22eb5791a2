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


def _chars(text: str, x: float, top: float, size: float, bold: bool = False) -> list:
    from newsgen.pdf.chars import Char
    return [Char(ch, x + k * size, top, x + (k + 1) * size, top + size, size, "F", bold)
            for k, ch in enumerate(text)]


def test_two_headlines_on_one_baseline_are_cut_at_the_gutter_their_gap_holds() -> None:
    # two repeated titles side by side: the first ends short of its column's right edge, so the gap
    # between them holds the gutter (305..315) though its middle lies left of it
    from newsgen.pdf.lines import make_lines
    body = 9.5
    chars = _chars("河南永城探索共建共治共享新机制“平安义", 34.0, 73.0, 13.3, bold=True)
    second = 314.8
    chars += _chars("花开中国共享春日美好时光", second, 73.0, 13.3, bold=True)
    for row in range(12):            # three columns of text under them: 34-164, 174-305, 315-445
        for x0 in (34.0, 174.0, 315.0):
            chars += _chars("正文正文正文正文正文正文正", x0, 126.0 + row * 14, 10.0)
    lines = [ln for ln in make_lines(chars, body) if ln.size > 12]
    assert [ln.text for ln in lines] == ["河南永城探索共建共治共享新机制“平安义", "花开中国共享春日美好时光"]


def test_two_headlines_side_by_side_line_by_line_are_cut_where_their_gaps_line_up() -> None:
    # two two-line headlines side by side over hardly any text (a page's foot): each line of the one
    # shares its baseline with a line of the other, the gaps between them one white channel
    from newsgen.pdf.lines import make_lines
    chars = _chars("第28届中国青年五", 349.0, 1027.0, 16.0, bold=True)
    chars += _chars("美称可能恢复自由", 507.0, 1027.0, 16.0, bold=True)
    chars += _chars("四奖章评选结果揭晓", 349.0, 1052.0, 16.0, bold=True)
    chars += _chars("计划行动伊称将回击", 513.0, 1052.0, 16.0, bold=True)
    chars += _chars("在五四青年节到来之际，第28届中国青年", 349.0, 1094.0, 10.0)
    for row in range(30):            # the page's text type elsewhere
        chars += _chars("正文正文正文正文正文正文正", 34.0, 100.0 + row * 14, 10.0)
    lines = [ln.text for ln in make_lines(chars, 10.0) if ln.size > 12]
    assert lines == ["第28届中国青年五", "美称可能恢复自由", "四奖章评选结果揭晓", "计划行动伊称将回击"]


def test_one_headline_with_a_word_space_on_one_line_only_stays_whole() -> None:
    from newsgen.pdf.lines import make_lines
    chars = _chars("某县乡村振兴", 349.0, 1027.0, 16.0, bold=True)
    chars += _chars("跑出加速度", 349.0 + 6 * 16 + 20, 1027.0, 16.0, bold=True)
    chars += _chars("产业兴旺农民增收", 349.0, 1052.0, 16.0, bold=True)
    for row in range(30):
        chars += _chars("正文正文正文正文正文正文正", 34.0, 100.0 + row * 14, 10.0)
    lines = [ln.text for ln in make_lines(chars, 10.0) if ln.size > 12]
    assert lines == ["某县乡村振兴 跑出加速度", "产业兴旺农民增收"]


def _entry(text: str, page: int, story: int, rank: str, x0: float, top: float):
    from newsgen.pdf.blocks import TextBlock
    from newsgen.pdf.front import _Entry
    from newsgen.pdf.lines import Line
    line = Line(text, x0, top, x0 + 10 * len(text), top + 10, 10.0, False, "F")
    return _Entry(TextBlock([line]), page, str(page), "a.pdf", None, False, rank, story=story)


def test_a_title_printed_again_beside_the_jump_in_line_joins_with_the_text_under_it() -> None:
    # page 3's continuation: its 上接 line heads the third column, the headline printed again is centred
    # over the columns right of it (a story of its own), the rest of the text under that headline
    from newsgen.bulletin import layout as lay
    from newsgen.pdf.front import _join_jumps
    e = [_entry("俄罗斯总统普京会见王毅", 1, 1, lay.TITLE, 100, 80),
         _entry("本报讯 当地时间9月20日，普京在圣彼得堡会见王毅。", 1, 1, lay.BODY, 30, 500),
         _entry("（下转第二版）", 1, 1, lay.JUMP, 580, 550),
         _entry("另一篇文章的标题", 1, 2, lay.TITLE, 100, 600),
         _entry("另一篇文章的正文。", 1, 2, lay.BODY, 30, 640),
         _entry("（上接第一版）", 2, 3, lay.JUMP, 348, 223),
         _entry("近平主席对俄罗斯进行访问。", 2, 3, lay.BODY, 348, 242),
         _entry("俄罗斯总统普京会见王毅", 2, 4, lay.TITLE, 496, 203),
         _entry("王毅转达了习近平主席的问候。", 2, 4, lay.BODY, 505, 242),
         _entry("双方还就国际形势交换了意见。", 2, 4, lay.BODY, 663, 242),
         _entry("第二版的另一篇文章", 2, 5, lay.TITLE, 100, 600),
         _entry("它的正文。", 2, 5, lay.BODY, 30, 640)]
    e[5].block.lines[0].text = "（上接第一版）"
    e[2].block.lines[0].text = "（下转第二版）"
    _join_jumps(e)
    texts = [x.block.text for x in e]
    assert texts[:8] == ["俄罗斯总统普京会见王毅", "本报讯 当地时间9月20日，普京在圣彼得堡会见王毅。", "（下转第二版）",
                         "（上接第一版）", "近平主席对俄罗斯进行访问。", "俄罗斯总统普京会见王毅",
                         "王毅转达了习近平主席的问候。", "双方还就国际形势交换了意见。"]
    assert e[5].rank == lay.JUMP and texts[8] == "另一篇文章的标题"


def test_a_jump_in_line_of_no_story_joins_the_story_its_title_is_printed_again_in() -> None:
    # the 上接 line stands left of the repeated headline (no story of its own); the next story in
    # reading order is another article's, which stays where it is
    from newsgen.bulletin import layout as lay
    from newsgen.pdf.front import _join_jumps
    e = [_entry("赵乐际出席金砖国家议会论坛", 1, 1, lay.TITLE, 100, 80),
         _entry("本报讯 第十届金砖国家议会论坛举行。", 1, 1, lay.BODY, 30, 500),
         _entry("（下转第二版）", 1, 1, lay.JUMP, 580, 550),
         _entry("（上接第一版）", 2, None, lay.JUMP, 30, 87),
         _entry("新闻特写：多元体育的盛会", 2, 5, lay.TITLE, 67, 226),
         _entry("本报讯 第12届世界运动会正在成都举行。", 2, 5, lay.BODY, 30, 288),
         _entry("赵乐际出席金砖国家议会论坛", 2, 4, lay.TITLE, 119, 69),
         _entry("金砖合作民意基础。", 2, 4, lay.BODY, 30, 104)]
    _join_jumps(e)
    texts = [x.block.text for x in e]
    assert texts == ["赵乐际出席金砖国家议会论坛", "本报讯 第十届金砖国家议会论坛举行。", "（下转第二版）",
                     "（上接第一版）", "赵乐际出席金砖国家议会论坛", "金砖合作民意基础。",
                     "新闻特写：多元体育的盛会", "本报讯 第12届世界运动会正在成都举行。"]
    assert e[6].rank == lay.TITLE


def test_a_bold_dateline_on_a_line_of_its_own_is_text_not_a_subheading() -> None:
    from newsgen.bulletin import layout as lay
    from newsgen.pdf.front import _rank
    bold = [_entry(t, 1, 1, lay.BODY, 30, 100 + 20 * n) for n, t in
            enumerate(["本报杭州九月十七日电", "中新社广州12月15日电", "夯实发展动能"])]
    for x in bold:
        x.block.lines[0].bold = True
    _rank(bold, 10.0)
    assert [x.rank for x in bold] == [lay.BODY, lay.BODY, lay.SUBHEADING]


def test_two_continuations_side_by_side_each_keep_the_columns_right_of_their_jump_line() -> None:
    # page 4: 上接第2版 over columns 1-3 (its first column opens with a paragraph's short last line),
    # 上接第3版 over columns 4-5; the columns are level, a gutter apart
    from newsgen.pdf.blocks import TextBlock
    from newsgen.pdf.lines import Line
    from newsgen.pdf.order import reading_order

    def run(text: str, x0: float, top: float, x1: float, bottom: float) -> list[TextBlock]:
        return [TextBlock([Line(text, x0, top, x1, bottom, 10.0, False, "F")])]

    runs = [run("（上接第2版）", 32, 69, 97, 79), run("要遵循。", 32, 88, 72, 98), run("会议指出", 32, 102, 179, 198),
            run("分党组要", 190, 88, 337, 198), run("政建设", 348, 88, 494, 198),
            run("（上接第3版）", 505, 69, 570, 79), run("管的靶子", 505, 88, 652, 240),
            run("个角度讲", 663, 88, 810, 226)]
    placed = reading_order(runs, [], 842, 1191, 10.0)
    story = {p.block.text: p.story for p in placed}
    assert story["分党组要"] == story["政建设"] == story["（上接第2版）"] != story["管的靶子"]
    assert story["个角度讲"] == story["（上接第3版）"]


def test_two_jumps_to_one_page_pair_by_the_headline_printed_again() -> None:
    # two articles of page 1 go on on page 2; the one read first on page 1 goes on second on page 2, its
    # headline printed again over its 上接 line there
    from newsgen.bulletin import layout as lay
    from newsgen.pdf.front import _join_jumps
    e = [_entry("李强出席东盟与中日韩领导人会议", 1, 1, lay.TITLE, 100, 80),
         _entry("本报讯 李强在雅加达出席会议。", 1, 1, lay.BODY, 30, 120),
         _entry("（下转第二版）", 1, 1, lay.JUMP, 300, 140),
         _entry("习近平会见刚果（布）总统", 1, 2, lay.TITLE, 100, 400),
         _entry("本报讯 习近平会见萨苏，萨苏表示，共建“一带一", 1, 2, lay.BODY, 30, 440),
         _entry("（下转第二版）", 1, 2, lay.JUMP, 300, 460),
         _entry("（上接第一版）", 2, 8, lay.JUMP, 30, 67),
         _entry("路”是一项伟大的工程。", 2, 8, lay.BODY, 30, 84),
         _entry("李强出席东盟与中日韩领导人会议", 2, 9, lay.TITLE, 165, 69),
         _entry("（上接第一版）", 2, 9, lay.JUMP, 162, 103),
         _entry("子。重点做好三件事情。", 2, 9, lay.BODY, 162, 120)]
    _join_jumps(e)
    texts = [x.block.text for x in e]
    assert texts.index("子。重点做好三件事情。") == 5 and texts.index("路”是一项伟大的工程。") == 10


def test_a_jump_out_line_in_no_story_joins_the_continuation_under_its_headline_printed_again() -> None:
    # page 1: the article's last column stands right of the picture under its headline, out of the
    # story's box, its 下转 line in no story; page 2: the headline printed again, the 上接 line beside it
    # (in no story either), read after the text under it
    from newsgen.bulletin import layout as lay
    from newsgen.pdf.front import _join_jumps
    e = [_entry("蔡奇在山西大同市调研", 1, 1, lay.TITLE, 250, 80),
         _entry("中新社绵阳3月25日电 蔡奇在大同市调研，", 1, 1, lay.BODY, 30, 530),
         _entry("全面落实总要求，推动学习教育走深走实。", 1, None, lay.BODY, 660, 125),
         _entry("（下转第二版）", 1, None, lay.JUMP, 740, 550),
         _entry("各地打造消费新场景", 1, 2, lay.TITLE, 400, 600),
         _entry("各地积极探索创新消费业态。", 1, 2, lay.BODY, 350, 660),
         _entry("蔡奇在山西大同市调研", 2, 6, lay.TITLE, 425, 254),
         _entry("用好正反面典型案例“两面镜", 2, 6, lay.BODY, 348, 294),
         _entry("子”，见贤思齐、镜鉴自省。", 2, 6, lay.BODY, 505, 294),
         _entry("（上接第一版）", 2, None, lay.JUMP, 348, 275),
         _entry("神州巨变 小康梦圆", 2, 7, lay.TITLE, 100, 530),
         _entry("本报遵义3月25日电 党的十八大以来。", 2, 7, lay.BODY, 30, 600),
         _entry("责任编辑：孙晨", 2, None, lay.CAPTION, 30, 1166)]
    _join_jumps(e)
    texts = [x.block.text for x in e]
    at = texts.index("（下转第二版）")
    assert texts[at + 1:at + 5] == ["（上接第一版）", "蔡奇在山西大同市调研", "用好正反面典型案例“两面镜",
                                   "子”，见贤思齐、镜鉴自省。"]
    assert texts[-3:] == ["神州巨变 小康梦圆", "本报遵义3月25日电 党的十八大以来。", "责任编辑：孙晨"]


def _two_jumps_no_title_again(opening: tuple[str, str, float]) -> list:
    """Page 1: story 1's text ends with its sentence at its 下转 line, story 2's is cut mid-sentence; page 2:
    two 上接 lines with no headline printed again, the first over text that finishes a sentence, the
    second over ``opening`` (text, rank, x0): text that opens a paragraph."""
    from newsgen.bulletin import layout as lay
    text, rank, x0 = opening
    return [_entry("推进乡村全面振兴", 1, 1, lay.TITLE, 30, 80),
            _entry("粮食产量保持在1.3万亿斤以上。", 1, 1, lay.BODY, 30, 120),
            _entry("（下转第二版）", 1, 1, lay.JUMP, 300, 140),
            _entry("农业银行金融助力丰收", 1, 2, lay.TITLE, 400, 80),
            _entry("农行湖北省分行加强粮", 1, 2, lay.BODY, 400, 120),
            _entry("（下转第二版）", 1, 2, lay.JUMP, 600, 140),
            _entry("（上接第一版）", 2, 8, lay.JUMP, 30, 67),
            _entry("食供应链金融服务。", 2, 8, lay.BODY, 30, 84),
            _entry("（上接第一版）", 2, 9, lay.JUMP, 300, 67),
            _entry(text, 2, 9, rank, x0, 84),
            _entry("重点是落实防止返贫监测帮扶机制。", 2, 9, lay.BODY, 300, 104)]


def test_two_jumps_to_one_page_with_no_title_again_pair_by_where_the_sentence_is_cut() -> None:
    # the text cut mid-sentence goes on under the 上接 line whose text finishes a sentence; the text cut
    # at a paragraph's end, under the one whose text opens a paragraph (a subheading, an indented line),
    # though the pages read the other way round
    from newsgen.bulletin import layout as lay
    from newsgen.pdf.front import _join_jumps
    for opening in (("做优营商环境", lay.SUBHEADING, 330), ("确保不发生规模性返贫。", lay.BODY, 320)):
        e = _two_jumps_no_title_again(opening)
        _join_jumps(e)
        texts = [x.block.text for x in e]
        assert texts.index("食供应链金融服务。") == texts.index("农行湖北省分行加强粮") + 3, opening
        assert texts.index(opening[0]) == texts.index("粮食产量保持在1.3万亿斤以上。") + 3, opening


def test_a_subheading_centred_over_the_next_column_of_a_story_is_read_in_it() -> None:
    # a story's text goes on in the next column under a bold subheading centred in that column: it is
    # not level with the column tops beside it, yet it is the story's, read before the text under it
    from newsgen.pdf.blocks import TextBlock
    from newsgen.pdf.lines import Line
    from newsgen.pdf.order import reading_order

    def run(text: str, x0: float, top: float, x1: float, bottom: float, size: float = 9.5,
            bold: bool = False) -> list[TextBlock]:
        return [TextBlock([Line(text, x0, top, x1, bottom, size, bold, "F")])]

    runs = [run("前三季度我国新改建农村公路", 315, 60, 440, 90, 20.0, True), run("本报讯 今年以来", 315, 98, 445, 110),
            run("农村公路不仅要建好", 315, 125, 445, 245),
            run("聚焦发展动能", 492, 112, 549, 121, bold=True), run("交通运输部最新数据显示", 455, 125, 586, 231),
            run("另一篇文章的正文", 34, 300, 164, 400)]
    placed = reading_order(runs, [], 842, 1191, 9.5)
    texts = [p.block.text for p in placed]
    story = {p.block.text: p.story for p in placed}
    assert story["聚焦发展动能"] == story["前三季度我国新改建农村公路"] is not None
    assert texts.index("聚焦发展动能") == texts.index("交通运输部最新数据显示") - 1


def test_a_column_opening_with_a_centred_subheading_goes_on_the_story_left_of_it() -> None:
    # two continuations side by side: the first's second column opens with a subheading centred in it,
    # so neither the subheading nor the text under it is level with the column left of it at its edge
    from newsgen.pdf.blocks import TextBlock
    from newsgen.pdf.lines import Line
    from newsgen.pdf.order import reading_order

    def run(text: str, x0: float, top: float, x1: float, bottom: float, bold: bool = False) -> list[TextBlock]:
        return [TextBlock([Line(text, x0, top, x1, bottom, 9.5, bold, "F")])]

    runs = [run("（上接第1版）", 30, 67, 88, 76), run("6G技术已率先开展试验验证", 30, 84, 153, 168),
            run("筑牢民生保障", 196, 84, 250, 93, bold=True), run("截至2025年6月份", 162, 96, 285, 168),
            run("推进6G标准研制", 294, 84, 416, 143), run("（上接第2版）", 425, 67, 484, 76),
            run("菜花已到盛开期", 425, 84, 548, 244), run("对海菜花而言", 557, 84, 680, 357)]
    placed = reading_order(runs, [], 842, 1191, 9.5)
    story = {p.block.text: p.story for p in placed}
    first = story["（上接第1版）"]
    assert story["筑牢民生保障"] == story["截至2025年6月份"] == story["推进6G标准研制"] == first is not None
    assert story["菜花已到盛开期"] == story["对海菜花而言"] == story["（上接第2版）"] != first


def test_baselines_a_little_apart_across_the_page_do_not_chain_two_lines_into_one() -> None:
    # a caption's two lines (bottoms 532.3 and 544.2) beside text columns whose baselines fall between
    from newsgen.pdf.lines import make_lines
    chars = _chars("图为李克强会见伊朗总统的一个场", 670.0, 523.5, 8.8)
    chars += _chars("景。本报记者王勇摄", 670.0, 535.4, 8.8)
    for n, top in enumerate((520.0, 522.5, 525.0, 527.5, 530.0, 532.5)):
        chars += _chars("正文正文正文", 30.0 + 110 * n, top, 10.0)
    lines = [ln.text for ln in make_lines(chars, 10.0) if ln.x0 >= 670]
    assert lines == ["图为李克强会见伊朗总统的一个场", "景。本报记者王勇摄"]


def test_a_paragraphs_short_last_line_under_its_indented_first_line_alone_stays_with_it() -> None:
    # a two-line paragraph opening a column's text under a bold subheading: its first line indented two
    # characters, its last line (two characters) at the column's edge, wholly left of the first line
    from newsgen.pdf.blocks import make_blocks
    from newsgen.pdf.lines import Line
    body = 9.5
    lines = [Line("夯实人才支撑", 629.0, 683.0, 686.0, 692.5, body, True, "F"),
             Line("石泰峰、谌贻琴参加会", 615.0, 696.5, 710.0, 706.0, body, False, "F"),
             Line("见。", 596.0, 710.5, 615.0, 720.0, body, False, "F"),
             Line("深化人才支撑", 629.0, 738.0, 686.0, 747.5, body, True, "F"),
             Line("全国少数民族参观团成员由", 596.0, 751.0, 719.0, 760.5, body, False, "F")]
    blocks = [b.text for run in make_blocks(lines, body) for b in run]
    assert "石泰峰、谌贻琴参加会见。" in blocks and "见。" not in blocks


def test_a_deck_wrapped_on_two_lines_in_type_a_tenth_larger_than_the_text_is_one_block() -> None:
    # a deck in 11-point type over 10-point text, its second line centred: front ranks it a deck's
    # type, so its lines are not cut as a paragraph's at the centred (indented-looking) line
    from newsgen.pdf.blocks import make_blocks
    from newsgen.pdf.front import MID_SIZE
    from newsgen.pdf.lines import Line
    body = 10.0
    lines = [Line("李克强会见伊朗总统", 33.0, 707.0, 177.0, 723.0, 16.0, True, "F"),
             Line("国务院总理李克强14日在京会", 34.3, 729.5, 176.5, 740.5, 11.0, False, "F"),
             Line("见伊朗总统莱希", 66.9, 743.3, 143.9, 754.3, 11.0, False, "F"),
             Line("国务院总理李克强14日在京", 52.0, 763.3, 178.8, 773.3, body, False, "F"),
             Line("会见伊朗总统莱希。", 32.0, 777.5, 122.0, 787.5, body, False, "F")]
    assert 11.0 >= MID_SIZE * body
    blocks = [b.text for run in make_blocks(lines, body) for b in run]
    assert "国务院总理李克强14日在京会见伊朗总统莱希" in blocks
    assert "国务院总理李克强14日在京会见伊朗总统莱希。" in blocks


def test_a_framed_article_level_with_a_storys_text_left_of_it_is_not_read_inside_that_story() -> None:
    # a story in the right column (kicker, title, text) whose text starts level with the top of a boxed
    # article a gutter left of it: the frame is no column of the story's text, so the story's kicker is
    # read with its title, not split from it by the frame
    from newsgen.pdf.blocks import TextBlock
    from newsgen.pdf.chars import Shape
    from newsgen.pdf.lines import Line
    from newsgen.pdf.order import reading_order

    def run(text: str, x0: float, top: float, x1: float, bottom: float, size: float = 10.0,
            bold: bool = False) -> list[TextBlock]:
        return [TextBlock([Line(text, x0, top, x1, bottom, size, bold, "F")])]

    runs = [run("聚焦高质量发展", 695, 653, 779, 665, 12.0),
            run("各地开展交通安全宣传活动", 673, 674, 801, 715, 16.0, True),
            run("本报讯 各地多种形式开展宣传。", 663, 735, 810, 900),
            run("聚焦高质量发展", 458, 745, 542, 757, 12.0),
            run("习近平会见美国前国务卿", 390, 765, 610, 785, 16.0, True),
            run("本报讯 7月20日，习近平会见基辛格。", 355, 795, 494, 1100),
            run("基辛格表示感谢。", 505, 795, 645, 1100)]
    placed = reading_order(runs, [Shape("box", 350, 735, 650, 1140)], 842, 1191, 10.0)
    texts = [p.block.text for p in placed]
    at = texts.index("各地开展交通安全宣传活动")
    assert texts[at - 1] == "聚焦高质量发展" and texts[at + 1] == "本报讯 各地多种形式开展宣传。"
    frame = {p.block.text: p.frame for p in placed}
    assert frame["习近平会见美国前国务卿"] is not None and frame["各地开展交通安全宣传活动"] is None


def test_two_headlines_side_by_side_over_short_columns_are_cut_where_the_right_column_starts() -> None:
    # two headlines on one baseline over two stories of a few lines each: the column right of the gap
    # opens with an indented first line, its other line starts at the column's edge just right of the gap
    from newsgen.pdf.lines import make_lines
    body = 9.0
    chars = _chars("李希对肯尼亚进行正式友好访问", 163.1, 1017.0, 18.0)
    chars += _chars("习近平同欧洲理事会主席通电话", 426.8, 1017.0, 18.0)
    chars += _chars("本报讯记者肖辉一月十四", 443.0, 1043.0, body)
    chars += _chars("日下午国家主席习近平应约", 425.0, 1056.0, body)
    chars += _chars("央纪委书记李希十一月三日至", 299.0, 1058.0, body)
    chars += _chars("率中共代表团对肯尼亚进行正", 299.0, 1071.0, body)
    heads = [ln.text for ln in make_lines(chars, body) if ln.size == 18.0]
    assert heads == ["李希对肯尼亚进行正式友好访问", "习近平同欧洲理事会主席通电话"]


def test_a_caption_in_type_a_ninth_smaller_than_the_text_beside_it_is_a_line_of_its_own() -> None:
    # an 8-point caption line running to its column's edge, on the baseline of the 9-point text of the
    # next column, a gap narrower than a gutter between them: the type's size tells them apart
    from newsgen.pdf.lines import make_lines
    chars = _chars("新春贺信的一个场景。（刘霞磊摄）", 30.0, 381.0, 8.0)
    chars += _chars("难愁盼，检视整改突出问题，", 161.0, 379.5, 9.0)
    lines = [ln.text for ln in make_lines(chars, 9.0)]
    assert sorted(lines) == sorted(["新春贺信的一个场景。（刘霞磊摄）", "难愁盼，检视整改突出问题，"])


def test_two_headlines_a_tenth_apart_in_size_on_one_row_are_two_lines() -> None:
    # an 18-point headline's last line ends a gutter short of a 20-point headline beside it, their
    # bottoms on one row: the sizes, a tenth apart, tell them apart
    from newsgen.pdf.lines import make_lines
    chars = _chars("文选》第一卷专题研讨班并作", 40.0, 507.0, 18.0, bold=True)
    chars += _chars("为强国建设民族复兴伟业", 307.0, 505.0, 20.0, bold=True)
    lines = sorted(ln.text for ln in make_lines(chars, 9.0))
    assert lines == sorted(["文选》第一卷专题研讨班并作", "为强国建设民族复兴伟业"])


def test_a_space_ending_a_headline_beside_another_hides_no_gutter() -> None:
    # two headlines side by side, their lines on one row: the left one's line ends with a space
    # character, then white down to the right one; a word space inside the left one (its space
    # character filling the gap) cuts nothing
    from newsgen.pdf.chars import Char
    from newsgen.pdf.lines import make_lines
    body = 9.5

    def space(x0: float, x1: float, top: float, size: float) -> Char:
        return Char(" ", x0, top, x1, top + size, size, "F", True)

    chars = _chars("入生活（赓续", 455.0, 355.8, 12.5, bold=True) + [space(530.0, 533.5, 355.8, 12.5)]
    chars += _chars("历史文脉", 533.5, 355.8, 12.5, bold=True) + [space(583.5, 586.5, 355.8, 12.5)]
    chars += _chars("习近平向美中贸易全", 596.0, 353.8, 13.5, bold=True)
    for top in (410.0, 424.0):
        chars += _chars("如何融合于日常生活熔铸于城", 455.0, top, body)
        chars += _chars("国各界人士致以诚挚问候习近", 596.0, top, body)
    heads = sorted(ln.text for ln in make_lines(chars, body) if ln.size > 12)
    assert heads == sorted(["入生活（赓续 历史文脉", "习近平向美中贸易全"])


def test_a_frame_of_slogans_whose_telephone_and_address_lines_make_one_block_is_an_advertisement() -> None:
    # the advertiser, the slogan, then the telephone number and the address set close under each other
    # (one block of two short lines, longer together than any slogan): no sentence, no credit, an ad
    from newsgen.bulletin import layout as lay
    from newsgen.pdf.blocks import TextBlock
    from newsgen.pdf.front import _advertisements
    from newsgen.pdf.lines import Line
    e = [_entry("宜昌眼镜", 4, 1, lay.KICKER, 527, 1059), _entry("国庆大促 全场五折起", 4, 1, lay.TITLE, 451, 1084),
         _entry("咨询热线：0772-2341309", 4, 1, lay.BODY, 495, 1106),
         _entry("一篇框里的报道正文不算广告", 4, 2, lay.BODY, 30, 500)]
    address = Line("地址：齐齐哈尔市文化路98号", 495, 1117, 611, 1127, 9.0, False, "F")
    e[2].block = TextBlock([e[2].block.lines[0], address])
    for x in e[:3]:
        x.frame = 1
    e[3].frame = 2
    e[3].block = TextBlock([Line("一篇框里的报道正文，", 30, 500, 130, 510, 9.0, False, "F"),
                            Line("说了一件事。", 30, 512, 130, 522, 9.0, False, "F")])
    _advertisements(e)
    assert [x.rank for x in e] == [lay.FURNITURE] * 3 + [lay.BODY]


def test_a_photo_heading_a_storys_first_column_left_of_its_headline_is_read_in_the_story_after_it() -> None:
    # a story over three columns: its photo heads the first column, level with the headline over the
    # other two, the caption and the lead (a bold dateline, then two lines) under the photo: all one
    # story, the headline read first, then the first column, then the others
    from newsgen.pdf.blocks import TextBlock
    from newsgen.pdf.chars import Shape
    from newsgen.pdf.lines import Line
    from newsgen.pdf.order import reading_order

    def run(text: str, x0: float, top: float, x1: float, bottom: float, size: float = 9.0,
            bold: bool = False) -> list[TextBlock]:
        return [TextBlock([Line(text, x0, top, x1, bottom, size, bold, "F")])]

    runs = [run("图为四上塔石乡一景。（记者 彭秀摄）", 425, 857, 546, 875, 7.9),
            run("新华社杭州五月四日电", 443, 885, 533, 894, bold=True),
            run("（记者叶娟 余春辉）今年盛夏，", 425, 898, 549, 907),
            run("四上塔石乡", 564, 737, 674, 759, 22.0, True),
            run("我邀请朋友们一起，第四次到塔石乡。", 557, 767, 680, 915),
            run("既省了在家买菜水电的消耗。", 689, 767, 812, 877)]
    shapes = [Shape("hrule", 425, 720.6, 812, 720.6), Shape("box", 425, 764.6, 548, 849.9)]
    placed = reading_order(runs, shapes, 842, 1191, 9.0)
    assert [p.block.text[:4] for p in placed] == ["四上塔石", "图为四上", "新华社杭", "（记者叶", "我邀请朋",
                                                  "既省了在"]
    assert len({p.story for p in placed}) == 1 and placed[0].story is not None
