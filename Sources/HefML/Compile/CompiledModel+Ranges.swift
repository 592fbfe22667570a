import Foundation
import HefCircuits

extension CompiledModel {
    /// The plan's guarantees (derived without a calibration box for files that predate them).
    public var rangeGuarantees: PlanGuarantees {
        if let g = plan.guarantees { return g }
        return ModelCompiler.guarantees(
            layers: layers, plan: plan, packing: packing, model: source, calibration: nil, margin: 0.5)
    }

    /// nil when `row` is admissible: the plan in Double keeps every pre-activation inside its
    /// envelope (approximated activations inside their fitted interval). Otherwise why not,
    /// naming the feature furthest outside the guaranteed box when there is one. `index` is
    /// the row's 0-based position, for the message; pass `guarantees` when checking many rows.
    /// For a client part (``weightsWithheld``) only the box is checked: a row inside it is
    /// admissible by construction, a row outside it is reported.
    public func admissibility(of row: [Double], index: Int, guarantees: PlanGuarantees? = nil) -> RangeViolation? {
        let g = guarantees ?? rangeGuarantees
        var outside: (feature: Int, excess: Double)?
        if let lo = g.inputLower, let hi = g.inputUpper {
            for i in row.indices where row[i] < lo[i] || row[i] > hi[i] {
                let width = max(hi[i] - lo[i], 1e-12)
                let excess = max(lo[i] - row[i], row[i] - hi[i]) / width
                if outside == nil || excess > outside!.excess { outside = (i, excess) }
            }
        }
        if weightsWithheld {
            // No weights to run the plan through: the guaranteed box decides (validation makes
            // sure a client part has one).
            guard let (f, _) = outside, let lo = g.inputLower, let hi = g.inputUpper else {
                if g.inputLower == nil || g.inputUpper == nil {
                    return RangeViolation(
                        row: index + 1, feature: nil, value: nil, allowed: nil,
                        reason:
                            "the model's weights are withheld and it has no guaranteed input box to check rows against")
                }
                return nil
            }
            return RangeViolation(
                row: index + 1, feature: f + 1, value: row[f], allowed: lo[f]...hi[f],
                reason:
                    "the provider withholds the model's weights, so a row outside the guaranteed box cannot be checked")
        }
        var x = row
        var failure: String?
        scan: for (k, layer) in layers.enumerated() {
            let z = ModelCompiler.affine(layer, x)
            for (o, v) in z.enumerated() {
                let lo = g.preActivationLower[k][o]
                let hi = g.preActivationUpper[k][o]
                let slack = 1e-9 * max(1, abs(lo), abs(hi))
                if !(v >= lo - slack && v <= hi + slack) {
                    if case .chebyshev(let c) = layer.activation, !c.exact {
                        let raw = c.lower + (v + 1) / 2 * (c.upper - c.lower)
                        failure = String(
                            format:
                                "layer %d, neuron %d: its %@ input %.4g is outside the range the approximation was fitted on [%.4g, %.4g]",
                            k + 1, o + 1, c.function, raw, c.lower, c.upper)
                    } else {
                        failure = String(
                            format:
                                "layer %d, neuron %d: value %.4g is outside the range the plan guarantees [%.4g, %.4g]",
                            k + 1, o + 1, v, lo, hi)
                    }
                    break scan
                }
            }
            x = Self.activate(layer.activation, z)
        }
        guard let failure else { return nil }
        if let (f, _) = outside, let lo = g.inputLower, let hi = g.inputUpper {
            return RangeViolation(
                row: index + 1, feature: f + 1, value: row[f], allowed: lo[f]...hi[f], reason: failure)
        }
        return RangeViolation(row: index + 1, feature: nil, value: nil, allowed: nil, reason: failure)
    }

    /// The row with every feature clamped into the guaranteed box (admissible by
    /// construction); nil without a box.
    public func clamped(_ row: [Double], guarantees: PlanGuarantees? = nil) -> [Double]? {
        let g = guarantees ?? rangeGuarantees
        guard let lo = g.inputLower, let hi = g.inputUpper else { return nil }
        return row.indices.map { min(max(row[$0], lo[$0]), hi[$0]) }
    }

    /// nil when decrypted `scores` lie within the plan's output intervals widened by the noise
    /// bound; otherwise why not.
    public func outputViolation(_ scores: [Double], guarantees: PlanGuarantees? = nil) -> String? {
        let g = guarantees ?? rangeGuarantees
        for (j, s) in scores.enumerated() {
            let lo = g.outputLower[j] - g.noiseBound[j]
            let hi = g.outputUpper[j] + g.noiseBound[j]
            if !(s >= lo && s <= hi) {
                return String(
                    format: "score %d = %.4g is outside the interval the plan guarantees [%.4g, %.4g]", j + 1, s, lo, hi
                )
            }
        }
        return nil
    }

    /// True when no error within `bounds` (per score) can change the label of `scores`.
    public func labelIsDecided(_ scores: [Double], bounds: [Double]) -> Bool {
        switch source.output.probabilities {
        case .none:
            return true
        case .sigmoid:
            return abs(scores[0]) > bounds[0]
        case .softmax:
            var best = 0
            for i in scores.indices where scores[i] > scores[best] { best = i }
            for i in scores.indices where i != best {
                if scores[best] - bounds[best] <= scores[i] + bounds[i] { return false }
            }
            return true
        }
    }

    static func activate(_ activation: CompiledActivation, _ z: [Double]) -> [Double] {
        switch activation {
        case .none: return z
        case .square: return z.map { $0 * $0 }
        case .chebyshev(let c): return z.map { ChebyshevSeries.clenshaw(c.coefficients, $0) }
        }
    }
}
