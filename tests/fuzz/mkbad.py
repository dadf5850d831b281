#!/usr/bin/env python3
"""Writes the hand-made bad inputs of tests/fuzz/bad_inputs.sh into DIR,
each derived from a good file of the build (GOOD_ULP: foo_p1.ulp, GOOD_SO:
an ELF shared object) so that exactly one thing is wrong with it."""
import hashlib
import struct
import sys

out, good_ulp, good_so = sys.argv[1], sys.argv[2], sys.argv[3]
ulp = open(good_ulp, "rb").read()
so = open(good_so, "rb").read()


def w(name, data):
    open(f"{out}/{name}", "wb").write(data)


def seal(body):
    """A .ulp header (magic, version 1, length, SHA-256) over body."""
    return (b"PULPULP\0" + struct.pack("<II", 1, 48 + len(body))
            + hashlib.sha256(body).digest() + body)


def records(body):
    recs, off = [], 0
    while off < len(body):
        tag, n = struct.unpack_from("<HI", body, off)
        recs.append((tag, body[off + 6:off + 6 + n]))
        off += 6 + n
    return recs


def join(recs):
    return b"".join(struct.pack("<HI", t, len(d)) + d for t, d in recs)


body = ulp[48:]
recs = records(body)
w("empty.ulp", b"")
w("text.ulp", b"hello, this is not a patch\n")
w("short.ulp", ulp[:40])
w("version2.ulp", ulp[:8] + struct.pack("<I", 2) + ulp[12:])
w("truncated.ulp", ulp[:-10])
w("padded.ulp", ulp + b"\0" * 16)
w("flipped.ulp", ulp[:100] + bytes([ulp[100] ^ 1]) + ulp[101:])
# Checksum-valid but malformed bodies: only a checksum-valid file reaches
# the record decoder.
w("dup_name.ulp", seal(body + join([r for r in recs if r[0] == recs[2][0]])))
w("no_records.ulp", seal(b""))
w("record_overrun.ulp", seal(body + struct.pack("<HI", 1, 1000)))
w("unterminated_string.ulp", seal(join(
    [(t, d[:-1]) if i == 2 else (t, d) for i, (t, d) in enumerate(recs)])))
w("unknown_tag_only.ulp", seal(join([(999, b"x")])))
# ELF files.
w("elf32.so", so[:4] + b"\1" + so[5:])
w("elf_bad_endian.so", so[:5] + b"\7" + so[6:])
w("elf_truncated.so", so[:63])
shoff = struct.unpack_from("<Q", so, 40)[0]
w("elf_shoff_outside.so", so[:40] + struct.pack("<Q", len(so) + 4096) + so[48:])
# The section-name string table marked SHT_NOBITS (fuzzer's find).
shstrndx = struct.unpack_from("<H", so, 62)[0]
at = shoff + shstrndx * 64 + 4
w("elf_nobits_shstrtab.so", so[:at] + struct.pack("<I", 8) + so[at + 4:])
