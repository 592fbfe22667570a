import Foundation
import HefRing

/// The Hef binary format, version 1. All integers little-endian.
///
/// ```
/// header (23 bytes)
///   magic         4   "HEF\0"
///   kind          1   HefFileKind
///   version       2   1
///   parameter id  8   CKKSParameters.id
///   key id        8   the secret key's id (0 for a parameters file)
/// parameters section (every kind, so each file is self-describing)
///   length        4   n
///   literal       n   ParametersLiteral as JSON (UTF-8, sorted keys)
/// payload (per kind, see the `+Serialization` files)
/// ```
///
/// A polynomial section is `count:u8`, `count` bit widths `u8` (each must equal the bit width
/// of the matching prime), then each residue bit-packed at its width (`BitPacking`).
public enum HefFile {
    /// The first four bytes of every file, "HEF\0".
    public static let magic: [UInt8] = [0x48, 0x45, 0x46, 0x00]
    /// The version written and the only one read.
    public static let formatVersion: UInt16 = 1
    /// Bytes of the fixed header.
    public static let headerSize = 23
    /// Bytes of a stored seed.
    public static let seedSize = 32

    struct Header {
        var kind: HefFileKind
        var version: UInt16
        var parametersID: UInt64
        var keyID: UInt64
    }

    // MARK: Writing

    static func writeHeader(_ w: inout ByteWriter, kind: HefFileKind, parameters: CKKSParameters, keyID: UInt64) {
        w.raw(magic)
        w.u8(kind.rawValue)
        w.u16(formatVersion)
        w.u64(parameters.id)
        w.u64(keyID)
        let json = literalJSON(parameters.literal)
        w.u32(UInt32(json.count))
        w.raw(json)
    }

    static func literalJSON(_ literal: ParametersLiteral) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding a plain struct of numbers and strings cannot fail.
        return Array(try! encoder.encode(literal))
    }

    /// Size of the header plus the parameters section.
    static func prefixSize(_ parameters: CKKSParameters) -> Int {
        headerSize + 4 + literalJSON(parameters.literal).count
    }

    /// Appends a polynomial section: the first `moduliCount` residues of `data`.
    static func writePoly(_ w: inout ByteWriter, data: [UInt64], moduli: [Modulus], moduliCount: Int, n: Int) {
        precondition(data.count >= moduliCount * n && moduliCount <= moduli.count && moduliCount <= 255)
        w.u8(UInt8(moduliCount))
        for i in 0..<moduliCount { w.u8(UInt8(moduli[i].bitWidth)) }
        for i in 0..<moduliCount {
            BitPacking.pack(data, range: (i * n)..<((i + 1) * n), width: moduli[i].bitWidth, into: &w.bytes)
        }
    }

    static func writePoly<F>(_ w: inout ByteWriter, _ poly: Poly<F>) {
        writePoly(&w, data: poly.data, moduli: poly.basis.moduli, moduliCount: poly.moduliCount, n: poly.n)
    }

    static func polySize(moduli: ArraySlice<Modulus>, n: Int) -> Int {
        1 + moduli.count + moduli.reduce(0) { $0 + BitPacking.byteCount(count: n, width: $1.bitWidth) }
    }

    // MARK: Reading

    /// Reads and checks magic, version and kind (when `expecting` is given).
    static func readHeader(_ r: inout ByteReader, expecting: HefFileKind?) throws -> Header {
        try r.need(4, "the magic number")
        let m = try r.raw(4, "the magic number")
        guard m == magic else {
            throw CKKSError.malformedData("not a Hef file (the first bytes are not \"HEF\\0\")")
        }
        let kindByte = try r.u8("the kind")
        let version = try r.u16("the format version")
        guard version == formatVersion else { throw CKKSError.unsupportedVersion(Int(version)) }
        guard let kind = HefFileKind(rawValue: kindByte) else {
            throw CKKSError.malformedData("unknown file kind \(kindByte)")
        }
        if let expecting, kind != expecting {
            throw CKKSError.wrongKind(expected: expecting.description, found: kind.description)
        }
        let pid = try r.u64("the parameter id")
        let kid = try r.u64("the key id")
        return Header(kind: kind, version: version, parametersID: pid, keyID: kid)
    }

    static func readLiteral(_ r: inout ByteReader) throws -> ParametersLiteral {
        let length = Int(try r.u32("the parameters length"))
        guard length <= 1 << 20 else {
            throw CKKSError.malformedData("parameters section of \(length) bytes is implausible")
        }
        let json = try r.raw(length, "the parameters JSON")
        do {
            return try JSONDecoder().decode(ParametersLiteral.self, from: Data(json))
        } catch {
            throw CKKSError.malformedData("the parameters section is not a valid parameters literal")
        }
    }

    /// Opens a file of `kind` made for `context`: checks the header, the parameter id, the
    /// parameters section, and leaves the reader at the payload.
    static func openPayload(_ bytes: [UInt8], kind: HefFileKind, context: CKKSContext) throws -> (Header, ByteReader) {
        var r = ByteReader(bytes)
        let header = try readHeader(&r, expecting: kind)
        _ = try readLiteral(&r)
        try context.parameters.requireID(header.parametersID)
        return (header, r)
    }

    /// Reads a polynomial section whose residue count must lie in `counts`, over the prefix of
    /// `moduli`; checks the bit widths, the padding and that every residue is below its prime.
    static func readPolyData(
        _ r: inout ByteReader, moduli: [Modulus], n: Int, counts: ClosedRange<Int>, what: String
    ) throws -> (data: [UInt64], moduliCount: Int) {
        let count = Int(try r.u8("the residue count of \(what)"))
        guard counts.contains(count) else {
            throw CKKSError.malformedData(
                "\(what) has \(count) residues; expected \(counts.lowerBound == counts.upperBound ? "\(counts.lowerBound)" : "\(counts.lowerBound)...\(counts.upperBound)")"
            )
        }
        let widths = try r.raw(count, "the bit widths of \(what)")
        for i in 0..<count where Int(widths[i]) != moduli[i].bitWidth {
            throw CKKSError.malformedData(
                "\(what): residue \(i) is packed at \(widths[i]) bits, its prime has \(moduli[i].bitWidth)")
        }
        // Check the total length before allocating anything.
        let total = moduli[0..<count].reduce(0) { $0 + BitPacking.byteCount(count: n, width: $1.bitWidth) }
        try r.need(total, "the residues of \(what)")
        var data = [UInt64](repeating: 0, count: count * n)
        for i in 0..<count {
            let q = moduli[i]
            let size = BitPacking.byteCount(count: n, width: q.bitWidth)
            let offset = try r.take(size, "residue \(i) of \(what)")
            guard BitPacking.unpack(r.bytes, offset: offset, count: n, width: q.bitWidth, into: &data, at: i * n) else {
                throw CKKSError.malformedData("\(what): residue \(i) has non-zero padding bits")
            }
            if let j = data[(i * n)..<((i + 1) * n)].firstIndex(where: { $0 >= q.value }) {
                throw CKKSError.malformedData(
                    "\(what): coefficient \(j - i * n) of residue \(i) is not below its modulus \(q.value)")
            }
        }
        return (data, count)
    }

    /// Skips a polynomial section without moduli (for inspection); returns its residue count.
    static func skipPoly(_ r: inout ByteReader, n: Int, what: String) throws -> Int {
        let count = Int(try r.u8("the residue count of \(what)"))
        guard count >= 1 else { throw CKKSError.malformedData("\(what) has no residues") }
        let widths = try r.raw(count, "the bit widths of \(what)")
        for w in widths where !(1...62).contains(w) {
            throw CKKSError.malformedData("\(what): bit width \(w) is out of range")
        }
        let total = widths.reduce(0) { $0 + BitPacking.byteCount(count: n, width: Int($1)) }
        try r.skip(total, "the residues of \(what)")
        return count
    }

    static func readSeed(_ r: inout ByteReader, what: String) throws -> [UInt8] {
        try r.raw(seedSize, "the seed of \(what)")
    }

    // MARK: Parameters from any file

    /// The parameters literal and id a Hef file of any kind names (no context needed).
    /// - Parameters:
    ///   - bytes: the file's bytes
    /// - Throws: ``CKKSError/malformedData(_:)``, ``CKKSError/truncated(_:)`` or ``CKKSError/unsupportedVersion(_:)`` for bytes that are not a Hef file.
    public static func parametersLiteral(of bytes: [UInt8]) throws -> (
        literal: ParametersLiteral, id: UInt64, kind: HefFileKind
    ) {
        var r = ByteReader(bytes)
        let header = try readHeader(&r, expecting: nil)
        let literal = try readLiteral(&r)
        return (literal, header.parametersID, header.kind)
    }

    /// Rebuilds the parameters named by a Hef file of any kind, and checks that they have the
    /// id the file records.
    /// - Parameters:
    ///   - bytes: the file's bytes
    ///   - insecure: see ``CKKSParameters/init(_:insecure:)``
    /// - Throws: as ``parametersLiteral(of:)`` and ``CKKSParameters/init(_:insecure:)``; ``CKKSError/malformedData(_:)`` when the rebuilt id differs.
    public static func parameters(of bytes: [UInt8], insecure: InsecureParametersForTestingOnly? = nil) throws
        -> CKKSParameters
    {
        let (literal, id, _) = try parametersLiteral(of: bytes)
        let parameters = try CKKSParameters(literal, insecure: insecure)
        guard parameters.id == id else {
            throw CKKSError.malformedData(
                "the embedded parameters rebuild id \(hex16(parameters.id)), but the file says \(hex16(id))")
        }
        return parameters
    }
}
