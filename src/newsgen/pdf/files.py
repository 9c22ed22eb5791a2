"""Which paths are an issue's PDF pages (no PDF library is loaded to tell)."""

from __future__ import annotations

from pathlib import Path

from newsgen.errors import Location, NewsgenError


def is_pdf(path: Path) -> bool:
    """Whether ``path`` is a PDF (by its first bytes) or a folder holding some (an issue's pages)."""
    if path.is_dir():
        return any(p.suffix.lower() == ".pdf" for p in path.iterdir())
    if path.suffix.lower() == ".pdf":
        return True
    try:
        with path.open("rb") as fh:
            return fh.read(1024).lstrip().startswith(b"%PDF")
    except OSError:
        return False


def pdf_files(paths: list[Path]) -> list[Path]:
    """The PDF files of an issue: the files given, in order; a folder's PDFs, sorted by name."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() == ".pdf" and p.is_file())
            if not found:
                raise NewsgenError("the folder holds no PDF file (*.pdf)", Location(path))
            files += found
        else:
            files.append(path)
    return files
