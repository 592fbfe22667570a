import Testing

@testable import HefCKKS

/// Ciphertext fields that cannot be put out of step: the seed goes with the polynomials, and
/// a scale is only reset to the value it already has up to rounding.
@Suite struct CiphertextInvariantTests {
    @Test func anyChangeToThePolynomialsDropsTheSeed() throws {
        let f = try Fixture(try smallParameters())
        let values = [0.25, -0.5, 0.75]
        var ct = try f.encryptor.encrypt(try f.context.encode(values), secretKey: f.secretKey)
        #expect(ct.seed != nil)
        // An in-library mutation of polys[1] (the one the seed stands for).
        let q0 = f.context.basisQ.moduli[0].value
        ct.polys[1].data[0] = (ct.polys[1].data[0] + 1) % q0
        #expect(ct.seed == nil)
        // It serializes in full, so the load gives back the mutated polynomial, not the seed's.
        let back = try Ciphertext(deserializing: try ct.serialized(context: f.context), context: f.context)
        #expect(back.polys.map(\.data) == ct.polys.map(\.data))
    }

    @Test func resetScaleAcceptsRoundingOnly() throws {
        let f = try Fixture(try smallParameters())
        let a = try f.encrypt([0.5, -0.25])
        // Δ·q_l/q_l: the bookkept scale differs from Δ by rounding at most.
        var y = try f.evaluator.rescale(try f.evaluator.multiply(a, scalar: 0.5, rescaledScale: a.scale))
        try y.resetScale(to: a.scale)
        #expect(y.scale == a.scale)
        let got = try f.decrypt(y)
        #expect(abs(got[0] - 0.25) < 1e-6 && abs(got[1] + 0.125) < 1e-6)
        // A rescale by q_l is not a rescale by 2^40: a real mismatch is refused, typed.
        let squared = try f.evaluator.rescale(try f.evaluator.multiplyRelinearize(a, a))
        var wrong = squared
        #expect(throws: CKKSError.scaleResetOutOfTolerance(current: squared.scale, intended: 0x1p40)) {
            try wrong.resetScale(to: 0x1p40)
        }
        #expect(wrong.scale == squared.scale)
        // Just beyond and just within the tolerance.
        var near = squared
        #expect(throws: CKKSError.self) { try near.resetScale(to: squared.scale * (1 + 0x1p-31)) }
        try near.resetScale(to: squared.scale * (1 + 0x1p-34))
        #expect(near.scale == squared.scale * (1 + 0x1p-34))
        for bad in [0.0, -1.0, Double.nan, Double.infinity] {
            #expect(throws: CKKSError.self) { try near.resetScale(to: bad) }
        }
    }

    @Test func zeroCiphertextAtAnyScale() throws {
        let f = try Fixture(try smallParameters())
        let a = try f.encrypt([0.5])
        let zero = try f.evaluator.zero(like: a, scale: 0x1p33)
        #expect(zero.scale == 0x1p33 && zero.level == a.level && zero.seed == nil)
        let sum = try f.evaluator.addConstant(zero, 0.75)
        #expect(abs(try f.decrypt(sum)[0] - 0.75) < 1e-6)
        #expect(throws: CKKSError.self) { try f.evaluator.zero(like: a, scale: 0) }
    }
}
