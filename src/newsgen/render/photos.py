"""An article's photos: found in its body, resolved to files of the site, published as derivatives.

**Where a photo lives.** An image in a body (``![alt](photo.jpg "说明")`` or reference style,
``![alt][ref]`` with ``[ref]: photo.jpg "说明"``) names a file relative to the article file, so an
article that is a folder (``articles/2025/08/gongshui/index.md``, Hugo's page bundle) keeps its
photos beside it; a path starting with ``/static/`` names a file of the site's ``static/`` folder
(which is also published as it is, at ``static/``). An address with a scheme (``https:``) or any
other absolute path is left as it is (``newsgen check`` follows it as a link). A path that climbs
out of the site, or a symbolic link leading out of it, is refused.

**What is published.** Each photo becomes derivatives at :attr:`PhotosConfig.widths` (never wider
than the photo) in :attr:`PhotosConfig.formats` (JPEG always, as the fallback), under
``photos/<key>-<width>.<ext>``, where ``key`` is a digest of the photo's bytes and the settings.
Each is made from the photo with its EXIF orientation applied and its colours converted to sRGB
from its embedded profile, and carries no metadata at all: no EXIF (no GPS position, no maker
notes), no XMP, no IPTC, no colour profile (sRGB is what an untagged image is shown as).

**Made once.** A photo's digest is kept by its file's identity (size, times, inode) in the build
state, and its derivatives by their key in the state's folder ``photos``: a rebuild re-encodes
nothing unless a photo or the photo settings changed. What an article's images resolved to is kept
too (:class:`PhotoRecords`), so that a rebuild looks only at the photos of the articles that changed
and at photo files the walk of the site found changed.
"""

from __future__ import annotations

import hashlib
import io
import operator
import os
import re
import warnings
import xml.etree.ElementTree as etree
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import compress
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import unquote

from newsgen import cachefile
from newsgen.cachefile import Damaged, State, Table
from newsgen.config import PhotosConfig
from newsgen.content import (
    WAITING_PHOTO,
    extra_flags,
    file_digest,
    file_digests,
    may_show_images,
    source_path,
    source_paths,
    with_digest,
)

#: File name endings of the images newsgen publishes as photos.
PHOTO_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".gif", ".avif", ".tif", ".tiff", ".bmp",
                            ".heic", ".heif"})   # HEIC: named, to be refused with how to convert it
#: A photo wider than this (after its orientation) is enough for the lead: Google's guidance for a
#: NewsArticle's image asks for at least 1200 px.
LEAD_MIN_WIDTH = 1200
#: Past this many pixels a photo is a warning: a 40-megapixel frame is already a medium-format camera's.
LARGE_PIXELS = 40_000_000
#: Past this many pixels a photo is refused before it is decoded (a decompression bomb: a small file
#: that decodes to gigabytes). Four times :data:`LARGE_PIXELS`, a 20,000 x 8,000 panorama.
MAX_PIXELS = 160_000_000
#: The ``sizes`` of a photo in an article: the column is at most 46rem wide (the theme's stylesheet).
SIZES = "(min-width: 48rem) 46rem, 100vw"
MIME = {"avif": "image/avif", "webp": "image/webp", "jpeg": "image/jpeg"}
EXT = {"avif": "avif", "webp": "webp", "jpeg": "jpg"}
#: The address of an image whose photo is still missing (:data:`newsgen.content.WAITING_PHOTO`);
#: ``newsgen check`` lists it, a build leaves it out.
WAITING = WAITING_PHOTO
#: Bumped when the way derivatives are made changes: their keys (and so their names) change with it.
RECIPE = "1"
#: A file in the derivatives' cache telling that a build encoded into it since the last sweep (see
#: Photos.keep): made before encoding, so that one a failed build (which keeps no state) made is seen too.
UNSWEPT = "unswept"

#: An image's alt text and address hold no unescaped bracket and its title at most TITLE_MAX characters: each try
#: of the patterns then stops at the next bracket, so a line of thousands of '![' or '![a](x "' is read
#: in linear time (an unbounded scan from every '![' to the line's end was quadratic).
TITLE_MAX = 500
_ALT = r"((?:[^\[\]\\]|\\.)*)"
_INLINE = re.compile(r"!\[" + _ALT + r"\]\(\s*<?([^\s()<>\[\]]+)>?"
                     rf"(?:\s+(\"[^\"]{{0,{TITLE_MAX}}}\"|'[^']{{0,{TITLE_MAX}}}'|\([^)]{{0,{TITLE_MAX}}}\)))?\s*\)")
_REF_USE = re.compile(r"!\[" + _ALT + r"\]\[([^\[\]]*)\]")
_REF_DEF = re.compile(r"^ {0,3}\[([^\]]+)\]:\s*<?([^\s>]+)>?(?:\s+(\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


class PhotoError(Exception):
    """A photo that cannot be published; the text says why and what to do."""


@dataclass(frozen=True)
class ImageRef:
    """An image as a body writes it: its address, alt text, title and 1-based line in the body."""

    src: str
    alt: str
    title: str
    line: int


def find_images(body: str) -> list[ImageRef]:
    """Every image of a Markdown body, in order (inline and reference style; none in fenced code)."""
    if "![" not in body:   # every image, inline or by reference, is written '![': most bodies have none
        return []
    lines = body.split("\n")
    defs: dict[str, tuple[str, str]] = {}
    fenced = False
    visible: list[tuple[int, str]] = []
    for number, line in enumerate(lines, 1):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if fenced:
            continue
        found = _REF_DEF.match(line)
        if found:
            defs.setdefault(found.group(1).strip().lower(), (found.group(2), _unquote_title(found.group(3))))
            continue
        visible.append((number, line))
    refs: list[tuple[int, int, ImageRef]] = []
    for number, line in visible:
        if "![" not in line:
            continue
        for m in _INLINE.finditer(line):
            refs.append((number, m.start(), ImageRef(m.group(2), _unescape(m.group(1)),
                                                     _unquote_title(m.group(3)), number)))
        for m in _REF_USE.finditer(line):
            name = (m.group(2) or m.group(1)).strip().lower()
            if name in defs:
                src, title = defs[name]
                refs.append((number, m.start(), ImageRef(src, _unescape(m.group(1)), title, number)))
    return [ref for _, _, ref in sorted(refs, key=lambda r: (r[0], r[1]))]


def _unquote_title(text: str | None) -> str:
    return text[1:-1] if text else ""


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def is_local(src: str) -> bool:
    """Whether an image address names a file of the site: relative (no scheme, not ``//host``, not a
    fragment), or under ``/static/``."""
    return bool(src) and src != WAITING and not _SCHEME.match(src) and not src.startswith(("//", "#", "?")) \
        and (not src.startswith("/") or src.startswith("/static/"))


def is_photo(src: str) -> bool:
    """Whether an image address names a photo newsgen publishes: local (:func:`is_local`) and ending in
    one of :data:`PHOTO_SUFFIXES` (another image, an SVG, is left as it is)."""
    path = unquote(src.split("#", 1)[0].split("?", 1)[0])
    return is_local(src) and os.path.splitext(path)[1].lower() in PHOTO_SUFFIXES


def is_svg(src: str) -> bool:
    """Whether an image address names an SVG file of the site (copied as it is when safe: :func:`svg_problem`)."""
    path = unquote(src.split("#", 1)[0].split("?", 1)[0])
    return is_local(src) and path.lower().endswith(".svg")


#: What makes an SVG unsafe to publish: a script, an event handler, a foreignObject (HTML inside), an
#: entity declaration, a stylesheet import, or any reference that is not to a fragment of the file itself.
SVG_DANGER = re.compile(r"<\s*script|<\s*foreignObject|\son[a-z]+\s*=|(?:href|src)\s*=\s*[\"']?\s*(?![\"']?#)"
                        r"|url\(\s*[\"']?\s*(?!#)|<!ENTITY|@import", re.IGNORECASE)


def svg_problem(data: bytes, shown: str) -> str | None:
    """Why the SVG in ``data`` must not be published, or None when it is safe to copy as it is."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return f"image {shown} is not an SVG (not UTF-8 text)"
    if "<svg" not in text:
        return f"image {shown} is not an SVG (no <svg> element)"
    found = SVG_DANGER.search(text)
    if found:
        return (f"image {shown} holds {found.group(0).strip()!r}: an SVG with a script, an event handler, a "
                "foreignObject or an external reference is not published; export it again as a plain drawing")
    return None


def resolve(site: Path, article: Path, src: str, known: dict[str, str] | None = None) -> Path:
    """The file (relative to ``site``) a local image address of ``article`` names; :class:`PhotoError`
    when it climbs out of the site, leads out of it through a symbolic link, or is missing.

    ``known`` keeps the real paths of the site and of the folders met, for the next call: a build
    resolving a thousand photos then looks up each photo's own name, not every folder above it."""
    path = unquote(src.split("#", 1)[0].split("?", 1)[0])
    if "\0" in path or "\\" in path:
        raise PhotoError(f"image {src!r}: the path holds a '\\' or a NUL; write it with '/'")
    if path.startswith("/static/"):
        joined = os.path.normpath(os.path.join("static", path[len("/static/"):]))
    else:
        joined = os.path.normpath(os.path.join(os.path.dirname(str(article)), path))
    if joined.startswith("..") or os.path.isabs(joined):
        raise PhotoError(f"image {src!r} climbs out of the site; put the photo beside the article "
                         "(or in static/) and name it from there")
    full = site / joined
    real_site = _realpath(str(site), known)
    real = _realpath(str(full), known)
    if real != real_site and not real.startswith(real_site.rstrip(os.sep) + os.sep):
        raise PhotoError(f"image {src!r} is a symbolic link to a file outside the site; copy the photo "
                         "into the site instead")
    if not os.path.isfile(real):
        raise PhotoError(f"image {src!r}: no such file {joined}; put the photo there or correct the path")
    return Path(joined)


def _realpath(path: str, known: dict[str, str] | None) -> str:
    """``os.path.realpath(path)``, with the real paths found kept in ``known`` (path -> real path):
    the real path of a name that is not a symbolic link is its folder's real path and the name, so
    each folder is looked at once."""
    if known is None:
        return os.path.realpath(path)
    real = known.get(path)
    if real is None:
        folder, name = os.path.split(path)
        if not folder or folder == path or name in ("", ".", ".."):
            real = os.path.realpath(path)
        else:
            joined = os.path.join(_realpath(folder, known), name)
            real = os.path.realpath(joined) if os.path.islink(joined) else joined
        known[path] = real
    return real


class Variant(NamedTuple):
    """One derivative: its format, size and path in the output. (A tuple: a build makes one for each
    derivative of each photo shown, and a frozen dataclass's making cost 20 ms of a body edit at
    1,000 photos.)"""

    format: str
    width: int
    height: int
    path: str


@dataclass(frozen=True)
class Photo:
    """A photo as published: its source (relative to the site), key, size and derivatives."""

    source: str
    key: str
    width: int          # as shown (orientation applied)
    height: int
    variants: tuple[Variant, ...]

    def largest(self, fmt: str = "jpeg") -> Variant:
        """The widest derivative in ``fmt``."""
        return max((v for v in self.variants if v.format == fmt), key=lambda v: v.width)

    def of(self, fmt: str) -> list[Variant]:
        return sorted((v for v in self.variants if v.format == fmt), key=lambda v: v.width)


def settings_stamp(config: PhotosConfig) -> str:
    """What, beside a photo's bytes, decides its derivatives."""
    import PIL

    return (f"recipe {RECIPE} pillow {PIL.__version__} widths {sorted(config.widths)} formats {_formats(config)} "
            f"q {config.jpeg_quality}/{config.webp_quality}/{config.avif_quality} speed {config.avif_speed}")


def _formats(config: PhotosConfig) -> list[str]:
    formats = [f for f in config.formats if f in MIME]
    return formats if "jpeg" in formats else [*formats, "jpeg"]


def target_widths(config: PhotosConfig, width: int) -> list[int]:
    """The widths a photo ``width`` px wide is published at: the configured ones up to its own width,
    and its own width when it is narrower than the widest (so no detail is lost). Never upscaled."""
    widths = sorted(w for w in set(config.widths) if w <= width)
    if width < max(config.widths) and width not in widths:
        widths.append(width)
    return widths


def _open(data: bytes, shown: str) -> Any:
    """The image in ``data``, its header read and its size checked; :class:`PhotoError` otherwise."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoError(f"image {shown} is over {MAX_PIXELS // 1_000_000} megapixels (a decompression "
                         "bomb, or a photo far bigger than any page needs); scale it down") from None
    except UnidentifiedImageError:
        if data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftypmsf1", b"ftyphevc"):
            raise PhotoError(f"image {shown} is HEIC (a phone's format), which newsgen does not read; "
                             "convert it to JPEG first (e.g. `heif-convert photo.heic photo.jpg`)") from None
        raise PhotoError(f"image {shown} is not an image newsgen can read (JPEG, PNG, WebP, GIF, AVIF, "
                         "TIFF); the file may be damaged or not what its name says") from None
    except OSError as exc:
        raise PhotoError(f"image {shown} cannot be read: {exc}") from None
    if image.width * image.height > MAX_PIXELS:
        raise PhotoError(f"image {shown} is {image.width}x{image.height}, over {MAX_PIXELS // 1_000_000} "
                         "megapixels (a decompression bomb, or a photo far bigger than any page needs); scale it down")
    return image


def inspect(data: bytes, shown: str) -> tuple[int, int]:
    """The width and height ``data`` is shown at (EXIF orientation applied), without decoding it."""
    image = _open(data, shown)
    width, height = image.size
    try:
        orientation = image.getexif().get(0x0112, 1)
    except Exception:   # a broken EXIF block: the photo is shown as stored
        orientation = 1
    if orientation in (5, 6, 7, 8):
        width, height = height, width
    return width, height


def _still(data: bytes, shown: str, largest: int) -> Any:
    """The photo in ``data`` as an sRGB RGB image, oriented: the first frame of an animation, a
    16-bit or CMYK image converted, transparency laid on white. ``largest``: the widest derivative,
    so that a JPEG is decoded at a reduced scale when that is still wide enough."""
    from PIL import Image, ImageCms, ImageOps

    image = _open(data, shown)
    try:
        if getattr(image, "n_frames", 1) > 1:
            image.seek(0)
        if image.format == "JPEG":
            image.draft("RGB", (largest, largest))
        image.load()
        image = ImageOps.exif_transpose(image) or image
        icc = image.info.get("icc_profile")
        if image.mode in ("I;16", "I;16B", "I;16L", "I"):
            image = image.point(lambda v: v * (1 / 256)).convert("L")
        if image.mode == "P":
            image = image.convert("RGBA")
        if image.mode in ("RGBA", "LA", "PA") or (image.mode == "RGB" and "transparency" in image.info):
            rgba = image.convert("RGBA")
            flat = Image.new("RGB", rgba.size, (255, 255, 255))
            flat.paste(rgba, mask=rgba.getchannel("A"))
            image = flat
        if icc:
            try:
                source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
                image = ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode="RGB")
            except (ImageCms.PyCMSError, OSError, ValueError):
                pass   # an unreadable profile: the colours are taken as sRGB
        if image.mode != "RGB":
            image = image.convert("RGB")
    except (OSError, ValueError, SyntaxError) as exc:
        raise PhotoError(f"image {shown} cannot be decoded (truncated or damaged: {exc}); export it again") from None
    clean = Image.new("RGB", image.size)
    clean.paste(image)   # a fresh image: nothing of the source's info (EXIF, XMP, profile) comes along
    return clean


def encode(data: bytes, shown: str, config: PhotosConfig) -> dict[tuple[str, int], tuple[int, bytes]]:
    """Every derivative of the photo in ``data``: (format, width) -> (height, bytes)."""
    from PIL import Image

    width, _ = inspect(data, shown)
    widths = target_widths(config, width)
    still = _still(data, shown, max(widths))
    out: dict[tuple[str, int], tuple[int, bytes]] = {}
    source = still
    for w in sorted(widths, reverse=True):   # each width from the next wider one: as sharp, much quicker
        h = max(1, round(still.height * w / still.width))
        sized = source if (w, h) == source.size else source.resize((w, h), Image.Resampling.LANCZOS)
        source = sized
        sized.info = {}
        for fmt in _formats(config):
            buffer = io.BytesIO()
            if fmt == "jpeg":
                sized.save(buffer, "JPEG", quality=config.jpeg_quality, optimize=True, progressive=True)
            elif fmt == "webp":
                sized.save(buffer, "WEBP", quality=config.webp_quality, method=4)
            else:
                sized.save(buffer, "AVIF", quality=config.avif_quality, speed=config.avif_speed)
            out[(fmt, w)] = (h, buffer.getvalue())
    return out


class PhotoRecords:
    """What a build keeps of its photos for the next one, as the build state's table ``photos``
    (:meth:`load`, :meth:`keep`; see :class:`newsgen.cachefile.Table`):

    - ``articles``, its rows: each article file, by its path in the site: [the file's digest, the
      images its body names ([address, alt text, line]), the photo files they resolved to] (see
      :func:`prepare`); of one that names none (most articles), its file's digest alone (a list and
      two empty ones for each of 100,000 articles were most of the cost of reading the records);
    - ``files``, in its meta: each photo file read, by its path in the site: [its identity (size,
      mtime, ctime, inode), the digest of its bytes, its width and height as shown].

    Neither depends on the photo settings: what does (the photos' keys, their derivatives' names)
    is made from them again by each build, which costs microseconds a photo. ``swept`` (in the meta):
    the settings (:func:`settings_stamp`) of the last build that deleted the derivatives no photo needs.
    """

    SECTION = "photos"

    def __init__(self, files: dict[str, list[Any]] | None = None, articles: dict[str, list[Any]] | None = None,
                 swept: str = "", table: Table | None = None) -> None:
        self.files: dict[str, list[Any]] = files if files is not None else {}
        self.articles: dict[str, list[Any]] = articles if articles is not None else {}
        self.swept = swept
        self.table = table if table is not None else Table()

    @classmethod
    def load(cls, state: State | None) -> PhotoRecords:
        """The records ``state`` keeps; none when it has none of their shape. (Each record is checked
        where it is used: a damaged one only makes the build look again.)"""
        table = Table.load(state, cls.SECTION) if state is not None else None
        meta = table.meta if table is not None else None
        try:
            if isinstance(meta, dict) and isinstance(meta.get("files"), dict) and isinstance(meta.get("swept"), str):
                keys, (rows,) = table.whole()
                return cls(meta["files"], dict(zip(keys, rows, strict=True)), meta["swept"], table)
        except Damaged:
            pass
        return cls()

    def keep(self, state: State, articles: dict[str, list[Any]], files: dict[str, list[Any]], swept: str) -> None:
        """Put these records into ``state`` (their changes since they were read)."""
        self.table.assign(articles)
        self.table.meta = {"files": files, "swept": swept}
        self.table.keep(state, self.SECTION)
        self.files, self.articles, self.swept = files, articles, swept


class Photos:
    """The photos of one build: resolved, inspected (by file identity, cached) and encoded (by key, cached).

    ``state`` (the build state) keeps the derivatives (in its folder ``photos``) and the photos'
    records (its section ``photos``: :class:`PhotoRecords`); without it everything is read and encoded
    afresh and kept in memory.
    """

    def __init__(self, site: Path, config: PhotosConfig, state: State | None, base_path: str = "/",
                 records: bool = True) -> None:
        self.site = site
        self.config = config
        self.state = state
        self.cache_dir = state.folder("photos") if state is not None else None
        self.base_path = base_path
        self.stamp = settings_stamp(config)
        # (``records=False``: no article built shows a photo, so none is looked at and none recorded)
        self.read = records and state is not None
        self.records = PhotoRecords.load(state if self.read else None)
        self._known: dict[str, list[Any]] = self.records.files
        self._used: dict[str, list[Any]] = {}
        self.articles: dict[str, list[Any]] = {}   # this build's article records (see prepare)
        self._photos: dict[str, Photo] = {}
        self._memory: dict[str, bytes] = {}
        self.encoded = 0   # photos encoded by this build (the rest from the cache)
        self.real_paths: dict[str, str] = {}   # folder -> its real path, for resolve()
        self._cached: set[str] | None = None   # the names in cache_dir, listed once (see missing())
        self._formats = _formats(config)
        self._widths: dict[int, list[int]] = {}   # a photo's width -> target_widths()
        self._sweep = True   # whether prune() lists the cache (see keep())

    def photo(self, source: Path | str, identity: list[int] | None = None) -> Photo:
        """The published form of the photo at ``source`` (relative to the site); :class:`PhotoError`.
        ``identity``: its file's (size, mtime, ctime, inode) when the caller has just found it."""
        name = source if isinstance(source, str) else source.as_posix()
        found = self._photos.get(name)
        if found is not None:
            return found
        if identity is None:
            try:
                st = os.stat(self.site / name)
            except OSError as exc:
                raise PhotoError(f"image {name} cannot be read: {exc.strerror}") from None
            identity = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
        known = self._known.get(name)
        if (isinstance(known, list) and len(known) == 4 and known[0] == identity and isinstance(known[1], str)
                and type(known[2]) is int and type(known[3]) is int and known[2] > 0 and known[3] > 0):
            digest, width, height = known[1], known[2], known[3]
        else:
            data = self._read(self.site / name, name)
            width, height = inspect(data, name)
            digest = hashlib.sha256(data).hexdigest()
        self._used[name] = [identity, digest, width, height]
        key = hashlib.sha256(f"{self.stamp}\0{digest}".encode()).hexdigest()[:20]
        widths = self._widths.get(width)
        if widths is None:
            widths = self._widths[width] = target_widths(self.config, width)
        variants = tuple(Variant(fmt, w, h, f"photos/{key}-{w}.{EXT[fmt]}")
                         for w in widths for h in (max(1, round(height * w / width)),) for fmt in self._formats)
        found = self._photos[name] = Photo(name, key, width, height, variants)
        return found

    def svg(self, source: Path) -> Photo:
        """An SVG at ``source``, published as it is under a name holding its digest; :class:`PhotoError`
        when it is not safe (:func:`svg_problem`)."""
        name = source.as_posix()
        found = self._photos.get(name)
        if found is None:
            data = self._read(self.site / source, name)
            problem = svg_problem(data, name)
            if problem:
                raise PhotoError(problem)
            key = hashlib.sha256(b"svg\0" + data).hexdigest()[:20]
            found = self._photos[name] = Photo(name, key, 0, 0, (Variant("svg", 0, 0, f"photos/{key}.svg"),))
            self._memory[found.variants[0].path] = data
        return found

    @staticmethod
    def _read(full: Path, name: str) -> bytes:
        try:
            with open(full, "rb") as f:
                return f.read()
        except OSError as exc:
            raise PhotoError(f"image {name} cannot be read: {exc.strerror}") from None

    def missing(self, photo: Photo) -> bool:
        """Whether ``photo`` has a derivative the cache lacks (it is encoded by :meth:`files`)."""
        if photo.variants[0].format == "svg":
            return False
        if self.cache_dir is None:
            return True
        if self._cached is None:   # one listing, not a look-up of every derivative of every photo
            try:
                self._cached = set(os.listdir(self.cache_dir))
            except OSError:
                self._cached = set()
        return not all(v.path.rpartition("/")[2] in self._cached for v in photo.variants)

    def files(self, photo: Photo) -> dict[str, bytes | Path]:
        """Each derivative of ``photo`` by its output path: a file of the cache, or the bytes (no cache).
        Encodes the photo when any derivative is missing. An SVG's one file is its own bytes."""
        if photo.variants[0].format == "svg":
            return {photo.variants[0].path: self._memory[photo.variants[0].path]}
        cached = {v.path: self.cache_dir / v.path.rpartition("/")[2] for v in photo.variants} \
            if self.cache_dir is not None else None
        if cached is not None and all(p.is_file() for p in cached.values()):
            return dict(cached)
        if cached is None and all(v.path in self._memory for v in photo.variants):
            return {v.path: self._memory[v.path] for v in photo.variants}
        data = self._read(self.site / photo.source, photo.source)
        made = encode(data, photo.source, self.config)
        self.encoded += 1
        if self.cache_dir is not None:   # derivatives the records do not know of: the next prune() sweeps
            try:
                self.cache_dir.mkdir(parents=True, exist_ok=True)
                open(self.cache_dir / UNSWEPT, "ab").close()
            except OSError:
                pass
        out: dict[str, bytes | Path] = {}
        for v in photo.variants:
            blob = made[(v.format, v.width)][1]
            if cached is not None:
                cachefile.write(cached[v.path], blob)
                out[v.path] = cached[v.path]
            else:
                self._memory[v.path] = blob
                out[v.path] = blob
        return out

    def keep(self, articles: Iterable[Any] = ()) -> None:
        """Put into the build state the records of the photos read by this build and of the photos of
        ``articles`` (every article file there is, drafts too: :class:`PhotoRecords`), when they are
        not the state's already."""
        if self.state is None or self.cache_dir is None or not self.read:
            return
        kept, made_now = self.records.articles, self.articles
        articles = articles if isinstance(articles, list) else list(articles)
        # prepare() recorded every one of them (it is given some of these articles, the build's; each
        # record of the article's own digest): those are the records, without a look at each again
        every = len(made_now) == len(articles)
        records = dict(made_now) if every else {}
        for article in articles if not every else ():
            where = source_path(article)
            found = made_now.get(where)   # (made by prepare() this build: of their shape)
            if found is None:
                found = kept.get(where)
                if found is not None and not _record_ok(found):
                    continue
            if found is not None and (found if type(found) is str else found[0]) == file_digest(article):
                records[where] = found
        # the same photos as the last build that swept, under the same settings, nothing encoded since:
        # the cache holds exactly their derivatives, and prune() does not list it (thousands of names)
        self._sweep = not (self._used == self._known and self.records.swept == self.stamp
                           and not os.path.lexists(self.cache_dir / UNSWEPT))
        self.records.keep(self.state, records, self._used, self.stamp)

    def prune(self, keep: Iterable[Photo] = ()) -> None:
        """Delete the cached derivatives of every photo but ``keep`` (and the mark a build that encoded
        left), unless :meth:`keep` found the cache holds exactly theirs."""
        if self.cache_dir is None or not self._sweep:
            return
        names = {v.path.rpartition("/")[2] for p in keep for v in p.variants}
        try:
            for entry in os.scandir(self.cache_dir):
                if entry.name not in names and ".tmp" not in entry.name:
                    try:
                        os.unlink(entry.path)
                    except OSError:
                        pass
        except OSError:
            pass

    # -- HTML
    def url(self, variant: Variant) -> str:
        """The address of a derivative: its path is ``photos/`` and a digest, width and format, which
        need no quoting (quoting the thousands of them a listing build makes cost as much as the rest)."""
        return self.base_path + variant.path

    def srcset(self, photo: Photo, fmt: str) -> str:
        return ", ".join(f"{self.url(v)} {v.width}w" for v in photo.of(fmt))

    def picture(self, photo: Photo, alt: str, first: bool) -> etree.Element:
        """The ``<picture>`` of ``photo``: a ``<source>`` a format, the JPEGs in the ``<img>``, whose
        ``width``/``height`` give the browser the photo's shape before it loads (no layout shift)."""
        picture = etree.Element("picture")
        for fmt in _formats(self.config):
            if fmt != "jpeg":
                etree.SubElement(picture, "source", {"type": MIME[fmt], "srcset": self.srcset(photo, fmt),
                                                     "sizes": SIZES})
        jpeg = photo.of("jpeg")
        fallback, big = jpeg[(len(jpeg) - 1) // 2], jpeg[-1]
        attrs = {"src": self.url(fallback), "srcset": self.srcset(photo, "jpeg"), "sizes": SIZES,
                 "width": str(big.width), "height": str(big.height), "alt": alt}
        if not first:
            attrs.update(loading="lazy", decoding="async")
        etree.SubElement(picture, "img", attrs)
        return picture


#: A paragraph that reads as a photo's caption: it opens as one (图为, 图：, 图①, 上图, 本报记者 … 摄) or
#: ends with a photographer's credit in brackets (（张三 摄）).
CAPTION_START = re.compile(r"^\s*(?:[上下左右]?图[为：:①②③④⑤⑥⑦⑧⑨⑩0-9一二三四五六七八九十]|[上下左右]图\s)")
CREDIT = re.compile(r"\s*[（(]\s*((?:[^（）()]{1,40}?)\s*(?:摄|摄影|供图|/摄))\s*[)）]\s*[。.]?\s*$")


def split_credit(text: str) -> tuple[str, str]:
    """A caption and its credit: ``图为……（张三 摄）`` -> (``图为……``, ``张三 摄``)."""
    found = CREDIT.search(text)
    if found is None:
        return text.strip(), ""
    return text[:found.start()].strip(), found.group(1).strip()


def reads_as_caption(text: str) -> bool:
    """Whether a paragraph right under a photo is its caption."""
    text = text.strip()
    return bool(text) and len(text) <= 300 and (CAPTION_START.match(text) is not None
                                                or CREDIT.search(text) is not None)


@dataclass
class Prepared:
    """What the build takes from the photos of its articles."""

    articles: list[Any]                                   # each article, its digest standing for its photos too
    leads: dict[str, Any]                                 # article path -> PhotoView of its lead photo
    used: dict[str, Photo]                                # every photo shown, by source
    problems: list[Any]                                   # Diagnostics: photos that cannot be published


def prepare(photos: Photos, articles: list[Any], found: Mapping[str, list[int]] | None = None) -> Prepared:
    """Resolve and inspect the photos of ``articles`` (no encoding): an article with photos gets a digest
    of its file's and its photos' (see :func:`newsgen.content.with_digest`), so that a photo replaced
    renders again exactly the pages showing that article; its lead photo (``image:`` in the front
    matter, else the first) becomes its :class:`~newsgen.render.views.PhotoView`.

    ``found`` holds the files the build's walk has just found (path as the walk gave it -> identity;
    see :class:`newsgen.content.Listing`). An article whose file is the one recorded last time
    (:class:`PhotoRecords`) has its images from its record, its body unread; when the walk found
    every photo file it resolved to, those are its photos, neither resolved again nor stat'ed (nor
    read, when found as recorded): the walk found them inside the site (it follows no link out of
    it) and as files, which is what resolving them would check. The others are resolved and
    inspected, and recorded for the next build (:meth:`Photos.keep`). An article whose record is its
    file's digest and that names no lead photo shows no image, as recorded (most articles; on a
    rebuild, all but the edited ones): those are told apart column by column
    (:func:`_as_recorded`) and kept as they are; only the others are looked at one by one."""
    from newsgen.errors import Diagnostic, Location
    from newsgen.render.views import PhotoView

    kept = photos.records.articles
    prefix = str(photos.site / "-")[:-1]   # the site's part of a path as the walk wrote it ('' for '.')
    out = Prepared(list(articles), {}, {}, [])
    made, chosen = photos.articles, out.articles
    wheres, digests, records, plain = _as_recorded(articles, kept)
    if len(kept) == len(articles) and None not in records:   # a record of each article and of no other
        made.update(kept)   # (those looked at below made again)
    else:
        made.update(zip(compress(wheres, plain), compress(records, plain), strict=True))   # as recorded
    for i in compress(range(len(articles)), map(operator.not_, plain)):
        article, where, digest = articles[i], wheres[i], digests[i]
        record = records[i] if digest else None
        made.pop(where, None)   # (recorded again below when it can be)
        if record is not None and type(record) is not str and _record_ok(record) and record[0] == digest:
            images, sources = record[1], record[2]
        elif record == digest:   # (no image in its body; a lead photo in its front matter)
            images, sources = [], []
        else:
            images = [[ref.src, ref.alt, ref.line] for ref in find_images(article.body)
                      if is_photo(ref.src) or is_svg(ref.src)] if may_show_images(article) else []
            sources = None
        lead_src = article.extra.get("image") if isinstance(article.extra.get("image"), str) else None
        entries = [(lead_src, "", 0)] if lead_src else []
        entries += [(src, alt, line) for src, alt, line in images]
        shown: list[Photo] | None = None
        if sources is not None and found is not None and len(sources) == len(entries):
            try:
                shown = [photos.photo(source, found[prefix + source]) for source in sources]
            except (KeyError, PhotoError):   # not found by the walk as a file of the site, or unreadable now
                shown = None
        problems = len(out.problems)
        if shown is None:
            shown = []
            for src, _, line in entries:
                try:
                    path = resolve(photos.site, article.path, src, photos.real_paths)
                    shown.append(photos.svg(path) if is_svg(src) else
                                 photos.photo(path, found.get(prefix + path.as_posix()) if found else None))
                except PhotoError as exc:
                    at = Location(article.path, article.body_line + line - 1 if line else None)
                    out.problems.append(Diagnostic(at, str(exc)))
        if digest and len(out.problems) == problems and all(p.variants[0].format != "svg" for p in shown):
            # (an SVG's bytes are read by each build that publishes it: it is not taken from a record)
            made[where] = [digest, images, [p.source for p in shown]] if images or shown else digest
        if not shown:
            continue
        for photo in shown:
            out.used[photo.source] = photo
        stamp = hashlib.sha256("\0".join([digest, *(p.key for p in shown)]).encode()).hexdigest()
        chosen[i] = with_digest(article, stamp)
        if len(out.problems) > problems:
            continue
        lead, alt = next(((p, a) for p, (_, a, _) in zip(shown, entries, strict=True)
                          if p.variants[0].format != "svg"), (None, ""))
        if lead is not None:
            jpeg = lead.of("jpeg")
            out.leads[where] = PhotoView(src=photos.url(jpeg[0]), srcset=photos.srcset(lead, "jpeg"),
                                         width=jpeg[0].width, height=jpeg[0].height, alt=alt, image=jpeg[-1].path)
    return out


def _as_recorded(articles: list[Any], kept: Mapping[str, Any]) -> tuple[list[str], list[str], list[Any], list[bool]]:
    """Of each article: its file's path (:func:`~newsgen.content.source_path`), its file's digest
    (:func:`~newsgen.content.file_digest`), its record in ``kept`` (None: none), and whether that
    record is its file's digest and it names no lead photo: an article that shows no image, as
    recorded (most, and on a rebuild all but the edited ones). Made column by column: the records
    are compared with the digests as two lists, and only the articles with front matter beyond the
    fields (``extra``) are asked whether they name a lead photo."""
    wheres, digests = source_paths(articles), file_digests(articles)
    records = list(map(kept.get, wheres))
    plain = [True] * len(records) if records == digests else list(map(operator.eq, records, digests))
    for i in compress(range(len(articles)), extra_flags(articles)):   # (a lead photo named: looked at)
        if isinstance(articles[i].extra.get("image"), str):
            plain[i] = False
    if "" in digests:   # no digest, so no record
        for i in [i for i, digest in enumerate(digests) if not digest]:
            plain[i] = False
    return wheres, digests, records, plain


def _record_ok(record: Any) -> bool:
    """Whether an article's record (:class:`PhotoRecords`) has its shape: a damaged cache only makes
    the build read the article's body again."""
    if type(record) is str:   # its file's digest: no image
        return True
    if type(record) is list and len(record) == 3 and record[1] == [] and record[2] == []:
        return True   # no photo (most articles): nothing more to look at
    return (isinstance(record, list) and len(record) == 3 and isinstance(record[1], list)
            and isinstance(record[2], list) and all(isinstance(s, str) for s in record[2])
            and all(isinstance(i, list) and len(i) == 3 and isinstance(i[0], str) and isinstance(i[1], str)
                    and type(i[2]) is int for i in record[1]))


def verify(data: bytes, shown: str) -> None:
    """Decode the photo in ``data`` (a JPEG at an eighth of its size: quick) so that a truncated or
    damaged file is found; :class:`PhotoError` when it cannot be."""
    image = _open(data, shown)
    try:
        if image.format == "JPEG":
            image.draft("RGB", (image.width // 8 or 1, image.height // 8 or 1))
        image.load()
    except (OSError, ValueError, SyntaxError) as exc:
        raise PhotoError(f"image {shown} cannot be decoded (truncated or damaged: {exc}); export it again") from None


def private_metadata(data: bytes) -> list[str]:
    """What a photo file carries that tells about where and with what it was taken: 'GPS position',
    'maker notes', 'XMP' (none for a file that cannot be read)."""
    try:
        image = _open(data, "")
        exif = image.getexif()
        kinds = []
        if exif.get_ifd(0x8825):
            kinds.append("GPS position")
        if 0x927C in exif or 0x927C in exif.get_ifd(0x8769):
            kinds.append("maker notes")
        if "xmp" in image.info or "XML:com.adobe.xmp" in image.info or b"<x:xmpmeta" in data[:65536]:
            kinds.append("XMP")
        return kinds
    except Exception:   # an unreadable file is reported as such elsewhere
        return []


def check_photos(site: Path, articles: Iterable[Any]) -> list[Any]:
    """``newsgen check``'s photo problems of ``articles``, each on its article's line: a missing image
    file, one that climbs out of the site or cannot be read (errors); a photo without alt text, a lead
    photo narrower than :data:`LEAD_MIN_WIDTH`, one over :data:`LARGE_PIXELS` (warnings); a caption
    still waiting for its photo (``![…](TODO "图为……")``, a warning)."""
    from newsgen.errors import Diagnostic, Location, Severity

    out: list[Any] = []
    sizes: dict[Path, tuple[int, int] | PhotoError] = {}
    for article in articles:
        lead_src = article.extra.get("image") if isinstance(article.extra.get("image"), str) else None
        refs = [ref for ref in find_images(article.body) if is_photo(ref.src) or ref.src == WAITING]
        for ref in find_images(article.body):
            if is_svg(ref.src):
                where = Location(article.path, article.body_line + ref.line - 1)
                try:
                    source = resolve(site, article.path, ref.src)
                    problem = svg_problem(Photos._read(site / source, source.as_posix()), source.as_posix())
                    if problem:
                        raise PhotoError(problem)
                except PhotoError as exc:
                    out.append(Diagnostic(where, str(exc)))
        entries = [(ImageRef(lead_src, "-", "", 0))] if lead_src else []
        first = True
        for ref in entries + refs:
            where = Location(article.path, article.body_line + ref.line - 1 if ref.line else None)
            if ref.src == WAITING:
                out.append(Diagnostic(where, f"caption waiting for a photo: {ref.title or ref.alt!r}; put the photo "
                                             "beside the article and write its file name in place of TODO",
                                      Severity.WARNING))
                continue
            try:
                source = resolve(site, article.path, ref.src)
                known = sizes.get(source)
                if known is None:
                    try:
                        data = Photos._read(site / source, source.as_posix())
                        verify(data, source.as_posix())
                        known = sizes[source] = inspect(data, source.as_posix())
                    except PhotoError as exc:
                        known = sizes[source] = exc
                if isinstance(known, PhotoError):
                    raise known
            except PhotoError as exc:
                out.append(Diagnostic(where, str(exc)))
                first = False
                continue
            width, height = known
            if source.parts[0] == "static":
                kinds = private_metadata(Photos._read(site / source, source.as_posix()))
                if kinds:
                    out.append(Diagnostic(where, f"photo {ref.src!r} is in static/, which is published as it is: "
                                                 f"its {', '.join(kinds)} too; put the photo beside the article "
                                                 "instead (only its cleaned copies are published then)",
                                          Severity.WARNING))
            if not ref.alt.strip():
                out.append(Diagnostic(where, f"photo {ref.src!r} has no alt text; say what it shows for readers "
                                             "who cannot see it: ![说明](…)", Severity.WARNING))
            if first and width < LEAD_MIN_WIDTH:
                out.append(Diagnostic(where, f"lead photo {ref.src!r} is {width} px wide; search engines and link "
                                             f"previews want at least {LEAD_MIN_WIDTH} px: use a larger one",
                                      Severity.WARNING))
            if width * height > LARGE_PIXELS:
                out.append(Diagnostic(where, f"photo {ref.src!r} is {width}x{height}, over "
                                             f"{LARGE_PIXELS // 1_000_000} megapixels; scale it down (pages show at "
                                             "most 1600 px)", Severity.WARNING))
            first = False
    return out


_IMAGE_LINE = re.compile(r"^\s*!\[[^\]]*\](?:\([^)]*\)|\[[^\]]*\])\s*$")


def without_photos(body: str) -> str:
    """``body`` without its image-only lines and the caption paragraph right under each (what a summary
    and a reading time are made from: a caption is not the article's text)."""
    lines = body.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        if _IMAGE_LINE.match(lines[i]):
            j = i + 1
            while j < len(lines) and not lines[j].strip():
                j += 1
            k = j
            while k < len(lines) and lines[k].strip():
                k += 1
            paragraph = " ".join(line.strip() for line in lines[j:k])
            i = k if paragraph and reads_as_caption(paragraph) and not _IMAGE_LINE.match(lines[j]) else i + 1
            continue
        out.append(lines[i])
        i += 1
    return "\n".join(out)
