import HefCKKS
import HefRing
import Testing

/// Threads inside one operation (`Parallelism.setOperationThreads`) split the per-prime loops
/// of key switching, rescaling, the NTTs, linear combinations and inner products, and the
/// coefficients of multi-prime basis conversions (digits of two primes here): the results must
/// be bit for bit those of one thread.
@Suite(.serialized) struct OperationThreadsTests {
    @Test func twoThreadsGiveTheSameBits() throws {
        let parameters = try smallParameters(logN: 12, logQ: [55, 40, 40, 40], logP: [55, 55], logScale: 40)
        let f = try Fixture(parameters, rotations: [1, 3])
        var stream = testStream(3)
        let a = try f.encryptor.encrypt(
            try f.context.encode(randomValues(64, seed: 1), slots: 64), secretKey: f.secretKey, stream: &stream)
        let b = try f.encryptor.encrypt(
            try f.context.encode(randomValues(64, seed: 2), slots: 64), secretKey: f.secretKey, stream: &stream)
        func compute() throws -> [Ciphertext] {
            let product = try f.evaluator.rescale(try f.evaluator.multiplyRelinearize(a, b))
            let rotated = try f.evaluator.rotations(product, by: [1, 3])
            let combined = try f.evaluator.linearCombination([a, b], [0.5, -1.25])
            return [product, rotated[1]!, rotated[3]!, try f.evaluator.conjugate(a), combined]
        }
        let previous = Parallelism.operationThreads
        defer { Parallelism.setOperationThreads(previous) }
        Parallelism.setOperationThreads(1)
        let one = try compute()
        Parallelism.setOperationThreads(2)
        let two = try compute()
        for (x, y) in zip(one, two) {
            #expect(x.polys.map(\.data) == y.polys.map(\.data))
        }
        Parallelism.setOperationThreads(1)
        let innerOne = Poly<Eval>.innerProduct(a.polys, b.polys, moduliCount: a.level + 1)
        Parallelism.setOperationThreads(2)
        let innerTwo = Poly<Eval>.innerProduct(a.polys, b.polys, moduliCount: a.level + 1)
        #expect(innerOne.data == innerTwo.data)
    }
}
