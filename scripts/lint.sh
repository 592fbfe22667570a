#!/usr/bin/env bash
# swift-format (the toolchain's `swift format`) with the repository's .swift-format: any
# finding fails. `scripts/lint.sh --fix` rewrites the files in place first.
set -euo pipefail
cd "$(dirname "$0")/.."
paths=(Package.swift Sources Tests Benchmarks Fuzz/Sources Fuzz/Package.swift)
if [ "${1:-}" = "--fix" ]; then
    swift format format --in-place --parallel --recursive "${paths[@]}"
fi
swift format lint --strict --parallel --recursive "${paths[@]}"
echo "lint: swift format finds nothing"
