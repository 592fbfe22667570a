extension Poly where Format == Eval {
    /// Rounded division by the last prime q_l: `(x − r) · q_l^-1` over q_0 … q_{l−1}, where
    /// r = [x + h]_{q_l} − h is x's centered remainder mod q_l and h = ⌊q_l/2⌋. The result has
    /// one residue less. Needs at least two residues and `tables` built on this basis.
    public func dividedRoundingByLastModulus(tables: RescaleTables) -> Poly {
        precondition(tables.basis === basis, "rescale tables from another basis")
        precondition(moduliCount >= 2, "nothing to divide: one residue left")
        let n = self.n
        let l = moduliCount - 1
        let backend = self.backend
        let moduli = basis.moduli
        let nttTables = basis.tables
        let qLast = moduli[l]
        let half = qLast.value >> 1
        let inverses = tables.lastInverse[l]
        var last = [UInt64](repeating: 0, count: n)
        var tmp = uninitializedWords(l * n)
        var out = truncated(toModuliCount: l)
        withResidue(l) { src in
            last.withUnsafeMutableBufferPointer { lb in
                lb.baseAddress!.update(from: src, count: n)
                backend.inverseNTT(lb.baseAddress!, tables: nttTables[l])
                backend.addScalar(
                    lb.baseAddress!, UnsafePointer(lb.baseAddress!), scalar: half, count: n, modulus: qLast)
            }
        }
        out.data.withUnsafeMutableBufferPointer { ob in
            last.withUnsafeBufferPointer { lb in
                tmp.withUnsafeMutableBufferPointer { tb in
                    Parallelism.perPrime(l) { i in
                        let t = tb.baseAddress! + i * n
                        let q = moduli[i]
                        let xi = ob.baseAddress! + i * n
                        // t − h, coefficient by coefficient: the centered remainder of x mod q_l.
                        let minusHalf = (q.value - half % q.value) % q.value
                        backend.reduce(t, lb.baseAddress!, count: n, modulus: q)
                        backend.addScalar(t, UnsafePointer(t), scalar: minusHalf, count: n, modulus: q)
                        backend.forwardNTT(t, tables: nttTables[i])
                        backend.subtract(xi, UnsafePointer(xi), UnsafePointer(t), count: n, modulus: q)
                        backend.multiplyScalar(xi, UnsafePointer(xi), scalar: inverses[i], count: n, modulus: q)
                    }
                }
            }
        }
        return out
    }
}
