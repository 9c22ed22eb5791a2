"""The shape of a long headline: a headline printed as one line longer than a headline line may be.

Broadcasts, front pages and web news print a lead story's headline as one line of phrases: a main title
and a subtitle set apart by a space or a dash (主题——副题, 某某强调 甲 乙 丙), a label and a colon before
them (某某：甲 乙), and on the web often a column tag in brackets first (【栏目】主题 副题, [栏目]…, 〖栏目〗…,
［栏目］…). Each phrase is about as short as a headline line and holds no punctuation of a sentence or a
clause; prose as long as the whole line always does. Where such a line may head an article (over a lead, after a
closed article) is the assembler's business (rules/build_sections.py); this module only reads its shape.
"""

from __future__ import annotations

import re

#: A long headline is at most this long (a lead story's title and a subtitle of two or three phrases).
LONG_HEADLINE_MAX = 120
#: The brackets a column tag is printed in before a headline: 【】 (web news), ASCII and full-width square
#: brackets, 〖〗. Round brackets are not among them: （…） opens a sign-off or an attribution.
TAG_BRACKETS = (("【", "】"), ("[", "]"), ("［", "］"), ("〖", "〗"))
#: A column tag is at most this long inside its brackets (a series' name and its subtitle:
#: 【某某系列——某某回望】).
TAG_MAX = 40
#: What a column tag never holds: a sentence's or a clause's punctuation, another bracket.
TAG_BREAKS = re.compile(r"[，,。；;！？!?【】\[\]［］〖〗]")
HAN = re.compile(r"[\u3400-\u9fff]")
#: What sets a long headline's phrases apart: a space (one, ASCII or ideographic), a dash, a label's colon,
#: a vertical bar.
PHRASE_SEPARATOR = re.compile(r"[ \u3000]|——|[：:｜|丨]")
#: What no phrase of a long headline holds: a sentence's or a clause's punctuation, round brackets (a
#: sign-off, a credit), brackets (a second tag), a slash or an at sign (an address, a handle).
PHRASE_BREAKS = re.compile(r"[，,。；;！？!?（）()【】\[\]［］〖〗/@]")
#: A phrase of a long headline is at most this long (a subtitle after a dash, naming an occasion, runs
#: a little longer than a headline line)...
PHRASE_MAX = 64
#: ...and at least one phrase is a clause this long, not a keyword (a line of keywords or names set apart
#: by spaces is a list, not a headline).
PHRASE_MIN = 6
#: A title of a work or a quotation inside a headline (《…，…》, “…，…”) may hold a comma or a 、 of its own:
#: its text is not the headline's clause. It holds no sentence's end, and is at most QUOTED_MAX long.
QUOTED_MAX = 40
QUOTED = re.compile(rf"《[^《》。！？!?；;]{{1,{QUOTED_MAX}}}》|“[^“”。！？!?；;]{{1,{QUOTED_MAX}}}”")
#: A list item's number opening the line (一、, 1., （一）, ①): a point of a list, not a headline.
LIST_OPENING = re.compile(r"^(?:[0-9０-９]{1,2}[.．、]|[一二三四五六七八九十]{1,3}、|"
                          r"[（(][0-9０-９一二三四五六七八九十]{1,3}[)）]|[\u2460-\u2473\u2776-\u277f])")


def bracket_tag(text: str) -> tuple[str, str] | None:
    """A column tag in brackets opening a headline, and the headline after it: ('【栏目】', '主题 副题').
    The tag holds words and no sentence punctuation, and a headline's text follows it."""
    for open_, close in TAG_BRACKETS:
        if not text.startswith(open_):
            continue
        end = text.find(close, 1)
        if end < 2 or end - 1 > TAG_MAX or TAG_BREAKS.search(text[1:end]) or not HAN.search(text[1:end]):
            return None     # a note's number ([1]) is no column tag
        rest = text[end + 1:].strip()
        return (text[:end + 1], rest) if rest else None
    return None


def phrases(text: str) -> list[str]:
    """The phrases of a headline line, split at its separators (spaces, dashes, a label's colon)."""
    return [p for p in PHRASE_SEPARATOR.split(text) if p]


def long_headline_shape(text: str, headline_max: int) -> str | None:
    """The headline text (without its column tag) of a line shaped as a long headline, or None.

    The whole line is longer than ``headline_max`` (a headline line) and at most LONG_HEADLINE_MAX; it
    is a bracketed column tag and a headline, or phrases set apart by separators, or both; no phrase is
    longer than PHRASE_MAX, none holds sentence or clause punctuation (a quotation's or a title's own
    commas aside), one at least is a clause; no run of spaces (a signature's spacing), no list number
    first, no ending on a comma, colon or stop.
    """
    text = text.strip()
    if not headline_max < len(text) <= LONG_HEADLINE_MAX or "\n" in text:
        return None
    tagged = bracket_tag(text)
    rest = tagged[1] if tagged else text
    parts = phrases(_masked(rest))
    if not parts or (len(parts) < 2 and not tagged):
        return None
    if re.search(r"[ \u3000]{2,}", rest) or LIST_OPENING.match(rest) or rest[-1] in "。，、；;,.：:|｜丨":
        return None
    if any(len(p) > PHRASE_MAX or PHRASE_BREAKS.search(p) for p in parts):
        return None
    if max(len(p) for p in parts) < PHRASE_MIN:
        return None
    return rest


def _masked(text: str) -> str:
    """The text with what is inside titles of works and quotations masked (one neutral character for each,
    so lengths are kept): their commas and spaces are theirs, not the headline's."""
    return QUOTED.sub(lambda m: m.group(0)[0] + "字" * (len(m.group(0)) - 2) + m.group(0)[-1], text)
