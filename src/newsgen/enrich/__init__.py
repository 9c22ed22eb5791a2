"""NLP enrichment used by ``import`` (and later ``new``/``check --fix``): places, topics, tags, slugs.

Loaded lazily: ``build`` never imports this package, and importing it loads neither jieba nor
the division data; they load on the first :func:`enrich` call and stay cached in the process.
The tables built from jieba's and jionlp's files are kept on disk (:mod:`newsgen.enrich.cache`),
so that first call costs about half a second rather than three.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from newsgen.config import Config

if TYPE_CHECKING:
    from newsgen.enrich.topics import TopicScore

HEADING = re.compile(r"^\s*#+\s*", re.M)
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


@dataclass
class Enrichment:
    """Derived front-matter fields for one article, and what the import report says about them."""

    regions: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    slug: str = ""
    notes: list[str] = field(default_factory=list)     # e.g. "regions: 江西省/… (from kicker 宜春经开区, alias)"
    warnings: list[str] = field(default_factory=list)  # e.g. ambiguous place, unknown zone + suggested alias line


def split_lead(body: str) -> tuple[str, str]:
    """(first paragraph that is not a heading, the rest), headings' ``#`` marks removed."""
    paragraphs = [p.strip() for p in PARAGRAPH_BREAK.split(body) if p.strip()]
    for i, para in enumerate(paragraphs):
        if not para.startswith("#"):
            rest = paragraphs[:i] + paragraphs[i + 1:]
            return para, HEADING.sub("", "\n\n".join(rest))
    return "", HEADING.sub("", "\n\n".join(paragraphs))


def enrich(title: str, kicker: str | None, subtitle: str | None, body: str, config: Config,
           taken_slugs: set[str]) -> Enrichment:
    """Derive regions, topics, tags and a fresh slug (not in ``taken_slugs``) for one article."""
    from newsgen.enrich.places import place_regions, site_words
    from newsgen.enrich.slugs import article_slug
    from newsgen.enrich.topics import extract_tags, pick_topics, score_topics

    lead, rest = split_lead(body)
    parts = [("kicker", kicker or ""), ("title", title), ("subtitle", subtitle or ""),
             ("lead", lead), ("body", rest)]
    places = place_regions(parts, config.regions.aliases, config.regions.province)
    head = "\n".join(p for p in (kicker, title, subtitle) if p)
    text = f"{lead}\n\n{rest}"
    scores = score_topics(head, text, config.topic_keywords(), site_words(config.regions.aliases))
    topics = pick_topics(scores)
    out = Enrichment(
        regions=places.regions,
        topics=[t.topic for t in topics],
        tags=extract_tags(f"{head}\n{text}", config.regions.aliases),
        slug=article_slug(title, taken_slugs),
        warnings=places.warnings,
    )
    out.notes = [*places.notes, "topics: " + _topics_note(topics, scores)]
    return out


def _topics_note(kept: list[TopicScore], scores: list[TopicScore]) -> str:
    if kept:
        return "; ".join(t.note() for t in kept)
    if scores:
        return f"none above the threshold (best: {scores[0].note()})"
    return "no keyword fired"
