import Foundation
import HefCKKS
import HefRing
import HefTestSupport
import Testing

@testable import HefML

/// A compiled model's client part: no weights, the full model's id, rows checked against the
/// guaranteed box, refused wherever the weights are needed.
@Suite struct ClientPartTests {
    /// 300 calibration rows spread over [−1, 1) per feature, in a fixed order.
    static let calibration: [[Double]] = (0..<300).map { (k: Int) -> [Double] in
        (0..<4).map { (i: Int) -> Double in
            let n: Int = (k * 37 + i * 11 + k * k * (i + 1)) % 200
            return Double(n) / 100 - 1
        }
    }

    static func compiled(packing: Packing = .latency, calibrated: Bool = true) throws -> CompiledModel {
        try ModelCompiler(options: .init(packing: packing)).compile(
            tinyModel(), calibration: calibrated ? calibration : nil)
    }

    @Test func aClientPartHoldsNoWeightsAndKeepsTheModelsID() throws {
        let full = try Self.compiled()
        let part = try full.clientPart()
        #expect(part.weightsWithheld && !full.weightsWithheld)
        #expect(part.id == full.id)
        #expect(part.source.scaler == nil)
        #expect(
            part.layers.allSatisfy {
                $0.weights.allSatisfy { $0.allSatisfy { $0 == 0 } } && $0.bias.allSatisfy { $0 == 0 }
            })
        #expect(part.source.layers.allSatisfy { $0.weights.allSatisfy { $0.allSatisfy { $0 == 0 } } })
        #expect(part.plan.rotationSteps == full.plan.rotationSteps && part.plan.parameters == full.plan.parameters)
        #expect(part.outputSize == full.outputSize && part.inputSize == full.inputSize)

        // Through a file: the id is read back, not computed from the zeros.
        let folder = try temporaryDirectory("client-part")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("tiny.client.hef")
        try part.jsonData().write(to: url)
        let loaded = try CompiledModel.load(contentsOf: url)
        #expect(loaded.id == full.id && loaded.weightsWithheld)
        #expect(try loaded.clientPart().id == full.id)
        // The full model's file does not carry the new fields, so its id is unchanged.
        let fullText = try #require(String(data: try full.jsonData(), encoding: .utf8))
        #expect(!fullText.contains("weightsWithheld"))
        // No weight of the model appears in the client part's file.
        let partText = try #require(String(data: try part.jsonData(), encoding: .utf8))
        for w in [0.5, -0.25, 0.3, -0.75] { #expect(!partText.contains("\(w)")) }
    }

    /// The data owner's side runs on the client part, the provider's on the full model: the
    /// scores agree with the plaintext model, and the client part cannot be evaluated.
    @Test func aClientPartEncryptsAndDecodesWhatTheFullModelEvaluates() throws {
        let full = try Self.compiled()
        let part = try full.clientPart()
        let keys = try OwnerKeys(for: part)
        let (context, secretKey, publicKey) = (keys.context, keys.secretKey, keys.publicKey)
        let client = InferenceClient(model: part, context: context)
        let rows = Array(Self.calibration.filter { part.admissibility(of: $0, index: 0) == nil }.prefix(3))
        #expect(rows.count == 3)
        let request = try client.encrypt(rows, publicKey: publicKey)
        #expect(request.modelID == full.id)
        #expect(throws: ModelError.self) {
            _ = try EncryptedMLP(model: part, context: context, evaluationKeys: keys.evaluation)
        }
        let response = try EncryptedMLP(model: full, context: context, evaluationKeys: keys.evaluation).evaluate(
            request)
        let results = try client.decrypt(response, secretKey: secretKey)
        let bound = full.rangeGuarantees.noiseBound
        for (i, row) in rows.enumerated() {
            let want = full.plainScores(row)
            let got = results.rows[i].scores
            for j in want.indices { #expect(abs(got[j] - want[j]) <= bound[j], "row \(i) score \(j)") }
        }
        #expect(part.plainScores(rows[0]).allSatisfy { $0.isNaN })
    }

    /// What a data owner who decrypts a latency answer whole sees: the scores, repeated with
    /// the last layer's output period, and zeros in between (up to the noise bound), for the
    /// bundled digits-square model.
    @Test func aLatencyAnswerHoldsOnlyTheScores() throws {
        let dir = modelsDirectory().appendingPathComponent("digits-square")
        let model = try MLPModel.load(contentsOf: dir.appendingPathComponent("model.json"))
        let calibration = try readCSV(dir.appendingPathComponent("calibration_X.csv"))
        let full = try ModelCompiler(options: .init(packing: .latency)).compile(model, calibration: calibration)
        let part = try full.clientPart()
        let keys = try OwnerKeys(for: part)
        let (context, secretKey, publicKey) = (keys.context, keys.secretKey, keys.publicKey)
        let row = try #require(calibration.first { part.admissibility(of: $0, index: 0) == nil })
        let request = try InferenceClient(model: part, context: context).encrypt([row], publicKey: publicKey)
        let response = try EncryptedMLP(model: full, context: context, evaluationKeys: keys.evaluation).evaluate(
            request)
        let ct = try #require(response.batches.first?.ciphertexts.first)
        let slots = try Decryptor(context: context, secretKey: secretKey).decryptValues(ct)
        guard case .latency(let layout) = try #require(full.plan.layout) else {
            Issue.record("not a latency layout")
            return
        }
        let period = layout.period(afterStage: 2 * full.layers.count - 1)
        let scores = full.plainScores(row)
        let tolerance = 4 * (full.rangeGuarantees.noiseBound.max() ?? 1)
        #expect(period >= scores.count && slots.count % period == 0)
        var worst = 0.0
        for (i, v) in slots.enumerated() {
            let j = i % period
            worst = max(worst, abs(v - (j < scores.count ? scores[j] : 0)))
        }
        #expect(worst <= tolerance, "largest difference from the repeated scores \(worst), bound \(tolerance)")
    }

    /// Client-aided refreshes with the client part on the key holder's side: the full model
    /// stops at each cut, the client part refreshes, and the scores agree with the plan.
    @Test func aClientPartRefreshesWhatTheFullModelStopsAt() throws {
        let dir = modelsDirectory().appendingPathComponent("breast-cancer-relu")
        let model = try MLPModel.load(contentsOf: dir.appendingPathComponent("model.json"))
        let calibration = try readCSV(dir.appendingPathComponent("calibration_X.csv"))
        let full = try ModelCompiler(options: .init(packing: .throughput, refresh: .client)).compile(
            model, calibration: calibration)
        let cuts = try #require(full.plan.refresh).cuts.count
        let part = try full.clientPart()
        let keys = try OwnerKeys(for: part)
        let (context, secretKey, publicKey) = (keys.context, keys.secretKey, keys.publicKey)
        let rows = Array(
            try readCSV(dir.appendingPathComponent("test_X.csv")).filter { part.admissibility(of: $0, index: 0) == nil }
                .prefix(8))
        #expect(!rows.isEmpty)
        let owner = InferenceClient(model: part, context: context)
        let server = try EncryptedMLP(model: full, context: context, evaluationKeys: keys.evaluation)
        let (outputs, trips) = try runSegments(
            try owner.encrypt(rows, publicKey: publicKey), server: server, owner: owner, publicKey: publicKey,
            secretKey: secretKey)
        #expect(trips == cuts)
        let results = try owner.decrypt(outputs, secretKey: secretKey)
        let bound = full.rangeGuarantees.noiseBound
        for (i, row) in rows.enumerated() {
            let want = full.plainScores(row)
            for j in want.indices {
                #expect(abs(results.rows[i].scores[j] - want[j]) <= bound[j], "row \(i) score \(j)")
            }
        }
    }

    /// Fitted to the calibration box, a tanh model's guaranteed box holds every calibration
    /// row, which the client part then admits; fitted to the rows alone, its box is narrower.
    @Test func fittingTheCalibrationBoxWidensTheGuaranteedBox() throws {
        var g = SplitMix64(seed: 77)
        let widths = [6, 8, 3]
        let layers = (0..<2).map { k in
            DenseLayer(
                weights: (0..<widths[k + 1]).map { _ in (0..<widths[k]).map { _ in 2 * g.uniform() - 1 } },
                bias: (0..<widths[k + 1]).map { _ in 0.1 * (2 * g.uniform() - 1) },
                activation: k == 0 ? .tanh : .none)
        }
        let model = MLPModel(
            name: "tanh", task: .classification, inputSize: 6, scaler: nil, layers: layers,
            output: OutputTail(probabilities: .softmax))
        let calibration = (0..<200).map { _ in (0..<6).map { _ in 3 * g.normal() } }
        var options = ModelCompiler.Options(packing: .latency)
        let rowsOnly = try ModelCompiler(options: options).compile(model, calibration: calibration)
        options.fitCalibrationBox = true
        let fitted = try ModelCompiler(options: options).compile(model, calibration: calibration)
        let narrow = try #require(rowsOnly.rangeGuarantees.boxFraction)
        let wide = try #require(fitted.rangeGuarantees.boxFraction)
        // The calibration box is 1/(1 + 2·margin) = 1/2 of the box with margin.
        #expect(wide >= 0.5 && narrow < 0.5, "box fractions \(narrow) (rows) and \(wide) (calibration box)")
        let part = try fitted.clientPart()
        #expect(calibration.allSatisfy { part.admissibility(of: $0, index: 0) == nil })
        #expect(!calibration.allSatisfy { (try? rowsOnly.clientPart())?.admissibility(of: $0, index: 0) == nil })
    }

    /// Without the weights only the box decides: inside it a row is admissible, outside it is
    /// reported (refused, clamped or isolated as the policy says).
    @Test func aClientPartChecksRowsAgainstTheBoxOnly() throws {
        let part = try Self.compiled().clientPart()
        let g = part.rangeGuarantees
        let lo = try #require(g.inputLower)
        let hi = try #require(g.inputUpper)
        let centre = zip(lo, hi).map { ($0 + $1) / 2 }
        #expect(part.admissibility(of: centre, index: 0) == nil)
        var outside = centre
        outside[2] = hi[2] + 0.01 * max(hi[2] - lo[2], 1)
        let violation = try #require(part.admissibility(of: outside, index: 4))
        #expect(violation.row == 5 && violation.feature == 3)
        #expect(violation.reason.contains("withholds"))

        let client = InferenceClient(model: part, context: try part.makeContext())
        #expect(throws: ModelError.self) { _ = try client.prepare([centre, outside], outOfRange: .refuse) }
        let clamped = try client.prepare([centre, outside], outOfRange: .clamp)
        #expect(clamped.rows[1][2] == hi[2] && clamped.reports.count == 1)
        let isolated = try client.prepare([centre, outside], outOfRange: .isolate)
        #expect(isolated.isolated == [false, true])
    }

    /// A model without a guaranteed box has no client part; a file that says its weights are
    /// withheld yet holds some, or has no id, is refused.
    @Test func clientPartsThatCannotBeCheckedAreRefused() throws {
        #expect(throws: ModelError.self) { _ = try Self.compiled(calibrated: false).clientPart() }

        let part = try Self.compiled(packing: .throughput).clientPart()
        let folder = try temporaryDirectory("client-part-forged")
        defer { try? FileManager.default.removeItem(at: folder) }
        func load(_ change: (inout [String: Any]) -> Void) throws -> CompiledModel {
            var json = try #require(try JSONSerialization.jsonObject(with: part.jsonData()) as? [String: Any])
            change(&json)
            let url = folder.appendingPathComponent("forged.hef")
            try JSONSerialization.data(withJSONObject: json).write(to: url)
            return try CompiledModel.load(contentsOf: url)
        }
        #expect(try load { _ in }.id == part.id)
        #expect(throws: ModelError.self) {
            _ = try load { json in
                var layers = json["layers"] as! [[String: Any]]
                layers[0]["bias"] = [0.1, 0, 0]
                json["layers"] = layers
            }
        }
        #expect(throws: ModelError.self) { _ = try load { $0["id"] = nil } }
        #expect(throws: ModelError.self) { _ = try load { $0["id"] = "not-hex" } }
        #expect(throws: ModelError.self) {
            _ = try load { json in
                var plan = json["plan"] as! [String: Any]
                var g = plan["guarantees"] as! [String: Any]
                g["inputLower"] = nil
                g["inputUpper"] = nil
                plan["guarantees"] = g
                json["plan"] = plan
            }
        }
    }
}
