import Foundation
import Synchronization

/// Everything derived from the parameters once: RNS bases with their NTT tables on the chosen
/// backend, the encoder, and the constants of rescaling, key switching and decoding.
/// Immutable (its only cache is locked), so one context serves many tasks.
public final class CKKSContext: Sendable {
    public let parameters: CKKSParameters
    public let backend: any RingBackend
    /// q_0 … q_L.
    public let basisQ: RNSBasis
    /// The special primes.
    public let basisP: RNSBasis
    /// q_0 … q_L, p_0 … p_{K-1}: the layout of key-switching keys.
    public let basisQP: RNSBasis
    public let encoder: CKKSEncoder

    /// `rescaleInverse[l][i] = q_l^-1 mod q_i` for i < l.
    let rescaleInverse: [[UInt64]]
    /// `P^-1 mod q_i`.
    let pInverseModQ: [UInt64]
    /// `P mod q_i`.
    let pModQ: [UInt64]
    /// `h = ⌊P/2⌋ mod p_k` and `−h mod q_i`: ModDown rounds instead of flooring (a floor's
    /// bias, multiplied by s, would cost several bits of precision).
    let halfPModP: [UInt64]
    let minusHalfPModQ: [UInt64]
    /// Basis conversion P → (q_0 … q_l), per level l.
    let modDown: [BasisConversionTables]
    /// Basis conversion digit j → the other primes of Q_l and P, per level l and digit j.
    let modUp: [[BasisConversionTables]]
    /// CRT composition tables per level, for decoding.
    let crt: [CRTTables]

    private let permutations = Mutex<[Int: [UInt32]]>([:])

    public init(parameters: CKKSParameters, backend: any RingBackend = NativeBackend()) {
        self.parameters = parameters
        self.backend = backend
        let logN = parameters.logN
        let qp = RNSBasis(moduli: parameters.q + parameters.p, logN: logN, backend: backend)
        basisQP = qp
        let qCount = parameters.q.count
        basisQ = RNSBasis(tables: Array(qp.tables[0..<qCount]), backend: backend)
        basisP = RNSBasis(tables: Array(qp.tables[qCount...]), backend: backend)
        encoder = CKKSEncoder(logN: logN)

        let q = parameters.q, p = parameters.p
        var rescale: [[UInt64]] = []
        for l in 0..<qCount {
            rescale.append((0..<l).map { i in ScalarMod.inversePrime(q[l] % q[i], q[i]) })
        }
        rescaleInverse = rescale
        var pMod: [UInt64] = []
        for qi in q {
            var prod: UInt64 = 1
            for pj in p { prod = ScalarMod.mul(prod, pj % qi, qi) }
            pMod.append(prod)
        }
        pModQ = pMod
        pInverseModQ = zip(pMod, q).map { ScalarMod.inversePrime($0, $1) }
        // ⌊P/2⌋ = (P − 1)/2 for odd P, so ⌊P/2⌋ mod m = (P mod m − 1) · 2^-1 mod m.
        func halfP(mod m: UInt64) -> UInt64 {
            var prod: UInt64 = 1
            for pj in p { prod = ScalarMod.mul(prod, pj % m, m) }
            return ScalarMod.mul(ScalarMod.sub(prod, 1, m), (m + 1) / 2, m)
        }
        halfPModP = p.map { halfP(mod: $0) }
        minusHalfPModQ = q.map { ScalarMod.sub(0, halfP(mod: $0), $0) }

        let qModuli = basisQ.moduli, pModuli = basisP.moduli
        modDown = (0..<qCount).map { l in BasisConversionTables(input: pModuli, output: Array(qModuli[0...l])) }
        let alpha = parameters.primesPerDigit
        modUp = (0..<qCount).map { l in
            let digits = (l + alpha) / alpha
            return (0..<digits).map { j in
                let lo = j * alpha, hi = min(l + 1, lo + alpha)
                let others = Array(qModuli[0..<lo]) + Array(qModuli[hi..<(l + 1)]) + pModuli
                return BasisConversionTables(input: Array(qModuli[lo..<hi]), output: others)
            }
        }
        crt = (0..<qCount).map { l in backend.makeCRTTables(moduli: Array(qModuli[0...l])) }
    }

    public convenience init(preset: ParametersPreset, backend: any RingBackend = NativeBackend()) throws {
        self.init(parameters: try CKKSParameters(preset: preset), backend: backend)
    }

    /// Number of key-switching digits at level `l`.
    func digitCount(level l: Int) -> Int {
        (l + parameters.primesPerDigit) / parameters.primesPerDigit
    }

    /// The evaluation-form permutation of X -> X^g (cached).
    func permutation(galoisElement g: Int) -> [UInt32] {
        if let hit = permutations.withLock({ $0[g] }) { return hit }
        let perm = nttGaloisPermutation(galoisElement: g, logN: parameters.logN)
        permutations.withLock { $0[g] = perm }
        return perm
    }

    /// log2 of q_0·…·q_l.
    func logModulus(level l: Int) -> Double {
        var s = 0.0
        for i in 0...l { s += log2(Double(parameters.q[i])) }
        return s
    }
}

