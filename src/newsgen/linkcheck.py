"""A link checker for a built site: every internal ``href``/``src`` must resolve to a file.

Used by ``newsgen check --links`` and by the tests (``from newsgen.linkcheck import check_links``;
``python tests/linkcheck.py build [/archive/ [https://example.org/archive/]]`` from the shell).
Nothing here prints.

Internal means no scheme and no host (``/x/``, ``x/``, ``../x``); ``#fragment`` and
``mailto:`` links are skipped. With ``base_path`` (``/archive/``), every absolute
internal link must start with it, and resolves after stripping it. A link ending in
``/`` resolves to its ``index.html``.

Besides HTML pages, the machine-read files are checked too: every ``href`` of an XML
file (Atom feed links), every sitemap ``<loc>``, and the ``Sitemap:`` line of
``robots.txt``. Those carry absolute URLs; with ``site_url``
(``https://example.org/archive/``), a link starting with its scheme and host is internal
and checked like a root-relative one (so a canonical link or a feed entry pointing to a
missing page is caught).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
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


def xml_links_of(text: str) -> list[str]:
    """Every ``href`` attribute and sitemap ``<loc>`` of an XML document."""
    links: list[str] = []
    for element in ET.fromstring(text.encode("utf-8")).iter():
        if "href" in element.attrib:
            links.append(element.attrib["href"])
        if element.tag.endswith("}loc") and element.text:
            links.append(element.text.strip())
    return links


def robots_links_of(text: str) -> list[str]:
    return [line.split(":", 1)[1].strip() for line in text.splitlines() if line.lower().startswith("sitemap:")]


def internal_links(root: Path, site_url: str = "") -> dict[str, list[str]]:
    """File (output-relative path) -> its internal links, for every HTML and XML file and robots.txt."""
    origin = _origin(site_url)
    out: dict[str, list[str]] = {}
    files = sorted([*root.rglob("*.html"), *root.rglob("*.xml"), *root.glob("robots.txt")])
    for file in files:
        rel = file.relative_to(root).as_posix()
        text = file.read_text(encoding="utf-8")
        found = (xml_links_of(text) if file.suffix == ".xml" else robots_links_of(text) if file.suffix == ".txt"
                 else links_of(text))
        out[rel] = [_local(link, origin) for link in found if _is_internal(_local(link, origin))]
    return out


def _origin(site_url: str) -> str:
    parts = urlsplit(site_url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def _local(link: str, origin: str) -> str:
    """A link to the site's own origin as a root-relative one; any other link as it is."""
    if origin and link.startswith(origin + "/"):
        return link[len(origin):]
    return link


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


def check_links(root: Path, base_path: str = "/", site_url: str = "") -> list[BrokenLink]:
    """Every internal link of every page and feed under ``root`` that does not resolve to a file."""
    if not base_path.endswith("/"):
        base_path += "/"
    base_path = unquote(base_path)   # compared with decoded link paths (a percent-encoded base_url path)
    broken: list[BrokenLink] = []
    for page, links in internal_links(root, site_url).items():
        for link in links:
            target, reason = _resolve(root, page, link, base_path)
            if target is None:
                broken.append(BrokenLink(page, link, reason))
            elif not target.is_file():
                broken.append(BrokenLink(page, link, f"no file {target.relative_to(root).as_posix()}"))
    return broken
