"""Where split_glued_runs looks for a seam, against where the truth has one.

    .venv/bin/python train/seams.py SET_DIR [--list]

The glued_tail and glued_headless models are asked about one seam a run: the one the rule's hand-set
score picks (likeness elsewhere less twice the likeness to the run's own start). train/decisions.py
shows where the model answers that question wrongly; this shows where the question itself was the
wrong one: the picked seam is not one, but the truth has a seam elsewhere in the run. Each decision
is counted as

- ``picked``: the picked seam is a seam of the truth (the model's answer decides);
- ``elsewhere``: it is not, but another paragraph of the run starts another article's text (no
  answer of the model can part them; the pick must change);
- ``none``: the run holds one article's text (the model should answer no).

With --list, each ``elsewhere`` run is printed: the seam picked and the truth's first seam.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from decisions import Taken, taken_decisions, truth_bulletins  # noqa: E402
from fit import oracle_for  # noqa: E402

#: The rule's module (the package exports a function of the same name, which hides it as an attribute).
RULE = importlib.import_module("newsgen.bulletin.rules.split_glued_runs")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("set_dir", type=Path, nargs="+")
    ap.add_argument("--list", action="store_true")
    args = ap.parse_args()
    picked: dict = {}
    cues_of = RULE.glued_cues

    def recording_cues(state, sec, j, other, own, where):
        picked["seam"] = (sec, j)
        return cues_of(state, sec, j, other, own, where)

    RULE.glued_cues = recording_cues
    counts: Counter = Counter()
    for path, truth in truth_bulletins(args.set_dir):
        oracle = oracle_for(truth)

        def count(taken: Taken, _o=oracle, _p=path) -> None:  # noqa: ANN001
            name, _cues, items, probability, answer = taken
            if name not in ("glued_tail", "glued_headless") or _o(name, items) is None:
                return
            sec, j = picked["seam"]
            first = [*sec.head[:1], *sec.body[:1]]
            seams = [m for m in range(1, len(sec.body)) if _o(name, [*first, sec.body[m]])]
            kind = "picked" if j in seams else "elsewhere" if seams else "none"
            counts[name, kind, answer] += 1
            if args.list and kind == "elsewhere":
                seam = sec.body[seams[0]]
                print(f"{_p.name}:{sec.body[j].block.first_line} {name} p={probability:.2f} picked {j} of "
                      f"{len(sec.body)}, truth's first seam {seams[0]} ({seam.role.name}) {seam.text[:40]}")

        taken_decisions(path.read_text(encoding="utf-8"), count)
    RULE.glued_cues = cues_of
    for (name, kind, answer), n in sorted(counts.items()):
        print(f"{name:15s} {kind:10s} split={answer!s:5s} {n:4d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
