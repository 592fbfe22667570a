/// A plan's slot layout as stored in a compiled model file: one of the two packings, written as
/// `{"latency": {…}}` or `{"throughput": {…}}`.
public enum SlotLayout: Codable, Sendable, Equatable {
    /// The latency packing's layout.
    case latency(LatencyPacking)
    /// The throughput packing's layout.
    case throughput(ThroughputPacking)

    /// The layout as the protocol every packing implements.
    public var layout: any PackingLayout {
        switch self {
        case .latency(let l): return l
        case .throughput(let t): return t
        }
    }

    /// The latency packing's input period, 0 for throughput (the plan's `blockSize` field).
    public var blockSize: Int {
        if case .latency(let l) = self { return l.inputPeriod }
        return 0
    }

    /// Computes the layout of `packing` for `layers` on a ring with `slots` slots.
    /// - Parameters:
    ///   - packing: The packing.
    ///   - layers: The compiled layers (at least one).
    ///   - inputSize: The model's input width.
    ///   - slots: Slots per ciphertext (N/2).
    /// - Throws: ``ModelError/planFailed(_:)`` when the layers do not fit the packing on this ring.
    public init(packing: Packing, layers: [CompiledLayer], inputSize: Int, slots: Int) throws {
        switch packing {
        case .latency:
            self = .latency(try LatencyPacking(layers: layers, inputSize: inputSize, slots: slots))
        case .throughput:
            self = .throughput(
                try ThroughputPacking(
                    inputSize: inputSize, outputSize: layers.last?.weights.count ?? 0, slots: slots))
        }
    }

    /// Equal to `other` but perhaps for the rotation steps, which depend on which diagonals of
    /// the weights are zero (a client part's layout against one computed from its zeros).
    func matchesShape(of other: SlotLayout) -> Bool {
        switch (self, other) {
        case (.latency(let a), .latency(let b)):
            return a.slots == b.slots && a.inputPeriod == b.inputPeriod && a.inputCiphertexts == b.inputCiphertexts
                && a.layers == b.layers
        case (.throughput(let a), .throughput(let b)):
            return a == b
        default:
            return false
        }
    }

    private enum CodingKeys: String, CodingKey { case latency, throughput }

    /// Decodes `{"latency": …}` or `{"throughput": …}`.
    /// - Parameter decoder: The decoder.
    /// - Throws: `DecodingError` when neither key is present or a field is missing or mistyped.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let l = try c.decodeIfPresent(LatencyPacking.self, forKey: .latency) {
            self = .latency(l)
        } else if let t = try c.decodeIfPresent(ThroughputPacking.self, forKey: .throughput) {
            self = .throughput(t)
        } else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: c.codingPath, debugDescription: "a slot layout names latency or throughput"))
        }
    }

    /// Encodes `{"latency": …}` or `{"throughput": …}`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .latency(let l): try c.encode(l, forKey: .latency)
        case .throughput(let t): try c.encode(t, forKey: .throughput)
        }
    }
}
