#!/usr/bin/env bash
# Differential soak: random MLPs (widths up to 33, depth up to 4, every activation, scalers
# from 1e-3 to 1e4, both packings, both ring backends) encrypted and compared with the
# plaintext model and the compiled plan in Double (Tests/HefMLTests/DifferentialTests.swift).
# Exit 0 only when every case agrees within the plan's bounds; a failure prints its seed.
#   scripts/differential.sh [--cases N] [--seed S] [--quick]
set -euo pipefail
cd "$(dirname "$0")/.."
cases=1000
seed=$(( $(date +%s) % 1000000 ))
full=1
while [ $# -gt 0 ]; do
    case "$1" in
        --cases) cases="$2"; shift 2 ;;
        --seed) seed="$2"; shift 2 ;;
        --quick) full=""; shift ;;
        -h|--help) sed -n 2,6p "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
scripts/install-deps.sh
echo "differential: $cases cases from seed $seed" >&2
env HEF_DIFF_CASES="$cases" HEF_DIFF_SEED="$seed" ${full:+HEF_DIFF_FULL=1} \
    HEF_TEST_VERBOSE=1 swift test -c release -Xswiftc -enable-testing --filter 'DifferentialTests' 2>&1 | tee /tmp/hef-differential.log | grep -E '^(differential|FAILED|    )|✘|passed after|failed after'
grep -q 'generatedModelsAgreeWithThePlaintextModel() passed' /tmp/hef-differential.log
