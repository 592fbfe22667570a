import Foundation
public import HefCKKS
import HefRing

#if canImport(Glibc)
    import Glibc
    private func systemOpen(_ p: UnsafePointer<CChar>, _ f: Int32, _ m: mode_t) -> Int32 { Glibc.open(p, f, m) }
    private func systemWrite(_ fd: Int32, _ b: UnsafeRawPointer?, _ n: Int) -> Int { Glibc.write(fd, b, n) }
#elseif canImport(Darwin)
    import Darwin
    private func systemOpen(_ p: UnsafePointer<CChar>, _ f: Int32, _ m: mode_t) -> Int32 { Darwin.open(p, f, m) }
    private func systemWrite(_ fd: Int32, _ b: UnsafeRawPointer?, _ n: Int) -> Int { Darwin.write(fd, b, n) }
#endif

// File I/O for key material. HefCKKS itself serialises to and from bytes only; paths, modes and
// open(2) live here, shared by `hefctl` and the client's key cache (moved from hefctl).

/// Reading and writing whole files, secret ones created with mode 0600 from the start.
public enum SecureFile {
    /// Reads a whole file.
    /// - Parameter path: The file.
    /// - Throws: ``FileAccessError`` when the file is missing, a directory or unreadable.
    public static func read(path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
                throw FileAccessError(isDirectory.boolValue ? "\(path) is a directory" : "cannot read \(path)")
            }
            throw FileAccessError("no such file: \(path)")
        }
        return Array(data)
    }

    /// Writes `bytes` to `path` (replacing it). With `secret`, the file is created with mode
    /// 0600 before any content is written (and an existing file is narrowed to 0600 first).
    /// - Parameters:
    ///   - bytes: The content.
    ///   - path: The file.
    ///   - secret: Owner-only permissions.
    /// - Throws: ``FileAccessError`` when the file cannot be created, narrowed or written.
    public static func write(_ bytes: [UInt8], to path: String, secret: Bool = false) throws {
        let mode: mode_t = secret ? 0o600 : 0o644
        let fd = systemOpen(path, O_CREAT | O_WRONLY | O_TRUNC, mode)
        guard fd >= 0 else {
            throw FileAccessError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        if secret {
            guard fchmod(fd, 0o600) == 0 else {
                throw FileAccessError("cannot restrict permissions of \(path)")
            }
        }
        var written = 0
        try bytes.withUnsafeBytes { buffer in
            while written < buffer.count {
                let n = systemWrite(fd, buffer.baseAddress! + written, buffer.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw FileAccessError("cannot write \(path): \(String(cString: strerror(errno)))")
                }
                written += n
            }
        }
    }

    /// Overwrites a file's bytes with zeros in place (flushed to the disk), then removes it. Best
    /// effort against recovery from the disk: copy-on-write and journaling file systems and SSDs
    /// may keep old blocks elsewhere. A missing file is not an error.
    /// - Parameter path: The file.
    /// - Throws: ``FileAccessError`` when the file exists but cannot be overwritten or removed.
    public static func erase(path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { return }
        let fd = systemOpen(path, O_WRONLY, 0)
        guard fd >= 0 else { throw FileAccessError("cannot overwrite \(path): \(String(cString: strerror(errno)))") }
        var size = Int(lseek(fd, 0, SEEK_END))
        lseek(fd, 0, SEEK_SET)
        let zeros = [UInt8](repeating: 0, count: 1 << 16)
        while size > 0 {
            let n = zeros.withUnsafeBytes { systemWrite(fd, $0.baseAddress!, min(size, zeros.count)) }
            if n < 0 {
                if errno == EINTR { continue }
                close(fd)
                throw FileAccessError("cannot overwrite \(path): \(String(cString: strerror(errno)))")
            }
            size -= n
        }
        fsync(fd)
        close(fd)
        guard unlink(path) == 0 else { throw FileAccessError("cannot remove \(path)") }
    }

    /// Serializes `secretKey` (sealed under `passphrase` when one is given, see ``SealedSecretKey``),
    /// writes it with mode 0600 and wipes the serialized bytes.
    /// - Parameters:
    ///   - secretKey: The key.
    ///   - context: Its context.
    ///   - path: The file.
    ///   - passphrase: Seals the file when given.
    /// - Throws: Serialization, sealing and write errors.
    public static func writeSecretKey(
        _ secretKey: SecretKey, context: CKKSContext, to path: String, passphrase: String? = nil
    ) throws {
        var bytes = try secretKey.serialized(context: context)
        defer { secureZero(&bytes) }
        if let passphrase {
            let sealed = try SealedSecretKey.seal(bytes, passphrase: passphrase)
            try write(sealed, to: path, secret: true)
        } else {
            try write(bytes, to: path, secret: true)
        }
    }

    /// Reads a secret key file's plain bytes: a sealed file is opened with the passphrase that
    /// `passphrase` answers (asked only for a sealed file). The caller wipes the answer with
    /// `secureZero` when done.
    /// - Parameters:
    ///   - path: The file.
    ///   - passphrase: Asked for the passphrase when the file is sealed.
    /// - Throws: Read errors; `SealedKeyError` for a sealed file that does not open.
    public static func readSecretKeyBytes(path: String, passphrase: () throws -> String?) throws -> [UInt8] {
        var bytes = try read(path: path)
        guard SealedSecretKey.isSealed(bytes) else { return bytes }
        defer { secureZero(&bytes) }
        guard let phrase = try passphrase() else { throw SealedKeyError.passphraseRequired(path) }
        return try SealedSecretKey.open(bytes, passphrase: phrase)
    }
}

/// A file that cannot be read or written (missing, a directory, no permission, no such folder):
/// the message names the path and the reason.
public struct FileAccessError: Error, Sendable, CustomStringConvertible {
    /// The path and the reason.
    public let description: String

    /// - Parameter description: The path and the reason.
    public init(_ description: String) { self.description = description }
}
