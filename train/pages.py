"""Typeset training articles into newspaper pages (PDF) with their truth, and extract text bulletins.

    .venv/bin/python train/pages.py --out .eval/pages [--count 6] [--issues 2] [--styles county,city,party]
                                    [--seed 23] [--extractors pdfminer,pdftotext,pdftotext-layout,pypdfium2]
                                    [--cid ucs2|identity-gb1|identity] [--articles FILE.jsonl.gz]

Deterministic (fixed seed: the same options give the same PDFs byte for byte). Made from the TRAINING
articles (``../shared/parser-eval/train/articles.jsonl.gz``), never from a scored set; ``--articles``
typesets any other file of articles in the same format (one JSON object a line: title, paras,
perhaps headline_lines) in the same styles.

What a page holds
-----------------
Multi-column pages in three styles (``STYLES``): a county weekly (``county``: 5 columns, left-aligned
headlines), a city daily (``city``: 6 columns, more advertisements, centred headlines) and a party
paper's front page (``party``: 5 columns, a masthead, larger headlines, more kickers and decks). The
font is reportlab's built-in CJK font ``STSong-Light`` (a ``UnicodeCIDFont``: no font file, no
embedded glyphs). Weight is a second font resource, ``STSong-Light,Bold`` (the same face under the
name Acrobat gives a synthetic bold, ForceBold set in its descriptor), always drawn with text render
mode 2 (fill and stroke, a stroke of 3 % of the size): headlines, subheadings, the dateline that opens
a lead, the masthead. Page elements: headlines in several sizes over one or more columns (one to three
lines), kickers (引题) and decks (副题), subheadings, bylines (a line ``本报记者 张三``, a bracket
``（记者 张三 通讯员 李四）``) and datelines opening the lead (本报讯（记者X）, 新华社X地X月X日电, 本报X地X月X日电),
sign-offs, photos (grey boxes) with captions (图为……（X 摄）), boxed articles (a frame round them),
articles whose text flows round a boxed article or an advertisement set into their corner (L shapes),
advertisements (a framed block with no article), horizontal rules under articles, and page furniture
(paper name, date, page number 第N版, 版名, editors' line). In an issue (four pages in one PDF), one or
two articles of a page jump to a later page: their text stops with ``（下转第N版）`` and goes on
under ``（上接第M版）`` (perhaps under its title again); the page numbers are the real ones.

Files written (``--out DIR``)
-----------------------------
``DIR/pdf/NAME.pdf``, ``DIR/pdf/NAME.truth.json``, ``DIR/pdf/NAME.layout.json`` for each page
(``county-000`` …) and issue (``issue-city-000``, its four pages in one PDF; with ``--split-issues``
also one PDF a page, ``DIR/pdf/issue-city-000/page-01.pdf`` …, the layout's ``page`` numbering
them); and for each extractor a bulletin set ``DIR/text-EXTRACTOR/NAME.txt`` with ``NAME.truth.json``
beside it, which ``run_eval.py`` and ``train/quick_eval.py`` score.

Truth format (``NAME.truth.json``, what ``score.py`` reads, plus a few keys it ignores)::

    {"style": "city", "paper": "星城晚报", "date": "2023-09-05", "pages": 4,
     "articles": [{"id": 0, "title": "主标题", "kicker": "引题" | null, "deck": "副题" | null,
                   "headline_lines": ["引题", "主标题第一行", "主标题第二行", "副题"],
                   "authors": ["张三"] | [] | null,       # null: a credit the truth cannot list
                   "paras": ["本报记者 张三", "本报讯（记者张三）……", "……", "图为……（李四 摄）"],
                   "subheads": ["……"], "captions": ["……"], "boxed": false,
                   "pages": [1, 3], "continued": true}]}

``paras`` are the article's text pieces in reading order: the byline line, the paragraphs, the
subheadings and the photo caption (after the first paragraph). A paragraph broken by a column, a
frame or a page is several pieces, one per box: each piece is one block of the layout file. Jump lines,
repeated titles of a continuation, advertisements and page furniture are in no article.

Text sets (``text-EXTRACTOR``): what each extractor reads from the same PDF, pages joined by a blank line:
``pdfminer`` is pdfminer.six's ``extract_text`` with its default LAParams; ``pdftotext`` and
``pdftotext-layout`` are poppler's, without and with ``-layout`` (which keeps the columns side by
side on each printed line); ``pypdfium2`` is the page's text in content-stream order
(``get_text_range``), the order a copy-paste from a viewer gives. None of them keeps a blank line
between paragraphs within a column. pdftotext drops U+3000 indents; pypdfium2 reads U+30FB where the
others read U+00B7. Both pdfminer and pdftotext group a column's lines only while the gap between
them is at most about half the type size: a leading above 1.5 (baseline to baseline, in sizes) leaves
each line apart and their text interleaves the columns line by line. The styles' leadings (1.4-1.45)
stay under it, as most papers' do. pdfminer now and then still reads two columns of one story as one
box, their lines interleaved (the gutter, about one character, is under its char_margin of two): 8 of
1,568 pieces in the default set.

CID fonts: reportlab's ``UnicodeCIDFont`` writes a Type0 font (CIDFontType0, Adobe-GB1) under the
predefined CMap ``UniGB-UCS2-H``, no glyphs embedded and no ToUnicode map; every extractor above still
reads characters, through its own copy of the Adobe-GB1 tables. ``--cid identity-gb1`` (Identity-H,
Adobe-GB1 CIDs) reads back as characters too; ``--cid identity`` (the same CIDs under an Identity
ordering, as a subset font embedded without ToUnicode reads) gives ``(cid:N)`` from pdfminer and the
CID taken as a code point (``ЧБ࿟…``) from pdftotext and pypdfium2.

Layout format (``NAME.layout.json``: every block drawn, for the PDF front end)::

    {"pdf": "NAME.pdf", "style": "city",
     "pages": [{"page": 1, "width": 841.9, "height": 1190.6, "number": 1, "section": "要闻"}],
     "blocks": [{"page": 1, "kind": "title", "text": "……", "box": [x0, y0, x1, y1],
                 "article": 0 | null, "para": 3 | null, "size": 24.0, "bold": true}, ...]}

``kind`` is one of masthead, furniture, kicker, title, deck, byline, para, subhead, caption, photo,
jump (``（下转第3版）``/``（上接第1版）``; ``jump_to``/``jump_from`` give the printed page number, a
``pages[].number``, while ``page`` counts the PDF's pages from 1), title_repeat (a continuation's
title), frame (a boxed article's border), rule (a line under an article), ad, ad_text.
``para`` is the index into the truth article's ``paras`` of a text piece. Boxes are PDF points in PDF
user space (origin bottom left, y up); a text box is its lines' glyph boxes as pdfminer gives them
(from the baseline: descent 0.271 of the size below, 0.729 above), ``x1`` the end of its longest line.
A paper indents paragraphs by an offset or (half of them, by seed) by two ideographic spaces (U+3000)
drawn as text: they are in the PDF's text but not in the truth's or the layout's ``text``.
"""

from __future__ import annotations

import argparse
import copy
import gzip
import json
import random
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from briefs import OLD_DAY, OLD_LEAD, PLACES, cn_number, person  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "parser-eval"

FONT = "STSong-Light"
BOLD = "STSong-Light,Bold"
DESCENT = 0.271      # pdfminer's glyph box: the font's descent below the baseline, the rest of the size above
EXTRACTORS = ("pdfminer", "pdftotext", "pdftotext-layout", "pypdfium2")

LEAD_CREDIT = re.compile(r"[（(][^（）()]{0,30}(?:记者|通讯员)[^（）()]{0,40}[）)]")
NO_START = set("，。、；：？！）》」』”’】〉…—%·．,.;:?!)]")
NO_END = set("（《「『“‘【〈([")


#: How the font's codes are written (``--cid``): ``ucs2`` is reportlab's own (the predefined CMap
#: UniGB-UCS2-H: codes are UTF-16); ``identity-gb1`` writes CIDs under Identity-H with the Adobe-GB1
#: collection named; ``identity`` writes the same CIDs under an ``Identity`` ordering, as a subset
#: font embedded without a ToUnicode map reads to an extractor: its codes name no character.
CID_MODES = ("ucs2", "identity-gb1", "identity")
_REGISTERED: list[str] = []


def _register_fonts(cid: str = "ucs2") -> None:
    """Register STSong-Light and its bold twin (the same face, its own font resource), their codes
    written as ``cid`` says (``CID_MODES``)."""
    from reportlab import rl_config
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import CIDFontInfo, UnicodeCIDFont, structToPDF

    rl_config.invariant = 1      # no creation date or random document id: the same input, the same bytes
    if _REGISTERED == [cid] and type(pdfmetrics.getFont(FONT)).__name__ == "PageFont":
        return   # (registered, and not replaced since by another's font of that name)

    class PageFont(UnicodeCIDFont):
        """STSong-Light under ``name``; the bold one is written as ``STSong-Light,Bold`` (ForceBold
        set), as a PDF names a synthetic bold (SimSun,Bold in office exports)."""

        def __init__(self, name: str) -> None:
            super().__init__(FONT)
            self.name = self.fontName = name

        def formatForPdf(self, text: str) -> str:  # noqa: N802 (reportlab's name)
            if cid == "ucs2":
                return super().formatForPdf(text)
            codes = b"".join(_gb1_cid(ch).to_bytes(2, "big") for ch in text)
            return "".join(f"\\{b:03o}" for b in codes)

        def addObjects(self, doc) -> None:  # noqa: N802 (reportlab's name)
            internal = "F" + repr(len(doc.fontMapping) + 1)
            info = copy.deepcopy(CIDFontInfo[FONT])
            desc = info["DescendantFonts"][0]
            if self.name == BOLD:
                info["BaseFont"] = desc["BaseFont"] = "/" + BOLD
                desc["FontDescriptor"]["FontName"] = "/STSongStd-Light,Bold"
                desc["FontDescriptor"]["Flags"] = 6 | 262144
                desc["FontDescriptor"]["StemV"] = 120
            info["Name"] = "/" + internal
            info["Encoding"] = "/" + (self.encodingName if cid == "ucs2" else "Identity-H")
            if cid == "identity":
                desc["CIDSystemInfo"]["Ordering"] = "(Identity)"
            ref = doc.Reference(structToPDF(info), internal)
            doc.idToObject["BasicFonts"].dict[internal] = ref
            doc.fontMapping[self.name] = "/" + internal

    pdfmetrics.registerFont(PageFont(FONT))
    pdfmetrics.registerFont(PageFont(BOLD))
    _REGISTERED[:] = [cid]


_GB1: dict[str, int] = {}


def _gb1_cid(ch: str) -> int:
    """The Adobe-GB1 CID of a character (through pdfminer's copy of the UniGB-UCS2-H CMap); 0 if none."""
    if ch not in _GB1:
        from pdfminer.cmapdb import CMapDB
        cids = list(CMapDB.get_cmap("UniGB-UCS2-H").decode(ch.encode("utf-16-be")))
        _GB1[ch] = cids[0] if cids else 0
    return _GB1[ch]


_WIDTHS: dict[str, float] = {}


def text_width(text: str, size: float) -> float:
    """The width of ``text`` set in STSong-Light at ``size`` (the bold twin has the same widths)."""
    total = 0.0
    for ch in text.translate(DRAWN):
        w = _WIDTHS.get(ch)
        if w is None:
            from reportlab.pdfbase import pdfmetrics
            if not _REGISTERED:
                _register_fonts()
            w = _WIDTHS[ch] = pdfmetrics.stringWidth(ch, FONT, 1000.0)
        total += w
    return total * size / 1000.0


# ---------------------------------------------------------------------------------------------- styles

@dataclass(frozen=True)
class Style:
    """One kind of paper: page size, columns, type sizes and how often each element appears."""
    name: str
    width: float
    height: float
    margin: float
    cols: int
    gutter: float
    body: float
    leading: float                  # baseline to baseline, in units of the body size
    heads: tuple[float, ...]        # headline sizes: lead story, wide, two columns, one column
    align: str                      # headlines: "left" or "center"
    front: bool                     # a masthead on page 1
    kicker_p: float
    deck_p: float
    photo_p: float
    box_p: float
    lshape_p: float
    ad_p: float
    subhead_p: float
    papers: tuple[str, ...]
    sections: tuple[str, ...]


STYLES: dict[str, Style] = {
    "county": Style("county", 760.0, 1080.0, 34.0, 5, 10.0, 9.5, 1.45, (24.0, 19.0, 16.0, 13.5), "left", False,
                    0.2, 0.15, 0.35, 0.25, 0.3, 0.5, 0.35,
                    ("南康", "瑞金", "于都", "兴国", "宁都", "会昌", "信丰", "安远", "崇义", "上犹", "浮梁", "婺源",
                     "修水", "武宁", "永修", "德安", "都昌", "湖口", "彭泽", "铅山"),
                    ("县域新闻", "乡村振兴", "民生", "综合", "社会", "文化")),
    "city": Style("city", 841.9, 1190.6, 30.0, 6, 9.0, 9.0, 1.4, (30.0, 22.0, 18.0, 14.0), "center", False,
                  0.15, 0.25, 0.4, 0.2, 0.3, 0.7, 0.3,
                  ("星城", "江城", "榕城", "泉城", "羊城", "鹏城", "春城", "冰城", "山城", "滨海", "东方", "都市"),
                  ("要闻", "城事", "民生", "社会", "经济", "文体")),
    "party": Style("party", 841.9, 1190.6, 32.0, 5, 11.0, 10.0, 1.42, (34.0, 26.0, 20.0, 16.0), "center", True,
                   0.55, 0.5, 0.45, 0.25, 0.25, 0.15, 0.5,
                   ("江西", "湖南", "湖北", "安徽", "福建", "广西", "贵州", "云南", "河南", "山西", "陕西", "甘肃"),
                   ("要闻", "要闻", "综合", "时政", "经济", "地方")),
}

KICKERS = ["聚焦高质量发展", "喜迎国庆", "奋进新征程 建功新时代", "乡村振兴进行时", "一线见闻", "民生实事",
           "学习贯彻党的二十大精神", "深入基层 走进一线", "稳经济 促发展", "绿色发展看今朝", "新时代新征程新伟业",
           "项目建设攻坚年", "优化营商环境", "文明创建在行动", "迎盛会 铸忠诚", "记者蹲点"]
SUB_VERBS = ["聚焦", "坚持", "强化", "推动", "突出", "夯实", "做优", "激活", "打通", "深化", "筑牢", "拓展"]
SUB_NOUNS = ["产业发展", "民生保障", "基层治理", "科技创新", "生态保护", "乡村振兴", "营商环境", "人才支撑",
             "文化传承", "开放合作", "“最后一公里”", "服务质量", "安全底线", "发展动能"]
AD_HEADS = ["盛大开盘 火热认购中", "国庆大促 全场五折起", "招聘启事", "新店开业 惊喜不断", "品质家装 一站到家",
            "诚聘英才", "健康体检 关爱家人", "驾校招生 随到随学", "老年大学春季招生", "商铺招租"]
AD_KINDS = ["置业", "家居", "汽车城", "商贸城", "医院", "眼镜", "驾校", "家电", "酒店", "茶业"]
ROADS = ["人民", "解放", "建设", "中山", "滨江", "长征", "胜利", "文化", "新华", "南门"]
WEEKDAYS = "一二三四五六日"


# ---------------------------------------------------------------------------------------------- stories

@dataclass
class Item:
    """One piece of an article's text to flow: a paragraph, a subheading, a byline line."""
    kind: str                   # para, subhead, byline
    text: str
    indent: bool = True
    bold_prefix: int = 0        # so many leading characters in bold (a dateline opening the lead)


@dataclass
class Story:
    """An article as it is printed: its headline parts, its text items and what surrounds them."""
    id: int
    title: str
    title_lines: list[str]
    kicker: str | None
    deck: str | None
    items: list[Item]
    authors: list[str] | None
    caption: str | None = None
    boxed: bool = False
    pieces: list[str] = field(default_factory=list)   # truth paras in reading order
    subheads: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)
    continued: bool = False
    repeat_title: bool = False          # a continuation prints the title again
    plain: bool = False                 # laid without photo or inset (after they did not fit)


#: Characters drawn as another: STSong-Light's CMap (UniGB-UCS2-H) sends U+00B7 to no glyph pdfminer or
#: pdftotext read back, while U+30FB reads back as U+00B7. The truth keeps the text as it is read.
DRAWN = str.maketrans({"·": "・"})


def _clean(text: str) -> str:
    """One paragraph's text as printed: spaces collapsed, a bullet as a middle dot, zero-width marks out."""
    text = text.replace("•", "·").replace("\u200c", "").replace("\u200b", "").replace("\ufeff", "")
    return re.sub(r"\s+", " ", text).strip()


def _title_parts(art: dict) -> tuple[str, str | None]:
    """The main title and a kicker taken from the article's own headline lines (a line ending in ——)."""
    lines = [_clean(x) for x in (art.get("headline_lines") or []) if _clean(x)]
    if len(lines) >= 2 and re.search(r"(——|：|:)$", lines[0]):
        return "".join(lines[1:]), lines[0]
    return _clean(art["title"]), None


def _lead(rng: random.Random, text: str, month: int, day: int,
          ) -> tuple[str, int, list[str] | None, str | None, list[str]]:
    """The first paragraph with a new dateline: (text, bold prefix length, authors (None: not the
    paper's own), a byline line or None, names signing off the last paragraph)."""
    names = [person(rng) for _ in range(rng.choice([1, 1, 2]))]
    place = rng.choice(PLACES)
    date = f"{month}月{day}日" if rng.random() < 0.7 else f"{cn_number(month)}月{cn_number(day)}日"
    kind = rng.choice(["xun", "xun_credit", "dian", "dian_credit", "agency", "byline", "signoff", "none"])
    if kind == "xun":
        head = "本报讯 "
        return head + text, len(head.rstrip()), [], None, []
    if kind == "xun_credit":
        if rng.random() < 0.4:
            helper = person(rng)
            head = f"本报讯 记者{names[0]} 通讯员{helper} "
            return head + text, len(head.rstrip()), [names[0], helper], None, []
        head = "本报讯（记者" + "、".join(names) + "）"
        return head + text, len(head), names, None, []
    if kind == "dian":
        head = f"本报{place}{date}电 "
        return head + text, len(head.rstrip()), [], None, []
    if kind == "dian_credit":
        head = f"本报{place}{date}电（记者" + "、".join(names) + "）"
        return head + text, len(head), names, None, []
    if kind == "agency":      # an agency's reporters: the truth does not score them as the paper's authors
        head = f"{rng.choice(['新华社', '中新社'])}{place}{date}电（记者" + " ".join(names) + "）"
        return head + text, len(head), None, None, []
    if kind == "byline":
        if rng.random() < 0.6:
            return text, 0, names, "本报记者 " + " ".join(names), []
        helper = person(rng)
        return text, 0, names + [helper], "（记者 " + " ".join(names) + " 通讯员 " + helper + "）", []
    if kind == "signoff":
        return text, 0, names, None, names
    return text, 0, [], None, []


def make_story(art: dict, sid: int, rng: random.Random, style: Style, max_chars: int,
               date: tuple[int, int, int]) -> Story:
    """A printed article from a training article: cut to ``max_chars``, a new lead, perhaps a kicker,
    a deck, a byline line, a photo caption and a sign-off."""
    title, kicker = _title_parts(art)
    subs = {_clean(s) for s in (art.get("subheads") or [])}
    paras = [_clean(p) for p in art["paras"] if _clean(p)]
    kept, total = [], 0
    for p in paras:
        if kept and total + len(p) > max_chars:
            break
        kept.append(p)
        total += len(p)
    while kept and kept[-1] in subs:      # never end on a subheading
        kept.pop()
    if not kept:
        kept = paras[:1]
    first = OLD_LEAD.sub("", kept[0], count=1)
    first = OLD_DAY.sub("", first, count=1).lstrip("，, ")
    if len(first) < 10:
        first = kept[0]
    _, month, day = date
    first, bold, authors, byline, signoff = _lead(rng, first, month, day)
    kept[0] = first
    if LEAD_CREDIT.search(kept[0][bold:bold + 80]):      # a credit of the source's own the truth cannot list
        authors = None
    if signoff:
        kept[-1] = kept[-1] + "（" + " ".join(signoff) + "）"
    if kicker is None and rng.random() < style.kicker_p:
        kicker = rng.choice(KICKERS + [rng.choice(PLACES) + "："])
    deck = None
    if rng.random() < style.deck_p:
        m = re.match(r"[^，。！？；]{8,24}[，。！？；]", first[bold:])
        if m and "记者" not in m.group(0):
            deck = "——" + m.group(0)[:-1] if rng.random() < 0.3 else m.group(0)[:-1]
    items = []
    if byline:
        items.append(Item("byline", byline, indent=False))
    heads: dict[int, str] = {}
    if len(kept) >= 4 and not subs and rng.random() < style.subhead_p:
        # the training articles carry no subheadings: a long story gets two or three, between paragraphs
        at = sorted(rng.sample(range(1, len(kept)), min(len(kept) - 1, rng.choice([2, 2, 3]))))
        numbered = rng.random() < 0.4
        used: set[str] = set()
        for n, i in enumerate(at):
            while True:
                head = rng.choice(SUB_VERBS) + rng.choice(SUB_NOUNS)
                if head not in used:
                    break
            used.add(head)
            heads[i] = (cn_number(n + 1) + "、" if numbered else "") + head
    for i, p in enumerate(kept):
        if i in heads:
            items.append(Item("subhead", heads[i], indent=False))
        kind = "subhead" if p in subs and i > 0 else "para"
        items.append(Item(kind, p, indent=kind == "para", bold_prefix=bold if i == 0 else 0))
    caption = None
    if rng.random() < style.photo_p:
        who = person(rng)
        stem = re.sub(r"[“”‘’《》——：:！!？?，,。\s]", "", title)[:18]
        caption = rng.choice([f"图为{stem}现场。", f"图为{stem}的一个场景。", f"{stem}。", f"图为{stem}一景。"])
        caption += rng.choice([f"（{who} 摄）", f"（记者 {who} 摄）", f"  本报记者 {who} 摄", f"（{who}摄）"])
    return Story(sid, title, [], kicker, deck, items, authors, caption, repeat_title=rng.random() < 0.5)


# ---------------------------------------------------------------------------------------------- type

def wrap(text: str, width: float, size: float, indent: float = 0.0) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` (the first narrower by ``indent``): Latin words
    and numbers stay whole, closing punctuation never starts a line (it hangs), opening never ends one."""
    tokens = re.findall(r"[A-Za-z0-9.%·\-]+|.", text)
    lines: list[str] = []
    cur, cur_w, avail = "", 0.0, width - indent
    for tok in tokens:
        w = text_width(tok, size)
        over = cur and cur_w + w > avail + 0.01
        if over and tok in NO_START and cur_w > avail + 0.01 and len(cur) > 2:
            # a second closing mark would hang too (——, ）。): the last character goes down with it
            carry, cur = cur[-1], cur[:-1]
            while len(cur) > 1 and (cur[-1] in NO_END or carry[0] in NO_START):
                carry, cur = cur[-1] + carry, cur[:-1]
            lines.append(cur)
            cur, cur_w, avail = carry, text_width(carry, size), width
        elif over and tok not in NO_START:
            carry = ""
            while cur and cur[-1] in NO_END:
                carry, cur = cur[-1] + carry, cur[:-1]
            lines.append(cur)
            cur, cur_w, avail = carry, text_width(carry, size), width
        cur += tok
        cur_w += w
    if cur:
        lines.append(cur)
    return lines


@dataclass
class Frame:
    x0: float
    x1: float
    top: float
    bottom: float


@dataclass
class Laid:
    """One text line placed: where, what, from which item and character offset."""
    frame: int
    x: float
    y: float          # baseline
    text: str
    item: int
    offset: int
    size: float
    justify: float    # the width to fill (0: set as is)
    align: str = "left"


def flow(items: list[Item], frames: list[Frame], size: float, lead: float,
         reserve_last: int = 0) -> tuple[list[Laid], list[Item]]:
    """Set ``items`` line by line into ``frames`` in order. Returns the lines placed and what did not
    fit (its first item perhaps the rest of a paragraph, without indent). ``reserve_last`` keeps so many
    line slots free at the foot of the last frame (a jump line)."""
    laid: list[Laid] = []
    fi, slot = 0, 0

    def slots(i: int) -> int:
        f = frames[i]
        n = int((f.top - f.bottom - size) // lead) + 1 if f.top - f.bottom >= size else 0
        return max(0, n - (reserve_last if i == len(frames) - 1 else 0))

    for ii, item in enumerate(items):
        if not frames:
            return laid, items[ii:]
        width = frames[0].x1 - frames[0].x0
        ind = 2 * size if item.indent else 0.0
        sub = item.kind == "subhead"
        lines = wrap(item.text, width, size, ind)
        if sub and slot > 0:
            slot += 1          # a blank line above a subheading
        offset = 0
        for li, line in enumerate(lines):
            while fi < len(frames) and slot >= slots(fi):
                fi, slot = fi + 1, 0
            if fi >= len(frames):
                rest = item.text[offset:]
                tail = [Item(item.kind, rest, indent=item.indent and li == 0,
                             bold_prefix=max(0, item.bold_prefix - offset))]
                return laid, tail + items[ii + 1:]
            f = frames[fi]
            x = f.x0 + (ind if li == 0 else 0.0)
            last = li == len(lines) - 1
            align = "center" if sub or item.kind == "byline" and item.text.startswith("本报记者") else "left"
            fill = f.x1 - x
            if (last or sub) and text_width(line, size) <= fill:
                fill = 0.0          # set as is; a line overflowing (a hanging stop) is squeezed into the column
            laid.append(Laid(fi, x, f.top - size - slot * lead, line, ii, offset, size, fill, align))
            offset += len(line)
            slot += 1
    return laid, []


# ---------------------------------------------------------------------------------------------- pages

@dataclass
class Page:
    """What is drawn on one page, and the blocks the truth records."""
    number: int
    style: Style
    section: str
    ops: list[tuple] = field(default_factory=list)
    blocks: list[dict] = field(default_factory=list)
    start: float = 0.0          # the left edge of the line drawn last

    def text(self, x: float, y: float, text: str, size: float, bold: bool = False, align: str = "left",
             width: float = 0.0, bold_chars: int = 0, color: tuple[float, float, float] = (0, 0, 0),
             stretch: bool = True) -> float:
        """Draw one line; returns its right edge. ``width`` > 0 sets it within that width from ``x``
        (aligned as ``align`` says; a left line near the width is justified to it). A line wider than
        its width (a hanging stop) is squeezed into it whatever the alignment: no text runs past the
        column or box it is given. ``stretch`` False never justifies a short line. ``self.start`` is
        then the line's left edge."""
        w = text_width(text, size)
        space = 0.0
        if width and w > width and len(text) > 1:
            space = (width - w) / (len(text) - 1)
        elif align == "center" and width:
            x += (width - w) / 2
        elif align == "right" and width:
            x += width - w
        elif align == "left" and stretch and width and len(text) > 1 and width - w < size * 1.5:
            space = (width - w) / (len(text) - 1)
        self.start = x
        self.ops.append(("text", x, y, text.translate(DRAWN), size, bold, space, bold_chars, color))
        return x + w + space * (len(text) - 1)

    def block(self, kind: str, text: str, box: tuple[float, float, float, float], article: int | None = None,
              para: int | None = None, size: float = 0.0, bold: bool = False, **extra: object) -> None:
        self.blocks.append({"page": self.number, "kind": kind, "text": text,
                            "box": [round(v, 2) for v in box], "article": article, "para": para,
                            "size": round(size, 2), "bold": bold, **extra})


def line_box(x0: float, x1: float, y: float, size: float) -> tuple[float, float, float, float]:
    return (x0, y - DESCENT * size, x1, y + (1 - DESCENT) * size)


def union(boxes: list[tuple[float, float, float, float]]) -> tuple[float, float, float, float]:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def split_title(title: str, width: float, size: float, min_size: float) -> tuple[list[str], float]:
    """The title in one line, two balanced lines (cut at a space, a dash or a comma near the middle)
    or at most three, that fit ``width``, at ``size`` or the largest smaller size that allows it."""
    while True:
        if text_width(title, size) <= width:
            return [title], size
        cuts = [m.end() for m in re.finditer(r"——|\s|：|，", title) if 4 <= m.end() <= len(title) - 4]
        mid = len(title) / 2
        cut = min(cuts, key=lambda c: abs(c - mid)) if cuts else int(mid)
        parts = [title[:cut].strip(), title[cut:].strip()]
        if all(text_width(p, size) <= width for p in parts):
            return parts, size
        lines = wrap(title, width, size)
        if len(lines) <= 3 and all(text_width(x, size) <= width for x in lines) or size <= min_size:
            return lines, size
        size -= 1.0


class Typesetter:
    """Places stories on the pages of one page or issue, column by column, and records the truth."""

    def __init__(self, style: Style, rng: random.Random, paper: str, date: tuple[int, int, int]) -> None:
        self.style, self.rng, self.paper, self.date = style, rng, paper, date
        self.lead = style.body * style.leading
        s = style
        self.col_w = (s.width - 2 * s.margin - (s.cols - 1) * s.gutter) / s.cols
        self.numerals = rng.random() < 0.5      # 下转第二版 or 下转第2版
        self.pages_total = 4
        self.indent_chars = rng.random() < 0.5  # a paragraph's indent: two U+3000 spaces, or an offset

    def col_x(self, c: int) -> float:
        return self.style.margin + c * (self.col_w + self.style.gutter)

    def page_no(self, n: int) -> str:
        return cn_number(n) if self.numerals else str(n)

    # -- furniture ----------------------------------------------------------------------------------
    def furniture(self, page: Page, masthead: bool) -> float:
        """Draw the page's head (and foot); returns the top of the text area."""
        s, (y, m, d) = self.style, self.date
        import datetime
        wd = WEEKDAYS[datetime.date(y, m, d).weekday()]
        date = f"{y}年{m}月{d}日 星期{wd}"
        top = s.height - s.margin
        if masthead:
            size = 54.0 if s.name == "party" else 40.0
            x1 = page.text(s.margin, top - size, self.paper, size, bold=True, color=(0.75, 0.05, 0.05))
            page.block("masthead", self.paper, line_box(s.margin, x1, top - size, size), size=size, bold=True)
            lines = [date, f"第{self.rng.randint(1000, 25000)}期  今日{self.pages_total}版",
                     f"国内统一连续出版物号 CN{self.rng.randint(11, 65)}-{self.rng.randint(1, 99):04d}"]
            y0 = top - 12
            for ln in lines:
                x1 = page.text(s.width - s.margin - 170, y0, ln, 10.0)
                page.block("furniture", ln, line_box(s.width - s.margin - 170, x1, y0, 10.0), size=10.0)
                y0 -= 15
            bottom = top - size - 22
        else:
            y0 = top - 12
            left = f"第{self.page_no(page.number)}版  {page.section}"
            x1 = page.text(s.margin, y0, left, 11.0, bold=True)
            page.block("furniture", left, line_box(s.margin, x1, y0, 11.0), size=11.0, bold=True)
            w = text_width(self.paper, 14.0)
            x0 = (s.width - w) / 2
            x1 = page.text(x0, y0, self.paper, 14.0, bold=True)
            page.block("furniture", self.paper, line_box(x0, x1, y0, 14.0), size=14.0, bold=True)
            w = text_width(date, 10.0)
            x1 = page.text(s.width - s.margin - w, y0, date, 10.0)
            page.block("furniture", date, line_box(s.width - s.margin - w, x1, y0, 10.0), size=10.0)
            bottom = top - 22
        page.ops.append(("line", s.margin, bottom, s.width - s.margin, bottom, 1.5))
        page.ops.append(("line", s.margin, bottom - 2.5, s.width - s.margin, bottom - 2.5, 0.5))
        foot = f"责任编辑：{person(self.rng)}  美术编辑：{person(self.rng)}"
        page.text(s.margin, s.margin - 14, foot, 8.5)
        x1 = s.margin + text_width(foot, 8.5)
        page.block("furniture", foot, line_box(s.margin, x1, s.margin - 14, 8.5), size=8.5)
        return bottom - 10

    # -- one story in a module ----------------------------------------------------------------------
    def headline(self, story: Story, x0: float, width: float, top: float, rank: int, span: int,
                 page: Page | None, cont_from: int | None = None) -> float:
        """Headline parts from ``top`` down over ``width``; returns the y below them. Draws (and records)
        only when ``page`` is given."""
        s = self.style
        size = s.heads[0] if rank == 0 else s.heads[1] if span >= 3 else s.heads[2] if span == 2 else s.heads[3]
        y = top
        parts: list[tuple[str, str, float, bool]] = []
        if cont_from is not None:
            if story.repeat_title:
                parts.append(("title_repeat", story.title, max(s.body * 1.4, s.heads[3] - 1), True))
            parts.append(("jump", f"（上接第{self.page_no(cont_from)}版）", s.body, False))
        else:
            if story.kicker:
                parts.append(("kicker", story.kicker, max(s.body + 2, size * 0.45), False))
            lines, tsize = split_title(story.title, width, size, s.body * 1.4)
            for ln in lines:
                parts.append(("title", ln, tsize, True))
            if story.deck:
                parts.append(("deck", story.deck, max(s.body + 1, size * 0.5), False))
            if page is not None and not story.title_lines:
                story.title_lines = lines
        for kind, text, sz, bold in parts:
            lines = [text] if kind == "title" else wrap(text, width, sz)
            for ln in lines:
                y -= sz * 1.25
                if page is None:
                    continue
                align = "left" if kind == "jump" else s.align
                x1 = page.text(x0, y, ln, sz, bold=bold, align=align, width=width, stretch=False)
                extra = {"jump_from": cont_from} if kind == "jump" else {}
                page.block(kind, ln, line_box(page.start, x1, y, sz), story.id, size=sz, bold=bold, **extra)
            y -= sz * 0.3
        return y - self.style.body * 0.6

    def frames(self, x0: float, width: float, span: int, top: float, n: int,
               photo: tuple[int, float] | None, inset: tuple[int, float] | None) -> list[Frame]:
        """The text frames of a story's ``span`` columns, ``n`` lines deep, less a photo at the top of
        the first (or last) columns and an inset at the foot of the last columns (an L shape)."""
        g = self.style.gutter
        cw = (width - (span - 1) * g) / span
        out = []
        for c in range(span):
            fx = x0 + c * (cw + g)
            ftop, fbot = top, top - self.style.body - (n - 1) * self.lead - 0.5
            if photo and c < photo[0]:
                ftop -= photo[1]
            if inset and c >= span - inset[0]:
                fbot += inset[1]
            out.append(Frame(fx, fx + cw, ftop, fbot))
        return out

    def story_height(self, story: Story, width: float, span: int, rank: int, items: list[Item],
                     max_h: float, photo: tuple[int, float] | None, inset: tuple[int, float] | None,
                     cont_from: int | None = None) -> tuple[float, int, bool]:
        """(module height, lines a column, everything fits) of the shortest module holding ``items``
        under ``max_h`` (or the tallest there is)."""
        head_h = self.style.height - self.headline(story, 0, width, self.style.height, rank, span, None, cont_from)
        lo = self.min_lines(photo)
        hi = int((max_h - head_h - self.style.body) // self.lead) + 1 if max_h >= head_h + self.style.body else 0
        if hi < lo:
            return head_h, 0, False         # not even the headline and the least text fit
        need = (inset[1] + self.lead * 3) if inset else 0.0
        best = None
        while lo <= hi:
            mid = (lo + hi) // 2
            fr = self.frames(0, width, span, 0, mid, photo, inset)
            if inset and (fr[-1].top - fr[-1].bottom) < need - inset[1]:
                lo = mid + 1
                continue
            _, rest = flow(items, fr, self.style.body, self.lead)
            if rest:
                lo = mid + 1
            else:
                best, hi = mid, mid - 1
        if best is None:
            if not self.shows_text(items, self.frames(0, width, span, 0, hi, photo, inset)):
                return head_h, 0, False     # a headline with no text under it is never placed
            return head_h + self.style.body + (hi - 1) * self.lead, hi, False
        return head_h + self.style.body + (best - 1) * self.lead, best, True

    def shows_text(self, items: list[Item], frames: list[Frame]) -> bool:
        """Whether ``frames`` hold at least two lines of the story's paragraph text (all of it when its
        first paragraph is shorter), not only a byline or a subheading under the headline."""
        laid, _ = flow(items, frames, self.style.body, self.lead)
        paras = [i for i, it in enumerate(items) if it.kind == "para"]
        if not paras:
            return False
        first = items[paras[0]]
        need = min(2, len(wrap(first.text, frames[0].x1 - frames[0].x0, self.style.body,
                               2 * self.style.body if first.indent else 0.0))) if frames else 1
        return sum(1 for ln in laid if items[ln.item].kind == "para") >= need

    def min_lines(self, photo: tuple[int, float] | None) -> int:
        """The fewest lines a column of a story holds: a photo's columns keep two lines under it."""
        return 1 if not photo else int(photo[1] // self.lead) + 3

    def photo_box(self, story: Story, width: float, span: int) -> tuple[int, float, float, list[str]] | None:
        """(columns, height of photo and caption, photo height, caption lines) of the story's photo."""
        if not story.caption:
            return None
        g = self.style.gutter
        cw = (width - (span - 1) * g) / span
        pc = span if span <= 2 else self.rng.randint(max(1, span - 2), span)
        pw = pc * cw + (pc - 1) * g
        ph = round(pw * self.rng.uniform(0.5, 0.72), 1)
        csize = self.style.body * 0.88
        lines = wrap(story.caption, pw, csize)
        return pc, ph + 4 + len(lines) * csize * 1.35 + self.lead * 0.6, ph, lines

    def set_story(self, page: Page, story: Story, x0: float, width: float, top: float, span: int, rank: int,
                  n: int, items: list[Item], photo: tuple[int, float, float, list[str]] | None,
                  inset: tuple[int, float] | None, cont_from: int | None = None, jump_to: int | None = None,
                  ) -> tuple[float, list[Item]]:
        """Draw a story in its module; returns the module's bottom and what did not fit."""
        s = self.style
        y = self.headline(story, x0, width, top, rank, span, page, cont_from)
        pinfo = (photo[0], photo[1]) if photo else None
        fr = self.frames(x0, width, span, y, n, pinfo, inset)
        laid, rest = flow(items, fr, s.body, self.lead, reserve_last=1 if jump_to else 0)
        if photo:
            pc, _, ph, clines = photo
            px0 = fr[0].x0
            px1 = fr[pc - 1].x1
            page.ops.append(("rect", px0, y - ph, px1, y, 0.78, None))
            page.block("photo", "", (px0, y - ph, px1, y), story.id)
        # record the pieces: the part of an item in one frame is one block
        pieces: dict[tuple[int, int], list[Laid]] = {}
        for ln in laid:
            pieces.setdefault((ln.item, ln.frame), []).append(ln)
        order = sorted(pieces, key=lambda k: (k[0], k[1]))
        first_para_done = False
        caption_pending = bool(photo)
        for key in order:
            lns = pieces[key]
            item = items[key[0]]
            text = "".join(ln.text for ln in lns)
            boxes = []
            for ln in lns:
                bold_chars = max(0, min(len(ln.text), item.bold_prefix - ln.offset))
                bold = item.kind == "subhead"
                f = fr[ln.frame]
                if ln.align == "center":
                    x1 = page.text(f.x0, ln.y, ln.text, ln.size, bold=bold, align="center", width=f.x1 - f.x0)
                    boxes.append(line_box(page.start, x1, ln.y, ln.size))
                elif self.indent_chars and ln.offset == 0 and ln.x > f.x0 + 0.01:
                    # the paper indents with two ideographic spaces (U+3000), not an offset
                    x1 = page.text(f.x0, ln.y, "\u3000\u3000" + ln.text, ln.size, bold=bold,
                                   width=ln.justify and ln.justify + ln.x - f.x0,
                                   bold_chars=bold_chars and bold_chars + 2)
                    boxes.append(line_box(f.x0, x1, ln.y, ln.size))
                else:
                    x1 = page.text(ln.x, ln.y, ln.text, ln.size, bold=bold, width=ln.justify,
                                   bold_chars=bold_chars)
                    boxes.append(line_box(ln.x, x1, ln.y, ln.size))
            kind = item.kind
            story.pieces.append(text)
            if kind == "subhead":
                story.subheads.append(text)
            page.block(kind, text, union(boxes), story.id, len(story.pieces) - 1, s.body, kind == "subhead")
            if item.kind == "para":
                first_para_done = True
            nxt = [k for k in order if k > key]
            if caption_pending and first_para_done and (not nxt or nxt[0][0] != key[0]):
                caption_pending = False
                self._caption(page, story, photo, fr, y)
        if caption_pending:
            self._caption(page, story, photo, fr, y)
        if jump_to is not None and rest:
            f = fr[-1]
            jy = f.bottom + 0.5
            text = f"（下转第{self.page_no(jump_to)}版）"
            x1 = page.text(f.x0, jy, text, s.body, align="right", width=f.x1 - f.x0)
            page.block("jump", text, line_box(page.start, x1, jy, s.body), story.id,
                       size=s.body, jump_to=jump_to)
        bottom = min(f.bottom for f in fr) - s.body * DESCENT
        return bottom, rest

    def _caption(self, page: Page, story: Story, photo, fr: list[Frame], y: float) -> None:
        pc, _, ph, clines = photo
        csize = self.style.body * 0.88
        cy = y - ph - 4
        boxes = []
        for ln in clines:
            cy -= csize * 1.1
            # set within the photo's width, as it was wrapped: a hanging stop is squeezed in
            x1 = page.text(fr[0].x0, cy, ln, csize, width=fr[pc - 1].x1 - fr[0].x0, stretch=False)
            boxes.append(line_box(fr[0].x0, x1, cy, csize))
            cy -= csize * 0.25
        text = "".join(clines)
        story.pieces.append(text)
        story.captions.append(text)
        page.block("caption", text, union(boxes), story.id, len(story.pieces) - 1, csize)

    # -- advertisements -----------------------------------------------------------------------------
    def ad(self, page: Page, x0: float, x1: float, top: float, bottom: float) -> None:
        rng = self.rng
        page.ops.append(("rect", x0, bottom, x1, top, None, 1.6))
        page.block("ad", "", (x0, bottom, x1, top))
        name = rng.choice(PLACES) + rng.choice(AD_KINDS)
        lines = [(name, 13.0, True), (rng.choice(AD_HEADS), min(22.0, (x1 - x0 - 16) / 9), True),
                 (f"咨询热线：0{rng.randint(700, 799)}-{rng.randint(2000000, 8999999)}", 9.0, False),
                 (f"地址：{rng.choice(PLACES)}市{rng.choice(ROADS)}路{rng.randint(1, 300)}号", 9.0, False)]
        y = top - 8
        for text, size, bold in lines:
            size = min(size, (x1 - x0 - 12) / max(1, len(text)))
            y -= size * 1.4
            if y < bottom + 4:
                break
            end = page.text(x0 + 6, y, text, size, bold=bold, align="center", width=x1 - x0 - 12)
            page.block("ad_text", text, line_box(page.start, end, y, size), size=size, bold=bold)

    # -- one page -----------------------------------------------------------------------------------
    def page(self, number: int, stories: list[Story], conts: list[tuple[Story, list[Item], int]],
             jumps: dict[int, int], masthead: bool) -> tuple[Page, list[tuple[Story, list[Item], int, int]]]:
        """Lay a page: continuations first, then stories in order while they fit. ``jumps`` maps a story
        id to the page its text goes on to. Returns the page and the text that jumps on."""
        s, rng = self.style, self.rng
        page = Page(number, s, s.sections[number - 1] if number <= len(s.sections) else rng.choice(s.sections))
        body_top = self.furniture(page, masthead)
        floor = s.margin + 4
        cols_y = [body_top] * s.cols
        out: list[tuple[Story, list[Item], int, int]] = []
        queue: list[tuple[Story, list[Item], int | None]] = [(st, items, src) for st, items, src in conts]
        queue += [(st, st.items, None) for st in stories]
        rank = 0
        min_h = s.body * 8
        placed_any = False
        tries = 0
        while queue:
            story, items, cont_from = queue[0]
            if cont_from is None and rank == 0:
                span = s.cols - rng.choice([0, 1, 1, 2])
            else:
                span = rng.choice([1, 2, 2, 3, 3, 4][: s.cols - 1])
            cands = []
            for c in range(s.cols - span + 1):
                top = min(cols_y[c:c + span])
                waste = sum(cols_y[i] - top for i in range(c, c + span))
                cands.append((top - waste * 0.5, top, c))
            _, top, c = max(cands, key=lambda t: (t[0], -t[2]))
            avail = top - floor
            if avail < min_h:
                if max(cols_y) - floor < min_h:
                    break
                # this span fits nowhere: try the tallest single column
                c = max(range(s.cols), key=lambda i: cols_y[i])
                span, top = 1, cols_y[c]
                avail = top - floor
            x0 = self.col_x(c)
            width = span * self.col_w + (span - 1) * s.gutter
            boxed = cont_from is None and rank > 0 and span <= 3 and rng.random() < s.box_p
            pad = 7.0 if boxed else 0.0
            ix0, iw, itop = x0 + pad, width - 2 * pad, top - pad
            # an L shape: a short boxed story or an advertisement set into the foot of the last columns
            inset = None
            jump_to = jumps.get(story.id) if cont_from is None else None
            if cont_from is None and jump_to is None and span >= 3 and not boxed and not story.plain \
                    and rng.random() < s.lshape_p:
                k = rng.randint(1, span - 1)
                ins_w = k * self.col_w + (k - 1) * s.gutter
                other = queue[1][0] if len(queue) > 1 and queue[1][2] is None and queue[1][0].id not in jumps \
                    else None
                if other is not None and rng.random() < 0.6:
                    ih, in_n, ok = self.story_height(other, ins_w - 14, k, 1, other.items, avail * 0.4, None, None)
                    if ok:
                        inset = ("story", k, ih + 14, in_n, other)
                elif rng.random() < s.ad_p + 0.2:
                    inset = ("ad", k, round(rng.uniform(70, 130), 1), 0, None)
            photo = None
            if cont_from is None and not inset and not story.plain:
                photo = self.photo_box(story, iw, span)
                if photo and photo[1] > avail * 0.45:
                    photo = None
            ins = (inset[1], inset[2] + s.gutter) if inset else None
            hrank = rank if cont_from is None else 2
            pin = (photo[0], photo[1]) if photo else None
            h, n, fits = self.story_height(story, iw, span, hrank, items, avail - 2 * pad, pin, ins, cont_from)
            if jump_to is not None and fits and n > 8:
                n = max(6, self.min_lines(pin), int(n * rng.uniform(0.4, 0.65)))
            if not fits and (jump_to is None or n == 0):
                # drop whole items until the rest fits; never a story without a paragraph
                trimmed = list(items)
                while sum(it.kind == "para" for it in trimmed) > 1 and not fits and n > 0:
                    trimmed.pop()
                    while len(trimmed) > 1 and trimmed[-1].kind != "para":
                        trimmed.pop()
                    h, n, fits = self.story_height(story, iw, span, hrank, trimmed, avail - 2 * pad, pin, ins,
                                                   cont_from)
                if not fits:
                    tries += 1
                    if (inset is not None or photo is not None) and not story.plain:
                        story.plain = True
                        continue     # try again without the photo or inset
                    if not placed_any and len(queue) > 1 and tries < 2 * len(queue):
                        queue.append(queue.pop(0))
                        continue
                    if tries > 3 * (len(queue) + s.cols):
                        break
                    # nothing of it fits here: an advertisement fills the space
                    if avail > 60:
                        ab = max(floor, top - min(avail, 160))
                        self.ad(page, x0, x0 + width, top, ab)
                        for i in range(c, c + span):
                            cols_y[i] = ab - s.gutter
                        continue
                    for i in range(c, c + span):
                        cols_y[i] = floor
                    continue
                items = trimmed
            queue.pop(0)
            if cont_from is None:
                story.boxed = boxed
            if cont_from is None or not story.pages or story.pages[-1] != number:
                story.pages.append(number)
            bottom, rest = self.set_story(page, story, ix0, iw, itop, span, rank if cont_from is None else 2, n,
                                          items, photo, ins, cont_from, jump_to)
            assert bottom >= floor - s.body, f"page {number}: story {story.id} runs into the foot"
            if rest and jump_to is not None:
                out.append((story, rest, number, jump_to))
                story.continued = True
            bottom -= pad
            if boxed:
                page.ops.append(("rect", x0, bottom, x0 + width, top, None, 0.8))
                page.block("frame", "", (x0, bottom, x0 + width, top), story.id)
            elif bottom - s.gutter > floor + min_h:
                page.ops.append(("line", x0, bottom - s.gutter / 2, x0 + width, bottom - s.gutter / 2, 0.4))
                page.block("rule", "", (x0, bottom - s.gutter / 2, x0 + width, bottom - s.gutter / 2), story.id)
            if inset:
                kind, k, ih, in_n, other = inset
                ix = x0 + width - (k * self.col_w + (k - 1) * s.gutter)
                ib = bottom + pad
                if kind == "ad":
                    self.ad(page, ix, x0 + width, ib + ih, ib)
                else:
                    queue = [q for q in queue if q[0] is not other]
                    other.boxed = True
                    other.pages.append(number)
                    self.set_story(page, other, ix + 7, k * self.col_w + (k - 1) * s.gutter - 14, ib + ih - 7, k, 1,
                                   in_n, other.items, None, None)
                    page.ops.append(("rect", ix, ib, x0 + width, ib + ih, None, 0.8))
                    page.block("frame", "", (ix, ib, x0 + width, ib + ih), other.id)
            for i in range(c, c + span):
                cols_y[i] = bottom - s.gutter
            rank += cont_from is None
            placed_any = True
        # fill the tallest gaps left at the foot with advertisements
        c = 0
        while c < s.cols:
            if cols_y[c] - floor > 70 and rng.random() < s.ad_p + 0.3:
                e = c
                while e + 1 < s.cols and abs(cols_y[e + 1] - cols_y[c]) < 40 and e - c < 2:
                    e += 1
                top = min(cols_y[c:e + 1])
                self.ad(page, self.col_x(c), self.col_x(e) + self.col_w, top, max(floor, top - 150))
                c = e + 1
            else:
                c += 1
        return page, out


# ---------------------------------------------------------------------------------------------- output

def render(pages: list[Page], path: Path, cid: str = "ucs2") -> None:
    """Write the pages as one PDF, the font's codes written as ``cid`` says (``CID_MODES``)."""
    from reportlab.pdfgen import canvas

    _register_fonts(cid)
    style = pages[0].style
    cv = canvas.Canvas(str(path), pagesize=(style.width, style.height), invariant=1, pageCompression=1)
    cv.setTitle("")
    cv.setAuthor("")
    for page in pages:
        for op in page.ops:
            if op[0] == "text":
                _, x, y, text, size, bold, space, bold_chars, color = op
                t = cv.beginText(x, y)
                t.setCharSpace(space)
                t.setFillColorRGB(*color)
                t.setStrokeColorRGB(*color)
                runs = [(text[:bold_chars], True), (text[bold_chars:], bold)] if bold_chars else [(text, bold)]
                for run, b in runs:
                    if not run:
                        continue
                    t.setFont(BOLD if b else FONT, size)
                    t.setTextRenderMode(2 if b else 0)
                    cv.setLineWidth(size * 0.03)
                    t.textOut(run)
                cv.drawText(t)
            elif op[0] == "line":
                _, x0, y0, x1, y1, lw = op
                cv.setLineWidth(lw)
                cv.setStrokeColorRGB(0, 0, 0)
                cv.line(x0, y0, x1, y1)
            elif op[0] == "rect":
                _, x0, y0, x1, y1, grey, lw = op
                if grey is not None:
                    cv.setFillGray(grey)
                    cv.rect(x0, y0, x1 - x0, y1 - y0, stroke=0, fill=1)
                    cv.setFillGray(0)
                else:
                    cv.setLineWidth(lw)
                    cv.setStrokeColorRGB(0, 0, 0)
                    cv.rect(x0, y0, x1 - x0, y1 - y0, stroke=1, fill=0)
        cv.showPage()
    cv.save()


def truth_of(stories: list[Story], style: Style, paper: str, date: tuple[int, int, int], npages: int) -> dict:
    arts = []
    for st in stories:
        if not st.pieces:
            continue
        heads = ([st.kicker] if st.kicker else []) + list(st.title_lines or [st.title]) + ([st.deck] if st.deck else [])
        arts.append({"id": st.id, "title": st.title, "kicker": st.kicker, "deck": st.deck, "headline_lines": heads,
                     "authors": st.authors, "paras": st.pieces, "subheads": st.subheads, "captions": st.captions,
                     "boxed": st.boxed, "pages": st.pages, "continued": st.continued})
    y, m, d = date
    return {"style": style.name, "paper": paper, "date": f"{y:04d}-{m:02d}-{d:02d}", "pages": npages,
            "articles": arts}


def load_articles(source: Path) -> list[dict]:
    """Articles, one JSON object a line ({"title", "paras", "headline_lines"?, "subheads"?}), from a
    ``.jsonl`` or ``.jsonl.gz`` file, or from a parser-eval folder's ``train/articles.jsonl.gz``."""
    if source.is_dir():
        source = source / "train" / "articles.jsonl.gz"
    opener = gzip.open if source.suffix == ".gz" else open
    with opener(source, "rt", encoding="utf-8") as src:
        return [json.loads(line) for line in src if line.strip()]


def paper_name(style: Style, rng: random.Random) -> str:
    stem = rng.choice(style.papers)
    return {"county": stem + rng.choice(["县报", "报", "今日"]), "party": stem + "日报"}.get(
        style.name, stem + rng.choice(["晚报", "都市报", "日报", "晨报"]))


def make_item(articles: list[dict], pool: list[int], style: Style, seed: int, pages: int,
              ) -> tuple[list[Page], dict, dict]:
    """Typeset one page (``pages`` = 1) or an issue; returns the pages, the truth and the layout."""
    rng = random.Random(seed)
    date = (rng.randint(2018, 2024), rng.randint(1, 12), rng.randint(1, 28))
    paper = paper_name(style, rng)
    ts = Typesetter(style, rng, paper, date)
    ts.pages_total = pages if pages > 1 else rng.choice([4, 8, 12, 16])
    first = 1 if pages > 1 or style.front else rng.randint(2, 8)
    all_stories: list[Story] = []
    out_pages: list[Page] = []
    pending: dict[int, list[tuple[Story, list[Item], int]]] = {}
    sid = 0
    for p in range(pages):
        number = first + p
        stories = []
        lines = (style.height - 2 * style.margin) / (style.body * style.leading)
        budget = 0.6 * style.cols * lines * ts.col_w / style.body      # characters the columns hold, less heads
        used = 0
        while used < budget and pool:
            art = articles[pool.pop()]
            cap = 1500 if not stories else rng.choice([300, 500, 700, 900])
            st = make_story(art, sid, rng, style, cap, date)
            sid += 1
            stories.append(st)
            used += sum(len(i.text) for i in st.items)
        jumps = {}
        if pages > 1 and p < pages - 1:      # one or two of the page's first stories go on to a later page
            long = [st for st in stories[:3] if sum(len(i.text) for i in st.items) > 450]
            for st in long[: rng.choice([1, 1, 2])]:
                jumps[st.id] = rng.randint(number + 1, first + pages - 1)
        page, out = ts.page(number, stories, pending.pop(number, []), jumps,
                            masthead=style.front and number == 1 or pages > 1 and number == 1)
        for st, rest, src, dst in out:
            pending.setdefault(dst, []).append((st, rest, src))
        out_pages.append(page)
        all_stories += stories
    for dst, left in pending.items():     # a jump to a page that never came: cannot happen, pages are in order
        raise AssertionError(f"continuation for page {dst} not placed: {[s.id for s, _, _ in left]}")
    truth = truth_of(all_stories, style, paper, date, pages)
    layout = {"style": style.name, "pages": [{"page": i + 1, "width": style.width, "height": style.height,
                                              "number": pg.number, "section": pg.section}
                                             for i, pg in enumerate(out_pages)],
              "blocks": [b | {"page": i + 1} for i, pg in enumerate(out_pages) for b in pg.blocks]}
    # pages in the layout count from 1 within the PDF; a jump names the printed page number
    return out_pages, truth, layout


def make_set(out: Path, count: int, issues: int, styles: list[str], seed: int, source: Path = SHARED,
             extractors: tuple[str, ...] = EXTRACTORS, cid: str = "ucs2", split: bool = False) -> list[str]:
    """Write ``count`` single pages and ``issues`` four-page issues for each style, and the bulletin sets."""
    articles = load_articles(source)
    order = list(range(len(articles)))
    random.Random(seed).shuffle(order)
    pool = order[::-1]
    pdf_dir = out / "pdf"
    pdf_dir.mkdir(parents=True, exist_ok=True)
    names = []
    for si, name in enumerate(styles):
        style = STYLES[name]
        jobs = [(f"{name}-{i:03d}", 1) for i in range(count)] + [(f"issue-{name}-{i:03d}", 4) for i in range(issues)]
        for ji, (stem, npages) in enumerate(jobs):
            if len(pool) < 60:
                pool = order[::-1]
            pages, truth, layout = make_item(articles, pool, style, seed * 1000 + si * 100 + ji, npages)
            render(pages, pdf_dir / f"{stem}.pdf", cid)
            if split and npages > 1:       # the e-paper's way: one PDF a page, in a folder for the issue
                (pdf_dir / stem).mkdir(exist_ok=True)
                for i, page in enumerate(pages):
                    render([page], pdf_dir / stem / f"page-{i + 1:02d}.pdf", cid)
            layout["pdf"] = f"{stem}.pdf"
            (pdf_dir / f"{stem}.truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), "utf-8")
            (pdf_dir / f"{stem}.layout.json").write_text(json.dumps(layout, ensure_ascii=False), "utf-8")
            names.append(stem)
    for ex in extractors:
        ex_dir = out / f"text-{ex}"
        ex_dir.mkdir(parents=True, exist_ok=True)
        for stem in names:
            (ex_dir / f"{stem}.txt").write_text(extract(pdf_dir / f"{stem}.pdf", ex), "utf-8")
            shutil.copyfile(pdf_dir / f"{stem}.truth.json", ex_dir / f"{stem}.truth.json")
    return names


def extract(pdf: Path, extractor: str) -> str:
    """The PDF's text as one extractor gives it (pages joined by a blank line, form feeds dropped)."""
    if extractor == "pdfminer":
        from pdfminer.high_level import extract_text
        text = extract_text(str(pdf))
    elif extractor in ("pdftotext", "pdftotext-layout"):
        args = ["pdftotext", "-enc", "UTF-8"] + (["-layout"] if extractor.endswith("layout") else [])
        text = subprocess.run(args + [str(pdf), "-"], capture_output=True, check=True).stdout.decode("utf-8")
    elif extractor == "pypdfium2":
        import pypdfium2 as pdfium
        doc = pdfium.PdfDocument(str(pdf))
        parts = []
        for i in range(len(doc)):
            tp = doc[i].get_textpage()
            parts.append(tp.get_text_range())
            tp.close()
        doc.close()
        text = "\n\n".join(parts).replace("\r\n", "\n")
    else:
        raise ValueError(f"unknown extractor {extractor}")
    return text.replace("\f", "\n\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / ".eval" / "pages")
    ap.add_argument("--count", type=int, default=6, help="single pages per style")
    ap.add_argument("--issues", type=int, default=2, help="four-page issues per style")
    ap.add_argument("--styles", default=",".join(STYLES))
    ap.add_argument("--seed", type=int, default=23)
    ap.add_argument("--extractors", default=",".join(EXTRACTORS))
    ap.add_argument("--cid", choices=CID_MODES, default="ucs2",
                    help="how the font's codes are written: identity makes CIDs no extractor maps to characters")
    ap.add_argument("--split-issues", action="store_true",
                    help="also write each issue's pages as pdf/NAME/page-01.pdf ... (one PDF a page)")
    ap.add_argument("--articles", type=Path, default=SHARED,
                    help="a .jsonl(.gz) of articles, or a parser-eval folder (its train/articles.jsonl.gz)")
    args = ap.parse_args(argv)
    styles = [s for s in args.styles.split(",") if s]
    bad = [s for s in styles if s not in STYLES]
    if bad:
        ap.error(f"unknown style {bad[0]} (styles: {', '.join(STYLES)})")
    exs = tuple(e for e in args.extractors.split(",") if e)
    if args.out.exists():
        for sub in ["pdf", *(f"text-{e}" for e in EXTRACTORS)]:
            if (args.out / sub).is_dir():
                shutil.rmtree(args.out / sub)
    names = make_set(args.out, args.count, args.issues, styles, args.seed, args.articles, exs, args.cid,
                     args.split_issues)
    print(f"wrote {len(names)} PDFs into {args.out / 'pdf'} and text sets {', '.join('text-' + e for e in exs)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
