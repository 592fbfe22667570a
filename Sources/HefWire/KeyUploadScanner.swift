public import HefCKKS

/// Follows the layout of a key upload (a ``KeyBundle`` or one plain Hef file) as its bytes
/// arrive, so that a server can store a large upload as it streams in and still refuse a part
/// of the wrong kind (a secret key above all) from the part's header, before its payload.
///
/// Feed every chunk in order to ``feed(_:)-(UnsafeRawBufferPointer)``, which throws at the
/// first byte that breaks the layout; after each feed, ``parts`` holds every part whose kind
/// byte has arrived.
/// ``finish()`` checks that the upload ended where its last part does and gives the parts
/// with their final ranges.
public struct KeyUploadScanner: Sendable {
    /// A Hef file inside the upload: its kind and where its bytes are.
    public struct Part: Sendable, Equatable {
        public var kind: HefFileKind
        public var range: Range<Int>

        public init(kind: HefFileKind, range: Range<Int>) {
            self.kind = kind
            self.range = range
        }
    }

    private enum State: Sendable {
        /// The first four bytes: a bundle's magic or a Hef file's.
        case prefix
        /// A bundle's version (offset 4) and part count (offset 5).
        case bundleHeader
        /// A part's u64 length, little-endian.
        case length
        /// Inside a part that ends at `end` (`Int.max` for a plain file).
        case part(end: Int)
        /// After a bundle's last part: nothing may follow.
        case done
    }

    /// The parts whose kind is known so far, in order.
    public private(set) var parts: [Part] = []
    /// How many bytes were fed.
    public private(set) var count = 0

    private var state = State.prefix
    private var isBundle = false
    private var partCount = 0
    /// The bytes of the field being read (the prefix, a length, a part's first five bytes).
    private var field: [UInt8] = []
    private var partStart = 0

    private static let hefMagic: [UInt8] = [0x48, 0x45, 0x46, 0x00]

    public init() {}

    /// Takes the next chunk of the upload.
    /// - Throws: `CKKSError.malformedData` when the bytes so far are not a key upload's.
    public mutating func feed(_ chunk: UnsafeRawBufferPointer) throws {
        var i = 0
        while i < chunk.count {
            switch state {
            case .part(let end):
                if count - partStart < 5 {
                    try partHead(chunk[i], end: end)
                    i += 1
                    count += 1
                } else {
                    // The payload: skipped in bulk.
                    let step = min(chunk.count - i, end - count)
                    i += step
                    count += step
                }
                if count == end { try endPart() }
            default:
                try take(chunk[i])
                i += 1
                count += 1
            }
        }
    }

    /// Takes the next chunk of the upload (see ``feed(_:)-(UnsafeRawBufferPointer)``).
    public mutating func feed(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try feed($0) }
    }

    /// Checks that the upload is complete and answers its parts.
    /// - Throws: `CKKSError.malformedData` for an upload that ends inside its layout.
    public func finish() throws -> [Part] {
        switch state {
        case .done:
            return parts
        case .part(let end) where end == Int.max && parts.count == 1:
            return [Part(kind: parts[0].kind, range: 0..<count)]
        default:
            if isBundle {
                throw CKKSError.malformedData(
                    "the key bundle ends inside part \(parts.count + 1) of \(partCount) (after \(count) bytes)")
            }
            throw CKKSError.malformedData("an upload of \(count) bytes is not a Hef file")
        }
    }

    private mutating func take(_ byte: UInt8) throws {
        switch state {
        case .prefix:
            field.append(byte)
            guard field.count == 4 else { return }
            if field == KeyBundle.magic {
                isBundle = true
                field = []
                state = .bundleHeader
            } else {
                // A plain file: these were its magic; its kind comes next.
                guard field == Self.hefMagic else {
                    throw CKKSError.malformedData("not a Hef file or key bundle (the first bytes are neither's magic)")
                }
                partStart = 0
                state = .part(end: Int.max)
            }
        case .bundleHeader:
            if count == 4 {
                guard byte == KeyBundle.version else {
                    throw CKKSError.malformedData("a key bundle of an unknown version")
                }
            } else {
                partCount = Int(byte)
                guard (1...KeyBundle.maxParts).contains(partCount) else {
                    throw CKKSError.malformedData(
                        "a key bundle of \(partCount) parts (1 to \(KeyBundle.maxParts) expected)")
                }
                state = .length
            }
        case .length:
            field.append(byte)
            guard field.count == 8 else { return }
            var length: UInt64 = 0
            for k in 0..<8 { length |= UInt64(field[k]) << (8 * UInt64(k)) }
            field = []
            guard length >= 5, length <= UInt64(Int.max / 4) else {
                throw CKKSError.malformedData("part \(parts.count + 1) of the key bundle has length \(length)")
            }
            partStart = count + 1
            state = .part(end: partStart + Int(length))
        case .part:
            preconditionFailure("parts are read by feed")
        case .done:
            throw CKKSError.malformedData("bytes after the key bundle's last part")
        }
    }

    /// One of a part's first five bytes (at offset `count`): the Hef magic, then the kind.
    private mutating func partHead(_ byte: UInt8, end: Int) throws {
        field.append(byte)
        if field.count == 4 && field != Self.hefMagic {
            throw CKKSError.malformedData("part \(parts.count + 1) of the upload is not a Hef file")
        }
        if field.count == 5 {
            guard let kind = HefFileKind(rawValue: byte) else {
                throw CKKSError.malformedData("part \(parts.count + 1) of the upload has unknown kind \(byte)")
            }
            parts.append(Part(kind: kind, range: partStart..<end))
            field = []
        }
    }

    private mutating func endPart() throws {
        guard case .part(let end) = state, end != Int.max else { return }
        state = parts.count == partCount ? .done : .length
    }
}
