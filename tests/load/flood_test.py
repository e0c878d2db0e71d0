#!/usr/bin/env python3
"""A slow-header flood against `talksearch-query serve` with its default limits (issue 23).

    flood_test.py --query-bin talksearch-query --index-bin talksearch-index --data DIR

On loopback only, bounded: 250 connections from each of 127.0.0.1 to 127.0.0.4 (under the
default --per-ip-limit of 256; 1,000 in all, the default --connection-limit) each send one byte
of a request head every 5 s for 20 s, reopening a connection 1 s after the server closed it.
Meanwhile a client at 127.0.0.5 searches every 0.5 s. Checks that:
  - the flood held most of the server's slots (else it tested nothing);
  - every probe from the fifth address got a 200 in under 1 s;
  - no flood connection stayed open longer than the default --header-timeout (5 s) plus 2 s.
The whole run, index build included, stops itself within 30 s. Prints PASS/FAIL lines and
ends with "N passed, N failed"; exits 1 on any failure.
"""

import argparse
import http.client
import re
import resource
import selectors
import socket
import threading
import time

from abuse_test import check, finish, get, serve

FLOOD_ADDRESSES = ["127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4"]
PROBE_ADDRESS = "127.0.0.5"
PER_ADDRESS = 250
BYTE_EVERY = 5.0    # seconds between two bytes of one connection's head
REOPEN_AFTER = 1.0  # seconds before a closed flood connection is opened again
FLOOD_SECONDS = 20.0
HEADER_TIMEOUT = 5.0  # the server's default --header-timeout
HEAD = b"GET /api/v1/search?q=flood HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 200


class Slot:
    """One flood connection: opened, fed a byte every BYTE_EVERY s, reopened once closed."""

    def __init__(self, address, first_byte_at):
        self.address = address
        self.sock = None
        self.opened_at = 0.0
        self.next_at = first_byte_at  # when to open (closed) or send the next byte (open)
        self.sent = 0


class Flood:
    def __init__(self, port):
        self.port = port
        self.selector = selectors.DefaultSelector()
        n = len(FLOOD_ADDRESSES) * PER_ADDRESS
        now = time.monotonic()
        # Spread over the first second: a burst of 1,000 connects is not what is tested.
        self.slots = [Slot(FLOOD_ADDRESSES[i % len(FLOOD_ADDRESSES)], now + i / n)
                      for i in range(n)]
        self.opens = 0
        self.lifetimes = []  # seconds from open to the server's close
        self.peak_held = 0   # most connections open for over 1 s at one time

    def open(self, slot, now):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        try:
            s.bind((slot.address, 0))
            s.connect_ex(("127.0.0.1", self.port))
        except OSError:
            s.close()
            slot.next_at = now + REOPEN_AFTER
            return
        self.opens += 1
        slot.sock, slot.opened_at, slot.sent, slot.next_at = s, now, 0, now
        self.selector.register(s, selectors.EVENT_READ, slot)

    def closed(self, slot, now):
        self.selector.unregister(slot.sock)
        slot.sock.close()
        slot.sock = None
        self.lifetimes.append(now - slot.opened_at)
        slot.next_at = now + REOPEN_AFTER

    def tick(self, now):
        held = 0
        for slot in self.slots:
            if slot.sock is None:
                if now >= slot.next_at:
                    self.open(slot, now)
                continue
            held += now - slot.opened_at > 1.0
            if now >= slot.next_at and slot.sent < len(HEAD):
                try:
                    slot.sock.send(HEAD[slot.sent:slot.sent + 1])
                    slot.sent += 1
                except BlockingIOError:
                    pass  # still connecting: the byte goes next time
                except OSError:
                    self.closed(slot, now)
                    continue
                slot.next_at = now + BYTE_EVERY
        self.peak_held = max(self.peak_held, held)
        # A readable flood socket is one the server closed (or, never expected, answered).
        for key, _ in self.selector.select(timeout=0.05):
            slot = key.data
            try:
                slot.sock.recv(4096)
            except OSError:
                pass
            self.closed(slot, time.monotonic())

    def run(self, until):
        while time.monotonic() < until:
            self.tick(time.monotonic())
        now = time.monotonic()
        oldest = max((now - s.opened_at for s in self.slots if s.sock), default=0.0)
        for slot in self.slots:
            if slot.sock is not None:
                self.selector.unregister(slot.sock)
                slot.sock.close()
        self.selector.close()
        return oldest


def probe(port, until, latencies, failures):
    """Searches from PROBE_ADDRESS every 0.5 s until `until`."""
    while time.monotonic() < until:
        t0 = time.monotonic()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=3,
                                          source_address=(PROBE_ADDRESS, 0))
        try:
            conn.request("GET", "/api/v1/search?q=decorators")
            r = conn.getresponse()
            r.read()
            if r.status != 200:
                failures.append(f"status {r.status}")
        except OSError as e:
            failures.append(type(e).__name__)
        finally:
            conn.close()
        latencies.append(time.monotonic() - t0)
        time.sleep(max(0.0, 0.5 - (time.monotonic() - t0)))


def metric(port, name):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5,
                                      source_address=(PROBE_ADDRESS, 0))
    try:
        conn.request("GET", "/metrics")
        text = conn.getresponse().read().decode()
    finally:
        conn.close()
    return sum(float(v) for v in re.findall(rf"^{name}(?:{{[^}}]*}})? (\S+)$", text, re.M))


def flood_check(port):
    until = time.monotonic() + FLOOD_SECONDS
    latencies, failures = [], []
    prober = threading.Thread(target=probe, args=(port, until, latencies, failures))
    flood = Flood(port)
    prober.start()
    oldest_open = flood.run(until)
    prober.join()
    held = flood.peak_held
    check(f"the flood held most of the {len(flood.slots)} slots", held >= 800,
          f"{held} connections open for over 1 s at once, {flood.opens} opened")
    worst = max(latencies, default=float("inf"))
    check(f"every search from {PROBE_ADDRESS} is answered in under 1 s during the flood",
          not failures and worst < 1.0,
          f"{len(latencies)} probes, slowest {worst * 1000:.0f} ms, "
          f"{len(failures)} failed {sorted(set(failures))}")
    longest = max(flood.lifetimes + [oldest_open])
    check(f"no slow head stays open longer than {HEADER_TIMEOUT:.0f} s + 2 s",
          longest < HEADER_TIMEOUT + 2,
          f"longest {longest:.1f} s; {len(flood.lifetimes)} closed by the server; "
          f"{metric(port, 'talksearch_http_request_heads_timed_out_total'):.0f} timed out, "
          f"{metric(port, 'talksearch_http_connections_refused_total'):.0f} refused at accept")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--query-bin", required=True)
    ap.add_argument("--index-bin", required=True)
    ap.add_argument("--data", required=True)
    args = ap.parse_args()
    # 1,000 flood sockets, the probe and the server's pipes.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = 2048 if hard == resource.RLIM_INFINITY else min(hard, 2048)
    if soft != resource.RLIM_INFINITY and soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    try:
        with serve(args) as (server, port):
            if port is None:
                return
            flood_check(port)
            check("the server is still up", server.poll() is None and get(port, "/healthz") == 200)
    finally:
        finish()


if __name__ == "__main__":
    main()
