"""The Jinja2 environment: autoescape, StrictUndefined, site templates before the bundled theme."""

from __future__ import annotations

import ast
import os
import traceback
from collections.abc import Callable, Iterable, MutableMapping
from pathlib import Path
from types import CodeType
from typing import Any

import jinja2
from jinja2.runtime import Macro
from markupsafe import Markup, escape

try:   # markupsafe 3: escape() is Python around this C function, and wraps what it gives in a Markup
    from markupsafe import _escape_inner
except ImportError:   # pragma: no cover (markupsafe 2: escape() is the C function itself)
    _escape_inner = None

from newsgen.errors import Diagnostic, Location
from newsgen.render import THEME_DIR


def template_dirs(site: Path | None) -> list[Path]:
    """Where templates are looked up, first match wins: the site's ``templates/``, then the theme."""
    dirs = []
    if site is not None and (site / "templates").is_dir():
        dirs.append(site / "templates")
    dirs.append(THEME_DIR / "templates")
    return _unique(dirs)


def static_dirs(site: Path | None) -> list[Path]:
    """Static directories in copy order: the theme first, then the site's ``static/`` over it."""
    dirs = [THEME_DIR / "static"]
    if site is not None and (site / "static").is_dir():
        dirs.append(site / "static")
    return _unique(dirs)


def _unique(dirs: list[Path]) -> list[Path]:
    """Drop repeats (the repository's own ``templates`` is a symlink to the theme)."""
    seen: set[Path] = set()
    out = []
    for d in dirs:
        real = d.resolve()
        if real not in seen:
            seen.add(real)
            out.append(d)
    return out


def _escape_output(value: Any) -> str:
    """What ``{{ value }}`` writes into a page: the text of ``markupsafe.escape(value)``. Jinja joins the
    pieces of a page (and of a macro, a block) into one string, so a piece need not be a ``Markup``: text
    (a title, a URL: most of a page's values) is escaped by markupsafe's C function alone, not through
    ``escape`` and a new ``Markup`` (a third of a microsecond each, a million times in a cold build at
    10,000 articles). Anything else goes through ``escape`` as before."""
    if type(value) is str:
        return _escape_inner(value)   # type: ignore[misc]
    return escape(value)


class _Template(jinja2.Template):
    """A template whose output expressions escape with :func:`_escape_output` (same text, less work)."""

    @classmethod
    def _from_namespace(cls, environment: jinja2.Environment, namespace: MutableMapping[str, Any],
                        globals: MutableMapping[str, Any]) -> jinja2.Template:
        if _escape_inner is not None and namespace.get("escape") is escape:   # the compiled code's own name
            namespace["escape"] = _escape_output
        return super()._from_namespace(environment, namespace, globals)   # type: ignore[misc]


class _JoinedYields(ast.NodeTransformer):
    """A compiled template's consecutive ``yield`` statements as one ``yield "".join((a, b, …))``.

    Jinja compiles a template's output outside macros into one ``yield`` a piece (each run of text, each
    ``{{ expression }}``), and a piece of a block goes up through the block's generator, the layout's and
    the page template's (``yield from``) before the page's pieces are joined: about 200 pieces an article
    page, each resumed through three generators. Joined where nothing but output stands between them (a
    tag such as ``{% if %}`` or ``{% for %}`` ends a run), the pieces are fewer and the page's text the
    same: Jinja joins every piece into one string anyway, each evaluated in the same order, and a piece
    that fails fails the page either way."""

    def generic_visit(self, node: ast.AST) -> ast.AST:
        super().generic_visit(node)
        for name in ("body", "orelse", "finalbody"):
            statements = getattr(node, name, None)
            if isinstance(statements, list) and len(statements) > 1:
                setattr(node, name, self._joined(statements))
        return node

    @staticmethod
    def _joined(statements: list[Any]) -> list[Any]:
        out: list[Any] = []
        run: list[ast.expr] = []
        for statement in [*statements, None]:
            value = statement.value if isinstance(statement, ast.Expr) else None
            if isinstance(value, ast.Yield) and value.value is not None and not (
                    isinstance(value.value, ast.Constant) and value.value.value is None):
                run.append(value.value)
                out.append(statement)
                continue
            if len(run) > 1:   # the run's statements replaced by the first, yielding them all joined
                del out[len(out) - len(run) + 1:]
                joined = ast.Call(ast.Attribute(ast.Constant(""), "join", ast.Load()),
                                  [ast.Tuple(run, ast.Load())], [])
                out[-1] = ast.copy_location(ast.Expr(ast.copy_location(ast.Yield(joined), out[-1].value)), out[-1])
            run = []
            if statement is not None:
                out.append(statement)
        return out


class _Environment(jinja2.Environment):
    """Templates get their globals as one plain dict, made when they are loaded, not a ChainMap over
    the environment's: rendering a page copies its template's globals into the page's context, and
    a ChainMap is copied key by key in Python (twice a page). Jinja asks that no global be changed
    once templates are loaded; :func:`make_environment` sets them all before."""

    template_class = _Template

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return {**self.globals, **d} if d else dict(self.globals)

    def _compile(self, source: str, filename: str) -> CodeType:
        """The template's Python code (Jinja's hook for compiling it), with its runs of output statements
        joined (see :class:`_JoinedYields`)."""
        tree = _JoinedYields().visit(ast.parse(source, filename))
        return compile(ast.fix_missing_locations(tree), filename, "exec")

    def list_templates(self, *args: Any, **kwargs: Any) -> list[str]:
        """The loader's templates, listed once: an environment lives for one build, which asks for them
        more than once (loading them all before the workers fork, the pages' keys); or as
        :meth:`know_templates` was told them."""
        if args or kwargs:
            return super().list_templates(*args, **kwargs)
        listed = self.__dict__.get("_listed")
        if listed is None:
            listed = self.__dict__["_listed"] = super().list_templates()
        return list(listed)

    def know_templates(self, files: Callable[[str], list[str]]) -> None:
        """Take the templates' names from ``files(folder)``, the files of each folder of the loader's
        search path as the build's walk found them (the folder joined with each name), rather than
        have the loader walk the folders again."""
        names: set[str] = set()
        for folder in self.loader.searchpath:   # type: ignore[union-attr]
            names.update(name[len(folder) + 1:].replace(os.sep, "/") for name in files(folder))
        self.__dict__["_listed"] = sorted(names)


def make_environment(site: Path | None = None) -> jinja2.Environment:
    """One environment per build; templates are compiled once and cached in it. (Not between
    builds: Jinja's bytecode cache is code read back and run, and no cache of newsgen is ever
    executed. A hostile cache can at worst make a build cold.)"""
    env = _Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs(site)]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        cache_size=-1,
    )
    env.globals["cached"] = MacroCache()
    return env


def load_templates(env: jinja2.Environment) -> None:
    """Load (compile) every template now, as the pages about to be rendered in forked workers would
    each load them: loaded here, once, the workers inherit them. A template that does not compile
    is left for the page rendering it to report, with its file and line."""
    for name in env.list_templates():
        try:
            env.get_template(name)
        except Exception:   # noqa: BLE001 (broken, or not a template at all: not this function's to say)
            pass


class MacroCache:
    """``{{ cached(macro, view) }}``: what ``macro(view)`` renders, rendered once per environment.

    For macros whose output depends on their argument alone, as those of a template imported
    without context (``{% from "macros.html" import ... %}``) do: the summary card of an article
    is then rendered once, not on each of the home, region, topic, tag and archive pages that
    list it. Views are immutable and live as long as the build; each is kept beside its output,
    so the ``id`` in the key cannot be reused by another object.
    """

    def __init__(self) -> None:
        self._done: dict[tuple[str, int], tuple[object, Markup]] = {}

    def __call__(self, macro: Macro, view: object) -> Markup:
        key = (macro.name, id(view))
        hit = self._done.get(key)
        if hit is None:
            hit = self._done[key] = (view, macro(view))
        return hit[1]

    def lines(self, macro: Macro, views: Iterable[object]) -> Markup:
        """``{{ cached.lines(macro, views) }}``: what ``macro(view)`` renders for each of ``views``, each
        followed by a line break, as ``{% for view in views %}{{ cached(macro, view) }}`` and a line break
        would give, in one call from the template rather than one a view (a listing's cards)."""
        return Markup("".join([f"{self(macro, view)}\n" for view in views]))


#: What rendering a page may raise that is the templates' doing (a template that is not UTF-8, or that
#: includes itself without end), besides Jinja's own errors.
RENDER_ERRORS = (jinja2.TemplateError, RecursionError, UnicodeDecodeError)


def shown_template(filename: str, site: Path) -> Path:
    """A template's file relative to the site when it is the site's, else as it is (the theme's)."""
    path = Path(filename)
    try:
        return path.resolve().relative_to(site.resolve())
    except ValueError:
        return path


def render_problem(exc: BaseException, template: str, page: str, site: Path) -> Diagnostic:
    """``templates/x.html:LINE: message`` for an error raised while rendering ``page`` (as build says it)."""
    filename, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    if filename is None:   # runtime errors: the innermost template frame says where
        for frame, lineno in traceback.walk_tb(exc.__traceback__):
            if frame.f_code.co_filename.endswith((".html", ".xml", ".txt")):
                filename, line = frame.f_code.co_filename, lineno
    if isinstance(exc, RecursionError):
        message = "it goes too deep (templates including each other without end, or data nested too deep)"
    else:
        message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    if filename is None and not isinstance(exc, jinja2.TemplateError):   # not the template's doing
        return Diagnostic(Location(Path(f"templates/{template}")), f"rendering {page} fails "
                          f"({type(exc).__name__}: {message})")
    return Diagnostic(Location(shown_template(filename or f"templates/{template}", site), line),
                      f"template error while rendering {page}: {message}")
