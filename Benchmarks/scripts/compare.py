#!/usr/bin/env python3
"""Side-by-side tables for BENCHMARKS.md from one session's runs.

Usage: compare.py seal.json [seal2.json ...] hef_p50.json
  seal*.json   - output(s) of /work/shared/peers/seal_quick.py P1 P2 (ms); several runs (e.g.
                 one right before and one right after Hef's) are averaged, range shown
  hef_p50.json - output of p50.py on the ordo-one markdown run (µs, wall-clock p50)
OpenFHE figures are the recorded 1-thread medians of ../shared/peers/results/ckks_ops.md
(2026-11-21, not re-run here)."""
import json, sys

OPENFHE_RECORDED = {  # ms, OpenFHE 1.5.1 1T, main table of ckks_ops.md
    "P1": {"encode": 0.748, "encrypt": 2.51, "decrypt": 3.71, "add": 0.262, "mul_plain": 0.111,
           "mul_relin": 4.43, "rescale": 0.692, "rotate": 3.90, "relin_keygen": 11.2},
    "P2": {"encode": 2.38, "encrypt": 10.2, "decrypt": 13.4, "add": 1.31, "mul_plain": 1.22,
           "mul_relin": 32.1, "rescale": 3.39, "rotate": 29.8, "relin_keygen": 65.2},
}
SIZE = {"P1": "N8192", "P2": "N16384"}
OPS = ["encode", "encrypt", "decrypt", "add", "mul_plain", "mul_relin", "rescale", "rotate",
       "relin_keygen", "ntt_forward"]

def fmt(x):
    if x is None: return "-"
    return f"{x:.3g}" if x < 100 else f"{x:.0f}"

seals = [json.load(open(f))["seal"] for f in sys.argv[1:-1]]
hef = json.load(open(sys.argv[-1]))
seal = {p: {op: sum(s[p][op] for s in seals) / len(seals) for op in seals[0][p]} for p in seals[0]}
srange = {p: {op: (min(s[p][op] for s in seals), max(s[p][op] for s in seals)) for op in seals[0][p]} for p in seals[0]}
for p in ("P1", "P2"):
    print(f"\n### {p} ({SIZE[p]})\n")
    print("| op | Hef native (ms) | Hef swift (ms) | swift/native | SEAL this session (ms) | native/SEAL | OpenFHE 1T recorded (ms) |")
    print("|---|---|---|---|---|---|---|")
    for op in OPS:
        nat = hef.get(f"{op}/native/{SIZE[p]}", {}).get("p50_us")
        swi = hef.get(f"{op}/swift/{SIZE[p]}", {}).get("p50_us")
        nat = nat / 1e3 if nat is not None else None
        swi = swi / 1e3 if swi is not None else None
        s = seal.get(p, {}).get(op)
        o = OPENFHE_RECORDED[p].get(op)
        r1 = f"{swi / nat:.2f}" if nat and swi else "-"
        r2 = f"**{nat / s:.2f}**" if nat and s and nat > s else (f"{nat / s:.2f}" if nat and s else "-")
        rng = srange.get(p, {}).get(op)
        sc = f"{fmt(s)} ({fmt(rng[0])}–{fmt(rng[1])})" if s and len(seals) > 1 else fmt(s)
        print(f"| {op} | {fmt(nat)} | {fmt(swi)} | {r1} | {sc} | {r2} | {fmt(o)} |")

print("\n### Native vs swift at every size (ms, p50)\n")
sizes = ["N8192", "N16384", "N32768", "N65536"]
print("| op | " + " | ".join(f"{s} native | {s} swift | ratio" for s in sizes) + " |")
print("|---|" + "---|---|---|" * len(sizes))
for op in OPS + ["rotate_hoisted8", "rotate_single8"]:
    cells = []
    for s in sizes:
        nat = hef.get(f"{op}/native/{s}", {}).get("p50_us")
        swi = hef.get(f"{op}/swift/{s}", {}).get("p50_us")
        cells += [fmt(nat / 1e3) if nat else "-", fmt(swi / 1e3) if swi else "-",
                  f"{swi / nat:.2f}" if nat and swi else "-"]
    print(f"| {op} | " + " | ".join(cells) + " |")

print("\n### Hoisting: 8 rotations (steps 1…8) of one ciphertext (ms, p50)\n")
print("| size | backend | 8 single rotations | hoisted | gain (single/hoisted) |")
print("|---|---|---|---|---|")
for s in sizes:
    for b in ("native", "swift"):
        single = hef.get(f"rotate_single8/{b}/{s}", {}).get("p50_us")
        hoist = hef.get(f"rotate_hoisted8/{b}/{s}", {}).get("p50_us")
        if single and hoist:
            print(f"| {s} | {b} | {fmt(single / 1e3)} | {fmt(hoist / 1e3)} | {single / hoist:.2f}x |")
