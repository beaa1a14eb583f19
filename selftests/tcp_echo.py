#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""TCP test peers for the fault tests.

  tcp_echo.py server PORT          echo every byte back, on any number of
                                   connections at once
  tcp_echo.py stream HOST PORT COUNT INTERVAL
                                   one connection, COUNT round trips of 100
                                   numbered bytes, INTERVAL s apart, each
                                   echo compared with what was sent; print
                                   the round trips completed; exit 1 if the
                                   connection broke or an echo differed
  tcp_echo.py storm HOST PORT WAVES CONNS ROUNDS INTERVAL
                                   WAVES waves of CONNS connections opened
                                   at once, ROUNDS round trips of 64 bytes
                                   each, INTERVAL s apart, then all closed
                                   at once: the even ones with a
                                   FIN, the odd ones with a RST; print
                                   "completed failed" (connections)
"""
import socket
import socketserver
import struct
import sys
import threading
import time

TIMEOUT = 10


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


def stream(host, port, count, interval):
    done = 0
    try:
        s = socket.create_connection((host, port), timeout=TIMEOUT)
        for i in range(count):
            round_trip(s, f"{i:08d}".encode() * 12 + b"\n\n\n\n")
            done += 1
            time.sleep(interval)
        s.close()
    except (OSError, ValueError) as e:
        print(done)
        print(f"stream broken after {done} round trips: {e}", file=sys.stderr)
        sys.exit(1)
    print(done)


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
        stream(a[0], int(a[1]), int(a[2]), float(a[3]))
    else:
        storm(a[0], int(a[1]), int(a[2]), int(a[3]), int(a[4]), float(a[5]))
