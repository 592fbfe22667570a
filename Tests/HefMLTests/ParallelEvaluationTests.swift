import Foundation
import HefCKKS
import HefRing
import HefTestSupport
import Testing

@testable import HefML

/// Batches evaluated on several threads give the same bytes as one thread, in order; the
/// first error (in batch order) comes out.
@Suite struct ParallelEvaluationTests {
    @Test func twoThreadsGiveTheSameCiphertextsAsOne() throws {
        let dir = modelsDirectory().appendingPathComponent("digits-square")
        let model = try MLPModel.load(contentsOf: dir.appendingPathComponent("model.json"))
        let rows = Array(try readCSV(dir.appendingPathComponent("test_X.csv")).prefix(5))
        let compiled = try ModelCompiler(options: .init(packing: .latency)).compile(
            model, calibration: try readCSV(dir.appendingPathComponent("calibration_X.csv")))
        let context = try compiled.makeContext()
        let generator = KeyGenerator(context: context)
        let sk = generator.secretKey()
        let keys = try generator.evaluationKeys(for: sk, rotations: compiled.plan.rotationSteps)
        let request = try InferenceClient(model: compiled, context: context).encrypt(
            rows, publicKey: try generator.publicKey(for: sk))
        let server = try EncryptedMLP(model: compiled, context: context, evaluationKeys: keys)
        var calls: [Int] = []
        let one = try server.evaluate(request, threads: 1).serialized(context: context)
        let two = try server.evaluate(request, threads: 2) { done, _ in calls.append(done) }.serialized(
            context: context)
        #expect(one == two)
        #expect(calls == [1, 2, 3, 4, 5])
    }

    /// Throughput packing, one batch: the second thread goes to the batch's neurons, and the
    /// ciphertexts are the same bytes.
    @Test func oneThroughputBatchSplitsItsNeurons() throws {
        let dir = modelsDirectory().appendingPathComponent("digits-square")
        let model = try MLPModel.load(contentsOf: dir.appendingPathComponent("model.json"))
        let rows = Array(try readCSV(dir.appendingPathComponent("test_X.csv")).prefix(20))
        let compiled = try ModelCompiler(options: .init(packing: .throughput)).compile(
            model, calibration: try readCSV(dir.appendingPathComponent("calibration_X.csv")))
        let context = try compiled.makeContext()
        let generator = KeyGenerator(context: context)
        let sk = generator.secretKey()
        let keys = try generator.evaluationKeys(for: sk, rotations: compiled.plan.rotationSteps)
        let request = try InferenceClient(model: compiled, context: context).encrypt(
            rows, publicKey: try generator.publicKey(for: sk))
        #expect(request.batches.count == 1)
        let server = try EncryptedMLP(model: compiled, context: context, evaluationKeys: keys)
        let one = try server.evaluate(request, threads: 1).serialized(context: context)
        let two = try server.evaluate(request, threads: 2).serialized(context: context)
        #expect(one == two)
    }

    @Test func theFirstErrorInOrderIsThrown() {
        struct Failure: Error, Equatable { let index: Int }
        #expect(throws: Failure(index: 3)) {
            try Parallelism.forEach(10, threads: 4) { i in if i == 3 || i == 7 { throw Failure(index: i) } }
        }
        #expect(Parallelism.threads >= 1)
    }
}
