"""Rendering: Jinja2 environment, read-only views for templates, Markdown, the page list.

The flow is ``Site -> views -> pages -> (output path, HTML)``; templates only ever see
the plain view objects of :mod:`newsgen.render.views`, never the model.

The names below are imported when first asked for, not with the package: a build that finds nothing
changed needs only :data:`THEME_DIR` and :mod:`newsgen.render.parallel`, not Jinja2 and the pages.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

#: The bundled default theme (package data: ``templates/`` and ``static/``).
THEME_DIR = Path(__file__).resolve().parent.parent / "theme"

__all__ = ["THEME_DIR", "Page", "load_templates", "make_environment", "plan_pages", "render_page", "static_dirs"]


def __getattr__(name: str) -> Any:
    """The environment's and the pages' names, imported when first asked for."""
    if name in ("load_templates", "make_environment", "static_dirs"):
        from newsgen.render import env
        return getattr(env, name)
    if name in ("Page", "plan_pages", "render_page"):
        from newsgen.render import pages
        return getattr(pages, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
