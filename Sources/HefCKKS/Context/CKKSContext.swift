import Foundation
public import HefRing
import Synchronization

/// Everything derived from the parameters once: RNS bases with their NTT tables on the chosen
/// backend, the encoder, and the constants of rescaling, key switching and decoding.
/// Immutable (its only cache is locked), so one context serves many tasks.
public final class CKKSContext: Sendable {
    /// The parameters everything is derived from.
    public let parameters: CKKSParameters
    /// The ring backend all polynomials compute with.
    public let backend: any RingBackend
    /// q_0 … q_L.
    public let basisQ: RNSBasis
    /// The special primes.
    public let basisP: RNSBasis
    /// q_0 … q_L, p_0 … p_{K-1}: the layout of key-switching keys.
    public let basisQP: RNSBasis
    /// The slot encoder (canonical embedding) for N.
    public let encoder: CKKSEncoder

    /// ModUp, the key-switching inner product and ModDown between Q and Q·P.
    public let extender: BasisExtender
    /// Constants of the division by the last prime (rescaling).
    let rescaleTables: RescaleTables
    /// CRT composition tables per level, for decoding.
    let crt: [CRTTables]

    private let permutations = Mutex<[Int: [UInt32]]>([:])

    /// Builds the bases, tables and constants of `parameters` on `backend`.
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

        extender = BasisExtender(basisQ: basisQ, basisP: basisP, primesPerDigit: parameters.primesPerDigit)
        rescaleTables = RescaleTables(basis: basisQ)
        let qModuli = basisQ.moduli
        crt = (0..<qCount).map { l in backend.numberTheory.makeCRTTables(moduli: Array(qModuli[0...l])) }
    }

    /// A context for a preset.
    /// - Parameters:
    ///   - preset: a named parameter set
    ///   - backend: the ring backend
    /// - Throws: never for the shipped presets; ``CKKSError/invalidParameters(_:)`` or ``CKKSError/insecureParameters(_:)`` as ``CKKSParameters/init(preset:)``.
    public convenience init(preset: ParametersPreset, backend: any RingBackend = NativeBackend()) throws {
        self.init(parameters: try CKKSParameters(preset: preset), backend: backend)
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
