"""The golden site: the fixture site's expected *generated* output, in ``tests/golden/site``.

Static files are copied, not generated, so the golden copy leaves them out (it would only
duplicate the theme's stylesheet); :func:`check_static` compares them with their source. The
search index (``search-index/``, hundreds of small JSON files) is left out too, and tested by
reading and searching it (``tests/test_search*.py``).
Refresh after an intended change: ``NEWSGEN_REFRESH_GOLDEN=1 .venv/bin/pytest tests/test_build.py``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from newsgen.render import static_dirs

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixtures" / "site"
GOLDEN = HERE / "golden" / "site"
STATIC = "static"
SEARCH = "search-index"


def files_of(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` by relative path, with its bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def generated_files(root: Path) -> dict[str, bytes]:
    """The files of a built site that newsgen generated (everything but ``static/`` and ``search-index/``)."""
    return {name: data for name, data in files_of(root).items()
            if not name.startswith((f"{STATIC}/", f"{SEARCH}/"))}


def unstable(name: str) -> bool:
    """A search-index file that two builds of the same pages write differently: none (newsgen's index
    is a function of the pages; Pagefind's, before it, was not). Kept for the tests that ask."""
    return False


def refresh(out: Path) -> None:
    """Replace the golden copy with the generated files of ``out``."""
    shutil.rmtree(GOLDEN, ignore_errors=True)
    for name, data in generated_files(out).items():
        target = GOLDEN / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def check_static(out: Path, site: Path = FIXTURE) -> None:
    """Every static file of the theme and the site is in ``out/static`` as it is in its source."""
    expected: dict[str, bytes] = {}
    for directory in static_dirs(site):   # the site's files override the theme's by name
        expected.update({f"{STATIC}/{name}": data for name, data in files_of(directory).items()})
    actual = {name: data for name, data in files_of(out).items() if name.startswith(f"{STATIC}/")}
    assert actual == expected
