extension Poly where Format == Coeff {
    /// The centered lift of every coefficient, in (−Q/2, Q/2] with Q the product of this
    /// polynomial's primes, as a Double times `factor` (see ``RingBackend/composeCentered(_:_:tables:count:factor:)``).
    /// `crt` must be built for exactly this polynomial's primes.
    public func centeredValues(crt: CRTTables, factor: Double) -> [Double] {
        precondition(
            crt.moduli.elementsEqual(basis.moduli[0..<moduliCount]),
            "CRT tables for other primes")
        let n = self.n
        let backend = self.backend
        return [Double](unsafeUninitializedCapacity: n) { out, initialized in
            data.withUnsafeBufferPointer { residues in
                backend.composeCentered(out.baseAddress!, residues.baseAddress!, tables: crt, count: n, factor: factor)
            }
            initialized = n
        }
    }
}
