#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Peers for the NAT tests: who does a server see, for one client port?

  nat_peers.py tcp-server ADDR PORT LOG
                    accept connections; log "peer-addr peer-port" for each
                    and echo what it sends until it closes
  nat_peers.py udp-client SRC SPORT COUNT DEST:PORT...
                    from SRC:SPORT, COUNT datagrams of 100 bytes to each
                    destination in turn; print the echoes received
  nat_peers.py tcp-client SRC SPORT DEST:PORT...
                    from SRC:SPORT, one connection to each destination in
                    turn, 100 bytes there and back; print the connections
                    whose echo came back whole
"""
import socket
import sys
import threading


def dests(args):
    for d in args:
        host, port = d.rsplit(":", 1)
        yield host, int(port)


def tcp_server(addr, port, log):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(64)
    out = open(log, "a", buffering=1)

    def echo(c):
        with c:
            while data := c.recv(65536):
                c.sendall(data)

    while True:
        c, peer = s.accept()
        out.write(f"{peer[0]} {peer[1]}\n")
        threading.Thread(target=echo, args=(c,), daemon=True).start()


def udp_client(src, sport, count, targets):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((src, sport))
    s.settimeout(2)
    got = 0
    for host, port in dests(targets):
        for _ in range(count):
            s.sendto(b"u" * 100, (host, port))
            try:
                if len(s.recv(65535)) == 100:
                    got += 1
            except socket.timeout:
                pass
    print(got)


def tcp_client(src, sport, targets):
    ok = 0
    for host, port in dests(targets):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        # one source port for every destination: only the 4-tuples differ
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((src, sport))
        s.settimeout(10)
        try:
            s.connect((host, port))
            s.sendall(b"t" * 100)
            got = b""
            while len(got) < 100 and (data := s.recv(100 - len(got))):
                got += data
            ok += got == b"t" * 100
        except OSError as e:
            print(f"{host}:{port}: {e}", file=sys.stderr)
        finally:
            s.close()
    print(ok)


def main(argv):
    if argv[1] == "tcp-server":
        tcp_server(argv[2], int(argv[3]), argv[4])
    elif argv[1] == "udp-client":
        udp_client(argv[2], int(argv[3]), int(argv[4]), argv[5:])
    elif argv[1] == "tcp-client":
        tcp_client(argv[2], int(argv[3]), argv[4:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
