/// Turns an ``MLPModel`` into a ``CompiledModel``: folds the scaler into the first layer,
/// calibrates the input range of each non-polynomial activation on sample data, replaces it by
/// a Chebyshev series over that range (with a margin, and the range map folded into the
/// layer), and asks the ``Planner`` for parameters and rotations.
public struct ModelCompiler: Sendable {
    public struct Options: Sendable {
        public var packing: Packing
        /// Extra width added on each side of a calibrated range, as a fraction of its width.
        public var margin: Double
        /// Largest Chebyshev degree tried for an approximated activation.
        public var maxDegree: Int
        /// Approximation error aimed at, relative to the largest |activation| on the range.
        public var tolerance: Double
        /// Range assumed for an activation when no calibration data is given.
        public var defaultRange: ClosedRange<Double>

        public init(
            packing: Packing = .latency, margin: Double = 0.5, maxDegree: Int = 63, tolerance: Double = 0.005,
            defaultRange: ClosedRange<Double> = -8...8
        ) {
            self.packing = packing
            self.margin = margin
            self.maxDegree = maxDegree
            self.tolerance = tolerance
            self.defaultRange = defaultRange
        }
    }

    public var options: Options

    public init(options: Options = Options()) {
        self.options = options
    }

    /// Compiles `model`, calibrating on `calibration` (raw input rows), if any.
    public func compile(_ model: MLPModel, calibration: [[Double]]? = nil) throws -> CompiledModel {
        try model.validate()
        if let calibration {
            for (r, row) in calibration.enumerated() where row.count != model.inputSize {
                throw ModelError.inputShape(row: r + 1, expected: model.inputSize, found: row.count)
            }
        }
        var layers = model.layers.map { CompiledLayer(weights: $0.weights, bias: $0.bias, activation: .none) }
        if let scaler = model.scaler { Self.foldScaler(scaler, into: &layers[0]) }

        // Pre-activation ranges seen on the calibration data, layer by layer, through the
        // model as compiled so far (each layer's input comes from the exact activations).
        var inputs = calibration ?? []
        var notes: [String] = []
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
                layers[k].activation = .chebyshev(ChebyshevActivation(
                    function: "polynomial", coefficients: series.coefficients, lower: -1, upper: 1,
                    maxError: 0, calibratedLower: nil, calibratedUpper: nil, exact: true))
            default:
                let seen = pre.flatMap { $0 }
                var lo = options.defaultRange.lowerBound, hi = options.defaultRange.upperBound
                var calLo: Double?, calHi: Double?
                if let mn = seen.min(), let mx = seen.max() {
                    calLo = mn
                    calHi = mx
                    let width = max(mx - mn, 1e-3)
                    lo = mn - options.margin * width
                    hi = mx + options.margin * width
                } else {
                    notes.append("layer \(k) (\(activation.name)): no calibration data, assumed range \(lo)…\(hi)")
                }
                let approx = try approximate(activation, lower: lo, upper: hi)
                layers[k].activation = .chebyshev(ChebyshevActivation(
                    function: activation.name, coefficients: approx.series.coefficients, lower: lo, upper: hi,
                    maxError: approx.error, calibratedLower: calLo, calibratedUpper: calHi, exact: false))
                Self.foldRangeMap(lower: lo, upper: hi, into: &layers[k])
            }
            inputs = pre.map { $0.map(activation.apply) }
        }
        let plan = try Planner(packing: options.packing).plan(layers: layers, inputSize: model.inputSize, notes: notes)
        return CompiledModel(source: model, packing: options.packing, layers: layers, plan: plan)
    }

    /// The smallest degree 2^k − 1 whose error meets the tolerance (or the largest allowed).
    func approximate(_ activation: Activation, lower: Double, upper: Double) throws -> (series: ChebyshevSeries, error: Double) {
        let f: @Sendable (Double) -> Double = { activation.apply($0) }
        let samples = (0...2000).map { lower + (upper - lower) * Double($0) / 2000 }
        let peak = max(samples.map { abs(f($0)) }.max() ?? 1, 1e-9)
        var best: (ChebyshevSeries, Double)?
        var degree = 3
        while degree <= max(3, options.maxDegree) {
            let series = ChebyshevSeries.approximate(f, degree: degree, interval: lower...upper)
            let error = samples.map { abs(series.evaluate($0) - f($0)) }.max() ?? 0
            best = (series, error)
            if error <= options.tolerance * peak { break }
            degree = degree * 2 + 1
        }
        guard let best else { throw ModelError.invalidModel("no approximation for \(activation.name)") }
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
    /// included): scores for one raw input row.
    public func plainScores(_ input: [Double]) -> [Double] {
        var x = input
        for layer in layers {
            let z = ModelCompiler.affine(layer, x)
            switch layer.activation {
            case .none: x = z
            case .square: x = z.map { $0 * $0 }
            case .chebyshev(let c):
                let series = ChebyshevSeries(coefficients: c.coefficients, interval: -1...1)
                x = z.map { series.evaluate($0) }
            }
        }
        return x
    }
}
