"""Split a bulletin into blocks and read the features an editor looks at in each one.

A block is a run of non-blank lines. Its lines are joined without a separator (the
text is Chinese: a line break inside a block is a layout artefact, not a space).
Every feature here looks at one block alone; context is the assembler's business.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from newsgen.bulletin import endmatter
from newsgen.bulletin.headlines import bracket_tag, long_headline_shape
from newsgen.bulletin.leads import (  # the one lead recogniser: every lead and dateline cue is built there
    LEAD_CLAUSE,
    LEAD_CUE,
    LEAD_DATELINE,
    LEAD_OPENING,
    OUTLET_LEAD,
    WIRE_DATELINE,
    opens_lead,
)
from newsgen.bulletin.model import Block

#: Characters that close a sentence (possibly followed by closing quotes/brackets).
SENTENCE_END = "。！？!?…；;"
CLOSERS = "”’」』）)】"
#: Punctuation that cannot end a headline line (a headline never ends on a comma or a full stop).
NO_HEADLINE_END = "。，、；;,.：:"
HEADLINE_MAX = 48
#: A headline is printed on at most this many lines (引题, 主题, 副题).
HEADLINE_LINES = 3
#: A headline-shaped line longer than this, with a comma, reads like a sentence: a headline only where
#: nothing else could be (after a sign-off, at the top, over a lead).
WEAK_HEADLINE = 28
#: A line longer than this that ends on ？ or ！ after a comma is a question or exclamation sentence.
QUESTION_SENTENCE = 20
SIGNATURE_MAX = 30
#: Page furniture (a date line, a page marker, an editors' line) is at most this long.
FURNITURE_MAX = 40
#: Lines of one width, give or take this many characters (and at least this wide), are a wrapped paragraph.
WRAP_SLACK = 2
WRAP_MIN = 8
#: An attribution in brackets names at most this many people, each at most this long.
ATTRIBUTION_NAMES = 6
ATTRIBUTION_NAME_MAX = 4
HAN = r"\u3400-\u9fff"

#: A short label and a colon opening a headline (a column tag or a source: 社评：, 外媒：); what follows
#: it may open with a quotation, as a headline's subject may.
COLUMN_TAG_MAX = 6
TAG_COLON = re.compile(rf"^[{HAN}]{{1,{COLUMN_TAG_MAX}}}[：:]")
#: A column tag opening a headline: 【栏目】…, 栏目｜…, or a short label and a colon: 栏目：…, 外媒：….
HEAD_TAG = re.compile(r"^(?:【[^】]{1,24}】|[^：:｜|丨，。！？\s“”【]{1,6}[：:｜|丨])")
KICKER_END = re.compile(r"(：|——|—|>{2,}|＞{2,})$")    # a label pointing at what follows: 帮忙>>>
#: A trailing attribution: （卢鸿 张辉云）, （记者 张三 通讯员 李四）, （本报记者 王五）.
TAIL_BYLINE = re.compile(r"[（(]([^（）()]{2,40})[）)]\s*$")
#: A credit in square brackets opening a web article: 【环球时报驻韩国特约记者 林森 环球时报记者 张旺】.
LEAD_BRACKET = re.compile(r"^【([^】]{0,40}(?:记者|通讯员)[^】]{2,40})】")
#: A lead in the 讯 style: 南都讯 记者X 通讯员Y, 本报讯（记者X）.
_CREDIT = rf"(?:本报)?(?:记者|通讯员|实习生)\s*[{HAN}·]{{2,4}}(?:、[{HAN}·]{{2,4}})*(?=[、\s，,]|$)"
LEAD_XUN = re.compile(rf"^[^，。！？\s]{{0,10}}?讯\s*(?:[（(]([^（）()]{{2,40}})[）)]|((?:{_CREDIT}\s*)+))")
#: A bare attribution at the start of a block: （记者 张三 通讯员 李四）.
LEAD_PAREN = re.compile(r"^[（(]((?:本报)?(?:记者|通讯员)[^（）()]{2,40})[）)]")
#: A lead that credits in the 报道 style: 江西日报记者 张三 报道：, 本报记者 张三 通讯员 李四 报道：.
LEAD_REPORT = re.compile(r"^[^，。！？：:\s（(]{0,10}?((?:记者|通讯员)[^，。！？：:（()]{2,40}?)报道[：:]")
#: Credit vocabulary: role words, 文/ 图/ 摄/ prefixes and a trailing 摄 (a photo credit, spaced or not: 记者张三摄).
#: An outlet's name glued before 记者 is no author: 新华社记者, 环球时报驻韩国特约记者, 人民日报记者.
_OUTLET = r"(?:[\u3400-\u9fff]{1,10}?(?:报|社|台|网|新闻))?(?:驻[\u3400-\u9fff]{1,8}?)?"
ROLE = re.compile(rf"{_OUTLET}(?:本报|特约|特派|见习|实习|摄影)?(?:记者|通讯员)|实习生|摄影|文\s*[/／]\s*图|"
                  r"[文图摄]\s*[/／]|(?:^|(?<=\s)|(?<=[\u3400-\u9fff·]{2}))(?:摄|整理)(?=\s*$)")
#: The agency closing a photo credit: （新华社发）, （受访者供图）.
PHOTO_AGENCY = re.compile(r"\s*[（(][^（）()]{1,12}(?:发|供图|供稿)[）)]$")
#: A photo credit closing a caption, in brackets: （新华社/路透）, （新华社发）, （新华社记者张三摄）, （某某供图）,
#: or a picture agency's name (某某视觉, 视觉中国: the agencies papers credit pictures to).
#: It credits a picture (an agency, a photographer), not the article's writers: a caption is printed
#: inside an article, so it signs nothing off.
PHOTO_TAIL = re.compile(r"[（(][^（）()]{0,20}(?:(?:社|网|报|台)\s*(?:[/／][^（）()/／]{1,8}|发)|摄|供图|"
                        r"视觉[^（）()]{0,4})[）)]$")
#: A credit printed as a line of its own, with no brackets: 文/图 张三, 记者 张三 摄, 文/张三 图/李四.
CREDIT_LINE_MAX = 40
#: A source or design credit closing an article: 数据来源：某局, 版式设计：某某. It names no author.
SOURCE_LINE = re.compile(r"(?:数据来源|资料来源|图片来源|来源|版式设计|版式|制图|图表制作|绘图)\s*[：:]\s*"
                         r"[^，。；;！？：:（）()]{2,30}")
#: Page furniture left by extraction: a date line, a page marker, an editors' line. Never article text.
_PAGE = r"(?:第\s*\d{1,3}\s*版|[A-Z]\d{1,2}(?:版)?)"
_DESK = rf"(?:[{HAN}]{{2,6}})"
FURNITURE = {
    "date line": re.compile(rf"\d{{4}}\s*年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日(?:\s*(?:星期|周)[一二三四五六日天])?"
                            rf"(?:\s+{_PAGE})?(?:\s+{_DESK})?"),
    "page marker": re.compile(rf"{_PAGE}(?:\s*{_DESK})?|{_DESK}\s*{_PAGE}"),
    "editors' line": re.compile(rf"(?:(?:责任编辑|责编|编辑|美编|美术编辑|校对|值班编辑|图片编辑|版式)\s*[：:\s]\s*"
                                rf"[{HAN}·]{{2,5}}(?:[\s、]+[{HAN}·]{{2,5}})*\s*)+"),
}
#: A note line printed under an article: a short label, a colon and a value with no sentence in it
#: (a contributions address, a data source, a design credit), perhaps closed by an attribution.
NOTE_LINE = re.compile(rf"[{HAN}]{{2,8}}[：:][^，。；;！？!?：:“”]{{2,40}}")
NAME = re.compile(rf"^[{HAN}·]{{2,5}}$")
#: A writer named with what they are, closing their text: 张三（某医院感染科副主任、某委员会委员）. The
#: bracket is longer than a column tag closing a headline (（办实事 解民忧）), and nothing precedes the name.
PERSON_CREDIT = re.compile(rf"([{HAN}·]{{2,4}})\s*[（(][^（）()]{{8,60}}[）)]")
#: A stray Latin word dropped between Chinese characters: “ ourselves 反馈.
NOISE_WORD = re.compile(r"(?<=[^\x00-\x7f])\s+([A-Za-z]{2,})\s+(?=[^\x00-\x7f])")
FULL_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")


@dataclass
class Features:
    """What one block looks like on its own."""

    headline_shaped: bool = False
    kicker_shaped: bool = False          # a headline line ending in ： or —— (引题)
    subtitle_shaped: bool = False        # a headline line opening with —— (副题)
    ends_open: bool = False              # cut mid-sentence (no closing punctuation)
    starts_lead: bool = False            # opens like a news lead (近日，/ a date / 本报X月X日电)
    wire_lead: bool = False              # opens with a dateline (本报X月X日电, 新华社X月X日电) or a credited lead
    tail_byline: str | None = None       # the attribution text closing the block, verbatim
    tail_authors: list[str] = field(default_factory=list)
    lead_byline: str | None = None       # the attribution inside a lead, verbatim
    lead_authors: list[str] = field(default_factory=list)
    noise: list[tuple[int, str]] = field(default_factory=list)   # (line, word)
    closing: bool = False                # wholly bracketed: a sign-off such as （本报X月X日电） or （作者为…）
    candidate: bool = False              # may be a headline line (shape, and nothing that rules it out)
    weak: bool = False                   # a candidate as long as a sentence: a headline only after a sign-off
    question: bool = False               # a question or exclamation with a comma: a headline only where
                                         # nothing else can be (after a sign-off, first or last in the bulletin)
    signature: bool = False              # a place and a spaced-out name on a line of their own: 某省某市  某某
    credit: bool = False                 # the block's last line is a bare credit: 文/图 张三, 记者 张三 摄
    credit_authors: list[str] = field(default_factory=list)
    furniture: str | None = None         # page furniture: 'date line', 'page marker', "editors' line"
    photo: bool = False                  # a picture's credit with its agency (某某摄（某社发）): no sign-off
    note: bool = False                   # a note line (label：value) that follows an article's text
    long_head: bool = False              # one long line of phrases set apart by spaces, dashes or a colon,
                                         # perhaps a bracketed column tag first, no punctuation (headlines.py):
                                         # a headline only over a lead or after a closed article
    end_matter: str | None = None        # end matter (endmatter.kind): closes the article above, never a headline
    residue: list[str] = field(default_factory=list)   # extraction tags removed from a headline (/n, /ns)
    clean_text: str | None = None        # the headline's text without them
    layout: Any = None                   # a PDF's layout cue (bulletin.layout.Layout); None in a text bulletin


def normalise(text: str) -> str:
    """What differs between extraction tools, not between bulletins: a byte-order mark, Windows or
    old Mac line endings, tabs and form feeds. Line numbers are kept (one line in, one line out)."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return re.sub(r"[\t\f\v]", " ", text)


def _line_runs(lines: list[str]) -> list[tuple[int, int]]:
    """Runs of non-blank lines as 1-based (first, last) spans; any number of blank lines separates."""
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for number, line in enumerate([*lines, ""], start=1):
        if line.strip() and start is None:
            start = number
        elif not line.strip() and start is not None:
            runs.append((start, number - 1))
            start = None
    return runs


#: Paragraphs are one a line when the runs average this many lines or more...
LINE_MODE_RUN = 3
#: ...and at least this share of the line breaks inside runs come after a closed sentence.
LINE_MODE_CLOSED = 0.4


def one_paragraph_a_line(lines: list[str], runs: list[tuple[int, int]]) -> bool:
    """Copy-pasted text sets paragraphs one a line with no blank line between: blank lines are rare,
    and most lines end a sentence. Hard-wrapped text (long blocks too) breaks lines mid-sentence."""
    inner = [lines[n - 1].strip() for first, last in runs for n in range(first, last)]
    if len(inner) < 2 or len(runs) * LINE_MODE_RUN > sum(last - first + 1 for first, last in runs):
        return False
    closed = sum(1 for line in inner if line.rstrip(CLOSERS)[-1:] in SENTENCE_END or line[-1:] in "）)")
    return closed >= LINE_MODE_CLOSED * len(inner)


def _headline_line(line: str) -> bool:
    return (headline_shaped(line) and not rules_out_headline(line) and not lead_byline(line)
            and credit_line(line) is None and not furniture(line) and not endmatter.kind(line))


def _prose(line: str) -> bool:
    """A line that reads as text, not as one more headline line."""
    return not _headline_line(line) or line.rstrip(CLOSERS)[-1:] in SENTENCE_END


def _hard_wrapped(lines: list[str]) -> bool:
    """Lines of one width (give or take two characters) before the last: a paragraph wrapped at
    the column's width, whose first line may look like a headline. Two lines cannot tell."""
    widths = [len(line) for line in lines[:-1]]
    return (len(widths) >= 2 and max(widths) - min(widths) <= WRAP_SLACK and min(widths) >= WRAP_MIN
            and not any(KICKER_END.search(line) for line in lines[:-1]))


def peel_headline(lines: list[str]) -> int:
    """How many leading lines of a block are a headline printed with no blank line before its body:
    up to three headline-shaped lines, then a line of prose; or a long headline's line (one line of
    phrases) over a line that opens a lead. Not in a hard-wrapped paragraph."""
    k = 0
    while k < min(HEADLINE_LINES, len(lines) - 1) and _headline_line(lines[k]):
        k += 1
    if not k and len(lines) > 1 and long_headline_text(lines[0]) and opens_lead(lines[1]):
        return 0 if _hard_wrapped(lines) else 1     # a long headline printed right over its lead
    if k and k == len(lines) - 1 and _headline_line(lines[k]):
        return k if headline_stack(lines) else 0
    if not k or not _prose(lines[k]) or _hard_wrapped(lines):
        return 0
    return k


def headline_stack(lines: list[str]) -> bool:
    """Whether a block of headline lines is several headlines (a label over a title, a kicker, a
    subtitle) rather than one headline wrapped: a wrapped headline fills its first line, and
    never breaks after a kicker's ： or before a subtitle's ——."""
    return len(lines) <= HEADLINE_LINES and (any(KICKER_END.search(line) for line in lines[:-1]) or
                                any(line.startswith("——") for line in lines[1:]) or
                                len(lines[0]) < max(len(line) for line in lines[1:]))


def peel_furniture(lines: list[str]) -> tuple[int, int]:
    """How many page-furniture lines (a date line, a page marker) open and close a block of text."""
    head = 0
    while head < len(lines) - 1 and furniture(lines[head]):
        head += 1
    tail = 0
    while tail < len(lines) - head - 1 and furniture(lines[len(lines) - 1 - tail]):
        tail += 1
    return head, tail


def _cut(first: int, lines: list[str]) -> list[tuple[int, list[str]]]:
    """A run of lines cut where furniture or a glued headline ends: (first line number, lines) parts."""
    head, tail = peel_furniture(lines)
    parts = [(first + i, [line]) for i, line in enumerate(lines[:head])]
    middle = lines[head:len(lines) - tail]
    k = peel_headline(middle)
    parts += [(first + head + i, [line]) for i, line in enumerate(middle[:k])]
    parts.append((first + head + k, middle[k:]))
    parts += [(first + len(lines) - tail + i, [line]) for i, line in enumerate(lines[len(lines) - tail:])]
    return parts


def split_blocks(text: str) -> list[Block]:
    """Runs of non-blank lines (or single lines, when paragraphs are one a line), with 1-based line
    spans; furniture and a glued headline are cut from the text they are printed against. Lines are
    stripped of indentation and trailing spaces (ideographic or not)."""
    lines = [line.strip() for line in normalise(text).split("\n")]
    runs = _line_runs(lines)
    if one_paragraph_a_line(lines, runs):
        runs = [(n, n) for first, last in runs for n in range(first, last + 1)]
    blocks: list[Block] = []
    for first, last in runs:
        for start, part in _cut(first, lines[first - 1:last]):
            blocks.append(Block(len(blocks), start, start + len(part) - 1, "\n".join(part)))
    return blocks


def flat(block: Block) -> str:
    """The block's text with its line breaks removed (layout, not content, in Chinese text)."""
    return block.text.replace("\n", "")


def names_in(attribution: str) -> list[str]:
    """Personal names in an attribution: role words dropped, names split at spaces and 、，."""
    names: list[str] = []
    text = ROLE.sub(" ", attribution)
    for part in re.split(r"[\s、，,/]+", text):
        if part and NAME.match(part) and part not in names:
            names.append(part)
    return names


def is_attribution(inside: str) -> bool:
    """Whether the text inside brackets is only names (and role words)."""
    stripped = ROLE.sub(" ", inside)
    parts = [p for p in re.split(r"[\s、，,/]+", stripped) if p]
    return bool(parts) and len(parts) <= ATTRIBUTION_NAMES and \
        all(NAME.match(p) and len(p) <= ATTRIBUTION_NAME_MAX for p in parts)


def tail_byline(text: str) -> tuple[str, list[str]] | None:
    """（卢鸿 张辉云） closing a block.

    One bracketed name after text that does not end a sentence is ambiguous with a
    column tag closing a headline (`…要跟上（建议）`): it counts only when the text
    before it could not be a headline.
    """
    m = TAIL_BYLINE.search(text)
    if not m or not is_attribution(m.group(1)) or photo_caption(text):
        return None
    names = names_in(m.group(1))
    before = text[: m.start()].rstrip()
    core = before.rstrip(CLOSERS)
    if not before or before[-1] in "）)" or (core and core[-1] in SENTENCE_END):
        return m.group(0).strip(), names
    credit = bool(re.fullmatch(r"[^：\s]{2,6}：[^：\s]{2,24}", before)) and len(names) >= 2
    if headline_shaped(before) and not rules_out_headline(before) and not credit:
        return None     # a column tag closing a headline: 要跟上（建议）, 危机”（深度观察）
    return m.group(0).strip(), names


def photo_caption(text: str) -> bool:
    """A caption: text that closes with a photo credit in brackets, after a sentence of its own."""
    m = PHOTO_TAIL.search(text)
    return bool(m) and text[: m.start()].rstrip().rstrip(CLOSERS)[-1:] in SENTENCE_END


def rules_out_headline(text: str) -> bool:
    """Things a headline line never holds, whatever its length."""
    core = text.rstrip("！？!?")
    unbalanced = any(text.count(a) != text.count(b) for a, b in ("“”", "‘’", "（）", "《》", "「」"))
    return (
        unbalanced or                                 # a quotation or bracket cut by a column break
        # a question or exclamation sentence (with one comma it may be a question headline: a weak candidate)
        (len(text) > QUESTION_SENTENCE and core != text and core.count("，") + core.count(",") > 1) or
        bool(re.match(r"^[^，]{0,6}(来|以来|前|后|日|时)，", text) and LEAD_OPENING.match(text)) or
        bool(LEAD_CLAUSE.match(text)) or              # a lead cut short: 当地时间X日，…
        text[:1] in "（([" and not bracket_tag(text) or   # a sign-off (not a column tag: [栏目]标题)
        bool(re.fullmatch(r"【[^】]*】", text)) or      # a bare label such as 【点评】 (a tag over a headline is fine)
        bool(re.search(r"\s{2,}|\u3000", text)) or   # spaced-out names: a signature
        any(ch in core for ch in "。；;") or             # a sentence inside
        (any(ch in core for ch in "？?！!") and "，" in text) or   # a question or exclamation, then more
        # (…？还是…？ and 罕见高频会晤！美日韩加速靠拢 are headlines: two short clauses, no comma)
        bool(re.search(r"[@/]|https?:|\.com", text)) or
        # a quotation introduced (not after a column tag opening a headline: 社评：“…”…, 专家：“…”)
        bool(re.search(r"：“|：\"", _after_label(text)))
    )


#: Verbs of saying: a colon after one introduces a quotation in a sentence (某某说：“…”), never a headline's
#: label (the conventions of reported speech, not any paper's wording).
SAYING = re.compile("说|表示|指出|强调|称|道|问|答|认为|介绍|告诉|坦言|直言|感叹|回忆|回应|透露|提到|呼吁|"
                    "宣布|解释|补充")
#: A headline's label before a colon and a quotation (a source, a speaker, a column: 社评：, 外交部发言人：,
#: 某报署名文章：) is at most this long and says nothing.
LABEL_COLON_MAX = 12
LABEL_COLON = re.compile(rf"^([{HAN}·]{{1,{LABEL_COLON_MAX}}})[：:]")


def _after_label(text: str) -> str:
    """A headline's text after its column tag: a bracketed tag (【栏目】), then a label and a colon (社评：,
    浙江某县：, 某报署名文章：), which may be followed by a quotation as a headline's subject may. A label
    with a verb of saying in it (某某表示：) introduces a quotation in a sentence: the text is kept whole."""
    tagged = bracket_tag(text)
    text = tagged[1] if tagged else text
    if TAG_COLON.match(text):
        return text[COLUMN_TAG_MAX + 1:]
    m = LABEL_COLON.match(text)
    return text[m.end():] if m and not SAYING.search(m.group(1)) else text


def lead_byline(text: str) -> tuple[str, list[str]] | None:
    """The attribution inside a lead: 本报南昌7月5日电（记者李中文、刘军国）, 南都讯 记者X."""
    for pattern in (LEAD_DATELINE, LEAD_XUN, LEAD_PAREN, LEAD_REPORT, LEAD_BRACKET):
        m = pattern.match(text)
        if not m:
            continue
        inside = next(g for g in m.groups() if g) if any(m.groups()) else ""
        names = names_in(inside)
        if names and any(role in inside for role in ("记者", "通讯员")) or is_attribution(inside):
            return m.group(0), names
    return None


def credit_line(line: str) -> list[str] | None:
    """The names in a line that is only a credit (role words and names, no brackets, no sentence);
    a photo credit may end with its agency in brackets: 李四摄（新华社发）."""
    line = PHOTO_AGENCY.sub("", line.strip())
    if not line or len(line) > CREDIT_LINE_MAX or not ROLE.search(line) or line[:1] in "（(":
        return None
    if not is_attribution(line) or re.search(r"[，。：:；;！？]", line):
        return None
    return names_in(line)


def note_line(text: str) -> bool:
    """A note printed under an article's text, not a paragraph: 栏目投稿邮箱：…, 数据来源：…, 版式设计：…
    (a label, a colon, a short value with no sentence in it). A kicker (地名：) has no value."""
    return bool(NOTE_LINE.fullmatch(text.strip()))


def furniture(text: str) -> str | None:
    """What kind of page furniture a block is (a whole block, on its own), if it is any."""
    text = text.strip()
    if len(text) > FURNITURE_MAX:
        return None
    return next((kind for kind, pattern in FURNITURE.items() if pattern.fullmatch(text)), None)


def headline_shaped(text: str) -> bool:
    """Short, no sentence inside, and not ending on a full stop or comma."""
    if not text or len(text) > HEADLINE_MAX or text[-1] in NO_HEADLINE_END and not KICKER_END.search(text):
        return False
    core = text.rstrip("！？!?")
    if any(ch in core for ch in "。；;"):
        return False
    # A headline holds at most a couple of commas; a sentence fragment usually more.
    return core.count("，") + core.count(",") <= 2


def long_headline(block: Block) -> bool:
    """A block shaped as a long headline (headlines.py): one line longer than a headline line may be, a
    bracketed column tag and phrases set apart by spaces, dashes or a label's colon, no punctuation of a
    sentence or a clause (某某强调 甲 乙 丙, 主题——副题, 【栏目】主题 副题); or such a headline wrapped over
    up to HEADLINE_LINES lines, each a headline line (the line break sets its phrases apart). Prose that
    long always holds a comma or a full stop."""
    lines = block.text.split("\n")
    if len(lines) == 1:
        return long_headline_text(lines[0])
    return len(lines) <= HEADLINE_LINES and all(_headline_line(line) for line in lines) and \
        long_headline_text(" ".join(lines))


def long_headline_text(text: str) -> bool:
    """One line shaped as a long headline, with nothing in it that a headline line never holds."""
    rest = long_headline_shape(text, HEADLINE_MAX)
    return rest is not None and not rules_out_headline(re.sub(r"[ \u3000]", "", rest))


def ends_open(text: str) -> bool:
    text = text.rstrip()
    if not text:
        return False
    tail = text.rstrip(CLOSERS)
    if text[-1] in "”’」』" and tail and tail[-1] not in SENTENCE_END:
        # a closing quote ends a sentence only if punctuation precedes it, or in a headline
        return True
    return (tail or text)[-1] not in SENTENCE_END and text[-1] not in "）)】"


def features(block: Block) -> Features:
    """The block's features; a block that reads as a headline once the extraction tags left in it are
    removed (北京/ns 召开/v 会议/n) is judged without them, and keeps them in ``residue``."""
    lines = [endmatter.strip_tags(line) for line in block.text.split("\n")]
    tags = [tag for _, found in lines for tag in found]
    if tags:
        clean = Block(block.index, block.first_line, block.last_line, "\n".join(line for line, _ in lines))
        f = _features(clean)
        if f.candidate:
            f.residue, f.clean_text = tags, flat(clean)
            return f
    return _features(block)


def _features(block: Block) -> Features:
    text = flat(block)
    f = Features()
    f.headline_shaped = headline_shaped(text)
    f.kicker_shaped = f.headline_shaped and bool(KICKER_END.search(text))
    f.subtitle_shaped = f.headline_shaped and text.startswith("——")
    f.ends_open = ends_open(text)
    f.starts_lead = bool(LEAD_OPENING.match(text))
    tail = tail_byline(text)
    if tail:
        f.tail_byline, f.tail_authors = tail
    lead = lead_byline(text)
    if lead:
        f.lead_byline, f.lead_authors = lead
        f.starts_lead = True
    dated = bool(WIRE_DATELINE.match(text) or OUTLET_LEAD.match(text)) and \
        not text.startswith(("（", "("))     # （本报某地X月X日电） is a closing dateline
    f.wire_lead = bool(f.lead_byline) or dated
    f.starts_lead = f.starts_lead or f.wire_lead or bool(LEAD_CUE.match(text))
    f.noise = noise_words(block)
    f.closing = bool(re.fullmatch(r"(?:[（(][^（）()]*[）)])+", text))
    f.candidate = (f.headline_shaped and not rules_out_headline(text) and not f.tail_byline
                   and not f.wire_lead        # a line opening with an outlet's formula is a cut lead
                   and bool(re.search(r"\w", text)))    # no word at all (……, ——): an ellipsis or a rule
    f.signature = signature(text) and not f.lead_byline and not f.tail_byline
    if f.signature:
        f.candidate = False
    last_line = block.text.split("\n")[-1].strip()
    credit = None if f.tail_byline or f.lead_byline else \
        credit_line(last_line) or ([] if SOURCE_LINE.fullmatch(last_line) else None)
    if credit is None and (m := PERSON_CREDIT.fullmatch(last_line)) and "\n" not in block.text:
        credit = [m.group(1)]
    if credit is not None:
        f.credit, f.credit_authors = True, credit
        f.photo = bool(PHOTO_AGENCY.search(last_line))
        f.candidate = f.signature = f.ends_open = False   # a line of its own: not a headline, not a cut sentence
    f.furniture = furniture(block.text)
    if f.furniture:
        f.candidate = False
    f.note = note_line(text[: len(text) - len(f.tail_byline or "")].rstrip()) and not f.furniture
    f.ends_open = f.ends_open and not f.signature     # a signature is a line of its own, not a cut sentence
    _end_matter(f, text)
    comma = "，" in text or "," in text
    f.question = f.candidate and comma and text.rstrip("！？!?") != text and len(text) > QUESTION_SENTENCE
    f.weak = f.candidate and comma and len(text) > WEAK_HEADLINE and not f.kicker_shaped or f.question
    if not f.candidate and not f.end_matter and not f.wire_lead and long_headline(block):
        f.long_head = f.candidate = f.weak = True
        f.ends_open = False
    return f


def _end_matter(f: Features, text: str) -> None:
    """End matter (a navigation label, a source note, a credits line, a sign-off alone) is recognised
    before headlines are grouped: it is no headline line, no kicker and no column tag, and it closes the
    article above (Item.closes). A source note's bracketed credit names the article's writers."""
    if f.furniture or f.lead_byline:
        return
    kind = endmatter.kind(text)
    if kind is None:
        return
    f.end_matter = kind
    f.candidate = f.weak = f.question = f.kicker_shaped = f.subtitle_shaped = f.ends_open = False
    f.starts_lead = f.wire_lead = False
    if kind in (endmatter.NAVIGATION, endmatter.SIGN_OFF_KIND):
        f.tail_byline, f.tail_authors = None, []    # （详情） names nobody
    credit = endmatter.source_credit(text) if kind == endmatter.SOURCE else None
    m = TAIL_BYLINE.search(text) if credit and is_attribution(credit) and not f.tail_byline else None
    if m and credit:
        f.tail_byline, f.tail_authors = m.group(0).strip(), names_in(credit)


#: A reader or a pupil signing a letter or an essay: a name over a place with a number (an address, a
#: class), or an address ending with a name and the honorific a paper prints for a reader.
SIGNED_NAME = re.compile(rf"[{HAN}]{{2,3}}")
HONORIFIC_NAME = re.compile(rf"[{HAN}]{{1,2}}(?:先生|女士)")


def signature(text: str) -> bool:
    """A writer's signature line: short, no punctuation, words set apart by runs of spaces
    (a place, then a name spaced out to the column's width); or words set apart by single spaces, a
    name first and a number in what follows (许某 某市第一中学 初三（2）班), or an address and a
    reader's name last (某区某路12弄 张先生)."""
    parts = re.split(r"(?:\s|\u3000){2,}", text.strip())
    if len(text) <= SIGNATURE_MAX and len(parts) >= 2 and all(re.fullmatch(rf"[{HAN}·]+", p) for p in parts):
        return True
    words = text.split()
    if len(text) > SIGNATURE_MAX or len(words) < 2 or re.search(r"[，。；！？：]", text):
        return False
    return bool(SIGNED_NAME.fullmatch(words[0]) and any(re.search(r"\d", w) for w in words[1:]) or
                HONORIFIC_NAME.fullmatch(words[-1]) and any(re.search(r"\d", w) for w in words[:-1]))


def noise_words(block: Block) -> list[tuple[int, str]]:
    """Latin words standing alone between Chinese characters, with the line they are on."""
    return [(block.first_line + offset, m.group(1))
            for offset, line in enumerate(block.text.split("\n"))
            for m in NOISE_WORD.finditer(line)]
