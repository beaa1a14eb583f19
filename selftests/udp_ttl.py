#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""One UDP flow through an echo server (udp_echo.py) whose TTL drops.

  udp_ttl.py HOST PORT SPORT COUNT INTERVAL TTL...
      COUNT datagrams INTERVAL s apart with the default TTL (hop limit),
      then one with each TTL given, 0.2 s apart, then 10 more with the
      default; prints the number of echoes received.
"""
import socket
import sys
import time


def main(host, port, sport, count, interval, ttls):
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

    for _ in range(count):
        send_wait(-1, interval)
    for ttl in ttls:
        send_wait(ttl, 0.2)
    for _ in range(10):
        send_wait(-1, interval)
    drain(1)
    print(got)


if __name__ == "__main__":
    a = sys.argv[1:]
    main(a[0], int(a[1]), int(a[2]), int(a[3]), float(a[4]), [int(t) for t in a[5:]])
