#!/usr/bin/env bash
# Builds the libFuzzer harnesses of Fuzz/ and runs each for N inputs.
#
#   scripts/fuzz.sh [--runs N] [--no-build] [--asan] [harness...]
#
# harness: parameters inspect secret-key public-key evaluation-keys ciphertexts plaintext
#          model-ciphertexts compiled-model mlp-json onnx csv   (default: all)
# --runs N    inputs per harness (libFuzzer -runs=N), default 1000000
# --no-build  reuse the binaries and seeds of a previous run
# --asan      replay the seeds and the corpus of the plain build (.build-fuzz/corpus) under
#             AddressSanitizer (separate build in .build-fuzz-asan), no mutation: in that
#             build only the harness module registers coverage counters (Swift 6.3 on Linux),
#             so mutating there would not be guided inside the library. --runs is ignored.
#
# Everything goes to .build-fuzz*/ (git-ignored): .build-fuzz-tools (hefctl for the seeds),
# .build-fuzz (the instrumented harnesses, seeds/, corpus/, artifacts/, logs/). One fuzzer runs
# at a time. Prints per harness the executions, seconds, exec/s and the result; exits 1 when
# any harness crashed, hung, ran out of memory or let an untyped error out (the crashing input
# is in .build-fuzz/artifacts/HARNESS/).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RUNS=1000000
BUILD=1
ASAN=0
SELECTED=()
while [ $# -gt 0 ]; do
    case $1 in
        --runs) RUNS=$2; shift 2 ;;
        --runs=*) RUNS=${1#--runs=}; shift ;;
        --no-build) BUILD=0; shift ;;
        --asan) ASAN=1; shift ;;
        -h|--help) sed -n 2,16p "$0"; exit 0 ;;
        *) SELECTED+=("$1"); shift ;;
    esac
done

ALL=(parameters inspect secret-key public-key ciphertexts plaintext
     model-ciphertexts compiled-model mlp-json onnx csv evaluation-keys)
[ ${#SELECTED[@]} -eq 0 ] && SELECTED=("${ALL[@]}")

# Largest input per format: a little above the largest seed (the N = 4096 files), so that
# the fuzzer keeps whole real files but does not grow inputs without bound.
max_len() {
    case $1 in
        parameters) echo 4096 ;;
        inspect) echo 1048576 ;;
        evaluation-keys) echo 524288 ;;
        secret-key|plaintext) echo 65536 ;;
        public-key) echo 131072 ;;
        ciphertexts) echo 163840 ;;
        model-ciphertexts) echo 262144 ;;
        compiled-model|mlp-json|onnx) echo 65536 ;;
        csv) echo 8192 ;;
        *) echo "unknown harness $1" >&2; exit 2 ;;
    esac
}
for h in "${SELECTED[@]}"; do max_len "$h" > /dev/null || exit 2; done

OUT=$ROOT/.build-fuzz
SANITIZE=(--sanitize=fuzzer)
if [ $ASAN = 1 ]; then
    OUT=$ROOT/.build-fuzz-asan
    SANITIZE+=(--sanitize=address)
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
fi
if [ $BUILD = 1 ]; then
    scripts/fuzz-seeds.sh "$OUT/seeds" || exit 1
    # --sanitize=fuzzer instruments every module (Hef's, SwiftProtobuf's) for coverage and
    # links libFuzzer's main; -parse-as-library because the harnesses have no top-level code.
    swift build -c release --package-path Fuzz --scratch-path "$OUT" \
        "${SANITIZE[@]}" -Xswiftc -parse-as-library || exit 1
fi
BIN=$(swift build -c release --package-path Fuzz --scratch-path "$OUT" "${SANITIZE[@]}" --show-bin-path)

status=0
printf '%-18s %10s %8s %8s  %s\n' harness inputs seconds exec/s result
for h in "${SELECTED[@]}"; do
    corpus=$OUT/corpus/$h
    [ $ASAN = 1 ] && corpus=$ROOT/.build-fuzz/corpus/$h
    artifacts=$OUT/artifacts/$h
    mkdir -p "$corpus" "$artifacts" "$OUT/logs"
    log=$OUT/logs/$h.log
    dict=()
    case $h in
        onnx) dict=(-dict=Fuzz/dicts/onnx.dict) ;;
        mlp-json|compiled-model) dict=(-dict=Fuzz/dicts/json.dict) ;;
        csv) dict=(-dict=Fuzz/dicts/csv.dict) ;;
    esac
    start=$(date +%s.%N)
    # The corpus directory collects new inputs; the seeds directory is only read.
    runs=$RUNS
    [ $ASAN = 1 ] && runs=0
    "$BIN/fuzz-$h" "$corpus" "$OUT/seeds/$h" -runs="$runs" -max_len="$(max_len "$h")" \
        -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$artifacts/" "${dict[@]}" > "$log" 2>&1
    rc=$?
    end=$(date +%s.%N)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    secs=$(echo "$end - $start" | bc)
    rate=$(echo "scale=0; ${execs:-0} / $secs" | bc)
    if [ $rc = 0 ]; then
        result=ok
    else
        status=1
        result="FAILED (exit $rc): $(grep -m1 -E 'ERROR: libFuzzer|Fatal error|SUMMARY|deadly signal|error' "$log" | cut -c1-120); see $log, $(ls -t "$artifacts" | head -1)"
    fi
    printf '%-18s %10s %8.0f %8s  %s\n' "$h" "${execs:-?}" "$secs" "$rate" "$result"
done
exit $status
