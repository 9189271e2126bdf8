#!/usr/bin/env python3
"""Writes COPIES copies of a little-endian microsecond pcap (Ethernet) one after the other, with
each copy's IP addresses changed (the first byte of every IPv4 address, the second byte of every
IPv6 address, XORed with the copy number), so the copies are distinct flows for a flow probe or a
DPI engine: real traffic, long enough to measure steady state. Packets are laid 10 microseconds
apart in their original order, from 2026-01-01: a concatenation of captures made years apart has
no usable timeline of its own. Checksums are not fixed (flow probes and nDPI do not check them).

    benchmarks/replicate-pcap.py IN.pcap OUT.pcap COPIES
"""
import struct
import sys


def ip_offset(frame):
    """Offset and version of the IP header in an Ethernet frame (802.1Q tags skipped), or (None, 0)."""
    offset, ethertype = 12, None
    while offset + 2 <= len(frame):
        ethertype = struct.unpack_from("!H", frame, offset)[0]
        if ethertype in (0x8100, 0x88A8, 0x9100):
            offset += 4
            continue
        offset += 2
        break
    if ethertype == 0x0800:
        return offset, 4
    if ethertype == 0x86DD:
        return offset, 6
    return None, 0


def main():
    source, target, copies = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(source, "rb") as f:
        data = f.read()
    magic = struct.unpack_from("<I", data, 0)[0]
    if magic != 0xA1B2C3D4:
        sys.exit("only little-endian microsecond pcap files are handled (write them with mergecap -F pcap)")
    records = []
    position = 24
    while position + 16 <= len(data):
        seconds, micros, captured, wire = struct.unpack_from("<IIII", data, position)
        frame = data[position + 16:position + 16 + captured]
        records.append((seconds * 1_000_000 + micros, wire, frame))
        position += 16 + captured
    start = 1_767_225_600_000_000  # 2026-01-01T00:00:00Z in microseconds
    with open(target, "wb") as out:
        out.write(data[:24])
        for copy in range(copies):
            for index, (_, wire, frame) in enumerate(records):
                frame = bytearray(frame)
                at, version = ip_offset(frame)
                if version == 4 and at + 20 <= len(frame):
                    frame[at + 12] ^= copy & 0xFF
                    frame[at + 16] ^= copy & 0xFF
                elif version == 6 and at + 40 <= len(frame):
                    frame[at + 9] ^= copy & 0xFF
                    frame[at + 25] ^= copy & 0xFF
                shifted = start + (copy * len(records) + index) * 10
                out.write(struct.pack("<IIII", shifted // 1_000_000, shifted % 1_000_000, len(frame), wire))
                out.write(frame)


if __name__ == "__main__":
    main()
