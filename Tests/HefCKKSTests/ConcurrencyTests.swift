import Testing

@testable import HefCKKS

/// A server evaluates many requests at once with one context and one set of keys.
@Suite struct ConcurrencyTests {
    @Test func oneEvaluatorManyTasks() async throws {
        let f = try Fixture(try smallParameters(), rotations: [1, 2, 3])
        let inputs = (0..<8).map { randomValues(512, seed: UInt64(100 + $0)) }
        let ciphertexts = try inputs.map { try f.encrypt($0) }
        let evaluator = f.evaluator
        let results = try await withThrowingTaskGroup(of: (Int, Ciphertext).self) { group in
            for (i, ct) in ciphertexts.enumerated() {
                group.addTask {
                    let squared = try evaluator.rescale(try evaluator.multiplyRelinearize(ct, ct))
                    return (i, try evaluator.rotate(squared, by: 1 + i % 3))
                }
            }
            var out = [Int: Ciphertext]()
            for try await (i, ct) in group { out[i] = ct }
            return out
        }
        for (i, x) in inputs.enumerated() {
            let step = 1 + i % 3
            let want = (0..<512).map { x[($0 + step) % 512] * x[($0 + step) % 512] }
            #expect(PrecisionStats(try f.decrypt(try #require(results[i])), want).minBits > 20)
        }
    }
}
