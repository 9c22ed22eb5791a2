"""Stand-ins shared by the tests of import's writing (its safety, its faults): the NLP enrichment
replaced by a fast fixed one, and a tree's files as bytes to compare before and after."""

from __future__ import annotations

import textwrap
from pathlib import Path

from newsgen.enrich import Enrichment

#: The same stand-in as source code, for an import run in a child process (``python -c``).
FAKE_ENRICH = textwrap.dedent("""\
    import newsgen.enrich
    from newsgen.enrich import Enrichment
    def enrich(title, kicker, subtitle, body, config, taken):
        return Enrichment(regions=["江西省/南昌市"], topics=["安全"], slug=f"a{len(taken)}")
    newsgen.enrich.enrich = enrich
    """)


def fake_enrich(title, kicker, subtitle, body, config, taken) -> Enrichment:
    """Enrichment without jieba or jionlp: a fixed place and topic, a slug numbered by how many are taken."""
    return Enrichment(regions=["江西省/南昌市"], topics=["安全"], slug=f"a{len(taken)}")


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (relative path -> bytes)."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
