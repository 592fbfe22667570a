import Foundation
import HefCKKS
import HefDemoHarness
import HefTestSupport
import Testing

@testable import HefML

/// Client-aided refreshes: the planner cuts a deep model into segments on a smaller ring, the
/// server stops at each cut with masked ciphertexts, the key holder re-encrypts them, and the
/// scores equal the compiled model's in Double; files of the wrong round trip are refused.
@Suite(.serialized) struct RefreshTests {
    static func bundle(_ name: String) throws -> (model: MLPModel, rows: [[Double]], calibration: [[Double]]) {
        let dir = modelsDirectory().appendingPathComponent(name)
        return (
            try MLPModel.load(contentsOf: dir.appendingPathComponent("model.json")),
            try readCSV(dir.appendingPathComponent("test_X.csv")),
            try readCSV(dir.appendingPathComponent("calibration_X.csv"))
        )
    }

    @Test func greedyCutsAreTheFewest() {
        // Stages: dense 1, tanh 6, dense 1, tanh 6, dense 1, none 0.
        let stages = [1, 6, 1, 6, 1, 0]
        #expect(RefreshPlan.cuts(stageDepths: stages, budget: 6, lastBudget: 10) == [0, 1])
        #expect(RefreshPlan.cuts(stageDepths: stages, budget: 7, lastBudget: 10) == [1])
        #expect(RefreshPlan.cuts(stageDepths: stages, budget: 15, lastBudget: 15) == [])
        #expect(RefreshPlan.cuts(stageDepths: stages, budget: 5, lastBudget: 10) == nil)
        let plan = RefreshPlan(cuts: [0, 1], maskBits: 178, maskLevel: 4)
        #expect(plan.segments(stageCount: 6) == [0..<1, 1..<2, 2..<6])
    }

    @Test func digitsTanhRunsInSegmentsOnASmallerRing() throws {
        let b = try Self.bundle("digits-tanh")
        let compiled = try ModelCompiler(options: .init(packing: .latency, refresh: .client)).compile(
            b.model, calibration: b.calibration)
        let refresh = try #require(compiled.plan.refresh)
        #expect(compiled.plan.parameters.logN == 14, "the whole model needs N = 32768; the segments fit 16384")
        #expect(refresh.cuts.count >= 1)
        // `auto` takes the refreshes here (a smaller ring), and not for a shallow model.
        let auto = try ModelCompiler(options: .init(packing: .latency, refresh: .auto)).compile(
            b.model, calibration: b.calibration)
        #expect(auto.plan.refresh == refresh)
        let square = try Self.bundle("digits-square")
        let shallow = try ModelCompiler(options: .init(packing: .latency, refresh: .auto)).compile(
            square.model, calibration: square.calibration)
        #expect(shallow.plan.refresh == nil)

        let rows = Array(b.rows.prefix(3))
        let report = try InferenceSession(model: compiled).run(rows)
        #expect(report.roundTrips == refresh.cuts.count)
        for (i, row) in rows.enumerated() {
            let want = compiled.plainScores(row)
            let error = zip(report.scores[i], want).map { abs($0 - $1) }.max() ?? 1
            // Scale 2^33 and two degree-63 tanh approximations: about 0.01 of noise on scores of ±10.
            #expect(error < 0.1, "row \(i): encrypted − compiled model in Double = \(error)")
            let label = { (s: [Double]) in s.indices.max { s[$0] < s[$1] }! }
            #expect(label(report.scores[i]) == label(b.model.scores(row)))
        }
    }

    /// Issue 9's deep example: 40-48-32-16-4 with three approximated ReLU layers (random
    /// weights, standardized inputs). Without refreshes it needs N = 32768 at least; with them
    /// every segment runs at N = 16384, and the labels are the plaintext model's.
    @Test func threeReluLayersRunOnASmallerRing() throws {
        var g = SplitMix64(seed: 909)
        let widths = [40, 48, 32, 16, 4]
        let layers = (0..<4).map { k in
            let std = 1 / Double(widths[k]).squareRoot()
            return DenseLayer(
                weights: (0..<widths[k + 1]).map { _ in (0..<widths[k]).map { _ in std * g.normal() } },
                bias: (0..<widths[k + 1]).map { _ in 0.1 * g.normal() }, activation: k < 3 ? .relu : .none)
        }
        let model = MLPModel(
            name: "relu3", task: .classification, inputSize: 40, scaler: nil, layers: layers,
            output: OutputTail(probabilities: .softmax))
        let calibration = (0..<200).map { _ in (0..<40).map { _ in g.normal() } }
        let whole = try ModelCompiler(options: .init(packing: .latency)).compile(model, calibration: calibration)
        #expect(whole.plan.parameters.logN >= 15)
        let compiled = try ModelCompiler(options: .init(packing: .latency, refresh: .client)).compile(
            model, calibration: calibration)
        #expect(compiled.plan.parameters.logN <= 14)
        let refresh = try #require(compiled.plan.refresh)
        testLog(
            "relu3: N = \(1 << compiled.plan.parameters.logN), scale 2^\(Int(compiled.plan.parameters.logScale)), \(refresh.cuts.count) round trips (whole model: N = \(1 << whole.plan.parameters.logN))"
        )
        let rows = Array(calibration.prefix(4))
        let report = try InferenceSession(model: compiled).run(rows)
        for (i, row) in rows.enumerated() {
            let want = compiled.plainScores(row)
            let error = zip(report.scores[i], want).map { abs($0 - $1) }.max() ?? 1
            #expect(error < 0.25, "row \(i): encrypted − compiled model in Double = \(error)")
            let plain = model.scores(row)
            let sorted = plain.sorted(by: >)
            // Where the plaintext model's margin exceeds the approximation error, the labels agree.
            if sorted[0] - sorted[1] > 0.5 {
                #expect(
                    report.scores[i].indices.max { report.scores[i][$0] < report.scores[i][$1] }
                        == plain.indices.max { plain[$0] < plain[$1] })
            }
        }
    }

    @Test func throughputPackingWithARefresh() throws {
        let b = try Self.bundle("breast-cancer-relu")
        let compiled = try ModelCompiler(options: .init(packing: .throughput, refresh: .client)).compile(
            b.model, calibration: b.calibration)
        #expect(compiled.plan.refresh != nil)
        let rows = Array(b.rows.prefix(40))
        let report = try InferenceSession(model: compiled).run(rows)
        #expect(report.roundTrips == compiled.plan.refresh!.cuts.count)
        // Scale 2^33 and two degree-63 ReLU approximations: a few hundredths on scores of ±10,
        // within the plan's own noise bound (what the client flags against).
        let bound = try #require(compiled.plan.guarantees?.noiseBound.max())
        var worst = 0.0
        for (i, row) in rows.enumerated() {
            let want = compiled.plainScores(row)
            worst = max(worst, zip(report.scores[i], want).map { abs($0 - $1) }.max() ?? 1)
            if abs(want[0]) > 0.5 { #expect((report.scores[i][0] > 0) == (want[0] > 0), "row \(i)") }
        }
        #expect(worst <= bound && worst < 0.25, "worst encrypted − compiled model in Double: \(worst) (bound \(bound))")
    }

    @Test func roundTripsAreCheckedAndRefusedWhenWrong() throws {
        let b = try Self.bundle("digits-tanh")
        let compiled = try ModelCompiler(options: .init(packing: .latency, refresh: .client)).compile(
            b.model, calibration: b.calibration)
        let context = try compiled.makeContext()
        let generator = KeyGenerator(context: context)
        let sk = generator.secretKey()
        let pk = try generator.publicKey(for: sk)
        // Keys that reach only the segments' start levels are enough.
        let keys = try generator.evaluationKeys(
            for: sk, rotations: compiled.plan.rotationSteps, galoisMaxLevel: compiled.maxOperationLevel)
        let client = InferenceClient(model: compiled, context: context)
        let server = try EncryptedMLP(model: compiled, context: context, evaluationKeys: keys)
        let inputs = try client.encrypt([b.rows[0]], publicKey: pk)
        // The old single-call API refuses a model with refresh points, and so does a run without a public key.
        #expect(throws: ModelError.self) { try server.evaluate(inputs) }
        #expect(throws: ModelError.self) { try server.run(inputs) }
        guard case .refresh(let request, let state) = try server.run(inputs, publicKey: pk) else {
            Issue.record("the first segment ends in a refresh")
            return
        }
        #expect(request.stage == .refreshRequest && request.segment == 1 && request.requestID == state.requestID)
        // Round-trips through the file format, state included.
        let bytes = try request.serialized(context: context)
        let reread = try ModelCiphertexts(deserializing: bytes, context: context)
        #expect(reread.requestID == request.requestID && reread.segment == 1)
        #expect(try RefreshState(deserializing: try state.serialized()) == state)
        // The server does not run a refresh request; the key holder refreshes it.
        #expect(throws: ModelError.self) { try server.run(request, publicKey: pk, state: state) }
        let refreshed = try client.refresh(request, secretKey: sk)
        #expect(refreshed.stage == .refreshed)
        // Without the state, with another round trip's state, or at another segment: refused.
        #expect(throws: ModelError.self) { try server.run(refreshed, publicKey: pk) }
        var other = state
        other.requestID = Array(repeating: 1, count: 16)
        #expect(throws: ModelError.self) { try server.run(refreshed, publicKey: pk, state: other) }
        var moved = refreshed
        moved.segment = 2
        #expect(throws: ModelError.self) { try server.run(moved, publicKey: pk, state: state) }
        // Another key holder's key cannot refresh it.
        let stranger = generator.secretKey()
        #expect(throws: CKKSError.self) { try client.refresh(request, secretKey: stranger) }
        // The right state goes on.
        let next = try server.run(refreshed, publicKey: pk, state: state)
        if case .refresh(let second, _) = next { #expect(second.segment == 2) }
    }

    @Test func corruptedRefreshPlansAreRefused() throws {
        let b = try Self.bundle("digits-tanh")
        let compiled = try ModelCompiler(options: .init(packing: .latency, refresh: .client)).compile(
            b.model, calibration: b.calibration)
        let refresh = try #require(compiled.plan.refresh)
        var cases: [RefreshPlan] = []
        cases.append(RefreshPlan(cuts: [], maskBits: refresh.maskBits, maskLevel: refresh.maskLevel))
        cases.append(RefreshPlan(cuts: [99], maskBits: refresh.maskBits, maskLevel: refresh.maskLevel))
        cases.append(RefreshPlan(cuts: refresh.cuts.reversed() + [0], maskBits: refresh.maskBits, maskLevel: 4))
        cases.append(RefreshPlan(cuts: refresh.cuts, maskBits: 40, maskLevel: 1))
        cases.append(RefreshPlan(cuts: refresh.cuts, maskBits: refresh.maskBits, maskLevel: refresh.maskLevel + 1))
        // Too deep a segment: one cut only.
        cases.append(RefreshPlan(cuts: [refresh.cuts.last!], maskBits: refresh.maskBits, maskLevel: refresh.maskLevel))
        for bad in cases {
            var model = compiled
            model.plan.refresh = bad
            #expect(throws: ModelError.self, "\(bad)") { try model.validate() }
        }
        // Without its refresh plan the model is too deep for its ring.
        var bare = compiled
        bare.plan.refresh = nil
        #expect(throws: ModelError.self) { try bare.validate() }
    }
}
