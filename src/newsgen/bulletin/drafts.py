"""Turn assembled sections into :class:`Draft` objects: headline fields, Markdown body, authors."""

from __future__ import annotations

import re

from newsgen.bulletin.model import Draft
from newsgen.bulletin.sections import Item, Role, Section
from newsgen.content import waiting_figure

FALLBACK_TITLE_MAX = 24
#: A photo's caption printed as a paragraph of its own: it says what the picture shows (图为……, 上图：……,
#: 图①……) or ends with the photographer's credit (（张三 摄）); it is at most this long.
CAPTION_MAX = 120
CAPTION = re.compile(r"^(?:图为|图中|[上下左右]图[：:为]|组图[：:]|图[①-⑳1-9１-９][\s：:　]?)\S|"
                     r"[（(][^（）()]{0,30}摄[）)]$")


def _caption(item: Item, text: str) -> bool:
    """A paragraph that is a photo's caption (never an article's lead: the first paragraph is not)."""
    return item.role is Role.BODY and not item.opening and len(text) <= CAPTION_MAX and \
        bool(CAPTION.search(text.strip())) and not item.feat.starts_lead and not item.feat.wire_lead


def _fallback_title(section: Section) -> str:
    first = next((i.text for i in section.body if i.role is Role.BODY), section.body[0].text)
    clause = re.split(r"[，。！？；：,.!?;:]", first, maxsplit=1)[0].strip("“”‘’\"' ")
    return clause[:FALLBACK_TITLE_MAX] or first[:FALLBACK_TITLE_MAX]


def _body(section: Section, captions: list[str]) -> tuple[str, str | None, list[str]]:
    """Markdown body, the byline taken out of it (verbatim) and the authors named; a note for each
    photo caption kept as a figure waiting for its photo is added to ``captions``."""
    texts = [i.text for i in section.body]
    credited: list[str] = []
    byline: str | None = None
    end = len(section.body)
    # end matter under the text (a navigation label and the links it lists, a credits line, a sign-off)
    # comes after the article's own credit: the byline is looked for above it (a source note may carry one)
    while end > 1 and section.body[end - 1].feat.end_matter and not section.body[end - 1].feat.tail_byline:
        end -= 1
    if end and section.body[end - 1].feat.credit and not section.body[end - 1].opening:
        credited = section.body[end - 1].feat.credit_authors      # a credit line stays in the body, as printed
        end -= 1
    last = section.body[end - 1] if end else None
    signed: list[str] = []
    if last is not None and last.feat.tail_byline and last.role is Role.BODY:
        byline = last.feat.tail_byline
        cut = texts[end - 1].rstrip()
        texts[end - 1] = cut[: len(cut) - len(byline)].rstrip()
        signed = last.feat.tail_authors
    # The closing byline is the article's own credit; the lead's (or a credit line under the headline)
    # counts when there is none. A bare credit line at the end (文/图 X, 记者 X 摄) adds its names.
    opening = next((i.feat.credit_authors if i.opening else i.feat.lead_authors for i in
                    [i for i in section.body if i.role is Role.BODY][:2] if i.opening or i.feat.lead_authors), [])
    authors = list(dict.fromkeys((signed or opening) + credited))
    paragraphs: list[str] = []
    joinable = False
    first = True
    for item, text in zip(section.body, texts, strict=True):
        if not text:
            continue
        if item.role is Role.SUB:
            paragraphs.append(f"## {text}")
            joinable = False
            continue
        figure = None if first or joinable else (waiting_figure(text) if _caption(item, text) else None)
        first = False
        if figure is not None:   # a photo's caption: a figure waiting for its photo, the caption whole
            paragraphs.append(figure)
            captions.append(f"line {item.block.first_line}: a photo's caption, kept as a figure waiting for "
                            f"its photo: put the photo's file name in place of TODO ('{text[:20]}')")
            joinable = False
            continue
        if joinable and paragraphs:
            paragraphs[-1] += text
        else:
            paragraphs.append(text)
        joinable = item.feat.ends_open and not item.own_line
    return "\n\n".join(paragraphs), byline, authors


def draft(section: Section) -> Draft:
    # a headline line with extraction tags in it (北京/ns 召开/v) is titled without them; the line as
    # printed stays in ``headline`` and the removal is noted
    roles = {i.role: i.feat.clean_text or i.text for i in section.head}
    residue = [f"line {i.block.first_line}: extraction tags removed from the headline "
               f"({' '.join(i.feat.residue)}): '{i.text}' -> '{i.feat.clean_text}'"
               for i in section.head if i.feat.residue and i.feat.clean_text]
    captions: list[str] = []
    body, byline, authors = _body(section, captions)
    kicker = roles.get(Role.KICKER)
    if kicker is not None and kicker.endswith("："):
        kicker = kicker[:-1]
    title = roles.get(Role.TITLE) or _fallback_title(section)
    return Draft(
        title=title,
        body=body,
        blocks=[i.block for i in section.head + section.body],
        kicker=kicker,
        subtitle=roles.get(Role.SUBTITLE),
        authors=authors,
        byline=byline,
        headline=[i.text for i in section.head],
        notes=list(section.notes) + residue + captions,
        warnings=sorted(section.warnings, key=lambda w: w.line),
    )
