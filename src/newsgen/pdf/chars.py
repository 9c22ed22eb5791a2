"""Characters (with position, size, font and weight) and shapes (rules, boxes) of each page, read
with pypdfium2 (PDFium: Apache/BSD; it reads CID fonts without a ToUnicode map through their
character collection, as pdfminer.six does, at about six times its speed).

Coordinates are in points from the page's top-left corner (``top`` grows downwards).
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from newsgen.errors import Location, NewsgenError

#: A font at least this heavy (its weight, 400 regular, 700 bold) is bold.
BOLD_WEIGHT = 600
#: Font names that say bold (a Chinese paper's heavy faces: 黑体, 小标宋 and the like, by their names).
BOLD_NAMES = ("bold", "black", "heavy", "hei", "demi", "xbs", "biaosong", "cuhei", "zhongsong")
#: A path this thin (points) is a rule line, not a box.
RULE_THIN = 3.0
#: A rule is at least this long (points).
RULE_MIN = 12.0
#: Characters a PDF gives for glyphs it has no character for: `(cid:N)` in some readers, controls or
#: private-use code points in PDFium.
_UNMAPPED = set(range(0x00, 0x09)) | set(range(0x0E, 0x20)) | {0xFFFD}


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


def _error(path: Path, exc: Exception) -> NewsgenError:
    text = str(exc)
    if "password" in text.lower() or "security" in text.lower():
        why = "the PDF is encrypted (it needs a password): save an unencrypted copy and import that"
    elif "format" in text.lower() or "file" in text.lower():
        why = "not a readable PDF (broken, truncated or not a PDF at all)"
    else:
        why = f"cannot read the PDF ({text})"
    return NewsgenError(why, Location(path))


def read_pages(path: Path) -> list[Page]:
    """Every page of the PDF at ``path`` with its characters and shapes.

    Raises NewsgenError naming the file when it is not a PDF, is broken or encrypted, or has a page
    with no text layer (a scanned page: OCR is not supported), or fonts whose glyphs map to no
    characters.
    """
    try:
        doc = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise _error(path, exc) from None
    try:
        if len(doc) == 0:
            raise NewsgenError("the PDF has no pages", Location(path))
        pages = [_read_page(doc, n, path) for n in range(len(doc))]
    finally:
        doc.close()
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


def _read_page(doc: pdfium.PdfDocument, index: int, path: Path) -> Page:
    page = doc[index]
    width, height = page.get_size()
    out = Page(path, index + 1, width, height)
    textpage = page.get_textpage()
    try:
        out.chars = _chars(textpage, height)
    finally:
        textpage.close()
    for obj in page.get_objects(max_depth=8):
        if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            out.images += 1
        elif obj.type == pdfium_c.FPDF_PAGEOBJ_PATH:
            shape = _shape(obj, height)
            if shape is not None:
                out.shapes.append(shape)
    page.close()
    return out


def _chars(textpage: pdfium.PdfTextPage, height: float) -> list[Char]:
    raw = textpage.raw
    count = pdfium_c.FPDFText_CountChars(raw)
    name = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    fonts: dict[tuple[bytes, int, int], tuple[str, bool]] = {}
    out: list[Char] = []
    for i in range(count):
        if pdfium_c.FPDFText_IsGenerated(raw, i):
            continue
        code = pdfium_c.FPDFText_GetUnicode(raw, i)
        if code in (0x0A, 0x0D, 0x0C):
            continue
        text = f"(cid:{code})" if code in _UNMAPPED or 0xE000 <= code <= 0xF8FF else chr(code)
        box = pdfium_c.FS_RECTF()
        if not pdfium_c.FPDFText_GetLooseCharBox(raw, i, box):
            continue
        pdfium_c.FPDFText_GetFontInfo(raw, i, name, 128, flags)
        weight = pdfium_c.FPDFText_GetFontWeight(raw, i)
        obj = pdfium_c.FPDFText_GetTextObject(raw, i)
        mode = pdfium_c.FPDFTextObj_GetTextRenderMode(obj) if obj else 0
        key = (name.value, weight, mode)
        if key not in fonts:
            font = name.value.decode("latin-1").split("+")[-1]
            fake_bold = mode == pdfium_c.FPDF_TEXTRENDERMODE_FILL_STROKE
            fonts[key] = (font, weight >= BOLD_WEIGHT or fake_bold or
                          any(word in font.lower() for word in BOLD_NAMES))
        font, bold = fonts[key]
        size = pdfium_c.FPDFText_GetFontSize(raw, i)
        out.append(Char(text, box.left, height - box.top, box.right, height - box.bottom,
                        round(size, 2), font, bold))
    return out


def _shape(obj: pdfium.PdfObject, height: float) -> Shape | None:
    """A rule line or a box, from a path's bounds (curves and tiny marks are no layout)."""
    try:
        x0, y0, x1, y1 = obj.get_bounds()
    except pdfium.PdfiumError:
        return None
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
