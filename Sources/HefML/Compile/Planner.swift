public import HefCKKS

/// Chooses parameters for a compiled model: the depth it needs, the smallest ring that holds
/// that depth securely (`ParametersLiteral/smallestSecure(depth:logScales:integerBits:maxSpecialPrimes:security:logNs:admits:)`,
/// the rule `ParametersLiteral.forDepth` also uses), the slot layout of the packing on that
/// ring (rotation steps included), and a precision estimate.
public struct Planner: Sendable {
    /// The packing the plan is for.
    public let packing: Packing

    /// Scale sizes the planner tries at each ring degree, largest first.
    public static let logScales = [40, 36, 33, 30]
    /// Bits of integer part kept in q_0 above the scale (head room for the scores).
    public static let integerBits = 16
    /// The most special primes a plan uses.
    public static let maxSpecialPrimes = 4

    /// A planner for `packing`.
    public init(packing: Packing) {
        self.packing = packing
    }

    /// Levels consumed by each layer: one for the dense part (plaintext or constant product
    /// and its rescale) plus the activation's depth.
    public static func depth(of layers: [CompiledLayer]) -> Int {
        layers.reduce(0) { $0 + 1 + $1.activation.depth }
    }

    /// The parameters the planner picks for `depth` levels (nil when none is secure), admitting
    /// only the ring degrees (log2 N) `admits` accepts.
    public static func parameters(depth: Int, admits: (Int) -> Bool = { _ in true }) -> ParametersLiteral? {
        ParametersLiteral.smallestSecure(
            depth: depth, logScales: logScales, integerBits: integerBits, maxSpecialPrimes: maxSpecialPrimes,
            admits: admits)
    }

    /// Plans `layers` for a model of `inputSize` features.
    /// - Parameters:
    ///   - layers: The compiled layers (at least one).
    ///   - inputSize: The model's input width.
    ///   - notes: Notes to carry into the plan.
    /// - Throws: ``ModelError/planFailed(_:)`` when no secure ring holds the depth (or, in latency
    ///   packing, a layer is wider than a ciphertext).
    public func plan(layers: [CompiledLayer], inputSize: Int, notes: [String] = []) throws -> InferencePlan {
        let depth = Self.depth(of: layers)
        let packing = self.packing
        guard !layers.isEmpty, inputSize >= 1 else { throw ModelError.planFailed("the model has no layers") }
        // The one rule for "smallest secure parameters", on rings whose slots hold the packing.
        var layoutRefused = false
        let literal = Self.parameters(depth: depth) { logN in
            let fits =
                (try? SlotLayout(packing: packing, layers: layers, inputSize: inputSize, slots: 1 << (logN - 1))) != nil
            if !fits { layoutRefused = true }
            return fits
        }
        guard let literal, let parameters = try? CKKSParameters(literal) else {
            throw ModelError.planFailed(
                "depth \(depth) does not fit N ≤ 65536 at 128-bit security"
                    + (layoutRefused
                        ? ", or a layer is wider than a ciphertext in \(packing.rawValue) packing (try throughput packing)"
                        : ""))
        }
        let stored = try SlotLayout(packing: packing, layers: layers, inputSize: inputSize, slots: parameters.maxSlots)
        // Fresh CKKS precision is about scale/√N·2^-6; every level costs a little.
        let logScale = literal.logScale
        let predicted = max(0, logScale - 0.5 * Double(literal.logN) - 7 - 0.5 * Double(depth))
        var planNotes = notes
        planNotes.append(
            "depth \(depth), N = \(parameters.n), scale 2^\(Int(logScale)), log2(QP) = \(Int(parameters.logQP))")
        return InferencePlan(
            parameters: literal, depth: depth, predictedPrecisionBits: predicted, notes: planNotes, layout: stored)
    }
}
