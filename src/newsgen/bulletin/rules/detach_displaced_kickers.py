"""Rule ``detach_displaced_kickers``: a "kicker" that matches a headless run elsewhere is a displaced headline."""

from __future__ import annotations

from newsgen.bulletin.rules.common import ATTACH_MIN, KICKER_MARGIN, WINDOW
from newsgen.bulletin.sections import Role, Section, State

#: A kicker line this similar to the body under it is about that body: never a displaced headline.
KICKER_OWN_MAX = 0.06


def detach_displaced_kickers(state: State) -> None:
    """Of two stacked headlines, the first is a displaced headline (not a kicker) when a headless
    article elsewhere matches it better than the body under it."""
    k = 0
    while k < len(state.sections):
        sec = state.sections[k]
        if len(sec.head) == 2 and sec.head[0].role is Role.KICKER and not sec.head[0].feat.kicker_shaped:
            first = sec.head[0]
            own = state.cosine(first.text, sec.text(head=False))
            whole = sec.text(head=False)
            headless = [s for s in state.sections[max(0, k - WINDOW):k + WINDOW + 1] if s.headless]
            scored = [(state.cosine(first.text, h.text()), state.cosine(whole, h.text())) for h in headless]
            # a headless run that reads like this article's own body is its continuation, not its body
            best = max((a for a, b in scored if a > b), default=0.0)
            if best >= ATTACH_MIN and own <= KICKER_OWN_MAX and best > own + KICKER_MARGIN:
                first.role = Role.TITLE
                sec.head = sec.head[1:]
                sec.head[0].role = Role.TITLE
                state.sections.insert(k, Section(head=[first], notes=[
                    f"line {first.block.first_line}: displaced headline, not a kicker "
                    f"(cosine {best:.2f} with a headless run vs {own:.2f} with the body below)"]))
                k += 1
        k += 1
