#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Sequence-checked UDP streams through an echo server (udp_echo.py).

  udp_seq.py HOST PORT SPORT NFLOWS COUNT INTERVAL
      NFLOWS flows from SPORT, SPORT+1, ...; each sends COUNT datagrams
      numbered 0..COUNT-1, a round every INTERVAL s; prints
      "echoed E missing M duplicated D corrupt C" over all flows.
"""
import socket
import sys
import time


def main(host, port, sport, nflows, count, interval):
    socks = []
    for i in range(nflows):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("0.0.0.0", sport + i))
        s.setblocking(False)
        socks.append(s)
    seen = [set() for _ in range(nflows)]
    dup = corrupt = 0

    def drain():
        nonlocal dup, corrupt
        for i, s in enumerate(socks):
            while True:
                try:
                    data = s.recv(65535)
                except BlockingIOError:
                    break
                try:
                    flow, seq = (int(x) for x in data.split(b" ")[:2])
                except ValueError:
                    corrupt += 1
                    continue
                if flow != i or not 0 <= seq < count:
                    corrupt += 1
                elif seq in seen[i]:
                    dup += 1
                else:
                    seen[i].add(seq)

    start = time.monotonic()
    for r in range(count):
        for i, s in enumerate(socks):
            s.sendto(b"%d %d " % (i, r) + b"p" * 64, (host, port))
        while time.monotonic() < start + (r + 1) * interval:
            drain()
            time.sleep(0.001)
    # a loaded test VM may take seconds to bring the last echoes back
    end = time.monotonic() + 10
    while sum(map(len, seen)) < nflows * count and time.monotonic() < end:
        drain()
        time.sleep(0.01)
    echoed = sum(map(len, seen))
    print(f"echoed {echoed} missing {nflows * count - echoed} "
          f"duplicated {dup} corrupt {corrupt}")


if __name__ == "__main__":
    a = sys.argv[1:]
    main(a[0], int(a[1]), int(a[2]), int(a[3]), int(a[4]), float(a[5]))
