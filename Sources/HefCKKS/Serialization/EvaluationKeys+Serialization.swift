import HefRing

/// Evaluation keys file payload:
/// ```
/// flags         u8    bit 0: a relinearization key follows
/// galois count  u32
/// [relinearization key record]
/// galois count × (element u32, key record), by increasing element
/// ```
/// Key record: `flags u8` (bit 0: seeded), `digits u16`, `primes u16`, `seed` (32 bytes when
/// seeded), then for each digit j the polynomial section of b_j over Q_L'·P and, when not
/// seeded, of a_j. `primes` is L' + 1 plus the special primes: L' + 1 = the whole of Q for a
/// key that switches every level, fewer for a key that stops at L' (`digits` is then the
/// digits that cover q_0 … q_L'). A seeded a_j is re-expanded as ``KeyGenerator`` drew it:
/// `Sampler.uniform` over Q·P from `RandomStream(seed:domain: j)`, restricted to the key's
/// primes.
extension EvaluationKeys {
    /// The evaluation keys file (seeded a_j).
    /// - Parameters:
    ///   - context: their context
    /// - Throws: ``CKKSError/parametersMismatch(expected:found:)``.
    public func serialized(context: CKKSContext) throws -> [UInt8] {
        let params = context.parameters
        try params.requireID(parametersID)
        var w = ByteWriter()
        HefFile.writeHeader(&w, kind: .evaluationKeys, parameters: params, keyID: keyID)
        w.u8(relinearization == nil ? 0 : 1)
        w.u32(UInt32(galois.count))
        if let relinearization { Self.write(&w, relinearization, context: context) }
        for g in galois.keys.sorted() {
            w.u32(UInt32(g))
            Self.write(&w, galois[g]!, context: context)
        }
        return w.bytes
    }

    /// The size of ``serialized(context:)`` in bytes, without writing it: what sending the keys
    /// costs.
    /// - Parameters:
    ///   - context: their context
    /// - Throws: ``CKKSError/parametersMismatch(expected:found:)``.
    public func serializedByteCount(context: CKKSContext) throws -> Int {
        try context.parameters.requireID(parametersID)
        var total = HefFile.prefixSize(context.parameters) + 1 + 4
        if let relinearization { total += Self.recordSize(relinearization, context: context) }
        for key in galois.values { total += 4 + Self.recordSize(key, context: context) }
        return total
    }

    /// Bytes of one key record as ``write(_:_:context:)`` writes it.
    static func recordSize(_ key: KeySwitchingKey, context: CKKSContext) -> Int {
        let seeded = key.seed.count == HefFile.seedSize
        let poly = HefFile.polySize(moduli: keyModuli(context: context, maxLevel: key.maxLevel)[...], n: key.n)
        return 5 + (seeded ? HefFile.seedSize : 0) + key.digitCount * (seeded ? 1 : 2) * poly
    }

    /// The moduli of a key that stops at `maxLevel`: q_0 … q_maxLevel, then the special primes.
    static func keyModuli(context: CKKSContext, maxLevel: Int) -> [Modulus] {
        Array(context.basisQ.moduli[0...maxLevel]) + context.basisP.moduli
    }

    static func write(_ w: inout ByteWriter, _ key: KeySwitchingKey, context: CKKSContext) {
        let moduli = keyModuli(context: context, maxLevel: key.maxLevel)
        let seeded = key.seed.count == HefFile.seedSize
        w.u8(seeded ? 1 : 0)
        w.u16(UInt16(key.digitCount))
        w.u16(UInt16(key.primeCount))
        if seeded { w.raw(key.seed) }
        let n = key.n
        let primes = key.primeCount
        for j in 0..<key.digitCount {
            for part in 0..<(seeded ? 1 : 2) {
                let start = key.offset(digit: j, part: part, prime: 0)
                HefFile.writePoly(
                    &w, data: Array(key.data[start..<(start + primes * n)]), moduli: moduli, moduliCount: primes, n: n)
            }
        }
    }

    /// Reads an evaluation keys file.
    /// - Parameters:
    ///   - bytes: the file's bytes
    ///   - context: the context of the file's parameters
    /// - Throws: ``CKKSError/malformedData(_:)``, ``CKKSError/truncated(_:)``, ``CKKSError/unsupportedVersion(_:)`` or ``CKKSError/wrongKind(expected:found:)`` for bytes that are not a valid file of this kind; ``CKKSError/parametersMismatch(expected:found:)`` when they were made for other parameters.
    public init(deserializing bytes: [UInt8], context: CKKSContext) throws {
        var (header, r) = try HefFile.openPayload(bytes, kind: .evaluationKeys, context: context)
        let params = context.parameters
        let flags = try r.u8("the evaluation keys flags")
        guard flags <= 1 else { throw CKKSError.malformedData("unknown evaluation keys flags \(flags)") }
        let galoisCount = Int(try r.u32("the Galois key count"))
        // Each key takes at least one byte per coefficient of b_0: refuse absurd counts early.
        guard galoisCount <= r.remaining / params.n else {
            throw CKKSError.truncated("\(galoisCount) Galois keys cannot fit in the \(r.remaining) bytes left")
        }
        let relin = flags & 1 == 1 ? try Self.readKey(&r, context: context, what: "the relinearization key") : nil
        var galois: [Int: KeySwitchingKey] = [:]
        let twoN = 2 * params.n
        for _ in 0..<galoisCount {
            let g = Int(try r.u32("a Galois element"))
            guard g & 1 == 1, g > 1, g < twoN else {
                throw CKKSError.malformedData("Galois element \(g) is not an odd number in 3..<\(twoN)")
            }
            guard galois[g] == nil else { throw CKKSError.malformedData("Galois element \(g) appears twice") }
            galois[g] = try Self.readKey(&r, context: context, what: "the Galois key for element \(g)")
        }
        try r.expectEnd("evaluation keys")
        self.init(relinearization: relin, galois: galois, parametersID: header.parametersID, keyID: header.keyID)
    }

    static func readKey(_ r: inout ByteReader, context: CKKSContext, what: String) throws -> KeySwitchingKey {
        let params = context.parameters
        let basis = context.basisQP
        let n = params.n
        let flags = try r.u8("the flags of \(what)")
        guard flags <= 1 else { throw CKKSError.malformedData("\(what): unknown flags \(flags)") }
        let seeded = flags & 1 == 1
        let digits = Int(try r.u16("the digit count of \(what)"))
        let primes = Int(try r.u16("the prime count of \(what)"))
        let qCount = params.q.count
        let maxLevel = primes - context.basisP.count - 1
        guard maxLevel >= 0 && maxLevel < qCount else {
            throw CKKSError.malformedData(
                "\(what) spans \(primes) primes; a key has 1 to \(qCount) primes of Q and the \(context.basisP.count) special primes"
            )
        }
        let wantDigits = (maxLevel + params.primesPerDigit) / params.primesPerDigit
        guard digits == wantDigits else {
            throw CKKSError.malformedData(
                "\(what) has \(digits) digits; a key up to level \(maxLevel) of these parameters has \(wantDigits)")
        }
        let moduli = keyModuli(context: context, maxLevel: maxLevel)
        let kept = KeySwitchingKey.keptPrimes(qCount: qCount, pCount: context.basisP.count, maxLevel: maxLevel)
        let seed = seeded ? try HefFile.readSeed(&r, what: what) : []
        var data = [UInt64](repeating: 0, count: digits * 2 * primes * n)
        for j in 0..<digits {
            let (b, _) = try HefFile.readPolyData(
                &r, moduli: moduli, n: n, counts: primes...primes, what: "b_\(j) of \(what)")
            let bStart = ((j * 2) * primes) * n
            data.replaceSubrange(bStart..<(bStart + primes * n), with: b)
            let aStart = ((j * 2 + 1) * primes) * n
            if seeded {
                var stream = RandomStream(seed: seed, domain: UInt64(j))
                let a = Sampler.uniform(basis: basis, moduliCount: basis.count, stream: &stream)
                for (position, i) in kept.enumerated() {
                    let start = aStart + position * n
                    data.replaceSubrange(start..<(start + n), with: a.data[(i * n)..<((i + 1) * n)])
                }
            } else {
                let (a, _) = try HefFile.readPolyData(
                    &r, moduli: moduli, n: n, counts: primes...primes, what: "a_\(j) of \(what)")
                data.replaceSubrange(aStart..<(aStart + primes * n), with: a)
            }
        }
        return KeySwitchingKey(digitCount: digits, primeCount: primes, maxLevel: maxLevel, n: n, data: data, seed: seed)
    }
}
