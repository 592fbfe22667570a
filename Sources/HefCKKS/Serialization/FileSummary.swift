import HefRing

/// What `hefctl inspect` shows: the structure of a Hef file, read without a context (lengths
/// are checked, residues are not compared with primes).
public struct FileSummary: Sendable {
    /// One ciphertext record.
    public struct CiphertextInfo: Sendable {
        /// Its level.
        public var level: Int
        /// Its scale.
        public var scale: Double
        /// Its slot count.
        public var slots: Int
        /// Number of polynomials.
        public var size: Int
        /// Whether c1 is stored as a seed.
        public var seeded: Bool
        /// Meaningful values.
        public var valueCount: Int
    }

    /// The file kind.
    public var kind: HefFileKind
    /// The format version.
    public var version: Int
    /// The parameter id in the header.
    public var parametersID: UInt64
    /// The key id in the header (0 for parameters and plaintexts).
    public var keyID: UInt64
    /// The embedded parameters literal.
    public var literal: ParametersLiteral
    /// The file size.
    public var byteCount: Int
    /// Ciphertexts (or the plaintext, with size 1) in the file.
    public var ciphertexts: [CiphertextInfo] = []
    /// Public key: whether `a` is stored as a seed.
    public var seeded: Bool?
    /// Evaluation keys: whether a relinearization key is present.
    public var hasRelinearizationKey: Bool?
    /// Evaluation keys: the Galois elements present.
    public var galoisElements: [Int] = []
}

extension HefFile {
    /// Walks a Hef file of any kind and summarizes it.
    /// - Parameters:
    ///   - bytes: the file's bytes
    /// - Throws: ``CKKSError/malformedData(_:)``, ``CKKSError/truncated(_:)``, ``CKKSError/unsupportedVersion(_:)`` for bytes that are not a valid Hef file.
    public static func inspect(_ bytes: [UInt8]) throws -> FileSummary {
        var r = ByteReader(bytes)
        let header = try readHeader(&r, expecting: nil)
        let literal = try readLiteral(&r)
        guard (4...16).contains(literal.logN) else {
            throw CKKSError.malformedData("logN \(literal.logN) is out of range")
        }
        let n = 1 << literal.logN
        var s = FileSummary(
            kind: header.kind, version: Int(header.version), parametersID: header.parametersID, keyID: header.keyID,
            literal: literal, byteCount: bytes.count)
        switch header.kind {
        case .parameters:
            break
        case .secretKey:
            _ = try skipPoly(&r, n: n, what: "the secret key")
        case .publicKey:
            let flags = try r.u8("the public key flags")
            s.seeded = flags & 1 == 1
            if flags & 1 == 1 { try r.skip(seedSize, "the seed") }
            _ = try skipPoly(&r, n: n, what: "the public key's b")
            if flags & 1 == 0 { _ = try skipPoly(&r, n: n, what: "the public key's a") }
        case .evaluationKeys:
            let flags = try r.u8("the evaluation keys flags")
            let count = Int(try r.u32("the Galois key count"))
            guard count <= r.remaining / n else {
                throw CKKSError.truncated("\(count) Galois keys cannot fit in the file")
            }
            s.hasRelinearizationKey = flags & 1 == 1
            if flags & 1 == 1 { try skipKey(&r, n: n, what: "the relinearization key") }
            for _ in 0..<count {
                let g = Int(try r.u32("a Galois element"))
                s.galoisElements.append(g)
                try skipKey(&r, n: n, what: "the Galois key for \(g)")
            }
        case .ciphertexts:
            let count = Int(try r.u32("the ciphertext count"))
            guard count <= r.remaining / 18 else {
                throw CKKSError.truncated("\(count) ciphertexts cannot fit in the file")
            }
            for i in 0..<count {
                let what = "ciphertext \(i + 1)"
                let values = Int(try r.u32("the value count of \(what)"))
                let size = Int(try r.u8("the size of \(what)"))
                let scale = try r.f64("the scale of \(what)")
                let slots = Int(try r.u32("the slot count of \(what)"))
                let flags = try r.u8("the flags of \(what)")
                if flags & 1 == 1 { try r.skip(seedSize, "the seed of \(what)") }
                var residues = 0
                for j in 0..<(flags & 1 == 1 ? 1 : max(1, size)) {
                    residues = try skipPoly(&r, n: n, what: "c\(j) of \(what)")
                }
                s.ciphertexts.append(
                    .init(
                        level: residues - 1, scale: scale, slots: slots, size: size, seeded: flags & 1 == 1,
                        valueCount: values))
            }
        case .encapsulationKeys:
            _ = try r.u32("the ephemeral Hamming weight")
            try r.skip(seedSize, "the seed of the dense-to-sparse key")
            _ = try skipPoly(&r, n: n, what: "the dense-to-sparse key's b")
            try skipKey(&r, n: n, what: "the sparse-to-dense key")
        case .plaintext:
            let scale = try r.f64("the plaintext scale")
            let slots = Int(try r.u32("the plaintext slot count"))
            let residues = try skipPoly(&r, n: n, what: "the plaintext")
            s.ciphertexts.append(
                .init(level: residues - 1, scale: scale, slots: slots, size: 1, seeded: false, valueCount: slots))
        }
        try r.expectEnd(header.kind.description)
        return s
    }

    static func skipKey(_ r: inout ByteReader, n: Int, what: String) throws {
        let flags = try r.u8("the flags of \(what)")
        let digits = Int(try r.u16("the digit count of \(what)"))
        _ = try r.u16("the prime count of \(what)")
        if flags & 1 == 1 { try r.skip(seedSize, "the seed of \(what)") }
        for j in 0..<digits {
            _ = try skipPoly(&r, n: n, what: "b_\(j) of \(what)")
            if flags & 1 == 0 { _ = try skipPoly(&r, n: n, what: "a_\(j) of \(what)") }
        }
    }
}
