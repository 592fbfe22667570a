// swift-tools-version:6.1
// libFuzzer harnesses for Hef's loaders: every parser of bytes that may come from someone else.
// Not part of the main package (its `swift build` / `swift test` never see this folder).
// Build and run with `scripts/fuzz.sh` (see docs/fuzzing.md); the harnesses need
// `-Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library` so that every Swift module, Hef's
// included, carries the coverage instrumentation and libFuzzer supplies `main`.
import PackageDescription

import class Foundation.ProcessInfo
import struct Foundation.URL

// The main package by relative path. Its identity is the name of its folder (a checkout may be
// called anything), so it is computed rather than spelled.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
let hef = root.lastPathComponent.lowercased()

let harnesses = [
    "fuzz-parameters", "fuzz-inspect", "fuzz-secret-key", "fuzz-public-key", "fuzz-evaluation-keys",
    "fuzz-ciphertexts", "fuzz-plaintext", "fuzz-model-ciphertexts", "fuzz-compiled-model",
    "fuzz-mlp-json", "fuzz-onnx", "fuzz-csv",
]

let package = Package(
    name: "HefFuzz",
    dependencies: [.package(path: "..")],
    targets: [
        .target(
            name: "FuzzSupport",
            dependencies: [
                .product(name: "Hef", package: hef),
                .product(name: "HefML", package: hef),
                .product(name: "HefONNX", package: hef),
            ])
    ]
        + harnesses.map { name in
            .executableTarget(name: name, dependencies: ["FuzzSupport"], path: "Sources/\(name)")
        }
)
