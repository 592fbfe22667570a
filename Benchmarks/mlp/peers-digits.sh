#!/usr/bin/env bash
# Hef on the very model the peers were timed on: ../shared/peers/models/digits.onnx (64-32-10,
# square activation, input = standardized features) and its 360-sample test split, through
# the hefctl flow, in latency and throughput packing. Prints per-sample server time, bytes each
# way and agreement with the peers' plaintext logits.
#   Benchmarks/mlp/peers-digits.sh [PEERS_DIR]   (default ../shared/peers)
set -euo pipefail
cd "$(dirname "$0")/../.."
PEERS="${1:-../shared/peers}"
WORK="${HEF_WORK:-$(mktemp -d)}"
mkdir -p "$WORK"
swift build -c release --product hefctl >&2
H="$(swift build -c release --show-bin-path)/hefctl"
python3 - "$PEERS/models/digits.json" "$WORK" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); out = sys.argv[2]
mean, scale = d["scaler"]["mean"], d["scaler"]["scale"]
with open(out + "/x.csv", "w") as f:
    for row in d["test"]["x"]:
        f.write(",".join(repr((v - m) / s) for v, m, s in zip(row, mean, scale)) + "\n")
with open(out + "/y.csv", "w") as f:
    for y in d["test"]["y"]: f.write(str(y) + "\n")
with open(out + "/plain_labels.csv", "w") as f:
    for l in d["plain"]["test_logits"]: f.write(str(max(range(len(l)), key=lambda i: l[i])) + "\n")
PY
for packing in latency throughput; do
    echo "== $packing packing"
    "$H" model compile "$PEERS/models/digits.onnx" --packing $packing --out "$WORK/digits-$packing.hef" | grep -E "parameters|rotations|depth"
    "$H" keygen --model "$WORK/digits-$packing.hef" --out "$WORK/keys-$packing" --force | tail -1
    "$H" encrypt --model "$WORK/digits-$packing.hef" --public-key "$WORK/keys-$packing/public.key" --in "$WORK/x.csv" --out "$WORK/x-$packing.ct"
    "$H" infer --model "$WORK/digits-$packing.hef" --eval-key "$WORK/keys-$packing/eval.key" --in "$WORK/x-$packing.ct" --out "$WORK/y-$packing.ct"
    "$H" decrypt --model "$WORK/digits-$packing.hef" --secret-key "$WORK/keys-$packing/secret.key" --in "$WORK/y-$packing.ct" --out "$WORK/scores-$packing.csv"
    python3 - "$WORK/scores-$packing.csv" "$WORK/plain_labels.csv" "$WORK/y.csv" <<'PY'
import sys
scores = [list(map(float, l.split(","))) for l in open(sys.argv[1]) if l.strip()]
plain = [int(l) for l in open(sys.argv[2]) if l.strip()]
truth = [int(l) for l in open(sys.argv[3]) if l.strip()]
enc = [max(range(len(s)), key=lambda i: s[i]) for s in scores]
n = len(enc)
print("samples %d, agreement with plaintext labels %.4f, encrypted accuracy %.4f" % (
    n, sum(a == b for a, b in zip(enc, plain)) / n, sum(a == b for a, b in zip(enc, truth)) / n))
PY
done
