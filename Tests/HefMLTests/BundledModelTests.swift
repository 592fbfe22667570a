import Foundation
import HefCKKS
import HefDemoHarness
import HefTestSupport
import Testing

@testable import HefML

/// The bundled models on their whole test splits: plaintext reference first, then encrypted
/// inference (throughput packing for the whole split, latency packing for a few samples).
@Suite(.serialized) struct BundledModelTests {
    static let names = ["digits-square", "breast-cancer-square", "digits-tanh", "breast-cancer-relu"]

    struct Bundle {
        let model: MLPModel
        let rows: [[Double]]
        let labels: [String]
        let reference: [[Double]]
        let calibration: [[Double]]
    }

    func load(_ name: String) throws -> Bundle {
        let dir = modelsDirectory().appendingPathComponent(name)
        let model = try MLPModel.load(contentsOf: dir.appendingPathComponent("model.json"))
        let rows = try readCSV(dir.appendingPathComponent("test_X.csv"))
        let calibrationURL = dir.appendingPathComponent("calibration_X.csv")
        let calibration =
            FileManager.default.fileExists(atPath: calibrationURL.path) ? try readCSV(calibrationURL) : rows
        return Bundle(
            model: model, rows: rows, labels: try readLines(dir.appendingPathComponent("test_y.csv")),
            reference: try readCSV(dir.appendingPathComponent("reference_scores.csv")), calibration: calibration)
    }

    @Test(arguments: names)
    func plaintextReferenceMatchesTheTrainingScript(name: String) throws {
        let b = try load(name)
        #expect(b.rows.count == b.reference.count && b.rows.count == b.labels.count)
        var worst = 0.0
        for (row, want) in zip(b.rows, b.reference) {
            let got = b.model.scores(row)
            for j in want.indices { worst = max(worst, abs(got[j] - want[j])) }
        }
        #expect(worst < 1e-6, "worst difference \(worst)")
    }

    @Test(arguments: names)
    func encryptedLabelsAgreeOnTheWholeTestSplit(name: String) throws {
        let b = try load(name)
        let compiled = try ModelCompiler(options: .init(packing: .throughput)).compile(
            b.model, calibration: b.calibration)
        let report = try InferenceSession(model: compiled).run(b.rows)
        let stats = AgreementStats(model: b.model, rows: b.rows, encryptedScores: report.scores, trueLabels: b.labels)
        let exact = b.model.layers.allSatisfy { $0.activation.isPolynomial }
        testLog(
            "\(name): agreement \(stats.labelAgreement), accuracy plain \(stats.plainAccuracy!) encrypted \(stats.encryptedAccuracy!), worst score error \(stats.worstScoreError)"
        )
        if exact {
            #expect(stats.labelAgreement == 1.0)
            #expect(stats.worstScoreError < 1e-2)
        } else {
            #expect(stats.labelAgreement >= 0.99)
        }
    }

    @Test(arguments: ["digits-square", "breast-cancer-square"])
    func latencyPackingOnAFewSamples(name: String) throws {
        let b = try load(name)
        let compiled = try ModelCompiler(options: .init(packing: .latency)).compile(b.model, calibration: b.calibration)
        let rows = Array(b.rows.prefix(3))
        let report = try InferenceSession(model: compiled).run(rows)
        for (i, row) in rows.enumerated() {
            let want = b.model.scores(row)
            for j in want.indices { #expect(abs(report.scores[i][j] - want[j]) < 1e-2) }
        }
    }
}
