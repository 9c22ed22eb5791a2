"""Rule ``fallback_titles``: what matched nothing becomes an article of its own, end matter, or unplaced."""

from __future__ import annotations

from newsgen.bulletin.model import ParseWarning
from newsgen.bulletin.rules.common import _title
from newsgen.bulletin.sections import Role, Section, State


def fallback_titles(state: State) -> None:
    """A headless run that matched nothing is an article of its own, titled from its first words.
    A headline-shaped line that matched no body, printed right under a paragraph of an article's text,
    is kept with that text, right after that paragraph (end matter such as a related link, a subheading
    whose part was printed elsewhere); anywhere else (under another headline) it is kept as unplaced."""
    kept: list[Section] = []
    # which article's text holds each block (a lone line is kept with the text printed right above it)
    holder = {i.block.index: s for s in state.sections if s.body for i in s.body}
    for sec in state.sections:
        if sec.headless:
            sec.fallback_title = True
            sec.warnings.append(ParseWarning(sec.first_line(), f"lines {sec.span()}: no headline and no open "
                                             "article to continue; kept as an article with a fallback title"))
        elif not sec.body:
            above = holder.get(sec.head[0].block.index - 1)
            if above is not None:
                for item in sec.head:
                    item.role = Role.BODY
                at = next(n for n, i in enumerate(above.body) if i.block.index == sec.head[0].block.index - 1)
                above.body[at + 1:at + 1] = sec.head
                above.warnings.append(ParseWarning(sec.first_line(), f"headline-shaped line '{_title(sec)}' "
                                                   "matched no body: kept with the text printed above it"))
                continue
            state.unplaced += sec.head
            state.warnings.append(ParseWarning(sec.first_line(), f"headline '{_title(sec)}' has no body "
                                               "and matched no headless run; left unplaced"))
            continue
        kept.append(sec)
    state.sections = kept
