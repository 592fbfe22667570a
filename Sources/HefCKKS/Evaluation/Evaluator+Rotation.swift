import HefRing

extension Evaluator {
    func galoisKey(_ g: Int, step: Int, level: Int) throws -> KeySwitchingKey {
        guard let key = keys?.galois[g] else {
            if g == context.encoder.conjugationElement { throw CKKSError.missingConjugationKey }
            throw CKKSError.missingRotationKey(step: step)
        }
        guard level <= key.maxLevel else {
            throw CKKSError.keyBelowLevel(key: "Galois key for element \(g)", keyLevel: key.maxLevel, level: level)
        }
        return key
    }

    /// Applies X -> X^g to a two-polynomial ciphertext with its Galois key.
    func applyGalois(_ a: Ciphertext, element g: Int, step: Int) throws -> Ciphertext {
        try check(a)
        guard a.size == 2 else { throw CKKSError.invalidCiphertext("relinearize before rotating") }
        if g == 1 { return a }
        let key = try galoisKey(g, step: step, level: a.level)
        let perm = context.permutation(galoisElement: g)
        let c1 = a.polys[1].permuted(by: perm)
        let (k0, k1) = context.keySwitch(context.decompose(c1), key: key)
        var c0 = a.polys[0].permuted(by: perm)
        c0.add(k0)
        return Ciphertext(
            polys: [c0, k1], scale: a.scale, slots: a.slots, parametersID: a.parametersID, keyID: a.keyID)
    }

    /// Rotates the slots left by `step` (right when negative): slot i receives slot i + step.
    /// - Parameters:
    ///   - a: a two-polynomial ciphertext
    ///   - step: slots to rotate by
    /// - Throws: ``CKKSError/parametersMismatch(expected:found:)`` or ``CKKSError/keyMismatch(expected:found:)`` for an operand of other parameters or another key; ``CKKSError/invalidCiphertext(_:)`` for a three-polynomial ciphertext; ``CKKSError/missingRotationKey(step:)``; ``CKKSError/keyBelowLevel(key:keyLevel:level:)`` when the key stops below the ciphertext's level.
    public func rotate(_ a: Ciphertext, by step: Int) throws -> Ciphertext {
        let g = context.encoder.galoisElement(forStep: step, slots: a.slots)
        return try applyGalois(a, element: g, step: step)
    }

    /// Complex conjugation of every slot.
    /// - Parameters:
    ///   - a: a ciphertext of these parameters
    /// - Throws: ``CKKSError/parametersMismatch(expected:found:)`` or ``CKKSError/keyMismatch(expected:found:)`` for an operand of other parameters or another key; ``CKKSError/invalidCiphertext(_:)``; ``CKKSError/missingConjugationKey``.
    public func conjugate(_ a: Ciphertext) throws -> Ciphertext {
        try applyGalois(a, element: context.encoder.conjugationElement, step: 0)
    }

    /// Several rotations of one ciphertext, decomposing it once (hoisting): much cheaper than
    /// separate ``rotate(_:by:)`` calls.
    /// - Parameters:
    ///   - a: a two-polynomial ciphertext
    ///   - steps: the rotations wanted
    /// - Throws: as ``rotate(_:by:)``.
    public func rotations(_ a: Ciphertext, by steps: [Int]) throws -> [Int: Ciphertext] {
        try check(a)
        guard a.size == 2 else { throw CKKSError.invalidCiphertext("relinearize before rotating") }
        var result: [Int: Ciphertext] = [:]
        var decomposed: DecomposedPoly?
        for step in steps where result[step] == nil {
            let g = context.encoder.galoisElement(forStep: step, slots: a.slots)
            if g == 1 {
                result[step] = a
                continue
            }
            let key = try galoisKey(g, step: step, level: a.level)
            if decomposed == nil { decomposed = context.decompose(a.polys[1]) }
            let perm = context.permutation(galoisElement: g)
            let (k0, k1) = context.keySwitch(decomposed!, key: key, permutation: perm)
            var c0 = a.polys[0].permuted(by: perm)
            c0.add(k0)
            result[step] = Ciphertext(
                polys: [c0, k1], scale: a.scale, slots: a.slots, parametersID: a.parametersID, keyID: a.keyID)
        }
        return result
    }

    /// Sums the first `count` slots (a power of two, default all) into every slot, with
    /// log2(count) rotations by 1, 2, 4, ….
    /// - Parameters:
    ///   - a: a two-polynomial ciphertext
    ///   - count: a power of two up to the slot count
    /// - Throws: ``CKKSError/invalidParameters(_:)`` for a bad count; otherwise as ``rotate(_:by:)`` and ``add(_:_:)-(Ciphertext,Ciphertext)``.
    public func rotateAndSum(_ a: Ciphertext, count: Int? = nil) throws -> Ciphertext {
        let total = count ?? a.slots
        guard total >= 1 && total <= a.slots && total & (total - 1) == 0 else {
            throw CKKSError.invalidParameters("rotateAndSum needs a power-of-two count up to the slot count")
        }
        var acc = a
        var step = 1
        while step < total {
            acc = try add(acc, try rotate(acc, by: step))
            step <<= 1
        }
        return acc
    }

    /// The rotation steps ``rotateAndSum(_:count:)`` needs keys for.
    public static func rotateAndSumSteps(count: Int) -> [Int] {
        var steps: [Int] = []
        var s = 1
        while s < count {
            steps.append(s)
            s <<= 1
        }
        return steps
    }
}
