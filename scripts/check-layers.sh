#!/usr/bin/env bash
# Checks that every target imports only the layers below it (the layer map in README.md):
#   CFlint + CShims → HefRing → HefCKKS → HefCircuits → HefML → HefONNX, HefDemoHarness, HefWire
#   HefWire → HefService (the server), HefClient (the data owner's client; never the server) → hefctl
# System modules (Foundation, Glibc, Darwin, Dispatch, Synchronization) are allowed everywhere.
set -euo pipefail
cd "$(dirname "$0")/.."
declare -A allowed=(
    [HefRing]="CFlint CShims"
    [HefCKKS]="HefRing"
    [HefCircuits]="HefRing HefCKKS"
    [HefML]="HefRing HefCKKS HefCircuits"
    [HefONNX]="HefRing HefCKKS HefCircuits HefML SwiftProtobuf"
    [HefDemoHarness]="HefRing HefCKKS HefCircuits HefML"
    [HefWire]="HefRing HefCKKS HefCircuits HefML Crypto"
    [HefService]="HefRing HefCKKS HefCircuits HefML HefWire Hummingbird HTTPTypes NIOCore NIOPosix Crypto GRDB PostgresNIO Logging Prometheus MCP NIOSSL HummingbirdCore HummingbirdTLS ServiceLifecycle"
    [HefClient]="HefRing HefCKKS HefCircuits HefML HefWire AsyncHTTPClient NIOCore NIOHTTP1 Crypto _CryptoExtras NIOSSL"
    [hefctl]="HefRing HefCKKS HefCircuits HefML HefONNX HefDemoHarness HefWire HefService HefClient ArgumentParser Logging MCP SystemPackage"
)
system="Foundation FoundationEssentials Glibc Darwin Dispatch Synchronization"
status=0
for target in "${!allowed[@]}"; do
    while IFS=: read -r file _ line; do
        module=$(sed -E 's/^[[:space:]]*(@[A-Za-z_]+[[:space:]]+)*((public|package|internal|private|fileprivate)[[:space:]]+)?import[[:space:]]+((class|struct|enum|func|protocol|var|let|typealias)[[:space:]]+)?([A-Za-z_][A-Za-z0-9_]*).*/\6/' <<<"$line")
        case " ${allowed[$target]} $system " in
            *" $module "*) ;;
            *) echo "check-layers: $file imports $module, which is not below $target" >&2; status=1 ;;
        esac
    done < <(grep -rnE '^[[:space:]]*(@[A-Za-z_]+[[:space:]]+)*((public|package|internal|private|fileprivate)[[:space:]]+)?import[[:space:]]' "Sources/$target" --include='*.swift' || true)
done
[ $status -eq 0 ] && echo "check-layers: every target imports only the layers below it"
exit $status
