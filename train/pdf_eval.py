"""Import every generated PDF (train/pages.py's ``DIR/pdf/NAME.pdf``) with the PDF front end and score it
against its truth with ``../shared/parser-eval/score.py``, as ``run_eval.py`` scores text bulletins.

    PYTHONPATH=src .venv/bin/python train/pdf_eval.py DIR/pdf [--limit N] [--show NAME]

Prints a line a PDF (pair_f1, exact, titles, lost, articles, the jumped articles rebuilt whole and the
import time), then the means over the set, last: "mean pair_f1=… exact=… titles=… lost=… jumps=…".
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent / "shared" / "parser-eval"))
from score import assign, read_article, score  # noqa: E402

from newsgen.commands.importer import run_import  # noqa: E402


def main(argv: list[str]) -> int:
    folder = Path(argv[1])
    limit = int(argv[argv.index("--limit") + 1]) if "--limit" in argv else None
    rows = []
    jumps = jumps_whole = 0
    for pdf in sorted(folder.glob("*.pdf"))[:limit]:
        truth = json.loads(pdf.with_suffix(".truth.json").read_text(encoding="utf-8"))
        with tempfile.TemporaryDirectory() as tmp:
            site = Path(tmp)
            start = time.perf_counter()
            run_import(pdf, site, None)
            took = time.perf_counter() - start
            result = score(truth, site / "articles")
            wholes = _wholes(truth, site / "articles")
        per = result["per_article"]
        jumped = [n for n, a in enumerate(truth["articles"]) if a.get("continued")]
        whole = 0
        for n in jumped:
            # an article jumped whole: every block of it found in one output article that holds no other's
            whole += wholes[n]
        jumps += len(jumped)
        jumps_whole += whole
        rows.append(result)
        print(f"{pdf.stem:24} pair_f1={result['pair_f1']:.3f} exact={result['exact']:.3f} "
              f"titles={result['titles']:.3f} lost={result['lost']} articles={result['articles']} "
              f"jumps={whole}/{len(jumped)} {took:.2f}s")
        if "--show" in argv and pdf.stem == argv[argv.index("--show") + 1]:
            for a in per:
                print("   ", a)
    n = len(rows)
    mean = {k: sum(r[k] for r in rows) / n for k in ("pair_f1", "exact", "titles")}
    print(f"mean pair_f1={mean['pair_f1']:.4f} exact={mean['exact']:.4f} titles={mean['titles']:.4f} "
          f"lost={sum(r['lost'] for r in rows)} jumps={jumps_whole}/{jumps}")
    return 0


def _wholes(truth: dict, articles: Path) -> list[bool]:
    """For each truth article, whether it was rebuilt exactly (score.py's ``exact``, article by article)."""
    files = sorted(articles.rglob("*.md"))
    read = [read_article(f) for f in files]
    where = assign(truth, [b for _, b, _ in read], [w for _, _, w in read])
    owners: dict[int, set[int]] = {}
    for t, oi, _ in where:
        if oi is not None:
            owners.setdefault(oi, set()).add(t)
    out = []
    for ti, art in enumerate(truth["articles"]):
        mine = [oi for t, oi, _ in where if t == ti and oi is not None]
        out.append(bool(mine) and len(mine) == len(art["paras"]) and len(set(mine)) == 1 and
                   owners.get(mine[0]) == {ti})
    return out


if __name__ == "__main__":
    sys.exit(main(sys.argv))
