"""A link checker for a built site: every internal ``href``/``src`` must resolve to a file.

Usable from any test (``from linkcheck import check_links``) and from the shell:
``python tests/linkcheck.py build [/archive/]``.

Internal means no scheme and no host (``/x/``, ``x/``, ``../x``); ``#fragment`` and
``mailto:`` links are skipped. With ``base_path`` (``/archive/``), every absolute
internal link must start with it, and resolves after stripping it. A link ending in
``/`` resolves to its ``index.html``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

LINK_ATTRS = {"href", "src"}


@dataclass(frozen=True)
class BrokenLink:
    page: str       # output-relative path of the page holding the link
    link: str
    reason: str

    def __str__(self) -> str:
        return f"{self.page}: {self.link} ({self.reason})"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in LINK_ATTRS and value is not None:
                self.links.append(value)


def links_of(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    parser.close()
    return parser.links


def internal_links(root: Path) -> dict[str, list[str]]:
    """Page (output-relative path) -> its internal links, for every HTML file under ``root``."""
    out: dict[str, list[str]] = {}
    for page in sorted(root.rglob("*.html")):
        rel = page.relative_to(root).as_posix()
        out[rel] = [link for link in links_of(page.read_text(encoding="utf-8")) if _is_internal(link)]
    return out


def _is_internal(link: str) -> bool:
    parts = urlsplit(link)
    return not parts.scheme and not parts.netloc and bool(parts.path)


def _resolve(root: Path, page: str, link: str, base_path: str) -> tuple[Path | None, str]:
    path = unquote(urlsplit(link).path)
    if path.startswith("/"):
        if not path.startswith(base_path):
            return None, f"does not start with the base path {base_path}"
        rel = path[len(base_path):]
    else:
        rel = (PurePosixPath(page).parent / path).as_posix()
    parts: list[str] = []
    for part in rel.split("/"):
        if part == "..":
            if not parts:
                return None, "climbs out of the site"
            parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    target = root.joinpath(*parts)
    if rel.endswith("/") or rel == "" or target.is_dir():
        target = target / "index.html"
    return target, ""


def check_links(root: Path, base_path: str = "/") -> list[BrokenLink]:
    """Every internal link of every page under ``root`` that does not resolve to a file."""
    if not base_path.endswith("/"):
        base_path += "/"
    broken: list[BrokenLink] = []
    for page, links in internal_links(root).items():
        for link in links:
            target, reason = _resolve(root, page, link, base_path)
            if target is None:
                broken.append(BrokenLink(page, link, reason))
            elif not target.is_file():
                broken.append(BrokenLink(page, link, f"no file {target.relative_to(root).as_posix()}"))
    return broken


if __name__ == "__main__":
    found = check_links(Path(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else "/")
    for item in found:
        print(item)
    print(f"{len(found)} broken internal link(s)")
    sys.exit(1 if found else 0)
