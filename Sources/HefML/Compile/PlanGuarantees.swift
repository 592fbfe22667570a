import Foundation
import HefCKKS
import HefCircuits

/// What a compiled plan promises, derived when the model is compiled and checked by the client
/// before encryption and after decryption:
///
/// - an input box (per feature) that interval arithmetic proves keeps every approximated
///   activation inside the interval its polynomial was fitted on;
/// - per output, the interval every admissible row's score lies in;
/// - per output, a worst-case bound on |compiled plan − source model| (approximation), and a
///   bound on |encrypted − compiled plan| (CKKS noise, about 8σ of a propagated noise model
///   that the differential tests check against measurements).
///
/// A row is *admissible* when the compiled plan, evaluated in Double on it, keeps every
/// pre-activation within its envelope: interval arithmetic from the calibration box with its
/// margin, cut to [−1, 1] (the fitted interval) at approximated activations and to the
/// ``headroom`` everywhere. Rows inside the guaranteed box are admissible by construction; the
/// client checks the others exactly (it holds the plan) and applies its out-of-range policy.
public struct PlanGuarantees: Codable, Sendable, Equatable {
    /// The box guaranteed by interval arithmetic (nil without calibration rows).
    public var inputLower: [Double]?
    /// Upper corner of ``inputLower``'s box.
    public var inputUpper: [Double]?
    /// The fraction of the calibration box (with its margin) that the guaranteed box keeps.
    public var boxFraction: Double?
    /// The largest magnitude any value may take (integer head room of the last prime).
    public var headroom: Double
    /// Per layer and neuron: the interval its pre-activation value (W·x + b, fitted coordinate
    /// for approximated activations) stays in for every admissible row.
    public var preActivationLower: [[Double]]
    /// Upper ends of ``preActivationLower``'s intervals.
    public var preActivationUpper: [[Double]]
    /// Per output: where the plan's score lies for every admissible row.
    public var outputLower: [Double]
    /// Upper ends of ``outputLower``'s intervals.
    public var outputUpper: [Double]
    /// Per output: worst-case |plan − source| over admissible rows.
    public var approximationBound: [Double]
    /// Per output: the largest |plan − source| over the calibration rows (nil without them).
    public var observedApproximationError: [Double]?
    /// Per output: bound on |encrypted − plan| (8σ of the predicted noise).
    public var noiseBound: [Double]

    /// The bound a client can rely on for output `j`: approximation plus noise.
    public func combinedBound(_ j: Int) -> Double { approximationBound[j] + noiseBound[j] }
}

/// Why a row is not admissible.
public struct RangeViolation: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based row number.
    public var row: Int
    /// 1-based feature outside the guaranteed box, when one is.
    public var feature: Int?
    /// The feature's value, when a feature is named.
    public var value: Double?
    /// The guaranteed range of that feature.
    public var allowed: ClosedRange<Double>?
    /// What the plan in Double found (the first envelope left).
    public var reason: String

    public var description: String {
        if let feature, let value, let allowed {
            return String(
                format: "row %d: feature %d = %.6g is outside the range the model guarantees [%.6g, %.6g] (%@)",
                row, feature, value, allowed.lowerBound, allowed.upperBound, reason)
        }
        return "row \(row): \(reason)"
    }
}

/// Interval arithmetic and error propagation through compiled layers.
enum PlanAnalysis {
    typealias Interval = (lo: Double, hi: Double)

    /// The plan's head room: q_0 keeps 16 bits above the scale (see ``Planner``).
    static let headroom = 32768.0

    /// The largest |value| a polynomial activation can produce on inputs in [lo, hi], found on
    /// a grid with the derivative's bound covering the gaps.
    static func seriesRange(_ c: [Double], on interval: Interval) -> Interval {
        let lo = interval.lo
        let hi = max(interval.lo, interval.hi)
        let steps = 512
        var mn = Double.infinity
        var mx = -Double.infinity
        for i in 0...steps {
            let y = lo + (hi - lo) * Double(i) / Double(steps)
            let v = ChebyshevSeries.clenshaw(c, y)
            mn = min(mn, v)
            mx = max(mx, v)
        }
        let slack = derivativeBound(c, on: (lo, hi)) * (hi - lo) / Double(steps) / 2
        return (mn - slack, mx + slack)
    }

    /// Coefficients of p′ in the Chebyshev basis.
    static func derivative(_ c: [Double]) -> [Double] {
        let n = c.count - 1
        guard n >= 1 else { return [0] }
        var d = [Double](repeating: 0, count: n + 1)
        for k in stride(from: n - 1, through: 0, by: -1) {
            d[k] = (k + 2 <= n ? d[k + 2] : 0) + 2 * Double(k + 1) * c[k + 1]
        }
        d[0] /= 2
        return Array(d.prefix(n))
    }

    /// max |p′| on [lo, hi]: sampled on a grid, plus twice the sampled max |p″| times the half
    /// gap (the grid is fine enough that p″ barely changes between points).
    static func derivativeBound(_ c: [Double], on interval: Interval) -> Double {
        let d = derivative(c)
        let d2 = derivative(d)
        let lo = interval.lo
        let hi = max(interval.lo, interval.hi)
        let steps = 1024
        var m = 0.0
        var m2 = 0.0
        for i in 0...steps {
            let y = lo + (hi - lo) * Double(i) / Double(steps)
            m = max(m, abs(ChebyshevSeries.clenshaw(d, y)))
            m2 = max(m2, abs(ChebyshevSeries.clenshaw(d2, y)))
        }
        return m + 2 * m2 * (hi - lo) / Double(steps) / 2
    }

    /// The interval of W·x + b over a box.
    static func affine(_ layer: CompiledLayer, _ box: [Interval]) -> [Interval] {
        layer.weights.indices.map { o in
            var lo = layer.bias[o]
            var hi = layer.bias[o]
            for (i, w) in layer.weights[o].enumerated() {
                if w >= 0 {
                    lo += w * box[i].lo
                    hi += w * box[i].hi
                } else {
                    lo += w * box[i].hi
                    hi += w * box[i].lo
                }
            }
            return (lo, hi)
        }
    }

    static func activationRange(_ a: CompiledActivation, _ z: Interval) -> Interval {
        switch a {
        case .none: return z
        case .square:
            if z.lo >= 0 { return (z.lo * z.lo, z.hi * z.hi) }
            if z.hi <= 0 { return (z.hi * z.hi, z.lo * z.lo) }
            return (0, max(z.lo * z.lo, z.hi * z.hi))
        case .chebyshev(let c): return seriesRange(c.coefficients, on: z)
        }
    }

    static func isApproximated(_ a: CompiledActivation) -> Bool {
        if case .chebyshev(let c) = a, !c.exact { return true }
        return false
    }

    static func fits(_ i: Interval, _ bound: Double) -> Bool { i.lo >= -bound && i.hi <= bound }

    /// True when every row of `box` is admissible (interval arithmetic).
    static func boxIsAdmissible(_ layers: [CompiledLayer], _ box: [Interval]) -> Bool {
        var x = box
        for layer in layers {
            let z = affine(layer, x)
            for zi in z {
                guard zi.lo.isFinite, zi.hi.isFinite, fits(zi, headroom) else { return false }
                if isApproximated(layer.activation) && !fits(zi, 1) { return false }
            }
            x = z.map { activationRange(layer.activation, $0) }
            guard x.allSatisfy({ $0.lo.isFinite && $0.hi.isFinite && fits($0, headroom) }) else { return false }
        }
        return true
    }

    /// The largest t ∈ [0, 1] for which centre ± t·half-width is admissible (bisection).
    static func guaranteedBox(_ layers: [CompiledLayer], lower: [Double], upper: [Double]) -> (
        box: [Interval], fraction: Double
    )? {
        let centre = zip(lower, upper).map { ($0 + $1) / 2 }
        let half = zip(lower, upper).map { ($1 - $0) / 2 }
        func box(_ t: Double) -> [Interval] {
            centre.indices.map { (centre[$0] - t * half[$0], centre[$0] + t * half[$0]) }
        }
        if boxIsAdmissible(layers, box(1)) { return (box(1), 1) }
        guard boxIsAdmissible(layers, box(0)) else { return nil }
        var good = 0.0
        var bad = 1.0
        for _ in 0..<30 {
            let mid = (good + bad) / 2
            if boxIsAdmissible(layers, box(mid)) { good = mid } else { bad = mid }
        }
        return (box(good), good)
    }

    /// Pre-activation envelopes per layer and neuron: interval arithmetic from `box` (the
    /// head room when nil), cut to [−1, 1] at approximated activations and to the head room.
    static func envelopes(_ layers: [CompiledLayer], box: [Interval]?) -> [[Interval]] {
        var x = box ?? Array(repeating: (-headroom, headroom), count: layers.first?.weights.first?.count ?? 0)
        var out: [[Interval]] = []
        for layer in layers {
            let cut = isApproximated(layer.activation) ? 1 : headroom
            let z = affine(layer, x).map { zi -> Interval in
                let lo = zi.lo.isFinite ? max(zi.lo, -cut) : -cut
                let hi = zi.hi.isFinite ? min(zi.hi, cut) : cut
                return (min(lo, hi), max(lo, hi))
            }
            out.append(z)
            x = z.map { zi in
                let r = activationRange(layer.activation, zi)
                return (max(r.lo, -headroom), min(r.hi, headroom))
            }
        }
        return out
    }

    /// Lipschitz constant of an activation (per unit of its input).
    static func lipschitz(_ name: String) -> Double {
        switch name {
        case "relu", "tanh": return 1
        case "sigmoid": return 0.25
        case "silu": return 1.1
        case "gelu": return 1.13
        default: return .infinity
        }
    }

    /// Worst-case |plan − source| per output for admissible rows.
    static func approximationBounds(_ layers: [CompiledLayer], envelopes: [[Interval]]) -> [Double] {
        var error = [Double](repeating: 0, count: layers.first?.weights.first?.count ?? 0)
        for (k, layer) in layers.enumerated() {
            let dz = layer.weights.map { row in zip(row, error).reduce(0) { $0 + abs($1.0) * $1.1 } }
            let z = envelopes[k]
            switch layer.activation {
            case .none:
                error = dz
            case .square:
                error = zip(dz, z).map { d, zi in d == 0 ? 0 : (2 * max(abs(zi.lo), abs(zi.hi)) + d) * d }
            case .chebyshev(let c):
                if c.exact {
                    error = zip(dz, z).map { d, zi in
                        d == 0 ? 0 : derivativeBound(c.coefficients, on: (zi.lo - d, zi.hi + d)) * d
                    }
                } else {
                    // u is the fitted interval's coordinate: dz/du = (upper − lower)/2.
                    let lf = lipschitz(c.function) * (c.upper - c.lower) / 2
                    error = dz.map { lf * $0 + c.maxError }
                }
            }
        }
        return error
    }
}

/// A noise model for the encrypted evaluation of a compiled plan (standard deviations of the
/// slot error, in units of the values): fresh public-key encryption, rescaling and key
/// switching, propagated through the layers. Conservative on purpose (worst-case growth of
/// Chebyshev powers); the differential tests check it against measurements.
enum NoiseModel {
    static func predict(
        _ layers: [CompiledLayer], envelopes: [[PlanAnalysis.Interval]], layout: (any PackingLayout)?,
        parameters: ParametersLiteral, refresh: RefreshPlan? = nil
    ) -> [Double] {
        guard let layout, (1...20).contains(parameters.logN) else {
            return Array(repeating: .infinity, count: layers.last?.weights.count ?? 0)
        }
        let n = Double(1 << parameters.logN)
        let scale = pow(2, parameters.logScale)
        let sigma = 3.2
        let h: Double =
            (parameters.secret ?? .ternary) == .ternary ? 2 * n / 3 : Double(parameters.hammingWeight ?? 192)
        // Slot error std of a coefficient error of variance v: sqrt(N·v/2)/Δ.
        func slot(_ v: Double) -> Double { (n * v / 2).squareRoot() / scale }
        let fresh = slot(sigma * sigma * (1 + 2 * n / 3 + h) + 1.0 / 12)
        let rescale = slot((1 + h) / 12)
        let keySwitch = 2 * rescale
        func rss(_ a: Double, _ b: Double) -> Double { (a * a + b * b).squareRoot() }

        // A bootstrap at a cut keeps the error it is given and adds its own.
        var bootstrapNoise: [Int: Double] = [:]
        if let refresh, let bootstrap = refresh.bootstrap {
            for (i, cut) in refresh.cuts.enumerated() where i < bootstrap.valueBounds.count {
                bootstrapNoise[cut] = bootstrap.noise(bound: bootstrap.valueBounds[i])
            }
        }
        var noise = fresh
        for (k, layer) in layers.enumerated() {
            let norm = layer.weights.map { row in row.reduce(0) { $0 + $1 * $1 }.squareRoot() }.max() ?? 0
            let reach = envelopes[k].map { max(abs($0.lo), abs($0.hi)) }.max() ?? 0
            var z = layout.denseNoise(
                layer: k, outputWidth: layer.weights.count, weightNorm: norm, inputNoise: noise, rescale: rescale,
                keySwitch: keySwitch, ringDegree: 1 << parameters.logN)
            if let b = bootstrapNoise[2 * k] { z = rss(z, b) }
            switch layer.activation {
            case .none:
                noise = z
            case .square:
                noise = rss(rss(2 * reach * z, rescale), keySwitch)
            case .chebyshev(let c):
                let r = max(1, reach)
                let slope = PlanAnalysis.derivativeBound(c.coefficients, on: (-r, r))
                // Power T_j carries up to j² times the per-operation error (T_2k = 2T_k² − 1
                // multiplies the error of T_k by up to 4), scaled by |T_j| ≤ reach^j.
                var growth = 1.0
                for (j, cj) in c.coefficients.enumerated() where j > 0 {
                    growth += abs(cj) * Double(j * j) * pow(r, Double(j))
                }
                // ×8: measured by the differential tests (small-degree series on narrow ranges
                // showed up to 14× the unscaled estimate).
                noise = rss(slope * z, 8 * growth * rss(rescale, keySwitch))
            }
            if let b = bootstrapNoise[2 * k + 1] { noise = rss(noise, b) }
        }
        // 8σ, times 5 for what the model leaves out (encoding and constant rounding, the
        // correlation between terms): the differential tests check the result never trails.
        return Array(repeating: 40 * noise, count: layers.last?.weights.count ?? 0)
    }
}
