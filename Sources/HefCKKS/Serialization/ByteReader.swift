/// Reads little-endian fields from a byte buffer; every read is bounds-checked and throws
/// ``CKKSError/truncated(_:)`` instead of reading past the end.
package struct ByteReader {
    package let bytes: [UInt8]
    package private(set) var offset: Int

    package init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    package var remaining: Int { bytes.count - offset }
    package var isAtEnd: Bool { offset == bytes.count }

    package mutating func need(_ count: Int, _ what: @autoclosure () -> String) throws {
        guard count >= 0, count <= remaining else {
            throw CKKSError.truncated(
                "\(what()) needs \(count) bytes at offset \(offset), only \(remaining) left (file of \(bytes.count) bytes)"
            )
        }
    }

    package mutating func u8(_ what: @autoclosure () -> String) throws -> UInt8 {
        try need(1, what())
        defer { offset += 1 }
        return bytes[offset]
    }

    private mutating func word(_ size: Int, _ what: () -> String) throws -> UInt64 {
        try need(size, what())
        var v: UInt64 = 0
        for i in 0..<size { v |= UInt64(bytes[offset + i]) << UInt64(8 * i) }
        offset += size
        return v
    }

    package mutating func u16(_ what: @autoclosure () -> String) throws -> UInt16 { UInt16(try word(2, what)) }
    package mutating func u32(_ what: @autoclosure () -> String) throws -> UInt32 { UInt32(try word(4, what)) }
    package mutating func u64(_ what: @autoclosure () -> String) throws -> UInt64 { try word(8, what) }
    package mutating func f64(_ what: @autoclosure () -> String) throws -> Double {
        Double(bitPattern: try word(8, what))
    }

    package mutating func raw(_ count: Int, _ what: @autoclosure () -> String) throws -> [UInt8] {
        try need(count, what())
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }

    /// Skips `count` bytes.
    package mutating func skip(_ count: Int, _ what: @autoclosure () -> String) throws {
        try need(count, what())
        offset += count
    }

    /// Advances past the next `count` bytes and returns their offset in ``bytes``.
    package mutating func take(_ count: Int, _ what: @autoclosure () -> String) throws -> Int {
        try need(count, what())
        defer { offset += count }
        return offset
    }

    /// Throws unless every byte has been consumed.
    package func expectEnd(_ what: String) throws {
        guard isAtEnd else {
            throw CKKSError.malformedData("\(remaining) unexpected trailing bytes after the \(what)")
        }
    }
}
