#!/usr/bin/env bash
# Builds the DocC documentation of every public module with swift-docc-plugin (resolved only
# when HEF_DOCS=1) into .build-docs/; any DocC warning fails the script.
#   scripts/docs.sh [MODULE…]        (default: every public module)
set -euo pipefail
cd "$(dirname "$0")/.."
modules=("$@")
[ ${#modules[@]} -gt 0 ] || modules=(HefRing HefCKKS HefCircuits HefML HefONNX HefWire HefService HefClient)
export HEF_DOCS=1
for m in "${modules[@]}"; do
    echo "== $m"
    log=.build-docs/docs-$m.log
    mkdir -p .build-docs/docs
    rm -rf ".build-docs/docs/$m"
    if ! swift package --scratch-path .build-docs generate-documentation --target "$m" \
        --warnings-as-errors --output-path ".build-docs/docs/$m" >"$log" 2>&1; then
        grep -v '^\[' "$log" >&2
        echo "docs: $m failed (full log: $log)" >&2
        exit 1
    fi
done
echo "docs: ${modules[*]} built without warnings (in .build-docs/docs)"
