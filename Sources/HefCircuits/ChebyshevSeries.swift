import Foundation

/// A polynomial p(x) = Σ_k c_k · T_k(y) in the Chebyshev basis, where y = (2x − a − b)/(b − a)
/// maps the interval [a, b] onto [−1, 1].
public struct ChebyshevSeries: Sendable {
    /// c_0 … c_d (c_0 with full weight).
    public var coefficients: [Double]
    /// The interval [a, b] the series is defined on.
    public var interval: ClosedRange<Double>

    /// A series from its coefficients c_0 … c_d on `interval`.
    /// Precondition: at least one coefficient and a non-empty interval (programming errors, not input checks).
    public init(coefficients: [Double], interval: ClosedRange<Double> = -1...1) {
        precondition(!coefficients.isEmpty, "a series needs at least one coefficient")
        precondition(interval.upperBound > interval.lowerBound, "empty interval")
        self.coefficients = coefficients
        self.interval = interval
    }

    /// The degree (index of the last non-zero coefficient; 0 for constants).
    public var degree: Int { (coefficients.lastIndex { $0 != 0 }) ?? 0 }

    /// y = α·x + β maps the interval onto [−1, 1].
    public var affineMap: (alpha: Double, beta: Double) {
        let a = interval.lowerBound
        let b = interval.upperBound
        return (2 / (b - a), -(a + b) / (b - a))
    }

    /// True when the interval is [−1, 1] (no map needed).
    public var isNormalized: Bool { interval.lowerBound == -1 && interval.upperBound == 1 }

    /// Interpolation at the `degree + 1` Chebyshev nodes of the first kind: exact for
    /// polynomials of at most that degree, near-minimax for smooth functions.
    public static func approximate(_ f: (Double) -> Double, degree: Int, interval: ClosedRange<Double>)
        -> ChebyshevSeries
    {
        precondition(degree >= 0)
        let n = degree + 1
        let a = interval.lowerBound
        let b = interval.upperBound
        let nodes = (0..<n).map { k in cos(Double.pi * (Double(k) + 0.5) / Double(n)) }
        let values = nodes.map { y in f((y * (b - a) + a + b) / 2) }
        var c = [Double](repeating: 0, count: n)
        for j in 0..<n {
            var s = 0.0
            for k in 0..<n {
                // T_j(cos θ) = cos(jθ).
                s += values[k] * cos(Double(j) * Double.pi * (Double(k) + 0.5) / Double(n))
            }
            c[j] = 2 * s / Double(n)
        }
        c[0] /= 2
        return ChebyshevSeries(coefficients: c, interval: interval)
    }

    /// The exact Chebyshev expansion of the power-basis polynomial Σ a_k x^k on [−1, 1]
    /// (valid for every x: T_k are polynomials). Horner's scheme with x·T_0 = T_1 and
    /// x·T_k = (T_{k+1} + T_{k−1})/2.
    public static func fromPowerBasis(_ a: [Double]) -> ChebyshevSeries {
        precondition(!a.isEmpty)
        var c: [Double] = [a[a.count - 1]]
        for k in stride(from: a.count - 2, through: 0, by: -1) {
            var next = [Double](repeating: 0, count: c.count + 1)
            for (i, ci) in c.enumerated() where ci != 0 {
                if i == 0 {
                    next[1] += ci
                } else {
                    next[i + 1] += ci / 2
                    next[i - 1] += ci / 2
                }
            }
            next[0] += a[k]
            c = next
        }
        return ChebyshevSeries(coefficients: c, interval: -1...1)
    }

    /// p(x) by Clenshaw's recurrence.
    public func evaluate(_ x: Double) -> Double {
        let (alpha, beta) = affineMap
        return Self.clenshaw(coefficients, alpha * x + beta)
    }

    /// Σ c_k T_k(y) by Clenshaw's recurrence.
    public static func clenshaw(_ c: [Double], _ y: Double) -> Double {
        var b1 = 0.0
        var b2 = 0.0
        for k in stride(from: c.count - 1, through: 1, by: -1) {
            let b0 = 2 * y * b1 - b2 + c[k]
            b2 = b1
            b1 = b0
        }
        return y * b1 - b2 + c[0]
    }

    /// The largest |p(x) − f(x)| over `samples` equally spaced points of the interval.
    public func maxError(of f: (Double) -> Double, samples: Int = 2001) -> Double {
        let a = interval.lowerBound
        let b = interval.upperBound
        var worst = 0.0
        for i in 0..<samples {
            let x = samples == 1 ? a : a + (b - a) * Double(i) / Double(samples - 1)
            worst = max(worst, abs(evaluate(x) - f(x)))
        }
        return worst
    }
}
