import CShims

/// The ring backend on our C kernels (`CShims`) and FLINT/GMP for number theory.
public struct NativeBackend: RingBackend, Sendable {
    /// The native backend (stateless).
    public init() {}

    /// The C kernels' instruction-set path in use: `scalar`, `avx2`, `avx512` or `ifma` (the best
    /// the CPU has, or the one `HEF_SIMD` asks for when the CPU has it).
    public static var kernelPath: String { String(cString: hef_simd_path()) }

    /// "native".
    public var name: String { "native" }

    /// FLINT's primality test and primitive roots.
    public var numberTheory: any NumberTheory { NativeNumberTheory() }

    // MARK: Transforms

    /// ``RingBackend`` `forwardNTT`: the C kernel (`CShims`).
    public func forwardNTT(_ data: UnsafeMutablePointer<UInt64>, tables: NTTTables) {
        tables.rootPowers.withUnsafeBufferPointer { w in
            tables.rootPowersShoup.withUnsafeBufferPointer { ws in
                hef_ntt_forward(data, tables.logN, tables.modulus.value, w.baseAddress, ws.baseAddress)
            }
        }
    }

    /// ``RingBackend`` `inverseNTT`: the C kernel (`CShims`).
    public func inverseNTT(_ data: UnsafeMutablePointer<UInt64>, tables: NTTTables) {
        tables.inverseRootPowers.withUnsafeBufferPointer { w in
            tables.inverseRootPowersShoup.withUnsafeBufferPointer { ws in
                hef_ntt_inverse(
                    data, tables.logN, tables.modulus.value, w.baseAddress, ws.baseAddress,
                    tables.inverseN, tables.inverseNShoup)
            }
        }
    }

    // MARK: Vector arithmetic

    /// ``RingBackend`` `add`: the C kernel (`CShims`).
    public func add(
        _ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, _ b: UnsafePointer<UInt64>, count: Int,
        modulus: Modulus
    ) {
        hef_add(result, a, b, count, modulus.value)
    }

    /// ``RingBackend`` `subtract`: the C kernel (`CShims`).
    public func subtract(
        _ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, _ b: UnsafePointer<UInt64>, count: Int,
        modulus: Modulus
    ) {
        hef_sub(result, a, b, count, modulus.value)
    }

    /// ``RingBackend`` `negate`: the C kernel (`CShims`).
    public func negate(_ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, count: Int, modulus: Modulus)
    {
        hef_neg(result, a, count, modulus.value)
    }

    /// ``RingBackend`` `multiply`: the C kernel (`CShims`).
    public func multiply(
        _ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, _ b: UnsafePointer<UInt64>, count: Int,
        modulus: Modulus
    ) {
        hef_mul(result, a, b, count, modulus.value, modulus.barrettHigh, modulus.barrettLow)
    }

    /// ``RingBackend`` `multiplyAdd`: the C kernel (`CShims`).
    public func multiplyAdd(
        _ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, _ b: UnsafePointer<UInt64>, count: Int,
        modulus: Modulus
    ) {
        hef_mul_add(result, a, b, count, modulus.value, modulus.barrettHigh, modulus.barrettLow)
    }

    /// ``RingBackend`` `multiplyScalar`: the C kernel (`CShims`).
    public func multiplyScalar(
        _ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, scalar: UInt64, count: Int, modulus: Modulus
    ) {
        hef_mul_scalar(result, a, scalar, count, modulus.value)
    }

    /// ``RingBackend`` `multiplyScalarAdd`: the C kernel (`CShims`).
    public func multiplyScalarAdd(
        _ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, scalar: UInt64, count: Int, modulus: Modulus
    ) {
        hef_mul_scalar_add(result, a, scalar, count, modulus.value)
    }

    /// ``RingBackend`` `addScalar`: the C kernel (`CShims`).
    public func addScalar(
        _ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, scalar: UInt64, count: Int, modulus: Modulus
    ) {
        hef_add_scalar(result, a, scalar, count, modulus.value)
    }

    /// ``RingBackend`` `dotProduct`: the C kernel (`CShims`).
    public func dotProduct(
        _ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UnsafePointer<UInt64>>,
        _ b: UnsafePointer<UnsafePointer<UInt64>>, terms: Int, count: Int, modulus: Modulus
    ) {
        // `const uint64_t *const *` imports with optional elements; same layout.
        let pa = UnsafeRawPointer(a).assumingMemoryBound(to: UnsafePointer<UInt64>?.self)
        let pb = UnsafeRawPointer(b).assumingMemoryBound(to: UnsafePointer<UInt64>?.self)
        hef_dot_product(result, pa, pb, terms, count, modulus.value, modulus.barrettHigh, modulus.barrettLow)
    }

    /// ``RingBackend`` `reduce`: the C kernel (`CShims`).
    public func reduce(_ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, count: Int, modulus: Modulus)
    {
        hef_reduce(result, a, count, modulus.value, modulus.barrettHigh)
    }

    /// ``RingBackend`` `reduceSigned`: the C kernel (`CShims`).
    public func reduceSigned(
        _ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<Int64>, count: Int, modulus: Modulus
    ) {
        hef_reduce_signed(result, a, count, modulus.value, modulus.barrettHigh)
    }

    // MARK: Automorphisms

    /// ``RingBackend`` `permute`: the C kernel (`CShims`).
    public func permute(
        _ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, permutation: UnsafePointer<UInt32>,
        count: Int
    ) {
        hef_permute(result, a, permutation, count)
    }

    /// ``RingBackend`` `automorphismCoefficients`: the C kernel (`CShims`).
    public func automorphismCoefficients(
        _ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, galoisElement: Int, count: Int,
        modulus: Modulus
    ) {
        precondition(count > 0 && count & (count - 1) == 0, "count must be a power of two")
        let twoN = 2 * count
        let g = ((galoisElement % twoN) + twoN) % twoN
        precondition(g & 1 == 1, "Galois element must be odd")
        hef_automorphism_coefficients(result, a, UInt64(g), count, modulus.value)
    }

    // MARK: RNS basis conversion and CRT

    /// ``RingBackend`` `convertBasis`: the C kernel (`CShims`).
    public func convertBasis(
        _ output: UnsafeMutablePointer<UInt64>, _ input: UnsafePointer<UInt64>, tables: BasisConversionTables,
        count: Int
    ) {
        let k = tables.input.count
        let m = tables.output.count
        if k == 1 { return convertFromSinglePrime(output, input, tables: tables, count: count) }
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: k + 3 * m) { scratch in
            let base = scratch.baseAddress!
            for (i, q) in tables.input.enumerated() { base[i] = q.value }
            for (j, p) in tables.output.enumerated() {
                base[k + j] = p.value
                base[k + m + j] = p.barrettHigh
                base[k + 2 * m + j] = p.barrettLow
            }
            tables.qHatInverse.withUnsafeBufferPointer { inv in
                tables.qHatInverseShoup.withUnsafeBufferPointer { invShoup in
                    tables.qHatModP.withUnsafeBufferPointer { hat in
                        // Threads inside the operation convert disjoint slices of coefficients
                        // (whole blocks of 64).
                        let slices = count >= 4096 ? min(Parallelism.operationThreads, count / 2048) : 1
                        let slice = ((count + slices - 1) / slices + 63) & ~63
                        let (invBase, shoupBase, hatBase) = (inv.baseAddress, invShoup.baseAddress, hat.baseAddress)
                        Parallelism.perPrime(slices) { s in
                            let start = s * slice
                            guard start < count else { return }
                            hef_convert_basis_strided(
                                output + start, input + start, min(slice, count - start), count, base, k, invBase,
                                shoupBase, base + k, base + k + m, base + k + 2 * m, m, hatBase)
                        }
                    }
                }
            }
        }
    }

    /// ``RingBackend`` `composeCRT`: the C kernel (`CShims`).
    public func composeCRT(
        _ output: UnsafeMutablePointer<UInt64>, _ residues: UnsafePointer<UInt64>, tables: CRTTables, count: Int
    ) {
        let k = tables.moduli.count
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: k) { moduli in
            for (i, q) in tables.moduli.enumerated() { moduli[i] = q.value }
            tables.qHatInverse.withUnsafeBufferPointer { inv in
                tables.qHatInverseShoup.withUnsafeBufferPointer { invShoup in
                    tables.qHat.withUnsafeBufferPointer { hat in
                        tables.modulusProduct.withUnsafeBufferPointer { product in
                            hef_compose_crt(
                                output, residues, count, moduli.baseAddress, k,
                                inv.baseAddress, invShoup.baseAddress, hat.baseAddress,
                                product.baseAddress, tables.limbCount)
                        }
                    }
                }
            }
        }
    }

    /// ``RingBackend`` `composeCentered`: the C kernel (`CShims`).
    public func composeCentered(
        _ output: UnsafeMutablePointer<Double>, _ residues: UnsafePointer<UInt64>, tables: CRTTables, count: Int,
        factor: Double
    ) {
        let k = tables.moduli.count
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 2 * k) { scratch in
            let base = scratch.baseAddress!
            for (i, q) in tables.moduli.enumerated() {
                base[i] = q.value
                base[k + i] = q.barrettHigh
            }
            tables.qHatInverse.withUnsafeBufferPointer { inv in
                tables.qHatInverseShoup.withUnsafeBufferPointer { invShoup in
                    tables.qHat.withUnsafeBufferPointer { hat in
                        tables.modulusProduct.withUnsafeBufferPointer { product in
                            tables.halfProduct.withUnsafeBufferPointer { half in
                                hef_compose_centered(
                                    output, residues, count, base, base + k, k,
                                    inv.baseAddress, invShoup.baseAddress, hat.baseAddress,
                                    product.baseAddress, half.baseAddress, tables.limbCount, factor)
                            }
                        }
                    }
                }
            }
        }
    }
}
