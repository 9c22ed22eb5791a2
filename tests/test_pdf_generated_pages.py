"""The PDF front end on pages typeset by train/pages.py (three styles and a two-page issue with a jump),
scored against their truth with ../shared/parser-eval/score.py, as train/pdf_eval.py scores a set."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import reportlab  # noqa: F401  (dev extra: a missing typesetter fails, never skips)

from newsgen.commands.importer import run_import

ROOT = Path(__file__).resolve().parents[1]
SCORE = ROOT.parent / "shared" / "parser-eval"
sys.path.insert(0, str(ROOT / "train"))
import pages  # noqa: E402

if not (SCORE / "score.py").exists():
    pytest.skip("../shared/parser-eval/score.py is not there", allow_module_level=True)
sys.path.insert(0, str(SCORE))
from score import score  # noqa: E402


def _articles() -> list[dict]:
    if (pages.SHARED / "train" / "articles.jsonl.gz").exists():
        return pages.load_articles(pages.SHARED)[:400]
    pytest.skip("no training articles to typeset")


@pytest.mark.parametrize(("style", "npages", "seed"), [("party", 1, 11), ("city", 1, 12), ("county", 1, 13),
                                                       ("county", 2, 14)])
def test_generated_page_is_imported_article_by_article(tmp_path: Path, style: str, npages: int, seed: int) -> None:
    arts = _articles()
    pgs, truth, _layout = pages.make_item(arts, list(range(len(arts)))[::-1][seed * 7:], pages.STYLES[style],
                                          seed, npages)
    pdf = tmp_path / f"{style}.pdf"
    pages.render(pgs, pdf)
    site = tmp_path / "site"
    site.mkdir()
    run_import(pdf, site, None)
    result = score(truth, site / "articles")
    assert result["lost"] == 0
    assert result["pair_f1"] >= 0.85 and result["exact"] >= 0.75 and result["titles"] >= 0.75, result
