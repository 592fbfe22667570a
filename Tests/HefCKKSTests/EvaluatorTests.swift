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
        let got = try f.decrypt(try f.encrypt(x))
        let stats = PrecisionStats(got, x)
        #expect(stats.minBits > 22, "\(stats)")
    }

    @Test func symmetricEncryptionRoundTrip() throws {
        let ct = try f.encryptor.encrypt(try f.context.encode(x), secretKey: f.secretKey)
        #expect(ct.seed != nil)
        let stats = PrecisionStats(try f.decrypt(ct), x)
        #expect(stats.minBits > 22, "\(stats)")
    }

    @Test func fewerSlotsThanHalfN() throws {
        let few = Array(x.prefix(8))
        let ct = try f.encryptor.encrypt(try f.context.encode(few, slots: 8), publicKey: f.publicKey)
        #expect(ct.slots == 8)
        let rotated = try f.evaluator.rotate(ct, by: 3)
        let want = (0..<8).map { few[($0 + 3) % 8] }
        let stats = PrecisionStats(try f.decrypt(rotated), want)
        #expect(stats.minBits > 18, "\(stats)")
    }

    @Test func addSubtractNegate() throws {
        let a = try f.encrypt(x), b = try f.encrypt(y)
        let sum = try f.decrypt(try f.evaluator.add(a, b))
        let diff = try f.decrypt(try f.evaluator.subtract(a, b))
        let neg = try f.decrypt(try f.evaluator.negate(a))
        #expect(PrecisionStats(sum, zip(x, y).map(+)).minBits > 21)
        #expect(PrecisionStats(diff, zip(x, y).map(-)).minBits > 21)
        #expect(PrecisionStats(neg, x.map { -$0 }).minBits > 22)
    }

    @Test func plaintextAndScalarOperations() throws {
        let a = try f.encrypt(x)
        let p = try f.context.encode(y)
        let plus = try f.decrypt(try f.evaluator.add(a, p))
        #expect(PrecisionStats(plus, zip(x, y).map(+)).minBits > 21)
        let minus = try f.decrypt(try f.evaluator.subtract(a, p))
        #expect(PrecisionStats(minus, zip(x, y).map(-)).minBits > 21)
        let times = try f.decrypt(try f.evaluator.rescale(try f.evaluator.multiply(a, p)))
        let stats = PrecisionStats(times, zip(x, y).map(*))
        #expect(stats.minBits > 20, "\(stats)")
        let shifted = try f.decrypt(try f.evaluator.add(a, scalar: 0.75))
        #expect(PrecisionStats(shifted, x.map { $0 + 0.75 }).minBits > 22)
        let scaledCt = try f.evaluator.rescale(try f.evaluator.multiply(a, scalar: -1.5))
        #expect(Evaluator.sameScale(scaledCt.scale, a.scale))
        #expect(PrecisionStats(try f.decrypt(scaledCt), x.map { $0 * -1.5 }).minBits > 20)
        let tripled = try f.decrypt(try f.evaluator.multiply(a, integer: 3))
        #expect(PrecisionStats(tripled, x.map { $0 * 3 }).minBits > 20)
    }

    @Test func multiplyRelinearizeRescale() throws {
        let a = try f.encrypt(x), b = try f.encrypt(y)
        let product = try f.evaluator.rescale(try f.evaluator.multiplyRelinearize(a, b))
        #expect(product.level == a.level - 1)
        let stats = PrecisionStats(try f.decrypt(product), zip(x, y).map(*))
        #expect(stats.minBits > 20, "\(stats)")
        // Depth two: (x·y)·x.
        let deeper = try f.evaluator.rescale(try f.evaluator.multiplyRelinearize(product, a))
        #expect(deeper.level == 0)
        let stats2 = PrecisionStats(try f.decrypt(deeper), (0..<slots).map { x[$0] * y[$0] * x[$0] })
        #expect(stats2.minBits > 17, "\(stats2)")
    }

    @Test func threePolynomialCiphertextDecrypts() throws {
        let a = try f.encrypt(x), b = try f.encrypt(y)
        let raw = try f.evaluator.multiply(a, b)
        #expect(raw.size == 3)
        let stats = PrecisionStats(try f.decrypt(raw), zip(x, y).map(*))
        #expect(stats.minBits > 20, "\(stats)")
    }

    @Test func rotationsLeftAndRight() throws {
        let a = try f.encrypt(x)
        for step in [1, 2, 3, -1, 5] {
            let got = try f.decrypt(try f.evaluator.rotate(a, by: step))
            let want = (0..<slots).map { x[(($0 + step) % slots + slots) % slots] }
            let stats = PrecisionStats(got, want)
            #expect(stats.minBits > 20, "step \(step): \(stats)")
        }
    }

    @Test func hoistedRotationsMatchPlainRotations() throws {
        let a = try f.encrypt(x)
        let steps = [1, 2, 3, 5]
        let hoisted = try f.evaluator.rotations(a, by: steps)
        for step in steps {
            let got = try f.decrypt(try #require(hoisted[step]))
            let want = (0..<slots).map { x[($0 + step) % slots] }
            let stats = PrecisionStats(got, want)
            #expect(stats.minBits > 20, "step \(step): \(stats)")
        }
    }

    @Test func conjugation() throws {
        let ct = try f.encryptor.encrypt(try f.context.encode(x, imaginary: y), publicKey: f.publicKey)
        let conj = try f.evaluator.conjugate(ct)
        let (re, im) = try f.context.decode(try f.decryptor.decrypt(conj))
        #expect(PrecisionStats(re, x).minBits > 20)
        #expect(PrecisionStats(im, y.map { -$0 }).minBits > 20)
    }

    @Test func rotateAndSum() throws {
        let f8 = try Fixture(try smallParameters(), rotations: Evaluator.rotateAndSumSteps(count: 512))
        let a = try f8.encrypt(x)
        let total = x.reduce(0, +)
        let got = try f8.decrypt(try f8.evaluator.rotateAndSum(a))
        let stats = PrecisionStats(got, Array(repeating: total, count: slots))
        #expect(stats.minBits > 14, "\(stats)")
    }

    @Test func levelsAlignAutomatically() throws {
        let a = try f.encrypt(x)
        let low = try f.evaluator.rescale(try f.evaluator.multiply(try f.encrypt(y), scalar: 1.0))
        let sum = try f.evaluator.add(a, low)
        #expect(sum.level == low.level)
        #expect(PrecisionStats(try f.decrypt(sum), zip(x, y).map(+)).minBits > 20)
    }

    @Test func roundedDecoding() throws {
        let got = try f.decryptor.decryptValues(try f.encrypt(x), roundingBits: 10)
        for v in got { #expect((v * 1024).rounded() == v * 1024) }
        #expect(PrecisionStats(got, x).minBits > 9)
    }
}

@Suite struct SparseSecretTests {
    @Test func sparseSecretsWork() throws {
        let literal = ParametersLiteral(logN: 10, logQ: [55, 40], logP: [55], logScale: 40, secret: .sparse, hammingWeight: 64)
        let f = try Fixture(try CKKSParameters(literal, insecure: InsecureParametersForTestingOnly()))
        let coeff = f.secretKey.poly.inverseNTT()
        let q0 = f.context.parameters.q[0]
        let nonZero = coeff.data[0..<1024].filter { $0 != 0 }
        #expect(nonZero.count == 64)
        #expect(nonZero.allSatisfy { $0 == 1 || $0 == q0 - 1 })
        let x = randomValues(512, seed: 9)
        let y = try f.evaluator.rescale(try f.evaluator.multiplyRelinearize(try f.encrypt(x), try f.encrypt(x)))
        #expect(PrecisionStats(try f.decrypt(y), x.map { $0 * $0 }).minBits > 20)
    }
}

@Suite struct MixedSizeTests {
    @Test func subtractingAThreePolynomialCiphertext() throws {
        let f = try Fixture(try smallParameters())
        let x = randomValues(512, seed: 31), y = randomValues(512, seed: 32)
        let a = try f.encrypt(x), b = try f.encrypt(y)
        let square = try f.evaluator.multiply(b, b)  // three polynomials, scale²
        let scaledA = try f.evaluator.multiply(a, try f.context.encode(Array(repeating: 1, count: 512)))
        let diff = try f.evaluator.subtract(scaledA, square)
        #expect(diff.size == 3)
        let want = (0..<512).map { x[$0] - y[$0] * y[$0] }
        #expect(PrecisionStats(try f.decrypt(diff), want).minBits > 20)
        let sum = try f.evaluator.add(square, scaledA)
        #expect(PrecisionStats(try f.decrypt(sum), (0..<512).map { x[$0] + y[$0] * y[$0] }).minBits > 20)
    }
}
