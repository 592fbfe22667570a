import Foundation
public import HefCKKS
import HefRing

/// The generalized diagonals of one D × D block: diag_k[i] = M[i][(i + k) mod D], kept only
/// when not all zero.
struct DiagonalBlock: Sendable {
    let size: Int
    let diagonals: [Int: [Double]]

    /// `entry(i, j)` is M[i][j] for i, j < size (zero padding is the caller's).
    init(size: Int, entry: (Int, Int) -> Double) {
        self.size = size
        var diagonals: [Int: [Double]] = [:]
        for k in 0..<size {
            let d = (0..<size).map { i in entry(i, (i + k) % size) }
            if d.contains(where: { $0 != 0 }) { diagonals[k] = d }
        }
        self.diagonals = diagonals
    }

    /// Only the diagonals in `indices` (the others are zero): O(|indices|·size) work.
    init(size: Int, diagonals indices: [Int], entry: (Int, Int) -> Double) {
        self.size = size
        var diagonals: [Int: [Double]] = [:]
        for k in Set(indices) where k >= 0 && k < size {
            let d = (0..<size).map { i in entry(i, (i + k) % size) }
            if d.contains(where: { $0 != 0 }) { diagonals[k] = d }
        }
        self.diagonals = diagonals
    }

    var isZero: Bool { diagonals.isEmpty }
}

/// Plaintext diagonals of one block, grouped by giant step g: entries (j, diag'_{g·n1+j})
/// with diag' rotated right by g·n1 and replicated over the slots, at scale q_level.
struct EncodedBlock: Sendable {
    var groups: [Int: [(baby: Int, plaintext: Plaintext)]]
}

/// Baby-step/giant-step diagonal evaluation (Halevi–Shoup) shared by ``LinearTransform`` and
/// ``TiledLinearTransform``: for output block a,
/// y_a = Σ_g rot_{g·n1}( Σ_b Σ_j diag'^{(a,b)}_{g·n1+j} ⊙ rot_j(x_b) ),
/// the baby rotations rot_j(x_b) hoisted (one decomposition per input).
enum DiagonalEngine {
    /// The power-of-two n1 minimising an estimate of the rotation cost (a hoisted baby step
    /// counted as 0.6 of a giant step) over the blocks' non-zero diagonals.
    static func chooseBabyStep(size: Int, blocks: [[DiagonalBlock?]]) -> Int {
        var best = 1
        var bestCost = Double.infinity
        var n1 = 1
        while n1 <= size {
            var baby = 0
            var giant = 0
            let inputs = blocks.first?.count ?? 0
            for b in 0..<inputs {
                var steps = Set<Int>()
                for row in blocks {
                    if let blk = row[b] { for k in blk.diagonals.keys where k % n1 != 0 { steps.insert(k % n1) } }
                }
                baby += steps.count
            }
            for row in blocks {
                var steps = Set<Int>()
                for blk in row { if let blk { for k in blk.diagonals.keys where k / n1 != 0 { steps.insert(k / n1) } } }
                giant += steps.count
            }
            let cost = 0.6 * Double(baby) + Double(giant)
            if cost < bestCost - 1e-9 {
                best = n1
                bestCost = cost
            }
            n1 <<= 1
        }
        return best
    }

    static func babySteps(_ block: DiagonalBlock, n1: Int) -> Set<Int> {
        Set(block.diagonals.keys.map { $0 % n1 }.filter { $0 != 0 })
    }

    static func giantSteps(_ block: DiagonalBlock, n1: Int) -> Set<Int> {
        Set(block.diagonals.keys.map { ($0 / n1) * n1 }.filter { $0 != 0 })
    }

    /// Encodes a block's diagonals at `level`, scale q_level (the prime the transform's
    /// rescale drops), replicated over `slots` slots.
    static func encode(_ block: DiagonalBlock, n1: Int, slots: Int, context: CKKSContext, level: Int) throws
        -> EncodedBlock
    {
        let d = block.size
        let scale = Double(context.parameters.q[level])
        var groups: [Int: [(baby: Int, plaintext: Plaintext)]] = [:]
        for k in block.diagonals.keys.sorted() {
            let diag = block.diagonals[k]!
            let g = k / n1
            let j = k % n1
            let shift = g * n1
            // diag'[i] = diag[(i − g·n1) mod D], so that rot_{g·n1}(diag' ⊙ ·) = diag ⊙ rot_{g·n1}(·).
            let values = (0..<slots).map { i in diag[((i - shift) % d + d) % d] }
            let pt = try context.encode(values, level: level, scale: scale, slots: slots)
            groups[g, default: []].append((j, pt))
        }
        return EncodedBlock(groups: groups)
    }

    /// Evaluates output blocks from inputs (all at one level, scale and slot count). Returns
    /// the outputs rescaled (one level), at the inputs' scale exactly.
    static func evaluate(
        inputs: [Ciphertext], blocks: [[DiagonalBlock?]], encoded: [[EncodedBlock?]], n1: Int, evaluator: Evaluator
    ) throws -> [Ciphertext] {
        guard let first = inputs.first else { throw CKKSError.invalidParameters("no input ciphertext") }
        let level = inputs.map(\.level).min()!
        var xs = inputs
        for i in xs.indices {
            guard Evaluator.sameScale(xs[i].scale, first.scale) else {
                throw CKKSError.scaleMismatch(first.scale, xs[i].scale)
            }
            if xs[i].size != 2 { xs[i] = try evaluator.relinearize(xs[i]) }
            if xs[i].level > level { xs[i].dropLevels(to: level) }
        }
        guard level >= 1 else {
            throw CKKSError.levelExhausted("a linear transform needs one level; the input is at level 0")
        }
        let context = evaluator.context
        let scale = first.scale
        let productScale = scale * Double(context.parameters.q[level])

        // Hoisted baby steps per input.
        var babies: [[Int: Ciphertext]] = []
        for b in xs.indices {
            var steps = Set<Int>([0])
            for row in blocks { if let blk = row[b] { steps.formUnion(babySteps(blk, n1: n1)) } }
            babies.append(try evaluator.rotations(xs[b], by: steps.sorted()))
        }

        // Giant steps are independent (an inner product and one rotation each): with several
        // operation threads they run side by side, and are summed in order afterwards, so the
        // result is the same words as one at a time.
        let hoisted = babies
        let inputCount = xs.count
        let giantThreads = Parallelism.operationThreads
        var outputs: [Ciphertext] = []
        for a in blocks.indices {
            var giantSet = Set<Int>()
            for b in xs.indices { if let e = encoded[a][b] { giantSet.formUnion(e.groups.keys) } }
            let giants = giantSet.sorted()
            let inner: @Sendable (Int) throws -> Ciphertext? = { k in
                let g = giants[k]
                // Σ_j diag_j ⊙ rot_j(x), one lazily reduced inner product per polynomial.
                var c0: [Poly<Eval>] = []
                var c1: [Poly<Eval>] = []
                var diagonals: [Poly<Eval>] = []
                for b in 0..<inputCount {
                    guard let terms = encoded[a][b]?.groups[g] else { continue }
                    for (j, pt) in terms {
                        let r = hoisted[b][j]!
                        c0.append(r.polys[0])
                        c1.append(r.polys[1])
                        diagonals.append(pt.poly)
                    }
                }
                guard !diagonals.isEmpty else { return nil }
                let acc0 = Poly<Eval>.innerProduct(c0, diagonals, moduliCount: level + 1)
                let acc1 = Poly<Eval>.innerProduct(c1, diagonals, moduliCount: level + 1)
                let product = Ciphertext(
                    polys: [acc0, acc1], scale: productScale, slots: first.slots,
                    parametersID: first.parametersID, keyID: first.keyID)
                return g != 0 ? try evaluator.rotate(product, by: g * n1) : product
            }
            var total: Ciphertext?
            func accumulate(_ part: Ciphertext?) throws {
                guard let part else { return }
                total = try total.map { try evaluator.add($0, part) } ?? part
            }
            if giantThreads > 1 && giants.count > 1 {
                for part in try Parallelism.map(giants.count, threads: giantThreads, inner) { try accumulate(part) }
            } else {
                // One thread: summed as they come, so that only one giant step's product is alive.
                for k in giants.indices { try accumulate(try inner(k)) }
            }
            var out: Ciphertext
            if let total {
                out = try evaluator.rescale(total)
            } else {
                // An all-zero output block: a zero ciphertext one level down.
                out = try evaluator.multiply(xs[0], integer: 0)
                out.dropLevels(to: level - 1)
            }
            try out.resetScale(to: scale)
            outputs.append(out)
        }
        return outputs
    }
}

extension Evaluator {
    /// Adds a plaintext vector, replicated with period `values.count` over the slots (zero
    /// padded to `period` first when given), encoded at the ciphertext's level and scale.
    /// - Parameters:
    ///   - a: The ciphertext.
    ///   - values: One period of the vector.
    ///   - period: The replication period (≥ `values.count`, dividing the slot count).
    /// - Throws: `CKKSError/invalidParameters(_:)` when the period does not divide the slot count;
    ///   the `CKKSError` cases of encoding and addition.
    public func add(_ a: Ciphertext, replicated values: [Double], period: Int? = nil) throws -> Ciphertext {
        let p = period ?? values.count
        guard p >= values.count, p >= 1, a.slots % p == 0 else {
            throw CKKSError.invalidParameters("a replicated vector needs a period dividing the slot count")
        }
        let padded = values + [Double](repeating: 0, count: p - values.count)
        let full = (0..<a.slots).map { padded[$0 % p] }
        let pt = try context.encode(full, level: a.level, scale: a.scale, slots: a.slots)
        return try add(a, pt)
    }
}
