#!/usr/bin/env python3
"""Write or check the vblk data pattern in a raw disk image.

usage: blkpattern.py write|check FILE SECTOR COUNT SEED

64-bit little-endian word j (0..63) of 512-byte sector s is
(s << 32 | j << 16 | (SEED & 0xffff)) ^ 0x9e3779b97f4a7c15, as in
workloads/src/vblk.c. `check` prints the number of bad sectors and exits 1
if there are any.
"""
import struct
import sys

MIX = 0x9E3779B97F4A7C15


def sector(s, seed):
    return b"".join(struct.pack("<Q", (s << 32 | j << 16 | (seed & 0xFFFF)) ^ MIX)
                    for j in range(64))


def main():
    op, path, start, count, seed = sys.argv[1], sys.argv[2], *map(lambda v: int(v, 0), sys.argv[3:6])
    with open(path, "r+b") as f:
        f.seek(start * 512)
        if op == "write":
            f.write(b"".join(sector(s, seed) for s in range(start, start + count)))
            return 0
        data = f.read(count * 512)
    bad = sum(1 for i in range(count)
              if data[i * 512:(i + 1) * 512] != sector(start + i, seed))
    print(f"{bad} bad sectors of {count} from sector {start}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
