#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A bare ito agent for the tests: what the kernel says about each copy.

  copy_agent.py COUNT SECONDS
      register as the agent of this namespace, print "registered", then one
      line "dir ifindex seq len datagram data" per packet copy, until COUNT
      copies came or SECONDS passed; gives no verdict. datagram numbers the
      reads that brought copies, from 1; data is the bytes of the packet the
      copy carries. Numbers from uapi/linux/ito.h.
"""
import socket
import struct
import sys
import time

NETLINK_GENERIC = 16
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
NLM_F_REQUEST = 1
NLM_F_ACK = 4
NLMSG_ERROR = 2

ITO_CMD_AGENT_REGISTER = 7
ITO_CMD_PACKET = 9
ITO_A_PACKET = 5
ITO_A_PACKET_DIR = 2
ITO_A_PACKET_IFINDEX = 3
ITO_A_PACKET_SEQ = 4
ITO_A_PACKET_LEN = 5
ITO_A_PACKET_DATA = 6


def attrs(buf):
    """type -> payload of a run of netlink attributes"""
    out = {}
    while len(buf) >= 4:
        alen, atype = struct.unpack_from("HH", buf)
        if alen < 4:
            break
        out[atype & 0x3fff] = buf[4:alen]
        buf = buf[(alen + 3) & ~3:]
    return out


def attr(atype, payload):
    a = struct.pack("HH", 4 + len(payload), atype) + payload
    return a + b"\0" * (-len(a) % 4)


def request(s, family, cmd, payload=b"", seq=1):
    msg = struct.pack("BBH", cmd, 1, 0) + payload
    s.send(struct.pack("IHHII", 16 + len(msg), family,
                       NLM_F_REQUEST | NLM_F_ACK, seq, 0) + msg)
    reply = {}
    while True:
        data = s.recv(65536)
        while data:
            mlen, mtype = struct.unpack_from("IH", data)
            body = data[16:mlen]
            data = data[(mlen + 3) & ~3:]
            if mtype == NLMSG_ERROR:
                err = struct.unpack_from("i", body)[0]
                if err:
                    sys.exit(f"copy_agent: command {cmd}: error {err}")
                return reply
            reply = attrs(body[4:])


def main():
    count, seconds = int(sys.argv[1]), float(sys.argv[2])
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    s.bind((0, 0))
    ctrl = request(s, GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                   attr(CTRL_ATTR_FAMILY_NAME, b"ito\0"))
    family = struct.unpack("H", ctrl[CTRL_ATTR_FAMILY_ID][:2])[0]
    request(s, family, ITO_CMD_AGENT_REGISTER, seq=2)
    print("registered", flush=True)

    end = time.monotonic() + seconds
    got = dgrams = 0
    while got < count:
        left = end - time.monotonic()
        if left <= 0:
            break
        s.settimeout(left)
        try:
            # a copy of a 64 KiB packet is a little more than that
            data = s.recv(1 << 17)
        except socket.timeout:
            break
        dgrams += 1
        while data and got < count:
            mlen, mtype = struct.unpack_from("IH", data)
            body = data[16:mlen]
            data = data[(mlen + 3) & ~3:]
            if mtype != family or body[0] != ITO_CMD_PACKET:
                continue
            p = attrs(attrs(body[4:]).get(ITO_A_PACKET, b""))
            print(p[ITO_A_PACKET_DIR][0],
                  struct.unpack("I", p[ITO_A_PACKET_IFINDEX])[0],
                  struct.unpack("I", p[ITO_A_PACKET_SEQ])[0],
                  struct.unpack("I", p[ITO_A_PACKET_LEN])[0], dgrams,
                  len(p.get(ITO_A_PACKET_DATA, b"")), flush=True)
            got += 1


if __name__ == "__main__":
    main()
