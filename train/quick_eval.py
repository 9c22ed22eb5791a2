"""Score the parser in-process on a parser-eval set (no enrichment, no subprocess): fast iteration.

    .venv/bin/python train/quick_eval.py ../shared/parser-eval/wide [--by-prefix] [--show NAME] [--only PREFIX]

Writes each bulletin's drafts as minimal article files (title, kicker, subtitle, authors, body) and
scores them with the set's own ``score.py``. ``run_eval.py`` remains the reference figure.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).parent))

from newsgen.bulletin import parse


def write_site(text: str, out: Path, truth: dict | None = None) -> None:
    if truth is None:
        parsed = parse(text)
    else:   # --oracle: the scored decisions answered from the truth (what a perfect model would give)
        from fit import oracle_for  # noqa: PLC0415

        from newsgen.bulletin.parse import assemble, to_parsed  # noqa: PLC0415
        from newsgen.bulletin.sections import State  # noqa: PLC0415
        parsed = to_parsed(assemble(text, State(items=[], oracle=oracle_for(truth))), text)
    out.mkdir(parents=True, exist_ok=True)
    for n, d in enumerate(parsed.drafts):
        meta: dict = {"title": d.title}
        if d.kicker:
            meta["kicker"] = d.kicker
        if d.subtitle:
            meta["subtitle"] = d.subtitle
        meta["authors"] = list(d.authors)
        front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
        (out / f"a{n:03d}.md").write_text(f"---\n{front}---\n\n{d.body}\n", encoding="utf-8")
    if parsed.unplaced:
        (out / "unplaced.txt").write_text("\n\n".join(b.text for b in parsed.unplaced), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("set_dir", type=Path)
    ap.add_argument("--by-prefix", action="store_true")
    ap.add_argument("--show", action="append", default=[])
    ap.add_argument("--only", default="")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--oracle", action="store_true", help="answer scored decisions from the truth")
    ap.add_argument("--score-dir", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "parser-eval",
                    help="where score.py is (default: ../shared/parser-eval)")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(args.score_dir.resolve()))
    from score import score  # type: ignore[import-not-found]

    rows: list[tuple[str, dict]] = []
    for bulletin in sorted(args.set_dir.glob("*.txt")):
        if not bulletin.name.startswith(args.only):
            continue
        truth = json.loads(bulletin.with_suffix(".truth.json").read_text(encoding="utf-8"))
        with tempfile.TemporaryDirectory() as tmp:
            write_site(bulletin.read_text(encoding="utf-8"), Path(tmp), truth if args.oracle else None)
            r = score(truth, Path(tmp))
            if bulletin.stem in args.show:
                for a in r["per_article"]:
                    print("  ", json.dumps(a, ensure_ascii=False))
        rows.append((bulletin.stem, r))
        if not args.quiet:
            print(f"{bulletin.stem}: pair_f1={r['pair_f1']} exact={r['exact']} titles={r['titles']} "
                  f"authors={r['authors']} lost={r['lost']} articles={r['articles']}")
    groups: dict[str, list[dict]] = defaultdict(list)
    for stem, r in rows:
        groups[stem.split("-")[0] if args.by_prefix else "all"].append(r)
    if args.by_prefix:
        groups["ALL"] = [r for _, r in rows]
    for name, rs in groups.items():
        n = len(rs) or 1
        mean = {k: round(sum(r[k] for r in rs) / n, 4) for k in ("pair_f1", "exact", "titles", "authors")}
        print(f"{name:8s} n={len(rs):2d} pair_f1={mean['pair_f1']:.4f} exact={mean['exact']:.4f} "
              f"titles={mean['titles']:.4f} authors={mean['authors']:.4f} lost={sum(r['lost'] for r in rs)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
