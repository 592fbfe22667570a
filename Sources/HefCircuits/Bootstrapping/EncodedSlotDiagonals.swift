import Foundation
import HefCKKS

/// A ``SlotDiagonals`` map encoded for one input level, evaluated with baby-step/giant-step and
/// hoisted baby rotations:
///
///     y = Σ_g rot_{g·n1}( Σ_j d'_{g·n1+j} ⊙ rot_j(x) ),   d'_k = rot_{−g·n1}(d_k),
///
/// then one rescale. The diagonals are encoded at `plainScale`, so the output scale is
/// (input scale) · plainScale / q_level.
struct EncodedSlotDiagonals: Sendable {
    /// The input level.
    let level: Int
    /// The scale the diagonals are encoded at.
    let plainScale: Double
    /// n1.
    let babyStep: Int
    /// Plaintexts by giant step g: (j, d'_{g·n1+j}).
    let groups: [(giant: Int, terms: [(baby: Int, plaintext: Plaintext)])]

    /// The rotations (left, in the map's view) of the baby and giant steps.
    static func rotationSteps(of map: SlotDiagonals, babyStep n1: Int) -> Set<Int> {
        var steps = Set<Int>()
        for k in map.diagonals.keys {
            if k % n1 != 0 { steps.insert(k % n1) }
            if k / n1 != 0 { steps.insert((k / n1) * n1) }
        }
        return steps
    }

    /// The power-of-two n1 minimising 0.6·(baby rotations, hoisted) + (giant rotations)
    /// + 2·(rotation keys not in `keys`): a new key costs more than a rotation (tens of MB).
    static func chooseBabyStep(_ map: SlotDiagonals, keys: Set<Int> = []) -> Int {
        var best = 1
        var bestCost = Double.infinity
        var n1 = 1
        while n1 <= map.size {
            let babies = Set(map.diagonals.keys.map { $0 % n1 }.filter { $0 != 0 }).count
            let giants = Set(map.diagonals.keys.map { $0 / n1 }.filter { $0 != 0 }).count
            let newKeys = rotationSteps(of: map, babyStep: n1).subtracting(keys).count
            let cost = 0.6 * Double(babies) + Double(giants) + 2 * Double(newKeys)
            if cost < bestCost - 1e-9 {
                best = n1
                bestCost = cost
            }
            n1 <<= 1
        }
        return best
    }

    init(_ map: SlotDiagonals, babyStep n1: Int, context: CKKSContext, level: Int, plainScale: Double) throws {
        let v = map.size
        var byGiant: [Int: [(baby: Int, plaintext: Plaintext)]] = [:]
        for k in map.diagonals.keys.sorted() {
            let d = map.diagonals[k]!
            let g = k / n1
            let shift = g * n1
            var re = [Double](repeating: 0, count: v)
            var im = [Double](repeating: 0, count: v)
            for i in 0..<v {
                let c = d[((i - shift) % v + v) % v]
                re[i] = c.re
                im[i] = c.im
            }
            let pt = try context.encode(re, imaginary: im, level: level, scale: plainScale, slots: v)
            byGiant[g, default: []].append((k % n1, pt))
        }
        self.level = level
        self.plainScale = plainScale
        self.babyStep = n1
        self.groups = byGiant.keys.sorted().map { ($0, byGiant[$0]!) }
    }

    /// The map applied to `x` (at `level`, `x.slots` equal to the map's view), rescaled once.
    func evaluate(_ x: Ciphertext, evaluator: Evaluator) throws -> Ciphertext {
        var input = x
        if input.level > level { input.dropLevels(to: level) }
        let babies = Set(groups.flatMap { $0.terms.map(\.baby) }.filter { $0 != 0 })
        let rotated = try evaluator.rotations(input, by: babies.sorted())
        var total: Ciphertext?
        for (g, terms) in groups {
            var sum: Ciphertext?
            for (j, pt) in terms {
                let source = j == 0 ? input : rotated[j]!
                let product = try evaluator.multiply(source, pt)
                sum = try sum.map { try evaluator.add($0, product) } ?? product
            }
            guard var part = sum else { continue }
            if g != 0 { part = try evaluator.rotate(part, by: g * babyStep) }
            total = try total.map { try evaluator.add($0, part) } ?? part
        }
        guard let total else { throw CKKSError.invalidParameters("an empty linear map") }
        return try evaluator.rescale(total)
    }
}
