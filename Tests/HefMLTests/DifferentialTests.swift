import Foundation
import HefCKKS
import HefRing
import HefTestSupport
import Testing

@testable import HefML
@testable import HefONNX

/// Differential testing against the plaintext model: seeded random MLPs (widths, depths, every
/// activation, scalers with means and scales from 10^-3 to 10^4, classification and regression
/// tails), compiled for both packings and run on both ring backends. Three-way comparison per
/// admissible row: encrypted vs compiled plan within the plan's noise bound, plan vs source
/// within its approximation bound, labels equal wherever the plaintext margin exceeds the
/// combined bound. Rows at and beyond the calibrated box's edges go through the `isolate`
/// policy and must be reported invalid, never silently labelled.
///
/// `swift test` runs `HEF_DIFF_CASES` cases (default 200) from `HEF_DIFF_SEED` (default 1);
/// `scripts/differential.sh --cases N --seed S` runs a soak. A failure prints its case seed:
/// `HEF_DIFF_CASES=1 HEF_DIFF_SEED=<seed> swift test --filter DifferentialTests` replays it.
@Suite struct DifferentialTests {
    typealias Generator = SplitMix64

    struct Case: CustomStringConvertible {
        var seed: UInt64
        var model: MLPModel
        var calibration: [[Double]]
        var rows: [[Double]]
        var edgeRows: Int
        var packing: Packing
        var swiftBackend: Bool
        /// nil: through Hef's JSON format; otherwise through an ONNX graph of that shape.
        var onnx: DifferentialONNX.Shape?
        var minMaxStyle = false
        var batchNorm: [Int: (gamma: [Double], beta: [Double], mean: [Double], variance: [Double])] = [:]
        /// `.client`: compiled with client-aided refreshes where the depth needs them.
        var refresh: RefreshMode = .none
        /// Compiled with ``ModelCompiler/Options/fitCalibrationBox``.
        var fitBox = false

        var description: String {
            let widths = [model.inputSize] + model.layers.map(\.outputSize)
            let route =
                onnx.map {
                    "ONNX \($0.rawValue)\(minMaxStyle ? " (Mul/Add pre-processing)" : "")\(batchNorm.isEmpty ? "" : " with BatchNormalization")"
                } ?? "JSON"
            return
                "case seed \(seed): \(widths.map(String.init).joined(separator: "-")), activations \(model.layers.map(\.activation.name)), scaler \(model.scaler != nil), tail \(model.output.probabilities.rawValue), \(route), \(packing.rawValue) packing, \(swiftBackend ? "swift" : "native") backend\(refresh == .none ? "" : ", refresh \(refresh.rawValue)")\(fitBox ? ", fitted to the calibration box" : "")"
        }
    }

    /// Widths around and across powers of two (the quick run keeps them small).
    static let widths = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33]
    static let activations: [Activation] = [
        .none, .square, .polynomial([0.05, 0.5, 0.25]), .relu, .tanh, .sigmoid, .silu, .gelu,
    ]

    static func generate(seed: UInt64, maxWidth: Int, maxLayers: Int) -> Case {
        var g = Generator(seed: seed)
        let widths = Self.widths.filter { $0 <= maxWidth }
        let inputSize = g.pick(widths)
        let layerCount = g.int(1...maxLayers)
        var layers: [DenseLayer] = []
        var fanIn = inputSize
        for k in 0..<layerCount {
            let last = k == layerCount - 1
            let out = last ? g.pick([1, 2, 3, 4, 10].filter { $0 <= max(maxWidth, 4) }) : g.pick(widths)
            let activation: Activation =
                last ? (g.int(0...4) == 0 ? g.pick([.square, .tanh]) : .none) : g.pick(Self.activations)
            let std = 1 / Double(fanIn).squareRoot()
            layers.append(
                DenseLayer(
                    weights: (0..<out).map { _ in (0..<fanIn).map { _ in std * g.normal() } },
                    bias: (0..<out).map { _ in 0.2 * g.normal() }, activation: activation))
            fanIn = out
        }
        let outputs = layers.last!.outputSize
        let regression = g.int(0...3) == 0
        let tail: OutputTail =
            regression
            ? OutputTail(probabilities: .none)
            : outputs == 1 ? OutputTail(probabilities: .sigmoid) : OutputTail(probabilities: .softmax)
        // Raw features: with a scaler, means and scales anywhere in 10^-3 … 10^4.
        var scaler: Scaler?
        var means = [Double](repeating: 0, count: inputSize)
        var scales = [Double](repeating: 1, count: inputSize)
        if g.int(0...1) == 0 {
            means = (0..<inputSize).map { _ in (g.int(0...1) == 0 ? -1 : 1) * pow(10, -3 + 7 * g.uniform()) }
            scales = (0..<inputSize).map { _ in pow(10, -3 + 7 * g.uniform()) }
            scaler = Scaler(mean: means, scale: scales)
        }
        func draw() -> [Double] { (0..<inputSize).map { means[$0] + scales[$0] * g.normal() } }
        let calibration = (0..<160).map { _ in draw() }
        var rows = (0..<12).map { _ in draw() }
        // Edge rows: a feature at the calibration box's edge, or well beyond it.
        let lo = (0..<inputSize).map { i in calibration.map { $0[i] }.min()! }
        let hi = (0..<inputSize).map { i in calibration.map { $0[i] }.max()! }
        for e in 0..<3 {
            var row = draw()
            let i = g.int(0...(inputSize - 1))
            let width = hi[i] - lo[i]
            row[i] = e == 0 ? hi[i] : e == 1 ? lo[i] : hi[i] + 20 * width
            rows.append(row)
        }
        let model = MLPModel(
            name: "generated-\(seed)", task: regression ? .regression : .classification, inputSize: inputSize,
            scaler: scaler, layers: layers, output: tail)
        var c = Case(
            seed: seed, model: model, calibration: calibration, rows: rows, edgeRows: 3,
            packing: g.int(0...1) == 0 ? .throughput : .latency, swiftBackend: g.int(0...1) == 0)
        switch g.int(0...2) {
        case 0: break
        case 1: c.onnx = .skl2onnx
        default:
            c.onnx = .torch
            c.minMaxStyle = g.int(0...1) == 0
            for k in layers.indices.dropLast() where g.int(0...2) == 0 {
                let n = layers[k].outputSize
                c.batchNorm[k] = (
                    (0..<n).map { _ in 0.5 + 1.5 * g.uniform() }, (0..<n).map { _ in 0.3 * g.normal() },
                    (0..<n).map { _ in 0.5 * g.normal() }, (0..<n).map { _ in 0.5 + 1.5 * g.uniform() }
                )
            }
        }
        // Drawn last, so that the cases of a seed are otherwise those of earlier versions.
        c.refresh = g.int(0...2) == 0 ? .client : .none
        c.fitBox = g.int(0...3) == 0
        return c
    }

    struct Outcome {
        var failures: [String] = []
        var refused = false
        var refusal = ""
        var worstNoiseRatio = 0.0
        var worstApproximationRatio = 0.0
        var isolated = 0
        /// Client-aided refreshes the case went through.
        var roundTrips = 0
        /// The data owner's side ran on the model's client part (weights withheld).
        var clientPart = false
        /// Fitted to the calibration box, which passed the plan's checks, so the guaranteed box
        /// was checked to hold every calibration row.
        var fittedBoxChecked = false
    }

    /// Runs one case and returns what disagreed.
    static func check(_ c: Case, maxDegree: Int) throws -> Outcome {
        var outcome = Outcome()
        let model: MLPModel
        if let shape = c.onnx {
            // Through an exporter-shaped ONNX graph: the importer must give the graph's model.
            let (data, reference) = try DifferentialONNX.export(
                c.model, shape: shape, minMaxStyle: c.minMaxStyle, batchNorm: c.batchNorm)
            model = try ONNXImporter.model(from: data, name: c.model.name)
            guard model.output.probabilities == reference.output.probabilities, model.inputSize == reference.inputSize
            else {
                outcome.failures.append(
                    "ONNX import: tail \(model.output.probabilities) or width \(model.inputSize) differ from the graph's"
                )
                return outcome
            }
            for (r, row) in (c.calibration.prefix(40) + c.rows).enumerated() {
                let a = model.scores(row)
                let b = reference.scores(row)
                for j in b.indices where !(abs(a[j] - b[j]) <= 1e-6 * (1 + abs(b[j]))) {
                    outcome.failures.append(
                        "ONNX import: row \(r + 1), score \(j + 1) is \(a[j]), the graph computes \(b[j])")
                    return outcome
                }
            }
        } else {
            // Through the JSON format.
            let json = try JSONEncoder().encode(c.model)
            model = try JSONDecoder().decode(MLPModel.self, from: json)
            guard model == c.model else {
                outcome.failures.append("JSON round trip changed the model")
                return outcome
            }
        }
        var options = ModelCompiler.Options(packing: c.packing, refresh: c.refresh)
        options.maxDegree = maxDegree
        options.fitCalibrationBox = c.fitBox
        let compiled: CompiledModel
        do {
            compiled = try ModelCompiler(options: options).compile(model, calibration: c.calibration)
        } catch ModelError.planFailed(let why) {
            outcome.refused = true
            outcome.refusal = why
            return outcome
        }
        let g = compiled.rangeGuarantees
        let context = try compiled.makeContext(backend: c.swiftBackend ? SwiftBackend() : NativeBackend())
        let keys = KeyGenerator(context: context)
        let secretKey = keys.secretKey()
        let client = InferenceClient(model: compiled, context: context)
        let prepared = try client.prepare(c.rows, outOfRange: .isolate)
        // With a guaranteed box, the data owner encrypts, refreshes and decrypts with the model's
        // client part (through its JSON, weights withheld), as a served model's data owner does;
        // every row the box admits must pass the full check (the box is sound).
        var owner = client
        if g.inputLower != nil, g.inputUpper != nil {
            let part = try JSONDecoder().decode(CompiledModel.self, from: try compiled.clientPart().jsonData())
            try part.validate()
            guard part.weightsWithheld, part.id == compiled.id, part.plan.layout == compiled.plan.layout,
                part.plan.rotationSteps == compiled.plan.rotationSteps,
                part.segmentStartLevels == compiled.segmentStartLevels, part.outputSize == compiled.outputSize
            else {
                outcome.failures.append("the client part differs from the model in what the data owner uses")
                return outcome
            }
            for (i, row) in (c.calibration.prefix(200) + c.rows).enumerated()
            where part.admissibility(of: row, index: i, guarantees: g) == nil
                && compiled.admissibility(of: row, index: i, guarantees: g) != nil
            {
                outcome.failures.append(
                    "row \(i + 1) of calibration + rows: inside the guaranteed box, yet not admissible")
                return outcome
            }
            owner = InferenceClient(model: part, context: context)
            outcome.clientPart = true
        }
        if c.fitBox, !c.calibration.isEmpty {
            // Fitted to the calibration box: every approximated activation's interval holds what
            // the box gives it, and when the box passes the plan's checks (head room included),
            // the guaranteed box holds every calibration row.
            let box = (0..<model.inputSize).map { i in
                (c.calibration.map { $0[i] }.min()!, c.calibration.map { $0[i] }.max()!)
            }
            var x = box
            for (k, layer) in compiled.layers.enumerated() {
                let z = PlanAnalysis.affine(layer, x)
                if PlanAnalysis.isApproximated(layer.activation), !z.allSatisfy({ PlanAnalysis.fits($0, 1) }) {
                    outcome.failures.append("layer \(k + 1): the fitted interval misses what the calibration box gives")
                    return outcome
                }
                x = z.map { PlanAnalysis.activationRange(layer.activation, $0) }
            }
            if PlanAnalysis.boxIsAdmissible(compiled.layers, box) {
                guard let lo = g.inputLower, let hi = g.inputUpper else {
                    outcome.failures.append("no guaranteed box, although the calibration box passes the plan's checks")
                    return outcome
                }
                let outside = c.calibration.firstIndex { row in
                    row.indices.contains { row[$0] < lo[$0] || row[$0] > hi[$0] }
                }
                if let r = outside {
                    outcome.failures.append("calibration row \(r + 1) is outside the guaranteed box fitted to hold it")
                    return outcome
                }
                outcome.fittedBoxChecked = true
            }
        }
        let publicKey = try keys.publicKey(for: secretKey)
        let request = try owner.encrypt(prepared, publicKey: publicKey)
        let server = try EncryptedMLP(
            model: compiled, context: context,
            evaluationKeys: try keys.evaluationKeys(for: secretKey, rotations: compiled.plan.rotationSteps))
        // Segment by segment when the plan has refresh points (the key holder refreshes between).
        let (outputs, roundTrips) = try runSegments(
            request, server: server, owner: owner, publicKey: publicKey, secretKey: secretKey)
        outcome.roundTrips = roundTrips
        let results = try owner.decrypt(outputs, secretKey: secretKey)
        let bounds = (0..<compiled.outputSize).map(g.combinedBound)
        for (i, row) in c.rows.enumerated() {
            let result = results.rows[i]
            if prepared.isolated[i] {
                outcome.isolated += 1
                if case .invalid = result.status {
                } else {
                    outcome.failures.append("row \(i + 1): isolated but not reported invalid")
                }
                continue
            }
            if case .invalid(let why) = result.status {
                outcome.failures.append("row \(i + 1): admissible but reported invalid: \(why)")
            }
            let plan = compiled.plainScores(row)
            let source = model.scores(row)
            let enc = result.scores
            for j in plan.indices {
                let noise = abs(enc[j] - plan[j])
                let approx = abs(plan[j] - source[j])
                outcome.worstNoiseRatio = max(outcome.worstNoiseRatio, noise / g.noiseBound[j])
                if g.approximationBound[j] > 0 {
                    outcome.worstApproximationRatio = max(
                        outcome.worstApproximationRatio, approx / g.approximationBound[j])
                }
                if !(noise <= g.noiseBound[j]) {
                    outcome.failures.append(
                        "row \(i + 1), output \(j + 1): |encrypted − plan| = \(noise) exceeds the noise bound \(g.noiseBound[j])"
                    )
                }
                if !(approx <= g.approximationBound[j] + 1e-9 * max(1, abs(source[j]))) {
                    outcome.failures.append(
                        "row \(i + 1), output \(j + 1): |plan − source| = \(approx) exceeds the approximation bound \(g.approximationBound[j])"
                    )
                }
            }
            guard model.output.probabilities != .none else { continue }
            if compiled.labelIsDecided(source, bounds: bounds) && model.output.label(source) != model.output.label(enc)
            {
                outcome.failures.append(
                    "row \(i + 1): label \(model.output.label(enc)) differs from the plaintext model's \(model.output.label(source)) although the margin exceeds the bound"
                )
            }
            if result.status == .valid && !compiled.labelIsDecided(enc, bounds: bounds) {
                outcome.failures.append("row \(i + 1): reported valid but its label is not decided")
            }
        }
        return outcome
    }

    static func environment(_ name: String) -> String? { ProcessInfo.processInfo.environment[name] }

    /// Smaller variants of a failing case: without the scaler, without an input feature,
    /// without a hidden neuron, with an activation removed, through JSON instead of ONNX.
    static func smaller(_ c: Case) -> [Case] {
        var out: [Case] = []
        let m = c.model
        if c.onnx != nil {
            var d = c
            d.onnx = nil
            d.batchNorm = [:]
            out.append(d)
        }
        if m.scaler != nil {
            var d = c
            d.model.scaler = nil
            out.append(d)
        }
        if m.inputSize > 1 {
            for i in 0..<m.inputSize {
                var d = c
                d.model.inputSize -= 1
                d.model.layers[0].weights = m.layers[0].weights.map { row in
                    var r = row
                    r.remove(at: i)
                    return r
                }
                if let sc = m.scaler {
                    var mean = sc.mean
                    var scale = sc.scale
                    mean.remove(at: i)
                    scale.remove(at: i)
                    d.model.scaler = Scaler(mean: mean, scale: scale)
                }
                d.calibration = c.calibration.map {
                    var r = $0
                    r.remove(at: i)
                    return r
                }
                d.rows = c.rows.map {
                    var r = $0
                    r.remove(at: i)
                    return r
                }
                out.append(d)
            }
        }
        for k in m.layers.indices.dropLast() where m.layers[k].outputSize > 1 {
            for o in 0..<m.layers[k].outputSize {
                var d = c
                d.model.layers[k].weights.remove(at: o)
                d.model.layers[k].bias.remove(at: o)
                d.model.layers[k + 1].weights = m.layers[k + 1].weights.map { row in
                    var r = row
                    r.remove(at: o)
                    return r
                }
                d.batchNorm = [:]
                out.append(d)
            }
        }
        for k in m.layers.indices where m.layers[k].activation != .none {
            var d = c
            d.model.layers[k].activation = .none
            out.append(d)
        }
        return out.filter { (try? $0.model.validate()) != nil }
    }

    /// Greedy shrinking: the smallest variant that still fails (bounded number of tries).
    static func shrink(_ c: Case, maxDegree: Int) -> (Case, [String]) {
        var current = c
        var failures = (try? check(c, maxDegree: maxDegree).failures) ?? ["threw"]
        var tries = 0
        var progress = true
        while progress && tries < 60 {
            progress = false
            for candidate in smaller(current) {
                tries += 1
                let f: [String]
                do { f = try check(candidate, maxDegree: maxDegree).failures } catch { f = ["threw \(error)"] }
                if !f.isEmpty {
                    current = candidate
                    failures = f
                    progress = true
                    break
                }
                if tries >= 60 { break }
            }
        }
        return (current, failures)
    }

    static func json(_ model: MLPModel) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(model)).flatMap { String(data: $0, encoding: .utf8) } ?? "?"
    }

    @Test func generatedModelsAgreeWithThePlaintextModel() throws {
        let cases = Int(Self.environment("HEF_DIFF_CASES") ?? "") ?? 200
        let first = UInt64(Self.environment("HEF_DIFF_SEED") ?? "") ?? 1
        let full = Self.environment("HEF_DIFF_FULL") != nil
        let (maxWidth, maxLayers, maxDegree) = full ? (33, 4, 63) : (5, 2, 3)
        var failed: [String] = []
        var refused = 0
        var isolated = 0
        var worstNoise = 0.0
        var worstApprox = 0.0
        var reasons: [String: Int] = [:]
        var packings: [Packing: Int] = [:]
        var backends = [0, 0]
        var routes: [String: Int] = [:]
        var refreshedCases = 0
        var clientParts = 0
        var fittedBoxes = 0
        for k in 0..<cases {
            let seed = first &+ UInt64(k)
            let c = Self.generate(seed: seed, maxWidth: maxWidth, maxLayers: maxLayers)
            packings[c.packing, default: 0] += 1
            backends[c.swiftBackend ? 1 : 0] += 1
            routes[c.onnx?.rawValue ?? "json", default: 0] += 1
            do {
                let outcome = try Self.check(c, maxDegree: maxDegree)
                if outcome.refused {
                    refused += 1
                    reasons[String(outcome.refusal.prefix(48)), default: 0] += 1
                }
                isolated += outcome.isolated
                if outcome.roundTrips > 0 { refreshedCases += 1 }
                if outcome.clientPart { clientParts += 1 }
                if outcome.fittedBoxChecked { fittedBoxes += 1 }
                worstNoise = max(worstNoise, outcome.worstNoiseRatio)
                worstApprox = max(worstApprox, outcome.worstApproximationRatio)
                if !outcome.failures.isEmpty {
                    let (small, why) = Self.shrink(c, maxDegree: maxDegree)
                    failed.append(
                        "\(c)\n    " + outcome.failures.prefix(5).joined(separator: "\n    ")
                            + "\n  shrunk to \(small)\n    " + why.prefix(3).joined(separator: "\n    ")
                            + "\n    model: \(Self.json(small.model))")
                }
            } catch {
                failed.append("\(c)\n    threw \(error)")
            }
        }
        testLog(
            "differential: \(cases) cases from seed \(first) (\(packings[.throughput, default: 0]) throughput, \(packings[.latency, default: 0]) latency; \(backends[0]) native, \(backends[1]) swift; \(routes["json", default: 0]) JSON, \(routes["skl2onnx", default: 0]) skl2onnx-shaped, \(routes["torch", default: 0]) torch-shaped ONNX): \(failed.count) failed, \(refused) plans refused, \(refreshedCases) run with client-aided refreshes, \(clientParts) encrypted and decrypted with the client part, \(fittedBoxes) fitted to their calibration box (every calibration row inside the guaranteed box), \(isolated) edge rows isolated; worst |enc − plan| / noise bound \(String(format: "%.3g", worstNoise)), worst |plan − source| / approximation bound \(String(format: "%.3g", worstApprox))"
        )
        for (why, count) in reasons.sorted(by: { $0.value > $1.value }).prefix(5) {
            testLog("differential: refused \(count)× \"\(why)…\"")
        }
        for f in failed.prefix(10) { print("FAILED " + f) }
        #expect(
            failed.isEmpty,
            "\(failed.count) of \(cases) generated models disagree; replay with HEF_DIFF_CASES=1 HEF_DIFF_SEED=<seed>")
        #expect(refused < cases / 2, "most generated plans were refused")
    }
}

extension SplitMix64 {
    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
    mutating func normal() -> Double {
        let u = max(uniform(), 1e-300)
        let v = uniform()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }
    mutating func pick<T>(_ xs: [T]) -> T { xs[int(0...(xs.count - 1))] }
}
