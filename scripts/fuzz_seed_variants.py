#!/usr/bin/env python3
"""Derives the seed files hefctl has no command for from files hefctl wrote (fuzz-seeds.sh).

Usage: fuzz_seed_variants.py SEEDS_DIR KEYS_DIR CT_FILE

Writes, next to the hefctl outputs in SEEDS_DIR/<harness>/:
  parameters/       a parameters file (the header + parameters section of a key file, kind 1,
                    key id 0: exactly what CKKSParameters.serialized() writes)
  public-key/       the unseeded form (flags 0, `a` present) besides hefctl's seeded one
  evaluation-keys/  the unseeded form of every key record
  ciphertexts/      a seeded record (flags 1, seed, c0 only) and a two-record file
  plaintext/        a plaintext file (scale, slots, the c0 section of a ciphertext)
  model-ciphertexts/ HEFM containers (inputs and outputs stage) around the ciphertext file
The derived files are structurally valid (every parser accepts them); the values in them are
not meaningful, which does not matter to a parser.
"""
import os
import struct
import sys

HEADER = 23


def prefix(b):
    """Header + parameters section length."""
    (n,) = struct.unpack_from("<I", b, HEADER)
    return HEADER + 4 + n


def logn(b):
    import json
    (n,) = struct.unpack_from("<I", b, HEADER)
    return json.loads(b[HEADER + 4:HEADER + 4 + n])["logN"]


def poly_len(b, off, n):
    count = b[off]
    widths = b[off + 1:off + 1 + count]
    return 1 + count + sum((n * w + 7) // 8 for w in widths)


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(bytes(data))


def main():
    seeds, keys, ct_path = sys.argv[1:4]
    pk = open(os.path.join(keys, "public.key"), "rb").read()
    ek = open(os.path.join(keys, "eval.key"), "rb").read()
    ct = open(ct_path, "rb").read()
    n = 1 << logn(pk)

    # Parameters file.
    p = bytearray(pk[:prefix(pk)])
    p[4] = 1
    p[15:23] = bytes(8)
    write(f"{seeds}/parameters/n4096.hefp", p)

    # Public key: seeded -> unseeded (a := b).
    off = prefix(pk)
    if pk[off] == 1:
        body = pk[off + 1 + 32:]
        blen = poly_len(body, 0, n)
        b_section = body[:blen]
        write(f"{seeds}/public-key/public-unseeded.key", pk[:off] + b"\x00" + b_section + b_section)

    # Evaluation keys: every seeded record -> unseeded (a_j := b_j).
    off = prefix(ek)
    out = bytearray(ek[:off])
    flags = ek[off]
    (count,) = struct.unpack_from("<I", ek, off + 1)
    out += ek[off:off + 5]
    i = off + 5

    def key_record(i):
        kflags = ek[i]
        digits, primes = struct.unpack_from("<HH", ek, i + 1)
        rec = bytearray([0]) + ek[i + 1:i + 5]
        i += 5
        if kflags & 1:
            i += 32
        for _ in range(digits):
            l = poly_len(ek, i, n)
            b = ek[i:i + l]
            i += l
            if kflags & 1:
                rec += b + b
            else:
                l2 = poly_len(ek, i, n)
                rec += b + ek[i:i + l2]
                i += l2
        return rec, i

    if flags & 1:
        rec, i = key_record(i)
        out += rec
    for _ in range(count):
        out += ek[i:i + 4]
        rec, i = key_record(i + 4)
        out += rec
    assert i == len(ek), (i, len(ek))
    write(f"{seeds}/evaluation-keys/eval-unseeded.key", out)

    # Ciphertexts: first record; a seeded variant; a two-record file.
    off = prefix(ct)
    (count,) = struct.unpack_from("<I", ct, off)
    r = off + 4
    values, size, scale, slots, cflags = struct.unpack_from("<IBdIB", ct, r)
    fixed = ct[r:r + 18]
    q = r + 18
    c0 = ct[q:q + poly_len(ct, q, n)]
    q2 = q + len(c0)
    c1 = ct[q2:q2 + poly_len(ct, q2, n)]
    record = fixed + c0 + c1
    seeded_fixed = bytearray(fixed)
    seeded_fixed[17] = 1
    seeded = bytes(seeded_fixed) + bytes(range(32)) + c0
    head = ct[:off]
    write(f"{seeds}/ciphertexts/one.ct", head + struct.pack("<I", 1) + record)
    write(f"{seeds}/ciphertexts/seeded.ct", head + struct.pack("<I", 1) + seeded)
    write(f"{seeds}/ciphertexts/two.ct", head + struct.pack("<I", 2) + record + seeded)

    # Plaintext: kind 6, key id 0, scale, slots, c0.
    pt = bytearray(head)
    pt[4] = 6
    pt[15:23] = bytes(8)
    pt += struct.pack("<dI", scale, slots) + c0
    write(f"{seeds}/plaintext/c0.pt", pt)

    # Model ciphertext containers around ciphertext files of the fuzzing preset.
    one = head + struct.pack("<I", 1) + record
    for stage, name in ((1, "inputs"), (2, "outputs")):
        m = b"HEFM" + struct.pack("<HQB", 1, 0x0123456789ABCDEF, stage) + struct.pack("<I", 2)
        m += struct.pack("<IQ", 1, len(one)) + one
        m += struct.pack("<IQ", 1, len(ct)) + ct
        write(f"{seeds}/model-ciphertexts/{name}.hefm", m)


if __name__ == "__main__":
    main()
