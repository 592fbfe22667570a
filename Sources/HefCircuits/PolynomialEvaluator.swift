import Foundation
public import HefCKKS

/// Evaluates Chebyshev series on ciphertexts at minimal depth ⌈log2(d + 1)⌉, with
/// baby-step/giant-step splitting and exact scale management.
///
/// Powers: T_1 = x; T_{2k} = 2·T_k² − 1; any other T_j = 2·T_m·T_n − T_{m−n} with m the
/// largest power of two below j (n = j − m), so T_j sits at depth ⌈log2 j⌉. The subtracted
/// T_{m−n} is brought to the product's scale with a constant 1 encoded at the scale that makes
/// the two agree exactly (`Evaluator/multiply(_:scalar:rescaledScale:)`).
///
/// Recursion (top-down target scales, as in Lattigo): a node p is evaluated at a prescribed
/// level ℓ and scale S. If deg p < b (the baby-step bound) and all its powers are at level
/// ≥ ℓ + 1, p is a leaf: one `Evaluator/linearCombination(_:_:rescaledScale:constant:level:)`
/// with each constant at scale S·q_{ℓ+1}/s_j and one rescale. Otherwise p = q·T_G + r with G
/// the largest power of two ≤ deg p; q is evaluated at level ℓ + 1 and scale S·q_{ℓ+1}/s_G, so
/// that q·T_G rescaled has scale exactly S, and r at (ℓ, S). Every node of degree e at level ℓ
/// with L − ℓ ≥ ⌈log2(e + 1)⌉ succeeds (the leading chain is split down to degree 1 when the
/// baby steps are too deep), hence the depth ⌈log2(d + 1)⌉.
public struct PolynomialEvaluator: Sendable {
    /// The evaluator (relinearization keys needed).
    public let evaluator: Evaluator

    /// An evaluator of polynomials with `evaluator`.
    public init(evaluator: Evaluator) {
        self.evaluator = evaluator
    }

    /// ⌈log2(degree + 1)⌉: the levels a degree-`degree` polynomial consumes (0 for constants).
    public static func depth(degree: Int) -> Int {
        var m = 0
        while (1 << m) < degree + 1 { m += 1 }
        return m
    }

    /// Levels ``evaluate(_:_:targetScale:inputIsMapped:)`` consumes: the polynomial's depth,
    /// plus one for the affine map onto [−1, 1] unless the input is already mapped or the
    /// interval is [−1, 1].
    public static func depth(of series: ChebyshevSeries, inputIsMapped: Bool = false) -> Int {
        depth(degree: series.degree) + (inputIsMapped || series.isNormalized ? 0 : 1)
    }

    /// Maps x ∈ [a, b] to y = α·x + β ∈ [−1, 1]: one level, the scale is kept.
    /// - Parameters:
    ///   - ct: x.
    ///   - interval: [a, b].
    /// - Throws: The evaluator's `CKKSError` cases (`CKKSError/levelExhausted(_:)` at level 0).
    public func mapToUnitInterval(_ ct: Ciphertext, _ interval: ClosedRange<Double>) throws -> Ciphertext {
        let a = interval.lowerBound
        let b = interval.upperBound
        let alpha = 2 / (b - a)
        let beta = -(a + b) / (b - a)
        var y = try evaluator.rescale(try evaluator.multiply(ct, scalar: alpha, rescaledScale: ct.scale))
        try y.resetScale(to: ct.scale)
        return try evaluator.addConstant(y, beta)
    }

    /// p(ct) for a Chebyshev series. The output scale is `targetScale` (default: the input's),
    /// exactly; the output level is the input level minus ``depth(of:inputIsMapped:)``.
    /// - Parameters:
    ///   - ct: The input x.
    ///   - series: The polynomial.
    ///   - targetScale: The output scale (default: the input's).
    ///   - inputIsMapped: the slots already hold y = α·x + β ∈ [−1, 1] (for example
    ///     because the affine map was folded into the previous linear layer).
    /// - Throws: `CKKSError/levelExhausted(_:)` when the input has fewer levels than the
    ///   polynomial's depth; the evaluator's other `CKKSError` cases (missing relinearization key).
    public func evaluate(
        _ ct: Ciphertext, _ series: ChebyshevSeries, targetScale: Double? = nil, inputIsMapped: Bool = false
    ) throws -> Ciphertext {
        let target = targetScale ?? ct.scale
        var x = ct
        if !inputIsMapped && !series.isNormalized {
            x = try mapToUnitInterval(ct, series.interval)
        }
        var coefficients = Array(series.coefficients.prefix(series.degree + 1))
        if series.degree == 0 {
            // A constant: a zero ciphertext (any scale encodes zero) plus the constant.
            let zero = try evaluator.zero(like: x, scale: target)
            return try evaluator.addConstant(zero, coefficients[0])
        }
        let depth = Self.depth(degree: series.degree)
        guard x.level >= depth else {
            throw CKKSError.levelExhausted(
                "a degree-\(series.degree) polynomial needs \(depth) levels; the input has \(x.level)")
        }
        if x.size != 2 { x = try evaluator.relinearize(x) }
        var run = Run(evaluator: evaluator, x: x, degree: series.degree)
        coefficients = coefficients.map { $0 }
        return try run.node(coefficients, level: x.level - depth, scale: target)
    }

    /// p(ct) for a power-basis polynomial Σ a_k x^k (exact conversion to the Chebyshev basis;
    /// no interval map), for small polynomial activations such as x² or x³.
    /// - Parameters:
    ///   - ct: The input x.
    ///   - coefficients: a_0 … a_d.
    ///   - targetScale: The output scale (default: the input's).
    /// - Throws: As ``evaluate(_:_:targetScale:inputIsMapped:)``.
    public func evaluatePowerBasis(_ ct: Ciphertext, coefficients: [Double], targetScale: Double? = nil) throws
        -> Ciphertext
    {
        try evaluate(ct, ChebyshevSeries.fromPowerBasis(coefficients), targetScale: targetScale, inputIsMapped: true)
    }
}

extension PolynomialEvaluator {
    /// One evaluation: the input, its cached Chebyshev powers and the baby-step bound.
    struct Run {
        let evaluator: Evaluator
        let top: Int
        let baby: Int
        var powers: [Int: Ciphertext]

        init(evaluator: Evaluator, x: Ciphertext, degree: Int) {
            self.evaluator = evaluator
            top = x.level
            powers = [1: x]
            // b = 2^⌈m/2⌉ balances baby steps (b) and leaf products (≈ d/b).
            let m = PolynomialEvaluator.depth(degree: degree)
            baby = 1 << ((m + 1) / 2)
        }

        var q: [UInt64] { evaluator.context.parameters.q }

        /// The level T_j will have: the input's minus ⌈log2 j⌉.
        func predictedLevel(_ j: Int) -> Int { top - PolynomialEvaluator.depth(degree: j - 1) }

        mutating func power(_ j: Int) throws -> Ciphertext {
            if let p = powers[j] { return p }
            let result: Ciphertext
            if j & (j - 1) == 0 {
                let t = try power(j / 2)
                var sq = try evaluator.rescale(try evaluator.relinearize(try evaluator.multiply(t, t)))
                sq = try evaluator.multiply(sq, integer: 2)
                result = try evaluator.addConstant(sq, -1)
            } else {
                var m = 1
                while m * 2 < j { m *= 2 }
                let n = j - m
                let tm = try power(m)
                let tn = try power(n)
                let lambda = min(tm.level, tn.level)
                var prod = try evaluator.rescale(try evaluator.relinearize(try evaluator.multiply(tm, tn)))
                prod = try evaluator.multiply(prod, integer: 2)
                var td = try power(m - n)
                if td.level > lambda { td.dropLevels(to: lambda) }
                var fix = try evaluator.rescale(try evaluator.multiply(td, scalar: 1, rescaledScale: prod.scale))
                try fix.resetScale(to: prod.scale)
                result = try evaluator.subtract(prod, fix)
            }
            powers[j] = result
            return result
        }

        /// Evaluates Σ c_k T_k at exactly `level` and `scale`. `c` has a non-zero coefficient of
        /// degree ≥ 1.
        mutating func node(_ c: [Double], level: Int, scale: Double) throws -> Ciphertext {
            let e = c.lastIndex { $0 != 0 } ?? 0
            precondition(e >= 1)
            if e < baby && (1...e).allSatisfy({ c[$0] == 0 || predictedLevel($0) >= level + 1 }) {
                var cts: [Ciphertext] = []
                var coeffs: [Double] = []
                for j in 1...e where c[j] != 0 {
                    cts.append(try power(j))
                    coeffs.append(c[j])
                }
                let sum = try evaluator.linearCombination(
                    cts, coeffs, rescaledScale: scale, constant: c[0], level: level + 1)
                var out = try evaluator.rescale(sum)
                try out.resetScale(to: scale)
                return out
            }
            var g = 1
            while g * 2 <= e { g *= 2 }
            guard predictedLevel(g) >= level + 1 else {
                throw CKKSError.levelExhausted("T_\(g) is below level \(level + 1)")
            }
            // p = q·T_g + r: q_0 = c_g, q_k = 2·c_{g+k}; r_i = c_i, r_{g−k} −= c_{g+k}.
            var qc = [Double](repeating: 0, count: e - g + 1)
            var rc = Array(c[0..<g])
            qc[0] = c[g]
            if e > g {
                for k in 1...(e - g) {
                    qc[k] = 2 * c[g + k]
                    rc[g - k] -= c[g + k]
                }
            }
            var tg = try power(g)
            if tg.level > level + 1 { tg.dropLevels(to: level + 1) }
            var product: Ciphertext
            let ql = Double(q[level + 1])
            if e == g {
                product = try evaluator.rescale(try evaluator.multiply(tg, scalar: qc[0], rescaledScale: scale))
            } else {
                let quotient = try node(qc, level: level + 1, scale: scale * ql / tg.scale)
                product = try evaluator.rescale(try evaluator.relinearize(try evaluator.multiply(quotient, tg)))
            }
            try product.resetScale(to: scale)
            if rc.dropFirst().contains(where: { $0 != 0 }) {
                let remainder = try node(rc, level: level, scale: scale)
                return try evaluator.add(product, remainder)
            }
            return try evaluator.addConstant(product, rc[0])
        }
    }
}
