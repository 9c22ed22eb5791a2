"""NLP enrichment used by ``import`` (and later ``new``/``check --fix``): places, topics, tags, slugs.

Loaded lazily: ``build`` never imports this package.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from newsgen.config import Config


@dataclass
class Enrichment:
    """Derived front-matter fields for one article, and what the import report says about them."""

    regions: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    slug: str = ""
    notes: list[str] = field(default_factory=list)     # e.g. "regions: 江西省/… (from kicker 宜春经开区, alias)"
    warnings: list[str] = field(default_factory=list)  # e.g. ambiguous place, unknown zone + suggested alias line


def enrich(title: str, kicker: str | None, subtitle: str | None, body: str, config: Config,
           taken_slugs: set[str]) -> Enrichment:
    """Derive regions, topics, tags and a fresh slug (not in ``taken_slugs``) for one article.

    Placeholder until the enrich stage lands: a python-slugify slug and nothing else.
    """
    from slugify import slugify

    from newsgen.text import unique_slug

    base = slugify(title, max_length=60) or "article"
    return Enrichment(slug=unique_slug(base, taken_slugs))
