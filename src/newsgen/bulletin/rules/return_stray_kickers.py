"""Rule ``return_stray_kickers``: a "kicker" that reads like the open article above goes back under it."""

from __future__ import annotations

from newsgen.bulletin.rules.common import ATTACH_MIN, KICKER_MARGIN, _as_subhead
from newsgen.bulletin.sections import Role, Section, State


def return_stray_kickers(state: State) -> None:
    """Of two stacked headlines, the first is the last line of the article printed above it (a
    subheading whose part was printed elsewhere, a closing line), not a kicker, when that article is
    open and reads like the line more than the body under the title does: a kicker says something
    about its own article. The line goes back under the article above, as a subheading."""
    k = 1
    while k < len(state.sections):
        sec, prev = state.sections[k], state.sections[k - 1]
        if len(sec.head) == 2 and sec.head[0].role is Role.KICKER and not sec.head[0].feat.kicker_shaped and \
                prev.head and prev.body and not prev.closed:
            first = sec.head[0]
            own = state.cosine(first.text, sec.text(head=False))
            above = state.cosine(first.text, prev.text())
            if above >= ATTACH_MIN and above > own + KICKER_MARGIN:
                prev.body += _as_subhead(Section(head=[first]))
                sec.head = sec.head[1:]
                sec.head[0].role = Role.TITLE
                prev.notes.append(f"line {first.block.first_line}: a stray line over the next headline, not its "
                                  f"kicker (cosine {above:.2f} with this article vs {own:.2f} with the body there)")
        k += 1
