"""Output expressions escape with markupsafe's C function for text (:func:`newsgen.render.env._escape_output`).

A page is the same text as Jinja's own escaping makes: compared with a plain ``jinja2.Environment`` of the
same settings on values of every kind, in every place an output expression can stand (a page, a macro, a
captured block, a filter block, an included template, a loop).
"""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest
from markupsafe import Markup

from newsgen.render import env as env_mod
from newsgen.render import make_environment

TEMPLATES = {
    "page.html": ('{% from "macros.html" import card %}{% import "macros.html" as m %}'
                  "<t>{{ text }}</t>{{ safe }}{{ number }}{{ nothing }}{{ html_object }}{{ text|e }}{{ text|safe }}"
                  "{{ card(text) }}{{ m.card(safe) }}{% set captured %}<c>{{ text }}</c>{% endset %}{{ captured }}"
                  "{% filter upper %}{{ text }}{% endfilter %}{% for v in values %}[{{ v }}]{% endfor %}"
                  '{% include "part.html" %}{{ text ~ safe }}{{ "%s"|format(text) }}{{ [text, safe]|join(",") }}'
                  "{% autoescape false %}{{ text }}{% endautoescape %}"),
    "macros.html": "{% macro card(x) %}<card>{{ x }}</card>{% endmacro %}",
    "part.html": "<part>{{ text }}</part>",
}


class HtmlObject:
    def __html__(self) -> str:
        return "<i>as html</i>"


VALUES = {"text": "<a href=\"x\">&'西湖区'</a>", "safe": Markup("<b>粗</b>"), "number": 3, "nothing": None,
          "html_object": HtmlObject(), "values": ["<", Markup("<br>"), 2.5, "&amp;", ""]}


def environments(tmp_path: Path) -> tuple[jinja2.Environment, jinja2.Environment]:
    (tmp_path / "templates").mkdir()
    for name, text in TEMPLATES.items():
        (tmp_path / "templates" / name).write_text(text, encoding="utf-8")
    ours = make_environment(tmp_path)
    plain = jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path / "templates")), autoescape=True,
                               undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                               keep_trailing_newline=True)
    plain.globals.update(ours.globals)
    return ours, plain


def test_pages_escape_as_jinja_does(tmp_path: Path):
    ours, plain = environments(tmp_path)
    page = ours.get_template("page.html")
    assert page.root_render_func.__globals__["escape"] is env_mod._escape_output   # the fast escape is used
    assert page.render(**VALUES) == plain.get_template("page.html").render(**VALUES)
    assert "&lt;a href=&#34;x&#34;&gt;&amp;&#39;西湖区&#39;&lt;/a&gt;" in page.render(**VALUES)


def test_an_undefined_value_still_fails(tmp_path: Path):
    ours, _ = environments(tmp_path)
    with pytest.raises(jinja2.UndefinedError):
        ours.get_template("part.html").render()


def test_without_the_c_function_pages_are_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Where markupsafe has no C function to call (markupsafe 2), templates keep Jinja's escape."""
    ours, _ = environments(tmp_path)
    monkeypatch.setattr(env_mod, "_escape_inner", None)
    plain_env = make_environment(tmp_path)
    assert plain_env.get_template("page.html").root_render_func.__globals__["escape"] is not env_mod._escape_output
    assert ours.get_template("page.html").render(**VALUES) == plain_env.get_template("page.html").render(**VALUES)
