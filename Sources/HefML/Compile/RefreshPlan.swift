import HefCKKS

/// Whether the planner may cut a model into segments with client-aided refreshes between
/// them (`hefctl model compile --refresh`).
public enum RefreshMode: String, Codable, Sendable, CaseIterable {
    /// One segment: the whole model at one ring (what every model did before refreshes).
    case none
    /// Always cut where the depth needs it, on the smallest ring that then holds the segments.
    case client
    /// Cut only when it pays: when the segments fit a smaller ring than the whole model.
    case auto
    /// Cut where the depth needs it and bootstrap there, on the server, without a round trip
    /// (``BootstrapRefresh``; latency packing, on a bootstrappable preset).
    case bootstrap
}

/// Where a compiled model stops for the key holder to refresh its ciphertexts, and the mask
/// that hides the message then (see `RefreshMask` and docs/refresh.md).
///
/// The model's evaluation is a list of stages: stage 2k is layer k's dense part (one level),
/// stage 2k + 1 its activation (the activation's depth). A cut after stage s ends a segment:
/// the server masks the ciphertexts at ``maskLevel``, the key holder re-encrypts them at the
/// top level, and the server goes on with stage s + 1. One key set serves every segment.
public struct RefreshPlan: Codable, Sendable, Equatable {
    /// The stages after which a refresh happens, ascending.
    public var cuts: [Int]
    /// Width of the masks, in bits (λ = 128 plus the values' bits at the scale).
    public var maskBits: Int
    /// The level the ciphertexts are masked at: the lowest whose modulus holds the mask.
    /// With bootstraps: 1, the level the division by the cut's value bound uses.
    public var maskLevel: Int
    /// Present when the server bootstraps at the cuts instead (no mask then: ``maskBits`` is 0).
    public var bootstrap: BootstrapRefresh?

    /// A refresh plan.
    /// - Parameters:
    ///   - cuts: the stages after which a refresh happens, ascending
    ///   - maskBits: width of the masks (0 with bootstraps)
    ///   - maskLevel: the level each segment but the last ends at
    ///   - bootstrap: how the server bootstraps at the cuts (nil: client-aided refreshes)
    public init(cuts: [Int], maskBits: Int, maskLevel: Int, bootstrap: BootstrapRefresh? = nil) {
        self.cuts = cuts
        self.maskBits = maskBits
        self.maskLevel = maskLevel
        self.bootstrap = bootstrap
    }

    /// The stages of `layers`: each layer's dense part and its activation, with their depths.
    public static func stageDepths(_ layers: [CompiledLayer]) -> [Int] {
        layers.flatMap { [1, $0.activation.depth] }
    }

    /// The segments as stage ranges (one more than the cuts).
    public func segments(stageCount: Int) -> [Range<Int>] {
        var start = 0
        var out: [Range<Int>] = []
        for cut in cuts {
            out.append(start..<(cut + 1))
            start = cut + 1
        }
        out.append(start..<stageCount)
        return out
    }

    /// The level each segment starts at: its depth above its floor (the mask's level, 0 for
    /// the last). The client encrypts its inputs at the first, the key holder re-encrypts at
    /// the next segment's: primes a segment would never use are not carried.
    public func startLevels(stageDepths: [Int]) -> [Int] {
        let segments = segments(stageCount: stageDepths.count)
        return segments.enumerated().map { i, segment in
            segment.reduce(0) { $0 + stageDepths[$1] } + (i == segments.count - 1 ? 0 : maskLevel)
        }
    }

    /// A readable name for a stage ("layer 2 dense", "layer 2 tanh").
    public static func stageName(_ stage: Int, layers: [CompiledLayer]) -> String {
        let k = stage / 2
        guard k < layers.count else { return "stage \(stage)" }
        if stage % 2 == 0 { return "layer \(k + 1) dense" }
        switch layers[k].activation {
        case .none: return "layer \(k + 1) (no activation)"
        case .square: return "layer \(k + 1) square"
        case .chebyshev(let c): return "layer \(k + 1) \(c.function)"
        }
    }

    /// Greedy segmentation: the fewest cuts such that every segment but the last uses at most
    /// `budget` levels and the last at most `lastBudget` (nil when a single stage is deeper).
    static func cuts(stageDepths: [Int], budget: Int, lastBudget: Int) -> [Int]? {
        // From the end: the last segment takes as many stages as fit lastBudget, then the
        // others fill `budget` each going backwards, so the first segment is the shortest.
        var cuts: [Int] = []
        var used = 0
        var limit = lastBudget
        var s = stageDepths.count - 1
        while s >= 0 {
            let d = stageDepths[s]
            if used + d <= limit {
                used += d
                s -= 1
            } else {
                guard d <= budget, s < stageDepths.count - 1 || d <= lastBudget else { return nil }
                cuts.append(s)
                used = 0
                limit = budget
            }
        }
        return cuts.reversed()
    }
}
