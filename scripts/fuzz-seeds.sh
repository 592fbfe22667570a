#!/usr/bin/env bash
# Seed corpora for the fuzz harnesses (Fuzz/), made from real files:
#   - keys, ciphertexts, compiled models and model ciphertexts written by hefctl at the n4096
#     preset (the harnesses' context), built here into .build-fuzz-tools;
#   - the forms hefctl has no command for (parameters file, unseeded keys, seeded ciphertexts,
#     plaintext, HEFM containers at n4096) derived from those by scripts/fuzz_seed_variants.py;
#   - the bundled Models/*/model.json, Models/*/*.onnx, Tests/HefMLTests/Fixtures files, CSVs.
# Usage: scripts/fuzz-seeds.sh [OUT_DIR]   (default .build-fuzz/seeds)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=${1:-$ROOT/.build-fuzz/seeds}
TOOLS=$ROOT/.build-fuzz-tools

if [ -z "${HEFCTL:-}" ]; then  # HEFCTL=path/to/hefctl skips the build
    swift build --product hefctl --scratch-path "$TOOLS" >&2
    HEFCTL=$(swift build --product hefctl --scratch-path "$TOOLS" --show-bin-path)/hefctl
fi

rm -rf "$OUT"
mkdir -p "$OUT"/{parameters,inspect,secret-key,public-key,evaluation-keys,ciphertexts,plaintext,model-ciphertexts,compiled-model,mlp-json,onnx,csv}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# Keys and ciphertexts at the harnesses' preset.
"$HEFCTL" keygen --params n4096 --out "$WORK/keys" --rotations=1,-2 --conjugation >&2
printf '1,2,3,4\n0.5,-0.25\n' > "$WORK/rows.csv"
"$HEFCTL" encrypt --public-key "$WORK/keys/public.key" --in "$WORK/rows.csv" --out "$WORK/rows.ct" >&2
cp "$WORK/keys/secret.key" "$OUT/secret-key/"
cp "$WORK/keys/public.key" "$OUT/public-key/"
# The evaluation keys seed: relinearization and one Galois key only (each key is ~110 KB at
# N = 4096 seeded, twice that unseeded; the fuzzer's speed is inversely proportional).
"$HEFCTL" keygen --params n4096 --out "$WORK/ekeys" --rotations=1 >&2
cp "$WORK/ekeys/eval.key" "$OUT/evaluation-keys/"
cp "$WORK/keys/eval.key" "$OUT/inspect/eval-4keys.key"
cp "$WORK/rows.ct" "$OUT/ciphertexts/"
cp "$WORK/ekeys/eval.key" "$WORK/keys/eval.key"
python3 scripts/fuzz_seed_variants.py "$OUT" "$WORK/keys" "$WORK/rows.ct"

# Compiled models and model ciphertexts from the bundled models (their own parameters: these
# seed the compiled-model and inspect harnesses, and model-ciphertexts' summary path).
for m in diabetes-regression breast-cancer-square; do
    dir=Models/$m
    "$HEFCTL" model compile "$dir/model.json" --calibrate "$dir/calibration_X.csv" --out "$WORK/$m.hef" >&2
    cp "$WORK/$m.hef" "$OUT/compiled-model/$m-latency.hef"
    "$HEFCTL" model compile "$dir/model.json" --calibrate "$dir/calibration_X.csv" --packing throughput --out "$OUT/compiled-model/$m-throughput.hef" >&2
done
"$HEFCTL" keygen --model "$WORK/diabetes-regression.hef" --out "$WORK/mkeys" >&2
head -n 2 Models/diabetes-regression/test_X.csv > "$WORK/two.csv"
"$HEFCTL" encrypt --model "$WORK/diabetes-regression.hef" --public-key "$WORK/mkeys/public.key" --in "$WORK/two.csv" --out "$OUT/model-ciphertexts/diabetes-inputs.hefm" >&2

# inspect reads every kind.
cp "$OUT"/{parameters,secret-key,public-key,evaluation-keys,ciphertexts,plaintext}/* "$OUT/inspect/"

# Models, ONNX, CSVs as bundled.
for f in Models/*/model.json; do cp "$f" "$OUT/mlp-json/$(basename "$(dirname "$f")").json"; done
for f in Models/*/*.onnx Tests/HefMLTests/Fixtures/*.onnx Tests/HefMLTests/Fixtures/regressions/*/*.onnx; do
    cp "$f" "$OUT/onnx/$(echo "${f#*/}" | tr / -)"
done
python3 scripts/fuzz_onnx_crafted.py "$OUT/onnx"
cp Tests/HefMLTests/Fixtures/*.json "$OUT/mlp-json/" 2>/dev/null || true
for f in Models/diabetes-regression/test_X.csv Models/*/reference_scores.csv Models/*/test_y.csv; do
    head -c 4096 "$f" > "$OUT/csv/$(echo "${f#*/}" | tr / -)"
done
printf '1,2,3,4\n\n 5.5 ,\t-6e3,7,8\r\n' > "$OUT/csv/small.csv"
for d in "$OUT"/*; do echo "$(basename "$d"): $(ls "$d" | wc -l) files, $(du -sk "$d" | cut -f1) KiB" >&2; done
