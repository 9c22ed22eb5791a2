"""The link checker moved into the package (``newsgen.linkcheck``, used by ``newsgen check --links``).

Kept here so that tests importing ``from linkcheck import check_links`` keep working, and as a shell
tool: ``python tests/linkcheck.py build [/archive/ [https://example.org/archive/]]``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from newsgen.linkcheck import (  # noqa: F401 - re-exported for the tests
    BrokenLink,
    check_links,
    internal_links,
    links_of,
    robots_links_of,
    xml_links_of,
)

if __name__ == "__main__":
    found = check_links(Path(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else "/",
                        sys.argv[3] if len(sys.argv) > 3 else "")
    for item in found:
        print(item)
    print(f"{len(found)} broken internal link(s)")
    sys.exit(1 if found else 0)
