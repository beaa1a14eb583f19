#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""UDP test peers for the offload tests.

  udp_echo.py server PORT LOG [ADDR]
                                   echo every datagram; log "addr port len";
                                   bound to ADDR (IPv4), replies leave from it
  udp_echo.py client HOST PORT SPORT COUNT [INTERVAL [SIZE]]
                                   send COUNT datagrams of SIZE bytes from
                                   SPORT, INTERVAL s apart; print the number
                                   of echoes received
  udp_echo.py clients HOST PORT SPORT NFLOWS COUNT INTERVAL
                                   NFLOWS flows from SPORT, SPORT+1, ... in
                                   turn, COUNT datagrams each, a round every
                                   INTERVAL s (sent 50 at a time); print
                                   the echoes received
"""
import socket
import sys
import time


def server(port, log, addr=None):
    if addr:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((addr, port))
    else:
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        s.bind(("::", port))
    # as deep as net.core.rmem_max allows: many clients send at once
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
    with open(log, "a", buffering=1) as out:
        while True:
            data, peer = s.recvfrom(65535)
            addr = peer[0].removeprefix("::ffff:")
            out.write(f"{addr} {peer[1]} {len(data)}\n")
            s.sendto(data, peer)


def client(host, port, sport, count, interval=0.02, size=100):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("::" if family == socket.AF_INET6 else "0.0.0.0", sport))
    s.settimeout(0.001)
    got = 0
    payload = b"x" * size
    for _ in range(count):
        s.sendto(payload, (host, port))
        deadline = time.monotonic() + interval
        while time.monotonic() < deadline:
            try:
                s.recv(65535)
                got += 1
            except socket.timeout:
                pass
    s.settimeout(1.0)
    try:
        while got < count:
            s.recv(65535)
            got += 1
    except socket.timeout:
        pass
    print(got)


def clients(host, port, sport, nflows, count, interval):
    socks = []
    for i in range(nflows):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("0.0.0.0", sport + i))
        s.setblocking(False)
        socks.append(s)
    got = 0

    def drain():
        nonlocal got
        for s in socks:
            while True:
                try:
                    s.recv(65535)
                    got += 1
                except BlockingIOError:
                    break

    start = time.monotonic()
    for r in range(count):
        for i, s in enumerate(socks):
            s.sendto(b"z" * 64, (host, port))
            # a burst of thousands overflows the echo server's receive
            # buffer: pause every 50 to let the echoes come back
            if i % 50 == 49:
                drain()
                time.sleep(0.002)
        while time.monotonic() < start + (r + 1) * interval:
            drain()
            time.sleep(0.001)
    end = time.monotonic() + 2
    while got < nflows * count and time.monotonic() < end:
        drain()
        time.sleep(0.01)
    print(got)


if __name__ == "__main__":
    if sys.argv[1] == "clients":
        a = sys.argv[2:]
        clients(a[0], int(a[1]), int(a[2]), int(a[3]), int(a[4]), float(a[5]))
    elif sys.argv[1] == "server":
        server(int(sys.argv[2]), sys.argv[3], *sys.argv[4:5])
    else:
        args = sys.argv[2:]
        client(args[0], int(args[1]), int(args[2]), int(args[3]),
               *(float(a) for a in args[4:5]), *(int(a) for a in args[5:6]))
