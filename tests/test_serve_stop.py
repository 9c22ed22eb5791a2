"""``newsgen serve`` stops promptly and cleanly on SIGTERM (as ``kill`` and test harnesses send it) at any
moment: during its first build (a signal that comes before the server handles it would end the process with
its temporary output left behind), and while a rebuild runs (the build is abandoned, not waited for). It
prints "stopped", removes its temporary output, leaves no process behind, and the site builds right after.

A build is made slow deterministically by a template of the site that loops for about a minute.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsgen.commands.build import build
from newsgen.commands.init import init

THEME = Path(__file__).resolve().parents[1] / "src" / "newsgen" / "theme" / "templates"
ARTICLE = "---\ntitle: 供水管网改造\ndate: 2025-08-06\nslug: gongshui\nregions: [江西省/南昌市/青山湖区/罗家镇]\n" \
          "topics: [水利]\nsummary: 供水管网改造。\n---\n\n罗家镇供水管网改造完工。\n"
#: A loop in the article's template: about a minute of rendering, far longer than any stop may take.
SLOW = "{% for i in range(600000000) %}{% endfor %}"
#: How long stopping may take, a build in flight or not: generous (the machine is shared); without
#: abandoning the build it took over 7 s (2 s for the builder thread, then up to 5 s for the worker).
STOP_WITHIN = 4.0
#: How long a build of the small site may take to get under way on a busy machine.
START_WITHIN = 60.0


def marked(mark: str) -> list[int]:
    """The processes (the server, its build worker, what that forked) whose environment holds ``mark``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if f"NEWSGEN_TEST_MARK={mark}".encode() in (entry / "environ").read_bytes().split(b"\0"):
                    found.append(int(entry.name))
            except OSError:   # ended meanwhile, or not ours to read
                pass
    return found


def wait_for(condition, within: float, what: str) -> None:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not within {within} s")
        time.sleep(0.05)


class Server:
    def __init__(self, site: Path, tmp: Path) -> None:
        self.site, self.tmp, self.mark = site, tmp, uuid.uuid4().hex
        env = dict(os.environ, TMPDIR=str(tmp), NEWSGEN_TEST_MARK=self.mark)
        self.process = subprocess.Popen([sys.executable, "-m", "newsgen", "serve", "--site", str(site), "--port", "0"],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
                                        env=env)

    def building(self) -> bool:
        """A build into the temporary output is under way: it holds the output's lock file."""
        return any(self.tmp.glob("newsgen-serve-*/.site.lock"))

    def stop(self) -> tuple[float, str, str]:
        """SIGTERM; how long the server took to exit, and its stdout and stderr."""
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            out, err = self.process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            out, err = self.process.communicate()
        return time.monotonic() - started, out, err

    def end(self) -> None:
        """Whatever the test found: nothing of this server is left running."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()
        for pid in marked(self.mark):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


@pytest.fixture
def site(tmp_path: Path) -> Path:
    site = tmp_path / "s"
    init(site, province="江西省", title="停止测试")
    article = site / "articles" / "2025" / "08" / "gongshui.md"
    article.parent.mkdir(parents=True)
    article.write_text(ARTICLE, encoding="utf-8")
    return site


@pytest.fixture
def server_of(tmp_path: Path) -> Iterator:
    servers: list[Server] = []

    def start(site: Path) -> Server:
        tmp = tmp_path / f"tmp{len(servers)}"   # the server's TMPDIR: where its temporary output goes
        tmp.mkdir()
        servers.append(Server(site, tmp))
        return servers[-1]

    yield start
    for server in servers:
        server.end()


def slow_templates(site: Path) -> None:
    """The site's own article template: the theme's, with a loop of a minute in it."""
    (site / "templates").mkdir(exist_ok=True)
    text = (THEME / "article.html").read_text(encoding="utf-8")
    assert "{% block head %}" in text
    tmp = site / "templates" / ".article.html.tmp"
    tmp.write_text(text.replace("{% block head %}", "{% block head %}" + SLOW, 1), encoding="utf-8")
    os.replace(tmp, site / "templates" / "article.html")


def assert_stopped_cleanly(server: Server, seconds: float, out: str, err: str) -> None:
    assert server.process.returncode == 0, err
    assert "stopped" in out.splitlines(), (out, err)
    assert "build failed" not in err   # an abandoned build is no failed build
    assert seconds < STOP_WITHIN, f"the server took {seconds:.1f} s to stop"
    assert not list(server.tmp.iterdir()), "the temporary output was left behind"
    wait_for(lambda: not marked(server.mark), 5.0, "the build worker and what it forked ended")


def assert_builds_as_cold(site: Path, tmp_path: Path) -> None:
    """``newsgen build`` after the abandoned build (its state in the site's .newsgen-cache) writes the same
    files as a build from nothing."""
    done = subprocess.run([sys.executable, "-m", "newsgen", "build", "--site", str(site)], capture_output=True,
                          text=True, encoding="utf-8", timeout=120)
    assert done.returncode == 0, done.stderr
    build(site, tmp_path / "cold", incremental=False)
    built = sorted(p.relative_to(site / "build") for p in (site / "build").rglob("*") if p.is_file())
    cold = sorted(p.relative_to(tmp_path / "cold") for p in (tmp_path / "cold").rglob("*") if p.is_file())
    assert built == cold
    for rel in built:
        assert (site / "build" / rel).read_bytes() == (tmp_path / "cold" / rel).read_bytes(), rel


def test_a_server_told_to_stop_during_its_first_build_stops_cleanly(site, server_of, tmp_path):
    slow_templates(site)
    server = server_of(site)
    wait_for(server.building, START_WITHIN, "the first build started")
    time.sleep(0.5)   # the build is rendering
    seconds, out, err = server.stop()
    assert_stopped_cleanly(server, seconds, out, err)
    assert "serving" not in out   # it never served
    (site / "templates" / "article.html").unlink()
    assert_builds_as_cold(site, tmp_path)


def test_a_server_told_to_stop_while_it_rebuilds_stops_cleanly(site, server_of, tmp_path):
    server = server_of(site)
    assert server.process.stdout is not None
    line = server.process.stdout.readline()
    assert re.search(r"at http://127\.0\.0\.1:\d+/\S* \(built into .+\);", line), line
    assert not server.building()
    slow_templates(site)   # a change: the server rebuilds, slowly
    wait_for(server.building, START_WITHIN, "the rebuild started")
    time.sleep(0.5)
    seconds, out, err = server.stop()
    assert_stopped_cleanly(server, seconds, out, err)
    (site / "templates" / "article.html").unlink()
    assert_builds_as_cold(site, tmp_path)

