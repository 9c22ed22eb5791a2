"""Locations, diagnostics and the one exception type newsgen raises on bad input.

Every stage reports problems as :class:`Diagnostic` values that carry a
:class:`Location`; only the CLI prints them and picks the exit code.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path


@dataclass(frozen=True, order=True)
class Location:
    """A place in a file: ``path`` plus 1-based ``line`` (and ``col`` when known)."""

    path: Path
    line: int | None = None
    col: int | None = None

    def __str__(self) -> str:
        text = str(self.path)
        if self.line is not None:
            text += f":{self.line}"
            if self.col is not None:
                text += f":{self.col}"
        return text


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in the input, with where it is and what to do."""

    location: Location
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        prefix = "" if self.severity is Severity.ERROR else "warning: "
        return f"{self.location}: {prefix}{self.message}"


@dataclass
class Diagnostics:
    """Collects every problem of a run so that all of them are reported at once."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, location: Location, message: str) -> None:
        self.items.append(Diagnostic(location, message, Severity.ERROR))

    def warning(self, location: Location, message: str) -> None:
        self.items.append(Diagnostic(location, message, Severity.WARNING))

    def extend(self, other: Iterable[Diagnostic]) -> None:
        self.items.extend(other)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.WARNING]

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


class NewsgenError(Exception):
    """Bad input that stops a command. Carries every diagnostic found so far."""

    def __init__(self, diagnostics: Iterable[Diagnostic] | Diagnostic | str, location: Location | None = None):
        if isinstance(diagnostics, str):
            diagnostics = [Diagnostic(location or Location(Path(".")), diagnostics)]
        elif isinstance(diagnostics, Diagnostic):
            diagnostics = [diagnostics]
        self.diagnostics: list[Diagnostic] = list(diagnostics)
        super().__init__("\n".join(str(d) for d in self.diagnostics))
