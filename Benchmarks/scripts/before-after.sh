#!/usr/bin/env bash
# Side by side, in one run, two hefctl binaries (e.g. the last release before a refactor and the
# current build): primitives (`hefctl bench`, both backends, N = 8192 and 16384) and the
# digits-square MLP (`hefctl demo`, both packings), alternating BEFORE and AFTER each round so
# that the machine's noise hits both alike. Prints a markdown table of medians and AFTER/BEFORE.
#   Benchmarks/scripts/before-after.sh BEFORE_HEFCTL AFTER_HEFCTL [ROUNDS=3]
set -euo pipefail
before=$1 after=$2 rounds=${3:-3}
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp -d /tmp/hef-before-after.XXXXXX)
for r in $(seq 1 "$rounds"); do
    for side in before after; do
        bin=$before; [ "$side" = after ] && bin=$after
        for p in n8192 n16384; do
            "$bin" bench --params "$p" --backend both --json --iterations 9 >"$out/$side-$p-$r.json"
        done
        "$bin" demo --model digits-square --packing both --limit 60 --models-dir "$root/Models" >"$out/$side-demo-$r.txt" 2>&1
        echo "round $r/$rounds: $side done" >&2
    done
done
python3 - "$out" "$rounds" <<'PY'
import json, re, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
rows = {}
for side in ("before", "after"):
    for r in range(1, rounds + 1):
        for p in ("n8192", "n16384"):
            data = json.load(open(f"{out}/{side}-{p}-{r}.json"))
            for backend, ops in data["backends"].items():
                for op, ms in ops.items():
                    rows.setdefault((f"{op} ({backend}, {p})", "ms"), {}).setdefault(side, []).append(ms)
        text = open(f"{out}/{side}-demo-{r}.txt").read()
        lat = re.search(r"latency packing.*?infer ([\d.]+) ms", text, re.S)
        thr = re.search(r"throughput packing.*?throughput\s+(\d+) samples/s", text, re.S)
        agree = re.findall(r"agreement\s+([\d.]+)%", text)
        rows.setdefault(("digits-square latency: infer per sample", "ms"), {}).setdefault(side, []).append(float(lat.group(1)))
        rows.setdefault(("digits-square throughput: server", "samples/s"), {}).setdefault(side, []).append(float(thr.group(1)))
        rows.setdefault(("digits-square agreement (both packings, min)", "%"), {}).setdefault(side, []).append(min(map(float, agree)))
print("| measurement | unit | before (median) | after (median) | after / before |")
print("|---|---|---|---|---|")
for (name, unit), sides in rows.items():
    b, a = statistics.median(sides["before"]), statistics.median(sides["after"])
    print(f"| {name} | {unit} | {b:.4g} | {a:.4g} | {a / b:.2f} |")
PY
echo "raw runs in $out" >&2
