#!/usr/bin/env bash
# The main job (until the encrypted-MLP demo lands): a CKKS round trip through hefctl.
# Installs what is missing, builds hefctl in release mode, generates keys for the default
# preset, encrypts a CSV of 4096-value rows, adds nothing to it, decrypts it, and reports
# the precision in bits against the original values.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build -c release --product hefctl >&2
HEFCTL="$(swift build -c release --show-bin-path)/hefctl"
WORK="${HEF_WORK:-$(mktemp -d)}"
mkdir -p "$WORK"
echo "== working in $WORK"

# Four rows of 4096 reals in [-1, 1].
awk 'BEGIN { srand(7); for (r = 0; r < 4; r++) { line = ""; for (i = 0; i < 4096; i++) { v = sprintf("%.12f", 2 * rand() - 1); line = (i ? line "," : "") v } print line } }' > "$WORK/x.csv"

echo "== hefctl params show n16384"
"$HEFCTL" params show n16384
echo "== hefctl keygen"
"$HEFCTL" keygen --params n16384 --out "$WORK/keys" --rotations 1,2,-4
echo "== hefctl encrypt"
"$HEFCTL" encrypt --public-key "$WORK/keys/public.key" --in "$WORK/x.csv" --out "$WORK/x.ct"
echo "== hefctl inspect"
for f in "$WORK/keys/secret.key" "$WORK/keys/public.key" "$WORK/keys/eval.key" "$WORK/x.ct"; do
    "$HEFCTL" inspect "$f"
done
echo "== hefctl decrypt"
"$HEFCTL" decrypt --secret-key "$WORK/keys/secret.key" --in "$WORK/x.ct" --out "$WORK/y.csv"
echo "== precision (bits = -log2 of the largest absolute error)"
paste -d'\n' "$WORK/x.csv" "$WORK/y.csv" | awk -F, '
    NR % 2 == 1 { n = split($0, want, ","); next }
    { for (i = 1; i <= n; i++) { e = $i - want[i]; if (e < 0) e = -e; if (e > worst) worst = e } rows++ }
    END {
        bits = (worst > 0) ? -log(worst) / log(2) : 99
        printf "%d rows, worst error %.3g, precision %.1f bits\n", rows, worst, bits
        if (bits < 20) { print "FAIL: below 20 bits" > "/dev/stderr"; exit 1 }
    }'
