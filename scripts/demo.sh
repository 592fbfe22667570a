#!/usr/bin/env bash
# The main job: encrypted inference end to end on a bundled model. Installs what is missing
# (GMP, FLINT, NTL), builds hefctl in release mode and runs `hefctl demo` (default: the
# digits square-activation MLP on its 450-sample test split, latency and throughput packing).
# Extra arguments go to hefctl demo, e.g. scripts/demo.sh --model breast-cancer-relu --limit 20
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build -c release --product hefctl >&2
"$(swift build -c release --show-bin-path)/hefctl" demo "$@"
