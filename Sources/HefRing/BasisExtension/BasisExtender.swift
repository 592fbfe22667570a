/// Basis extension between Q = q_0 … q_L and Q·P (P = p_0 … p_{K-1}, the special primes) for
/// hybrid key switching: the gadget decomposition with ModUp (``decompose(_:)``), the
/// key-switching inner product (``gadgetProduct(_:key:keyQCount:permutation:)``) and ModDown
/// (``modDown(_:_:)``). Holds the constants of every level, computed once.
public final class BasisExtender: Sendable {
    /// q_0 … q_L.
    public let basisQ: RNSBasis
    /// p_0 … p_{K-1}.
    public let basisP: RNSBasis
    /// Primes of Q per gadget digit.
    public let primesPerDigit: Int
    /// `P mod q_i`: the gadget factor of key-switching keys.
    public let pModQ: [UInt64]
    /// `P^-1 mod q_i`.
    let pInverseModQ: [UInt64]
    /// `h = ⌊P/2⌋ mod p_k` and `−h mod q_i`: ModDown rounds instead of flooring (a floor's
    /// bias, multiplied by s, would cost several bits of precision).
    let halfPModP: [UInt64]
    let minusHalfPModQ: [UInt64]
    /// `−(h + v·P) mod q_i` for v in 0..<K, by prime i: what ModDown subtracts once the fast
    /// conversion's overflow v is known (see ``modDown(_:_:)``).
    let modDownOffsets: [[UInt64]]
    /// Basis conversion P → (q_0 … q_l), per level l.
    let modDownTables: [BasisConversionTables]
    /// Basis conversion digit j → the other primes of Q_l and P, per level l and digit j.
    let modUpTables: [[BasisConversionTables]]

    /// Precomputes the conversion constants of every level.
    /// - Parameters:
    ///   - basisQ: the ciphertext primes q_0 … q_L.
    ///   - basisP: the special primes; same backend and ring degree as `basisQ`.
    ///   - primesPerDigit: primes of Q per digit of the gadget decomposition (≥ 1).
    public init(basisQ: RNSBasis, basisP: RNSBasis, primesPerDigit: Int) {
        precondition(primesPerDigit >= 1 && basisQ.n == basisP.n)
        self.basisQ = basisQ
        self.basisP = basisP
        self.primesPerDigit = primesPerDigit
        let q = basisQ.moduli.map(\.value)
        let p = basisP.moduli.map(\.value)
        func productOfP(mod m: UInt64) -> UInt64 {
            var prod: UInt64 = 1
            for pj in p { prod = ScalarMod.mul(prod, pj % m, m) }
            return prod
        }
        pModQ = q.map { productOfP(mod: $0) }
        pInverseModQ = zip(pModQ, q).map { ScalarMod.inversePrime($0, $1) }
        // ⌊P/2⌋ = (P − 1)/2 for odd P, so ⌊P/2⌋ mod m = (P mod m − 1) · 2^-1 mod m.
        func halfP(mod m: UInt64) -> UInt64 {
            ScalarMod.mul(ScalarMod.sub(productOfP(mod: m), 1, m), (m + 1) / 2, m)
        }
        halfPModP = p.map { halfP(mod: $0) }
        minusHalfPModQ = q.map { ScalarMod.sub(0, halfP(mod: $0), $0) }
        modDownOffsets = q.map { qi in
            (0..<p.count).map { v in
                ScalarMod.sub(
                    0, ScalarMod.add(halfP(mod: qi), ScalarMod.mul(UInt64(v), productOfP(mod: qi), qi), qi), qi)
            }
        }

        let qModuli = basisQ.moduli
        let pModuli = basisP.moduli
        modDownTables = qModuli.indices.map { l in
            BasisConversionTables(input: pModuli, output: Array(qModuli[0...l]))
        }
        modUpTables = qModuli.indices.map { l in
            let digits = (l + primesPerDigit) / primesPerDigit
            return (0..<digits).map { j in
                let lo = j * primesPerDigit
                let hi = min(l + 1, lo + primesPerDigit)
                let others = Array(qModuli[0..<lo]) + Array(qModuli[hi..<(l + 1)]) + pModuli
                return BasisConversionTables(input: Array(qModuli[lo..<hi]), output: others)
            }
        }
    }

    private var backend: any RingBackend { basisQ.backend }

    /// Number of gadget digits at level `l`.
    public func digitCount(level l: Int) -> Int {
        (l + primesPerDigit) / primesPerDigit
    }

    // MARK: ModUp

    /// The gadget decomposition of `c` (evaluation form, level l = `c.moduliCount − 1`), each
    /// digit extended to Q_l·P (ModUp). A digit of one prime is lifted centered, in
    /// (−q_j/2, q_j/2], which halves the key-switching noise and removes its bias.
    public func decompose(_ c: Poly<Eval>) -> DecomposedPoly {
        precondition(c.basis === basisQ, "decompose takes a polynomial over Q")
        let n = basisQ.n
        let l = c.moduliCount - 1
        let qLevel = l + 1
        let ext = qLevel + basisP.count
        let digits = digitCount(level: l)
        let alpha = primesPerDigit
        let coeff = c.inverseNTT()
        var data = uninitializedWords(digits * ext * n)
        let tablesQ = basisQ.tables
        let tablesP = basisP.tables
        let backend = self.backend
        var scratch = uninitializedWords(ext * n)
        data.withUnsafeMutableBufferPointer { outBuffer in
            coeff.data.withUnsafeBufferPointer { coeffBuffer in
                c.data.withUnsafeBufferPointer { evalBuffer in
                    scratch.withUnsafeMutableBufferPointer { tmpBuffer in
                        let tmp = tmpBuffer.baseAddress!
                        let outBase = outBuffer.baseAddress!
                        // Every digit's converted residues in coefficient form at their place
                        // (the o-th converted residue belongs to the o-th prime outside the
                        // digit's [lo, hi)), its own residues copied in evaluation form; then
                        // the forward NTTs of every digit at once.
                        var transforms: [(digit: Int, prime: Int)] = []
                        for j in 0..<digits {
                            let lo = j * alpha
                            let hi = min(qLevel, lo + alpha)
                            let own = hi - lo
                            let out = outBase + j * ext * n
                            if own == 1 {
                                // The digit's own slot is the scratch until its copy below.
                                centeredLift(
                                    out, skipping: lo, coeffBuffer.baseAddress! + lo * n, from: basisQ.moduli[lo],
                                    to: modUpTables[l][j].output, scratch: out + lo * n)
                            } else {
                                backend.convertBasis(
                                    tmp, coeffBuffer.baseAddress! + lo * n, tables: modUpTables[l][j], count: n)
                                for o in 0..<(ext - own) {
                                    (out + (o < lo ? o : o + own) * n).update(from: tmp + o * n, count: n)
                                }
                            }
                            for t in lo..<hi {
                                (out + t * n).update(from: evalBuffer.baseAddress! + t * n, count: n)
                            }
                            for t in 0..<ext where t < lo || t >= hi { transforms.append((j, t)) }
                        }
                        Parallelism.perPrime(transforms.count) { i in
                            let (j, t) = transforms[i]
                            backend.forwardNTT(
                                outBase + (j * ext + t) * n, tables: t < qLevel ? tablesQ[t] : tablesP[t - qLevel])
                        }
                    }
                }
            }
        }
        return DecomposedPoly(level: l, digitCount: digits, primeCount: ext, data: data)
    }

    /// `x̃ mod p_o` for the centered representative x̃ of each coefficient of `x` (residues mod
    /// `q`), written to residue t of `output` (n words each) where t = o below `skipping` and
    /// o + 1 from it: the digit's own residue is left out. `scratch` (n words) is overwritten.
    private func centeredLift(
        _ output: UnsafeMutablePointer<UInt64>, skipping own: Int, _ x: UnsafePointer<UInt64>, from q: Modulus,
        to outputs: [Modulus], scratch: UnsafeMutablePointer<UInt64>
    ) {
        let n = basisQ.n
        let half = q.value >> 1
        // x + h mod q lies in [0, q) and equals x̃ + h as an integer.
        backend.addScalar(scratch, x, scalar: half, count: n, modulus: q)
        let backend = self.backend
        Parallelism.perPrime(outputs.count) { o in
            let p = outputs[o]
            let dst = output + (o < own ? o : o + 1) * n
            backend.reduce(dst, UnsafePointer(scratch), count: n, modulus: p)
            backend.addScalar(
                dst, UnsafePointer(dst), scalar: ScalarMod.sub(0, half % p.value, p.value), count: n, modulus: p)
        }
    }

    // MARK: Key-switching inner product

    /// Offset of residue `prime` (of Q_L'·P, q_0 … q_L' then p_0 …, with `qCount` = L' + 1) of
    /// part `part` (0 for b_j, 1 for a_j) of digit `j` in a gadget key's storage,
    /// `[digit][b, a][prime of Q_L'·P][n]`.
    @inline(__always)
    public func keyOffset(digit j: Int, part: Int, prime: Int, qCount: Int) -> Int {
        ((j * 2 + part) * (qCount + basisP.count) + prime) * basisQ.n
    }

    /// Σ_j d_j · (b_j, a_j) over Q_l·P followed by ModDown: returns (d0, d1) over Q_l.
    /// `key` is a gadget key over Q_L'·P (`keyQCount` = L' + 1 ≥ l + 1 primes of Q) in the
    /// layout of ``keyOffset(digit:part:prime:qCount:)`` with at least `d.digitCount` digits.
    /// With `permutation`, the decomposition is first permuted (a hoisted automorphism).
    public func gadgetProduct(
        _ d: DecomposedPoly, key: [UInt64], keyQCount: Int, permutation: [UInt32]? = nil
    ) -> (Poly<Eval>, Poly<Eval>) {
        let n = basisQ.n
        let l = d.level
        let qLevel = l + 1
        let pCount = basisP.count
        let ext = d.primeCount
        let digits = d.digitCount
        precondition(qLevel <= keyQCount, "the key stops below the decomposition's level")
        precondition(
            key.count >= keyOffset(digit: digits, part: 0, prime: 0, qCount: keyQCount),
            "key has fewer digits than the decomposition")
        let backend = self.backend
        var source = d.data
        if let permutation {
            var permuted = uninitializedWords(source.count)
            permuted.withUnsafeMutableBufferPointer { dst in
                source.withUnsafeBufferPointer { src in
                    permutation.withUnsafeBufferPointer { perm in
                        let (db, sb, pb) = (dst.baseAddress!, src.baseAddress!, perm.baseAddress!)
                        Parallelism.perPrime(digits * ext) { r in
                            backend.permute(db + r * n, sb + r * n, permutation: pb, count: n)
                        }
                    }
                }
            }
            source = permuted
        }
        var q0 = Poly<Eval>(basis: basisQ, moduliCount: qLevel, data: uninitializedWords(qLevel * n))
        var q1 = Poly<Eval>(basis: basisQ, moduliCount: qLevel, data: uninitializedWords(qLevel * n))
        var p0 = Poly<Eval>(basis: basisP, moduliCount: pCount, data: uninitializedWords(pCount * n))
        var p1 = Poly<Eval>(basis: basisP, moduliCount: pCount, data: uninitializedWords(pCount * n))
        let moduliQ = basisQ.moduli
        let moduliP = basisP.moduli
        source.withUnsafeBufferPointer { srcBuffer in
            key.withUnsafeBufferPointer { keyBuffer in
                q0.data.withUnsafeMutableBufferPointer { outQ0 in
                    q1.data.withUnsafeMutableBufferPointer { outQ1 in
                        p0.data.withUnsafeMutableBufferPointer { outP0 in
                            p1.data.withUnsafeMutableBufferPointer { outP1 in
                                let src = srcBuffer.baseAddress!
                                let k = keyBuffer.baseAddress!
                                Parallelism.perPrime(ext) { t in
                                    let aPtrs = UnsafeMutablePointer<UnsafePointer<UInt64>>.allocate(capacity: digits)
                                    let bPtrs = UnsafeMutablePointer<UnsafePointer<UInt64>>.allocate(capacity: digits)
                                    let kPtrs = UnsafeMutablePointer<UnsafePointer<UInt64>>.allocate(capacity: digits)
                                    defer {
                                        aPtrs.deallocate()
                                        bPtrs.deallocate()
                                        kPtrs.deallocate()
                                    }
                                    let inQ = t < qLevel
                                    let keyPrime = inQ ? t : keyQCount + (t - qLevel)
                                    let modulus = inQ ? moduliQ[t] : moduliP[t - qLevel]
                                    for j in 0..<digits {
                                        aPtrs[j] = src + (j * ext + t) * n
                                        bPtrs[j] = k + keyOffset(digit: j, part: 0, prime: keyPrime, qCount: keyQCount)
                                        kPtrs[j] = k + keyOffset(digit: j, part: 1, prime: keyPrime, qCount: keyQCount)
                                    }
                                    let out0 = inQ ? outQ0.baseAddress! + t * n : outP0.baseAddress! + (t - qLevel) * n
                                    let out1 = inQ ? outQ1.baseAddress! + t * n : outP1.baseAddress! + (t - qLevel) * n
                                    backend.dotProduct(out0, aPtrs, bPtrs, terms: digits, count: n, modulus: modulus)
                                    backend.dotProduct(out1, aPtrs, kPtrs, terms: digits, count: n, modulus: modulus)
                                }
                            }
                        }
                    }
                }
            }
        }
        modDown(&q0, &p0, &q1, &p1)
        return (q0, q1)
    }

    // MARK: ModDown

    /// ModDown, in place: `x ← (x − r) / P` over Q_l, where x is given by its residues `xQ`
    /// over q_0 … q_l (evaluation form, l + 1 residues of ``basisQ``) and `xP` over every p_k
    /// (evaluation form, all of ``basisP``), and r = [x + h]_P − h is x's centered remainder
    /// mod P (h = ⌊P/2⌋): a rounded division, not a floor. `xP` is overwritten (scratch).
    ///
    /// With several special primes, r is converted to Q exactly: the fast conversion gives
    /// r + v·P for an overflow 0 ≤ v < K, and v = ⌊Σ_k y_k/p_k⌋ (y_k the conversion's first
    /// step; the sum is [x + h]_P/P + v with the fraction in [0, 1)) is computed in double
    /// precision and taken off. Left in, −v is an error of mean −(K − 1)/2 on both halves of
    /// a key switch; multiplied by the secret at decryption it is a smooth, secret-dependent
    /// error of hundreds of units per coefficient, which the slots nearest 1 (and
    /// bootstrapping's sums over many coefficients) collect. A double-precision misjudgement of
    /// v (a fraction within about 2^-50 of 0 or 1) costs ±1 on that coefficient, a rounding.
    public func modDown(_ xQ: inout Poly<Eval>, _ xP: inout Poly<Eval>) {
        precondition(xQ.basis === basisQ && xP.basis === basisP && xP.moduliCount == basisP.count)
        let l = xQ.moduliCount - 1
        var converted = uninitializedWords((l + 1) * basisQ.n)
        xP.data.withUnsafeMutableBufferPointer { pb in
            converted.withUnsafeMutableBufferPointer { cb in
                xQ.data.withUnsafeMutableBufferPointer { qb in
                    modDown(
                        level: l, q: [qb.baseAddress!], p: [pb.baseAddress!], converted: [cb.baseAddress!])
                }
            }
        }
    }

    /// ``modDown(_:_:)`` of two polynomials at once (the two halves of a key switch): their
    /// per-prime loops run as one, so that threads share 2(l + 1) residues, not l + 1 twice.
    public func modDown(
        _ aQ: inout Poly<Eval>, _ aP: inout Poly<Eval>, _ bQ: inout Poly<Eval>, _ bP: inout Poly<Eval>
    ) {
        precondition(aQ.basis === basisQ && aP.basis === basisP && aP.moduliCount == basisP.count)
        precondition(bQ.basis === basisQ && bP.basis === basisP && bP.moduliCount == basisP.count)
        precondition(aQ.moduliCount == bQ.moduliCount)
        let l = aQ.moduliCount - 1
        var converted = uninitializedWords(2 * (l + 1) * basisQ.n)
        aP.data.withUnsafeMutableBufferPointer { apb in
            bP.data.withUnsafeMutableBufferPointer { bpb in
                converted.withUnsafeMutableBufferPointer { cb in
                    aQ.data.withUnsafeMutableBufferPointer { aqb in
                        bQ.data.withUnsafeMutableBufferPointer { bqb in
                            modDown(
                                level: l, q: [aqb.baseAddress!, bqb.baseAddress!],
                                p: [apb.baseAddress!, bpb.baseAddress!],
                                converted: [cb.baseAddress!, cb.baseAddress! + (l + 1) * basisQ.n])
                        }
                    }
                }
            }
        }
    }

    /// ModDown of each `(q[k], p[k])` (residues over q_0 … q_l and over P, evaluation form);
    /// `converted[k]` is scratch of (l + 1)·n words. The P residues are overwritten.
    private func modDown(
        level l: Int, q: [UnsafeMutablePointer<UInt64>], p: [UnsafeMutablePointer<UInt64>],
        converted: [UnsafeMutablePointer<UInt64>]
    ) {
        let n = basisQ.n
        let qLevel = l + 1
        let polys = q.count
        let backend = self.backend
        let tablesP = basisP.tables
        let moduliP = basisP.moduli
        let tablesQ = basisQ.tables
        let moduliQ = basisQ.moduli
        let pCount = moduliP.count
        Parallelism.perPrime(polys * pCount) { index in
            let (k, j) = index.quotientAndRemainder(dividingBy: pCount)
            let pj = p[k] + j * n
            backend.inverseNTT(pj, tables: tablesP[j])
            backend.addScalar(pj, UnsafePointer(pj), scalar: halfPModP[j], count: n, modulus: moduliP[j])
        }
        let tables = modDownTables[l]
        let overflow = pCount > 1 ? UnsafeMutablePointer<UInt8>.allocate(capacity: polys * n) : nil
        defer { overflow?.deallocate() }
        if let overflow {
            // Slices of coefficients, so that threads inside the operation share the work.
            let parts = n % 8 == 0 ? 8 : 1
            let chunk = n / parts
            Parallelism.perPrime(polys * parts) { index in
                let (k, part) = index.quotientAndRemainder(dividingBy: parts)
                Self.conversionOverflow(
                    overflow + k * n + part * chunk, p[k] + part * chunk, stride: n, count: chunk, tables: tables)
            }
        }
        for k in 0..<polys {
            backend.convertBasis(converted[k], UnsafePointer(p[k]), tables: tables, count: n)
        }
        Parallelism.perPrime(polys * qLevel) { index in
            let (k, i) = index.quotientAndRemainder(dividingBy: qLevel)
            let ci = converted[k] + i * n
            let xi = q[k] + i * n
            let qi = moduliQ[i]
            if let overflow {
                let v = overflow + k * n
                let offsets = modDownOffsets[i]
                let qv = qi.value
                offsets.withUnsafeBufferPointer { o in
                    for c in 0..<n { ci[c] = ScalarMod.add(ci[c], o[Int(v[c])], qv) }
                }
            } else {
                backend.addScalar(ci, UnsafePointer(ci), scalar: minusHalfPModQ[i], count: n, modulus: qi)
            }
            backend.forwardNTT(ci, tables: tablesQ[i])
            backend.subtract(xi, UnsafePointer(xi), UnsafePointer(ci), count: n, modulus: qi)
            backend.multiplyScalar(xi, UnsafePointer(xi), scalar: pInverseModQ[i], count: n, modulus: qi)
        }
    }

    /// v = ⌊Σ_k y_k/p_k⌋ with y_k = [x_k · (P/p_k)^-1]_{p_k} for `count` coefficients of the
    /// residues `x` (`stride` words apart, coefficient form): the multiple of P the fast
    /// conversion adds (0 ≤ v < K).
    static func conversionOverflow(
        _ v: UnsafeMutablePointer<UInt8>, _ x: UnsafePointer<UInt64>, stride: Int, count: Int,
        tables: BasisConversionTables
    ) {
        let k = tables.input.count
        let maxV = Double(k - 1)
        let moduli = tables.input.map(\.value)
        let reciprocals = moduli.map { 1 / Double($0) }
        moduli.withUnsafeBufferPointer { m in
            reciprocals.withUnsafeBufferPointer { r in
                tables.qHatInverse.withUnsafeBufferPointer { w in
                    tables.qHatInverseShoup.withUnsafeBufferPointer { ws in
                        for c in 0..<count {
                            var sum = 0.0
                            for j in 0..<k {
                                let y = swiftShoup(x[j &* stride &+ c], w[j], ws[j], m[j])
                                sum += Double(y) * r[j]
                            }
                            v[c] = UInt8(min(sum.rounded(.down), maxV))
                        }
                    }
                }
            }
        }
    }

    // MARK: Splitting Q·P

    /// The residues of `x` (a polynomial over Q·P, q_0 … q_L then p_0 …, in a basis with
    /// ``basisQ`` and ``basisP``'s primes in that order) split into its first `level + 1`
    /// residues over ``basisQ`` and its P residues over ``basisP``.
    public func split<F: PolyFormat>(_ x: Poly<F>, level: Int) -> (q: Poly<F>, p: Poly<F>) {
        let n = basisQ.n
        let qCount = basisQ.count
        let pCount = basisP.count
        precondition(x.moduliCount == qCount + pCount && level >= 0 && level < qCount)
        let q = Poly<F>(basis: basisQ, moduliCount: level + 1, data: Array(x.data[0..<((level + 1) * n)]))
        let p = Poly<F>(basis: basisP, moduliCount: pCount, data: Array(x.data[(qCount * n)...]))
        return (q, p)
    }
}

/// A word buffer whose every element the caller overwrites before reading (skips the memset).
@inline(__always)
func uninitializedWords(_ count: Int) -> [UInt64] {
    [UInt64](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
}
