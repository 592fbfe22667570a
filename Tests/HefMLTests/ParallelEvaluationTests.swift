import Foundation
import HefCKKS
import HefRing
import HefTestSupport
import Testing

@testable import HefML

/// Batches evaluated on several threads give the same bytes as one thread, in order; the
/// first error (in batch order) comes out.
@Suite struct ParallelEvaluationTests {
    /// digits-square compiled for `packing`, its server, and `rows` test rows encrypted.
    static func digitsSquare(_ packing: Packing, rows count: Int) throws -> (
        server: EncryptedMLP, request: ModelCiphertexts, context: CKKSContext
    ) {
        let dir = modelsDirectory().appendingPathComponent("digits-square")
        let model = try MLPModel.load(contentsOf: dir.appendingPathComponent("model.json"))
        let rows = Array(try readCSV(dir.appendingPathComponent("test_X.csv")).prefix(count))
        let compiled = try ModelCompiler(options: .init(packing: packing)).compile(
            model, calibration: try readCSV(dir.appendingPathComponent("calibration_X.csv")))
        let context = try compiled.makeContext()
        let generator = KeyGenerator(context: context)
        let sk = generator.secretKey()
        let keys = try generator.evaluationKeys(for: sk, rotations: compiled.plan.rotationSteps)
        let request = try InferenceClient(model: compiled, context: context).encrypt(
            rows, publicKey: try generator.publicKey(for: sk))
        return (try EncryptedMLP(model: compiled, context: context, evaluationKeys: keys), request, context)
    }

    @Test func twoThreadsGiveTheSameCiphertextsAsOne() throws {
        let (server, request, context) = try Self.digitsSquare(.latency, rows: 5)
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
        let (server, request, context) = try Self.digitsSquare(.throughput, rows: 20)
        #expect(request.batches.count == 1)
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
