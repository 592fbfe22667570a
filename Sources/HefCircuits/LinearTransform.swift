import Foundation
public import HefCKKS

/// y = M·x (+ bias) on a ciphertext whose slots hold x ∈ R^D replicated with period D
/// (slot i holds x[i mod D]), by the diagonal method with baby-step/giant-step and hoisted
/// baby rotations (Halevi–Shoup):
///
///     y = Σ_g rot_{g·n1}( Σ_j diag'_{g·n1+j} ⊙ rot_j(x) ),   diag'_k = rot_{−g·n1}(diag_k),
///
/// with diag_k[i] = M[i][(i + k) mod D]. M (rows = outputs) is zero padded to D × D; the
/// output is again period-D replicated, with zeros in slots rows…D−1 of every block.
///
/// Levels: one. The diagonals are encoded at scale q_l (the prime the final rescale drops), so
/// the output scale equals the input scale exactly and the output level is the input's − 1.
///
/// Rotation steps: with n1 the baby step (a power of two) and K the set of non-zero
/// diagonals, {k mod n1 : k ∈ K} ∪ {⌊k/n1⌋·n1 : k ∈ K}, without 0 (``rotationSteps``).
public struct LinearTransform: Sendable {
    /// Rows of M (outputs, at most D).
    public let rows: Int
    /// Columns of M (inputs, at most D).
    public let columns: Int
    /// D: the period of input and output (a power of two dividing `slots`).
    public let blockSize: Int
    /// Slots of the ciphertexts the transform runs on.
    public let slots: Int
    /// n1.
    public let babyStep: Int
    let block: DiagonalBlock

    /// A transform of the matrix M.
    /// - Parameters:
    ///   - matrix: rows = outputs (at most D), each with at most D entries (inputs).
    ///   - blockSize: D, a power of two dividing `slots`.
    ///   - slots: Slots of the ciphertexts the transform runs on.
    ///   - babyStep: n1 (a power of two ≤ D); default: the one minimising rotations.
    /// - Throws: `CKKSError/invalidParameters(_:)` when the matrix does not fit D × D, D is not a
    ///   power of two dividing `slots`, or the baby step is not a power of two ≤ D.
    public init(matrix: [[Double]], blockSize: Int, slots: Int, babyStep: Int? = nil) throws {
        let columns = matrix.map(\.count).max() ?? 0
        guard matrix.count <= blockSize, columns <= blockSize else {
            throw CKKSError.invalidParameters(
                "a \(matrix.count)×\(columns) matrix does not fit blocks of \(blockSize); use TiledLinearTransform")
        }
        try self.init(
            blockSize: blockSize, slots: slots, rows: matrix.count, columns: columns,
            diagonals: Array(0..<max(blockSize, 1)),
            babyStep: babyStep
        ) { i, j in i < matrix.count && j < matrix[i].count ? matrix[i][j] : 0 }
    }

    /// A transform known only on some diagonals: diag_k[i] = entry(i, (i + k) mod D) for k in
    /// `diagonals`, every other diagonal zero. Builds in O(|diagonals|·D) without a D×D matrix
    /// (for structured matrices such as the hybrid method's stacked rows).
    /// - Parameters:
    ///   - blockSize: D, a power of two dividing `slots`.
    ///   - slots: Slots of the ciphertexts the transform runs on.
    ///   - rows: Outputs (at most D).
    ///   - columns: Inputs (at most D).
    ///   - diagonals: The non-zero diagonals k (0 ≤ k < D).
    ///   - babyStep: n1 (a power of two ≤ D); default: the one minimising rotations.
    ///   - entry: M[i][j] for the entries on those diagonals.
    /// - Throws: `CKKSError/invalidParameters(_:)` when D is not a power of two dividing `slots`,
    ///   the matrix does not fit D × D, or the baby step is not a power of two ≤ D.
    public init(
        blockSize: Int, slots: Int, rows: Int, columns: Int, diagonals: [Int], babyStep: Int? = nil,
        entry: (Int, Int) -> Double
    ) throws {
        let d = blockSize
        guard d >= 1, d & (d - 1) == 0, slots % d == 0, d <= slots, rows <= d, columns <= d else {
            throw CKKSError.invalidParameters(
                "the block size must be a power of two dividing the slot count and holding the matrix")
        }
        self.rows = rows
        self.columns = columns
        self.blockSize = d
        self.slots = slots
        block = DiagonalBlock(size: d, diagonals: diagonals, entry: entry)
        if let babyStep {
            guard babyStep >= 1, babyStep & (babyStep - 1) == 0, babyStep <= d else {
                throw CKKSError.invalidParameters("the baby step must be a power of two ≤ the block size")
            }
            self.babyStep = babyStep
        } else {
            self.babyStep = DiagonalEngine.chooseBabyStep(size: d, blocks: [[block]])
        }
    }

    /// Number of non-zero diagonals (plaintext products).
    public var diagonalCount: Int { block.diagonals.count }

    /// The baby-step rotations (hoisted once per input).
    public var babySteps: [Int] { DiagonalEngine.babySteps(block, n1: babyStep).sorted() }
    /// The giant-step rotations (one per giant step).
    public var giantSteps: [Int] { DiagonalEngine.giantSteps(block, n1: babyStep).sorted() }

    /// Exactly the rotation steps ``evaluate(_:evaluator:bias:encoded:)`` uses (for key generation).
    public var rotationSteps: [Int] { Set(babySteps).union(giantSteps).sorted() }

    /// The diagonals encoded for inputs at `level` (reusable across evaluations at that level).
    /// - Parameters:
    ///   - context: The context of the ciphertexts.
    ///   - level: The level of the inputs the encoding is for.
    /// - Throws: The `CKKSError` cases of encoding (a level above the context's top).
    public func encoded(context: CKKSContext, level: Int) throws -> EncodedLinearTransform {
        EncodedLinearTransform(
            level: level,
            block: try DiagonalEngine.encode(block, n1: babyStep, slots: slots, context: context, level: level))
    }

    /// M·x (+ bias, replicated with period D and added at the result's scale).
    /// - Parameters:
    ///   - ct: x replicated with period D.
    ///   - evaluator: An evaluator with the keys of ``rotationSteps``.
    ///   - bias: Optional bias (at most D values).
    ///   - encoded: Diagonals encoded by ``encoded(context:level:)`` (encoded here when nil).
    /// - Throws: `CKKSError/slotCountMismatch(_:_:)` for another slot count,
    ///   `CKKSError/levelExhausted(_:)` when `encoded` is above the input's level,
    ///   `CKKSError/tooManyValues(given:slots:)` for a bias longer than D, and the evaluator's
    ///   `CKKSError` cases (a missing rotation key, no level left).
    public func evaluate(
        _ ct: Ciphertext, evaluator: Evaluator, bias: [Double]? = nil, encoded: EncodedLinearTransform? = nil
    ) throws -> Ciphertext {
        guard ct.slots == slots else { throw CKKSError.slotCountMismatch(slots, ct.slots) }
        var x = ct
        let enc: EncodedLinearTransform
        if let encoded {
            guard encoded.level <= x.level else {
                throw CKKSError.levelExhausted(
                    "the transform was encoded for level \(encoded.level), above the input's \(x.level)")
            }
            if x.level > encoded.level { x.dropLevels(to: encoded.level) }
            enc = encoded
        } else {
            enc = try self.encoded(context: evaluator.context, level: x.level)
        }
        var y = try DiagonalEngine.evaluate(
            inputs: [x], blocks: [[block]], encoded: [[enc.block]], n1: babyStep, evaluator: evaluator)[0]
        if let bias {
            guard bias.count <= blockSize else { throw CKKSError.tooManyValues(given: bias.count, slots: blockSize) }
            y = try evaluator.add(y, replicated: bias, period: blockSize)
        }
        return y
    }

    // MARK: Period folding

    /// Shrinks the period of a replicated vector from `period` to `target` (powers of two,
    /// target ≤ period): z ← z + rot(z, p/2) for p = period, period/2, …, 2·target.
    ///
    /// Precondition: in every period-`period` block only the first `target` slots are
    /// non-zero (as after a transform with at most `target` rows). Each step maps a period-p
    /// vector whose blocks are [v, 0] (halves of p/2) to the period-p/2 vector [v]: slot i with
    /// i mod p < p/2 gets v + 0, and slot i with i mod p ≥ p/2 gets 0 + v[(i + p/2) mod p].
    /// No level is used; the steps are ``foldSteps(from:to:)``.
    /// - Parameters:
    ///   - ct: The replicated vector.
    ///   - period: Its period.
    ///   - target: The period wanted.
    ///   - evaluator: An evaluator with the keys of ``foldSteps(from:to:)``.
    /// - Throws: `CKKSError/invalidParameters(_:)` for periods that are not powers of two with
    ///   target ≤ period; the evaluator's `CKKSError` cases (a missing rotation key).
    public static func foldPeriod(_ ct: Ciphertext, from period: Int, to target: Int, evaluator: Evaluator) throws
        -> Ciphertext
    {
        var z = ct
        for step in try foldSteps(from: period, to: target) {
            z = try evaluator.add(z, try evaluator.rotate(z, by: step))
        }
        return z
    }

    /// The rotations of ``foldPeriod(_:from:to:evaluator:)``: period/2, period/4, …, target.
    /// - Parameters:
    ///   - period: The period folded.
    ///   - target: The period wanted.
    /// - Throws: `CKKSError/invalidParameters(_:)` for periods that are not powers of two with
    ///   target ≤ period.
    public static func foldSteps(from period: Int, to target: Int) throws -> [Int] {
        guard target >= 1, period >= target, target & (target - 1) == 0, period & (period - 1) == 0 else {
            throw CKKSError.invalidParameters("fold periods must be powers of two with target ≤ period")
        }
        var steps: [Int] = []
        var p = period
        while p > target {
            steps.append(p / 2)
            p /= 2
        }
        return steps
    }
}

/// A ``LinearTransform``'s diagonals encoded as plaintexts for one input level.
public struct EncodedLinearTransform: Sendable {
    /// The input level the diagonals were encoded for.
    public let level: Int
    let block: EncodedBlock
}
