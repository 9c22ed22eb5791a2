"""What an article page tells machines in its ``<head>``: canonical URL, Open Graph, NewsArticle JSON-LD.

The JSON-LD is schema.org's ``NewsArticle``, serialised with ``json.dumps(ensure_ascii=False)``
(Chinese stays readable) and made safe inside ``<script>``: ``<``, ``>`` and ``&`` are written
as ``\\u003c`` … escapes, which JSON reads back as the same characters, so neither ``</script>``
nor ``<!--`` in a title can end or confuse the script element.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from json.encoder import encode_basestring as _quote  # json.dumps' own, ensure_ascii=False
from typing import Any

from markupsafe import Markup

from newsgen.render.views import Views, plain_repr, rfc3339


def script_json(data: Any) -> Markup:
    """``data`` as JSON that can stand inside ``<script type="application/ld+json">`` as it is."""
    return _script_safe(json.dumps(data, ensure_ascii=False))


def _script_safe(text: str) -> Markup:
    """JSON ``text`` with ``<``, ``>`` and ``&`` written as escapes."""
    # str.replace: ~10x faster than str.translate here
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _place_text(chain: tuple[tuple[str, str], ...]) -> str:
    """:func:`_place` of ``chain`` as ``json.dumps`` writes it."""
    text = ""
    for name, url in chain:
        inner = f'{{"@type": "Place", "name": {_quote(name)}, "url": {_quote(url)}'
        text = f'{inner}, "containedInPlace": {text}}}' if text else inner + "}"
    return text


@plain_repr
@dataclass(frozen=True, slots=True)
class ArticleMeta:
    """The machine-readable facts of an article page. Plain data: the JSON-LD is written from these
    fields when the page is rendered (:attr:`json_ld`), so its recorded digest (of its fields'
    ``repr``) covers it without serialising JSON for pages that are not rendered again."""

    canonical: str          # absolute URL (a root-relative path when base_url has no host)
    title: str
    description: str
    published: str          # RFC 3339
    modified: str           # RFC 3339, '' when the article has no 'updated'
    section: str            # first topic, '' when none
    tags: tuple[str, ...]
    locale: str             # zh_CN (Open Graph writes the language with an underscore)
    subtitle: str = ""
    authors: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()     # every topic
    #: each region as its places, outermost first: (name, absolute URL)
    places: tuple[tuple[tuple[str, str], ...], ...] = ()
    language: str = "zh-CN"
    publisher: str = ""                # the site's title
    publisher_url: str = ""
    image: str = ""                    # the lead photo's widest JPEG, absolute; '' when none

    @property
    def json_ld(self) -> Markup:
        """schema.org ``NewsArticle`` as JSON safe inside ``<script type="application/ld+json">``: the
        text of :meth:`json_ld_data` as :func:`script_json` writes it, written out field by field (a
        third of the time: the encoder is not set up for each page, nor the dictionaries made)."""
        texts = (self.canonical, self.title, self.description, self.published, self.modified, self.section,
                 self.subtitle, self.language, self.publisher, self.publisher_url, self.image)
        if not (all(type(text) is str for text in texts)
                and all(type(name) is str for names in (self.authors, self.tags, self.sections) for name in names)
                and all(chain and all(type(name) is str and type(url) is str for name, url in chain)
                        for chain in self.places)):
            return script_json(self.json_ld_data())
        q = _quote
        out = ['{"@context": "https://schema.org", "@type": "NewsArticle", "headline": ', q(self.title)]
        if self.subtitle:
            out += ', "alternativeHeadline": ', q(self.subtitle)
        out += ', "description": ', q(self.description), ', "datePublished": ', q(self.published)
        if self.modified:
            out += ', "dateModified": ', q(self.modified)
        if self.authors:
            people = [f'{{"@type": "Person", "name": {q(name)}}}' for name in self.authors]
            out += ', "author": [', ", ".join(people), "]"
        if self.tags:
            out += ', "keywords": [', ", ".join(map(q, self.tags)), "]"
        if self.sections:
            out += ', "articleSection": [', ", ".join(map(q, self.sections)), "]"
        if self.places:
            out += ', "contentLocation": [', ", ".join(map(_place_text, self.places)), "]"
        if self.image:
            out += ', "image": [', q(self.image), "]"
        out += (', "inLanguage": ', q(self.language), ', "url": ', q(self.canonical),
                ', "mainEntityOfPage": {"@type": "WebPage", "@id": ', q(self.canonical),
                '}, "publisher": {"@type": "Organization", "name": ', q(self.publisher), ', "url": ',
                q(self.publisher_url), "}}")
        return _script_safe("".join(out))

    def json_ld_data(self) -> dict[str, Any]:
        """schema.org ``NewsArticle``, as data."""
        data: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": self.title,
        }
        if self.subtitle:
            data["alternativeHeadline"] = self.subtitle
        data["description"] = self.description
        data["datePublished"] = self.published
        if self.modified:
            data["dateModified"] = self.modified
        if self.authors:
            data["author"] = [{"@type": "Person", "name": name} for name in self.authors]
        if self.tags:
            data["keywords"] = list(self.tags)
        if self.sections:
            data["articleSection"] = list(self.sections)
        if self.places:
            data["contentLocation"] = [_place(chain) for chain in self.places]
        if self.image:
            data["image"] = [self.image]
        data["inLanguage"] = self.language
        data["url"] = self.canonical
        data["mainEntityOfPage"] = {"@type": "WebPage", "@id": self.canonical}
        data["publisher"] = {"@type": "Organization", "name": self.publisher, "url": self.publisher_url}
        return data


def article_meta(views: Views, index: int) -> ArticleMeta:
    site = views.site
    post = site.posts[index]
    article = post.article
    view = views.posts[index]
    url = views.absolute(post.url)
    modified_at = views.modified(index)
    places = tuple(views.place_chain(region) for region in dict.fromkeys(article.regions))
    return ArticleMeta(
        canonical=url, title=view.title, description=view.summary, published=rfc3339(views.published(index)),
        modified=rfc3339(modified_at) if modified_at is not None else "",
        section=view.topics[0].name if view.topics else "", tags=tuple(link.name for link in view.tags),
        locale=views.config.language.replace("-", "_"), subtitle=view.subtitle, authors=view.authors,
        sections=tuple(link.name for link in view.topics), places=places, language=views.config.language,
        publisher=views.config.title, publisher_url=views.absolute(""),
        image=views.absolute(view.photo.image) if view.photo is not None else "")


def _place(chain: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    """(江西省, 南昌市, 青山湖区) -> a schema.org Place, nested in its outer places by ``containedInPlace``."""
    node: dict[str, Any] | None = None
    for name, url in chain:
        inner: dict[str, Any] = {"@type": "Place", "name": name, "url": url}
        if node is not None:
            inner["containedInPlace"] = node
        node = inner
    assert node is not None
    return node
