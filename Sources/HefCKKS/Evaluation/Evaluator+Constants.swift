import Foundation
import HefRing

/// Constant arithmetic with exact scale control: the building blocks of linear layers and
/// polynomial evaluation, where every sum must add ciphertexts of exactly equal scales.
extension Evaluator {
    /// round(value · scale) reduced modulo q_0 … q_level, exact for any magnitude (values
    /// beyond 2^63 are reduced from their binary expansion m · 2^e).
    /// - Parameters:
    ///   - value: the constant
    ///   - scale: its scale
    ///   - level: the last prime index
    /// - Throws: ``CKKSError/scaleOverflow(_:)`` when value × scale is not finite or does not fit the modulus.
    public func constantResidues(_ value: Double, scale: Double, level: Int) throws -> [UInt64] {
        let v = (value * scale).rounded()
        guard v.isFinite else { throw CKKSError.scaleOverflow("constant × scale is not finite") }
        let q = parameters.q
        if abs(v) < 9.2e18 {
            let iv = Int64(v)
            return (0...level).map { ScalarMod.reduce(signed: iv, q[$0]) }
        }
        guard log2(abs(v)) < context.logModulus(level: level) - 1 else {
            throw CKKSError.scaleOverflow(
                "constant × scale ≈ 2^\(Int(log2(abs(v)))) does not fit the modulus at level \(level)")
        }
        let e = UInt64(v.exponent - 52)
        let m = abs(v).significandBitPattern | (1 << 52)
        return (0...level).map { j in
            let qj = q[j]
            var r = ScalarMod.mul(m % qj, ScalarMod.pow(2, e, qj), qj)
            if v < 0 && r != 0 { r = qj - r }
            return r
        }
    }

    /// Multiplies every slot by `value`, encoded at scale `target · q_l / a.scale` (q_l the
    /// ciphertext's last prime), so that after the following ``rescale(_:)`` the scale is
    /// exactly `target`. Uses one level (at the rescale).
    /// - Parameters:
    ///   - a: a ciphertext above level 0
    ///   - value: the factor
    ///   - target: the scale after the next rescale
    /// - Throws: ``CKKSError/parametersMismatch(expected:found:)`` or ``CKKSError/keyMismatch(expected:found:)`` for an operand of other parameters or another key; ``CKKSError/levelExhausted(_:)`` at level 0; ``CKKSError/scaleOverflow(_:)``.
    public func multiply(_ a: Ciphertext, scalar value: Double, rescaledScale target: Double) throws -> Ciphertext {
        try check(a)
        guard a.level > 0 else {
            throw CKKSError.levelExhausted("a constant product needs a level to rescale; the ciphertext is at level 0")
        }
        let ql = Double(parameters.q[a.level])
        let outScale = target * ql
        try checkScaleFits(outScale, level: a.level)
        let residues = try constantResidues(value, scale: outScale / a.scale, level: a.level)
        var x = a
        for i in x.polys.indices { x.polys[i].multiply(scalars: residues) }
        x.scale = outScale
        x.seed = nil
        return x
    }

    /// Adds `value` to every slot at the ciphertext's scale, for any magnitude of
    /// value × scale (``add(_:scalar:)`` is limited to 2^63).
    /// - Parameters:
    ///   - a: a ciphertext
    ///   - value: the constant
    /// - Throws: ``CKKSError/parametersMismatch(expected:found:)`` or ``CKKSError/keyMismatch(expected:found:)`` for an operand of other parameters or another key; ``CKKSError/scaleOverflow(_:)``.
    public func addConstant(_ a: Ciphertext, _ value: Double) throws -> Ciphertext {
        try check(a)
        if value == 0 { return a }
        let residues = try constantResidues(value, scale: a.scale, level: a.level)
        var x = a
        x.polys[0].add(scalars: residues)
        x.seed = nil
        return x
    }

    /// Σ c_i · ct_i (+ `constant`), computed in one accumulation pass per residue with
    /// the backend's vectorised kernels (`Poly/linearCombination(_:scalars:basis:moduliCount:)`:
    /// multiplyScalar into a scratch residue, then add into the accumulator residue, which
    /// stays in cache), without rescaling. Memory-bound: at
    /// N = 2^13 it reads each input once and allocates only the result. (A lazy 128-bit
    /// `dotProduct` against broadcast constants measured the same; the scalar
    /// `multiplyScalarAdd` C loop was 4–5× slower, as it is not vectorised.)
    ///
    /// Every term's constant is encoded as the signed integer round(c_i · target · q_l / s_i),
    /// with q_l the last prime at the common level l (the lowest input level; higher inputs
    /// are read on their first l + 1 residues) and s_i the term's scale, so every product has
    /// scale `target · q_l`: the result has that scale and one ``rescale(_:)`` brings it to
    /// `target`. With `target` nil all inputs must share one scale s and target = s (the
    /// constants are then round(c_i · q_l)). Zero coefficients are skipped. `level`, when
    /// given, lowers the common level further (inputs are never copied to drop primes).
    /// - Parameters:
    ///   - cts: ciphertexts of one key and slot count
    ///   - coefficients: one per ciphertext
    ///   - target: the scale after the next rescale (nil: the common scale)
    ///   - constant: added to every slot
    ///   - atLevel: a lower common level
    /// - Throws: ``CKKSError/invalidParameters(_:)`` for mismatched counts or a bad level; ``CKKSError/parametersMismatch(expected:found:)`` or ``CKKSError/keyMismatch(expected:found:)`` for an operand of other parameters or another key; ``CKKSError/slotCountMismatch(_:_:)``; ``CKKSError/scaleMismatch(_:_:)`` when `target` is nil and scales differ; ``CKKSError/levelExhausted(_:)`` at level 0; ``CKKSError/scaleOverflow(_:)``.
    public func linearCombination(
        _ cts: [Ciphertext], _ coefficients: [Double], rescaledScale target: Double? = nil, constant: Double = 0,
        level atLevel: Int? = nil
    ) throws -> Ciphertext {
        guard !cts.isEmpty, cts.count == coefficients.count else {
            throw CKKSError.invalidParameters(
                "linearCombination needs as many coefficients as ciphertexts (and at least one)")
        }
        let first = cts[0]
        var level = atLevel ?? first.level
        var size = 0
        for ct in cts {
            try check(ct)
            guard ct.keyID == first.keyID else { throw CKKSError.keyMismatch(expected: first.keyID, found: ct.keyID) }
            guard ct.slots == first.slots else { throw CKKSError.slotCountMismatch(first.slots, ct.slots) }
            level = min(level, ct.level)
            size = max(size, ct.size)
        }
        let t: Double
        if let target {
            t = target
        } else {
            for ct in cts where !Self.sameScale(ct.scale, first.scale) {
                throw CKKSError.scaleMismatch(first.scale, ct.scale)
            }
            t = first.scale
        }
        guard level > 0 else {
            throw CKKSError.levelExhausted("a linear combination needs a level to rescale; the inputs are at level 0")
        }
        let ql = Double(parameters.q[level])
        let outScale = t * ql
        try checkScaleFits(outScale, level: level)

        // Constants per term, reduced into each prime.
        var terms: [(index: Int, residues: [UInt64])] = []
        terms.reserveCapacity(cts.count)
        for (i, c) in coefficients.enumerated() where c != 0 {
            let residues = try constantResidues(c, scale: outScale / cts[i].scale, level: level)
            if residues.allSatisfy({ $0 == 0 }) { continue }
            terms.append((i, residues))
        }

        var polys: [Poly<Eval>] = []
        polys.reserveCapacity(size)
        for p in 0..<size {
            let active = terms.filter { cts[$0.index].size > p }
            polys.append(
                Poly<Eval>.linearCombination(
                    active.map { cts[$0.index].polys[p] }, scalars: active.map(\.residues),
                    basis: context.basisQ, moduliCount: level + 1))
        }
        if constant != 0 {
            polys[0].add(scalars: try constantResidues(constant, scale: outScale, level: level))
        }
        return Ciphertext(
            polys: polys, scale: outScale, slots: first.slots, parametersID: first.parametersID, keyID: first.keyID)
    }
}
