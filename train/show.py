"""Print a bulletin's blocks with the parser's draft and the truth's article side by side (debugging).

    .venv/bin/python train/show.py ../shared/parser-eval/wide/xwlb-000.txt
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from newsgen.bulletin import parse
from newsgen.bulletin.blocks import flat, split_blocks


def main() -> int:
    path = Path(sys.argv[1])
    text = path.read_text(encoding="utf-8")
    truth = json.loads(path.with_suffix(".truth.json").read_text(encoding="utf-8"))
    owner: dict[str, str] = {}
    for n, art in enumerate(truth["articles"]):
        for h in art.get("headline_lines") or [art["title"]]:
            owner[h] = f"T{n}h"
        for p in art["paras"]:
            owner.setdefault(p, f"T{n}")
    if "--oracle" in sys.argv:   # the scored decisions answered from the truth
        sys.path.insert(0, str(Path(__file__).parent))
        from fit import oracle_for  # noqa: PLC0415

        from newsgen.bulletin.parse import assemble, to_parsed  # noqa: PLC0415
        from newsgen.bulletin.sections import State  # noqa: PLC0415
        parsed = to_parsed(assemble(text, State(items=[], oracle=oracle_for(truth))), text)
    else:
        parsed = parse(text)
    where: dict[int, str] = {}
    for n, d in enumerate(parsed.drafts):
        for b in d.blocks:
            where[b.first_line] = f"D{n}" + ("h" if b.text.replace("\n", "") in d.headline else "")
    for b in split_blocks(text):
        t = flat(b)
        tr = owner.get(b.text, owner.get(t, "?"))
        print(f"{b.first_line:4d} {tr:5s} {where.get(b.first_line, 'UNPL'):5s} {t[:70]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
