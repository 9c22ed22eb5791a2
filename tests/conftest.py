"""Test settings shared by every test module.

Property tests explore new random examples on every local run; CI runs them derandomized
(``HYPOTHESIS_PROFILE=ci``, set by ``.ci/run``) so that a landing never depends on luck. A
failure found locally is replayed from Hypothesis' example database until it is fixed.
"""

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


import shutil  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402


@pytest.fixture(autouse=True, scope="session")
def _no_build_cache_left_in_fixtures():
    """Tests build the fixture sites in place; the cache those builds keep must not stay in the tree."""
    yield
    for cache in (Path(__file__).parent / "fixtures").glob("*/.newsgen-cache"):
        shutil.rmtree(cache, ignore_errors=True)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A copy of the example site (``fixtures/site``) without its build state, to build and edit. A
    module that needs another site defines its own ``site``."""
    site = tmp_path / "site"
    shutil.copytree(Path(__file__).parent / "fixtures" / "site", site, ignore=shutil.ignore_patterns(".newsgen-cache"))
    return site


@pytest.fixture(scope="module")
def browser():  # noqa: ANN201 - a Playwright browser
    """Debian's Chromium driven by Playwright, one a test module: skipped where it is not installed,
    unless CI requires it (``NEWSGEN_REQUIRE_BROWSER=1``, see ``served.sync_api``)."""
    from served import ARGS, CHROMIUM, sync_api

    with sync_api().sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()
