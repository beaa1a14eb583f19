#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""One UDP flow through an echo server (udp_echo.py) whose TTL drops.

  udp_ttl.py HOST PORT SPORT COUNT INTERVAL GO TTL...
      COUNT datagrams INTERVAL s apart with the default TTL (hop limit),
      more until the file GO exists (at most 30 s), then one with each TTL
      given, 0.2 s apart, then 10 more with the default; prints "sent N
      echoed M", N counting the datagrams of the default TTL only.
"""
import os
import socket
import sys
import time


def main(host, port, sport, count, interval, go, ttls):
    v6 = ":" in host
    s = socket.socket(socket.AF_INET6 if v6 else socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("::" if v6 else "0.0.0.0", sport))
    s.setblocking(False)
    level, opt = ((socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS) if v6 else
                  (socket.IPPROTO_IP, socket.IP_TTL))
    got = 0

    def drain(pause):
        nonlocal got
        end = time.monotonic() + pause
        while time.monotonic() < end:
            try:
                s.recv(65535)
                got += 1
            except (BlockingIOError, OSError):
                time.sleep(0.001)

    def send_wait(ttl, pause):
        s.setsockopt(level, opt, ttl)
        try:
            s.sendto(b"t" * 100, (host, port))
        except OSError:
            pass    # an ICMP error queued on the socket
        drain(pause)

    sent = 0
    end = time.monotonic() + 30
    while sent < count or (not os.path.exists(go) and time.monotonic() < end):
        send_wait(-1, interval)
        sent += 1
    for ttl in ttls:
        send_wait(ttl, 0.2)
    for _ in range(10):
        send_wait(-1, interval)
    sent += 10
    drain(3)
    print(f"sent {sent} echoed {got}")


if __name__ == "__main__":
    a = sys.argv[1:]
    main(a[0], int(a[1]), int(a[2]), int(a[3]), float(a[4]), a[5],
         [int(t) for t in a[6:]])
