"""Placeholder parser: blocks split at blank lines, one article per bulletin. Replaced by the real one."""

from __future__ import annotations

from newsgen.bulletin.model import Block, Draft, Parsed


def parse(text: str) -> Parsed:
    blocks: list[Block] = []
    lines = text.splitlines()
    start = None
    for i, line in enumerate(lines + [""], start=1):
        if line.strip() and start is None:
            start = i
        elif not line.strip() and start is not None:
            blocks.append(Block(len(blocks), start, i - 1, "\n".join(lines[start - 1:i - 1]).strip()))
            start = None
    if not blocks:
        return Parsed(drafts=[])
    head, rest = blocks[0], blocks[1:]
    return Parsed(drafts=[Draft(title=head.text, body="\n\n".join(b.text for b in rest), blocks=blocks)])
