"""``newsgen serve``: build, serve on 127.0.0.1 (or ``--host``), rebuild on every change and reload the open pages.

- **Where it builds.** Into a temporary folder (``newsgen-serve-*`` in the system's temp directory,
  removed when the server stops), never into the site's ``build/``: previewing never disturbs a published
  build. The files there are exactly what ``newsgen build`` writes (same ``base_url``); the server mounts
  them at the path of ``base_url`` (``/archive/`` for ``https://example.org/archive/``), as MkDocs' dev
  server does.
- **How it builds.** Not in the server process, which is threaded (the build's render workers must not be
  forked from it), but in one build process started beside it (``python -m newsgen.commands.serve
  --build-worker``), which imports newsgen once and then runs ``build()`` on request, one build at a time:
  a small site rebuilds in a fraction of a second instead of paying a Python start-up each time. A build
  error does not stop the server: every page then shows the errors as ``path:line: message`` until the
  next build succeeds.
- **What it watches.** ``articles/``, ``templates/``, ``static/`` (recursively) and ``newsgen.yaml``, with
  watchfiles; a burst of saves makes one build.
- **How pages reload.** When a page is served, a small script is put before its ``</body>`` (the file on
  disk is left as the build wrote it). The script long-polls ``/__newsgen__/livereload?since=VERSION``,
  which answers as soon as a build newer than the page's has finished (or after 20 s, and it asks again);
  a newer version reloads the page.
- **What it answers.** Every request gets a status, whatever it holds: a path that cannot name a file of
  the site (a NUL or other control character, ``%00``, malformed percent-encoding or UTF-8, ``..`` raw or
  encoded, a backslash) is 400, one too long for a file name 414, over-long headers 431, a garbage request
  line 400; nothing escapes a handler as a traceback (a defect is a 500 and one line in the log).
- **Whom it answers.** Only requests naming this server in ``Host``: ``localhost``, ``127.0.0.1``,
  ``[::1]`` or the ``--host`` it was started with; any other name is 421, the long-poll included, so a
  page elsewhere cannot read the preview (drafts included) by DNS rebinding. See :class:`HostPolicy`,
  also for ``--host 0.0.0.0``.

Nothing here prints: ``log`` receives one line per event.
"""

from __future__ import annotations

import errno
import gc
import html
import http.server
import ipaddress
import json
import mimetypes
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, unquote_to_bytes, urlsplit

from newsgen import config as config_mod
from newsgen.errors import Location, NewsgenError

if TYPE_CHECKING:   # the build is imported by the worker only
    from newsgen.commands.build import BuildResult, BuildSession

RELOAD_PATH = "/__newsgen__/livereload"
#: The longest request target answered (longer: 414); a file name is at most 255 bytes (longer: 414 too).
MAX_TARGET = 8192
MAX_NAME_BYTES = 255
#: Names that always mean this machine (``*.localhost`` too: RFC 6761, browsers resolve it to loopback).
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "[::1]"})
POLL_SECONDS = 20.0
WATCH_TICK_MS = 300          # how often a watcher looks up from waiting (to notice stop, and to say it is ready)
WATCH_READY_SECONDS = 5.0
STOP_SECONDS = 2.0           # how long stopping waits for the watch threads (a build in flight is not waited for)
IDLE_EXIT_SECONDS = 1.0      # how long an idle build worker is given to exit once its input is closed
WATCHED_DIRS = ("templates", "static")
CONFIG_NAMES = frozenset({config_mod.CONFIG_FILE, "templates", "static", "articles"})

RELOAD_SCRIPT = """<script>
(function () {
  var version = %d;
  function poll() {
    fetch("%s?since=" + version, {cache: "no-store"})
      .then(function (r) { return r.json(); })
      .then(function (d) { if (d.version !== version) { location.reload(); } else { poll(); } })
      .catch(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
</script>
"""

ERROR_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>newsgen: build failed</title>
<style>body{{font:16px/1.6 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem}}
pre{{background:#fff4f4;border-left:4px solid #c00;padding:1rem;white-space:pre-wrap;font-size:15px}}</style>
</head><body>
<h1>Build failed</h1>
<pre id="newsgen-errors">{errors}</pre>
<p>Fix the file and save it: this page reloads by itself when the site builds again.</p>
</body></html>
"""


@dataclass(frozen=True)
class BuildState:
    version: int                 # 0 before the first build, then one more for every build
    error: str | None            # the build's diagnostics when it failed
    seconds: float = 0.0


class LiveSite:
    """The serve loop: builds (one at a time, in a subprocess), the current state, and who waits for it."""

    def __init__(self, site: Path, output: Path, *, drafts: bool = False, future: bool = False,
                 log: Callable[[str], None] | None = None) -> None:
        self.site, self.output = site, output
        self.flags = [*(["--drafts"] if drafts else []), *(["--future"] if future else [])]
        self.log = log or (lambda _line: None)
        self.state = BuildState(0, None)
        self.base_path = "/"
        self._changed = threading.Condition()
        self._dirty = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._worker = BuildWorker()
        self._tree_ready, self._root_ready = threading.Event(), threading.Event()

    # ------------------------------------------------------------------ building

    def build(self) -> BuildState:
        """Build once, synchronously; wake every page waiting for a new version."""
        start = time.perf_counter()
        reply = self._worker.build(self.site, self.output, self.flags)
        seconds = time.perf_counter() - start
        if self._stop.is_set():   # the build was abandoned by stop(): nothing to show or to say
            return self.state
        error = None if reply.get("ok") else str(reply.get("error") or "the build failed")
        if error is None:
            try:
                self.base_path = config_mod.load(self.site).base_path
            except NewsgenError:
                pass
        with self._changed:
            self.state = BuildState(self.state.version + 1, error, seconds)
            self._changed.notify_all()
        if error:
            self.log(f"build failed in {seconds:.2f}s; the pages show why:\n{error}")
        else:
            self.log(f"built in {seconds:.2f}s (version {self.state.version})")
        return self.state

    def wait_for_change(self, since: int, timeout: float = POLL_SECONDS) -> BuildState:
        with self._changed:
            self._changed.wait_for(lambda: self.state.version != since or self._stop.is_set(), timeout)
            return self.state

    def _builder(self) -> None:
        while not self._stop.is_set():
            if not self._dirty.wait(0.2):
                continue
            self._dirty.clear()
            try:
                self.build()
            except OSError as exc:   # the interpreter vanished, the disk is full: keep serving, say why
                with self._changed:
                    self.state = BuildState(self.state.version + 1, f"cannot run newsgen build: {exc}")
                    self._changed.notify_all()

    # ------------------------------------------------------------------ watching

    def _watch_tree(self) -> None:
        """``articles/``, ``templates/``, ``static/``, recursively; restarted when one of them appears."""
        import watchfiles

        while not self._stop.is_set():
            config = _config_or_default(self.site)
            folders = [self.site / config.articles_dir, *(self.site / d for d in WATCHED_DIRS)]
            present = [str(f) for f in folders if f.is_dir()]
            self._tree_restart = threading.Event()
            if not present:
                self._tree_restart.wait(0.5)
                continue
            stop = _either(self._stop, self._tree_restart)
            for changes in watchfiles.watch(*present, stop_event=stop, debounce=400, step=50,
                                            rust_timeout=WATCH_TICK_MS, yield_on_timeout=True, raise_interrupt=False):
                self._tree_ready.set()   # the first (maybe empty) yield: the watch is in place
                if changes:
                    self._dirty.set()

    def _watch_root(self) -> None:
        """The site folder itself, not recursively: ``newsgen.yaml``, and watched folders appearing or going."""
        import watchfiles

        def wanted(_change: watchfiles.Change, path: str) -> bool:
            return Path(path).name in CONFIG_NAMES

        for changes in watchfiles.watch(str(self.site), watch_filter=wanted, recursive=False, stop_event=self._stop,
                                        debounce=400, step=50, rust_timeout=WATCH_TICK_MS, yield_on_timeout=True,
                                        raise_interrupt=False):
            self._root_ready.set()
            if not changes:
                continue
            if any(Path(p).name != config_mod.CONFIG_FILE for _c, p in changes):
                self._tree_restart.set()
            self._dirty.set()

    def start(self) -> None:
        """Start watching, build once, then keep building on changes. Returns when the watches are in place,
        so that a change made right after is never missed (one made during the first build rebuilds)."""
        self._tree_restart = threading.Event()
        for target in (self._watch_tree, self._watch_root):
            thread = threading.Thread(target=target, name=f"newsgen-serve{target.__name__}", daemon=True)
            thread.start()
            self._threads.append(thread)
        self.build()
        self._tree_ready.wait(WATCH_READY_SECONDS)
        self._root_ready.wait(WATCH_READY_SECONDS)
        thread = threading.Thread(target=self._builder, name="newsgen-serve-builder", daemon=True)
        thread.start()
        self._threads.append(thread)

    def stop(self) -> None:
        """Stop building and watching, within about :data:`STOP_SECONDS` even while a build runs: the build
        in flight is abandoned (its output is temporary; the build state it may be writing in the site's
        ``.newsgen-cache`` is renamed into place file by file, index last, so the last state stays readable)."""
        self._stop.set()
        with self._changed:
            self._changed.notify_all()
        self._worker.close()   # first: the builder thread may be waiting for the worker's answer
        deadline = time.monotonic() + STOP_SECONDS
        for thread in self._threads:   # the watchers look up every WATCH_TICK_MS
            thread.join(timeout=max(0.0, deadline - time.monotonic()))


class BuildWorker:
    """One ``python -m newsgen.commands.serve --build-worker`` process that builds on request.

    A fresh process per build would spend most of a second starting Python and importing newsgen
    before building a small site; this one imports once and then runs ``build()`` for each request
    (a JSON line on its stdin, the answer a JSON line on its stdout). It is single-threaded, so the
    build may fork its render workers there. Restarted if it dies.

    It runs in a process group of its own, with the render workers and the stale check it forks: Ctrl+C
    in the terminal reaches the server only, and :meth:`close` ends a build in flight by killing the
    group, so that stopping never waits for a build.
    """

    def __init__(self) -> None:
        self._process: subprocess.Popen[str] | None = None
        self._guard = threading.Lock()   # the builder thread asks, the main thread closes
        self._busy = False               # a request was sent and its answer not yet read
        self._closed = False

    def build(self, site: Path, output: Path, flags: list[str]) -> dict[str, object]:
        request = json.dumps({"site": str(site), "output": str(output), "drafts": "--drafts" in flags,
                              "future": "--future" in flags})
        for _attempt in range(2):
            with self._guard:
                if self._closed:
                    return {"ok": False, "error": "the server is stopping"}
                process = self._ensure()
                self._busy = True
            try:
                assert process.stdin is not None and process.stdout is not None
                process.stdin.write(request + "\n")
                process.stdin.flush()
                line = process.stdout.readline()
            except OSError:
                line = ""
            if line:   # (an exception out of here, an interrupt, leaves it busy: close() kills it)
                with self._guard:
                    self._busy = False
                return dict(json.loads(line))
            with self._guard:   # it died (or was killed by close()): start a new one and ask again
                if self._process is process:
                    self._process, self._busy = None, False
            _kill(process)
        return {"ok": False, "error": "the build process stopped unexpectedly; see the terminal"}

    def _ensure(self) -> subprocess.Popen[str]:
        if self._process is None or self._process.poll() is not None:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "newsgen.commands.serve", "--build-worker"], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, text=True, encoding="utf-8", bufsize=1, start_new_session=True)
        return self._process

    def close(self) -> None:
        """End the worker: an idle one by closing its input (it exits at once), one building by killing it
        and what it forked. Asks made after this are answered that the server is stopping."""
        with self._guard:
            self._closed = True
            process, busy, self._process = self._process, self._busy, None
        if process is None:
            return
        if not busy:
            try:
                if process.stdin:
                    process.stdin.close()
                process.wait(timeout=IDLE_EXIT_SECONDS)
                return
            except (OSError, subprocess.TimeoutExpired):
                pass
        _kill(process)


def _kill(process: subprocess.Popen[str]) -> None:
    """Kill a build worker and the processes it forked (its process group), and reap it."""
    if process.poll() is None:
        try:
            if hasattr(os, "killpg"):
                os.killpg(process.pid, signal.SIGKILL)   # its own group: see BuildWorker
            else:
                process.kill()
        except OSError:   # it ended meanwhile
            pass
    process.wait()


def build_worker() -> int:
    """The worker's loop: one JSON request a line in, one JSON answer a line out (see :class:`BuildWorker`)."""
    from newsgen.commands.build import BuildSession, build

    gc.set_threshold(100_000, 50, 100)   # as the command line does: see newsgen.cli.main
    session = BuildSession()   # the parsed articles stay in memory between rebuilds
    try:
        return _serve_requests(build, session)
    finally:
        session.close()


def _serve_requests(build: Callable[..., BuildResult], session: BuildSession) -> int:
    for line in sys.stdin:
        request = json.loads(line)
        try:
            result = build(Path(request["site"]), Path(request["output"]), drafts=request["drafts"],
                           future=request["future"], search=False,   # a preview does not wait for the search index
                           background_cleanup=True, session=session, publishing=False)
            reply = {"ok": True, "pages": result.pages, "warnings": [str(w) for w in result.warnings]}
        except NewsgenError as exc:
            errors = sum(1 for d in exc.diagnostics if d.severity.value == "error")
            ordered = sorted(exc.diagnostics, key=lambda d: d.severity.value != "error")   # errors first
            reply = {"ok": False, "error": "\n".join([*(str(d) for d in ordered),
                                                      f"newsgen build: {errors} error(s)"])}
        except OSError as exc:
            reply = {"ok": False, "error": f"{exc.filename or ''}: {exc.strerror or exc}"}
        except Exception as exc:   # a defect: say so on the page, keep serving
            reply = {"ok": False, "error": f"internal error in newsgen build ({type(exc).__name__}: {exc}); "
                                           "please report it"}
        sys.stdout.write(json.dumps(reply, ensure_ascii=False) + "\n")   # the protocol, not a message
        sys.stdout.flush()
    return 0


class _Either(threading.Event):
    """An event set when either of two events is: watchfiles takes one ``stop_event``."""

    def __init__(self, a: threading.Event, b: threading.Event) -> None:
        super().__init__()
        self._a, self._b = a, b

    def is_set(self) -> bool:
        return self._a.is_set() or self._b.is_set()


def _either(a: threading.Event, b: threading.Event) -> threading.Event:
    return _Either(a, b)


def _config_or_default(site: Path) -> config_mod.Config:
    try:
        return config_mod.load(site)
    except NewsgenError:
        return config_mod.Config()


# --------------------------------------------------------------------------- serving

def inject(page: bytes, version: int) -> bytes:
    """``page`` with the reload script before its last ``</body>`` (or at its end)."""
    script = (RELOAD_SCRIPT % (version, RELOAD_PATH)).encode("utf-8")
    at = page.lower().rfind(b"</body>")
    return page + script if at < 0 else page[:at] + script + page[at:]


def error_page(error: str, version: int) -> bytes:
    return inject(ERROR_PAGE.format(errors=html.escape(error)).encode("utf-8"), version)


class Refused(Exception):
    """A request answered with an error status: ``status`` and the one line saying why."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


class HostPolicy:
    """Which ``Host`` a request may name: the defence against DNS rebinding.

    A page on any web site can make the browser ask ``evil.example:8000`` for the preview (drafts
    included) once ``evil.example`` resolves to 127.0.0.1; the browser then thinks the answer is
    ``evil.example``'s to read. Only the ``Host`` header tells such a request apart, so it must name
    this server: ``localhost`` (or ``*.localhost``), ``127.0.0.1``, ``[::1]`` or the host it was started
    with, with any port or none (a forwarded port, ``ssh -L 9000:localhost:8000``, keeps the name).

    Bound to every interface (``--host 0.0.0.0`` or ``::``), the preview is meant to be opened from
    other machines, by an address newsgen cannot know (the LAN's, a VPN's): then any IP address is
    accepted as well, and this machine's own name. An IP address is safe, since rebinding needs a
    name the attacker controls: a page whose origin is an IP address is that address's own. Any
    other name is still refused; start the server with ``--host NAME`` to allow one.
    """

    def __init__(self, bound: str) -> None:
        self.bound = bound
        self.anywhere = _is_unspecified(bound)
        names = {*LOOPBACK_NAMES, _host_key(bound)}
        if self.anywhere:
            own = socket.gethostname().lower().rstrip(".")
            names |= {own, own.split(".")[0], own.split(".")[0] + ".local"}
        self.names = frozenset(names)

    def check(self, host: str | None, version: str) -> None:
        """Raise :class:`Refused` unless ``host`` (the ``Host`` header or the authority of an
        absolute request target, None when absent) names this server."""
        if host is None:
            if version >= "HTTP/1.1":
                raise Refused(400, "a HTTP/1.1 request needs a Host header")
            return   # HTTP/1.0 without Host: no browser sends one, so no page can make one
        found = re.fullmatch(r"(\[[0-9A-Fa-f:.]+\]|[^:\[\]@/\s]+)(?::(\d{0,5}))?", host.strip())
        if found is None:
            raise Refused(400, f"malformed Host header {host!r}")
        name = _host_key(found.group(1))
        if name in self.names or name.endswith(".localhost"):
            return
        if self.anywhere and _is_ip(name):
            return
        raise Refused(421, f"this preview answers to localhost, 127.0.0.1 and [::1] only (and to the host it was "
                           f"started with: newsgen serve --host {self.bound}), not to {name!r}: a page elsewhere "
                           "must not read it through a name that leads here")


def _host_key(host: str) -> str:
    """``host`` as compared: lower case, no final dot, an IPv6 address in brackets."""
    host = host.strip().lower().rstrip(".")
    bare = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    try:
        address = ipaddress.ip_address(bare)
    except ValueError:
        return host
    return f"[{address.compressed}]" if address.version == 6 else address.compressed


def _is_ip(key: str) -> bool:
    try:
        ipaddress.ip_address(key[1:-1] if key.startswith("[") else key)
    except ValueError:
        return False
    return True


def _is_unspecified(host: str) -> bool:
    try:
        return host == "" or ipaddress.ip_address(host.strip("[]")).is_unspecified
    except ValueError:
        return False


#: A request target's allowed bytes: printable ASCII (no space, no control character).
_TARGET = re.compile(r"[\x21-\x7e]+")
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def path_segments(path: str) -> tuple[list[str], bool]:
    """The decoded segments of a request path (or of ``base_url``'s path), and whether it ends with '/'.

    Raises :class:`Refused`: 400 for malformed percent-encoding, a path that is not UTF-8 once decoded,
    a control character, a backslash or a '..' segment (browsers resolve those before asking, so only
    a crafted request holds one); 414 for a segment longer than a file name can be. Empty and '.'
    segments are dropped, as a file system does.
    """
    if _BAD_PERCENT.search(path):
        raise Refused(400, "malformed percent-encoding in the path ('%' must be followed by two hex digits)")
    segments = []
    for raw in path.split("/"):
        try:
            segment = unquote_to_bytes(raw).decode("utf-8")
        except UnicodeDecodeError:
            raise Refused(400, "the path is not UTF-8 once percent-decoded") from None
        if _CONTROL.search(segment):
            raise Refused(400, "the path holds a control character (a NUL, a line break)")
        if "/" in segment or "\\" in segment:
            raise Refused(400, "the path holds an encoded '/' or a '\\' in a segment")
        if segment == "..":
            raise Refused(400, "the path holds a '..' segment")
        if len(segment.encode("utf-8")) > MAX_NAME_BYTES:
            raise Refused(414, f"a segment of the path is longer than {MAX_NAME_BYTES} bytes, longer than any "
                               "file name")
        if segment not in ("", "."):
            segments.append(segment)
    return segments, path.endswith("/")


class _Handler(http.server.BaseHTTPRequestHandler):
    """Answers every request with a status: the site's files, the long-poll, or an error saying why.

    Nothing a client sends ends a connection unanswered or raises out of the handler: a malformed
    request line is 400, an over-long one 414, over-long headers 431, a path that cannot name a file
    400, 404 or 414, a ``Host`` that is not this server 421 (see :class:`HostPolicy`).
    """

    live: LiveSite
    hosts: HostPolicy
    server_version = "newsgen-serve"
    default_request_version = "HTTP/1.0"   # so that an error before the version is known has a status line
    timeout = 60                           # an idle or trickling connection is dropped (the long-poll waits 20 s)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's signature
        pass

    def parse_request(self) -> bool:
        self.command, self.request_version, self.requestline = None, self.default_request_version, ""
        if not self.raw_requestline.strip():   # an empty line before the request line is allowed (RFC 9112)
            self.raw_requestline = self.rfile.readline(65537)
            if not self.raw_requestline.strip():
                self.send_error(400, "Bad request: no request line")
                return False
            if len(self.raw_requestline) > 65536:
                self.send_error(414)
                return False
        if len(self.raw_requestline.split()) == 2:   # HTTP/0.9: no headers, no status line: refused
            self.send_error(400, "Bad request: HTTP/0.9 is not supported; send 'GET /path HTTP/1.1'")
            return False
        return super().parse_request()

    def do_HEAD(self) -> None:  # noqa: N802 - the base class's naming
        self._answer(head=True)

    def do_GET(self) -> None:  # noqa: N802
        self._answer(head=False)

    def _answer(self, head: bool) -> None:
        try:
            self._respond(head)
        except Refused as refused:
            self._send(refused.status, "text/plain; charset=utf-8", f"{refused.reason}\n".encode(), head)
        except (BrokenPipeError, ConnectionResetError):
            pass
        except Exception as exc:   # a defect: answer 500 with what it was, keep serving
            self.live.log(f"internal error answering {self.requestline[:200]!r} ({type(exc).__name__}: {exc}); "
                          "please report it")
            self._send(500, "text/plain; charset=utf-8", b"internal error in newsgen serve; see the terminal\n",
                       head)

    def _target(self) -> tuple[str, str]:
        """The path and the query of the request target, once its form and its ``Host`` are checked."""
        target = self.path
        if len(target) > MAX_TARGET:
            raise Refused(414, f"the request target is longer than {MAX_TARGET} bytes")
        if not _TARGET.fullmatch(target):
            raise Refused(400, "the request target holds a space, a control character or a byte outside ASCII; "
                               "percent-encode it")
        hosts = self.headers.get_all("Host") or []
        if len(hosts) > 1:
            raise Refused(400, "more than one Host header")
        host = hosts[0] if hosts else None
        if target.startswith("/"):
            path, _, query = target.partition("?")
        elif re.match(r"https?://", target, re.IGNORECASE):   # absolute form: its authority is the host
            try:
                parts = urlsplit(target)
            except ValueError:   # an unclosed '[' in the authority
                raise Refused(400, "malformed address in the request target") from None
            host, path, query = parts.netloc, parts.path or "/", parts.query
        else:
            raise Refused(400, "the request target must be a path starting with '/'")
        self.hosts.check(host, self.request_version)
        return path.partition("#")[0], query

    def _respond(self, head: bool) -> None:
        path, query = self._target()
        if path == RELOAD_PATH:
            try:
                since = int(parse_qs(query).get("since", ["-1"])[0])
            except ValueError:
                since = -1
            state = self.live.wait_for_change(since)
            body = json.dumps({"version": state.version, "ok": state.error is None}).encode()
            return self._send(200, "application/json", body, head)
        state = self.live.state
        base = self.live.base_path
        segments, slash = path_segments(path)
        base_segments = path_segments(base)[0]
        if segments[:len(base_segments)] != base_segments:
            if not segments:
                return self._redirect(base)
            return self._send(404, "text/plain; charset=utf-8", f"not found: the site is served at {base}\n".encode(),
                              head)
        rel = segments[len(base_segments):]
        name = rel[-1] if rel else ""
        page_like = not rel or slash or name.endswith(".html") or "." not in name
        if state.error is not None and page_like:
            return self._send(500, "text/html; charset=utf-8", error_page(state.error, state.version), head)
        root = self.live.output.resolve()
        try:
            target = root.joinpath(*rel).resolve()
            if target != root and root not in target.parents:
                return self._send(404, "text/plain; charset=utf-8", b"not found\n", head)
            if target.is_dir():
                if not slash and rel:
                    return self._redirect(path + "/" + (f"?{query}" if query else ""))
                target = target / "index.html"
            status = 200
            if not target.is_file():
                status, target = 404, root / "404.html"
                if not target.is_file():
                    return self._send(404, "text/plain; charset=utf-8", b"not found\n", head)
            data = target.read_bytes()
        except OSError:   # a name too long for this file system, a folder being replaced by a build
            return self._send(404, "text/plain; charset=utf-8", b"not found\n", head)
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind == "text/html":
            data = inject(data, state.version)
        if kind.startswith("text/") or kind in ("application/xml", "application/json", "application/javascript"):
            kind += "; charset=utf-8"
        self._send(status, kind, data, head)

    def _redirect(self, where: str) -> None:
        self.send_response(302)
        self.send_header("Location", where)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, status: int, kind: str, body: bytes, head: bool) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if not head:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):   # the browser went away (a reload): nothing to do
            pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True      # a page's pending long-poll must not keep the process alive
    allow_reuse_address = True
    log: Callable[[str], None] = staticmethod(lambda _line: None)

    def handle_error(self, request: object, client_address: object) -> None:
        """One line, not a traceback, for what escaped a handler (a connection reset while reading)."""
        kind, exc = sys.exc_info()[:2]
        if kind is not None and not issubclass(kind, ConnectionError | TimeoutError):
            self.log(f"error answering {client_address}: {kind.__name__}: {exc}")


class _Server6(_Server):
    address_family = socket.AF_INET6


@dataclass
class Preview:
    """A running preview: ``url`` to open, ``output`` where the pages are, ``stop()`` to end it."""

    url: str
    output: Path
    live: LiveSite
    server: _Server
    _tmp: Path

    def serve_forever(self) -> None:
        self.server.serve_forever(poll_interval=0.2)

    def stop(self) -> None:
        """Stop watching, close the socket and remove the temporary output (after ``serve_forever`` ended)."""
        self.live.stop()
        self.server.server_close()
        shutil.rmtree(self._tmp, ignore_errors=True)


def host_problem(host: str) -> str | None:
    """Why ``host`` is no address to listen on (an IP address or a host name), or None."""
    try:
        ipaddress.ip_address(host[1:-1] if host.startswith("[") and host.endswith("]") else host)
        return None
    except ValueError:
        pass
    labels = host.rstrip(".").split(".")
    if host and len(host) <= 253 and all(re.fullmatch(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)", x) for x in labels):
        return None
    return (f"{host!r} is no IP address or host name; use e.g. 127.0.0.1 (the default: this machine only), "
            "::1, or 0.0.0.0 (every interface: the preview, drafts included, is then open to the network)")


def start(site: Path, port: int = 8000, *, drafts: bool = False, future: bool = False, host: str = "127.0.0.1",
          log: Callable[[str], None] | None = None) -> Preview:
    """Bind ``host:port``, build once, start watching. Call ``serve_forever()`` then ``stop()``.

    Raises NewsgenError when the port is out of range or taken, the host is no address, or the site
    folder is missing."""
    if not 0 <= port <= 65535:
        raise NewsgenError(f"port {port} is out of range: use a number from 1 to 65535, or 0 to pick a free one",
                           Location(Path("--port")))
    found = host_problem(host)
    if found:
        raise NewsgenError(found, Location(Path("--host")))
    if not site.is_dir():
        raise NewsgenError("no such site directory", Location(site))
    bare = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    handler = type("Handler", (_Handler,), {"hosts": HostPolicy(bare)})
    shown = f"[{bare}]" if ":" in bare else bare
    try:
        family = socket.getaddrinfo(bare, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0][0]
        server = (_Server6 if family == socket.AF_INET6 else _Server)((bare, port), handler)
    except socket.gaierror as exc:
        raise NewsgenError(f"cannot listen on {host!r}: {exc.strerror or exc}; use an address of this machine, "
                           "e.g. 127.0.0.1", Location(Path("--host"))) from None
    except OSError as exc:
        if exc.errno == errno.EADDRNOTAVAIL:
            raise NewsgenError(f"cannot listen on {shown}:{port}: {exc.strerror}: {shown} is no address of this "
                               "machine; use 127.0.0.1, or 0.0.0.0 for every interface",
                               Location(Path("--host"))) from None
        raise NewsgenError(f"cannot listen on {shown}:{port}: {exc.strerror or exc}; choose "
                           "another with --port (--port 0 picks a free one)", Location(Path("--port"))) from None
    tmp: Path | None = None
    live: LiveSite | None = None
    try:   # an interrupt during the first build (Ctrl+C, `kill`) stops the build and leaves no folder behind
        tmp = Path(tempfile.mkdtemp(prefix="newsgen-serve-"))
        live = LiveSite(site.resolve(), tmp / "site", drafts=drafts, future=future, log=log)
        handler.live = live
        server.log = live.log
        live.start()
    except BaseException:
        if live is not None:
            live.stop()   # before removing the folder: the build worker writes into it
        server.server_close()
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        raise
    assert live is not None and tmp is not None   # (made in the try above)
    bound = server.server_address[1]
    if _is_unspecified(bare):   # every interface: this machine's own address opens it here
        shown = "[::1]" if ":" in bare else "127.0.0.1"
    return Preview(url=f"http://{shown}:{bound}{live.base_path}", output=live.output, live=live, server=server,
                   _tmp=tmp)


if __name__ == "__main__" and sys.argv[1:] == ["--build-worker"]:
    sys.exit(build_worker())
