"""Turn assembled sections into :class:`Draft` objects: headline fields, Markdown body, authors."""

from __future__ import annotations

import re

from newsgen.bulletin.model import Draft
from newsgen.bulletin.sections import BODY, KICKER, SUB, SUBTITLE, TITLE, Section

FALLBACK_TITLE_MAX = 24


def _fallback_title(section: Section) -> str:
    first = next((i.text for i in section.body if i.role == BODY), section.body[0].text)
    clause = re.split(r"[，。！？；：,.!?;:]", first, maxsplit=1)[0].strip("“”‘’\"' ")
    return clause[:FALLBACK_TITLE_MAX] or first[:FALLBACK_TITLE_MAX]


def _body(section: Section) -> tuple[str, str | None, list[str]]:
    """Markdown body, the byline taken out of it (verbatim) and the authors named."""
    texts = [i.text for i in section.body]
    authors: list[str] = []
    byline: str | None = None
    last = section.body[-1] if section.body else None
    if last is not None and last.feat.tail_byline and last.role == BODY:
        byline = last.feat.tail_byline
        cut = texts[-1].rstrip()
        texts[-1] = cut[: len(cut) - len(byline)].rstrip()
        authors += last.feat.tail_authors
    first = next((i for i in section.body if i.role == BODY), None)
    if not authors and first is not None and first.feat.lead_authors:
        # The closing byline is the article's own credit; the lead's credit counts when there is none.
        authors = list(first.feat.lead_authors)
    paragraphs: list[str] = []
    joinable = False
    for item, text in zip(section.body, texts, strict=True):
        if not text:
            continue
        if item.role == SUB:
            paragraphs.append(f"## {text}")
            joinable = False
            continue
        if joinable and paragraphs:
            paragraphs[-1] += text
        else:
            paragraphs.append(text)
        joinable = item.feat.ends_open
    return "\n\n".join(paragraphs), byline, authors


def render(section: Section) -> Draft:
    roles = {i.role: i.text for i in section.head}
    body, byline, authors = _body(section)
    kicker = roles.get(KICKER)
    if kicker is not None and kicker.endswith("："):
        kicker = kicker[:-1]
    title = roles.get(TITLE) or _fallback_title(section)
    return Draft(
        title=title,
        body=body,
        blocks=[i.block for i in section.head + section.body],
        kicker=kicker,
        subtitle=roles.get(SUBTITLE),
        authors=authors,
        byline=byline,
        headline=[i.text for i in section.head],
        notes=list(section.notes),
        warnings=sorted(section.warnings, key=lambda w: w.line),
    )
