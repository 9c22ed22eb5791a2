"""Characters (with position, size, font and weight) and shapes (rules, boxes) of each page, read
with pdfminer.six (MIT): it maps CID fonts without a ToUnicode map through their character collection
(Adobe-GB1 and the like), and loses no character (PDFium drops text objects of one character, and
identical lines one under another, on pages typeset with a CID font: measured, see the README).

Coordinates are in points from the page's top-left corner (``top`` grows downwards).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LTChar, LTCurve, LTFigure, LTImage, LTPage
from pdfminer.pdfdocument import PDFDocument, PDFPasswordIncorrect
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser

from newsgen.errors import Location, NewsgenError

#: A font at least this heavy (its weight, 400 regular, 700 bold) is bold.
BOLD_WEIGHT = 600
#: Font names that say bold (a Chinese paper's heavy faces: 黑体, 小标宋 and the like, by their names).
BOLD_NAMES = ("bold", "black", "heavy", "hei", "demi", "xbs", "biaosong", "cuhei", "zhongsong")
#: A path this thin (points) is a rule line, not a box.
RULE_THIN = 3.0
#: A rule is at least this long (points).
RULE_MIN = 12.0
#: Text render mode 2 (fill, then stroke): the fake bold of a face that has no bold.
FILL_STROKE = 2


@dataclass(frozen=True)
class Char:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    font: str
    bold: bool


@dataclass(frozen=True)
class Shape:
    """A path on the page: ``hrule``/``vrule`` (a rule line) or ``box`` (a rectangle: a frame round an
    article, or a picture's box, told apart by the text inside it)."""

    kind: str
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass
class Page:
    file: Path
    number: int                 # 1-based, within its file
    width: float
    height: float
    chars: list[Char] = field(default_factory=list)
    shapes: list[Shape] = field(default_factory=list)
    images: int = 0


class _Device(PDFPageAggregator):
    """pdfminer's page aggregator (no layout analysis), keeping each character's text render mode."""

    def __init__(self, rsrcmgr: PDFResourceManager) -> None:
        super().__init__(rsrcmgr, laparams=None)
        self._render = 0
        self.modes: dict[int, int] = {}

    def render_string(self, textstate: Any, seq: Any, ncs: Any, graphicstate: Any) -> None:
        self._render = textstate.render
        super().render_string(textstate, seq, ncs, graphicstate)

    def render_char(self, *args: Any, **kwargs: Any) -> float:
        adv = super().render_char(*args, **kwargs)
        if self._render:
            self.modes[id(self.cur_item._objs[-1])] = self._render
        return adv


def read_pages(path: Path) -> list[Page]:
    """Every page of the PDF at ``path`` with its characters and shapes.

    Raises NewsgenError naming the file when it is not a PDF, is broken or encrypted, or has a page
    with no text layer (a scanned page: OCR is not supported), or fonts whose glyphs map to no
    characters.
    """
    pages: list[Page] = []
    try:
        with path.open("rb") as fh:
            doc = PDFDocument(PDFParser(fh))
            rsrc = PDFResourceManager(caching=True)
            device = _Device(rsrc)
            interpreter = PDFPageInterpreter(rsrc, device)
            for number, pdf_page in enumerate(PDFPage.create_pages(doc), 1):
                device.modes.clear()
                interpreter.process_page(pdf_page)
                pages.append(_page(device.get_result(), device.modes, path, number))
    except NewsgenError:
        raise
    except PDFPasswordIncorrect:
        raise NewsgenError("the PDF is encrypted (it needs a password): save an unencrypted copy and import "
                           "that", Location(path)) from None
    except OSError as exc:
        raise NewsgenError(f"cannot read: {exc.strerror or exc}", Location(path)) from None
    except Exception as exc:    # pdfminer raises many kinds on a damaged file (PSEOF, PDFSyntaxError, KeyError, ...)
        raise NewsgenError(f"not a readable PDF (broken or truncated: {type(exc).__name__}: {exc})"[:300],
                           Location(path)) from None
    if not pages:
        raise NewsgenError("the PDF has no pages", Location(path))
    for page in pages:
        if not page.chars:
            what = "only images" if page.images else "no text"
            raise NewsgenError(f"page {page.number} has no text layer ({what}): a scanned page cannot be "
                               "imported, OCR is not supported; import the PDF the typesetting system "
                               "exported", Location(path))
        unmapped = sum(1 for c in page.chars if c.text.startswith("(cid:"))
        if unmapped > len(page.chars) // 10:
            raise NewsgenError(f"page {page.number}: {unmapped} of {len(page.chars)} characters have no "
                               "Unicode value (fonts without a ToUnicode map or character collection); the "
                               "text cannot be read: export the PDF again with fonts that carry one",
                               Location(path))
    return pages


def _bold(font: Any, name: str) -> bool:
    descriptor = getattr(font, "descriptor", None) or {}
    try:
        weight = float(descriptor.get("FontWeight", 0) or 0)
        flags = int(descriptor.get("Flags", 0) or 0)
    except (TypeError, ValueError):
        weight, flags = 0.0, 0
    return weight >= BOLD_WEIGHT or bool(flags & (1 << 18)) or any(w in name.lower() for w in BOLD_NAMES)


def _page(layout: LTPage, modes: dict[int, int], path: Path, number: int) -> Page:
    height = layout.height
    page = Page(path, number, layout.width, height)
    bold_fonts: dict[str, bool] = {}

    def walk(items: Any) -> None:
        for obj in items:
            if isinstance(obj, LTChar):
                name = obj.fontname.split("+")[-1]
                if name not in bold_fonts:
                    bold_fonts[name] = _bold(obj.font if hasattr(obj, "font") else None, name)
                page.chars.append(Char(obj.get_text(), obj.x0, height - obj.y1, obj.x1, height - obj.y0,
                                       round(obj.size, 2), name, modes.get(id(obj)) == FILL_STROKE))
            elif isinstance(obj, LTImage):
                page.images += 1
            elif isinstance(obj, LTFigure):
                walk(obj)
            elif isinstance(obj, LTCurve):
                shape = _shape(obj.x0, obj.y0, obj.x1, obj.y1, height)
                if shape is not None:
                    page.shapes.append(shape)

    walk(layout)
    # A page that names a bold face sets its bold in it: then the render mode says nothing (a typesetter
    # may leave fill-and-stroke on after a bold line); with one face only, fill and stroke is its bold.
    named = any(bold_fonts.values())
    page.chars = [replace(c, bold=bold_fonts[c.font] or (c.bold and not named)) for c in page.chars]
    return page


def _shape(x0: float, y0: float, x1: float, y1: float, height: float) -> Shape | None:
    """A rule line or a box, from a path's bounds (curves and tiny marks are no layout)."""
    w, h = x1 - x0, y1 - y0
    if h <= RULE_THIN and w >= RULE_MIN:
        kind = "hrule"
    elif w <= RULE_THIN and h >= RULE_MIN:
        kind = "vrule"
    elif w >= RULE_MIN and h >= RULE_MIN:
        kind = "box"
    else:
        return None
    return Shape(kind, x0, height - y1, x1, height - y0)
