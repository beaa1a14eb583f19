#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Test peers for the fault tests: traffic that runs until told to stop, so
that a fault lands in the middle of it however slow the host is.

  fault_peers.py server PORT       TCP: echo every byte back, on any number
                                   of connections at once
  fault_peers.py stream HOST PORT INTERVAL
                                   TCP: one connection, round trips of 100
                                   numbered bytes, INTERVAL s apart, each
                                   echo compared with what was sent, until
                                   SIGUSR1; print the round trips; exit 1 if
                                   the connection broke or an echo differed
  fault_peers.py udp HOST PORT SPORT INTERVAL
                                   UDP: datagrams of 100 bytes from SPORT,
                                   INTERVAL s apart, until SIGUSR1; then wait
                                   up to 2 s for the last echoes; print
                                   "sent echoed"
  fault_peers.py storm HOST PORT WAVES CONNS ROUNDS INTERVAL
                                   TCP: WAVES waves of CONNS connections
                                   opened at once, ROUNDS round trips of 64
                                   bytes each, INTERVAL s apart, then all
                                   closed at once: the even ones with a FIN,
                                   the odd ones with a RST; print
                                   "completed failed" (connections)
"""
import os
import signal
import socket
import socketserver
import struct
import sys
import threading
import time

# a socket's patience; ITO_TIME_SCALE stretches it where the kernel is
# many times slower (make check-debug), as selftests/lib.sh's slow does
TIMEOUT = 10 * int(os.environ.get("ITO_TIME_SCALE", "1"))
# A plain flag: an Event set from the handler can deadlock, for the handler
# runs in the main thread, which may hold the Event's own lock at that
# moment (inside Event.wait); seen as a stream client that never stopped.
stopping = False


def stop(*_):
    global stopping
    stopping = True


signal.signal(signal.SIGUSR1, stop)


class Echo(socketserver.BaseRequestHandler):
    def handle(self):
        try:
            while True:
                data = self.request.recv(65536)
                if not data:
                    return
                self.request.sendall(data)
        except OSError:
            pass    # a RST from the client


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
    request_queue_size = 256
    address_family = socket.AF_INET6

    def server_bind(self):
        self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        super().server_bind()


def round_trip(s, msg):
    s.sendall(msg)
    got = b""
    while len(got) < len(msg):
        data = s.recv(len(msg) - len(got))
        if not data:
            raise ConnectionError("closed by the peer")
        got += data
    if got != msg:
        raise ValueError("echo differs")


def stream(host, port, interval):
    done = 0
    try:
        s = socket.create_connection((host, port), timeout=TIMEOUT)
        while not stopping:
            round_trip(s, f"{done:08d}".encode() * 12 + b"\n\n\n\n")
            done += 1
            time.sleep(interval)
        s.close()
    except (OSError, ValueError) as e:
        print(done)
        print(f"stream broken after {done} round trips: {e}", file=sys.stderr)
        sys.exit(1)
    print(done)


def udp(host, port, sport, interval):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", sport))
    s.settimeout(0.001)
    sent = got = 0
    payload = b"x" * 100
    while not stopping:
        try:
            s.sendto(payload, (host, port))
            sent += 1
        except OSError:
            pass    # no route for now: not sent, not counted
        deadline = time.monotonic() + interval
        while time.monotonic() < deadline:
            try:
                s.recv(65535)
                got += 1
            except (socket.timeout, OSError):
                pass
    deadline = time.monotonic() + 2
    while got < sent and time.monotonic() < deadline:
        try:
            s.recv(65535)
            got += 1
        except (socket.timeout, OSError):
            pass
    print(sent, got)


def storm(host, port, waves, conns, rounds, interval):
    result = {"completed": 0, "failed": 0}
    lock = threading.Lock()

    def one(n):
        ok = False
        try:
            s = socket.create_connection((host, port), timeout=TIMEOUT)
            for r in range(rounds):
                round_trip(s, (b"%06d%06d" % (n, r)) * 5 + b"\n\n\n\n")
                time.sleep(interval)
            if n % 2:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                             struct.pack("ii", 1, 0))
            s.close()
            ok = True
        except (OSError, ValueError) as e:
            print(f"connection {n}: {e}", file=sys.stderr)
        with lock:
            result["completed" if ok else "failed"] += 1

    for w in range(waves):
        threads = [threading.Thread(target=one, args=(w * conns + c,))
                   for c in range(conns)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    print(result["completed"], result["failed"])


if __name__ == "__main__":
    a = sys.argv[2:]
    if sys.argv[1] == "server":
        Server(("::", int(a[0])), Echo).serve_forever()
    elif sys.argv[1] == "stream":
        stream(a[0], int(a[1]), float(a[2]))
    elif sys.argv[1] == "udp":
        udp(a[0], int(a[1]), int(a[2]), float(a[3]))
    else:
        storm(a[0], int(a[1]), int(a[2]), int(a[3]), int(a[4]), float(a[5]))
