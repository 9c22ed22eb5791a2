"""The PDF front end: pages -> blocks in reading order -> size ranks -> jump lines joined -> a bulletin
(one block a line, blank lines between) with a :class:`~newsgen.bulletin.layout.Layout` cue for each
block, by its line: what :func:`newsgen.bulletin.parse` reads, as it reads a text bulletin."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from newsgen.bulletin import layout as lay
from newsgen.bulletin import leads
from newsgen.bulletin.layout import Layout
from newsgen.errors import Location, NewsgenError
from newsgen.files import read_regular
from newsgen.pdf.blocks import INDENT, Box, TextBlock, make_blocks, page_number
from newsgen.pdf.chars import Page, read_pages
from newsgen.pdf.files import pdf_files
from newsgen.pdf.lines import make_lines, text_size
from newsgen.pdf.order import Placed, reading_order

#: Type at least this many times the text size is a headline's main line.
TITLE_SIZE = 1.45
#: Type larger than the text by this share (and smaller than a title) is a kicker's, a deck's or a
#: subheading's.
MID_SIZE = 1.08
#: Bold type at least this many times the text size is a headline's (a little larger, a subheading's).
BOLD_TITLE_SIZE = 1.2
#: Type smaller than the text by this share is a caption's or a note's.
SMALL_SIZE = 0.92
#: A bold line in the text type this short is a subheading (or a brief's title).
BOLD_HEAD_MAX = 40
#: A rule this wide (share of the page) near the top or the bottom of a page sets off its furniture
#: (the paper's name, the date, the page number) from the articles.
FURNITURE_RULE = 0.7
HEADER_BAND = 0.25
#: Page furniture over the head rule (or under the foot rule) is at most this many characters in all.
FURNITURE_WORDS = 160
FOOTER_BAND = 0.15
#: An advertisement's frame holds at most this many characters (and no sentence).
AD_MAX = 120
#: A reporter's credit: an advertisement never has one.
CREDIT = re.compile(r"记者|通讯员|实习生")
#: ... each of its lines at most this long (a boxed article's headline runs longer than a slogan); a line,
#: not a block: the telephone number and the address under each other are one block of two short lines.
AD_LINE_MAX = 30
PRINTED_PAGE = re.compile(r"第\s*(\d{1,3}|[一二三四五六七八九十]{1,3})\s*版|(?<![A-Za-z])([A-Z]\d{1,2})(?:版)?(?![\d])")


@dataclass
class PdfIssue:
    """One issue of a paper read from its PDF pages: the bulletin text the parser reads and its cues."""

    name: str                       # the file's (or folder's) name
    files: list[Path]
    sha256: str                     # of the files' bytes, in order
    text: str
    cues: dict[int, Layout] = field(default_factory=dict)     # by line of ``text``
    pages: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass
class _Entry:
    block: TextBlock
    page: int                  # the page in the issue, 1-based
    printed: str               # its printed number (第2版 -> '2'), else the issue page
    file: str
    frame: int | None
    rule_above: bool
    rank: str = lay.BODY
    spans: int = 1
    story: int | None = None
    jumped: bool = False       # moved to after the 下转 line of the article it continues


def read_issue(paths: list[Path]) -> PdfIssue:
    """Read the PDF pages of one issue (files in order, or a folder's files by name) into a bulletin
    and its layout cues. Raises NewsgenError naming the file for anything that is not a readable PDF
    with a text layer."""
    files = pdf_files(paths)
    digest = hashlib.sha256()
    pages: list[Page] = []
    for file in files:
        raw = read_regular(file, "PDF")
        if not raw.lstrip()[:5] == b"%PDF-":
            raise NewsgenError("not a PDF (it does not start with %PDF-)", Location(file))
        digest.update(raw)
        pages += read_pages(file)
    name = paths[0].name if len(paths) == 1 else f"{files[0].stem}+{len(files) - 1}"
    entries = _entries(pages)
    _join_jumps(entries)
    return _bulletin(name, files, digest.hexdigest(), entries, len(pages))


def _entries(pages: list[Page]) -> list[_Entry]:
    body = text_size([c for p in pages for c in p.chars])
    page_lines = [make_lines(p.chars, body) for p in pages]
    entries: list[_Entry] = []
    for number, (page, lines) in enumerate(zip(pages, page_lines, strict=True), 1):
        runs = make_blocks(lines, body)
        placed = reading_order(runs, page.shapes, page.width, page.height, body)
        furniture = _furniture(page, placed)
        printed = next((page_number(m.group(1) or m.group(2)) for p in placed if id(p) in furniture
                        for m in [PRINTED_PAGE.search(p.block.text)] if m), str(number))
        mine = [_Entry(p.block, number, printed, page.file.name, p.frame, p.rule_above,
                       lay.FURNITURE if id(p) in furniture else lay.BODY, story=p.story) for p in placed]
        _rank(mine, body)
        _advertisements(mine)
        entries += mine
    return entries


def _furniture(page: Page, placed: list[Placed]) -> set[int]:
    """The placed blocks above the page's head rule or under its foot rule: the lowest rule across the
    page near its top with only a few words over it (the paper's name, the date, the page's name and
    number), the highest near its foot with only a few under it (the editors' line). A rule under a
    story printed across the top of the page has a story's text over it: no head rule."""
    wide = [s for s in page.shapes if s.kind == "hrule" and s.x1 - s.x0 >= FURNITURE_RULE * page.width]

    def words(test: Callable[[Box], bool]) -> int:
        return sum(len(p.block.text) for p in placed if test(p.block.box))

    heads = [s.bottom for s in wide if s.bottom <= HEADER_BAND * page.height]
    heads = [y for y in heads if words(lambda b, y=y: b.bottom <= y) <= FURNITURE_WORDS]
    feet = [s.top for s in wide if s.top >= (1 - FOOTER_BAND) * page.height]
    feet = [y for y in feet if words(lambda b, y=y: b.top >= y) <= FURNITURE_WORDS]
    head, foot = max(heads, default=None), min(feet, default=None)
    out = set()
    for p in placed:
        box = p.block.box
        if head is not None and box.bottom <= head or foot is not None and box.top >= foot:
            out.add(id(p))
    return out


def _rank(entries: list[_Entry], body: float) -> None:
    """Each block's size rank; a run of blocks in larger type is a headline group: its largest bold (or
    very large) type the title, the lines over it the kicker, those under it the deck. Larger light type
    with no headline by it, or bold text type in a short line, is a subheading."""
    widths = sorted(e.block.box.width for e in entries if e.rank == lay.BODY and len(e.block.lines) >= 3
                    and e.block.size <= MID_SIZE * body)
    column = widths[len(widths) // 2] if widths else 0.0
    for e in entries:
        if column:
            e.spans = max(1, round(e.block.box.width / column))
        if e.rank == lay.FURNITURE:
            continue
        if e.block.jump:
            e.rank = lay.JUMP
        elif e.block.size >= TITLE_SIZE * body or e.block.bold and e.block.size >= BOLD_TITLE_SIZE * body:
            e.rank = lay.TITLE       # a headline's type: large, or bold and larger than the text
        elif e.block.size >= MID_SIZE * body:
            e.rank = lay.DECK        # larger than the text, light: a kicker or a deck (by where it stands)
        elif e.block.bold and len(e.block.text) <= BOLD_HEAD_MAX and not leads.is_outlet_lead(e.block.text):
            e.rank = lay.SUBHEADING  # (a lead's dateline set in bold on a line of its own is text)
        elif e.block.size <= SMALL_SIZE * body:
            e.rank = lay.CAPTION
    i = 0
    while i < len(entries):
        if entries[i].rank not in (lay.TITLE, lay.DECK):
            i += 1
            continue
        j = i
        while j < len(entries) and entries[j].rank in (lay.TITLE, lay.DECK) and \
                entries[j].frame == entries[i].frame and entries[j].page == entries[i].page:
            j += 1
        group = entries[i:j]
        titles = [k for k, e in enumerate(group) if e.rank == lay.TITLE]
        if titles:
            biggest = max(group[k].block.size for k in titles)
            main = [k for k in titles if group[k].block.size >= biggest * 0.95]
            for k, e in enumerate(group):
                e.rank = lay.KICKER if k < main[0] else lay.DECK if k > main[-1] else lay.TITLE
        else:        # light type larger than the text with no headline by it: a subheading
            for e in group:
                e.rank = lay.SUBHEADING
        i = j


def _advertisements(entries: list[_Entry]) -> None:
    """A frame holding no sentence (no 。, ！ or ？ in it), no reporter's credit and little text in short
    lines, slogans, a telephone number and an address, is an advertisement: page furniture, no article (kept with the
    unplaced blocks)."""
    frames: dict[int, list[_Entry]] = {}
    for e in entries:
        if e.frame is not None:
            frames.setdefault(e.frame, []).append(e)
    for inside in frames.values():
        text = "".join(e.block.text for e in inside)
        if len(text) <= AD_MAX and not any(c in text for c in "。！？!?") and not CREDIT.search(text) and \
                all(len(line.text) <= AD_LINE_MAX for e in inside for line in e.block.lines):
            for e in inside:
                e.rank = lay.FURNITURE


def _join_jumps(entries: list[_Entry]) -> None:
    """Move each continuation (from its 上接第N版 line, with the headline printed again over or under it,
    to the next headline, or the end of its story, frame or page) to right after the 下转 line on page N
    that sends its readers there, so the article reads on; the pairs are taken in reading order."""
    used: set[int] = set()
    k = 0
    while k < len(entries):
        e = entries[k]
        jump = e.block.jump
        if not jump or jump[0] != "in" or id(e) in used:
            k += 1
            continue
        used.add(id(e))
        sources = [o for o in entries if o.block.jump and o.block.jump[0] == "out" and id(o) not in used
                   and o.block.jump[1] in (e.printed, str(e.page)) and jump[1] in (o.printed, str(o.page))
                   and o.page != e.page]
        source = _pick_source(entries, sources, e)
        if source is None:
            k += 1
            continue
        used.add(id(source))
        while k and entries[k - 1].rank in lay.HEADLINE_RANKS and entries[k - 1].page == e.page and \
                entries[k - 1].story == e.story and e.story is not None:
            k -= 1                              # the headline printed again over the 上接 line
            entries[k].rank = lay.JUMP
        end = entries.index(e) + 1
        nxt = entries[end] if end < len(entries) else None
        story = e.story
        repeat = _repeated_title(entries, source, e)
        if story is None and repeat is not None:
            story = repeat.story                # the 上接 line beside the story its title is printed again in
        elif story is None and nxt is not None and nxt.page == e.page and nxt.rank in lay.HEADLINE_RANKS and \
                min(nxt.block.box.x1, e.block.box.x1) > max(nxt.block.box.x0, e.block.box.x0):
            story = nxt.story                   # the 上接 line over the story its title is printed again in
        moved = entries[k:end]
        while end < len(entries) and entries[end].page == e.page:
            n = entries[end]
            if n.story != story and story is None:
                end += 1                        # another story read in between: the continuation goes on after it
                continue
            if n.story != story or n.frame != e.frame or n.rank == lay.FURNITURE or \
                    n.block.jump and n.block.jump[0] == "in":
                break
            if n.rank in lay.HEADLINE_RANKS:
                if story is None or any(m.rank not in (lay.JUMP, *lay.HEADLINE_RANKS) for m in moved):
                    break                       # the next story's headline
                n.rank = lay.JUMP               # the headline printed again under the 上接 line
            moved.append(n)
            end += 1
            if n.block.jump:                    # it jumps on again: its 下转 line goes with it
                break
        if repeat is not None:
            moved += _under_repeat(entries, repeat, moved)
        for n in moved:
            n.jumped = True
            entries.remove(n)
        at = entries.index(source) + 1
        entries[at:at] = moved
        k = 0


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _headline(entries: list[_Entry], source: _Entry) -> str:
    """The headline (its title lines, no spaces) of the story a 下转 line ends on its page. A 下转 line in
    no story (at the foot of a column of text the story's box does not reach: one right of a picture
    under the headline) ends the article of the last headline read before it on its page."""
    story = source.story
    if story is None:
        at = entries.index(source)
        title = next((e for e in reversed(entries[:at]) if e.page == source.page and e.rank == lay.TITLE), None)
        if title is None or title.story is None:
            return _squash(title.block.text) if title is not None else ""
        story = title.story
    return _squash("".join(o.block.text for o in entries if o.story == story and o.page == source.page
                           and o.rank == lay.TITLE))


def _pick_source(entries: list[_Entry], sources: list[_Entry], jump_in: _Entry) -> _Entry | None:
    """Of the 下转 lines that send readers to this 上接 line's page, the one whose headline is printed
    again by it (nearer it than any other 上接 line of the page: over it or beside it); else the first
    (in reading order) whose headline is not printed again elsewhere on that page, by another
    continuation, and whose cut agrees with the text under the 上接 line (a sentence cut at the jump goes
    on in text that opens no paragraph; text cut at a paragraph's end, in text that opens one); else the
    first such one; else the first."""
    ins = [n for n in entries if n.page == jump_in.page and n.block.jump and n.block.jump[0] == "in"]
    free = []
    for o in sources:
        title = _headline(entries, o)
        again = [n for n in entries if len(title) >= 4 and n.page == jump_in.page and
                 n.rank in (lay.TITLE, lay.JUMP) and not n.block.jump and _squash(n.block.text) == title]
        if any(min(ins, key=lambda j, n=n: _apart(j.block.box, n.block.box)) is jump_in for n in again):
            return o
        if not again:
            free.append(o)
    if not free:
        return sources[0] if sources else None
    opens = _opens_paragraph(entries, jump_in)
    return next((o for o in free if opens is None or _cut_open(entries, o) is not opens), free[0])


#: Punctuation a sentence (or a paragraph) ends with.
SENTENCE_END = "。！？!?…”」）)"


def _cut_open(entries: list[_Entry], source: _Entry) -> bool:
    """Whether the text a 下转 line ends on its page stops mid-sentence (its last text block does not end
    with a sentence's punctuation): it goes on in a paragraph already begun."""
    at = entries.index(source)
    last = next((e for e in reversed(entries[:at]) if e.page == source.page and e.rank in (lay.BODY, lay.CAPTION)),
                None)
    return last is not None and not last.block.text.rstrip().endswith(tuple(SENTENCE_END))


def _opens_paragraph(entries: list[_Entry], jump_in: _Entry) -> bool | None:
    """Whether the text under a 上接 line opens a paragraph (a subheading, or a first line indented from
    the column's left edge, where the 上接 line stands) rather than finishing one cut at the jump; None
    when no text follows it on its page."""
    at = entries.index(jump_in)
    for e in entries[at + 1:]:
        if e.page != jump_in.page or e.block.jump:
            return None
        if e.rank == lay.SUBHEADING:
            return True
        if e.rank == lay.BODY:
            first = e.block.lines[0]
            edge = min(jump_in.block.box.x0, e.block.box.x0)
            return first.x0 - edge >= INDENT * first.size
    return None


def _apart(a: Box, b: Box) -> float:
    """How far apart two boxes are: the white between them across plus the white between them down."""
    return max(0.0, a.x0 - b.x1, b.x0 - a.x1) + max(0.0, a.top - b.bottom, b.top - a.bottom)


def _repeated_title(entries: list[_Entry], source: _Entry, jump_in: _Entry) -> _Entry | None:
    """The headline of the article that jumps from ``source``, printed again on the continuation's page
    as a story of its own (centred over the continuation's columns, beside its 上接 line rather than
    over it): found by its words, the headline as printed where the article starts."""
    title = _headline(entries, source)
    if len(title) < 4:
        return None
    return next((n for n in entries if n.page == jump_in.page and n.rank == lay.TITLE and n.story is not None
                 and n.story != jump_in.story and _squash(n.block.text) == title), None)


def _under_repeat(entries: list[_Entry], title: _Entry, moved: list[_Entry]) -> list[_Entry]:
    """The repeated headline ``title`` (made a jump line) and the text printed under it in its story: the
    rest of the continuation; the headline alone when ``moved`` holds its story's text already."""
    if title in moved:
        return []
    title.rank = lay.JUMP
    if title.story in {m.story for m in moved}:
        return [title]                          # its text is moved already: the headline goes with it
    taken = {id(m) for m in moved}
    out = [title]
    for m in entries[entries.index(title) + 1:]:
        if m.page != title.page or m.story != title.story or m.rank in lay.HEADLINE_RANKS or id(m) in taken or \
                m.block.jump and m.block.jump[0] == "in":
            break
        out.append(m)
        if m.block.jump:
            break
    return out


def _bulletin(name: str, files: list[Path], sha: str, entries: list[_Entry], pages: int) -> PdfIssue:
    lines: list[str] = []
    cues: dict[int, Layout] = {}
    for e in entries:
        text = e.block.text.strip()
        if not text:
            continue
        box = e.block.box
        cues[len(lines) + 1] = Layout(e.rank, e.page, (round(box.x0, 1), round(box.top, 1), round(box.x1, 1),
                                      round(box.bottom, 1)), e.block.size, e.block.bold, e.frame is not None,
                                      e.spans, e.rule_above, e.file, e.story, e.jumped)
        lines += [text, ""]
    return PdfIssue(name, files, sha, "\n".join(lines), cues, pages)
