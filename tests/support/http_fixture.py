#!/usr/bin/env python3
"""A scripted, misbehaving HTTP server for the fetcher's tests (standard library only).

    python3 http_fixture.py --port 0 [--lifetime 120] [--tls] [--root DIR] [--host 127.0.0.2]

Binds 127.0.0.1 only, or another loopback address given with --host (an ephemeral port with
--port 0), and answers loopback clients only. Prints the port on its first stdout line, and
exits by itself after --lifetime seconds or when its parent process goes away.
Every scenario is a path; /log returns what the server saw as JSON. Every response is bounded
in size and time. With --tls it serves HTTPS with a self-signed certificate for 127.0.0.1 (no
client should trust it).

Scenarios (query parameters in brackets):
  /ok                  200 "hello\\n"
  /gzip                200, a small gzip-encoded text (Content-Encoding: gzip)
  /delay[?ms=300]      200 after ms milliseconds (parallel fetches)
  /500                 500 every time
  /ok-then-500         200 with an ETag the first time, 500 after that
  /hang                reads the request, never answers (until the client leaves, at most 60 s)
  /drip                200 with a Content-Length, then one byte every 0.5 s (at most 60 s)
  /huge-chunked        256 MiB of chunked body, sent as fast as the client reads
  /huge-length         256 MiB with a Content-Length
  /gzip-bomb           64 MiB of zeros gzip-encoded (about 64 KB on the wire)
  /redirect-loop/<n>   302 to /redirect-loop/<n+1>, for ever
  /redirect-chain/<n>  302 to /redirect-chain/<n-1>; /redirect-chain/0 is 200 "end of chain\\n"
  /redirect[?to=URL]   302 to URL (e.g. another port, a decimal IPv4 spelling)
  /redirect-file       302 to file:///etc/passwd
  /redirect-ftp        302 to ftp://127.0.0.1:<port>/x
  /redirect-gopher     302 to gopher://127.0.0.1:<port>/x
  /etag                200 with ETag "v1" and a Last-Modified, 304 on a matching If-None-Match
  /last-modified       200 with a Last-Modified only, 304 on If-Modified-Since
  /flaky-503           503, 503, then 200 (counted per path and query, as are the next two)
  /429-retry-after[?after=1]      429 with Retry-After: <after> the first time, then 200
  /429-retry-after-date[?after=2] the same with an HTTP date <after> seconds ahead
  /404                 404 every time
  /always-429          429 Too Many Requests every time (a host that rate-limits)
  /slow-files/<path>[?ms=2000]  as /files/<path>, after ms milliseconds
  /files/<path>        with --root DIR: the file DIR/<path> (200 with an ETag of its content,
                       304 on a matching If-None-Match; 404 when absent; 500 while a file
                       DIR/<path>.fail exists, to play an outage); its Content-Type follows
                       the file's extension (.html, .vtt, ...), as a web server's would
  /log                 {"requests": [{"path", "time", "if_none_match", "if_modified_since",
                        "accept_encoding", "user_agent"}...], "max_in_flight": n,
                        "connections": TCP connections accepted, the one asking for /log included}
"""

import argparse
import gzip
import http.server
import json
import mimetypes
import os
import select
import socket
import ssl
import sys
import tempfile
import threading
import time
import urllib.parse
import zlib
from email.utils import formatdate

MIB = 1 << 20
LAST_MODIFIED = "Wed, 21 Oct 2015 07:28:00 GMT"

# A throwaway self-signed certificate for 127.0.0.1 (valid until 2126). It exists only so that a
# client can be shown to refuse it; it protects nothing.
TEST_CERT = """-----BEGIN CERTIFICATE-----
MIIBjzCCATagAwIBAgIUaOCKQgVwf+lR8eKKiTrxthCw55EwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJMTI3LjAuMC4xMCAXDTI2MTEyMjA1MDIxNFoYDzIxMjYxMDI5
MDUwMjE0WjAUMRIwEAYDVQQDDAkxMjcuMC4wLjEwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAAQfbtk5jKaEAP4YqCC5JyDNYE8WWB4G6jUVeMB9PpuJZKb3c/ifgrqT
0iE2E/XS39Fqk3eTqhvCE2YsaQO4UPPro2QwYjAdBgNVHQ4EFgQUyibFZszz88hz
8vuMPA+iwPyEJ44wHwYDVR0jBBgwFoAUyibFZszz88hz8vuMPA+iwPyEJ44wDwYD
VR0TAQH/BAUwAwEB/zAPBgNVHREECDAGhwR/AAABMAoGCCqGSM49BAMCA0cAMEQC
IAZydQHwSuzO4y9XRLVkV1hpkPaJUFa6Og5OJnoq1B+zAiA6unMmhegOe0LTKTcq
MIzb947EE685PhfcPquwsDSGzQ==
-----END CERTIFICATE-----
"""
TEST_KEY = """-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgqy6VIN6CHVjwTqQH
Wlp7FZafuSV8W5+3EQZ6V9lU3SihRANCAAQfbtk5jKaEAP4YqCC5JyDNYE8WWB4G
6jUVeMB9PpuJZKb3c/ifgrqT0iE2E/XS39Fqk3eTqhvCE2YsaQO4UPPr
-----END PRIVATE KEY-----
"""


class State:
    """What the server saw, shared by the handler threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.requests = []
        self.counts = {}
        self.in_flight = 0
        self.max_in_flight = 0
        self.connections = 0
        self.gzip_bomb = None

    def hit(self, target):
        """Counts a request to `target` (path and query) and returns how many came before it."""
        with self.lock:
            n = self.counts.get(target, 0)
            self.counts[target] = n + 1
            return n

    def bomb(self):
        with self.lock:
            if self.gzip_bomb is None:
                c = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: a gzip stream
                zeros = bytes(MIB)
                parts = [c.compress(zeros) for _ in range(64)]
                parts.append(c.flush())
                self.gzip_bomb = b"".join(parts)
            return self.gzip_bomb


STATE = State()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 70  # a silent client is dropped, so no thread waits for ever

    def version_string(self):
        return "talksearch-fixture"

    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        pass  # the tests read /log; stderr stays quiet

    # --- helpers -------------------------------------------------------------------------------

    def send_body(self, status, body, headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def redirect(self, location):
        self.send_body(302, b"moved\n", [("Location", location)])

    def client_gone(self, wait_s):
        """Waits up to wait_s seconds; True when the client closed the connection."""
        readable, _, _ = select.select([self.connection], [], [], wait_s)
        if not readable:
            return False
        try:
            return self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def stream(self, total, chunked):
        """Sends `total` bytes as fast as the client reads them; stops when it goes away."""
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(total))
        self.end_headers()
        block = b"x" * (64 * 1024)
        sent = 0
        deadline = time.monotonic() + 60
        try:
            while sent < total and time.monotonic() < deadline:
                piece = block[: min(len(block), total - sent)]
                if chunked:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                else:
                    self.wfile.write(piece)
                sent += len(piece)
            if chunked:
                self.wfile.write(b"0\r\n\r\n")
        except OSError:
            pass
        self.close_connection = True

    # --- dispatch ------------------------------------------------------------------------------

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        path = url.path
        query = urllib.parse.parse_qs(url.query)
        if path == "/log":
            with STATE.lock:
                body = json.dumps(
                    {
                        "requests": STATE.requests,
                        "max_in_flight": STATE.max_in_flight,
                        # TCP connections accepted, this one included
                        "connections": STATE.connections,
                    }
                ).encode()
            self.send_body(200, body, [("Content-Type", "application/json")])
            return
        with STATE.lock:
            STATE.requests.append(
                {
                    "path": self.path,
                    "time": time.monotonic(),
                    "if_none_match": self.headers.get("If-None-Match"),
                    "if_modified_since": self.headers.get("If-Modified-Since"),
                    "accept_encoding": self.headers.get("Accept-Encoding"),
                    "user_agent": self.headers.get("User-Agent"),
                }
            )
            STATE.in_flight += 1
            STATE.max_in_flight = max(STATE.max_in_flight, STATE.in_flight)
        try:
            self.scenario(path, query)
        finally:
            with STATE.lock:
                STATE.in_flight -= 1

    def serve_file(self, rel):
        root = self.server.files_root
        if not root:
            self.send_body(404, b"no --root\n")
            return
        full = os.path.realpath(os.path.join(root, urllib.parse.unquote(rel)))
        if not full.startswith(os.path.realpath(root) + os.sep) or not os.path.isfile(full):
            self.send_body(404, b"not found\n")
            return
        if os.path.exists(full + ".fail"):
            self.send_body(500, b"outage\n")
            return
        with open(full, "rb") as f:
            body = f.read(16 * MIB)
        etag = '"%08x"' % zlib.crc32(body)
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        kind = mimetypes.guess_type(full)[0] or "application/octet-stream"
        if full.endswith(".vtt"):
            kind = "text/vtt"
        self.send_body(200, body, [("ETag", etag), ("Content-Type", kind)])

    def scenario(self, path, query):
        port = self.server.server_address[1]
        arg = lambda name, default: query.get(name, [default])[0]  # noqa: E731

        if path.startswith("/files/"):
            self.serve_file(path[len("/files/"):])
            return
        if path.startswith("/slow-files/"):
            time.sleep(min(int(arg("ms", "2000")), 30_000) / 1000)
            self.serve_file(path[len("/slow-files/"):])
            return
        if path == "/always-429":
            self.send_body(429, b"slow down\n", [("Retry-After", "3600")])
            return

        if path == "/ok":
            self.send_body(200, b"hello\n", [("Content-Type", "text/plain")])
        elif path == "/gzip":
            text = b"gzip encoded body\n" * 100
            self.send_body(200, gzip.compress(text), [("Content-Encoding", "gzip")])
        elif path == "/delay":
            ms = min(int(arg("ms", "300")), 10_000)
            time.sleep(ms / 1000)
            self.send_body(200, ("delayed %d\n" % ms).encode())
        elif path == "/500":
            self.send_body(500, b"boom\n")
        elif path == "/ok-then-500":
            if STATE.hit(self.path) == 0:
                self.send_body(200, b"good copy\n", [("ETag", '"good"')])
            else:
                self.send_body(500, b"boom\n")
        elif path == "/hang":
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not self.client_gone(0.2):
                pass
            self.close_connection = True
        elif path == "/drip":
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            deadline = time.monotonic() + 60
            try:
                while time.monotonic() < deadline:
                    self.wfile.write(b"d")
                    self.wfile.flush()
                    if self.client_gone(0.5):
                        break
            except OSError:
                pass
            self.close_connection = True
        elif path == "/huge-chunked":
            self.stream(256 * MIB, chunked=True)
        elif path == "/huge-length":
            self.stream(256 * MIB, chunked=False)
        elif path == "/gzip-bomb":
            self.send_body(200, STATE.bomb(), [("Content-Encoding", "gzip")])
        elif path.startswith("/redirect-loop/"):
            n = int(path.rsplit("/", 1)[1])
            self.redirect("/redirect-loop/%d" % (n + 1))
        elif path.startswith("/redirect-chain/"):
            n = int(path.rsplit("/", 1)[1])
            if n <= 0:
                self.send_body(200, b"end of chain\n")
            else:
                self.redirect("/redirect-chain/%d" % (n - 1))
        elif path == "/redirect":
            self.redirect(arg("to", "/ok"))
        elif path == "/redirect-file":
            self.redirect("file:///etc/passwd")
        elif path == "/redirect-ftp":
            self.redirect("ftp://127.0.0.1:%d/x" % port)
        elif path == "/redirect-gopher":
            self.redirect("gopher://127.0.0.1:%d/x" % port)
        elif path == "/etag":
            if self.headers.get("If-None-Match") == '"v1"':
                self.send_body(304, b"", [("ETag", '"v1"')])
            else:
                self.send_body(
                    200, b"etag body v1\n", [("ETag", '"v1"'), ("Last-Modified", LAST_MODIFIED)]
                )
        elif path == "/last-modified":
            if self.headers.get("If-Modified-Since") == LAST_MODIFIED:
                self.send_body(304, b"")
            else:
                self.send_body(200, b"dated body\n", [("Last-Modified", LAST_MODIFIED)])
        elif path.startswith("/flaky-503"):
            if STATE.hit(self.path) < 2:
                self.send_body(503, b"busy\n")
            else:
                self.send_body(200, b"finally\n")
        elif path == "/429-retry-after":
            if STATE.hit(self.path) == 0:
                self.send_body(429, b"slow down\n", [("Retry-After", arg("after", "1"))])
            else:
                self.send_body(200, b"thanks for waiting\n")
        elif path == "/429-retry-after-date":
            if STATE.hit(self.path) == 0:
                when = formatdate(time.time() + float(arg("after", "2")), usegmt=True)
                self.send_body(429, b"slow down\n", [("Retry-After", when)])
            else:
                self.send_body(200, b"thanks for waiting\n")
        else:
            self.send_body(404, b"no such scenario\n")


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def verify_request(self, request, client_address):
        with STATE.lock:
            STATE.connections += 1
        return client_address[0].startswith("127.")

    def handle_error(self, request, client_address):
        # Clients that hang up mid-response are what the scenarios are about: not an error.
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--lifetime", type=float, default=120.0)
    parser.add_argument("--tls", action="store_true")
    parser.add_argument("--root", default="")
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    if not args.host.startswith("127."):
        parser.error("--host must be a loopback address (127.0.0.0/8)")

    server = Server((args.host, args.port), Handler)
    server.files_root = args.root
    if args.tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        with tempfile.TemporaryDirectory() as tmp:
            cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
            with open(cert, "w") as f:
                f.write(TEST_CERT)
            with open(key, "w") as f:
                f.write(TEST_KEY)
            context.load_cert_chain(cert, key)
        server.socket = context.wrap_socket(server.socket, server_side=True)

    parent = os.getppid()

    def watchdog():
        deadline = time.monotonic() + args.lifetime
        while time.monotonic() < deadline and os.getppid() == parent:
            time.sleep(0.2)
        os._exit(0)

    threading.Thread(target=watchdog, daemon=True).start()
    print(server.server_address[1], flush=True)
    server.serve_forever(poll_interval=0.2)


if __name__ == "__main__":
    main()
