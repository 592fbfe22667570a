import Foundation
import HefCKKS
import HefDemoHarness
import Testing

@testable import HefML

@Suite struct ModelCompilerTests {
    @Test func jsonRoundTripAndValidation() throws {
        let model = tinyModel()
        let data = try JSONEncoder().encode(model)
        let back = try JSONDecoder().decode(MLPModel.self, from: data)
        #expect(back == model)
        var bad = model
        bad.layers[1].weights[0].removeLast()
        #expect(throws: ModelError.self) { try bad.validate() }
        var badVersion = model
        badVersion.version = 9
        #expect(throws: ModelError.self) { try badVersion.validate() }
    }

    @Test func scalerFoldingKeepsTheFunction() throws {
        let model = tinyModel()
        let compiled = try ModelCompiler().compile(model)
        let x: [Double] = [1.5, -0.3, 2.2, 0.7]
        let want = model.scores(x)
        let got = compiled.plainScores(x)
        for i in want.indices { #expect(abs(want[i] - got[i]) < 1e-12) }
        #expect(compiled.plan.depth == 3)
    }

    @Test func approximatedActivationsAreCalibratedAndFolded() throws {
        var model = tinyModel()
        model.layers[0].activation = .tanh
        let rows = (0..<64).map { i in (0..<4).map { j in sin(Double(i * 4 + j)) * 3 } }
        let compiled = try ModelCompiler().compile(model, calibration: rows)
        guard case .chebyshev(let c) = compiled.layers[0].activation else {
            Issue.record("tanh was not approximated")
            return
        }
        #expect(!c.exact)
        #expect(c.calibratedLower != nil && c.lower < c.calibratedLower!)
        for x in rows {
            let want = model.scores(x)
            let got = compiled.plainScores(x)
            for i in want.indices { #expect(abs(want[i] - got[i]) < 0.05) }
        }
    }

    @Test func plannerPicksSecureSmallParameters() throws {
        let compiled = try ModelCompiler().compile(tinyModel())
        let p = try CKKSParameters(compiled.plan.parameters)
        #expect(p.security == .bits128)
        #expect(p.maxLevel == compiled.plan.depth)
        #expect(compiled.plan.blockSize == 4)
        #expect(!compiled.plan.rotationSteps.isEmpty)
        let throughput = try ModelCompiler(options: .init(packing: .throughput)).compile(tinyModel())
        #expect(throughput.plan.rotationSteps.isEmpty)
        #expect(throughput.plan.samplesPerCiphertext == p.maxSlots)
    }
}

@Suite struct EncryptedInferenceTests {
    @Test(arguments: [Packing.latency, .throughput])
    func tinyModelEndToEnd(packing: Packing) throws {
        let model = tinyModel()
        let compiled = try ModelCompiler(options: .init(packing: packing)).compile(model)
        let rows = (0..<5).map { i in (0..<4).map { j in cos(Double(i * 7 + j)) * 2 } }
        let report = try InferenceSession(model: compiled).run(rows)
        #expect(report.scores.count == rows.count)
        for (i, row) in rows.enumerated() {
            let want = model.scores(row)
            for j in want.indices {
                #expect(abs(report.scores[i][j] - want[j]) < 1e-3, "sample \(i) score \(j)")
            }
        }
    }

    @Test func ciphertextsForAnotherModelAreRefused() throws {
        let a = try ModelCompiler().compile(tinyModel())
        var other = tinyModel()
        other.layers[1].bias[0] = 0.3
        let b = try ModelCompiler().compile(other)
        #expect(a.id != b.id)
        let context = try a.makeContext()
        let keygen = KeyGenerator(context: context)
        let sk = keygen.secretKey()
        let client = InferenceClient(model: a, context: context)
        let cts = try client.encrypt([[1, 2, 3, 4]], publicKey: try keygen.publicKey(for: sk))
        let bytes = try cts.serialized(context: context)
        let back = try ModelCiphertexts(deserializing: bytes, context: context)
        #expect(throws: ModelError.self) { try back.check(model: b, stage: .inputs) }
        #expect(throws: ModelError.self) { try back.check(model: a, stage: .outputs) }
        try back.check(model: a, stage: .inputs)
        for cut in [0, 3, 10, 20, bytes.count / 2, bytes.count - 1] {
            #expect {
                try ModelCiphertexts(deserializing: Array(bytes.prefix(cut)), context: context)
            } throws: { error in
                if case CKKSError.truncated = error { return true }
                if case ModelError.unsupportedFormat = error { return true }
                return false
            }
        }
        #expect(throws: ModelError.self) { try client.encrypt([[1, 2, 3]], publicKey: try keygen.publicKey(for: sk)) }
    }
}

@Suite struct WideInputTests {
    /// 5000 features do not fit one N = 8192 ciphertext (4096 slots): the first layer is tiled
    /// over two input ciphertexts in latency packing.
    @Test func inputsWiderThanACiphertextAreTiled() throws {
        let inputs = 5000
        let w1 = (0..<8).map { o in (0..<inputs).map { i in sin(Double(o * 7919 + i)) * 0.02 } }
        let model = MLPModel(
            name: "wide", task: .classification, inputSize: inputs,
            layers: [
                DenseLayer(weights: w1, bias: (0..<8).map { Double($0) * 0.01 }, activation: .square),
                DenseLayer(
                    weights: (0..<2).map { o in (0..<8).map { cos(Double(o * 8 + $0)) } }, bias: [0.1, -0.1],
                    activation: .none),
            ],
            output: OutputTail(probabilities: .softmax, labels: ["a", "b"]))
        let compiled = try ModelCompiler(options: .init(packing: .latency)).compile(model)
        let slots = 1 << (compiled.plan.parameters.logN - 1)
        #expect(slots < inputs)
        #expect(compiled.plan.inputCiphertexts == (inputs + slots - 1) / slots)
        let rows = (0..<2).map { r in (0..<inputs).map { i in cos(Double(r * 31 + i) * 0.1) } }
        let report = try InferenceSession(model: compiled).run(rows)
        for (i, row) in rows.enumerated() {
            let want = model.scores(row)
            for j in want.indices { #expect(abs(report.scores[i][j] - want[j]) < 1e-3, "sample \(i) score \(j)") }
        }
    }
}
