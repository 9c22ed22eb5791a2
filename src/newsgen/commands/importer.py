"""``newsgen import``: bulletin -> parse -> enrich -> one article file per article.

Returns an :class:`ImportReport`; the CLI prints it. Nothing here prints.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsgen import config as config_mod
from newsgen import content
from newsgen.bulletin import Block, Draft, parse
from newsgen.bulletin.layout import Layout
from newsgen.commands.writes import FileToWrite, require_inside, require_site, site_lock, write_files
from newsgen.errors import Diagnostics, Location, NewsgenError
from newsgen.files import read_regular
from newsgen.pdf.files import is_pdf  # loads no PDF library

UNPLACED_DIR = "_unplaced"

if TYPE_CHECKING:
    from newsgen.pdf.front import PdfIssue


@dataclass
class ArticleEntry:
    title: str
    path: str
    blocks: list[str]
    authors: list[str]
    regions: list[str]
    topics: list[str]
    tags: list[str]
    notes: list[str] = field(default_factory=list)
    status: str = "new"          # new | overwritten | unchanged


@dataclass
class UnplacedEntry:
    lines: str
    text: str


@dataclass
class ImportReport:
    bulletin: str
    sha256: str
    date: str
    articles: list[ArticleEntry] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unplaced: list[UnplacedEntry] = field(default_factory=list)
    unplaced_file: str | None = None
    already_imported: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def written(self) -> int:
        return sum(1 for a in self.articles if a.status != "unchanged") if not self.dry_run else 0

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2)

    def lines(self) -> list[str]:
        """The report as text lines: one line an article, then its decisions, warnings, unplaced blocks."""
        out = [f"{self.bulletin} (sha256 {self.sha256[:12]}…, date {self.date})"]
        if self.already_imported:
            out.append(f"already imported: {len(self.already_imported)} article(s) from this bulletin "
                       f"(the same text, whatever its encoding or line ends); nothing written. "
                       f"Use --force to import it again.")
            out += [f"  {p}" for p in self.already_imported]
            return out
        for i, a in enumerate(self.articles, 1):
            out.append(f"[{i}] {a.title}  ->  {a.path}  ({a.status}; {_kind(a.blocks)} {', '.join(a.blocks)})")
            if a.authors:
                out.append(f"      authors: {', '.join(a.authors)}")
            out += [f"      {note}" for note in a.notes]
        if self.warnings:
            out.append(f"warnings ({len(self.warnings)}):")
            out += [f"  {w}" for w in self.warnings]
        if self.unplaced:
            out.append(f"unplaced blocks ({len(self.unplaced)}), kept in {self.unplaced_file}:")
            for u in self.unplaced:
                out.append(f"  {_kind([u.lines])} {u.lines}: {u.text}")
        verb = "would write" if self.dry_run else "wrote"
        count = len(self.articles) if self.dry_run else self.written
        same = len(self.articles) - self.written if not self.dry_run else 0
        unchanged = f" ({same} unchanged)" if same else ""
        out.append(f"{verb} {count} article file(s){unchanged}; {len(self.warnings)} warning(s); "
                   f"{len(self.unplaced)} unplaced block(s)")
        return out


def _kind(where: list[str]) -> str:
    """'lines' of a text bulletin, 'boxes' of a PDF's page ('p1 40,80,300,120')."""
    return "boxes" if where and where[0].startswith("p") else "lines"


def line_ranges(blocks: Iterable[Block]) -> list[str]:
    """Block line spans in reading order, adjacent blocks merged: ['2-20', '41-45']."""
    spans: list[list[int]] = []
    last_index = None
    for b in blocks:
        if spans and last_index is not None and b.index == last_index + 1:
            spans[-1][1] = b.last_line
        else:
            spans.append([b.first_line, b.last_line])
        last_index = b.index
    return [f"{a}-{b}" if a != b else str(a) for a, b in spans]


#: Share of Chinese characters that must be common ones (in GB2312) for a GB18030 reading to be
#: believed: real Chinese text scores ~0.99, bytes that only happen to decode score ~0.35.
GB_COMMON_SHARE = 0.9
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")


def decode_bulletin(raw: bytes, path: Path) -> tuple[str, list[str]]:
    """The bulletin's text with ``\\n`` line ends, and notes on what was done to read it.

    UTF-8 (with or without BOM) and UTF-16 with BOM are read as they are; text that is not UTF-8 but
    reads as Chinese in GB18030 (which covers GBK and GB2312) is read so, with a note. A file with NUL
    bytes or that is no text in either is refused with the byte and line; an empty one too. Form feeds
    (page breaks from PDF extraction) become blank lines; other control characters are removed, noted.
    """
    notes: list[str] = []
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise NewsgenError(f"broken UTF-16 text ({exc.reason}); save it as UTF-8",
                               Location(path)) from None
        notes.append("read as UTF-16 (it has a UTF-16 byte-order mark)")
    else:
        nul = raw.find(b"\x00")
        if nul >= 0:
            raise NewsgenError(f"binary file, not text (a NUL byte at byte {nul}); a bulletin is plain text",
                               Location(path, raw[:nul].count(b"\n") + 1))
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            gb = _as_gb18030(raw)
            if gb is None:
                line = raw[: exc.start].count(b"\n") + 1
                raise NewsgenError(
                    f"not UTF-8 text (byte {exc.start}: {exc.reason}), nor Chinese in GB18030/GBK; convert it "
                    f"to UTF-8, e.g. iconv -f BIG5 -t UTF-8", Location(path, line)) from None
            text = gb
            notes.append("not UTF-8: read as GB18030 (GBK); the articles are written in UTF-8")
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")
    controls = _CONTROL.findall(text)
    if controls:
        kinds = ", ".join(sorted({f"U+{ord(c):04X}" for c in controls}))
        notes.append(f"removed {len(controls)} control character(s) ({kinds})")
        text = _CONTROL.sub("", text)
    if not text.strip():
        raise NewsgenError("the bulletin is empty: there is no text to import", Location(path, 1))
    return text, notes


def _as_gb18030(raw: bytes) -> str | None:
    """``raw`` read as GB18030 if that gives Chinese text made mostly of common characters."""
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        return None
    han = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    if not han:
        return None
    common = 0
    for c in han:
        try:
            c.encode("gb2312")
            common += 1
        except UnicodeEncodeError:
            pass
    return text if common / len(han) >= GB_COMMON_SHARE else None


def _existing(site: Path, articles_dir: str) -> list[tuple[Path, dict[str, Any]]]:
    """Every readable article as (path, its front-matter fields), read by ``content``'s one reader.

    The same files ``build`` reads (``_``/``.`` folders skipped); a file with a problem is left out, not
    an error: ``build`` and ``check`` report it. Its name still counts as a taken slug (see ``run_import``).
    """
    files = content.article_files(site / articles_dir, site, Diagnostics())
    out = []
    for path in files:
        article, _problems = content.load(path)
        if article is None:
            continue
        meta: dict[str, Any] = {"title": article.title, "date": article.date, "slug": article.slug}
        if article.source is not None:
            meta["source"] = dict(article.source)
        out.append((path, meta))
    return out


def _article_names(site: Path, articles_dir: str) -> set[str]:
    """The name of every ``.md`` file under ``articles/``, readable or not: a new slug must not take one."""
    return {p.stem for p in content.article_files(site / articles_dir, site, Diagnostics())}


def boxes(blocks: Iterable[Block], cues: Mapping[int, Layout]) -> list[str]:
    """Where each block of a PDF's article is printed, in reading order: 'p2 40,118,310,160' (the page
    of the issue; the box's left, top, right and bottom in points from the page's top-left corner)."""
    out = []
    for b in blocks:
        cue = cues.get(b.first_line)
        if cue is not None:
            out.append(f"p{cue.page} " + ",".join(f"{v:g}" for v in (round(x) for x in cue.box)))
    return out


def _front_matter(draft: Draft, day: dt.date, slug: str, enrichment: Any, bulletin: str, sha: str,
                  cues: Mapping[int, Layout] | None = None, files: Sequence[str] = ()) -> dict:
    meta: dict[str, Any] = {"title": draft.title}
    if draft.kicker:
        meta["kicker"] = draft.kicker
    if draft.subtitle:
        meta["subtitle"] = draft.subtitle
    meta["date"] = day
    meta["slug"] = slug
    meta["authors"] = list(draft.authors)
    meta["regions"] = list(enrichment.regions)
    meta["topics"] = list(enrichment.topics)
    meta["tags"] = list(enrichment.tags)
    source: dict[str, Any] = {"bulletin": bulletin, "sha256": sha}
    if cues is None:
        source["blocks"] = line_ranges(draft.blocks)
    else:            # a PDF: the page and box of each block (the lines of the bulletin made from it mean nothing)
        if len(files) > 1:
            source["files"] = list(files)
        source["boxes"] = boxes(draft.blocks, cues)
    if draft.byline:
        source["byline"] = draft.byline
    printed = "".join(draft.headline)
    if printed and printed != "".join(x for x in (draft.kicker, draft.title, draft.subtitle) if x):
        source["headline"] = list(draft.headline)  # as printed, e.g. the kicker's closing '：'
    meta["source"] = source
    return meta


def text_digest(text: str) -> str:
    """The SHA-256 that recognises a bulletin: of its text as read (:func:`decode_bulletin`: whatever
    the encoding, the byte-order mark dropped, ``\\n`` line ends), in Unicode NFC, with each line's
    trailing whitespace and the trailing blank lines dropped, encoded as UTF-8.

    A bulletin saved again with other line ends, a BOM, in GBK/GB18030 or by an editor that trims
    lines has the same digest. A UTF-8 file with ``\\n`` line ends, no trailing spaces and no final
    newline has its bytes' digest (what earlier versions wrote as ``source.sha256``).
    """
    text = unicodedata.normalize("NFC", text)
    text = "\n".join(line.rstrip() for line in text.split("\n")).rstrip("\n")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def run_import(bulletin: Path | Sequence[Path], site: Path, date: dt.date | None = None, *, dry_run: bool = False,
               force: bool = False, progress: Callable[[str], None] | None = None,
               report_path: Path | None = None) -> ImportReport:
    """Import one bulletin into ``site/articles``; with ``report_path``, also write the report as JSON there.

    Raises NewsgenError on bad input, and then has written nothing: the site, the bulletin and the
    report's path are all checked before anything is written, and the articles, the unplaced
    blocks and the report are written together, all or none (:func:`write_files`). Holds the
    site's writer lock (:func:`site_lock`) from reading the articles to writing its own, except on a
    dry run.

    A PDF, several PDFs or a folder of them is one issue of a paper, read with its layout
    (:mod:`newsgen.pdf`); its articles' ``source`` names the page and box of each block.
    """
    say = progress or (lambda _msg: None)
    paths = [bulletin] if isinstance(bulletin, Path) else list(bulletin)
    pdf: PdfIssue | None = None
    if len(paths) > 1 or is_pdf(paths[0]):
        from newsgen.pdf.front import read_issue  # pdfminer.six: loaded for a PDF only

        say(f"reading the layout of {', '.join(p.name for p in paths)}")
        pdf = read_issue(paths)
        bulletin, text, decode_notes, sha = paths[0], pdf.text, list(pdf.notes), pdf.sha256
        digests = {sha}
    else:
        bulletin = paths[0]
        raw = read_bulletin(bulletin)
        text, decode_notes = decode_bulletin(raw, bulletin)
        sha = text_digest(text)
        digests = {sha, hashlib.sha256(raw).hexdigest()}   # articles of earlier versions carry the bytes' digest
    require_site(site)
    config = config_mod.load(site)
    old_report = _check_report_path(report_path, digests)
    with nullcontext() if dry_run else site_lock(site):
        report, files = _plan(bulletin, text, sha, digests, site, config, date, dry_run=dry_run, force=force,
                              say=say, pdf=pdf)
        report.warnings[:0] = [f"{report.bulletin}: {note}" for note in decode_notes]
        require_inside(site, files)
        if report_path is not None:
            same = [f.path for f in files if os.path.realpath(f.path) == os.path.realpath(report_path)]
            if same:
                raise NewsgenError(f"--report names {same[0].relative_to(site)}, a file this import writes "
                                   "itself; choose another --report path, outside articles/", Location(report_path))
            files.append(FileToWrite(report_path, (report.to_json() + "\n").encode("utf-8"), old_report,
                                     sweep=False))
        if files:
            write_files(files)
    return report


def read_bulletin(path: Path) -> bytes:
    """The bytes of the bulletin at ``path``, which must be a regular file (a symbolic link to one is fine).

    A FIFO, a device (``/dev/zero``, ``/dev/urandom``), a socket or a folder is refused without being
    read: opening a FIFO waits for a writer and a device never ends, so either would stall the import.
    """
    return read_regular(path, "bulletin")


def _plan(bulletin: Path, text: str, sha: str, digests: set[str], site: Path, config: config_mod.Config,
          date: dt.date | None, *, dry_run: bool, force: bool, say: Callable[[str], None],
          pdf: PdfIssue | None = None) -> tuple[ImportReport, list[FileToWrite]]:
    """The report of an import and the files it writes (none on a dry run or a bulletin already imported)."""
    existing = _existing(site, config.articles_dir)
    mine = [(p, m) for p, m in existing if isinstance(m.get("source"), dict) and m["source"].get("sha256") in digests]
    name = pdf.name if pdf is not None else bulletin.name
    cues = pdf.cues if pdf is not None else None
    where = (lambda blocks: boxes(blocks, cues)) if cues is not None else line_ranges
    report = ImportReport(bulletin=name, sha256=sha, date="", dry_run=dry_run)
    if mine and not force:
        report.already_imported = [str(p.relative_to(site)) for p, _ in mine]
        report.date = str(mine[0][1].get("date", ""))
        return report, []

    say(f"parsing {name} ({len(text)} characters)")
    parsed = parse(text, cues)
    day = date or parsed.dateline
    if day is None:
        raise NewsgenError("no date: the bulletin has no dateline (YYYY年M月D日); pass --date YYYY-MM-DD",
                           Location(bulletin))
    report.date = day.isoformat()

    say(f"enriching {len(parsed.drafts)} article(s)")
    from newsgen.enrich import enrich  # loads jieba/jionlp: import only, never build

    previous = {str(m.get("title")): p for p, m in mine}          # --force: same bulletin keeps its files
    taken = {str(m.get("slug") or p.stem) for p, m in existing if p not in previous.values()}
    taken |= _article_names(site, config.articles_dir) - {p.stem for p in previous.values()}
    files: list[FileToWrite] = []
    for draft in parsed.drafts:
        body = draft.body
        old = previous.get(draft.title)
        enrichment = enrich(draft.title, draft.kicker, draft.subtitle, body, config, taken)
        if old is not None:
            old_meta = dict(next(m for p, m in mine if p == old))
            slug = str(old_meta.get("slug") or old.stem)
            path = old
        else:
            slug = enrichment.slug
            path = site / config.articles_dir / f"{day.year:04d}" / f"{day.month:02d}" / f"{slug}.md"
        taken.add(slug)
        meta = _front_matter(draft, day, slug, enrichment, name, sha, cues,
                             [f.name for f in pdf.files] if pdf is not None else ())
        data = content.dumps(meta, body).encode("utf-8")
        status, replaces = "new", None
        if path.exists():
            if not force:
                raise NewsgenError(f"{path.relative_to(site)} already exists; pass --force to overwrite it",
                                   Location(bulletin))
            replaces = _read(path)
            status = "unchanged" if replaces == data else "overwritten"
        entry = ArticleEntry(
            title=" / ".join(x for x in (draft.kicker, draft.title, draft.subtitle) if x),
            path=str(path.relative_to(site)), blocks=where(draft.blocks), authors=list(draft.authors),
            regions=list(enrichment.regions), topics=list(enrichment.topics), tags=list(enrichment.tags),
            notes=list(draft.notes) + list(enrichment.notes), status=status)
        report.articles.append(entry)
        report.warnings += [f"{name}:{_at(w.line, cues)}: {w.message}" for w in draft.warnings]
        report.warnings += [f"{entry.path}: {w}" for w in enrichment.warnings]
        if status != "unchanged":
            files.append(FileToWrite(path, data, replaces))
    report.warnings += [f"{name}:{_at(w.line, cues)}: {w.message}" for w in parsed.warnings]
    report.unplaced = [UnplacedEntry(where([b])[0] if cues is not None else f"{b.first_line}-{b.last_line}", b.text)
                       for b in parsed.unplaced]

    if report.unplaced:
        name = _CONTROL.sub("?", name.replace("\n", "?").replace("\r", "?"))   # one line: the first
        data = (f"# unplaced blocks of {name} (sha256 {sha})\n\n"        # names the digest (_unplaced_file)
                + "".join(f"# {name} lines {u.lines}\n{u.text}\n\n" for u in report.unplaced)).encode()
        unplaced_path, replaces = _unplaced_file(site / config.articles_dir / UNPLACED_DIR, Path(name).stem, sha)
        report.unplaced_file = str(unplaced_path.relative_to(site))
        if replaces != data:
            files.append(FileToWrite(unplaced_path, data, replaces))
    return report, [] if dry_run else files


def _at(line: int, cues: Mapping[int, Layout] | None) -> str:
    """Where a warning's line is: the line of a text bulletin, a PDF's page and box."""
    if cues is None:
        return str(line)
    cue = cues.get(line) or cues.get(max((n for n in cues if n <= line), default=0))
    return f"p{cue.page} " + ",".join(str(round(x)) for x in cue.box) if cue else str(line)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise NewsgenError(f"cannot read: {exc.strerror or exc}", Location(path)) from None


def _unplaced_file(folder: Path, stem: str, sha: str) -> tuple[Path, bytes | None]:
    """Where this bulletin's unplaced blocks go, and the bytes there now (None: a new file).

    ``STEM.txt``, else ``STEM-2.txt``, ``STEM-3.txt`` …: the first that is free or already this
    bulletin's (its first line names the bulletin's digest). A file holding another bulletin's text
    (``page1.txt`` of another day) is never overwritten.
    """
    mark = f"(sha256 {sha})\n".encode()
    for n in itertools.count(1):
        path = folder / (f"{stem}.txt" if n == 1 else f"{stem}-{n}.txt")
        if not os.path.lexists(path):
            return path, None
        if path.is_file() and not path.is_symlink():
            current = _read(path)
            if current.split(b"\n", 1)[0].endswith(mark.rstrip(b"\n")):
                return path, current
    raise AssertionError("unreachable")


def _check_report_path(path: Path | None, digests: set[str]) -> bytes | None:
    """Check ``--report PATH`` before anything is written; the bytes of the report it replaces, if any.

    Its folder must exist and be writable. An existing file is replaced only when it is a report of
    this same bulletin (a run again, a dry run first); anything else there is refused, never overwritten.
    """
    if path is None:
        return None
    where = Location(path)
    if not path.parent.is_dir():
        raise NewsgenError(f"cannot write the report: there is no folder {path.parent}; create it or choose "
                           "another --report path", where)
    if path.is_dir():
        raise NewsgenError("is a folder; --report names a file to write, e.g. report.json", where)
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise NewsgenError(f"cannot write the report: the folder {path.parent} is not writable; choose another "
                           "--report path", where)
    if not os.path.lexists(path):
        return None
    old = _read(path) if path.is_file() and not path.is_symlink() else b""
    try:
        data = json.loads(old)
    except ValueError:
        data = None
    if not (isinstance(data, dict) and "bulletin" in data and data.get("sha256") in digests):
        raise NewsgenError("already exists and is not a report of this bulletin; choose another --report path "
                           "(e.g. with the date in its name) or delete the file first", where)
    return old
