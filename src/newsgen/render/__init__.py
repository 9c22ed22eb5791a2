"""Rendering: Jinja2 environment, read-only views for templates, Markdown, the page list.

The flow is ``Site -> views -> pages -> (output path, HTML)``; templates only ever see
the plain view objects of :mod:`newsgen.render.views`, never the model.
"""

from newsgen.render.env import THEME_DIR, load_templates, make_environment, static_dirs
from newsgen.render.pages import Page, plan_pages, render_page

__all__ = ["THEME_DIR", "Page", "load_templates", "make_environment", "plan_pages", "render_page", "static_dirs"]
