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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from fit import oracle_for  # noqa: E402

from newsgen.bulletin.parse import assemble
from newsgen.bulletin.sections import State


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("set_dir", type=Path, nargs="+")
    ap.add_argument("--name", default="")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()
    wrong: Counter = Counter()
    total: Counter = Counter()
    for set_dir in args.set_dir:
        for path in sorted(set_dir.glob("*.txt")):
            truth_path = path.with_suffix(".truth.json")
            if not truth_path.exists():
                continue
            oracle = oracle_for(json.loads(truth_path.read_text(encoding="utf-8")))
            state = State(items=[])
            taken: list[tuple[str, dict, list, float, bool]] = []
            decide = state.decide

            def record(name, cues, items, probability, threshold=0.5, _d=decide, _t=taken):
                answer = _d(name, cues, items, probability, threshold)
                _t.append((name, dict(cues), items, probability, answer))
                return answer

            state.decide = record  # type: ignore[method-assign]
            assemble(path.read_text(encoding="utf-8"), state)
            for name, cues, items, p, answer in taken:
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
