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
enum LatencyLayout {
    struct LayerLayout {
        /// Fold the input period before the transform: (from, to).
        var preFold: (Int, Int)?
        /// The D×D matrix given to the diagonal engine (narrowing layers: only diagonals < R).
        var matrix: [[Double]]
        var blockSize: Int
        /// Fold after the transform (narrowing layers): (D, R).
        var postFold: (Int, Int)?
        /// Period of the layer's output.
        var outputPeriod: Int
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

    static func layouts(layers: [CompiledLayer], inputSize: Int) -> [LayerLayout] {
        var period = inputPeriod(layers: layers, inputSize: inputSize)
        var width = inputSize
        var out: [LayerLayout] = []
        for layer in layers {
            let r = layer.weights.count
            let d = nextPowerOfTwo(max(width, r))
            let preFold: (Int, Int)? = period > d ? (period, d) : nil
            let narrow = nextPowerOfTwo(r)
            if narrow < d {
                // Stacked rows, only the diagonals k < R (those with (j − i) mod D < R).
                var matrix = [[Double]](repeating: [Double](repeating: 0, count: d), count: d)
                for i in 0..<d {
                    let row = layer.weights[i % narrow < r ? i % narrow : 0]
                    guard i % narrow < r else { continue }
                    for j in 0..<width where ((j - i) % d + d) % d < narrow {
                        matrix[i][j] = row[j]
                    }
                }
                out.append(LayerLayout(preFold: preFold, matrix: matrix, blockSize: d, postFold: (d, narrow), outputPeriod: narrow))
                period = narrow
            } else {
                out.append(LayerLayout(preFold: preFold, matrix: layer.weights, blockSize: d, postFold: nil, outputPeriod: d))
                period = d
            }
            width = r
        }
        return out
    }

    /// Slot values for one sample.
    static func slots(for features: [Double], period: Int, slots: Int) -> [Double] {
        var out = [Double](repeating: 0, count: slots)
        for i in 0..<slots {
            let j = i % period
            if j < features.count { out[i] = features[j] }
        }
        return out
    }

    static func transforms(_ layouts: [LayerLayout], slots: Int) throws -> [LinearTransform] {
        try layouts.map { try LinearTransform(matrix: $0.matrix, blockSize: $0.blockSize, slots: slots) }
    }

    static func rotationSteps(layers: [CompiledLayer], inputSize: Int, slots: Int) throws -> [Int] {
        let plan = layouts(layers: layers, inputSize: inputSize)
        var steps = Set<Int>()
        for t in try transforms(plan, slots: slots) { steps.formUnion(t.rotationSteps) }
        for layout in plan {
            if let (from, to) = layout.preFold { steps.formUnion(try LinearTransform.foldSteps(from: from, to: to)) }
            if let (from, to) = layout.postFold { steps.formUnion(try LinearTransform.foldSteps(from: from, to: to)) }
        }
        return steps.sorted()
    }
}
