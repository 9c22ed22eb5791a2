"""What each parser rule is worth: the figures of a set with every rule, then with each one switched off.

    .venv/bin/python train/ablate.py ../shared/parser-eval/dev ../shared/parser-eval/wide [--only RULE]

Each rule of ``newsgen.bulletin.rules.RULES`` is taken out of the ordered list in turn (the others run
as usual) and the set is parsed and scored in-process as ``train/quick_eval.py`` does. A rule whose
absence breaks the parse (the sections it builds are what later rules read) shows ``breaks``. The
figures are pair_f1 / exact / titles; a rule worth keeping lowers them when switched off.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from quick_eval import write_site  # noqa: E402

from newsgen.bulletin import rules as rules_mod  # noqa: E402

KEYS = ("pair_f1", "exact", "titles")


def figures(set_dir: Path, score) -> tuple[float, ...]:
    """The set's mean pair_f1, exact and titles with the rules as they stand now."""
    rows = []
    for bulletin in sorted(set_dir.glob("*.txt")):
        truth = json.loads(bulletin.with_suffix(".truth.json").read_text(encoding="utf-8"))
        with tempfile.TemporaryDirectory() as tmp:
            write_site(bulletin.read_text(encoding="utf-8"), Path(tmp))
            rows.append(score(truth, Path(tmp)))
    n = len(rows) or 1
    return tuple(sum(r[k] for r in rows) / n for k in KEYS)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("sets", type=Path, nargs="+")
    ap.add_argument("--only", action="append", default=[], help="ablate only these rules (by name)")
    ap.add_argument("--score-dir", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "parser-eval")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(args.score_dir.resolve()))
    from score import score  # type: ignore[import-not-found]

    every = list(rules_mod.RULES)
    names = [r.__name__ for r in every if not args.only or r.__name__ in args.only]
    width = max(len(n) for n in [*names, "(none: all rules)"])
    print(f"{'switched off':{width}s}  " + "  ".join(f"{s.name:>24s}" for s in args.sets))
    base = [figures(s, score) for s in args.sets]
    shown = [" / ".join(f"{x:.3f}" for x in b) for b in base]
    print(f"{'(none: all rules)':{width}s}  " + "  ".join(f"{s:>24s}" for s in shown))
    for name in names:
        rules_mod.RULES[:] = [r for r in every if r.__name__ != name]
        cells = []
        for s, b in zip(args.sets, base, strict=True):
            try:
                f = figures(s, score)
            except Exception:   # noqa: BLE001 - later rules need what this one makes
                cells.append(f"{'breaks':>24s}")
                continue
            cells.append(f"{' / '.join(f'{x - y:+.3f}' for x, y in zip(f, b, strict=True)):>24s}")
        print(f"{name:{width}s}  " + "  ".join(cells), flush=True)
    rules_mod.RULES[:] = every
    return 0


if __name__ == "__main__":
    sys.exit(main())
