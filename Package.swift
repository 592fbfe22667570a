// swift-tools-version:6.1
// Hef: CKKS homomorphic encryption for Swift on GMP/FLINT.
import PackageDescription

import class Foundation.ProcessInfo

// No unsafe flags anywhere: SwiftPM refuses them in a package resolved by version, and Hef is
// meant to be used as `.package(url: …, from: "0.1.0")`. The tests run optimised the normal
// way: `swift test -c release` (testable imports stay enabled).

// A module's imports are internal unless written `public import`: a public API names the
// modules its types come from, and importers import what they use (no `@_exported` chains).
let importsAreInternal: [SwiftSetting] = [.enableUpcomingFeature("InternalImportsByDefault")]

var package = Package(
    name: "Hef",
    platforms: [.macOS(.v14)],
    products: [
        // Product names are module names; `Hef` stays as the name of the CKKS library.
        .library(name: "Hef", targets: ["HefCKKS"]),
        .library(name: "HefRing", targets: ["HefRing"]),
        .library(name: "HefCKKS", targets: ["HefCKKS"]),
        .library(name: "HefCircuits", targets: ["HefCircuits"]),
        .library(name: "HefML", targets: ["HefML"]),
        .library(name: "HefONNX", targets: ["HefONNX"]),
        .library(name: "HefWire", targets: ["HefWire"]),
        .library(name: "HefService", targets: ["HefService"]),
        .library(name: "HefClient", targets: ["HefClient"]),
        .executable(name: "hefctl", targets: ["hefctl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        // The service (HefService, `hefctl serve`): HTTP, signing, storage, logs.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // MCP: the provider's /mcp endpoint and the data owner's `hefctl mcp` tool server.
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.1"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        // The PostgreSQL registry (`hefctl serve --database postgres://…`, several replicas).
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // The data owner's client (HefClient, `hefctl remote`).
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        // GMP and FLINT 2.9 from the system (Debian: libgmp-dev, libflint-dev).
        .systemLibrary(
            name: "CFlint",
            path: "Sources/CFlint",
            providers: [.apt(["libgmp-dev", "libflint-dev"]), .brew(["flint", "gmp"])]),
        // Our C kernels: NTT, vector arithmetic mod q, automorphisms, basis conversion, CRT.
        .target(
            name: "CShims",
            dependencies: ["CFlint"],
            path: "CShims"),
        // Ring layer: moduli, RNS bases, NTT, polynomials, samplers, the two backends.
        .target(
            name: "HefRing",
            dependencies: ["CFlint", "CShims"],
            swiftSettings: [.enableUpcomingFeature("InternalImportsByDefault")]),
        // CKKS: parameters, encoder, keys, encryption, evaluation, serialization.
        .target(
            name: "HefCKKS",
            dependencies: ["HefRing"],
            swiftSettings: [.enableUpcomingFeature("InternalImportsByDefault")]),
        // Circuits: linear transforms (diagonal method, baby-step/giant-step, hoisting),
        // polynomial evaluation in the Chebyshev basis, function approximation.
        .target(
            name: "HefCircuits",
            dependencies: ["HefRing", "HefCKKS"],
            swiftSettings: importsAreInternal),
        // Machine learning: models (JSON), compiler, planner, guarantees, encrypted MLP inference.
        .target(
            name: "HefML",
            dependencies: ["HefRing", "HefCKKS", "HefCircuits"],
            swiftSettings: importsAreInternal),
        // ONNX import (skl2onnx and torch.onnx.export graphs) through swift-protobuf: only
        // users who import ONNX link SwiftProtobuf.
        .target(
            name: "HefONNX",
            dependencies: [
                "HefML",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            exclude: ["Proto/onnx-subset.proto"],
            swiftSettings: importsAreInternal),
        // The in-process demo harness (one session timed end to end, agreement statistics):
        // used by hefctl demo and the tests, not a product.
        .target(
            name: "HefDemoHarness",
            dependencies: ["HefRing", "HefCKKS", "HefML"],
            swiftSettings: importsAreInternal),
        // What the service and its clients both speak: manifests, receipts and their verification,
        // the JSON answers of the routes. No HTTP stack, no storage.
        .target(
            name: "HefWire",
            dependencies: [
                "HefCKKS",
                "HefML",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: importsAreInternal),
        // The service: Hummingbird 2 routes, key registry (SQLite through GRDB, blobs in a
        // content-addressed folder; or PostgreSQL through PostgresNIO, blobs in the database),
        // ML-DSA-65 signed manifests and receipts. Nothing below imports it.
        .target(
            name: "HefService",
            dependencies: [
                "HefCKKS",
                "HefML",
                "HefWire",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        // The data owner's client: keys made and cached locally (secret key sealed or mode
        // 0600), evaluation keys uploaded once, the provider's signing key pinned, every receipt
        // verified. Links async-http-client, not the server.
        .target(
            name: "HefClient",
            dependencies: [
                "HefRing",
                "HefCKKS",
                "HefML",
                "HefWire",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: importsAreInternal),
        .executableTarget(
            name: "hefctl",
            dependencies: [
                "HefRing",
                "HefCKKS",
                "HefCircuits",
                "HefML",
                "HefONNX",
                "HefDemoHarness",
                "HefService",
                "HefWire",
                "HefClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "MCP", package: "swift-sdk"),
            ],
            swiftSettings: importsAreInternal),
        // NTL as an independent reference, for tests only.
        .target(
            name: "NTLReference",
            path: "Tests/NTLReference",
            linkerSettings: [.linkedLibrary("ntl"), .linkedLibrary("gmp")]),
        // Test helpers shared by the test targets and the benchmarks.
        .target(
            name: "HefTestSupport",
            dependencies: ["HefRing", "HefCKKS"],
            path: "Tests/HefTestSupport"),
        .testTarget(
            name: "HefRingTests",
            dependencies: ["HefRing", "NTLReference", "HefTestSupport"]),
        .testTarget(
            name: "HefCKKSTests",
            dependencies: ["HefRing", "HefCKKS", "HefTestSupport"]),
        .testTarget(
            name: "HefCircuitsTests",
            dependencies: ["HefCKKS", "HefCircuits", "HefTestSupport"]),
        .testTarget(
            name: "HefMLTests",
            dependencies: [
                "HefRing", "HefCKKS", "HefCircuits", "HefML", "HefONNX", "HefDemoHarness", "HefTestSupport",
            ],
            resources: [.copy("Fixtures")]),
        // Runs the built hefctl binary (the dependency makes `swift test` build it).
        .testTarget(
            name: "HefctlTests",
            dependencies: ["hefctl", "HefCKKS", "HefTestSupport"]),
        // Starts the service in-process on a loopback port and talks HTTP to it.
        .testTarget(
            name: "HefServiceTests",
            dependencies: [
                "HefService",
                "HefWire",
                "hefctl", // ServeCommandTests run the built binary
                "HefTestSupport",
                "HefML",
                "HefRing",
                "HefCKKS",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "PostgresNIO", package: "postgres-nio"), // a fresh database per test
                .product(name: "SystemPackage", package: "swift-system"), // pipes for the stdio MCP client
            ]),
        // The client against an in-process server on loopback, and `hefctl remote` against a
        // `hefctl serve` process.
        .testTarget(
            name: "HefClientTests",
            dependencies: [
                "HefClient",
                "HefWire",
                "HefService",
                "hefctl", // runs the built binary
                "HefTestSupport",
                "HefML",
                "HefRing",
                "HefCKKS",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]),
    ],
    cxxLanguageStandard: .cxx17
)

// The benchmark harness is heavy: only with HEF_BENCHMARKS=1 in the environment
// (`HEF_BENCHMARKS=1 swift package benchmark`), so that `swift build` and `swift test` stay fast.
if ProcessInfo.processInfo.environment["HEF_BENCHMARKS"] != nil {
    package.dependencies.append(
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]))
    package.targets.append(
        .executableTarget(
            name: "HefBenchmarks",
            dependencies: [
                "HefRing",
                "HefCKKS",
                "HefCircuits",
                "HefML",
                "HefTestSupport",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/HefBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]))
}

// Documentation: DocC catalogs live beside each module's sources (Sources/*/*.docc). The plugin
// is resolved only with HEF_DOCS=1, e.g. `scripts/docs.sh` or
// `HEF_DOCS=1 swift package generate-documentation --target HefCKKS`.
if ProcessInfo.processInfo.environment["HEF_DOCS"] != nil {
    package.dependencies.append(.package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"))
}
