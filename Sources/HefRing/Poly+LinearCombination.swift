extension Poly {
    /// `Σ_t terms[t] · scalars[t][i]` on each residue `i < moduliCount` (scalars already
    /// reduced mod q_i; zero scalars are skipped), into a fresh polynomial over `basis`.
    /// Residue by residue, each term through `multiplyScalar` into one scratch residue and
    /// `add` into the accumulator, which stays in cache: the vectorised kernels, measured
    /// faster than `multiplyScalarAdd`. Empty `terms` give zero.
    public static func linearCombination(
        _ terms: [Poly], scalars: [[UInt64]], basis: RNSBasis, moduliCount: Int
    ) -> Poly {
        precondition(terms.count == scalars.count, "one scalar list per term")
        precondition(terms.allSatisfy { $0.basis === basis && $0.moduliCount >= moduliCount })
        precondition(scalars.allSatisfy { $0.count >= moduliCount })
        var out = Poly(zeroOn: basis, moduliCount: moduliCount)
        if terms.isEmpty { return out }
        let n = basis.n
        let backend = basis.backend
        let moduli = basis.moduli
        var sources: [UnsafePointer<UInt64>] = []
        sources.reserveCapacity(terms.count)
        // One scratch residue per output residue: the residues split over threads.
        var scratch = uninitializedWords(moduliCount * n)
        // Pins every term's storage for the duration of the computation.
        func pinned(_ k: Int) {
            if k < terms.count {
                terms[k].data.withUnsafeBufferPointer { buffer in
                    sources.append(buffer.baseAddress!)
                    pinned(k + 1)
                }
                return
            }
            out.data.withUnsafeMutableBufferPointer { accumulator in
                scratch.withUnsafeMutableBufferPointer { scratchBuffer in
                    let (scratchBase, accumulatorBase) = (scratchBuffer.baseAddress!, accumulator.baseAddress!)
                    let sources = sources
                    Parallelism.perPrime(moduliCount) { r in
                        let tmp = scratchBase + r * n
                        let dst = accumulatorBase + r * n
                        for t in 0..<terms.count {
                            let c = scalars[t][r]
                            if c == 0 { continue }
                            backend.multiplyScalar(tmp, sources[t] + r * n, scalar: c, count: n, modulus: moduli[r])
                            backend.add(dst, UnsafePointer(dst), UnsafePointer(tmp), count: n, modulus: moduli[r])
                        }
                    }
                }
            }
        }
        pinned(0)
        return out
    }
}
