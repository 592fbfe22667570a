import CFlint

/// CRT composition constants built with FLINT's fmpz integers.
enum NativeCRTTables {
    static func make(moduli: [Modulus]) -> CRTTables {
        precondition(!moduli.isEmpty, "CRT needs at least one modulus")
        let limbCount = CRTTables.limbCount(for: moduli)
        let product = UnsafeMutablePointer<fmpz>.allocate(capacity: 1)
        let scratch = UnsafeMutablePointer<fmpz>.allocate(capacity: 1)
        fmpz_init(product)
        fmpz_init(scratch)
        defer {
            fmpz_clear(product)
            fmpz_clear(scratch)
            product.deallocate()
            scratch.deallocate()
        }
        fmpz_one(product)
        for q in moduli { fmpz_mul_ui(product, product, UInt(q.value)) }

        func limbs(_ x: UnsafePointer<fmpz>) -> [UInt64] {
            precondition(Int(fmpz_size(x)) <= limbCount)
            var words = [UInt](repeating: 0, count: limbCount)
            words.withUnsafeMutableBufferPointer { fmpz_get_ui_array($0.baseAddress, limbCount, x) }
            return words.map { UInt64($0) }
        }

        let modulusProduct = limbs(product)
        fmpz_fdiv_q_2exp(scratch, product, 1)
        let halfProduct = limbs(scratch)
        var qHat: [UInt64] = []
        qHat.reserveCapacity(limbCount * moduli.count)
        var qHatInverse: [UInt64] = []
        var qHatInverseShoup: [UInt64] = []
        for q in moduli {
            fmpz_divexact_ui(scratch, product, UInt(q.value))
            qHat.append(contentsOf: limbs(scratch))
            let residue = fmpz_fdiv_ui(scratch, UInt(q.value))
            let inverse = n_invmod(residue, UInt(q.value))
            qHatInverse.append(UInt64(inverse))
            qHatInverseShoup.append(UInt64(n_mulmod_precomp_shoup(inverse, UInt(q.value))))
        }
        return CRTTables(
            moduli: moduli, limbCount: limbCount, modulusProduct: modulusProduct,
            halfProduct: halfProduct, qHat: qHat, qHatInverse: qHatInverse,
            qHatInverseShoup: qHatInverseShoup)
    }
}
