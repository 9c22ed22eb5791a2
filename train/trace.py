"""Print every scored decision the parser takes on one bulletin, with its probability and cues.

    .venv/bin/python train/trace.py BULLETIN.txt
"""

from __future__ import annotations

import sys
from pathlib import Path

from newsgen.bulletin.parse import assemble
from newsgen.bulletin.scorer import model
from newsgen.bulletin.sections import State


def main() -> int:
    state = State(items=[], trace=[])
    assemble(Path(sys.argv[1]).read_text(encoding="utf-8"), state)
    for name, cues, items in state.trace or []:
        p = model(name).probability(cues)
        shown = " ".join(f"{k}={v:.2f}" for k, v in cues.items() if v)
        print(f"{name} p={p:.2f} {' / '.join(i.text for i in items)[:40]}\n    {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
