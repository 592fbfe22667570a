import HefRing

/// A ciphertext read from a file, with the number of meaningful values it carries (the length
/// of the row it encrypts; at most its slot count).
public struct StoredCiphertext: Sendable {
    /// The ciphertext.
    public var ciphertext: Ciphertext
    /// Meaningful values (≤ slots).
    public var valueCount: Int

    /// Wraps `ciphertext`; `valueCount` defaults to its slot count.
    public init(_ ciphertext: Ciphertext, valueCount: Int? = nil) {
        self.ciphertext = ciphertext
        self.valueCount = valueCount ?? ciphertext.slots
    }
}

/// Ciphertext file payload (all ciphertexts under the header's key id):
/// ```
/// count    u32
/// count × record:
///   values  u32   meaningful values (≤ slots)
///   size    u8    number of polynomials, 2 or 3
///   scale   f64   finite, positive
///   slots   u32   a power of two ≤ N/2
///   flags   u8    bit 0: seeded (size 2, c1 is the expansion of the seed)
///   seed    32    (when seeded)
///   c0 … c_{size-1} polynomial sections over q_0 … q_level (only c0 when seeded)
/// ```
/// A seeded c1 is re-expanded with ``Encryptor/expandUniform(context:seed:moduliCount:)``.
extension HefFile {
    /// A ciphertext file holding `ciphertexts` (all under one key).
    /// - Parameters:
    ///   - ciphertexts: ciphertexts of these parameters and one key
    ///   - context: their context
    /// - Throws: ``CKKSError/parametersMismatch(expected:found:)``; ``CKKSError/keyMismatch(expected:found:)`` for ciphertexts under different keys; ``CKKSError/invalidCiphertext(_:)`` for a bad value count or size.
    public static func serialize(_ ciphertexts: [StoredCiphertext], context: CKKSContext) throws -> [UInt8] {
        let params = context.parameters
        let keyID = ciphertexts.first?.ciphertext.keyID ?? 0
        for stored in ciphertexts {
            let ct = stored.ciphertext
            try params.requireID(ct.parametersID)
            guard ct.keyID == keyID else { throw CKKSError.keyMismatch(expected: keyID, found: ct.keyID) }
            guard stored.valueCount >= 0 && stored.valueCount <= ct.slots else {
                throw CKKSError.tooManyValues(given: stored.valueCount, slots: ct.slots)
            }
        }
        var w = ByteWriter()
        writeHeader(&w, kind: .ciphertexts, parameters: params, keyID: keyID)
        w.u32(UInt32(ciphertexts.count))
        for stored in ciphertexts {
            let ct = stored.ciphertext
            let seeded = ct.seed?.count == seedSize && ct.size == 2
            w.u32(UInt32(stored.valueCount))
            w.u8(UInt8(ct.size))
            w.f64(ct.scale)
            w.u32(UInt32(ct.slots))
            w.u8(seeded ? 1 : 0)
            if seeded { w.raw(ct.seed!) }
            for (i, poly) in ct.polys.enumerated() where !(seeded && i == 1) {
                writePoly(&w, poly)
            }
        }
        return w.bytes
    }

    /// Reads every ciphertext of a ciphertext file.
    /// - Parameters:
    ///   - bytes: the file's bytes
    ///   - context: the context of the file's parameters
    /// - Throws: ``CKKSError/malformedData(_:)``, ``CKKSError/truncated(_:)``, ``CKKSError/unsupportedVersion(_:)`` or ``CKKSError/wrongKind(expected:found:)`` for bytes that are not a valid file of this kind; ``CKKSError/parametersMismatch(expected:found:)`` when they were made for other parameters.
    public static func deserializeCiphertexts(_ bytes: [UInt8], context: CKKSContext) throws -> [StoredCiphertext] {
        var (header, r) = try openPayload(bytes, kind: .ciphertexts, context: context)
        let params = context.parameters
        let count = Int(try r.u32("the ciphertext count"))
        // A record takes at least 18 bytes plus one polynomial of n coefficients of ≥ 20 bits.
        guard count <= r.remaining / (18 + params.n * 2) else {
            throw CKKSError.truncated("\(count) ciphertexts cannot fit in the \(r.remaining) bytes left")
        }
        var out: [StoredCiphertext] = []
        out.reserveCapacity(count)
        let basis = context.basisQ
        for index in 0..<count {
            let what = count == 1 ? "the ciphertext" : "ciphertext \(index + 1)"
            let values = Int(try r.u32("the value count of \(what)"))
            let size = Int(try r.u8("the size of \(what)"))
            guard size == 2 || size == 3 else {
                throw CKKSError.malformedData("\(what) has \(size) polynomials; expected 2 or 3")
            }
            let scale = try r.f64("the scale of \(what)")
            guard scale.isFinite && scale > 0 else {
                throw CKKSError.malformedData("\(what) has scale \(scale); expected a finite positive number")
            }
            let slots = Int(try r.u32("the slot count of \(what)"))
            guard slots >= 1 && slots <= params.maxSlots && slots & (slots - 1) == 0 else {
                throw CKKSError.malformedData(
                    "\(what) has \(slots) slots; expected a power of two up to \(params.maxSlots)")
            }
            guard values <= slots else {
                throw CKKSError.malformedData("\(what) claims \(values) values in \(slots) slots")
            }
            let flags = try r.u8("the flags of \(what)")
            guard flags <= 1 else { throw CKKSError.malformedData("\(what): unknown flags \(flags)") }
            let seeded = flags & 1 == 1
            guard !seeded || size == 2 else {
                throw CKKSError.malformedData("\(what): only a 2-polynomial ciphertext can be seeded")
            }
            let seed = seeded ? try readSeed(&r, what: what) : nil
            var polys: [Poly<Eval>] = []
            var moduliCount = 0
            for i in 0..<(seeded ? 1 : size) {
                let range = i == 0 ? 1...basis.count : moduliCount...moduliCount
                let (data, m) = try readPolyData(
                    &r, moduli: basis.moduli, n: basis.n, counts: range, what: "c\(i) of \(what)")
                moduliCount = m
                polys.append(Poly<Eval>(basis: basis, moduliCount: m, data: data))
            }
            if let seed {
                polys.append(Encryptor.expandUniform(context: context, seed: seed, moduliCount: moduliCount))
            }
            let ct = Ciphertext(
                polys: polys, scale: scale, slots: slots, parametersID: header.parametersID, keyID: header.keyID,
                seed: seed)
            out.append(StoredCiphertext(ct, valueCount: values))
        }
        try r.expectEnd("ciphertexts")
        return out
    }
}

extension Ciphertext {
    /// A ciphertext file holding this ciphertext alone.
    /// - Parameters:
    ///   - context: its context
    /// - Throws: as ``HefFile/serialize(_:context:)``.
    public func serialized(context: CKKSContext) throws -> [UInt8] {
        try HefFile.serialize([StoredCiphertext(self)], context: context)
    }

    /// Reads a ciphertext file that holds exactly one ciphertext.
    /// - Parameters:
    ///   - bytes: the file's bytes
    ///   - context: the context of the file's parameters
    /// - Throws: ``CKKSError/malformedData(_:)``, ``CKKSError/truncated(_:)``, ``CKKSError/unsupportedVersion(_:)`` or ``CKKSError/wrongKind(expected:found:)`` for bytes that are not a valid file of this kind; ``CKKSError/parametersMismatch(expected:found:)`` when they were made for other parameters (also when the file does not hold exactly one ciphertext).
    public init(deserializing bytes: [UInt8], context: CKKSContext) throws {
        let all = try HefFile.deserializeCiphertexts(bytes, context: context)
        guard all.count == 1 else {
            throw CKKSError.malformedData("the file holds \(all.count) ciphertexts, not one")
        }
        self = all[0].ciphertext
    }
}
