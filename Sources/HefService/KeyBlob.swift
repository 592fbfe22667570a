import Foundation
import HefWire

/// The bytes of a key set on their way into a registry: in memory (small uploads, tests) or in
/// a staged file (an upload streamed to disk as it arrived, so that a gigabyte of bootstrapping
/// keys is never held in memory whole). The SQLite registry moves a staged file into its blob
/// folder; the PostgreSQL registry copies it into the database chunk by chunk.
public enum KeyBlob: Sendable {
    case bytes([UInt8])
    case file(URL, size: Int)

    /// The blob's length in bytes.
    public var size: Int {
        switch self {
        case .bytes(let bytes): bytes.count
        case .file(_, let size): size
        }
    }

    /// The bytes in `range` (a chunk to store, a part to read).
    public func read(_ range: Range<Int>) throws -> [UInt8] {
        switch self {
        case .bytes(let bytes): return Array(bytes[range])
        case .file(let url, _): return try Self.read(url, range)
        }
    }

    /// The files of the blob (a `KeyBundle`'s parts, or the blob itself), found by reading it
    /// through a `KeyUploadScanner` 4 MiB at a time.
    public func parts() throws -> [KeyUploadScanner.Part] {
        var scanner = KeyUploadScanner()
        var offset = 0
        while offset < size {
            let chunk = try read(offset..<min(size, offset + (4 << 20)))
            try scanner.feed(chunk)
            offset += chunk.count
        }
        return try scanner.finish()
    }

    /// Reads `range` of a file straight into an array (no intermediate `Data`).
    static func read(_ url: URL, _ range: Range<Int>) throws -> [UInt8] {
        let fd = open(url.path, O_RDONLY)
        guard fd >= 0 else { throw ServiceError.internalError("cannot open \(url.lastPathComponent)") }
        defer { close(fd) }
        return try [UInt8](unsafeUninitializedCapacity: range.count) { buffer, initialized in
            var done = 0
            while done < range.count {
                let n = pread(fd, buffer.baseAddress! + done, range.count - done, off_t(range.lowerBound + done))
                guard n > 0 else {
                    initialized = done
                    throw ServiceError.internalError("\(url.lastPathComponent) is shorter than it was")
                }
                done += n
            }
            initialized = done
        }
    }
}
