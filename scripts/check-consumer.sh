#!/usr/bin/env bash
# Uses Hef the way a new user does: a scratch package that depends on a clone of this
# repository by version (`.package(url: "file://…", from: "0.1.0")`, products HefCKKS and HefML),
# builds it and runs the README's library quick start. SwiftPM refuses unsafe build flags in
# a package resolved by version, so this fails if any library target gains one.
#   scripts/check-consumer.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/hef-consumer.XXXXXX)
trap 'rm -rf "$work"' EXIT
git clone -q "$root" "$work/Hef"
# The committed tree as version 0.1.0 (a clone of main has no tag of its own).
git -C "$work/Hef" tag -f 0.1.0 >/dev/null
mkdir -p "$work/consumer/Sources/consumer"
cat > "$work/consumer/Package.swift" <<PKG
// swift-tools-version:6.1
import PackageDescription
let package = Package(
    name: "consumer",
    dependencies: [.package(url: "file://$work/Hef", from: "0.1.0")],
    targets: [
        .executableTarget(
            name: "consumer",
            dependencies: [.product(name: "HefCKKS", package: "Hef"), .product(name: "HefML", package: "Hef"),
                           .product(name: "HefONNX", package: "Hef")]),
    ])
PKG
# The README's quick start, verbatim.
awk '/^## Library quick start/{f=1} f&&/^```swift/{g=1;next} g&&/^```/{exit} g' "$root/README.md" \
    > "$work/consumer/Sources/consumer/main.swift"
grep -q "CKKSContext" "$work/consumer/Sources/consumer/main.swift"
# Also proves HefML links for a consumer.
printf 'import HefML\nimport HefONNX\nfunc compilerOptions() -> ModelCompiler.Options { ModelCompiler.Options() }\nfunc importer() -> ONNXImporter.Type { ONNXImporter.self }\n' > "$work/consumer/Sources/consumer/UsesHefML.swift"
cd "$work/consumer"
swift build 2>&1 | tail -3
out=$(swift run --skip-build consumer)
echo "$out"
# Values are approximate (CKKS): check the first two against 4.0 and 10.5625 numerically.
echo "$out" | tr -d '[],' | awk '{ a = $1 - 4.0; b = $2 - 10.5625; if (a < 0) a = -a; if (b < 0) b = -b;
    exit !(NF == 3 && a < 1e-3 && b < 1e-3) }' || { echo "check-consumer: unexpected output" >&2; exit 1; }
echo "check-consumer: a package depending on Hef 0.1.0 by version builds and runs the quick start"
