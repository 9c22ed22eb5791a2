"""Rule ``layout_stories``: on a page read from a PDF, text printed under a headline, in its story, is
that headline's article, whatever a line in it looks like."""

from __future__ import annotations

from newsgen.bulletin.layout import Layout
from newsgen.bulletin.sections import Section, State


def _story(section: Section) -> int | None:
    cue = section.head[0].feat.layout if section.head else None
    return cue.story if isinstance(cue, Layout) else None


def layout_stories(state: State) -> None:
    """A run with no headline that starts in the story of the article just before it (under that
    article's headline on the page: :mod:`newsgen.pdf.order`; the run may go on into a continuation
    joined from another page) goes on that article, even
    after a line that reads as a sign-off (a bracketed credit or a credit line printed under the
    headline, a caption between the headline and the text). A text bulletin has no stories."""
    k = 1
    while k < len(state.sections):
        sec, prev = state.sections[k], state.sections[k - 1]
        story = _story(prev)
        first = sec.body[0].feat.layout if sec.body else None
        if story is not None and sec.headless and isinstance(first, Layout) and first.story == story:
            prev.notes.append(f"lines {sec.span()}: printed under its headline on the page, in its story")
            prev.body += sec.body
            del state.sections[k]
            continue
        k += 1
