/// Constants for dividing by the last prime of a prefix of a basis (CKKS rescaling):
/// `lastInverse[l][i] = q_l^-1 mod q_i` for `i < l`.
public struct RescaleTables: Sendable {
    /// The basis the constants belong to.
    public let basis: RNSBasis
    let lastInverse: [[UInt64]]

    /// Precomputes `q_l^-1 mod q_i` for every prefix q_0 … q_l of `basis`.
    public init(basis: RNSBasis) {
        self.basis = basis
        let q = basis.moduli.map(\.value)
        lastInverse = q.indices.map { l in
            (0..<l).map { i in ScalarMod.inversePrime(q[l] % q[i], q[i]) }
        }
    }
}
