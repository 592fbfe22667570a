import HefRing
import Testing

@testable import HefCKKS

/// The native (C/FLINT) and pure-Swift backends compute the same words from the same seed.
@Suite struct BackendAgreementTests {
    @Test func keysCiphertextsAndResultsAreBitIdentical() throws {
        let parameters = try smallParameters()
        let native = try Fixture(parameters, backend: NativeBackend())
        let swift = try Fixture(parameters, backend: SwiftBackend())
        #expect(native.secretKey.poly.data == swift.secretKey.poly.data)
        #expect(native.publicKey.b.data == swift.publicKey.b.data)
        #expect(native.evaluationKeys.relinearization?.data == swift.evaluationKeys.relinearization?.data)
        #expect(native.evaluationKeys.galois.keys.sorted() == swift.evaluationKeys.galois.keys.sorted())
        for (g, key) in native.evaluationKeys.galois {
            #expect(key.data == swift.evaluationKeys.galois[g]?.data)
        }

        let x = randomValues(512, seed: 11)
        let y = randomValues(512, seed: 12)
        func run(_ f: Fixture) throws -> (Ciphertext, [Double]) {
            var stream = testStream(42)
            let a = try f.encryptor.encrypt(try f.context.encode(x), publicKey: f.publicKey, stream: &stream)
            let b = try f.encryptor.encrypt(try f.context.encode(y), secretKey: f.secretKey, stream: &stream)
            var c = try f.evaluator.rescale(try f.evaluator.multiplyRelinearize(a, b))
            c = try f.evaluator.add(c, try f.evaluator.rotate(c, by: 3))
            c = try f.evaluator.rotations(c, by: [1, 2])[2]!
            return (c, try f.decrypt(c))
        }
        let (cn, vn) = try run(native)
        let (cs, vs) = try run(swift)
        #expect(cn.polys.map(\.data) == cs.polys.map(\.data))
        #expect(vn == vs)
        let want = (0..<512).map { i -> Double in
            let j = (i + 2) % 512
            return x[j] * y[j] + x[(j + 3) % 512] * y[(j + 3) % 512]
        }
        #expect(PrecisionStats(vn, want).minBits > 18)
    }
}
