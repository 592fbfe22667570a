import Foundation

/// A linear map on V-slot complex vectors in diagonal form, y = Σ_k d_k ⊙ rot_k(x), with
/// rot_k(x)[i] = x[(i + k) mod V] (the evaluator's left rotation). The homomorphic DFT of
/// bootstrapping is a product of such maps with two or three diagonals each; consecutive
/// factors are merged by ``then(_:)`` so that each level evaluates one of them.
struct SlotDiagonals: Sendable {
    /// V.
    let size: Int
    /// d_k for the non-zero diagonals, k in 0..<V.
    var diagonals: [Int: [Complex]]

    /// The identity map.
    static func identity(size: Int) -> SlotDiagonals {
        SlotDiagonals(size: size, diagonals: [0: [Complex](repeating: .one, count: size)])
    }

    /// `next ∘ self`: apply `self`, then `next`. With self = Σ_l a_l rot_l and next = Σ_k b_k rot_k,
    /// the product is Σ_{k,l} (b_k ⊙ rot_k(a_l)) rot_{k+l}.
    func then(_ next: SlotDiagonals) -> SlotDiagonals {
        precondition(next.size == size)
        let v = size
        var out: [Int: [Complex]] = [:]
        for (k, b) in next.diagonals {
            for (l, a) in diagonals {
                let key = (k + l) % v
                var d = out[key] ?? [Complex](repeating: .zero, count: v)
                for i in 0..<v { d[i] += b[i] * a[(i + k) % v] }
                out[key] = d
            }
        }
        return SlotDiagonals(size: v, diagonals: out.filter { $0.value.contains { $0.magnitude > 1e-300 } })
    }

    /// Multiplies output row i by `factor(i)`.
    func scalingRows(_ factor: (Int) -> Complex) -> SlotDiagonals {
        var copy = self
        for k in copy.diagonals.keys {
            for i in 0..<size { copy.diagonals[k]![i] = factor(i) * copy.diagonals[k]![i] }
        }
        return copy
    }

    /// The map applied to a vector in the clear (tests and checks).
    func apply(_ x: [Complex]) -> [Complex] {
        var y = [Complex](repeating: .zero, count: size)
        for (k, d) in diagonals {
            for i in 0..<size { y[i] += d[i] * x[(i + k) % size] }
        }
        return y
    }
}

/// The butterfly stages of Hef's special FFT (``CKKSEncoder``) as ``SlotDiagonals``.
///
/// Decoding is z = F(BitRev(u)) and encoding u = BitRev(IB(z))/n, with F and IB the forward and
/// inverse butterfly networks on n slots. Bootstrapping never applies the bit reversal: CoeffsToSlots
/// computes IB(z)/n = BitRev(u) and SlotsToCoeffs applies F to it, so the two permutations
/// cancel (EvalMod works slot by slot).
///
/// The stages act on blocks of n slots; in a view of V = 2n slots (sparse packing) they are
/// replicated, which is what a ciphertext of the subring X^(N/2n) looks like there.
enum SlotFFT {
    /// The twiddles w_j, j < length/2, of a forward stage of length `length`: the 4·length-th
    /// roots of unity indexed by the rotation group 5^j (conjugated for the inverse stage).
    static func twiddles(length: Int, ringDegree: Int, conjugated: Bool) -> [Complex] {
        let m = 2 * ringDegree
        let quarter = 4 * length
        var g = 1
        return (0..<(length / 2)).map { _ in
            let index = (g % quarter) * (m / quarter)
            g = (g * 5) % m
            let w = Complex.unit(angle: 2 * Double.pi * Double(index) / Double(m))
            return conjugated ? w.conjugate : w
        }
    }

    /// One stage of length L on n-slot blocks, in a view of `view` slots. Forward: slot a of a
    /// butterfly gets x_a + w·x_b, slot b gets x_a − w·x_b. Inverse: a gets x_a + x_b, b gets
    /// (x_a − x_b)·w̄.
    static func stage(length: Int, slots n: Int, view: Int, ringDegree: Int, inverse: Bool) -> SlotDiagonals {
        let h = length / 2
        let w = twiddles(length: length, ringDegree: ringDegree, conjugated: inverse)
        var d0 = [Complex](repeating: .zero, count: view)
        var up = [Complex](repeating: .zero, count: view)
        var down = [Complex](repeating: .zero, count: view)
        for i in 0..<view {
            let j = (i % n) % length
            if j < h {
                d0[i] = .one
                up[i] = inverse ? .one : w[j]
            } else {
                d0[i] = -w[j - h]
                down[i] = inverse ? w[j - h] : .one
            }
        }
        return stage(d0: d0, up: up, down: down, half: h, view: view)
    }

    private static func stage(d0: [Complex], up: [Complex], down: [Complex], half h: Int, view: Int)
        -> SlotDiagonals
    {
        var diagonals: [Int: [Complex]] = [0: d0]
        diagonals[h % view, default: [Complex](repeating: .zero, count: view)] = up
        let k = (view - h) % view
        if let existing = diagonals[k] {
            diagonals[k] = (0..<view).map { existing[$0] + down[$0] }
        } else {
            diagonals[k] = down
        }
        return SlotDiagonals(size: view, diagonals: diagonals)
    }

    /// The inverse stages in the order CoeffsToSlots applies them (lengths n, n/2, …, 2).
    static func inverseStages(slots n: Int, view: Int, ringDegree: Int) -> [SlotDiagonals] {
        var out: [SlotDiagonals] = []
        var length = n
        while length >= 2 {
            out.append(stage(length: length, slots: n, view: view, ringDegree: ringDegree, inverse: true))
            length /= 2
        }
        return out
    }

    /// The forward stages in the order SlotsToCoeffs applies them (lengths 2, 4, …, n).
    static func forwardStages(slots n: Int, view: Int, ringDegree: Int) -> [SlotDiagonals] {
        var out: [SlotDiagonals] = []
        var length = 2
        while length <= n {
            out.append(stage(length: length, slots: n, view: view, ringDegree: ringDegree, inverse: false))
            length *= 2
        }
        return out
    }

    /// Merges `stages` (in application order) into `groups` consecutive products, as even as
    /// possible, the later groups taking the extra stages; with fewer stages than groups, the
    /// missing groups are identities (one level each, a constant product).
    static func merge(_ stages: [SlotDiagonals], into groups: Int, view: Int) -> [SlotDiagonals] {
        precondition(groups >= 1)
        var out: [SlotDiagonals] = []
        let base = stages.count / groups
        let extra = stages.count % groups
        var index = 0
        for g in 0..<groups {
            let take = base + (g >= groups - extra ? 1 : 0)
            var product = SlotDiagonals.identity(size: view)
            for s in stages[index..<(index + take)] { product = product.then(s) }
            index += take
            out.append(product)
        }
        precondition(index == stages.count)
        return out
    }
}
