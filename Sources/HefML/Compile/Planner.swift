import Foundation
public import HefCKKS

/// Chooses parameters for a compiled model: the depth it needs, the smallest ring that holds
/// that depth securely (`ParametersLiteral/smallestSecure(depth:logScales:integerBits:maxSpecialPrimes:security:logNs:admits:)`,
/// the rule `ParametersLiteral.forDepth` also uses), the slot layout of the packing on that
/// ring (rotation steps included), and a precision estimate.
public struct Planner: Sendable {
    /// The packing the plan is for.
    public let packing: Packing
    /// The parameter set bootstraps are placed on with ``RefreshMode/bootstrap``.
    public var bootstrapTarget = BootstrapTarget(.boot16)
    /// Levels each segment keeps at its end for the division before a bootstrap: 1 (values of
    /// any bound), or 0 when the values at every cut stay within
    /// ``BootstrapRefresh/undividedBound`` (the compiler checks, and plans again with 1 if not).
    public var bootstrapReserve = 1

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
    ///   - refresh: Whether the plan may cut the model into segments with client-aided
    ///     refreshes (``RefreshMode``).
    /// - Throws: ``ModelError/planFailed(_:)`` when no secure ring holds the depth (or, in latency
    ///   packing, a layer is wider than a ciphertext).
    public func plan(layers: [CompiledLayer], inputSize: Int, notes: [String] = [], refresh: RefreshMode = .none)
        throws -> InferencePlan
    {
        guard !layers.isEmpty, inputSize >= 1 else { throw ModelError.planFailed("the model has no layers") }
        let whole = Result { try planWhole(layers: layers, inputSize: inputSize, notes: notes) }
        if refresh == .none { return try whole.get() }
        if refresh == .bootstrap { return try planBootstrapped(layers: layers, inputSize: inputSize, notes: notes) }
        let segmented = planSegmented(layers: layers, inputSize: inputSize, notes: notes)
        switch (refresh, whole, segmented) {
        case (.client, _, let plan?):
            return plan
        case (.client, .success(let one), nil):
            // Nothing to cut: the whole model fits the smallest ring that holds its stages.
            return one
        case (.auto, .success(let one), let plan?):
            // Refreshes pay when the segments fit a smaller ring than the whole model.
            return plan.parameters.logN < one.parameters.logN ? plan : one
        case (.auto, .failure, let plan?):
            return plan
        default:
            if case .success(let one) = whole, refresh == .auto { return one }
            throw ModelError.planFailed(
                "no secure ring holds the model's stages with refreshes between them (a single activation deeper than N = 65536 holds?)"
            )
        }
    }

    /// Bits of the refresh masks at `logScale`: λ plus the values' bits, bounded by the plan's
    /// head room (the same bound every level relies on).
    static func maskBits(logScale: Int) -> Int {
        RefreshMask.bits(scale: pow(2.0, Double(logScale)), valueBound: PlanAnalysis.headroom)
    }

    /// The smallest ring (then the fewest refreshes, then the largest scale) on which the
    /// model's stages run in segments, each but the last ending at the mask's level.
    func planSegmented(layers: [CompiledLayer], inputSize: Int, notes: [String]) -> InferencePlan? {
        let stages = RefreshPlan.stageDepths(layers)
        let packing = self.packing
        for logN in 12...16 {
            guard
                (try? SlotLayout(packing: packing, layers: layers, inputSize: inputSize, slots: 1 << (logN - 1)))
                    != nil
            else { continue }
            var best: (literal: ParametersLiteral, refresh: RefreshPlan)?
            for logScale in Self.logScales {
                func literal(_ levels: Int) -> ParametersLiteral? {
                    ParametersLiteral.smallestSecure(
                        depth: levels, logScales: [logScale], integerBits: Self.integerBits,
                        maxSpecialPrimes: Self.maxSpecialPrimes, logNs: logN...logN)
                }
                // The most levels this ring holds at this scale.
                var most = 0
                while most < 80, literal(most + 1) != nil { most += 1 }
                guard most > 0, let top = literal(most), let parameters = try? CKKSParameters(top) else { continue }
                let bits = Self.maskBits(logScale: logScale)
                guard let reserve = RefreshMask.level(bits: bits, parameters: parameters), reserve < most,
                    let fewest = RefreshPlan.cuts(stageDepths: stages, budget: most - reserve, lastBudget: most)
                else { continue }
                // The fewest levels that keep that many cuts (the mask's level does not move:
                // the bottom primes are the same).
                var levels = most
                while levels - 1 > reserve,
                    let cuts = RefreshPlan.cuts(
                        stageDepths: stages, budget: levels - 1 - reserve, lastBudget: levels - 1),
                    cuts.count == fewest.count, literal(levels - 1) != nil
                {
                    levels -= 1
                }
                guard let chosen = literal(levels),
                    let cuts = RefreshPlan.cuts(stageDepths: stages, budget: levels - reserve, lastBudget: levels)
                else { continue }
                if best == nil || cuts.count < best!.refresh.cuts.count {
                    best = (chosen, RefreshPlan(cuts: cuts, maskBits: bits, maskLevel: reserve))
                }
            }
            // No cut needed on this ring: the whole model fits it (the one-segment plan).
            if let best, best.refresh.cuts.isEmpty { return nil }
            guard let best, let parameters = try? CKKSParameters(best.literal),
                let stored = try? SlotLayout(
                    packing: packing, layers: layers, inputSize: inputSize, slots: parameters.maxSlots)
            else { continue }
            let depth = Self.depth(of: layers)
            let logScale = best.literal.logScale
            let segmentDepth = Double(best.literal.logQ.count - 1)
            let predicted = max(0, logScale - 0.5 * Double(best.literal.logN) - 7 - 0.5 * segmentDepth)
            var planNotes = notes
            planNotes.append(
                "depth \(depth) in \(best.refresh.cuts.count + 1) segments (\(best.refresh.cuts.count) client refresh\(best.refresh.cuts.count == 1 ? "" : "es")), N = \(parameters.n), scale 2^\(Int(logScale)), log2(QP) = \(Int(parameters.logQP)), masks of \(best.refresh.maskBits) bits at level \(best.refresh.maskLevel)"
            )
            var plan = InferencePlan(
                parameters: best.literal, depth: depth, predictedPrecisionBits: predicted, notes: planNotes,
                layout: stored)
            plan.refresh = best.refresh
            return plan
        }
        return nil
    }

    /// The model in segments of at most the levels a bootstrap leaves (less the one the
    /// division by the value bound takes), bootstrapped between them on ``bootstrapTarget``;
    /// the whole model on its ring when it fits without a cut.
    func planBootstrapped(layers: [CompiledLayer], inputSize: Int, notes: [String]) throws -> InferencePlan {
        let target = bootstrapTarget
        guard packing == .latency else {
            throw ModelError.planFailed(
                "bootstraps need latency packing (in throughput packing every slot is a sample: one full-slot bootstrap per ciphertext at each cut); use --refresh client"
            )
        }
        let parameters: CKKSParameters
        do { parameters = try target.parameters() } catch {
            throw ModelError.planFailed("the bootstrapping parameters \(target.name) are refused: \(error)")
        }
        let left = target.configuration.levelsLeft(parameters) ?? 0
        let reserve = bootstrapReserve
        guard (0...1).contains(reserve) else {
            throw ModelError.planFailed("a segment keeps 0 or 1 level for the bootstrap")
        }
        guard left >= 2 else {
            throw ModelError.planFailed(
                "\(target.name) leaves \(left) level\(left == 1 ? "" : "s") after a bootstrap; a segment needs 2 at least (use boot16)"
            )
        }
        let stages = RefreshPlan.stageDepths(layers)
        guard let cuts = RefreshPlan.cuts(stageDepths: stages, budget: left - reserve, lastBudget: left) else {
            let deepest = stages.max() ?? 0
            throw ModelError.planFailed(
                "a stage needs \(deepest) levels; between bootstraps on \(target.name) there are \(left - reserve) (lower the activations' degree: --max-degree \((1 << (left - reserve)) - 1))"
            )
        }
        if cuts.isEmpty { return try planWhole(layers: layers, inputSize: inputSize, notes: notes) }
        let stored: SlotLayout
        do {
            stored = try SlotLayout(packing: packing, layers: layers, inputSize: inputSize, slots: parameters.maxSlots)
        } catch {
            throw ModelError.planFailed("a layer is wider than a ciphertext of \(target.name) in latency packing")
        }
        guard case .latency(let latency) = stored else { throw ModelError.planFailed("latency packing expected") }
        let slots = max(2, cuts.map { latency.period(afterStage: $0) }.max() ?? 2)
        let depth = Self.depth(of: layers)
        let logScale = target.literal.logScale
        let predicted = max(0, 27 - log2(Double(slots)))
        var planNotes = notes
        planNotes.append(
            "depth \(depth) in \(cuts.count + 1) segments (\(cuts.count) bootstrap\(cuts.count == 1 ? "" : "s") of \(slots) slots on \(target.name)), N = \(parameters.n), scale 2^\(Int(logScale)), log2(QP) = \(Int(parameters.logQP)), \(left) levels after each bootstrap"
        )
        var plan = InferencePlan(
            parameters: target.literal, depth: depth, predictedPrecisionBits: min(predicted, logScale - 20),
            notes: planNotes, layout: stored)
        plan.refresh = RefreshPlan(
            cuts: cuts, maskBits: 0, maskLevel: reserve,
            bootstrap: BootstrapRefresh(
                preset: target.name, configuration: target.configuration, slots: slots,
                valueBounds: Array(repeating: 1, count: cuts.count)))
        return plan
    }

    /// The whole model on one ring, without refreshes.
    func planWhole(layers: [CompiledLayer], inputSize: Int, notes: [String]) throws -> InferencePlan {
        let depth = Self.depth(of: layers)
        let packing = self.packing
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
