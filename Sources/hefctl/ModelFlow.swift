import ArgumentParser
import Foundation
import HefCKKS
import HefML

/// Shared pieces of the model commands.
enum ModelFlow {
    static func loadCompiled(_ path: String) throws -> CompiledModel {
        try withFile(path) { try CompiledModel.load(contentsOf: URL(fileURLWithPath: path)) }
    }

    /// A compiled model and the context of its plan, the parameters derived once.
    static func loadCompiled(_ path: String, backend: BackendChoice) throws -> (
        model: CompiledModel, context: CKKSContext
    ) {
        try withFile(path) { try CompiledModel.load(contentsOf: URL(fileURLWithPath: path), backend: backend.backend) }
    }

    /// Raw feature rows from a CSV file (no header), checked against the model's width (when given).
    static func readRows(_ path: String, width: Int?) throws -> [[Double]] {
        let data = try readFile(path)
        guard let text = String(validating: data, as: UTF8.self) else { throw UserError("\(path) is not UTF-8 text") }
        let rows = try CSV.parse(text, name: path, maxValues: Int.max)
        guard !rows.isEmpty else { throw UserError("\(path) holds no rows") }
        for row in rows where width != nil && row.values.count != width {
            throw UserError("\(path):\(row.line): \(row.values.count) values, the model expects \(width!) features")
        }
        return rows.map(\.values)
    }

    static func checkKeyFile(_ bytes: [UInt8], path: String, model: CompiledModel) throws {
        let (literal, _, _) = try withFile(path) { try HefFile.parametersLiteral(of: bytes) }
        guard literal == model.plan.parameters else {
            throw UserError(
                "\(path): these keys were made for other parameters than the model's (generate them with hefctl keygen --model)"
            )
        }
    }

    static func describe(_ model: CompiledModel) -> String {
        var lines: [String] = []
        let source = model.source
        lines.append(
            "model        \(source.name) (\(source.task.rawValue)), \(source.inputSize) features → \(model.outputSize) scores"
        )
        let widths = [source.inputSize] + model.layers.map { $0.weights.count }
        lines.append("layers       " + widths.map(String.init).joined(separator: "-"))
        if model.weightsWithheld {
            lines.append(
                "weights      withheld: a client part (keygen, encrypt, decrypt and refresh take it; infer cannot)"
            )
        }
        for (k, layer) in model.layers.enumerated() {
            var text = "  layer \(k + 1): dense \(layer.weights.first?.count ?? 0)→\(layer.weights.count)"
            switch layer.activation {
            case .none: text += ", no activation"
            case .square: text += ", square (exact)"
            case .chebyshev(let c):
                if c.exact {
                    text += ", polynomial of degree \(c.degree) (exact)"
                } else {
                    text += String(
                        format: ", %@ ≈ Chebyshev degree %d on [%.3g, %.3g], max error %.2g", c.function, c.degree,
                        c.lower, c.upper, c.maxError)
                    if let lo = c.calibratedLower, let hi = c.calibratedUpper {
                        text += String(format: " (calibrated %.3g…%.3g + margin)", lo, hi)
                    } else {
                        text += " (uncalibrated default range)"
                    }
                }
            }
            text += ", depth \(1 + layer.activation.depth)"
            lines.append(text)
        }
        let tail = source.output
        lines.append(
            "output tail  \(tail.probabilities.rawValue) on the client"
                + (tail.labels.map { ", labels \($0.joined(separator: " "))" } ?? ""))
        lines.append("packing      \(model.packing.rawValue)" + ((try? model.layout).map { " (\($0.summary))" } ?? ""))
        lines.append("parameters   \(literalDescription(model.plan.parameters))")
        lines.append("depth        \(model.plan.depth)")
        if let refresh = model.plan.refresh {
            let stages = RefreshPlan.stageDepths(model.layers)
            let segments = refresh.segments(stageCount: stages.count)
            let bootstrap = refresh.bootstrap
            if let bootstrap {
                lines.append(
                    "refresh      bootstraps on the server (\(bootstrap.preset)): \(segments.count) segments, \(refresh.cuts.count) bootstrap\(refresh.cuts.count == 1 ? "" : "s") of \(bootstrap.slots) slots per sample, no round trip"
                )
            } else {
                lines.append(
                    "refresh      client-aided: \(segments.count) segments, \(refresh.cuts.count) round trip\(refresh.cuts.count == 1 ? "" : "s") per request; masks of \(refresh.maskBits) bits at level \(refresh.maskLevel)"
                )
            }
            for (i, segment) in segments.enumerated() {
                let used = segment.reduce(0) { $0 + stages[$1] }
                let first = RefreshPlan.stageName(segment.lowerBound, layers: model.layers)
                let last = RefreshPlan.stageName(segment.upperBound - 1, layers: model.layers)
                var cut = ""
                if let bootstrap, i < refresh.cuts.count {
                    let b = Int(bootstrap.valueBounds[i])
                    cut =
                        refresh.maskLevel == 1
                        ? "; then ÷\(b), a bootstrap and ×\(b)" : "; then a bootstrap (values within ±\(b))"
                }
                lines.append(
                    "  segment \(i + 1): \(first) … \(last), \(used) levels from level \(model.segmentStartLevels[i])\(cut)"
                )
            }
        }
        if let refresh = model.plan.refresh, refresh.bootstrap == nil {
            // Bytes per refreshed ciphertext: the request holds two polynomials over the primes
            // up to the mask's level, the answer one (seeded) over every prime.
            let logQ = model.plan.parameters.logQ
            let n = 1 << model.plan.parameters.logN
            let low = logQ[0...refresh.maskLevel].reduce(0, +)
            let starts = model.segmentStartLevels
            let perSample =
                model.packing == .latency
                ? "per sample" : "per ciphertext (one per neuron at the cut, for up to \(n / 2) samples)"
            for i in refresh.cuts.indices {
                let back = logQ[0...starts[i + 1]].reduce(0, +)
                lines.append(
                    "round trip \(i + 1) ≈ \(2 * n * low / 8 / 1024) KiB to the key holder and ≈ \(n * back / 8 / 1024) KiB back (level \(starts[i + 1])), \(perSample)"
                )
            }
        }
        lines.append(
            "rotations    \(model.plan.rotationSteps.isEmpty ? "none" : model.plan.rotationSteps.map(String.init).joined(separator: ","))"
        )
        lines.append(
            String(format: "precision    ≈ %.0f bits predicted for the scores", model.plan.predictedPrecisionBits))
        let g = model.rangeGuarantees
        if let lo = g.inputLower, let hi = g.inputUpper, let t = g.boxFraction {
            let shown = (0..<min(lo.count, 8)).map { String(format: "%.4g…%.4g", lo[$0], hi[$0]) }.joined(
                separator: ", ")
            lines.append(
                String(
                    format:
                        "input box    %@%@ (%.0f%% of the calibration box with margin; %@)",
                    shown, lo.count > 8 ? ", …" : "", 100 * t,
                    model.weightsWithheld
                        ? "rows outside cannot be checked without the weights" : "rows outside are checked one by one"))
        } else {
            lines.append(
                "input box    none (compiled without calibration rows): rows are checked one by one against the plan's envelopes"
            )
        }
        for j in 0..<model.outputSize {
            var text = String(
                format:
                    "output %-5d in [%.4g, %.4g]; |encrypted − plaintext model| ≤ %.3g (approximation ≤ %.3g worst case, noise ≤ %.3g)",
                j + 1, g.outputLower[j], g.outputUpper[j], g.combinedBound(j), g.approximationBound[j], g.noiseBound[j])
            if let seen = g.observedApproximationError {
                text += String(format: "; approximation seen on calibration rows %.3g", seen[j])
            }
            lines.append(text)
        }
        lines.append("model id     \(hex16(model.id))")
        for note in model.plan.notes { lines.append("note         \(note)") }
        return lines.joined(separator: "\n")
    }
}

/// What `--output` asks decrypt for.
enum OutputKind: String, ExpressibleByArgument, CaseIterable {
    case scores, probabilities, labels
}
