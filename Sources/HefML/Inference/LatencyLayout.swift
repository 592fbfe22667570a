/// The latency packing: one sample per ciphertext, its features replicated with period D (the
/// plan's block size) across all slots, so that slot rotations act as cyclic rotations of the
/// D-vector. Every dense layer is a D×D diagonal-method transform (padded with zeros) that
/// keeps the layout; the scores end in slots 0 ..< outputSize.
enum LatencyLayout {
    /// Slot values for one sample.
    static func slots(for features: [Double], blockSize: Int, slots: Int) -> [Double] {
        var out = [Double](repeating: 0, count: slots)
        for i in 0..<slots {
            let j = i % blockSize
            if j < features.count { out[i] = features[j] }
        }
        return out
    }

    static func transforms(layers: [CompiledLayer], blockSize: Int, slots: Int) throws -> [LinearTransform] {
        try layers.map { try LinearTransform(matrix: $0.weights, blockSize: blockSize, slots: slots) }
    }

    static func rotationSteps(layers: [CompiledLayer], blockSize: Int, slots: Int) throws -> [Int] {
        var steps = Set<Int>()
        for t in try transforms(layers: layers, blockSize: blockSize, slots: slots) { steps.formUnion(t.rotationSteps) }
        return steps.sorted()
    }
}
