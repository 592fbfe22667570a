/// Constants for the fast (approximate, HPS-style) conversion of residues from one RNS basis
/// `{q_i}` to another `{p_j}`:
///
/// `y_i = [x_i · qHatInverse_i]_{q_i}`,  `out_j = Σ_i y_i · qHatModP[j][i]  mod p_j`,
///
/// where `qHat_i = Q / q_i`. The result equals `x + e·Q` mod p_j for some `0 ≤ e < k`.
public struct BasisConversionTables: Sendable {
    /// The source primes q_i.
    public let input: [Modulus]
    /// The target primes p_j.
    public let output: [Modulus]
    /// `(Q/q_i)^-1 mod q_i`, one per input modulus.
    public let qHatInverse: [UInt64]
    /// Shoup companions of `qHatInverse`.
    public let qHatInverseShoup: [UInt64]
    /// `(Q/q_i) mod p_j`, row-major by output modulus: index `j * input.count + i`.
    public let qHatModP: [UInt64]

    /// Precomputes the constants from `input` to `output` (both non-empty, distinct primes).
    public init(input: [Modulus], output: [Modulus]) {
        precondition(!input.isEmpty && !output.isEmpty)
        self.input = input
        self.output = output
        var inv: [UInt64] = []
        var invShoup: [UInt64] = []
        for (i, qi) in input.enumerated() {
            var hat: UInt64 = 1
            for (k, qk) in input.enumerated() where k != i {
                hat = ScalarMod.mul(hat, qk.value % qi.value, qi.value)
            }
            let v = ScalarMod.inversePrime(hat, qi.value)
            inv.append(v)
            invShoup.append(ScalarMod.shoup(v, qi.value))
        }
        var table: [UInt64] = []
        table.reserveCapacity(input.count * output.count)
        for pj in output {
            for i in input.indices {
                var hat: UInt64 = 1 % pj.value
                for (k, qk) in input.enumerated() where k != i {
                    hat = ScalarMod.mul(hat, qk.value % pj.value, pj.value)
                }
                table.append(hat)
            }
        }
        self.qHatInverse = inv
        self.qHatInverseShoup = invShoup
        self.qHatModP = table
    }
}
