/// How a ``SlotDiagonals`` map is evaluated with baby steps and giant steps: the baby step n1
/// and whether the giant steps are *chained*.
///
/// With diagonal k = g·n1 + j (0 ≤ j < n1), y = Σ_g rot_{g·n1}(P_g) with P_g = Σ_j d'_k ⊙ rot_j(x).
/// Giant indices are read as signed (rotations are cyclic over the view's V slots, so
/// g·n1 ≡ (g − V/n1)·n1), which puts the DFT factors' giants in a short range around 0.
/// - Separate giants rotate each P_g by its own g·n1: one rotation key per giant.
/// - Chained giants evaluate each side of 0 in Horner's form,
///   Σ_{g>0} rot_{g·n1}(P_g) = rot_{n1}(P_1 + rot_{n1}(P_2 + …)), and the same with −n1 below 0:
///   one rotation per giant index between the extremes (gaps included), and only the keys n1
///   and −n1 whatever the number of giants. Bootstrapping's top-level keys are ~40 MB each, so
///   this is how CoeffsToSlots stays within its key budget.
struct DiagonalSchedule: Sendable, Equatable {
    /// n1, a power of two.
    let babyStep: Int
    /// Giant steps chained (two keys) rather than separate (one key each).
    let chained: Bool

    /// The signed giant index of diagonal `k` in a view of `v` slots.
    static func signedGiant(_ k: Int, babyStep n1: Int, view v: Int) -> Int {
        let g = k / n1
        return g * n1 > v / 2 ? g - v / n1 : g
    }

    /// The nonzero baby steps of `map`.
    func babies(of map: SlotDiagonals) -> Set<Int> {
        Set(map.diagonals.keys.map { $0 % babyStep }.filter { $0 != 0 })
    }

    /// The signed giant indices of `map` (0 included when present).
    func giants(of map: SlotDiagonals) -> Set<Int> {
        Set(map.diagonals.keys.map { Self.signedGiant($0, babyStep: babyStep, view: map.size) })
    }

    /// The rotations (left, in the map's view, in 0..<V) whose keys the evaluation needs.
    func rotationSteps(of map: SlotDiagonals) -> Set<Int> {
        let v = map.size
        var steps = babies(of: map)
        let giants = giants(of: map)
        if chained {
            if giants.contains(where: { $0 > 0 }) { steps.insert(babyStep % v) }
            if giants.contains(where: { $0 < 0 }) { steps.insert(v - babyStep) }
        } else {
            for g in giants where g != 0 { steps.insert(((g * babyStep) % v + v) % v) }
        }
        return steps
    }

    /// Key switches of the giant steps.
    func giantRotations(of map: SlotDiagonals) -> Int {
        let giants = giants(of: map)
        if chained { return (giants.max() ?? 0) - (giants.min() ?? 0) }
        return giants.filter { $0 != 0 }.count
    }

    /// The schedule minimising 0.6·(baby rotations, hoisted) + (giant rotations)
    /// + (rotation keys not in `keys`): a new key is weighed as one more rotation. With chained
    /// giants available this keeps boot16's keys at 1,024 slots to 20 above level 19 (26 with
    /// separate giants only) for 1.6 more rotations; a heavier weight trades many rotations
    /// for few more keys (at 2: 16 keys, 7 more rotations).
    static func choose(for map: SlotDiagonals, keys: Set<Int> = []) -> DiagonalSchedule {
        var best = DiagonalSchedule(babyStep: 1, chained: false)
        var bestCost = Double.infinity
        var n1 = 1
        while n1 <= map.size {
            for chained in [false, true] {
                let schedule = DiagonalSchedule(babyStep: n1, chained: chained)
                let newKeys = schedule.rotationSteps(of: map).subtracting(keys).count
                let cost =
                    0.6 * Double(schedule.babies(of: map).count) + Double(schedule.giantRotations(of: map))
                    + Double(newKeys)
                if cost < bestCost - 1e-9 {
                    best = schedule
                    bestCost = cost
                }
            }
            n1 <<= 1
        }
        return best
    }
}
