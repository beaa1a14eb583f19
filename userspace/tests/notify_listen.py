#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
# The manager's end of sd_notify(3) for tests: binds a unix datagram socket
# at PATH and writes each message it receives to OUT as one line, its
# newlines as "|", flushed at once. With a COMMAND, runs it (through sh)
# when the first message holding READY=1 arrives, before reading on, and
# writes "ready-check: EXIT_STATUS": what the system looked like when
# itod said it was ready.
#
# usage: notify_listen.py PATH OUT [COMMAND]

import os
import socket
import subprocess
import sys

path, out = sys.argv[1], sys.argv[2]
command = sys.argv[3] if len(sys.argv) > 3 else None
try:
    os.unlink(path)
except FileNotFoundError:
    pass
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(path)
with open(out, "a", encoding="utf-8") as f:
    while True:
        msg = sock.recv(4096).decode(errors="replace")
        f.write(msg.replace("\n", "|") + "\n")
        f.flush()
        if command and "READY=1" in msg.split("\n"):
            rc = subprocess.call(command, shell=True)
            command = None
            f.write("ready-check: %d\n" % rc)
            f.flush()
