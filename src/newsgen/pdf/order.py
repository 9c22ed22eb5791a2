"""Frames, columns and reading order: the page cut recursively (XY-cut) along the white bands and rule
lines that run right across what is left, top to bottom first, then column by column, left to right.
A frame (a box with text in it: a boxed article) is read as one piece, its inside read the same way;
a box with no text (a picture's place) and rule lines are obstacles: they keep cuts from crossing them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from newsgen.pdf.blocks import Box, TextBlock
from newsgen.pdf.chars import Shape

#: A white band across a region this many times the text size high is a cut between two rows.
ROW_GAP = 0.8
#: A white band down a region this many times the text size wide is a gutter between two columns.
COLUMN_GAP = 0.4
#: A box covering more than this share of the page is a page border, not an article's frame.
BORDER_SHARE = 0.6
#: A rule at most this many text sizes over a block is printed right over it.
RULE_ABOVE = 1.5


@dataclass
class Placed:
    """A block in reading order, with where it sits."""

    block: TextBlock
    frame: int | None = None      # the frame's index on the page, if it is inside one
    rule_above: bool = False


@dataclass
class _Node:
    box: Box
    run: list[TextBlock] | None = None
    frame: int | None = None
    inside: list[_Node] = field(default_factory=list)   # a frame's content


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
    _emit(_cut(top, body), out, None, body, hrules)
    return out


def _union(boxes: list[Box]) -> Box:
    return Box(min(b.x0 for b in boxes), min(b.top for b in boxes), max(b.x1 for b in boxes),
               max(b.bottom for b in boxes))


def _emit(nodes: list[_Node], out: list[Placed], frame: int | None, body: float, hrules: list[Shape]) -> None:
    for node in nodes:
        for block in node.run or ():
            b = block.box
            rule = any(b.top - RULE_ABOVE * body <= r.bottom <= b.top + 1 and
                       min(r.x1, b.x1) - max(r.x0, b.x0) > 0.5 * b.width for r in hrules)
            out.append(Placed(block, frame, rule))
        if node.frame is not None:
            _emit(_cut(node.inside, body), out, node.frame, body, hrules)


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
    return node.run is None and node.frame is None and (node.box.height <= 3 or node.box.width <= 3)


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
