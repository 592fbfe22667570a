import Testing
@testable import HefCKKS

/// Every operation once at N = 2^14 with the n16384 preset (the peers' P2).
@Suite struct LargeRingTests {
    @Test func everyOperationAtN16384() throws {
        let f = try Fixture(try CKKSParameters(preset: .n16384), rotations: [1, -7, 64])
        let slots = 8192
        let x = randomValues(slots, seed: 21), y = randomValues(slots, seed: 22)
        let a = try f.encrypt(x), b = try f.encrypt(y)
        let fresh = PrecisionStats(try f.decrypt(a), x)
        #expect(fresh.minBits > 24, "fresh: \(fresh)")
        #expect(PrecisionStats(try f.decrypt(try f.evaluator.add(a, b)), zip(x, y).map(+)).minBits > 23)
        let pt = try f.context.encode(y)
        let mp = try f.evaluator.rescale(try f.evaluator.multiply(a, pt))
        #expect(PrecisionStats(try f.decrypt(mp), zip(x, y).map(*)).minBits > 23)
        let mr = try f.evaluator.rescale(try f.evaluator.multiplyRelinearize(a, b))
        let mrStats = PrecisionStats(try f.decrypt(mr), zip(x, y).map(*))
        #expect(mrStats.minBits > 23, "mul+relin+rescale: \(mrStats)")
        for step in [1, -7, 64] {
            let got = try f.decrypt(try f.evaluator.rotate(a, by: step))
            let want = (0..<slots).map { x[(($0 + step) % slots + slots) % slots] }
            let stats = PrecisionStats(got, want)
            #expect(stats.minBits > 21, "rotate \(step): \(stats)")
        }
        let hoisted = try f.evaluator.rotations(mr, by: [1, 64])
        let want = (0..<slots).map { x[($0 + 64) % slots] * y[($0 + 64) % slots] }
        #expect(PrecisionStats(try f.decrypt(hoisted[64]!), want).minBits > 20)
        let conj = try f.evaluator.conjugate(a)
        #expect(PrecisionStats(try f.decrypt(conj), x).minBits > 20)
        // Down the whole chain: six rescales.
        var c = a
        var expected = x
        for _ in 0..<6 {
            c = try f.evaluator.rescale(try f.evaluator.multiplyRelinearize(c, c))
            expected = expected.map { $0 * $0 }
        }
        #expect(c.level == 0)
        let deep = PrecisionStats(try f.decrypt(c), expected)
        #expect(deep.minBits > 12, "depth 6: \(deep)")
    }
}
