import Foundation
import HefCKKS
import HefCircuits
import HefClient
import HefML
import HefRing
import HefTestSupport
import Testing

/// A model the server bootstraps, served over HTTP: the client makes the bootstrapper's keys and
/// the encapsulation keys and uploads them as one key bundle; the server runs to the outputs in
/// one call. On boot16 (N = 2^16, 128-bit): boot15 leaves too few levels for a segment.
///
/// About 140 s of both cores and 4.5 GB at its peak (1 GB of keys made, uploaded and read):
/// run by hand with `HEF_BOOTSTRAP_SERVICE_TEST=1 swift test -c release --filter
/// BootstrapServiceTests`, not in the whole suite, where it starved other tests' servers.
@Suite("Bootstraps through the service", .serialized)
struct BootstrapServiceTests {
    @Test(
        .enabled(
            if: ProcessInfo.processInfo.environment["HEF_BOOTSTRAP_SERVICE_TEST"] != nil,
            "set HEF_BOOTSTRAP_SERVICE_TEST=1 to run (about 140 s, 4.5 GB)"))
    func aModelThatBootstrapsRunsThroughTheService() async throws {
        // A random tanh MLP 8-8-…-8-4, deeper than boot15 leaves levels for.
        var g = SplitMix64(seed: 4011)
        let widths = Array(repeating: 8, count: 5) + [4]
        let layers = (0..<(widths.count - 1)).map { k in
            let std = 2.6 / Double(widths[k]).squareRoot()
            return DenseLayer(
                weights: (0..<widths[k + 1]).map { _ in (0..<widths[k]).map { _ in std * (2 * g.uniform() - 1) } },
                bias: (0..<widths[k + 1]).map { _ in 0.1 * (2 * g.uniform() - 1) },
                activation: k < widths.count - 2 ? .tanh : .none)
        }
        let model = MLPModel(
            name: "deep-tanh", task: .classification, inputSize: 8, scaler: nil, layers: layers,
            output: OutputTail(probabilities: .softmax))
        let calibration = (0..<200).map { _ in (0..<8).map { _ in 1.7 * (2 * g.uniform() - 1) } }
        var options = ModelCompiler.Options(packing: .latency, refresh: .bootstrap)
        options.bootstrapTarget = BootstrapTarget(.boot16)
        let compiled = try ModelCompiler(options: options).compile(model, calibration: calibration)
        #expect(try #require(compiled.plan.refresh).cuts.count >= 1)
        let models = try temporaryDirectory("bootstrap-models")
        try compiled.jsonData().write(to: models.appendingPathComponent("deep-tanh.hef"))
        let rows = [calibration[0]]

        let f = try ClientFixture.get()
        let data = try temporaryDirectory("data")
        let keys = try temporaryDirectory("keys")
        defer {
            for url in [data, keys, models] { try? FileManager.default.removeItem(at: url) }
        }
        // Weights published: the row is checked through the plan, not only against the box.
        try await f.withServer(data: data, models: models, publishWeights: true) { url, _ in
            let client = HefClient(server: url, token: ClientFixture.alice.token, keysDirectory: keys)
            #expect(try await client.models().first?.model.refresh == "bootstrap")
            let prediction = try await client.predict(model: "deep-tanh", rows: rows, output: .scores)
            #expect(prediction.receiptVerified && prediction.keysUploaded)
            let want = compiled.plainScores(rows[0])
            let got = prediction.results.rows[0].scores
            let error = zip(got, want).map { abs($0 - $1) }.max() ?? 1
            testLog("bootstrap through the service: max error \(error) on scores \(want)")
            #expect(error < 0.01, "encrypted − compiled model in Double = \(error)")
            let encaps = FileManager.default.enumerator(at: keys, includingPropertiesForKeys: nil)?
                .compactMap { $0 as? URL }.contains { $0.lastPathComponent == "encaps.key" }
            #expect(encaps == true)
        }
    }
}
