import Foundation
import HefCKKS
import Testing

@testable import HefCircuits

/// A small, insecure chain with the layout of ``BootstrapPreset/boot16`` (N = 2^12).
func bootstrapTestParameters(logN: Int = 12, userLevels: Int = 2) throws -> (CKKSParameters, BootstrapConfiguration) {
    if logN == 16 { return (try CKKSParameters(BootstrapPreset.boot16.literal), BootstrapPreset.boot16.configuration) }
    let c = BootstrapConfiguration()
    let logQ =
        [53] + Array(repeating: 45, count: userLevels + c.slotsToCoeffsLevels)
        + Array(repeating: 60, count: c.evalModDepth + c.coeffsToSlotsLevels)
    let parameters = try CKKSParameters(
        ParametersLiteral(logN: logN, logQ: logQ, logP: Array(repeating: 61, count: 6), logScale: 45),
        insecure: InsecureParametersForTestingOnly())
    return (parameters, c)
}

/// Keys and a bootstrapper for `slots` slots on the test chain.
struct BootstrapFixture {
    let fixture: Fixture
    let bootstrapper: Bootstrapper
    let keys: BootstrappingKeys

    init(slots: Int, logN: Int = 12, seedTag: UInt8 = 31) throws {
        let (parameters, configuration) = try bootstrapTestParameters(logN: logN)
        fixture = try Fixture(parameters, rotations: [], conjugation: false, seedTag: seedTag)
        var stream = testStream(seedTag &+ 1)
        keys = try KeyGenerator(context: fixture.context).bootstrappingKeys(
            for: fixture.secretKey, slots: slots, configuration: configuration, stream: &stream)
        bootstrapper = try Bootstrapper(
            context: fixture.context, keys: keys, slots: slots, configuration: configuration)
    }

    /// Random complex values of magnitude at most 1, encrypted at level 0.
    func encryptAtLevelZero(slots: Int, seed: UInt64) throws -> (Ciphertext, [Double], [Double]) {
        let re = randomValues(slots, seed: seed).map { $0 * 0.7 }
        let im = randomValues(slots, seed: seed + 1).map { $0 * 0.7 }
        let pt = try fixture.context.encode(re, imaginary: im, level: 0, slots: slots)
        return (try fixture.encryptor.encrypt(pt, publicKey: fixture.publicKey), re, im)
    }
}

@Suite struct SlotFFTTests {
    /// CoeffsToSlots' inverse butterflies give the encoder's coefficients in bit-reversed order,
    /// and the forward butterflies undo them: the bootstrapper's DFT agrees with the encoder.
    @Test(arguments: [(4, 8), (8, 16), (16, 16)])
    func butterfliesMatchTheEncoder(slots n: Int, view v: Int) throws {
        let ringDegree = 64
        let encoder = CKKSEncoder(logN: 6)
        let re = randomValues(n, seed: 5)
        let im = randomValues(n, seed: 6)
        let coefficients = encoder.coefficients(real: re, imag: im, slots: n)
        let gap = ringDegree / (2 * n)
        let u = (0..<n).map { Complex(coefficients[$0 * gap], coefficients[ringDegree / 2 + $0 * gap]) }
        let z = (0..<v).map { Complex(re[$0 % n], im[$0 % n]) }
        var inverse = SlotDiagonals.identity(size: v)
        for stage in SlotFFT.inverseStages(slots: n, view: v, ringDegree: ringDegree) { inverse = inverse.then(stage) }
        let transformed = inverse.apply(z)
        var bits = 0
        while (1 << bits) < n { bits += 1 }
        for i in 0..<v {
            var r = 0
            for b in 0..<bits where (i % n) >> b & 1 == 1 { r |= 1 << (bits - 1 - b) }
            let got = (1 / Double(n)) * transformed[i]
            #expect((got - u[r]).magnitude < 1e-12, "slot \(i)")
        }
        var forward = SlotDiagonals.identity(size: v)
        for stage in SlotFFT.forwardStages(slots: n, view: v, ringDegree: ringDegree) { forward = forward.then(stage) }
        let back = forward.apply(transformed.map { (1 / Double(n)) * $0 })
        for i in 0..<v { #expect((back[i] - z[i]).magnitude < 1e-12) }
    }

    /// Merging stages into groups computes the same map.
    @Test func mergedGroupsComposeToTheWholeTransform() {
        let stages = SlotFFT.inverseStages(slots: 16, view: 32, ringDegree: 64)
        let groups = SlotFFT.merge(stages, into: 3, view: 32)
        #expect(groups.count == 3)
        let x = (0..<32).map { Complex(randomValues(32, seed: 9)[$0], 0) }
        var a = x
        for s in stages { a = s.apply(a) }
        var b = x
        for g in groups { b = g.apply(b) }
        for i in 0..<32 { #expect((a[i] - b[i]).magnitude < 1e-12) }
        // More groups than stages: the extra ones are identities.
        #expect(SlotFFT.merge(Array(stages.prefix(1)), into: 3, view: 32).count == 3)
    }

    /// The scaled cosine's interpolant is accurate far beyond what bootstrapping keeps.
    @Test func cosineInterpolantIsAccurate() {
        let reduction = ModReduction(bound: 16, degree: 40, doubleAngles: 3, arcSine: false)
        #expect(reduction.interpolationError < 0x1p-45, "\(reduction.interpolationError)")
        #expect(reduction.depth == 9)
    }
}

@Suite(.serialized) struct BootstrapperTests {
    /// Sparse slots: a level-0 ciphertext comes back at the bootstrapper's level with ≥ 29 bits
    /// (real and imaginary parts; 31–33 bits measured), and a product still works on it.
    @Test(arguments: [2, 8, 64])
    func bootstrapsSparseSlots(slots: Int) throws {
        let f = try BootstrapFixture(slots: slots)
        // Each Galois key reaches the highest level it is used at, and no higher.
        let levels = try Bootstrapper.galoisKeyLevels(
            context: f.fixture.context, slots: slots, configuration: f.bootstrapper.configuration)
        #expect(f.keys.evaluation.galois.mapValues(\.maxLevel) == levels)
        // SlotsToCoeffs' own keys (from 8 slots on: at 2 slots it reuses CoeffsToSlots' keys).
        #expect(slots < 8 || levels.values.contains { $0 < f.fixture.context.parameters.maxLevel - 10 })
        let (ct, re, im) = try f.encryptAtLevelZero(slots: slots, seed: UInt64(slots))
        let out = try f.bootstrapper.bootstrap(ct)
        #expect(out.level == f.bootstrapper.levelsLeft)
        #expect(out.slots == slots)
        #expect(abs(out.scale - f.fixture.context.parameters.defaultScale) <= 1e-9 * out.scale)
        let (gotRe, gotIm) = try f.fixture.decryptComplex(out)
        let stats = ComplexPrecisionStats(real: gotRe, imag: gotIm, wantReal: re, wantImag: im)
        testLog("bootstrap \(slots) slots: \(stats)")
        #expect(stats.real.minBits >= 29 && stats.imag.minBits >= 29, "\(stats)")
        // The refreshed ciphertext computes: one product at the new level.
        let square = try f.fixture.evaluator.rescale(
            try f.fixture.evaluator.multiplyRelinearize(out, out))
        let (sqRe, _) = try f.fixture.decryptComplex(square)
        for i in 0..<slots {
            let want = re[i] * re[i] - im[i] * im[i]
            #expect(abs(sqRe[i] - want) < 1e-4)
        }
    }

    /// Full slots (N/2): two EvalMods, the same precision.
    @Test func bootstrapsFullSlots() throws {
        let slots = 1 << 10
        let f = try BootstrapFixture(slots: slots, logN: 11)
        let (ct, re, im) = try f.encryptAtLevelZero(slots: slots, seed: 77)
        let out = try f.bootstrapper.bootstrap(ct)
        let (gotRe, gotIm) = try f.fixture.decryptComplex(out)
        let stats = ComplexPrecisionStats(real: gotRe, imag: gotIm, wantReal: re, wantImag: im)
        testLog("bootstrap full slots: \(stats)")
        #expect(stats.real.minBits >= 26 && stats.imag.minBits >= 26, "\(stats)")
    }

    /// A computation deeper than the chain: five rounds of f(x) = x − x³/4 (two levels each, the
    /// chain's user levels), a bootstrap before each round, against the same rounds in Double.
    /// The precision holds round after round: bootstrapping errors do not accumulate.
    @Test func fiveBootstrapsInARowRunADeepComputation() throws {
        let slots = 8
        let f = try BootstrapFixture(slots: slots)
        let evaluator = f.fixture.evaluator
        let polynomial = PolynomialEvaluator(evaluator: evaluator)
        var (ct, re, _) = try f.encryptAtLevelZero(slots: slots, seed: 404)
        // Real inputs only: the polynomial acts on the real parts; keep the imaginary parts zero.
        ct = try f.fixture.encryptor.encrypt(
            try f.fixture.context.encode(re, level: 0, slots: slots), publicKey: f.fixture.publicKey)
        var worst = Double.infinity
        for round in 0..<5 {
            ct = try f.bootstrapper.bootstrap(ct)
            let refreshed = PrecisionStats(try f.fixture.decrypt(ct), re)
            ct = try polynomial.evaluatePowerBasis(ct, coefficients: [0, 1, 0, -0.25])
            re = re.map { $0 - $0 * $0 * $0 / 4 }
            let stats = PrecisionStats(try f.fixture.decrypt(ct), re)
            testLog("round \(round): after bootstrap \(refreshed), after f \(stats), level \(ct.level)")
            worst = min(worst, stats.minBits)
            #expect(ct.level == 0)
        }
        #expect(worst >= 30, "worst \(worst) bits")
    }

    /// Wrong inputs get typed errors.
    @Test func refusesWhatItCannotBootstrap() throws {
        let f = try BootstrapFixture(slots: 8)
        let (ct, _, _) = try f.encryptAtLevelZero(slots: 8, seed: 1)
        var other = ct
        other.slots = 16
        #expect(throws: CKKSError.self) { try f.bootstrapper.bootstrap(other) }
        let wrongScale = try f.fixture.encryptor.encrypt(
            try f.fixture.context.encode([0.5], level: 0, scale: 0x1p40, slots: 8), publicKey: f.fixture.publicKey)
        #expect(throws: CKKSError.self) { try f.bootstrapper.bootstrap(wrongScale) }
        // Keys of another secret: the ciphertext's key id does not match.
        let g = try BootstrapFixture(slots: 8, seedTag: 99)
        #expect(throws: CKKSError.self) { try g.bootstrapper.bootstrap(ct) }
        // Too few levels for the configuration.
        let shallow = try smallParameters(logN: 12, logQ: [60, 45, 45], logP: [61], logScale: 45)
        #expect(throws: CKKSError.self) {
            try Bootstrapper.galoisElements(
                context: CKKSContext(parameters: shallow), slots: 8, configuration: BootstrapConfiguration())
        }
    }
}
