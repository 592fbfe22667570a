public import HefCKKS

/// The body of `POST /v1/models/{id}/keys` when a model needs more than evaluation keys: the
/// key holder's public key (a model with client-aided refreshes: the server re-randomizes the
/// masked ciphertexts with it) and encapsulation keys (a model that bootstraps). A model that
/// needs evaluation keys only takes the plain `eval.key` file, as before.
///
/// ```
/// magic   4   "HEFB"
/// version 1   1
/// count   1   1 … 4
/// count × (length u64 little-endian, a whole Hef file of that many bytes)
/// ```
///
/// The key id the server answers is the SHA-256 of the body as sent (bundle or plain file).
/// Only public material belongs in a bundle; the server refuses any other kind of part.
public enum KeyBundle {
    /// The first four bytes of a bundle.
    public static let magic: [UInt8] = Array("HEFB".utf8)
    static let version: UInt8 = 1
    static let maxParts = 4

    /// Whether `bytes` start like a bundle (else they are read as one Hef file).
    /// - Parameter bytes: An upload.
    public static func isBundle(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 4 && Array(bytes[0..<4]) == magic
    }

    /// A bundle of the given Hef files, in order.
    /// - Parameter files: Serialized Hef files (evaluation keys first by convention).
    public static func make(_ files: [[UInt8]]) -> [UInt8] {
        precondition(!files.isEmpty && files.count <= maxParts)
        var out = magic + [version, UInt8(files.count)]
        for file in files {
            var length = UInt64(file.count)
            for _ in 0..<8 {
                out.append(UInt8(truncatingIfNeeded: length))
                length >>= 8
            }
            out += file
        }
        return out
    }

    /// The Hef files of an upload: a bundle's parts, or the upload itself when it is not a
    /// bundle, each with the kind its header names (only the magic and kind bytes are read; see
    /// ``KeyUploadScanner``).
    /// - Parameter bytes: The upload.
    /// - Throws: `CKKSError.malformedData` for a truncated or inconsistent bundle, bytes after
    ///   the last part, or a part whose header is not a Hef file's.
    public static func parts(of bytes: [UInt8]) throws -> [(kind: HefFileKind, bytes: [UInt8])] {
        var scanner = KeyUploadScanner()
        try scanner.feed(bytes)
        return try scanner.finish().map { ($0.kind, Array(bytes[$0.range])) }
    }
}
