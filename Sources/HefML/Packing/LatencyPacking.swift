import Foundation
public import HefCKKS
import HefCircuits

/// The latency packing: one sample per ciphertext, its features replicated with period P across
/// all slots, so that slot rotations act as cyclic rotations of the P-vector.
///
/// Layer k (input width m, output width r) runs on a block of D = the smallest power of two
/// holding m and r:
/// - r ≥ m ("square or wider"): the D×D zero-padded matrix by the diagonal method; the output
///   has period D with zeros after the r outputs.
/// - r < m ("narrowing", Juvekar et al.'s hybrid method): with R = the smallest power of two
///   ≥ r, the matrix stacked D/R times vertically has diagonals d_{k+R} = d_k shifted by R, so
///   only the first R diagonals are evaluated, z = Σ_{k<R} d_k ⊙ rot(x, k), and the D/R partial
///   sums are added by folding the period from D to R (log2(D/R) rotations, no level). The
///   output is the r outputs replicated with period R — already the next layer's input.
/// Before a layer, an input whose period exceeds D (zeros after its meaningful entries) is
/// folded down to D. Biases are added with the output period.
///
/// First layer, when its diagonals fit side by side (#diagonals · D ≤ S): the client, who holds
/// the plaintext, encodes block b of the slots as x rotated by b ("pre-rotated" input), so one
/// plaintext product gives every d_b ⊙ rot(x, b) at once; log2(S/D) rotations by multiples of
/// D sum the blocks (and leave the sum replicated). This replaces the baby and giant steps and
/// the per-diagonal products of the first layer.
///
/// Inputs wider than a ciphertext (m > N/2 slots S) are tiled: the client sends ⌈m/S⌉
/// ciphertexts, chunk c holding features cS ..< (c+1)S (period S); the first layer evaluates the
/// hybrid transform of each column slice M[:, chunk c] (R diagonals each) and adds the partial
/// sums before the fold. Layers with more than S outputs are refused (use throughput packing).
public struct LatencyPacking: PackingLayout, Codable, Equatable {
    /// A period fold: the period `from` summed down to `to` (log2(from/to) rotations, no level).
    struct Fold: Codable, Sendable, Equatable {
        var from: Int
        var to: Int
    }

    /// What one layer does in this layout.
    struct LayerLayout: Codable, Sendable, Equatable {
        /// Fold the input period before the transform.
        var preFold: Fold?
        /// One transform per input chunk (their products are added; one chunk unless the first
        /// layer is tiled).
        var parts: [Part]
        var blockSize: Int
        /// Fold after the transform (narrowing layers): D to R.
        var postFold: Fold?
        /// Period of the layer's output.
        var outputPeriod: Int
        /// First layer with pre-rotated input: the number of diagonals placed side by side.
        var preRotatedDiagonals: Int? = nil
    }

    /// One diagonal-method transform: the weights restricted to `columns`, either as the
    /// zero-padded D×D matrix or in stacked-hybrid form with R = `narrow` diagonals.
    struct Part: Codable, Sendable, Equatable {
        var columns: Range<Int>
        var narrow: Int?
    }

    /// Slots per ciphertext of the ring the layout was computed for (N/2).
    public let slots: Int
    /// The period the client encodes one sample with (a power of two ≥ every layer width it
    /// meets first; the input chunk size when the input is tiled).
    public let inputPeriod: Int
    /// Input ciphertexts per sample: one, or ⌈inputSize / slots⌉ for a tiled input.
    public let inputCiphertexts: Int
    /// Every rotation the layers, folds and block sums use (sorted).
    public let rotationSteps: [Int]
    /// One entry per compiled layer.
    let layers: [LayerLayout]

    /// Always ``Packing/latency``.
    public var packing: Packing { .latency }
    /// One sample per batch.
    public var samplesPerBatch: Int { 1 }
    /// One output ciphertext (the scores in the first slots).
    public var outputCiphertexts: Int { 1 }
    /// "block P" with the input period.
    public var summary: String { "block \(inputPeriod)" }

    /// The period of the slot vector after `stage` (stage 2k: layer k's dense part, 2k + 1 its
    /// activation): the layer's output period, which the activation keeps.
    /// - Parameter stage: a stage of the model
    public func period(afterStage stage: Int) -> Int { layers[stage / 2].outputPeriod }

    /// Computes the layout of `layers` for a ring with `slots` slots.
    /// - Parameters:
    ///   - layers: The compiled layers (at least one).
    ///   - inputSize: The model's input width.
    ///   - slots: Slots per ciphertext (N/2).
    /// - Throws: ``ModelError/planFailed(_:)`` when a layer is wider than a ciphertext.
    public init(layers: [CompiledLayer], inputSize: Int, slots: Int) throws {
        guard !layers.isEmpty, inputSize >= 1, slots >= 1 else { throw ModelError.planFailed("nothing to lay out") }
        let plan = try Self.layouts(layers: layers, inputSize: inputSize, slots: slots)
        self.slots = slots
        self.inputPeriod = Self.inputPeriod(layers: layers, inputSize: inputSize)
        self.inputCiphertexts = Self.inputChunks(inputSize: inputSize, slots: slots)
        self.layers = plan
        self.rotationSteps = try Self.rotationSteps(plan, layers: layers, slots: slots)
    }

    /// One batch per row.
    public func batches(isolated: [Bool]) -> [Range<Int>] {
        isolated.indices.map { $0..<($0 + 1) }
    }

    /// The sample replicated with the input period, pre-rotated for the first layer when it fits, or tiled.
    public func slotValues(for rows: [[Double]]) -> [[Double]] {
        Self.slots(for: rows[0], layout: layers[0], period: inputPeriod, slots: slots)
    }

    /// The first `outputSize` slots of the one output ciphertext.
    public func scores(fromDecrypted decrypted: [[Double]], samples: Int, outputSize: Int) -> [[Double]] {
        [Array(decrypted[0].prefix(outputSize))]
    }

    /// Encodes the layer transforms, biases and side-by-side diagonals once at their levels.
    /// - Parameters:
    ///   - layers: The compiled layers the layout was computed for.
    ///   - evaluator: The server's evaluator.
    ///   - refresh: The model's refresh points (each segment's diagonals at its own levels).
    /// - Throws: ``ModelError/wrongModel(_:)`` when the evaluator's ring or the layers are not the
    ///   layout's; `CKKSError` cases of encoding.
    public func prepareEvaluation(layers: [CompiledLayer], evaluator: Evaluator, refresh: RefreshPlan? = nil) throws
        -> any PackedEvaluation
    {
        try LatencyEvaluation(layout: self, layers: layers, evaluator: evaluator, refresh: refresh)
    }

    /// Block sums and folds add copies of the noise; rotations add key-switching noise.
    public func denseNoise(
        layer k: Int, outputWidth: Int, weightNorm norm: Double, inputNoise noise: Double, rescale: Double,
        keySwitch: Double,
        ringDegree: Int
    ) -> Double {
        func rss(_ a: Double, _ b: Double) -> Double { (a * a + b * b).squareRoot() }
        let n = Double(ringDegree)
        // The first layer's block sums add the noise of every block's copy of a value:
        // √(slots / block) times one copy's. Later layers' diagonals sum one rotated copy per
        // input, and period folds at most block / width copies.
        let copies =
            k == 0
            ? (n / 2 / Double(max(inputPeriod, 1))).squareRoot()
            : max(1, Double(max(inputPeriod, 1)) / Double(outputWidth)).squareRoot()
        let z = rss(copies * norm * rss(noise, keySwitch), rescale)
        return rss(z, copies * log2(n).squareRoot() * keySwitch)
    }

    /// Number of input ciphertexts per sample.
    static func inputChunks(inputSize: Int, slots: Int) -> Int {
        inputSize > slots ? (inputSize + slots - 1) / slots : 1
    }

    static func nextPowerOfTwo(_ x: Int) -> Int {
        var d = 1
        while d < x { d <<= 1 }
        return d
    }

    /// The period the client encodes with.
    static func inputPeriod(layers: [CompiledLayer], inputSize: Int) -> Int {
        nextPowerOfTwo(max(inputSize, layers.first?.weights.count ?? 1))
    }

    static func layouts(layers: [CompiledLayer], inputSize: Int, slots: Int) throws -> [LayerLayout] {
        var out: [LayerLayout] = []
        var width = inputSize
        var period: Int
        if inputSize > slots {
            // Tiled first layer: one hybrid (or full) transform per chunk of S input columns.
            let r = layers[0].weights.count
            guard r <= slots else {
                throw ModelError.planFailed(
                    "layer 1 has \(r) outputs, more than a ciphertext's \(slots) slots; use throughput packing")
            }
            let narrow = nextPowerOfTwo(r)
            let parts = (0..<inputChunks(inputSize: inputSize, slots: slots)).map { c in
                Part(columns: (c * slots)..<min(inputSize, (c + 1) * slots), narrow: narrow < slots ? narrow : nil)
            }
            out.append(
                LayerLayout(
                    preFold: nil, parts: parts, blockSize: slots,
                    postFold: narrow < slots ? Fold(from: slots, to: narrow) : nil,
                    outputPeriod: narrow))
            period = narrow
            width = r
        } else {
            period = inputPeriod(layers: layers, inputSize: inputSize)
        }
        for layer in layers.dropFirst(out.count) {
            let r = layer.weights.count
            let d = nextPowerOfTwo(max(width, r))
            guard d <= slots else {
                throw ModelError.planFailed(
                    "a layer \(width)→\(r) is wider than a ciphertext's \(slots) slots; use throughput packing")
            }
            let preFold = period > d ? Fold(from: period, to: d) : nil
            let narrow = nextPowerOfTwo(r)
            let diagonals = narrow < d ? narrow : d
            // The first layer sees the client's encoding: pre-rotate when the diagonals fit.
            let preRotated = out.isEmpty && diagonals * d <= slots && d < slots ? diagonals : nil
            if narrow < d {
                out.append(
                    LayerLayout(
                        preFold: preFold, parts: [Part(columns: 0..<width, narrow: narrow)], blockSize: d,
                        postFold: Fold(from: d, to: narrow),
                        outputPeriod: narrow, preRotatedDiagonals: preRotated))
                period = narrow
            } else {
                out.append(
                    LayerLayout(
                        preFold: preFold, parts: [Part(columns: 0..<width, narrow: nil)], blockSize: d, postFold: nil,
                        outputPeriod: d,
                        preRotatedDiagonals: preRotated))
                period = d
            }
            width = r
        }
        return out
    }

    /// Slot values for one sample laid out for the first layer: pre-rotated blocks when the
    /// layout says so, else replicated with the input period (or tiled).
    static func slots(for features: [Double], layout first: LayerLayout, period: Int, slots: Int) -> [[Double]] {
        guard let diagonals = first.preRotatedDiagonals else {
            return self.slots(for: features, period: period, slots: slots)
        }
        let d = first.blockSize
        var out = [Double](repeating: 0, count: slots)
        for b in 0..<diagonals {
            for i in 0..<d {
                let j = (i + b) % d
                if j < features.count { out[b * d + i] = features[j] }
            }
        }
        return [out]
    }

    /// The first layer's diagonals side by side (block b = diagonal b), for pre-rotated input.
    static func sideBySideDiagonals(_ layout: LayerLayout, layer: CompiledLayer, slots: Int) -> [Double] {
        let d = layout.blockSize
        let entry = entryFunction(layout.parts[0], blockSize: d, weights: layer.weights)
        var out = [Double](repeating: 0, count: slots)
        for b in 0..<(layout.preRotatedDiagonals ?? 0) {
            for i in 0..<d { out[b * d + i] = entry(i, (i + b) % d) }
        }
        return out
    }

    /// The matrix entry (i, j) of a part's D×D transform.
    static func entryFunction(_ part: Part, blockSize d: Int, weights: [[Double]]) -> (Int, Int) -> Double {
        let r = weights.count
        let base = part.columns.lowerBound
        let width = part.columns.count
        if let narrow = part.narrow {
            // Stacked rows M[i mod R], only on the diagonals k < R.
            return { i, j in
                let row = i % narrow
                guard row < r, j < width, ((j - i) % d + d) % d < narrow else { return 0 }
                return weights[row][base + j]
            }
        }
        return { i, j in i < r && j < width ? weights[i][base + j] : 0 }
    }

    /// Rotations that sum the side-by-side blocks of period D over all the slots.
    static func blockSumSteps(blockSize d: Int, slots: Int) -> [Int] {
        var steps: [Int] = []
        var s = d
        while s < slots {
            steps.append(s)
            s <<= 1
        }
        return steps
    }

    /// Slot values for one sample: one array per input ciphertext.
    static func slots(for features: [Double], period: Int, slots: Int) -> [[Double]] {
        if features.count > slots {
            return (0..<inputChunks(inputSize: features.count, slots: slots)).map { c in
                var chunk = Array(features[(c * slots)..<min(features.count, (c + 1) * slots)])
                chunk += [Double](repeating: 0, count: slots - chunk.count)
                return chunk
            }
        }
        var out = [Double](repeating: 0, count: slots)
        for i in 0..<slots {
            let j = i % period
            if j < features.count { out[i] = features[j] }
        }
        return [out]
    }

    /// The transforms of each layer (several for a tiled first layer; none for a pre-rotated one).
    static func transforms(_ layouts: [LayerLayout], layers: [CompiledLayer], slots: Int) throws -> [[LinearTransform]]
    {
        try zip(layouts, layers).map { layout, layer in
            if layout.preRotatedDiagonals != nil { return [] }
            return try layout.parts.map { part in
                let d = layout.blockSize
                let entry = entryFunction(part, blockSize: d, weights: layer.weights)
                let diagonals = part.narrow.map { Array(0..<$0) } ?? Array(0..<d)
                return try LinearTransform(
                    blockSize: d, slots: slots, rows: part.narrow == nil ? layer.weights.count : d,
                    columns: part.columns.count,
                    diagonals: diagonals, entry: entry)
            }
        }
    }

    static func rotationSteps(_ plan: [LayerLayout], layers: [CompiledLayer], slots: Int) throws -> [Int] {
        var steps = Set<Int>()
        for layer in try transforms(plan, layers: layers, slots: slots) {
            for t in layer { steps.formUnion(t.rotationSteps) }
        }
        for layout in plan {
            if layout.preRotatedDiagonals != nil {
                steps.formUnion(blockSumSteps(blockSize: layout.blockSize, slots: slots))
            }
            if let fold = layout.preFold {
                steps.formUnion(try LinearTransform.foldSteps(from: fold.from, to: fold.to))
            }
            if let fold = layout.postFold {
                steps.formUnion(try LinearTransform.foldSteps(from: fold.from, to: fold.to))
            }
        }
        return steps.sorted()
    }
}
