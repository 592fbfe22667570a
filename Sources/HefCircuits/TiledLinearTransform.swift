import Foundation
public import HefCKKS

/// y = M·x (+ bias) for layers wider than one ciphertext. x ∈ R^C is split over
/// ⌈C/slots⌉ ciphertexts (ciphertext b holds x[b·slots ..< (b+1)·slots], zero padded), and y
/// over ⌈R/slots⌉ ciphertexts the same way. M is cut into slots × slots blocks M_{a,b}; each
/// output is y_a = Σ_b M_{a,b}·x_b, evaluated as one baby-step/giant-step sum (a common n1,
/// each input's baby rotations hoisted once and shared by all outputs, one giant rotation per
/// (output, giant step), one rescale per output). All-zero blocks are skipped.
///
/// Levels: one; output scale = input scale exactly. Rotation steps: the union over blocks of
/// {k mod n1} ∪ {⌊k/n1⌋·n1} over their non-zero diagonals k, without 0.
public struct TiledLinearTransform: Sendable {
    /// Rows of M (outputs).
    public let rows: Int
    /// Columns of M (inputs).
    public let columns: Int
    /// Slots per ciphertext (the block size).
    public let slots: Int
    /// n1, common to all blocks.
    public let babyStep: Int
    /// blocks[a][b] (nil when zero).
    let blocks: [[DiagonalBlock?]]

    /// Input ciphertexts: ⌈columns / slots⌉.
    public var inputCount: Int { blocks.first?.count ?? 0 }
    /// Output ciphertexts: ⌈rows / slots⌉.
    public var outputCount: Int { blocks.count }

    /// A tiled transform of the matrix M.
    /// - Parameters:
    ///   - matrix: rows = outputs, each row the inputs.
    ///   - slots: Slots per ciphertext (a power of two).
    ///   - babyStep: n1 (a power of two ≤ slots); default: the one minimising rotations.
    /// - Throws: `CKKSError/invalidParameters(_:)` for an empty matrix, a slot count that is not a
    ///   power of two or an invalid baby step.
    public init(matrix: [[Double]], slots: Int, babyStep: Int? = nil) throws {
        guard slots >= 1, slots & (slots - 1) == 0 else {
            throw CKKSError.invalidParameters("slots must be a power of two")
        }
        rows = matrix.count
        columns = matrix.map(\.count).max() ?? 0
        guard rows >= 1, columns >= 1 else { throw CKKSError.invalidParameters("empty matrix") }
        self.slots = slots
        let outBlocks = (rows + slots - 1) / slots
        let inBlocks = (columns + slots - 1) / slots
        var blocks: [[DiagonalBlock?]] = []
        for a in 0..<outBlocks {
            var row: [DiagonalBlock?] = []
            for b in 0..<inBlocks {
                let blk = DiagonalBlock(size: slots) { i, j in
                    let r = a * slots + i
                    let c = b * slots + j
                    return r < matrix.count && c < matrix[r].count ? matrix[r][c] : 0
                }
                row.append(blk.isZero ? nil : blk)
            }
            blocks.append(row)
        }
        self.blocks = blocks
        if let babyStep {
            guard babyStep >= 1, babyStep & (babyStep - 1) == 0, babyStep <= slots else {
                throw CKKSError.invalidParameters("the baby step must be a power of two ≤ the slot count")
            }
            self.babyStep = babyStep
        } else {
            self.babyStep = DiagonalEngine.chooseBabyStep(size: slots, blocks: blocks)
        }
    }

    /// Exactly the rotation steps ``evaluate(_:evaluator:bias:encoded:)`` uses.
    public var rotationSteps: [Int] {
        var steps = Set<Int>()
        for row in blocks {
            for blk in row {
                if let blk {
                    steps.formUnion(DiagonalEngine.babySteps(blk, n1: babyStep))
                    steps.formUnion(DiagonalEngine.giantSteps(blk, n1: babyStep))
                }
            }
        }
        return steps.sorted()
    }

    /// Splits a plaintext vector into the per-ciphertext chunks the transform expects.
    public func split(_ x: [Double], count: Int? = nil) -> [[Double]] {
        let n = count ?? inputCount
        return (0..<n).map { b in
            (0..<slots).map { i in b * slots + i < x.count ? x[b * slots + i] : 0 }
        }
    }

    /// The blocks' diagonals encoded for inputs at `level`.
    /// - Parameters:
    ///   - context: The context of the ciphertexts.
    ///   - level: The level of the inputs the encoding is for.
    /// - Throws: The `CKKSError` cases of encoding.
    public func encoded(context: CKKSContext, level: Int) throws -> EncodedTiledLinearTransform {
        let enc = try blocks.map { row in
            try row.map { blk in
                try blk.map {
                    try DiagonalEngine.encode($0, n1: babyStep, slots: slots, context: context, level: level)
                }
            }
        }
        return EncodedTiledLinearTransform(level: level, blocks: enc)
    }

    /// The outputs y_0 … y_{outputCount−1} (+ bias, split the same way).
    /// - Parameters:
    ///   - inputs: x split over ``inputCount`` ciphertexts.
    ///   - evaluator: An evaluator with the rotation keys of the blocks.
    ///   - bias: Optional bias (at most outputCount · slots values).
    ///   - encoded: Blocks encoded by ``encoded(context:level:)`` (encoded here when nil).
    /// - Throws: `CKKSError/invalidParameters(_:)` for the wrong number of inputs,
    ///   `CKKSError/slotCountMismatch(_:_:)`, `CKKSError/levelExhausted(_:)` when `encoded` is
    ///   above an input's level, `CKKSError/tooManyValues(given:slots:)` for a long bias, and the
    ///   evaluator's `CKKSError` cases.
    public func evaluate(
        _ inputs: [Ciphertext], evaluator: Evaluator, bias: [Double]? = nil, encoded: EncodedTiledLinearTransform? = nil
    ) throws -> [Ciphertext] {
        guard inputs.count == inputCount else {
            throw CKKSError.invalidParameters("the transform takes \(inputCount) ciphertexts, got \(inputs.count)")
        }
        for ct in inputs where ct.slots != slots { throw CKKSError.slotCountMismatch(slots, ct.slots) }
        var xs = inputs
        let enc: EncodedTiledLinearTransform
        if let encoded {
            for i in xs.indices {
                guard xs[i].level >= encoded.level else {
                    throw CKKSError.levelExhausted(
                        "the transform was encoded for level \(encoded.level), above an input's \(xs[i].level)")
                }
                if xs[i].level > encoded.level { xs[i].dropLevels(to: encoded.level) }
            }
            enc = encoded
        } else {
            enc = try self.encoded(context: evaluator.context, level: xs.map(\.level).min()!)
        }
        var ys = try DiagonalEngine.evaluate(
            inputs: xs, blocks: blocks, encoded: enc.blocks, n1: babyStep, evaluator: evaluator)
        if let bias {
            guard bias.count <= outputCount * slots else {
                throw CKKSError.tooManyValues(given: bias.count, slots: outputCount * slots)
            }
            let chunks = split(bias, count: outputCount)
            for a in ys.indices where chunks[a].contains(where: { $0 != 0 }) {
                ys[a] = try evaluator.add(ys[a], replicated: chunks[a], period: slots)
            }
        }
        return ys
    }
}

/// A ``TiledLinearTransform``'s blocks encoded for one input level.
public struct EncodedTiledLinearTransform: Sendable {
    /// The input level the blocks were encoded for.
    public let level: Int
    let blocks: [[EncodedBlock?]]
}
