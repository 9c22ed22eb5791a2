"""Frames, columns and reading order: the page cut recursively (XY-cut) along the white bands and rule
lines that run right across what is left, top to bottom first, then column by column, left to right.
A frame (a box with text in it: a boxed article) is read as one piece, its inside read the same way;
a box with no text (a picture's place) and rule lines are obstacles: they keep cuts from crossing them.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from newsgen.pdf.blocks import Box, TextBlock
from newsgen.pdf.chars import Shape

#: A white band across a region this many times the text size high is a cut between two rows.
ROW_GAP = 0.8
#: A white band down a region this many times the text size wide is a gutter between two columns.
COLUMN_GAP = 0.4
#: A box covering more than this share of the page is a page border, not an article's frame.
BORDER_SHARE = 0.6
#: Type this many times the text size or larger is a heading's (a headline's, a kicker's, a deck's).
HEADING_SIZE = 1.1
#: A story's pieces (its headline, the text and pictures under it) are at most this many text sizes apart.
STORY_GAP = 4.0
#: Heading lines at most this many times their size apart are one headline (a kicker, a title, a deck).
HEAD_GAP = 1.0
#: A subheading is set in bold or in type this many times the text size, at most this many text sizes
#: over the text it heads.
SUBHEAD_SIZE = 1.05
SUBHEAD_GAP = 2.0
#: A rule at most this many text sizes over a block is printed right over it.
RULE_ABOVE = 1.5


#: Story numbers, unique in a run (a story is told apart from the others of its page and issue).
_NUMBERS = itertools.count(1)


@dataclass
class Placed:
    """A block in reading order, with where it sits."""

    block: TextBlock
    frame: int | None = None      # the frame's index on the page, if it is inside one
    rule_above: bool = False
    story: int | None = None      # the story (a headline and what is printed under it) it is part of


@dataclass
class _Node:
    box: Box
    run: list[TextBlock] | None = None
    frame: int | None = None
    inside: list[_Node] = field(default_factory=list)   # a frame's content, or a story's (``story``)
    story: bool = False     # a headline with the text printed under it: read as one piece
    number: int | None = None   # the story's number on the page

    def heading(self, body: float) -> bool:
        """A headline's line (large type), or a 上接 line: the text printed under it is its story."""
        run = self.run or []
        return bool(run) and (all(b.size > HEADING_SIZE * body for b in run) or
                              len(run) == 1 and (run[0].jump or ("", ""))[0] == "in")


def reading_order(runs: list[list[TextBlock]], shapes: list[Shape], width: float, height: float,
                  body: float) -> list[Placed]:
    """The page's blocks in reading order: its runs down a column (:func:`blocks.make_blocks`) ordered
    as wholes, each read in its own order."""
    boxes = [_union([b.box for b in run]) for run in runs]
    frames = [Box(s.x0, s.top, s.x1, s.bottom) for s in shapes if s.kind == "box"]
    centre = [((b.x0 + b.x1) / 2, (b.top + b.bottom) / 2) for b in boxes]
    frames = [f for f in frames if f.width * f.height <= BORDER_SHARE * width * height]
    texted = [f for f in frames if any(f.contains(x, y) for x, y in centre)]
    nodes = [_Node(f, frame=n) for n, f in enumerate(texted)]
    top: list[_Node] = []

    def owner(x: float, y: float, box: Box | None = None) -> _Node | None:
        """The smallest frame holding the point (and not the box itself)."""
        holding = [n for n in nodes if n.box.contains(x, y) and n.box != box]
        return min(holding, key=lambda n: n.box.width * n.box.height, default=None)

    for node in nodes:       # frames inside frames
        parent = owner((node.box.x0 + node.box.x1) / 2, (node.box.top + node.box.bottom) / 2, node.box)
        (parent.inside if parent is not None and parent.box.width * parent.box.height >
         node.box.width * node.box.height else top).append(node)
    for run, box, (x, y) in zip(runs, boxes, centre, strict=True):
        parent = owner(x, y)
        (parent.inside if parent else top).append(_Node(box, run=run))
    for s in shapes:         # pictures and rules are obstacles where they are printed
        box = Box(s.x0, s.top, s.x1, s.bottom)
        if s.kind == "box" and box in texted:
            continue
        if s.kind == "box" and box.width * box.height > BORDER_SHARE * width * height:
            continue
        parent = owner((box.x0 + box.x1) / 2, (box.top + box.bottom) / 2)
        (parent.inside if parent else top).append(_Node(box))
    hrules = [s for s in shapes if s.kind == "hrule"]
    out: list[Placed] = []
    _emit(_cut(_stories(top, body), body), out, None, body, hrules)
    return out


def _overlap(a: Box, b: Box) -> float:
    return min(a.x1, b.x1) - max(a.x0, b.x0)


def _stories(nodes: list[_Node], body: float) -> list[_Node]:
    """Each headline gathered with what is printed under it, as one node: the heading lines right under
    one another (kicker, title, deck), then, down from them, every run of text, picture or frame that
    starts within a few lines under what is gathered and lies within the headline's width, until a
    rule, another headline or white space. So a row of headlines printed side by side is never read
    as one headline group: each heads the columns under it."""
    for node in nodes:
        if node.frame is not None:
            node.inside = _stories(node.inside, body)
    heads = sorted((n for n in nodes if n.heading(body)), key=lambda n: n.box.top)
    taken: set[int] = {id(h) for h in heads}
    groups: list[list[_Node]] = []
    for head in heads:                   # a kicker, its title, a deck: heading lines right under one another
        size = min(b.size for b in head.run or ())
        over = next((g for g in groups if 0 <= head.box.top - g[-1].box.bottom <= HEAD_GAP * size and
                     _overlap(g[-1].box, head.box) > 0), None)
        if over is not None:
            over.append(head)
        else:
            groups.append([head])
    for group in groups:                 # first what is printed right under each headline
        _grow(group, nodes, taken, body)
    for group in groups:                 # then the columns its text goes on in, right of those
        _grow(group, nodes, taken, body, beside="right")
    for group in groups:                 # last a first column left of a centred headline: a column level
        _grow(group, nodes, taken, body, beside="left")    # with two stories' is the left one's next
    for group in groups:                 # and a subheading heading a column of its text, centred in it
        _subheads_over(group, nodes, taken, body)
    stories: list[_Node] = []
    for group in groups:
        if len(group) > 1:
            box = Box(min(g.box.x0 for g in group), min(g.box.top for g in group),
                      max(g.box.x1 for g in group), max(g.box.bottom for g in group))
            stories.append(_Node(box, inside=group, story=True, number=next(_NUMBERS)))
    grouped = {id(g) for s in stories for g in s.inside}
    return [n for n in nodes if id(n) not in grouped] + stories


def _grow(group: list[_Node], nodes: list[_Node], taken: set[int], body: float, beside: str = "") -> None:
    """Add to a story the nodes printed right under one of its pieces (and, with ``beside`` 'right' or
    'left', the runs of text that start level with one of its runs, a gutter to that side of it: the
    next column of its text, or the first, left of a centred headline narrower than the story)."""
    grew = True
    while grew:
        grew = False
        for n in sorted(nodes, key=lambda n: (n.box.top, n.box.x0)):
            if id(n) in taken or _is_rule(n) or n.heading(body):
                continue
            under = [g for g in group if 0 <= n.box.top - g.box.bottom <= STORY_GAP * body and
                     _overlap(g.box, n.box) > 0]
            if under and _ruled(nodes, under, n):
                under = []
            span = _over_text(n, nodes, taken, body) if beside else n.box
            picture = _picture(n)
            level = bool(beside) and (n.run is not None or picture) and any(   # never a frame
                g.run and not g.heading(body) and abs(g.box.top - n.box.top) <= (body if picture else 2) and
                0 <= (span.x0 - _column(group, g, body).x1 if beside == "right" else
                      _column(group, g, body).x0 - span.x1) <= 2.5 * body
                for g in group)
            if under or level:
                group.append(n)
                taken.add(id(n))
                grew = True


def _picture(n: _Node) -> bool:
    """A picture (a photo or a box with no text in it): a story's column may open with it, level with the
    top of its text in the next column (its caption and text follow under it). Its edge stands a little
    over the first line of text beside it, so it is level within a line's height, not a point or two."""
    return n.run is None and n.frame is None and not n.story and not _is_rule(n)


def _subheading(n: _Node, body: float) -> bool:
    """A run of one short block in bold or a little larger type: a subheading's."""
    run = n.run or []
    return len(run) == 1 and not n.heading(body) and (run[0].bold or run[0].size > SUBHEAD_SIZE * body) and \
        len(run[0].lines) <= 2


def _over_text(n: _Node, nodes: list[_Node], taken: set[int], body: float) -> Box:
    """Where a node stands across the page: a subheading centred over a column of text (in no story yet)
    stands across that column; anything else, across its own box."""
    if not _subheading(n, body):
        return n.box
    under = next((r for r in nodes if r.run and id(r) not in taken and r is not n and not r.heading(body) and
                  0 <= r.box.top - n.box.bottom <= SUBHEAD_GAP * body and
                  r.box.x0 - 1 <= n.box.x0 and n.box.x1 <= r.box.x1 + 1), None)
    return n.box if under is None else Box(under.box.x0, n.box.top, under.box.x1, n.box.bottom)


def _subheads_over(group: list[_Node], nodes: list[_Node], taken: set[int], body: float) -> None:
    """Add to a story the subheadings (a line of bold or a little larger type, in no story) printed right
    over a run of its text, within its column: one heading the next column, centred, so not level with
    the column tops beside it."""
    for n in nodes:
        if id(n) in taken or not _subheading(n, body):
            continue
        if any(g.run and not g.heading(body) and 0 <= g.box.top - n.box.bottom <= SUBHEAD_GAP * body and
               g.box.x0 - 1 <= n.box.x0 and n.box.x1 <= g.box.x1 + 1 for g in group):
            group.append(n)
            taken.add(id(n))


def _column(group: list[_Node], run: _Node, body: float) -> Box:
    """The column a story's run of text is printed in: the story's text runs under and over it (a short
    last line of a paragraph is a run of its own, narrower than its column)."""
    same = [g.box for g in group if g.run and not g.heading(body) and _overlap(g.box, run.box) > 0]
    return _union(same)


def _ruled(nodes: list[_Node], above: list[_Node], n: _Node) -> bool:
    """Whether a rule is printed between ``above`` and ``n`` (a story ends at a rule)."""
    top = max(a.box.bottom for a in above)
    return any(_is_rule(r) and r.box.height <= 3 and top - 1 <= r.box.top <= n.box.top + 1 and
               _overlap(r.box, n.box) > 0 for r in nodes)


def _union(boxes: list[Box]) -> Box:
    return Box(min(b.x0 for b in boxes), min(b.top for b in boxes), max(b.x1 for b in boxes),
               max(b.bottom for b in boxes))


def _emit(nodes: list[_Node], out: list[Placed], frame: int | None, body: float, hrules: list[Shape],
          story: int | None = None) -> None:
    for node in nodes:
        for block in node.run or ():
            b = block.box
            rule = any(b.top - RULE_ABOVE * body <= r.bottom <= b.top + 1 and
                       min(r.x1, b.x1) - max(r.x0, b.x0) > 0.5 * b.width for r in hrules)
            out.append(Placed(block, frame, rule, story))
        if node.frame is not None or node.story:
            _emit(_headline_first(node, body), out, node.frame if node.frame is not None else frame, body, hrules,
                  node.number if node.story else story)


def _headline_first(node: _Node, body: float) -> list[_Node]:
    """A frame's nodes in reading order; a story's headline (its heading lines, top down) before its
    text: a picture heading the story's first column, level with the headline beside it, puts that
    column, its caption and the lead under it, left of the headline, yet they are read after it."""
    if not node.story:
        return _cut(node.inside, body)
    heads = sorted((n for n in node.inside if n.heading(body)), key=lambda n: n.box.top)
    return heads + _cut([n for n in node.inside if not n.heading(body)], body)


def _bands(nodes: list[_Node], axis: str) -> list[tuple[float, float, int]]:
    """White bands across the nodes along ``axis`` ('y': rows, 'x': columns): (start, end, index) where
    the nodes sorted by their start split at ``index``."""
    if axis == "y":
        spans = sorted((n.box.top, n.box.bottom, i) for i, n in enumerate(nodes))
    else:
        spans = sorted((n.box.x0, n.box.x1, i) for i, n in enumerate(nodes))
    bands = []
    reach = spans[0][1]
    for k, (start, end, _i) in enumerate(spans[1:], 1):
        if start > reach:
            bands.append((reach, start, k))
        reach = max(reach, end)
    return bands


def _split(nodes: list[_Node], axis: str, cuts: list[tuple[float, float, int]]) -> list[list[_Node]]:
    key = (lambda n: n.box.top) if axis == "y" else (lambda n: n.box.x0)
    ordered = sorted(nodes, key=key)
    groups, last = [], 0
    for _s, _e, k in cuts:
        groups.append(ordered[last:k])
        last = k
    groups.append(ordered[last:])
    return [g for g in groups if g]


def _is_rule(node: _Node) -> bool:
    return node.run is None and node.frame is None and not node.story and (node.box.height <= 3 or node.box.width <= 3)


def _cut(nodes: list[_Node], body: float) -> list[_Node]:
    """The nodes in reading order: rows split at white bands (or rules) across them, then columns."""
    if len(nodes) <= 1:
        return nodes
    rows = _bands(nodes, "y")
    key_y = sorted(nodes, key=lambda n: n.box.top)
    strong = [b for b in rows if b[1] - b[0] >= ROW_GAP * body or _is_rule(key_y[b[2]]) or
              _is_rule(key_y[b[2] - 1])]
    if strong:
        return [n for g in _split(nodes, "y", strong) for n in _cut(g, body)]
    cols = [b for b in _bands(nodes, "x") if b[1] - b[0] >= COLUMN_GAP * body]
    if cols:
        return [n for g in _split(nodes, "x", cols) for n in _cut(g, body)]
    if rows:
        widest = max(rows, key=lambda b: b[1] - b[0])
        return [n for g in _split(nodes, "y", [widest]) for n in _cut(g, body)]
    return sorted(nodes, key=lambda n: (n.box.top, n.box.x0))
