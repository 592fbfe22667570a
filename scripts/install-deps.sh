#!/usr/bin/env bash
# Installs the C libraries Hef binds (GMP, FLINT 2.9) and NTL (test reference) when missing.
set -euo pipefail
missing=0
# gmp.h lives in the multiarch folder on Debian (/usr/include/x86_64-linux-gnu/gmp.h).
for header in gmp.h flint/flint.h NTL/ZZ.h; do
    found=0
    for dir in /usr/include /usr/local/include /usr/include/*-linux-gnu; do
        [ -f "$dir/$header" ] && found=1
    done
    [ "$found" = 1 ] || missing=1
done
[ "$missing" = 0 ] && exit 0
echo "hef: installing libgmp-dev libflint-dev libntl-dev" >&2
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libgmp-dev libflint-dev libntl-dev
