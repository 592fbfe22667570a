import Foundation
import HefCKKS

/// A ``SlotDiagonals`` map encoded for one input level, evaluated with baby-step/giant-step and
/// hoisted baby rotations:
///
///     y = Σ_g rot_{g·n1}( Σ_j d'_{g·n1+j} ⊙ rot_j(x) ),   d'_k = rot_{−g·n1}(d_k),
///
/// the giant steps separate or chained as the ``DiagonalSchedule`` says, then one rescale. The
/// diagonals are encoded at `plainScale`, so the output scale is (input scale) · plainScale / q_level.
struct EncodedSlotDiagonals: Sendable {
    /// The input level.
    let level: Int
    /// The scale the diagonals are encoded at.
    let plainScale: Double
    /// n1 and how the giant steps are taken.
    let schedule: DiagonalSchedule
    /// Plaintexts by signed giant step g: (j, d'_{g·n1+j}).
    let groups: [(giant: Int, terms: [(baby: Int, plaintext: Plaintext)])]

    init(_ map: SlotDiagonals, schedule: DiagonalSchedule, context: CKKSContext, level: Int, plainScale: Double)
        throws
    {
        let v = map.size
        let n1 = schedule.babyStep
        var byGiant: [Int: [(baby: Int, plaintext: Plaintext)]] = [:]
        for k in map.diagonals.keys.sorted() {
            let d = map.diagonals[k]!
            let g = DiagonalSchedule.signedGiant(k, babyStep: n1, view: v)
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
        self.schedule = schedule
        self.groups = byGiant.keys.sorted().map { ($0, byGiant[$0]!) }
    }

    /// The map applied to `x` (at `level`, `x.slots` equal to the map's view), rescaled once.
    func evaluate(_ x: Ciphertext, evaluator: Evaluator) throws -> Ciphertext {
        var input = x
        if input.level > level { input.dropLevels(to: level) }
        let v = input.slots
        let n1 = schedule.babyStep
        let babies = Set(groups.flatMap { $0.terms.map(\.baby) }.filter { $0 != 0 })
        let rotated = try evaluator.rotations(input, by: babies.sorted())
        var parts: [Int: Ciphertext] = [:]
        for (g, terms) in groups {
            var sum: Ciphertext?
            for (j, pt) in terms {
                let source = j == 0 ? input : rotated[j]!
                let product = try evaluator.multiply(source, pt)
                sum = try sum.map { try evaluator.add($0, product) } ?? product
            }
            parts[g] = sum
        }
        var total = parts[0]
        func accumulate(_ part: Ciphertext) throws {
            total = try total.map { try evaluator.add($0, part) } ?? part
        }
        if schedule.chained {
            // Horner's form on each side of 0: rotations by n1 (above) and by −n1 ≡ V − n1 (below).
            for side in [1, -1] {
                guard let far = parts.keys.filter({ $0 * side > 0 }).max(by: { abs($0) < abs($1) }) else { continue }
                let step = side > 0 ? n1 % v : v - n1
                var chain = parts[far]!
                var g = far - side
                while g != 0 {
                    chain = try evaluator.rotate(chain, by: step)
                    if let part = parts[g] { chain = try evaluator.add(chain, part) }
                    g -= side
                }
                try accumulate(try evaluator.rotate(chain, by: step))
            }
        } else {
            for g in parts.keys.sorted() where g != 0 {
                try accumulate(try evaluator.rotate(parts[g]!, by: ((g * n1) % v + v) % v))
            }
        }
        guard let total else { throw CKKSError.invalidParameters("an empty linear map") }
        return try evaluator.rescale(total)
    }
}
