/// A polynomial at level l raised for key switching (ModUp): for each digit j, the residues of
/// [c]_{Q_j} on every prime of Q_l and P, evaluation form. Layout `[digit][prime][n]` with
/// primes ordered q_0 … q_l, p_0 … p_{K-1}. Computing it once and reusing it for several
/// rotations is hoisting.
struct DecomposedPoly: Sendable {
    let level: Int
    let digitCount: Int
    /// l + 1 + K.
    let primeCount: Int
    var data: [UInt64]
}

extension CKKSContext {
    /// ModUp of every digit of `c` (evaluation form, level l = c.moduliCount − 1).
    func decompose(_ c: Poly<Eval>) -> DecomposedPoly {
        let n = parameters.n
        let l = c.moduliCount - 1
        let qLevel = l + 1
        let pCount = parameters.p.count
        let ext = qLevel + pCount
        let digits = digitCount(level: l)
        let alpha = parameters.primesPerDigit
        let coeff = c.inverseNTT()
        var data = uninitializedWords(digits * ext * n)
        let tablesQ = basisQ.tables, tablesP = basisP.tables
        let backend = self.backend
        var scratch = uninitializedWords(ext * n)
        data.withUnsafeMutableBufferPointer { outBuffer in
            coeff.data.withUnsafeBufferPointer { coeffBuffer in
                c.data.withUnsafeBufferPointer { evalBuffer in
                    scratch.withUnsafeMutableBufferPointer { tmpBuffer in
                        let tmp = tmpBuffer.baseAddress!
                        for j in 0..<digits {
                            let lo = j * alpha, hi = min(qLevel, lo + alpha)
                            let out = outBuffer.baseAddress! + j * ext * n
                            if hi - lo == 1 {
                                // One prime per digit: lift [c]_{q_j} centered, in (−q_j/2, q_j/2],
                                // which halves the key-switching noise and removes its bias.
                                centeredLift(tmp, coeffBuffer.baseAddress! + lo * n, digit: lo, outputs: modUp[l][j].output, scratch: out + lo * n)
                            } else {
                                backend.convertBasis(tmp, coeffBuffer.baseAddress! + lo * n, tables: modUp[l][j], count: n)
                            }
                            // Scatter the converted residues around the digit's own primes.
                            var o = 0
                            for t in 0..<ext where t < lo || t >= hi {
                                let dst = out + t * n
                                dst.update(from: tmp + o * n, count: n)
                                backend.forwardNTT(dst, tables: t < qLevel ? tablesQ[t] : tablesP[t - qLevel])
                                o += 1
                            }
                            for t in lo..<hi {
                                (out + t * n).update(from: evalBuffer.baseAddress! + t * n, count: n)
                            }
                        }
                    }
                }
            }
        }
        return DecomposedPoly(level: l, digitCount: digits, primeCount: ext, data: data)
    }

    /// `output_o = x̃ mod p_o` for the centered representative x̃ of each coefficient of `x`
    /// (residues mod q_digit). `scratch` (n words) is overwritten.
    private func centeredLift(
        _ output: UnsafeMutablePointer<UInt64>, _ x: UnsafePointer<UInt64>, digit: Int, outputs: [Modulus],
        scratch: UnsafeMutablePointer<UInt64>
    ) {
        let n = parameters.n
        let q = basisQ.moduli[digit]
        let half = q.value >> 1
        // x + h mod q lies in [0, q) and equals x̃ + h as an integer.
        backend.addScalar(scratch, x, scalar: half, count: n, modulus: q)
        for (o, p) in outputs.enumerated() {
            let dst = output + o * n
            backend.reduce(dst, UnsafePointer(scratch), count: n, modulus: p)
            backend.addScalar(dst, UnsafePointer(dst), scalar: ScalarMod.sub(0, half % p.value, p.value), count: n, modulus: p)
        }
    }

    /// Inner product of a decomposed polynomial with a key-switching key, then ModDown:
    /// returns (d0, d1) over Q_l with d0 + d1·s ≈ c·s'. With `permutation`, the decomposition
    /// is first permuted (hoisted automorphism).
    func keySwitch(_ d: DecomposedPoly, key: KeySwitchingKey, permutation: [UInt32]? = nil) -> (Poly<Eval>, Poly<Eval>) {
        let n = parameters.n
        let l = d.level
        let qLevel = l + 1
        let qCount = parameters.q.count
        let ext = d.primeCount
        let digits = d.digitCount
        precondition(digits <= key.digitCount)
        let backend = self.backend
        var source = d.data
        if let permutation {
            var permuted = uninitializedWords(source.count)
            permuted.withUnsafeMutableBufferPointer { dst in
                source.withUnsafeBufferPointer { src in
                    permutation.withUnsafeBufferPointer { perm in
                        for r in 0..<(digits * ext) {
                            backend.permute(dst.baseAddress! + r * n, src.baseAddress! + r * n, permutation: perm.baseAddress!, count: n)
                        }
                    }
                }
            }
            source = permuted
        }
        var acc0 = uninitializedWords(ext * n)
        var acc1 = uninitializedWords(ext * n)
        let moduliQ = basisQ.moduli, moduliP = basisP.moduli
        source.withUnsafeBufferPointer { srcBuffer in
            key.data.withUnsafeBufferPointer { keyBuffer in
                acc0.withUnsafeMutableBufferPointer { out0 in
                    acc1.withUnsafeMutableBufferPointer { out1 in
                        let src = srcBuffer.baseAddress!, k = keyBuffer.baseAddress!
                        let aPtrs = UnsafeMutablePointer<UnsafePointer<UInt64>>.allocate(capacity: digits)
                        let bPtrs = UnsafeMutablePointer<UnsafePointer<UInt64>>.allocate(capacity: digits)
                        let kPtrs = UnsafeMutablePointer<UnsafePointer<UInt64>>.allocate(capacity: digits)
                        defer { aPtrs.deallocate(); bPtrs.deallocate(); kPtrs.deallocate() }
                        for t in 0..<ext {
                            let keyPrime = t < qLevel ? t : qCount + (t - qLevel)
                            let modulus = t < qLevel ? moduliQ[t] : moduliP[t - qLevel]
                            for j in 0..<digits {
                                aPtrs[j] = src + (j * ext + t) * n
                                bPtrs[j] = k + key.offset(digit: j, part: 0, prime: keyPrime)
                                kPtrs[j] = k + key.offset(digit: j, part: 1, prime: keyPrime)
                            }
                            backend.dotProduct(out0.baseAddress! + t * n, aPtrs, bPtrs, terms: digits, count: n, modulus: modulus)
                            backend.dotProduct(out1.baseAddress! + t * n, aPtrs, kPtrs, terms: digits, count: n, modulus: modulus)
                        }
                    }
                }
            }
        }
        return (modDown(&acc0, level: l), modDown(&acc1, level: l))
    }

    /// (x − r) / P over Q_l from x over Q_l ∪ P (evaluation form, `ext` residues), where
    /// r = [x + h]_P − h is x's centered remainder mod P (h = ⌊P/2⌋): rounding, not flooring.
    func modDown(_ x: inout [UInt64], level l: Int) -> Poly<Eval> {
        let n = parameters.n
        let qLevel = l + 1
        let pCount = parameters.p.count
        let backend = self.backend
        var converted = uninitializedWords(qLevel * n)
        x.withUnsafeMutableBufferPointer { xb in
            let base = xb.baseAddress!
            for k in 0..<pCount {
                let pk = base + (qLevel + k) * n
                backend.inverseNTT(pk, tables: basisP.tables[k])
                backend.addScalar(pk, UnsafePointer(pk), scalar: halfPModP[k], count: n, modulus: basisP.moduli[k])
            }
            converted.withUnsafeMutableBufferPointer { cb in
                let conv = cb.baseAddress!
                backend.convertBasis(conv, base + qLevel * n, tables: modDown[l], count: n)
                for i in 0..<qLevel {
                    let ci = conv + i * n, xi = base + i * n
                    let q = basisQ.moduli[i]
                    backend.addScalar(ci, UnsafePointer(ci), scalar: minusHalfPModQ[i], count: n, modulus: q)
                    backend.forwardNTT(ci, tables: basisQ.tables[i])
                    backend.subtract(xi, UnsafePointer(xi), UnsafePointer(ci), count: n, modulus: q)
                    backend.multiplyScalar(xi, UnsafePointer(xi), scalar: pInverseModQ[i], count: n, modulus: q)
                }
            }
        }
        x.removeLast(pCount * n)
        return Poly<Eval>(basis: basisQ, moduliCount: qLevel, data: x)
    }
}

/// A word buffer whose every element the caller overwrites before reading (skips the memset).
@inline(__always)
func uninitializedWords(_ count: Int) -> [UInt64] {
    [UInt64](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
}
