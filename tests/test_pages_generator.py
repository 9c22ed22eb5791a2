"""train/pages.py: the newspaper-page generator typesets what its truth says, where its layout says.

The pages are made from the training articles (``../shared/parser-eval/train``) when they are there,
else from the repository's own articles: the tests check the typesetter, not the articles.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

import pdfminer.high_level as pdfminer_high
import pytest
import reportlab  # noqa: F401  (dev extra: a missing typesetter fails, never skips)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "train"))
import pages  # noqa: E402

TEXT_KINDS = {"masthead", "furniture", "kicker", "title", "deck", "byline", "para", "subhead", "caption", "jump",
              "title_repeat", "ad_text"}


def _articles() -> list[dict]:
    if (pages.SHARED / "train" / "articles.jsonl.gz").exists():
        return pages.load_articles(pages.SHARED)[:400]
    import yaml

    out = []
    for path in sorted((ROOT / "articles").rglob("*.md")):
        _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
        paras = [p for p in body.split("\n\n") if p.strip() and not p.startswith(("#", "!"))]
        out.append({"title": yaml.safe_load(front)["title"], "paras": paras, "authors": []})
    return out * 20


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, dict, dict]]:
    """One single page of each style and a two-page county issue, written as PDFs."""
    arts = _articles()
    out = tmp_path_factory.mktemp("pages")
    made = {}
    for n, (name, style, npages) in enumerate([("party", "party", 1), ("city", "city", 1),
                                               ("county", "county", 1), ("issue", "county", 2)]):
        pool = list(range(len(arts)))[::-1][n * 40:]
        pgs, truth, layout = pages.make_item(arts, pool, pages.STYLES[style], 11 + n, npages)
        pdf = out / f"{name}.pdf"
        pages.render(pgs, pdf)
        made[name] = (pdf, truth, layout)
    return made


def _chars_by_page(pdf: Path) -> list[list[tuple[float, float, str]]]:
    """Every character pdfminer reads, with the centre of its box, page by page."""
    from pdfminer.layout import LTChar, LTTextContainer

    pages_out = []
    for page in pdfminer_high.extract_pages(str(pdf)):
        chars = []
        stack = list(page)
        while stack:
            el = stack.pop()
            if isinstance(el, LTChar):
                chars.append(((el.x0 + el.x1) / 2, (el.y0 + el.y1) / 2, el.get_text()))
            elif isinstance(el, LTTextContainer) or hasattr(el, "__iter__"):
                stack.extend(el)
        pages_out.append(chars)
    return pages_out


def test_same_seed_same_pdf_truth_and_layout(tmp_path: Path) -> None:
    arts = _articles()
    runs = []
    for k in range(2):
        pgs, truth, layout = pages.make_item(arts, list(range(len(arts)))[::-1], pages.STYLES["city"], 7, 1)
        pages.render(pgs, tmp_path / f"{k}.pdf")
        runs.append(((tmp_path / f"{k}.pdf").read_bytes(), truth, layout))
    assert runs[0] == runs[1]
    other, _, _ = pages.make_item(arts, list(range(len(arts)))[::-1], pages.STYLES["city"], 8, 1)
    pages.render(other, tmp_path / "other.pdf")
    assert (tmp_path / "other.pdf").read_bytes() != runs[0][0]


def test_every_truth_character_is_in_the_pdf_text(made: dict) -> None:
    """No text lost by the typesetter: pdfminer reads back every character of every article."""
    for name, (pdf, truth, _) in made.items():
        got = Counter(re.sub(r"\s+", "", pdfminer_high.extract_text(str(pdf))))
        want = Counter()
        for art in truth["articles"]:
            want.update(re.sub(r"\s+", "", "".join(art["paras"]) + "".join(art["headline_lines"])))
        assert not want - got, f"{name}: characters the PDF does not give back: {want - got}"
        assert sum(len(a["paras"]) for a in truth["articles"]) > 10


def test_extractors_keep_a_column_piece_together(made: dict) -> None:
    """The styles' leading keeps pdfminer's line grouping: a piece (a paragraph's part in one column)
    comes out whole, not interleaved line by line with the next column's (a leading above 1.5 does). A few
    do interleave on any page: pdfminer now and then reads two columns one gutter (about one character)
    apart as one box, its char_margin being two characters."""
    for name, (pdf, truth, _) in made.items():
        text = re.sub(r"\s+", "", pdfminer_high.extract_text(str(pdf)))
        pieces = [re.sub(r"\s+", "", p) for a in truth["articles"] for p in a["paras"]]
        whole = sum(p in text for p in pieces)
        assert whole >= 0.85 * len(pieces), f"{name}: {whole} of {len(pieces)} pieces whole"


def test_each_block_box_holds_exactly_its_text(made: dict) -> None:
    """The layout file's box of a text block holds its characters and no other block's (read back by
    pdfminer), so the PDF front end can be scored block by block."""
    for name, (pdf, _, layout) in made.items():
        chars = _chars_by_page(pdf)
        for b in layout["blocks"]:
            if b["kind"] not in TEXT_KINDS:
                continue
            x0, y0, x1, y1 = b["box"]
            inside = [(-y, x, c) for x, y, c in chars[b["page"] - 1] if x0 <= x <= x1 and y0 <= y <= y1]
            text = "".join(c for _, _, c in sorted(inside, key=lambda t: (round(t[0]), t[1])))
            assert re.sub(r"\s+", "", text) == re.sub(r"\s+", "", b["text"]), (name, b["kind"], b["text"][:30])


def test_articles_and_pieces_match_the_layout(made: dict) -> None:
    """Each truth piece is one layout block of its article, in reading order; the truth lists no
    jump line, advertisement or furniture."""
    for name, (_, truth, layout) in made.items():
        for art in truth["articles"]:
            blocks = [b for b in layout["blocks"] if b["article"] == art["id"] and b["para"] is not None]
            assert [b["text"] for b in sorted(blocks, key=lambda b: b["para"])] == art["paras"], name
            assert not any(re.fullmatch(r"（[上下]接第.{1,3}版）", p) for p in art["paras"])
            assert set(art["subheads"]) <= set(art["paras"]) and set(art["captions"]) <= set(art["paras"])
            assert art["headline_lines"][0] == (art["kicker"] or art["headline_lines"][0])


def test_jump_lines_point_to_the_real_continuation(made: dict) -> None:
    _, truth, layout = made["issue"]
    numbers = {p["page"]: p["number"] for p in layout["pages"]}
    jumps = [b for b in layout["blocks"] if b["kind"] == "jump" and "jump_to" in b]
    assert jumps, "an issue has at least one article that jumps"
    arts = {a["id"]: a for a in truth["articles"]}
    for j in jumps:
        src, dst = numbers[j["page"]], j["jump_to"]
        assert j["text"] in (f"（下转第{dst}版）", f"（下转第{pages.cn_number(dst)}版）")
        there = [b for b in layout["blocks"] if b["article"] == j["article"] and numbers[b["page"]] == dst]
        back = [b for b in there if b["kind"] == "jump"]
        assert len(back) == 1 and back[0]["jump_from"] == src
        assert back[0]["text"] in (f"（上接第{src}版）", f"（上接第{pages.cn_number(src)}版）")
        assert any(b["kind"] == "para" for b in there), "the continuation holds the article's text"
        before = [b["para"] for b in layout["blocks"] if b["article"] == j["article"] and b["para"] is not None
                  and numbers[b["page"]] == src]
        after = [b["para"] for b in there if b["para"] is not None]
        assert max(before) < min(after), "the text goes on where it stopped"
        assert arts[j["article"]]["continued"] and arts[j["article"]]["pages"] == [src, dst]


def test_styles_differ_in_columns_and_headline_sizes(made: dict) -> None:
    def column_width(layout: dict) -> float:
        widths = Counter(round(b["box"][2] - b["box"][0]) for b in layout["blocks"]
                         if b["kind"] == "para" and b["box"][3] - b["box"][1] > 40)
        return widths.most_common(1)[0][0]

    seen = {}
    for name in ("party", "city", "county"):
        style = pages.STYLES[name]
        layout = made[name][2]
        col = (style.width - 2 * style.margin - (style.cols - 1) * style.gutter) / style.cols
        assert abs(column_width(layout) - col) <= 2, name
        sizes = {b["size"] for b in layout["blocks"] if b["kind"] == "title"}
        assert max(sizes) <= style.heads[0] and len(sizes) >= 2, name
        seen[name] = (style.cols, round(col), style.heads)
    assert len({v[1] for v in seen.values()}) == 3 and len({v[2] for v in seen.values()}) == 3


def test_bold_is_a_font_of_its_own_and_text_comes_back_as_characters(made: dict) -> None:
    """Headlines are set in the bold resource; the CID font (no ToUnicode map) still reads as
    characters, never (cid:N)."""
    from pdfminer.layout import LTChar

    pdf, truth, layout = made["party"]
    fonts: dict[str, set[str]] = {}
    for page in pdfminer_high.extract_pages(str(pdf)):
        stack = list(page)
        while stack:
            el = stack.pop()
            if isinstance(el, LTChar):
                fonts.setdefault(el.fontname, set()).add(el.get_text())
            elif hasattr(el, "__iter__"):
                stack.extend(el)
    assert set(fonts) == {"STSongStd-Light", "STSongStd-Light,Bold"}
    title_chars = {c for b in layout["blocks"] if b["kind"] == "title" for c in b["text"]}
    assert title_chars - {" "} <= fonts["STSongStd-Light,Bold"]
    text = pdfminer_high.extract_text(str(pdf))
    assert "(cid:" not in text and b"/ToUnicode" not in pdf.read_bytes()


def test_make_set_writes_scored_text_sets(tmp_path: Path) -> None:
    """Each extractor's set holds NAME.txt with NAME.truth.json beside it, as run_eval.py reads."""
    source = tmp_path / "articles.jsonl"
    source.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in _articles()[:80]), "utf-8")
    names = pages.make_set(tmp_path, 1, 0, ["party"], 3, source, extractors=("pdfminer",))
    assert names == ["party-000"]
    txt = (tmp_path / "text-pdfminer" / "party-000.txt").read_text(encoding="utf-8")
    truth = json.loads((tmp_path / "text-pdfminer" / "party-000.truth.json").read_text(encoding="utf-8"))
    assert truth["articles"] and truth["articles"][0]["title"][:4] in re.sub(r"\s+", "", txt)
    assert (tmp_path / "pdf" / "party-000.layout.json").exists()


@pytest.mark.parametrize(("cid", "readable"), [("ucs2", True), ("identity-gb1", True), ("identity", False)])
def test_cid_modes_read_back_as_characters_or_cids(made: dict, tmp_path: Path, cid: str, readable: bool) -> None:
    """No mode writes a ToUnicode map: codes under UniGB-UCS2-H, or CIDs of the Adobe-GB1 collection, read
    back as characters; the same CIDs under an Identity ordering read as (cid:N), as an embedded subset
    font without a ToUnicode map does."""
    arts = _articles()
    pgs, truth, _ = pages.make_item(arts, list(range(len(arts)))[::-1], pages.STYLES["party"], 5, 1)
    pdf = tmp_path / f"{cid}.pdf"
    pages.render(pgs, pdf, cid)
    assert b"/ToUnicode" not in pdf.read_bytes()
    text = pdfminer_high.extract_text(str(pdf))
    title = truth["articles"][0]["title"]
    assert (title[:6] in re.sub(r"\s+", "", text)) is readable
    assert ("(cid:" in text) is not readable


def test_long_stories_get_bold_subheadings_between_paragraphs() -> None:
    """The training articles have no subheadings: a long story gets two or three, never first or last,
    set in bold, each one block and one truth piece listed in ``subheads``."""
    import dataclasses
    import random

    arts = [a for a in _articles() if len(a["paras"]) >= 6]
    if not arts:
        pytest.skip("no article of six paragraphs here")
    style = dataclasses.replace(pages.STYLES["party"], subhead_p=1.0, photo_p=0.0)
    story = pages.make_story(arts[0], 0, random.Random(1), style, 3000, (2023, 9, 5))
    kinds = [i.kind for i in story.items if i.kind != "byline"]
    assert kinds[0] == "para" and kinds[-1] == "para" and 2 <= kinds.count("subhead") <= 3
    ts = pages.Typesetter(style, random.Random(2), "江西日报", (2023, 9, 5))
    page, _ = ts.page(1, [story], [], {}, masthead=True)
    subs = [b for b in page.blocks if b["kind"] == "subhead"]
    assert subs and all(b["bold"] for b in subs)
    assert [b["text"] for b in subs] == story.subheads and set(story.subheads) <= set(story.pieces)


@pytest.fixture(scope="module")
def many_layouts() -> list[tuple[str, dict]]:
    """Layouts (not rendered) of several single pages of each style and one issue of each: enough pages
    that rare placements (a caption's hanging stop, a story at the foot of a full page) turn up."""
    arts = _articles()
    out = []
    for n, (style, npages) in enumerate([(st, 1) for st in pages.STYLES for _ in range(6)]
                                        + [(st, 4) for st in pages.STYLES]):
        pool = list(range(len(arts)))[::-1][(n * 23) % max(1, len(arts) - 80):]
        _, _, layout = pages.make_item(arts, pool, pages.STYLES[style], 101 + n, npages)
        out.append((f"{style}-{n}", layout))
    return out


def test_every_text_line_lies_within_its_column_frame_or_advertisement(many_layouts: list) -> None:
    """A typesetter wraps every text (captions, headlines, kickers, decks, bylines, jump lines, ads) to
    the width it is given: text beside text on the same line keeps at least a gutter apart (two
    columns' lines never read as one), nothing runs past the text area, an article's text in a frame
    stays inside the frame and an advertisement's text inside the advertisement."""
    bad = []
    for name, layout in many_layouts:
        style = pages.STYLES[layout["style"]]
        for page in {b["page"] for b in layout["blocks"]}:
            on_page = [b for b in layout["blocks"] if b["page"] == page]
            texts = [b for b in on_page if b["kind"] in TEXT_KINDS - {"masthead", "furniture"}]
            for i, b in enumerate(texts):
                x0, y0, x1, y1 = b["box"]
                if x0 < style.margin - 0.5 or x1 > style.width - style.margin + 0.5:
                    bad.append((name, page, b["kind"], b["text"][-12:], "past the text area", x0, x1))
                holders = [h["box"] for h in on_page if (
                    h["kind"] == "frame" and b["article"] is not None and h["article"] == b["article"]
                    or h["kind"] == "ad" and b["kind"] == "ad_text")]
                holders = [h for h in holders if h[1] - 0.5 <= (y0 + y1) / 2 <= h[3] + 0.5]
                if holders and not any(h[0] - 0.5 <= x0 and x1 <= h[2] + 0.5 for h in holders):
                    bad.append((name, page, b["kind"], b["text"][-12:], "out of its frame", x0, x1, holders))
                for o in texts[i + 1:]:
                    if min(y1, o["box"][3]) - max(y0, o["box"][1]) < 1.0:
                        continue        # not side by side on a line
                    gap = max(o["box"][0] - x1, x0 - o["box"][2])
                    if gap < style.gutter - 1.0:
                        bad.append((name, page, b["kind"], b["text"][-12:], o["kind"], o["text"][:12], "gap", gap))
    assert not bad, bad[:5]



def test_every_headline_placed_has_text_under_it_on_that_page(many_layouts: list) -> None:
    """A typesetter never places a headline with no text under it: where less than about two lines of
    the article's text fit, another article (or an advertisement) takes the space. Every article
    headlined on a page has a paragraph there, of at least two lines unless the paragraph is shorter."""
    bad = []
    for name, layout in many_layouts:
        style = pages.STYLES[layout["style"]]
        lead = style.body * style.leading
        for page in {b["page"] for b in layout["blocks"]}:
            blocks = [b for b in layout["blocks"] if b["page"] == page and b["article"] is not None]
            headed = {b["article"] for b in blocks if b["kind"] in ("title", "title_repeat", "jump")
                      and "jump_to" not in b}
            for art in headed:
                paras = [b for b in blocks if b["article"] == art and b["kind"] == "para"]
                lines = sum(round((b["box"][3] - b["box"][1] - style.body) / lead) + 1 for b in paras)
                short = any(pages.text_width(b["text"], style.body) < 2 * (b["box"][2] - b["box"][0])
                            for b in paras)
                if not paras or lines < 2 and not short:
                    bad.append((name, page, art, len(paras), lines))
    assert not bad, bad[:5]
