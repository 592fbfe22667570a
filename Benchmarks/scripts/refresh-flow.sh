#!/usr/bin/env bash
# The client-aided refresh file flow on a bundled model, timed, with label agreement against
# the model's plaintext reference scores (docs/refresh.md, BENCHMARKS.md § Client-aided refresh).
#
#   Benchmarks/scripts/refresh-flow.sh digits-tanh [--rows 450] [--refresh client] [--packing latency]
#
# Prints the plan (model show), then one line per server segment and key-holder refresh with
# its time and bytes, then the totals per sample and the agreement. Uses .build/release/hefctl
# (build it first: swift build -c release --product hefctl). Work files go to a temporary folder.
set -euo pipefail

model=${1:?usage: refresh-flow.sh MODEL [--rows N] [--refresh MODE] [--packing P]}
shift
rows=0
refresh=client
packing=latency
while [ $# -gt 0 ]; do
    case "$1" in
    --rows) rows=$2; shift 2 ;;
    --refresh) refresh=$2; shift 2 ;;
    --packing) packing=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done

root=$(cd "$(dirname "$0")/../.." && pwd)
hefctl=${HEFCTL:-$root/.build/release/hefctl}
models=$root/Models/$model
work=$(mktemp -d /tmp/hef-refresh-flow.XXXXXX)
trap 'rm -rf "$work"' EXIT

if [ "$rows" -gt 0 ]; then head -n "$rows" "$models/test_X.csv" >"$work/x.csv"; else cp "$models/test_X.csv" "$work/x.csv"; fi
count=$(wc -l <"$work/x.csv")

cd "$work"
"$hefctl" model compile "$models/model_skl2onnx.onnx" --calibrate "$models/calibration_X.csv" \
    --packing "$packing" --refresh "$refresh" --out m.hef | grep -E "^(parameters|depth|refresh|  segment|round trip)"
"$hefctl" keygen --model m.hef --out keys >/dev/null
echo "evaluation keys: $(stat -c %s keys/eval.key) bytes"
"$hefctl" encrypt --model m.hef --public-key keys/public.key --in x.csv --out x.ct >/dev/null

now() { date +%s.%N; }
server=0
holder=0
current=x.ct
round=0
while :; do
    # The evaluation time infer prints (loading the model and keys excluded).
    line=$("$hefctl" infer --model m.hef --eval-key keys/eval.key --in "$current" --out "s$round.ct" 2>/dev/null)
    t=$(echo "$line" | sed -E 's/.* in ([0-9.]+) s .*/\1/')
    server=$(echo "$server + $t" | bc -l)
    if "$hefctl" inspect "s$round.ct" | grep -q 'stage: outputs'; then
        printf 'server segment %d: %.3f s (%.1f ms/sample), outputs %d bytes\n' $((round + 1)) "$t" "$(echo "1000 * $t / $count" | bc -l)" "$(stat -c %s "s$round.ct")"
        current=s$round.ct
        break
    fi
    printf 'server segment %d: %.3f s (%.1f ms/sample), refresh request %d bytes\n' $((round + 1)) "$t" "$(echo "1000 * $t / $count" | bc -l)" "$(stat -c %s "s$round.ct")"
    start=$(now)
    "$hefctl" refresh --model m.hef --secret-key keys/secret.key --in "s$round.ct" --out "r$round.ct" >/dev/null
    t=$(echo "$(now) - $start" | bc -l)
    holder=$(echo "$holder + $t" | bc -l)
    printf 'key holder refresh %d: %.3f s, answer %d bytes\n' $((round + 1)) "$t" "$(stat -c %s "r$round.ct")"
    current=r$round.ct
    round=$((round + 1))
done
"$hefctl" decrypt --model m.hef --secret-key keys/secret.key --in "$current" --out y.csv --output scores 2>/dev/null
printf 'rows %d, round trips %d, server %.1f ms/sample (evaluation, unmasking and masking), key holder %.1f ms/sample\n' \
    "$count" "$round" "$(echo "1000 * $server / $count" | bc -l)" "$(echo "1000 * $holder / $count" | bc -l)"
python3 - "$work/y.csv" "$models/reference_scores.csv" <<'EOF'
import csv, sys
got = [list(map(float, r)) for r in csv.reader(open(sys.argv[1]))]
ref = [list(map(float, r)) for r in csv.reader(open(sys.argv[2]))][: len(got)]
def label(s):
    return (1 if s[0] > 0 else 0) if len(s) == 1 else max(range(len(s)), key=s.__getitem__)
agree = sum(label(a) == label(b) for a, b in zip(got, ref))
worst = max(abs(x - y) for a, b in zip(got, ref) for x, y in zip(a, b))
print(f"label agreement with the plaintext model: {agree}/{len(got)}; worst |encrypted - plaintext| score {worst:.4g}")
EOF
