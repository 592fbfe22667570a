import Foundation
import HefCircuits

/// Turns an ``MLPModel`` into a ``CompiledModel``: folds the scaler into the first layer,
/// calibrates the input range of each non-polynomial activation on sample data, replaces it by
/// a Chebyshev series over that range (with a margin, and the range map folded into the
/// layer), and asks the ``Planner`` for parameters and rotations.
public struct ModelCompiler: Sendable {
    /// What the compiler may choose.
    public struct Options: Sendable {
        /// The packing to plan for.
        public var packing: Packing
        /// Extra width added on each side of a calibrated range, as a fraction of its width.
        public var margin: Double
        /// Largest Chebyshev degree tried for an approximated activation.
        public var maxDegree: Int
        /// Approximation error aimed at, relative to the largest |activation| on the range.
        public var tolerance: Double
        /// Largest share of calibration rows whose label the predicted noise may decide before
        /// the plan is refused.
        public var maxAmbiguous: Double
        /// Range assumed for an activation when no calibration data is given.
        public var defaultRange: ClosedRange<Double>
        /// Whether the plan may cut the model into segments with client-aided refreshes.
        public var refresh: RefreshMode
        /// The parameter set bootstraps are placed on with ``RefreshMode/bootstrap``.
        public var bootstrapTarget = BootstrapTarget(.boot16)
        /// Fit each approximated activation over every value the calibration rows' box (each
        /// feature between its smallest and largest calibration value) can give it by interval
        /// arithmetic, not only over the values the rows give: the guaranteed input box then
        /// holds the whole calibration box, so a data owner without the weights (a client part)
        /// can check every calibration-like row. The ranges are wider, so the approximations
        /// are less precise or of higher degree.
        public var fitCalibrationBox = false

        /// Options; the defaults are what `hefctl model compile` uses.
        /// - Parameters:
        ///   - packing: The packing to plan for.
        ///   - margin: Extra width on each side of a calibrated range, as a fraction of its width.
        ///   - maxDegree: Largest Chebyshev degree tried.
        ///   - tolerance: Approximation error aimed at, relative to the largest |activation|.
        ///   - defaultRange: Range assumed for an activation without calibration data.
        ///   - maxAmbiguous: Largest share of calibration rows the noise may decide.
        ///   - refresh: Whether the plan may have client-aided refreshes.
        public init(
            packing: Packing = .latency, margin: Double = 0.5, maxDegree: Int = 127, tolerance: Double = 0.005,
            defaultRange: ClosedRange<Double> = -8...8, maxAmbiguous: Double = 1.0, refresh: RefreshMode = .none
        ) {
            self.refresh = refresh
            self.maxAmbiguous = maxAmbiguous
            self.packing = packing
            self.margin = margin
            self.maxDegree = maxDegree
            self.tolerance = tolerance
            self.defaultRange = defaultRange
        }
    }

    /// The compiler's options.
    public var options: Options

    /// A compiler with `options`.
    public init(options: Options = Options()) {
        self.options = options
    }

    /// Compiles `model`, calibrating on `calibration` (raw input rows), if any.
    ///
    /// Approximations use the smallest degree 2^k − 1 that meets the tolerance, up to 63; a
    /// layer that misses it at 63 gets up to `maxDegree` (127 by default) when the extra level
    /// still fits the same ring. The plan then carries its ``PlanGuarantees``, and a plan whose
    /// predicted noise alone would decide the label of more than `maxAmbiguous` of the
    /// calibration rows is refused.
    /// - Parameters:
    ///   - model: The source model.
    ///   - calibration: Raw input rows the activation ranges are calibrated on.
    /// - Throws: ``ModelError/unsupportedFormat(_:)`` or ``ModelError/invalidModel(_:)`` from
    ///   ``MLPModel/validate()``; ``ModelError/inputShape(row:expected:found:)`` and
    ///   ``ModelError/notANumber(row:column:text:)`` for bad calibration rows;
    ///   ``ModelError/planFailed(_:)`` when no secure parameters hold the model or the noise would
    ///   decide too many labels.
    public func compile(_ model: MLPModel, calibration: [[Double]]? = nil) throws -> CompiledModel {
        try model.validate()
        if let calibration {
            for (r, row) in calibration.enumerated() {
                guard row.count == model.inputSize else {
                    throw ModelError.inputShape(row: r + 1, expected: model.inputSize, found: row.count)
                }
                if let c = row.firstIndex(where: { !$0.isFinite }) {
                    throw ModelError.notANumber(row: r + 1, column: c + 1, text: "\(row[c])")
                }
            }
        }
        var planner = Planner(packing: options.packing)
        planner.bootstrapTarget = options.bootstrapTarget
        var layers: [CompiledLayer]
        var plan: InferencePlan
        var guarantees: PlanGuarantees
        if options.refresh == .bootstrap {
            (layers, plan, guarantees) = try compileBootstrapped(model, calibration: calibration, planner: planner)
        } else {
            let base = min(options.maxDegree, 63)
            var (compiled, notes, missed) = try compileLayers(model, calibration: calibration, cap: { _ in base })
            layers = compiled
            plan = try planner.plan(
                layers: layers, inputSize: model.inputSize, notes: notes, refresh: options.refresh)
            guarantees = Self.guarantees(
                layers: layers, plan: plan, packing: options.packing, model: model, calibration: calibration,
                margin: options.margin)
            if options.maxDegree > base && !missed.isEmpty {
                // Higher degrees cost levels: take them only in the same ring and when the bound the
                // client relies on (approximation + noise) gets smaller.
                let upgraded = try compileLayers(
                    model, calibration: calibration, cap: { missed.contains($0) ? options.maxDegree : base })
                if let better = try? planner.plan(
                    layers: upgraded.layers, inputSize: model.inputSize, notes: upgraded.notes,
                    refresh: options.refresh),
                    better.parameters.logN == plan.parameters.logN,
                    (better.refresh?.cuts.count ?? 0) <= (plan.refresh?.cuts.count ?? 0)
                {
                    let g = Self.guarantees(
                        layers: upgraded.layers, plan: better, packing: options.packing, model: model,
                        calibration: calibration, margin: options.margin)
                    func worst(_ g: PlanGuarantees) -> Double {
                        (0..<g.noiseBound.count).map(g.combinedBound).max() ?? 0
                    }
                    if worst(g) < worst(guarantees) {
                        (layers, notes, missed) = upgraded
                        plan = better
                        guarantees = g
                    }
                }
            }
        }
        plan.guarantees = guarantees
        // Bits of absolute precision of the scores under the noise bound.
        plan.predictedPrecisionBits = max(0, -log2(guarantees.noiseBound.max() ?? 1))
        let compiled = CompiledModel(source: model, packing: options.packing, layers: layers, plan: plan)
        try Self.checkSeparation(compiled, calibration: calibration, maxAmbiguous: options.maxAmbiguous)
        // A bootstrapped plan on a testing chain is checked with the chain it was planned on.
        _ = try compiled.checked(
            given: plan.refresh?.bootstrap != nil ? try? options.bootstrapTarget.parameters() : nil)
        return compiled
    }

    /// Layers, plan and guarantees with `--refresh bootstrap`. First without a level kept at
    /// the cuts (every stage may use all the levels a bootstrap leaves, activations up to degree
    /// 2^left − 1): taken when the values at every cut stay within
    /// ``BootstrapRefresh/undividedBound``. Otherwise with one level per segment kept for the
    /// division by the cut's bound (activations up to degree 2^(left − 1) − 1).
    func compileBootstrapped(_ model: MLPModel, calibration: [[Double]]?, planner: Planner) throws -> (
        [CompiledLayer], InferencePlan, PlanGuarantees
    ) {
        let target = options.bootstrapTarget
        let left = (try? target.parameters()).flatMap { target.configuration.levelsLeft($0) } ?? 0
        var planner = planner
        for reserve in [0, 1] {
            let cap = min(options.maxDegree, 63, (1 << max(1, left - reserve)) - 1)
            let (layers, notes, _) = try compileLayers(model, calibration: calibration, cap: { _ in cap })
            planner.bootstrapReserve = reserve
            var plan = try planner.plan(
                layers: layers, inputSize: model.inputSize, notes: notes, refresh: .bootstrap)
            var guarantees = Self.guarantees(
                layers: layers, plan: plan, packing: options.packing, model: model, calibration: calibration,
                margin: options.margin)
            guard var refresh = plan.refresh, var bootstrap = refresh.bootstrap else {
                return (layers, plan, guarantees)
            }
            let envelopes = zip(guarantees.preActivationLower, guarantees.preActivationUpper).map {
                zip($0, $1).map { ($0, $1) }
            }
            bootstrap.valueBounds = BootstrapRefresh.valueBounds(
                cuts: refresh.cuts, layers: layers, envelopes: envelopes)
            let worst = bootstrap.valueBounds.max() ?? 1
            if reserve == 0 && worst > BootstrapRefresh.undividedBound { continue }
            if worst > BootstrapRefresh.maxValueBound {
                throw ModelError.planFailed(
                    "values reach \(Int(worst)) at a bootstrap: more than \(Int(BootstrapRefresh.maxValueBound)), which would leave too little precision (calibrate the model, or use --refresh client)"
                )
            }
            refresh.bootstrap = bootstrap
            plan.refresh = refresh
            guarantees.noiseBound = NoiseModel.predict(
                layers, envelopes: envelopes, layout: plan.layout?.layout, parameters: plan.parameters,
                refresh: refresh)
            return (layers, plan, guarantees)
        }
        throw ModelError.planFailed("no bootstrapped plan")
    }

    /// The compiled layers; `cap(k)` is the largest degree for layer k. Also returns the
    /// layers whose approximation missed the tolerance.
    func compileLayers(
        _ model: MLPModel, calibration: [[Double]]?, cap: (Int) -> Int
    ) throws -> (layers: [CompiledLayer], notes: [String], missed: Set<Int>) {
        var layers = model.layers.map { CompiledLayer(weights: $0.weights, bias: $0.bias, activation: .none) }
        if let scaler = model.scaler {
            Self.foldScaler(scaler, into: &layers[0])
            // Large means make W·x + b a large cancellation; the bias must still fit the last
            // prime's head room at the layer's output level.
            if let big = layers[0].bias.map(abs).max(), big > PlanAnalysis.headroom / 2 {
                throw ModelError.planFailed(
                    String(
                        format:
                            "folding the scaler into the first layer gives a bias of %.3g, beyond the plan's head room (%.0f): standardize the inputs on the client instead",
                        big, PlanAnalysis.headroom / 2))
            }
        }

        // Pre-activation ranges seen on the calibration data, layer by layer, through the
        // model as compiled so far (each layer's input comes from the exact activations).
        var inputs = calibration ?? []
        var notes: [String] = []
        var missed: Set<Int> = []
        // With `fitCalibrationBox`: what each layer's inputs can be over the calibration box.
        var envelope: [PlanAnalysis.Interval]? =
            options.fitCalibrationBox && !inputs.isEmpty
            ? (0..<model.inputSize).map { i in
                (inputs.map { $0[i] }.min()!, inputs.map { $0[i] }.max()!)
            } : nil
        for k in layers.indices {
            let activation = model.layers[k].activation
            let pre = inputs.map { Self.affine(layers[k], $0) }
            switch activation {
            case .none:
                layers[k].activation = .none
            case .square:
                layers[k].activation = .square
            case .polynomial(let c):
                let series = ChebyshevSeries.fromPowerBasis(c)
                layers[k].activation = .chebyshev(
                    ChebyshevActivation(
                        function: "polynomial", coefficients: series.coefficients, lower: -1, upper: 1,
                        maxError: 0, calibratedLower: nil, calibratedUpper: nil, exact: true))
            default:
                let seen = pre.flatMap { $0 }
                var lo = options.defaultRange.lowerBound
                var hi = options.defaultRange.upperBound
                var calLo: Double?
                var calHi: Double?
                if let mn = seen.min(), let mx = seen.max() {
                    calLo = mn
                    calHi = mx
                    let width = max(mx - mn, 1e-3)
                    lo = mn - options.margin * width
                    hi = mx + options.margin * width
                    if let envelope {
                        // Every value the box can give, with a little room for rounding.
                        let z = PlanAnalysis.affine(layers[k], envelope)
                        let zLo = z.map(\.lo).min() ?? lo
                        let zHi = z.map(\.hi).max() ?? hi
                        let room = 1e-6 * max(zHi - zLo, 1e-3)
                        lo = min(lo, zLo - room)
                        hi = max(hi, zHi + room)
                    }
                } else {
                    notes.append("layer \(k + 1) (\(activation.name)): no calibration data, assumed range \(lo)…\(hi)")
                }
                let approx = try approximate(activation, lower: lo, upper: hi, maxDegree: cap(k))
                if !approx.met { missed.insert(k) }
                layers[k].activation = .chebyshev(
                    ChebyshevActivation(
                        function: activation.name, coefficients: approx.series.coefficients, lower: lo, upper: hi,
                        maxError: approx.error, calibratedLower: calLo, calibratedUpper: calHi, exact: false))
                Self.foldRangeMap(lower: lo, upper: hi, into: &layers[k])
            }
            if let box = envelope {
                envelope = PlanAnalysis.affine(layers[k], box).map {
                    PlanAnalysis.activationRange(layers[k].activation, $0)
                }
            }
            inputs = pre.map { $0.map(activation.apply) }
        }
        return (layers, notes, missed)
    }

    /// Box, envelopes and bounds of a plan.
    static func guarantees(
        layers: [CompiledLayer], plan: InferencePlan, packing: Packing, model: MLPModel, calibration: [[Double]]?,
        margin: Double
    ) -> PlanGuarantees {
        var lower: [Double]?
        var upper: [Double]?
        var fraction: Double?
        var envelopeBox: [PlanAnalysis.Interval]?
        if let calibration, !calibration.isEmpty {
            let n = model.inputSize
            var mn = [Double](repeating: .infinity, count: n)
            var mx = [Double](repeating: -.infinity, count: n)
            for row in calibration {
                for i in 0..<n {
                    mn[i] = min(mn[i], row[i])
                    mx[i] = max(mx[i], row[i])
                }
            }
            let withMargin: [PlanAnalysis.Interval] = (0..<n).map { i in
                let w = mx[i] - mn[i]
                return (mn[i] - margin * w, mx[i] + margin * w)
            }
            envelopeBox = withMargin
            if let (box, t) = PlanAnalysis.guaranteedBox(
                layers, lower: withMargin.map(\.lo), upper: withMargin.map(\.hi))
            {
                lower = box.map(\.lo)
                upper = box.map(\.hi)
                fraction = t
            }
        }
        let envelopes = PlanAnalysis.envelopes(layers, box: envelopeBox)
        let last = layers[layers.count - 1]
        let outputs = envelopes[layers.count - 1].map { PlanAnalysis.activationRange(last.activation, $0) }
        var observed: [Double]?
        if let calibration, !calibration.isEmpty {
            var worst = [Double](repeating: 0, count: last.weights.count)
            let probe = CompiledModel(source: model, packing: packing, layers: layers, plan: plan)
            for row in calibration.prefix(2000) {
                let a = probe.plainScores(row)
                let b = model.scores(row)
                for j in worst.indices { worst[j] = max(worst[j], abs(a[j] - b[j])) }
            }
            observed = worst
        }
        return PlanGuarantees(
            inputLower: lower, inputUpper: upper, boxFraction: fraction, headroom: PlanAnalysis.headroom,
            preActivationLower: envelopes.map { $0.map(\.lo) }, preActivationUpper: envelopes.map { $0.map(\.hi) },
            outputLower: outputs.map(\.lo), outputUpper: outputs.map(\.hi),
            approximationBound: PlanAnalysis.approximationBounds(layers, envelopes: envelopes),
            observedApproximationError: observed,
            noiseBound: NoiseModel.predict(
                layers, envelopes: envelopes, layout: plan.layout?.layout, parameters: plan.parameters))
    }

    /// Refuses a plan whose predicted noise alone could change the label of more than
    /// `maxAmbiguous` of the (admissible) calibration rows.
    static func checkSeparation(_ model: CompiledModel, calibration: [[Double]]?, maxAmbiguous: Double) throws {
        guard maxAmbiguous < 1, let calibration, !calibration.isEmpty, let g = model.plan.guarantees,
            model.source.output.probabilities != .none
        else { return }
        var checked = 0
        var ambiguous = 0
        for row in calibration.prefix(2000) where model.admissibility(of: row, index: 0, guarantees: g) == nil {
            checked += 1
            if !model.labelIsDecided(model.plainScores(row), bounds: g.noiseBound) { ambiguous += 1 }
        }
        guard checked > 0 else { return }
        let share = Double(ambiguous) / Double(checked)
        if share > maxAmbiguous {
            let worst = g.noiseBound.max() ?? 0
            throw ModelError.planFailed(
                String(
                    format:
                        "the predicted encryption noise (±%.3g on the scores, N = %d, scale 2^%.0f, depth %d) exceeds the decision margin of %.0f%% of the calibration rows: the encrypted labels would be noise. Use fewer or lower-degree approximated layers, a lower --max-degree, or a model with larger margins",
                    worst, 1 << model.plan.parameters.logN, model.plan.parameters.logScale, model.plan.depth,
                    100 * share))
        }
    }

    /// The smallest degree 2^k − 1 whose error meets the tolerance (or the largest allowed).
    func approximate(
        _ activation: Activation, lower: Double, upper: Double, maxDegree: Int? = nil
    ) throws -> (series: ChebyshevSeries, error: Double, met: Bool) {
        let f: @Sendable (Double) -> Double = { activation.apply($0) }
        let gaps = 16000
        let samples = (0...gaps).map { lower + (upper - lower) * Double($0) / Double(gaps) }
        let peak = max(samples.map { abs(f($0)) }.max() ?? 1, 1e-9)
        let cap = max(3, maxDegree ?? options.maxDegree)
        var best: (ChebyshevSeries, Double, Bool)?
        var degree = 3
        while degree <= cap {
            let series = ChebyshevSeries.approximate(f, degree: degree, interval: lower...upper)
            // The sampled maximum, plus what |series − f| can add between two samples: its
            // slope (series' in u times 2/(b − a), plus f's Lipschitz constant) times half the gap.
            let sampled = samples.map { abs(series.evaluate($0) - f($0)) }.max() ?? 0
            let slope =
                PlanAnalysis.derivativeBound(series.coefficients, on: (-1, 1)) * 2 / (upper - lower)
                + PlanAnalysis.lipschitz(activation.name)
            let error = sampled + slope * (upper - lower) / Double(gaps) / 2
            let met = error <= options.tolerance * peak
            best = (series, error, met)
            if met { break }
            degree = degree * 2 + 1
        }
        guard let best, best.1.isFinite else {
            throw ModelError.invalidModel("no approximation for \(activation.name)")
        }
        return best
    }

    /// x' = (x − mean) / scale folded into W·x' + b.
    static func foldScaler(_ scaler: Scaler, into layer: inout CompiledLayer) {
        for o in layer.weights.indices {
            var shift = 0.0
            for i in layer.weights[o].indices {
                let w = layer.weights[o][i] / scaler.scale[i]
                layer.weights[o][i] = w
                shift += w * scaler.mean[i]
            }
            layer.bias[o] -= shift
        }
    }

    /// u = (2z − (lower + upper)) / (upper − lower) folded into the layer producing z.
    static func foldRangeMap(lower: Double, upper: Double, into layer: inout CompiledLayer) {
        let alpha = 2 / (upper - lower)
        let beta = -(upper + lower) / (upper - lower)
        for o in layer.weights.indices {
            for i in layer.weights[o].indices { layer.weights[o][i] *= alpha }
            layer.bias[o] = alpha * layer.bias[o] + beta
        }
    }

    static func affine(_ layer: CompiledLayer, _ x: [Double]) -> [Double] {
        layer.weights.indices.map { o in
            var acc = layer.bias[o]
            for i in x.indices { acc += layer.weights[o][i] * x[i] }
            return acc
        }
    }
}

extension CompiledModel {
    /// The compiled model evaluated in Double (what the ciphertexts compute, approximations
    /// included): scores for one raw input row. NaN for every score of a client part
    /// (``weightsWithheld``), which has no weights to compute with.
    public func plainScores(_ input: [Double]) -> [Double] {
        guard !weightsWithheld else { return [Double](repeating: .nan, count: outputSize) }
        var x = input
        for layer in layers { x = Self.activate(layer.activation, ModelCompiler.affine(layer, x)) }
        return x
    }
}
