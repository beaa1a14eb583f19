#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""pattern_client.py HOST PORT PATTERN WAIT

One TCP connection to an echo server: three round trips of plain text, then
a line carrying PATTERN, whose echo it waits for WAIT seconds, then one more
line, waited for WAIT seconds too. Prints what came back:

    3 round trips, pattern: no echo, after: no echo

and exits 0 whatever happened (the test reads the line).
"""
import os
import socket
import struct
import sys

TIMEOUT = 10 * int(os.environ.get("ITO_TIME_SCALE", "1"))


def echo(s, msg, wait):
    s.settimeout(wait)
    try:
        s.sendall(msg)
        got = b""
        while len(got) < len(msg):
            data = s.recv(len(msg) - len(got))
            if not data:
                return "closed"
            got += data
        return "echoed" if got == msg else "differs"
    except socket.timeout:
        return "no echo"
    except OSError as e:
        return e.strerror or str(e)


def main(host, port, pattern, wait):
    s = socket.create_connection((host, port), timeout=TIMEOUT)
    rounds = 0
    for i in range(3):
        if echo(s, b"plain line %d\n" % i, TIMEOUT) == "echoed":
            rounds += 1
    p = echo(s, b"text before " + pattern.encode() + b" text after\n", wait)
    a = echo(s, b"one more line\n", wait)
    print(f"{rounds} round trips, pattern: {p}, after: {a}")
    # a RST, no FIN left to retransmit
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4]))
