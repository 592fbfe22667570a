import Foundation
import HefCKKS

/// EvalMod: x ↦ sin(2πx) on x ∈ [−(K + 1), K + 1], which is 2π·(x − round(x)) up to a cubic
/// error when x is within a small distance of an integer — the modular reduction by q_0 of
/// bootstrapping, in units of q_0.
///
/// The input slots hold y = x/(K + 1) ∈ [−1, 1]. A Chebyshev interpolant of
/// cos(2π((K + 1)·y − 1/4)/2^r) is evaluated, then r double-angle steps c ← 2c² − 1 give
/// cos(2πx − π/2) = sin(2πx). With the arcsine correction, s ↦ s + s³/6 (the start of
/// arcsin's series) then cancels the cubic error of the sine, leaving 2π·(x − round(x)) up to
/// a fifth-order term. Levels: ⌈log2(degree + 1)⌉ + r (+ 2 with the correction).
struct ModReduction: Sendable {
    /// K + 1: the input interval's half-width in units of q_0.
    let halfWidth: Double
    /// r.
    let doubleAngles: Int
    /// The interpolant on [−1, 1].
    let series: ChebyshevSeries
    /// Whether s + s³/6 follows the sine.
    let arcSine: Bool

    init(bound k: Int, degree: Int, doubleAngles r: Int, arcSine: Bool) {
        halfWidth = Double(k + 1)
        doubleAngles = r
        self.arcSine = arcSine
        let width = halfWidth
        let divisor = Double(1 << r)
        series = ChebyshevSeries.approximate(
            { y in cos(2 * Double.pi * (width * y - 0.25) / divisor) }, degree: degree, interval: -1...1)
    }

    /// Levels consumed.
    var depth: Int { PolynomialEvaluator.depth(degree: series.degree) + doubleAngles + (arcSine ? 2 : 0) }

    /// The largest error of the interpolant on [−1, 1] before the double angles (checked in tests).
    var interpolationError: Double {
        let width = halfWidth
        let divisor = Double(1 << doubleAngles)
        return series.maxError(of: { y in cos(2 * Double.pi * (width * y - 0.25) / divisor) }, samples: 20001)
    }

    /// The scale after ``evaluate(_:evaluator:scale:)`` for an input at `level`: the polynomial
    /// lands exactly on `scale`, each double angle squares the scale and divides by the prime
    /// its rescale drops; the arcsine correction lands on `scale` again.
    func outputScale(inputLevel level: Int, scale: Double, primes q: [UInt64]) -> Double {
        if arcSine { return scale }
        var s = scale
        var l = level - PolynomialEvaluator.depth(degree: series.degree)
        for _ in 0..<doubleAngles {
            s = s * s / Double(q[l])
            l -= 1
        }
        return s
    }

    /// sin(2πx) for slots holding y = x/(K + 1); the polynomial's output is at `scale`.
    func evaluate(_ y: Ciphertext, evaluator: Evaluator, scale: Double) throws -> Ciphertext {
        var c = try PolynomialEvaluator(evaluator: evaluator).evaluate(
            y, series, targetScale: scale, inputIsMapped: true)
        for _ in 0..<doubleAngles {
            let square = try evaluator.rescale(try evaluator.relinearize(try evaluator.multiply(c, c)))
            c = try evaluator.addConstant(try evaluator.multiply(square, integer: 2), -1)
        }
        if arcSine {
            c = try PolynomialEvaluator(evaluator: evaluator).evaluatePowerBasis(
                c, coefficients: [0, 1, 0, 1.0 / 6], targetScale: scale)
        }
        return c
    }
}
