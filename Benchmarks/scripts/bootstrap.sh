#!/usr/bin/env bash
# Bootstrapping figures for BENCHMARKS.md: hefctl bench --bootstrap at several slot counts and
# thread counts, one JSON line each, then a Markdown table. Optionally SEAL's mul_relin at P1
# (to scale OpenFHE's recorded figures to this machine): set PEERS_PYTHON to a Python with
# TenSEAL (see ../shared/peers/README.md).
#
#   Benchmarks/scripts/bootstrap.sh                 # boot16: 8, 64, 1024 slots, 1 and 2 threads; full slots; boot15
#   SLOTS="8" THREADS="1" Benchmarks/scripts/bootstrap.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
HEFCTL=${HEFCTL:-.build/release/hefctl}
[ -x "$HEFCTL" ] || swift build -c release --product hefctl
SLOTS=${SLOTS:-"8 64 1024"}
THREADS=${THREADS:-"1 2"}
ITERATIONS=${ITERATIONS:-3}
OUT=${OUT:-/tmp/hef-bootstrap}
mkdir -p "$OUT"
: > "$OUT/runs.jsonl"
run() { # params slots threads iterations
    echo "== $1, $2 slots, $3 thread(s)" >&2
    "$HEFCTL" bench --bootstrap --params "$1" --slots "$2" --threads "$3" --iterations "$4" --json \
        | python3 -c "import json,sys; d=json.load(sys.stdin); d['preset']='$1'; print(json.dumps(d))" >> "$OUT/runs.jsonl"
}
for s in $SLOTS; do for t in $THREADS; do run boot16 "$s" "$t" "$ITERATIONS"; done; done
if [ -z "${SKIP_FULL:-}" ]; then for t in $THREADS; do run boot16 32768 "$t" 1; done; fi
if [ -z "${SKIP_BOOT15:-}" ]; then run boot15 8 1 "$ITERATIONS"; fi
if [ -n "${PEERS_PYTHON:-}" ]; then
    "$PEERS_PYTHON" ../shared/peers/seal_quick.py P1 > "$OUT/seal_p1.json"
fi
python3 - "$OUT" <<'PY'
import json, sys, os
out = sys.argv[1]
rows = [json.loads(l) for l in open(os.path.join(out, "runs.jsonl"))]
print(f"CPU: {open('/proc/cpuinfo').read().split('model name')[1].split(':')[1].splitlines()[0].strip()}; kernels: {rows[0]['kernelPath']}")
print("| preset | slots | threads | bootstrap s (median) | bits (worst) | bits (mean) | levels left | keys GiB (seeded, #) | peak RSS GiB | steps s: modRaise / trace / CtS / EvalMod / StC |")
print("|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    b = r["bootstrap"]; st = b["steps"]
    steps = " / ".join(f"{st.get(k, 0):.2f}" for k in ["modRaise", "trace", "coeffsToSlots", "evalMod", "slotsToCoeffs"])
    print(f"| {r['preset']} | {b['slots']} | {r['threads']} | {b['ms']/1000:.2f} | {b['bits']:.1f} | {b['meanBits']:.1f} | {b['levelsLeft']} | {b['keyBytes']/2**30:.2f} ({b['keyCount']}) | {b['peakMemoryBytes']/2**30:.1f} | {steps} |")
p = os.path.join(out, "seal_p1.json")
if os.path.exists(p):
    print(f"SEAL mul_relin at P1 on this machine: {json.load(open(p))['seal']['P1']['mul_relin']:.2f} ms (OpenFHE's figures were recorded beside 1.95 ms)")
PY
