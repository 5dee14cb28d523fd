#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the small seed corpora of the VMBus fuzz targets (committed; rerun to regenerate)."""
import os
import struct

here = os.path.dirname(os.path.abspath(__file__))


def put(kind, name, data):
    d = os.path.join(here, "corpus", kind)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def packet(ptype, trans_id, hdr, payload, start):
    body = hdr + payload
    total = 16 + len(body)
    padded = (total + 7) & ~7
    desc = struct.pack("<HHHHQ", ptype, (16 + len(hdr)) // 8, padded // 8, 0, trans_id)
    return desc + body + b"\0" * (padded - total) + struct.pack("<Q", start << 32)


# ring_reader: control fields, 8 peer moves, data area
def ring_seed(size, pkts, write_index, moves):
    data = bytearray(size)
    data[: len(pkts)] = pkts
    return struct.pack("<IIII", write_index, 0, 0, 0) + struct.pack("<8I", *moves) + bytes(data)


p1 = packet(6, 1, b"", b"hello vmbus", 0)
p2 = packet(9, 2, struct.pack("<IIII", 0, 1, 5000, 10) + struct.pack("<QQ", 0x100, 0x101),
            b"payload", len(p1))
p3 = packet(11, 1, b"", b"done", len(p1) + len(p2))
both = p1 + p2 + p3
put("ring_reader", "three_packets", ring_seed(4096, both, len(both), [len(both)] * 8))
put("ring_reader", "empty", ring_seed(64, b"", 0, [0, 24, 48, 0, 8, 16, 32, 40]))
put("ring_reader", "grow", ring_seed(512, both, len(p1), [len(p1), len(p1) + len(p2), len(both),
                                                        0, 0, 0, 0, 0]))

# channel_msg: one valid example of each type
hdr = lambda t: struct.pack("<II", t, 0)
scsi = bytes.fromhex("d96361baa104294db60572e2ffb1dc7f")
msgs = {
    "offer": hdr(1) + scsi + bytes(16) + bytes(16) + struct.pack("<HH", 0, 0) + bytes(120)
    + struct.pack("<HHIBBHI", 0, 0, 1, 0, 0, 1, 0x2001),
    "rescind": hdr(2) + struct.pack("<I", 1),
    "requestoffers": hdr(3),
    "alloffers": hdr(4),
    "open": hdr(5) + struct.pack("<IIIII", 1, 1, 0xE1E10, 0, 4) + bytes(120),
    "open_result": hdr(6) + struct.pack("<III", 1, 1, 0),
    "close": hdr(7) + struct.pack("<I", 1),
    "gpadl_header": hdr(8) + struct.pack("<IIHH", 1, 0xE1E10, 24, 1) + struct.pack("<IIQQ", 8192, 0, 5, 6),
    "gpadl_body": hdr(9) + struct.pack("<II", 0, 0xE1E10) + struct.pack("<QQ", 7, 8),
    "gpadl_created": hdr(10) + struct.pack("<III", 1, 0xE1E10, 0),
    "gpadl_teardown": hdr(11) + struct.pack("<II", 1, 0xE1E10),
    "gpadl_torndown": hdr(12) + struct.pack("<I", 0xE1E10),
    "relid_released": hdr(13) + struct.pack("<I", 1),
    "initiate": hdr(14) + struct.pack("<IIBB6xQQ", 0x50003, 0, 2, 0, 0x7000, 0x8000),
    "version_response": hdr(15) + struct.pack("<BBHI", 1, 0, 0, 1),
    "unload": hdr(16),
    "unload_response": hdr(17),
    "modify": hdr(22) + struct.pack("<II", 1, 0),
    "modify_response": hdr(24) + struct.pack("<II", 1, 0),
}
for name, m in msgs.items():
    put("channel_msg", name, m)


# gpadl: records of [len][message]
def rec(m):
    return bytes([len(m)]) + m


npfn = 40
words = [40 * 4096] + [0x1000 + i for i in range(npfn)]
head = hdr(8) + struct.pack("<IIHH", 1, 0xE1E10, 8 * len(words), 1) + struct.pack("<27Q", *words[:27])
body = hdr(9) + struct.pack("<II", 1, 0xE1E10) + struct.pack("<%dQ" % (len(words) - 27), *words[27:])
put("gpadl", "one_range_two_msgs", rec(head) + rec(body))
two = [(0 << 32) | 100, 5, (4000 << 32) | 200, 6, 7]
put("gpadl", "two_ranges", rec(hdr(8) + struct.pack("<IIHH", 1, 9, 8 * len(two), 2)
                              + struct.pack("<5Q", *two)))
