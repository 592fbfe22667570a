#!/usr/bin/env bash
# Installs the C libraries Hef binds (GMP, FLINT 2.9) and NTL (test reference) when missing.
set -euo pipefail
missing=0
for header in /usr/include/gmp.h /usr/include/flint/flint.h /usr/include/NTL/ZZ.h; do
    [ -f "$header" ] || missing=1
done
[ "$missing" = 0 ] && exit 0
echo "hef: installing libgmp-dev libflint-dev libntl-dev" >&2
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libgmp-dev libflint-dev libntl-dev
