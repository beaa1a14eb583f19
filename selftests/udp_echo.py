#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""UDP test peers for the offload tests.

  udp_echo.py server PORT LOG      echo every datagram; log "addr port len"
  udp_echo.py client HOST PORT SPORT COUNT [INTERVAL [SIZE]]
                                   send COUNT datagrams of SIZE bytes from
                                   SPORT, INTERVAL s apart; print the number
                                   of echoes received
"""
import socket
import sys
import time


def server(port, log):
    family = socket.AF_INET6
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind(("::", port))
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


if __name__ == "__main__":
    if sys.argv[1] == "server":
        server(int(sys.argv[2]), sys.argv[3])
    else:
        args = sys.argv[2:]
        client(args[0], int(args[1]), int(args[2]), int(args[3]),
               *(float(a) for a in args[4:5]), *(int(a) for a in args[5:6]))
