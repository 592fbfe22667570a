import Foundation
import Testing

@testable import HefCKKS
@testable import HefCircuits

/// Where a bootstrap's error comes from, step by step, on boot16 (N = 2^16): each step's output is
/// decrypted and compared with the step applied in Double to the decrypted input, and each step's
/// error is carried to the output through the later steps in Double. Off unless
/// HEF_BOOTSTRAP_DIAGNOSTICS lists slot counts (e.g. "8,1024"; about 20 s per slot count, the
/// steps printed with HEF_TEST_VERBOSE=1). Checks the two faults it found: the coefficient
/// errors of a fresh ciphertext have no bias (ModDown's conversion overflow), and the Chebyshev
/// powers stay near the rescaling noise (relinearizing after the rescale multiplied its
/// rounding by s²); and the end-to-end precision of at least 24 bits up to 1,024 slots.
@Suite(.serialized) struct BootstrapDiagnostics {
    static let slotCounts: [Int] =
        (ProcessInfo.processInfo.environment["HEF_BOOTSTRAP_DIAGNOSTICS"] ?? "")
        .split(separator: ",").compactMap { Int($0) }

    static func bits(_ e: Double) -> String { String(format: "%.1f", -log2(max(e, 1e-300))) }

    /// max |error|, mean |error| and |mean error| (a bias) of complex vectors.
    static func summary(_ got: [Complex], _ want: [Complex]) -> String {
        var worst = 0.0
        var sum = 0.0
        var bias = Complex.zero
        var errors: [(Double, Int)] = []
        for i in got.indices {
            let d = got[i] - want[i]
            errors.append((max(abs(d.re), abs(d.im)), i))
            worst = max(worst, max(abs(d.re), abs(d.im)))
            sum += d.magnitude
            bias += d
        }
        let n = Double(got.count)
        let top = errors.sorted { $0.0 > $1.0 }.prefix(4).map { "\($0.1):2^-\(bits($0.0))" }.joined(separator: " ")
        return "[\(top)] max 2^-\(bits(worst)), mean 2^-\(bits(sum / n)), bias 2^-\(bits((1 / n * bias).magnitude))"
    }

    @Test(.enabled(if: !slotCounts.isEmpty), arguments: slotCounts)
    func errorByStep(slots: Int) throws {
        let f = try BootstrapFixture(slots: slots, logN: 16)
        let b = f.bootstrapper
        let ev = b.evaluator
        let plan = try Bootstrapper.Plan(
            parameters: f.fixture.context.parameters, slots: slots, configuration: b.configuration)
        func decrypt(_ ct: Ciphertext) throws -> [Complex] {
            let (re, im) = try f.fixture.decryptComplex(ct)
            return zip(re, im).map { Complex($0, $1) }
        }
        let (ct, re, im) = try f.encryptAtLevelZero(slots: slots, seed: 11)
        var x = try ev.modRaise(ct, encapsulation: b.encapsulation)
        for g in b.traceElements { x = try ev.add(x, try ev.automorphism(x, galoisElement: g)) }
        x.slots = b.view
        let u = try decrypt(x)

        // Coefficient errors (mod q_0, centered) against Δ·(the encoder's coefficients)·gain,
        // on the subring's coefficients: their mean is a bias that lands on slot 0 times ~2V/π.
        let context = f.fixture.context
        let q0 = Double(context.parameters.q[0])
        let expected = context.encoder.coefficients(real: re, imag: im, slots: slots)
        let stride = context.parameters.n / b.view
        func coefficientBias(_ ct: Ciphertext, gain: Double, scale: Double) throws -> String {
            let pt = try f.fixture.decryptor.decrypt(ct)
            let c = pt.poly.inverseNTT().centeredValues(crt: context.crt[pt.level], factor: 1 / q0)
            var sum = 0.0
            var sumAbs = 0.0
            var count = 0.0
            for j in Swift.stride(from: 0, to: c.count, by: stride) {
                let r = (c[j] - c[j].rounded()) * q0 - scale * gain * expected[j]
                sum += r
                sumAbs += abs(r)
                count += 1
            }
            // A bias of a quarter of the mean error is many standard errors at 16+ coefficients.
            #expect(abs(sum / count) < 0.25 * sumAbs / count || count < 16, "coefficient bias \(sum / count)")
            return String(format: "mean %.1f, mean |e| %.1f", sum / count, sumAbs / count)
        }
        let delta = context.parameters.defaultScale
        let b0 = try coefficientBias(ct, gain: 1, scale: delta)
        testLog("\(slots) slots, fresh level 0: \(b0)")
        let raised = try ev.modRaise(ct, encapsulation: b.encapsulation)
        let b1 = try coefficientBias(raised, gain: 1, scale: delta)
        testLog("\(slots) slots, ModRaise: \(b1)")

        // CoeffsToSlots (sparse: one ciphertext, real parts then imaginary parts).
        for map in b.coeffsToSlots { x = try map.evaluate(x, evaluator: ev) }
        try x.resetScale(to: b.evalModScale)
        let packed = try ev.add(x, try ev.conjugate(x))
        var w = u
        for map in plan.coeffsToSlots { w = map.apply(w) }
        let wantPacked = w.map { Complex(2 * $0.re, 0) }
        let gotPacked = try decrypt(packed)
        testLog("\(slots) slots, CtS: \(Self.summary(gotPacked, wantPacked)) (y in ±1)")

        // EvalMod alone: against the function of the decrypted input.
        let k1 = Double(b.configuration.bound + 1)
        func evalMod(_ y: Double) -> Double {
            let s = sin(2 * Double.pi * k1 * y)
            return b.configuration.arcSineCorrection ? s + s * s * s / 6 : s
        }
        // The Chebyshev powers the cosine uses, against T_j of the decrypted input.
        var run = PolynomialEvaluator.Run(evaluator: ev, x: packed, degree: b.modReduction.series.degree)
        for j in [2, 3, 4, 5, 7, 8, 16, 24, 32] {
            let tj = try run.power(j)
            let t = try decrypt(tj)
            let want = gotPacked.map { Complex(cos(Double(j) * acos(max(-1, min(1, $0.re)))), 0) }
            testLog("\(slots) slots, T_\(j): \(Self.summary(t, want)) level \(tj.level)")
            if j == 2 {
                let worst = zip(t, want).map { abs($0.re - $1.re) }.max()!
                #expect(worst < 0x1p-40, "T_2 error \(worst)")
            }
        }
        // EvalMod's steps, each against its function of its decrypted input.
        let r = b.modReduction
        let divisor = Double(1 << r.doubleAngles)
        var c = try PolynomialEvaluator(evaluator: ev).evaluate(
            packed, r.series, targetScale: b.evalModScale, inputIsMapped: true)
        var gotC = try decrypt(c)
        let wantC = gotPacked.map { Complex(cos(2 * Double.pi * (k1 * $0.re - 0.25) / divisor), 0) }
        testLog("\(slots) slots, cosine: \(Self.summary(gotC, wantC)) level \(c.level) scale 2^\(log2(c.scale))")
        var worst = 0
        for i in gotC.indices where abs(gotC[i].re - wantC[i].re) > abs(gotC[worst].re - wantC[worst].re) { worst = i }
        testLog("  worst slot \(worst): y \(gotPacked[worst].re), err \(gotC[worst].re - wantC[worst].re)")
        for step in 0..<r.doubleAngles {
            let square = try ev.rescale(try ev.relinearize(try ev.multiply(c, c)))
            c = try ev.addConstant(try ev.multiply(square, integer: 2), -1)
            let next = try decrypt(c)
            testLog(
                "\(slots) slots, double angle \(step + 1): \(Self.summary(next, gotC.map { Complex(2 * $0.re * $0.re - 1, 0) })) scale 2^\(log2(c.scale))"
            )
            gotC = next
        }
        if r.arcSine {
            c = try PolynomialEvaluator(evaluator: ev).evaluatePowerBasis(
                c, coefficients: [0, 1, 0, 1.0 / 6], targetScale: b.evalModScale)
            let next = try decrypt(c)
            testLog(
                "\(slots) slots, arcsine: \(Self.summary(next, gotC.map { Complex($0.re + $0.re * $0.re * $0.re / 6, 0) }))"
            )
        }
        let y = c
        let gotY = try decrypt(y)
        let wantY = gotPacked.map { Complex(evalMod($0.re), 0) }
        testLog("\(slots) slots, EvalMod: \(Self.summary(gotY, wantY)) (output ±2π·m/q0)")
        // Its error through SlotsToCoeffs in Double, in output units.
        func stc(_ v: [Complex]) -> [Complex] {
            var a = v
            for map in plan.slotsToCoeffs { a = map.apply(a) }
            return a
        }
        let ideal = stc(gotY)
        testLog("\(slots) slots, EvalMod error after StC: \(Self.summary(stc(wantY), ideal))")
        // The CtS error through EvalMod (f' ≈ 2π(K+1)) and StC.
        let ctsCarried = stc(gotPacked.map { Complex(evalMod($0.re), 0) })
        let ctsIdeal = stc(wantPacked.map { Complex(evalMod($0.re), 0) })
        testLog("\(slots) slots, CtS error after EvalMod and StC: \(Self.summary(ctsCarried, ctsIdeal))")

        var z = y
        for map in b.slotsToCoeffs { z = try map.evaluate(z, evaluator: ev) }
        try z.resetScale(to: f.fixture.context.parameters.defaultScale)
        let gotZ = try decrypt(z)
        testLog("\(slots) slots, StC: \(Self.summary(gotZ, ideal))")
        let want = (0..<b.view).map { Complex(re[$0 % slots], im[$0 % slots]) }
        testLog("\(slots) slots, end to end: \(Self.summary(gotZ, want))")
        let endToEnd = zip(gotZ, want).map { max(abs($0.re - $1.re), abs($0.im - $1.im)) }.max()!
        #expect(slots > 1024 || endToEnd < 0x1p-24, "end to end 2^\(log2(endToEnd))")
        testLog("\(slots) slots, exact EvalMod + StC vs input: \(Self.summary(ctsIdeal, want))")
    }
}
