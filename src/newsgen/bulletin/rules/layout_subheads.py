"""Rule ``layout_subheads``: on a page read from a PDF, a heading set in a subheading's type inside an
article's text is that article's subheading."""

from __future__ import annotations

from newsgen.bulletin import layout
from newsgen.bulletin.rules.common import _as_subhead
from newsgen.bulletin.sections import State


def layout_subheads(state: State) -> None:
    """A headline group whose every line is set in a subheading's type (bold, or a little larger than
    the text, smaller than any headline's: bulletin.layout.SUBHEADING), printed in the same frame as
    the text above it, is a subheading of the article running there, not an article of its own. A
    text bulletin carries no type: nothing changes."""
    k = 1
    while k < len(state.sections):
        sec, prev = state.sections[k], state.sections[k - 1]
        cues = [i.feat.layout for i in sec.head]
        above = prev.body[-1].feat.layout if prev.body else None
        if sec.head and all(layout.rank(i.feat) == layout.SUBHEADING for i in sec.head) and \
                isinstance(above, layout.Layout) and above.framed == cues[0].framed and \
                above.page == cues[0].page and prev.head:
            prev.notes.append(f"line {sec.head[0].block.first_line}: subheading by its type on the page "
                              f"('{sec.head[0].text}')")
            prev.body += _as_subhead(sec)
            for item in sec.head:
                item.role = item.role.SUB
            del state.sections[k]
            continue
        k += 1
