import Foundation
import HefCKKS
import HefCircuits
import HefTestSupport
import Testing

@testable import HefML

/// `--refresh bootstrap`: the planner cuts a model deeper than any bootstrappable chain into
/// segments, the server bootstraps between them without a round trip, and the scores equal the
/// compiled model's in Double within the plan's own noise bound.
@Suite(.serialized) struct BootstrapRefreshTests {
    /// boot16's layout on a small, insecure ring (N = 2^12): q_0 53 bits, 5 user levels of 45,
    /// SlotsToCoeffs at 45, EvalMod and CoeffsToSlots at 60.
    static func target() throws -> BootstrapTarget {
        let c = BootstrapConfiguration()
        let logQ =
            [53] + Array(repeating: 45, count: 5 + c.slotsToCoeffsLevels)
            + Array(repeating: 60, count: c.evalModDepth + c.coeffsToSlotsLevels)
        return BootstrapTarget(
            name: "boot16-layout-n4096",
            literal: ParametersLiteral(logN: 12, logQ: logQ, logP: Array(repeating: 61, count: 6), logScale: 45),
            configuration: c, insecure: InsecureParametersForTestingOnly())
    }

    /// A random tanh MLP 8-8-…-8-4 with `hidden` hidden layers, and calibration rows.
    static func deepModel(hidden: Int, seed: UInt64) -> (MLPModel, [[Double]]) {
        var g = SplitMix64(seed: seed)
        let widths = Array(repeating: 8, count: hidden + 1) + [4]
        let layers = (0..<(widths.count - 1)).map { k in
            let std = 1.5 / Double(widths[k]).squareRoot()
            return DenseLayer(
                weights: (0..<widths[k + 1]).map { _ in (0..<widths[k]).map { _ in std * g.normal() } },
                bias: (0..<widths[k + 1]).map { _ in 0.1 * g.normal() },
                activation: k < widths.count - 2 ? .tanh : .none)
        }
        let model = MLPModel(
            name: "deep-tanh", task: .classification, inputSize: 8, scaler: nil, layers: layers,
            output: OutputTail(probabilities: .softmax))
        return (model, (0..<200).map { _ in (0..<8).map { _ in g.normal() } })
    }

    static func compile(_ model: MLPModel, calibration: [[Double]]) throws -> CompiledModel {
        var options = ModelCompiler.Options(packing: .latency, refresh: .bootstrap)
        options.bootstrapTarget = try target()
        return try ModelCompiler(options: options).compile(model, calibration: calibration)
    }

    @Test func aModelDeeperThanTheChainRunsWithBootstraps() throws {
        let (model, calibration) = Self.deepModel(hidden: 6, seed: 1201)
        let (compiled, _) = try Self.run(model, calibration: calibration, minimumBits: 20)
        let refresh = try #require(compiled.plan.refresh)
        // tanh keeps every cut within ±2: no level is kept for a division.
        #expect(refresh.maskLevel == 0)
        #expect(refresh.bootstrap?.valueBounds.allSatisfy { $0 <= 2 } == true)
    }

    /// 24 linear layers (depth 24) whose values reach about ±10: each segment keeps a level,
    /// the server divides by the cut's bound before the bootstrap and multiplies it back after.
    @Test func largeValuesAreDividedBeforeTheBootstrap() throws {
        var g = SplitMix64(seed: 77)
        let layers = (0..<24).map { k in
            let out = k == 23 ? 4 : 8
            let gain = k % 2 == 0 ? 2.0 : 0.5
            return DenseLayer(
                weights: (0..<out).map { i in (0..<8).map { j in (i == j ? gain : 0) + 0.01 * g.normal() } },
                bias: (0..<out).map { _ in 0.1 * g.normal() }, activation: .none)
        }
        let model = MLPModel(
            name: "deep-linear", task: .classification, inputSize: 8, scaler: nil, layers: layers,
            output: OutputTail(probabilities: .softmax))
        let calibration = (0..<200).map { _ in (0..<8).map { _ in 2 * g.normal() } }
        let (compiled, _) = try Self.run(model, calibration: calibration, minimumBits: 14)
        let refresh = try #require(compiled.plan.refresh)
        #expect(refresh.maskLevel == 1)
        #expect((refresh.bootstrap?.valueBounds.max() ?? 0) > 2)
    }

    /// Compiles `model` for the test chain with bootstraps, runs three rows end to end, and
    /// checks the scores against the compiled model in Double: within the plan's noise bound
    /// and to at least `minimumBits`.
    static func run(_ model: MLPModel, calibration: [[Double]], minimumBits: Double) throws -> (CompiledModel, Double) {
        let parameters = try target().parameters()
        let compiled = try compile(model, calibration: calibration)
        let refresh = try #require(compiled.plan.refresh)
        let bootstrap = try #require(refresh.bootstrap)
        #expect(compiled.plan.depth > parameters.maxLevel, "deeper than the whole chain, bootstrapping levels included")
        #expect(refresh.cuts.count >= 4)
        #expect(bootstrap.slots == 8)
        // The file keeps the bootstraps, and a reloaded model is the same model.
        let reloaded = try JSONDecoder().decode(CompiledModel.self, from: JSONEncoder().encode(compiled))
        #expect(reloaded.id == compiled.id && reloaded.plan.refresh == refresh)
        _ = try reloaded.checked(given: parameters)

        let context = CKKSContext(parameters: parameters)
        let generator = KeyGenerator(context: context)
        let secretKey = generator.secretKey()
        let publicKey = try generator.publicKey(for: secretKey)
        let keys = try generator.modelKeys(for: secretKey, model: compiled)
        #expect(keys.encapsulation != nil)
        // The model's own Galois keys stop at the highest segment start, far below the top.
        let modelElements = Set(
            compiled.plan.rotationSteps.map { context.encoder.galoisElement(forStep: $0, slots: parameters.maxSlots) })
        #expect(compiled.maxOperationLevel < parameters.maxLevel - 10)
        let bootstrapPlan = try #require(refresh.bootstrap)
        let bootstrapElements = try Bootstrapper.galoisKeyLevels(
            context: context, slots: bootstrapPlan.slots, configuration: bootstrapPlan.configuration
        ).keys
        for g in modelElements.subtracting(bootstrapElements) {
            #expect(keys.evaluation.galois[g]?.maxLevel == compiled.maxOperationLevel)
        }
        #expect(throws: ModelError.self) {
            _ = try EncryptedMLP(model: compiled, context: context, evaluationKeys: keys.evaluation)
        }
        let server = try EncryptedMLP(
            model: compiled, context: context, evaluationKeys: keys.evaluation, encapsulationKeys: keys.encapsulation)
        let client = InferenceClient(model: compiled, context: context)
        let rows = Array(calibration.prefix(3))
        let request = try client.encrypt(rows, publicKey: publicKey)
        let start = ContinuousClock.now
        let step = try server.run(request, publicKey: publicKey)
        guard case .outputs(let outputs) = step else {
            Issue.record("a model that bootstraps must run to its outputs in one call")
            return (compiled, 0)
        }
        let elapsed = ContinuousClock.now - start
        let scores = try client.decryptScores(outputs, secretKey: secretKey)
        let bound = try #require(compiled.plan.guarantees?.noiseBound.max())
        var worst = 0.0
        for (i, row) in rows.enumerated() {
            let want = compiled.plainScores(row)
            worst = max(worst, zip(scores[i], want).map { abs($0 - $1) }.max() ?? 1)
        }
        testLog(
            "bootstrapped MLP: depth \(compiled.plan.depth) on a \(parameters.maxLevel)-level chain, \(refresh.cuts.count) bootstraps of \(bootstrap.slots) slots (bounds \(bootstrap.valueBounds.map { Int($0) })), \(rows.count) rows in \(elapsed); worst error 2^\(String(format: "%.1f", log2(worst))), plan's bound 2^\(String(format: "%.1f", log2(bound)))"
        )
        #expect(worst <= bound, "the plan's noise bound must cover what the bootstraps add")
        #expect(-log2(worst) >= minimumBits, "precision after \(refresh.cuts.count) bootstraps: \(-log2(worst)) bits")
        return (compiled, worst)
    }

    @Test func refusals() throws {
        let (model, calibration) = Self.deepModel(hidden: 3, seed: 7)
        var options = ModelCompiler.Options(packing: .throughput, refresh: .bootstrap)
        options.bootstrapTarget = try Self.target()
        #expect(throws: ModelError.self) {
            _ = try ModelCompiler(options: options).compile(model, calibration: calibration)
        }
        // A model that fits the levels a bootstrap leaves needs no bootstrap: the plain plan.
        let (shallow, shallowCalibration) = Self.deepModel(hidden: 0, seed: 8)
        let plain = try Self.compile(shallow, calibration: shallowCalibration)
        #expect(plain.plan.refresh == nil)
        // A tampered plan is refused when the model is checked.
        var compiled = try Self.compile(model, calibration: calibration)
        var refresh = try #require(compiled.plan.refresh)
        refresh.bootstrap?.slots = 3
        compiled.plan.refresh = refresh
        #expect(throws: ModelError.self) { _ = try compiled.checked(given: try Self.target().parameters()) }
    }
}
