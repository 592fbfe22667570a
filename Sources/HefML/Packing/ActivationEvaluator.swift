import HefCKKS
import HefCircuits

/// Applies a compiled activation to a ciphertext (both packings share it).
struct ActivationEvaluator: Sendable {
    let evaluator: Evaluator
    let polynomials: PolynomialEvaluator

    init(evaluator: Evaluator) {
        self.evaluator = evaluator
        self.polynomials = PolynomialEvaluator(evaluator: evaluator)
    }

    /// The scale after an activation that starts at `scale` on `level` (square: s²/q_level;
    /// Chebyshev series: kept; none: kept).
    static func scaleAfter(_ activation: CompiledActivation, scale: Double, level: Int, parameters: CKKSParameters)
        -> Double
    {
        switch activation {
        case .square: return scale * scale / Double(parameters.q[level])
        case .none, .chebyshev: return scale
        }
    }

    func apply(_ activation: CompiledActivation, to ct: Ciphertext) throws -> Ciphertext {
        switch activation {
        case .none:
            return ct
        case .square:
            return try evaluator.rescale(try evaluator.multiplyRelinearize(ct, ct))
        case .chebyshev(let c):
            let series = ChebyshevSeries(coefficients: c.coefficients, interval: -1...1)
            return try polynomials.evaluate(ct, series, inputIsMapped: true)
        }
    }
}
