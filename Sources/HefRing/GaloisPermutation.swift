/// The evaluation-form (NTT-domain) permutation of the automorphism `X -> X^g`, for the
/// bit-reversed output order of the forward NTT (see ``NTTTables``).
///
/// Slot `i` of a forward NTT holds the polynomial at `psi^(2·bitrev(i)+1)`. For
/// `b(X) = a(X^g)`, `b(psi^e) = a(psi^(e·g))`, so slot `i` of `b` is the slot of `a` whose
/// exponent is `(2·bitrev(i)+1)·g mod 2n`. The result is for ``RingBackend/permute(_:_:permutation:count:)``:
/// `result[i] = a[permutation[i]]`. Independent of the modulus and of psi.
public func nttGaloisPermutation(galoisElement: Int, logN: Int) -> [UInt32] {
    precondition(logN >= 0 && logN < 32, "logN out of range")
    precondition(galoisElement & 1 == 1, "Galois element must be odd")
    let n = 1 << logN
    let mask = 2 * n - 1
    let g = galoisElement & mask
    var permutation = [UInt32](repeating: 0, count: n)
    for i in 0..<n {
        let exponent = ((2 * bitReverse(i, bits: logN) + 1) * g) & mask
        permutation[i] = UInt32(bitReverse((exponent - 1) >> 1, bits: logN))
    }
    return permutation
}
