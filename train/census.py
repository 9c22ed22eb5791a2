"""Count the parser's errors on a parser-eval set by kind, block by block (where to look next).

    .venv/bin/python train/census.py ../shared/parser-eval/wide [--list KIND]

Kinds: a truth headline read as body (merged into the article above, or moved elsewhere), a body block
read as a headline, a body block placed in another article than its own (in place or moved), a block
left unplaced.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from newsgen.bulletin import parse
from newsgen.bulletin.blocks import flat, split_blocks


def census(path: Path, oracle: bool = False) -> list[tuple[str, int, str]]:
    text = path.read_text(encoding="utf-8")
    truth = json.loads(path.with_suffix(".truth.json").read_text(encoding="utf-8"))
    owner: dict[str, tuple[int, bool]] = {}
    for n, art in enumerate(truth["articles"]):
        for h in art.get("headline_lines") or [art["title"]]:
            owner[h] = (n, True)
        for p in art["paras"]:
            owner.setdefault(p, (n, False))
    if oracle:   # the scored decisions answered from the truth: what is left is the rules'
        from fit import oracle_for  # noqa: PLC0415

        from newsgen.bulletin.parse import assemble, to_parsed  # noqa: PLC0415
        from newsgen.bulletin.sections import State  # noqa: PLC0415
        parsed = to_parsed(assemble(text, State(items=[], oracle=oracle_for(truth))), text)
    else:
        parsed = parse(text)
    where: dict[int, tuple[int, bool]] = {}
    for n, d in enumerate(parsed.drafts):
        for b in d.blocks:
            where[b.first_line] = (n, b.text.replace("\n", "") in d.headline)
    rows = []
    for b in split_blocks(text):
        t = owner.get(b.text, owner.get(flat(b)))
        if t is not None:
            rows.append((b, t, where.get(b.first_line)))
    # each draft stands for the truth article most of its blocks come from
    votes: dict[int, Counter] = {}
    for _b, t, d in rows:
        if d is not None:
            votes.setdefault(d[0], Counter())[t[0]] += 1
    rep = {d: c.most_common(1)[0][0] for d, c in votes.items()}
    out = []
    prev_t = None
    for b, t, d in rows:
        line = f"{path.name}:{b.first_line} {flat(b)[:60]}"
        if d is None:
            out.append(("unplaced", b.first_line, line))
        elif t[1] and not d[1]:
            kind = "head->body(merged above)" if rep.get(d[0]) == prev_t else "head->body(elsewhere)"
            out.append((kind, b.first_line, line))
        elif d[1] and not t[1]:
            out.append(("body->head", b.first_line, line))
        elif rep.get(d[0]) != t[0]:
            moved = prev_t is not None and prev_t != t[0] and not t[1]
            out.append(("body misplaced(" + ("printed away" if moved else "in place") + ")", b.first_line, line))
        prev_t = t[0]
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("set_dir", type=Path, nargs="+")
    ap.add_argument("--list", default="")
    ap.add_argument("--oracle", action="store_true", help="answer the scored decisions from the truth")
    args = ap.parse_args()
    total: Counter = Counter()
    for set_dir in args.set_dir:
        for path in sorted(set_dir.glob("*.txt")):
            if not path.with_suffix(".truth.json").exists():
                continue
            for kind, _n, line in census(path, args.oracle):
                total[kind] += 1
                if args.list and args.list in kind:
                    print(kind, line)
    for kind, n in total.most_common():
        print(f"{n:5d} {kind}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
