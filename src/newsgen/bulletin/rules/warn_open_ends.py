"""Rule ``warn_open_ends``: a paragraph cut mid-sentence with nothing to continue it is flagged."""

from __future__ import annotations

from newsgen.bulletin.model import ParseWarning
from newsgen.bulletin.sections import Role, State


def warn_open_ends(state: State) -> None:
    """A block cut mid-sentence with nothing to continue it: a lost column. Kept, and flagged."""
    for sec in state.sections:
        for k, item in enumerate(sec.body):
            nxt = sec.body[k + 1] if k + 1 < len(sec.body) else None
            if item.role is Role.BODY and item.feat.ends_open and not item.own_line and \
                    (nxt is None or nxt.role is not Role.BODY):
                sec.warnings.append(ParseWarning(item.block.last_line, "ends mid-sentence and no continuation "
                                                 "was found (a lost column?)"))
