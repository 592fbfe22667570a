import Foundation
import Testing

@testable import HefCKKS

/// Every operation against the same computation in Double, with a minimum precision in bits.
@Suite struct EvaluatorTests {
    let f: Fixture
    let slots: Int
    let x: [Double]
    let y: [Double]

    init() throws {
        f = try Fixture(try smallParameters())
        slots = f.context.parameters.maxSlots
        x = randomValues(slots, seed: 1)
        y = randomValues(slots, seed: 2)
    }

    @Test func encodeDecodeRoundTrip() throws {
        let pt = try f.context.encode(x)
        let back = try f.context.decode(pt).real
        let stats = PrecisionStats(back, x)
        #expect(stats.minBits > 30, "\(stats)")
    }

    @Test func complexSlotsRoundTrip() throws {
        let pt = try f.context.encode(x, imaginary: y)
        let (re, im) = try f.context.decode(pt)
        #expect(PrecisionStats(re, x).minBits > 30)
        #expect(PrecisionStats(im, y).minBits > 30)
    }

    @Test func publicKeyEncryptionRoundTrip() throws {
        try f.expectPrecision(try f.encrypt(x), x, "public-key encryption")
        let complex = try f.encryptor.encrypt(try f.context.encode(x, imaginary: y), publicKey: f.publicKey)
        try f.expectPrecision(complex, x, imaginary: y, "complex slots")
    }

    @Test func symmetricEncryptionRoundTrip() throws {
        let ct = try f.encryptor.encrypt(try f.context.encode(x), secretKey: f.secretKey)
        #expect(ct.seed != nil)
        try f.expectPrecision(ct, x, "secret-key encryption")
    }

    @Test func fewerSlotsThanHalfN() throws {
        let few = Array(x.prefix(8))
        let ct = try f.encryptor.encrypt(try f.context.encode(few, slots: 8), publicKey: f.publicKey)
        #expect(ct.slots == 8)
        let rotated = try f.evaluator.rotate(ct, by: 3)
        let want = (0..<8).map { few[($0 + 3) % 8] }
        let stats = PrecisionStats(try f.decrypt(rotated), want)
        #expect(stats.minBits >= PrecisionBudget(f.context.parameters).minBits, "\(stats)")
    }

    @Test func addSubtractNegate() throws {
        let a = try f.encrypt(x)
        let b = try f.encrypt(y)
        // Two noisy terms: half a bit.
        try f.expectPrecision(try f.evaluator.add(a, b), zip(x, y).map(+), lostBits: 0.5, "add")
        try f.expectPrecision(try f.evaluator.subtract(a, b), zip(x, y).map(-), lostBits: 0.5, "subtract")
        try f.expectPrecision(try f.evaluator.negate(a), x.map { -$0 }, "negate")
    }

    @Test func plaintextAndScalarOperations() throws {
        let a = try f.encrypt(x)
        let p = try f.context.encode(y)
        try f.expectPrecision(try f.evaluator.add(a, p), zip(x, y).map(+), "add plaintext")
        try f.expectPrecision(try f.evaluator.subtract(a, p), zip(x, y).map(-), "subtract plaintext")
        try f.expectPrecision(
            try f.evaluator.rescale(try f.evaluator.multiply(a, p)), zip(x, y).map(*), "multiply plaintext")
        try f.expectPrecision(try f.evaluator.add(a, scalar: 0.75), x.map { $0 + 0.75 }, "add scalar")
        let scaledCt = try f.evaluator.rescale(try f.evaluator.multiply(a, scalar: -1.5))
        #expect(Evaluator.sameScale(scaledCt.scale, a.scale))
        // A factor k multiplies the error by k: log2(k) bits.
        try f.expectPrecision(scaledCt, x.map { $0 * -1.5 }, lostBits: log2(1.5), "multiply scalar")
        try f.expectPrecision(
            try f.evaluator.multiply(a, integer: 3), x.map { $0 * 3 }, lostBits: log2(3), "multiply integer")
    }

    @Test func multiplyRelinearizeRescale() throws {
        let a = try f.encrypt(x)
        let b = try f.encrypt(y)
        let product = try f.evaluator.rescale(try f.evaluator.multiplyRelinearize(a, b))
        #expect(product.level == a.level - 1)
        try f.expectPrecision(product, zip(x, y).map(*), lostBits: 0.5, "multiply ciphertexts")
        // Depth two: (x·y)·x.
        let deeper = try f.evaluator.rescale(try f.evaluator.multiplyRelinearize(product, a))
        #expect(deeper.level == 0)
        // Three noisy factors and the first prime (55 bits) rounding at level 0: one more bit.
        try f.expectPrecision(deeper, (0..<slots).map { x[$0] * y[$0] * x[$0] }, lostBits: 1.5, "depth two")
    }

    @Test func threePolynomialCiphertextDecrypts() throws {
        let a = try f.encrypt(x)
        let b = try f.encrypt(y)
        let raw = try f.evaluator.multiply(a, b)
        #expect(raw.size == 3)
        try f.expectPrecision(raw, zip(x, y).map(*), lostBits: 0.5, "three polynomials")
    }

    @Test func rotationsLeftAndRight() throws {
        let a = try f.encrypt(x)
        for step in [1, 2, 3, -1, 5] {
            let want = (0..<slots).map { x[(($0 + step) % slots + slots) % slots] }
            try f.expectPrecision(try f.evaluator.rotate(a, by: step), want, "rotate \(step)")
        }
    }

    @Test func hoistedRotationsMatchPlainRotations() throws {
        let a = try f.encrypt(x)
        let steps = [1, 2, 3, 5]
        let hoisted = try f.evaluator.rotations(a, by: steps)
        for step in steps {
            let want = (0..<slots).map { x[($0 + step) % slots] }
            try f.expectPrecision(try #require(hoisted[step]), want, "hoisted rotate \(step)")
        }
    }

    @Test func conjugation() throws {
        let ct = try f.encryptor.encrypt(try f.context.encode(x, imaginary: y), publicKey: f.publicKey)
        try f.expectPrecision(try f.evaluator.conjugate(ct), x, imaginary: y.map { -$0 }, "conjugate")
    }

    @Test func rotateAndSum() throws {
        let f8 = try Fixture(try smallParameters(), rotations: Evaluator.rotateAndSumSteps(count: 512))
        let a = try f8.encrypt(x)
        let total = x.reduce(0, +)
        // A sum of 512 noisy slots: ½·log2(512) bits, and the total's magnitude up to ~2^4.
        try f8.expectPrecision(
            try f8.evaluator.rotateAndSum(a), Array(repeating: total, count: slots), lostBits: 4.5 + 4, "rotate and sum"
        )
    }

    @Test func levelsAlignAutomatically() throws {
        let a = try f.encrypt(x)
        let low = try f.evaluator.rescale(try f.evaluator.multiply(try f.encrypt(y), scalar: 1.0))
        let sum = try f.evaluator.add(a, low)
        #expect(sum.level == low.level)
        try f.expectPrecision(sum, zip(x, y).map(+), lostBits: 0.5, "aligned add")
    }

    @Test func roundedDecoding() throws {
        let got = try f.decryptor.decryptValues(try f.encrypt(x), roundingBits: 10)
        for v in got { #expect((v * 1024).rounded() == v * 1024) }
        #expect(PrecisionStats(got, x).minBits > 9)
    }
}

@Suite struct SparseSecretTests {
    @Test func sparseSecretsWork() throws {
        let literal = ParametersLiteral(
            logN: 10, logQ: [55, 40], logP: [55], logScale: 40, secret: .sparse, hammingWeight: 64)
        let f = try Fixture(try CKKSParameters(literal, insecure: InsecureParametersForTestingOnly()))
        let coeff = f.secretKey.poly.inverseNTT()
        let q0 = f.context.parameters.q[0]
        let nonZero = coeff.data[0..<1024].filter { $0 != 0 }
        #expect(nonZero.count == 64)
        #expect(nonZero.allSatisfy { $0 == 1 || $0 == q0 - 1 })
        let x = randomValues(512, seed: 9)
        let y = try f.evaluator.rescale(try f.evaluator.multiplyRelinearize(try f.encrypt(x), try f.encrypt(x)))
        try f.expectPrecision(y, x.map { $0 * $0 }, lostBits: 1, "sparse secret, square")
    }
}

@Suite struct MixedSizeTests {
    @Test func subtractingAThreePolynomialCiphertext() throws {
        let f = try Fixture(try smallParameters())
        let x = randomValues(512, seed: 31)
        let y = randomValues(512, seed: 32)
        let a = try f.encrypt(x)
        let b = try f.encrypt(y)
        let square = try f.evaluator.multiply(b, b) // three polynomials, scale²
        let scaledA = try f.evaluator.multiply(a, try f.context.encode(Array(repeating: 1, count: 512)))
        let diff = try f.evaluator.subtract(scaledA, square)
        #expect(diff.size == 3)
        let want = (0..<512).map { x[$0] - y[$0] * y[$0] }
        try f.expectPrecision(diff, want, lostBits: 1, "mixed-size subtract")
        let sum = try f.evaluator.add(square, scaledA)
        try f.expectPrecision(sum, (0..<512).map { x[$0] + y[$0] * y[$0] }, lostBits: 1, "mixed-size add")
    }
}
