import Foundation
import HefRing

/// Homomorphic operations. Holds only public material (the evaluation keys), so a server can
/// run it. Binary operations align levels automatically (the higher operand drops primes) and
/// refuse operands of other parameters or keys, or with scales that cannot be aligned exactly.
public struct Evaluator: Sendable {
    /// The context of the parameters.
    public let context: CKKSContext
    /// Relinearization and Galois keys; nil for key-free operations only.
    public let keys: EvaluationKeys?

    /// An evaluator on `context` with `keys`.
    /// - Parameters:
    ///   - context: the context
    ///   - keys: evaluation keys of the same parameters, or nil
    /// - Throws: ``CKKSError/parametersMismatch(expected:found:)``.
    public init(context: CKKSContext, keys: EvaluationKeys? = nil) throws {
        if let keys { try context.parameters.requireID(keys.parametersID) }
        self.context = context
        self.keys = keys
    }

    var parameters: CKKSParameters { context.parameters }

    // MARK: Checks and alignment

    func check(_ ct: Ciphertext) throws {
        try parameters.requireID(ct.parametersID)
        if let keys, ct.keyID != keys.keyID {
            throw CKKSError.keyMismatch(expected: keys.keyID, found: ct.keyID)
        }
    }

    func check(_ pt: Plaintext) throws {
        try parameters.requireID(pt.parametersID)
    }

    /// Checks a ciphertext–plaintext pair: same parameters, and a plaintext defined on at least
    /// the ciphertext's primes.
    func checkOperands(_ a: Ciphertext, _ p: Plaintext) throws {
        try check(a)
        try check(p)
        guard p.level >= a.level else {
            throw CKKSError.levelExhausted("the plaintext is at level \(p.level), below the ciphertext's \(a.level)")
        }
    }

    /// True when two scales are equal up to a relative 1e-9 (what additions accept).
    public static func sameScale(_ a: Double, _ b: Double) -> Bool {
        abs(a - b) <= 1e-9 * max(abs(a), abs(b))
    }

    /// Brings two ciphertexts to one level and one scale.
    func aligned(_ a: Ciphertext, _ b: Ciphertext) throws -> (Ciphertext, Ciphertext) {
        var (x, y) = try levelAligned(a, b)
        if !Self.sameScale(x.scale, y.scale) {
            // Multiply the smaller-scale operand by the integer ratio when the ratio is one.
            if x.scale < y.scale { x = try scaleUp(x, to: y.scale) } else { y = try scaleUp(y, to: x.scale) }
        }
        return (x, y)
    }

    /// Brings two ciphertexts to one level (products need no common scale).
    func levelAligned(_ a: Ciphertext, _ b: Ciphertext) throws -> (Ciphertext, Ciphertext) {
        try check(a)
        try check(b)
        guard a.keyID == b.keyID else { throw CKKSError.keyMismatch(expected: a.keyID, found: b.keyID) }
        guard a.slots == b.slots else { throw CKKSError.slotCountMismatch(a.slots, b.slots) }
        var x = a
        var y = b
        let level = min(x.level, y.level)
        if x.level > level { x.dropLevels(to: level) }
        if y.level > level { y.dropLevels(to: level) }
        return (x, y)
    }

    private func scaleUp(_ ct: Ciphertext, to target: Double) throws -> Ciphertext {
        let ratio = target / ct.scale
        let r = ratio.rounded()
        guard r >= 1, abs(ratio - r) <= 1e-9 * ratio, r < 9e18 else {
            throw CKKSError.scaleMismatch(ct.scale, target)
        }
        var out = try multiply(ct, integer: Int64(r))
        out.scale = target
        return out
    }

    // MARK: Addition and subtraction

    /// `a + b`, levels and scales aligned first.
    /// - Parameters:
    ///   - a: a ciphertext
    ///   - b: a ciphertext of the same key and slot count
    /// - Throws: ``CKKSError/parametersMismatch(expected:found:)`` or ``CKKSError/keyMismatch(expected:found:)`` for an operand of other parameters or another key; ``CKKSError/slotCountMismatch(_:_:)``; ``CKKSError/scaleMismatch(_:_:)`` when the scales are not integer multiples.
    public func add(_ a: Ciphertext, _ b: Ciphertext) throws -> Ciphertext {
        var (x, y) = try aligned(a, b)
        if y.size > x.size { swap(&x, &y) }
        for i in 0..<y.size { x.polys[i] = x.polys[i] + y.polys[i] }
        x.seed = nil
        return x
    }

    /// `a − b`, levels and scales aligned first.
    /// - Parameters:
    ///   - a: a ciphertext
    ///   - b: a ciphertext of the same key and slot count
    /// - Throws: ``CKKSError/parametersMismatch(expected:found:)`` or ``CKKSError/keyMismatch(expected:found:)`` for an operand of other parameters or another key; ``CKKSError/slotCountMismatch(_:_:)``; ``CKKSError/scaleMismatch(_:_:)`` when the scales are not integer multiples.
    public func subtract(_ a: Ciphertext, _ b: Ciphertext) throws -> Ciphertext {
        var (x, y) = try aligned(a, b)
        for i in 0..<min(x.size, y.size) { x.polys[i] = x.polys[i] - y.polys[i] }
        for i in x.size..<max(x.size, y.size) {
            var negated = y.polys[i]
            negated.negate()
            x.polys.append(negated)
        }
        x.seed = nil
        return x
    }

    /// `−a`.
    /// - Parameters:
    ///   - a: a ciphertext of these parameters
    /// - Throws: ``CKKSError/parametersMismatch(expected:found:)`` or ``CKKSError/keyMismatch(expected:found:)`` for an operand of other parameters or another key.
    public func negate(_ a: Ciphertext) throws -> Ciphertext {
        try check(a)
        var x = a
        for i in x.polys.indices { x.polys[i].negate() }
        x.seed = nil
        return x
    }

    /// `a + p` at `a`'s level.
    /// - Parameters:
    ///   - a: a ciphertext
    ///   - p: a plaintext at `a`'s scale and at least its level
    /// - Throws: ``CKKSError/parametersMismatch(expected:found:)`` or ``CKKSError/keyMismatch(expected:found:)`` for an operand of other parameters or another key; ``CKKSError/levelExhausted(_:)`` for a plaintext below `a`'s level; ``CKKSError/scaleMismatch(_:_:)``.
    public func add(_ a: Ciphertext, _ p: Plaintext) throws -> Ciphertext {
        try checkOperands(a, p)
        guard Self.sameScale(a.scale, p.scale) else { throw CKKSError.scaleMismatch(a.scale, p.scale) }
        var x = a
        x.polys[0].add(p.poly)
        x.seed = nil
        return x
    }

    /// `a − p` at `a`'s level.
    /// - Parameters:
    ///   - a: a ciphertext
    ///   - p: a plaintext at `a`'s scale and at least its level
    /// - Throws: as ``add(_:_:)-(Ciphertext,Plaintext)``.
    public func subtract(_ a: Ciphertext, _ p: Plaintext) throws -> Ciphertext {
        var negated = p
        negated.poly.negate()
        return try add(a, negated)
    }

    /// Adds `value` to every slot.
    /// - Parameters:
    ///   - a: a ciphertext
    ///   - value: the constant
    /// - Throws: ``CKKSError/parametersMismatch(expected:found:)`` or ``CKKSError/keyMismatch(expected:found:)`` for an operand of other parameters or another key; ``CKKSError/scaleOverflow(_:)`` when value × scale reaches 2^63.
    public func add(_ a: Ciphertext, scalar value: Double) throws -> Ciphertext {
        try check(a)
        let scaled = (value * a.scale).rounded()
        guard scaled.isFinite, abs(scaled) < 9e18 else { throw CKKSError.scaleOverflow("scalar × scale too large") }
        let v = Int64(scaled)
        var x = a
        // A constant polynomial is the same value in every evaluation slot.
        let residues = parameters.q[0...a.level].map { ScalarMod.reduce(signed: v, $0) }
        x.polys[0].add(scalars: residues)
        x.seed = nil
        return x
    }

    // MARK: Multiplication

    /// Multiplies by a plaintext; the scale becomes the product of the scales.
    /// - Parameters:
    ///   - a: a ciphertext
    ///   - p: a plaintext at least at `a`'s level
    /// - Throws: ``CKKSError/parametersMismatch(expected:found:)`` or ``CKKSError/keyMismatch(expected:found:)`` for an operand of other parameters or another key; ``CKKSError/levelExhausted(_:)``; ``CKKSError/scaleOverflow(_:)`` when the product of the scales does not fit.
    public func multiply(_ a: Ciphertext, _ p: Plaintext) throws -> Ciphertext {
        try checkOperands(a, p)
        try checkScaleFits(a.scale * p.scale, level: a.level)
        var x = a
        for i in x.polys.indices { x.polys[i] = x.polys[i] * p.poly }
        x.scale *= p.scale
        x.seed = nil
        return x
    }

    /// Multiplies every slot by an integer (no scale change, no level used).
    /// - Parameters:
    ///   - a: a ciphertext
    ///   - integer: the factor
    /// - Throws: ``CKKSError/parametersMismatch(expected:found:)`` or ``CKKSError/keyMismatch(expected:found:)`` for an operand of other parameters or another key.
    public func multiply(_ a: Ciphertext, integer: Int64) throws -> Ciphertext {
        try check(a)
        var x = a
        let residues = parameters.q[0...a.level].map { ScalarMod.reduce(signed: integer, $0) }
        for i in x.polys.indices { x.polys[i].multiply(scalars: residues) }
        x.seed = nil
        return x
    }

    /// Multiplies every slot by a real constant, encoded at the scale of the last prime so that
    /// the following ``rescale(_:)`` brings the scale back exactly.
    /// - Parameters:
    ///   - a: a ciphertext
    ///   - value: the factor
    /// - Throws: ``CKKSError/parametersMismatch(expected:found:)`` or ``CKKSError/keyMismatch(expected:found:)`` for an operand of other parameters or another key; ``CKKSError/scaleOverflow(_:)``.
    public func multiply(_ a: Ciphertext, scalar value: Double) throws -> Ciphertext {
        try check(a)
        let constantScale = Double(parameters.q[a.level])
        try checkScaleFits(a.scale * constantScale, level: a.level)
        let scaled = (value * constantScale).rounded()
        guard scaled.isFinite, abs(scaled) < 9e18 else { throw CKKSError.scaleOverflow("scalar × scale too large") }
        var out = try multiply(a, integer: Int64(scaled))
        out.scale = a.scale * constantScale
        return out
    }

    /// The tensor product: a three-polynomial ciphertext under (1, s, s²).
    /// - Parameters:
    ///   - a: a two-polynomial ciphertext
    ///   - b: a two-polynomial ciphertext of the same key
    /// - Throws: ``CKKSError/parametersMismatch(expected:found:)`` or ``CKKSError/keyMismatch(expected:found:)`` for an operand of other parameters or another key; ``CKKSError/slotCountMismatch(_:_:)``; ``CKKSError/invalidCiphertext(_:)`` for a three-polynomial operand; ``CKKSError/scaleOverflow(_:)``.
    public func multiply(_ a: Ciphertext, _ b: Ciphertext) throws -> Ciphertext {
        let (x, y) = try levelAligned(a, b)
        guard x.size == 2 && y.size == 2 else {
            throw CKKSError.invalidCiphertext("relinearize before multiplying again")
        }
        try checkScaleFits(x.scale * y.scale, level: x.level)
        let d0 = x.polys[0] * y.polys[0]
        var d1 = x.polys[0] * y.polys[1]
        d1.multiplyAdd(x.polys[1], y.polys[0])
        let d2 = x.polys[1] * y.polys[1]
        return Ciphertext(
            polys: [d0, d1, d2], scale: x.scale * y.scale, slots: x.slots, parametersID: x.parametersID, keyID: x.keyID)
    }

    /// Back to two polynomials with the relinearization key.
    /// - Parameters:
    ///   - a: a ciphertext of these parameters
    /// - Throws: ``CKKSError/parametersMismatch(expected:found:)`` or ``CKKSError/keyMismatch(expected:found:)`` for an operand of other parameters or another key; ``CKKSError/missingRelinearizationKey``; ``CKKSError/keyBelowLevel(key:keyLevel:level:)`` for a key that stops below the ciphertext's level.
    public func relinearize(_ a: Ciphertext) throws -> Ciphertext {
        try check(a)
        guard a.size == 3 else { return a }
        guard let key = keys?.relinearization else { throw CKKSError.missingRelinearizationKey }
        guard a.level <= key.maxLevel else {
            throw CKKSError.keyBelowLevel(key: "relinearization key", keyLevel: key.maxLevel, level: a.level)
        }
        let (k0, k1) = context.keySwitch(context.decompose(a.polys[2]), key: key)
        var out = a
        out.polys.removeLast()
        out.polys[0].add(k0)
        out.polys[1].add(k1)
        return out
    }

    /// A transparent encryption of zero (every polynomial zero) at `a`'s level, size, slot count
    /// and key, at `scale`: zero is zero at any scale, so no check of `scale` against `a`'s.
    /// - Parameters:
    ///   - a: the model ciphertext
    ///   - scale: a positive, finite scale
    /// - Throws: ``CKKSError/parametersMismatch(expected:found:)`` or ``CKKSError/keyMismatch(expected:found:)`` for an operand of other parameters or another key; ``CKKSError/invalidCiphertext(_:)`` for a bad scale.
    public func zero(like a: Ciphertext, scale: Double) throws -> Ciphertext {
        try check(a)
        guard scale.isFinite, scale > 0 else {
            throw CKKSError.invalidCiphertext("a scale must be positive and finite (got \(scale))")
        }
        let polys = a.polys.map { Poly<Eval>(zeroOn: $0.basis, moduliCount: $0.moduliCount) }
        return Ciphertext(polys: polys, scale: scale, slots: a.slots, parametersID: a.parametersID, keyID: a.keyID)
    }

    /// multiply then relinearize.
    /// - Parameters:
    ///   - a: a two-polynomial ciphertext
    ///   - b: a two-polynomial ciphertext of the same key
    /// - Throws: as ``multiply(_:_:)-(Ciphertext,Ciphertext)`` and ``relinearize(_:)``.
    public func multiplyRelinearize(_ a: Ciphertext, _ b: Ciphertext) throws -> Ciphertext {
        try relinearize(try multiply(a, b))
    }

    /// Divides by the last prime: one level less, scale / q_l.
    /// - Parameters:
    ///   - a: a ciphertext of these parameters
    /// - Throws: ``CKKSError/parametersMismatch(expected:found:)`` or ``CKKSError/keyMismatch(expected:found:)`` for an operand of other parameters or another key; ``CKKSError/levelExhausted(_:)`` at level 0.
    public func rescale(_ a: Ciphertext) throws -> Ciphertext {
        try check(a)
        let l = a.level
        guard l > 0 else {
            throw CKKSError.levelExhausted(
                "the ciphertext is at level 0 and cannot be rescaled; use parameters with more levels")
        }
        var out = a
        for i in out.polys.indices {
            out.polys[i] = out.polys[i].dividedRoundingByLastModulus(tables: context.rescaleTables)
        }
        out.scale = a.scale / Double(parameters.q[l])
        out.seed = nil
        return out
    }

    func checkScaleFits(_ scale: Double, level: Int) throws {
        let logQ = context.logModulus(level: level)
        // Leave room for the message's own magnitude and the sign.
        if log2(scale) >= logQ - 2 {
            throw CKKSError.scaleOverflow(
                "a scale of 2^\(Int(log2(scale).rounded())) does not fit the \(Int(logQ))-bit modulus at level \(level); rescale first"
            )
        }
    }
}
