import HefCKKS
import HefClient

// The tool's file I/O lives in HefClient (`SecureFile`), shared with the client's key cache.
// Kept as `HefFile` statics so the commands read `HefFile.read(path:)` / `HefFile.write(_:to:)`.
extension HefFile {
    /// Reads a whole file.
    static func read(path: String) throws -> [UInt8] { try SecureFile.read(path: path) }

    /// Writes `bytes` to `path`; with `secret`, mode 0600 from the start.
    static func write(_ bytes: [UInt8], to path: String, secret: Bool = false) throws {
        try SecureFile.write(bytes, to: path, secret: secret)
    }
}
