/// A polynomial at level l raised for key switching (the RNS gadget decomposition followed by
/// ModUp): for each digit j, the residues of [c]_{Q_j} on every prime of Q_l and P, in
/// evaluation form. Layout `[digit][prime][n]` with primes ordered q_0 … q_l, p_0 … p_{K-1}.
/// Computing it once and reusing it for several rotations is hoisting.
public struct DecomposedPoly: Sendable {
    /// The level l of the decomposed polynomial (it had l + 1 residues).
    public let level: Int
    /// Number of digits: ⌈(l + 1) / primesPerDigit⌉.
    public let digitCount: Int
    /// l + 1 + K.
    public let primeCount: Int
    var data: [UInt64]
}
