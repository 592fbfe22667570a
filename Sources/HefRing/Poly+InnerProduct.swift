extension Poly where Format == Eval {
    /// Σ_t a[t] · b[t] over the first `moduliCount` residues, accumulated lazily in 128 bits and
    /// reduced once per coefficient (the backend's `dotProduct`): much cheaper than a chain of
    /// `multiplyAdd` calls, which reduces after every term.
    public static func innerProduct(_ a: [Poly], _ b: [Poly], moduliCount: Int? = nil) -> Poly {
        precondition(!a.isEmpty && a.count == b.count, "innerProduct needs matching, non-empty operand lists")
        let basis = a[0].basis
        let count = moduliCount ?? a.map(\.moduliCount).min()!
        precondition(b.allSatisfy { $0.moduliCount >= count } && a.allSatisfy { $0.moduliCount >= count })
        let n = basis.n
        let backend = basis.backend
        let moduli = basis.moduli
        let terms = a.count
        var aBases = [UnsafePointer<UInt64>]()
        var bBases = [UnsafePointer<UInt64>]()
        aBases.reserveCapacity(terms)
        bBases.reserveCapacity(terms)
        // Pins every operand's storage for the duration of the computation.
        func pinned(_ k: Int, _ body: () -> [UInt64]) -> [UInt64] {
            if k == 2 * terms { return body() }
            let poly = k < terms ? a[k] : b[k - terms]
            return poly.data.withUnsafeBufferPointer { buffer in
                if k < terms { aBases.append(buffer.baseAddress!) } else { bBases.append(buffer.baseAddress!) }
                return pinned(k + 1, body)
            }
        }
        let data = pinned(0) {
            [UInt64](unsafeUninitializedCapacity: count * n) { out, initialized in
                let outBase = out.baseAddress!
                Parallelism.perPrime(count) { i in
                    let aPtrs = UnsafeMutablePointer<UnsafePointer<UInt64>>.allocate(capacity: terms)
                    let bPtrs = UnsafeMutablePointer<UnsafePointer<UInt64>>.allocate(capacity: terms)
                    defer {
                        aPtrs.deallocate()
                        bPtrs.deallocate()
                    }
                    for t in 0..<terms {
                        aPtrs[t] = aBases[t] + i * n
                        bPtrs[t] = bBases[t] + i * n
                    }
                    backend.dotProduct(outBase + i * n, aPtrs, bPtrs, terms: terms, count: n, modulus: moduli[i])
                }
                initialized = count * n
            }
        }
        return Poly(basis: basis, moduliCount: count, data: data)
    }
}
