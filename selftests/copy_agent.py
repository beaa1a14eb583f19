#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A bare ito agent for the tests: what the kernel says about each copy.

  copy_agent.py [--events] COUNT SECONDS
      register as the agent of this namespace, print "registered", then one
      line "dir ifindex seq len datagram data" per packet copy, until COUNT
      copies came or SECONDS passed; gives no verdict. datagram numbers the
      reads that brought copies, from 1; data is the bytes of the packet the
      copy carries. Numbers read from uapi/linux/ito.h.

      --events: also listen to the flow events, and at the end print one
      line "nest ID same" or "nest ID differ COPY EVENT" per flow that had
      a copy and a NEW event: whether the copy's flow nest (written in
      place by the packet path) is byte for byte the start of the event's
      (written by nla_put), the two in hex where not.
"""
import os
import re
import socket
import struct
import sys
import time

NETLINK_GENERIC = 16
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
CTRL_ATTR_MCAST_GROUPS = 7
CTRL_ATTR_MCAST_GRP_NAME = 1
CTRL_ATTR_MCAST_GRP_ID = 2
SOL_NETLINK = 270
NETLINK_ADD_MEMBERSHIP = 1
NLM_F_REQUEST = 1
NLM_F_ACK = 4
NLMSG_ERROR = 2


def uapi_enums(path):
    """NAME -> value of every enumerator in the uapi header, the one
    contract between kernel and userspace (its values are not copied)"""
    text = re.sub(r"/\*.*?\*/", "", open(path).read(), flags=re.S)
    values = {}
    for body in re.findall(r"^enum \w+ \{(.*?)\};", text, flags=re.S | re.M):
        n = 0
        for item in filter(None, (i.strip() for i in body.split(","))):
            name, _, value = (x.strip() for x in item.partition("="))
            if re.fullmatch(r"\d\w*", value):
                n = int(value, 0)
            elif value in values:
                n = values[value]
            elif value:
                continue  # an expression (the _MAX ones): not needed
            values[name] = n
            n += 1
    return values


U = uapi_enums(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                            "..", "uapi", "linux", "ito.h"))
ITO_CMD_AGENT_REGISTER = U["ITO_CMD_AGENT_REGISTER"]
ITO_CMD_PACKET = U["ITO_CMD_PACKET"]
ITO_CMD_FLOW_NTF = U["ITO_CMD_FLOW_NTF"]
ITO_A_FLOW = U["ITO_A_FLOW"]
ITO_A_FLOW_ID = U["ITO_A_FLOW_ID"]
ITO_A_FLOW_EVENT = U["ITO_A_FLOW_EVENT"]
ITO_FLOW_EVENT_NEW = U["ITO_FLOW_EVENT_NEW"]
ITO_A_PACKET_FLOW = U["ITO_A_PACKET_FLOW"]
ITO_A_PACKET = U["ITO_A_PACKET"]
ITO_A_PACKET_DIR = U["ITO_A_PACKET_DIR"]
ITO_A_PACKET_IFINDEX = U["ITO_A_PACKET_IFINDEX"]
ITO_A_PACKET_SEQ = U["ITO_A_PACKET_SEQ"]
ITO_A_PACKET_LEN = U["ITO_A_PACKET_LEN"]
ITO_A_PACKET_DATA = U["ITO_A_PACKET_DATA"]


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


def group_id(ctrl, name):
    """the id of multicast group NAME, from a CTRL_CMD_GETFAMILY reply"""
    groups = ctrl.get(CTRL_ATTR_MCAST_GROUPS, b"")
    for g in attrs(groups).values():
        g = attrs(g)
        if g.get(CTRL_ATTR_MCAST_GRP_NAME) == name + b"\0":
            return struct.unpack("I", g[CTRL_ATTR_MCAST_GRP_ID])[0]
    sys.exit(f"copy_agent: no multicast group {name}")


def compare(copied, events):
    """per flow with both: is the copy's flow nest the event's start?"""
    for fid in sorted(copied.keys() & events.keys()):
        c, e = copied[fid], events[fid]
        if e.startswith(c):
            print("nest", fid, "same", flush=True)
        else:
            print("nest", fid, "differ", c.hex(), e.hex(), flush=True)


def main():
    args = sys.argv[1:]
    events = None
    if args and args[0] == "--events":
        events, args = {}, args[1:]
    count, seconds = int(args[0]), float(args[1])
    copied = {}
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    s.bind((0, 0))
    ctrl = request(s, GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                   attr(CTRL_ATTR_FAMILY_NAME, b"ito\0"))
    family = struct.unpack("H", ctrl[CTRL_ATTR_FAMILY_ID][:2])[0]
    if events is not None:
        s.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
                     group_id(ctrl, b"events"))
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
            if mtype != family:
                continue
            if events is not None and body[0] == ITO_CMD_FLOW_NTF:
                f = attrs(body[4:]).get(ITO_A_FLOW, b"")
                fa = attrs(f)
                if struct.unpack("I", fa[ITO_A_FLOW_EVENT])[0] == \
                        ITO_FLOW_EVENT_NEW:
                    events[struct.unpack("Q", fa[ITO_A_FLOW_ID])[0]] = f
                continue
            if body[0] != ITO_CMD_PACKET:
                continue
            p = attrs(attrs(body[4:]).get(ITO_A_PACKET, b""))
            f = p.get(ITO_A_PACKET_FLOW, b"")
            copied.setdefault(
                struct.unpack("Q", attrs(f)[ITO_A_FLOW_ID])[0], f)
            print(p[ITO_A_PACKET_DIR][0],
                  struct.unpack("I", p[ITO_A_PACKET_IFINDEX])[0],
                  struct.unpack("I", p[ITO_A_PACKET_SEQ])[0],
                  struct.unpack("I", p[ITO_A_PACKET_LEN])[0], dgrams,
                  len(p.get(ITO_A_PACKET_DATA, b"")), flush=True)
            got += 1
    if events is not None:
        compare(copied, events)


if __name__ == "__main__":
    main()
