"""Rule ``warn_noise``: a stray Latin word between Chinese characters is flagged."""

from __future__ import annotations

from newsgen.bulletin.model import ParseWarning
from newsgen.bulletin.sections import State


def warn_noise(state: State) -> None:
    """A stray Latin word between Chinese characters is flagged, never removed."""
    for sec in state.sections:
        for item in sec.head + sec.body:
            for line, word in item.feat.noise:
                sec.warnings.append(ParseWarning(line, f"stray Latin word '{word}' inside Chinese text (left as is)"))
