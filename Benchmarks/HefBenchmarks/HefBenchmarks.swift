import Benchmark
import HefCKKS

// Run with: HEF_BENCHMARKS=1 swift package benchmark --target HefBenchmarks [--filter REGEX]
// Names: <op>/<backend>/N<degree>, e.g. ntt_forward/native/N8192. Setup (context, keys,
// ciphertexts) happens in each benchmark's setup hook, outside the measurement. Operations
// are Hef's out-of-place API calls, so each measured call includes allocating its result.

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal, .peakMemoryResident],
        timeUnits: .microseconds,
        warmupIterations: 2,
        maxDuration: .seconds(1),
        maxIterations: 500)

    for size in RingSize.allCases {
        for kind in BackendKind.allCases {
            registerPrimitives(size: size, backend: kind)
            registerEvaluation(size: size, backend: kind)
        }
    }
    registerInference()
    registerBootstrapping()
}

/// Registers `op/backend/N…` with a setup hook that builds the fixture it needs.
func register(
    _ op: String, size: RingSize, backend kind: BackendKind, needs: Needs = [],
    _ body: @escaping (Benchmark, Fixture) throws -> Void
) {
    Benchmark(
        "\(op)/\(kind.rawValue)/\(size.label)",
        configuration: size.configuration,
        closure: { (benchmark: Benchmark) throws in
            let f: Fixture = fixture
            try body(benchmark, f)
        },
        setup: { fixture = try Fixture(size: size, backend: kind, needs: needs) },
        teardown: { fixture = nil })
}
