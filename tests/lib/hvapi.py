#!/usr/bin/env python3
"""Send JSON lines to hv's control socket and print each reply line.

usage: hvapi.py SOCKET REQUEST [REQUEST...]   (REQUEST is sent verbatim)
"""
import socket
import sys


def main():
    path, reqs = sys.argv[1], sys.argv[2:]
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(path)
    f = s.makefile("rwb")
    for r in reqs:
        f.write(r.encode() + b"\n")
        f.flush()
        line = f.readline()
        if not line:
            print("EOF")
            return 1
        sys.stdout.write(line.decode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
