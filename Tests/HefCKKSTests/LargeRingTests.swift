import Testing

@testable import HefCKKS

/// Every operation once at N = 2^14 with the n16384 preset (the peers' P2).
@Suite struct LargeRingTests {
    @Test func everyOperationAtN16384() throws {
        let f = try Fixture(try CKKSParameters(preset: .n16384), rotations: [1, -7, 64])
        let slots = 8192
        let x = randomValues(slots, seed: 21)
        let y = randomValues(slots, seed: 22)
        let a = try f.encrypt(x)
        let b = try f.encrypt(y)
        try f.expectPrecision(a, x, "fresh")
        try f.expectPrecision(try f.evaluator.add(a, b), zip(x, y).map(+), lostBits: 0.5, "add")
        let pt = try f.context.encode(y)
        try f.expectPrecision(
            try f.evaluator.rescale(try f.evaluator.multiply(a, pt)), zip(x, y).map(*), "multiply plaintext")
        let mr = try f.evaluator.rescale(try f.evaluator.multiplyRelinearize(a, b))
        try f.expectPrecision(mr, zip(x, y).map(*), lostBits: 0.5, "mul+relin+rescale")
        for step in [1, -7, 64] {
            let want = (0..<slots).map { x[(($0 + step) % slots + slots) % slots] }
            try f.expectPrecision(try f.evaluator.rotate(a, by: step), want, "rotate \(step)")
        }
        let hoisted = try f.evaluator.rotations(mr, by: [1, 64])
        let want = (0..<slots).map { x[($0 + 64) % slots] * y[($0 + 64) % slots] }
        try f.expectPrecision(try #require(hoisted[64]), want, lostBits: 0.5, "hoisted rotate 64")
        try f.expectPrecision(try f.evaluator.conjugate(a), x, "conjugate")
        // Down the whole chain: six squarings, each doubling the relative error (one bit).
        var c = a
        var expected = x
        for _ in 0..<6 {
            c = try f.evaluator.rescale(try f.evaluator.multiplyRelinearize(c, c))
            expected = expected.map { $0 * $0 }
        }
        #expect(c.level == 0)
        try f.expectPrecision(c, expected, lostBits: 6, "depth 6")
    }
}
