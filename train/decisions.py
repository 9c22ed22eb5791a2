"""List the scored decisions the parser gets wrong on a set, with the truth's answer and the cues.

    .venv/bin/python train/decisions.py SET_DIR [--name opens_article]

Each decision is taken as the parser takes it (no oracle), and compared with the answer the truth gives
(train/fit.py's oracle): what a model gets wrong on real pages, decision by decision.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from fit import oracle_for  # noqa: E402

from newsgen.bulletin.parse import assemble
from newsgen.bulletin.sections import State


def truth_bulletins(set_dirs: list[Path]) -> Iterator[tuple[Path, dict]]:
    """Each bulletin of the sets that has a truth beside it, with its truth."""
    for set_dir in set_dirs:
        for path in sorted(set_dir.glob("*.txt")):
            truth_path = path.with_suffix(".truth.json")
            if truth_path.exists():
                yield path, json.loads(truth_path.read_text(encoding="utf-8"))


Taken = tuple[str, dict, list, float, bool]


def taken_decisions(text: str, each: Callable[[Taken], None] | None = None) -> list[Taken]:
    """Parse ``text`` as the parser does (no oracle), recording every scored decision as it is taken:
    its name, cues, items, probability and answer; ``each`` is called with it at that moment."""
    state = State(items=[])
    taken: list[Taken] = []
    decide = state.decide

    def record(name, cues, items, probability, threshold=0.5):  # noqa: ANN001, ANN202
        answer = decide(name, cues, items, probability, threshold)
        taken.append((name, dict(cues), items, probability, answer))
        if each is not None:
            each(taken[-1])
        return answer

    state.decide = record  # type: ignore[method-assign]
    assemble(text, state)
    return taken


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("set_dir", type=Path, nargs="+")
    ap.add_argument("--name", default="")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()
    wrong: Counter = Counter()
    total: Counter = Counter()
    for path, truth in truth_bulletins(args.set_dir):
        oracle = oracle_for(truth)
        for name, cues, items, p, answer in taken_decisions(path.read_text(encoding="utf-8")):
            if args.name and name != args.name:
                continue
            want = oracle(name, items)
            if want is None:
                continue
            total[name] += 1
            if want != answer:
                wrong[name, want] += 1
                if not args.quiet:
                    shown = " ".join(f"{k}={v:.2f}" for k, v in cues.items() if v)
                    print(f"{path.name}:{items[-1].block.first_line} {name} p={p:.2f} truth={want} "
                          f"{' / '.join(i.text for i in items)[:50]}\n    {shown}")
    for (name, want), n in sorted(wrong.items()):
        print(f"{name:20s} truth={want!s:5s} wrong {n:3d} of {total[name]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
