import HefRing

extension CKKSContext {
    /// The gadget decomposition of `c` extended to Q_l·P (ModUp); reusable across rotations.
    func decompose(_ c: Poly<Eval>) -> DecomposedPoly {
        extender.decompose(c)
    }

    /// Inner product of a decomposed polynomial with a key-switching key, then ModDown:
    /// returns (d0, d1) over Q_l with d0 + d1·s ≈ c·s'. With `permutation`, the decomposition
    /// is first permuted (hoisted automorphism).
    func keySwitch(_ d: DecomposedPoly, key: KeySwitchingKey, permutation: [UInt32]? = nil) -> (Poly<Eval>, Poly<Eval>)
    {
        precondition(d.digitCount <= key.digitCount && d.level <= key.maxLevel)
        return extender.gadgetProduct(d, key: key.data, keyQCount: key.maxLevel + 1, permutation: permutation)
    }
}
