import Crypto
import Foundation
import HefCKKS
import HefWire
import NIOCore

/// A key upload written to `DATA/uploads` as it streams in: hashed on the way (its SHA-256 is
/// the key id), held to the route's size limit, and followed by a `KeyUploadScanner`, so
/// that a part of the wrong kind (a secret key) is refused from its header before any of its
/// payload reaches the disk. The file is read back into one array per part for validation and then
/// moved or copied into the registry; ``remove()`` deletes what is left.
struct StagedKeys: Sendable {
    let url: URL
    let sha256: String
    let size: Int
    let parts: [KeyUploadScanner.Part]

    var blob: KeyBlob { .file(url, size: size) }

    /// The staging folder under a data folder.
    static func folder(in data: URL) -> URL { data.appendingPathComponent("uploads") }

    /// Removes staged files older than `age` seconds (left by a crash; a live upload is younger).
    static func sweep(folder: URL, age: TimeInterval = 3600) {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: folder.path) else { return }
        let cutoff = Date().addingTimeInterval(-age)
        for name in names {
            let url = folder.appendingPathComponent(name)
            let modified = (try? fm.attributesOfItem(atPath: url.path)[.modificationDate]) as? Date
            if let modified, modified < cutoff { try? fm.removeItem(at: url) }
        }
    }

    /// Streams an upload to a new staged file.
    /// - Throws: `ServiceError` 413 past `limit`, 400 `body_unreadable` when the body breaks
    ///   off, 400 `malformed_keys` for bytes that are not a key upload, 400 `wrong_kind` for a
    ///   part that is not public key material.
    static func stage<Body: AsyncSequence>(_ body: Body, limit: Int, folder: URL) async throws -> StagedKeys
    where Body.Element == ByteBuffer {
        var writer = try Writer(folder: folder, limit: limit)
        do {
            do {
                for try await buffer in body {
                    try buffer.withUnsafeReadableBytes { try writer.append($0) }
                }
            } catch let error as ServiceError {
                throw error
            } catch {
                throw ServiceError.badRequest("body_unreadable", "the request body did not arrive whole")
            }
            return try writer.finish()
        } catch {
            writer.abandon()
            throw error
        }
    }

    /// Stages bytes already in memory (an upload that came inside JSON, through MCP).
    static func stage(_ bytes: [UInt8], limit: Int, folder: URL) throws -> StagedKeys {
        var writer = try Writer(folder: folder, limit: limit)
        do {
            try bytes.withUnsafeBytes { try writer.append($0) }
            return try writer.finish()
        } catch {
            writer.abandon()
            throw error
        }
    }

    /// The parts, each read into its own array (for validation).
    func readParts() throws -> [(kind: HefFileKind, bytes: [UInt8])] {
        try parts.map { ($0.kind, try blob.read($0.range)) }
    }

    /// Deletes the staged file, if the registry did not take it.
    func remove() { try? FileManager.default.removeItem(at: url) }

    /// Writes, hashes and scans an upload's chunks.
    private struct Writer {
        let url: URL
        let handle: FileHandle
        let limit: Int
        var hasher = SHA256()
        var scanner = KeyUploadScanner()
        var size = 0

        init(folder: URL, limit: Int) throws {
            let fm = FileManager.default
            do {
                try fm.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                throw ServiceError.internalError("cannot create the upload folder \(folder.path)")
            }
            url = folder.appendingPathComponent("keys-\(UUID().uuidString)")
            guard fm.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600]),
                let handle = try? FileHandle(forWritingTo: url)
            else { throw ServiceError.internalError("cannot stage an upload in \(folder.path)") }
            self.handle = handle
            self.limit = limit
        }

        mutating func append(_ chunk: UnsafeRawBufferPointer) throws {
            size += chunk.count
            guard size <= limit else { throw ServiceError.tooLarge(limit) }
            let before = scanner.parts.count
            do { try scanner.feed(chunk) } catch {
                throw ServiceError.badRequest(
                    "malformed_keys", "not a Hef evaluation keys file or key bundle: \(error)")
            }
            // A part's kind is known from its fifth byte: check it before the chunk is written.
            for part in scanner.parts[before...] { try ModelRuntime.checkUploadKind(part.kind) }
            hasher.update(bufferPointer: chunk)
            do { try handle.write(contentsOf: chunk) } catch {
                throw ServiceError.internalError("cannot write a staged upload (disk full?)")
            }
        }

        func finish() throws -> StagedKeys {
            let parts: [KeyUploadScanner.Part]
            do { parts = try scanner.finish() } catch {
                throw ServiceError.badRequest(
                    "malformed_keys", "not a Hef evaluation keys file or key bundle: \(error)")
            }
            do { try handle.close() } catch {
                throw ServiceError.internalError("cannot write a staged upload (disk full?)")
            }
            return StagedKeys(url: url, sha256: hasher.finalize().hexString, size: size, parts: parts)
        }

        func abandon() {
            try? handle.close()
            try? FileManager.default.removeItem(at: url)
        }
    }
}
