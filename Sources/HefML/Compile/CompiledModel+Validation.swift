import Foundation
import HefCKKS
import HefCircuits

extension CompiledModel {
    /// Checks everything a compiled model file holds before anything uses it: the source model,
    /// at least one layer, every dimension and bias length, finite numbers, activation
    /// coefficients, and a plan consistent with the layers (parameters, depth, packing, block
    /// size, rotations, input ciphertexts, the stored slot layout, guarantees).
    /// - Throws: ``ModelError/unsupportedFormat(_:)`` for another format, version or layout
    ///   version; ``ModelError/invalidModel(_:)`` naming the first inconsistency.
    public func validate() throws {
        _ = try checked()
    }

    /// ``validate()`` with `given` as the plan's derived parameters when they are the plan's
    /// (saves deriving them again); returns the parameters and the slot layout the layers have
    /// on their ring (equal to the stored one when one is stored).
    func checked(given: CKKSParameters? = nil) throws -> (parameters: CKKSParameters, layout: SlotLayout) {
        guard format == Self.formatName else {
            throw ModelError.unsupportedFormat("format is \"\(format)\", expected \"\(Self.formatName)\"")
        }
        guard version == Self.currentVersion else {
            throw ModelError.unsupportedFormat(
                "compiled model version \(version); this Hef reads \(Self.currentVersion)")
        }
        try source.validate()
        guard plan.layoutVersion == InferencePlan.currentLayoutVersion else {
            throw ModelError.unsupportedFormat(
                "compiled for slot layout \(plan.layoutVersion), this Hef uses \(InferencePlan.currentLayoutVersion): compile the model again"
            )
        }
        guard !layers.isEmpty else { throw ModelError.invalidModel("the compiled model has no layers") }
        guard layers.count == source.layers.count else {
            throw ModelError.invalidModel(
                "the compiled model has \(layers.count) layers, its source \(source.layers.count)")
        }
        var width = source.inputSize
        for (k, layer) in layers.enumerated() {
            let name = "compiled layer \(k + 1)"
            guard !layer.weights.isEmpty else { throw ModelError.invalidModel("\(name) has no outputs") }
            guard layer.weights.count == source.layers[k].outputSize else {
                throw ModelError.invalidModel(
                    "\(name) has \(layer.weights.count) outputs, the source layer \(source.layers[k].outputSize)")
            }
            for (o, row) in layer.weights.enumerated() where row.count != width {
                throw ModelError.invalidModel("\(name), row \(o + 1) has \(row.count) weights for \(width) inputs")
            }
            guard layer.bias.count == layer.weights.count else {
                throw ModelError.invalidModel(
                    "\(name) has \(layer.bias.count) biases for \(layer.weights.count) outputs")
            }
            guard layer.weights.allSatisfy({ $0.allSatisfy(\.isFinite) }), layer.bias.allSatisfy(\.isFinite) else {
                throw ModelError.invalidModel("\(name) has a non-finite weight or bias")
            }
            if case .chebyshev(let c) = layer.activation {
                guard !c.coefficients.isEmpty, c.coefficients.count <= 1024, c.coefficients.allSatisfy(\.isFinite)
                else {
                    throw ModelError.invalidModel(
                        "\(name): the activation needs 1 to 1024 finite Chebyshev coefficients")
                }
                guard c.lower.isFinite, c.upper.isFinite, c.lower < c.upper, c.maxError.isFinite, c.maxError >= 0 else {
                    throw ModelError.invalidModel("\(name): the activation's interval or error is not valid")
                }
            }
            width = layer.weights.count
        }
        let parameters: CKKSParameters
        if let given, given.literal == plan.parameters {
            parameters = given
        } else {
            do { parameters = try CKKSParameters(plan.parameters) } catch {
                throw ModelError.invalidModel("the plan's parameters are refused: \(error)")
            }
        }
        let depth = Planner.depth(of: layers)
        guard plan.depth == depth, plan.refresh != nil || depth <= parameters.maxLevel else {
            throw ModelError.invalidModel(
                "the plan says depth \(plan.depth); the layers need \(depth) and the parameters hold \(parameters.maxLevel)"
            )
        }
        if let refresh = plan.refresh { try Self.checkRefresh(refresh, layers: layers, parameters: parameters) }
        // The slot layout: computed again from the checked layers on the plan's ring; a stored
        // one must be that one (files written before layouts were stored have none), and the
        // fields the file also keeps on their own must agree with it.
        var expected: SlotLayout
        do {
            expected = try SlotLayout(
                packing: packing, layers: layers, inputSize: inputSize, slots: parameters.maxSlots)
        } catch {
            throw ModelError.invalidModel("the layers do not fit the plan's ring in \(packing.rawValue) packing")
        }
        if weightsWithheld {
            // The rotations skip the weights' zero diagonals, which a client part no longer
            // shows: its stored layout is taken when everything else agrees with the layers.
            guard let stored = plan.layout, stored.matchesShape(of: expected) else {
                throw ModelError.invalidModel("the client part's slot layout does not match its layers")
            }
            expected = stored
        }
        guard plan.layout == nil || plan.layout == expected else {
            throw ModelError.invalidModel("the plan's slot layout does not match the layers")
        }
        let layout = expected.layout
        guard plan.samplesPerCiphertext == layout.samplesPerBatch, plan.inputCiphertexts == layout.inputCiphertexts,
            plan.blockSize == expected.blockSize
        else { throw ModelError.invalidModel("the plan's \(packing.rawValue) layout does not match the layers") }
        guard Set(layout.rotationSteps).isSubset(of: Set(plan.rotationSteps)) else {
            throw ModelError.invalidModel("the plan's rotation steps do not cover the layers")
        }
        if let g = plan.guarantees {
            let outputs = outputSize
            guard g.outputLower.count == outputs, g.outputUpper.count == outputs, g.noiseBound.count == outputs,
                g.approximationBound.count == outputs, g.preActivationLower.count == layers.count,
                g.preActivationUpper.count == layers.count,
                zip(layers, g.preActivationLower).allSatisfy({ $0.weights.count == $1.count }),
                zip(layers, g.preActivationUpper).allSatisfy({ $0.weights.count == $1.count }),
                (g.inputLower?.count ?? inputSize) == inputSize, (g.inputUpper?.count ?? inputSize) == inputSize,
                (g.observedApproximationError?.count ?? outputs) == outputs
            else { throw ModelError.invalidModel("the plan's guarantees do not match the layers") }
            let numbers =
                g.outputLower + g.outputUpper + g.noiseBound + g.approximationBound
                + g.preActivationLower.flatMap { $0 } + g.preActivationUpper.flatMap { $0 }
                + (g.inputLower ?? []) + (g.inputUpper ?? []) + [g.headroom]
            guard numbers.allSatisfy({ !$0.isNaN }) else {
                throw ModelError.invalidModel("the plan's guarantees hold NaN")
            }
        }
        if weightsWithheld {
            guard let g = plan.guarantees, g.inputLower != nil, g.inputUpper != nil else {
                throw ModelError.invalidModel("a client part must hold its plan's guaranteed input box")
            }
            let zero = { (w: [[Double]], b: [Double]) in
                w.allSatisfy { $0.allSatisfy { $0 == 0 } } && b.allSatisfy { $0 == 0 }
            }
            guard source.scaler == nil, layers.allSatisfy({ zero($0.weights, $0.bias) }),
                source.layers.allSatisfy({ zero($0.weights, $0.bias) })
            else { throw ModelError.invalidModel("a client part says its weights are withheld, yet it holds some") }
        }
        return (parameters, expected)
    }

    /// Cuts inside the stages, ascending; every segment but the last ends at or above the
    /// mask's level, the last at or above level 0; the mask is the one its width needs.
    static func checkRefresh(_ refresh: RefreshPlan, layers: [CompiledLayer], parameters: CKKSParameters) throws {
        let stages = RefreshPlan.stageDepths(layers)
        guard !refresh.cuts.isEmpty, refresh.cuts.count <= stages.count,
            zip(refresh.cuts, refresh.cuts.dropFirst()).allSatisfy({ $0 < $1 }),
            refresh.cuts.allSatisfy({ $0 >= 0 && $0 < stages.count - 1 })
        else { throw ModelError.invalidModel("the plan's refresh points are not stages of the model") }
        if let bootstrap = refresh.bootstrap {
            try checkBootstrap(bootstrap, refresh: refresh, stages: stages, parameters: parameters)
            return
        }
        guard (2...256).contains(refresh.maskBits),
            RefreshMask.level(bits: refresh.maskBits, parameters: parameters) == refresh.maskLevel,
            refresh.maskBits >= RefreshMask.statisticalSecurity + Int(parameters.literal.logScale)
        else {
            throw ModelError.invalidModel(
                "the plan's refresh mask (\(refresh.maskBits) bits at level \(refresh.maskLevel)) does not hide the values on these parameters"
            )
        }
        let segments = refresh.segments(stageCount: stages.count)
        for (i, segment) in segments.enumerated() {
            let used = segment.reduce(0) { $0 + stages[$1] }
            let floor = i == segments.count - 1 ? 0 : refresh.maskLevel
            guard parameters.maxLevel - used >= floor else {
                throw ModelError.invalidModel(
                    "segment \(i + 1) needs \(used) levels; the parameters hold \(parameters.maxLevel - floor) above its floor"
                )
            }
        }
    }

    /// A bootstrapped plan: its configuration leaves every segment its levels on these
    /// parameters (one kept for the division by the value bound at each cut), the slot count is
    /// a power of two the ring has, and each cut has a power-of-two bound within the limit.
    static func checkBootstrap(
        _ bootstrap: BootstrapRefresh, refresh: RefreshPlan, stages: [Int], parameters: CKKSParameters
    ) throws {
        guard let left = bootstrap.configuration.levelsLeft(parameters), left >= 2 else {
            throw ModelError.invalidModel("the plan's bootstrapping configuration leaves no levels on its parameters")
        }
        let n = bootstrap.slots
        guard n >= 2, n <= parameters.maxSlots, n & (n - 1) == 0, refresh.maskBits == 0,
            refresh.maskLevel == 1
                || (refresh.maskLevel == 0
                    && bootstrap.valueBounds.allSatisfy { $0 <= BootstrapRefresh.undividedBound }),
            bootstrap.valueBounds.count == refresh.cuts.count,
            bootstrap.valueBounds.allSatisfy({ b in
                b >= 1 && b <= BootstrapRefresh.maxValueBound && b == pow(2, log2(b).rounded())
            })
        else {
            throw ModelError.invalidModel(
                "the plan's bootstraps (\(n) slots, bounds \(bootstrap.valueBounds)) do not fit these parameters")
        }
        for (i, segment) in refresh.segments(stageCount: stages.count).enumerated() {
            let used = segment.reduce(0) { $0 + stages[$1] } + (i == refresh.cuts.count ? 0 : refresh.maskLevel)
            guard used <= left else {
                throw ModelError.invalidModel(
                    "segment \(i + 1) needs \(used) levels; a bootstrap on these parameters leaves \(left)")
            }
        }
    }
}
