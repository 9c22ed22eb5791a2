"""Markdown article bodies -> HTML with Python-Markdown, converted lazily and at most once."""

from __future__ import annotations

import markdown as md

EXTENSIONS = ["tables", "fenced_code", "sane_lists"]


class MarkdownRenderer:
    """One Python-Markdown instance per build, reset between documents (much cheaper than a new one)."""

    def __init__(self) -> None:
        self._md = md.Markdown(extensions=EXTENSIONS, output_format="html")

    def convert(self, text: str) -> str:
        html = self._md.reset().convert(text)
        return html


class Body:
    """An article body for a template: converted on first use (``{{ body }}``), then cached.

    Jinja2 treats objects with ``__html__`` as safe markup, so the converted HTML is not escaped.
    """

    __slots__ = ("_source", "_renderer", "_html")

    def __init__(self, source: str, renderer: MarkdownRenderer) -> None:
        self._source = source
        self._renderer = renderer
        self._html: str | None = None

    def __html__(self) -> str:
        if self._html is None:
            self._html = self._renderer.convert(self._source)
        return self._html

    def __str__(self) -> str:
        return self.__html__()
