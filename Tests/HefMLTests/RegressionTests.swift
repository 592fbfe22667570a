import Foundation
import HefCKKS
import HefTestSupport
import Testing

@testable import HefML
@testable import HefONNX

/// Issue 6's reproductions: scikit-learn/ONNX models no other test knew, and corrupted files.
/// Fixtures: Tests/HefMLTests/Fixtures/regressions (written by Models/regressions.py).
@Suite(.serialized) struct RegressionTests {
    struct Fixture {
        let model: MLPModel
        let calibration: [[Double]]
        let rows: [[Double]]
        let reference: [[Double]]
    }

    static func fixture(_ name: String) throws -> Fixture {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/regressions/\(name)")
        return Fixture(
            model: try ModelFile.load(contentsOf: dir.appendingPathComponent("model_skl2onnx.onnx")),
            calibration: try readCSV(dir.appendingPathComponent("calibration_X.csv")),
            rows: try readCSV(dir.appendingPathComponent("test_X.csv")),
            reference: try readCSV(dir.appendingPathComponent("reference_scores.csv")))
    }

    /// Encrypted vs plaintext model: labels must agree wherever the plaintext margin exceeds
    /// the plan's combined bound; every score within that bound of the source model's.
    static func checkAgainstBounds(_ compiled: CompiledModel, rows: [[Double]], results: InferenceResults) -> (
        agree: Int, decidedDisagree: Int, outOfBound: Int
    ) {
        let g = compiled.rangeGuarantees
        let bounds = (0..<compiled.outputSize).map(g.combinedBound)
        var agree = 0
        var decidedDisagree = 0
        var outOfBound = 0
        for (i, row) in rows.enumerated() {
            let plain = compiled.source.scores(row)
            let enc = results.rows[i].scores
            let same = compiled.source.output.label(plain) == compiled.source.output.label(enc)
            if same { agree += 1 }
            if !same && compiled.labelIsDecided(plain, bounds: bounds) { decidedDisagree += 1 }
            for j in plain.indices where abs(plain[j] - enc[j]) > bounds[j] { outOfBound += 1 }
        }
        return (agree, decidedDisagree, outOfBound)
    }

    /// Keys, encryption with `policy`, server evaluation: the client, its secret key and the response.
    static func roundTrip(
        _ compiled: CompiledModel, _ rows: [[Double]], policy: OutOfRangePolicy
    ) throws -> (client: InferenceClient, secretKey: SecretKey, response: ModelCiphertexts) {
        let context = try compiled.makeContext()
        let generator = KeyGenerator(context: context)
        let secretKey = generator.secretKey()
        let client = InferenceClient(model: compiled, context: context)
        let request = try client.encrypt(rows, publicKey: try generator.publicKey(for: secretKey), outOfRange: policy)
        let server = try EncryptedMLP(
            model: compiled, context: context,
            evaluationKeys: try generator.evaluationKeys(for: secretKey, rotations: compiled.plan.rotationSteps))
        return (client, secretKey, try server.evaluate(request))
    }

    static func run(_ compiled: CompiledModel, _ rows: [[Double]], policy: OutOfRangePolicy = .refuse) throws
        -> InferenceResults
    {
        let r = try roundTrip(compiled, rows, policy: policy)
        return try r.client.decrypt(r.response, secretKey: r.secretKey)
    }

    /// The labels the client's own tail gives (nil for invalid rows).
    static func runLabels(_ compiled: CompiledModel, _ rows: [[Double]], policy: OutOfRangePolicy) throws -> [String?] {
        let r = try roundTrip(compiled, rows, policy: policy)
        return try r.client.decryptLabels(r.response, secretKey: r.secretKey)
    }

    /// 1. Throughput packing with a folded scaler on raw features up to ~1700 (wine): the zero
    /// padding slots lay outside the calibrated range and blew up every slot.
    @Test func reproduction1_wineThroughputWithFoldedScaler() throws {
        let f = try Self.fixture("wine-relu")
        let compiled = try ModelCompiler(options: .init(packing: .throughput)).compile(
            f.model, calibration: f.calibration)
        let results = try Self.run(compiled, f.rows)
        let check = Self.checkAgainstBounds(compiled, rows: f.rows, results: results)
        #expect(check.agree == f.rows.count, "\(check.agree)/\(f.rows.count) labels agree")
        #expect(check.outOfBound == 0)
        #expect(results.invalidRows.isEmpty)
        // The client's own tail: labels, nil for an isolated out-of-range row.
        var few = Array(f.rows.prefix(4))
        few[2] = few[2].map { 40 * $0 + 100 }
        let labels = try Self.runLabels(compiled, few, policy: .isolate)
        #expect(labels[2] == nil)
        for i in [0, 1, 3] { #expect(labels[i] == f.model.output.label(f.model.scores(few[i]))) }
        // One row encrypted alone.
        let one = try Self.run(compiled, [f.rows[0]])
        #expect(
            compiled.source.output.label(one.rows[0].scores) == compiled.source.output.label(f.model.scores(f.rows[0])))
    }

    /// 2. One outlier row must not change any other row's result, and is never silent.
    @Test func reproduction2_outlierRowCannotCorruptItsBatch() throws {
        let dir = modelsDirectory().appendingPathComponent("digits-tanh")
        let model = try MLPModel.load(contentsOf: dir.appendingPathComponent("model.json"))
        let compiled = try ModelCompiler(options: .init(packing: .throughput)).compile(
            model, calibration: try readCSV(dir.appendingPathComponent("calibration_X.csv")))
        var rows = Array(try readCSV(dir.appendingPathComponent("test_X.csv")).prefix(20))
        rows[3] = rows[3].map { 40 * $0 + 100 }
        let client = InferenceClient(model: compiled, context: try compiled.makeContext())
        // refuse (default): a typed error naming row 4.
        #expect {
            _ = try client.prepare(rows)
        } throws: { error in
            guard case ModelError.outOfRange(let why) = error else { return false }
            return why.contains("row 4")
        }
        // clamp: reported for row 4 only.
        let clamped = try client.prepare(rows, outOfRange: .clamp)
        #expect(clamped.reports.map(\.row) == [4])
        #expect(compiled.admissibility(of: clamped.rows[3], index: 3) == nil)
        // isolate: row 4 in a batch of its own and reported invalid; the others are right.
        let results = try Self.run(compiled, rows, policy: .isolate)

        #expect(results.invalidRows == [3])
        for i in rows.indices where i != 3 {
            #expect(
                model.output.label(results.rows[i].scores) == model.output.label(model.scores(rows[i])), "row \(i + 1)")
            #expect(results.rows[i].status != .invalid(""))
        }
    }

    /// 3. Two tanh layers (breast cancer, 30-8-8-1): ≥ 99 % agreement, 100 % where decided.
    @Test func reproduction3_twoTanhLayersAgree() throws {
        let f = try Self.fixture("breast-cancer-tanh8")
        let compiled = try ModelCompiler(options: .init(packing: .throughput)).compile(
            f.model, calibration: f.calibration)
        let results = try Self.run(compiled, f.rows)
        let check = Self.checkAgainstBounds(compiled, rows: f.rows, results: results)
        #expect(Double(check.agree) >= 0.99 * Double(f.rows.count), "\(check.agree)/\(f.rows.count)")
        #expect(check.decidedDisagree == 0)
        #expect(check.outOfBound == 0)
    }

    /// 4. Corrupted compiled models are refused when loaded, with the reason.
    @Test(arguments: ["emptyBias", "moreRowsThanBiases", "noLayers", "insecureParameters", "wrongDepth", "shortRow"])
    func reproduction4_corruptedCompiledModelIsRefused(_ corruption: String) throws {
        let model = tinyModel()
        let compiled = try ModelCompiler(options: .init(packing: .throughput)).compile(model, calibration: nil)
        var json = try JSONSerialization.jsonObject(with: try compiled.jsonData()) as! [String: Any]
        var layers = json["layers"] as! [[String: Any]]
        switch corruption {
        case "emptyBias": layers[0]["bias"] = [Double]()
        case "moreRowsThanBiases":
            var w = layers[0]["weights"] as! [[Double]]
            w.append(w[0])
            layers[0]["weights"] = w
        case "noLayers": layers = []
        case "insecureParameters":
            var plan = json["plan"] as! [String: Any]
            var parameters = plan["parameters"] as! [String: Any]
            parameters["logN"] = 10
            plan["parameters"] = parameters
            json["plan"] = plan
        case "shortRow":
            var w = layers[1]["weights"] as! [[Double]]
            w[0].removeLast()
            layers[1]["weights"] = w
        default:
            var plan = json["plan"] as! [String: Any]
            plan["depth"] = 1
            json["plan"] = plan
        }
        json["layers"] = layers
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "hef-corrupt-\(corruption)-\(UUID()).hef")
        defer { try? FileManager.default.removeItem(at: url) }
        try JSONSerialization.data(withJSONObject: json).write(to: url)
        #expect(throws: ModelError.self) { _ = try CompiledModel.load(contentsOf: url) }
    }

    /// 5. A three-ReLU-layer model on raw features from 0.01 to 300 (40-48-32-16-4): the plan
    /// reports honest bounds, and no label the bounds call decided differs from the source.
    @Test func reproduction5_deepReluPlanIsHonest() throws {
        let f = try Self.fixture("synthetic40-relu3")
        let compiled = try ModelCompiler(options: .init(packing: .throughput)).compile(
            f.model, calibration: f.calibration)
        let g = compiled.rangeGuarantees
        // The compiled plan in Double against the source, within the worst-case bound.
        for row in f.rows where compiled.admissibility(of: row, index: 0) == nil {
            let a = compiled.plainScores(row)
            let b = f.model.scores(row)
            for j in a.indices { #expect(abs(a[j] - b[j]) <= g.approximationBound[j]) }
        }
        let results = try Self.run(compiled, f.rows)
        let check = Self.checkAgainstBounds(compiled, rows: f.rows, results: results)
        testLog("synthetic40-relu3: \(check.agree)/\(f.rows.count) agree, undecided \(results.undecidedRows.count)")
        #expect(check.decidedDisagree == 0)
        #expect(check.outOfBound == 0)
        #expect(results.invalidRows.isEmpty)
        // Every disagreeing row is reported undecided.
        for (i, row) in f.rows.enumerated()
        where f.model.output.label(f.model.scores(row)) != f.model.output.label(results.rows[i].scores) {
            #expect(results.rows[i].status == .undecided, "row \(i + 1)")
        }
    }
}
