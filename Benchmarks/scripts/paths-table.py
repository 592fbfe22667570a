#!/usr/bin/env python3
"""Side-by-side tables (issue 10) from one session's `hefctl bench --json` runs on several
kernel paths and SEAL runs made before and after them.

Usage: paths-table.py SEAL1.json [SEAL2.json ...] -- P1:PATH=hef.json [P2:PATH=hef.json ...]
  SEAL*.json  output of ../shared/peers/seal_quick.py P1 P2 (ms), averaged
  P1:ifma=hef-n8192-ifma.json  `hefctl bench --params n8192 --backend both --json` run with
              HEF_SIMD=ifma; the swift column comes from the files of the first path of each
              size. A label given several times (runs alternating with SEAL's) is averaged.
Prints one markdown table per size with each path's ms, its ratio to SEAL and the geometric
mean of the ratios over the primitives (ntt_forward and add excluded: SEAL's figure for add
is mostly the Python call)."""
import json, math, sys

OPS = ["encode", "encrypt", "decrypt", "mul_plain", "mul_relin", "rescale", "rotate", "relin_keygen"]
split = sys.argv.index("--")
seals = [json.load(open(f))["seal"] for f in sys.argv[1:split]]
runs = {}
for arg in sys.argv[split + 1:]:
    label, path = arg.split("=", 1)
    size, kernel = label.split(":")
    entries = runs.setdefault(size, [])
    for existing in entries:
        if existing[0] == kernel:
            existing[1].append(json.load(open(path)))
            break
    else:
        entries.append((kernel, [json.load(open(path))]))

def mean_run(group):
    """One run whose figures are the means of the group's (same threads and path)."""
    out = {"threads": group[0].get("threads"), "backends": {}}
    for backend in group[0]["backends"]:
        out["backends"][backend] = {
            op: sum(r["backends"][backend][op] for r in group) / len(group) for op in OPS}
    return out

runs = {size: [(k, mean_run(g)) for k, g in entries] for size, entries in runs.items()}

def fmt(x):
    return f"{x:.3g}"

for size, entries in runs.items():
    seal = {op: sum(s[size][op] for s in seals) / len(seals) for op in OPS}
    first = entries[0][1]
    threads = {e[1].get("threads") for e in entries}
    print(f"\n{size} ({'N 8192' if size == 'P1' else 'N 16384'}), threads {sorted(threads)}, ms (medians, mean over runs):\n")
    head = ["op", f"SEAL (mean of {len(seals)})"]
    for kernel, _ in entries: head.append(f"native {kernel}")
    has_swift = "swift" in first["backends"]
    if has_swift: head.append("swift")
    for kernel, _ in entries: head.append(f"{kernel} / SEAL")
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    logs = {k: [] for k, _ in entries}
    for op in OPS:
        row = [op, fmt(seal[op])]
        for kernel, run in entries: row.append(fmt(run["backends"]["native"][op]))
        if has_swift: row.append(fmt(first["backends"]["swift"][op]))
        for kernel, run in entries:
            r = run["backends"]["native"][op] / seal[op]
            logs[kernel].append(math.log(r))
            row.append(f"{r:.2f}")
        print("| " + " | ".join(row) + " |")
    gm = ["geometric mean", ""] + [""] * (len(entries) + (1 if has_swift else 0))
    for kernel, _ in entries: gm.append(f"**{math.exp(sum(logs[kernel]) / len(OPS)):.2f}**")
    print("| " + " | ".join(gm) + " |")
