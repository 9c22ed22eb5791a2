"""``newsgen serve`` against hostile requests: every request gets an HTTP status, the server keeps serving,
nothing is printed as a traceback, and a request naming another host (DNS rebinding) is refused.

The server runs as the editor runs it (``python -m newsgen serve``, a separate process, one for the module);
requests are written byte for byte on a socket, since ``http.client`` would refuse to send most of them.
Its flags (``--port``, ``--host``) are checked before anything is bound or built.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsgen.cli import main
from newsgen.commands import serve
from newsgen.commands.init import init

ARTICLE = "---\ntitle: 供水管网改造\ndate: 2025-08-06\nslug: gongshui\n---\n\n罗家镇供水管网改造完工。\n"
DRAFT = "---\ntitle: 内部草稿\ndate: 2025-08-06\nslug: caogao\ndraft: true\n---\n\n还没有发表。\n"


class Server:
    def __init__(self, process: subprocess.Popen[str], port: int, site: Path) -> None:
        self.process, self.port, self.site = process, port, site

    def raw(self, request: bytes, host: str = "127.0.0.1") -> bytes:
        """Send ``request`` as it is and read the whole answer (the server closes after each)."""
        with socket.create_connection((host, self.port), timeout=10) as sock:
            sock.sendall(request)
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
        return data

    def get(self, target: bytes, host: bytes | None = b"127.0.0.1", version: bytes = b"HTTP/1.1") -> tuple[int, bytes]:
        headers = b"Host: " + host + b"\r\n" if host is not None else b""
        return status_of(self.raw(b"GET " + target + b" " + version + b"\r\n" + headers + b"Connection: close\r\n\r\n"))


def status_of(answer: bytes) -> tuple[int, bytes]:
    """The status of an answer and its body; fails if there is no status line (a dropped connection)."""
    found = re.match(rb"HTTP/1\.[01] (\d{3}) ", answer)
    assert found, f"no status line in {answer[:200]!r}"
    return int(found.group(1)), answer.partition(b"\r\n\r\n")[2]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    site = tmp_path_factory.mktemp("hostile") / "s"
    init(site, province="江西省", title="预览")
    (site / "articles" / "2025" / "08").mkdir(parents=True)
    (site / "articles" / "2025" / "08" / "gongshui.md").write_text(ARTICLE, encoding="utf-8")
    (site / "articles" / "2025" / "08" / "caogao.md").write_text(DRAFT, encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "newsgen", "serve", "--site", str(site), "--port", "0",
                                "--drafts"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               encoding="utf-8")
    line = process.stdout.readline() if process.stdout else ""
    found = re.search(r"at http://127\.0\.0\.1:(\d+)/ ", line)
    if found is None:
        process.kill()
        pytest.fail(f"newsgen serve did not start: {line!r} {process.stderr.read() if process.stderr else ''}")
    try:
        yield Server(process, int(found.group(1)), site)
    finally:
        process.terminate()
        out, err = process.communicate(timeout=15)
    # whatever was sent, the server printed no traceback and stopped cleanly
    assert "Traceback" not in err and "Exception occurred" not in err, err
    assert "stopped" in out


# --------------------------------------------------------------------------- every request gets a status

HOSTILE = {
    "NUL byte in the path": (b"GET /a\x00b HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", {400}),
    "percent-encoded NUL": (b"GET /a%00b HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", {400}),
    "percent-encoded line break": (b"GET /a%0d%0aSet-Cookie:x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", {400}),
    "invalid UTF-8 once decoded": (b"GET /a%ffb/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", {400}),
    "malformed percent-encoding": (b"GET /a%zz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", {400}),
    "lone percent sign": (b"GET /100% HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", {400}),
    "raw byte outside ASCII": (b"GET /\xe6\x96\xb0\xff HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", {400}),
    "raw carriage return": (b"GET /a\rb HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", {400}),
    "100 kB path": (b"GET /" + b"a" * 100_000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", {414}),
    "20 kB path": (b"GET /" + b"a/" * 10_000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", {414}),
    "300-byte segment": (b"GET /" + b"a" * 300 + b"/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", {414}),
    "300-byte file name": (b"GET /" + b"a" * 300 + b".html HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", {414}),
    "encoded 300-byte segment": (b"GET /" + b"%E6%96%B0" * 100 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", {414}),
    "dot-dot": (b"GET /../../../../etc/passwd HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", {400}),
    "dot-dot inside": (b"GET /static/../../etc/passwd HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", {400}),
    "encoded dot-dot": (b"GET /%2e%2e/%2E%2E/etc/passwd HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", {400}),
    "encoded slashes": (b"GET /..%2f..%2fetc%2fpasswd HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", {400}),
    "backslashes": (b"GET /..\\..\\etc\\passwd HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", {400}),
    "encoded backslashes": (b"GET /..%5c..%5cetc%5cpasswd HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", {400}),
    "absolute file path": (b"GET //etc/passwd HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", {404}),
    "garbage request line": (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n", {400}),
    "one word": (b"HELLO\r\n\r\n", {400}),
    "HTTP/0.9": (b"GET /\r\n\r\n", {400}),
    "four words": (b"GET / HTTP/1.1 extra\r\n\r\n", {400}),
    "bad version": (b"GET / HTTP/9\r\nHost: 127.0.0.1\r\n\r\n", {400}),
    "HTTP/2 line": (b"GET / HTTP/2.0\r\nHost: 127.0.0.1\r\n\r\n", {505}),
    "empty lines only": (b"\r\n\r\n\r\n", {400}),
    "asterisk target": (b"GET * HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", {400}),
    "relative target": (b"GET index.html HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", {400}),
    "unclosed IPv6 authority": (b"GET http://[::1/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", {400}),
    "huge header": (b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: " + b"a" * 100_000 + b"\r\n\r\n", {431}),
    "too many headers": (b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"X-A: a\r\n" * 200 + b"\r\n", {431}),
    "unknown method": (b"BREW / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", {501}),
    "POST": (b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\n\r\nabc", {501}),
    "huge since in the long-poll": (b"GET /__newsgen__/livereload?since=" + b"9" * 5000 + b" HTTP/1.1\r\n"
                                    b"Host: 127.0.0.1\r\n\r\n", {200}),
    "no Host in HTTP/1.1": (b"GET / HTTP/1.1\r\n\r\n", {400}),
    "two Host headers": (b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n\r\n", {400}),
    "malformed Host": (b"GET / HTTP/1.1\r\nHost: a b\r\n\r\n", {400}),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_every_hostile_request_gets_a_status_and_the_server_keeps_serving(served: Server, case: str):
    request, statuses = HOSTILE[case]
    status, body = status_of(served.raw(request))
    assert status in statuses, (status, body[:300])
    assert b"root:" not in body and b"Traceback" not in body
    assert served.get(b"/")[0] == 200                         # and the next request is answered as usual
    assert served.process.poll() is None


def test_the_site_is_served_and_a_directory_without_slash_redirects(served: Server):
    status, body = served.get(b"/2025/08/gongshui/")
    assert status == 200 and "供水管网改造".encode() in body
    answer = served.raw(b"GET /2025/08/gongshui HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    assert status_of(answer)[0] == 302 and b"\r\nLocation: /2025/08/gongshui/\r\n" in answer
    assert served.get(b"/no/such/page/")[0] == 404
    assert served.get(b"/2025/./08/%67ongshui/")[0] == 200   # '.' segments and encoded letters are harmless
    assert served.get(b"/", version=b"HTTP/1.0", host=None)[0] == 200   # HTTP/1.0 may leave Host out


# --------------------------------------------------------------------------- DNS rebinding

@pytest.mark.parametrize("host", [b"127.0.0.1", b"127.0.0.1:8000", b"localhost", b"LOCALHOST:1234", b"localhost.",
                                  b"[::1]", b"[::1]:8000", b"[0:0:0:0:0:0:0:1]", b"preview.localhost:8000"])
def test_this_machines_names_are_served(served: Server, host: bytes):
    assert served.get(b"/2025/08/caogao/", host=host)[0] == 200


@pytest.mark.parametrize("host", [b"evil.example", b"evil.example:8000", b"127.0.0.1.nip.io", b"localhost.evil.example",
                                  b"192.168.1.20", b"10.0.0.1:8000", b"[2001:db8::1]", b"0.0.0.0", b"xn--fsqu00a.com"])
@pytest.mark.parametrize("target", [b"/", b"/2025/08/caogao/", b"/static/style.css", b"/sitemap.xml",
                                    b"/__newsgen__/livereload?since=-1", b"/no/such/page/"])
def test_a_request_naming_another_host_is_refused(served: Server, host: bytes, target: bytes):
    status, body = served.get(target, host=host)
    assert status == 421
    assert "内部草稿".encode() not in body and b"version" not in body
    assert b"localhost, 127.0.0.1 and [::1] only" in body


def test_an_absolute_target_is_checked_by_its_own_host(served: Server):
    assert served.get(b"http://evil.example/2025/08/caogao/", host=b"127.0.0.1")[0] == 421
    assert served.get(b"http://localhost/2025/08/caogao/", host=b"evil.example")[0] == 200


def test_host_policy_of_a_server_bound_to_every_interface():
    policy = serve.HostPolicy("0.0.0.0")
    for host in ("192.168.1.20:8000", "10.0.0.1", "[fe80::1]:8000", "localhost", socket.gethostname()):
        policy.check(host, "HTTP/1.1")
    with pytest.raises(serve.Refused) as refused:
        policy.check("evil.example:8000", "HTTP/1.1")
    assert refused.value.status == 421
    named = serve.HostPolicy("preview.example")
    named.check("preview.example:8000", "HTTP/1.1")
    named.check("PREVIEW.example.", "HTTP/1.1")
    with pytest.raises(serve.Refused):
        named.check("192.168.1.20", "HTTP/1.1")   # an IP address is only allowed on a wildcard bind


def test_a_server_on_every_interface_serves_an_ip_host_and_refuses_a_name(tmp_path: Path):
    site = tmp_path / "s"
    init(site, title="预览")
    preview = serve.start(site, 0, host="0.0.0.0")
    thread = threading.Thread(target=preview.serve_forever, daemon=True)
    thread.start()
    try:
        assert preview.url.startswith("http://127.0.0.1:")
        server = Server(None, preview.server.server_address[1], site)   # type: ignore[arg-type]
        assert server.get(b"/", host=b"192.168.1.20:8000")[0] == 200
        assert server.get(b"/", host=b"evil.example")[0] == 421
    finally:
        preview.server.shutdown()
        preview.stop()


# --------------------------------------------------------------------------- --port, --host

@pytest.mark.parametrize("argv, message", [
    (["--port", "-1"], "--port: port -1 is out of range: use a number from 1 to 65535, or 0 to pick a free one"),
    (["--port", "65536"], "--port: port 65536 is out of range: use a number from 1 to 65535, or 0 to pick a free one"),
    (["--port", "99999999999999999999"], "--port: port 99999999999999999999 is out of range: use a number from 1 to "
                                         "65535, or 0 to pick a free one"),
    (["--host", "exa mple"], "--host: 'exa mple' is no IP address or host name; use e.g. 127.0.0.1 (the default: "
                             "this machine only), ::1, or 0.0.0.0 (every interface: the preview, drafts included, is "
                             "then open to the network)"),
    (["--host", ""], "--host: '' is no IP address or host name; use e.g. 127.0.0.1 (the default: this machine only), "
                     "::1, or 0.0.0.0 (every interface: the preview, drafts included, is then open to the network)"),
    (["--host", "http://localhost/"], "--host: 'http://localhost/' is no IP address or host name; use e.g. "
                                      "127.0.0.1 (the default: this machine only), ::1, or 0.0.0.0 (every "
                                      "interface: the preview, drafts included, is then open to the network)"),
    (["--host", "no-such-host.invalid"], "--host: cannot listen on 'no-such-host.invalid': "),
    (["--host", "192.0.2.1"], "--host: cannot listen on 192.0.2.1:0: "),   # an address of another machine
])
def test_port_and_host_out_of_range_are_errors_naming_the_flag(tmp_path: Path, argv: list[str], message: str,
                                                               capsys: pytest.CaptureFixture[str]):
    site = tmp_path / "s"
    init(site, title="预览")
    argv = [*argv, "--port", "0"] if "--port" not in argv else argv
    assert main(["serve", "--site", str(site), *argv]) == 1
    err = capsys.readouterr().err
    assert err.splitlines()[0].startswith(message), err
    assert "Traceback" not in err and "internal error" not in err


def test_an_ipv6_loopback_server_prints_a_bracketed_url(tmp_path: Path):
    if not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    site = tmp_path / "s"
    init(site, title="预览")
    try:
        preview = serve.start(site, 0, host="::1")
    except serve.NewsgenError as exc:   # IPv6 disabled in this container
        pytest.skip(f"cannot bind ::1: {exc}")
    thread = threading.Thread(target=preview.serve_forever, daemon=True)
    thread.start()
    try:
        assert re.match(r"http://\[::1\]:\d+/$", preview.url)
        server = Server(None, preview.server.server_address[1], site)   # type: ignore[arg-type]
        with socket.create_connection(("::1", server.port), timeout=10) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: [::1]\r\nConnection: close\r\n\r\n")
            assert sock.recv(100).startswith(b"HTTP/1.0 200 ")
    finally:
        preview.server.shutdown()
        preview.stop()


def test_a_site_under_a_percent_encoded_sub_path_is_served_there(tmp_path: Path):
    site = tmp_path / "s"
    init(site, title="预览")
    (site / "newsgen.yaml").write_text("base_url: https://example.org/%E6%96%B0%E9%97%BB/\n", encoding="utf-8")
    preview = serve.start(site, 0)
    thread = threading.Thread(target=preview.serve_forever, daemon=True)
    thread.start()
    try:
        assert preview.url.endswith("/%E6%96%B0%E9%97%BB/")
        server = Server(None, preview.server.server_address[1], site)   # type: ignore[arg-type]
        assert server.get(b"/%E6%96%B0%E9%97%BB/")[0] == 200
        assert server.get(b"/%e6%96%b0%e9%97%bb/static/style.css")[0] == 200   # hex digits in either case
        answer = server.raw(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
        assert status_of(answer)[0] == 302 and b"\r\nLocation: /%E6%96%B0%E9%97%BB/\r\n" in answer
        assert server.get(b"/other/")[0] == 404
    finally:
        preview.server.shutdown()
        preview.stop()
