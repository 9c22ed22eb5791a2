"""Rule ``set_aside_furniture``: page furniture (date line, page marker, editors' line) leaves the reading order."""

from __future__ import annotations

from newsgen.bulletin.endmatter import under_text
from newsgen.bulletin.model import ParseWarning
from newsgen.bulletin.sections import Item, State


def set_aside_furniture(state: State) -> None:
    """Page furniture (a date line, a page marker, an editors' line) is no article's text: it leaves
    the reading order before anything is assembled, so it can neither head an article nor sit between
    the two halves of a broken paragraph. Kept as an unplaced block, and reported. In a bulletin with
    no date line or page marker (a web page's text), an editors' line printed right under an article's
    text is that article's end matter instead (endmatter.under_text)."""
    kept: list[Item] = []
    # a bulletin with a date line or a page marker is a printed page's: its editors' line is furniture too
    printed = any(i.feat.furniture in ("date line", "page marker") for i in state.items)
    for n, item in enumerate(state.items):
        if not printed and under_text(item, state.items[n - 1] if n else None):
            kept.append(item)      # end matter of the article above, not page furniture
            continue
        if item.feat.furniture:
            state.unplaced.append(item)
            state.warnings.append(ParseWarning(item.block.first_line, f"page furniture ({item.feat.furniture}) "
                                               "set aside: not article text"))
        else:
            kept.append(item)
    state.items = kept
